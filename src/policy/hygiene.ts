// Firewall hygiene: rules that never decide anything (shadowed, conflicting), rules whose
// removal changes nothing (redundant), broad permits across domains (only the domain pairs
// whose zones can reach the rule's interfaces: farDomains), permits no intent needs.
// Exact, in the header space of the engine the check runs on (BDD nodes for the fast engine,
// boxes for the reference engine): per firewall, one pass per distinct applicable rule list.

import type { Device, Link, Network, Rule } from '../model/network.ts';
import { ruleLists } from '../model/rule-lists.ts';
import { ALL_HEADERS } from '../engine/headerset.ts';
import type { HeaderSpace } from '../engine/space.ts';
import type { ReachabilityEngine } from '../engine/types.ts';
import { IPV4_MAX, type Ipv4Range } from '../net/ipv4.ts';
import { PORT_MAX, PROTO_MAX, type ServiceTerm } from '../net/services.ts';
import { planIntent } from './analysis.ts';
import { HYGIENE_KINDS, type HygieneKind } from './types.ts';

export { HYGIENE_KINDS, type HygieneKind };

export type BroadField = 'from' | 'to' | 'service';

/** One hygiene problem of one firewall rule. Rules are indices into `device.rules`. */
export interface HygieneIssue {
  readonly kind: HygieneKind;
  readonly device: number;
  readonly rule: number;
  /**
   * shadowed, conflicting: the earlier rules that decide the rule's packets (first match).
   * redundant: the later rules that decide them once the rule is removed.
   */
  readonly covering: readonly number[];
  /** broad: the fields written as the whole space (`any`, 0.0.0.0/0). */
  readonly broadFields: readonly BroadField[];
  /** broad: the domain pairs (from, to) of the packets it permits across domains. */
  readonly crossings: ReadonlyArray<readonly [string, string]>;
  /** True when the rule applies to no pair of distinct interfaces of its firewall. */
  readonly unbound: boolean;
}

export interface HygieneOptions {
  /** Only these firewalls (device indices); all when absent. */
  readonly devices?: ReadonlySet<number>;
  readonly kinds?: ReadonlySet<HygieneKind>;
}

/** One distinct rule list of a firewall and the port pairs it applies to. */
interface RuleList {
  /** The applicable rules, in order. */
  readonly rules: readonly number[];
  /** The port pairs that share it: from each in-port to each of its out-ports. */
  readonly pairs: ReadonlyArray<{ readonly in: number; readonly outs: readonly number[] }>;
}

/**
 * The distinct rule lists of a firewall with the port pairs of distinct interfaces that use
 * each (the lists the engines fold: src/model/rule-lists.ts), in order of first use.
 */
function listsWithPairs(d: Device): RuleList[] {
  const { lists, listOf, ports } = ruleLists(d);
  const out: Array<{ rules: readonly number[]; pairs: Array<{ in: number; outs: number[] }> }> = [];
  const at = new Int32Array(lists.length).fill(-1);
  for (let a = 0; a < ports; a++) {
    for (let b = 0; b < ports; b++) {
      if (a === b) continue;
      const id = listOf[a * ports + b]!;
      if (at[id]! < 0) {
        at[id] = out.length;
        out.push({ rules: lists[id]!, pairs: [] });
      }
      const entry = out[at[id]!]!;
      const last = entry.pairs[entry.pairs.length - 1];
      if (last?.in === a) last.outs.push(b);
      else entry.pairs.push({ in: a, outs: [b] });
    }
  }
  return out;
}

/**
 * Per port of a device, the domains of the zones on its far side: the zone it is attached to
 * and the zones reached through the devices behind it, walking the topology graph without
 * passing through the device itself (whatever the other devices' rules and routes: a zone that
 * cannot reach the port this way can send no packet in through it, nor receive one out).
 *
 * The far sides are the components of the graph without the device, so one depth-first search
 * of the whole graph answers every device (Tarjan's articulation points): a DFS child c of the
 * device whose subtree has no edge above the device (low[c] ≥ disc[device]) is a component of
 * its own; everything else of the device's component is one more. Zones are counted per domain
 * in each subtree, so the rest is the component's counts minus the device's subtree plus its
 * children that reach above it.
 */
