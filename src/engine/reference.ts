// The reference engine: explicit paths, one header set carried along each, split at every
// firewall and access list by first-match rules and at every router by its routes. Simple and
// exact, exponential in the number of paths: the oracle the fast engine is tested against.

import type { Acl, Device, Network } from '../model/network.ts';
import { isGateway } from '../model/network.ts';
import { InputError } from '../errors.ts';
import { attachId, buildGraph } from '../model/graph.ts';
import { IPV4_ALL, type Ipv4Range } from '../net/ipv4.ts';
import { BOX_SPACE } from './space.ts';
import {
  ALL_HEADERS,
  boxesOfMatch,
  type HeaderBox,
  type HeaderSet,
  intersect,
  normalize,
  pointBox,
  restrictDst,
  restrictSrc,
  serviceSet,
  subtract,
} from './headerset.ts';
import { type DeviceForwarding, referenceDataplane, stepBudget } from './reference-dataplane.ts';
import {
  type Arrival,
  type DataplaneAnswer,
  type DataplaneQuery,
  type DecidingRule,
  type Derived,
  type End,
  type EngineChange,
  endKey,
  endOf,
  type Failures,
  type Footprint,
  type Hop,
  isEndpoint,
  NO_FAILURES,
  type Outcome,
  type Packet,
  type ReachabilityEngine,
  type ZoneReach,
  zoneOfEnd,
} from './types.ts';

export interface ReferenceOptions {
  readonly failures?: Failures;
  /** Most path steps per exploration before giving up (the reference engine is exponential). */
  readonly maxSteps?: number;
  /** Most path steps over every question this engine answers (unbounded by default). */
  readonly maxTotalSteps?: number;
  /** Most steps of one data-plane check (box operations, nodes visited, cycle steps). */
  readonly maxDataplaneSteps?: number;
}

interface CompiledDevice {
  readonly device: Device;
  /** Per rule: its header boxes (computed once). */
  readonly ruleBoxes: readonly (readonly HeaderBox[])[];
  /** Per ACL name: its rules with their header boxes. */
  readonly acls: ReadonlyMap<string, CompiledAcl>;
  /**
   * With static routes: the destinations that leave by each interface (a route to a VLAN
   * interface counted for each member), those delivered to the device itself, those dropped
   * by a null route, and those with no route.
   */
  readonly routed: ReadonlyMap<string, readonly Ipv4Range[]> | undefined;
  readonly local: readonly Ipv4Range[];
  readonly discarded: readonly Ipv4Range[];
  readonly unrouted: readonly Ipv4Range[];
}

interface CompiledAcl {
  readonly acl: Acl;
  readonly ruleBoxes: readonly (readonly HeaderBox[])[];
}

/** The reference engine also lists every path (the tests read them one by one). */
export interface ReferenceEngine extends ReachabilityEngine<HeaderSet> {
  paths(sourceZone: number, headers: HeaderSet): Outcome[];
}

