// The data-plane question (ReachabilityEngine.dataplane), one suite run against every engine:
// hand-built data planes whose loops, black holes, intended drops and reachability cells are
// worked out in their comments, and a property that the fast and the reference engines give
// the same answers as sets on random small data planes (tests/random-network.ts).

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkDataplane, type DataplaneReport } from '../../src/dataplane/check.ts';
import { InputError } from '../../src/errors.ts';
import { createReferenceEngine } from '../../src/engine/reference.ts';
import { ALL_HEADERS, containsPacket, equalSets, type HeaderBox, type HeaderSet, normalize, subtract, union } from '../../src/engine/headerset.ts';
import { ENGINES } from '../../src/engine/registry.ts';
import { type EngineFactory, NO_FAILURES, type PathHop, type WitnessPath } from '../../src/engine/types.ts';
import { loadTopology } from '../../src/model/load.ts';
import type { Network } from '../../src/model/network.ts';
import { parseIpv4 } from '../../src/net/ipv4.ts';
import { ROOT } from '../helpers.ts';
import { CheckedCases, dataPlaneTopology, loadRandom } from '../random-network.ts';

const ip = (s: string): number => parseIpv4(s)!;
const load = (text: string, file = 'plane.yaml'): Network => loadTopology(text, file, { domains: new Set(['lgwan']) });
const fixture = (name: string): string => readFileSync(resolve(ROOT, `tests/fixtures/dataplane/${name}`), 'utf8');
const device = (n: Network, id: string): number => n.devices.findIndex((d) => d.id === id);

/** Any source, destinations lo..hi, protocols protoLo..protoHi, ports portLo..portHi. */
function box(lo: string, hi: string, protoLo = 0, protoHi = 255, portLo = 0, portHi = 65535): HeaderBox {
  return { ...ALL_HEADERS, dstLo: ip(lo), dstHi: ip(hi), protoLo, protoHi, portLo, portHi };
}

/** Every header but those to the given destination ranges. */
const allBut = (...ranges: Array<[string, string]>): HeaderSet =>
  subtract(
    [ALL_HEADERS],
    ranges.map(([lo, hi]) => box(lo, hi)),
  );

function expectSet(actual: { readonly boxes: readonly HeaderBox[]; readonly truncated: boolean }, expected: HeaderSet, what: string): void {
  expect(actual.truncated, what).toBe(false);
  expect(equalSets(actual.boxes, expected), `${what}: ${JSON.stringify(normalize(actual.boxes))}`).toBe(true);
}

/** Where a witness path ends: its last hop's device and in-port (or zone). */
const endOf = (p: WitnessPath): PathHop => p.hops.at(-1)!;

