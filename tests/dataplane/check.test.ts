// Data-plane checks: hand-built topologies with expectations worked out by hand, and a
// property test against a brute-force per-packet simulation written from the model alone.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkDataplane, type DataplaneReport } from '../../src/dataplane/check.ts';
import { loadTopology } from '../../src/model/load.ts';
import { containsPacket, type HeaderBox, type Packet } from '../../src/engine/headerset.ts';
import type { BlackHole, HeaderListing } from '../../src/engine/types.ts';
import type { Device, Network, Rule } from '../../src/model/network.ts';
import { parseIpv4 } from '../../src/net/ipv4.ts';
import { ROOT, runCli } from '../helpers.ts';

const ANY = 0xffffffff;
const ip = (s: string): number => parseIpv4(s)!;

function load(text: string, file = 'inline.yaml'): Network {
  return loadTopology(text, file, { domains: new Set(['lgwan']) });
}

function fixture(name: string): Network {
  const file = `tests/fixtures/dataplane/${name}`;
  return load(readFileSync(resolve(ROOT, file), 'utf8'), file);
}

/** Boxes of "any source, destinations lo..hi, protocols, any port". */
function dstBox(lo: string, hi: string, protoLo = 0, protoHi = 255): HeaderBox {
  return { srcLo: 0, srcHi: ANY, dstLo: ip(lo), dstHi: ip(hi), protoLo, protoHi, portLo: 0, portHi: 65535 };
}

const devicesOf = (n: Network, hops: ReadonlyArray<{ kind: string; device?: number }>): string[] =>
  hops.map((h) => (h.kind === 'device' ? n.devices[h.device!]!.id : 'zone'));

describe('forwarding loops', () => {
  it('finds the two-router loop for its one prefix, with the cycle and a witness', () => {
    const n = fixture('two-router-loop.yaml');
    const r = checkDataplane(n);
    // By hand: only 10.9.0.0/16 goes round (r1 out a, r2 out b); any source, any service.
    expect(r.loops).toHaveLength(1);
    const loop = r.loops[0]!;
    expect(loop.headers.boxes).toEqual([dstBox('10.9.0.0', '10.9.255.255')]);
    expect(devicesOf(n, loop.cycle).sort()).toEqual(['r1', 'r2']);
    expect(loop.cycle).toContainEqual({ kind: 'device', device: 0, in: 'b', out: 'a' });
    expect(loop.cycle).toContainEqual({ kind: 'device', device: 1, in: 'a', out: 'b' });
    expect(loop.packet.dst >>> 16).toBe(ip('10.9.0.0') >>> 16);
    expect(r.blackHoles).toEqual([]);
  });

  it('finds a loop through a VLAN flood (never back out of the ingress member)', () => {
    // r1 floods 10.5.0.0/24 to VLAN v = {a, b}; r2 sends it out of q, back to r1:b.
    // Entered by b, r1 floods to a only -> r2:p -> out q -> r1:b: a loop. Entered by a, r1
    // floods to b -> r2:q, whose route is q itself (no hairpin): no loop that way.
    const n = load(`
bunkatsu: 1
name: vlan loop
devices:
  - id: r1
    kind: router
    interfaces: [{ name: a }, { name: b }, { name: v, members: [a, b] }]
    routes: [{ prefix: 10.5.0.0/24, interface: v }, { prefix: 0.0.0.0/0, action: deliver }]
  - id: r2
    kind: router
    interfaces: [{ name: p }, { name: q }]
    routes: [{ prefix: 10.5.0.0/24, interface: q }, { prefix: 0.0.0.0/0, action: deliver }]
links: [[r1:a, r2:p], [r1:b, r2:q]]
`);
    const r = checkDataplane(n);
    expect(r.loops).toHaveLength(1);
    expect(r.loops[0]!.headers.boxes).toEqual([dstBox('10.5.0.0', '10.5.0.255')]);
    expect(r.loops[0]!.cycle).toContainEqual({ kind: 'device', device: 0, in: 'b', out: 'a' });
    expect(r.loops[0]!.cycle).toContainEqual({ kind: 'device', device: 1, in: 'p', out: 'q' });
    expect(r.blackHoles).toEqual([]);
  });

  it('reports exactly the protocols an ACL lets round the loop', () => {
    // The two-router loop with an in-ACL on r2:a that denies tcp (6) and permits the rest:
    // only 10.9.0.0/16 with protocol 0-5 or 7-255 loops; tcp is denied (an intended drop).
    const text = readFileSync(resolve(ROOT, 'tests/fixtures/dataplane/two-router-loop.yaml'), 'utf8').replace(
      '      - { name: a }\n      - { name: b }\n    routes:\n      - { prefix: 10.2',
      '      - { name: a, in: [no-tcp] }\n      - { name: b }\n    acls:\n      no-tcp: [{ action: deny, service: tcp }, { action: permit }]\n    routes:\n      - { prefix: 10.2',
    );
    const n = load(text);
    const r = checkDataplane(n);
    expect(r.loops).toHaveLength(1);
    expect(r.loops[0]!.headers.boxes).toEqual([dstBox('10.9.0.0', '10.9.255.255', 0, 5), dstBox('10.9.0.0', '10.9.255.255', 7, 255)]);
    expect(r.loops[0]!.headers.truncated).toBe(false);
    expect(r.drops.some((d) => d.kind === 'denied' && n.devices[d.device]!.id === 'r2')).toBe(true);
    // Listing one box only: the first of the two, flagged as cut short.
    const cut = checkDataplane(n, { maxBoxes: 1 });
    expect(cut.loops[0]!.headers).toEqual({ boxes: [dstBox('10.9.0.0', '10.9.255.255', 0, 5)], truncated: true });
  });
});

