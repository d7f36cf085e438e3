// The reference engine's data-plane checks: the header space cut into atoms (parts that every
// set of the forwarding treats alike), and per atom its forwarding graph as a graphology graph,
// walked with graphology-traversal (what each source reaches) and searched with
// graphology-simple-path (every cycle). Simple and exact; exponential in atoms and cycles.

import { DirectedGraph } from 'graphology';
import { allSimplePaths } from 'graphology-simple-path';
import { bfsFromNode } from 'graphology-traversal';
import { InputError } from '../errors.ts';
import { buildGraph } from '../model/graph.ts';
import { isGateway, type Network } from '../model/network.ts';
import { type Ipv4Range, rangeToCidrs } from '../net/ipv4.ts';
import {
  ALL_HEADERS,
  compareBoxes,
  containsPacket,
  type HeaderBox,
  type HeaderSet,
  intersect,
  normalize,
  type Packet,
  representative,
  restrictDst,
  subtract,
} from './headerset.ts';
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
  ReachMatrix,
  WitnessPath,
} from './types.ts';

/** What the reference engine knows of a device's forwarding (reference.ts gives it from its compiled devices). */
export interface DeviceForwarding {
  /** With routes: destinations out of each physical interface, to the device itself, null-routed, unrouted. */
  readonly routes:
    | {
        readonly out: ReadonlyMap<string, readonly Ipv4Range[]>;
        readonly local: readonly Ipv4Range[];
        readonly discarded: readonly Ipv4Range[];
        readonly unrouted: readonly Ipv4Range[];
      }
    | undefined;
  /** What the in-ACLs of an interface let in. */
  admits(iface: string): HeaderSet;
  /** What may leave by `out` having come in by `in` (undefined: originated): a firewall's rules (transit only) and the out-ACLs. */
  passes(inIface: string | undefined, outIface: string): HeaderSet;
}

/** A node of the forwarding graph: a state (device entered by a port, zone entered from an attachment), an origin, or an exit. */
type Place =
  | { readonly kind: 'port'; readonly device: number; readonly iface: string }
  | { readonly kind: 'zone'; readonly zone: number; readonly device: number; readonly iface: string }
  | { readonly kind: 'device-origin'; readonly device: number }
  | { readonly kind: 'zone-origin'; readonly zone: number }
  | { readonly kind: 'exit'; readonly device: number; readonly iface: string };

interface Transition {
  readonly from: string;
  readonly to: string;
  readonly label: HeaderSet;
  /** The interface a device transition leaves by. */
  readonly out: string | undefined;
}

interface Injection {
  readonly node: string;
  readonly headers: HeaderSet;
  readonly origin: Origin;
}

const portKey = (device: number, iface: string): string => `p:${device}:${iface}`;
const zoneKey = (zone: number, device: number, iface: string): string => `z:${zone}:${device}:${iface}`;
const dstBoxes = (ranges: readonly Ipv4Range[]): HeaderSet => restrictDst([ALL_HEADERS], ranges);

/**
 * Counts the work of one data-plane check (box operations, nodes visited, cycle steps) and
 * stops it past `maxSteps`: the reference engine is exponential, and says so rather than hang.
 */
export function stepBudget(network: Network, maxSteps: number): (work: number) => void {
  let steps = 0;
  return (work) => {
    steps += work;
    if (steps > maxSteps)
      throw new InputError([
        {
          code: 'BNK_ERR_LIMIT_EXCEEDED',
          message: `the reference engine's data-plane check took more than ${maxSteps} steps; use the fast engine for a network this large`,
          loc: { file: network.file, line: 1, column: 1 },
        },
      ]);
  };
}

