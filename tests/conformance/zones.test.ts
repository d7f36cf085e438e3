// The zone questions of the engine interface (explore, missing, footprint, reach, trace, and
// the header space), one suite of hand-checked cases run against every engine of ENGINES:
// switches, first-match firewalls with interface bindings, two firewalls that open a path
// together, sanitizers as endpoints, longest-prefix routes, failures, a ring. A new engine is
// tested here without a change (as hono runs one suite over every router).

import { describe, expect, it } from 'vitest';
import { ALL_HEADERS, equalSets, type HeaderBox, type HeaderSet, normalize, subtract } from '../../src/engine/headerset.ts';
import { ENGINES } from '../../src/engine/registry.ts';
import { type End, endKey, type Failures, type Hop, isEndpoint, NO_FAILURES, type ReachabilityEngine } from '../../src/engine/types.ts';
import { attachId } from '../../src/model/graph.ts';
import { loadTopology } from '../../src/model/load.ts';
import type { Network } from '../../src/model/network.ts';
import { IPV4_ALL, parseAddressSpec, parseIpv4 } from '../../src/net/ipv4.ts';
import { ANY_SERVICE, parseServiceTerm, wellKnownService } from '../../src/net/services.ts';

const topology = (body: string): Network => loadTopology(`bunkatsu: 1\nname: conformance\nmodel: alpha\n${body}`, 'conformance.yaml');
const zone = (n: Network, id: string): number => n.zones.findIndex((z) => z.id === id);
const device = (n: Network, id: string): number => n.devices.findIndex((d) => d.id === id);

/** The header set src × dst × services, each written as in a topology (lists are unions). */
function headers(src: string | string[], dst: string | string[], services: string | string[] = 'any'): HeaderBox[] {
  const list = (v: string | string[]): string[] => (typeof v === 'string' ? [v] : v);
  const range = (text: string) => {
    if (text === 'any') return IPV4_ALL;
    const r = parseAddressSpec(text);
    if ('error' in r) throw new Error(r.error);
    return r;
  };
  const out: HeaderBox[] = [];
  for (const s of list(src))
    for (const d of list(dst))
      for (const t of list(services)) {
        const a = range(s);
        const b = range(d);
        for (const term of t === 'any' ? ['any'] : (wellKnownService(t) ?? [t])) {
          const x = term === 'any' ? ANY_SERVICE : parseServiceTerm(term);
          if ('error' in x) throw new Error(x.error);
          out.push({ srcLo: a.lo, srcHi: a.hi, dstLo: b.lo, dstHi: b.hi, protoLo: x.protoLo, protoHi: x.protoHi, portLo: x.portLo, portHi: x.portHi });
        }
      }
  return normalize(out);
}

function expectSet(actual: HeaderSet | undefined, expected: HeaderSet): void {
  expect(equalSets(actual ?? [], expected), `got ${JSON.stringify(normalize(actual ?? []))}\nwant ${JSON.stringify(normalize(expected))}`).toBe(true);
}

/** What `explore` answers, by end key: 'delivered:B', 'denied:fw', 'terminated:gw:a' (names, not indices). */
function ends(n: Network, engine: ReachabilityEngine, from: string, set: HeaderSet = [ALL_HEADERS]): Map<string, HeaderSet> {
  const name = (end: End): string => {
    if (end.kind === 'delivered') return `delivered:${n.zones[end.zone]!.id}`;
    const d = n.devices[end.device]!.id;
    return end.kind === 'terminated' || end.kind === 'refused' ? `${end.kind}:${d}:${end.interface}` : `${end.kind}:${d}`;
  };
  const out = new Map<string, HeaderSet>();
  for (const a of engine.explore([zone(n, from)], set)) {
    const key = name(a.end);
    expect(out.has(key), `one arrival per end (${key})`).toBe(false);
    out.set(key, a.headers);
  }
  return out;
}

