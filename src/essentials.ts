// The essentials of the public library API: what every command of the CLI needs (load, check,
// trace, the matrix and the data planes, render) and nothing it needs only sometimes. index.ts
// exports all of it and the rest (review, replay, the importers, the generator). The CLI imports
// this file statically and index.ts on use: the bundle (esbuild --splitting) splits by file, and
// every file a static import reaches is in the chunks an entry loads at start, used or not; so
// `check` compiles and runs neither the importers, the generator, reviews nor replay
// (docs/architecture.md).

// ── The package: where it is installed (the bundled policy packs) and its version ──────────
export { PACKAGE_ROOT, DEFAULT_POLICY_FILE, DEFAULT_POLICY_NAME, BUNDLED_POLICIES, bundledPolicy, VERSION } from './package.ts';

// ── Errors: stable codes, bad input as diagnostics with locations ──────────────────────────
export { ERROR_CODES, InputError, formatDiagnostic } from './errors.ts';
export type { ErrorCode, Diagnostic, Loc } from './errors.ts';

// ── Load: input decoding, topologies, policy packs ─────────────────────────────────────────
export { decodeInput } from './model/encoding.ts';
export { DEFAULT_LIMITS, readSource } from './model/source.ts';
export type { SourceLimits, SourceDocument, ReadResult } from './model/source.ts';
export { loadTopology, loadDocument, type LoadOptions, type LoadProgress } from './model/load.ts';
export { withFlows, readFlows, flowsJsonSchema, FLOWS_MARKER, FLOW_LISTS } from './model/flows.ts';
export { topologySchema, topologyJsonSchema, FORMAT_VERSION } from './model/schema.ts';
export type { TopologyFile, Model, SanitizerMethod, ContentKind } from './model/schema.ts';
export type { Network, Zone, Host, Device, Interface, Rule, Route, RouteAction, Acl, Link, Exception, Intent } from './model/network.ts';
export { isCalendarDate } from './model/dates.ts';
// Address, service and host references as given on a command line or in a request.
export { resolveAddress, resolveService, type Resolved } from './model/resolve.ts';
export { loadPack, type Pack } from './policy/pack.ts';

// ── Engines: the registry by name (fast, reference), and each engine ───────────────────────
export { ENGINES, DEFAULT_ENGINE, engineFactoryNamed } from './engine/registry.ts';
export { createReferenceEngine, type ReferenceOptions } from './engine/reference.ts';
export { createFastEngine, type FastEngine, type FastOptions } from './engine/fast.ts';
export { traceFlow } from './engine/trace.ts';
export type { ReachabilityEngine, Outcome, Disposition, Hop, Failures, EngineChange, Derived } from './engine/types.ts';
export type { HeaderSpace, HeaderField } from './engine/space.ts';
export type { HeaderBox, HeaderSet, Packet } from './engine/headerset.ts';
export type { EngineFactory } from './engine/types.ts';

// ── Check: a topology against a policy pack; the zone (or domain) matrix ───────────────────
export { runCheck, type CheckOptions } from './policy/check.ts';
export { CATALOGUE } from './policy/rules.ts';
export { zoneMatrix, type MatrixLevel, type ZoneMatrix, type MatrixCell } from './policy/matrix.ts';
// A finding is data (rule, kind, typed subject, facts); its wording is findingText / subjectText below.
export type { CheckReport, Finding, FindingKind, Severity, RuleResult, Subject } from './policy/types.ts';
export { findingKey, FINDING_KINDS } from './policy/types.ts';

// ── Data planes: loops, black holes and reachability per header class ──────────────────────
// The question every engine answers (ReachabilityEngine.dataplane); checkDataplane asks it of the engine chosen.
export { checkDataplane, DEFAULT_MAX_CLASSES, type DataplaneOptions, type DataplaneReport } from './dataplane/check.ts';
export type {
  ReachLevel,
  DataplaneQuery,
  DataplaneAnswer,
  Loop,
  BlackHole,
  Drop,
  DropKind,
  ReachCell,
  ReachMatrix,
  HeaderListing,
  PathHop,
  Origin,
  WitnessPath,
} from './engine/types.ts';

// ── Words of the command line: input errors, progress phases, the generator's scales ────────
export { diagnosticMessage, diagnosticText, ERROR_MEANINGS, errorCountText, japaneseMessage } from './report/diagnostics.ts';
export { PROGRESS_PHASES, type ProgressPhase } from './report/progress.ts';
export { SCALES, SCALE_NAMES, type ScaleName, type ScaleSpec } from './generate/catalogue.ts';

// ── Render: every report in every format, through one table (report/render.ts) ─────────────
export { render, FORMATS, isFormatOf } from './report/render.ts';
export type { Renderable, Renderables, ReportKind, FormatOf } from './report/render.ts';
export type { Lang } from './report/describe.ts';
// The wording of findings: one catalogue of templates per rule and kind, in Japanese and English.
export { findingText, RULE_TITLES, subjectText, type FindingText } from './report/messages.ts';
// The renderers one by one, for callers that shape their own documents (the server's trace).
export { checkReportText, traceText } from './report/text.ts';
export { checkReportJson, outcomesJson } from './report/json.ts';
export { checkSarif, reviewSarif } from './report/sarif.ts';
export { checkJunit, reviewJunit } from './report/junit.ts';
export { checkMarkdown, reviewMarkdown } from './report/markdown.ts';
export { recomputeReason, reviewText, reviewJson, sweepText } from './report/review.ts';
export { matrixText, matrixJson, matrixCsv, matrixRows, matrixColumns, type MatrixRow } from './report/matrix.ts';
// The 通信マトリクス as an Excel workbook (bytes; the one renderer that is not text).
export { matrixXlsx } from './report/xlsx.ts';
// The audit report (one self-contained HTML file) and diagrams of the zone graph or a witness path.
export { auditReportHtml, clauseVerdict, type AuditReportInput } from './report/html.ts';
export { zoneDiagram, witnessDiagram, diagramSvg, diagramDot, diagramMermaid, type Diagram, type DomainNames } from './report/diagram.ts';
export { findingIds } from './report/ids.ts';
export { dataplaneJson, dataplaneText } from './report/dataplane.ts';
export { replayJson, replayText, replayLogLine, type ReplayContext } from './report/replay.ts';
