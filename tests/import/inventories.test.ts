// Inventories: containerlab labs and NetBox exports read into devices, cables and prefixes,
// malformed input refused at its line:column, and the topology they compose with FortiGate
// configurations. Expected values are worked out by hand from the fixtures in the comments.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError, type Loc } from '../../src/errors.ts';
import { composeTopology } from '../../src/import/compose.ts';
import { parseContainerlab } from '../../src/import/containerlab.ts';
import { parseFortigate } from '../../src/import/fortigate.ts';
import { parseNetbox } from '../../src/import/netbox.ts';
import { loadImported } from '../../src/model/load.ts';
import { toYaml } from '../../src/model/write.ts';

const CLAB = 'tests/fixtures/import/containerlab/city.clab.yml';
const NETBOX = 'tests/fixtures/import/netbox/export.json';
const FW01 = 'tests/fixtures/import/fortigate/fw01.conf';
const read = (path: string): string => readFileSync(path, 'utf8');
const at = (loc: Loc): string => `${loc.file}:${loc.line}:${loc.column}`;

/** The diagnostics of a refused read: code, line:column and message. */
function refused(run: () => unknown): Array<{ code: string; at: string; message: string }> {
  try {
    run();
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return error.diagnostics.map((d) => ({ code: d.code, at: at(d.loc), message: d.message }));
  }
  throw new Error('accepted');
}

/** A lab whose startup configurations are the given texts (by path). */
const lab = (text: string, files: Record<string, string> = {}) =>
  parseContainerlab(text, 'lab/t.clab.yml', (path) => {
    const found = files[path];
    if (found === undefined)
      throw new InputError([{ code: 'BNK_ERR_FILE_NOT_FOUND', message: `${path}: no such file`, loc: { file: path, line: 1, column: 1 } }]);
    return found;
  });

const BOX = `config system global
    set hostname "edge"
end
config system interface
    edit "port1"
        set ip 192.0.2.1 255.255.255.0
    next
    edit "port2"
        set ip 10.0.0.1 255.255.255.0
    next
end
`;