describe.each(Object.entries(ENGINES))('%s engine: data-plane checks', (_, engineFactory) => {
  const check = (n: Network, options: Parameters<typeof checkDataplane>[1] = {}): DataplaneReport => checkDataplane(n, { ...options, engineFactory });

  it('a two-router loop: its one prefix, its cycle, a witness that gets there; the uplink hairpin; three reaching pairs', () => {
    // By hand (the fixture): r1 sends 10.9.0.0/16 out of a, r2 sends it back out of b, so it
    // goes round r1 (in b, out a) → r2 (in a, out b), from any source, for any service.
    const n = load(fixture('two-router-loop.yaml'));
    const r = check(n);
    expect(r.loops).toHaveLength(1);
    const loop = r.loops[0]!;
    expectSet(loop.headers, [box('10.9.0.0', '10.9.255.255')], 'loop');
    expect(loop.cycle).toHaveLength(2);
    expect(loop.cycle).toContainEqual({ kind: 'device', device: 0, in: 'b', out: 'a' });
    expect(loop.cycle).toContainEqual({ kind: 'device', device: 1, in: 'a', out: 'b' });
    expect(containsPacket(loop.headers.boxes, loop.packet)).toBe(true);
    // The entry ends where the cycle starts.
    expect(endOf(loop.entry)).toMatchObject({ kind: 'device', device: (loop.cycle[0] as { device: number }).device, in: (loop.cycle[0] as { in: string }).in });
    expect(r.blackHoles).toEqual([]);
    // Everything but r1's own 10.1.0.0/16 and the looping 10.9.0.0/16 that comes in by the
    // edge port uplink is routed back out of it: a hairpin, the only drop.
    expect(r.drops.map((d) => [d.kind, n.devices[d.device]!.id])).toEqual([['hairpin', 'r1']]);
    expectSet(r.drops[0]!.headers, allBut(['10.1.0.0', '10.1.255.255'], ['10.9.0.0', '10.9.255.255']), 'hairpin');
    // r1 originates everything but 10.1 and 10.9 out of uplink; r2 sends 10.1.0.0/16 to r1
    // (delivered) and the rest but its own 10.2 and the loop to r1 and out of uplink.
    const cells = new Map(r.reach!.cells.map((c) => [`${c.from}>${c.to}`, c]));
    expect([...cells.keys()].sort()).toEqual(['r1>r1:uplink', 'r2>r1', 'r2>r1:uplink']);
    expectSet(cells.get('r1>r1:uplink')!.headers, allBut(['10.1.0.0', '10.1.255.255'], ['10.9.0.0', '10.9.255.255']), 'r1 > r1:uplink');
    expect(cells.get('r2>r1')!.dst).toEqual(['10.1.0.0/16']);
    expectSet(cells.get('r2>r1:uplink')!.headers, allBut(['10.1.0.0', '10.2.255.255'], ['10.9.0.0', '10.9.255.255']), 'r2 > r1:uplink');
    expect(r.reach!.cells.every((c) => !c.restricted)).toBe(true);
    expect([...r.reach!.sources].sort()).toEqual(['r1', 'r2']);
  });

  it('a loop an ACL cuts for tcp: exactly the other protocols loop, tcp is a deny at r2', () => {
    const n = load(
      fixture('two-router-loop.yaml').replace(
        '      - { name: a }\n      - { name: b }\n    routes:\n      - { prefix: 10.2',
        '      - { name: a, in: [no-tcp] }\n      - { name: b }\n    acls:\n      no-tcp: [{ action: deny, service: tcp }, { action: permit }]\n    routes:\n      - { prefix: 10.2',
      ),
    );
    const r = check(n);
    expect(r.loops).toHaveLength(1);
    expectSet(r.loops[0]!.headers, [box('10.9.0.0', '10.9.255.255', 0, 5), box('10.9.0.0', '10.9.255.255', 7, 255)], 'loop');
    // Only 10.9.0.0/16 arrives at r2 by a (nothing else is routed there): its tcp part is denied.
    const denied = r.drops.filter((d) => d.kind === 'denied');
    expect(denied.map((d) => n.devices[d.device]!.id)).toEqual(['r2']);
    expectSet(denied[0]!.headers, [box('10.9.0.0', '10.9.255.255', 6, 6)], 'denied');
  });

  it('a black hole behind a more specific route, with its path from r1', () => {
    // r1 sends 10.3.0.0/16 to r3, which delivers 10.3.1.0/24 only: the rest of the /16 has
    // no route there. r2 delivers all of 10/8 that reaches it: no black hole.
    const n = load(`
bunkatsu: 1
name: black hole
devices:
  - id: r1
    kind: router
    interfaces: [{ name: to-r2 }, { name: to-r3 }, { name: uplink }]
    routes:
      - { prefix: 10.0.0.0/8, interface: to-r2 }
      - { prefix: 10.3.0.0/16, interface: to-r3 }
      - { prefix: 0.0.0.0/0, interface: uplink }
  - id: r2
    kind: router
    interfaces: [{ name: up }]
    routes: [{ prefix: 10.0.0.0/8, action: deliver }]
  - id: r3
    kind: router
    interfaces: [{ name: up }]
    routes: [{ prefix: 10.3.1.0/24, action: deliver }]
links: [[r1:to-r2, r2:up], [r1:to-r3, r3:up]]
`);
    const r = check(n);
    expect(r.loops).toEqual([]);
    expect(r.blackHoles.map((b) => n.devices[b.device]!.id)).toEqual(['r3']);
    const hole = r.blackHoles[0]!;
    expectSet(hole.headers, [box('10.3.0.0', '10.3.0.255'), box('10.3.2.0', '10.3.255.255')], 'black hole');
    expect(containsPacket(hole.headers.boxes, hole.packet)).toBe(true);
    expect(hole.path.hops.map((h) => (h.kind === 'device' ? n.devices[h.device]!.id : 'zone'))).toEqual(['r1', 'r3']);
    expect(endOf(hole.path)).toEqual({ kind: 'device', device: device(n, 'r3'), in: 'up', out: undefined });
    expect(r.drops.some((d) => d.kind === 'discarded')).toBe(false);
  });

  it('a null route is an intended drop, not a black hole', () => {
    // Whatever comes in by r1's edge port for 10.66.0.0/16 is null-routed; r2 delivers the rest.
    const n = load(`
bunkatsu: 1
name: null route
devices:
  - id: r1
    kind: router
    interfaces: [{ name: in }, { name: out }]
    routes:
      - { prefix: 10.1.0.0/16, action: deliver }
      - { prefix: 10.66.0.0/16, action: drop }
      - { prefix: 0.0.0.0/0, interface: out }
  - id: r2
    kind: router
    interfaces: [{ name: up }]
    routes: [{ prefix: 0.0.0.0/0, action: deliver }]
links: [[r1:out, r2:up]]
`);
    const r = check(n);
    expect(r.loops).toEqual([]);
    expect(r.blackHoles).toEqual([]);
    expect(r.drops.map((d) => [d.kind, n.devices[d.device]!.id])).toEqual([['discarded', 'r1']]);
    expectSet(r.drops[0]!.headers, [box('10.66.0.0', '10.66.255.255')], 'discarded');
  });

  it('a flow an ACL denies, and the telnet it names', () => {
    // Anything may come in by r1's edge port `in`; its in-ACL denies tcp/23 and lets the rest
    // through to r2, which delivers it.
    const n = load(`
bunkatsu: 1
name: denied flow
devices:
  - id: r1
    kind: router
    interfaces: [{ name: in, in: [guard] }, { name: out }]
    routes: [{ prefix: 0.0.0.0/0, interface: out }]
    acls:
      guard:
        - { id: no-telnet, action: deny, service: tcp/23 }
        - { action: permit }
  - id: r2
    kind: router
    interfaces: [{ name: up }]
    routes: [{ prefix: 0.0.0.0/0, action: deliver }]
links: [[r1:out, r2:up]]
`);
    const r = check(n, { level: 'port' });
    expect(r.drops.map((d) => [d.kind, n.devices[d.device]!.id])).toEqual([['denied', 'r1']]);
    expectSet(r.drops[0]!.headers, [box('0.0.0.0', '255.255.255.255', 6, 6, 23, 23)], 'denied');
    // At port level the edge port is the one source: r2 gets everything but telnet.
    expect(r.reach!.sources).toEqual(['r1:in']);
    expect(r.reach!.cells.map((c) => `${c.from}>${c.to}`)).toEqual(['r1:in>r2']);
    expectSet(r.reach!.cells[0]!.headers, subtract([ALL_HEADERS], [box('0.0.0.0', '255.255.255.255', 6, 6, 23, 23)]), 'r1:in > r2');
    expect(r.reach!.cells[0]!.restricted).toBe(true);
  });

  it('a firewall between two zones: what its rule does not permit is denied; the cells by device and by port', () => {
    // Zone a may reach b for tcp/443 only; b may send nothing through. What the zones send
    // (from their own addresses, to any address not theirs) is otherwise denied at fw.
    const n = load(`
bunkatsu: 1
name: firewall
zones:
  - { id: a, domain: lgwan, subnets: [10.1.0.0/24] }
  - { id: b, domain: lgwan, subnets: [10.2.0.0/24] }
devices:
  - id: fw
    kind: firewall
    interfaces: [{ name: ea, zone: a }, { name: eb, zone: b }]
    rules: [{ id: web, action: permit, from: a, to: b, service: tcp/443 }]
`);
    const from = (src: string, notDst: string): HeaderSet =>
      subtract([{ ...ALL_HEADERS, srcLo: ip(src), srcHi: ip(src) + 255 }], [{ ...ALL_HEADERS, dstLo: ip(notDst), dstHi: ip(notDst) + 255 }]);
    const web: HeaderBox = { ...box('10.2.0.0', '10.2.0.255', 6, 6, 443, 443), srcLo: ip('10.1.0.0'), srcHi: ip('10.1.0.255') };
    const r = check(n);
    expect(r.drops.map((d) => [d.kind, n.devices[d.device]!.id])).toEqual([['denied', 'fw']]);
    expectSet(r.drops[0]!.headers, union(subtract(from('10.1.0.0', '10.1.0.0'), [web]), from('10.2.0.0', '10.2.0.0')), 'denied');
    // By device: fw itself reaches both zones (nothing filters what it originates); a reaches b for the web only.
    const cells = new Map(r.reach!.cells.map((c) => [`${c.from}>${c.to}`, c]));
    expect([...cells.keys()].sort()).toEqual(['fw>zone a', 'fw>zone b', 'zone a>zone b']);
    expect(cells.get('fw>zone a')!).toMatchObject({ dst: ['10.1.0.0/24'], restricted: false });
    expect(cells.get('zone a>zone b')!).toMatchObject({ dst: ['10.2.0.0/24'], restricted: true });
    expectSet(cells.get('zone a>zone b')!.headers, [web], 'a > b');
    expect([...r.reach!.sources].sort()).toEqual(['fw', 'zone a', 'zone b']);
    // By port: the zone attachments are the ingresses.
    const ports = check(n, { level: 'port' }).reach!;
    expect([...ports.sources].sort()).toEqual(['fw:ea', 'fw:eb']);
    expect(ports.cells.map((c) => `${c.from}>${c.to}`)).toEqual(['fw:ea>zone b']);
    expectSet(ports.cells[0]!.headers, [web], 'fw:ea > b');
  });

  it('a three-router chain: each router reaches each other one for exactly its /16', () => {
    const r = check(load(fixture('chain.yaml')));
    expect(r.reach!.cells.map((c) => `${c.from}>${c.to}:${c.dst.join(',')}:${c.restricted}`).sort()).toEqual([
      'r1>r2:10.2.0.0/16:false',
      'r1>r3:10.3.0.0/16:false',
      'r2>r1:10.1.0.0/16:false',
      'r2>r3:10.3.0.0/16:false',
      'r3>r1:10.1.0.0/16:false',
      'r3>r2:10.2.0.0/16:false',
    ]);
    expect(r.reach!.destinations).toEqual(['r1', 'r2', 'r3']);
    expect([r.loops, r.blackHoles, r.drops]).toEqual([[], [], []]);
  });

  it('stops at --max-classes and says so', () => {
    // r1 also sends 10.1.0.0/16 out of b, and r2's default route sends it back by a: a second loop.
    const n = load(
      fixture('two-router-loop.yaml').replace('      - { prefix: 10.1.0.0/16, action: deliver }', '      - { prefix: 10.1.0.0/16, interface: b }'),
    );
    expect(check(n).loops).toHaveLength(2);
    const bounded = check(n, { maxClasses: 1 });
    expect(bounded.loops).toHaveLength(1);
    expect(bounded.bounds.map((b) => b.en)).toEqual(['loops: stopped at 1 classes (--max-classes); more headers loop']);
  });

  it('refuses to check a network with failed parts (it has no such model)', () => {
    const n = load(fixture('chain.yaml'));
    const failed = engineFactory(n, { ...NO_FAILURES, devices: new Set([0]) });
    expect(() => failed.dataplane({ reach: 'device', maxClasses: 1, list: { sets: 1, pairs: 1, prefixes: 1 }, onProgress: () => {} })).toThrow(
      /without failures/,
    );
  });
});