/** A path as zone ids and device ids, with the deciding rule for firewall hops. */
const route = (n: Network, hops: readonly Hop[]): string =>
  hops.map((h) => (h.kind === 'zone' ? n.zones[h.zone]!.id : `${n.devices[h.device]!.id}${h.rule ? `#${h.rule.id}` : ''}`)).join(' ');

const packet = (src: string, dst: string, protocol = 6, port = 443) => ({ src: parseIpv4(src)!, dst: parseIpv4(dst)!, protocol, port });

const FIREWALL = `zones:
  - { id: A, domain: lgwan, subnets: [10.1.0.0/24] }
  - { id: B, domain: lgwan, subnets: [10.2.0.0/24] }
  - { id: C, domain: lgwan, subnets: [10.3.0.0/24] }
hosts:
  - { id: b1, zone: B, address: 10.2.0.10 }
devices:
  - id: fw
    kind: firewall
    interfaces: [{ name: a, zone: A }, { name: b, zone: B }, { name: c, zone: C }]
    rules:
      - { id: deny-b1-https, action: deny, from: A, to: b1, service: https }
      - { id: web, action: permit, from: A, to: B, service: [https, http] }
      - { id: mail-to-c, action: permit, in: a, out: c, service: smtp }
      - { id: c-to-b, action: permit, in: c, out: b }
`;

const TWO_FIREWALLS = `zones:
  - { id: A, domain: lgwan, subnets: [10.1.0.0/24] }
  - { id: T, domain: lgwan, subnets: [10.2.0.0/24] }
  - { id: B, domain: internet, subnets: [10.3.0.0/24] }
devices:
  - id: fw1
    kind: firewall
    interfaces: [{ name: a, zone: A }, { name: t, zone: T }]
    rules: [{ id: a-to-transit, action: permit, from: A, to: 10.0.0.0/8, service: https }]
  - id: fw2
    kind: firewall
    interfaces: [{ name: t, zone: T }, { name: b, zone: B }]
    rules: [{ id: transit-to-b, action: permit, from: 10.0.0.0/8, to: B, service: https }]
`;

const SANITIZER = `zones:
  - { id: A, domain: lgwan, subnets: [10.1.0.0/24] }
  - { id: B, domain: internet, subnets: [10.2.0.0/24] }
hosts:
  - { id: mail-b, zone: B, address: 10.2.0.25 }
devices:
  - id: gw
    kind: sanitizer
    method: mail-text
    interfaces: [{ name: a, zone: A, address: 10.1.0.5 }, { name: b, zone: B, address: 10.2.0.5 }]
    relays: [{ in: a, service: smtp, out: b, to: mail-b }]
`;

const ROUTES = `zones:
  - { id: A, domain: lgwan, subnets: [10.1.0.0/24] }
  - { id: X, domain: lgwan, subnets: [10.9.0.0/16] }
  - { id: Y, domain: lgwan, subnets: [10.9.5.0/24] }
devices:
  - id: r1
    kind: router
    interfaces: [{ name: a, zone: A }, { name: up1 }, { name: up2 }]
    routes:
      - { prefix: 10.9.0.0/16, interface: up1 }
      - { prefix: 10.9.5.0/24, interface: up2 }
  - { id: r2, kind: router, interfaces: [{ name: w }, { name: x, zone: X }, { name: y, zone: Y }] }
  - { id: r3, kind: router, interfaces: [{ name: w }, { name: y, zone: Y }] }
links:
  - [r1:up1, r2:w]
  - [r1:up2, r3:w]
`;

const PARALLEL = `zones:
  - { id: A, domain: lgwan, subnets: [10.1.0.0/24] }
  - { id: B, domain: lgwan, subnets: [10.2.0.0/24] }
devices:
  - { id: r1, kind: router, interfaces: [{ name: a, zone: A }, { name: l }] }
  - { id: r2, kind: router, interfaces: [{ name: a, zone: A }, { name: l }] }
  - { id: r3, kind: router, interfaces: [{ name: l1 }, { name: l2 }, { name: b, zone: B }] }
links:
  - [r1:l, r3:l1]
  - [r2:l, r3:l2]
`;

const RING = [
  'zones:',
  ...Array.from({ length: 5 }, (_, i) => `  - { id: Z${i}, domain: lgwan, subnets: [10.0.${i}.0/24] }`),
  'devices:',
  ...Array.from({ length: 5 }, (_, i) => `  - { id: r${i}, kind: router, interfaces: [{ name: z, zone: Z${i} }, { name: cw }, { name: ccw }] }`),
  'links:',
  ...Array.from({ length: 5 }, (_, i) => `  - [r${i}:cw, r${(i + 1) % 5}:ccw]`),
  '',
].join('\n');

describe.each(Object.entries(ENGINES))('%s engine on zone questions', (_, engineOf) => {
  describe('a first-match firewall with interface bindings', () => {
    const n = topology(FIREWALL);
    const engine = engineOf(n);
    const A = '10.1.0.0/24';

    it('explore: each header ends once, where the first matching rule sends it', () => {
      const got = ends(n, engine, 'A');
      expect([...got.keys()].sort()).toEqual(['delivered:A', 'delivered:B', 'delivered:C', 'denied:fw']);
      expectSet(got.get('delivered:B'), subtract(headers(A, '10.2.0.0/24', ['https', 'http']), headers(A, '10.2.0.10', 'https')));
      expectSet(got.get('delivered:C'), headers(A, '10.3.0.0/24', 'smtp'));
      expectSet(got.get('delivered:A'), headers(A, A));
      // From C only the bound rule c-to-b applies: everything to B, nothing to A.
      const fromC = ends(n, engine, 'C');
      expectSet(fromC.get('delivered:B'), headers('10.3.0.0/24', '10.2.0.0/24'));
      expect(fromC.has('delivered:A')).toBe(false);
    });

    it('missing: what an intent does not get, by the end it accepts', () => {
      const toB = (end: End): boolean => end.kind === 'delivered' && end.zone === zone(n, 'B');
      expectSet(engine.missing([zone(n, 'A')], headers(A, '10.2.0.0/24', ['https', 'ssh']), toB), [
        ...headers(A, '10.2.0.10', 'https'),
        ...headers(A, '10.2.0.0/24', 'ssh'),
      ]);
      expectSet(engine.missing([zone(n, 'A')], headers(A, '10.2.0.20', 'http'), toB), []);
    });

    it('trace: one packet, its path and the deciding rule', () => {
      const permitted = engine.trace(zone(n, 'A'), packet('10.1.0.7', '10.2.0.20'));
      expect(permitted.map((o) => [o.disposition.kind, route(n, o.hops)])).toEqual([['delivered', 'A fw#web B']]);
      const denied = engine.trace(zone(n, 'A'), packet('10.1.0.7', '10.2.0.10'));
      expect(denied).toHaveLength(1);
      expect(denied[0]!.disposition).toMatchObject({ kind: 'denied', device: device(n, 'fw'), rule: { id: 'deny-b1-https', action: 'deny' } });
      const defaultDeny = engine.trace(zone(n, 'A'), packet('10.1.0.7', '10.3.0.9', 17, 53));
      expect(defaultDeny.map((o) => o.disposition)).toEqual([{ kind: 'denied', device: device(n, 'fw'), rule: undefined }]);
      // Asked `until`, the first end it accepts is the one listed without it (ends it does not
      // accept may be left out).
      const denies = (d: { kind: string }): boolean => d.kind === 'denied';
      const until = engine.trace(zone(n, 'A'), packet('10.1.0.7', '10.2.0.10'), denies);
      expect(until.find((o) => denies(o.disposition))).toEqual(denied[0]);
      expect(engine.trace(zone(n, 'A'), packet('10.1.0.7', '10.2.0.20'), denies).filter((o) => denies(o.disposition))).toEqual([]);
    });

    it('reach: what each zone receives from a set of zones, in order, non-empty only', () => {
      const got = engine.reach([zone(n, 'A'), zone(n, 'C')], [zone(n, 'C'), zone(n, 'B')]);
      expect(got.map((r) => n.zones[r.zone]!.id)).toEqual(['C', 'B']);
      expectSet(got[0]!.headers, [...headers(A, '10.3.0.0/24', 'smtp'), ...headers('10.3.0.0/24', '10.3.0.0/24')]);
      expectSet(got[1]!.headers, [
        ...subtract(headers(A, '10.2.0.0/24', ['https', 'http']), headers(A, '10.2.0.10', 'https')),
        ...headers('10.3.0.0/24', '10.2.0.0/24'),
      ]);
    });

    it('missing after reach: headers partly from no source zone', () => {
      // After a reach the fast engine answers from its shared computation, keeping of the asked
      // headers those from the sources' own addresses (here not all of them). Asked from A alone: headers from 10.1.0.0/23
      // (A, and 10.1.1.0/24 of no zone) and from C's 10.3.0.0/24, to B, https and ssh. From A,
      // B gets https but to b1 (deny-b1-https, then web). C does reach B (c-to-b), but C is
      // not a source here: its headers are missing like those of 10.1.1.0/24.
      engine.reach([zone(n, 'A')], [zone(n, 'B')]);
      const toB = (end: End): boolean => end.kind === 'delivered' && end.zone === zone(n, 'B');
      expectSet(engine.missing([zone(n, 'A')], headers(['10.1.0.0/23', '10.3.0.0/24'], '10.2.0.0/24', ['https', 'ssh']), toB), [
        ...headers(A, '10.2.0.10', 'https'),
        ...headers(A, '10.2.0.0/24', 'ssh'),
        ...headers(['10.1.1.0/24', '10.3.0.0/24'], '10.2.0.0/24', ['https', 'ssh']),
      ]);
    });

    it('footprint: the devices and edges that carry the headers (at least)', () => {
      const fp = engine.footprint([zone(n, 'A')], headers(A, '10.3.0.0/24', 'smtp'));
      expect([...fp.devices]).toEqual([device(n, 'fw')]);
      // A superset is allowed (the sweeps only use it to skip elements): the reference engine
      // also names the interface a denied path tried to leave by.
      expect([...fp.edges]).toEqual(expect.arrayContaining([attachId('fw', 'a'), attachId('fw', 'c')]));
    });

    it('space: the engine computes in its own header sets', () => {
      const { space } = engine;
      const web = space.fromBoxes(headers(A, '10.2.0.0/24', 'https'));
      const b1 = space.fromBoxes(headers('any', '10.2.0.10'));
      expectSet(space.toBoxes(space.diff(web, b1)), subtract(headers(A, '10.2.0.0/24', 'https'), headers(A, '10.2.0.10', 'https')));
      expect(space.isEmpty(space.and(b1, space.fromBoxes(headers('any', '10.3.0.0/24'))))).toBe(true);
      expect(space.equals(space.or(web, space.empty), web)).toBe(true);
    });
  });

  it('two firewalls that each look harmless open A to B together', () => {
    const n = topology(TWO_FIREWALLS);
    const engine = engineOf(n);
    const got = ends(n, engine, 'A');
    expectSet(got.get('delivered:B'), headers('10.1.0.0/24', '10.3.0.0/24', 'https'));
    expectSet(
      got.get('denied:fw2'),
      subtract(headers('10.1.0.0/24', '10.0.0.0/8', 'https'), headers('10.1.0.0/24', ['10.1.0.0/24', '10.2.0.0/24', '10.3.0.0/24'])),
    );
    const path = engine.trace(zone(n, 'A'), packet('10.1.0.7', '10.3.0.9'));
    expect(path.map((o) => route(n, o.hops))).toEqual(['A fw1#a-to-transit T fw2#transit-to-b B']);
  });

  it('a sanitizer is an endpoint: it terminates its relayed service, refuses the rest, forwards nothing', () => {
    const n = topology(SANITIZER);
    const engine = engineOf(n);
    const A = '10.1.0.0/24';
    const got = ends(n, engine, 'A');
    expect([...got.keys()].sort()).toEqual(['delivered:A', 'not-forwarded:gw', 'refused:gw:a', 'terminated:gw:a']);
    expectSet(got.get('terminated:gw:a'), headers(A, '10.1.0.5', 'smtp'));
    expectSet(got.get('refused:gw:a'), subtract(headers(A, '10.1.0.5'), headers(A, '10.1.0.5', 'smtp')));
    expectSet(got.get('not-forwarded:gw'), subtract(headers(A, 'any'), headers(A, A)));
    const endpoints = engine.explore([zone(n, 'A')], [ALL_HEADERS]).filter((a) => isEndpoint(a.end));
    expect(endpoints.map((a) => endKey(a.end)).sort()).toEqual(['delivered:0', `refused:0:a`, `terminated:0:a`]);
    // What a gateway refuses has arrived on its interface's segment all the same: reach and
    // arriving count it for that zone. B's leg (10.2.0.5) has no relay and refuses everything,
    // yet what B sends there is on B's segment; nothing of A gets to B (gw forwards nothing).
    expectSet(engine.reach([zone(n, 'A')], [zone(n, 'A')])[0]?.headers, headers(A, A));
    expect(engine.reach([zone(n, 'A')], [zone(n, 'B')])).toEqual([]);
    expectSet(engine.space.toBoxes(engine.arriving(zone(n, 'B'))), headers('10.2.0.0/24', '10.2.0.0/24'));
    expectSet(engine.space.toBoxes(engine.arriving(zone(n, 'A'))), headers(A, A));
    // Down, the gateway accepts nothing.
    const down: Failures = { zones: new Set(), devices: new Set([device(n, 'gw')]), edges: new Set() };
    expect([...ends(n, engineOf(n, down), 'A').keys()]).toEqual(['delivered:A']);
  });

  it('routes: the longest prefix wins; what no route covers is no-route', () => {
    const n = topology(ROUTES);
    const engine = engineOf(n);
    const A = '10.1.0.0/24';
    const got = ends(n, engine, 'A');
    expectSet(got.get('delivered:Y'), headers(A, '10.9.5.0/24'));
    expectSet(got.get('delivered:X'), subtract(headers(A, '10.9.0.0/16'), headers(A, '10.9.5.0/24')));
    expectSet(got.get('no-route:r1'), subtract(headers(A, 'any'), headers(A, [A, '10.9.0.0/16'])));
    expect(engine.trace(zone(n, 'A'), packet('10.1.0.7', '10.9.5.1')).map((o) => route(n, o.hops))).toEqual(['A r1 r3 Y']);
  });

  it('failures: a redundant path keeps the flow; cutting every path loses it', () => {
    const n = topology(PARALLEL);
    const AB = headers('10.1.0.0/24', '10.2.0.0/24');
    const toB = (f: Failures): HeaderSet | undefined => ends(n, engineOf(n, f), 'A').get('delivered:B');
    const down = (devices: string[], edges: string[] = []): Failures => ({
      zones: new Set(),
      devices: new Set(devices.map((d) => device(n, d))),
      edges: new Set(edges),
    });
    expectSet(toB(NO_FAILURES), AB);
    for (const f of [down(['r1']), down([], ['r1:l--r3:l1']), down([], [attachId('r1', 'a')])]) expectSet(toB(f), AB);
    for (const f of [down(['r1', 'r2']), down(['r3']), down([], [attachId('r3', 'b')]), down(['r2'], ['r1:l--r3:l1'])]) expect(toB(f)).toBeUndefined();
    const fp = engineOf(n).footprint([zone(n, 'A')], AB);
    expect([...fp.devices].map((d) => n.devices[d]!.id).sort()).toEqual(['r1', 'r2', 'r3']);
  });

  it('a ring: every zone reached, the search ends', () => {
    const n = topology(RING);
    const engine = engineOf(n);
    const got = ends(n, engine, 'Z0');
    for (let i = 0; i < 5; i++) expectSet(got.get(`delivered:Z${i}`), headers('10.0.0.0/24', `10.0.${i}.0/24`));
    expect(got.size).toBe(5);
  });
});