/** The data-plane question over header atoms, on devices whose work counts against `step` (stepBudget). */
export function referenceDataplane(
  network: Network,
  devices: readonly DeviceForwarding[],
  query: DataplaneQuery,
  step: (work: number) => void,
): DataplaneAnswer {
  // ── The forwarding graph with header sets on its transitions, read off the topology graph ──
  const places = new Map<string, Place>();
  const states: string[] = [];
  const addState = (key: string, place: Place): void => {
    places.set(key, place);
    states.push(key);
  };
  /** Per device interface, where a copy sent out of it goes (zone entries and peer ports). */
  const cables = new Map<string, string[]>();
  const cable = (device: number, iface: string, to: string): void => {
    const key = portKey(device, iface);
    cables.set(key, [...(cables.get(key) ?? []), to]);
  };
  const attachments = network.zones.map((): Array<{ device: number; iface: string }> => []);
  buildGraph(network).forEachEdge((_, e) => {
    if (e.kind === 'attach') {
      attachments[e.zone]!.push({ device: e.end.device, iface: e.end.interface });
      cable(e.end.device, e.end.interface, zoneKey(e.zone, e.end.device, e.end.interface));
    } else {
      cable(e.a.device, e.a.interface, portKey(e.b.device, e.b.interface));
      cable(e.b.device, e.b.interface, portKey(e.a.device, e.a.interface));
    }
  });
  for (const d of network.devices) for (const f of d.interfaces) addState(portKey(d.index, f.name), { kind: 'port', device: d.index, iface: f.name });
  attachments.forEach((list, zone) => {
    for (const a of list) addState(zoneKey(zone, a.device, a.iface), { kind: 'zone', zone, ...a });
  });
  const isEdge = (device: number, iface: string): boolean =>
    !network.devices[device]!.interfaces.find((f) => f.name === iface)!.members && !cables.has(portKey(device, iface));
  const physical = (device: number): string[] => network.devices[device]!.interfaces.filter((f) => !f.members).map((f) => f.name);

  /** The headers in all the sets (each step of the product counted against the budget). */
  const within = (...sets: HeaderSet[]): HeaderSet =>
    sets.reduce((a, b) => {
      step(a.length * b.length);
      return intersect(a, b);
    });
  const transitions: Transition[] = [];
  const sendOut = (from: string, device: number, out: string, label: HeaderSet): void => {
    if (label.length === 0) return;
    if (isEdge(device, out)) {
      const exit = `x:${device}:${out}`;
      places.set(exit, { kind: 'exit', device, iface: out });
      transitions.push({ from, to: exit, label, out });
    }
    for (const to of cables.get(portKey(device, out)) ?? []) transitions.push({ from, to, label, out });
  };
  /** Destinations a device routes out of an interface (all of them without routes). */
  const routedOut = (device: number, iface: string): HeaderSet => {
    const routes = devices[device]!.routes;
    return routes ? dstBoxes(routes.out.get(iface) ?? []) : [ALL_HEADERS];
  };
  const owned = network.zones.map((z) => ({
    src: intersect(
      [ALL_HEADERS],
      z.owned.map((r) => ({ ...ALL_HEADERS, srcLo: r.lo, srcHi: r.hi })),
    ),
    dst: dstBoxes(z.owned),
  }));
  const passOn = owned.map((o) => subtract([ALL_HEADERS], o.dst));
  for (const d of network.devices) {
    if (isGateway(d)) continue; // gateways never forward
    const fwd = devices[d.index]!;
    for (const p of physical(d.index)) {
      for (const q of physical(d.index)) {
        if (q !== p) sendOut(portKey(d.index, p), d.index, q, within(routedOut(d.index, q), fwd.admits(p), fwd.passes(p, q)));
      }
    }
    const origin = `o:d:${d.index}`;
    places.set(origin, { kind: 'device-origin', device: d.index });
    for (const q of physical(d.index)) sendOut(origin, d.index, q, within(routedOut(d.index, q), fwd.passes(undefined, q)));
  }
  attachments.forEach((list, zone) => {
    const origin = `o:z:${zone}`;
    places.set(origin, { kind: 'zone-origin', zone });
    if (passOn[zone]!.length === 0) return; // the zone owns every address: it passes nothing on
    for (const to of list) transitions.push({ from: origin, to: portKey(to.device, to.iface), label: passOn[zone]!, out: undefined });
    for (const from of list) {
      for (const to of list) {
        if (to.device !== from.device)
          transitions.push({ from: zoneKey(zone, from.device, from.iface), to: portKey(to.device, to.iface), label: passOn[zone]!, out: undefined });
      }
    }
  });
  for (const z of network.zones) if (!places.has(`o:z:${z.index}`)) places.set(`o:z:${z.index}`, { kind: 'zone-origin', zone: z.index });

  const injections: Injection[] = [];
  for (const d of network.devices)
    if (!isGateway(d)) injections.push({ node: `o:d:${d.index}`, headers: [ALL_HEADERS], origin: { kind: 'device', device: d.index } });
  for (const z of network.zones) injections.push({ node: `o:z:${z.index}`, headers: owned[z.index]!.src, origin: { kind: 'zone', zone: z.index } });
  for (const d of network.devices)
    for (const f of d.interfaces) {
      if (isEdge(d.index, f.name))
        injections.push({ node: portKey(d.index, f.name), headers: [ALL_HEADERS], origin: { kind: 'edge', device: d.index, port: f.name } });
    }
  query.onProgress(`reference forwarding graph: ${states.length} states, ${transitions.length} transitions, ${injections.length} injection points`);

  // ── Atoms: every set below is a union of them, so one packet of an atom speaks for it ──
  const admitted = new Map<string, HeaderSet>();
  for (const d of network.devices) for (const p of physical(d.index)) admitted.set(portKey(d.index, p), devices[d.index]!.admits(p));
  const sets: HeaderSet[] = [
    ...transitions.map((t) => t.label),
    ...injections.map((i) => i.headers),
    ...owned.flatMap((o) => [o.src, o.dst]),
    ...admitted.values(),
    ...network.devices.flatMap((d) => {
      const routes = devices[d.index]!.routes;
      return routes ? [...[...routes.out.values()].map(dstBoxes), dstBoxes(routes.local), dstBoxes(routes.discarded), dstBoxes(routes.unrouted)] : [];
    }),
  ];
  const atoms = atomsOf(sets, step);
  query.onProgress(`reference: ${atoms.length} header atoms`);

  // ── Per atom: its graph, what each injection reaches, its cycles ──
  const loopsByKey = new Map<string, { atoms: HeaderSet[]; packet: Packet; cycle: PathHop[]; entry: WitnessPath; states: readonly string[] }>();
  const holes = new Map<number, { atoms: HeaderSet[]; packet: Packet; path: WitnessPath }>();
  const drops = new Map<string, { kind: DropKind; device: number; atoms: HeaderSet[] }>();
  const cells = new Map<string, Map<string, HeaderSet[]>>(); // source label -> destination label -> atoms
  const rows = reachRows(network, query, injections, attachments, owned, passOn);
  let loopsCut = false;

  for (const atom of atoms) {
    const packet = representative(atom[0]!);
    const graph = new DirectedGraph<Record<string, never>, { out: string | undefined }>();
    for (const key of places.keys()) graph.addNode(key);
    for (const t of transitions) {
      step(1);
      if (containsPacket(t.label, packet) && !graph.hasEdge(t.from, t.to)) graph.addEdge(t.from, t.to, { out: t.out });
    }
    const from = injections.filter((i) => containsPacket(i.headers, packet));
    const reached = new Set<string>();
    for (const i of from) bfsFromNode(graph, i.node, (node) => void reached.add(node));
    step(reached.size * from.length);
    const pathTo = (goal: (node: string) => boolean): WitnessPath => witnessPath(graph, from, goal, places);

    // Loops: every cycle the atom goes round, found once, from its first state in `states`
    // order: in what is left of the graph once the states before it are taken out, among the
    // states it both reaches and is reached from.
    const live = graph.copy();
    for (const node of places.keys())
      if (!reached.has(node) || places.get(node)!.kind === 'exit' || places.get(node)!.kind.endsWith('origin')) live.dropNode(node);
    for (const s of states) {
      if (!live.hasNode(s) || loopsCut) continue;
      const ahead = new Set<string>();
      bfsFromNode(live, s, (node) => void ahead.add(node));
      const core = new Set<string>();
      bfsFromNode(live, s, (node) => void (ahead.has(node) && core.add(node)), { mode: 'inbound' });
      step(2 * ahead.size);
      if (core.size > 1 || live.hasEdge(s, s)) {
        const part = new DirectedGraph();
        for (const node of core) part.addNode(node);
        live.forEachEdge((_, __, u, v) => {
          if (core.has(u) && core.has(v)) part.addEdge(u, v);
        });
        for (const path of allSimplePaths(part, s, s)) {
          step(path.length);
          const key = path.join(' ');
          const known = loopsByKey.get(key);
          if (known) {
            if (known.atoms.at(-1) !== atom) known.atoms.push(atom);
            continue;
          }
          if (loopsByKey.size >= query.maxClasses) {
            loopsCut = true;
            break;
          }
          loopsByKey.set(key, { atoms: [atom], packet, cycle: hopsOf(graph, path, places), entry: pathTo((n) => n === s), states: path.slice(0, -1) });
        }
      }
      live.dropNode(s);
    }

    // Black holes and drops, at each device port state the atom arrives at.
    for (const s of states) {
      const place = places.get(s)!;
      if (!reached.has(s) || place.kind !== 'port' || network.devices[place.device]!.interfaces.find((f) => f.name === place.iface)!.members) continue;
      const d = place.device;
      const fwd = devices[d]!;
      const drop = (kind: DropKind): void => {
        const key = `${d}:${kind}`;
        const have = drops.get(key) ?? { kind, device: d, atoms: [] };
        if (have.atoms.at(-1) !== atom) have.atoms.push(atom);
        drops.set(key, have);
      };
      if (isGateway(network.devices[d]!)) {
        drop('not-forwarded');
        continue;
      }
      if (!containsPacket(admitted.get(s)!, packet)) {
        drop('denied');
        continue;
      }
      const routes = fwd.routes;
      const has = (ranges: readonly Ipv4Range[]): boolean => ranges.some((r) => r.lo <= packet.dst && packet.dst <= r.hi);
      if (routes && has(routes.unrouted)) {
        const hole = holes.get(d);
        if (!hole) holes.set(d, { atoms: [atom], packet, path: pathTo((n) => n === s) });
        else if (hole.atoms.at(-1) !== atom) hole.atoms.push(atom);
      }
      if (routes && has(routes.discarded)) drop('discarded');
      let elsewhere = false;
      for (const q of physical(d)) {
        if (q === place.iface || (routes && !has(routes.out.get(q) ?? []))) continue;
        elsewhere = true;
        if (!containsPacket(fwd.passes(place.iface, q), packet)) drop('denied');
      }
      if (routes && has(routes.out.get(place.iface) ?? []) && !elsewhere && !has(routes.local) && !has(routes.discarded)) drop('hairpin');
    }

    // Reachability: per source, the destinations the atom gets to.
    for (const row of rows) {
      if (!containsPacket(row.headers, packet)) continue;
      const ends = cells.get(row.label) ?? new Map<string, HeaderSet[]>();
      cells.set(row.label, ends);
      const reach = (to: string): void => {
        const list = ends.get(to) ?? [];
        if (list.at(-1) !== atom) list.push(atom);
        ends.set(to, list);
      };
      bfsFromNode(graph, row.node, (node) => {
        step(1);
        const place = places.get(node)!;
        if (place.kind === 'exit') reach(`${network.devices[place.device]!.id}:${place.iface}`);
        else if (place.kind === 'zone' && containsPacket(owned[place.zone]!.dst, packet)) reach(`zone ${network.zones[place.zone]!.id}`);
        else if (place.kind === 'port') {
          const routes = devices[place.device]!.routes;
          const admits = admitted.get(node);
          if (routes && admits && containsPacket(admits, packet) && routes.local.some((r) => r.lo <= packet.dst && packet.dst <= r.hi))
            reach(network.devices[place.device]!.id);
        }
      });
    }
  }

  const list = (sets: readonly HeaderSet[], limit: number): { set: HeaderBox[]; listing: HeaderListing } => {
    const set = coalesce(sets.flat());
    return { set, listing: { boxes: set.slice(0, limit), truncated: set.length > limit } };
  };
  const loops: Loop[] = [...loopsByKey.values()].map((l) => ({
    cycle: l.cycle,
    headers: list(l.atoms, query.list.sets).listing,
    packet: l.packet,
    entry: l.entry,
  }));
  const blackHoles: BlackHole[] = [...holes.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([device, h]) => ({ device, headers: list(h.atoms, query.list.sets).listing, packet: h.packet, path: h.path }));
  const dropList: Drop[] = [...drops.values()].map((x) => ({ kind: x.kind, device: x.device, headers: list(x.atoms, query.list.sets).listing }));
  let reach: ReachMatrix | undefined;
  if (query.reach) {
    const destinations = new Set<string>();
    const cellList: ReachCell[] = [];
    for (const row of rows) {
      for (const [to, sets] of [...(cells.get(row.label) ?? [])].sort((a, b) => a[0].localeCompare(b[0]))) {
        destinations.add(to);
        cellList.push(cellOf(row.label, to, list(sets, query.list.pairs), query.list.prefixes));
      }
    }
    reach = { level: query.reach, sources: rows.map((r) => r.label), destinations: [...destinations].sort(), cells: cellList };
  }
  const loopStates = new Set([...loopsByKey.values()].flatMap((l) => l.states)).size;
  return {
    loops,
    blackHoles,
    drops: dropList,
    reach,
    loopsCut,
    stats: { states: states.length, transitions: transitions.length, injections: injections.length, loopStates, bddNodes: 0 },
  };
}

