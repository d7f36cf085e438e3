// `bunkatsu import fortigate` end to end: the imported topology answers trace without a site
// file, check names the zones that need a domain, with the site file check gives its verdict
// citing the FortiGate line, and a re-import is byte for byte the same.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, TODAY } from '../helpers.ts';

const DIR = 'tests/fixtures/import/fortigate';
const FW01 = `${DIR}/fw01.conf`;
const SITE = `${DIR}/site.yaml`;
const tmp = mkdtempSync(join(tmpdir(), 'bunkatsu-fortigate-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('bunkatsu import fortigate', () => {
  it('without a site file: trace answers a packet question citing the policy line', async () => {
    const out = join(tmp, 'nosite.yaml');
    const imported = await runCli(['import', 'fortigate', FW01, '-o', out]);
    expect(imported.code).toBe(0);
    // Warnings on stderr with their file:line:column.
    expect(imported.err).toContain(`${FW01}:104:1 warning: config firewall vip`);
    // A staff terminal (10.20.1.5) reaches the Internet on https by policy 27.
    const allowed = await runCli(['trace', out, '10.20.1.5', '8.8.8.8', 'https']);
    expect(allowed.code).toBe(0);
    expect(allowed.out).toContain('delivered to zone net-203.0.113.0-30');
    expect(allowed.out).toContain(`rule p27 (permit) at ${FW01}:143:5 policy 27 "lg-to-inet"`);
    // A printer (10.20.7.110, in lg-printers) is stopped first by policy 12.
    const denied = await runCli(['trace', out, '10.20.7.110', '8.8.8.8', 'https']);
    expect(denied.out).toContain(`denied by fw01 rule p12 at ${FW01}:133:5 policy 12 "lg-no-printers-out"`);
    // matrix and dataplane answer too.
    expect((await runCli(['matrix', out])).code).toBe(0);
    expect((await runCli(['dataplane', out, '-q'])).code).toBe(0);
  });

  it('several configurations join where they share a subnet; the edge subnet stays the default zone', async () => {
    const out = join(tmp, 'two.yaml');
    expect((await runCli(['import', 'fortigate', FW01, `${DIR}/fw02.conf`, '-o', out, '-q'])).code).toBe(0);
    const text = readFileSync(out, 'utf8');
    // fw01:port3 and fw02:wan are both on 10.20.10.0/24: one zone.
    expect(text).toContain('{ id: net-10.20.10.0-24, name: "fw01:port3, fw02:wan", subnets: [10.20.10.0/24]');
    // fw02's default route points at fw01 (a shared subnet), fw01's at the Internet uplink.
    expect(text).toMatch(/id: net-203\.0\.113\.0-30, .*default: true/);
    expect(text).not.toMatch(/id: net-10\.20\.10\.0-24, .*default: true/);
    // The back office reaches the file server through fw02 (policy 3) ...
    const files = await runCli(['trace', out, '10.30.0.5', '10.20.10.10', 'smb']);
    expect(files.out).toContain(`rule p3 (permit) at ${DIR}/fw02.conf:22:5 policy 3 "backoffice-to-files"`);
    expect(files.out).toContain('delivered to zone net-10.20.10.0-24');
    // ... and nothing else: fw02's implicit deny stops the Internet.
    const web = await runCli(['trace', out, '10.30.0.5', '8.8.8.8', 'https']);
    expect(web.out).toContain('denied by fw02 (default deny)');
  });

  it('without a site file: check says which zones still need a domain', async () => {
    const out = join(tmp, 'nosite-check.yaml');
    await runCli(['import', 'fortigate', FW01, '-o', out, '-q']);
    const r = await runCli(['check', out, '--today', TODAY]);
    expect(r.code).toBe(2);
    for (const zone of [
      'net-10.10.0.0-24 (fw01:port4)',
      'net-10.20.0.0-21 (fw01:port2)',
      'net-10.20.10.0-24 (fw01:port3)',
      'net-203.0.113.0-30 (fw01:port1)',
    ]) {
      expect(r.err).toContain(`zone "${zone.split(' ')[0]}" ${zone.split(' ')[1]} has no "domain"`);
    }
  });

  it('with the site file: check fails path separation and My Number isolation, citing the FortiGate lines', async () => {
    const out = join(tmp, 'site.yaml');
    expect((await runCli(['import', 'fortigate', FW01, '--site', SITE, '-o', out, '-q'])).code).toBe(0);
    const r = await runCli(['check', out, '--today', TODAY, '--format', 'json']);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out) as { findings: Array<{ rule: string; location: string; permittedBy: Array<{ rule: string; location: string }> }> };
    const byRule = new Map(json.findings.map((f) => [f.rule, f]));
    // policy 27 lets lg-office (lgwan) reach the Internet: 通信経路の分割 is broken.
    expect(byRule.get('path-separation')!.permittedBy).toEqual([
      { device: 'fw01', rule: 'p27', position: 3, location: `${FW01}:143:5 policy 27 "lg-to-inet"` },
    ]);
    // policy 30 (dstaddr-negate: everything but lg-office) lets mn-office reach lg-servers.
    expect(byRule.get('mynumber-isolation')!.location).toBe(`${FW01}:154:5 policy 30 "mn-apps-only"`);
    // The disabled policy 5 (mn-net to the Internet, all services) is not in force: no finding mn-office → internet.
    expect(r.out).not.toContain('old-mn-to-inet');
    // Hygiene cites the policy too: policy 27 permits to "all" across domains.
    expect(byRule.get('firewall-hygiene')!.location).toBe(`${FW01}:143:5 policy 27 "lg-to-inet"`);
    // The intent (lg-office to the file server on smb, policy 1) holds.
    expect(byRule.has('intent-reachability')).toBe(false);
  });

  it('a re-import is byte for byte the same (stable order and ids), in YAML and JSON', async () => {
    for (const ext of ['yaml', 'json']) {
      const a = join(tmp, `a.${ext}`);
      const b = join(tmp, `b.${ext}`);
      await runCli(['import', 'fortigate', FW01, '--site', SITE, '-o', a, '-q']);
      await runCli(['import', 'fortigate', FW01, '--site', SITE, '-o', b, '-q']);
      expect(readFileSync(a, 'utf8')).toBe(readFileSync(b, 'utf8'));
    }
    // The JSON document loads and checks as the YAML one does.
    expect((await runCli(['check', join(tmp, 'a.json'), '--today', TODAY])).code).toBe(1);
  });

  it('writes warnings in Japanese with --lang ja', async () => {
    const r = await runCli(['import', 'fortigate', FW01, '--lang', 'ja']);
    expect(r.err).toContain(`${FW01}:104:1 警告: config firewall vip: バーチャル IP（宛先 NAT）`);
  });

  it('a malformed configuration is exit 2 with its location, no stack trace', async () => {
    const bad = join(tmp, 'bad.conf');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(bad, 'config firewall policy\n    edit 1\n        set action accept\n    nex\nend\n');
    const r = await runCli(['import', 'fortigate', bad]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${bad}:4:5 BNK_ERR_SYNTAX unknown statement "nex"`);
    expect(r.err).not.toMatch(/at .*\.ts:\d+/);
  });

  it('schema --site prints the site file schema', async () => {
    const r = await runCli(['schema', '--site']);
    const schema = JSON.parse(r.out) as { title: string; required: string[] };
    expect(schema.title).toMatch(/site file/);
    expect(schema.required).toContain('bunkatsu-site');
    expect(JSON.parse(readFileSync('schema/site.v1.json', 'utf8'))).toEqual(schema);
  });
});