describe('containerlab', () => {
  it('reads nodes, links and each FortiGate startup config (paths relative to the lab file)', () => {
    const { configs, inventory, sources } = parseContainerlab(read(CLAB), CLAB, read);
    // fw01 and fw02 have startup configs under ../fortigate/, joined to the lab's folder.
    expect(sources).toEqual(['tests/fixtures/import/fortigate/fw01.conf', 'tests/fixtures/import/fortigate/fw02.conf']);
    expect(configs.map((c) => c.devices.map((d) => d.id))).toEqual([['fw01'], ['fw02']]);
    // Every node is a device of the inventory with the ports its links name; pc1 has no link.
    expect(inventory.devices.map((d) => [d.id, d.kind, d.interfaces.map((f) => f.name).join(' ')])).toEqual([
      ['fw01', 'router', 'port3'],
      ['fw02', 'router', 'wan'],
      ['sw-servers', 'switch', 'eth1 eth2'],
      ['pc1', 'router', ''],
    ]);
    // Links cite their lines (22 and 23 of the lab file).
    expect(inventory.links.map((l) => `${l.a} ${l.b} ${at(l.origin)}`)).toEqual([
      `fw01:port3 sw-servers:eth1 ${CLAB}:22:7`,
      `fw02:wan sw-servers:eth2 ${CLAB}:23:7`,
    ]);
    // Devices cite their node's line.
    expect(at(inventory.devices[2]!.origin)).toBe(`${CLAB}:16:5`);
  });

  it('the node name is the device id; kind and startup-config come from kinds and defaults too', () => {
    const text = `topology:
  defaults:
    kind: fortinet_fortigate
  kinds:
    fortinet_fortigate:
      startup-config: configs/edge.conf
  nodes:
    fw-a: {}
    srv:
      kind: linux
  links:
    - endpoints:
        - { node: fw-a, interface: port2 }
        - { node: srv, interface: eth1 }
    - endpoints: ["fw-a:eth9", "srv:eth2"]
    - endpoints: ["srv:eth3", "host:srv-eth3"]
`;
    const { configs, inventory } = lab(text, { 'lab/configs/edge.conf': BOX });
    // The hostname "edge" gives way to the node name the links use.
    expect(configs[0]!.devices[0]!.id).toBe('fw-a');
    expect(inventory.links.map((l) => `${l.a}-${l.b}`)).toEqual(['fw-a:port2-srv:eth1', 'fw-a:eth9-srv:eth2']);
    // Three warnings (compose sorts them by line): the host link leaves the lab (16:7), eth9 is
    // no interface of the config (15:7), and srv's kind has no importer (9:5).
    expect(inventory.warnings.map((w) => `${w.loc.line}:${w.loc.column} ${w.en}`)).toEqual([
      '16:7 link to "host" leaves the lab: not modelled',
      expect.stringMatching(/^15:7 fw-a:eth9: the startup configuration has no interface "eth9"/),
      '9:5 node "srv": no importer reads kind "linux"; it is a router that forwards anything (no rules)',
    ]);
  });

  it('refuses a malformed lab at its line:column', () => {
    // Not a topology at all.
    expect(refused(() => lab('name: x\n'))).toEqual([
      { code: 'BNK_ERR_SCHEMA', at: 'lab/t.clab.yml:1:1', message: 'a containerlab topology has `topology:` with `nodes:` (a mapping of node names)' },
    ]);
    // A link to an undefined node, an endpoint without interface, a node without kind.
    const bad = refused(() =>
      lab(`topology:
  nodes:
    a: { kind: linux }
    b: {}
  links:
    - endpoints: ["a:eth1", "c:eth1"]
    - endpoints: ["a", "a:eth2"]
`),
    );
    expect(bad.map((d) => `${d.at} ${d.message}`)).toEqual([
      'lab/t.clab.yml:4:8 node "b" has no kind (set kind: on the node, its group or topology.defaults)',
      'lab/t.clab.yml:6:18 link endpoint names node "c", which topology.nodes does not define',
      'lab/t.clab.yml:7:19 an endpoint is "node:interface" (or {node: ..., interface: ...})',
    ]);
    // YAML that does not parse: the reader's location.
    expect(refused(() => lab('topology:\n  nodes: [a\n'))[0]!.at).toMatch(/^lab\/t\.clab\.yml:\d+:\d+$/);
    // A startup config that does not exist: cited at the lab line that names it.
    expect(refused(() => lab('topology:\n  nodes:\n    fw:\n      kind: fortinet_fortigate\n      startup-config: nope.conf\n'))).toEqual([
      { code: 'BNK_ERR_FILE_NOT_FOUND', at: 'lab/t.clab.yml:5:23', message: 'lab/nope.conf: no such file' },
    ]);
  });
});