/**
 * The coarsest partition of the header space in which every given set is a union of parts:
 * each set splits every part into what it holds and what it does not.
 */
function atomsOf(sets: readonly HeaderSet[], step: (n: number) => void): HeaderSet[] {
  const distinct = new Map<string, HeaderSet>();
  for (const s of sets) {
    const n = normalize(s);
    distinct.set(JSON.stringify(n), n);
  }
  let atoms: HeaderSet[] = [[ALL_HEADERS]];
  for (const s of distinct.values()) {
    const next: HeaderSet[] = [];
    for (const a of atoms) {
      step(a.length * s.length);
      const inside = intersect(a, s);
      const outside = inside.length === 0 ? a : subtract(a, inside);
      if (inside.length === 0 || outside.length === 0) next.push(a);
      else next.push(normalize(inside), normalize(outside));
    }
    atoms = next;
  }
  return atoms;
}

/** The rows of the reachability matrix: each a source label, where it injects, and what. */
function reachRows(
  network: Network,
  query: DataplaneQuery,
  injections: readonly Injection[],
  attachments: ReadonlyArray<ReadonlyArray<{ device: number; iface: string }>>,
  owned: ReadonlyArray<{ src: HeaderSet; dst: HeaderSet }>,
  passOn: readonly HeaderSet[],
): Array<{ label: string; node: string; headers: HeaderSet }> {
  if (!query.reach) return [];
  const portLabel = (device: number, iface: string): string => `${network.devices[device]!.id}:${iface}`;
  if (query.reach === 'device') {
    return injections
      .filter((i) => i.origin.kind !== 'edge')
      .map((i) => ({
        label: i.origin.kind === 'device' ? network.devices[i.origin.device]!.id : `zone ${network.zones[(i.origin as { zone: number }).zone]!.id}`,
        node: i.node,
        headers: i.headers,
      }));
  }
  return [
    ...injections.flatMap((i) => (i.origin.kind === 'edge' ? [{ label: portLabel(i.origin.device, i.origin.port), node: i.node, headers: i.headers }] : [])),
    ...attachments.flatMap((list, zone) =>
      list.map((a) => ({ label: portLabel(a.device, a.iface), node: portKey(a.device, a.iface), headers: intersect(owned[zone]!.src, passOn[zone]!) })),
    ),
  ];
}

