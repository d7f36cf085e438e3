// Forwarding data planes on small inline topologies, one suite run against every engine:
// route priorities against prefix lengths, deliver and drop routes, routes out of several
// interfaces, VLAN flooding (never back out of the ingress), ACL chains in and out (on a
// firewall, after its rules) with their deciding rules, and ports in several links. Every
// engine of the registry runs the suite, so a new engine is tested here without a change.

import { describe, expect, it } from 'vitest';
import { ALL_HEADERS, equalSets, type HeaderBox, normalize } from '../../src/engine/headerset.ts';
import { type Arrival, endKey, type Failures, NO_FAILURES, type ReachabilityEngine } from '../../src/engine/types.ts';
import { ENGINES } from '../../src/engine/registry.ts';
import { loadTopology } from '../../src/model/load.ts';
import type { Network } from '../../src/model/network.ts';
import { parseIpv4 } from '../../src/net/ipv4.ts';

const topology = (body: string): Network => loadTopology(`bunkatsu: 1\nname: plane\n${body}`, 'plane.yaml');
const ip = (text: string): number => parseIpv4(text)!;
const zone = (n: Network, id: string): number => n.zones.findIndex((z) => z.id === id);
const device = (n: Network, id: string): number => n.devices.findIndex((d) => d.id === id);

/** Headers to one address, one protocol and port, from any source. */
function to(dst: string, protocol = 6, port = 443): HeaderBox {
  return { ...ALL_HEADERS, dstLo: ip(dst), dstHi: ip(dst), protoLo: protocol, protoHi: protocol, portLo: port, portHi: port };
}

/** The same headers as a zone sends them: its own source addresses only. */
function sent(n: Network, from: string, box: HeaderBox): HeaderBox[] {
  return n.zones[zone(n, from)]!.owned.map((r) => ({ ...box, srcLo: r.lo, srcHi: r.hi }));
}

/** The ends the headers come to, by end key, each with its header set. */
function ends(engine: ReachabilityEngine, from: number, headers: HeaderBox): Map<string, Arrival['headers']> {
  return new Map(engine.explore([from], [headers]).map((a) => [endKey(a.end), a.headers]));
}

/** Asserts the headers all end at exactly these ends (end key -> the part that ends there). */
function expectEnds(actual: Map<string, Arrival['headers']>, expected: Record<string, readonly HeaderBox[]>): void {
  expect([...actual.keys()].sort()).toEqual(Object.keys(expected).sort());
  for (const [key, set] of Object.entries(expected)) {
    expect(equalSets(actual.get(key)!, set), `${key}: ${JSON.stringify(normalize(actual.get(key)!))}`).toBe(true);
  }
}

const ZONES = `zones:
  - { id: a, domain: lgwan, subnets: [10.1.0.0/24] }
  - { id: b, domain: lgwan, subnets: [10.2.0.0/24] }
  - { id: c, domain: lgwan, subnets: [10.3.0.0/24] }
  - { id: d, domain: lgwan, subnets: [10.4.0.0/24] }
`;

