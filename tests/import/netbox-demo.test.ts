// NetBox's own demo data (netbox-community/netbox-demo-data, MIT; tests/fixtures/netbox-demo/,
// see PROVENANCE.md): the v4.2 pg_dump and v3.6 dumpdata excerpts of sites DM-Akron and
// DM-Albany. Every expected value below is read off the excerpt's rows (line numbers in the
// comments); the zones, the limit to one site and the traces are worked out by hand.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENGINES } from '../../src/engine/registry.ts';
import { traceFlow } from '../../src/engine/trace.ts';
import { InputError } from '../../src/errors.ts';
import { composeTopology } from '../../src/import/compose.ts';
import { parseNetbox } from '../../src/import/netbox.ts';
import { CopyReader, looksLikeSql, readSqlDump, unescapeCopyField } from '../../src/import/netbox-dump.ts';
import { loadSite } from '../../src/import/site.ts';
import { loadImported } from '../../src/model/load.ts';
import { parseIpv4 } from '../../src/net/ipv4.ts';
import { TCP } from './packets.ts';

const DIR = 'tests/fixtures/netbox-demo';
const SQL = `${DIR}/netbox-demo-v4.2-excerpt.sql`;
const DUMPDATA = `${DIR}/netbox-demo-v3.6-excerpt.json`;
const REST = `${DIR}/akron-rest.json`;
const SITE = `${DIR}/akron-site.yaml`;
const read = (path: string): string => readFileSync(path, 'utf8');
const site = (text = read(SITE)) => loadSite(text, SITE);
const loc = (l: { file: string; line: number; column: number }): string => `${l.file}:${l.line}:${l.column}`;

/** The diagnostics of a refused read, as `line:column CODE message`. */
function refused(text: string, file = 'dump.sql'): string[] {
  try {
    parseNetbox(text, file);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return error.diagnostics.map((d) => `${d.loc.line}:${d.loc.column} ${d.code} ${d.message}`);
  }
  throw new Error('accepted');
}