/** One cell: the set listed, its destinations as prefixes, and whether only some sources or services get there. */
function cellOf(from: string, to: string, { set, listing }: { set: HeaderBox[]; listing: HeaderListing }, maxPrefixes: number): ReachCell {
  // The destinations: the boxes' destination ranges, sorted and joined where they touch.
  const ranges: Array<{ lo: number; hi: number }> = [];
  for (const b of [...set].sort((x, y) => x.dstLo - y.dstLo)) {
    const last = ranges.at(-1);
    if (last && b.dstLo <= last.hi + 1) last.hi = Math.max(last.hi, b.dstHi);
    else ranges.push({ lo: b.dstLo, hi: b.dstHi });
  }
  const dst: string[] = [];
  for (const r of ranges) {
    for (const cidr of rangeToCidrs(r)) dst.push(cidr.includes('/') ? cidr : `${cidr}/32`);
    if (dst.length > maxPrefixes) break;
  }
  const dstTruncated = dst.length > maxPrefixes;
  // The set lies inside every header to those destinations: it is all of them when as large.
  const everyHeader = ranges.reduce((n, r) => n + BigInt(r.hi - r.lo + 1), 0n) * (1n << 56n);
  return { from, to, headers: listing, dst: dstTruncated ? dst.slice(0, maxPrefixes) : dst, dstTruncated, restricted: sizeOf(set) !== everyHeader };
}