describe('black holes and intended drops', () => {
  it('finds the black hole behind a more specific route, with a path from an injection point', () => {
    // r1: 10.3.0.0/16 -> r3 (more specific than 10.0.0.0/8 -> r2), 0/0 -> uplink (an edge
    // port). r3 delivers 10.3.1.0/24 and has no other route: 10.3.0.0/16 minus 10.3.1.0/24
    // arriving at r3 is a black hole. r2 delivers all of 10/8: no black hole there.
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
    const r = checkDataplane(n);
    expect(r.loops).toEqual([]);
    expect(r.blackHoles).toHaveLength(1);
    const b: BlackHole = r.blackHoles[0]!;
    expect(n.devices[b.device]!.id).toBe('r3');
    expect(b.headers.boxes).toEqual([dstBox('10.3.0.0', '10.3.0.255'), dstBox('10.3.2.0', '10.3.255.255')]);
    expect(devicesOf(n, b.path.hops)).toEqual(['r1', 'r3']);
    expect(b.path.hops.at(-1)).toEqual({ kind: 'device', device: 2, in: 'up', out: undefined });
  });

  it('counts deliver and drop routes as intended, not as black holes', () => {
    // r1 delivers 10.1.0.0/16, null-routes 10.66.0.0/16 and sends the rest to r2, which
    // delivers everything. Drops: discarded 10.66.0.0/16 at r1 (from its edge port in);
    // nothing is a black hole or a loop.
    const n = load(`
bunkatsu: 1
name: deliver and drop
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
    const r = checkDataplane(n);
    expect(r.loops).toEqual([]);
    expect(r.blackHoles).toEqual([]);
    const discarded = r.drops.filter((d) => d.kind === 'discarded');
    expect(discarded).toHaveLength(1);
    expect(discarded[0]!.headers.boxes).toEqual([dstBox('10.66.0.0', '10.66.255.255')]);
    // r2 receives all but r1's own and null-routed prefixes; r1 receives 10.1.0.0/16 from its edge port only.
    const cell = r.reach!.cells.find((c) => c.from === 'r1' && c.to === 'r2')!;
    expect(cell.dst).toContain('10.0.0.0/16');
    expect(cell.dst).not.toContain('10.1.0.0/16');
    expect(cell.dst).not.toContain('10.66.0.0/16');
  });
});

describe('reachability', () => {
  it('sends out of a point-to-multipoint port to every peer', () => {
    // r1:m is in two links (to r2 and r3); 10.7.0.0/16 out of m reaches both.
    const n = load(`
bunkatsu: 1
name: p2mp
devices:
  - id: r1
    kind: router
    interfaces: [{ name: m }]
    routes: [{ prefix: 10.7.0.0/16, interface: m }]
  - id: r2
    kind: router
    interfaces: [{ name: a }]
    routes: [{ prefix: 10.7.0.0/16, action: deliver }]
  - id: r3
    kind: router
    interfaces: [{ name: a }]
    routes: [{ prefix: 10.7.0.0/16, action: deliver }]
links: [[r1:m, r2:a], [r1:m, r3:a]]
`);
    const r = checkDataplane(n);
    const cells = r.reach!.cells.map((c) => `${c.from}>${c.to}:${c.dst.join(',')}`);
    expect(cells.sort()).toEqual(['r1>r2:10.7.0.0/16', 'r1>r3:10.7.0.0/16']);
    expect(r.loops).toEqual([]);
  });

  it('gives the matrix of a three-router chain', () => {
    // r1 - r2 - r3; each delivers its own 10.k.0.0/16 and routes the others along the chain.
    // From each router, each other router receives exactly its own /16: six pairs.
    const n = fixture('chain.yaml');
    const r = checkDataplane(n);
    const cells = r.reach!.cells.map((c) => `${c.from}>${c.to}:${c.dst.join(',')}:${c.restricted}`);
    expect(cells.sort()).toEqual([
      'r1>r2:10.2.0.0/16:false',
      'r1>r3:10.3.0.0/16:false',
      'r2>r1:10.1.0.0/16:false',
      'r2>r3:10.3.0.0/16:false',
      'r3>r1:10.1.0.0/16:false',
      'r3>r2:10.2.0.0/16:false',
    ]);
    expect(r.reach!.sources).toEqual(['r1', 'r2', 'r3']);
    expect(r.loops).toEqual([]);
    expect(r.blackHoles).toEqual([]);
  });
});

describe('bunkatsu dataplane', () => {
  it('exits 1 on a loop, 0 when clean, 2 on a bad argument', async () => {
    const loop = await runCli(['dataplane', 'tests/fixtures/dataplane/two-router-loop.yaml', '--format', 'json']);
    expect(loop.code).toBe(1);
    const json = JSON.parse(loop.out) as { summary: { loops: number }; loops: Array<{ cycle: Array<{ id: string }> }> };
    expect(json.summary.loops).toBe(1);
    expect(json.loops[0]!.cycle.map((h) => h.id).sort()).toEqual(['r1', 'r2']);
    const clean = await runCli(['dataplane', 'tests/fixtures/dataplane/chain.yaml', '--level', 'port']);
    expect(clean.code).toBe(0);
    expect(clean.out).toContain('0 loop class(es), 0 black hole(s)');
    const bad = await runCli(['dataplane', 'tests/fixtures/dataplane/chain.yaml', '--max-classes', 'lots']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('BNK_ERR_USAGE');
  });

  it('says when the class bound is hit', () => {
    const r = checkDataplane(fixture('two-router-loop.yaml'), { maxClasses: 1 });
    expect(r.bounds).toEqual([]);
    // r1 now sends 10.1.0.0/16 out of b, and r2's default route sends it back out of a: a
    // second loop, the other way round (r1 in a out b, r2 in b out a).
    const two = load(
      readFileSync(resolve(ROOT, 'tests/fixtures/dataplane/two-router-loop.yaml'), 'utf8').replace(
        '      - { prefix: 10.1.0.0/16, action: deliver }',
        '      - { prefix: 10.1.0.0/16, interface: b }',
      ),
    );
    expect(checkDataplane(two).loops).toHaveLength(2);
    const bounded = checkDataplane(two, { maxClasses: 1 });
    expect(bounded.loops).toHaveLength(1);
    expect(bounded.bounds[0]!.en).toMatch(/stopped at 1 classes/);
    expect(bounded.bounds[0]!.ja).toMatch(/1 件で打ち切りました/);
  });
});

// ── Property: the checks equal a brute-force per-packet simulation ──────────────────────

interface RandomNet {
  readonly text: string;
}

const BLOCK = ip('10.0.0.0');

/** Random forwarding networks inside 10.0.0.0/28: routers, links (some multi-peer), routes
 * with random prefixes, priorities, deliver/drop, VLANs, ACLs, sometimes a zone. */
const randomNet: fc.Arbitrary<RandomNet> = fc
  .record({
    routers: fc.array(
      fc.record({
        ports: fc.integer({ min: 1, max: 4 }),
        vlan: fc.boolean(),
        routed: fc.integer({ min: 0, max: 4 }),
        routes: fc.array(
          fc.record({
            length: fc.constantFrom(0, 28, 29, 30, 31, 32),
            base: fc.integer({ min: 0, max: 15 }),
            action: fc.constantFrom('forward', 'forward', 'forward', 'deliver', 'drop'),
            out: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 2 }),
            priority: fc.option(fc.integer({ min: 28, max: 32 }), { nil: undefined }),
          }),
          { maxLength: 4 },
        ),
        acl: fc.option(
          fc.record({
            rules: fc.array(
              fc.record({
                action: fc.constantFrom('permit', 'deny'),
                service: fc.constantFrom('any', 'tcp', 'udp', 'tcp/22'),
                dst: fc.constantFrom('any', '10.0.0.0/29', '10.0.0.8/30', '10.0.0.4'),
                src: fc.constantFrom('any', '10.0.0.0/29'),
              }),
              { minLength: 1, maxLength: 3 },
            ),
            port: fc.integer({ min: 0, max: 3 }),
            direction: fc.constantFrom('in', 'out'),
          }),
          { nil: undefined },
        ),
      }),
      { minLength: 2, maxLength: 4 },
    ),
    links: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat(), fc.nat()), { maxLength: 6 }),
    zone: fc.option(fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 3 }), { nil: undefined }),
  })
  .map((spec) => {
    const n = spec.routers.length;
    const portName = (k: number): string => `p${k}`;
    const zoneAt = new Set<string>();
    if (spec.zone) for (const [d, p] of spec.zone) zoneAt.add(`${d % n}:${p % spec.routers[d % n]!.ports}`);
    const linked = new Set<string>();
    const links: Array<[string, string]> = [];
    for (const [d1, p1, d2, p2] of spec.links) {
      const a = `r${d1 % n}:${portName(p1 % spec.routers[d1 % n]!.ports)}`;
      const b = `r${d2 % n}:${portName(p2 % spec.routers[d2 % n]!.ports)}`;
      const key = [a, b].sort().join('|');
      if (a === b || linked.has(key) || zoneAt.has(a.slice(1)) || zoneAt.has(b.slice(1))) continue;
      linked.add(key);
      links.push([a, b]);
    }
    const devices = spec.routers.map((r, i) => {
      const names = Array.from({ length: r.ports }, (_, k) => portName(k));
      const interfaces: Array<Record<string, unknown>> = names.map((name, k) => ({
        name,
        ...(zoneAt.has(`${i}:${k}`) ? { zone: 'z' } : {}),
        ...(r.acl && r.acl.port % r.ports === k ? { [r.acl.direction]: ['f'] } : {}),
      }));
      const vlan = r.vlan && r.ports >= 2;
      if (vlan) interfaces.push({ name: 'v', members: names.slice(0, 2) });
      const outs = vlan ? [...names, 'v'] : names;
      const routes =
        r.routed === 0
          ? undefined
          : r.routes.map((x) => {
              const size = 2 ** (32 - x.length);
              const base = x.length === 0 ? 0 : BLOCK + ((Math.floor(x.base / size) * size) % 16);
              const prefix = `${[base >>> 24, (base >>> 16) & 255, (base >>> 8) & 255, base & 255].join('.')}/${x.length}`;
              const priority = x.priority !== undefined ? { priority: x.priority } : {};
              if (x.action !== 'forward') return { prefix, action: x.action, ...priority };
              return { prefix, interface: [...new Set(x.out.map((o) => outs[o % outs.length]!))], ...priority };
            });
      return {
        id: `r${i}`,
        kind: 'router',
        interfaces,
        ...(routes ? { routes } : {}),
        ...(r.acl ? { acls: { f: r.acl.rules.map((x) => ({ action: x.action, service: x.service, to: x.dst, from: x.src })) } } : {}),
      };
    });
    const doc = {
      bunkatsu: 1,
      name: 'random',
      zones: spec.zone ? [{ id: 'z', domain: 'lgwan', subnets: ['10.0.0.8/29'] }] : [],
      devices,
      links,
    };
    return { text: JSON.stringify(doc) };
  });

function inRanges(ranges: ReadonlyArray<{ lo: number; hi: number }>, a: number): boolean {
  return ranges.some((r) => r.lo <= a && a <= r.hi);
}

function ruleMatches(r: Rule, p: Packet): boolean {
  return (
    inRanges(r.src, p.src) &&
    inRanges(r.dst, p.dst) &&
    r.services.some((t) => t.protoLo <= p.protocol && p.protocol <= t.protoHi && t.portLo <= p.port && p.port <= t.portHi)
  );
}

/** Every ACL of the chain lets the packet through: first match wins, no match denies. */
function passes(d: Device, chain: readonly string[], p: Packet): boolean {
  return chain.every((name) => d.acls.find((a) => a.name === name)!.rules.find((r) => ruleMatches(r, p))?.action === 'permit');
}

interface Truth {
  loops: boolean;
  blackHoles: Set<string>;
  reach: Set<string>;
}

/**
 * Brute force from the model alone: every injection point (each device originating, each
 * zone from its own addresses, each edge port), every copy followed depth first; a copy that
 * comes to a state already on its path has looped.
 */
function simulate(n: Network, p: Packet, level: 'device' | 'port'): Truth {
  const truth: Truth = { loops: false, blackHoles: new Set(), reach: new Set() };
  const zoneOwns = (z: number, a: number): boolean => n.zones[z]!.subnets.some((s) => s.lo <= a && a <= s.hi);
  const linksOf = (d: number, iface: string): Array<[number, string]> => {
    const out: Array<[number, string]> = [];
    for (const l of n.links) {
      if (l.a.device === d && l.a.interface === iface) out.push([l.b.device, l.b.interface]);
      if (l.b.device === d && l.b.interface === iface) out.push([l.a.device, l.a.interface]);
    }
    return out;
  };
  const isEdge = (d: number, iface: string): boolean => {
    const f = n.devices[d]!.interfaces.find((x) => x.name === iface)!;
    return !f.members && f.zone === undefined && linksOf(d, iface).length === 0;
  };
  /** Route lookup: the out interfaces (VLANs expanded), local, or undefined for no route. */
  const lookup = (d: Device): { out: string[]; local: boolean } | undefined => {
    if (!d.routes) return { out: d.interfaces.filter((f) => !f.members).map((f) => f.name), local: false };
    const routes: Array<{ lo: number; hi: number; priority: number; action: string; out: readonly string[] }> = [];
    for (const f of d.interfaces) {
      if (f.zone !== undefined)
        for (const s of n.zones[f.zone]!.subnets) routes.push({ lo: s.lo, hi: s.hi, priority: s.length, action: 'forward', out: [f.name] });
    }
    for (const r of d.routes) routes.push({ lo: r.prefix.lo, hi: r.prefix.hi, priority: r.priority, action: r.action, out: r.interfaces });
    const matching = routes.filter((r) => r.lo <= p.dst && p.dst <= r.hi);
    if (matching.length === 0) return undefined;
    const top = Math.max(...matching.map((r) => r.priority));
    const out = new Set<string>();
    let local = false;
    for (const r of matching.filter((x) => x.priority === top)) {
      if (r.action === 'deliver') local = true;
      for (const name of r.out) for (const m of d.interfaces.find((f) => f.name === name)!.members ?? [name]) out.add(m);
    }
    return { out: [...out], local };
  };
  const dest = (label: string, source: string): void => {
    truth.reach.add(`${source}>${label}`);
  };
  // States: "d:iface" (device entered by iface), "z:d:iface" (zone entered from d's iface).
  const visitDevice = (d: number, inIface: string | undefined, path: Set<string>, source: string): void => {
    const key = `${d}:${inIface ?? ''}`;
    if (inIface !== undefined) {
      if (path.has(key)) {
        truth.loops = true;
        return;
      }
    }
    const device = n.devices[d]!;
    if (inIface !== undefined && !passes(device, device.interfaces.find((f) => f.name === inIface)!.inAcls, p)) return;
    const route = lookup(device);
    if (!route) {
      if (inIface !== undefined) truth.blackHoles.add(device.id);
      return;
    }
    if (route.local && inIface !== undefined) dest(device.id, source);
    const next = new Set(path).add(key);
    for (const out of route.out) {
      if (out === inIface) continue;
      const f = device.interfaces.find((x) => x.name === out)!;
      if (!passes(device, f.outAcls, p)) continue;
      if (isEdge(d, out)) dest(`${device.id}:${out}`, source);
      if (f.zone !== undefined) visitZone(f.zone, d, out, next, source);
      for (const [peer, iface] of linksOf(d, out)) visitDevice(peer, iface, next, source);
    }
  };
  const visitZone = (z: number, from: number, iface: string, path: Set<string>, source: string): void => {
    const key = `z:${from}:${iface}`;
    if (path.has(key)) {
      truth.loops = true;
      return;
    }
    if (zoneOwns(z, p.dst)) {
      dest(`zone ${n.zones[z]!.id}`, source);
      return;
    }
    const next = new Set(path).add(key);
    for (const d of n.devices) {
      if (d.index === from) continue;
      for (const f of d.interfaces) if (f.zone === z) visitDevice(d.index, f.name, next, source);
    }
  };
  for (const d of n.devices) {
    if (level === 'device') visitDevice(d.index, undefined, new Set(), d.id);
    else {
      // Without reachability rows, originators still inject (for loops and black holes).
      visitDevice(d.index, undefined, new Set(), '-');
    }
  }
  for (const z of n.zones) {
    if (!zoneOwns(z.index, p.src) || zoneOwns(z.index, p.dst)) continue;
    for (const d of n.devices) {
      for (const f of d.interfaces) {
        if (f.zone !== z.index) continue;
        visitDevice(d.index, f.name, new Set(), level === 'device' ? `zone ${z.id}` : `${d.id}:${f.name}`);
      }
    }
  }
  for (const d of n.devices) {
    for (const f of d.interfaces) if (isEdge(d.index, f.name)) visitDevice(d.index, f.name, new Set(), level === 'port' ? `${d.id}:${f.name}` : '-');
  }
  // Injections that are not rows at this level were labelled "-".
  for (const k of [...truth.reach]) if (k.startsWith('->')) truth.reach.delete(k);
  return truth;
}

function boxHas(headers: HeaderListing, p: Packet): boolean {
  expect(headers.truncated).toBe(false);
  return containsPacket(headers.boxes, p);
}

function claimed(n: Network, r: DataplaneReport, p: Packet): Truth {
  return {
    loops: r.loops.some((l) => boxHas(l.headers, p)),
    blackHoles: new Set(r.blackHoles.filter((b) => boxHas(b.headers, p)).map((b) => n.devices[b.device]!.id)),
    reach: new Set(r.reach!.cells.filter((c) => boxHas(c.headers, p)).map((c) => `${c.from}>${c.to}`)),
  };
}

const PACKETS: Packet[] = [];
for (let dst = 0; dst <= 16; dst++) {
  for (const src of [ip('10.0.0.9'), ip('10.0.0.1'), ip('192.168.0.1')]) {
    for (const [protocol, port] of [
      [6, 22],
      [6, 80],
      [17, 22],
    ] as const)
      PACKETS.push({ src, dst: BLOCK + dst, protocol, port });
  }
}

describe('property: the checks equal a per-packet brute force', () => {
  it('loops, black holes and reachability, packet by packet, on random forwarding networks', () => {
    fc.assert(
      fc.property(randomNet, fc.constantFrom('device' as const, 'port' as const), ({ text }, level) => {
        const n = load(text, 'random.json');
        // Every box listed, so that membership can be read off the report.
        const report = checkDataplane(n, { level, maxBoxes: Infinity });
        for (const p of PACKETS) {
          const want = simulate(n, p, level);
          const got = claimed(n, report, p);
          const where = `${text}\npacket ${JSON.stringify(p)}`;
          expect(got.loops, `loops ${where}`).toBe(want.loops);
          expect([...got.blackHoles].sort(), `black holes ${where}`).toEqual([...want.blackHoles].sort());
          expect([...got.reach].sort(), `reach ${where}`).toEqual([...want.reach].sort());
        }
      }),
      { numRuns: Number(process.env.DATAPLANE_RUNS ?? 120), seed: process.env.DATAPLANE_SEED ? Number(process.env.DATAPLANE_SEED) : undefined },
    );
  });
});
