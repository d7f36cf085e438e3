// Reachability as the policy rules need it: what reaches each zone from which zones;
// intents evaluated leg by leg; a witness path traced for each offending class.

import { type DeclaredFlow, type Device, type Intent, type Network, type Relay, zoneOfAddress, zonesOf } from '../model/network.ts';
import type { Ipv4Range } from '../net/ipv4.ts';
import { ALL_HEADERS, boxesOfMatch, compareBoxes, type HeaderBox, type HeaderSet, lowestIn, normalize, subtract, typicalPacket } from '../engine/headerset.ts';
import type { Arrival, DecidingRule, Disposition, Outcome, ReachabilityEngine } from '../engine/types.ts';
import type { HeaderClass, PermittingRule, Witness } from './types.ts';
import type { ServiceTerm } from '../net/services.ts';

/**
 * The packet a class's box is shown with: a real packet of the box (typicalPacket), between
 * declared hosts where the box holds any.
 */
export function packetOf(network: Network, box: HeaderBox): Witness['packet'] {
  const r = typicalPacket(box, hostAddresses(network));
  return { src: r.src, dst: r.dst, protocol: r.protocol, port: r.port };
}

const HOST_ADDRESSES = new WeakMap<Network['hosts'], readonly number[]>();
/** The declared hosts' addresses as a flat sorted list of disjoint intervals (kept per list of hosts, which a change of rules keeps). */
function hostAddresses(network: Network): readonly number[] {
  let list = HOST_ADDRESSES.get(network.hosts);
  if (!list) {
    const out: number[] = [];
    for (const r of network.hosts.map((h) => h.range).sort((a, b) => a.lo - b.lo)) {
      const n = out.length;
      if (n > 0 && r.lo <= out[n - 1]! + 1) out[n - 1] = Math.max(out[n - 1]!, r.hi);
      else out.push(r.lo, r.hi);
    }
    list = out;
    HOST_ADDRESSES.set(network.hosts, list);
  }
  return list;
}

/** How many of a box's packet's addresses are declared hosts' (0–2): boxes with hosts are tried first. */
function hostsIn(network: Network, box: HeaderBox): number {
  const hosts = hostAddresses(network);
  return (lowestIn(hosts, box.srcLo, box.srcHi) !== undefined ? 1 : 0) + (lowestIn(hosts, box.dstLo, box.dstHi) !== undefined ? 1 : 0);
}

/**
 * A witness for a class: the first box (those with declared hosts first) whose packet
 * (packetOf) has a traced path that `accept` takes (paths are tried in the order `prefer` gives
 * for that packet, most telling first).
 */
export function traceWitness(
  network: Network,
  engine: ReachabilityEngine,
  boxes: readonly HeaderBox[],
  accept: (d: Disposition) => boolean,
  prefer?: (a: Outcome, b: Outcome, packet: Witness['packet']) => number,
): Witness | undefined {
  // Boxes whose packet can be between declared hosts first (a stable sort keeps the order else).
  const ordered = boxes.length > 1 ? [...boxes].sort((a, b) => hostsIn(network, b) - hostsIn(network, a)) : boxes;
  for (const box of ordered) {
    const packet = packetOf(network, box);
    const zone = zoneOfAddress(network, packet.src);
    if (zone < 0) continue;
    // Without a preference any accepted end will do: the engine may stop at the first.
    const outcomes = prefer ? [...engine.trace(zone, packet)].sort((a, b) => prefer(a, b, packet)) : engine.trace(zone, packet, accept);
    const outcome = outcomes.find((o) => accept(o.disposition));
    if (outcome) return { packet, hops: outcome.hops, disposition: outcome.disposition };
  }
  return undefined;
}

/**
 * How far each zone and device is from the zone `to`, in steps of the network's graph (zone –
 * device by an interface in the zone, device – device by a link): `zones[z]`, `devices[d]`,
 * Infinity where unconnected. What "toward a destination" means for a witness.
 */
export function distancesTo(network: Network, to: number): Distances {
  const adjacency = adjacencyOf(network);
  let distances = adjacency.distances.get(to);
  if (!distances) {
    distances = search(network, adjacency, to);
    adjacency.distances.set(to, distances);
  }
  return distances;
}

