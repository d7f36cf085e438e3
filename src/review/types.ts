// What a change review found: the flows a change opens and closes, the findings it brings
// and resolves, the flow intents it breaks and restores, and a verdict. Data only; the
// renderers (text, JSON, Markdown, SARIF, JUnit) live in src/report/.

import type { Loc } from '../errors.ts';
import type { Network } from '../model/network.ts';
import type { Ipv4Range } from '../net/ipv4.ts';
import type { CheckReport, Finding, HeaderClass, Localized } from '../policy/types.ts';

/** Why a review recomputed what it did (the renderers word it in each language). */
export type RecomputeCause =
  /** Incremental: only the headers the change touches. */
  | { readonly kind: 'touched' }
  /** Two whole topologies were compared, not a change file. */
  | { readonly kind: 'whole-topologies' }
  /** An operation that adds or removes interfaces, links or zones (op as in the change file, e.g. add-link). */
  | { readonly kind: 'structural'; readonly op: string; readonly subject: string }
  /** The engine recomputes everything (the reference engine). */
  | { readonly kind: 'engine'; readonly engine: string }
  /** The change touches every header. */
  | { readonly kind: 'every-header' };

/** One operation of a change file, as the reviewer should read it. */
export interface ChangeOperation {
  /** e.g. "add-rule", "remove-rule", "replace-rule", "move-rule", "down". */
  readonly op: string;
  /** One line: "add rule e-web at position 3 of lg-edge-fw" (「lg-edge-fw の 3 番目にルール e-web（許可）を追加」). */
  readonly summary: Localized;
  /** Where the operation is written in the change file. */
  readonly loc: Loc;
}

/** Headers between two zones that the change lets through, or stops. */
export interface FlowChange {
  /** Zone ids. */
  readonly from: string;
  readonly to: string;
  /** Domains of the two zones (as in the topology). */
  readonly fromDomain: string;
  readonly toDomain: string;
  /**
   * The classes, each with a witness: for newly allowed flows a path in the network after the
   * change; for newly blocked ones, the path they took before it.
   */
  readonly classes: readonly HeaderClass[];
}

/**
 * Addresses the change moves from one zone to another (a zone added or removed, subnets
 * changed): the same addresses, owned by `to` after the change instead of `from` (zone ids;
 * undefined where no zone owns them). Flows to and from them change names, not paths: a review
 * reports the move, not its flows as opened or blocked.
 */
export interface ZoneMove {
  readonly from: string | undefined;
  readonly fromDomain: string | undefined;
  readonly to: string | undefined;
  readonly toDomain: string | undefined;
  readonly addresses: readonly Ipv4Range[];
}

export interface IntentChange {
  readonly intent: string;
  readonly purpose: string;
  /** Where the intent is declared (in the topology after the change, or before for removed ones). */
  readonly loc: Loc;
  /** What no longer gets through (broken) or now does (restored): legs, e.g. "lg-office → sg:lg". */
  readonly problems: readonly IntentProblem[];
}

/**
 * Why a flow intent does not get through: a leg that does not, a finding about the intent as
 * a whole (a plan that fails: its wording is report/'s), or the intent's removal.
 */
export type IntentProblem =
  | { readonly kind: 'leg'; readonly leg: string }
  | { readonly kind: 'finding'; readonly finding: Finding }
  | { readonly kind: 'removed' };

export type Verdict = 'approve' | 'reject' | 'needs-attention';

/** Whether each policy rule and each flow intent holds after the change (JUnit test cases). */
export interface IntentStatus {
  readonly intent: string;
  readonly purpose: string;
  readonly ok: boolean;
  readonly loc: Loc;
  /** Why not, when not ok. */
  readonly problems: readonly IntentProblem[] | undefined;
}

export interface ReviewReport {
  readonly before: { readonly file: string; readonly name: string };
  readonly after: { readonly file: string; readonly name: string };
  /** The change file (undefined when two whole topologies were compared). */
  readonly change: { readonly file: string; readonly operations: readonly ChangeOperation[] } | undefined;
  readonly engine: string;
  /**
   * incremental: only the headers the change touches were recomputed; full: everything was
   * (the change was too broad, or it added elements), with the reason.
   */
  readonly recompute: { readonly mode: 'incremental' | 'full'; readonly cause: RecomputeCause };
  readonly newlyAllowed: readonly FlowChange[];
  /** Headers that arrive before and not after, between the same zones, with neither address moved to another zone. */
  readonly newlyBlocked: readonly FlowChange[];
  /** Addresses moved to another zone (re-zoning). */
  readonly rezoned: readonly ZoneMove[];
  /**
   * Flows to or from re-zoned addresses that arrived before the change and arrive nowhere after
   * it (e.g. a rule written for the zone they left no longer covers them), with their paths
   * before: a consequence of the re-zoning, not among the blocked flows.
   */
  readonly rezonedStopped: readonly FlowChange[];
  /** Findings present after and not before (in the network after), and the reverse. */
  readonly findingsIntroduced: readonly Finding[];
  readonly findingsResolved: readonly Finding[];
  readonly intentsBroken: readonly IntentChange[];
  readonly intentsRestored: readonly IntentChange[];
  /** The policy check of the network after the change, rule by rule. */
  readonly checkAfter: CheckReport;
  readonly intents: readonly IntentStatus[];
  readonly verdict: Verdict;
  /** A few lines a reviewer can paste into a ticket. */
  readonly summary: Localized;
  readonly elapsedMs: number;
}

/** The two networks a review's indices refer to (witness hops, finding locations). */
export interface ReviewNetworks {
  readonly before: Network;
  readonly after: Network;
}