export function createReferenceEngine(network: Network, options: ReferenceOptions = {}): ReferenceEngine {
  const failures = options.failures ?? NO_FAILURES;
  const maxSteps = options.maxSteps ?? 5_000_000;
  const maxTotalSteps = options.maxTotalSteps ?? Infinity;
  const maxDataplaneSteps = options.maxDataplaneSteps ?? 50_000_000;
  let totalSteps = 0;
  const { attachments, edgesAt } = cabling(network);
  const compiled = network.devices.map((device) => compileDevice(network, device));
  const gatewaysByZone = gatewayEndpoints(network);

  /** Every path of the headers from one zone, each with what became of it. */
  function paths(sourceZone: number, headers: HeaderSet): Outcome[] {
    const outcomes: Outcome[] = [];
    let steps = 0;
    // A path never repeats a state: a zone entered from the same device, a device entered by
    // the same interface. Zones are keyed by the device they were entered from (-1: source).
    const visited = new Set<string>();
    const zoneState = (zone: number, from: number): string => `z${zone}:${from}`;
    const deviceState = (device: number, iface: string): string => `d${device}:${iface}`;

    const visitZone = (zone: number, from: number, set: HeaderSet, hops: Hop[]): void => {
      const z = network.zones[zone]!;
      const state = zoneState(zone, from);
      visited.add(state);
      const path: Hop[] = [...hops, { kind: 'zone', zone }];
      const here = restrictDst(set, z.owned);
      if (here.length > 0) deliver(zone, here, path);
      const rest = subtract(set, here);
      if (rest.length > 0) {
        for (const { device, iface, edge } of attachments[zone]!) {
          if (device === from || failures.edges.has(edge) || failures.devices.has(device)) continue;
          if (visited.has(deviceState(device, iface))) continue;
          visitDevice(device, iface, rest, path);
        }
      }
      visited.delete(state);
    };

    /** Splits what arrived at a zone: gateway addresses terminate or refuse, the rest is delivered. */
    const deliver = (zone: number, set: HeaderSet, path: Hop[]): void => {
      let rest: HeaderSet = set;
      for (const g of gatewaysByZone.get(zone) ?? []) {
        // A gateway that is down, or cut off from this zone, answers nothing here.
        if (failures.devices.has(g.device) || failures.edges.has(g.attachment)) continue;
        const atGateway = restrictDst(rest, [{ lo: g.address, hi: g.address }]);
        if (atGateway.length === 0) continue;
        rest = subtract(rest, atGateway);
        const hop: Hop = { kind: 'device', device: g.device, in: g.interface, out: undefined, rule: undefined };
        const accepted = intersect(atGateway, g.accepts);
        if (accepted.length > 0)
          outcomes.push({ headers: accepted, hops: [...path, hop], disposition: { kind: 'terminated', device: g.device, interface: g.interface } });
        const refused = subtract(atGateway, accepted);
        if (refused.length > 0)
          outcomes.push({ headers: refused, hops: [...path, hop], disposition: { kind: 'refused', device: g.device, interface: g.interface } });
      }
      if (rest.length > 0) outcomes.push({ headers: rest, hops: path, disposition: { kind: 'delivered', zone } });
    };

    const visitDevice = (device: number, inIface: string, set: HeaderSet, hops: Hop[]): void => {
      if (++steps > maxSteps || ++totalSteps > maxTotalSteps) {
        const limit = steps > maxSteps ? `${maxSteps} path steps in one exploration` : `${maxTotalSteps} path steps in all`;
        throw new InputError([
          {
            code: 'BNK_ERR_LIMIT_EXCEEDED',
            message: `the reference engine explored more than ${limit}; use the fast engine for a topology this meshed`,
            loc: network.devices[device]!.loc,
          },
        ]);
      }
      const c = compiled[device]!;
      const d = c.device;
      const ending = (rule: DecidingRule | undefined, out?: string): Hop[] => [...hops, { kind: 'device', device, in: inIface, out, rule }];
      if (isGateway(d)) {
        outcomes.push({ headers: set, hops: ending(undefined), disposition: { kind: 'not-forwarded', device } });
        return;
      }
      const state = deviceState(device, inIface);
      visited.add(state);
      // The ACLs bound to the ingress interface decide first, before any route is looked up.
      const inAcls = d.interfaces.find((f) => f.name === inIface)!.inAcls;
      const entered = throughAcls(c, inAcls, set);
      for (const { headers, rule } of entered.denied) outcomes.push({ headers, hops: ending(rule), disposition: { kind: 'denied', device, rule } });
      const admitted = entered.passed;
      if (c.routed) {
        const ended = [
          ['no-route', c.unrouted],
          ['local', c.local],
          ['discarded', c.discarded],
        ] as const;
        for (const [kind, ranges] of ended) {
          const part = restrictDst(admitted, ranges);
          if (part.length > 0) outcomes.push({ headers: part, hops: ending(undefined), disposition: { kind, device } });
        }
      }
      for (const { iface: outIface, edge, to: next } of edgesAt[device]!) {
        if (outIface === inIface || failures.edges.has(edge)) continue;
        if (next.kind === 'device' && failures.devices.has(next.index)) continue;
        if (next.kind === 'zone' && failures.zones.has(next.index)) continue;
        // Going on into a state this path already holds would loop: the packet is still
        // decided here (a deny is a deny), but what passes goes no further on this path.
        const loops = visited.has(next.kind === 'zone' ? zoneState(next.index, device) : deviceState(next.index, next.iface));
        let forward: HeaderSet = admitted;
        if (c.routed) forward = restrictDst(forward, c.routed.get(outIface) ?? []);
        if (forward.length === 0) continue;
        const outAcls = d.interfaces.find((f) => f.name === outIface)!.outAcls;
        // What the firewall rules (if any) let out goes through the ACLs bound to the egress.
        const onward = (part: HeaderSet, rule: DecidingRule | undefined): void => {
          const left = throughAcls(c, outAcls, part);
          for (const denied of left.denied) {
            outcomes.push({ headers: denied.headers, hops: ending(denied.rule, outIface), disposition: { kind: 'denied', device, rule: denied.rule } });
          }
          if (loops || left.passed.length === 0) return;
          const hop: Hop = { kind: 'device', device, in: inIface, out: outIface, rule };
          if (next.kind === 'zone') visitZone(next.index, device, left.passed, [...hops, hop]);
          else visitDevice(next.index, next.iface, left.passed, [...hops, hop]);
        };
        if (d.kind !== 'firewall') {
          onward(forward, undefined);
          continue;
        }
        // First match wins: each rule takes what is left; permits go on, denies end here.
        let rest: HeaderSet = forward;
        d.rules.forEach((rule, k) => {
          if (rest.length === 0) return;
          if (rule.inInterfaces && !rule.inInterfaces.has(inIface)) return;
          if (rule.outInterfaces && !rule.outInterfaces.has(outIface)) return;
          const matched = intersect(rest, c.ruleBoxes[k]!);
          if (matched.length === 0) return;
          rest = subtract(rest, matched);
          const deciding: DecidingRule = { id: rule.id, position: rule.position, action: rule.action, loc: rule.loc };
          if (rule.action === 'permit') onward(matched, deciding);
          else outcomes.push({ headers: matched, hops: ending(deciding, outIface), disposition: { kind: 'denied', device, rule: deciding } });
        });
        if (rest.length > 0) outcomes.push({ headers: rest, hops: ending(undefined, outIface), disposition: { kind: 'denied', device, rule: undefined } });
      }
      visited.delete(state);
    };

    if (failures.zones.has(sourceZone)) return outcomes;
    const start = restrictSrc(headers, network.zones[sourceZone]!.owned);
    if (start.length > 0) visitZone(sourceZone, -1, start, []);
    return outcomes;
  }

  function explore(sources: readonly number[], headers: HeaderSet): Arrival[] {
    const byEnd = new Map<string, Arrival>();
    for (const zone of sources) {
      for (const o of paths(zone, headers)) {
        const end = endOf(o.disposition)!;
        const key = endKey(end);
        const have = byEnd.get(key);
        byEnd.set(key, { end, headers: have ? [...have.headers, ...o.headers] : o.headers });
      }
    }
    return [...byEnd.values()].map((a) => ({ end: a.end, headers: normalize(a.headers) }));
  }

  function missing(sources: readonly number[], headers: HeaderSet, accept: (end: End) => boolean): HeaderSet {
    const arrived = explore(sources, headers)
      .filter((a) => isEndpoint(a.end) && accept(a.end))
      .flatMap((a) => a.headers);
    return normalize(subtract(headers, arrived));
  }

  /** Every device on a path of the headers, and every edge at the interfaces those paths use. */
  function footprint(sources: readonly number[], headers: HeaderSet): Footprint {
    const devices = new Set<number>();
    const edges = new Set<string>();
    for (const zone of sources) {
      for (const o of paths(zone, headers)) {
        for (const hop of o.hops) {
          if (hop.kind !== 'device') continue;
          devices.add(hop.device);
          for (const e of edgesAt[hop.device]!) if (e.iface === hop.in || e.iface === hop.out) edges.add(e.edge);
        }
      }
    }
    return { devices, edges };
  }

  function reach(from: readonly number[], to: readonly number[]): ZoneReach[] {
    const wanted = new Set(to);
    const byZone = new Map<number, HeaderBox[]>();
    for (const a of explore(from, [ALL_HEADERS])) {
      const zone = zoneOfEnd(network, a.end);
      if (zone === undefined || !wanted.has(zone)) continue;
      byZone.set(zone, [...(byZone.get(zone) ?? []), ...a.headers]);
    }
    return to.filter((z) => byZone.has(z)).map((zone) => ({ zone, headers: normalize(byZone.get(zone)!) }));
  }

  function trace(sourceZone: number, packet: Packet): Outcome[] {
    const box: HeaderBox = pointBox(packet);
    const first = new Map<string, Outcome>();
    for (const o of paths(sourceZone, [box])) {
      const key = JSON.stringify(o.disposition);
      if (!first.has(key)) first.set(key, o);
    }
    return [...first.values()];
  }

  let arrivals: HeaderBox[][] | undefined;
  /** What reaches an endpoint in each zone from every zone: one exploration of everything, kept. */
  function arriving(zone: number, within?: HeaderSet): HeaderSet {
    return within ? BOX_SPACE.and(arrivingAll(zone), within) : arrivingAll(zone);
  }

  function arrivingAll(zone: number): HeaderSet {
    if (!arrivals) {
      const byZone = network.zones.map((): HeaderBox[] => []);
      for (const a of explore(
        network.zones.map((z) => z.index),
        [ALL_HEADERS],
      )) {
        const z = zoneOfEnd(network, a.end);
        if (z !== undefined) byZone[z]!.push(...a.headers);
      }
      arrivals = byZone.map((boxes) => normalize(boxes));
    }
    return arrivals[zone]!;
  }

  /** The oracle keeps no per-element state: anything may cross (the superset the interface allows). */
  function crossing(): HeaderSet {
    return BOX_SPACE.all;
  }

  /** A fresh engine for the network after the change: the oracle recomputes every header. */
  function derive(change: EngineChange): Derived<HeaderSet> {
    return {
      engine: createReferenceEngine(change.after, { ...options, failures: change.failures }),
      delta: BOX_SPACE.all,
      full: 'the reference engine recomputes every header',
    };
  }

  /** Derived engines are fresh ones (derive): nothing carries over. */
  function unchangedFrom(): undefined {
    return undefined;
  }

  /** The data-plane checks over header atoms (reference-dataplane.ts), on this engine's compiled devices. */
  function dataplane(query: DataplaneQuery): DataplaneAnswer {
    if (failures.zones.size + failures.devices.size + failures.edges.size > 0) throw new Error('dataplane: ask an engine built without failures');
    const step = stepBudget(network, maxDataplaneSteps);
    return referenceDataplane(
      network,
      compiled.map((c) => forwardingOf(c, step)),
      query,
      step,
    );
  }

  const ruleMatches = (device: number): readonly HeaderSet[] => compiled[device]!.ruleBoxes;
  return {
    name: 'reference',
    space: BOX_SPACE,
    ruleMatches,
    explore,
    missing,
    footprint,
    reach,
    trace,
    dataplane,
    paths,
    arriving,
    crossing,
    derive,
    unchangedFrom,
  };
}

