// Findings are data: what a policy rule found (a union on the rule id and kind), about what (a
// typed subject), where, the facts and evidence (header classes with a witness path each).
// Their wording in Japanese and English is report/messages.ts; rendering lives in report/.

import type { Loc } from '../errors.ts';
import type { HeaderBox } from '../engine/headerset.ts';
import type { DecidingRule, Disposition, Hop, Packet } from '../engine/types.ts';
import type { DeviceKind } from '../model/network.ts';

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
 * One offending class: one way through the network, the disjoint boxes whose witnesses take the
 * same path with the same deciding rules (analysis.ts classesOf), so that "from every address of
 * the public Internet" reads as one class. Its witness is a packet of one of its boxes.
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
export interface ZonePairSubject {
  readonly kind: 'zone-pair';
  readonly from: string;
  readonly to: string;
}
/** Two zones at once (overlapping subnets), in zone order. */
export interface ZonesSubject {
  readonly kind: 'zones';
  readonly zones: readonly [string, string];
}
export interface DeviceSubject {
  readonly kind: 'device';
  readonly id: string;
}
/** An interface of a device (an address it uses). */
export interface InterfaceSubject {
  readonly kind: 'interface';
  readonly device: string;
  readonly name: string;
}
/** A host or host group. */
export interface HostSubject {
  readonly kind: 'host';
  readonly id: string;
}
export interface ExceptionSubject {
  readonly kind: 'exception';
  readonly id: string;
}
/** A cloud service declared for the α' model (`cloudServices:`). */
export interface CloudServiceSubject {
  readonly kind: 'cloud-service';
  readonly id: string;
}
export interface IntentSubject {
  readonly kind: 'intent';
  readonly id: string;
}
/** One leg of a flow intent (label: "from → to" of the leg). */
export interface LegSubject {
  readonly kind: 'leg';
  readonly intent: string;
  readonly leg: string;
}
/** A firewall rule of a device. */
export interface RuleSubject {
  readonly kind: 'rule';
  readonly device: string;
  readonly rule: string;
}

/** What a finding is about, as data; report/ prints it (`subjectText`). */
export type Subject =
  | ZonePairSubject
  | ZonesSubject
  | DeviceSubject
  | InterfaceSubject
  | HostSubject
  | ExceptionSubject
  | CloudServiceSubject
  | IntentSubject
  | LegSubject
  | RuleSubject;

/** What every finding has, whatever its rule. */
export interface FindingCommon {
  readonly severity: Severity;
  /** Clause of the policy text, e.g. `§6(3)イ`. */
  readonly clause: string;
  /**
   * Primary location: the permitting rule's line for flow findings (the interface of the
   * device joining the domains when no rule permits them), else the object.
   */
  readonly loc: Loc;
  readonly classes: readonly HeaderClass[];
  readonly permittedBy: readonly PermittingRule[];
}

/**
 * A finding of rule `R`, of kind `K`, about subject `S`, with the facts `D` its message is
 * made of (report/messages.ts holds one template per rule and kind).
 */
type FindingOf<R extends string, K extends string, S extends Subject, D = unknown> = FindingCommon &
  D & {
    /** Policy rule id, e.g. `path-separation`. */
    readonly rule: R;
    /** What the rule found, e.g. `reach` or `shadowed`. */
    readonly kind: K;
    readonly subject: S;
  };

/** A zone with its domain and the domain's name in the policy pack (the id if it has none). */
export interface ZoneRef {
  readonly id: string;
  readonly domain: string;
  readonly domainName: Localized;
}

/** One leg of a device that joins two domains: the interface, its zone and domain. */
export interface JunctionLeg {
  readonly name: string;
  /** The interface's zone; undefined for an interface on a link (its domain is the one the packet came from). */
  readonly zone: string | undefined;
  readonly domain: string;
  readonly domainName: Localized;
  readonly loc: Loc;
}

/**
 * The device where a flow finding's packets pass from one domain into the other without any
 * firewall rule permitting them (a router or switch with legs in both, a second uplink): the
 * first such device on a witness path, entered by `legs[0]` and left by `legs[1]`.
 */
export interface Junction {
  readonly device: string;
  readonly deviceKind: DeviceKind;
  readonly legs: readonly [JunctionLeg, JunctionLeg];
}

/** The facts of a flow finding: the two zones; `junction` when no firewall rule lets it through. */
export interface ZoneFacts {
  readonly from: ZoneRef;
  readonly to: ZoneRef;
  readonly junction?: Junction;
}

