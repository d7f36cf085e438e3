// The public library API of bunkatsu: load a topology, run the engine, check a policy,
// render the results. The CLI and (later) the HTTP server use only what is exported here.

// Topology format and loading
export { loadTopology, type LoadOptions } from './model/load.ts';
export { topologySchema, topologyJsonSchema, FORMAT_VERSION } from './model/schema.ts';
export { DEFAULT_LIMITS, type SourceLimits } from './model/source.ts';
export { decodeInput } from './model/encoding.ts';
export type { TopologyFile, Model, SanitizerMethod, ContentKind } from './model/schema.ts';
export type { Network, Zone, Host, Device, Interface, Rule, Route, RouteAction, Acl, Link, Exception, Intent } from './model/network.ts';
export { resolveAddress, resolveService } from './model/resolve.ts';

// Errors
export { ERROR_CODES, InputError, formatDiagnostic } from './errors.ts';
export type { ErrorCode, Diagnostic, Loc } from './errors.ts';

// Engine
export { createReferenceEngine, type ReferenceOptions } from './engine/reference.ts';
export { traceFlow } from './engine/trace.ts';
export type { ReachabilityEngine, Outcome, Disposition, Hop, Failures } from './engine/types.ts';
export type { HeaderBox, HeaderSet } from './engine/headerset.ts';
export type { EngineFactory } from './policy/analysis.ts';

// Policy
export { loadPack, type Pack } from './policy/pack.ts';
export { runCheck, type CheckOptions } from './policy/check.ts';
export { CATALOGUE } from './policy/rules.ts';
export { zoneMatrix, type MatrixLevel, type ZoneMatrix, type MatrixCell } from './policy/matrix.ts';
export type { CheckReport, Finding, Severity, RuleResult } from './policy/types.ts';

// Reports
export { checkReportText, traceText } from './report/text.ts';
export { checkReportJson, outcomesJson } from './report/json.ts';
export { matrixJson, matrixCsv } from './report/matrix.ts';
export type { Lang } from './report/describe.ts';

// Generator (benchmark and test topologies with planted violations)
export { generateTopology, headerLines } from './generate/generate.ts';
export type { GenerateOptions, GenerateResult, GenerateStats, PlantedViolation, GeneratedModel, TopologyInput } from './generate/generate.ts';
export { SCALES, SCALE_NAMES, type ScaleName, type ScaleSpec } from './generate/catalogue.ts';
export { toYaml, toJson } from './generate/emit.ts';

// Data planes: loops, black holes and reachability; the Stanford backbone import and replay
export { checkDataplane, type DataplaneOptions, type DataplaneReport, type ReachLevel } from './dataplane/check.ts';
export { dataplaneJson, dataplaneText } from './report/dataplane.ts';
export { parseStanford, stanfordTopology, stanfordText, type StanfordData, type StanfordFiles, type TracePort } from './import/stanford.ts';
export { runReplay, type ReplayOptions, type ReplayRun, type ReplaySummary, type EdgePort } from './dataplane/replay-run.ts';
export { replayJson, replayText } from './report/replay.ts';
