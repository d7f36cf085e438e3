// The Cisco ASA importer: objects and nested object-groups, ACEs (ranges, inactive, remarks in
// the line numbers), access-groups in / out / global with the implicit deny, the security-level
// default as explicit rules, routes, malformed lines at their line:column, and the topology it
// composes. Expected values are worked out by hand from the configurations in the comments.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import { parseAsa } from '../../src/import/asa.ts';
import { composeTopology } from '../../src/import/compose.ts';
import type { ConfigDevice, ConfigRule } from '../../src/import/config.ts';
import { loadSite } from '../../src/import/site.ts';
import { loadImported } from '../../src/model/load.ts';
import { ALL } from '../../src/net/intervals.ts';
import { at, set, tcp, udp } from './helpers.ts';

const DIR = 'tests/fixtures/import/asa';
const ASA01 = `${DIR}/asa01.cfg`;
const asa01Text = readFileSync(resolve(ASA01), 'utf8');

function device(text: string): ConfigDevice {
  return parseAsa(text, 'test.cfg', 'asa').devices[0]!;
}
const ruleById = (d: ConfigDevice, id: string): ConfigRule => {
  const r = d.rules.find((x) => x.id === id);
  if (!r) throw new Error(`no rule ${id}: ${d.rules.map((x) => x.id).join(', ')}`);
  return r;
};

/** The one diagnostic of a refused parse: its code, line:column and message. */
function refused(text: string): { code: string; at: string; message: string } {
  try {
    parseAsa(text, 'bad.cfg', 'asa');
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    expect(error.diagnostics).toHaveLength(1);
    const d = error.diagnostics[0]!;
    return { code: d.code, at: `${d.loc.file}:${d.loc.line}:${d.loc.column}`, message: d.message };
  }
  throw new Error('accepted');
}

/** Three interfaces: inside 100 (no security-level line: ASA's default for "inside"), dmz 50, outside 0. */
const BOX = `hostname box
interface Gi0/0
 nameif outside
 security-level 0
 ip address 192.0.2.1 255.255.255.0
!
interface Gi0/1
 nameif inside
 ip address 10.0.0.1 255.255.255.0
!
interface Gi0/2
 nameif dmz
 security-level 50
 ip address 172.16.0.1 255.255.255.0
!
`;