/**
 * What stops a leg's packets, read off the first class's witness (the path a packet of the
 * class takes toward its destination): the hint follows it.
 */
export type LegStop =
  /** A gateway's interface inside the destination accepts no such service (no relay declared for it). */
  | { readonly kind: 'refused'; readonly gateway: string; readonly interface: string; readonly address: number | undefined }
  /**
   * A firewall denies it (rule undefined: its default deny), entered from zone `from` and leaving
   * toward zone `to`; `crosses` when two of the domains of the source, those zones and the
   * destination are ones the pack separates (My Number isolation, LGWAN side / Internet side).
   */
  | {
      readonly kind: 'denied';
      readonly device: string;
      readonly rule: string | undefined;
      readonly from: ZoneRef | undefined;
      readonly to: ZoneRef | undefined;
      readonly crosses: boolean;
    }
  /** A router or firewall with static routes has none for the destination. */
  | { readonly kind: 'no-route'; readonly device: string }
  /** Any other end (discarded, not forwarded, arrived elsewhere, no path). */
  | { readonly kind: 'other' };

/** One way an exception is wider than the policy allows. */
export type ExceptionProblem =
  | { readonly kind: 'not-single-host'; readonly side: 'from' | 'to'; readonly written: readonly string[]; readonly addresses: number }
  | { readonly kind: 'ports-not-limited'; readonly written: readonly string[] }
  | { readonly kind: 'expired'; readonly expires: string };

/** A firewall rule named in a finding's message, with where it is written. */
export interface RuleRefFact {
  readonly id: string;
  readonly action: 'permit' | 'deny';
  readonly loc: Loc;
}

/** The facts of a firewall hygiene finding. */
export interface HygieneFacts {
  readonly action: 'permit' | 'deny';
  /** shadowed: the rule applies to no pair of distinct interfaces at all. */
  readonly unbound: boolean;
  /** The rules that decide its packets instead (shadowed, conflicting) or also (redundant). */
  readonly covering: readonly RuleRefFact[];
  /** broad: the fields written for everything, with what is written there. */
  readonly broad: ReadonlyArray<{ readonly field: 'from' | 'to' | 'service'; readonly written: readonly string[] }>;
  /** broad: the pairs of domains it lets packets cross, by name. */
  readonly crossings: ReadonlyArray<readonly [Localized, Localized]>;
}

/** Findings: a union on the rule id, then on the kind, each with its typed subject and facts. */
export type Finding =
  | FindingOf<'mynumber-isolation', 'reach', ZonePairSubject, ZoneFacts>
  | FindingOf<'mynumber-isolation', 'bridge', DeviceSubject, { readonly gateway: 'sanitizer' | 'proxy'; readonly domains: readonly string[] }>
  | FindingOf<'mynumber-exception-scope', 'too-wide', ExceptionSubject, { readonly problems: readonly ExceptionProblem[] }>
  | FindingOf<
      'mynumber-endpoint-controls',
      'missing-controls',
      HostSubject,
      { readonly group: boolean; readonly zone: string; readonly missing: readonly string[] }
    >
  /** `cloudServices`: the network is α' with approved cloud services in force (the excess over them is reported). */
  | FindingOf<'path-separation', 'reach', ZonePairSubject, ZoneFacts & { readonly cloudServices?: true }>
  /** Business terminals in a domain other than the one the declared model puts them in. */
  | FindingOf<
      'model-placement',
      'terminals',
      HostSubject,
      {
        readonly model: string;
        readonly group: boolean;
        readonly zone: string;
        /** The name of the zone's domain. */
        readonly domainName: Localized;
        readonly expected: { readonly domain: string; readonly name: Localized };
      }
    >
  /** A cloud service declared under a model that does not allow direct cloud access (anything but α'). */
  | FindingOf<'model-placement', 'cloud-service', CloudServiceSubject, { readonly model: string }>
  | FindingOf<
      'internet-endpoint-controls',
      'missing-controls',
      HostSubject,
      { readonly model: string; readonly group: boolean; readonly zone: string; readonly missing: readonly string[] }
    >
  | FindingOf<'mynumber-internet-isolation', 'reach', ZonePairSubject, ZoneFacts>
  /** An exception between My Number and the Internet side: never allowed, whatever its scope. */
  | FindingOf<'mynumber-internet-isolation', 'exception', ExceptionSubject, { readonly fromZones: readonly string[]; readonly toZones: readonly string[] }>
  | FindingOf<'sanitized-communication', 'no-sanitizer' | 'unknown-content', IntentSubject>
  | FindingOf<
      'sanitized-communication',
      'wrong-method',
      IntentSubject,
      {
        readonly content: string;
        readonly method: string;
        readonly sanitizers: ReadonlyArray<{ readonly id: string; readonly method: string | undefined }>;
      }
    >
  /** The intent's plan fails: `gateway` has no relay to `target` (the next gateway, or the destination as written). */
  | FindingOf<'sanitized-communication' | 'intent-reachability', 'no-relay', IntentSubject, { readonly gateway: string; readonly target: string }>
  | FindingOf<'sanitized-communication' | 'intent-reachability', 'leg', LegSubject, { readonly index: number; readonly count: number; readonly stop: LegStop }>
  | FindingOf<'security-cloud-aggregation', 'bypass', ZonePairSubject, ZoneFacts>
  | FindingOf<'inventory', 'no-zone', DeviceSubject>
  | FindingOf<'inventory', 'address-conflict', HostSubject | InterfaceSubject, { readonly address: number; readonly other: HostSubject | InterfaceSubject }>
  | FindingOf<'inventory', 'subnet-overlap', ZonesSubject>
  | FindingOf<'availability', 'single-failure', IntentSubject, { readonly breaking: readonly string[] }>
  | FindingOf<'firewall-hygiene', HygieneKind, RuleSubject, HygieneFacts>;