describe('the COPY text format', () => {
  it('reads \\N as NULL and the backslash escapes', () => {
    expect(unescapeCopyField('\\N')).toBeNull();
    expect(unescapeCopyField('')).toBe('');
    // JBB Branch 104's physical_address (line 128): CR LF written as \r\n.
    expect(unescapeCopyField('7 Indian Spring Lane\\r\\nMenasha, WI 54952')).toBe('7 Indian Spring Lane\r\nMenasha, WI 54952');
    expect(unescapeCopyField('a\\tb\\\\c')).toBe('a\tb\\c');
    // Octal (up to three digits) and hex (up to two); any other escaped character stands for itself.
    expect(unescapeCopyField('\\101\\x42\\x4a\\q')).toBe('ABJq');
    // \N inside a longer field is no NULL.
    expect(unescapeCopyField('x\\N')).toBe('xN');
    expect(unescapeCopyField('a\\')).toBeUndefined();
  });

  it('reads the real rows: the site address with its CR LF, NULL foreign keys', () => {
    const tables = readSqlDump(read(SQL), SQL);
    const sites = tables.get('dcim.site')!;
    expect(sites.map((r) => `${r.pk} ${r.get('slug')} region ${r.get('region')} tenant ${r.get('tenant')}`)).toEqual([
      '2 dm-akron region 51 tenant 5',
      '3 dm-albany region 43 tenant 5',
      '15 jbb-branch-104 region 33 tenant 10',
    ]);
    expect(sites[2]!.get('physical_address')).toBe('7 Indian Spring Lane\r\nMenasha, WI 54952');
    // The unnamed patch panel (line 68): its name is \N, its role 6 (patch-panel).
    const panel = tables.get('dcim.device')!.find((r) => r.pk === 74)!;
    expect([panel.get('name'), panel.get('role')]).toEqual([null, '6']);
    expect(loc(panel.at('name'))).toBe(`${SQL}:68:60`);
    // dcim_rack is not read; the reader skipped its block.
    expect(tables.has('dcim.rack' as never)).toBe(false);
  });

  it('tells a dump from a document by its first line', () => {
    expect(looksLikeSql(read(SQL))).toBe(true);
    expect(looksLikeSql('\n\nSET statement_timeout = 0;\n')).toBe(true);
    // A YAML document marker is no SQL comment; JSON and YAML exports are documents.
    expect(looksLikeSql('---\ndevices: []\n')).toBe(false);
    expect(looksLikeSql(read(DUMPDATA))).toBe(false);
    expect(looksLikeSql(read(REST))).toBe(false);
  });

  it('is fed line by line, as from a stream', () => {
    const reader = new CopyReader('s.sql');
    for (const line of ['--', 'COPY public.dcim_device (id, name) FROM stdin;', '1\tfw\\t1', '\\.', '']) reader.line(line);
    const rows = reader.end().get('dcim.device')!;
    expect(rows.map((r) => [r.pk, r.get('name'), loc(r.at('name'))])).toEqual([[1, 'fw\t1', 's.sql:3:3']]);
  });

  it('refuses a bad dump with every problem at its line:column', () => {
    const copy = 'COPY public.dcim_device (id, name, site_id) FROM stdin;';
    expect(refused(`--\n${copy}\n1\tfw01\t2\n2\tfw02\n3\tfw03\t2\textra\n4\tfw\\\t2\n\\.\n`)).toEqual([
      '4:7 BNK_ERR_SYNTAX this row of dcim_device has 2 tab-separated fields, but its COPY line (line 2) names 3 columns',
      '5:10 BNK_ERR_SYNTAX this row of dcim_device has 4 tab-separated fields, but its COPY line (line 2) names 3 columns',
      '6:5 BNK_ERR_SYNTAX a backslash ends the field: COPY escapes it as \\\\',
    ]);
    // Cut off inside a COPY block: the dump is truncated.
    expect(refused(read(SQL).split('\n').slice(0, 100).join('\n'))).toEqual([
      '93:1 BNK_ERR_SYNTAX the dump ends inside the COPY block of dcim_interface: no "\\." line closes it (the file is cut off; dump it again)',
    ]);
    expect(refused('--\nCOPY public.dcim_site FROM stdin;\n\\.\n')).toEqual([
      '2:1 BNK_ERR_SYNTAX a COPY line that pg_dump does not write: expected COPY [schema.]table (column, …) FROM stdin;',
    ]);
    expect(refused('--\nINSERT INTO public.dcim_device VALUES (1);\n')).toEqual([
      '1:1 BNK_ERR_SYNTAX no COPY block of dcim_device or ipam_prefix: this is not a pg_dump of a NetBox database (pg_dump --inserts is not read; dump with COPY, the default)',
    ]);
    // Binary garbage that starts like SQL is refused as the other importers refuse it.
    expect(refused('-- x\n\u0000\u0001')).toEqual(['2:1 BNK_ERR_SYNTAX control character U+0000: this is a binary file, not a text configuration']);
  });
});

