// `--lang ja` leaves no English: every command that prints prose is run in Japanese on the
// samples (every topology, violation, change, broken file, the import fixtures and the Stanford
// slice), and each ASCII word of its output must be an identifier of the input, an address, a
// path, an option, or on the short allow-list below.

import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { InputError } from '../../src/errors.ts';
import { parseAsa } from '../../src/import/asa.ts';
import type { ImportWarning } from '../../src/import/config.ts';
import { parseContainerlab } from '../../src/import/containerlab.ts';
import { parseFortigate } from '../../src/import/fortigate.ts';
import { parseIptables } from '../../src/import/iptables.ts';
import { parseIpAddr, parseIpRoute } from '../../src/import/linux.ts';
import { parseNetbox } from '../../src/import/netbox.ts';
import { parseNftables } from '../../src/import/nftables.ts';
import { parsePaloalto } from '../../src/import/paloalto.ts';
import { parseRtx } from '../../src/import/rtx.ts';
import { parseStanford, type StanfordFiles } from '../../src/import/stanford.ts';
import { diagnosticText, japaneseMessage } from '../../src/report/diagnostics.ts';
import { importWarningText } from '../../src/report/import.ts';
import { RULE_TITLES } from '../../src/report/messages.ts';
import { runCli, seedPack, TODAY } from '../helpers.ts';

/**
 * Words that stay as they are in Japanese text, and why:
 * - names: bunkatsu (the product), LGWAN, ASP (LGWAN-ASP), APKeep, Stanford, Java (a published
 *   figure's implementation), Web (Web閲覧), VLAN, YAML, JSON, UTF, CIDR, NUL, URL, ID, CPU,
 *   EPP, EDR (the guideline's own abbreviations), NetBox (the inventory product);
 * - what the user writes in the topology and sees quoted back: field names (zone, via, relays,
 *   controls, cloudServices, model, intents, exceptions, services, domain, address, addresses,
 *   count, interface, content, in, out, from, to, action) and their values (any, permit, deny,
 *   deliver, drop, mail, web, file, epp, edr, mfa, alpha, beta);
 * - protocol and service names (tcp, udp, sctp, icmp, https, smtp, …), engine names (fast, reference);
 * - seed, pack: the bundled policy pack's own name, data of policies/seed.yaml;
 * - ms, MB: units; true, false: YAML values;
 * - NAT, FQDN, VPN, ICMP: terms Japanese network documents write as they are; nat, ipset, webvpn:
 *   configuration keywords an importer warning quotes; rule, line: the PAN-OS and ASA importers'
 *   labels `rule "name"` and `access-list NAME line 7`, which quote the configuration; PPP, PPPoE:
 *   as NAT (YAMAHA RTX warnings);
 * - title, flowchart, TB, subgraph, end: Mermaid's own syntax in `diagram --format mermaid`;
 * - the names of products and their own terms, which Japanese documents write as they are: VDOM
 *   (FortiGate), vsys (PAN-OS), PP (YAMAHA RTX), ASA, NetBox, containerlab, API, IP, TCP, UDP, DHCP,
 *   SNAT, NGFW, OSPF, BGP, RIP, IPsec, FortiGate, RTX; yaml: the file name ending .yaml.
 */
const ALLOWED = new Set(
  (
    'bunkatsu LGWAN ASP APKeep Stanford Java Web VLAN YAML JSON UTF CIDR NUL URL ID CPU EPP EDR NetBox ' +
    'zone via relays controls cloudServices model intents exceptions services domain address addresses count interface content in out from to action ' +
    'any permit deny deliver drop mail web file epp edr mfa alpha beta ' +
    'tcp udp sctp icmp http https smtp pop imap dns ntp ssh rdp ldap smb ' +
    'fast reference seed pack ms MB true false ' +
    'NAT FQDN VPN ICMP nat ipset webvpn rule line PPP PPPoE ' +
    'title flowchart TB subgraph end ' +
    'IP VDOM vsys PP ASA NetBox containerlab API TCP UDP DHCP SNAT NGFW OSPF BGP RIP IPsec FortiGate RTX yaml'
  ).split(' '),
);

/** Keys whose values are prose or enumerations, not identifiers (an enumeration printed in English is what the test looks for). */
const NOT_IDENTIFIERS = new Set(['kind', 'action', 'role', 'model', 'content', 'method', 'purpose', 'description', 'title']);

