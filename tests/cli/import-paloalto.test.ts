// `bunkatsu import paloalto` end to end: warnings at their file:line:column, trace without a
// site file citing the rule's XML line, check with the site file citing the rules that break
// path separation and My Number isolation, a byte-identical re-import, malformed XML refused.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, TODAY } from '../helpers.ts';

const DIR = 'tests/fixtures/import/paloalto';
const PA01 = `${DIR}/pa01.xml`;
const SITE = `${DIR}/site.yaml`;
const tmp = mkdtempSync(join(tmpdir(), 'bunkatsu-paloalto-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('bunkatsu import paloalto', () => {
  it('without a site file: warnings with their place, and trace citing the rule line', async () => {
    const out = join(tmp, 'nosite.yaml');
    const imported = await runCli(['import', 'paloalto', PA01, '-o', out]);
    expect(imported.code).toBe(0);
    expect(imported.err).toContain(`${PA01}:114:15 warning: address "update-site" is an fqdn`);
    expect(imported.err).toContain(`${PA01}:226:15 warning: vsys vsys1: NAT rules are not modelled`);
    // A staff terminal (10.20.1.5) reaches the Internet on https by rule lg-to-inet.
    const allowed = await runCli(['trace', out, '10.20.1.5', '8.8.8.8', 'https']);
    expect(allowed.out).toContain('delivered to zone net-203.0.113.0-30');
    expect(allowed.out).toContain(`rule lg-to-inet (permit) at ${PA01}:185:17 rule "lg-to-inet"`);
    // A printer (10.20.7.110) is dropped first by lg-no-printers-out.
    const denied = await runCli(['trace', out, '10.20.7.110', '8.8.8.8', 'https']);
    expect(denied.out).toContain(`denied by pa01 rule lg-no-printers-out at ${PA01}:167:17 rule "lg-no-printers-out"`);
    // ssh to the Internet matches no rule: the explicit interzone-default deny.
    const ssh = await runCli(['trace', out, '10.20.1.5', '8.8.8.8', 'ssh']);
    expect(ssh.out).toContain(`denied by pa01 rule interzone-default at ${PA01}:156:13 default rule "interzone-default"`);
  });

  it('with the site file: check fails path separation and My Number isolation, citing the PAN-OS rules', async () => {
    const out = join(tmp, 'site.yaml');
    expect((await runCli(['import', 'paloalto', PA01, '--site', SITE, '-o', out, '-q'])).code).toBe(0);
    const r = await runCli(['check', out, '--today', TODAY, '--format', 'json']);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out) as { findings: Array<{ rule: string; location: string }> };
    const locations = (rule: string): string[] => json.findings.filter((f) => f.rule === rule).map((f) => f.location);
    // lg-to-inet lets both LGWAN segments (lg-zone) reach the Internet.
    expect(locations('path-separation')).toEqual([`${PA01}:185:17 rule "lg-to-inet"`, `${PA01}:185:17 rule "lg-to-inet"`]);
    // mn-apps-only (destination negated: everything but the staff subnet) reaches the LGWAN servers.
    expect(locations('mynumber-isolation')).toEqual([`${PA01}:204:17 rule "mn-apps-only"`]);
    // The disabled old-mn-to-inet is not in force.
    expect(locations('mynumber-internet-isolation')).toEqual([]);
    // The intent (staff to the file server on smb) holds.
    expect(locations('intent-reachability')).toEqual([]);
  });

  it('an XML and a set-format configuration join where they share a subnet', async () => {
    const out = join(tmp, 'two.yaml');
    expect((await runCli(['import', 'paloalto', PA01, `${DIR}/pa02.set`, '-o', out, '-q'])).code).toBe(0);
    // pa01:ethernet1/3 and pa02:ethernet1/1 are both on 10.20.10.0/24: the back office reaches
    // the file server through pa02's rule, cited at its set line.
    const files = await runCli(['trace', out, '10.30.0.5', '10.20.10.10', 'smb']);
    expect(files.out).toContain('delivered to zone net-10.20.10.0-24');
    expect(files.out).toContain(`rule backoffice-to-files (permit) at ${DIR}/pa02.set:15:29 rule "backoffice-to-files"`);
    // ... and nothing else: pa02's interzone-default stops the Internet.
    const web = await runCli(['trace', out, '10.30.0.5', '8.8.8.8', 'https']);
    expect(web.out).toContain(`denied by pa02 rule interzone-default at ${DIR}/pa02.set:15:14 default rule "interzone-default"`);
  });

  it('a re-import is byte for byte the same, and Japanese warnings with --lang ja', async () => {
    const a = join(tmp, 'a.yaml');
    const b = join(tmp, 'b.yaml');
    await runCli(['import', 'paloalto', PA01, '--site', SITE, '-o', a, '-q']);
    await runCli(['import', 'paloalto', PA01, '--site', SITE, '-o', b, '-q']);
    expect(readFileSync(a, 'utf8')).toBe(readFileSync(b, 'utf8'));
    const ja = await runCli(['import', 'paloalto', PA01, '--lang', 'ja']);
    expect(ja.err).toContain(`${PA01}:226:15 警告: vsys vsys1: NAT ルールはモデル化していません`);
  });

  it('malformed XML is exit 2 with its location, no stack trace', async () => {
    const bad = join(tmp, 'bad.xml');
    writeFileSync(bad, '<config>\n  <devices>\n    <entry name="x">\n  </devices>\n</config>\n');
    const r = await runCli(['import', 'paloalto', bad]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${bad}:4:3 BNK_ERR_SYNTAX closing tag "</devices>" does not match "<entry>" at line 3:5`);
    expect(r.err).not.toMatch(/at .*\.ts:\d+/);
  });
});
