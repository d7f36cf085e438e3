// The fast engine's data-plane checks, on its forwarding graph (forwarding.ts) and the one
// propagation (propagate.ts): forwarding loops and black holes per header class, each with a
// witness path, intended drops, and reachability between every pair of devices (or ports).
// Exact over header sets (BDDs); the listings are bounded by the query.

import { type Bdd, FALSE, type Node, PORT, PROTO, SRC, TRUE } from './bdd.ts';
import type { CompiledNetwork } from './compile.ts';
import { buildForwardingGraph, exitPort, type ForwardingGraph, type Injection } from './forwarding.ts';
import type { Packet } from './headerset.ts';
import { propagate } from './propagate.ts';
import type {
  BlackHole,
  DataplaneAnswer,
  DataplaneQuery,
  Drop,
  DropKind,
  HeaderListing,
  Loop,
  Origin,
  PathHop,
  ReachCell,
  ReachLevel,
  ReachMatrix,
  WitnessPath,
} from './types.ts';
import { rangeToCidrs } from '../net/ipv4.ts';

function listingOf(bdd: Bdd, set: Node, limit: number): HeaderListing {
  const boxes = bdd.toBoxes(set, limit + 1);
  return boxes.length > limit ? { boxes: boxes.slice(0, limit), truncated: true } : { boxes, truncated: false };
}

export function fastDataplane(c: CompiledNetwork, query: DataplaneQuery): DataplaneAnswer {
  const progress = query.onProgress;
  const g = buildForwardingGraph(c);
  const bdd = c.bdd;
  progress(`forwarding graph: ${g.stateCount} states, ${g.target.length} transitions, ${g.injections.length} injection points`);

  // Everything that can arrive at each state from any injection point.
  const arrived = propagate(
    bdd,
    g.transitions,
    g.stateCount,
    g.injections.map((i) => [i.node, i.headers] as const),
  ).sets;
  progress('arrivals computed');

  const witness = witnessFinder(g);
  const { loops, loopStates, cut } = findLoops(g, arrived, witness, query.maxClasses, progress, query.list.sets);
  progress(`loops: ${loops.length} classes`);

  // Black holes: headers that enter a device with routes by some port and match none.
  const blackHoles: BlackHole[] = [];
  for (let d = 0; d < g.D; d++) {
    if (!c.routed[d] || c.unrouted[d] === FALSE || g.isGatewayDevice(d)) continue;
    let set: Node = FALSE;
    for (let p = c.portStart[d]!; p < c.portStart[d + 1]!; p++) set = bdd.or(set, bdd.and(arrived[p]!, g.enters(p)));
    set = bdd.and(set, c.unrouted[d]!);
    if (set === FALSE) continue;
    const packet = bdd.pick(set)!;
    const path = witness(packet, (s) => s < g.P && c.portDevice[s] === d && bdd.contains(g.enters(s), packet));
    blackHoles.push({ device: d, headers: listingOf(bdd, set, query.list.sets), packet, path: path! });
  }

  const drops = findDrops(g, arrived, query.list.sets);
  progress(`black holes: ${blackHoles.length}; drops: ${drops.length}`);
  const reach = query.reach === undefined ? undefined : reachability(g, query.reach, progress, query.list.pairs, query.list.prefixes);
  return {
    loops,
    blackHoles,
    drops,
    reach,
    loopsCut: cut,
    stats: { states: g.stateCount, transitions: g.target.length, injections: g.injections.length, loopStates, bddNodes: bdd.stats.nodes },
  };
}

type Witness = (packet: Packet, goal: (state: number) => boolean) => WitnessPath | undefined;

/**
 * Loops. For each state s of a strongly connected part of the graph (transitions that carry
 * something that can arrive), the fixpoint of what, sent on from s, comes back to s; then a
 * witness packet is picked, its cycle found, and the exact class that goes round that cycle
 * reported and taken away, until nothing comes back. s then leaves the graph: every header
 * looping through it has been reported, so later states need only the cycles without it.
 */
