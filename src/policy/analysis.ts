// Reachability as the policy rules need it: per source zone, what reaches each zone, by
// which paths; intents evaluated leg by leg; witnesses picked for each offending class.

import { type DeclaredFlow, type Device, type Intent, type Network, type Relay, zonesOf } from '../model/network.ts';
import type { Ipv4Range } from '../net/ipv4.ts';
import {
  ALL_HEADERS, boxesOfMatch, type HeaderBox, type HeaderSet, intersect, intersectBox, normalize, representative, subtract,
} from '../engine/headerset.ts';
import type { Failures, Outcome, ReachabilityEngine } from '../engine/types.ts';
import type { HeaderClass, PermittingRule } from './types.ts';
import type { ServiceTerm } from '../net/services.ts';

export type EngineFactory = (network: Network, failures?: Failures) => ReachabilityEngine;

/** Zone a packet ended in, when it reached an endpoint there (delivered or terminated). */
export function reachedZone(network: Network, outcome: Outcome): number | undefined {
  const d = outcome.disposition;
  if (d.kind === 'delivered') return d.zone;
  if (d.kind === 'terminated') return network.devices[d.device]!.interfaces.find((f) => f.name === d.interface)?.zone;
  return undefined;
}

/** Caches each source zone's full exploration (all headers) for the rules to share. */
export class Reachability {
  private readonly cache = new Map<number, readonly Outcome[]>();

  constructor(
    readonly network: Network,
    readonly engine: ReachabilityEngine,
  ) {}

  outcomes(zone: number): readonly Outcome[] {
    let outcomes = this.cache.get(zone);
    if (!outcomes) {
      outcomes = this.engine.explore(zone, [ALL_HEADERS]);
      this.cache.set(zone, outcomes);
    }
    return outcomes;
  }

  /** Outcomes from `from` that reached an endpoint in zone `to`. */
  reaching(from: number, to: number): Outcome[] {
    return this.outcomes(from).filter((o) => reachedZone(this.network, o) === to);
  }
}

/** Splits a set into readable classes, each with a witness from the outcomes that carry it. */
export function classesOf(set: HeaderSet, outcomes: readonly Outcome[]): HeaderClass[] {
  const groups = new Map<string, HeaderBox[]>();
  for (const box of normalize(set)) {
    const key = `${box.srcLo}-${box.srcHi}/${box.protoLo}-${box.protoHi}/${box.portLo}-${box.portHi}`;
    const group = groups.get(key) ?? [];
    group.push(box);
    groups.set(key, group);
  }
  return [...groups.values()].map((boxes) => ({ boxes, witness: boxes.map((b) => witnessFor(b, outcomes)).find((w) => w !== undefined) }));
}

export function witnessFor(box: HeaderBox, outcomes: readonly Outcome[]): HeaderClass['witness'] {
  for (const o of outcomes) {
    for (const b of o.headers) {
      const cut = intersectBox(box, b);
      if (cut) return { packet: { ...representative(cut), protocol: cut.protoLo, port: cut.portLo }, hops: o.hops, disposition: o.disposition };
    }
  }
  return undefined;
}

/** The firewall rules that permitted any part of `set` along the given outcomes' paths. */
export function permittingRules(network: Network, set: HeaderSet, outcomes: readonly Outcome[]): PermittingRule[] {
  const seen = new Map<string, PermittingRule>();
  for (const o of outcomes) {
    if (intersect(o.headers, set).length === 0) continue;
    for (const hop of o.hops) {
      if (hop.kind !== 'device' || !hop.rule || hop.rule.action !== 'permit') continue;
      const device = network.devices[hop.device]!.id;
      const key = `${device}#${hop.rule.position}`;
      if (!seen.has(key)) seen.set(key, { ...hop.rule, device });
    }
  }
  return [...seen.values()];
}

// ---------------------------------------------------------------------------------------
// Intents, leg by leg

/** One connection of an intent: to its final destination, or into a gateway. */
export interface Leg {
  readonly from: readonly Ipv4Range[];
  readonly to: readonly Ipv4Range[];
  readonly services: readonly ServiceTerm[];
  /** Set when the leg ends at a gateway (which must accept it). */
  readonly gateway: { readonly device: number; readonly interface: string } | undefined;
  /** Describes the leg for messages, e.g. "lg-office → sg-screen:lg". */
  readonly label: string;
}

