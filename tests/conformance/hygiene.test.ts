// Firewall hygiene, one suite run against every engine (each answers it in its own header
// space): each kind on hand-checked firewalls (interface bindings included), the
// classification against brute force on tiny random rule lists, and the fast engine against
// the reference engine on random small topologies.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFastEngine } from '../../src/engine/fast.ts';
import { ENGINES } from '../../src/engine/registry.ts';
import { loadTopology } from '../../src/model/load.ts';
import type { Network } from '../../src/model/network.ts';
import { analyzeHygiene, HYGIENE_KINDS, type HygieneKind } from '../../src/policy/hygiene.ts';
import { CheckedCases, loadRandom, randomTopology } from '../random-network.ts';

const ALL = new Set<HygieneKind>(HYGIENE_KINDS);

/** A firewall fw with interfaces a (zone la, lgwan), b (zone lb, lgwan), c (zone ic, internet). */
function firewall(rules: string, extra = ''): Network {
  const text = `bunkatsu: 1
name: t
model: alpha
zones:
  - { id: la, domain: lgwan, subnets: [10.0.0.0/30] }
  - { id: lb, domain: lgwan, subnets: [10.0.0.4/31] }
  - { id: ic, domain: internet, subnets: [10.0.0.6/31] }
  - { id: net, domain: public-internet, default: true }
devices:
  - id: fw
    kind: firewall
    zone: la
    interfaces:
      - { name: a, zone: la }
      - { name: b, zone: lb }
      - { name: c, zone: ic }
    rules:
${rules}
${extra}`;
  return loadTopology(text, 'fw.yaml');
}