export function farDomains(network: Network): (d: Device) => Array<ReadonlySet<string>> {
  // Nodes: the zones (by index), then the devices (Z + index). Edges: each interface attached to
  // a zone, then each link; numbered, since parallel edges are separate.
  const Z = network.zones.length;
  const N = Z + network.devices.length;
  const names = [...new Set(network.zones.map((z) => z.domain))].sort();
  const D = names.length;
  const domainOf = new Int32Array(N).fill(-1);
  network.zones.forEach((z, i) => {
    domainOf[i] = names.indexOf(z.domain);
  });
  const adj: Array<Array<[number, number]>> = Array.from({ length: N }, () => []);
  let edges = 0;
  const join = (a: number, b: number): void => {
    adj[a]!.push([b, edges]);
    if (a !== b) adj[b]!.push([a, edges]);
    edges++;
  };
  for (const d of network.devices) for (const f of d.interfaces) if (f.zone !== undefined) join(Z + d.index, f.zone);
  const linksAt: Link[][] = network.devices.map(() => []);
  for (const link of network.links) {
    join(Z + link.a.device, Z + link.b.device);
    linksAt[link.a.device]!.push(link);
    if (link.b.device !== link.a.device) linksAt[link.b.device]!.push(link);
  }
  const disc = new Int32Array(N).fill(-1);
  const low = new Int32Array(N);
  const size = new Int32Array(N);
  const parent = new Int32Array(N).fill(-1);
  const root = new Int32Array(N);
  const counts = new Int32Array(N * D);
  let time = 0;
  for (let r = 0; r < N; r++) {
    if (disc[r] !== -1) continue;
    const stack: Array<{ v: number; via: number; next: number }> = [];
    const enter = (v: number, via: number, from: number): void => {
      disc[v] = low[v] = time++;
      size[v] = 1;
      parent[v] = from;
      root[v] = r;
      if (domainOf[v]! >= 0) counts[v * D + domainOf[v]!]! += 1;
      stack.push({ v, via, next: 0 });
    };
    enter(r, -1, -1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const edges = adj[top.v]!;
      if (top.next < edges.length) {
        const [w, e] = edges[top.next++]!;
        if (e === top.via) continue;
        if (disc[w] === -1) enter(w, e, top.v);
        else low[top.v] = Math.min(low[top.v]!, disc[w]!);
        continue;
      }
      stack.pop();
      const p = parent[top.v]!;
      if (p < 0) continue;
      low[p] = Math.min(low[p]!, low[top.v]!);
      size[p]! += size[top.v]!;
      for (let x = 0; x < D; x++) counts[p * D + x]! += counts[top.v * D + x]!;
    }
  }
  const present = (vector: Int32Array): ReadonlySet<string> => new Set(names.filter((_, x) => vector[x]! > 0));
  const at = (v: number): Int32Array => counts.subarray(v * D, v * D + D);

  return (d: Device): Array<ReadonlySet<string>> => {
    const self = Z + d.index;
    const children = [...new Set(adj[self]!.map(([w]) => w))].filter((w) => parent[w] === self);
    const separate = (c: number): boolean => low[c]! >= disc[self]!;
    // The component of what reaches above the device (its DFS ancestors and the subtrees that do).
    const rest = new Int32Array(at(root[self]!));
    for (let x = 0; x < D; x++) rest[x]! -= at(self)[x]!;
    for (const c of children) if (!separate(c)) for (let x = 0; x < D; x++) rest[x]! += at(c)[x]!;
    const sideOf = (u: number): Int32Array => {
      const c = children.find((c) => disc[c]! <= disc[u]! && disc[u]! < disc[c]! + size[c]!);
      return c !== undefined && separate(c) ? at(c) : rest;
    };
    // The node at the far end of each interface: its zone, the devices linked to it.
    const ends = new Map<string, number[]>(d.interfaces.map((f) => [f.name, f.zone === undefined ? [] : [f.zone]]));
    for (const { a, b } of linksAt[d.index]!) {
      if (a.device === d.index && b.device !== d.index) ends.get(a.interface)!.push(Z + b.device);
      if (b.device === d.index && a.device !== d.index) ends.get(b.interface)!.push(Z + a.device);
    }
    return d.interfaces.map((f) => {
      const out = new Set<string>();
      for (const u of ends.get(f.name)!) for (const name of present(sideOf(u))) out.add(name);
      return out;
    });
  };
}

