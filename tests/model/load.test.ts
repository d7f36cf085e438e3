// Topology loader on inline YAML/JSON: a valid file resolves; each class of bad input gets its code and line:column.

import { describe, expect, it } from 'vitest';
import type { Diagnostic, ErrorCode, InputError } from '../../src/errors.ts';
import { type LoadOptions, loadTopology } from '../../src/model/load.ts';
import { positionOf, refusal } from '../helpers.ts';
import type { Network } from '../../src/model/network.ts';
import { parseIpv4 } from '../../src/net/ipv4.ts';

const FILE = 'inline.yaml';
const HEAD = 'bunkatsu: 1\nname: t\nmodel: alpha\n';
const ZONES = `zones:
  - id: a
    domain: lgwan
    subnets: [10.1.0.0/24]
  - id: b
    domain: internet
    subnets: [10.2.0.0/24]
`;

const load = (text: string, options?: LoadOptions): Network => loadTopology(text, FILE, options);

/** Loads text that must be refused; returns its diagnostics. */
function refuse(text: string, options?: LoadOptions): Diagnostic[] {
  return refusal(() => load(text, options), FILE);
}

const at = positionOf;

/** Asserts exactly one diagnostic, with this code, at this position. */
function expectOne(text: string, code: ErrorCode, where: { line: number; column: number }, options?: LoadOptions): Diagnostic {
  const diagnostics = refuse(text, options);
  expect(diagnostics.map((d) => ({ code: d.code, line: d.loc.line, column: d.loc.column }))).toEqual([{ code, ...where }]);
  return diagnostics[0]!;
}

const ip = (text: string): number => parseIpv4(text)!;

// ---- valid input ---------------------------------------------------------------------------

