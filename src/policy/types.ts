// Findings are data: what a policy rule found, where, the evidence (header classes with a
// witness path each), and messages in Japanese and English. Rendering lives in report/.

import type { Loc } from '../errors.ts';
import type { HeaderBox } from '../engine/headerset.ts';
import type { DecidingRule, Disposition, Hop, Packet } from '../engine/types.ts';

export type { Packet };

export type Severity = 'error' | 'warning' | 'info';
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

export interface Localized {
  readonly ja: string;
  readonly en: string;
}


/** A path that shows a header class doing what the finding says, hop by hop. */
export interface Witness {
  readonly packet: Packet;
  readonly hops: readonly Hop[];
  readonly disposition: Disposition;
}

/**
 * One offending class: boxes that share source, protocol and ports and differ only in
 * destination, so that "to every address of the public Internet" reads as one class.
 */
export interface HeaderClass {
  readonly boxes: readonly HeaderBox[];
  readonly witness: Witness | undefined;
}

/** A firewall rule that lets an offending class through, located in the topology file. */
export interface PermittingRule extends DecidingRule {
  readonly device: string;
}

/** Kinds of firewall hygiene finding (pack parameter `kinds`). */
export const HYGIENE_KINDS = ['shadowed', 'conflicting', 'redundant', 'broad', 'unneeded'] as const;
export type HygieneKind = (typeof HYGIENE_KINDS)[number];

/** A pair of zones, from one to the other (flow findings). */
export interface ZonePairSubject { readonly kind: 'zone-pair'; readonly from: string; readonly to: string }
/** Two zones at once (overlapping subnets), in zone order. */
export interface ZonesSubject { readonly kind: 'zones'; readonly zones: readonly [string, string] }
export interface DeviceSubject { readonly kind: 'device'; readonly id: string }
/** An interface of a device (an address it uses). */
export interface InterfaceSubject { readonly kind: 'interface'; readonly device: string; readonly name: string }
/** A host or host group. */
export interface HostSubject { readonly kind: 'host'; readonly id: string }
export interface ExceptionSubject { readonly kind: 'exception'; readonly id: string }
export interface IntentSubject { readonly kind: 'intent'; readonly id: string }
/** One leg of a flow intent (label: "from → to" of the leg). */
export interface LegSubject { readonly kind: 'leg'; readonly intent: string; readonly leg: string }
/** A firewall rule of a device. */
export interface RuleSubject { readonly kind: 'rule'; readonly device: string; readonly rule: string }

/** What a finding is about, as data; report/ prints it (`subjectText`). */
export type Subject =
  | ZonePairSubject | ZonesSubject | DeviceSubject | InterfaceSubject | HostSubject
  | ExceptionSubject | IntentSubject | LegSubject | RuleSubject;

/** What every finding has, whatever its rule. */
export interface FindingCommon {
  readonly severity: Severity;
  /** Clause of the policy text, e.g. `§6(3)イ`. */
  readonly clause: string;
  readonly message: Localized;
  readonly hint: Localized;
  /** Primary location: the permitting rule's line for flow findings, else the object. */
  readonly loc: Loc;
  readonly classes: readonly HeaderClass[];
  readonly permittedBy: readonly PermittingRule[];
}

/** A finding of rule `R`, of kind `K` (one message template each), about subject `S`. */
type FindingOf<R extends string, K extends string, S extends Subject> = FindingCommon & {
  /** Policy rule id, e.g. `path-separation`. */
  readonly rule: R;
  /** What the rule found, e.g. `reach` or `shadowed`. */
  readonly kind: K;
  readonly subject: S;
};

/** Findings: a union on the rule id, then on the kind, each with its typed subject. */
export type Finding =
  | FindingOf<'mynumber-isolation', 'reach', ZonePairSubject>
  | FindingOf<'mynumber-isolation', 'bridge', DeviceSubject>
  | FindingOf<'mynumber-exception-scope', 'too-wide', ExceptionSubject>
  | FindingOf<'mynumber-endpoint-controls', 'missing-controls', HostSubject>
  | FindingOf<'path-separation', 'reach', ZonePairSubject>
  | FindingOf<'sanitized-communication', 'no-sanitizer' | 'unknown-content' | 'wrong-method' | 'no-relay', IntentSubject>
  | FindingOf<'sanitized-communication', 'leg', LegSubject>
  | FindingOf<'security-cloud-aggregation', 'bypass', ZonePairSubject>
  | FindingOf<'inventory', 'no-zone', DeviceSubject>
  | FindingOf<'inventory', 'address-conflict', HostSubject | InterfaceSubject>
  | FindingOf<'inventory', 'subnet-overlap', ZonesSubject>
  | FindingOf<'intent-reachability', 'no-relay', IntentSubject>
  | FindingOf<'intent-reachability', 'leg', LegSubject>
  | FindingOf<'availability', 'single-failure', IntentSubject>
  | FindingOf<'firewall-hygiene', HygieneKind, RuleSubject>;

export type FindingRule = Finding['rule'];
/** The kinds of finding of rule `R`. */
export type FindingKind<R extends FindingRule = FindingRule> = Extract<Finding, { rule: R }>['kind'];

/**
 * The identity of a finding across two checks (a review's introduced and resolved): the
 * rule and the subject; for firewall hygiene also the kind (one rule can be both
 * shadowed and broad).
 */
export function findingKey(f: Finding): string {
  const s = f.subject;
  const parts: string[] = [f.rule, s.kind];
  switch (s.kind) {
    case 'zone-pair': parts.push(s.from, s.to); break;
    case 'zones': parts.push(...s.zones); break;
    case 'interface': parts.push(s.device, s.name); break;
    case 'leg': parts.push(s.intent, s.leg); break;
    case 'rule': parts.push(s.device, s.rule); break;
    default: parts.push(s.id);
  }
  if (f.rule === 'firewall-hygiene') parts.push(f.kind);
  return parts.join('\u0000');
}

export type RuleStatus = 'pass' | 'fail' | 'disabled';

export interface RuleResult {
  readonly id: string;
  readonly clause: string;
  readonly title: Localized;
  readonly severity: Severity;
  readonly status: RuleStatus;
  readonly findings: number;
}

export interface CheckReport {
  readonly topology: { readonly file: string; readonly name: string; readonly model: string };
  readonly policy: { readonly name: string; readonly source: string };
  readonly engine: string;
  readonly rules: readonly RuleResult[];
  readonly findings: readonly Finding[];
  readonly summary: { readonly errors: number; readonly warnings: number; readonly infos: number; readonly rulesChecked: number; readonly rulesFailed: number };
}