interface KeptSides {
  readonly zones: Network['zones'];
  readonly devices: ReadonlyArray<Pick<Device, 'id' | 'interfaces'>>;
  readonly sides: (d: Device) => Array<ReadonlySet<string>>;
}
const FAR_DOMAINS = new WeakMap<Network['links'], KeptSides>();
/**
 * farDomains, kept while the topology is the same objects (its zones, links, and each device's
 * id and interfaces), as a change of rules keeps them: a review does not walk the graph again.
 */
function farDomainsKept(network: Network): (d: Device) => Array<ReadonlySet<string>> {
  const kept = FAR_DOMAINS.get(network.links);
  const same =
    kept !== undefined &&
    kept.zones === network.zones &&
    kept.devices.length === network.devices.length &&
    network.devices.every((d, i) => d.id === kept.devices[i]!.id && d.interfaces === kept.devices[i]!.interfaces);
  if (same) return kept.sides;
  const sides = farDomains(network);
  FAR_DOMAINS.set(network.links, { zones: network.zones, devices: network.devices.map((d) => ({ id: d.id, interfaces: d.interfaces })), sides });
  return sides;
}

/** The domain pairs (from, to) a list's port pairs can carry, as "from\0to" keys. */
function carried(list: RuleList, far: ReadonlyArray<ReadonlySet<string>>): Set<string> {
  const out = new Set<string>();
  for (const { in: a, outs } of list.pairs) {
    const to = new Set<string>();
    for (const b of outs) for (const y of far[b]!) to.add(y);
    for (const x of far[a]!) for (const y of to) if (x !== y) out.add(`${x}\0${y}`);
  }
  return out;
}

/** Bounding box of each rule's match: src, dst, protocol, port (lo, hi), 8 numbers a rule. */
function hulls(rules: readonly Rule[]): Float64Array {
  const out = new Float64Array(rules.length * 8);
  for (let k = 0; k < rules.length; k++) {
    const r = rules[k]!;
    const x = k * 8;
    for (let f = 0; f < 8; f += 2) {
      out[x + f] = Infinity;
      out[x + f + 1] = -Infinity;
    }
    for (const a of r.src) widen(out, x, a.lo, a.hi);
    for (const a of r.dst) widen(out, x + 2, a.lo, a.hi);
    for (const t of r.services) {
      widen(out, x + 4, t.protoLo, t.protoHi);
      widen(out, x + 6, t.portLo, t.portHi);
    }
  }
  return out;
}

function widen(box: Float64Array, at: number, lo: number, hi: number): void {
  if (lo < box[at]!) box[at] = lo;
  if (hi > box[at + 1]!) box[at + 1] = hi;
}

interface DomainSets<S> {
  readonly names: readonly string[];
  readonly src: readonly S[];
  readonly dst: readonly S[];
}

/** Per domain, its owned addresses as a source set and as a destination set. */
function domainSets<S>(space: HeaderSpace<S>, network: Network): DomainSets<S> {
  const byDomain = new Map<string, Array<{ lo: number; hi: number }>>();
  for (const r of network.ownership) {
    if (r.zone < 0) continue;
    const domain = network.zones[r.zone]!.domain;
    const list = byDomain.get(domain) ?? [];
    const last = list[list.length - 1];
    if (last && last.hi + 1 === r.lo) last.hi = r.hi;
    else list.push({ lo: r.lo, hi: r.hi });
    byDomain.set(domain, list);
  }
  const names = [...byDomain.keys()].sort();
  return {
    names,
    src: names.map((n) => space.fromBoxes(byDomain.get(n)!.map((r) => ({ ...ALL_HEADERS, srcLo: r.lo, srcHi: r.hi })))),
    dst: names.map((n) => space.fromBoxes(byDomain.get(n)!.map((r) => ({ ...ALL_HEADERS, dstLo: r.lo, dstHi: r.hi })))),
  };
}

/** Every header of every flow intent, leg by leg through its gateways. */
function intentHeaders<S>(space: HeaderSpace<S>, network: Network): S {
  let all = space.empty;
  for (const intent of network.intents) {
    const plan = planIntent(network, intent);
    const legs = plan.ok ? plan.legs : [{ from: intent.from, to: intent.to, services: intent.services }];
    for (const leg of legs) all = space.or(all, space.match({ src: leg.from, dst: leg.to, services: leg.services }));
  }
  return all;
}