/** Steps from a zone to every zone and device (Infinity where unconnected); shared, not to be changed. */
export interface Distances {
  readonly zones: readonly number[];
  readonly devices: readonly number[];
}

function search(network: Network, { zoneDevices, deviceZones, deviceNeighbours }: Adjacency, to: number): Distances {
  const zones = network.zones.map(() => Number.POSITIVE_INFINITY);
  const devices = network.devices.map(() => Number.POSITIVE_INFINITY);
  if (to < 0 || to >= zones.length) return { zones, devices };
  zones[to] = 0;
  // Breadth first over zones (even steps) and devices (odd steps).
  let frontier: Array<{ kind: 'zone' | 'device'; index: number }> = [{ kind: 'zone', index: to }];
  for (let step = 1; frontier.length > 0; step++) {
    const next: typeof frontier = [];
    for (const node of frontier) {
      if (node.kind === 'zone') {
        for (const d of zoneDevices[node.index]!)
          if (devices[d] === Number.POSITIVE_INFINITY) {
            devices[d] = step;
            next.push({ kind: 'device', index: d });
          }
      } else {
        for (const z of deviceZones[node.index]!)
          if (zones[z] === Number.POSITIVE_INFINITY) {
            zones[z] = step;
            next.push({ kind: 'zone', index: z });
          }
        for (const n of deviceNeighbours[node.index]!)
          if (devices[n] === Number.POSITIVE_INFINITY) {
            devices[n] = step;
            next.push({ kind: 'device', index: n });
          }
      }
    }
    frontier = next;
  }
  return { zones, devices };
}

interface Adjacency {
  /** Per zone, the devices with an interface in it (in device order). */
  readonly zoneDevices: number[][];
  /** Per device, the zones of its interfaces (in interface order). */
  readonly deviceZones: number[][];
  /** Per device, the devices linked to it (in link order). */
  readonly deviceNeighbours: number[][];
  /** Distances to each zone asked about so far (many failed legs of a check go toward one zone). */
  readonly distances: Map<number, Distances>;
}

const ADJACENCY = new WeakMap<Network['links'], Adjacency & { readonly zones: Network['zones']; readonly interfaces: ReadonlyArray<Device['interfaces']> }>();
/**
 * The network's graph as lists (a breadth-first search is then linear), and the distances found
 * on it: kept while the zones, links and each device's interfaces are the same objects, as a
 * change of rules keeps them.
 */
/** The adjacency found for a network object: checked against its parts once, not on every distance asked. */
const NETWORK_ADJACENCY = new WeakMap<Network, Adjacency>();
function adjacencyOf(network: Network): Adjacency {
  const found = NETWORK_ADJACENCY.get(network);
  if (found) return found;
  let adjacency = ADJACENCY.get(network.links);
  const same =
    adjacency !== undefined &&
    adjacency.zones === network.zones &&
    adjacency.interfaces.length === network.devices.length &&
    network.devices.every((d, i) => d.interfaces === adjacency!.interfaces[i]);
  if (!same) {
    const zoneDevices: number[][] = network.zones.map(() => []);
    const deviceZones: number[][] = network.devices.map(() => []);
    const deviceNeighbours: number[][] = network.devices.map(() => []);
    for (const d of network.devices)
      for (const f of d.interfaces)
        if (f.zone !== undefined) {
          deviceZones[d.index]!.push(f.zone);
          const list = zoneDevices[f.zone]!;
          if (list[list.length - 1] !== d.index) list.push(d.index);
        }
    for (const l of network.links) {
      deviceNeighbours[l.a.device]!.push(l.b.device);
      deviceNeighbours[l.b.device]!.push(l.a.device);
    }
    adjacency = {
      zoneDevices,
      deviceZones,
      deviceNeighbours,
      distances: new Map(),
      zones: network.zones,
      interfaces: network.devices.map((d) => d.interfaces),
    };
    ADJACENCY.set(network.links, adjacency);
  }
  NETWORK_ADJACENCY.set(network, adjacency!);
  return adjacency!;
}

