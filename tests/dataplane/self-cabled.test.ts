// Devices cabled to themselves, and a port in several links: answers worked out by hand and
// asserted on every engine. The conformance property (tests/conformance/dataplane.test.ts)
// discards a random case whose reference answer was cut at its listing bound, which a switch
// cabled to itself reaches easily; these small cases stay under every bound, so they check the
// engines' answers on such cabling directly.

import { describe, expect, it } from 'vitest';
import { checkDataplane, type DataplaneReport } from '../../src/dataplane/check.ts';
import { ALL_HEADERS, equalSets, type HeaderBox, type HeaderSet, normalize, subtract } from '../../src/engine/headerset.ts';
import { ENGINES } from '../../src/engine/registry.ts';
import { loadTopology } from '../../src/model/load.ts';
import type { Network } from '../../src/model/network.ts';
import { parseIpv4 } from '../../src/net/ipv4.ts';

const ip = (s: string): number => parseIpv4(s)!;
const load = (text: string): Network => loadTopology(text, 'self-cabled.yaml', { domains: new Set(['lgwan']) });

/** Any source, destinations lo..hi, any protocol and port. */
const dst = (lo: string, hi: string): HeaderBox => ({ ...ALL_HEADERS, dstLo: ip(lo), dstHi: ip(hi) });

function expectSet(actual: { readonly boxes: readonly HeaderBox[]; readonly truncated: boolean }, expected: HeaderSet, what: string): void {
  expect(actual.truncated, what).toBe(false);
  expect(equalSets(actual.boxes, expected), `${what}: ${JSON.stringify(normalize(actual.boxes))}`).toBe(true);
}

/** A loop's cycle as "device in>out" hops. */
const cycleOf = (n: Network, loop: DataplaneReport['loops'][number]): string[] =>
  loop.cycle.map((h) => (h.kind === 'device' ? `${n.devices[h.device]!.id} ${h.in}>${h.out}` : `zone ${h.zone}`));

// A switch with a loopback cable from p1 to p0, and p2 an edge port.
const SWITCH = `
bunkatsu: 1
name: switch cabled to itself
devices:
  - id: sw0
    kind: switch
    interfaces: [{ name: p0 }, { name: p1 }, { name: p2 }]
links: [[sw0:p1, sw0:p0]]
`;

// A router whose a and b are cabled together, a also cabled to r2 (a port in two links: a
// point-to-multipoint segment with r1:a as its hub), and c an edge port.
const ROUTER = `
bunkatsu: 1
name: router cabled to itself
devices:
  - id: r1
    kind: router
    interfaces: [{ name: a }, { name: b }, { name: c }]
    routes:
      - { prefix: 10.1.0.0/16, interface: a }
      - { prefix: 10.2.0.0/16, interface: b }
      - { prefix: 10.3.0.0/16, action: deliver }
  - id: r2
    kind: router
    interfaces: [{ name: x }]
    routes: [{ prefix: 10.0.0.0/8, action: deliver }]
links: [[r1:a, r1:b], [r1:a, r2:x]]
`;

describe.each(Object.entries(ENGINES))('%s engine: devices cabled to themselves', (_, engineFactory) => {
  const check = (n: Network): DataplaneReport => checkDataplane(n, { engineFactory });

  it('a switch cabled to itself: every header loops both ways round the cable; nothing is dropped', () => {
    // By hand: a switch floods out of every port but the one a packet came in by. In by p0
    // (off the cable) it goes out of p1 and p2; out of p1 the cable brings it back in by p0:
    // the one-hop cycle sw0 (in p0, out p1). The same from the other end: in by p1, out of p0,
    // back in by p1: sw0 (in p1, out p0). No other cycle (a hop never leaves by its own
    // in-port). Every header takes both (a switch looks at no header); copies also leave by the
    // edge port p2, so nothing is dropped and there is no black hole.
    const n = load(SWITCH);
    const r = check(n);
    expect(r.bounds).toEqual([]);
    expect(r.loops.map((l) => cycleOf(n, l)).sort()).toEqual([['sw0 p0>p1'], ['sw0 p1>p0']]);
    for (const loop of r.loops) expectSet(loop.headers, [ALL_HEADERS], `loop ${cycleOf(n, loop)}`);
    expect(r.blackHoles).toEqual([]);
    expect(r.drops).toEqual([]);
    // What leaves the network: everything, by p2; sw0 itself is the only origin of a cell.
    expect(r.reach!.cells.map((c) => `${c.from}>${c.to}`)).toEqual(['sw0>sw0:p2']);
    expectSet(r.reach!.cells[0]!.headers, [ALL_HEADERS], 'sw0 > sw0:p2');
  });

  it('a router cabled to itself, one port also cabled to a second router: two loops, one black hole', () => {
    // By hand. r1 sends 10.1.0.0/16 out of a, which reaches both r1:b (the loopback cable) and
    // r2:x (the second link of a). Back in by b, 10.1/16 is routed out of a again (not its
    // in-port): the cycle r1 (in b, out a). r2 delivers its copy (10/8 is its own).
    // 10.2.0.0/16 goes out of b, whose one link brings it in by a; routed out of b again: the
    // cycle r1 (in a, out b). It never reaches r2 (a peer of a hub hears only the hub, and a
    // packet leaving b is not sent by a). 10.3.0.0/16 is delivered at r1.
    // Anything may come in by the edge port c: what r1 has no route for (every destination
    // but 10.1.0.0-10.3.255.255) is a black hole at r1 (a device's own packets it has no
    // route for are not: docs/dataplane.md). r2 routes only 10/8, to itself. No hairpin:
    // nothing arrives by the port its route leaves by.
    const n = load(ROUTER);
    const r = check(n);
    expect(r.bounds).toEqual([]);
    const loops = new Map(r.loops.map((l) => [cycleOf(n, l).join(' '), l]));
    expect([...loops.keys()].sort()).toEqual(['r1 a>b', 'r1 b>a']);
    expectSet(loops.get('r1 b>a')!.headers, [dst('10.1.0.0', '10.1.255.255')], 'loop r1 b>a');
    expectSet(loops.get('r1 a>b')!.headers, [dst('10.2.0.0', '10.2.255.255')], 'loop r1 a>b');
    expect(r.blackHoles.map((b) => n.devices[b.device]!.id)).toEqual(['r1']);
    expectSet(r.blackHoles[0]!.headers, subtract([ALL_HEADERS], [dst('10.1.0.0', '10.3.255.255')]), 'black hole at r1');
    expect(r.drops).toEqual([]);
    // The one pair of devices that reach each other: r1 reaches r2 for 10.1.0.0/16 (its copy).
    expect(r.reach!.cells.map((c) => `${c.from}>${c.to}:${c.dst.join(',')}`)).toEqual(['r1>r2:10.1.0.0/16']);
  });
});