describe('the demo data as an inventory', () => {
  it('reads devices with their role, site and tenant; the unnamed and "PP:" devices are left out', () => {
    const inv = parseNetbox(read(SQL), SQL);
    // Lines 63-67 (devices 1, 2, 14, 15, 27); the patch panel 74 (line 68) has no name.
    expect(inv.devices.map((d) => `${d.id} ${d.kind} ${d.site} ${d.tenant}`)).toEqual([
      'dmi01-akron-rtr01 router dm-akron dunder-mifflin',
      'dmi01-albany-rtr01 router dm-albany dunder-mifflin',
      'dmi01-akron-sw01 switch dm-akron dunder-mifflin',
      'dmi01-albany-sw01 switch dm-albany dunder-mifflin',
      'dmi01-akron-pdu01 router dm-akron dunder-mifflin',
    ]);
    expect(inv.warnings.filter((w) => w.en.startsWith('NetBox device')).map((w) => `${loc(w.loc)} ${w.en}`)).toEqual([
      `${SQL}:68:60 NetBox device 74: it has no name: left out with its interfaces and cables`,
    ]);
    // Interfaces by id (lines 94-108): Akron's router has GigabitEthernet0/0/0-0/1/2.
    expect(inv.devices[0]!.interfaces.map((f) => f.name)).toEqual([
      'GigabitEthernet0/0/0',
      'GigabitEthernet0/0/1',
      'GigabitEthernet0/1/0',
      'GigabitEthernet0/1/1',
      'GigabitEthernet0/1/2',
    ]);
  });

  it('reads the prefixes with their role, VLAN, site and tenant; containers are no prefixes', () => {
    const inv = parseNetbox(read(SQL), SQL);
    // Lines 164-177: 10.112.0.0/15, /17s and the /22s are containers; 10.112.129.0/24 has role 1
    // (access-data), VLAN 1 (vid 100 "Data", line 199), scope site 2; Shared services (id 95,
    // last: dump rows are read in id order) none.
    expect(
      inv.prefixes.map((p) => `${p.origin.line} ${p.role ?? '-'} ${p.vlan?.vid ?? '-'}/${p.vlan?.name ?? '-'} ${p.site ?? '-'} ${p.tenant ?? '-'}`),
    ).toEqual([
      '168 management -/- dm-akron dunder-mifflin',
      '169 access-data 100/Data dm-akron dunder-mifflin',
      '170 access-voice 200/Voice dm-akron dunder-mifflin',
      '171 access-wireless 300/Wireless dm-akron dunder-mifflin',
      '173 management -/- dm-albany dunder-mifflin',
      '174 access-data 100/Data dm-albany dunder-mifflin',
      '175 access-voice 200/Voice dm-albany dunder-mifflin',
      '176 access-wireless 300/Wireless dm-albany dunder-mifflin',
      '167 - -/- - -',
    ]);
    expect(inv.prefixes[1]!.vlan).toEqual({ vid: 100, name: 'Data', role: 'access-data', site: 'dm-akron', tenant: 'dunder-mifflin' });
  });

  it('reads the cables between interfaces as links; circuits and power are warnings; addresses on no interface too', () => {
    const inv = parseNetbox(read(SQL), SQL);
    // Cables 35-38 (terminations lines 45-52) join each router's GigabitEthernet0/1/0-1 to its switch.
    expect(inv.links.map((l) => `${l.origin.line} ${l.a} ${l.b}`)).toEqual([
      '24 dmi01-akron-rtr01:GigabitEthernet0/1/0 dmi01-akron-sw01:GigabitEthernet1/0/1',
      '25 dmi01-akron-rtr01:GigabitEthernet0/1/1 dmi01-akron-sw01:GigabitEthernet1/0/2',
      '26 dmi01-albany-rtr01:GigabitEthernet0/1/0 dmi01-albany-sw01:GigabitEthernet1/0/1',
      '27 dmi01-albany-rtr01:GigabitEthernet0/1/1 dmi01-albany-sw01:GigabitEthernet1/0/2',
    ]);
    // Cables 4, 7, 21, 22 end at a circuit termination, 61 at a power port and outlet; the demo
    // assigns its addresses (lines 153-155) to no interface.
    expect(inv.warnings.filter((w) => !w.en.startsWith('NetBox device')).map((w) => `${w.loc.line} ${w.en}`)).toEqual([
      '153 address 192.168.0.1/22 is assigned to no device interface: left out',
      '154 address 192.168.0.2/22 is assigned to no device interface: left out',
      '155 address 192.168.0.3/22 is assigned to no device interface: left out',
      '20 cable without one device interface at each end: left out',
      '21 cable without one device interface at each end: left out',
      '22 cable without one device interface at each end: left out',
      '23 cable without one device interface at each end: left out',
      '28 cable without one device interface at each end: left out',
    ]);
  });
});

