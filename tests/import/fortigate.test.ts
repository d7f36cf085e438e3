// The FortiGate importer: the FortiOS parser (statements, objects, policies, routes, VDOMs,
// malformed text at its line:column), and the topology it composes with and without a site
// file. Expected values are worked out by hand from the configurations in the comments.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import type { ConfigDevice, ConfigRule } from '../../src/import/config.ts';
import { composeTopology } from '../../src/import/compose.ts';
import { parseFortigate, parseFortiosTree } from '../../src/import/fortigate.ts';
import { loadSite } from '../../src/import/site.ts';
import { loadImported } from '../../src/model/load.ts';
import { ALL } from '../../src/net/intervals.ts';
import { at, ip, set } from './helpers.ts';

const DIR = 'tests/fixtures/import/fortigate';
const FW01 = `${DIR}/fw01.conf`;
const fw01Text = readFileSync(resolve(FW01), 'utf8');

function device(text: string, name = 'fw'): ConfigDevice {
  const { devices } = parseFortigate(text, 'test.conf', name);
  expect(devices).toHaveLength(1);
  return devices[0]!;
}

const ruleById = (d: ConfigDevice, id: string): ConfigRule => d.rules.find((r) => r.id === id)!;

/** The one diagnostic of a refused parse: its code, line:column and message. */
function refused(text: string): { code: string; at: string; message: string } {
  try {
    parseFortigate(text, 'bad.conf', 'fw');
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    expect(error.diagnostics).toHaveLength(1);
    const d = error.diagnostics[0]!;
    return { code: d.code, at: `${d.loc.file}:${d.loc.line}:${d.loc.column}`, message: d.message };
  }
  throw new Error('accepted');
}

/** Interfaces and a two-port box, then the given sections. */
const BOX = `config system interface
    edit "in"
        set ip 10.0.0.1 255.255.255.0
    next
    edit "out"
        set ip 192.0.2.1 255.255.255.0
    next
end
`;

describe('FortiOS statements', () => {
  it('reads config/edit/set/next/end with quoted values, several values and multi-line strings', () => {
    const top = parseFortiosTree(
      `#config-version=FGT60F-7.2.5\nconfig firewall addrgrp\n    edit "two words"\n        set member "a b" c\n        set comment "line one\nline two"\n    next\nend\n`,
      'x.conf',
    );
    expect(top).toHaveLength(1);
    const edit = top[0]!.edits[0]!;
    expect(edit.name).toBe('two words');
    expect(edit.sets.get('member')!.values).toEqual(['a b', 'c']);
    expect(edit.sets.get('comment')!.values).toEqual(['line one\nline two']);
    // The statement's location is its first word: line 4, column 9.
    expect(edit.sets.get('member')!.loc).toEqual({ file: 'x.conf', line: 4, column: 9 });
  });

  it('reads a file saved with a byte order mark and CRLF line ends', () => {
    const top = parseFortiosTree('\uFEFF#config-version=FGT60F\r\nconfig system global\r\n    set hostname "fw"\r\nend\r\n', 'x.conf');
    expect(top[0]!.sets.get('hostname')).toEqual({ values: ['fw'], loc: { file: 'x.conf', line: 3, column: 5 } });
  });

  it('accepts "end" in place of the last "next", and append adds values', () => {
    const top = parseFortiosTree('config system zone\n  edit "z"\n    set interface "a"\n    append interface "b"\nend\n', 'x.conf');
    expect(top[0]!.edits[0]!.sets.get('interface')!.values).toEqual(['a', 'b']);
  });

  it.each([
    ['an unterminated quote', 'config system global\n    set hostname "fw01\n', 'BNK_ERR_SYNTAX', 'bad.conf:2:18', /unterminated/],
    ['"next" without "edit"', 'config system interface\n    next\nend\n', 'BNK_ERR_SYNTAX', 'bad.conf:2:5', /"next" without an "edit"/],
    ['an unclosed section', 'config firewall policy\n    edit 1\n    next\n', 'BNK_ERR_SYNTAX', 'bad.conf:1:1', /never closed/],
    ['"end" with nothing open', 'end\n', 'BNK_ERR_SYNTAX', 'bad.conf:1:1', /"end" without/],
    ['an unknown statement', 'config system global\n    sett hostname x\nend\n', 'BNK_ERR_SYNTAX', 'bad.conf:2:5', /unknown statement "sett"/],
    [
      'a bad interface address',
      'config system interface\n  edit "p1"\n    set ip 10.0.0.1 255.0.255.0\n  next\nend\n',
      'BNK_ERR_SYNTAX',
      'bad.conf:3:5',
      /not an address and netmask/,
    ],
    [
      'an address nobody defines',
      `${BOX}config firewall policy\n  edit 1\n    set srcintf "in"\n    set dstintf "out"\n    set srcaddr "ghost"\n    set dstaddr "all"\n    set service "ALL"\n    set action accept\n  next\nend\n`,
      'BNK_ERR_UNKNOWN_REF',
      'bad.conf:13:5',
      /address "ghost" is not defined/,
    ],
    [
      'a group that contains itself',
      `${BOX}config firewall addrgrp\n  edit "g"\n    set member "g"\n  next\nend\nconfig firewall policy\n  edit 1\n    set srcaddr "g"\n    set dstaddr "all"\n    set service "ALL"\n    set action accept\n  next\nend\n`,
      'BNK_ERR_SYNTAX',
      'bad.conf:10:3',
      /contains itself/,
    ],
  ])('refuses %s at its line:column', (_what, text, code, where, message) => {
    const r = refused(text);
    expect(r.code).toBe(code);
    expect(r.at).toBe(where);
    expect(r.message).toMatch(message);
  });
});

