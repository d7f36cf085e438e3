// Reference engine semantics (SPEC §4) on small inline topologies: switches, firewalls, routes, gateways, failures, loops.

import { describe, expect, it } from 'vitest';
import { createReferenceEngine } from '../../src/engine/reference.ts';
import { traceFlow } from '../../src/engine/trace.ts';
import { ALL_HEADERS, equalSets, type HeaderBox, type HeaderSet, normalize, subtract } from '../../src/engine/headerset.ts';
import type { Failures, Hop, Outcome } from '../../src/engine/types.ts';
import { InputError } from '../../src/errors.ts';
import { attachId } from '../../src/model/graph.ts';
import { loadTopology } from '../../src/model/load.ts';
import type { Network } from '../../src/model/network.ts';
import { IPV4_ALL, type Ipv4Range, parseAddressSpec } from '../../src/net/ipv4.ts';
import { ANY_SERVICE, parseServiceTerm, type ServiceTerm } from '../../src/net/services.ts';

// ---- helpers -------------------------------------------------------------------------------

const HEADER = 'bunkatsu: 1\nname: inline\nmodel: alpha\n';

/** Loads an inline topology body (everything after the three header lines). */
function topology(body: string): Network {
  return loadTopology(HEADER + body, 'inline.yaml');
}

function addr(text: string): Ipv4Range {
  const r = parseAddressSpec(text);
  if ('error' in r) throw new Error(r.error);
  return { lo: r.lo, hi: r.hi };
}

function svc(text: string): ServiceTerm {
  if (text === 'any') return ANY_SERVICE;
  const t = parseServiceTerm(text);
  if ('error' in t) throw new Error(t.error);
  return t;
}

/** The header set src x dst x services, each given as text (lists are unions). */
function headers(src: string | string[], dst: string | string[], services: string | string[] = 'any'): HeaderBox[] {
  const list = (v: string | string[]): string[] => (typeof v === 'string' ? [v] : v);
  const out: HeaderBox[] = [];
  for (const s of list(src))
    for (const d of list(dst))
      for (const t of list(services)) {
        const a = s === 'any' ? IPV4_ALL : addr(s);
        const b = d === 'any' ? IPV4_ALL : addr(d);
        const x = svc(t);
        out.push({ srcLo: a.lo, srcHi: a.hi, dstLo: b.lo, dstHi: b.hi, protoLo: x.protoLo, protoHi: x.protoHi, portLo: x.portLo, portHi: x.portHi });
      }
  return normalize(out);
}

const zoneIndex = (n: Network, id: string): number => {
  const z = n.zones.findIndex((x) => x.id === id);
  if (z < 0) throw new Error(`no zone ${id}`);
  return z;
};
const deviceIndex = (n: Network, id: string): number => {
  const d = n.devices.findIndex((x) => x.id === id);
  if (d < 0) throw new Error(`no device ${id}`);
  return d;
};

function explore(n: Network, from: string, failures?: Failures, set: HeaderSet = [ALL_HEADERS]): Outcome[] {
  const engine = createReferenceEngine(n, failures ? { failures } : {});
  return engine.paths(zoneIndex(n, from), set);
}

const union = (outcomes: readonly Outcome[]): HeaderBox[] => normalize(outcomes.flatMap((o) => o.headers));
const deliveredTo = (n: Network, outcomes: readonly Outcome[], zone: string): Outcome[] =>
  outcomes.filter((o) => o.disposition.kind === 'delivered' && o.disposition.zone === zoneIndex(n, zone));
const ofKind = (outcomes: readonly Outcome[], kind: Outcome['disposition']['kind']): Outcome[] => outcomes.filter((o) => o.disposition.kind === kind);

/** Interface by which an outcome's last device hop left (where a firewall decided, for denials). */
function leaving(o: Outcome): string | undefined {
  const last = o.hops.at(-1);
  return last?.kind === 'device' ? last.out : undefined;
}

/** Asserts two header sets are equal, showing both on failure. */
function expectSet(actual: HeaderSet, expected: HeaderSet): void {
  expect(equalSets(actual, expected), `got ${JSON.stringify(normalize(actual))}\nwant ${JSON.stringify(normalize(expected))}`).toBe(true);
}

