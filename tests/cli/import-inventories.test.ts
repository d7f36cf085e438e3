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
