// The engine interface every implementation offers, and the shape of its answers:
// outcomes (a header set, the hops it took, and what happened to it at the end).

import type { Loc } from '../errors.ts';
import type { Network } from '../model/network.ts';
import type { HeaderBox, HeaderMatch, HeaderSet, Packet } from './headerset.ts';
import type { HeaderSpace } from './space.ts';

export type { Packet };

/** What became of a header set at the end of one path. */
export type Disposition =
  /** Reached the segment of the zone that owns the destination. */
  | { readonly kind: 'delivered'; readonly zone: number }
  /** Reached a sanitizer or proxy address and was accepted there (the connection ends). */
  | { readonly kind: 'terminated'; readonly device: number; readonly interface: string }
  /** Reached a sanitizer or proxy address, but the gateway accepts no such service there. */
  | { readonly kind: 'refused'; readonly device: number; readonly interface: string }
  /** Stopped by a firewall: by an explicit deny rule, or by the default deny (rule undefined). */
  | { readonly kind: 'denied'; readonly device: number; readonly rule: DecidingRule | undefined }
  /** A router or firewall with static routes has no route for the destination. */
  | { readonly kind: 'no-route'; readonly device: number }
  /** Addressed to the device itself: a deliver route matched. */
  | { readonly kind: 'local'; readonly device: number }
  /** Dropped on purpose by a null route (a drop route matched). */
  | { readonly kind: 'discarded'; readonly device: number }
  /** Arrived at a sanitizer or proxy that is not its destination: gateways never forward. */
  | { readonly kind: 'not-forwarded'; readonly device: number }
  /** No path from the source reaches the destination. */
  | { readonly kind: 'no-path' };

export interface DecidingRule {
  /** The ACL the rule belongs to; undefined for a firewall's own rule list. */
  readonly acl?: string;
  readonly id: string;
  readonly position: number;
  readonly action: 'permit' | 'deny';
  readonly loc: Loc;
}

/** One step of a path: a zone segment, or a device entered and left by interfaces. */
export type Hop =
  | { readonly kind: 'zone'; readonly zone: number }
  | {
      readonly kind: 'device';
      readonly device: number;
      readonly in: string;
      /** Interface it left by; undefined when the path ended at this device. */
      readonly out: string | undefined;
      /** The firewall rule that permitted the packet, for firewall hops it passed. */
      readonly rule: DecidingRule | undefined;
    };

export interface Outcome {
  readonly headers: HeaderSet;
  readonly hops: readonly Hop[];
  readonly disposition: Disposition;
}

/**
 * Where packets come to an end, without the path: the unit in which engines report whole
 * header sets. A deny is reported per device; traces name the deciding rule.
 */
export type End =
  | { readonly kind: 'delivered'; readonly zone: number }
  | { readonly kind: 'terminated'; readonly device: number; readonly interface: string }
  | { readonly kind: 'refused'; readonly device: number; readonly interface: string }
  | { readonly kind: 'denied'; readonly device: number }
  | { readonly kind: 'no-route'; readonly device: number }
  | { readonly kind: 'local'; readonly device: number }
  | { readonly kind: 'discarded'; readonly device: number }
  | { readonly kind: 'not-forwarded'; readonly device: number };

/** Every header of a query that comes to one end (on some path). */
export interface Arrival {
  readonly headers: HeaderSet;
  readonly end: End;
}

/** What one zone receives from a set of source zones: delivered there, or come to a gateway interface there (accepted or refused). */
export interface ZoneReach {
  readonly zone: number;
  /** Source addresses lie in the queried source zones. */
  readonly headers: HeaderSet;
}

export interface Footprint {
  readonly devices: ReadonlySet<number>;
  readonly edges: ReadonlySet<string>;
}

/** True for the ends where a packet reaches an endpoint (rather than being dropped). */
export function isEndpoint(end: End): boolean {
  return end.kind === 'delivered' || end.kind === 'terminated' || end.kind === 'refused';
}

/** A stable key for an end, to group and compare arrivals. */
export function endKey(end: End): string {
  switch (end.kind) {
    case 'delivered':
      return `delivered:${end.zone}`;
    case 'terminated':
    case 'refused':
      return `${end.kind}:${end.device}:${end.interface}`;
    default:
      return `${end.kind}:${end.device}`;
  }
}

/** The end a disposition describes (undefined for no-path). */
export function endOf(d: Disposition): End | undefined {
  switch (d.kind) {
    case 'no-path':
      return undefined;
    case 'denied':
      return { kind: 'denied', device: d.device };
    default:
      return d;
  }
}

