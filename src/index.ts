// The public library API of bunkatsu, and the only door into it for the adapters: the CLI
// (src/cli) and the HTTP server (src/server) import from here and nowhere else in src/ but its
// essentials, essentials.ts, which this file exports whole (a test,
// tests/architecture/adapters.test.ts, keeps it so). essentials.ts: load, check, trace, matrix,
// data planes, render, package facts; here the rest, as the pipeline runs: review, simulate,
// replay, import, generate.

export * from './essentials.ts';

// ── Load: change files ─────────────────────────────────────────────────────────────────────
export { loadChange, loadChangeDocument, documentKind, NotAChangeFileError, CHANGE_MARKER, CHANGE_FORMAT_VERSION } from './review/change.ts';
export type { LoadedChange, ChangeFile } from './review/change.ts';

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

// ── Replay: an update trace with incremental loop checks ───────────────────────────────────
export { runReplay, type ReplayOptions, type ReplayRun, type ReplaySummary, type EdgePort } from './incremental/replay-run.ts';

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
export type { ConfigAcl, SkippedSection, SkippedSummary } from './import/config.ts';
export type { ConfigDevice, ConfigInterface, ConfigRoute, ConfigRule, ImportedConfig, ImportWarning } from './import/config.ts';
export type { Inventory, InventoryDevice, InventoryLink, InventoryPrefix } from './import/config.ts';
export { fullestPoint, RuleTable } from './model/updates.ts';
export type { TracePort, Update } from './model/updates.ts';

// ── Generate: benchmark and test topologies with planted violations ────────────────────────
export { generateTopology, headerLines } from './generate/generate.ts';
export type { GenerateOptions, GenerateResult, GenerateStats, PlantedViolation, GeneratedModel, TopologyInput } from './generate/generate.ts';
export { toYaml, toJson, type Plain } from './model/write.ts';

// ── The zone graph with its layout, for the web page (zones banded by domain, devices, links, sanitized channels) ─
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