/** Every identifier written in an input file: string values of YAML/JSON (but the keys above), and every word of other text files. */
function identifiersOf(files: readonly string[]): Set<string> {
  // The rule ids and domain ids of the seed pack are identifiers too.
  const ids = new Set<string>([...Object.keys(RULE_TITLES), ...Object.keys(seedPack().domains)]);
  const add = (text: string): void => {
    for (const w of text.split(/[^A-Za-z0-9_.:/#@*-]+/)) if (w) ids.add(w);
  };
  const walk = (value: unknown, key?: string): void => {
    if (typeof value === 'string') {
      if (!key || !NOT_IDENTIFIERS.has(key)) add(value);
    } else if (Array.isArray(value)) for (const v of value) walk(v, key);
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, k);
  };
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    if (/\.(ya?ml|json)$/.test(file)) {
      for (const m of text.matchAll(/^[\s-]*([A-Za-z][\w-]*):/gm)) ids.add(m[1]!); // field names, even in a file that does not parse
      try {
        walk(parse(text));
      } catch {
        // A broken sample: its identifiers come back quoted, and quotes are skipped.
      }
    } else add(text);
  }
  return ids;
}

/** The English words of `text`: ASCII words that are no identifier, address, path, option, quoted input or allowed word. */
function englishWords(text: string, ids: ReadonlySet<string>): string[] {
  const stripped = text
    .replace(/"[^"\n]*"/g, ' ') // quoted input
    .replace(/--[a-z][\w-]*/g, ' ') // options
    .replace(/\bin \/ out\b/g, ' ') // the in / out fields of a rule
    .replace(/^(\S+:\d+:\d+) .*? 警告:/gm, '$1 警告:'); // what stands at an import warning's place, quoted from the configuration
  const found = new Set<string>();
  for (const token of stripped.split(/[^A-Za-z0-9_.:/#@*'-]+/)) {
    const word = token.replace(/^[.:'/-]+|[.:'/-]+$/g, '');
    if (!/[A-Za-z]/.test(word)) continue;
    // Identifiers, addresses, paths, services: anything with a digit or a joining character.
    if (/[0-9_.:/#@*-]/.test(word)) continue;
    if (ids.has(word) || ALLOWED.has(word) || word.length === 1) continue;
    found.add(word);
  }
  return [...found];
}

/** The fixture files of a folder (not its sub-folders of outside test data, nor READMEs). */
const dir = (path: string): string[] =>
  readdirSync(path, { withFileTypes: true })
    .filter((f) => f.isFile() && !f.name.endsWith('.md'))
    .map((f) => join(path, f.name));
const TOPOLOGIES = dir('topologies').filter((f) => f.endsWith('.yaml'));
const VIOLATIONS = dir('topologies/violations');
const CHANGES = dir('topologies/changes');
const BROKEN = dir('topologies/broken');
const IMPORTS = 'tests/fixtures/import';
const SLICE = 'tests/fixtures/stanford-slice';
const out = mkdtempSync(join(tmpdir(), 'bunkatsu-ja-'));
// A change file with a typo in a rule id, for the review's own errors.
const TYPO = join(out, 'typo.yaml');
writeFileSync(TYPO, 'bunkatsu-change: 1\nchanges:\n  - remove-rule: { device: lg-edge-fw, rule: e-aps }\n');
// An ASA configuration whose access-group names an ACL it does not define, for an importer's error on the command line.
const BAD_ASA = join(out, 'bad.cfg');
writeFileSync(BAD_ASA, 'hostname a\naccess-group NONE in interface inside\n');
// A site file naming an interface and a vendor zone no device has, leaving the other interfaces in no zone; and one with an unknown field.
const ODD_SITE = join(out, 'odd-site.yaml');
writeFileSync(ODD_SITE, 'bunkatsu-site: 1\nzones:\n  - id: lg-office\n    domain: lgwan\n    interfaces: [fw01:nosuch]\n    vendorZones: [fw01:nosuch]\n');
const BAD_SITE = join(out, 'bad-site.yaml');
writeFileSync(BAD_SITE, 'bunkatsu-site: 1\nzones:\n  - id: lg-office\n    domian: lgwan\n');

/** Each command: its arguments (without --lang ja) and the input files whose identifiers it may print. */
const RUNS: ReadonlyArray<readonly [string, readonly string[], readonly string[]]> = [
  ...[...TOPOLOGIES, ...VIOLATIONS].map((f) => [`check ${f}`, ['check', f, '--today', TODAY], [f]] as const),
  ...TOPOLOGIES.map((f) => [`trace ${f}`, ['trace', f, 'lg-office', 'any', 'https'], [f]] as const),
  ['trace (no path)', ['trace', 'topologies/alpha-city.yaml', 'mn-tax-term', 'inet-public', 'smtp'], ['topologies/alpha-city.yaml']],
  ...CHANGES.map((c) => [`review ${c}`, ['review', 'topologies/alpha-city.yaml', c, '--today', TODAY], ['topologies/alpha-city.yaml', c]] as const),
  ...['sanitized-communication', 'intent-reachability', 'firewall-hygiene'].map(
    (v) =>
      [
        `review → ${v}`,
        ['review', 'topologies/alpha-city.yaml', `topologies/violations/${v}.yaml`, '--today', TODAY],
        ['topologies/alpha-city.yaml', `topologies/violations/${v}.yaml`],
      ] as const,
  ),
  ['simulate --down', ['simulate', 'topologies/alpha-city.yaml', '--down', 'lg-edge-fw', '--today', TODAY], ['topologies/alpha-city.yaml']],
  ['simulate --sweep', ['simulate', 'topologies/alpha-city.yaml', '--sweep', 'n-1', '--today', TODAY], ['topologies/alpha-city.yaml']],
  ['matrix', ['matrix', 'topologies/alpha-city.yaml'], ['topologies/alpha-city.yaml']],
  ['matrix --level domain', ['matrix', 'topologies/beta-city.yaml', '--level', 'domain'], ['topologies/beta-city.yaml']],
  ['matrix --format csv (通信マトリクス)', ['matrix', 'topologies/alpha-city.yaml', '--format', 'csv'], ['topologies/alpha-city.yaml']],
  ['diagram (zone graph, mermaid)', ['diagram', 'topologies/alpha-city.yaml', '--format', 'mermaid'], ['topologies/alpha-city.yaml']],
  [
    'diagram of a finding (mermaid)',
    ['diagram', 'topologies/violations/path-separation.yaml', '--format', 'mermaid', '--finding', 'path-separation:lg-office:inet-servers', '--today', TODAY],
    ['topologies/violations/path-separation.yaml'],
  ],
  ...dir('tests/fixtures/dataplane').map((f) => [`dataplane ${f}`, ['dataplane', f, '--level', 'port'], [f]] as const),
  ['replay', ['replay', SLICE], [join(SLICE, 'topo.txt'), join(SLICE, 'vlan.txt'), join(SLICE, 'updates'), ...dir(join(SLICE, 'acls'))]],
  ...BROKEN.map((f) => [`check ${f}`, ['check', f], [f]] as const),
  ['a missing file', ['check', 'topologies/no-such-file.yaml'], []],
  ['a bad option value', ['check', 'topologies/alpha-city.yaml', '--today', '2026-02-30'], []],
  ['review of a change naming no such rule', ['review', 'topologies/alpha-city.yaml', TYPO], [TYPO]],
  ['review of a broken change', ['review', 'topologies/alpha-city.yaml', 'topologies/broken/schema.yaml'], ['topologies/broken/schema.yaml']],
  // Each vendor's import, and the same with --strict: its warnings as errors (BNK_ERR_IMPORT_STRICT).
  ...(['fortigate', 'paloalto', 'asa', 'rtx', 'iptables', 'nftables'] as const).flatMap((vendor) => {
    const files = dir(join(IMPORTS, vendor));
    // RTX's folder also holds outside test data (MIT, PROVENANCE.md): its own config is branch.conf.
    const configs = files.filter((f) => !f.endsWith('site.yaml') && !/\.(addr|route)$/.test(f) && (vendor !== 'rtx' || f.endsWith('.conf')));
    const extra =
      vendor === 'iptables' || vendor === 'nftables' ? ['--addresses', join(IMPORTS, vendor, 'gw.addr'), '--routes', join(IMPORTS, vendor, 'gw.route')] : [];
    const args = ['import', vendor, ...configs, '--site', join(IMPORTS, vendor, 'site.yaml'), ...extra, '-o', join(out, `${vendor}.yaml`)];
    return [[`import ${vendor}`, args, files] as const, [`import ${vendor} --strict`, [...args, '--strict'], files] as const];
  }),
  ...[ODD_SITE, BAD_SITE].map(
    (site) =>
      [
        `import with the site file ${site}`,
        ['import', 'fortigate', join(IMPORTS, 'fortigate/fw01.conf'), '--site', site, '-o', join(out, 'site.yaml')],
        [join(IMPORTS, 'fortigate/fw01.conf'), site],
      ] as const,
  ),
  ['import with a bad --config', ['import', 'netbox', join(IMPORTS, 'netbox/export.json'), '--config', 'frob:x'], [join(IMPORTS, 'netbox/export.json')]],
  [
    'import iptables of an addresses file given as a rules file',
    ['import', 'iptables', join(IMPORTS, 'iptables/gw.rules'), '--addresses', join(IMPORTS, 'iptables/gw.addr'), join(IMPORTS, 'iptables/gw.addr')],
    [join(IMPORTS, 'iptables/gw.rules')],
  ],
  [
    'import of a bad configuration',
    ['import', 'fortigate', join(IMPORTS, 'fortigate/fw01.conf'), '--config', `asa:${BAD_ASA}`],
    [join(IMPORTS, 'fortigate/fw01.conf'), BAD_ASA],
  ],
  [
    'import containerlab',
    ['import', 'containerlab', join(IMPORTS, 'containerlab/city.clab.yml'), '--site', join(IMPORTS, 'containerlab/site.yaml'), '-o', join(out, 'clab.yaml')],
    [...dir(join(IMPORTS, 'containerlab')), ...dir(join(IMPORTS, 'fortigate'))],
  ],
  ['import netbox', ['import', 'netbox', join(IMPORTS, 'netbox/export.json'), '-o', join(out, 'netbox.yaml')], dir(join(IMPORTS, 'netbox'))],
  [
    'import netbox (pg_dump of the demo data, limited to a site)',
    [
      'import',
      'netbox',
      'tests/fixtures/netbox-demo/netbox-demo-v4.2-excerpt.sql',
      '--site',
      'tests/fixtures/netbox-demo/akron-site.yaml',
      '-o',
      join(out, 'demo.yaml'),
    ],
    dir('tests/fixtures/netbox-demo'),
  ],
  ['import stanford (a bad --at)', ['import', 'stanford', SLICE, '--at', 'x'], []],
];

describe('--lang ja prints no English', () => {
  it.each(RUNS)('%s', async (_name, args, inputs) => {
    const r = await runCli([...args, '--lang', 'ja']);
    expect(r.code).not.toBe(3);
    const text = `${r.out}\n${r.err}`;
    expect(text.trim()).not.toBe('');
    expect(englishWords(text, identifiersOf(inputs))).toEqual([]);
  });

  it('the checker finds English: the same hop in English fails it', () => {
    const ids = identifiersOf(['topologies/alpha-city.yaml']);
    expect(englishWords('- router lg-core1, in office, out edge', ids)).toEqual(['router']);
    expect(englishWords('結果: denied 1', ids)).toEqual(['denied']);
    expect(englishWords('- ルータ lg-core1（受信 office、送信 edge）', ids)).toEqual([]);
  });
});

// ── The importers' own errors and warnings ───────────────────────────────────────────────────
// Each importer is run on its fixtures (and Batfish's), on those fixtures cut short and with a
// character taken out at many places, and on small bad configurations aimed at its error paths;
// every diagnostic and warning it gives must read in Japanese. The words of the configuration are
// its identifiers, but for the words of English prose below: a configuration may contain "not" or
// "defined" in a description, an importer's Japanese text may not.
const PROSE = new Set(
  (
    'is are not the an and or of with without has have no defined expected missing needs unknown closed never before after ' +
    'contains itself twice modelled ignored left read skipped section sections error warning must cannot only'
  ).split(' '),
);

const IMPORTERS: Readonly<Record<string, (text: string, file: string) => { warnings: readonly ImportWarning[] }>> = {
  fortigate: (t, f) => parseFortigate(t, f, 'fw'),
  paloalto: (t, f) => parsePaloalto(t, f, 'pa'),
  asa: (t, f) => parseAsa(t, f, 'asa'),
  rtx: (t, f) => parseRtx(t, f, 'rtx'),
  iptables: (t, f) => parseIptables(t, f, 'gw'),
  nftables: (t, f) => parseNftables(t, f, 'gw'),
  netbox: (t, f) => parseNetbox(t, f),
  containerlab: (t, f) => {
    const lab = parseContainerlab(t, f, () => '');
    return { warnings: [...lab.inventory.warnings, ...lab.configs.flatMap((c) => c.warnings)] };
  },
  'ip addr': (t, f) => {
    const warnings: ImportWarning[] = [];
    parseIpAddr(t, f, warnings);
    return { warnings };
  },
  'ip route': (t, f) => {
    const warnings: ImportWarning[] = [];
    parseIpRoute(t, f, parseIpAddr(readFileSync(join(IMPORTS, 'iptables/gw.addr'), 'utf8'), 'gw.addr', []), warnings);
    return { warnings };
  },
};

const FIXTURES: ReadonlyArray<readonly [string, string]> = (
  [
    ['fortigate', 'fortigate/fw01.conf'],
    ['fortigate', 'fortigate/fw02.conf'],
    ...dir(join(IMPORTS, 'fortigate/batfish')).map((f) => ['fortigate', f.slice(IMPORTS.length + 1)] as const),
    ['paloalto', 'paloalto/pa01.xml'],
    ['paloalto', 'paloalto/pa02.set'],
    ...dir(join(IMPORTS, 'paloalto/batfish')).map((f) => ['paloalto', f.slice(IMPORTS.length + 1)] as const),
    ['asa', 'asa/asa01.cfg'],
    ...dir(join(IMPORTS, 'asa/batfish')).map((f) => ['asa', f.slice(IMPORTS.length + 1)] as const),
    ['rtx', 'rtx/branch.conf'],
    ['iptables', 'iptables/gw.rules'],
    ...dir(join(IMPORTS, 'iptables/batfish-lab'))
      .filter((f) => f.endsWith('.v4'))
      .map((f) => ['iptables', f.slice(IMPORTS.length + 1)] as const),
    ['nftables', 'nftables/gw.nft'],
    ['netbox', 'netbox/export.json'],
    ['netbox', 'netbox/roles.json'],
    ['containerlab', 'containerlab/city.clab.yml'],
    ['ip addr', 'iptables/gw.addr'],
    ['ip route', 'iptables/gw.route'],
  ] as Array<readonly [string, string]>
).filter(([, f]) => !/(LICENSE|PROVENANCE)$/.test(f));

/** A PAN-OS configuration of one vsys holding `vsys`, and the device's `network`. */
const panos = (vsys: string, network = ''): string =>
  `<config><devices><entry name="d"><network>${network}</network><vsys><entry name="vsys1">${vsys}</entry></vsys></entry></devices></config>`;
/** A PAN-OS rule from `source` (an address) with `service`. */
const panosRule = (source: string, service = 'any'): string =>
  `<rulebase><security><rules><entry name="r"><from><member>any</member></from><to><member>any</member></to><source><member>${source}</member></source><destination><member>any</member></destination><service><member>${service}</member></service><application><member>any</member></application><action>allow</action></entry></rules></security></rulebase>`;
/** A FortiOS policy from `srcaddr` with `service`, after the objects in `objects`. */
const fortiPolicy = (objects: string, srcaddr: string, service = 'ALL'): string =>
  `${objects}config firewall policy\n edit 1\n  set srcintf "any"\n  set dstintf "any"\n  set srcaddr "${srcaddr}"\n  set dstaddr "all"\n  set service "${service}"\n  set action accept\n next\nend\n`;

/** Small configurations, each aimed at one error or warning of its importer. */
const BAD_CONFIGS: ReadonlyArray<readonly [string, string]> = [
  ['fortigate', 'config firewall address\n edit "a"\n  edit "b"\n'],
  ['fortigate', fortiPolicy('config firewall address\n edit "a"\n  set type iprange\n  set start-ip 10.0.0.9\n  set end-ip 10.0.0.1\n next\nend\n', 'a')],
  ['fortigate', fortiPolicy('config firewall service custom\n edit "s"\n  set protocol IP\n  set protocol-number 300\n next\nend\n', 'all', 's')],
  ['fortigate', fortiPolicy('config firewall service custom\n edit "s"\n  set tcp-portrange 99999\n next\nend\n', 'all', 's')],
  ['fortigate', fortiPolicy('config firewall addrgrp\n edit "g"\n  set member "h"\n next\n edit "h"\n  set member "g"\n next\nend\n', 'g')],
  [
    'fortigate',
    'config firewall vip\n edit "v"\n next\nend\nconfig router ospf\n set router-id 1.1.1.1\nend\nconfig vpn ipsec phase1-interface\n edit "t"\n next\nend\n',
  ],
  [
    'paloalto',
    panos('<address><entry name="a"><ip-netmask>10.0.0.1/24</ip-netmask></entry><entry name="a"><ip-netmask>10.0.0.2/24</ip-netmask></entry></address>'),
  ],
  ['paloalto', panos(`<address><entry name="a"><ip-netmask>10.0.0.x/24</ip-netmask></entry></address>${panosRule('a')}`)],
  ['paloalto', panos(`<address><entry name="a"><ip-range>10.0.0.9</ip-range></entry></address>${panosRule('a')}`)],
  ['paloalto', panos(panosRule('nosuch'))],
  ['paloalto', panos(panosRule('10.0.0.9-10.0.0.1'))],
  ['paloalto', panos(`<service><entry name="s"><protocol><tcp><port>99999</port></tcp></protocol></entry></service>${panosRule('any', 's')}`)],
  ['paloalto', panos(`<service><entry name="s"><protocol/></entry></service>${panosRule('any', 's')}`)],
  ['paloalto', panos(panosRule('any', 'nosuch'))],
  [
    'paloalto',
    panos(
      '',
      '<virtual-router><entry name="vr"><routing-table><ip><static-route><entry name="x"><destination>10.0.0.0/8</destination><metric>x</metric></entry></static-route></ip></routing-table></entry></virtual-router>',
    ),
  ],
  [
    'paloalto',
    panos(
      '',
      '<virtual-router><entry name="vr"><routing-table><ip><static-route><entry name="x"><destination>10.0.0.1</destination></entry></static-route></ip></routing-table></entry></virtual-router>',
    ),
  ],
  ['paloalto', 'text<config/>'],
  ['paloalto', '<![CDATA[x]]><config/>'],
  ['paloalto', '</config>'],
  ['paloalto', '< config/>'],
  ['paloalto', '<config><a b/></config>'],
  ['paloalto', '<config a="1></config>'],
  ['paloalto', '<config'],
  ['paloalto', '<!-- only a comment -->'],
  ['paloalto', '<config><![CDATA[open'],
  ['paloalto', '<?xml version="1.0"'],
  ['paloalto', '<config><a></b></config>'],
  ['paloalto', '<config><a x="1"y="2"/></config>'],
  ['nftables', 'table inet filter { set s { type ipv4_addr; elements = { 10.0.0.1 10.0.0.2 } } }\n'],
  ['nftables', 'chain c { }\n'],
  [
    'netbox',
    '{"devices": [{"name": "a"}], "interfaces": [{"id": 1, "name": "e0", "device": {"name": "a"}}], "ip_addresses": [{"address": "10.0.0.1/24", "assigned_object": {"device": {"name": "a"}, "name": "e0"}}, {"address": "10.0.0.2/24", "assigned_object": {"device": {"name": "a"}, "name": "e0"}}]}',
  ],
  ['fortigate', 'config system interface\n edit "a" "b"\n next\nend\n'],
  ['fortigate', 'config\nend\n'],
  ['fortigate', 'edit "x"\n'],
  ['fortigate', 'config firewall address\n edit "x"\n next\n edit "x"\n next\nend\n'],
  ['fortigate', 'next\n'],
  ['fortigate', 'end\n'],
  ['fortigate', 'set x 1\n'],
  ['fortigate', 'config system global\n set\nend\n'],
  ['fortigate', 'frobnicate\n'],
  ['fortigate', 'config system interface\n edit "port1"\n  set ip 10.0.0.1\n next\nend\n'],
  ['fortigate', 'config router static\n edit 1\n  set dst 10.0.0.1\n  set device "port1"\n next\nend\n'],
  ['fortigate', 'config firewall address\n edit "a"\n  set subnet 10.0.0.0\n next\nend\n'],
  ['fortigate', 'config firewall address\n edit "a"\n  set type iprange\n  set start-ip 10.0.0.9\n  set end-ip 10.0.0.1\n next\nend\n'],
  ['fortigate', 'config firewall service custom\n edit "s"\n  set protocol IP\n  set protocol-number 300\n next\nend\n'],
  ['fortigate', 'config firewall service custom\n edit "s"\n  set tcp-portrange 99999\n next\nend\n'],
  [
    'fortigate',
    'config system interface\n edit "port1"\n  set ip 10.0.0.1 255.255.255.0\n next\n edit "port2"\n  set ip 10.0.1.1 255.255.255.0\n next\nend\nconfig firewall policy\n edit 1\n  set srcintf "port1"\n  set dstintf "port2"\n  set srcaddr "nosuch"\n  set dstaddr "all"\n  set service "ALL"\n  set action accept\n next\n edit 2\n  set srcintf "port1"\n  set dstintf "port2"\n  set srcaddr "all"\n  set dstaddr "all"\n  set service "nosuch"\n  set action accept\n next\nend\n',
  ],
  ['fortigate', 'config system interface\n edit "port1"\n  set ip 10.0.0.1 255.255.255.0\n'],
  ['fortigate', 'config system interface\n edit "a\n'],
  ['paloalto', '<config><devices/></config>'],
  ['paloalto', '<other/>'],
  ['paloalto', '<config><devices><entry name="d"/></devices></config>'],
  ['paloalto', '<config><a b=c/></config>'],
  ['paloalto', '<config><a b="c"/></a></config>'],
  ['paloalto', '<config>&bogus;</config>'],
  ['paloalto', '<config>a & b</config>'],
  ['paloalto', '<config a="1" a="2"/>'],
  ['paloalto', '<config/><config/>'],
  ['paloalto', '<!DOCTYPE x><config/>'],
  ['paloalto', '<config><!-- open'],
  ['paloalto', ''],
  ['paloalto', 'delete deviceconfig\n'],
  ['paloalto', 'set\n'],
  ['paloalto', 'set a "b\n'],
  ['asa', ' nameif inside\n'],
  ['asa', 'name 10.0.0.300 web\n'],
  ['asa', 'interface g0\n nameif inside\n security-level 300\n'],
  ['asa', 'interface g0\n nameif inside\n ip address 10.0.0.1\n'],
  ['asa', 'object network\n'],
  ['asa', 'object network a\n range 10.0.0.9 10.0.0.1\n'],
  ['asa', 'object network a\n host\n'],
  ['asa', 'object network a\n subnet 10.0.0.0 255.0.255.0\n'],
  ['asa', 'object-group service g\n port-object eq 80\n'],
  ['asa', 'object service s\n service tcp destination eq 99999\n'],
  ['asa', 'object service s\n service tcp destination range 90 80\n'],
  ['asa', 'object service s\n service tcp destination foo 80\n'],
  ['asa', 'object service s\n service frob\n'],
  ['asa', 'access-list A! extended permit ip any any\n'],
  ['asa', 'access-list A bogus permit ip any any\n'],
  ['asa', 'access-list A extended allow ip any any\n'],
  ['asa', 'access-list A extended permit ip any\n'],
  ['asa', 'access-list A extended permit ip object-group nosuch any\n'],
  ['asa', 'access-list A extended permit ip object nosuch any\n'],
  ['asa', 'access-list A extended permit tcp any any object-group nosuch\n'],
  ['asa', 'access-group NONE in interface inside\n'],
  ['asa', 'access-list A extended permit ip any any\naccess-group A sideways\n'],
  ['asa', 'access-list A extended permit ip any any\naccess-group A in interface nosuch\n'],
  ['asa', 'route nosuch 0.0.0.0 0.0.0.0 10.0.0.1\n'],
  ['rtx', 'ip pp address 10.0.0.1/24\n'],
  ['rtx', 'ip lan1 address\n'],
  ['rtx', 'ip lan1 address 10.0.0.1\n'],
  ['rtx', 'ip lan1 secure filter sideways 1\n'],
  ['rtx', 'ip lan1 secure filter in x\n'],
  ['rtx', 'ip lan1 secure filter in 10\n'],
  ['rtx', 'ip lan1 secure filter in dynamic 10\n'],
  ['rtx', 'ip filter dynamic 10 * * filter 20\nip lan1 secure filter in dynamic 10\n'],
  ['rtx', 'ip filter 0 pass * *\n'],
  ['rtx', 'ip filter 1 pass * *\nip filter 1 pass * *\n'],
  ['rtx', 'ip filter dynamic 1 * * www\nip filter dynamic 1 * * www\n'],
  ['rtx', 'ip filter 1 allow * *\n'],
  ['rtx', 'ip filter 1 pass\n'],
  ['rtx', 'ip filter 1 pass * * tcp * 80 extra\n'],
  ['rtx', 'ip filter dynamic 1 * *\n'],
  ['rtx', 'ip filter dynamic 1 * * filter\n'],
  ['rtx', 'ip filter 1 pass 10.0.0.x *\n'],
  ['rtx', 'ip filter 1 pass * * tcp * 99999\n'],
  ['rtx', 'ip filter 1 pass * * frob\n'],
  ['rtx', 'ip filter 1 pass * * icmp * 80\n'],
  ['rtx', 'ip route\n'],
  ['rtx', 'ip route 10.0.0.x gateway 10.0.0.1\n'],
  ['rtx', 'ip route default via 10.0.0.1\n'],
  ['rtx', 'ip route default gateway\n'],
  ['rtx', 'ip route default gateway pp x\n'],
  ['rtx', 'ip route default gateway dhcp\n'],
  ['rtx', 'ip route default gateway frob\n'],
  ['iptables', '*filter\n*filter\nCOMMIT\n'],
  ['iptables', 'COMMIT\n'],
  ['iptables', '-A INPUT -j ACCEPT\n'],
  ['iptables', '*filter\n:INPUT\nCOMMIT\n'],
  ['iptables', '*filter\n:INPUT ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\nCOMMIT\n'],
  ['iptables', '*filter\n-P\nCOMMIT\n'],
  ['iptables', '*filter\n-X FOO\nCOMMIT\n'],
  ['iptables', '*filter\n-A\nCOMMIT\n'],
  ['iptables', '*filter\n-A NOPE -j ACCEPT\nCOMMIT\n'],
  ['iptables', '*filter\n:FORWARD DROP [0:0]\n-A FORWARD -s\nCOMMIT\n'],
  ['iptables', '*filter\n:FORWARD DROP [0:0]\n-A FORWARD -s 10.0.0.x -j ACCEPT\nCOMMIT\n'],
  ['iptables', '*filter\n:FORWARD DROP [0:0]\n-A FORWARD -p frob -j ACCEPT\nCOMMIT\n'],
  ['iptables', '*filter\n:FORWARD DROP [0:0]\n-A FORWARD -p tcp --dport x -j ACCEPT\nCOMMIT\n'],
  ['iptables', '*filter\n:FORWARD DROP [0:0]\n-A FORWARD -j NOPE\nCOMMIT\n'],
  ['iptables', '*filter\n:FORWARD DROP [0:0]\n-A FORWARD x -j ACCEPT\nCOMMIT\n'],
  ['iptables', '*filter\n:FORWARD DROP [0:0]\n-A FORWARD --dport 80 -j ACCEPT\nCOMMIT\n'],
  ['iptables', '*filter\n:FORWARD DROP [0:0]\n:A - [0:0]\n-A FORWARD -j A\n-A A -j FORWARD\nCOMMIT\n'],
  ['iptables', '*filter\n:FORWARD DROP [0:0]\n-A FORWARD -m comment --comment "open\nCOMMIT\n'],
  ['nftables', 'table inet filter {\n'],
  ['nftables', '}\n'],
  ['nftables', ', x\n'],
  ['nftables', 'table inet filter { set s { elements = { 1 2 } } }\n'],
  ['nftables', 'table inet filter { set s { elements = { 1; } } }\n'],
  ['nftables', 'frob\n'],
  ['nftables', 'table inet filter { chain c { } chain c { } }\n'],
  ['nftables', 'table inet filter { chain forward { type filter hook forward priority 0; ip saddr } }\n'],
  ['nftables', 'table inet filter { chain forward { type filter hook forward priority 0; ip saddr @nope accept } }\n'],
  ['nftables', 'table inet filter { chain forward { type filter hook forward priority 0; ip saddr 10.0.0.x accept } }\n'],
  ['nftables', 'table inet filter { chain forward { type filter hook forward priority 0; ip protocol frob accept } }\n'],
  ['nftables', 'table inet filter { chain forward { type filter hook forward priority 0; tcp dport x accept } }\n'],
  ['nftables', 'table inet filter { chain forward { type filter hook forward priority 0; jump nope } }\n'],
  ['nftables', 'table inet filter { chain forward { type filter hook forward priority 0; comment "open } }\n'],
  ['netbox', '[]'],
  ['netbox', '{"devices": 1}'],
  ['netbox', '{"devices": [1]}'],
  ['netbox', '{"frob": []}'],
  ['netbox', '{"devices": [{"name": "a b"}]}'],
  ['netbox', '{"devices": [{"name": "a"}, {"name": "a"}]}'],
  ['netbox', '{"interfaces": [{"name": "e0", "device": {"name": "nope"}}]}'],
  ['netbox', '{"devices": [{"name": "a"}], "interfaces": [{"name": "e 0", "device": {"name": "a"}}]}'],
  ['netbox', '{"ip_addresses": [{"address": "10.0.0.x/24"}]}'],
  ['netbox', '{"ip_addresses": [{"address": "10.0.0.1/24", "assigned_object": {"device": {"name": "nope"}, "name": "e0"}}]}'],
  ['netbox', '{"prefixes": [{"prefix": "10.0.0.1/24"}]}'],
  ['containerlab', 'name: x\n'],
  ['containerlab', 'topology:\n  nodes:\n    a: 1\n'],
  ['containerlab', 'topology:\n  nodes:\n    "a b": {kind: linux}\n'],
  ['containerlab', 'topology:\n  nodes:\n    a: {}\n'],
  ['containerlab', 'topology:\n  nodes:\n    a: {kind: linux}\n  links: 1\n'],
  ['containerlab', 'topology:\n  nodes:\n    a: {kind: linux}\n  links:\n    - endpoints: ["a:e0"]\n'],
  ['containerlab', 'topology:\n  nodes:\n    a: {kind: linux}\n  links:\n    - endpoints: ["a", "b:e0"]\n'],
  ['containerlab', 'topology:\n  nodes:\n    a: {kind: linux}\n  links:\n    - endpoints: ["a:e0", "b:e0"]\n'],
  ['containerlab', 'topology:\n  nodes:\n    a: {kind: linux}\n    b: {kind: frob}\n  links:\n    - endpoints: ["a:e0", "host:x"]\n'],
  ['ip addr', '2: eth0: <UP>\n    inet 10.0.0.x/24 scope global eth0\n'],
  ['ip addr', '    inet 10.0.0.1/24 scope global eth0\n'],
  ['ip addr', '[1'],
  ['ip addr', '{}'],
  ['ip addr', '2: eth0: <UP>\n    inet 10.0.0.1/24 scope global eth0\n    inet 10.0.1.1/24 scope global eth0\n2: b@d: <UP>\n    inet 10.0.2.1/24\n'],
  ['ip route', '10.0.0.x/8 dev eth0\n'],
  ['ip route', '[1'],
  ['ip route', '{}'],
  ['ip route', '10.9.0.0/16 via 10.0.0.1 dev nosuch\n10.8.0.0/16 via 10.0.0.1\n'],
];

/** Every text a run of an importer prints for this input, in Japanese (errors and warnings), and whether all of it is the importer's own Japanese. */
function japaneseOf(importer: string, text: string, file: string): string[] {
  try {
    return IMPORTERS[importer]!(text, file).warnings.map((w) => importWarningText(w, 'ja'));
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    // A message the table of src/report/diagnostics.ts does not know would show as its code's meaning and the English in 「」.
    for (const d of error.diagnostics) expect(d.ja ?? japaneseMessage(d.message), `${d.message} has no Japanese`).toBeDefined();
    return error.diagnostics.map((d) => diagnosticText(d, 'ja'));
  }
}

describe("--lang ja: the importers' errors and warnings", () => {
  const seen = new Set<string>();
  const check = (importer: string, text: string, file: string): void => {
    const ids = new Set([...identifiersOf([]), ...text.split(/[^A-Za-z0-9_.:/#@*-]+/)].filter((w) => !PROSE.has(w)));
    for (const line of japaneseOf(importer, text, file)) {
      seen.add(line.replace(/^\S+ /, ''));
      expect(englishWords(line, ids), line).toEqual([]);
    }
  };

  it.each(FIXTURES)('%s %s, whole, cut short and with a character taken out', (importer, path) => {
    const text = readFileSync(join(IMPORTS, path), 'utf8');
    check(importer, text, path);
    const step = Math.max(1, Math.floor(text.length / 40));
    for (let at = step; at < text.length; at += step) {
      check(importer, text.slice(0, at), path);
      check(importer, text.slice(0, at) + text.slice(at + 1), path);
    }
  });

  it.each(BAD_CONFIGS)('%s: %j', (importer, text) => check(importer, text, `bad.${importer.replace(' ', '-')}`));

  it("the YAML parser's own reasons (containerlab labs and site files are YAML) read in Japanese", () => {
    // js-yaml's messages that src/model/yaml-source.ts passes on as "not valid YAML: …".
    const reasons = [
      "expected ':' after a mapping key",
      "expected the node content, but found ','",
      'a line break is expected',
      'a whitespace character is expected after the key-value separator within a block mapping',
      'can not read a block mapping entry; a multiline key may not be an implicit key',
      'duplication of an anchor property',
      'alias node should not have any properties',
      'YAML directive accepts exactly one argument',
      'repeat of a chomping mode identifier',
      'tag suffix cannot contain exclamation marks',
      'unexpected end of the stream within a verbatim tag',
    ];
    for (const r of reasons) expect(englishWords(japaneseMessage(`not valid YAML: ${r}`) ?? r, new Set())).toEqual([]);
  });

  it('the checker finds English prose in an importer text', () => {
    const text = 'set x "not defined"';
    const ids = new Set(text.split(/[^A-Za-z0-9_.:/#@*-]+/).filter((w) => !PROSE.has(w)));
    expect(englishWords('bad.conf:1:1 BNK_ERR_SYNTAX 構文が正しくありません（「address "x" is not defined」）', ids)).toEqual(['is', 'not', 'defined']);
  });
});

// The Stanford importer reads a folder, not one file: it is driven on the slice, each of its
// files cut short and with a character taken out, and on small folders aimed at its errors.
// Each of its diagnostics must carry its own Japanese (no code meaning with the English in 「」).
const STANFORD_SLICE: StanfordFiles = {
  dir: SLICE,
  topo: readFileSync(join(SLICE, 'topo.txt'), 'utf8'),
  vlan: readFileSync(join(SLICE, 'vlan.txt'), 'utf8'),
  aclFiles: readdirSync(join(SLICE, 'acls')),
  updates: readFileSync(join(SLICE, 'updates'), 'utf8'),
};

/** Two routers linked both ways by p1, a_rtr with ACL "1" (its file in acls/), no VLANs and no updates: valid. */
const LINK = 'a_rtr p1 b_rtr p1\nb_rtr p1 a_rtr p1\n';
const STANFORD_BASE: StanfordFiles = { dir: 'bad', topo: LINK, vlan: '', aclFiles: ['a_rtr_1'], updates: '' };
const ACL_LINE = (rest: string): string => `+ acl a_rtr_1 access-list 1 ${rest}`;

const BAD_STANFORD: ReadonlyArray<Partial<StanfordFiles>> = [
  { topo: 'a_rtr p1 b_rtr\n' },
  { topo: 'a p1 b_rtr p1\nb_rtr p1 a p1\n' },
  { aclFiles: ['a_rtr_1', 'zz_rtr_1'] },
  { topo: `${LINK}a_rtr p2 a_rtr_1_p2_x_in inport\n` },
  { topo: `${LINK}b_rtr p2 a_rtr_9_p2_in inport\n` },
  { topo: `${LINK}b_rtr p2 a_rtr_1_p2_in inport\na_rtr_1_p2_in deny a_rtr p2\n` },
  { topo: `${LINK}b_rtr p2 a_rtr_1_p2_in frob\n` },
  { topo: `${LINK}a_rtr p!1 b_rtr p1\n` },
  { topo: `${LINK}b_rtr p2 a_rtr_1_p2_in inport\n` },
  { topo: `${LINK}b_rtr p2 a_rtr_1_p2_in inport\na_rtr_1_p2_in permit b_rtr p2\n` },
  { aclFiles: ['a_rtr_1', 'a_rtr_2'], topo: `${LINK}b_rtr p2 a_rtr_1_p2_in inport\nb_rtr p3 a_rtr_2_p2_in inport\n` },
  {
    aclFiles: ['a_rtr_1', 'a_rtr_2'],
    topo: `${LINK}b_rtr p2 a_rtr_1_p2_in inport\na_rtr_1_p2_in permit a_rtr_2_p2_in inport\na_rtr_2_p2_in permit a_rtr p2\nb_rtr p3 a_rtr_2_p2_in inport\n`,
  },
  { aclFiles: ['a_rtr_1', 'a_rtr_2'], topo: `${LINK}a_rtr p2 a_rtr_1_p2_out inport\na_rtr_1_p2_out permit a_rtr_2_p3_out inport\n` },
  { topo: 'a_rtr p1 b_rtr p1\na_rtr p1 a_rtr_1_p1_out inport\na_rtr_1_p1_out permit b_rtr p1\nb_rtr p1 a_rtr p1\n' },
  { topo: 'a_rtr p2 a_rtr_1_p1_out inport\na_rtr_1_p1_out permit b_rtr p1\nb_rtr p1 a_rtr p1\n' },
  { topo: 'b_rtr p1 a_rtr p1\nb_rtr p2 a_rtr_1_p1_in inport\na_rtr_1_p1_in permit a_rtr p1\na_rtr p1 b_rtr p1\n' },
  { topo: 'a_rtr p1 b_rtr p1\n' },
  { vlan: 'a_rtr vlan1\n' },
  { vlan: 'zz_rtr vlan1 p1\n' },
  { vlan: 'a_rtr frob p1\n' },
  { vlan: 'a_rtr vlan1 p1\na_rtr vlan1 p2\n' },
  { vlan: 'a_rtr vlan1 p1 p1 vlan2\n' },
  { updates: '* fwd a_rtr 0 0 p1 0\n' },
  { updates: '+ frob\n' },
  { updates: '+ fwd a_rtr 0 0 p1\n' },
  { updates: '+ fwd zz_rtr 0 0 p1 0\n' },
  { updates: '+ fwd a_rtr x 0 p1 0\n' },
  { updates: '+ fwd a_rtr 0 33 p1 0\n' },
  { updates: '+ fwd a_rtr 1 8 p1 0\n' },
  { updates: '+ fwd a_rtr 0 0 p!1 0\n' },
  { updates: '+ fwd a_rtr 0 0 vlan9 0\n' },
  { updates: '+ fwd a_rtr 0 0 p1 x\n' },
  { updates: '+ fwd a_rtr 0 0 p1 0\n+ fwd a_rtr 0 0 p1 0\n' },
  { updates: '+ fwd a_rtr 0 0 p1 0\n- fwd a_rtr 0 0 p2 0\n' },
  { updates: '- fwd a_rtr 0 0 p1 0\n' },
  { updates: '+ acl a_rtr_1 access-list 1 permit\n' },
  { updates: '+ acl a_rtr_9 access-list 9 permit 0 255 any null null null any null null null 10\n' },
  { updates: '+ acl a_rtr_1 frob 1 permit 0 255 any null null null any null null null 10\n' },
  { updates: '+ acl a_rtr_1 access-list 2 permit 0 255 any null null null any null null null 10\n' },
  { updates: ACL_LINE('allow 0 255 any null null null any null null null 10\n') },
  { updates: ACL_LINE('permit null 6 any null null null any null null null 10\n') },
  { updates: ACL_LINE('permit 300 null any null null null any null null null 10\n') },
  { updates: ACL_LINE('permit 0 300 any null null null any null null null 10\n') },
  { updates: ACL_LINE('permit 17 6 any null null null any null null null 10\n') },
  { updates: ACL_LINE('permit 0 255 any 0.0.0.255 null null any null null null 10\n') },
  { updates: ACL_LINE('permit 0 255 10.0.0.x null null null any null null null 10\n') },
  { updates: ACL_LINE('permit 0 255 10.0.0.0 0.0.x.255 null null any null null null 10\n') },
  { updates: ACL_LINE('permit 0 255 10.0.0.1 0.0.0.255 null null any null null null 10\n') },
  { updates: ACL_LINE('permit 6 6 any null 80 80 any null null null 10\n') },
  { updates: ACL_LINE('permit 0 255 any null null null any null 80 80 10\n') },
  { updates: ACL_LINE('permit 6 17 any null null null any null null null 10\n') },
  { updates: ACL_LINE('permit 0 255 any null null null any null null null x\n') },
  { updates: '- acl a_rtr_1 access-list 1 permit 0 255 any null null null any null null null 10\n' },
];

describe("--lang ja: the Stanford importer's errors", () => {
  const check = (files: StanfordFiles): void => {
    // The folder's own names (acls/, topo.txt, …) are words of the input too.
    const words = ['acls', 'topo.txt', 'vlan.txt', 'updates', files.topo, files.vlan, files.updates, ...files.aclFiles]
      .join(' ')
      .split(/[^A-Za-z0-9_.:/#@*-]+/);
    const ids = new Set([...identifiersOf([]), ...words].filter((w) => !PROSE.has(w)));
    try {
      parseStanford(files);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      for (const d of error.diagnostics) {
        expect(d.ja, `${d.message} has no Japanese`).toBeDefined();
        const line = diagnosticText(d, 'ja');
        expect(englishWords(line, ids), line).toEqual([]);
      }
    }
  };

  it.each(['topo', 'vlan', 'updates'] as const)('the slice, its %s cut short and with a character taken out', (key) => {
    check(STANFORD_SLICE);
    const text = STANFORD_SLICE[key];
    const step = Math.max(1, Math.floor(text.length / 40));
    for (let at = step; at < text.length; at += step) {
      check({ ...STANFORD_SLICE, [key]: text.slice(0, at) });
      check({ ...STANFORD_SLICE, [key]: text.slice(0, at) + text.slice(at + 1) });
    }
  });

  it.each(BAD_STANFORD)('%j', (bad) => {
    const files = { ...STANFORD_BASE, ...bad };
    // Each input is aimed at an error: it must be refused.
    expect(() => parseStanford(files)).toThrow(InputError);
    check(files);
  });
});
