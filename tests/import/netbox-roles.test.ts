// Site zones selected by NetBox prefix role, tag and VLAN: tests/fixtures/import/netbox/roles.json
// (see its README) with fw01's FortiGate configuration and roles-site.yaml. Zones, hosts and the
// traces through fw01 are worked out by hand in the comments.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENGINES } from '../../src/engine/registry.ts';
import { traceFlow } from '../../src/engine/trace.ts';
import { composeTopology } from '../../src/import/compose.ts';
import { parseFortigate } from '../../src/import/fortigate.ts';
import { parseNetbox } from '../../src/import/netbox.ts';
import { loadSite } from '../../src/import/site.ts';
import { loadImported } from '../../src/model/load.ts';
import { parseIpv4 } from '../../src/net/ipv4.ts';
import { TCP } from './packets.ts';

const NETBOX = 'tests/fixtures/import/netbox/roles.json';
const SITE = 'tests/fixtures/import/netbox/roles-site.yaml';
const FW01 = 'tests/fixtures/import/fortigate/fw01.conf';
const read = (path: string): string => readFileSync(path, 'utf8');
const range = (address: string) => ({ lo: parseIpv4(address)!, hi: parseIpv4(address)! });

function composed(siteText = read(SITE)) {
  return composeTopology([parseFortigate(read(FW01), FW01, 'fw01')], loadSite(siteText, SITE), parseNetbox(read(NETBOX), NETBOX));
}