describe('FortiGate objects and policies (fixture fw01.conf)', () => {
  const { devices, warnings } = parseFortigate(fw01Text, FW01, 'fw01');
  const fw = devices[0]!;

  it('is one device named by its hostname, with its interfaces and their subnets', () => {
    expect(devices.map((d) => d.id)).toEqual(['fw01']);
    expect(fw.interfaces.map((f) => f.name)).toEqual(['port1', 'port2', 'port3', 'port4', 'port5']);
    // port2: set ip 10.20.0.1 255.255.248.0 -> 10.20.0.0/21; port3: set ip 10.20.10.1/24.
    expect(fw.interfaces[1]!.address!.subnet).toEqual({ lo: ip('10.20.0.0'), hi: ip('10.20.7.255'), length: 21 });
    expect(fw.interfaces[2]!.address!.subnet.length).toBe(24);
    expect(fw.interfaces[4]!.address).toBeUndefined();
    // config system zone "lg-zone": port2 port3.
    expect(fw.interfaces.filter((f) => f.vendorZone === 'lg-zone').map((f) => f.name)).toEqual(['port2', 'port3']);
  });

  it('keeps policies in configured order and leaves out the disabled one (policy 5)', () => {
    expect(fw.rules.map((r) => r.id)).toEqual(['p1', 'p12', 'p27', 'p30']);
  });

  it('expands a system zone into its interfaces and resolves an address group (policy 1)', () => {
    const p1 = ruleById(fw, 'p1');
    expect(p1.in).toEqual(['port2', 'port3']);
    expect(p1.out).toEqual(['port2', 'port3']);
    // lg-office 10.20.0.0/21 -> lg-servers = { lg-file-server 10.20.10.10/32 }.
    expect(p1.src).toEqual(set('10.20.0.0-10.20.7.255'));
    expect(p1.dst).toEqual(set('10.20.10.10'));
    // SMB tcp/445 and PING (ICMP type 8, read as all of ICMP), ordered by protocol.
    expect(p1.services).toEqual([
      { protoLo: 1, protoHi: 1, portLo: 0, portHi: 65535 },
      { protoLo: 6, protoHi: 6, portLo: 445, portHi: 445 },
    ]);
    expect(at(p1.origin)).toBe(`${FW01}:112:5 policy 1 "lg-to-files"`);
  });

  it('reads an iprange object (policy 12 denies the printers 10.20.7.100-120)', () => {
    const p12 = ruleById(fw, 'p12');
    expect(p12.action).toBe('deny');
    expect(p12.src).toEqual(set('10.20.7.100-10.20.7.120'));
    expect(p12.dst).toEqual([...ALL]);
  });

  it('resolves nested groups (lg-all = lg-office + lg-servers{lg-file-server}) and service groups (WEB = HTTP + HTTPS)', () => {
    const p27 = ruleById(fw, 'p27');
    expect(p27.src).toEqual(set('10.20.0.0-10.20.7.255', '10.20.10.10'));
    expect(p27.services.map((t) => `${t.protoLo}/${t.portLo}-${t.portHi}`)).toEqual(['6/80-80', '6/443-443']);
  });

  it('negates dstaddr (policy 30: every address but lg-office 10.20.0.0/21) and resolves nested service groups with port ranges', () => {
    const p30 = ruleById(fw, 'p30');
    expect(p30.dst).toEqual(set('0.0.0.0-10.19.255.255', '10.20.8.0-255.255.255.255'));
    // LG-APPS = WEB{HTTP, HTTPS} + JUKI-APP{tcp 8443, tcp 8500-8510 (source ports ignored), udp 8443}.
    expect(p30.services.map((t) => `${t.protoLo}/${t.portLo}-${t.portHi}`)).toEqual(['6/80-80', '6/443-443', '6/8443-8443', '6/8500-8510', '17/8443-8443']);
  });

  it('installs connected subnets and the static routes of lowest distance; a blackhole is a drop', () => {
    const routes = fw.routes.map(
      (r) => `${r.action} ${r.prefix.lo === 0 && r.prefix.length === 0 ? 'default' : r.prefix.length} ${r.interfaces.join(',')} ${r.origin.label}`,
    );
    // Static route 3 (0.0.0.0/0, distance 20) loses to static route 1 (distance 10).
    expect(routes).toEqual([
      'forward 30 port1 interface "port1"',
      'forward 21 port2 interface "port2"',
      'forward 24 port3 interface "port3"',
      'forward 24 port4 interface "port4"',
      'forward default port1 static route 1',
      'drop 16  static route 2',
    ]);
  });

  it('warns, with file:line, about what it reads approximately', () => {
    const lines = warnings.map((w) => `${w.loc.line} ${w.en}`);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^104 config firewall vip: virtual IPs/),
        expect.stringMatching(/^35 interface "port5" is administratively down/),
        expect.stringMatching(/^85 policy 1 "lg-to-files": service "PING" matches one ICMP type/),
        expect.stringMatching(/^152 policy 27 "lg-to-inet": source NAT is not modelled/),
        expect.stringMatching(/^88 service "JUKI-APP": source ports 1024-65535/),
      ]),
    );
    expect(warnings).toHaveLength(5);
    for (const w of warnings) expect(w.ja.length).toBeGreaterThan(0);
  });
});