describe('limited to one site or tenant by the site file', () => {
  it("keeps DM-Akron's devices, prefixes and cables only", () => {
    const inv = parseNetbox(read(SQL), SQL, site());
    expect(inv.devices.map((d) => d.id)).toEqual(['dmi01-akron-rtr01', 'dmi01-akron-sw01', 'dmi01-akron-pdu01']);
    // Shared services (no site) and Albany's prefixes are outside; so are the cables 4, 22 (Albany's circuits).
    expect(inv.prefixes.map((p) => p.origin.line)).toEqual([168, 169, 170, 171]);
    expect(inv.links.map((l) => l.origin.line)).toEqual([24, 25]);
    // The addresses have no site: outside the limit, no warning.
    expect(inv.warnings.map((w) => `${w.loc.line} ${w.en}`)).toEqual([
      '68 NetBox device 74: it has no name: left out with its interfaces and cables',
      '21 cable without one device interface at each end: left out',
      '22 cable without one device interface at each end: left out',
    ]);
  });

  it('keeps a tenant across its sites; a site or tenant that is not in the export is a warning at its line', () => {
    const text = 'bunkatsu-site: 1\nnetbox:\n  tenants: [dunder-mifflin]\n';
    const inv = parseNetbox(read(SQL), SQL, site(text));
    expect(inv.devices).toHaveLength(5);
    // Both sites' prefixes; Shared services (line 167) has no tenant.
    expect(inv.prefixes.map((p) => p.origin.line)).toEqual([168, 169, 170, 171, 173, 174, 175, 176]);
    const none = parseNetbox(read(SQL), SQL, site('bunkatsu-site: 1\nnetbox:\n  sites: [dm-akron, dm-akorn]\n  tenants: [jimbobs-banking-trust]\n'));
    // Jimbob's has VLANs at JBB Branch 104 (lines 205-208) but no device or prefix at DM-Akron.
    expect(none.devices).toEqual([]);
    expect(none.warnings.filter((w) => w.loc.file === SITE).map((w) => `${loc(w.loc)} ${w.en} / ${w.ja}`)).toEqual([
      `${SITE}:3:21 no NetBox device, prefix or VLAN of the export is at site "dm-akorn": the limit keeps nothing of it / エクスポートにサイト "dm-akorn" の NetBox の機器・プレフィックス・VLAN がないため、この限定では何も取り込まれません`,
    ]);
  });

  it('two cities may both have an fw01: an error for the whole export, one device under the limit', () => {
    // NetBox keeps device names unique per site (and tenant), not across a prefecture's NetBox.
    const netbox = JSON.stringify({
      devices: [
        { id: 1, name: 'fw01', site: { id: 1, slug: 'city-a' } },
        { id: 2, name: 'fw01', site: { id: 2, slug: 'city-b' } },
      ],
      interfaces: [
        { id: 11, device: { id: 1, name: 'fw01' }, name: 'port1' },
        { id: 21, device: { id: 2, name: 'fw01' }, name: 'wan' },
      ],
      cables: [
        { id: 5, a_terminations: [{ object_type: 'dcim.interface', object_id: 11 }], b_terminations: [{ object_type: 'dcim.interface', object_id: 21 }] },
      ],
    });
    expect(refused(netbox, 'nb.json')).toEqual(['1:83 BNK_ERR_DUPLICATE_ID two NetBox devices are named "fw01"']);
    const inv = parseNetbox(netbox, 'nb.json', site('bunkatsu-site: 1\nnetbox:\n  sites: [city-b]\n'));
    expect(inv.devices.map((d) => `${d.id} ${d.site} ${d.interfaces.map((f) => f.name).join(',')}`)).toEqual(['fw01 city-b wan']);
    // The cable between the two cities leaves the limit: a warning, not a link.
    expect(inv.links).toEqual([]);
    expect(inv.warnings.map((w) => w.en)).toEqual([
      "cable to a device outside the site file's netbox limit (its sites, tenants, regions, site groups): left out",
    ]);
  });

  it('keeps the sites of a region or site group, the regions within it included', () => {
    const kept = (limit: string): string[] => parseNetbox(read(SQL), SQL, site(`bunkatsu-site: 1\nnetbox:\n  ${limit}\n`)).devices.map((d) => d.id);
    // DM-Akron is in region 51 us-oh (line 230), DM-Albany in 43 us-ny; both under 7 us, under 1
    // north-america; both in site group 2 branch-offices, under 1 customer-sites (lines 239-240).
    expect(kept('regions: [us-oh]')).toEqual(['dmi01-akron-rtr01', 'dmi01-akron-sw01', 'dmi01-akron-pdu01']);
    expect(kept('regions: [north-america]')).toHaveLength(5);
    expect(kept('siteGroups: [customer-sites]')).toHaveLength(5);
    expect(kept('regions: [us-ny]\n  siteGroups: [branch-offices]')).toEqual(['dmi01-albany-rtr01', 'dmi01-albany-sw01']);
    const none = parseNetbox(read(SQL), SQL, site('bunkatsu-site: 1\nnetbox:\n  siteGroups: [headquarters]\n'));
    expect(none.devices).toEqual([]);
    expect(none.warnings.map((w) => `${w.loc.line}:${w.loc.column} ${w.en}`)).toEqual([
      '3:16 no NetBox device, prefix or VLAN of the export is in site group "headquarters": the limit keeps nothing of it',
    ]);
  });

  it('dumpdata (v3.6), pg_dump (v4.2) and REST pages of the same Akron rows compose to the same topology', () => {
    const text = (file: string): string => {
      const { doc } = composeTopology([], site(), parseNetbox(read(file), file, site()));
      // Descriptions cite the export's lines, which differ by format.
      return JSON.stringify(doc, (k, v) => (k === 'description' ? undefined : v));
    };
    const sql = text(SQL);
    expect(text(DUMPDATA)).toBe(sql);
    expect(text(REST)).toBe(sql);
    expect(sql).toContain('"links":[["dmi01-akron-rtr01:GigabitEthernet0/1/0","dmi01-akron-sw01:GigabitEthernet1/0/1"]');
  });
});

