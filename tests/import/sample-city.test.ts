// The sample city built from device configurations (topologies/imported/): a FortiGate
// (fw01.conf), a YAMAHA RTX (rtx01.conf) and a Linux iptables host (inet-gw.*) with the site
// file. The committed city.yaml is what the import writes, byte for byte; the city passes every
// rule; variant/fw01.conf (one added policy, 27 "lg-to-inet": the office to the Internet side on
// https) fails path separation, and the finding cites that FortiGate line.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, TODAY } from '../helpers.ts';

const D = 'topologies/imported';
const tmp = mkdtempSync(join(tmpdir(), 'bunkatsu-sample-city-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The import command of the README, with the FortiGate configuration given. */
const importArgs = (fw01: string, out: string): string[] => [
  'import',
  'iptables',
  `${D}/inet-gw.rules`,
  '--addresses',
  `${D}/inet-gw.addr`,
  '--routes',
  `${D}/inet-gw.route`,
  '--site',
  `${D}/site.yaml`,
  '-o',
  out,
  '--config',
  `fortigate:${fw01}`,
  `rtx:${D}/rtx01.conf`,
];

describe('the sample city imported from configurations', () => {
  it('re-importing gives the committed city.yaml byte for byte, without warnings', async () => {
    const out = join(tmp, 'city.yaml');
    const r = await runCli(importArgs(`${D}/fw01.conf`, out));
    // No warning; only the summary of the host's three INPUT rules, which filter its own traffic.
    expect([r.code, r.err]).toEqual([0, `${D}/inet-gw.rules: 3 sections skipped that cannot affect forwarding ("*filter -A INPUT" 3)`]);
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(`${D}/city.yaml`, 'utf8'));
  });

  it('the committed city passes every rule', async () => {
    const r = await runCli(['check', `${D}/city.yaml`, '--today', TODAY, '--format', 'json']);
    const json = JSON.parse(r.out) as { findings: unknown[]; rules: Array<{ id: string; status: string }> };
    expect(json.findings).toEqual([]);
    expect(json.rules.filter((x) => x.status !== 'pass')).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('the variant with policy 27 fails path separation with a witness citing the FortiGate line', async () => {
    const out = join(tmp, 'variant.yaml');
    expect((await runCli(importArgs(`${D}/variant/fw01.conf`, out))).code).toBe(0);
    const r = await runCli(['check', out, '--today', TODAY, '--format', 'json']);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out) as { findings: Array<{ rule: string; location: string; permittedBy: Array<{ rule: string; location: string }> }> };
    const cited = `${D}/variant/fw01.conf:108:5 policy 27 "lg-to-inet"`;
    // Line 108 of the variant is policy 27's "edit 27" (indented 4): lg-office → all on HTTPS out of port6,
    // the Internet side's sanitizer segment. Nothing else differs from fw01.conf.
    expect(readFileSync(`${D}/variant/fw01.conf`, 'utf8').split('\n')[107]).toBe('    edit 27');
    const separation = json.findings.filter((f) => f.rule === 'path-separation');
    expect(separation.map((f) => [f.location, f.permittedBy.map((p) => `${p.rule} ${p.location}`)])).toEqual([[cited, [`p27 ${cited}`]]]);
    // The same policy is also a broad cross-domain permit (to: all): a hygiene warning at that line.
    expect(json.findings.map((f) => f.rule).sort()).toEqual(['firewall-hygiene', 'path-separation']);
    const text = await runCli(['check', out, '--today', TODAY]);
    expect(text.out).toContain(`firewall fw01, in port2, out port6, rule p27 (permit) at ${cited}`);
  });
});