export interface LegResult {
  readonly leg: Leg;
  readonly requested: HeaderSet;
  /** Part of the leg's headers that does not arrive. */
  readonly missing: HeaderSet;
  readonly outcomes: readonly Outcome[];
}

export type IntentPlan = { ok: true; legs: Leg[] } | { ok: false; reason: string; device: Device };

/**
 * Lays out the legs of an intent through its gateways. Each gateway needs a relay whose `to`
 * covers the next hop: the final destination, or the accepting address of a relay of the
 * next gateway (chosen so that the rest of the chain works too).
 */
export function planIntent(network: Network, intent: DeclaredFlow): IntentPlan {
  const gateways = intent.via.map((i) => network.devices[i]!);
  const addressOf = (d: Device, iface: string): Ipv4Range => {
    const a = d.interfaces.find((f) => f.name === iface)!.address!;
    return { lo: a, hi: a };
  };
  const covers = (relay: Relay, target: readonly Ipv4Range[]): boolean => subtract(dstSet(target), dstSet(relay.to)).length === 0;
  // chain[i]: the relay of gateway i that works for gateways i.. to the end (found backwards).
  const chain: Relay[] = [];
  for (let i = gateways.length - 1; i >= 0; i--) {
    const g = gateways[i]!;
    const next = chain[i + 1];
    const target = next ? [addressOf(gateways[i + 1]!, next.in)] : intent.to;
    const relay = g.relays.find((r) => covers(r, target));
    if (!relay) {
      const where = i + 1 < gateways.length ? gateways[i + 1]!.id : intent.written.to.join(',');
      return { ok: false, device: g, reason: `${g.id} has no relay to ${where}` };
    }
    chain[i] = relay;
  }
  const legs: Leg[] = [];
  let from = intent.from;
  let fromLabel = intent.written.from.join(',');
  let services: readonly ServiceTerm[] | undefined;
  gateways.forEach((g, i) => {
    const relay = chain[i]!;
    legs.push({
      from,
      to: [addressOf(g, relay.in)],
      services: services ?? relay.services,
      gateway: { device: g.index, interface: relay.in },
      label: `${fromLabel} → ${g.id}:${relay.in}`,
    });
    from = [addressOf(g, relay.out)];
    fromLabel = `${g.id}:${relay.out}`;
    // Into a further gateway the relay's outgoing service is used; to the end, the intent's.
    services = i + 1 < gateways.length ? relay.toServices : intent.services;
  });
  legs.push({ from, to: intent.to, services: services ?? intent.services, gateway: undefined, label: `${fromLabel} → ${intent.written.to.join(',')}` });
  return { ok: true, legs };
}

function dstSet(ranges: readonly Ipv4Range[]): HeaderBox[] {
  return ranges.map((r) => ({ ...ALL_HEADERS, dstLo: r.lo, dstHi: r.hi }));
}

/** Evaluates one leg: which of its headers arrive where they should. */
export function evaluateLeg(network: Network, engine: ReachabilityEngine, leg: Leg): LegResult {
  const requested = boxesOfMatch({ src: leg.from, dst: leg.to, services: leg.services });
  const outcomes: Outcome[] = [];
  let arrived: HeaderBox[] = [];
  for (const zone of zonesOf(network, leg.from)) {
    for (const o of engine.explore(zone, requested)) {
      outcomes.push(o);
      const d = o.disposition;
      const ok = leg.gateway
        ? d.kind === 'terminated' && d.device === leg.gateway.device && d.interface === leg.gateway.interface
        : d.kind === 'delivered' || d.kind === 'terminated';
      if (ok) arrived = [...arrived, ...o.headers];
    }
  }
  const missing = subtract(requested, arrived);
  return { leg, requested, missing: normalize(missing), outcomes };
}

export function evaluateIntent(network: Network, engine: ReachabilityEngine, intent: Intent): { plan: IntentPlan; legs: LegResult[] } {
  const plan = planIntent(network, intent);
  if (!plan.ok) return { plan, legs: [] };
  return { plan, legs: plan.legs.map((leg) => evaluateLeg(network, engine, leg)) };
}

