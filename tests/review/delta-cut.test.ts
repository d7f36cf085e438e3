// The fast engine cuts a rule change's delta to the headers that come to the changed device. A
// header comes to a device through a link from another device: the cut must count what that
// device sends over the link (what came into it by any port), not what it receives over the
// link (found by the review conformance property, 2026-12-03).
//
// z1 (Internet) ── fi0:p0   fi0:p1 ══ ro1:up   ro1:p0 ── z0 (LGWAN)
// Before: fi0 permits only what enters by p0 (z1 → z0, a path-separation finding). The change
// puts `permit any` for what enters by p1 first: z0 → ro1 → fi0 → z1 opens. Every engine must
// report that flow as opened and the z0 → z1 path-separation finding as introduced.

import { describe, expect, it } from 'vitest';
import { loadReviewTopology, reviewChange } from '../../src/review/run.ts';
import { seedPack, TODAY } from '../helpers.ts';

const pack = seedPack();
const TOPOLOGY = {
  bunkatsu: 1,
  name: 'a change behind a router',
  model: 'alpha',
  zones: [
    { id: 'z0', domain: 'lgwan', subnets: ['10.0.0.0/24'] },
    { id: 'z1', domain: 'internet', subnets: ['10.1.0.0/24'] },
  ],
  hosts: [
    { id: 'h0', zone: 'z0', role: 'server', address: '10.0.0.10' },
    { id: 'h1', zone: 'z1', role: 'server', address: '10.1.0.10' },
  ],
  devices: [
    {
      id: 'fi0',
      kind: 'firewall',
      zone: 'z0',
      interfaces: [{ name: 'p0', zone: 'z1', address: '10.1.0.100' }, { name: 'p1' }],
      rules: [{ id: 'r0', action: 'permit', from: 'any', to: 'any', service: 'any', in: 'p0' }],
    },
    { id: 'ro1', kind: 'router', zone: 'z0', interfaces: [{ name: 'p0', zone: 'z0', address: '10.0.0.104' }, { name: 'up' }] },
  ],
  links: [['fi0:p1', 'ro1:up']],
};
const CHANGE = JSON.stringify({
  'bunkatsu-change': 1,
  changes: [{ 'add-rule': { device: 'fi0', position: 1, rule: { action: 'permit', from: 'any', to: 'any', service: 'any', in: 'p1' } } }],
});

describe('a rule change reached over a device link', () => {
  const topology = loadReviewTopology(JSON.stringify(TOPOLOGY), 'link.json', pack);
  for (const engine of ['fast', 'reference']) {
    it(`${engine}: z0 → z1 opens and its path-separation finding is introduced`, () => {
      const r = reviewChange({ base: topology, change: CHANGE, file: 'change.json', pack, today: TODAY, engine }).report;
      expect(r.newlyAllowed.map((f) => `${f.from}>${f.to}`)).toEqual(['z0>z1']);
      expect(r.findingsIntroduced.filter((f) => f.rule === 'path-separation').map((f) => f.subject)).toEqual([{ kind: 'zone-pair', from: 'z0', to: 'z1' }]);
    });
  }
});