/** How far an end is from the zone the distances were taken to: 0 at an endpoint there, else the stopping device's distance. */
export function endDistance(network: Network, distances: Distances, d: Disposition): number {
  switch (d.kind) {
    case 'no-path':
      return Number.POSITIVE_INFINITY;
    case 'delivered':
      return distances.zones[d.zone] ?? Number.POSITIVE_INFINITY;
    case 'terminated':
    case 'refused': {
      const zone = network.devices[d.device]!.interfaces.find((f) => f.name === d.interface)?.zone;
      return zone === undefined ? Number.POSITIVE_INFINITY : (distances.zones[zone] ?? Number.POSITIVE_INFINITY);
    }
    default:
      return distances.devices[d.device] ?? Number.POSITIVE_INFINITY;
  }
}

/**
 * Splits a set into readable classes, one per way through the network: the boxes that share
 * source and service are traced together (`witness`), then the groups whose witnesses take the
 * same path, with the same deciding rules, to the same end, are one class (mergeByPath), so that
 * "permit any → host" reads as one class, not one per range of the Internet's addresses.
 */
export function classesOf(network: Network, set: HeaderSet, witness: (boxes: readonly HeaderBox[]) => Witness | undefined): HeaderClass[] {
  const groups = new Map<string, HeaderBox[]>();
  for (const box of normalize(set)) {
    const key = `${box.srcLo}-${box.srcHi}/${box.protoLo}-${box.protoHi}/${box.portLo}-${box.portHi}`;
    const group = groups.get(key) ?? [];
    group.push(box);
    groups.set(key, group);
  }
  return mergeByPath(
    network,
    [...groups.values()].map((boxes) => ({ boxes, witness: witness(boxes) })),
  );
}

/**
 * Merges the classes whose witnesses show the same path (the same hops, each firewall with the
 * same deciding rule) to the same end: one class each, in the order of their first member, its
 * boxes the union of theirs. Its witness is one of theirs, so a real packet of the union: the
 * first whose packet is between declared hosts where any is, else the first. Classes without a
 * witness are one class too (no path to show).
 */
export function mergeByPath(network: Network, classes: readonly HeaderClass[]): HeaderClass[] {
  const merged = new Map<string, { boxes: HeaderBox[]; witness: Witness | undefined }>();
  for (const c of classes) {
    const key = pathKey(c.witness);
    const into = merged.get(key);
    if (!into) merged.set(key, { boxes: [...c.boxes], witness: c.witness });
    else {
      into.boxes.push(...c.boxes);
      if (c.witness && into.witness && hostsAt(network, c.witness.packet) > hostsAt(network, into.witness.packet)) into.witness = c.witness;
    }
  }
  // The classes' boxes are disjoint pieces of one normalized set: nothing more to merge, only to sort.
  return [...merged.values()].map((m) => ({ boxes: m.boxes.sort(compareBoxes), witness: m.witness }));
}

/** A witness's path as text: each hop (a firewall's with the rule that permitted it) and the end. */
function pathKey(w: Witness | undefined): string {
  if (!w) return 'none';
  const rule = (r: DecidingRule | undefined): string => (r ? `${r.acl ?? ''}#${r.position}` : '');
  const hops = w.hops.map((h) => (h.kind === 'zone' ? `z${h.zone}` : `d${h.device}:${h.in}>${h.out ?? ''}${rule(h.rule)}`));
  const d = w.disposition;
  const end = `${d.kind}:${'device' in d ? d.device : ''}:${'interface' in d ? d.interface : ''}:${'zone' in d ? d.zone : ''}:${d.kind === 'denied' ? rule(d.rule) : ''}`;
  return `${hops.join(' ')} = ${end}`;
}

/** How many of a packet's two addresses are declared hosts' (0–2). */
function hostsAt(network: Network, packet: Witness['packet']): number {
  const hosts = hostAddresses(network);
  return (lowestIn(hosts, packet.src, packet.src) !== undefined ? 1 : 0) + (lowestIn(hosts, packet.dst, packet.dst) !== undefined ? 1 : 0);
}