describe('FortiGate semantics on small configurations', () => {
  const policy = (body: string, sections = ''): ConfigDevice =>
    device(`${BOX}${sections}config firewall policy\n    edit 7\n        set srcintf "in"\n        set dstintf "out"\n${body}    next\nend\n`);

  it('srcaddr-negate and service-negate take the complement', () => {
    const d = policy(
      '        set srcaddr "all"\n        set srcaddr-negate enable\n        set dstaddr "all"\n        set service "HTTPS"\n        set service-negate enable\n        set action deny\n',
    );
    // The complement of every address is empty: the rule matches nothing (compose leaves it out).
    const r = ruleById(d, 'p7');
    expect(r.src).toEqual([]);
    // Every protocol 0-255 but tcp/443: tcp keeps 0-442 and 444-65535.
    expect(r.services.filter((t) => t.protoLo === 6).map((t) => `${t.portLo}-${t.portHi}`)).toEqual(['0-442', '444-65535']);
    expect(r.services.filter((t) => t.protoLo !== 6)).toHaveLength(255);
  });

  it('an address group with exclude-member subtracts it', () => {
    const d = policy(
      '        set srcaddr "g"\n        set dstaddr "all"\n        set service "ALL"\n        set action accept\n',
      'config firewall address\n    edit "net"\n        set subnet 10.0.0.0 255.255.255.0\n    next\n    edit "gw"\n        set subnet 10.0.0.1 255.255.255.255\n    next\nend\nconfig firewall addrgrp\n    edit "g"\n        set member "net"\n        set exclude enable\n        set exclude-member "gw"\n    next\nend\n',
    );
    expect(ruleById(d, 'p7').src).toEqual(set('10.0.0.0', '10.0.0.2-10.0.0.255'));
  });

  it('an action-less policy is a deny (the FortiOS default); a missing policy action is not a permit', () => {
    const d = policy('        set srcaddr "all"\n        set dstaddr "all"\n        set service "ALL"\n');
    expect(ruleById(d, 'p7').action).toBe('deny');
  });

  it('an address it cannot read widens a permit to any and narrows a deny to nothing, with a warning', () => {
    const fqdn = 'config firewall address\n    edit "site"\n        set type fqdn\n        set fqdn "example.jp"\n    next\nend\n';
    const text = (action: string): string =>
      `${BOX}${fqdn}config firewall policy\n    edit 1\n        set srcaddr "all"\n        set dstaddr "site"\n        set service "ALL"\n        set action ${action}\n    next\nend\n`;
    const permit = parseFortigate(text('accept'), 'f.conf', 'fw');
    expect(permit.devices[0]!.rules[0]!.dst).toEqual([...ALL]);
    expect(permit.warnings.map((w) => w.en)).toEqual([expect.stringMatching(/address "site" cannot be read.*every address/)]);
    const deny = parseFortigate(text('deny'), 'f.conf', 'fw');
    expect(deny.devices[0]!.rules[0]!.dst).toEqual([]);
  });

  it('a virtual IP in dstaddr (DNAT, not modelled) widens a permit, with a warning, instead of failing the import', () => {
    const vip = 'config firewall vip\n    edit "web"\n        set extip 192.0.2.10\n        set mappedip "10.0.0.10"\n    next\nend\n';
    const { devices, warnings } = parseFortigate(
      `${BOX}${vip}config firewall policy\n    edit 1\n        set srcaddr "all"\n        set dstaddr "web"\n        set service "HTTPS"\n        set action accept\n    next\nend\n`,
      'f.conf',
      'fw',
    );
    expect(devices[0]!.rules[0]!.dst).toEqual([...ALL]);
    expect(warnings.map((w) => w.en)).toEqual([expect.stringMatching(/config firewall vip/), expect.stringMatching(/address "web" cannot be read/)]);
  });

  it('IP protocol services and predefined services the file does not define', () => {
    const d = policy(
      '        set srcaddr "all"\n        set dstaddr "all"\n        set service "GRE" "DNS"\n        set action accept\n',
      'config firewall service custom\n    edit "GRE"\n        set protocol IP\n        set protocol-number 47\n    next\nend\n',
    );
    expect(ruleById(d, 'p7').services.map((t) => `${t.protoLo}/${t.portLo}-${t.portHi}`)).toEqual(['6/53-53', '17/53-53', '47/0-65535']);
  });

  it('a zone with intrazone allow is a permit between its interfaces before every policy, with a warning', () => {
    const { devices, warnings } = parseFortigate(
      `${BOX}config system zone\n    edit "both"\n        set intrazone allow\n        set interface "in" "out"\n    next\nend\nconfig firewall policy\n    edit 1\n        set srcintf "both"\n        set dstintf "both"\n        set srcaddr "all"\n        set dstaddr "all"\n        set service "ALL"\n        set action deny\n    next\nend\n`,
      'f.conf',
      'fw',
    );
    const rules = devices[0]!.rules;
    expect(rules.map((r) => `${r.id} ${r.action} ${r.in} ${r.out}`)).toEqual(['intrazone-both permit in,out in,out', 'p1 deny in,out in,out']);
    expect(at(rules[0]!.origin)).toBe('f.conf:11:9 zone "both" intrazone allow');
    expect(warnings.map((w) => w.loc.line)).toEqual([11]);
  });

  it('secondary interface addresses are a warning at their section', () => {
    const { warnings } = parseFortigate(
      'config system interface\n    edit "p1"\n        set ip 10.0.0.1 255.255.255.0\n        set secondary-IP enable\n        config secondaryip\n            edit 1\n                set ip 10.9.0.1 255.255.255.0\n            next\n        end\n    next\nend\n',
      'f.conf',
      'fw',
    );
    expect(warnings.map((w) => `${w.loc.line}:${w.loc.column} ${w.en}`)).toEqual([
      expect.stringMatching(/^5:9 interface "p1": secondary addresses are not modelled/),
    ]);
  });

  it('an unknown srcintf in a permit reads as any interface, with a warning', () => {
    const { devices, warnings } = parseFortigate(
      `${BOX}config firewall policy\n    edit 1\n        set srcintf "ssl.root"\n        set dstintf "out"\n        set srcaddr "all"\n        set dstaddr "all"\n        set service "ALL"\n        set action accept\n    next\nend\n`,
      'f.conf',
      'fw',
    );
    expect(devices[0]!.rules[0]!.in).toBeUndefined();
    expect(devices[0]!.rules[0]!.out).toEqual(['out']);
    expect(warnings[0]!.loc.line).toBe(11);
  });

  it('VDOMs are separate devices, each with its own interfaces, objects and policies', () => {
    const text = `config vdom
edit root
next
edit dmz
next
end
config global
config system global
    set hostname "edge"
end
config system interface
    edit "port1"
        set vdom "root"
        set ip 10.1.0.1 255.255.255.0
    next
    edit "port2"
        set vdom "dmz"
        set ip 10.2.0.1 255.255.255.0
    next
end
end
config vdom
edit root
config firewall policy
    edit 1
        set srcaddr "all"
        set dstaddr "all"
        set service "ALL"
        set action accept
    next
end
next
edit dmz
config router static
    edit 1
        set device "port2"
        set gateway 10.2.0.254
    next
end
next
end
`;
    const { devices } = parseFortigate(text, 'edge.conf', 'edge');
    expect(devices.map((d) => [d.id, d.interfaces.map((f) => f.name), d.rules.length, d.routes.length])).toEqual([
      ['edge.root', ['port1'], 1, 1],
      ['edge.dmz', ['port2'], 0, 2],
    ]);
  });
});