/** A compiled device as the data-plane checks see it: routes, and what its filters let through (computed once each). */
function forwardingOf(c: CompiledDevice, step: (work: number) => void): DeviceForwarding {
  const d = c.device;
  const chain = (iface: string, direction: 'inAcls' | 'outAcls'): readonly string[] => d.interfaces.find((f) => f.name === iface)![direction];
  const admitted = new Map<string, HeaderSet>();
  const passing = new Map<string, HeaderSet>();
  return {
    routes: c.routed && { out: c.routed, local: c.local, discarded: c.discarded, unrouted: c.unrouted },
    admits: (iface) => {
      let set = admitted.get(iface);
      if (!set) admitted.set(iface, (set = throughAcls(c, chain(iface, 'inAcls'), [ALL_HEADERS], step).passed));
      return set;
    },
    passes: (inIface, outIface) => {
      // A firewall's rules decide transit between two interfaces (first match, default deny);
      // otherwise only the out-ACLs decide, whatever the way in.
      const transit = d.kind === 'firewall' && inIface !== undefined;
      const key = transit ? `${inIface} ${outIface}` : outIface;
      let set = passing.get(key);
      if (set) return set;
      let permitted: HeaderSet = [ALL_HEADERS];
      if (transit) {
        let rest: HeaderSet = [ALL_HEADERS];
        const out: HeaderBox[] = [];
        d.rules.forEach((rule, k) => {
          if (rest.length === 0) return;
          if (rule.inInterfaces && !rule.inInterfaces.has(inIface)) return;
          if (rule.outInterfaces && !rule.outInterfaces.has(outIface)) return;
          step(rest.length * c.ruleBoxes[k]!.length);
          const matched = intersect(rest, c.ruleBoxes[k]!);
          step(rest.length * matched.length);
          rest = subtract(rest, matched);
          if (rule.action === 'permit') out.push(...matched);
        });
        permitted = out;
      }
      set = permitted.length === 0 ? [] : throughAcls(c, chain(outIface, 'outAcls'), permitted, step).passed;
      passing.set(key, set);
      return set;
    },
  };
}