function findLoops(
  g: ForwardingGraph,
  arrived: Int32Array,
  witness: Witness,
  maxClasses: number,
  progress: (m: string) => void,
  maxBoxes: number,
): { loops: Loop[]; loopStates: number; cut: boolean } {
  const bdd = g.compiled.bdd;
  const N = g.stateCount;
  // Transitions that carry something that can get to their state.
  const useful = (t: number, s: number): boolean => g.target[t]! >= 0 && bdd.and(g.label[t]!, arrived[s]!) !== FALSE;
  const component = stronglyConnected(g, useful);
  const loops: Loop[] = [];
  const seen = new Map<string, number>();
  /** Per loop, its whole header set (the report lists boxes, which may be cut short). */
  const loopSets: Node[] = [];
  const alive = new Uint8Array(N);
  let loopStates = 0;
  let last = Date.now();
  for (let s = 0; s < N; s++) if (component.cyclic[s]) alive[s] = 1;
  for (let s = 0; s < N; s++) {
    if (!alive[s]) continue;
    loopStates++;
    if (Date.now() - last > 1000) {
      progress(`loops: state ${s + 1}/${N}, ${loops.length} classes`);
      last = Date.now();
    }
    // Only states of s's component can be on a cycle through s.
    const mine = component.id[s]!;
    const inComponent = (t: number): boolean => alive[t] === 1 && component.id[t] === mine;
    const mask = new Uint8Array(N);
    for (let t = 0; t < N; t++) if (inComponent(t)) mask[t] = 1;
    let back = propagate(g.compiled.bdd, g.transitions, g.stateCount, [[s, arrived[s]!]], { alive: mask, sink: s }).sunk;
    while (back !== FALSE) {
      if (loops.length >= maxClasses) return { loops, loopStates, cut: true };
      const packet = bdd.pick(back)!;
      const cycle = cycleOf(g, s, packet, mask);
      let headers: Node = arrived[s]!;
      for (const t of cycle) headers = bdd.and(headers, g.label[t]!);
      back = bdd.diff(back, headers);
      const key = rotationKey(g, cycle);
      const known = seen.get(key);
      if (known !== undefined) {
        loopSets[known] = bdd.or(loopSets[known]!, headers);
        loops[known] = { ...loops[known]!, headers: listingOf(bdd, loopSets[known]!, maxBoxes) };
        continue;
      }
      seen.set(key, loops.length);
      const entry = witness(packet, (x) => x === s)!;
      loopSets.push(headers);
      loops.push({ cycle: hopsOf(g, s, cycle), headers: listingOf(bdd, headers, maxBoxes), packet, entry });
    }
    alive[s] = 0;
  }
  return { loops, loopStates, cut: false };
}

/** The shortest cycle one packet takes from state s back to s, as transitions (BFS). */
function cycleOf(g: ForwardingGraph, s: number, packet: Packet, mask: Uint8Array): number[] {
  const bdd = g.compiled.bdd;
  const via = new Int32Array(g.stateCount).fill(-1);
  const from = new Int32Array(g.stateCount).fill(-1);
  const queue = [s];
  for (let i = 0; i < queue.length; i++) {
    const u = queue[i]!;
    for (let t = g.start[u]!; t < g.start[u + 1]!; t++) {
      const v = g.target[t]!;
      if (v < 0 || !bdd.contains(g.label[t]!, packet)) continue;
      if (v === s) {
        const out = [t];
        for (let x = u; x !== s; x = from[x]!) out.push(via[x]!);
        return out.reverse();
      }
      if (!mask[v] || via[v] !== -1) continue;
      via[v] = t;
      from[v] = u;
      queue.push(v);
    }
  }
  throw new Error('cycleOf: the packet does not come back (a bug)');
}

/** The same cycle found from another of its states is the same loop. */
function rotationKey(g: ForwardingGraph, cycle: readonly number[]): string {
  const states = cycle.map((t) => g.target[t]!);
  let best = 0;
  for (let i = 1; i < states.length; i++) if (states[i]! < states[best]!) best = i;
  return [...states.slice(best), ...states.slice(0, best)].join(',');
}