describe.each(Object.entries(ENGINES))('%s engine on data planes', (_, engineOf) => {
  describe('route priorities', () => {
    // d is behind b (switch sb) and behind c (switch sc); the router picks which way.
    const network = (routes: string): Network =>
      topology(`${ZONES}devices:
  - id: r
    kind: router
    interfaces: [{ name: ea, zone: a }, { name: eb, zone: b }, { name: ec, zone: c }]
    routes:
${routes}
  - { id: sb, kind: switch, interfaces: [{ name: b, zone: b }, { name: d, zone: d }] }
  - { id: sc, kind: switch, interfaces: [{ name: c, zone: c }, { name: d, zone: d }] }
`);
    const via = (n: Network, dst = '10.4.0.5'): string[] => {
      const fp = engineOf(n).footprint([zone(n, 'a')], [to(dst)]);
      return ['sb', 'sc'].filter((id) => fp.devices.has(device(n, id)));
    };

    it('without priorities the longest prefix wins', () => {
      expect(via(network('      - { prefix: 10.4.0.0/16, interface: eb }\n      - { prefix: 10.4.0.0/24, interface: ec }'))).toEqual(['sc']);
    });

    it('a higher priority wins over a longer prefix', () => {
      expect(via(network('      - { prefix: 10.4.0.0/16, interface: eb, priority: 30 }\n      - { prefix: 10.4.0.0/24, interface: ec }'))).toEqual(['sb']);
    });

    it('equal priorities all apply, whatever their prefix lengths', () => {
      const n = network('      - { prefix: 10.4.0.0/16, interface: eb, priority: 24 }\n      - { prefix: 10.4.0.0/24, interface: ec }');
      expect(via(n)).toEqual(['sb', 'sc']);
      expectEnds(ends(engineOf(n), zone(n, 'a'), to('10.4.0.5')), { [`delivered:${zone(n, 'd')}`]: sent(n, 'a', to('10.4.0.5')) });
    });

    it('a route out of several interfaces sends a copy out of each', () => {
      expect(via(network('      - { prefix: 10.4.0.0/24, interface: [eb, ec] }'))).toEqual(['sb', 'sc']);
    });

    it('a connected subnet loses to a static route of higher priority', () => {
      // 10.3.0.5 is c's own (connected at ec), but a priority-25 route sends it the long way
      // round: out of eb, through b, sb, d and sc.
      expect(via(network('      - { prefix: 10.3.0.0/16, interface: eb, priority: 24 }'), '10.3.0.5')).toEqual(['sb', 'sc']);
      expect(via(network('      - { prefix: 10.3.0.0/16, interface: eb, priority: 25 }'), '10.3.0.5')).toEqual(['sb', 'sc']);
      expect(via(network('      - { prefix: 10.3.0.0/16, interface: eb, priority: 23 }'), '10.3.0.5')).toEqual([]);
    });
  });

  describe('deliver and drop routes, in-ACLs first', () => {
    const n = topology(`${ZONES}devices:
  - id: r
    kind: router
    interfaces: [{ name: ea, zone: a, in: [guard] }, { name: eb, zone: b }]
    routes:
      - { prefix: 10.9.0.0/16, action: deliver }
      - { prefix: 10.8.0.0/16, action: drop }
      - { prefix: 10.2.0.0/16, action: drop, priority: 0 }
    acls:
      guard:
        - { id: no-telnet, action: deny, service: tcp/23 }
        - { id: tcp-only, action: permit, service: tcp }
`);
    const r = device(n, 'r');
    const engine = engineOf(n);
    const a = zone(n, 'a');

    it('deliver ends local, drop ends discarded, no match ends no-route', () => {
      expectEnds(ends(engine, a, to('10.9.1.1')), { [`local:${r}`]: sent(n, 'a', to('10.9.1.1')) });
      expectEnds(ends(engine, a, to('10.8.1.1')), { [`discarded:${r}`]: sent(n, 'a', to('10.8.1.1')) });
      expectEnds(ends(engine, a, to('10.7.1.1')), { [`no-route:${r}`]: sent(n, 'a', to('10.7.1.1')) });
      // The connected route (priority 24) beats the drop route of priority 0.
      expectEnds(ends(engine, a, to('10.2.0.9')), { [`delivered:${zone(n, 'b')}`]: sent(n, 'a', to('10.2.0.9')) });
    });

    it('the in-ACL denies before any route is looked up, naming its rule or its default', () => {
      expectEnds(ends(engine, a, to('10.9.1.1', 6, 23)), { [`denied:${r}`]: sent(n, 'a', to('10.9.1.1', 6, 23)) });
      expectEnds(ends(engine, a, to('10.7.1.1', 17, 53)), { [`denied:${r}`]: sent(n, 'a', to('10.7.1.1', 17, 53)) });
      const denied = (dst: string, protocol: number, port: number): unknown =>
        engine.trace(a, { src: ip('10.1.0.5'), dst: ip(dst), protocol, port }).map((o) => [o.disposition, o.hops.at(-1)]);
      expect(denied('10.9.1.1', 6, 23)).toEqual([
        [
          { kind: 'denied', device: r, rule: { acl: 'guard', id: 'no-telnet', position: 1, action: 'deny', loc: n.devices[r]!.acls[0]!.rules[0]!.loc } },
          { kind: 'device', device: r, in: 'ea', out: undefined, rule: expect.objectContaining({ acl: 'guard', id: 'no-telnet' }) },
        ],
      ]);
      expect(denied('10.2.0.9', 17, 53)).toEqual([
        [
          { kind: 'denied', device: r, rule: { acl: 'guard', id: 'default', position: 3, action: 'deny', loc: n.devices[r]!.acls[0]!.loc } },
          expect.objectContaining({ kind: 'device', device: r, in: 'ea', out: undefined }),
        ],
      ]);
    });
  });

  describe('a firewall with an out-ACL', () => {
    const n = topology(`${ZONES}devices:
  - id: fw
    kind: firewall
    interfaces: [{ name: ea, zone: a }, { name: eb, zone: b, out: [egress, audit] }]
    rules:
      - { id: ssh-web, action: permit, service: [tcp/22, tcp/80] }
      - { id: ping, action: permit, service: icmp }
    acls:
      egress:
        - { id: no-web, action: deny, service: tcp/80 }
        - { action: permit, service: tcp }
      audit:
        - { id: all, action: permit }
`);
    const fw = device(n, 'fw');
    const engine = engineOf(n);
    const a = zone(n, 'a');
    const trace = (protocol: number, port: number): unknown =>
      engine
        .trace(a, { src: ip('10.1.0.5'), dst: ip('10.2.0.5'), protocol, port })
        .map((o) => [
          o.disposition.kind,
          o.disposition.kind === 'denied' ? o.disposition.rule && [o.disposition.rule.acl, o.disposition.rule.id] : undefined,
          o.hops.flatMap((h) => (h.kind === 'device' ? [[h.in, h.out, h.rule?.acl, h.rule?.id]] : [])),
        ]);

    it('passes what both the rules and every ACL of the chain let out, under the firewall rule', () => {
      expect(trace(6, 22)).toEqual([['delivered', undefined, [['ea', 'eb', undefined, 'ssh-web']]]]);
    });

    it('the rules decide first, then the ACLs: a rule deny, an ACL deny, an ACL default deny', () => {
      expect(trace(17, 53)).toEqual([['denied', undefined, [['ea', 'eb', undefined, undefined]]]]);
      expect(trace(6, 80)).toEqual([['denied', ['egress', 'no-web'], [['ea', 'eb', 'egress', 'no-web']]]]);
      expect(trace(1, 0)).toEqual([['denied', ['egress', 'default'], [['ea', 'eb', 'egress', 'default']]]]);
    });

    it('as header sets: exactly tcp/22 gets through; the rest is denied at the firewall', () => {
      const arrived = ends(engine, a, { ...ALL_HEADERS, dstLo: ip('10.2.0.0'), dstHi: ip('10.2.0.255') });
      const ssh = {
        ...ALL_HEADERS,
        srcLo: ip('10.1.0.0'),
        srcHi: ip('10.1.0.255'),
        dstLo: ip('10.2.0.0'),
        dstHi: ip('10.2.0.255'),
        protoLo: 6,
        protoHi: 6,
        portLo: 22,
        portHi: 22,
      };
      expect([...arrived.keys()].sort()).toEqual([`delivered:${zone(n, 'b')}`, `denied:${fw}`]);
      expect(equalSets(arrived.get(`delivered:${zone(n, 'b')}`)!, [ssh])).toBe(true);
    });
  });

  describe('a firewall whose rules apply to some port pairs only', () => {
    // No routes: from ea the packet is offered to eb, ec and ed in turn. It matches web-b
    // first, which applies toward eb only (b owns neither destination, so nothing ends there);
    // toward ec web-c denies it; toward ed neither applies and web permits it.
    const n = topology(`${ZONES}devices:
  - id: fw
    kind: firewall
    interfaces: [{ name: ea, zone: a }, { name: eb, zone: b }, { name: ec, zone: c }, { name: ed, zone: d }]
    rules:
      - { id: web-b, action: permit, in: [ea], out: [eb], service: tcp/80 }
      - { id: web-c, action: deny, out: [ec], service: tcp/80 }
      - { id: web, action: permit, service: tcp/80 }
`);
    const engine = engineOf(n);
    const trace = (dst: string): unknown =>
      engine
        .trace(zone(n, 'a'), { src: ip('10.1.0.5'), dst: ip(dst), protocol: 6, port: 80 })
        .map((o) => [o.disposition.kind, o.hops.flatMap((h) => (h.kind === 'device' ? [[h.in, h.out, h.rule?.id]] : []))])
        .sort((x, y) => String(x[0]).localeCompare(String(y[0])));

    it('each pair stops at its own first applicable rule, though one packet crosses them all', () => {
      expect(trace('10.3.0.5')).toEqual([['denied', [['ea', 'ec', 'web-c']]]]);
      expect(trace('10.4.0.5')).toEqual([
        ['delivered', [['ea', 'ed', 'web']]],
        ['denied', [['ea', 'ec', 'web-c']]],
      ]);
    });
  });

  describe('VLAN interfaces', () => {
    // A route to the VLAN floods to its members; e-b also carries an out-ACL that denies
    // everything, so a copy sent back out of the ingress would show as a deny.
    const n = topology(`${ZONES}devices:
  - id: r
    kind: router
    interfaces:
      - { name: ea, zone: a }
      - { name: eb, zone: b, out: [never] }
      - { name: ec, zone: c }
      - { name: v, members: [ea, eb, ec] }
    routes:
      - { prefix: 10.4.0.0/24, interface: v }
      - { prefix: 10.5.0.0/24, interface: eb }
    acls:
      never: []
  - { id: sc, kind: switch, interfaces: [{ name: c, zone: c }, { name: d, zone: d }] }
`);
    const r = device(n, 'r');

    it('floods to every member but the one the packet came in by', () => {
      const engine = engineOf(n);
      // From a: out of eb (denied by its out-ACL) and ec (to d); not back into a.
      expectEnds(ends(engine, zone(n, 'a'), to('10.4.0.5')), {
        [`denied:${r}`]: sent(n, 'a', to('10.4.0.5')),
        [`delivered:${zone(n, 'd')}`]: sent(n, 'a', to('10.4.0.5')),
      });
      // From b: out of ea and ec, never back out of eb, so nothing is denied.
      expectEnds(ends(engine, zone(n, 'b'), to('10.4.0.5')), { [`delivered:${zone(n, 'd')}`]: sent(n, 'b', to('10.4.0.5')) });
    });

    it('a route straight out of a member reaches that member only', () => {
      expectEnds(ends(engineOf(n), zone(n, 'a'), to('10.5.0.5')), { [`denied:${r}`]: sent(n, 'a', to('10.5.0.5')) });
    });
  });

  describe('a port in several links', () => {
    const n = topology(`${ZONES}devices:
  - { id: hub, kind: switch, interfaces: [{ name: a, zone: a }, { name: trunk }] }
  - { id: s1, kind: switch, interfaces: [{ name: up }, { name: b, zone: b }] }
  - { id: s2, kind: switch, interfaces: [{ name: up }, { name: c, zone: c }] }
  - { id: s3, kind: switch, interfaces: [{ name: up }, { name: loose }] }
links:
  - [hub:trunk, s1:up]
  - [hub:trunk, s2:up]
  - [s3:up, s3:loose]
`);
    const towards = (failures: Failures): string[] =>
      engineOf(n, failures)
        .reach(
          [zone(n, 'a')],
          n.zones.map((z) => z.index),
        )
        .map((x) => n.zones[x.zone]!.id);

    it('reaches every peer, and loses only the peer whose link is down', () => {
      expect(towards(NO_FAILURES)).toEqual(['a', 'b', 'c']);
      expect(towards({ ...NO_FAILURES, edges: new Set(['hub:trunk--s1:up']) })).toEqual(['a', 'c']);
      expect(towards({ ...NO_FAILURES, devices: new Set([device(n, 's2')]) })).toEqual(['a', 'b']);
    });
  });
});
