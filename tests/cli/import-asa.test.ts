// `bunkatsu import asa` end to end: with the site file, check gives its verdict citing the ASA
// access-list lines; trace names the ACE, the implicit deny and the out ACL; a re-import is byte
// for byte the same; warnings in Japanese; a malformed configuration is exit 2 at its line.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, TODAY } from '../helpers.ts';

const DIR = 'tests/fixtures/import/asa';
const ASA01 = `${DIR}/asa01.cfg`;
const SITE = `${DIR}/site.yaml`;
const tmp = mkdtempSync(join(tmpdir(), 'bunkatsu-asa-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('bunkatsu import asa', () => {
  it('with the site file: check fails path separation and My Number isolation, citing the ASA lines', async () => {
    const out = join(tmp, 'city.yaml');
    const imported = await runCli(['import', 'asa', ASA01, '--site', SITE, '-o', out]);
    expect(imported.code).toBe(0);
    expect(imported.err).toContain(`${ASA01}:78:1 warning: failover is not modelled`);
    const r = await runCli(['check', out, '--today', TODAY, '--format', 'json']);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out) as {
      findings: Array<{ rule: string; subject: unknown; location: string; permittedBy: Array<{ rule: string; location: string }> }>;
    };
    const locations = (rule: string): string[] => json.findings.filter((f) => f.rule === rule).map((f) => f.location);
    // INSIDE_IN line 5 lets the staff terminals (lgwan) reach any address on http/https, so the
    // Internet: 通信経路の分割 is broken. servers (level 50, no ACL) may send anything to outside
    // (level 0) by the security-level default: a second path-separation finding, at that line.
    expect(locations('path-separation').sort()).toEqual([`${ASA01}:22:2 interface servers security-level 50`, `${ASA01}:65:1 access-list INSIDE_IN line 5`]);
    // MN_IN line 2 names an FQDN object: read as every address in a permit, so the My Number
    // segment reaches the Internet on https.
    expect(locations('mynumber-internet-isolation')).toEqual([`${ASA01}:69:1 access-list MN_IN line 2`]);
    // The file-server intent fails: the printers inside lg-office are denied by INSIDE_IN line 2.
    expect(locations('intent-reachability')).toEqual([`${ASA01}:62:1 access-list INSIDE_IN line 2`]);
  });

  it('trace names the ACE, the ACL implicit deny and the out ACL', async () => {
    const out = join(tmp, 'trace.yaml');
    await runCli(['import', 'asa', ASA01, '--site', SITE, '-o', out, '-q']);
    const web = await runCli(['trace', out, '10.20.1.5', '8.8.8.8', 'https']);
    expect(web.out).toContain(`rule INSIDE_IN-l5 (permit) at ${ASA01}:65:1 access-list INSIDE_IN line 5`);
    // telnet from a terminal to a server: no ACE of INSIDE_IN matches.
    const telnet = await runCli(['trace', out, '10.20.1.5', '10.20.10.20', 'telnet']);
    expect(telnet.out).toContain(`denied by asa01 rule INSIDE_IN-implicit-deny at ${ASA01}:72:1 access-list INSIDE_IN implicit deny`);
    // The inactive ACE (line 6, rdp to 10.20.10.30) is not in force.
    const rdp = await runCli(['trace', out, '10.20.1.5', '10.20.10.30', 'tcp/3389']);
    expect(rdp.out).toContain('denied by asa01 rule INSIDE_IN-implicit-deny');
    // http to a server passes INSIDE_IN line 5 but not the out ACL of servers (SERVERS_OUT line 1).
    const http = await runCli(['trace', out, '10.20.1.5', '10.20.10.20', 'http']);
    expect(http.out).toContain(`denied by asa01 ACL SERVERS_OUT rule l1 at ${ASA01}:70:1 access-list SERVERS_OUT line 1`);
    // Outside (level 0, no ACL) reaches nothing.
    const inbound = await runCli(['trace', out, '8.8.8.8', '10.20.10.10', 'https']);
    expect(inbound.out).toContain('denied by asa01 (default deny)');
  });

  it('a re-import is byte for byte the same, in YAML and JSON', async () => {
    for (const ext of ['yaml', 'json']) {
      const a = join(tmp, `a.${ext}`);
      const b = join(tmp, `b.${ext}`);
      await runCli(['import', 'asa', ASA01, '--site', SITE, '-o', a, '-q']);
      await runCli(['import', 'asa', ASA01, '--site', SITE, '-o', b, '-q']);
      expect(readFileSync(a, 'utf8')).toBe(readFileSync(b, 'utf8'));
    }
    expect((await runCli(['check', join(tmp, 'a.json'), '--today', TODAY])).code).toBe(1);
  });

  it('writes warnings in Japanese with --lang ja', async () => {
    const r = await runCli(['import', 'asa', ASA01, '--lang', 'ja']);
    expect(r.err).toContain(`${ASA01}:78:1 警告: フェイルオーバーはモデル化していません`);
  });

  it('a malformed configuration is exit 2 with its location, no stack trace', async () => {
    const bad = join(tmp, 'bad.cfg');
    writeFileSync(bad, 'interface Gi0/0\n nameif inside\n ip address 10.0.0.1 255.0.255.0\n');
    const r = await runCli(['import', 'asa', bad]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${bad}:3:2 BNK_ERR_SYNTAX "ip address 10.0.0.1 255.0.255.0" is not an address and netmask`);
    expect(r.err).not.toMatch(/at .*\.ts:\d+/);
  });
});