// ── Property: the fast engine's answers equal the reference engine's, as sets ─────────────

const RUNS = Number(process.env.CONFORMANCE_RUNS ?? 60);
/** The reference engine is exponential in atoms and cycles: a case over this budget is drawn again. */
const REFERENCE_BUDGET = 400_000;

const plus = (a: HeaderSet, b: HeaderSet): HeaderSet => union(a, b);

/** A loop's cycle as its states (device by in-port, zone by the port it was entered from), from its first. */
function cycleKey(cycle: readonly PathHop[]): string {
  return cycle
    .map((h, i) => {
      if (h.kind === 'device') return `${h.device}:${h.in}`;
      const before = cycle[(i + cycle.length - 1) % cycle.length]!;
      return before.kind === 'device' ? `zone ${h.zone} from ${before.device}:${before.out}` : `zone ${h.zone}`;
    })
    .join(' → ');
}

/** The same cycle from whichever state: its states rotated to the smallest key. */
function rotated(key: string): string {
  const parts = key.split(' → ');
  return parts.map((_, i) => [...parts.slice(i), ...parts.slice(0, i)].join(' → ')).sort()[0]!;
}

function compare(n: Network, fast: DataplaneReport, reference: DataplaneReport, where: string): void {
  // Every header that loops, loops in both; every cycle the fast engine reports (it reports
  // enough to cover the looping headers) is one the reference engine reports (every cycle),
  // and no header goes round it in the fast answer that does not in the reference's.
  const all = (r: DataplaneReport): HeaderSet => r.loops.reduce<HeaderSet>((s, l) => plus(s, l.headers.boxes), []);
  expect(equalSets(all(fast), all(reference)), `looping headers ${where}`).toBe(true);
  const byCycle = new Map(reference.loops.map((l) => [rotated(cycleKey(l.cycle)), l.headers.boxes]));
  for (const l of fast.loops) {
    const twin = byCycle.get(rotated(cycleKey(l.cycle)));
    expect(twin, `cycle ${cycleKey(l.cycle)} ${where}`).toBeDefined();
    expect(subtract(l.headers.boxes, twin!), `loop headers ${cycleKey(l.cycle)} ${where}`).toEqual([]);
  }
  const same = (what: string, a: ReadonlyMap<string, HeaderSet>, b: ReadonlyMap<string, HeaderSet>): void => {
    expect([...a.keys()].sort(), `${what} ${where}`).toEqual([...b.keys()].sort());
    for (const [k, set] of a) expect(equalSets(set, b.get(k)!), `${what} ${k} ${where}`).toBe(true);
  };
  const holes = (r: DataplaneReport): Map<string, HeaderSet> => new Map(r.blackHoles.map((b) => [n.devices[b.device]!.id, b.headers.boxes]));
  same('black holes', holes(fast), holes(reference));
  const drops = (r: DataplaneReport): Map<string, HeaderSet> => new Map(r.drops.map((d) => [`${n.devices[d.device]!.id} ${d.kind}`, d.headers.boxes]));
  same('drops', drops(fast), drops(reference));
  const cells = (r: DataplaneReport): Map<string, HeaderSet> => new Map(r.reach!.cells.map((c) => [`${c.from} > ${c.to}`, c.headers.boxes]));
  same('reach', cells(fast), cells(reference));
  expect([...fast.reach!.sources].sort(), `sources ${where}`).toEqual([...reference.reach!.sources].sort());
  expect(fast.reach!.destinations, `destinations ${where}`).toEqual(reference.reach!.destinations);
  const facts = (r: DataplaneReport): Map<string, string> =>
    new Map(r.reach!.cells.map((c) => [`${c.from} > ${c.to}`, `${c.restricted} ${c.dstTruncated ? 'truncated' : c.dst.length}`]));
  expect(facts(fast), `restricted ${where}`).toEqual(facts(reference));
  // The two graphs are the same graph: states, labelled transitions, injection points.
  const size = (r: DataplaneReport): number[] => [r.stats.states, r.stats.transitions, r.stats.injections];
  expect(size(fast), `graph ${where}`).toEqual(size(reference));
  // Each engine's witnesses: a packet of the class, a path ending at its device.
  for (const r of [fast, reference]) {
    for (const l of r.loops) expect(containsPacket(l.headers.boxes, l.packet), `loop witness ${where}`).toBe(true);
    for (const b of r.blackHoles) {
      expect(containsPacket(b.headers.boxes, b.packet), `black hole witness ${where}`).toBe(true);
      expect(endOf(b.path), `black hole path ${where}`).toMatchObject({ kind: 'device', device: b.device, out: undefined });
    }
  }
}