/** Where an edge (an attachment or a link, by failure id) leads from a device interface. */
interface PortEdge {
  readonly iface: string;
  readonly edge: string;
  readonly to: { readonly kind: 'zone'; readonly index: number } | { readonly kind: 'device'; readonly index: number; readonly iface: string };
}

/**
 * The cabling read off the topology graph: per zone, the device interfaces attached to it;
 * per device, every edge at each of its interfaces (a port in several links has one per
 * link, and a loop cable between two ports of one device counts from both).
 */
function cabling(network: Network): {
  attachments: Array<Array<{ device: number; iface: string; edge: string }>>;
  edgesAt: PortEdge[][];
} {
  const attachments = network.zones.map((): Array<{ device: number; iface: string; edge: string }> => []);
  const edgesAt = network.devices.map((): PortEdge[] => []);
  buildGraph(network).forEachEdge((edge, e) => {
    if (e.kind === 'attach') {
      attachments[e.zone]!.push({ device: e.end.device, iface: e.end.interface, edge });
      edgesAt[e.end.device]!.push({ iface: e.end.interface, edge, to: { kind: 'zone', index: e.zone } });
      return;
    }
    edgesAt[e.a.device]!.push({ iface: e.a.interface, edge, to: { kind: 'device', index: e.b.device, iface: e.b.interface } });
    edgesAt[e.b.device]!.push({ iface: e.b.interface, edge, to: { kind: 'device', index: e.a.device, iface: e.a.interface } });
  });
  return { attachments, edgesAt };
}