describe('parseAsa: the fixture asa01.cfg', () => {
  const d = parseAsa(asa01Text, ASA01, 'asa01').devices[0]!;

  it('reads the named interfaces (not the unnamed management port), their subnets and the hostname', () => {
    expect(d.id).toBe('asa01');
    expect(d.interfaces.map((f) => [f.name, f.address?.subnet.length])).toEqual([
      ['outside', 30],
      ['inside', 21],
      ['servers', 24],
      ['mynumber', 24],
    ]);
  });

  it('resolves nested object-groups, names and service groups into the ACE', () => {
    // lg-all = group lg-clients (object inside-net 10.20.0.0/21 + 10.20.8.0/24) + object file-srv 10.20.10.10;
    // "host dns-server" is the `name 10.20.10.53 dns-server`; "eq domain" is udp/53.
    const l4 = ruleById(d, 'INSIDE_IN-l4');
    expect(l4.src).toEqual(set('10.20.0.0-10.20.8.255', '10.20.10.10'));
    expect(l4.dst).toEqual(set('10.20.10.53'));
    expect(l4.services).toEqual([udp(53)]);
    expect(l4.in).toEqual(['inside']);
    // file-svcs: tcp/445, udp/137-138 and the object https-svc (tcp/443), in protocol then port order.
    expect(ruleById(d, 'INSIDE_IN-l3').services).toEqual([tcp(443), tcp(445), udp(137, 138)]);
    // The port group "web tcp" (www, 443) on a tcp ACE.
    expect(ruleById(d, 'INSIDE_IN-l5').services).toEqual([tcp(80), tcp(443)]);
    // object printers is a range.
    expect(ruleById(d, 'INSIDE_IN-l2').src).toEqual(set('10.20.7.100-10.20.7.199'));
  });

  it('numbers ACEs as ASA does (the remark is line 1), leaves the inactive ACE out and ends each ACL in its implicit deny', () => {
    const ids = d.rules.map((r) => r.id);
    expect(ids).toEqual([
      'INSIDE_IN-l2',
      'INSIDE_IN-l3',
      'INSIDE_IN-l4',
      'INSIDE_IN-l5',
      // line 6 is inactive
      'INSIDE_IN-l7',
      'INSIDE_IN-implicit-deny',
      'MN_IN-l1',
      'MN_IN-l2',
      'MN_IN-implicit-deny',
      // servers (50) has no in ACL: it may send to outside (0), not to inside or mynumber (100).
      'level-servers',
    ]);
    expect(at(ruleById(d, 'INSIDE_IN-l5').origin)).toBe(`${ASA01}:65:1 access-list INSIDE_IN line 5`);
    const deny = ruleById(d, 'INSIDE_IN-implicit-deny');
    expect([deny.action, deny.src, deny.in]).toEqual(['deny', ALL, ['inside']]);
    expect(at(deny.origin)).toBe(`${ASA01}:72:1 access-list INSIDE_IN implicit deny`);
    expect(ruleById(d, 'level-servers').out).toEqual(['outside']);
  });

  it('an FQDN object in a permit stands for every address (warned at its line)', () => {
    expect(ruleById(d, 'MN_IN-l2').dst).toEqual(ALL);
  });

  it('binds the out access-group as a named ACL of the interface', () => {
    expect(d.interfaces.find((f) => f.name === 'servers')!.outAcls).toEqual(['SERVERS_OUT']);
    expect(d.acls!.map((a) => [a.name, a.rules.map((r) => `${r.id} ${r.action}`)])).toEqual([['SERVERS_OUT', ['l1 deny', 'l2 permit']]]);
  });

  it('installs the default route of lowest distance only', () => {
    const defaults = d.routes.filter((r) => r.prefix.length === 0);
    expect(defaults.map((r) => at(r.origin))).toEqual([`${ASA01}:75:1 route outside 0.0.0.0 0.0.0.0 203.0.113.1`]);
  });

  it('warns about what it does not model, at the line, in both languages', () => {
    const { warnings } = parseAsa(asa01Text, ASA01, 'asa01');
    const lines = warnings.map((w) => `${w.loc.line}:${w.loc.column} ${w.en}`);
    expect(lines).toEqual([
      '42:2 object vendor-portal: an FQDN is not an address set bunkatsu can know (everything in a permit, nothing in a deny)',
      '45:2 NAT is not modelled (addresses are matched as configured, before translation)',
      '67:84 access-list INSIDE_IN line 7: ICMP type "echo" is read as all of ICMP',
      '78:1 failover is not modelled: the configuration is read as one ASA',
      '80:1 VPN (crypto, tunnel-group, webvpn) is not modelled: traffic through tunnels is not analysed',
    ]);
    expect(warnings.every((w) => w.ja.length > 0 && w.ja !== w.en)).toBe(true);
  });
});