/**
 * The zone of an endpoint end: where it was delivered, or the zone of the gateway interface it
 * came to, accepted there or refused. A packet refused by a gateway has still travelled onto
 * that zone's segment: for the policy it has arrived there (docs/engine.md).
 */
export function zoneOfEnd(network: Network, end: End): number | undefined {
  if (end.kind === 'delivered') return end.zone;
  if (end.kind === 'terminated' || end.kind === 'refused') return network.devices[end.device]!.interfaces.find((f) => f.name === end.interface)?.zone;
  return undefined;
}

/** Elements taken out of service for a what-if analysis. */
export interface Failures {
  /** Zones out of service: nothing enters, leaves or crosses them. */
  readonly zones: ReadonlySet<number>;
  readonly devices: ReadonlySet<number>;
  /** Link ids and attachment ids ("device:interface"). */
  readonly edges: ReadonlySet<string>;
}

export const NO_FAILURES: Failures = { zones: new Set(), devices: new Set(), edges: new Set() };

/**
 * Every engine answers the same questions about the same semantics (docs/engine.md): a
 * packet may take any path the devices allow on which no device is entered twice by the
 * same interface and no zone twice from the same device.
 */
export interface ReachabilityEngine<S = unknown> {
  readonly name: string;
  /**
   * The engine's own form of header sets and their algebra: the questions written once for
   * every engine (review's deltas, hygiene) compute in it. Its sets are never mixed with another engine's.
   */
  readonly space: HeaderSpace<S>;
  /** The match of each rule of a device's rule list (`device.rules`, in order) in `space`: what hygiene folds. */
  ruleMatches(device: number): readonly S[];
  /**
   * Where the packets of `headers` leaving the `sources` zones end (their source addresses
   * are cut to each zone's own), one arrival per end. Headers reaching no end are not listed.
   */
  explore(sources: readonly number[], headers: HeaderSet): readonly Arrival[];
  /**
   * The part of `headers` that does not reach an endpoint end `accept` takes (delivered,
   * terminated or refused) when sent from the `sources` zones: what a flow intent misses.
   * Engines with a shared all-zones computation answer it from there.
   */
  missing(sources: readonly number[], headers: HeaderSet, accept: (end: End) => boolean): HeaderSet;
  /** The devices and edges (link and attachment ids) that carry any of the headers on some path. */
  footprint(sources: readonly number[], headers: HeaderSet): Footprint;
  /** For each zone of `to` (in order, non-empty only): what reaches it from the `from` zones. */
  reach(from: readonly number[], to: readonly number[]): readonly ZoneReach[];
  /**
   * One path to each end of a single packet leaving `sourceZone`, with the deciding rules.
   * With `until`, an engine may stop once it has found an end `until` accepts, and may leave out
   * the ends it does not accept (a witness is looked for among those it accepts).
   */
  trace(sourceZone: number, packet: Packet, until?: (d: Disposition) => boolean): readonly Outcome[];

  // ── Change review (src/review/): in the engine's own space, so a review is written once ──
  /**
   * What reaches an endpoint in `zone` (delivered, or come to a gateway interface there, accepted
   * or refused) from every zone; with `within`, only those of its headers (the same as `space.and`
   * of the two, which an engine may find without the whole: a review asks for its delta alone).
   */
  arriving(zone: number, within?: S): S;
  /**
   * Headers that may pass through the elements in this engine's network (a superset; `space.all`
   * when the engine keeps nothing to tell): the most a failure of them can change.
   */
  crossing(elements: Failures): S;
  /** The engine of the network after a change, in this engine's space, and the headers the change may affect. */
  derive(change: EngineChange): Derived<S>;
  /**
   * For an engine derived from another (derive): that engine, when no header of `match` is in the
   * change's delta, so each fares here as there and what was found there holds here. Undefined
   * otherwise, and for an engine not derived incrementally.
   */
  unchangedFrom(match: HeaderMatch): ReachabilityEngine<S> | undefined;

  // ── The data-plane checks (below) ──
  /** The data-plane checks of the whole network (below); an engine built with failures throws. */
  dataplane(query: DataplaneQuery): DataplaneAnswer;
}

/** Builds an engine for a network (with failed parts); the registry names the implementations. */
export type EngineFactory = (network: Network, failures?: Failures) => ReachabilityEngine;