/** Per list of ranges (rules naming the same references share them, and a review's copies of rules keep them). */
const WHOLE = new WeakMap<readonly Ipv4Range[], boolean>();
/** True when the ranges cover every address (`any`, 0.0.0.0/0, or pieces that add up to it). */
function wholeSpace(ranges: readonly Ipv4Range[]): boolean {
  let whole = WHOLE.get(ranges);
  if (whole === undefined) {
    const sorted = [...ranges].sort((a, b) => a.lo - b.lo);
    let next = 0;
    for (const r of sorted) {
      if (r.lo > next) break;
      next = Math.max(next, r.hi + 1);
    }
    whole = next > IPV4_MAX;
    WHOLE.set(ranges, whole);
  }
  return whole;
}

/** True when the terms cover every protocol and port. */
function everyService(terms: readonly ServiceTerm[]): boolean {
  return terms.some((t) => t.protoLo === 0 && t.protoHi === PROTO_MAX && t.portLo === 0 && t.portHi === PORT_MAX);
}

function broadFields(rule: Rule): BroadField[] {
  const out: BroadField[] = [];
  if (wholeSpace(rule.src)) out.push('from');
  if (wholeSpace(rule.dst)) out.push('to');
  if (everyService(rule.services)) out.push('service');
  return out;
}

/**
 * Hygiene issues of every firewall, device by device and rule by rule in file order, computed
 * in the engine's header space: the same answer on every engine (tests/conformance/hygiene.test.ts).
 */