describe('valid topologies', () => {
  it('loads a minimal file', () => {
    const n = load(`${HEAD}zones:\n  - { id: a, domain: lgwan, subnets: [10.1.0.0/24] }\n`);
    expect(n.file).toBe(FILE);
    expect(n.name).toBe('t');
    expect(n.model).toBe('alpha');
    expect(n.zones).toHaveLength(1);
    expect(n.zones[0]).toMatchObject({ index: 0, id: 'a', name: 'a', domain: 'lgwan', isDefault: false, loc: { line: 5, column: 5 } });
    expect(n.zones[0]!.subnets).toEqual([{ lo: ip('10.1.0.0'), hi: ip('10.1.0.255'), length: 24 }]);
    expect(n.zones[0]!.owned).toEqual([{ lo: ip('10.1.0.0'), hi: ip('10.1.0.255') }]);
    expect([n.hosts, n.devices, n.links, n.exceptions, n.intents]).toEqual([[], [], [], [], []]);
  });

  it('resolves hosts, groups, devices, rules, links and named services', () => {
    const n = load(`${HEAD}services:
  juki-app: [tcp/8443, https]
${ZONES}hosts:
  - { id: h1, zone: a, address: 10.1.0.10 }
  - { id: terminals, zone: a, role: terminal, addresses: 10.1.0.0/24, count: 100 }
  - { id: printers, zone: a, addresses: 10.1.0.200-10.1.0.209 }
devices:
  - id: fw
    kind: firewall
    interfaces: [{ name: a, zone: a, address: 10.1.0.1 }, { name: up }]
    rules:
      - { action: permit, from: terminals, to: [b, 192.0.2.0/24], service: juki-app }
      - { id: named, action: deny, from: h1, service: [tcp/1000-2000, icmp] }
  - id: r
    kind: router
    interfaces: [{ name: down }, { name: b, zone: b }]
    routes:
      - { prefix: 10.1.0.0/16, interface: down }
links:
  - [fw:up, r:down]
`);
    expect(n.hosts.map((h) => [h.id, h.role, h.isGroup, h.range])).toEqual([
      ['h1', 'server', false, { lo: ip('10.1.0.10'), hi: ip('10.1.0.10') }],
      // A CIDR group skips the network address.
      ['terminals', 'terminal', true, { lo: ip('10.1.0.1'), hi: ip('10.1.0.100') }],
      ['printers', 'server', true, { lo: ip('10.1.0.200'), hi: ip('10.1.0.209') }],
    ]);
    const fw = n.devices[0]!;
    expect(fw.rules.map((r) => [r.id, r.position, r.action])).toEqual([
      ['1', 1, 'permit'],
      ['named', 2, 'deny'],
    ]);
    expect(fw.rules[0]!.dst).toEqual([
      { lo: ip('10.2.0.0'), hi: ip('10.2.0.255'), length: 24 },
      { lo: ip('192.0.2.0'), hi: ip('192.0.2.255'), length: 24 },
    ]);
    expect(fw.rules[0]!.services).toEqual([
      { protoLo: 6, protoHi: 6, portLo: 8443, portHi: 8443 },
      { protoLo: 6, protoHi: 6, portLo: 443, portHi: 443 },
    ]);
    // `to` left out means any.
    expect(fw.rules[1]!.dst).toEqual([{ lo: 0, hi: 2 ** 32 - 1 }]);
    expect(fw.rules[1]!.services).toEqual([
      { protoLo: 6, protoHi: 6, portLo: 1000, portHi: 2000 },
      { protoLo: 1, protoHi: 1, portLo: 0, portHi: 65535 },
    ]);
    expect(fw.interfaces[0]!.address).toBe(ip('10.1.0.1'));
    expect(n.devices[1]!.routes).toEqual([
      expect.objectContaining({ prefix: { lo: ip('10.1.0.0'), hi: ip('10.1.255.255'), length: 16 }, action: 'forward', interfaces: ['down'], priority: 16 }),
    ]);
    expect(n.links).toEqual([expect.objectContaining({ id: 'fw:up--r:down', a: { device: 0, interface: 'up' }, b: { device: 1, interface: 'down' } })]);
    expect(n.services.get('juki-app')).toHaveLength(2);
  });

  it('lets a zone nest inside another zone of the same domain, the inner one owning its addresses', () => {
    const n = load(`${HEAD}zones:
  - { id: office, domain: lgwan, subnets: [10.0.0.0/16] }
  - { id: servers, domain: lgwan, subnets: [10.0.5.0/24] }
  - { id: net, domain: public-internet, default: true }
`);
    expect(n.zones[0]!.owned).toEqual([
      { lo: ip('10.0.0.0'), hi: ip('10.0.4.255') },
      { lo: ip('10.0.6.0'), hi: ip('10.0.255.255') },
    ]);
    expect(n.zones[1]!.owned).toEqual([{ lo: ip('10.0.5.0'), hi: ip('10.0.5.255') }]);
    expect(n.zones[2]!.owned).toEqual([
      { lo: 0, hi: ip('9.255.255.255') },
      { lo: ip('10.1.0.0'), hi: 2 ** 32 - 1 },
    ]);
    expect(n.ownership.map((o) => o.zone)).toEqual([2, 0, 1, 0, 2]);
  });

  it('refuses a host of the outer zone on an address a nested zone owns', () => {
    const text = `${HEAD}zones:
  - { id: office, domain: lgwan, subnets: [10.0.0.0/16] }
  - { id: servers, domain: lgwan, subnets: [10.0.5.0/24] }
hosts:
  - { id: misplaced, zone: office, address: 10.0.5.9 }
  - { id: fine, zone: office, address: 10.0.6.9 }
`;
    const d = expectOne(text, 'BNK_ERR_ADDRESS_OUTSIDE_ZONE', at(text, '10.0.5.9'));
    expect(d.message).toContain('office');
  });

  it('accepts JSON', () => {
    const n = load(`{
  "bunkatsu": 1,
  "name": "json city",
  "model": "beta",
  "zones": [{ "id": "a", "domain": "lgwan", "subnets": ["10.1.0.0/24"] }],
  "hosts": [{ "id": "h", "zone": "a", "address": "10.1.0.9" }]
}`);
    expect(n.name).toBe('json city');
    expect(n.model).toBe('beta');
    expect(n.hosts[0]).toMatchObject({ id: 'h', range: { lo: ip('10.1.0.9'), hi: ip('10.1.0.9') }, loc: { line: 6, column: 13 } });
  });

  it('checks domains only when the policy declares them', () => {
    const text = HEAD + ZONES;
    expect(load(text).zones.map((z) => z.domain)).toEqual(['lgwan', 'internet']);
    expect(load(text, { domains: new Set(['lgwan', 'internet']) }).zones).toHaveLength(2);
  });
});

// ---- syntax --------------------------------------------------------------------------------