/** The number of headers in disjoint boxes, exactly. */
function sizeOf(set: readonly HeaderBox[]): bigint {
  let n = 0n;
  for (const b of set) n += BigInt(b.srcHi - b.srcLo + 1) * BigInt(b.dstHi - b.dstLo + 1) * BigInt(b.protoHi - b.protoLo + 1) * BigInt(b.portHi - b.portLo + 1);
  return n;
}

const FIELDS = [
  ['srcLo', 'srcHi'],
  ['dstLo', 'dstHi'],
  ['protoLo', 'protoHi'],
  ['portLo', 'portHi'],
] as const;

/**
 * Disjoint boxes (atoms) as fewer boxes: boxes equal in three fields and touching in the fourth
 * are joined, field by field, until none are; sorted. (headerset.ts `normalize` does the same
 * for any boxes, but pair by pair: too slow for the thousands of atoms of a big set.)
 */
function coalesce(boxes: readonly HeaderBox[]): HeaderBox[] {
  let current = [...boxes];
  for (let joined = true; joined; ) {
    joined = false;
    for (const [lo, hi] of FIELDS) {
      const groups = new Map<string, HeaderBox[]>();
      for (const b of current) {
        const key = FIELDS.filter(([l]) => l !== lo)
          .map(([l, h]) => `${b[l]}-${b[h]}`)
          .join(' ');
        const group = groups.get(key);
        if (group) group.push(b);
        else groups.set(key, [b]);
      }
      current = [];
      for (const group of groups.values()) {
        group.sort((a, b) => a[lo] - b[lo]);
        let run = group[0]!;
        for (const b of group.slice(1)) {
          if (run[hi] + 1 === b[lo]) {
            run = { ...run, [hi]: b[hi] };
            joined = true;
          } else {
            current.push(run);
            run = b;
          }
        }
        current.push(run);
      }
    }
  }
  return current.sort(compareBoxes);
}