/** Readable hop path: zone ids and device ids, with the deciding rule id for firewall hops. */
function route(n: Network, hops: readonly Hop[]): string[] {
  return hops.map((h) => (h.kind === 'zone' ? n.zones[h.zone]!.id : `${n.devices[h.device]!.id}${h.rule ? `#${h.rule.id}` : ''}`));
}

// ---- switches ------------------------------------------------------------------------------

describe('switch', () => {
  const n = topology(`zones:
  - { id: A, domain: lgwan, subnets: [10.1.0.0/24] }
  - { id: B, domain: lgwan, subnets: [10.2.0.0/24] }
  - { id: C, domain: lgwan, subnets: [10.3.0.0/24] }
devices:
  - id: sw
    kind: switch
    interfaces:
      - { name: pa, zone: A }
      - { name: pb, zone: B }
      - { name: pc, zone: C }
`);

  it('forwards every header to every attached zone', () => {
    const out = explore(n, 'A');
    expectSet(union(deliveredTo(n, out, 'A')), headers('10.1.0.0/24', '10.1.0.0/24'));
    expectSet(union(deliveredTo(n, out, 'B')), headers('10.1.0.0/24', '10.2.0.0/24'));
    expectSet(union(deliveredTo(n, out, 'C')), headers('10.1.0.0/24', '10.3.0.0/24'));
    expect(out.every((o) => o.disposition.kind === 'delivered')).toBe(true);
    expect(route(n, deliveredTo(n, out, 'C')[0]!.hops)).toEqual(['A', 'sw', 'C']);
  });

  it('cuts the source addresses to the source zone', () => {
    const out = explore(n, 'B', undefined, headers(['10.1.0.0/24', '10.2.0.128/25'], '10.3.0.9'));
    expectSet(union(out), headers('10.2.0.128/25', '10.3.0.9'));
  });

  it('addresses no zone owns reach no end', () => {
    const out = explore(n, 'A', undefined, headers('10.1.0.0/24', '192.0.2.0/24'));
    expect(out).toEqual([]);
  });
});

// ---- firewalls -----------------------------------------------------------------------------

// Line numbers below count the three header lines: the first body line is line 4.
const FIREWALL = `zones:
  - { id: A, domain: lgwan, subnets: [10.1.0.0/24] }
  - { id: B, domain: lgwan, subnets: [10.2.0.0/24] }
  - { id: C, domain: lgwan, subnets: [10.3.0.0/24] }
hosts:
  - { id: b1, zone: B, address: 10.2.0.10 }
devices:
  - id: fw
    kind: firewall
    interfaces:
      - { name: a, zone: A }
      - { name: b, zone: B }
      - { name: c, zone: C }
    rules:
      - id: deny-b1-https
        action: deny
        from: A
        to: b1
        service: https
      - { id: web, action: permit, from: A, to: B, service: [https, http] }
      - { id: ssh-b1, action: permit, from: A, to: b1, service: ssh }
      - { id: shadowed, action: permit, from: A, to: b1, service: https }
      - { id: mail-to-c, action: permit, in: a, out: c, service: smtp }
      - { id: c-to-b, action: permit, in: c, out: b }
`;

describe('firewall', () => {
  const n = topology(FIREWALL);
  const A = '10.1.0.0/24';
  const B = '10.2.0.0/24';
  const C = '10.3.0.0/24';
  const out = explore(n, 'A');

  it('first match wins: a deny above a permit takes its headers', () => {
    const denied = ofKind(out, 'denied').filter((o) => o.disposition.kind === 'denied' && o.disposition.rule?.id === 'deny-b1-https');
    expectSet(union(denied), headers(A, '10.2.0.10', 'tcp/443'));
    // The later permit of the same headers never decides anything.
    const decided = out.flatMap((o) => o.hops).flatMap((h) => (h.kind === 'device' && h.rule ? [h.rule.id] : []));
    expect(decided).not.toContain('shadowed');
  });

  it('delivers exactly what the permits let through, each with its deciding rule', () => {
    const toB = deliveredTo(n, out, 'B');
    const expected = subtract(headers(A, B, ['tcp/80', 'tcp/443']), headers(A, '10.2.0.10', 'tcp/443'));
    expectSet(union(toB), normalize([...expected, ...headers(A, '10.2.0.10', 'tcp/22')]));
    const web = toB.filter((o) => route(n, o.hops).join(' ') === 'A fw#web B');
    const ssh = toB.filter((o) => route(n, o.hops).join(' ') === 'A fw#ssh-b1 B');
    expectSet(union(web), expected);
    expectSet(union(ssh), headers(A, '10.2.0.10', 'tcp/22'));
    expect(toB).toHaveLength(web.length + ssh.length);
  });

  it('denies everything else by default (no rule)', () => {
    const byDefault = ofKind(out, 'denied').filter((o) => o.disposition.kind === 'denied' && o.disposition.rule === undefined);
    // Towards B: all but web, ssh to b1 and the explicit deny (smtp too: mail-to-c is bound to out c).
    expectSet(
      union(byDefault.filter((o) => leaving(o) === 'b')),
      subtract(headers(A, 'any'), [...headers(A, A), ...headers(A, B, ['tcp/80', 'tcp/443']), ...headers(A, '10.2.0.10', 'tcp/22')]),
    );
    // Towards C: all but the deny, the permits (which lead nowhere there) and smtp.
    expectSet(
      union(byDefault.filter((o) => leaving(o) === 'c')),
      subtract(headers(A, 'any'), [
        ...headers(A, A),
        ...headers(A, B, ['tcp/80', 'tcp/443']),
        ...headers(A, '10.2.0.10', 'tcp/22'),
        ...headers(A, 'any', 'tcp/25'),
      ]),
    );
    expect(byDefault.every((o) => leaving(o) === 'b' || leaving(o) === 'c')).toBe(true);
    // Nothing is delivered beyond what the permits allow.
    const allowed = normalize([
      ...headers(A, A),
      ...subtract(headers(A, B, ['tcp/80', 'tcp/443']), headers(A, '10.2.0.10', 'tcp/443')),
      ...headers(A, '10.2.0.10', 'tcp/22'),
      ...headers(A, C, 'tcp/25'),
    ]);
    expectSet(union(ofKind(out, 'delivered')), allowed);
  });

  it('binds rules to the interfaces named in `in` and `out`', () => {
    // mail-to-c: smtp from A leaves by c, not by b.
    expectSet(union(deliveredTo(n, out, 'C')), headers(A, C, 'tcp/25'));
    expect(union(deliveredTo(n, out, 'B')).some((b) => b.portLo <= 25 && 25 <= b.portHi)).toBe(false);
    // c-to-b: anything entering by c and leaving by b; entering by c towards A is denied.
    const fromC = explore(n, 'C');
    expectSet(union(deliveredTo(n, fromC, 'B')), headers(C, B));
    expect(deliveredTo(n, fromC, 'A')).toEqual([]);
    const deniedToA = ofKind(fromC, 'denied').filter((o) => leaving(o) === 'a');
    // Rules are judged per outgoing interface: towards a, c-to-b does not apply, so all is denied.
    expectSet(union(deniedToA), subtract(headers(C, 'any'), headers(C, C)));
  });

  it('analyses connection initiations only: a permitted A->B does not open B->A', () => {
    const fromB = explore(n, 'B');
    expect(deliveredTo(n, fromB, 'A')).toEqual([]);
    const denied = ofKind(fromB, 'denied');
    expect(denied.every((o) => o.disposition.kind === 'denied' && o.disposition.rule === undefined)).toBe(true);
    expectSet(union(denied), subtract(headers(B, 'any'), headers(B, B)));
  });

  it('names the deciding rule with its line and column in the file', () => {
    const deny = ofKind(out, 'denied').find((o) => o.disposition.kind === 'denied' && o.disposition.rule?.id === 'deny-b1-https')!;
    expect(deny.disposition).toMatchObject({
      kind: 'denied',
      device: deviceIndex(n, 'fw'),
      rule: { id: 'deny-b1-https', position: 1, action: 'deny', loc: { file: 'inline.yaml', line: 18, column: 9 } },
    });
    const permit = deliveredTo(n, out, 'B')
      .map((o) => o.hops[1]!)
      .find((h) => h.kind === 'device' && h.rule?.id === 'ssh-b1');
    expect(permit).toMatchObject({ kind: 'device', in: 'a', out: 'b', rule: { id: 'ssh-b1', position: 3, action: 'permit', loc: { line: 24, column: 9 } } });
    // The lines really hold those rules.
    const lines = (HEADER + FIREWALL).split('\n');
    expect(lines[18 - 1]).toContain('id: deny-b1-https');
    expect(lines[24 - 1]).toContain('id: ssh-b1');
  });
});

// ---- chains of firewalls -------------------------------------------------------------------

describe('two firewalls that each look harmless', () => {
  // fw1 lets A reach "10.0.0.0/8" (meant: the transit zone); fw2 lets "10.0.0.0/8" (meant: the
  // transit zone) reach B. Neither names both A and B; together they open A -> B.
  const n = topology(`zones:
  - { id: A, domain: lgwan, subnets: [10.1.0.0/24] }
  - { id: T, domain: lgwan, subnets: [10.2.0.0/24] }
  - { id: B, domain: internet, subnets: [10.3.0.0/24] }
devices:
  - id: fw1
    kind: firewall
    interfaces: [{ name: a, zone: A }, { name: t, zone: T }]
    rules:
      - { id: a-to-transit, action: permit, from: A, to: 10.0.0.0/8, service: https }
  - id: fw2
    kind: firewall
    interfaces: [{ name: t, zone: T }, { name: b, zone: B }]
    rules:
      - { id: transit-to-b, action: permit, from: 10.0.0.0/8, to: B, service: https }
`);

  it('neither firewall touches both A and B', () => {
    for (const d of n.devices) {
      const zones = d.interfaces.map((f) => n.zones[f.zone!]!.id);
      expect(zones.includes('A') && zones.includes('B')).toBe(false);
    }
  });

  it('A reaches B end to end, through both rules', () => {
    const out = explore(n, 'A');
    const toB = deliveredTo(n, out, 'B');
    expectSet(union(toB), headers('10.1.0.0/24', '10.3.0.0/24', 'tcp/443'));
    expect(toB.map((o) => route(n, o.hops))).toEqual([['A', 'fw1#a-to-transit', 'T', 'fw2#transit-to-b', 'B']]);
    expectSet(union(deliveredTo(n, out, 'T')), headers('10.1.0.0/24', '10.2.0.0/24', 'tcp/443'));
    // Everything else stops at a default deny: most of it at fw1, the rest of 10/8 at fw2.
    const denied = ofKind(out, 'denied');
    expect(denied.every((o) => o.disposition.kind === 'denied' && o.disposition.rule === undefined)).toBe(true);
    const at = (id: string): Outcome[] => denied.filter((o) => o.disposition.kind === 'denied' && o.disposition.device === deviceIndex(n, id));
    expectSet(
      union(at('fw1')),
      subtract(headers('10.1.0.0/24', 'any'), [...headers('10.1.0.0/24', '10.1.0.0/24'), ...headers('10.1.0.0/24', '10.0.0.0/8', 'tcp/443')]),
    );
    expectSet(
      union(at('fw2')),
      subtract(headers('10.1.0.0/24', '10.0.0.0/8', 'tcp/443'), headers('10.1.0.0/24', ['10.1.0.0/24', '10.2.0.0/24', '10.3.0.0/24'])),
    );
  });

  it('each firewall alone does what its rule says', () => {
    // From T only fw2's rule applies: T reaches B; fw1 lets nothing from T into A.
    const out = explore(n, 'T');
    expectSet(union(deliveredTo(n, out, 'B')), headers('10.2.0.0/24', '10.3.0.0/24', 'tcp/443'));
    expect(deliveredTo(n, out, 'A')).toEqual([]);
  });
});

// ---- sanitizers and proxies ----------------------------------------------------------------

describe.each(['sanitizer', 'proxy'])('%s: an endpoint in each zone, never a router', (kind) => {
  const n = topology(`zones:
  - { id: A, domain: lgwan, subnets: [10.1.0.0/24] }
  - { id: B, domain: internet, subnets: [10.2.0.0/24] }
hosts:
  - { id: mail-b, zone: B, address: 10.2.0.25 }
devices:
  - id: gw
    kind: ${kind}
${kind === 'sanitizer' ? '    method: mail-text\n' : ''}    interfaces:
      - { name: a, zone: A, address: 10.1.0.5 }
      - { name: b, zone: B, address: 10.2.0.5 }
    relays:
      - { in: a, service: smtp, out: b, to: mail-b }
`);
  const A = '10.1.0.0/24';
  const out = explore(n, 'A');
  const gw = deviceIndex(n, 'gw');

  it("A cannot reach any address of B, not even the gateway's own address there", () => {
    expect(deliveredTo(n, out, 'B')).toEqual([]);
    const stopped = ofKind(out, 'not-forwarded');
    expect(stopped.every((o) => o.disposition.kind === 'not-forwarded' && o.disposition.device === gw)).toBe(true);
    expectSet(union(stopped), subtract(headers(A, 'any'), headers(A, A)));
    expect(union(stopped).some((b) => b.dstLo <= addr('10.2.0.5').lo && addr('10.2.0.5').lo <= b.dstHi)).toBe(true);
  });

  it('a connection to its address in A with an accepted service is terminated there', () => {
    const terminated = ofKind(out, 'terminated');
    expect(terminated.map((o) => o.disposition)).toEqual([{ kind: 'terminated', device: gw, interface: 'a' }]);
    expectSet(union(terminated), headers(A, '10.1.0.5', 'tcp/25'));
    expect(route(n, terminated[0]!.hops)).toEqual(['A', 'gw']);
  });

  it('any other service to that address is refused', () => {
    const refused = ofKind(out, 'refused');
    expect(refused.map((o) => o.disposition)).toEqual([{ kind: 'refused', device: gw, interface: 'a' }]);
    expectSet(union(refused), subtract(headers(A, '10.1.0.5'), headers(A, '10.1.0.5', 'tcp/25')));
  });

  it('the rest of A is delivered in A, and nothing else happens', () => {
    expectSet(union(deliveredTo(n, out, 'A')), subtract(headers(A, A), headers(A, '10.1.0.5')));
    expect(out).toHaveLength(ofKind(out, 'delivered').length + 3);
  });

  it('a gateway that is down (or cut from A) terminates and refuses nothing', () => {
    // The availability rule fails each device and attachment in turn and asks whether an intent's
    // leg still ends at its gateway: a dead gateway must not keep accepting connections.
    const cases: Failures[] = [
      { zones: new Set(), devices: new Set([gw]), edges: new Set() },
      { zones: new Set(), devices: new Set(), edges: new Set([attachId('gw', 'a')]) },
    ];
    for (const failures of cases) {
      const broken = explore(n, 'A', failures);
      expect(ofKind(broken, 'terminated')).toEqual([]);
      expect(ofKind(broken, 'refused')).toEqual([]);
    }
  });

  it('from B, the relay interface b accepts nothing (relays are accepted on their `in` side only)', () => {
    const fromB = explore(n, 'B');
    const refused = ofKind(fromB, 'refused');
    expectSet(union(refused), headers('10.2.0.0/24', '10.2.0.5'));
    expect(ofKind(fromB, 'terminated')).toEqual([]);
    expect(deliveredTo(n, fromB, 'A')).toEqual([]);
  });
});

// ---- routers with static routes ------------------------------------------------------------

describe('router with static routes', () => {
  // r1 sends 10.9.0.0/16 to r2 and the more specific 10.9.5.0/24 to r3. r2 is attached to both
  // X and Y, so a wrong (shortest or equal-cost) choice would show up as a Y delivery via r2.
  const n = topology(`zones:
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
  - id: r2
    kind: router
    interfaces: [{ name: w }, { name: x, zone: X }, { name: y, zone: Y }]
  - id: r3
    kind: router
    interfaces: [{ name: w }, { name: y, zone: Y }]
links:
  - [r1:up1, r2:w]
  - [r1:up2, r3:w]
`);
  const A = '10.1.0.0/24';
  const out = explore(n, 'A');

  it('follows the longest matching prefix', () => {
    const toY = deliveredTo(n, out, 'Y');
    expectSet(union(toY), headers(A, '10.9.5.0/24'));
    expect(toY.map((o) => route(n, o.hops))).toEqual([['A', 'r1', 'r3', 'Y']]);
    const toX = deliveredTo(n, out, 'X');
    expectSet(union(toX), subtract(headers(A, '10.9.0.0/16'), headers(A, '10.9.5.0/24')));
    expect(toX.map((o) => route(n, o.hops))).toEqual([['A', 'r1', 'r2', 'X']]);
  });

  it('reports no-route for destinations no route covers', () => {
    const lost = ofKind(out, 'no-route');
    expect(lost.map((o) => o.disposition)).toEqual([{ kind: 'no-route', device: deviceIndex(n, 'r1') }]);
    expectSet(union(lost), subtract(headers(A, 'any'), headers(A, [A, '10.9.0.0/16'])));
    expect(route(n, lost[0]!.hops)).toEqual(['A', 'r1']);
  });

  it('without routes the same router forwards conservatively, on every path', () => {
    const loose = topology(`zones:
  - { id: A, domain: lgwan, subnets: [10.1.0.0/24] }
  - { id: X, domain: lgwan, subnets: [10.9.0.0/16] }
  - { id: Y, domain: lgwan, subnets: [10.9.5.0/24] }
devices:
  - { id: r1, kind: router, interfaces: [{ name: a, zone: A }, { name: up1 }, { name: up2 }] }
  - { id: r2, kind: router, interfaces: [{ name: w }, { name: x, zone: X }, { name: y, zone: Y }] }
  - { id: r3, kind: router, interfaces: [{ name: w }, { name: y, zone: Y }] }
links:
  - [r1:up1, r2:w]
  - [r1:up2, r3:w]
`);
    const all = explore(loose, 'A');
    const toY = deliveredTo(loose, all, 'Y');
    expect(toY.map((o) => route(loose, o.hops).join(' ')).sort()).toEqual(['A r1 r2 Y', 'A r1 r3 Y']);
    expect(ofKind(all, 'no-route')).toEqual([]);
  });
});

// ---- failures ------------------------------------------------------------------------------

describe('failures', () => {
  // Two parallel paths A -> r1 -> r3 -> B and A -> r2 -> r3 -> B.
  const n = topology(`zones:
  - { id: A, domain: lgwan, subnets: [10.1.0.0/24] }
  - { id: B, domain: lgwan, subnets: [10.2.0.0/24] }
devices:
  - { id: r1, kind: router, interfaces: [{ name: a, zone: A }, { name: l }] }
  - { id: r2, kind: router, interfaces: [{ name: a, zone: A }, { name: l }] }
  - { id: r3, kind: router, interfaces: [{ name: l1 }, { name: l2 }, { name: b, zone: B }] }
links:
  - [r1:l, r3:l1]
  - [r2:l, r3:l2]
`);
  const AB = headers('10.1.0.0/24', '10.2.0.0/24');
  const down = (devices: string[], edges: string[] = []): Failures => ({
    zones: new Set(),
    devices: new Set(devices.map((d) => deviceIndex(n, d))),
    edges: new Set(edges),
  });
  const reachesB = (f?: Failures): Outcome[] => deliveredTo(n, explore(n, 'A', f), 'B');

  it('both paths carry A -> B when nothing fails', () => {
    const paths = reachesB();
    expect(paths.map((o) => route(n, o.hops).join(' ')).sort()).toEqual(['A r1 r3 B', 'A r2 r3 B']);
    for (const o of paths) expectSet(o.headers, AB);
  });

  it('a redundant path keeps the flow when one device or link is down', () => {
    for (const f of [down(['r1']), down([], ['r1:l--r3:l1']), down([], [attachId('r1', 'a')])]) {
      const paths = reachesB(f);
      expect(paths.map((o) => route(n, o.hops).join(' '))).toEqual(['A r2 r3 B']);
      expectSet(union(paths), AB);
    }
  });

  it('the flow is lost when every path is cut', () => {
    expect(reachesB(down(['r1', 'r2']))).toEqual([]);
    expect(reachesB(down(['r3']))).toEqual([]);
    expect(reachesB(down([], ['r1:l--r3:l1', 'r2:l--r3:l2']))).toEqual([]);
    expect(reachesB(down([], [attachId('r3', 'b')]))).toEqual([]);
    expect(reachesB(down(['r2'], ['r1:l--r3:l1']))).toEqual([]);
  });
});

// ---- loops ---------------------------------------------------------------------------------

describe('a ring of routers', () => {
  const SIZE = 6;
  const body = [
    'zones:',
    ...Array.from({ length: SIZE }, (_, i) => `  - { id: Z${i}, domain: lgwan, subnets: [10.0.${i}.0/24] }`),
    'devices:',
    ...Array.from({ length: SIZE }, (_, i) => `  - { id: r${i}, kind: router, interfaces: [{ name: z, zone: Z${i} }, { name: cw }, { name: ccw }] }`),
    'links:',
    ...Array.from({ length: SIZE }, (_, i) => `  - [r${i}:cw, r${(i + 1) % SIZE}:ccw]`),
  ].join('\n');
  const n = topology(`${body}\n`);

  it('explores loop-free paths only, and terminates', () => {
    const out = explore(n, 'Z0');
    for (const o of out) {
      const keys = o.hops.map((h) => (h.kind === 'zone' ? `z${h.zone}` : `d${h.device}`));
      expect(new Set(keys).size).toBe(keys.length);
    }
    for (let i = 1; i < SIZE; i++) {
      const paths = deliveredTo(n, out, `Z${i}`);
      // One path each way round the ring.
      expect(paths).toHaveLength(2);
      const ways = paths
        .map((o) =>
          route(n, o.hops)
            .filter((s) => s.startsWith('r'))
            .join(' '),
        )
        .sort();
      const cw = Array.from({ length: i + 1 }, (_, k) => `r${k}`).join(' ');
      const ccw = ['r0', ...Array.from({ length: SIZE - i }, (_, k) => `r${SIZE - 1 - k}`)].join(' ');
      expect(ways).toEqual([cw, ccw].sort());
      for (const o of paths) expectSet(o.headers, headers('10.0.0.0/24', `10.0.${i}.0/24`));
    }
    expect(out.every((o) => o.disposition.kind === 'delivered')).toBe(true);
  });

  it('refuses cleanly when the path budget is exhausted', () => {
    const engine = createReferenceEngine(n, { maxSteps: 3 });
    let caught: unknown;
    try {
      engine.paths(zoneIndex(n, 'Z0'), [ALL_HEADERS]);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InputError);
    expect((caught as InputError).diagnostics.map((d) => d.code)).toEqual(['BNK_ERR_LIMIT_EXCEEDED']);
  });
});

// ---- traceFlow -----------------------------------------------------------------------------

describe('traceFlow', () => {
  it('reports the part of a flow that reaches no end as no-path', () => {
    const n = topology(`zones:
  - { id: A, domain: lgwan, subnets: [10.1.0.0/24] }
  - { id: B, domain: lgwan, subnets: [10.2.0.0/24] }
devices:
  - { id: sw, kind: switch, interfaces: [{ name: pa, zone: A }, { name: pb, zone: B }] }
`);
    const out = traceFlow(n, createReferenceEngine(n), [addr('10.1.0.7')], [addr('10.2.0.9'), addr('192.0.2.1')], [svc('tcp/22')]);
    expectSet(union(deliveredTo(n, out, 'B')), headers('10.1.0.7', '10.2.0.9', 'tcp/22'));
    const none = ofKind(out, 'no-path');
    expect(none).toHaveLength(1);
    expect(none[0]!.hops).toEqual([]);
    expectSet(none[0]!.headers, headers('10.1.0.7', '192.0.2.1', 'tcp/22'));
    expect(out).toHaveLength(2);
  });

  it('explores from every zone the sources fall in', () => {
    const n = topology(FIREWALL);
    const out = traceFlow(n, createReferenceEngine(n), [addr('10.1.0.7'), addr('10.3.0.7')], [addr('10.2.0.10')], [svc('tcp/22')]);
    expectSet(union(deliveredTo(n, out, 'B')), headers(['10.1.0.7', '10.3.0.7'], '10.2.0.10', 'tcp/22'));
    expect(ofKind(out, 'no-path')).toEqual([]);
  });
});