/** Hops of a path of transitions starting at node `first`. */
function hopsOf(g: ForwardingGraph, first: number, transitions: readonly number[]): PathHop[] {
  const hops: PathHop[] = [];
  let at = first;
  for (const t of transitions) {
    hops.push(hopAt(g, at, g.outPort[t]!));
    at = g.target[t]!;
  }
  if (at < 0) return hops;
  // The last state: where the path ends (a device entered, or a zone).
  if (transitions.length === 0 || at !== first) hops.push(hopAt(g, at, -1));
  return hops;
}

function hopAt(g: ForwardingGraph, node: number, outPort: number): PathHop {
  const c = g.compiled;
  const out = outPort >= 0 ? c.portName[outPort]! : undefined;
  if (node < g.P) return { kind: 'device', device: c.portDevice[node]!, in: c.portName[node]!, out };
  if (node < g.stateCount) return { kind: 'zone', zone: g.attachmentZone[node - g.P]! };
  if (node < g.stateCount + g.D) return { kind: 'device', device: node - g.stateCount, in: undefined, out };
  return { kind: 'zone', zone: node - g.stateCount - g.D };
}

function originOf(g: ForwardingGraph, i: Injection): Origin {
  const c = g.compiled;
  if (i.kind === 'device') return { kind: 'device', device: i.device };
  if (i.kind === 'zone') return { kind: 'zone', zone: i.zone };
  return { kind: 'edge', device: c.portDevice[i.port]!, port: c.portName[i.port]! };
}

/** Breadth first from every injection point that may send the packet, to a goal state. */
function witnessFinder(g: ForwardingGraph): Witness {
  const bdd = g.compiled.bdd;
  // via: the transition a state was first reached by (-1 unseen, -2 an injection state);
  // from: the state before (-1 when the transition left an origin); root: the injection.
  const via = new Int32Array(g.stateCount);
  const from = new Int32Array(g.stateCount);
  const root = new Int32Array(g.stateCount);
  const path = (s: number): WitnessPath => {
    const ts: number[] = [];
    for (let x = s; via[x]! >= 0; ) {
      ts.push(via[x]!);
      if (from[x]! < 0) break;
      x = from[x]!;
    }
    ts.reverse();
    const inj = g.injections[root[s]!]!;
    return { from: originOf(g, inj), hops: hopsOf(g, inj.node, ts) };
  };
  return (packet, goal) => {
    via.fill(-1);
    const queue: number[] = [];
    const reach = (s: number, t: number, u: number, r: number): boolean => {
      if (via[s] !== -1) return false;
      via[s] = t;
      from[s] = u;
      root[s] = r;
      queue.push(s);
      return goal(s);
    };
    for (let r = 0; r < g.injections.length; r++) {
      const inj = g.injections[r]!;
      if (!bdd.contains(inj.headers, packet)) continue;
      if (inj.node < g.stateCount) {
        // An edge port: the packet enters its device there.
        if (reach(inj.node, -2, -1, r)) return path(inj.node);
        continue;
      }
      for (let t = g.start[inj.node]!; t < g.start[inj.node + 1]!; t++) {
        const v = g.target[t]!;
        if (v >= 0 && bdd.contains(g.label[t]!, packet) && reach(v, t, -1, r)) return path(v);
      }
    }
    for (let i = 0; i < queue.length; i++) {
      const u = queue[i]!;
      for (let t = g.start[u]!; t < g.start[u + 1]!; t++) {
        const v = g.target[t]!;
        if (v >= 0 && bdd.contains(g.label[t]!, packet) && reach(v, t, u, root[u]!)) return path(v);
      }
    }
    return undefined;
  };
}