/** A sanitizer or proxy address in a zone, with the services its relays accept there. */
interface GatewayEndpoint {
  readonly device: number;
  readonly interface: string;
  readonly attachment: string;
  readonly address: number;
  readonly accepts: HeaderSet;
}

function gatewayEndpoints(network: Network): Map<number, GatewayEndpoint[]> {
  const byZone = new Map<number, GatewayEndpoint[]>();
  for (const d of network.devices) {
    if (!isGateway(d)) continue;
    for (const f of d.interfaces) {
      if (f.zone === undefined || f.address === undefined) continue;
      const list = byZone.get(f.zone) ?? [];
      list.push({
        device: d.index,
        interface: f.name,
        attachment: attachId(d.id, f.name),
        address: f.address,
        accepts: serviceSet(d.relays.filter((r) => r.in === f.name).flatMap((r) => r.services)),
      });
      byZone.set(f.zone, list);
    }
  }
  return byZone;
}

function compileDevice(network: Network, device: Device): CompiledDevice {
  const ruleBoxes = device.rules.map((r) => boxesOfMatch({ src: r.src, dst: r.dst, services: r.services }));
  const acls = new Map(
    device.acls.map(
      (acl) =>
        [
          acl.name,
          {
            acl,
            ruleBoxes: acl.rules.map((r) => boxesOfMatch({ src: r.src, dst: r.dst, services: r.services })),
          },
        ] as const,
    ),
  );
  if (!device.routes) return { device, ruleBoxes, acls, routed: undefined, local: [], discarded: [], unrouted: [] };
  // A route names where its destinations go: out of interfaces, to the device, or nowhere.
  type Target = { readonly kind: 'out'; readonly iface: string } | { readonly kind: 'local' } | { readonly kind: 'discard' };
  const routes: Array<{ lo: number; hi: number; priority: number; target: Target }> = [];
  // Connected routes: each interface's zone subnets, at their prefix length (not the default zone's).
  for (const f of device.interfaces) {
    if (f.zone === undefined) continue;
    const z = network.zones[f.zone]!;
    if (z.isDefault) continue;
    for (const s of z.subnets) routes.push({ lo: s.lo, hi: s.hi, priority: s.length, target: { kind: 'out', iface: f.name } });
  }
  for (const r of device.routes) {
    const { lo, hi } = r.prefix;
    if (r.action === 'deliver') routes.push({ lo, hi, priority: r.priority, target: { kind: 'local' } });
    else if (r.action === 'drop') routes.push({ lo, hi, priority: r.priority, target: { kind: 'discard' } });
    else for (const iface of r.interfaces) routes.push({ lo, hi, priority: r.priority, target: { kind: 'out', iface } });
  }
  // A VLAN interface sends out of each of its members.
  const membersOf = (name: string): readonly string[] => device.interfaces.find((f) => f.name === name)?.members ?? [name];
  // Highest priority first; a priority claims what no higher one took, and its routes share it.
  const routed = new Map<string, Ipv4Range[]>();
  const local: Ipv4Range[] = [];
  const discarded: Ipv4Range[] = [];
  let remaining: Ipv4Range[] = [IPV4_ALL];
  const priorities = [...new Set(routes.map((r) => r.priority))].sort((a, b) => b - a);
  for (const priority of priorities) {
    const group = routes.filter((r) => r.priority === priority);
    for (const r of group) {
      const part = intersectRanges(remaining, [r]);
      if (r.target.kind === 'local') local.push(...part);
      else if (r.target.kind === 'discard') discarded.push(...part);
      else for (const member of membersOf(r.target.iface)) routed.set(member, [...(routed.get(member) ?? []), ...part]);
    }
    remaining = subtractRanges(remaining, group);
  }
  return { device, ruleBoxes, acls, routed, local, discarded, unrouted: remaining };
}

