// The public library API of bunkatsu, and the only door into it for the adapters: the CLI
// (src/cli) and the HTTP server (src/server) import from here and nowhere else in src/ (a test,
// tests/architecture/adapters.test.ts, keeps it so). Grouped as the pipeline runs: load, check,
// review, simulate, data planes, replay, import, generate; engines; render; package facts.

// ── The package: where it is installed (the bundled policy packs) and its version ──────────
export { PACKAGE_ROOT, DEFAULT_POLICY_FILE, DEFAULT_POLICY_NAME, BUNDLED_POLICIES, bundledPolicy, VERSION } from './package.ts';

// ── Errors: stable codes, bad input as diagnostics with locations ──────────────────────────
export { ERROR_CODES, InputError, formatDiagnostic } from './errors.ts';
export type { ErrorCode, Diagnostic, Loc } from './errors.ts';

// ── Load: input decoding, topologies, policy packs, change files ────────────────────────────
export { decodeInput } from './model/encoding.ts';
export { DEFAULT_LIMITS, readSource } from './model/source.ts';
export type { SourceLimits, SourceDocument, ReadResult } from './model/source.ts';
export { loadTopology, loadDocument, type LoadOptions, type LoadProgress } from './model/load.ts';
export { topologySchema, topologyJsonSchema, FORMAT_VERSION } from './model/schema.ts';
export type { TopologyFile, Model, SanitizerMethod, ContentKind } from './model/schema.ts';
export type { Network, Zone, Host, Device, Interface, Rule, Route, RouteAction, Acl, Link, Exception, Intent } from './model/network.ts';
export { isCalendarDate } from './model/dates.ts';
// Address, service and host references as given on a command line or in a request.
export { resolveAddress, resolveService, type Resolved } from './model/resolve.ts';
export { loadPack, type Pack } from './policy/pack.ts';
export { loadChange, loadChangeDocument, documentKind, NotAChangeFileError, CHANGE_MARKER, CHANGE_FORMAT_VERSION } from './review/change.ts';
export type { LoadedChange, ChangeFile } from './review/change.ts';

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

// ── Review: a change (change file, or the whole topology after) against a topology ──────────
// reviewChange is the pipeline; the other steps are for callers that cache a prepared base.
export { reviewChange, readChange, loadReviewTopology, prepareReview } from './review/run.ts';
export type { ReviewRequest, ReviewResult, ReviewTopology, PreparedTopology, ReviewChange, ChangeAccept } from './review/run.ts';
export type { ReviewBase } from './review/review.ts';
export type {
  ReviewReport,
  ReviewNetworks,
  Verdict,
  FlowChange,
  IntentChange,
  IntentProblem,
  ChangeOperation,
  ZoneMove,
  RecomputeCause,
} from './review/types.ts';

// ── Simulate: what-if failures (the n-1 sweep; --down is a review of a `down` change) ───────
export { sweepSingleFailures, type SweepResult, type SweepElement } from './review/simulate.ts';

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

// ── Replay: an update trace with incremental loop checks ───────────────────────────────────
export { runReplay, type ReplayOptions, type ReplayRun, type ReplaySummary, type EdgePort } from './incremental/replay-run.ts';
export { replayLogLine, type ReplayContext } from './report/replay.ts';

// ── Import: the Stanford backbone (APKeep networks/stanford) as a topology ─────────────────
export { parseStanford, stanfordNetwork, stanfordTopology, stanfordText } from './import/stanford.ts';
export type { StanfordData, StanfordFiles } from './import/stanford.ts';
// ── Import: device configurations (FortiGate) and a site file as a topology (docs/import.md) ─
export { parseFortigate, parseFortiosTree } from './import/fortigate.ts';
export { parseIptables } from './import/iptables.ts';
export { parseNftables } from './import/nftables.ts';
export type { HostFiles } from './import/linux.ts';
export { parseContainerlab, type ContainerlabImport } from './import/containerlab.ts';
export { parseNetbox } from './import/netbox.ts';
export { CLAB_KIND_VENDORS, VENDOR_IMPORTERS, type VendorImporter } from './import/vendors.ts';
export { parseAsa } from './import/asa.ts';
export { parsePaloalto } from './import/paloalto.ts';
export { parseRtx } from './import/rtx.ts';
export { composeTopology, composedText, type Composed } from './import/compose.ts';
export { loadSite, siteJsonSchema, siteSchema, type Site, type SiteFile } from './import/site.ts';
export { importWarningText, skippedSummaryText } from './report/import.ts';
export { skippedByFile } from './import/config.ts';
export { diagnosticText, ERROR_MEANINGS, errorCountText, japaneseMessage } from './report/diagnostics.ts';
export { PROGRESS_PHASES, type ProgressPhase } from './report/progress.ts';
export type { ConfigAcl, SkippedSection, SkippedSummary } from './import/config.ts';
export type { ConfigDevice, ConfigInterface, ConfigRoute, ConfigRule, ImportedConfig, ImportWarning } from './import/config.ts';
export type { Inventory, InventoryDevice, InventoryLink, InventoryPrefix } from './import/config.ts';
export { fullestPoint, RuleTable } from './model/updates.ts';
export type { TracePort, Update } from './model/updates.ts';

// ── Generate: benchmark and test topologies with planted violations ────────────────────────
export { generateTopology, headerLines } from './generate/generate.ts';
export type { GenerateOptions, GenerateResult, GenerateStats, PlantedViolation, GeneratedModel, TopologyInput } from './generate/generate.ts';
export { SCALES, SCALE_NAMES, type ScaleName, type ScaleSpec } from './generate/catalogue.ts';
export { toYaml, toJson, type Plain } from './model/write.ts';

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
// The zone graph with its layout, for the web page (zones banded by domain, devices, links, sanitized channels).
export {
  zoneGraph,
  MAIN_DOMAINS,
  type ZoneGraph,
  type GraphNode,
  type GraphEdge,
  type GraphBand,
  type SanitizedChannel,
  type DomainName,
} from './report/zone-graph.ts';
export { dataplaneJson, dataplaneText } from './report/dataplane.ts';
export { replayJson, replayText } from './report/replay.ts';