/** The hops of a walk through the graph's nodes (its first node an origin or a state). */
function hopsOf(
  graph: DirectedGraph<Record<string, never>, { out: string | undefined }>,
  nodes: readonly string[],
  places: ReadonlyMap<string, Place>,
): PathHop[] {
  const hop = (node: string, out: string | undefined): PathHop | undefined => {
    const p = places.get(node)!;
    if (p.kind === 'port') return { kind: 'device', device: p.device, in: p.iface, out };
    if (p.kind === 'device-origin') return { kind: 'device', device: p.device, in: undefined, out };
    if (p.kind === 'zone' || p.kind === 'zone-origin') return { kind: 'zone', zone: p.zone };
    return undefined; // an exit is no hop
  };
  const hops: PathHop[] = [];
  for (let i = 0; i + 1 < nodes.length; i++) {
    const h = hop(nodes[i]!, graph.getEdgeAttribute(nodes[i]!, nodes[i + 1]!, 'out'));
    if (h) hops.push(h);
  }
  // The last node: where the walk ends (unless it closed a cycle back to its first).
  const last = nodes.at(-1)!;
  if (nodes.length === 1 || last !== nodes[0]) {
    const h = hop(last, undefined);
    if (h) hops.push(h);
  }
  return hops;
}

/** A shortest walk from an injection that sends the atom to a node `goal` accepts, as a witness path. */
function witnessPath(
  graph: DirectedGraph<Record<string, never>, { out: string | undefined }>,
  from: readonly Injection[],
  goal: (node: string) => boolean,
  places: ReadonlyMap<string, Place>,
): WitnessPath {
  for (const i of from) {
    const depth = new Map<string, number>();
    let found: string | undefined;
    bfsFromNode(graph, i.node, (node, _, d) => {
      if (found !== undefined) return true;
      depth.set(node, d);
      if (goal(node)) found = node;
      return false;
    });
    if (found === undefined) continue;
    // Back from the goal, each step to a node one closer to the injection.
    const nodes = [found];
    while (nodes[0] !== i.node) {
      const here = nodes[0]!;
      nodes.unshift(graph.inNeighbors(here).find((u) => depth.get(u) === depth.get(here)! - 1)!);
    }
    return { from: i.origin, hops: hopsOf(graph, nodes, places) };
  }
  throw new Error('witnessPath: no injection reaches the goal (a bug)');
}