/** Every kind of finding each rule can produce (the message catalogue has a template for each). */
export const FINDING_KINDS: { readonly [R in Finding['rule']]: readonly FindingKind<R>[] } = {
  'mynumber-isolation': ['reach', 'bridge'],
  'mynumber-exception-scope': ['too-wide'],
  'mynumber-endpoint-controls': ['missing-controls'],
  'path-separation': ['reach'],
  'model-placement': ['terminals', 'cloud-service'],
  'internet-endpoint-controls': ['missing-controls'],
  'mynumber-internet-isolation': ['reach', 'exception'],
  'sanitized-communication': ['no-sanitizer', 'unknown-content', 'wrong-method', 'no-relay', 'leg'],
  'security-cloud-aggregation': ['bypass'],
  inventory: ['no-zone', 'address-conflict', 'subnet-overlap'],
  'intent-reachability': ['no-relay', 'leg'],
  availability: ['single-failure'],
  'firewall-hygiene': HYGIENE_KINDS,
};

export type FindingRule = Finding['rule'];
/** The kinds of finding of rule `R`. */
export type FindingKind<R extends FindingRule = FindingRule> = Finding extends infer F
  ? F extends { readonly rule: infer X; readonly kind: infer K }
    ? R extends X
      ? K
      : never
    : never
  : never;
/** The finding of rule `R` and kind `K`, with its subject and facts. */
export type FindingOfKind<R extends FindingRule, K extends FindingKind<R>> = Finding extends infer F
  ? F extends { readonly rule: infer X; readonly kind: infer Y }
    ? R extends X
      ? K extends Y
        ? F & { readonly rule: R; readonly kind: K }
        : never
      : never
    : never
  : never;

/** The parts that name a finding's subject, in order (zones, device and interface, …). */
export function subjectParts(s: Subject): string[] {
  switch (s.kind) {
    case 'zone-pair':
      return [s.from, s.to];
    case 'zones':
      return [...s.zones];
    case 'interface':
      return [s.device, s.name];
    case 'leg':
      return [s.intent, s.leg];
    case 'rule':
      return [s.device, s.rule];
    default:
      return [s.id];
  }
}

/**
 * The identity of a finding across two checks (a review's introduced and resolved): the
 * rule and the subject; for firewall hygiene also the kind (one rule can be both
 * shadowed and broad).
 */
export function findingKey(f: Finding): string {
  const parts = [f.rule, f.subject.kind, ...subjectParts(f.subject)];
  if (f.rule === 'firewall-hygiene') parts.push(f.kind);
  return parts.join('\u0000');
}

export type RuleStatus = 'pass' | 'fail' | 'disabled';

/** A rule's result in a check (its title is wording: report/messages.ts). */
export interface RuleResult {
  readonly id: FindingRule;
  readonly clause: string;
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
