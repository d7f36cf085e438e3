// NetBox access ports (interface `mode: access` with an `untagged_vlan`): a port joins the zone
// that holds its VLAN's prefixes, so that the hosts of a VLAN can reach its segment without the
// site file naming every switch port; tagged ports are not read (a switch still forwards between
// all its ports). The same rows as REST pages and as a pg_dump, written for the test.

import { describe, expect, it } from 'vitest';
import { composeTopology } from '../../src/import/compose.ts';
import { parseNetbox } from '../../src/import/netbox.ts';
import { loadSite } from '../../src/import/site.ts';

const REST = JSON.stringify({
  devices: [{ id: 1, name: 'sw1', role: { id: 3, slug: 'access-switch' } }],
  interfaces: [
    { id: 11, device: { id: 1, name: 'sw1' }, name: 'p1', mode: { value: 'access' }, untagged_vlan: { id: 10, vid: 10, name: 'data' } },
    { id: 12, device: { id: 1, name: 'sw1' }, name: 'p2', mode: 'access', untagged_vlan: { id: 20 } },
    { id: 13, device: { id: 1, name: 'sw1' }, name: 'p3', mode: { value: 'tagged' }, untagged_vlan: { id: 10 } },
    { id: 14, device: { id: 1, name: 'sw1' }, name: 'p4', mode: 'access', untagged_vlan: { id: 30 } },
    { id: 15, device: { id: 1, name: 'sw1' }, name: 'p5', mode: 'access', untagged_vlan: { id: 10 } },
    { id: 16, device: { id: 1, name: 'sw1' }, name: 'p6', mode: 'access' },
  ],
  vlans: [
    { id: 10, vid: 10, name: 'data' },
    { id: 20, vid: 20, name: 'print' },
    { id: 30, vid: 30, name: 'split' },
  ],
  prefixes: [
    { prefix: '10.0.10.0/24', vlan: { id: 10 } },
    { prefix: '10.0.20.0/24', vlan: { id: 20 } },
    { prefix: '10.0.30.0/25', vlan: { id: 30 }, role: { slug: 'x' } },
    { prefix: '10.0.30.128/25', vlan: { id: 30 } },
  ],
});

const DUMP = [
  '--',
  'COPY public.dcim_devicerole (id, name, slug) FROM stdin;',
  '3\tAccess switch\taccess-switch',
  '\\.',
  'COPY public.dcim_device (id, name, role_id) FROM stdin;',
  '1\tsw1\t3',
  '\\.',
  'COPY public.ipam_vlan (id, vid, name) FROM stdin;',
  '10\t10\tdata',
  '20\t20\tprint',
  '30\t30\tsplit',
  '\\.',
  'COPY public.dcim_interface (id, name, device_id, mode, untagged_vlan_id) FROM stdin;',
  '11\tp1\t1\taccess\t10',
  '12\tp2\t1\taccess\t20',
  '13\tp3\t1\ttagged\t10',
  '14\tp4\t1\taccess\t30',
  '15\tp5\t1\taccess\t10',
  '16\tp6\t1\taccess\t\\N',
  '\\.',
  'COPY public.ipam_prefix (id, prefix, status, vlan_id, role_id) FROM stdin;',
  '1\t10.0.10.0/24\tactive\t10\t\\N',
  '2\t10.0.20.0/24\tactive\t20\t\\N',
  '3\t10.0.30.0/25\tactive\t30\t7',
  '4\t10.0.30.128/25\tactive\t30\t\\N',
  '\\.',
  'COPY public.ipam_role (id, name, slug) FROM stdin;',
  '7\tX\tx',
  '\\.',
  '',
].join('\n');

// data selects VLAN data's prefix; x selects the first half of VLAN split's; p5 is named in other.
const SITE =
  'bunkatsu-site: 1\nzones:\n  - {id: data, domain: lgwan, vlans: [data]}\n  - {id: x, domain: lgwan, netboxRoles: [x]}\n  - {id: other, domain: lgwan, interfaces: ["sw1:p5"]}\n';

describe('NetBox access ports', () => {
  for (const [format, file, text] of [
    ['REST', 'nb.json', REST],
    ['pg_dump', 'nb.sql', DUMP],
  ] as const) {
    it(`${format}: a port joins the one zone of its VLAN's prefixes; a name in the site file wins; tagged and unresolved ports are left out`, () => {
      const site = loadSite(SITE, 'site.yaml');
      const { doc, warnings } = composeTopology([], site, parseNetbox(text, file, site));
      const sw = (doc.devices as Array<{ id: string; kind: string; interfaces: Array<{ name: string; zone?: string }> }>).find((d) => d.id === 'sw1')!;
      expect(sw.kind).toBe('switch');
      // p1 → data (the site zone selecting VLAN data); p2 → the zone of VLAN print's own prefix;
      // p5 is named in other (the site file wins over the VLAN); p3 is tagged, p6 has no VLAN,
      // and p4's VLAN split has prefixes in two zones: left out, p4 with a warning.
      expect(sw.interfaces.map((f) => `${f.name} ${f.zone ?? '-'}`)).toEqual(['p1 data', 'p2 net-10.0.20.0-24', 'p5 other']);
      expect(warnings.filter((w) => w.en.startsWith('access port')).map((w) => `${w.en} / ${w.ja}`)).toEqual([
        'access port sw1:p4 is in VLAN "split", whose prefixes are in zones x, net-10.0.30.128-25: it is attached to no zone (name it in one zone\'s interfaces) / ' +
          'アクセスポート sw1:p4 の VLAN "split" のプレフィックスがゾーン x、net-10.0.30.128-25 にまたがるため、どのゾーンにも割り当てていません（いずれかのゾーンの interfaces に書いてください）',
      ]);
    });
  }
});
