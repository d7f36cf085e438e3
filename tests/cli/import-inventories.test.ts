// `bunkatsu import containerlab` and `import netbox` end to end: a lab of two FortiGates
// (their startup configs are the FortiGate fixtures) and a bridge, with a site file, gets
// check's verdict citing the FortiGate lines; a re-import is byte for byte the same; malformed
// input is exit 2 with its location and no stack trace.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, TODAY } from '../helpers.ts';

const DIR = 'tests/fixtures/import/containerlab';
const LAB = `${DIR}/city.clab.yml`;
const SITE = `${DIR}/site.yaml`;
const FW01 = 'tests/fixtures/import/fortigate/fw01.conf';
const NETBOX = 'tests/fixtures/import/netbox/export.json';
const tmp = mkdtempSync(join(tmpdir(), 'bunkatsu-inventories-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('bunkatsu import containerlab', () => {
  it('with the site file: check fails path separation and My Number isolation, citing the FortiGate lines', async () => {
    const out = join(tmp, 'lab.yaml');
    const imported = await runCli(['import', 'containerlab', LAB, '--site', SITE, '-o', out]);
    expect(imported.code).toBe(0);
    // pc1 (linux, no link) is left out, said at its node's line; fw01's warnings come along.
    expect(imported.err).toContain(`${LAB}:18:5 warning: device "pc1" has no configuration`);
    expect(imported.err).toContain(`${FW01}:104:1 warning: config firewall vip`);
    const text = readFileSync(out, 'utf8');
    // The bridge is a switch cabled to fw01:port3 and fw02:wan, citing the lab line.
    expect(text).toContain(`description: "from the inventory at ${LAB}:16:5"`);
    expect(text).toContain('- ["fw01:port3", "sw-servers:eth1"]');
    expect(text).toContain('- ["fw02:wan", "sw-servers:eth2"]');
    const r = await runCli(['check', out, '--today', TODAY, '--format', 'json']);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out) as { findings: Array<{ rule: string; location: string }> };
    // fw01's policies decide as in the FortiGate import (docs/import.md): policy 27 lets
    // lg-office (lgwan) reach the Internet, policy 30 lets mn-office reach lg-servers, and
    // hygiene flags policy 27 as broad; fw02 (back office to the file server, within lgwan)
    // adds nothing, and the intent use-file-server (policy 3) holds. Every device has a zone.
    expect(json.findings.map((f) => `${f.rule} ${f.location}`).sort()).toEqual([
      `firewall-hygiene ${FW01}:143:5 policy 27 "lg-to-inet"`,
      `mynumber-isolation ${FW01}:154:5 policy 30 "mn-apps-only"`,
      `path-separation ${FW01}:143:5 policy 27 "lg-to-inet"`,
    ]);
  });

  it('a re-import is byte for byte the same, in YAML and JSON', async () => {
    for (const ext of ['yaml', 'json']) {
      const a = join(tmp, `a.${ext}`);
      const b = join(tmp, `b.${ext}`);
      await runCli(['import', 'containerlab', LAB, '--site', SITE, '-o', a, '-q']);
      await runCli(['import', 'containerlab', LAB, '--site', SITE, '-o', b, '-q']);
      expect(readFileSync(a, 'utf8')).toBe(readFileSync(b, 'utf8'));
    }
  });

  it('a malformed lab is exit 2 with its location, no stack trace', async () => {
    const bad = join(tmp, 'bad.clab.yml');
    writeFileSync(bad, 'topology:\n  nodes:\n    a: { kind: linux }\n  links:\n    - endpoints: ["a:eth1", "z:eth1"]\n');
    const r = await runCli(['import', 'containerlab', bad]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${bad}:5:18 BNK_ERR_SCHEMA link endpoint names node "z"`);
    expect(r.err).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe('bunkatsu import netbox', () => {
  it('joins a FortiGate configuration by device name; trace answers through it', async () => {
    const out = join(tmp, 'nb.yaml');
    const imported = await runCli(['import', 'netbox', NETBOX, '--config', `fortigate:${FW01}`, '-o', out, '--lang', 'ja']);
    expect(imported.code).toBe(0);
    expect(imported.err).toContain(`${NETBOX}:11:7 NetBox device "pc-99" 警告: ホスト "pc-99" はアドレスがないため、取り込みませんでした`);
    // pc-01 (10.20.1.5, NetBox) reaches file-server (10.20.10.10, NetBox) by fw01's policy 1.
    const r = await runCli(['trace', out, '10.20.1.5', '10.20.10.10', 'smb']);
    expect(r.out).toContain(`rule p1 (permit) at ${FW01}:112:5 policy 1 "lg-to-files"`);
    expect(r.out).toContain('zone net-10.20.0.0-21 (lgwan)');
  });

  it('a --config without a known vendor, or a malformed export, is exit 2', async () => {
    const r = await runCli(['import', 'netbox', NETBOX, '--config', FW01]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('write vendor:file, the vendor one of fortigate');
    const bad = join(tmp, 'bad.json');
    writeFileSync(bad, '{\n  "devices": [ { "name": 7 } ]\n}\n');
    const b = await runCli(['import', 'netbox', bad]);
    expect(b.code).toBe(2);
    expect(b.err).toContain(`${bad}:2:26 BNK_ERR_SCHEMA device name 7 cannot be a device id`);
    expect(b.err).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe('bunkatsu import netbox of a database dump (netbox-demo-data)', () => {
  const SQL = 'tests/fixtures/netbox-demo/netbox-demo-v4.2-excerpt.sql';
  const DEMO_SITE = 'tests/fixtures/netbox-demo/akron-site.yaml';

  it('reads the pg_dump limited to DM-Akron; trace answers; a re-import is byte for byte the same', async () => {
    const a = join(tmp, 'demo-a.yaml');
    const b = join(tmp, 'demo-b.yaml');
    const imported = await runCli(['import', 'netbox', SQL, '--site', DEMO_SITE, '-o', a]);
    expect(imported.code).toBe(0);
    expect(imported.err).toContain(`${DEMO_SITE}:26:29 warning: no NetBox prefix of the inventory (or its VLAN) is at site "dm-albany"`);
    expect(imported.err).toContain(`${SQL}:68:60 warning: NetBox device 74: it has no name: left out with its interfaces and cables`);
    await runCli(['import', 'netbox', SQL, '--site', DEMO_SITE, '-o', b, '-q']);
    expect(readFileSync(a, 'utf8')).toBe(readFileSync(b, 'utf8'));
    // data (sw01 Gi1/0/3) to the Internet through the access switch and the router.
    const r = await runCli(['trace', a, '10.112.129.10', '8.8.8.8', 'https']);
    expect(r.out).toContain('switch dmi01-akron-sw01, in GigabitEthernet1/0/3, out GigabitEthernet1/0/1');
    expect(r.out).toContain('router dmi01-akron-rtr01, in GigabitEthernet0/1/0, out GigabitEthernet0/0/0');
    // --strict: each warning is an error at its place.
    const strict = await runCli(['import', 'netbox', SQL, '--site', DEMO_SITE, '--strict']);
    expect(strict.code).toBe(2);
    expect(strict.err).toContain(`${SQL}:21:1 BNK_ERR_IMPORT_STRICT cable without one device interface at each end: left out (an error under --strict)`);
  });

  it('binary garbage, a truncated dump and a bad row are exit 2 with their place, in Japanese too', async () => {
    const garbage = join(tmp, 'garbage.bin');
    writeFileSync(garbage, Buffer.from([0x1f, 0x0b, 0x08, 0x00, 0x00, 0x00, 0x63, 0x6f, 0x6e, 0x66, 0x00, 0x0a]));
    const g = await runCli(['import', 'netbox', garbage]);
    expect(g.code).toBe(2);
    expect(g.err).toContain(`${garbage}:1:1 BNK_ERR_SYNTAX control character U+001F: this is a binary file, not a text configuration`);
    const cut = join(tmp, 'cut.sql');
    writeFileSync(cut, readFileSync(SQL, 'utf8').split('\n').slice(0, 100).join('\n'));
    const c = await runCli(['import', 'netbox', cut, '--lang', 'ja']);
    expect(c.code).toBe(2);
    expect(c.err).toContain(`${cut}:93:1 BNK_ERR_SYNTAX dcim_interface の COPY ブロックの途中でダンプが終わっています`);
    const row = join(tmp, 'row.sql');
    writeFileSync(row, '--\nCOPY public.dcim_device (id, name) FROM stdin;\n1\n\\.\n');
    const w = await runCli(['import', 'netbox', row]);
    expect(w.code).toBe(2);
    expect(w.err).toContain(`${row}:3:2 BNK_ERR_SYNTAX this row of dcim_device has 1 tab-separated fields, but its COPY line (line 2) names 2 columns`);
    expect(`${g.err}${c.err}${w.err}`).not.toMatch(/\n\s+at /);
  });
});