describe.each(Object.entries(ENGINES))('firewall hygiene on the %s engine', (_, engineOf) => {
  /** "rule-id kind [covering ids] crossings" for every issue, file order. */
  const issues = (network: Network, kinds: ReadonlySet<HygieneKind> = ALL): string[] =>
    analyzeHygiene(network, engineOf(network), { kinds }).map((i) => {
      const rules = network.devices[i.device]!.rules;
      const covering = i.covering.map((k) => rules[k]!.id).join(',');
      return `${rules[i.rule]!.id} ${i.kind}${covering ? ` [${covering}]` : ''}${i.crossings.length ? ` ${i.crossings.map(([x, y]) => `${x}>${y}`).join(',')}` : ''}`;
    });

  it('shadowed: an earlier rule of the same action covers it', () => {
    const n = firewall(`      - { id: wide, action: permit, from: la, to: lb, service: tcp/1-2 }
      - { id: narrow, action: permit, from: 10.0.0.1, to: lb, service: tcp/1 }`);
    expect(issues(n)).toEqual(['narrow shadowed [wide]']);
  });

  it('shadowed by several rules together, none alone', () => {
    const n = firewall(`      - { id: p1, action: permit, from: 10.0.0.0/31, to: lb, service: tcp/1 }
      - { id: p2, action: permit, from: 10.0.0.2/31, to: lb, service: tcp/1 }
      - { id: both, action: permit, from: la, to: lb, service: tcp/1 }`);
    expect(issues(n)).toEqual(['both shadowed [p1,p2]']);
  });

  it('conflicting: a deny that earlier permits take entirely', () => {
    const n = firewall(`      - { id: allow, action: permit, from: la, to: lb, service: any }
      - { id: stop, action: deny, from: 10.0.0.1, to: lb, service: tcp/1 }`);
    expect(issues(n)).toEqual(['stop conflicting [allow]']);
  });

  it('conflicting: a permit that an earlier deny takes in part (the rest by a permit)', () => {
    const n = firewall(`      - { id: no-telnet, action: deny, from: any, to: any, service: tcp/23 }
      - { id: web, action: permit, from: la, to: lb, service: tcp/1-100 }
      - { id: telnet, action: permit, from: 10.0.0.1, to: 10.0.0.4, service: tcp/20-30 }`);
    expect(issues(n, new Set(['shadowed', 'conflicting']))).toEqual(['telnet conflicting [no-telnet,web]']);
  });

  it('redundant: a later permit covers it with nothing denying in between; not when a deny intervenes', () => {
    const n = firewall(`      - { id: narrow, action: permit, from: 10.0.0.1, to: lb, service: tcp/1 }
      - { id: other, action: deny, from: ic, to: la, service: any }
      - { id: wide, action: permit, from: la, to: lb, service: tcp/1-2 }`);
    expect(issues(n)).toEqual(['narrow redundant [wide]']);
    const m = firewall(`      - { id: narrow, action: permit, from: 10.0.0.1, to: lb, service: tcp/1 }
      - { id: stop, action: deny, from: 10.0.0.1, to: 10.0.0.4, service: tcp/1-2 }
      - { id: wide, action: permit, from: la, to: lb, service: tcp/1-2 }`);
    expect(issues(m)).toEqual([]);
  });

  it('redundant: several later permits together cover it, neither alone', () => {
    const n = firewall(`      - { id: first, action: permit, from: la, to: lb, service: tcp/1 }
      - { id: low, action: permit, from: 10.0.0.0/31, to: lb, service: tcp/1-2 }
      - { id: high, action: permit, from: 10.0.0.2/31, to: lb, service: tcp/1-2 }`);
    expect(issues(n)).toEqual(['first redundant [low,high]']);
  });

  it('an exact duplicate gives one finding: the second copy, shadowed (the first is not redundant)', () => {
    const n = firewall(`      - { id: one, action: permit, from: la, to: lb, service: tcp/1 }
      - { id: two, action: permit, from: la, to: lb, service: tcp/1 }`);
    expect(issues(n)).toEqual(['two shadowed [one]']);
  });

  it('an explicit final deny-all is neither shadowed nor reported as redundant (denies are not)', () => {
    const n = firewall(`      - { id: p, action: permit, from: la, to: lb, service: tcp/1 }
      - { id: deny-all, action: deny }`);
    expect(issues(n)).toEqual([]);
  });

  it('interface bindings: shadowed on one pair but live on another is not shadowed', () => {
    const n = firewall(`      - { id: a-to-b, action: permit, from: la, to: lb, service: tcp/1, in: a, out: b }
      - { id: la-lb, action: permit, from: la, to: lb, service: tcp/1 }`);
    // la-lb decides nothing from a to b, but from c to b (or a to c) it is the only rule.
    expect(issues(n, new Set(['shadowed', 'conflicting']))).toEqual([]);
    const bound = firewall(`      - { id: any-in-a, action: permit, from: la, to: lb, service: tcp/1, in: a }
      - { id: a-to-b, action: permit, from: la, to: lb, service: tcp/1, in: a, out: b }`);
    expect(issues(bound)).toEqual(['a-to-b shadowed [any-in-a]']);
    // Rules bound to different in-interfaces never meet.
    const apart = firewall(`      - { id: from-a, action: permit, from: la, to: lb, service: tcp/1, in: a }
      - { id: from-c, action: permit, from: la, to: lb, service: tcp/1, in: c }`);
    expect(issues(apart)).toEqual([]);
  });

  it('interface bindings: shadowed on every pair by different rules names them all', () => {
    const n = firewall(`      - { id: from-a, action: permit, from: la, to: lb, service: tcp/1, in: a }
      - { id: not-a, action: permit, from: la, to: lb, service: tcp/1, in: [b, c] }
      - { id: all, action: permit, from: la, to: lb, service: tcp/1 }`);
    expect(issues(n)).toEqual(['all shadowed [from-a,not-a]']);
  });

  it('interface bindings: redundant only when covered on every pair it applies to', () => {
    // wide-a covers narrow on the pairs from a, but from b or c narrow is the only permit.
    const partly = firewall(`      - { id: narrow, action: permit, from: 10.0.0.1, to: lb, service: tcp/1 }
      - { id: wide-a, action: permit, from: la, to: lb, service: tcp/1, in: a }`);
    expect(issues(partly)).toEqual([]);
    // Bound to a itself, narrow meets wide-a on every pair it applies to.
    const bound = firewall(`      - { id: narrow, action: permit, from: 10.0.0.1, to: lb, service: tcp/1, in: a, out: [b, c] }
      - { id: wide-a, action: permit, from: la, to: lb, service: tcp/1, in: a }`);
    expect(issues(bound)).toEqual(['narrow redundant [wide-a]']);
  });

  it('a rule bound to no pair of distinct interfaces never takes effect', () => {
    const n = firewall(`      - { id: loop, action: permit, from: la, to: lb, service: tcp/1, in: a, out: a }`);
    const found = analyzeHygiene(n, engineOf(n), { kinds: ALL });
    expect(found.map((i) => [i.kind, i.unbound])).toEqual([['shadowed', true]]);
  });

  it('broad: any across domains is reported with the domain pairs; any within one domain is not', () => {
    const n = firewall(`      - { id: in-lgwan, action: permit, from: la, to: lb, service: any }
      - { id: to-any, action: permit, from: la, to: any, service: tcp/1 }
      - { id: named, action: permit, from: la, to: ic, service: tcp/2 }`);
    // Not lgwan>public-internet: no interface of fw reaches the default zone net.
    expect(issues(n, new Set(['broad']))).toEqual(['to-any broad lgwan>internet']);
    const [broad] = analyzeHygiene(n, engineOf(n), { kinds: new Set(['broad']) });
    expect(broad!.broadFields).toEqual(['to']);
  });

  it('broad: only what the rule decides counts (earlier rules may take the cross-domain part)', () => {
    const n = firewall(`      - { id: stop, action: deny, from: la, to: ic, service: any }
      - { id: stop2, action: deny, from: la, to: net, service: any }
      - { id: to-any, action: permit, from: la, to: any, service: tcp/1 }`);
    expect(issues(n, new Set(['broad']))).toEqual([]);
  });

  it('broad: only the domain pairs whose zones reach the rule’s in-interface and are reached from its out-interface', () => {
    // fw: internet → zone inet (internet); city → a link to router r, whose other leg is
    // zone lg (lgwan); mynum → zone mn (mynumber). The default zone net (public-internet) is
    // attached nowhere. Far side of each interface, not passing through fw:
    //   internet: {internet}   city: {lgwan} (through r)   mynum: {mynumber}
    const rules = [
      // Bound internet → city, any to any: the rule's headers go between every two domains
      // (12 pairs before), but only internet can send in and only lgwan receive: internet>lgwan.
      '      - { id: bound, action: permit, from: any, to: any, service: tcp/443, in: internet, out: city }',
      // Unbound, to a mynumber host: in from internet or city, out through mynum (a ≠ b):
      // internet>mynumber, lgwan>mynumber; not public-internet>mynumber (net reaches no port).
      '      - { id: to-mn, action: permit, from: any, to: 10.10.0.5, service: tcp/22 }',
      // Everything in through city is denied first, so any-any decides packets only on the
      // pairs in through internet or mynum: internet>lgwan, internet>mynumber (from internet),
      // mynumber>internet, mynumber>lgwan (from mynum); no lgwan>… pair, though lgwan
      // sources are among its headers on the other pairs (lgwan is not behind those ports).
      '      - { id: stop-city, action: deny, in: city }',
      '      - { id: any-any, action: permit, from: any, to: any, service: tcp/80 }',
    ].join('\n');
    const n = loadTopology(
      `bunkatsu: 1
name: t
model: alpha
zones:
  - { id: inet, domain: internet, subnets: [10.30.0.0/24] }
  - { id: lg, domain: lgwan, subnets: [10.20.0.0/24] }
  - { id: mn, domain: mynumber, subnets: [10.10.0.0/24] }
  - { id: net, domain: public-internet, default: true }
devices:
  - id: fw
    kind: firewall
    zone: inet
    interfaces:
      - { name: internet, zone: inet }
      - { name: city }
      - { name: mynum, zone: mn }
    rules:
${rules}
  - id: r
    kind: router
    zone: lg
    interfaces:
      - { name: up }
      - { name: lan, zone: lg }
links:
  - [fw:city, r:up]
`,
      'pairs.yaml',
    );
    expect(issues(n, new Set(['broad']))).toEqual([
      'bound broad internet>lgwan',
      'to-mn broad internet>mynumber,lgwan>mynumber',
      'any-any broad internet>lgwan,internet>mynumber,mynumber>internet,mynumber>lgwan',
    ]);
  });

  it("unneeded: permits that decide none of the intents' packets, only when intents exist", () => {
    const rules = `      - { id: used, action: permit, from: la, to: lb, service: tcp/1 }
      - { id: unused, action: permit, from: la, to: ic, service: tcp/1 }`;
    const withIntent = firewall(
      rules,
      `intents:
  - { id: i1, from: 10.0.0.1, to: 10.0.0.4, service: tcp/1, purpose: test }
`,
    );
    expect(issues(withIntent, new Set(['unneeded']))).toEqual(['unused unneeded']);
    expect(issues(firewall(rules), new Set(['unneeded']))).toEqual([]);
  });

  it('only the asked firewalls and kinds', () => {
    const n = firewall(`      - { id: wide, action: permit, from: la, to: any, service: tcp/1-2 }
      - { id: narrow, action: permit, from: 10.0.0.1, to: lb, service: tcp/1 }`);
    expect(issues(n)).toEqual(['wide broad lgwan>internet', 'narrow shadowed [wide]']);
    expect(issues(n, new Set(['shadowed']))).toEqual(['narrow shadowed [wide]']);
    expect(analyzeHygiene(n, engineOf(n), { devices: new Set() })).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------
// Brute force: a tiny address and service space where every class has a representative.

// Lists too, so that a rule's match is several boxes.
const ADDRESSES = ['any', '10.0.0.0/30', '10.0.0.4/31', '10.0.0.2-10.0.0.5', '10.0.0.6', '10.0.0.0/29', 'la', 'ic', ['10.0.0.1', 'ic']] as const;
const SERVICES = ['any', 'tcp/1', 'tcp/2', 'tcp/1-2', 'udp/1', 'tcp', ['tcp/2', 'udp/1']] as const;
const IFACES = ['a', 'b', 'c'] as const;

interface Draft {
  action: 'permit' | 'deny';
  from: number;
  to: number;
  service: number;
  in: number[] | null;
  out: number[] | null;
}

const draftRule: fc.Arbitrary<Draft> = fc.record({
  action: fc.constantFrom('permit', 'deny') as fc.Arbitrary<'permit' | 'deny'>,
  from: fc.nat(ADDRESSES.length - 1),
  to: fc.nat(ADDRESSES.length - 1),
  service: fc.nat(SERVICES.length - 1),
  in: fc.option(fc.uniqueArray(fc.nat(2), { minLength: 1, maxLength: 2 }), { nil: null }),
  out: fc.option(fc.uniqueArray(fc.nat(2), { minLength: 1, maxLength: 2 }), { nil: null }),
});

// Representatives: 10.0.0.0-7 one by one, and one address outside (owned by the default zone).
const HOSTS = [0, 1, 2, 3, 4, 5, 6, 7, 100].map((x) => (10 << 24) + x);
const PACKET_SERVICES = [
  [6, 1],
  [6, 2],
  [6, 3],
  [17, 1],
  [17, 3],
  [1, 0],
] as const;

/** What hygiene must report (shadowed, conflicting, redundant, broad), packet by packet. */
function bruteForce(network: Network, drafts: readonly Draft[]): string[] {
  const rules = network.devices[0]!.rules;
  const matches = (k: number, src: number, dst: number, proto: number, port: number): boolean => {
    const r = rules[k]!;
    return (
      r.src.some((x) => x.lo <= src && src <= x.hi) &&
      r.dst.some((x) => x.lo <= dst && dst <= x.hi) &&
      r.services.some((t) => t.protoLo <= proto && proto <= t.protoHi && t.portLo <= port && port <= t.portHi)
    );
  };
  const pairs: Array<[string, string]> = [];
  for (const x of IFACES) for (const y of IFACES) if (x !== y) pairs.push([x, y]);
  const applies = (k: number, [x, y]: [string, string]): boolean =>
    (!rules[k]!.inInterfaces || rules[k]!.inInterfaces!.has(x)) && (!rules[k]!.outInterfaces || rules[k]!.outInterfaces!.has(y));
  const packets: Array<[number, number, number, number]> = [];
  for (const s of HOSTS) for (const d of HOSTS) for (const [p, port] of PACKET_SERVICES) packets.push([s, d, p, port]);
  /** The deciding rule (or -1: default deny) among the kept rules. */
  const decide = (pair: [string, string], pkt: [number, number, number, number], keep: (k: number) => boolean): number => {
    for (let k = 0; k < rules.length; k++) if (keep(k) && applies(k, pair) && matches(k, ...pkt)) return k;
    return -1;
  };
  const permits = (k: number): boolean => k >= 0 && rules[k]!.action === 'permit';
  const all = (): boolean => true;
  const expected: string[] = [];
  const live = rules.map((_, k) => pairs.some((pair) => packets.some((pkt) => decide(pair, pkt, all) === k)));
  const zoneOf = (a: number): string => network.zones[network.ownership.find((o) => o.lo <= a && a <= o.hi)!.zone]!.domain;
  // The one device: the far side of an interface is the zone attached to it.
  const behind = (iface: string): string => network.zones[network.devices[0]!.interfaces.find((f) => f.name === iface)!.zone!]!.domain;
  rules.forEach((r, k) => {
    if (!live[k]) {
      const conflict = pairs.some(
        (pair) => applies(k, pair) && packets.some((pkt) => matches(k, ...pkt) && permits(decide(pair, pkt, all)) !== (r.action === 'permit')),
      );
      expected.push(`r${k} ${conflict ? 'conflicting' : 'shadowed'}`);
      return;
    }
    if (r.action !== 'permit') return;
    // Redundant: without it (and without the rules that never decide), no decision changes.
    const same = pairs.every((pair) => packets.every((pkt) => permits(decide(pair, pkt, all)) === permits(decide(pair, pkt, (j) => j !== k && live[j]!))));
    if (same) expected.push(`r${k} redundant`);
    const broad =
      r.written.from.includes('any') ||
      r.written.to.includes('any') ||
      r.written.service.includes('any') ||
      ADDRESSES[drafts[k]!.from] === 'any' ||
      ADDRESSES[drafts[k]!.to] === 'any';
    // A packet of another domain's source in, or destination out, cannot take that pair.
    const crosses = pairs.some((pair) =>
      packets.some(
        (pkt) => decide(pair, pkt, all) === k && zoneOf(pkt[0]) !== zoneOf(pkt[1]) && zoneOf(pkt[0]) === behind(pair[0]) && zoneOf(pkt[1]) === behind(pair[1]),
      ),
    );
    if (broad && crosses) expected.push(`r${k} broad`);
  });
  return expected;
}

describe.each(Object.entries(ENGINES))('firewall hygiene on the %s engine equals brute force on tiny random rule lists', (_, engineOf) => {
  it('shadowed, conflicting, redundant and broad, rule by rule', () => {
    fc.assert(
      fc.property(fc.array(draftRule, { minLength: 1, maxLength: 6 }), (drafts) => {
        const yaml = drafts
          .map(
            (d, k) =>
              `      - { id: r${k}, action: ${d.action}, from: ${JSON.stringify(ADDRESSES[d.from])}, to: ${JSON.stringify(ADDRESSES[d.to])}, service: ${JSON.stringify(SERVICES[d.service])}${d.in ? `, in: [${d.in.map((i) => IFACES[i]).join(', ')}]` : ''}${d.out ? `, out: [${d.out.map((i) => IFACES[i]).join(', ')}]` : ''} }`,
          )
          .join('\n');
        const network = firewall(yaml);
        const rules = network.devices[0]!.rules;
        const got = analyzeHygiene(network, engineOf(network), { kinds: new Set(['shadowed', 'conflicting', 'redundant', 'broad']) }).map(
          (i) => `${rules[i.rule]!.id} ${i.kind}`,
        );
        expect(got).toEqual(bruteForce(network, drafts));
      }),
      { numRuns: Number(process.env.HYGIENE_RUNS ?? 300) },
    );
  });
});

// ---------------------------------------------------------------------------------------
// Every engine against the fast engine on random small topologies (several firewalls, rule
// lists bound to interfaces or not, intents through gateways): the same issues, fact by fact.

describe('firewall hygiene: every engine gives the fast engine’s issues on random topologies', () => {
  const runs = Number(process.env.EQUIVALENCE_RUNS ?? 150);

  it('all kinds, with covering rules, broad fields, crossings and unbound rules', () => {
    // The reference engine is one of them: the property compares something.
    expect(Object.keys(ENGINES)).toEqual(expect.arrayContaining(['fast', 'reference']));
    const cases = new CheckedCases('hygiene on random topologies');
    const withIssues = new CheckedCases('random topologies with hygiene issues');
    fc.assert(
      fc.property(randomTopology, (t) => {
        const network = loadRandom(t);
        if (!network.devices.some((d) => d.kind === 'firewall' && d.rules.length > 0)) return;
        const expected = analyzeHygiene(network, createFastEngine(network));
        for (const [name, engineOf] of Object.entries(ENGINES)) expect(analyzeHygiene(network, engineOf(network)), name).toEqual(expected);
        cases.checked();
        if (expected.length > 0) withIssues.checked();
      }),
      { numRuns: runs },
    );
    // Most random topologies have a firewall with rules, and most of those some issue.
    cases.expectAtLeast(Math.floor(runs * 0.5));
    withIssues.expectAtLeast(Math.floor(runs * 0.25));
  });
});
