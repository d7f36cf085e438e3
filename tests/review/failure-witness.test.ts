// A failure that changes where a missing packet stops without changing any header set: the
// incremental review must check such a finding again rather than carry over its old witness
// (found by the review conformance property, 2026-12-03).
//
// z0 (LGWAN) ── fi1:p0  fi1:up ══ fi0:p0   (fi0's other leg, up, goes nowhere)
// fi1 has no rules, so a packet from z0 toward h2 (in z2, My Number) is denied at fi1 on its way
// out by `up` toward fi0. Take fi0 down: fi1's `up` now leads to nothing, so the packet has no
// way out of fi1 at all and no firewall decides it; the intent still fails (the same headers are
// missing before and after, so the engine's delta is empty for them), but its witness no longer
// ends in a deny at fi1. Both engines must say so: the stop is `other`, not `denied`.

import { describe, expect, it } from 'vitest';
import { loadReviewTopology, prepareReview, reviewChange } from '../../src/review/run.ts';
import { seedPack, TODAY } from '../helpers.ts';

const pack = seedPack();
const TOPOLOGY = {
  bunkatsu: 1,
  name: 'down beside a deny',
  model: 'alpha',
  zones: [
    { id: 'z0', domain: 'lgwan', subnets: ['10.0.0.0/24'] },
    { id: 'z2', domain: 'mynumber', subnets: ['10.2.0.0/24'] },
  ],
  hosts: [
    { id: 'g0', zone: 'z0', role: 'terminal', addresses: '10.0.0.32/27', count: 20, controls: ['data-export-blocked', 'mfa'] },
    { id: 'h2', zone: 'z2', role: 'server', address: '10.2.0.10' },
  ],
  devices: [
    { id: 'fi0', kind: 'firewall', zone: 'z0', interfaces: [{ name: 'p0' }, { name: 'up' }], rules: [] },
    { id: 'fi1', kind: 'firewall', zone: 'z0', interfaces: [{ name: 'p0', zone: 'z0', address: '10.0.0.104' }, { name: 'up' }], rules: [] },
  ],
  links: [['fi0:p0', 'fi1:up']],
  intents: [{ id: 'i0', from: 'z0', to: 'h2', service: 'tcp/22', purpose: 'test', content: 'mail' }],
};

const CHANGE = JSON.stringify({ 'bunkatsu-change': 1, changes: [{ down: 'fi0' }] });

describe('a failure beside a deny: the finding is checked again, on every engine', () => {
  const topology = loadReviewTopology(JSON.stringify(TOPOLOGY), 'down.json', pack);
  for (const engine of ['fast', 'reference']) {
    it(`${engine}: before, the leg stops at fi1's deny; with fi0 down, nowhere in particular`, () => {
      const prepared = prepareReview(topology, pack, TODAY, engine);
      const stopOf = (findings: readonly { rule: string; stop?: { kind: string; device?: string } }[]) =>
        findings.filter((f) => f.rule === 'intent-reachability').map((f) => f.stop);
      expect(stopOf(prepared.base.check.findings as never)).toEqual([expect.objectContaining({ kind: 'denied', device: 'fi1' })]);
      const r = reviewChange({ base: prepared, change: CHANGE, file: 'change.json', pack, today: TODAY, engine }).report;
      expect(stopOf(r.checkAfter.findings as never)).toEqual([{ kind: 'other' }]);
      // Still failing, so neither broken nor restored.
      expect(r.intentsBroken).toEqual([]);
      expect(r.intentsRestored).toEqual([]);
    });
  }
});