describe('composing a topology', () => {
  const fw01 = parseFortigate(fw01Text, FW01, 'fw01');

  it('without a site file: each connected subnet a zone without a domain; the default-route subnet is the default zone', () => {
    const { doc } = composeTopology([fw01]);
    const zones = doc.zones as Array<Record<string, unknown>>;
    expect(zones.map((z) => [z.id, z.domain, z.default])).toEqual([
      ['net-10.10.0.0-24', undefined, undefined],
      ['net-10.20.0.0-21', undefined, undefined],
      ['net-10.20.10.0-24', undefined, undefined],
      ['net-203.0.113.0-30', undefined, true],
    ]);
    // It loads (domainless) and its rules carry their FortiGate locations.
    const network = loadImported(doc as Record<string, unknown>, 'imported', { domainless: true });
    const p27 = network.devices[0]!.rules.find((r) => r.id === 'p27')!;
    expect(at(p27.loc)).toBe(`${FW01}:143:5 policy 27 "lg-to-inet"`);
    expect(network.zones.every((z) => z.domain === 'unassigned')).toBe(true);
  });

  it('with the site file: zones by interface, by prefix and the device inventory', () => {
    const site = loadSite(readFileSync(resolve(`${DIR}/site.yaml`), 'utf8'), `${DIR}/site.yaml`);
    const { doc, warnings } = composeTopology([fw01], site);
    const zones = doc.zones as Array<Record<string, unknown>>;
    expect(zones.map((z) => [z.id, z.domain, z.subnets])).toEqual([
      ['internet', 'public-internet', ['203.0.113.0/30']],
      ['lg-office', 'lgwan', ['10.20.0.0/21']],
      // port3's 10.20.10.0/24 lies in the declared prefix: nothing added.
      ['lg-servers', 'lgwan', ['10.20.10.0/24']],
      ['mn-office', 'mynumber', ['10.10.0.0/24']],
    ]);
    const fw = (doc.devices as Array<Record<string, unknown>>)[0]!;
    expect(fw.zone).toBe('lg-servers');
    expect(warnings.filter((w) => w.loc.file.endsWith('site.yaml'))).toEqual([]);
  });

  it("carries the site file's gateways, hosts and intents into the topology, after the imported devices", () => {
    const site = loadSite(
      `bunkatsu-site: 1
zones:
  - { id: lg-office, domain: lgwan, interfaces: [fw01:port2] }
devices:
  - id: mail-san
    kind: sanitizer
    method: mail-text
    interfaces: [{ name: a, zone: lg-office, address: 10.20.0.50 }]
    relays: []
hosts:
  - { id: t1, zone: lg-office, role: terminal, address: 10.20.0.5 }
intents:
  - { id: mail, from: t1, to: mail-san, service: smtp, purpose: メール }
`,
      'site.yaml',
    );
    const { doc } = composeTopology([fw01], site);
    const network = loadImported(doc as Record<string, unknown>, 'imported', { domainless: true });
    expect(network.devices.map((d) => `${d.id} ${d.kind}`)).toEqual(['fw01 firewall', 'mail-san sanitizer']);
    expect(network.devices[1]!.method).toBe('mail-text');
    expect(network.hosts.map((h) => h.id)).toEqual(['t1']);
    expect(network.intents.map((i) => i.id)).toEqual(['mail']);
  });

  it("carries an α' site file's approved cloud services into the topology", () => {
    const site = loadSite(
      `bunkatsu-site: 1
model: alpha-prime
zones:
  - { id: lg-office, domain: lgwan, interfaces: [fw01:port2] }
cloudServices:
  - { id: saas, to: 203.0.113.0/24, service: https, justification: 文書作成, approver: CISO, expires: 2027-03-31 }
`,
      'site.yaml',
    );
    const { doc } = composeTopology([fw01], site);
    const network = loadImported(doc as Record<string, unknown>, 'imported', { domainless: true });
    expect(network.model).toBe('alpha-prime');
    expect(network.cloudServices.map((c) => c.id)).toEqual(['saas']);
  });

  it('a site selector naming no imported interface is a warning at its line in the site file', () => {
    const site = loadSite('bunkatsu-site: 1\nzones:\n  - id: a\n    domain: lgwan\n    interfaces: [fw01:port9]\n', 'site.yaml');
    const { warnings } = composeTopology([fw01], site);
    const w = warnings.find((x) => x.loc.file === 'site.yaml')!;
    expect(w.loc.line).toBe(5);
    expect(w.en).toMatch(/no imported device has interface "fw01:port9"/);
  });

  it('a site file with an unknown field is refused at its line', () => {
    try {
      loadSite('bunkatsu-site: 1\nzones:\n  - id: a\n    domain: lgwan\n    subnet: [10.0.0.0/8]\n', 'site.yaml');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      const d = (error as InputError).diagnostics[0]!;
      expect([d.code, d.loc.line]).toEqual(['BNK_ERR_SCHEMA', 5]);
      expect(d.message).toMatch(/unknown field "subnet"/);
    }
  });

  it('two configurations with one hostname are refused', () => {
    expect(() => composeTopology([fw01, fw01])).toThrow(/both device "fw01"/);
  });
});