describe('syntax errors', () => {
  it('reports a YAML syntax error where it is', () => {
    const text = `${HEAD}zones:\n  - id: a: b\n    domain: lgwan\n`;
    const diagnostics = refuse(text);
    expect(diagnostics.map((d) => d.code)).toEqual(['BNK_ERR_SYNTAX']);
    expect(diagnostics[0]!.loc).toEqual({ file: FILE, ...at(text, 'a: b') });
  });

  it('reports tabs used as indentation', () => {
    const text = `${HEAD}zones:\n\t- id: a\n`;
    expectOne(text, 'BNK_ERR_SYNTAX', at(text, '\t'));
  });

  it('reports duplicate keys at the second key', () => {
    const text = `${HEAD}zones:\n  - id: a\n    domain: lgwan\n    domain: internet\n    subnets: [10.1.0.0/24]\n`;
    expectOne(text, 'BNK_ERR_SYNTAX', at(text, 'domain: internet'));
  });

  it('reports a JSON syntax error with its line and column', () => {
    const text = '{\n  "bunkatsu": 1,\n  "name": "t"\n  "model": "alpha"\n}\n';
    const diagnostics = refuse(text);
    expect(diagnostics.map((d) => d.code)).toEqual(['BNK_ERR_SYNTAX']);
    expect(diagnostics[0]!.loc).toMatchObject(at(text, '"model"'));
  });

  it('refuses several documents in one file', () => {
    const text = `${HEAD}---\nname: other\n`;
    expectOne(text, 'BNK_ERR_SYNTAX', at(text, '---'));
  });
});

// ---- schema --------------------------------------------------------------------------------

describe('schema errors', () => {
  it('unknown key: at the key', () => {
    const text = `${HEAD}zones:\n  - id: a\n    domain: lgwan\n    subnets: [10.1.0.0/24]\n    colour: red\n`;
    const d = expectOne(text, 'BNK_ERR_SCHEMA', at(text, 'colour'));
    expect(d.message).toContain('colour');
  });

  it('unknown top-level key: at the key', () => {
    const text = `${HEAD}zone:\n  - id: a\n`;
    const diagnostics = refuse(text);
    expect(diagnostics.map((d) => [d.code, d.loc.line, d.loc.column])).toContainEqual(['BNK_ERR_SCHEMA', at(text, 'zone:').line, 1]);
  });

  it('wrong type: at the value', () => {
    const text = `${HEAD}zones:\n  - id: a\n    domain: lgwan\n    subnets: 10.1.0.0/24\n`;
    expectOne(text, 'BNK_ERR_SCHEMA', at(text, '10.1.0.0/24'));
  });

  it('wrong format version: at the value', () => {
    const text = `bunkatsu: 2\nname: t\nmodel: alpha\n${ZONES}`;
    expectOne(text, 'BNK_ERR_SCHEMA', at(text, '2'));
  });

  it('bad enum value: at the value', () => {
    const text = `bunkatsu: 1\nname: t\nmodel: gamma\n${ZONES}`;
    expectOne(text, 'BNK_ERR_SCHEMA', at(text, 'gamma'));
    const role = `${HEAD}${ZONES}hosts:\n  - { id: h, zone: a, address: 10.1.0.1, role: laptop }\n`;
    expectOne(role, 'BNK_ERR_SCHEMA', at(role, 'laptop'));
  });

  it('bad device kind: at the kind', () => {
    const text = `${HEAD}${ZONES}devices:\n  - id: d\n    kind: hub\n    interfaces: [{ name: x }]\n`;
    expectOne(text, 'BNK_ERR_SCHEMA', at(text, 'hub'));
  });

  it('missing field: at the object that lacks it', () => {
    const text = `${HEAD}zones:\n  - id: a\n    subnets: [10.1.0.0/24]\n`;
    const d = expectOne(text, 'BNK_ERR_SCHEMA', at(text, 'id: a'));
    expect(d.message).toContain('"domain"');
  });

  it('bad id characters: at the id', () => {
    const text = `${HEAD}zones:\n  - { id: "bad id", domain: lgwan, subnets: [10.1.0.0/24] }\n`;
    expectOne(text, 'BNK_ERR_SCHEMA', at(text, '"bad id"'));
  });
});

// ---- semantic errors -----------------------------------------------------------------------

