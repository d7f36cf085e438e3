// A review lists what it counts (issue 13, item 5): one class per path and deciding rules, and
// the summary's number of flows is the number listed. Hand-built city
// (tests/fixtures/noise/city.yaml), every engine of the registry.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_HEADERS, equalSets, type HeaderBox } from '../../src/engine/headerset.ts';
import { ENGINES } from '../../src/engine/registry.ts';
import { parseIpv4 } from '../../src/net/ipv4.ts';
import { loadReviewTopology, type PreparedTopology, prepareReview, reviewChange } from '../../src/review/run.ts';
import { reviewText } from '../../src/report/review.ts';
import { ROOT, seedPack, TODAY } from '../helpers.ts';

const FIXTURE = 'tests/fixtures/noise/city.yaml';
const CITY = readFileSync(resolve(ROOT, FIXTURE), 'utf8');
const pack = seedPack();
const ip = (text: string): number => parseIpv4(text)!;
const range = (lo: string, hi: string): [number, number] => [ip(lo), ip(hi)];
const box = (src: [number, number], dst: [number, number], proto: number, port: number): HeaderBox => ({
  ...ALL_HEADERS,
  srcLo: src[0],
  srcHi: src[1],
  dstLo: dst[0],
  dstHi: dst[1],
  protoLo: proto,
  protoHi: proto,
  portLo: port,
  portHi: port,
});
const SRV = range('10.30.10.30', '10.30.10.30');
/** The default zone `internet`: every address but the three subnets, four ranges. */
const INTERNET = [
  range('0.0.0.0', '10.20.0.255'),
  range('10.20.2.0', '10.30.9.255'),
  range('10.30.11.0', '10.249.255.255'),
  range('10.250.1.0', '255.255.255.255'),
];
const changeOf = (...changes: unknown[]): string => JSON.stringify({ 'bunkatsu-change': 1, changes });

// SSH from anywhere to srv: a permit on sc-fw (internet → city) and one on in-fw (outside →
// servers). Expected: one flow opened, internet → inet-servers, with ONE class: every address
// of the default zone (its four ranges) → 10.30.10.30 tcp/22, one path (internet, sc-fw
// s-ssh, in-fw i-ssh, inet-servers). The summary says "Opens 1 zone-to-zone flow(s)" and the
// text lists 1 flow of 1 class. Before the merge: 4 classes (one per range), listed as 4.
const SSH = changeOf(
  {
    'add-rule': { device: 'sc-fw', position: 1, rule: { id: 's-ssh', action: 'permit', from: 'any', to: 'srv', service: 'ssh', in: 'internet', out: 'city' } },
  },
  {
    'add-rule': {
      device: 'in-fw',
      position: 1,
      rule: { id: 'i-ssh', action: 'permit', from: 'any', to: 'srv', service: 'ssh', in: 'outside', out: 'servers' },
    },
  },
);

describe.each(Object.keys(ENGINES))('%s engine', (engine) => {
  let city: PreparedTopology;
  const reviewed = (change: string) => {
    city ??= prepareReview(loadReviewTopology(CITY, FIXTURE, pack), pack, TODAY, engine);
    return reviewChange({ base: city, change, file: 'change.json', pack, today: TODAY, accept: 'change' });
  };

  it('permit any → one host tcp/22 from the Internet: one flow, one class, counted as listed', () => {
    const { report, networks } = reviewed(SSH);
    expect(report.newlyAllowed.map((f) => `${f.from}>${f.to}`)).toEqual(['internet>inet-servers']);
    const [flow] = report.newlyAllowed;
    expect(flow!.classes).toHaveLength(1);
    const [only] = flow!.classes;
    expect(
      equalSets(
        only!.boxes,
        INTERNET.map((r) => box(r, SRV, 6, 22)),
      ),
    ).toBe(true);
    const rules = only!.witness!.hops.flatMap((h) => (h.kind === 'device' && h.rule ? [h.rule.id] : []));
    expect(rules).toEqual(['s-ssh', 'i-ssh']);
    expect(report.newlyBlocked).toEqual([]);
    expect(report.summary.en).toContain('Opens 1 zone-to-zone flow(s) (1 across domains), closes 0.');
    expect(report.summary.ja).toContain('ゾーン間の通信を 1 件開き（うち領域をまたぐもの 1 件）、0 件閉じます。');
    const text = reviewText(report, networks, 'en').split('\n');
    expect(text).toContain('newly allowed flows (1)');
    expect(text).toContain('  internet (public-internet) → inet-servers (internet): 1 class');
    expect(text).toContain('    1. zone internet → 10.30.10.30  tcp/22');
    expect(text).toContain('newly blocked flows (0): none');
  });
});