describe('NetBox', () => {
  it('reads devices, interface addresses, prefixes and cables from the API objects', () => {
    const inv = parseNetbox(read(NETBOX), NETBOX);
    // Roles: firewall → router, access-switch → switch, server / terminal → hosts.
    expect(inv.devices.map((d) => `${d.id} ${d.kind}${d.role ? ` ${d.role}` : ''}`)).toEqual([
      'fw01 router',
      'core-sw switch',
      'file-server host server',
      'pc-01 host terminal',
      'pc-99 host terminal',
    ]);
    // file-server's eth0 has 10.20.10.10/24 (the IPv6 address is not modelled).
    const server = inv.devices.find((d) => d.id === 'file-server')!;
    expect(server.interfaces).toHaveLength(1);
    expect(server.interfaces[0]!.address!.subnet.length).toBe(24);
    // Prefixes with their domain from the custom field; 192.168.50.0/24 has none.
    expect(inv.prefixes.map((p) => `${p.name} ${p.domain ?? '-'} ${at(p.origin)}`)).toEqual([
      `サーバセグメント lgwan ${NETBOX}:28:5`,
      `職員端末セグメント lgwan ${NETBOX}:29:5`,
      `マイナンバー利用事務系 mynumber ${NETBOX}:30:5`,
      `検証用 - ${NETBOX}:31:5`,
    ]);
    // Two interface cables; the console cable (303) is a warning.
    expect(inv.links.map((l) => `${l.a} ${l.b}`)).toEqual(['fw01:port3 core-sw:ge-0/0/1', 'core-sw:ge-0/0/2 file-server:eth0']);
    expect(inv.warnings.map((w) => `${at(w.loc)} ${w.en}`)).toEqual([`${NETBOX}:36:5 cable without one device interface at each end: left out`]);
  });

  it('joins a FortiGate configuration by device name: prefixes are zones, hosts sit in them, cables are links', () => {
    const { doc, warnings } = composeTopology([parseFortigate(read(FW01), FW01, 'fw01')], undefined, parseNetbox(read(NETBOX), NETBOX));
    const text = toYaml(doc);
    // fw01:port3 (10.20.10.1/24, from the config) lies in the NetBox prefix 10.20.10.0/24 (lgwan).
    expect(text).toContain('- { name: port3, zone: net-10.20.10.0-24, address: 10.20.10.1 }');
    expect(text).toContain(
      `- { id: net-10.20.10.0-24, name: "サーバセグメント", domain: lgwan, subnets: [10.20.10.0/24], description: "prefix from the inventory at ${NETBOX}:28:5" }`,
    );
    // Hosts in the zone of their address; pc-99 has none and is left out with a warning.
    expect(text).toContain('- { id: pc-01, zone: net-10.20.0.0-21, role: terminal, address: 10.20.1.5,');
    expect(warnings.map((w) => w.en)).toContain('host "pc-99" has no address: left out');
    // The cable to the host needs no link; fw01's NetBox-only port9 (no address, no cable) is left out.
    expect((doc.links as string[][]).map((l) => l.join(' '))).toEqual(['fw01:port3 core-sw:ge-0/0/1']);
    expect(text).not.toContain('port9');
    // The composed document is a valid topology (zones without a domain allowed, as for trace).
    expect(() => loadImported(doc, 'nb.yaml', { domainless: true })).not.toThrow();
  });

  it('refuses a malformed export at its line:column', () => {
    const bad = refused(() =>
      parseNetbox(
        `{
  "devices": [{ "name": 7 }, { "name": "sw" }],
  "ip_addresses": [{ "address": "10.0.0.300/24", "assigned_object": { "device": { "name": "sw" }, "name": "e1" } }],
  "racks": []
}`,
        'nb.json',
      ),
    );
    expect(bad.map((d) => `${d.at} ${d.code} ${d.message}`)).toEqual([
      'nb.json:4:3 BNK_ERR_SCHEMA unknown key "racks": a NetBox export has regions, site_groups, sites, tenants, devices, interfaces, ip_addresses, prefixes, vlans, cables',
      'nb.json:2:25 BNK_ERR_SCHEMA device name 7 cannot be a device id (1-128 letters, digits, "_", "." or "-")',
      'nb.json:3:33 BNK_ERR_SCHEMA address "10.0.0.300/24" is not a.b.c.d/len',
    ]);
    // A name NetBox allows but an id cannot be (a patch panel "PP:B117"), or none at all (NetBox
    // devices may be unnamed): the device is left out with a warning, its interfaces quietly.
    const odd = parseNetbox(
      '{ "devices": [{ "id": 1, "name": "PP:B117" }, { "id": 2, "name": null }], "interfaces": [{ "id": 5, "device": { "id": 2 }, "name": "1" }] }',
      'nb.json',
    );
    expect(odd.devices).toEqual([]);
    expect(odd.warnings.map((w) => `${w.loc.column} ${w.en}`)).toEqual([
      '34 NetBox device 1: its name "PP:B117" cannot be a device id (1-128 letters, digits, "_", "." or "-"): left out with its interfaces and cables',
      '66 NetBox device 2: it has no name: left out with its interfaces and cables',
    ]);
    // Text that is not JSON: the reader's location.
    expect(refused(() => parseNetbox('{ "devices": [ }', 'nb.json'))[0]!.at).toMatch(/^nb\.json:1:\d+$/);
  });
});