describe('semantic errors', () => {
  it('duplicate id across kinds: at the second id', () => {
    const text = `${HEAD}${ZONES}hosts:\n  - { id: a, zone: a, address: 10.1.0.1 }\n`;
    expectOne(text, 'BNK_ERR_DUPLICATE_ID', at(text, 'a, zone'));
  });

  it('duplicate interface and rule ids on one device', () => {
    const text = `${HEAD}${ZONES}devices:
  - id: fw
    kind: firewall
    interfaces: [{ name: x, zone: a }, { name: x, zone: b }]
    rules:
      - { id: r1, action: permit }
      - { id: r1, action: deny }
`;
    const diagnostics = refuse(text);
    expect(diagnostics.map((d) => [d.code, d.loc.line, d.loc.column])).toEqual([
      ['BNK_ERR_DUPLICATE_ID', at(text, 'x, zone: b').line, at(text, 'x, zone: b').column],
      ['BNK_ERR_DUPLICATE_ID', at(text, 'r1, action: deny').line, at(text, 'r1, action: deny').column],
    ]);
  });

  it('dangling zone reference: at the reference', () => {
    const text = `${HEAD}${ZONES}hosts:\n  - { id: h, zone: nowhere, address: 10.1.0.1 }\n`;
    const d = expectOne(text, 'BNK_ERR_UNKNOWN_REF', at(text, 'nowhere'));
    expect(d.message).toContain('nowhere');
    const iface = `${HEAD}${ZONES}devices:\n  - { id: sw, kind: switch, interfaces: [{ name: p, zone: c }] }\n`;
    expectOne(iface, 'BNK_ERR_UNKNOWN_REF', at(iface, 'c }'));
  });

  it('a reference to the wrong kind of object is a dangling reference', () => {
    const text = `${HEAD}${ZONES}hosts:\n  - { id: h, zone: a, address: 10.1.0.1 }\n  - { id: h2, zone: h, address: 10.1.0.2 }\n`;
    expectOne(text, 'BNK_ERR_UNKNOWN_REF', at(text, 'h, address'));
  });

  it('host address outside its zone: at the address', () => {
    const text = `${HEAD}${ZONES}hosts:\n  - { id: h, zone: a, address: 10.2.0.1 }\n`;
    expectOne(text, 'BNK_ERR_ADDRESS_OUTSIDE_ZONE', at(text, '10.2.0.1'));
    const group = `${HEAD}${ZONES}hosts:\n  - { id: g, zone: a, addresses: 10.1.0.0/23 }\n`;
    expectOne(group, 'BNK_ERR_ADDRESS_OUTSIDE_ZONE', at(group, '10.1.0.0/23'));
    const count = `${HEAD}${ZONES}hosts:\n  - { id: g, zone: a, addresses: 10.1.0.0/24, count: 300 }\n`;
    expectOne(count, 'BNK_ERR_ADDRESS_OUTSIDE_ZONE', at(count, '300'));
    const iface = `${HEAD}${ZONES}devices:\n  - { id: sw, kind: switch, interfaces: [{ name: p, zone: a, address: 10.9.9.9 }] }\n`;
    expectOne(iface, 'BNK_ERR_ADDRESS_OUTSIDE_ZONE', at(iface, '10.9.9.9'));
  });

  it('overlapping subnets across domains: at the inner subnet', () => {
    const text = `${HEAD}${ZONES}  - { id: c, domain: mynumber, subnets: [10.2.0.128/25] }\n`;
    const d = expectOne(text, 'BNK_ERR_SUBNET_OVERLAP', at(text, '10.2.0.128/25'));
    expect(d.message).toContain('internet');
    expect(d.message).toContain('mynumber');
    // Declared the other way round (the wide subnet later in the file): still the inner one.
    const reversed = `${HEAD}zones:\n  - { id: c, domain: mynumber, subnets: [10.2.0.128/25] }\n  - { id: b, domain: internet, subnets: [10.2.0.0/16] }\n`;
    expectOne(reversed, 'BNK_ERR_SUBNET_OVERLAP', at(reversed, '10.2.0.128/25'));
  });

  it('the same subnet in two zones is an overlap even within one domain', () => {
    const text = `${HEAD}zones:\n  - { id: a, domain: lgwan, subnets: [10.1.0.0/24] }\n  - { id: b, domain: lgwan, subnets: [10.1.0.0/24] }\n`;
    expectOne(text, 'BNK_ERR_SUBNET_OVERLAP', at(text, '10.1.0.0/24', 2));
  });

  it('invalid CIDR: at the value', () => {
    const text = `${HEAD}zones:\n  - { id: a, domain: lgwan, subnets: [10.1.0.0/24, 10.3.0.0/33] }\n`;
    const d = expectOne(text, 'BNK_ERR_INVALID_ADDRESS', at(text, '10.3.0.0/33'));
    expect(d.message).toContain('prefix length');
    const hostBits = `${HEAD}zones:\n  - { id: a, domain: lgwan, subnets: [10.1.0.1/24] }\n`;
    const h = expectOne(hostBits, 'BNK_ERR_INVALID_ADDRESS', at(hostBits, '10.1.0.1/24'));
    expect(h.message).toContain('10.1.0.0/24');
    const host = `${HEAD}${ZONES}hosts:\n  - { id: h, zone: a, address: 256.1.0.1 }\n`;
    expectOne(host, 'BNK_ERR_INVALID_ADDRESS', at(host, '256.1.0.1'));
    const leading = `${HEAD}${ZONES}hosts:\n  - { id: h, zone: a, address: 10.1.0.01 }\n`;
    expectOne(leading, 'BNK_ERR_INVALID_ADDRESS', at(leading, '10.1.0.01'));
    const reversed = `${HEAD}${ZONES}hosts:\n  - { id: g, zone: a, addresses: 10.1.0.9-10.1.0.1 }\n`;
    expectOne(reversed, 'BNK_ERR_INVALID_ADDRESS', at(reversed, '10.1.0.9-10.1.0.1'));
  });

  it('invalid port: at the service', () => {
    const text = `${HEAD}${ZONES}devices:
  - id: fw
    kind: firewall
    interfaces: [{ name: x, zone: a }]
    rules:
      - { action: permit, service: tcp/70000 }
      - { action: permit, service: icmp/80 }
`;
    const diagnostics = refuse(text);
    expect(diagnostics.map((d) => [d.code, d.loc.line, d.loc.column])).toEqual([
      ['BNK_ERR_INVALID_SERVICE', at(text, 'tcp/70000').line, at(text, 'tcp/70000').column],
      ['BNK_ERR_INVALID_SERVICE', at(text, 'icmp/80').line, at(text, 'icmp/80').column],
    ]);
  });

  it('unknown service name: at the service', () => {
    const text = `${HEAD}${ZONES}devices:
  - id: fw
    kind: firewall
    interfaces: [{ name: x, zone: a }]
    rules:
      - { action: permit, service: [https, juki-app] }
`;
    const d = expectOne(text, 'BNK_ERR_UNKNOWN_REF', at(text, '[https'));
    expect(d.message).toContain('juki-app');
  });

  it('a named service may not reuse a built-in name', () => {
    const text = `${HEAD}services:\n  https: tcp/8443\n${ZONES}`;
    expectOne(text, 'BNK_ERR_DUPLICATE_ID', at(text, 'https'));
  });

  it('rule naming an unknown interface: at the interface list', () => {
    const text = `${HEAD}${ZONES}devices:
  - id: fw
    kind: firewall
    interfaces: [{ name: inside, zone: a }, { name: outside, zone: b }]
    rules:
      - { action: permit, in: inside, out: dmz }
`;
    const d = expectOne(text, 'BNK_ERR_UNKNOWN_REF', at(text, 'dmz'));
    expect(d.message).toContain('"dmz"');
  });

  it('route and relay naming unknown interfaces, link to an unknown device', () => {
    const text = `${HEAD}${ZONES}devices:
  - id: r
    kind: router
    interfaces: [{ name: x, zone: a }]
    routes: [{ prefix: 0.0.0.0/0, interface: wan }]
  - id: gw
    kind: proxy
    interfaces: [{ name: a, zone: a, address: 10.1.0.5 }, { name: b, zone: b, address: 10.2.0.5 }]
    relays: [{ in: a, service: https, out: c, to: b }]
links:
  - [r:x, ghost:y]
`;
    const diagnostics = refuse(text);
    expect(diagnostics.map((d) => [d.code, d.loc.line, d.loc.column])).toEqual([
      ['BNK_ERR_UNKNOWN_REF', at(text, 'wan }').line, at(text, 'wan }').column],
      ['BNK_ERR_UNKNOWN_REF', at(text, 'c, to').line, at(text, 'c, to').column],
      ['BNK_ERR_UNKNOWN_REF', at(text, 'ghost').line, at(text, 'ghost').column],
    ]);
  });

  it('unknown domain, when the policy declares its domains: at the domain', () => {
    const text = `${HEAD}zones:\n  - { id: a, domain: lgwan, subnets: [10.1.0.0/24] }\n  - { id: b, domain: intranet, subnets: [10.2.0.0/24] }\n`;
    const d = expectOne(text, 'BNK_ERR_UNKNOWN_DOMAIN', at(text, 'intranet'), { domains: new Set(['lgwan', 'internet']) });
    expect(d.message).toContain('intranet');
  });

  it('too many firewall rules', () => {
    const text = `${HEAD}${ZONES}devices:
  - id: fw
    kind: firewall
    interfaces: [{ name: x, zone: a }]
    rules: [{ action: permit }, { action: permit }, { action: deny }]
`;
    expect(refuse(text, { maxRules: 2 }).map((d) => d.code)).toEqual(['BNK_ERR_LIMIT_EXCEEDED']);
    expect(load(text, { maxRules: 3 }).devices[0]!.rules).toHaveLength(3);
  });

  it('a dangling reference next to "any" is still reported', () => {
    // "any" already covers everything, but a typo beside it is still a broken reference.
    const text = `${HEAD}${ZONES}devices:
  - id: fw
    kind: firewall
    interfaces: [{ name: x, zone: a }]
    rules:
      - { action: permit, from: [any, no-such-zone], service: [any, no-such-service] }
`;
    const diagnostics = refuse(text);
    expect(diagnostics.map((d) => [d.code, d.loc.line, d.loc.column])).toEqual([
      ['BNK_ERR_UNKNOWN_REF', at(text, '[any').line, at(text, '[any').column],
      ['BNK_ERR_UNKNOWN_REF', at(text, '[any', 2).line, at(text, '[any', 2).column],
    ]);
  });
});

