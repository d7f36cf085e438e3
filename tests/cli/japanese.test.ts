// `--lang ja` leaves no English: every command that prints prose is run in Japanese on the
// samples (every topology, violation, change, broken file, the import fixtures and the Stanford
// slice), and each ASCII word of its output must be an identifier of the input, an address, a
// path, an option, or on the short allow-list below.

import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
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
 * - protocol and service names (tcp, udp, icmp, https, smtp, …), engine names (fast, reference);
 * - seed, pack: the bundled policy pack's own name, data of policies/seed.yaml;
 * - ms, MB: units; true, false: YAML values;
 * - NAT, FQDN, VPN, ICMP: terms Japanese network documents write as they are; nat, ipset, webvpn:
 *   configuration keywords an importer warning quotes; rule, line: the PAN-OS and ASA importers'
 *   labels `rule "name"` and `access-list NAME line 7`, which quote the configuration; PPP, PPPoE:
 *   as NAT (YAMAHA RTX warnings);
 * - title, flowchart, TB, subgraph, end: Mermaid's own syntax in `diagram --format mermaid`.
 */
const ALLOWED = new Set(
  (
    'bunkatsu LGWAN ASP APKeep Stanford Java Web VLAN YAML JSON UTF CIDR NUL URL ID CPU EPP EDR NetBox ' +
    'zone via relays controls cloudServices model intents exceptions services domain address addresses count interface content in out from to action ' +
    'any permit deny deliver drop mail web file epp edr mfa alpha beta ' +
    'tcp udp icmp http https smtp pop imap dns ntp ssh rdp ldap smb ' +
    'fast reference seed pack ms MB true false ' +
    'NAT FQDN VPN ICMP nat ipset webvpn rule line PPP PPPoE ' +
    'title flowchart TB subgraph end'
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
  ...(['fortigate', 'paloalto', 'asa', 'rtx', 'iptables', 'nftables'] as const).map((vendor) => {
    const files = dir(join(IMPORTS, vendor));
    // RTX's folder also holds outside test data (MIT, PROVENANCE.md): its own config is branch.conf.
    const configs = files.filter((f) => !f.endsWith('site.yaml') && !/\.(addr|route)$/.test(f) && (vendor !== 'rtx' || f.endsWith('.conf')));
    const extra =
      vendor === 'iptables' || vendor === 'nftables' ? ['--addresses', join(IMPORTS, vendor, 'gw.addr'), '--routes', join(IMPORTS, vendor, 'gw.route')] : [];
    return [
      `import ${vendor}`,
      ['import', vendor, ...configs, '--site', join(IMPORTS, vendor, 'site.yaml'), ...extra, '-o', join(out, `${vendor}.yaml`)],
      files,
    ] as const;
  }),
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
