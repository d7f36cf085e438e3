// Loader on data-plane topologies: route priorities and actions, several out-interfaces, VLAN
// interfaces, ACLs bound in and out, wildcard addresses and multi-peer ports resolve as the
// format says; each misuse is refused with its code at its line:column and a clear message.

import { describe, expect, it } from 'vitest';
import type { Diagnostic, ErrorCode } from '../../src/errors.ts';
import { loadTopology } from '../../src/model/load.ts';
import { positionOf, refusal } from '../helpers.ts';
import type { Network } from '../../src/model/network.ts';
import { parseIpv4 } from '../../src/net/ipv4.ts';

const FILE = 'plane.yaml';
/** No model and no zones: a data plane only. */
const HEAD = 'bunkatsu: 1\nname: plane\n';
const ZONES = `zones:
  - { id: a, domain: lgwan, subnets: [10.1.0.0/24] }
  - { id: b, domain: lgwan, subnets: [10.2.0.0/24] }
`;

const load = (text: string): Network => loadTopology(text, FILE);
const ip = (text: string): number => parseIpv4(text)!;

function refuse(text: string): Diagnostic[] {
  return refusal(() => load(text), FILE);
}

const at = positionOf;

/** Asserts exactly one diagnostic, with this code, at this position; returns its message. */
function refusedOnce(text: string, code: ErrorCode, where: { line: number; column: number }): string {
  const diagnostics = refuse(text);
  expect(diagnostics.map((d) => ({ code: d.code, line: d.loc.line, column: d.loc.column }))).toEqual([{ code, ...where }]);
  return diagnostics[0]!.message;
}

/** A router with three plain ports, a VLAN over two of them, and the given extra lines. */
const router = (extra: string): string => `${HEAD}${ZONES}devices:
  - id: r
    kind: router
    interfaces:
      - { name: e0, zone: a, address: 10.1.0.1, in: [guard] }
      - { name: e1, zone: b, address: 10.2.0.1, out: [guard, tight] }
      - { name: e2 }
      - { name: v1, members: [e1, e2] }
${extra}`;

const ACLS = `    acls:
      guard:
        - { id: no-telnet, action: deny, service: tcp/23 }
        - { action: permit, from: 10.1.0.0 0.0.0.255 }
      tight:
        - { action: permit, to: 128.12.0.1 0.0.255.0, service: [tcp/22, udp] }
`;

describe('data-plane fields resolve', () => {
  it('routes: priority defaults to the prefix length; actions; one or several interfaces', () => {
    const n = load(
      router(`${ACLS}    routes:
      - { prefix: 0.0.0.0/0, interface: e2 }
      - { prefix: 10.9.0.0/16, interface: [e0, v1], priority: 40 }
      - { prefix: 10.1.0.1/32, action: deliver }
      - { prefix: 192.168.0.0/16, action: drop, priority: 0 }
`),
    );
    const routes = n.devices[0]!.routes!;
    expect(routes.map((r) => [r.action, r.interfaces, r.priority, r.prefix.length])).toEqual([
      ['forward', ['e2'], 0, 0],
      ['forward', ['e0', 'v1'], 40, 16],
      ['deliver', [], 32, 32],
      ['drop', [], 0, 16],
    ]);
    expect(routes[1]!.prefix).toEqual({ lo: ip('10.9.0.0'), hi: ip('10.9.255.255'), length: 16 });
    expect(n.model).toBeUndefined();
  });

  it('interfaces: VLAN members, ACL chains in and out', () => {
    const n = load(router(ACLS));
    const [e0, e1, e2, v1] = n.devices[0]!.interfaces;
    expect(v1).toMatchObject({ name: 'v1', members: ['e1', 'e2'], zone: undefined, address: undefined, inAcls: [], outAcls: [] });
    expect(e0).toMatchObject({ members: undefined, inAcls: ['guard'], outAcls: [] });
    expect(e1).toMatchObject({ inAcls: [], outAcls: ['guard', 'tight'] });
    expect(e2).toMatchObject({ inAcls: [], outAcls: [] });
  });

  it('ACLs: rules in order, ids by name or position, wildcards as ranges, located in the file', () => {
    const text = router(ACLS);
    const [guard, tight] = load(text).devices[0]!.acls;
    expect(guard!.name).toBe('guard');
    expect(guard!.loc).toMatchObject(at(text, '- { id: no-telnet'));
    expect(guard!.rules.map((r) => [r.id, r.named, r.position, r.action])).toEqual([
      ['no-telnet', true, 1, 'deny'],
      ['2', false, 2, 'permit'],
    ]);
    expect(guard!.rules[0]!.services).toEqual([{ protoLo: 6, protoHi: 6, portLo: 23, portHi: 23 }]);
    expect(guard!.rules[1]!.loc).toMatchObject(at(text, '{ action: permit, from'));
    // 10.1.0.0 0.0.0.255: a contiguous wildcard is one /24.
    expect(guard!.rules[1]!.src).toEqual([{ lo: ip('10.1.0.0'), hi: ip('10.1.0.255') }]);
    // 128.12.0.1 0.0.255.0: 256 single addresses 128.12.x.1.
    const dst = tight!.rules[0]!.dst;
    expect(dst).toHaveLength(256);
    expect(dst.every((r, x) => r.lo === r.hi && r.lo === ip(`128.12.${x}.1`))).toBe(true);
    expect(tight!.rules[0]!.services.map((t) => [t.protoLo, t.portLo, t.portHi])).toEqual([
      [6, 22, 22],
      [17, 0, 65535],
    ]);
  });

  it('a port may be in several links (point-to-multipoint), and a port may have neither link nor zone', () => {
    const n = load(`${HEAD}devices:
  - { id: hub, kind: switch, interfaces: [{ name: p }, { name: idle }] }
  - { id: s1, kind: switch, interfaces: [{ name: p }] }
  - { id: s2, kind: switch, interfaces: [{ name: p }] }
  - { id: s3, kind: switch, interfaces: [{ name: p }] }
links:
  - [hub:p, s1:p]
  - [hub:p, s2:p]
  - [s3:p, hub:p]
`);
    expect(n.zones).toEqual([]);
    expect(n.links.map((l) => [l.a, l.b])).toEqual([
      [
        { device: 0, interface: 'p' },
        { device: 1, interface: 'p' },
      ],
      [
        { device: 0, interface: 'p' },
        { device: 2, interface: 'p' },
      ],
      [
        { device: 3, interface: 'p' },
        { device: 0, interface: 'p' },
      ],
    ]);
  });
});