// ---- hostile input -------------------------------------------------------------------------

describe('hostile input', () => {
  it('refuses an alias bomb', () => {
    const text = [
      'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
      'e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]',
      'f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]',
      'g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]',
      '',
    ].join('\n');
    expectOne(text, 'BNK_ERR_ALIAS_LIMIT', { line: 1, column: 1 });
  });

  it('allows a few aliases, and honours a lower alias limit', () => {
    const text = `${HEAD}zones:\n  - { id: a, domain: &d lgwan, subnets: [10.1.0.0/24] }\n  - { id: b, domain: *d, subnets: [10.2.0.0/24] }\n`;
    expect(load(text).zones.map((z) => z.domain)).toEqual(['lgwan', 'lgwan']);
    expect(refuse(text, { limits: { maxAliases: 0 } }).map((d) => d.code)).toEqual(['BNK_ERR_ALIAS_LIMIT']);
  });

  it('refuses 10,000 nested [ without crashing', () => {
    expectOne('['.repeat(10_000), 'BNK_ERR_TOO_DEEP', { line: 1, column: 64 });
    expectOne(`${'['.repeat(10_000)}${']'.repeat(10_000)}`, 'BNK_ERR_TOO_DEEP', { line: 1, column: 64 });
  });

  it('refuses deep flow maps, deep JSON and deep block nesting', () => {
    const maps = `${'{a: '.repeat(5_000)}1${'}'.repeat(5_000)}`;
    expect(refuse(maps).map((d) => d.code)).toEqual(['BNK_ERR_TOO_DEEP']);
    const json = `{"zones": ${'['.repeat(5_000)}${']'.repeat(5_000)}}`;
    expect(refuse(json).map((d) => d.code)).toEqual(['BNK_ERR_TOO_DEEP']);
    const block = `${Array.from({ length: 200 }, (_, i) => `${' '.repeat(i)}a:`).join('\n')} 1\n`;
    const [d] = refuse(block);
    expect(d).toMatchObject({ code: 'BNK_ERR_TOO_DEEP', loc: { line: 65 } });
  });

  // YAML reads a'b as a plain scalar: the apostrophe opens no quoted string, so the brackets
  // after it are structure and count towards the depth.
  it('refuses 10,000 nested [ that follow a quote character inside a plain scalar', () => {
    const text = `[a'b, ${'['.repeat(10_000)}${']'.repeat(10_000)}]`;
    // The 64th "[" is at column 69, as the 64th of a plain run of "[" is at column 64.
    expectOne(text, 'BNK_ERR_TOO_DEEP', { line: 1, column: 69 });
  });

  it('enforces the depth limit after a quote character inside a plain scalar', () => {
    const text = `zones: [a'b, ${'['.repeat(500)}${']'.repeat(500)}]`;
    expect(refuse(text).map((d) => d.code)).toEqual(['BNK_ERR_TOO_DEEP']);
  });

  it('refuses __proto__, constructor and prototype keys, in YAML and JSON', () => {
    const text = `${HEAD}${ZONES}__proto__: { polluted: true }\n`;
    expectOne(text, 'BNK_ERR_FORBIDDEN_KEY', at(text, '__proto__'));
    const nested = `${HEAD}zones:\n  - { id: a, domain: lgwan, subnets: [10.1.0.0/24], constructor: x }\n`;
    expectOne(nested, 'BNK_ERR_FORBIDDEN_KEY', at(nested, 'constructor'));
    const json = '{\n  "bunkatsu": 1,\n  "services": { "prototype": "tcp/1" },\n  "__proto__": { "polluted": true }\n}';
    const diagnostics = refuse(json);
    expect(diagnostics.map((d) => [d.code, d.loc.line, d.loc.column])).toEqual([
      ['BNK_ERR_FORBIDDEN_KEY', 3, 17],
      ['BNK_ERR_FORBIDDEN_KEY', 4, 3],
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses a file over the size limit before parsing it', () => {
    const text = `${HEAD}${ZONES}`;
    const d = expectOne(text, 'BNK_ERR_FILE_TOO_LARGE', { line: 1, column: 1 }, { limits: { maxBytes: 64 } });
    expect(d.message).toContain('64');
    expect(load(text, { limits: { maxBytes: text.length } }).zones).toHaveLength(2);
    // Too large wins over everything else: even broken YAML is not parsed.
    expect(refuse(`[${'x'.repeat(100)}`, { limits: { maxBytes: 64 } }).map((e) => e.code)).toEqual(['BNK_ERR_FILE_TOO_LARGE']);
  });
});

// ---- many errors at once -------------------------------------------------------------------

describe('several errors at once', () => {
  it('reports every semantic error, sorted by position', () => {
    const text = `${HEAD}zones:
  - { id: a, domain: lgwan, subnets: [10.1.0.0/24] }
  - { id: b, domain: internet, subnets: [10.1.0.128/25, 10.9.0.0/33] }
hosts:
  - { id: h1, zone: a, address: 10.5.0.1 }
  - { id: h1, zone: nowhere, address: 10.1.0.2 }
devices:
  - id: fw
    kind: firewall
    interfaces: [{ name: x, zone: a }]
    rules:
      - { action: permit, service: udp/99999, in: y }
`;
    const diagnostics = refuse(text);
    const want: Array<[ErrorCode, string]> = [
      ['BNK_ERR_SUBNET_OVERLAP', '10.1.0.128/25'],
      ['BNK_ERR_INVALID_ADDRESS', '10.9.0.0/33'],
      ['BNK_ERR_ADDRESS_OUTSIDE_ZONE', '10.5.0.1'],
      ['BNK_ERR_DUPLICATE_ID', 'h1, zone: nowhere'],
      ['BNK_ERR_UNKNOWN_REF', 'nowhere'],
      ['BNK_ERR_INVALID_SERVICE', 'udp/99999'],
      ['BNK_ERR_UNKNOWN_REF', 'y }'],
    ];
    expect(diagnostics.map((d) => [d.code, d.loc.line, d.loc.column])).toEqual(
      want.map(([code, needle]) => [code, at(text, needle).line, at(text, needle).column]),
    );
    const error = (() => {
      try {
        load(text);
      } catch (e) {
        return e as InputError;
      }
      throw new Error('loaded');
    })();
    expect(error.message).toContain(`${FILE}:${at(text, '10.1.0.128/25').line}:`);
    expect(error.message).toContain('and 6 more');
    expect(error.status).toBe(422);
  });

  it('reports schema errors and the semantic errors of the valid elements together, each where it is', () => {
    const text = `${HEAD}zones:
  - id: a
    domain: lgwan
    subnets: [10.1.0.0/24]
    colour: red
  - id: b
    domain: internet
    subnets: [10.2.0.0/33]
`;
    const diagnostics = refuse(text);
    expect(diagnostics.map((d) => [d.code, d.loc.line, d.loc.column])).toEqual([
      ['BNK_ERR_SCHEMA', at(text, 'colour').line, at(text, 'colour').column],
      ['BNK_ERR_INVALID_ADDRESS', at(text, '10.2.0.0/33').line, at(text, '10.2.0.0/33').column],
    ]);
  });

  it('an element dropped for a schema error does not hide unrelated errors that quote the same name', () => {
    // Zone "b" fails the schema; the rule's unknown interface happens to be called "b" too.
    const text = `${HEAD}zones:
  - { id: a, domain: lgwan, subnets: [10.1.0.0/24] }
  - { id: b, domain: internet, subnets: [10.2.0.0/24], colour: red }
devices:
  - id: fw
    kind: firewall
    interfaces: [{ name: x, zone: a }]
    rules:
      - { action: permit, in: b }
`;
    const diagnostics = refuse(text);
    expect(diagnostics.map((d) => [d.code, d.loc.line, d.loc.column])).toEqual([
      ['BNK_ERR_SCHEMA', at(text, 'colour').line, at(text, 'colour').column],
      ['BNK_ERR_UNKNOWN_REF', at(text, 'b }').line, at(text, 'b }').column],
    ]);
  });

  it('references to an element dropped for a schema error are not reported twice', () => {
    const text = `${HEAD}zones:
  - { id: a, domain: lgwan, subnets: [10.1.0.0/24] }
  - { id: b, domain: internet, subnets: [10.2.0.0/24], colour: red }
hosts:
  - { id: h, zone: b, address: 10.2.0.1 }
`;
    expect(refuse(text).map((d) => [d.code, d.loc.line])).toEqual([['BNK_ERR_SCHEMA', at(text, 'colour').line]]);
  });

  it('reports JSON errors with their line and column', () => {
    const text = `{
  "bunkatsu": 1,
  "name": "t",
  "model": "alpha",
  "zones": [
    { "id": "a", "domain": "lgwan", "subnets": ["10.1.0.0/33"] },
    { "id": "b", "domain": "lgwan", "subnets": ["10.2.0.0/24"], "colour": "red" }
  ]
}`;
    const diagnostics = refuse(text);
    expect(diagnostics.map((d) => [d.code, d.loc.line, d.loc.column])).toEqual([
      ['BNK_ERR_INVALID_ADDRESS', 6, at(text, '"10.1.0.0/33"').column],
      ['BNK_ERR_SCHEMA', 7, at(text, '"colour"').column],
    ]);
  });
});

describe('JSON fast path', () => {
  it('gives every element the location the YAML reader gives (random topologies)', async () => {
    const fc = (await import('fast-check')).default;
    const { randomTopology } = await import('../random-network.ts');
    fc.assert(
      fc.property(randomTopology, (t) => {
        const fast = loadTopology(t.text, FILE);
        // A comment line first sends the same JSON through the YAML reader, one line lower.
        const slow = loadTopology(`# yaml\n${t.text}`, FILE);
        const locs = (n: Network): string[] =>
          [
            ...n.zones.map((z) => z.loc),
            ...n.hosts.map((h) => h.loc),
            ...n.devices.map((d) => d.loc),
            ...n.devices.flatMap((d) => [
              ...d.rules.map((r) => r.loc),
              ...d.interfaces.map((f) => f.loc),
              ...(d.routes ?? []).map((r) => r.loc),
              ...d.acls.flatMap((a) => [a.loc, ...a.rules.map((r) => r.loc)]),
            ]),
            ...n.links.map((l) => l.loc),
            ...n.intents.map((i) => i.loc),
            ...n.exceptions.map((e) => e.loc),
          ].map((l) => `${l.line}:${l.column}`);
        const shifted = locs(slow).map((s) => s.replace(/^(\d+)/, (m) => String(Number(m) - 1)));
        expect(locs(fast)).toEqual(shifted);
      }),
      { numRuns: 50 },
    );
  });

  it('reports schema and semantic errors in JSON at their line and column', () => {
    const text =
      '{\n  "bunkatsu": 1,\n  "name": "t",\n  "model": "alpha",\n  "zones": [\n    { "id": "a", "domain": "lgwan", "subnets": ["10.1.0.0/24"], "subnet": 1 },\n    { "id": "b", "domain": "lgwan", "subnets": ["10.2.0.0/24"] }\n  ],\n  "hosts": [{ "id": "h", "zone": "nowhere", "address": "10.1.0.9" }]\n}\n';
    const diagnostics = refuse(text);
    expect(diagnostics.map((d) => [d.code, d.loc.line, d.loc.column])).toEqual([
      ['BNK_ERR_SCHEMA', ...Object.values(at(text, '"subnet"'))],
      ['BNK_ERR_UNKNOWN_REF', ...Object.values(at(text, '"nowhere"'))],
    ]);
  });

  it('reports a duplicate key in JSON at the second key', () => {
    const text = '{\n  "bunkatsu": 1,\n  "name": "t",\n  "name": "u",\n  "model": "alpha",\n  "zones": []\n}\n';
    expect(refuse(text).map((d) => [d.code, d.loc.line, d.loc.column])).toEqual([['BNK_ERR_SYNTAX', 4, 3]]);
  });
});