export function analyzeHygiene<S>(
  network: Network,
  engine: Pick<ReachabilityEngine<S>, 'space' | 'ruleMatches'>,
  options: HygieneOptions = {},
): HygieneIssue[] {
  const space = engine.space;
  const kinds = options.kinds ?? new Set(HYGIENE_KINDS);
  const wantUnneeded = kinds.has('unneeded') && network.intents.length > 0;
  let domains: DomainSets<S> | undefined;
  let sides: ((d: Device) => Array<ReadonlySet<string>>) | undefined;
  let intents: S | undefined;
  const issues: HygieneIssue[] = [];

  // Asked for a few firewalls (a review's changed ones), those alone, in device order: not a
  // pass over every device.
  const devices = options.devices
    ? [...options.devices]
        .sort((a, b) => a - b)
        .map((i) => network.devices[i])
        .filter((d) => d !== undefined)
    : network.devices;
  for (const d of devices) {
    if (d.kind !== 'firewall' || d.rules.length === 0) continue;
    const ruleSets = listsWithPairs(d);
    if (ruleSets.length === 0) continue;
    const lists = ruleSets.map((l) => l.rules);
    const matches = engine.ruleMatches(d.index);
    const n = d.rules.length;
    const permit = d.rules.map((r) => r.action === 'permit');
    const applies = new Uint8Array(n);
    const live = new Uint8Array(n); // decides something on some pair
    const conflict = new Uint8Array(n);
    const changes = new Uint8Array(n); // removing it changes some pair's permit set
    const broad = d.rules.map((r) => (kinds.has('broad') && r.action === 'permit' ? broadFields(r) : []));
    // What each rule decides, over all pairs: kept only where broad or unneeded ask for it.
    const keep = d.rules.map((r, k) => r.action === 'permit' && (broad[k]!.length > 0 || wantUnneeded));
    const decided: S[] = d.rules.map(() => space.empty);

    // Two rules can only interact where their matches meet: the bounding boxes of the
    // matches rule out most pairs at once, so a rule is folded only with the few rules of a
    // list that may overlap it, and equal neighbourhoods are computed once (memo).
    const hull = hulls(d.rules);
    const meets = (a: number, b: number): boolean => {
      const x = a * 8,
        y = b * 8;
      for (let f = 0; f < 8; f += 2) if (hull[x + f]! > hull[y + f + 1]! || hull[y + f]! > hull[x + f + 1]!) return false;
      return true;
    };
    const before = new Map<string, { mine: S; opposed: boolean }>();
    const behind = new Map<string, boolean>();
    // A number per distinct set value, for memo keys: the same value is the same set (for BDD
    // nodes, hash-consed, equal sets are the same value too).
    const ids = new Map<S, number>();
    const idOf = (set: S): number => {
      let id = ids.get(set);
      if (id === undefined) ids.set(set, (id = ids.size));
      return id;
    };
    const where: Array<Array<{ list: readonly number[]; at: number; group: number }>> = d.rules.map(() => []);
    // Pass 1: what each rule decides on each list (empty: shadowed there).
    const own: S[][] = lists.map((list) => new Array<S>(list.length).fill(space.empty));
    lists.forEach((list, g) => {
      for (let i = 0; i < list.length; i++) {
        const k = list[i]!;
        applies[k] = 1;
        where[k]!.push({ list, at: i, group: g });
        // A deny already live elsewhere needs nothing more (redundancy and broadness are
        // about permits): typically the final deny-all, which meets every rule of the list.
        if (!permit[k] && live[k]) continue;
        // What the rule decides here: its match minus the earlier rules that meet it.
        const earlier: number[] = [];
        for (let j = 0; j < i; j++) if (meets(k, list[j]!)) earlier.push(list[j]!);
        const key = `${k}:${earlier.join(',')}`;
        let here = before.get(key);
        if (!here) {
          let covered = space.empty;
          let permitted = space.empty;
          for (const j of earlier) {
            if (permit[j]) permitted = space.or(permitted, space.diff(matches[j]!, covered));
            covered = space.or(covered, matches[j]!);
          }
          const m = matches[k]!;
          const mine = space.diff(m, covered);
          // Shadowed here: first match gives its packets to earlier rules. Do they agree?
          const opposed = space.isEmpty(mine) && !space.isEmpty(m) && !space.isEmpty(permit[k] ? space.diff(m, permitted) : space.and(m, permitted));
          here = { mine, opposed };
          before.set(key, here);
        }
        own[g]![i] = here.mine;
        if (space.isEmpty(here.mine)) {
          if (here.opposed) conflict[k] = 1;
          continue;
        }
        live[k] = 1;
        if (keep[k]) decided[k] = space.or(decided[k]!, here.mine);
      }
    });
    // Pass 2: a live permit is redundant when, on every list, what it decides is permitted by
    // the live rules after it (first match, default deny). Shadowed rules decide nothing, so
    // they are left out: a duplicate pair gives one finding (the second copy, shadowed), and
    // the two findings never both point at the only rule that does the work.
    if (kinds.has('redundant')) {
      lists.forEach((list, g) => {
        for (let i = 0; i < list.length; i++) {
          const k = list[i]!;
          const mine = own[g]![i]!;
          if (!permit[k] || changes[k] || space.isEmpty(mine)) continue;
          const later: number[] = [];
          for (let j = i + 1; j < list.length; j++) if (live[list[j]!] && meets(k, list[j]!)) later.push(list[j]!);
          if (!later.some((j) => permit[j])) {
            changes[k] = 1;
            continue;
          }
          const key = `${k}:${idOf(mine)}|${later.join(',')}`;
          let changed = behind.get(key);
          if (changed === undefined) {
            let after = space.empty;
            for (let x = later.length - 1; x >= 0; x--) {
              const j = later[x]!;
              after = permit[j] ? space.or(matches[j]!, after) : space.diff(after, matches[j]!);
            }
            changed = !space.isEmpty(space.diff(mine, after));
            behind.set(key, changed);
          }
          if (changed) changes[k] = 1;
        }
      });
    }

    let far: Array<ReadonlySet<string>> | undefined;
    const carries: Array<Set<string> | undefined> = [];
    const push = (kind: HygieneKind, k: number, extra: Partial<HygieneIssue> = {}): void => {
      issues.push({ kind, device: d.index, rule: k, covering: [], broadFields: [], crossings: [], unbound: false, ...extra });
    };

    /**
     * The domain pairs a broad rule carries: what it decides on each list, between domains
     * whose zones reach that list's in-ports and are reached from its out-ports.
     */
    const broadCrossings = (k: number): Array<[string, string]> => {
      domains ??= domainSets(space, network);
      // First without the topology (cheap, and usually empty): the pairs its headers go between.
      const headerPairs = new Set(crossingsOf(space, domains, decided[k]!).map(([a, b]) => `${a}\0${b}`));
      if (headerPairs.size === 0) return [];
      sides ??= farDomainsKept(network);
      far ??= sides(d);
      // Then once per group of lists that carry the same pairs, on what it decides there.
      const byCarried = new Map<string, { can: Set<string>; set: S }>();
      for (const { at, group } of where[k]!) {
        const can = new Set([...(carries[group] ??= carried(ruleSets[group]!, far))].filter((p) => headerPairs.has(p)));
        if (can.size === 0) continue;
        const key = [...can].sort().join('\n');
        const entry = byCarried.get(key);
        if (entry) entry.set = space.or(entry.set, own[group]![at]!);
        else byCarried.set(key, { can, set: own[group]![at]! });
      }
      const pairs = new Set<string>();
      for (const { can, set } of byCarried.values()) for (const [a, b] of crossingsOf(space, domains, set, can)) pairs.add(`${a}\0${b}`);
      // In domain order, as crossingsOf lists them.
      const names = domains.names;
      return names.flatMap((a) => names.filter((b) => pairs.has(`${a}\0${b}`)).map((b): [string, string] => [a, b]));
    };

    for (let k = 0; k < n; k++) {
      if (!live[k]) {
        const kind: HygieneKind = conflict[k] ? 'conflicting' : 'shadowed';
        if (!kinds.has(kind)) continue;
        push(kind, k, { covering: earlierDeciders(space, matches, where[k]!, k, meets), unbound: !applies[k] });
        continue;
      }
      if (permit[k] && !changes[k] && kinds.has('redundant')) {
        push('redundant', k, { covering: laterDeciders(space, matches, where[k]!, (a, b) => live[b] === 1 && meets(a, b)) });
      }
      if (broad[k]!.length > 0) {
        const crossings = broadCrossings(k);
        if (crossings.length > 0) push('broad', k, { broadFields: broad[k]!, crossings });
      }
      if (wantUnneeded && permit[k]) {
        intents ??= intentHeaders(space, network);
        if (space.isEmpty(space.and(decided[k]!, intents))) push('unneeded', k);
      }
    }
  }
  return issues;
}