/** The parts of the ranges `a` inside some range of `b`. */
function intersectRanges(a: readonly Ipv4Range[], b: readonly Ipv4Range[]): Ipv4Range[] {
  const out: Ipv4Range[] = [];
  for (const x of a)
    for (const y of b) {
      const lo = Math.max(x.lo, y.lo);
      const hi = Math.min(x.hi, y.hi);
      if (lo <= hi) out.push({ lo, hi });
    }
  return out;
}

/** The parts of the ranges `a` outside every range of `b`. */
function subtractRanges(a: readonly Ipv4Range[], b: readonly Ipv4Range[]): Ipv4Range[] {
  let current: Ipv4Range[] = [...a];
  for (const y of b) {
    const next: Ipv4Range[] = [];
    for (const x of current) {
      if (y.hi < x.lo || x.hi < y.lo) next.push(x);
      else {
        if (x.lo < y.lo) next.push({ lo: x.lo, hi: y.lo - 1 });
        if (y.hi < x.hi) next.push({ lo: y.hi + 1, hi: x.hi });
      }
    }
    current = next;
  }
  return current;
}

/**
 * Splits a header set by a chain of ACLs, each first match with default deny: what passes
 * them all, and each denied part with the rule that denied it.
 */
function throughAcls(
  c: CompiledDevice,
  chain: readonly string[],
  set: HeaderSet,
  step?: (work: number) => void,
): { passed: HeaderSet; denied: Array<{ headers: HeaderSet; rule: DecidingRule }> } {
  const denied: Array<{ headers: HeaderSet; rule: DecidingRule }> = [];
  let passed: HeaderSet = set;
  for (const name of chain) {
    const { acl, ruleBoxes } = c.acls.get(name)!;
    let rest: HeaderSet = passed;
    const permitted: HeaderBox[] = [];
    acl.rules.forEach((rule, k) => {
      if (rest.length === 0) return;
      step?.(rest.length * ruleBoxes[k]!.length);
      const matched = intersect(rest, ruleBoxes[k]!);
      if (matched.length === 0) return;
      step?.(rest.length * matched.length);
      rest = subtract(rest, matched);
      if (rule.action === 'permit') permitted.push(...matched);
      else denied.push({ headers: matched, rule: { acl: name, id: rule.id, position: rule.position, action: 'deny', loc: rule.loc } });
    });
    if (rest.length > 0) denied.push({ headers: rest, rule: { acl: name, id: 'default', position: acl.rules.length + 1, action: 'deny', loc: acl.loc } });
    passed = permitted;
    if (passed.length === 0) break;
  }
  return { passed, denied };
}