/** The firewall rules that let the classes through, read off their witness paths. */
export function permittingRules(network: Network, classes: readonly HeaderClass[]): PermittingRule[] {
  const seen = new Map<string, PermittingRule>();
  for (const c of classes) {
    for (const hop of c.witness?.hops ?? []) {
      if (hop.kind !== 'device' || !hop.rule || hop.rule.action !== 'permit') continue;
      const device = network.devices[hop.device]!.id;
      const key = `${device}#${hop.rule.position}`;
      if (!seen.has(key)) seen.set(key, { ...hop.rule, device });
    }
  }
  return [...seen.values()];
}

/** Cuts a set by source zone (by the ownership of its source addresses). */
export function splitBySource(network: Network, set: HeaderSet): Map<number, HeaderBox[]> {
  const out = new Map<number, HeaderBox[]>();
  for (const box of set) {
    for (const owned of network.ownership) {
      if (owned.zone < 0 || owned.hi < box.srcLo || owned.lo > box.srcHi) continue;
      const piece = { ...box, srcLo: Math.max(box.srcLo, owned.lo), srcHi: Math.min(box.srcHi, owned.hi) };
      const list = out.get(owned.zone);
      if (list) list.push(piece);
      else out.set(owned.zone, [piece]);
    }
  }
  // In zone order, whatever order an engine lists its boxes in: reports list flows alike.
  return new Map([...out].sort((a, b) => a[0] - b[0]));
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
}

/** The legs of an intent, or the gateway (device) that has no relay to `to` (the next gateway, or the destination as written). */
export type IntentPlan = { ok: true; legs: Leg[] } | { ok: false; device: Device; to: string };

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
      return { ok: false, device: g, to: where };
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

/** True when an end is where a leg should arrive: its gateway, or any endpoint. */
export function legArrives(leg: Leg, end: Arrival['end'] | Disposition): boolean {
  return leg.gateway
    ? end.kind === 'terminated' && end.device === leg.gateway.device && end.interface === leg.gateway.interface
    : end.kind === 'delivered' || end.kind === 'terminated';
}

/**
 * Per engine, the legs evaluated so far by their content (addresses, services, gateway): intents
 * share legs (every Internet-bound intent of a site goes on from the same proxy), so a check
 * evaluates each once. Kept as long as the engine, which holds far more.
 */
const LEG_RESULTS = new WeakMap<ReachabilityEngine, Map<string, Omit<LegResult, 'leg'>>>();

/**
 * The headers of each leg (by the same key), kept per list of intents: a change of rules keeps
 * the list, and a review evaluates again, on the engine after, legs the base check evaluated.
 */
const REQUESTED = new WeakMap<readonly Intent[], Map<string, HeaderSet>>();

/**
 * Evaluates one leg: which of its headers arrive where they should. Legs alike on one engine
 * share their `requested` and `missing` sets (not to be changed); a leg a change does not touch
 * is taken from the engine before the change (a review re-checks an intent when any of its legs
 * is touched).
 */
export function evaluateLeg(network: Network, engine: ReachabilityEngine, leg: Leg): LegResult {
  let known = LEG_RESULTS.get(engine);
  if (!known) {
    known = new Map();
    LEG_RESULTS.set(engine, known);
  }
  const key = JSON.stringify([leg.from, leg.to, leg.services, leg.gateway]);
  let result = known.get(key);
  if (!result) {
    const match = { src: leg.from, dst: leg.to, services: leg.services };
    const before = engine.unchangedFrom(match);
    if (before) {
      const { requested, missing } = evaluateLeg(network, before, leg);
      result = { requested, missing };
    } else {
      let byKey = REQUESTED.get(network.intents);
      if (!byKey) REQUESTED.set(network.intents, (byKey = new Map()));
      let requested = byKey.get(key);
      if (!requested) byKey.set(key, (requested = boxesOfMatch(match)));
      result = { requested, missing: normalize(engine.missing(zonesOf(network, leg.from), requested, (end) => legArrives(leg, end))) };
    }
    known.set(key, result);
  }
  return { leg, ...result };
}

export function evaluateIntent(network: Network, engine: ReachabilityEngine, intent: Intent): { plan: IntentPlan; legs: LegResult[] } {
  const plan = planIntent(network, intent);
  if (!plan.ok) return { plan, legs: [] };
  return { plan, legs: plan.legs.map((leg) => evaluateLeg(network, engine, leg)) };
}
