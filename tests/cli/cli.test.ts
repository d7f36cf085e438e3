// The command line: exit codes, text and JSON output, languages, bad input with locations.

import { describe, expect, it } from 'vitest';
import { CONFIG_VENDORS } from '../../src/cli/commands.ts';
import { VENDOR_IMPORTERS } from '../../src/index.ts';
import { runCli, TODAY } from '../helpers.ts';

describe('bunkatsu check', () => {
  it('reports the α city clean with exit 0', async () => {
    const r = await runCli(['check', 'topologies/alpha-city.yaml', '--today', TODAY]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('No findings.');
    expect(r.out).toMatch(/13 of 13 rules pass/);
  });

  it('exits 1 on a violation and names the rule, the witness path and the deciding rule', async () => {
    const r = await runCli(['check', 'topologies/violations/path-separation.yaml', '--today', TODAY]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/✗ path-separation/);
    expect(r.out).toMatch(/permitted by: .*topologies\/violations\/path-separation\.yaml:\d+:\d+/);
    expect(r.out).toMatch(/rule .* \(permit\) at topologies\/violations\/path-separation\.yaml:\d+:\d+/);
    expect(r.out).toMatch(/= delivered to zone/);
  });

  it('speaks Japanese with --lang ja', async () => {
    const r = await runCli(['check', 'topologies/violations/path-separation.yaml', '--today', TODAY, '--lang', 'ja']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('通信経路の分割');
    expect(r.out).toContain('結果: エラー');
  });

  it('emits JSON with every class and its witness', async () => {
    const r = await runCli(['check', 'topologies/violations/mynumber-isolation.yaml', '--today', TODAY, '--format', 'json']);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out) as {
      summary: { errors: number };
      findings: Array<{ rule: string; classes: Array<{ src: string; witness: { hops: unknown[] } }> }>;
    };
    expect(json.summary.errors).toBeGreaterThan(0);
    const finding = json.findings.find((f) => f.rule === 'mynumber-isolation')!;
    expect(finding.classes.length).toBeGreaterThan(0);
    expect(finding.classes[0]!.witness.hops.length).toBeGreaterThan(1);
  });

  it('exits 2 with file:line:column on a malformed file', async () => {
    const r = await runCli(['check', 'topologies/broken/syntax.yaml']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^topologies\/broken\/syntax\.yaml:\d+:\d+ BNK_ERR_SYNTAX /m);
    expect(r.out).toBe('');
  });

  it('exits 2 listing every semantic error at once', async () => {
    const r = await runCli(['check', 'topologies/broken/semantic.yaml']);
    expect(r.code).toBe(2);
    const codes = new Set([...r.err.matchAll(/:\d+:\d+ (BNK_ERR_[A-Z_]+)/g)].map((m) => m[1]));
    for (const code of ['BNK_ERR_UNKNOWN_REF', 'BNK_ERR_DUPLICATE_ID', 'BNK_ERR_ADDRESS_OUTSIDE_ZONE', 'BNK_ERR_SUBNET_OVERLAP', 'BNK_ERR_INVALID_ADDRESS']) {
      expect(codes).toContain(code);
    }
  });

  it.each([
    ['topologies/broken/alias-bomb.yaml', 'BNK_ERR_ALIAS_LIMIT'],
    ['topologies/broken/proto.yaml', 'BNK_ERR_FORBIDDEN_KEY'],
    ['topologies/broken/schema.yaml', 'BNK_ERR_SCHEMA'],
  ])('refuses %s with %s', async (file, code) => {
    const r = await runCli(['check', file]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(code);
    expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('exits 2 for a missing file, an unknown engine and a bad date', async () => {
    expect((await runCli(['check', 'no/such/file.yaml'])).err).toContain('BNK_ERR_FILE_NOT_FOUND');
    expect((await runCli(['check', 'topologies/alpha-city.yaml', '--engine', 'warp'])).code).toBe(2);
    const date = await runCli(['check', 'topologies/alpha-city.yaml', '--today', 'tomorrow']);
    expect(date.code).toBe(2);
    expect(date.err).toContain('BNK_ERR_USAGE');
  });

  it('applies an expired exception no more', async () => {
    const r = await runCli(['check', 'topologies/alpha-city.yaml', '--today', '2099-01-01', '--format', 'json']);
    expect(r.code).toBe(1);
    const rules = (JSON.parse(r.out) as { findings: Array<{ rule: string }> }).findings.map((f) => f.rule);
    expect(rules).toContain('mynumber-exception-scope');
    expect(rules).toContain('mynumber-isolation');
  });
});

describe('bunkatsu trace', () => {
  it('shows the path and deciding rules of a permitted flow', async () => {
    const r = await runCli(['trace', 'topologies/alpha-city.yaml', 'mn-atena-server', 'chukan-server', 'any']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/delivered to zone chukan-platform/);
    expect(r.out).toMatch(/rule \S+ \(permit\) at topologies\/alpha-city\.yaml:\d+:\d+/);
    expect(r.out).toMatch(/denied by mn-fw/);
  });

  it('rejects an unknown endpoint with exit 2', async () => {
    const r = await runCli(['trace', 'topologies/alpha-city.yaml', 'nowhere', 'chukan-server', 'https']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('"nowhere" is not a zone, host, device');
  });
});

describe('bunkatsu schema', () => {
  it('prints the JSON Schema', async () => {
    const r = await runCli(['schema']);
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.out) as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['zones', 'hosts', 'devices', 'links', 'exceptions', 'intents']));
  });
});

describe('bunkatsu matrix', () => {
  it('prints the α city zone matrix: the grid and each flowing pair with its services', async () => {
    const r = await runCli(['matrix', 'topologies/alpha-city.yaml']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^zone matrix: /);
    expect(r.out).toMatch(/mn-juki-term →\n {2}mn-servers: tcp\/8443\n/);
    // The My Number terminals reach nothing outside their domain.
    expect(r.out).not.toMatch(/mn-juki-term →[^\n]*\n(?: {2}[^\n]+\n)*? {2}lg-/);
  });

  it('CSV and JSON carry the same cells; both engines agree', async () => {
    const csv = await runCli(['matrix', 'topologies/alpha-city.yaml', '--format', 'csv']);
    const json = await runCli(['matrix', 'topologies/alpha-city.yaml', '--format', 'json', '--engine', 'reference']);
    const cells = (JSON.parse(json.out) as { cells: Array<{ from: string; to: string; services: string[] }> }).cells;
    const [head, ...rows] = csv.out.split('\n');
    expect(head).toBe('from,from name,from domain,to,to name,to domain,services,sanitizer,flow intent');
    // The flowing pairs first (from, to, services as in the JSON; no sanitizer, no intent) …
    const pairs = rows.slice(0, cells.length).map((r) => r.split(','));
    expect(pairs.map((r) => [r[0], r[3], r[6], r[7], r[8]])).toEqual(cells.map((c) => [c.from, c.to, c.services.join(' '), '', '']));
    expect(rows).toContain(
      'mn-servers,マイナンバー利用事務系 サーバセグメント,My Number business systems,chukan-platform,中間サーバー・プラットフォーム,national systems (intermediate server etc.),tcp/10443,,',
    );
    // … then the sanitized channels: the α city's mail goes through san-mail (mail-text).
    expect(rows.slice(cells.length).some((r) => /,san-mail \(mail-text\),/.test(r))).toBe(true);
  });

  it('groups by domain with --level domain', async () => {
    const r = await runCli(['matrix', 'topologies/alpha-city.yaml', '--level', 'domain', '--format', 'json']);
    const m = JSON.parse(r.out) as { labels: string[]; cells: Array<{ from: string; to: string }> };
    expect(m.labels).toContain('mynumber');
    expect(m.cells.some((c) => c.from === 'mynumber' && c.to === 'lgwan')).toBe(false);
    expect(m.cells.some((c) => c.from === 'mynumber' && c.to === 'national')).toBe(true);
  });
});

describe('the help of --config', () => {
  // The CLI names the vendors itself (VENDOR_IMPORTERS loads every importer, which check does not need).
  it('names the vendors of the library, in its order', async () => {
    expect(CONFIG_VENDORS).toEqual(Object.keys(VENDOR_IMPORTERS));
    const r = await runCli(['import', 'netbox', '--help']);
    expect(r.code).toBe(0);
    expect(r.out.replace(/\s+/g, ' ')).toContain(`vendors: ${Object.keys(VENDOR_IMPORTERS).join(', ')}`);
  });
});