/** A change as an engine is told it (ReachabilityEngine.derive). */
export interface EngineChange {
  readonly after: Network;
  /**
   * The devices whose rules or routes changed, by index (every other element is the same in
   * both networks); undefined when elements were added or removed, so that nothing carries over.
   */
  readonly devices: ReadonlySet<number> | undefined;
  /** Elements out of service in the network after the change (what-if). */
  readonly failures: Failures;
}

export interface Derived<S> {
  /** Answers for the network after the change; its sets are of the deriving engine's space. */
  readonly engine: ReachabilityEngine<S>;
  /** Every header whose fate may differ (outside it, each arrives where it did); `space.all` when all was recomputed. */
  readonly delta: S;
  /** Why all was recomputed whatever the change, for an engine that always does (the reference engine). */
  readonly full?: string;
}

// ── The data-plane question (docs/dataplane.md): forwarding loops, black holes, intended drops
// and reachability between devices or ports, over every injection point at once. Sets are
// exact; their listings are bounded by the query (so a BDD engine need not enumerate them).

export type ReachLevel = 'device' | 'port';

export interface DataplaneQuery {
  /** The reachability matrix's level, or undefined for none. */
  readonly reach: ReachLevel | undefined;
  /** Most loops listed; past it the answer says `loopsCut`. */
  readonly maxClasses: number;
  /** Most boxes listed per loop, black hole and drop (`sets`) and per reaching pair (`pairs`); most destination prefixes per pair. */
  readonly list: { readonly sets: number; readonly pairs: number; readonly prefixes: number };
  readonly onProgress: (message: string) => void;
}

/** A header set as its canonical boxes, the first few (`truncated` when there are more): not a finding's class (policy/types.ts). */
export interface HeaderListing {
  readonly boxes: readonly HeaderBox[];
  readonly truncated: boolean;
}

/** A step of a forwarding path: a Hop without the deciding rule, whose device may originate the packet (`in` undefined). */
export type PathHop = Extract<Hop, { kind: 'zone' }> | (Omit<Extract<Hop, { kind: 'device' }>, 'in' | 'rule'> & { readonly in: string | undefined });

/** Where a witness packet is injected: a device originating, a zone (from its own addresses), an edge port. */
export type Origin =
  | { readonly kind: 'device'; readonly device: number }
  | { readonly kind: 'zone'; readonly zone: number }
  | { readonly kind: 'edge'; readonly device: number; readonly port: string };

export interface WitnessPath {
  readonly from: Origin;
  readonly hops: readonly PathHop[];
}

export interface Loop {
  /** The cycle from its first state back to it (the last hop leads to the first). */
  readonly cycle: readonly PathHop[];
  /** Every header that can get to the cycle and goes round it. */
  readonly headers: HeaderListing;
  readonly packet: Packet;
  /** How the packet gets to the cycle from an injection point. */
  readonly entry: WitnessPath;
}

/** Headers that enter a device with routes and match none of them. */
export interface BlackHole {
  readonly device: number;
  readonly headers: HeaderListing;
  readonly packet: Packet;
  /** From an injection point to the device (its last hop: entered, no route). */
  readonly path: WitnessPath;
}

export type DropKind = 'discarded' | 'denied' | 'hairpin' | 'not-forwarded';

/** An intended drop (a null route, an ACL or firewall deny), or a packet a device will not send back. */
export interface Drop {
  readonly kind: DropKind;
  readonly device: number;
  readonly headers: HeaderListing;
}

/** What one destination receives from one source: devices, edge ports `dev:port`, zones `zone id`. */
export interface ReachCell {
  readonly from: string;
  readonly to: string;
  readonly headers: HeaderListing;
  /** The destination addresses as prefixes, the first `list.prefixes` of them. */
  readonly dst: readonly string[];
  readonly dstTruncated: boolean;
  /** True when some destination is reached only for some sources or services. */
  readonly restricted: boolean;
}

export interface ReachMatrix {
  readonly level: ReachLevel;
  readonly sources: readonly string[];
  readonly destinations: readonly string[];
  readonly cells: readonly ReachCell[];
}

export interface DataplaneAnswer {
  readonly loops: readonly Loop[];
  readonly blackHoles: readonly BlackHole[];
  readonly drops: readonly Drop[];
  readonly reach: ReachMatrix | undefined;
  /** The loops stopped at `maxClasses`: more headers loop. */
  readonly loopsCut: boolean;
  /** The size of the engine's forwarding graph and work (bddNodes 0 for an engine without BDDs). */
  readonly stats: {
    readonly states: number;
    readonly transitions: number;
    readonly injections: number;
    readonly loopStates: number;
    readonly bddNodes: number;
  };
}