/** Intended drops per device and kind: ACL / rule denies, null routes, hairpins, gateways. */
function findDrops(g: ForwardingGraph, arrived: Int32Array, maxBoxes: number): Drop[] {
  const c = g.compiled;
  const bdd = c.bdd;
  const byKey = new Map<string, { kind: DropKind; device: number; set: Node }>();
  const put = (kind: DropKind, device: number, set: Node): void => {
    if (set === FALSE) return;
    const key = `${device}:${kind}`;
    const have = byKey.get(key);
    byKey.set(key, { kind, device, set: have ? bdd.or(have.set, set) : set });
  };
  for (let p = 0; p < g.P; p++) {
    const x = arrived[p]!;
    if (x === FALSE) continue;
    const d = c.portDevice[p]!;
    if (g.isGatewayDevice(d)) {
      put('not-forwarded', d, x);
      continue;
    }
    const enters = g.enters(p);
    put('denied', d, bdd.diff(x, enters));
    const e = bdd.and(x, enters);
    const routes = c.routed[d];
    if (routes) put('discarded', d, bdd.and(e, c.discarded[d]!));
    let elsewhere: Node = FALSE;
    for (let q = c.portStart[d]!; q < c.portStart[d + 1]!; q++) {
      if (q === p || g.vlanPort[q]) continue;
      const routed = routes ? routes[q - c.portStart[d]!]! : TRUE;
      if (routed === FALSE) continue;
      elsewhere = bdd.or(elsewhere, routed);
      put('denied', d, bdd.diff(bdd.and(e, routed), c.permit(d, p, q)));
    }
    if (routes) put('hairpin', d, bdd.diff(bdd.and(e, routes[p - c.portStart[d]!]!), bdd.or(elsewhere, bdd.or(c.delivered[d]!, c.discarded[d]!))));
  }
  return [...byKey.values()].map(({ kind, device, set }) => ({ kind, device, headers: listingOf(bdd, set, maxBoxes) }));
}

/**
 * Reachability: from each source, the headers each destination receives. Sources are devices
 * originating and zones (device level), or edge ports and zone attachments as ingresses (port
 * level); destinations are devices delivering locally (`dev`), edge ports packets leave by
 * (`dev:port`) and zones (`zone id`).
 */
function reachability(g: ForwardingGraph, level: ReachLevel, progress: (m: string) => void, maxBoxes: number, maxPrefixes: number): ReachMatrix {
  const c = g.compiled;
  const bdd = c.bdd;
  const network = g.network;
  const deviceLabel = (d: number): string => network.devices[d]!.id;
  const portLabel = (p: number): string => `${deviceLabel(c.portDevice[p]!)}:${c.portName[p]!}`;
  const zoneLabel = (z: number): string => `zone ${network.zones[z]!.id}`;
  /** Ends of one fixpoint, keyed by destination label, restricted to `only`. */
  const endsOf = (sets: Int32Array, exits: Map<number, Node>, only: Node): Map<string, Node> => {
    const out = new Map<string, Node>();
    const put = (label: string, n: Node): void => {
      const m = bdd.and(n, only);
      if (m !== FALSE) out.set(label, bdd.or(out.get(label) ?? FALSE, m));
    };
    for (let p = 0; p < g.P; p++) {
      const d = c.portDevice[p]!;
      if (sets[p] === FALSE || !c.routed[d] || c.delivered[d] === FALSE) continue;
      put(deviceLabel(d), bdd.and(bdd.and(sets[p]!, g.enters(p)), c.delivered[d]!));
    }
    for (const [target, n] of exits) {
      const q = exitPort(target);
      put(portLabel(q), n);
    }
    for (let a = 0; a < g.A; a++) {
      if (sets[g.P + a] === FALSE) continue;
      const z = g.attachmentZone[a]!;
      put(zoneLabel(z), bdd.and(sets[g.P + a]!, c.dstOwned[z]!));
    }
    return out;
  };
  const rows: Array<{ label: string; ends: Map<string, Node> }> = [];
  let last = Date.now();
  const tick = (i: number, n: number): void => {
    if (Date.now() - last > 1000) {
      progress(`reachability: source ${i + 1}/${n}`);
      last = Date.now();
    }
  };
  if (level === 'device') {
    const devices = g.injections.filter((i) => i.kind === 'device');
    devices.forEach((i, k) => {
      tick(k, devices.length);
      const r = propagate(g.compiled.bdd, g.transitions, g.stateCount, [[i.node, i.headers]]);
      rows.push({ label: deviceLabel((i as { device: number }).device), ends: endsOf(r.sets, r.exits, TRUE) });
    });
    // Zones send from their own addresses, so one fixpoint serves them all.
    const zones = g.injections.filter((i) => i.kind === 'zone');
    if (zones.length > 0) {
      const r = propagate(
        g.compiled.bdd,
        g.transitions,
        g.stateCount,
        zones.map((i) => [i.node, i.headers] as const),
      );
      for (const i of zones) {
        const z = (i as { zone: number }).zone;
        rows.push({ label: zoneLabel(z), ends: endsOf(r.sets, r.exits, c.srcOwned[z]!) });
      }
    }
  } else {
    const ingresses: Array<{ label: string; state: number; headers: Node }> = [];
    for (const i of g.injections) if (i.kind === 'edge') ingresses.push({ label: portLabel(i.port), state: i.port, headers: TRUE });
    for (let a = 0; a < g.A; a++) {
      const z = g.attachmentZone[a]!;
      const p = c.attachPort[a]!;
      ingresses.push({ label: portLabel(p), state: p, headers: bdd.and(c.srcOwned[z]!, g.passOn[z]!) });
    }
    ingresses.forEach((i, k) => {
      tick(k, ingresses.length);
      const r = propagate(g.compiled.bdd, g.transitions, g.stateCount, [[i.state, i.headers]]);
      rows.push({ label: i.label, ends: endsOf(r.sets, r.exits, TRUE) });
    });
  }
  const destinations = new Set<string>();
  const cells: ReachCell[] = [];
  for (const row of rows) {
    for (const [to, n] of [...row.ends].sort((a, b) => a[0].localeCompare(b[0]))) {
      destinations.add(to);
      cells.push(cellOf(g, row.label, to, n, maxBoxes, maxPrefixes));
    }
  }
  return { level, sources: rows.map((r) => r.label), destinations: [...destinations].sort(), cells };
}

