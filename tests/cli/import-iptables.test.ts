// `bunkatsu import iptables` and `import nftables` end to end on one gateway/proxy host written
// both ways (tests/fixtures/import/iptables, nftables): without a site file trace answers citing
// the rule line, with the site file check gives its verdict citing the configuration line, and a
// re-import is byte for byte the same.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, TODAY } from '../helpers.ts';

const tmp = mkdtempSync(join(tmpdir(), 'bunkatsu-linux-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// The same host both ways; the lines of its rules in each file.
const VENDORS = [
  {
    vendor: 'iptables',
    rules: 'tests/fixtures/import/iptables/gw.rules',
    dir: 'tests/fixtures/import/iptables',
    direct: { id: 'l21.l29', at: '29:1 -A LG-OUT -o eth0 -p tcp -m multiport --dports 80,443 -j ACCEPT' },
    mnToLg: { id: 'l24', line: 24 },
    warning: '25:19 warning: ipset "blocklist"',
    warningJa: '25:19 警告: ipset "blocklist"',
  },
  {
    vendor: 'nftables',
    rules: 'tests/fixtures/import/nftables/gw.nft',
    dir: 'tests/fixtures/import/nftables',
    direct: { id: 'l23.l34', at: '34:3 oifname "eth0" tcp dport { 80, 443 } accept' },
    mnToLg: { id: 'l26', line: 26 },
    warning: '27:3 warning: expression "meta mark 0x00000001"',
    warningJa: '27:3 警告: 式 "meta mark 0x00000001"',
  },
] as const;

describe.each(VENDORS)('bunkatsu import $vendor', ({ vendor, rules, dir, direct, mnToLg, warning, warningJa }) => {
  const host = ['--addresses', `${dir}/gw.addr`, '--routes', `${dir}/gw.route`];

  it('without a site file: trace answers citing the rule line; the RETURN spares the admin PC', async () => {
    const out = join(tmp, `${vendor}-nosite.yaml`);
    const imported = await runCli(['import', vendor, rules, ...host, '-o', out]);
    expect(imported.code).toBe(0);
    expect(imported.err).toContain(`${rules}:${warning}`);
    // A staff terminal reaches the Internet directly on https (the violation on purpose).
    const web = await runCli(['trace', out, '10.20.0.5', '8.8.8.8', 'https']);
    expect(web.out).toContain('delivered to zone net-203.0.113.0-29');
    expect(web.out).toContain(`rule ${direct.id} (permit) at ${rules}:${direct.at}`);
    // The admin PC returns from the chain before that accept, and the policy drops it.
    const admin = await runCli(['trace', out, '10.20.0.200', '8.8.8.8', 'https']);
    expect(admin.out).toContain('denied by gw (default deny)');
    // The proxy's own connections leave by the Internet segment's chain.
    const proxy = await runCli(['trace', out, '10.30.0.10', '8.8.8.8', 'https']);
    expect(proxy.out).toContain('delivered to zone net-203.0.113.0-29');
  });

  it('with the site file: check fails path separation and My Number isolation, citing the configuration lines', async () => {
    const out = join(tmp, `${vendor}-site.yaml`);
    expect((await runCli(['import', vendor, rules, ...host, '--site', `${dir}/site.yaml`, '-o', out, '-q'])).code).toBe(0);
    const r = await runCli(['check', out, '--today', TODAY, '--format', 'json']);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out) as {
      findings: Array<{ rule: string; subject: string; location: string; permittedBy: Array<{ rule: string; location: string }> }>;
    };
    const separation = json.findings.filter((f) => f.rule === 'path-separation');
    // lg-office → internet directly, by the accept in the LGWAN chain.
    expect(separation.find((f) => f.subject === 'lg-office → internet')?.location).toBe(`${rules}:${direct.at}`);
    // mn-office → lg-office on SMB and RDP, by the accept in the forward chain.
    const isolation = json.findings.find((f) => f.rule === 'mynumber-isolation')!;
    expect(isolation.permittedBy.map((p) => p.rule)).toEqual([mnToLg.id]);
    expect(isolation.location).toMatch(new RegExp(`^${rules.replace(/\./g, '\\.')}:${mnToLg.line}:`));
  });

  it('a re-import is byte for byte the same, in YAML and JSON', async () => {
    for (const ext of ['yaml', 'json']) {
      const a = join(tmp, `${vendor}-a.${ext}`);
      const b = join(tmp, `${vendor}-b.${ext}`);
      await runCli(['import', vendor, rules, ...host, '--site', `${dir}/site.yaml`, '-o', a, '-q']);
      await runCli(['import', vendor, rules, ...host, '--site', `${dir}/site.yaml`, '-o', b, '-q']);
      expect(readFileSync(a, 'utf8')).toBe(readFileSync(b, 'utf8'));
    }
  });

  it('writes warnings in Japanese with --lang ja', async () => {
    const r = await runCli(['import', vendor, rules, ...host, '--lang', 'ja']);
    expect(r.err).toContain(`${rules}:${warningJa}`);
  });

  it('more host files than rules files is a usage error', async () => {
    const r = await runCli(['import', vendor, rules, '--addresses', `${dir}/gw.addr,${dir}/gw.addr`]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--addresses names 2 files for 1 rules files/);
  });
});

it('a malformed iptables-save file is exit 2 with its location, no stack trace', async () => {
  const bad = join(tmp, 'bad.rules');
  writeFileSync(bad, '*filter\n:FORWARD DROP [0:0]\n-A FORWARD -s 10.0.0.0/40 -j ACCEPT\nCOMMIT\n');
  const r = await runCli(['import', 'iptables', bad]);
  expect(r.code).toBe(2);
  expect(r.err).toContain(`${bad}:3:15 BNK_ERR_SYNTAX "10.0.0.0/40" is not an IPv4 address or prefix`);
  expect(r.err).not.toMatch(/at .*\.ts:\d+/);
});