describe('fast engine = reference engine on data-plane checks', () => {
  it('loops, black holes, drops and reachability (device and port level) agree on random data planes', () => {
    const cases = new CheckedCases('data-plane checks');
    const seen = { loops: 0, blackHoles: 0, drops: 0 };
    const reference: EngineFactory = (n) => createReferenceEngine(n, { maxSteps: REFERENCE_BUDGET });
    fc.assert(
      fc.property(dataPlaneTopology, fc.constantFrom('device' as const, 'port' as const), (t, level) => {
        const network = loadRandom(t);
        let ref: DataplaneReport | undefined;
        try {
          ref = checkDataplane(network, { engineFactory: reference, level, maxBoxes: Infinity });
        } catch (error) {
          if (error instanceof InputError && error.diagnostics[0]?.code === 'BNK_ERR_LIMIT_EXCEEDED') fc.pre(false);
          throw error;
        }
        // A reference answer cut at its listing bound (e.g. 10,000 loop classes on a switch cabled
        // to itself) is not the whole answer, so it is no oracle: discard the case, as over budget.
        fc.pre(ref.bounds.length === 0);
        const fast = checkDataplane(network, { engineFactory: ENGINES.fast!, level, maxBoxes: Infinity });
        compare(network, fast, ref, `(${level})\n${t.text}`);
        seen.loops += fast.loops.length;
        seen.blackHoles += fast.blackHoles.length;
        seen.drops += fast.drops.length;
        cases.checked();
      }),
      { numRuns: RUNS },
    );
    cases.expectAtLeast(RUNS);
    // The cases met what they compare: loops, black holes and drops among them.
    expect(seen.loops, 'loops met').toBeGreaterThan(0);
    expect(seen.blackHoles, 'black holes met').toBeGreaterThan(0);
    expect(seen.drops, 'drops met').toBeGreaterThan(0);
  }, 300_000);
});