function cellOf(g: ForwardingGraph, from: string, to: string, n: Node, maxBoxes: number, maxPrefixes: number): ReachCell {
  const bdd = g.compiled.bdd;
  const dstOnly = bdd.exists(bdd.exists(bdd.exists(n, SRC), PROTO), PORT);
  // The destination prefixes, listed up to maxPrefixes (the set itself stays exact).
  const dst: string[] = [];
  for (const b of bdd.toBoxes(dstOnly, maxPrefixes + 1)) {
    for (const cidr of rangeToCidrs({ lo: b.dstLo, hi: b.dstHi })) dst.push(cidr.includes('/') ? cidr : `${cidr}/32`);
    if (dst.length > maxPrefixes) break;
  }
  const dstTruncated = dst.length > maxPrefixes;
  return { from, to, headers: listingOf(bdd, n, maxBoxes), dst: dstTruncated ? dst.slice(0, maxPrefixes) : dst, dstTruncated, restricted: dstOnly !== n };
}

/** Strongly connected components over the useful transitions (iterative Tarjan). */
function stronglyConnected(g: ForwardingGraph, useful: (t: number, s: number) => boolean): { id: Int32Array; cyclic: Uint8Array } {
  const N = g.stateCount;
  const index = new Int32Array(N).fill(-1);
  const low = new Int32Array(N);
  const id = new Int32Array(N).fill(-1);
  const onStack = new Uint8Array(N);
  const cyclic = new Uint8Array(N);
  const selfLoop = new Uint8Array(N);
  const stack: number[] = [];
  const work: Array<[number, number]> = [];
  let counter = 0;
  let components = 0;
  for (let root = 0; root < N; root++) {
    if (index[root] !== -1) continue;
    work.push([root, g.start[root]!]);
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      const [u, t] = top;
      if (t < g.start[u + 1]!) {
        top[1] = t + 1;
        if (!useful(t, u)) continue;
        const v = g.target[t]!;
        if (v === u) selfLoop[u] = 1;
        if (index[v] === -1) {
          index[v] = low[v] = counter++;
          stack.push(v);
          onStack[v] = 1;
          work.push([v, g.start[v]!]);
        } else if (onStack[v]) low[u] = Math.min(low[u]!, index[v]!);
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]![0];
        low[parent] = Math.min(low[parent]!, low[u]!);
      }
      if (low[u] === index[u]) {
        const members: number[] = [];
        for (;;) {
          const w = stack.pop()!;
          onStack[w] = 0;
          id[w] = components;
          members.push(w);
          if (w === u) break;
        }
        for (const w of members) if (members.length > 1 || selfLoop[w]) cyclic[w] = 1;
        components++;
      }
    }
  }
  return { id, cyclic };
}
