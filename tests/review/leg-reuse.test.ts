// A review re-checks an intent when any of its legs is touched, but a leg outside the change's
// delta fares after the change as before: it is taken from the engine before the change, and
// legs alike (the same addresses, services and gateway) are evaluated once per engine.
//
//   office (10.0.0.0/24) ── fw ── srv (10.1.0.0/24)
//                            └─── web (10.2.0.0/24)
// fw permits office → srv https and office → web ssh. The change removes the ssh rule: its
// delta is office → web ssh; office → srv https is outside it.

import { describe, expect, it } from 'vitest';
import { NO_FAILURES } from '../../src/engine/types.ts';
import { evaluateLeg, type Leg } from '../../src/policy/analysis.ts';
import { applyInMemory } from '../../src/review/apply.ts';
import { loadChange } from '../../src/review/change.ts';
import { prepareBase } from '../../src/review/review.ts';
import { loadReviewTopology } from '../../src/review/run.ts';
import { ENGINES } from '../../src/engine/registry.ts';
import { seedPack, TODAY } from '../helpers.ts';

const pack = seedPack();
const TOPOLOGY = {
  bunkatsu: 1,
  name: 'two rules',
  model: 'alpha',
  zones: [
    { id: 'office', domain: 'lgwan', subnets: ['10.0.0.0/24'] },
    { id: 'srv', domain: 'lgwan', subnets: ['10.1.0.0/24'] },
    { id: 'web', domain: 'lgwan', subnets: ['10.2.0.0/24'] },
  ],
  hosts: [
    { id: 'pc', zone: 'office', role: 'terminal', address: '10.0.0.10' },
    { id: 'app', zone: 'srv', role: 'server', address: '10.1.0.10' },
    { id: 'site', zone: 'web', role: 'server', address: '10.2.0.10' },
  ],
  devices: [
    {
      id: 'fw',
      kind: 'firewall',
      zone: 'office',
      interfaces: [
        { name: 'in', zone: 'office', address: '10.0.0.1' },
        { name: 'a', zone: 'srv', address: '10.1.0.1' },
        { name: 'b', zone: 'web', address: '10.2.0.1' },
      ],
      rules: [
        { id: 'to-srv', action: 'permit', from: 'office', to: 'srv', service: 'https' },
        { id: 'to-web', action: 'permit', from: 'office', to: 'web', service: 'ssh' },
      ],
    },
  ],
};

const PC = { lo: 0x0a00000a, hi: 0x0a00000a };
const leg = (to: { lo: number; hi: number }, port: number, label: string): Leg => ({
  from: [PC],
  to: [to],
  services: [{ protoLo: 6, protoHi: 6, portLo: port, portHi: port }],
  gateway: undefined,
  label,
});
const TO_APP = leg({ lo: 0x0a01000a, hi: 0x0a01000a }, 443, 'pc → app');
const TO_SITE = leg({ lo: 0x0a02000a, hi: 0x0a02000a }, 22, 'pc → site');

describe('legs a change does not touch', () => {
  const topology = loadReviewTopology(JSON.stringify(TOPOLOGY), 'two-rules.json', pack);
  const base = prepareBase(topology.network, pack, TODAY, ENGINES.fast!);
  const change = loadChange(JSON.stringify({ 'bunkatsu-change': 1, changes: [{ 'remove-rule': { device: 'fw', rule: 'to-web' } }] }), 'change.json');
  const { after } = applyInMemory(topology.network, change);
  const { engine } = base.engine.derive({ after, devices: new Set([0]), failures: NO_FAILURES });

  it('are answered by the engine before the change; touched ones are not', () => {
    expect(engine.unchangedFrom({ src: TO_APP.from, dst: TO_APP.to, services: TO_APP.services })).toBe(base.engine);
    expect(engine.unchangedFrom({ src: TO_SITE.from, dst: TO_SITE.to, services: TO_SITE.services })).toBeUndefined();
    // An engine not derived, and the reference engine, never answer for another.
    expect(base.engine.unchangedFrom({ src: TO_APP.from, dst: TO_APP.to, services: TO_APP.services })).toBeUndefined();
  });

  it('keep the sets found before; the touched leg is evaluated anew and now misses its packets', () => {
    const before = evaluateLeg(topology.network, base.engine, TO_APP);
    const now = evaluateLeg(after, engine, TO_APP);
    expect(now.missing).toBe(before.missing);
    expect(now.missing).toEqual([]); // https to app still gets through
    expect(evaluateLeg(topology.network, base.engine, TO_SITE).missing).toEqual([]);
    const site = evaluateLeg(after, engine, TO_SITE);
    expect(site.missing).toEqual(site.requested); // ssh to site is denied now: all of it misses
    expect(site.missing.length).toBeGreaterThan(0);
  });

  it('are evaluated once per engine, whatever their label', () => {
    const again = evaluateLeg(after, engine, { ...TO_SITE, label: 'another intent, the same leg' });
    const first = evaluateLeg(after, engine, TO_SITE);
    expect(again.missing).toBe(first.missing);
    expect(again.leg.label).toBe('another intent, the same leg');
  });
});