describe('data-plane misuse is refused where it is', () => {
  it('a cable listed twice (either way round): at the second listing, naming the first line', () => {
    const text = `${HEAD}devices:
  - { id: s1, kind: switch, interfaces: [{ name: p }] }
  - { id: s2, kind: switch, interfaces: [{ name: p }] }
links:
  - [s1:p, s2:p]
  - [s2:p, s1:p]
`;
    const second = at(text, '[s2:p, s1:p]');
    const message = refusedOnce(text, 'BNK_ERR_DUPLICATE_ID', second);
    expect(message).toBe(`this link is listed twice (first at line ${second.line - 1})`);
  });

  it('a cable at a VLAN interface: at the link, saying to cable a member', () => {
    const text = `${router(ACLS)}  - { id: s, kind: switch, interfaces: [{ name: p }] }\nlinks:\n  - [r:v1, s:p]\n`;
    const message = refusedOnce(text, 'BNK_ERR_SCHEMA', at(text, '[r:v1, s:p]'));
    expect(message).toBe('"r:v1" is a VLAN interface; cable one of its members instead');
  });

  it('a firewall rule bound to a VLAN interface: at the binding, saying to name the members', () => {
    const text = `${HEAD}devices:
  - id: f
    kind: firewall
    interfaces:
      - { name: e1 }
      - { name: e2 }
      - { name: v1, members: [e1, e2] }
    rules:
      - { action: permit, in: v1 }
`;
    const message = refusedOnce(text, 'BNK_ERR_SCHEMA', at(text, 'v1 }'));
    expect(message).toBe('"v1" is a VLAN interface: packets enter and leave by its members; name those instead');
  });

  it('an interface naming an ACL the device does not declare: at the name', () => {
    const text = router(ACLS).replace('out: [guard, tight]', 'out: [guard, tigth]');
    const message = refusedOnce(text, 'BNK_ERR_UNKNOWN_REF', at(text, 'tigth'));
    expect(message).toBe('device "r" has no ACL "tigth" (it has guard, tight)');
  });

  it('ACLs on a device that declares none: at the name, saying so', () => {
    const text = `${HEAD}devices:\n  - { id: s, kind: switch, interfaces: [{ name: p, in: [guard] }] }\n`;
    expect(refusedOnce(text, 'BNK_ERR_UNKNOWN_REF', at(text, 'guard'))).toBe('device "s" has no ACL "guard" (it declares no acls)');
  });

  it('a VLAN member the device does not have: at the member', () => {
    const text = router(ACLS).replace('members: [e1, e2]', 'members: [e1, e3]');
    const message = refusedOnce(text, 'BNK_ERR_UNKNOWN_REF', at(text, 'e3'));
    expect(message).toBe('device "r" has no interface "e3" (member of VLAN "v1")');
  });

  it('a VLAN member that is itself a VLAN: at the member', () => {
    const text = router(`${ACLS}`).replace(
      '      - { name: v1, members: [e1, e2] }',
      '      - { name: v1, members: [e1, e2] }\n      - { name: v2, members: [e0, v1] }',
    );
    const message = refusedOnce(text, 'BNK_ERR_SCHEMA', at(text, 'v1] }'));
    expect(message).toBe('"v1" is itself a VLAN interface; members are plain interfaces');
  });

  it('a VLAN interface with a zone or an address: at the interface', () => {
    for (const extra of ['zone: a', 'address: 10.1.0.9']) {
      const text = router(ACLS).replace('{ name: v1, members: [e1, e2] }', `{ name: v1, members: [e1, e2], ${extra} }`);
      const message = refusedOnce(text, 'BNK_ERR_SCHEMA', at(text, '{ name: v1'));
      expect(message).toBe('VLAN interface "v1" floods to its members; give the zone and address to a member instead');
    }
  });

  it('a VLAN interface with ACLs: at the interface', () => {
    for (const extra of ['in: [guard]', 'out: [tight]']) {
      const text = router(ACLS).replace('{ name: v1, members: [e1, e2] }', `{ name: v1, members: [e1, e2], ${extra} }`);
      const message = refusedOnce(text, 'BNK_ERR_SCHEMA', at(text, '{ name: v1'));
      expect(message).toBe('VLAN interface "v1" carries no ACLs; bind them to its member interfaces');
    }
  });

  it('a forward route without an interface: at the route', () => {
    const text = router(`${ACLS}    routes:\n      - { prefix: 10.9.0.0/16, priority: 3 }\n`);
    const message = refusedOnce(text, 'BNK_ERR_SCHEMA', at(text, '{ prefix: 10.9'));
    expect(message).toBe('a forward route needs "interface" (or action: deliver / drop)');
  });

  it('a deliver or drop route with an interface: at the interface', () => {
    for (const action of ['deliver', 'drop']) {
      const text = router(`${ACLS}    routes:\n      - { prefix: 10.9.0.0/16, action: ${action}, interface: [e2] }\n`);
      const message = refusedOnce(text, 'BNK_ERR_SCHEMA', at(text, '[e2]'));
      expect(message).toBe(`a ${action} route sends nothing out, so it takes no "interface"`);
    }
  });

  it("an unknown interface in a route's list: at that item", () => {
    const text = router(`${ACLS}    routes:\n      - { prefix: 0.0.0.0/0, interface: [e0, wan, v1] }\n`);
    const message = refusedOnce(text, 'BNK_ERR_UNKNOWN_REF', at(text, 'wan, v1'));
    expect(message).toBe('device "r" has no interface "wan"');
  });

  it('a malformed wildcard literal: at the address', () => {
    for (const literal of ['10.0.0.1 0.0.256.0', '10.0.0.1 0.0.0.255 7', '10.0.0.1 0.0.0.255.0']) {
      const text = router(`    acls:\n      guard: [{ action: permit, to: ${literal} }]\n      tight: []\n`);
      const diagnostics = refuse(text);
      expect(
        diagnostics.map((d) => [d.code, d.loc.line, d.loc.column]),
        literal,
      ).toEqual([['BNK_ERR_INVALID_ADDRESS', at(text, literal).line, at(text, literal).column]]);
      expect(diagnostics[0]!.message, literal).toContain(`"${literal}"`);
    }
  });

  it('a wildcard that spreads over too many ranges: at the address, saying how many', () => {
    const text = router(`    acls:\n      guard: [{ action: permit, from: 10.0.0.0 0.255.255.254 }]\n      tight: []\n`);
    const message = refusedOnce(text, 'BNK_ERR_INVALID_ADDRESS', at(text, '10.0.0.0 0.255'));
    expect(message).toBe('"10.0.0.0 0.255.255.254": the wildcard spreads over 8388608 separate ranges; at most 65536 are supported');
  });

  it('a rule id twice in one ACL: at the second id (also when it is a default position id)', () => {
    const text = router(`    acls:
      guard:
        - { id: r1, action: permit }
        - { id: r1, action: deny }
      tight:
        - { id: "2", action: permit }
        - { action: deny }
`);
    const diagnostics = refuse(text);
    expect(diagnostics.map((d) => [d.code, d.loc.line, d.loc.column])).toEqual([
      ['BNK_ERR_DUPLICATE_ID', at(text, 'r1, action: deny').line, at(text, 'r1, action: deny').column],
      ['BNK_ERR_DUPLICATE_ID', at(text, '{ action: deny }').line, at(text, '{ action: deny }').column],
    ]);
    expect(diagnostics.map((d) => d.message)).toEqual(['rule id "r1" appears twice in ACL "guard" of "r"', 'rule id "2" appears twice in ACL "tight" of "r"']);
  });

  it("the same rule id in two ACLs, or in an ACL and the firewall's rules, is fine", () => {
    const n = load(`${HEAD}devices:
  - id: fw
    kind: firewall
    interfaces: [{ name: p, in: [x, y] }]
    rules: [{ id: r1, action: permit }]
    acls:
      x: [{ id: r1, action: permit }]
      y: [{ id: r1, action: deny }]
`);
    expect(n.devices[0]!.acls.map((a) => a.rules[0]!.id)).toEqual(['r1', 'r1']);
  });
});