describe('NetBox roles, tags and VLANs in the site file', () => {
  it('reads each prefix role, tags and VLAN, the VLAN completed from "vlans"', () => {
    const inv = parseNetbox(read(NETBOX), NETBOX);
    expect(inv.prefixes.map((p) => ({ name: p.name, role: p.role, tags: p.tags, vlan: p.vlan }))).toEqual([
      { name: 'サーバセグメント', role: undefined, tags: ['lgwan-server'], vlan: { vid: 120, name: 'lg-server', role: undefined, tags: undefined } },
      { name: '職員端末セグメント', role: 'lgwan-office', tags: undefined, vlan: { vid: 110, name: 'lg-office', role: 'lgwan-office', tags: undefined } },
      // The prefix's nested vlan has no role or tags: they come from VLAN 503 under "vlans".
      { name: '住民記録系', role: undefined, tags: undefined, vlan: { vid: 10, name: 'mn-juki', role: 'mynumber', tags: ['mynumber'] } },
      { name: '検証用', role: 'test', tags: undefined, vlan: undefined },
    ]);
  });

  it('puts the selected prefixes, their interfaces and hosts in the site zones', () => {
    const { doc } = composed();
    const zones = (doc.zones as Array<{ id: string; domain?: string; subnets?: string[] }>).map((z) => `${z.id} ${z.domain ?? '-'} ${z.subnets?.join(',')}`);
    // 10.20.0.0/21 by role lgwan-office (and VLAN name lg-office), 10.10.0.0/24 by VLAN id 10,
    // 10.20.10.0/24 by tag lgwan-server; 192.168.50.0/24 (role test) is selected by no zone.
    expect(zones).toEqual([
      'internet public-internet 203.0.113.0/30',
      'lg-office lgwan 10.20.0.0/21',
      'mn mynumber 10.10.0.0/24',
      'lg-server lgwan 10.20.10.0/24',
      'net-192.168.50.0-24 - 192.168.50.0/24',
    ]);
    const fw01 = (doc.devices as Array<{ id: string; interfaces: Array<{ name: string; zone?: string }> }>).find((d) => d.id === 'fw01')!;
    expect(fw01.interfaces.map((f) => `${f.name} ${f.zone ?? '-'}`)).toEqual(['port1 internet', 'port2 lg-office', 'port3 lg-server', 'port4 mn', 'port5 -']);
    expect((doc.hosts as Array<{ id: string; zone: string }>).map((h) => `${h.id} ${h.zone}`)).toEqual([
      'file-server lg-server',
      'mn-pc mn',
      'pc-01 lg-office',
    ]);
  });

  it('warns at its line of a selector that selects nothing and of a prefix two zones select', () => {
    const { warnings } = composed();
    const located = warnings.filter((w) => w.loc.file !== FW01).map((w) => `${w.loc.file}:${w.loc.line}:${w.loc.column} ${w.en}`);
    expect(located).toEqual([
      // roles-site.yaml line 12 `vlans: [lg-office, 999]`: no prefix is in VLAN 999.
      `${SITE}:12:24 no NetBox prefix of the inventory is in VLAN 999: the selector selects nothing`,
      // 10.10.0.0/24 (roles.json line 31): mn by VLAN 10, lg-server by the VLAN's tag mynumber.
      `${NETBOX}:31:5 zones "mn" and "lg-server" of the site file both select this prefix: it is in "mn", the first`,
    ]);
    // A misspelt role and tag are warnings too, in both languages.
    const misspelt = composed(read(SITE).replace('[lgwan-office]', '[lgwan-ofice]').replace('lgwan-server, mynumber', 'lgwan-srv'));
    expect(misspelt.warnings.filter((w) => w.loc.file === SITE).map((w) => `${w.loc.line} ${w.en} / ${w.ja}`)).toEqual([
      '11 no NetBox prefix of the inventory (or its VLAN) has role "lgwan-ofice": the selector selects nothing / インベントリにロール "lgwan-ofice" を持つ NetBox プレフィックス（またはその VLAN）がないため、この指定は何も選びません',
      '12 no NetBox prefix of the inventory is in VLAN 999: the selector selects nothing / インベントリに VLAN 999 に属する NetBox プレフィックスがないため、この指定は何も選びません',
      '18 no NetBox prefix of the inventory (or its VLAN) has tag "lgwan-srv": the selector selects nothing / インベントリにタグ "lgwan-srv" を持つ NetBox プレフィックス（またはその VLAN）がないため、この指定は何も選びません',
    ]);
  });

  it('warns when a site zone gives a selected prefix another domain than its bunkatsu_domain', () => {
    // 10.20.0.0/21 says lgwan in its custom field, but the site zone mn selects it by role.
    const netbox = read(NETBOX).replace(
      '"description": "職員端末セグメント",',
      '"description": "職員端末セグメント", "custom_fields": { "bunkatsu_domain": "lgwan" },',
    );
    const site = read(SITE)
      .replace('vlans: [10]', 'vlans: [10]\n    netboxRoles: [lgwan-office]')
      .replace('    netboxRoles: [lgwan-office]\n    vlans: [lg-office, 999]\n', '    subnets: [10.20.100.0/24]\n');
    const { doc, warnings } = composeTopology([parseFortigate(read(FW01), FW01, 'fw01')], loadSite(site, SITE), parseNetbox(netbox, NETBOX));
    expect((doc.zones as Array<{ id: string; subnets?: string[] }>).find((z) => z.id === 'mn')!.subnets).toEqual(['10.10.0.0/24', '10.20.0.0/21']);
    expect(warnings.filter((w) => w.loc.file === NETBOX && w.loc.line === 30).map((w) => w.en)).toEqual([
      'the prefix\'s bunkatsu_domain is lgwan, but zone "mn" of the site file selects it: it is in mynumber',
    ]);
  });

  it('traces through fw01 between the zones the roles, tags and VLANs made', () => {
    const network = loadImported(composed().doc as Record<string, unknown>, 'roles.yaml', { domainless: true });
    const zoneId = (i: number): string => network.zones[i]!.id;
    const trace = (from: string, to: string, port: number): string[] =>
      Object.values(ENGINES).flatMap((factory) =>
        traceFlow(network, factory(network), [range(from)], [range(to)], [{ protoLo: TCP, protoHi: TCP, portLo: port, portHi: port }]).map((o) =>
          o.disposition.kind === 'delivered' ? `delivered ${zoneId(o.disposition.zone)}` : o.disposition.kind,
        ),
      );
    const engines = Object.keys(ENGINES).length;
    // pc-01 (lg-office, port2) → file-server (lg-server, port3) SMB: policy 1 lg-zone → lg-zone.
    expect(trace('10.20.1.5', '10.20.10.10', 445)).toEqual(Array(engines).fill('delivered lg-server'));
    // mn-pc (mn, port4) → file-server tcp/8443: policy 30 (to anything but lg-office, LG-APPS).
    expect(trace('10.10.0.20', '10.20.10.10', 8443)).toEqual(Array(engines).fill('delivered lg-server'));
    // mn-pc → pc-01 tcp/8443: lg-office is negated out of policy 30; the default deny.
    expect(trace('10.10.0.20', '10.20.1.5', 8443)).toEqual(Array(engines).fill('denied'));
  });
});