type Where = ReadonlyArray<{ list: readonly number[]; at: number }>;

/**
 * Walks list[from..to) in order and adds to `found` each rule k meets that takes some of
 * `rest` (what is still undecided), until nothing is left: the rules that decide k's packets.
 */
function takers<S>(
  space: HeaderSpace<S>,
  matches: readonly S[],
  list: readonly number[],
  from: number,
  to: number,
  k: number,
  rest: S,
  meets: (a: number, b: number) => boolean,
  found: Set<number>,
): void {
  for (let j = from; j < to && !space.isEmpty(rest); j++) {
    if (!meets(k, list[j]!)) continue;
    const mj = matches[list[j]!]!;
    if (space.isEmpty(space.and(mj, rest))) continue;
    found.add(list[j]!);
    rest = space.diff(rest, mj);
  }
}

/** The earlier rules that take a rule's packets, on every list it is in (file order). */
function earlierDeciders<S>(space: HeaderSpace<S>, matches: readonly S[], where: Where, k: number, meets: (a: number, b: number) => boolean): number[] {
  const found = new Set<number>();
  for (const { list, at } of where) takers(space, matches, list, 0, at, k, matches[k]!, meets, found);
  return [...found].sort((a, b) => a - b);
}

/** The later rules that take what a rule decides once it is removed, on every list it is in. */
function laterDeciders<S>(space: HeaderSpace<S>, matches: readonly S[], where: Where, meets: (a: number, b: number) => boolean): number[] {
  const found = new Set<number>();
  for (const { list, at } of where) {
    const k = list[at]!;
    let covered = space.empty;
    for (let j = 0; j < at; j++) if (meets(k, list[j]!)) covered = space.or(covered, matches[list[j]!]!);
    takers(space, matches, list, at + 1, list.length, k, space.diff(matches[k]!, covered), meets, found);
  }
  return [...found].sort((a, b) => a - b);
}

/**
 * Domain pairs (from, to), different domains, that some header of the set goes between, among
 * the pairs `can` holds ("from\0to" keys; all when absent).
 */
function crossingsOf<S>(space: HeaderSpace<S>, domains: DomainSets<S>, set: S, can?: ReadonlySet<string>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const may = (a: string, b: string): boolean => a !== b && (!can || can.has(`${a}\0${b}`));
  if (space.isEmpty(set) || can?.size === 0) return out;
  domains.names.forEach((a, i) => {
    if (!domains.names.some((b) => may(a, b))) return;
    const from = space.and(set, domains.src[i]!);
    if (space.isEmpty(from)) return;
    domains.names.forEach((b, j) => {
      if (may(a, b) && !space.isEmpty(space.and(from, domains.dst[j]!))) out.push([a, b]);
    });
  });
  return out;
}