describe('parseAsa: security levels, global ACL, ports', () => {
  it('without ACLs: each interface may send to lower levels only', () => {
    // inside 100 → dmz, outside; dmz 50 → outside; outside 0 → nothing (no rule).
    const d = device(BOX);
    expect(d.rules.map((r) => [r.id, r.in, r.out])).toEqual([
      ['level-inside', ['inside'], ['outside', 'dmz']],
      ['level-dmz', ['dmz'], ['outside']],
    ]);
    expect(d.rules[0]!.description).toBe('inside security-level 100: to lower levels');
  });

  it('same-security-traffic permit inter-interface adds the equal levels', () => {
    // dmz2 is also 50: with the command, dmz and dmz2 reach each other; outside (0) still reaches nobody.
    const d = device(
      `${BOX}interface Gi0/3\n nameif dmz2\n security-level 50\n ip address 172.16.1.1 255.255.255.0\nsame-security-traffic permit inter-interface\n`,
    );
    expect(d.rules.map((r) => [r.id, r.out])).toEqual([
      ['level-inside', ['outside', 'dmz', 'dmz2']],
      ['level-dmz', ['outside', 'dmz2']],
      ['level-dmz2', ['outside', 'dmz']],
    ]);
  });

  it('an in ACL replaces the level default of its interface only', () => {
    // outside gets an ACL: its ACEs and implicit deny; inside and dmz keep their level rules.
    const d = device(`${BOX}access-list OUT extended permit tcp any host 172.16.0.10 eq 443\naccess-group OUT in interface outside\n`);
    expect(d.rules.map((r) => r.id)).toEqual(['OUT-l1', 'OUT-implicit-deny', 'level-inside', 'level-dmz']);
  });

  it('a global ACL follows the interface ACLs, applies to every interface, and the level default is gone', () => {
    // With access-group global: no implicit deny after OUT (the global ACEs come next), no level rules.
    const d = device(
      `${BOX}access-list OUT extended permit tcp any host 172.16.0.10 eq 443\naccess-list G extended deny ip any host 10.0.0.5\naccess-list G extended permit icmp any any\naccess-group OUT in interface outside\naccess-group G global\n`,
    );
    expect(d.rules.map((r) => [r.id, r.in])).toEqual([
      ['OUT-l1', ['outside']],
      ['G-l1', undefined],
      ['G-l2', undefined],
    ]);
  });

  it('reads port operators eq, lt, gt, range and protocol numbers', () => {
    const d = device(
      `${BOX}access-list A extended permit tcp any any lt 1024\naccess-list A extended permit udp any any gt 60000\naccess-list A extended permit tcp any any range 8000 8080\naccess-list A extended permit 47 any any\naccess-list A extended deny tcp any eq 25 any\naccess-group A in interface inside\n`,
    );
    expect(d.rules.slice(0, 5).map((r) => r.services)).toEqual([
      [tcp(0, 1023)],
      [udp(60001, 65535)],
      [tcp(8000, 8080)],
      [{ protoLo: 47, protoHi: 47, portLo: 0, portHi: 65535 }],
      // "eq 25" after the source is a source port: not modelled (warned), any destination port.
      [tcp(0, 65535)],
    ]);
  });

  it('an FQDN object in a deny stands for no address', () => {
    const d = device(`${BOX}object network f\n fqdn example.jp\naccess-list A extended deny ip any object f\naccess-group A in interface inside\n`);
    expect(ruleById(d, 'A-l1').dst).toEqual([]);
  });

  it('one ACL bound in on two interfaces is one block for both (ids stay unique)', () => {
    // outside (level 0, no ACL) has no lower level: no level rule.
    const d = device(`${BOX}access-list A extended permit tcp any any eq 443\naccess-group A in interface inside\naccess-group A in interface dmz\n`);
    expect(d.rules.map((r) => [r.id, r.in])).toEqual([
      ['A-l1', ['inside', 'dmz']],
      ['A-implicit-deny', ['inside', 'dmz']],
    ]);
  });

  it('IPv6 addresses in objects, groups and ACEs match no IPv4 packet', () => {
    // g = the IPv4 host 10.0.0.9 and an IPv6 host (dropped); o6 is IPv6 only.
    const d = device(
      `${BOX}object network o6\n host 2001:db8::1\nobject-group network g\n network-object host 10.0.0.9\n network-object host 2001:db8::2\n network-object 2001:db8::/32\naccess-list A extended permit ip object-group g any\naccess-list A extended permit ip object o6 any\naccess-list A extended permit ip host 2001:db8::3 2001:db8::/32\naccess-group A in interface inside\n`,
    );
    expect([ruleById(d, 'A-l1').src, ruleById(d, 'A-l2').src, ruleById(d, 'A-l3').src, ruleById(d, 'A-l3').dst]).toEqual([set('10.0.0.9'), [], [], []]);
  });

  it('any6 matches no IPv4 packet; any4 every one', () => {
    const d = device(`${BOX}access-list A extended permit ip any6 any6\naccess-list A extended permit ip any4 any\naccess-group A in interface inside\n`);
    expect([ruleById(d, 'A-l1').src, ruleById(d, 'A-l2').src]).toEqual([[], ALL]);
  });
});