describe('zones by site, tenant, role and VLAN; traces on every engine', () => {
  const composed = () => composeTopology([], site(), parseNetbox(read(SQL), SQL, site()));

  it('puts the selected prefixes in the site zones, warning of a site that selects nothing', () => {
    const { doc, warnings } = composed();
    // data: tenant dunder-mifflin and role access-data → 10.112.129.0/24 (line 169); voice: site
    // dm-akron and VLAN "Voice" → 10.112.130.0/24; mgmt: role management at dm-akron →
    // 10.112.128.0/28. Wireless (10.112.131.0/24) is selected by no zone: a zone of its own.
    expect(
      (doc.zones as Array<{ id: string; domain?: string; subnets?: string[] }>).map((z) => `${z.id} ${z.domain ?? '-'} ${z.subnets?.join(',') ?? '-'}`),
    ).toEqual([
      'wan public-internet -',
      'data lgwan 10.112.129.0/24',
      'voice lgwan 10.112.130.0/24',
      'mgmt lgwan 10.112.128.0/28',
      'net-10.112.131.0-24 - 10.112.131.0/24',
    ]);
    // The ports the site file names are kept although they have no address or cable.
    const sw = (doc.devices as Array<{ id: string; interfaces: Array<{ name: string; zone?: string }> }>).find((d) => d.id === 'dmi01-akron-sw01')!;
    expect(sw.interfaces.map((f) => `${f.name} ${f.zone ?? '-'}`)).toEqual([
      'GigabitEthernet1/0/1 -',
      'GigabitEthernet1/0/2 -',
      'GigabitEthernet1/0/3 data',
      'GigabitEthernet1/0/4 voice',
    ]);
    // dm-albany (line 26) is outside the limit: no prefix of the inventory is there.
    expect(warnings.filter((w) => w.loc.file === SITE).map((w) => `${loc(w.loc)} ${w.en}`)).toEqual([
      `${SITE}:26:29 no NetBox prefix of the inventory (or its VLAN) is at site "dm-albany": the selector selects nothing`,
    ]);
  });

  it("warns when a zone's selectors each select prefixes but none together", () => {
    // The demo's sites all have the same roles and VLANs, so two hand-written prefixes: the
    // zone asks for role access-data at site a, but a's prefix is access-voice.
    const netbox = JSON.stringify({
      prefixes: [
        { prefix: '10.0.1.0/24', role: { slug: 'access-voice' }, scope_type: 'dcim.site', scope: { slug: 'a' } },
        { prefix: '10.0.2.0/24', role: { slug: 'access-data' }, scope_type: 'dcim.site', scope: { slug: 'b' } },
      ],
    });
    const text = 'bunkatsu-site: 1\nzones:\n  - id: data\n    domain: lgwan\n    netboxSites: [a]\n    netboxRoles: [access-data]\n';
    const { doc, warnings } = composeTopology([], site(text), parseNetbox(netbox, 'nb.json', site(text)));
    expect(warnings.map((w) => `${loc(w.loc)} ${w.en}`)).toEqual([
      `${SITE}:3:9 no NetBox prefix of the inventory matches the NetBox selectors of zone "data" together (its sites, tenants, regions and site groups narrow its roles, tags and VLANs): the zone selects nothing`,
    ]);
    expect((doc.zones as Array<{ id: string }>).map((z) => z.id)).toEqual(['data', 'net-10.0.1.0-24', 'net-10.0.2.0-24']);
  });

  it('selects prefixes by region and site group, the regions and groups within them included', () => {
    // No limit: both sites' prefixes are in the inventory. DM-Akron is in region us-oh, DM-Albany
    // in us-ny, both under us and north-america; both in site group branch-offices, under
    // customer-sites (lines 230-240). Role 1 is access-data, 4 management (lines 169-174).
    const text = [
      'bunkatsu-site: 1',
      'zones:',
      '  - {id: oh-data, domain: lgwan, netboxRegions: [us-oh], netboxRoles: [access-data]}',
      '  - {id: ny-data, domain: lgwan, netboxRegions: [us-ny], netboxSiteGroups: [branch-offices], netboxRoles: [access-data]}',
      '  - {id: branch-mgmt, domain: lgwan, netboxSiteGroups: [customer-sites], netboxRoles: [management]}',
      '  - {id: eu, domain: lgwan, netboxRegions: [eu]}',
      '',
    ].join('\n');
    const { doc, warnings } = composeTopology([], site(text), parseNetbox(read(SQL), SQL, site(text)));
    const zones = (doc.zones as Array<{ id: string; subnets?: string[] }>).map((z) => `${z.id} ${z.subnets?.join(',') ?? '-'}`);
    expect(zones.slice(0, 4)).toEqual(['oh-data 10.112.129.0/24', 'ny-data 10.112.133.0/24', 'branch-mgmt 10.112.128.0/28,10.112.132.0/28', 'eu -']);
    expect(warnings.filter((w) => w.loc.file === SITE).map((w) => `${loc(w.loc)} ${w.en} / ${w.ja}`)).toEqual([
      `${SITE}:6:45 no NetBox prefix of the inventory (or its VLAN) is in region "eu": the selector selects nothing / インベントリにリージョン "eu" の NetBox プレフィックス（またはその VLAN）がないため、この指定は何も選びません`,
    ]);
  });

  it('reads a prefix scoped to a region (NetBox 4.2) as in that region, from REST and from pg_dump', () => {
    const text = 'bunkatsu-site: 1\nnetbox:\n  regions: [us]\nzones:\n  - {id: na, domain: lgwan, netboxRegions: [north-america]}\n';
    const rest = JSON.stringify({
      regions: [
        { id: 1, slug: 'north-america', parent: null },
        { id: 7, slug: 'us', parent: { id: 1, slug: 'north-america' } },
        { id: 9, slug: 'eu', parent: null },
      ],
      prefixes: [
        { prefix: '10.9.0.0/24', scope_type: 'dcim.region', scope: { id: 7, slug: 'us' } },
        { prefix: '10.8.0.0/24', scope_type: 'dcim.region', scope: { id: 9, slug: 'eu' } },
      ],
    });
    const dump = [
      '--',
      'COPY public.django_content_type (id, app_label, model) FROM stdin;',
      '55\tdcim\tregion',
      '\\.',
      'COPY public.dcim_region (id, name, slug, parent_id) FROM stdin;',
      '1\tNorth America\tnorth-america\t\\N',
      '7\tUnited States\tus\t1',
      '9\tEurope\teu\t\\N',
      '\\.',
      'COPY public.ipam_prefix (id, prefix, status, scope_id, scope_type_id) FROM stdin;',
      '5\t10.9.0.0/24\tactive\t7\t55',
      '6\t10.8.0.0/24\tactive\t9\t55',
      '\\.',
      '',
    ].join('\n');
    for (const [file, export_] of [
      ['nb.json', rest],
      ['nb.sql', dump],
    ] as const) {
      const inventory = parseNetbox(export_, file, site(text));
      // The limit to us keeps the prefix scoped to us, not the one scoped to eu; the zone's north-america holds us.
      expect(inventory.prefixes.map((p) => `${p.prefix.lo === parseIpv4('10.9.0.0') ? '10.9.0.0/24' : 'other'} ${p.regions?.join(',')}`)).toEqual([
        '10.9.0.0/24 us,north-america',
      ]);
      const { doc } = composeTopology([], site(text), inventory);
      expect((doc.zones as Array<{ id: string; subnets?: string[] }>).map((z) => `${z.id} ${z.subnets?.join(',')}`)).toEqual(['na 10.9.0.0/24']);
    }
  });

  it('traces through the access switch and the router', () => {
    const network = loadImported(composed().doc as Record<string, unknown>, 'akron.yaml', { domainless: true });
    const range = (address: string) => ({ lo: parseIpv4(address)!, hi: parseIpv4(address)! });
    const trace = (from: string, to: string): string[] =>
      Object.values(ENGINES).flatMap((factory) =>
        traceFlow(network, factory(network), [range(from)], [range(to)], [{ protoLo: TCP, protoHi: TCP, portLo: 443, portHi: 443 }]).map((o) =>
          o.disposition.kind === 'delivered' ? `delivered ${network.zones[o.disposition.zone]!.id}` : o.disposition.kind,
        ),
      );
    const all = (answer: string): string[] => Array(Object.keys(ENGINES).length).fill(answer);
    // data (sw01 Gi1/0/3) → the Internet: the switch forwards to Gi1/0/1-2, cabled to rtr01
    // Gi0/1/0-1; the router (no routes) forwards out of Gi0/0/0, the wan zone.
    expect(trace('10.112.129.10', '8.8.8.8')).toEqual(all('delivered wan'));
    // DM HQ's 10.112.0.0/17 is outside the limit: its addresses are the default zone's too.
    expect(trace('10.112.129.10', '10.112.0.5')).toEqual(all('delivered wan'));
    // data → voice: the switch forwards between all its ports (a switch's VLANs are not kept
    // apart; the demo's ports have no mode), so voice is reached at Gi1/0/4 directly.
    expect(trace('10.112.129.10', '10.112.130.10')).toEqual(all('delivered voice'));
    // mgmt has its prefix but no port: nothing reaches it.
    expect(trace('10.112.129.10', '10.112.128.5')).toEqual(all('no-path'));
  });
});