describe('parseAsa: malformed input', () => {
  it('a bad netmask is a syntax error at the word', () => {
    expect(refused(`${BOX}access-list A extended permit ip 10.0.0.0 255.0.255.0 any\n`)).toEqual({
      code: 'BNK_ERR_SYNTAX',
      at: 'bad.cfg:16:43',
      message: '"255.0.255.0" is not a netmask (e.g. 255.255.255.0)',
    });
  });

  it('an object nobody defines is an unknown reference', () => {
    expect(refused(`${BOX}access-list A extended permit ip object nope any\n`)).toMatchObject({
      code: 'BNK_ERR_UNKNOWN_REF',
      at: 'bad.cfg:16:41',
    });
  });

  it('a group that contains itself is an error', () => {
    const r = refused(
      `${BOX}object-group network a\n group-object b\nobject-group network b\n group-object a\naccess-list A extended permit ip object-group a any\n`,
    );
    expect(r.code).toBe('BNK_ERR_SYNTAX');
    expect(r.message).toContain('contains itself (a → b → a)');
  });

  it('an access-group on a nameif nobody has, a bad direction, a bad security level', () => {
    expect(refused(`${BOX}access-list A extended permit ip any any\naccess-group A in interface wan\n`).at).toBe('bad.cfg:17:29');
    expect(refused(`${BOX}access-list A extended permit ip any any\naccess-group A both interface inside\n`).code).toBe('BNK_ERR_SYNTAX');
    expect(refused('interface Gi0/0\n nameif x\n security-level 200\n').at).toBe('bad.cfg:3:2');
  });

  it('an ACE without permit or deny, an indented line with nothing above it', () => {
    expect(refused('access-list A extended allow ip any any\n').at).toBe('bad.cfg:1:24');
    expect(refused(' nameif inside\n').at).toBe('bad.cfg:1:2');
  });
});

describe('composeTopology with an ASA', () => {
  it('loads as a topology: rules cite the ACE, the out ACL is bound, the site file gives domains', () => {
    const site = loadSite(readFileSync(resolve(`${DIR}/site.yaml`), 'utf8'), `${DIR}/site.yaml`);
    const { doc } = composeTopology([parseAsa(asa01Text, ASA01, 'asa01')], site);
    const network = loadImported(doc as Record<string, unknown>, 'imported');
    const decl = (doc.devices as Array<{ interfaces: Array<{ name: string; out?: string[] }>; acls?: Record<string, unknown[]> }>)[0]!;
    expect(decl.interfaces.find((f) => f.name === 'servers')!.out).toEqual(['SERVERS_OUT']);
    expect(Object.keys(decl.acls!)).toEqual(['SERVERS_OUT']);
    const asa = network.devices.find((x) => x.id === 'asa01')!;
    expect(at(asa.rules.find((r) => r.id === 'INSIDE_IN-l5')!.loc)).toBe(`${ASA01}:65:1 access-list INSIDE_IN line 5`);
    expect(network.zones.map((z) => `${z.id} ${z.domain}`)).toEqual(['internet public-internet', 'lg-office lgwan', 'lg-servers lgwan', 'mn-office mynumber']);
  });
});
