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

// The city with SSH open from the Internet to srv (the rules of SSH above, written in the
// topology): every address of the default zone reaches srv tcp/22 through sc-fw and in-fw.
const OPEN = CITY.replace(
  '      - { id: s-deny, action: deny }',
  '      - { id: s-ssh, action: permit, from: any, to: srv, service: ssh, in: internet, out: city }\n      - { id: s-deny, action: deny }',
).replace(
  '      - { id: i-deny, action: deny }',
  '      - { id: i-ssh, action: permit, from: any, to: srv, service: ssh, in: outside, out: servers }\n      - { id: i-deny, action: deny }',
);
const PARTNER = range('203.0.113.0', '203.0.113.255');
/** The default zone once 203.0.113.0/24 has left it: its last range cut in two. */
const INTERNET_LEFT = [...INTERNET.slice(0, 3), range('10.250.1.0', '203.0.112.255'), range('203.0.114.0', '255.255.255.255')];
// A partner network's block, taken out of the default zone into a new zone of its own.
const ADD_PARTNER = { 'add-zone': { id: 'partner', domain: 'gov-cloud', subnets: ['203.0.113.0/24'] } };

describe.each(Object.keys(ENGINES))('%s engine: a re-zoning is reported as such', (engine) => {
  let open: PreparedTopology;
  const reviewed = (change: string) => {
    open ??= prepareReview(loadReviewTopology(OPEN, 'open.yaml', pack), pack, TODAY, engine);
    return reviewChange({ base: open, change, file: 'change.json', pack, today: TODAY, accept: 'change' });
  };
  const MOVE = { from: 'internet', fromDomain: 'public-internet', to: 'partner', toDomain: 'gov-cloud', addresses: [{ lo: PARTNER[0], hi: PARTNER[1] }] };

  it('a new zone with no line: 203.0.113.0/24 moves to it; its SSH to srv stops, 0 blocked flows', () => {
    // partner has no segment attached: what it sends goes nowhere. Before, 203.0.113.0/24 →
    // srv tcp/22 arrived (from internet); after, from partner, it arrives nowhere. That is the
    // re-zoning's doing: listed with it (internet>inet-servers, one class), not as blocked.
    const { report, networks } = reviewed(changeOf(ADD_PARTNER));
    expect(report.rezoned).toEqual([MOVE]);
    expect(report.newlyBlocked).toEqual([]);
    expect(report.newlyAllowed).toEqual([]);
    expect(report.rezonedStopped.map((f) => `${f.from}>${f.to}`)).toEqual(['internet>inet-servers']);
    expect(report.rezonedStopped[0]!.classes).toHaveLength(1);
    expect(equalSets(report.rezonedStopped[0]!.classes[0]!.boxes, [box(PARTNER, SRV, 6, 22)])).toBe(true);
    expect(report.summary.en).toContain('Opens 0 zone-to-zone flow(s) (0 across domains), closes 0.');
    expect(report.summary.en).toContain(
      'Moves 1 address range(s) to another zone (203.0.113.0/24: internet → partner): 1 flow(s) to or from them no longer arrive (not counted as closed).',
    );
    expect(report.summary.ja).toContain('1 件のアドレス範囲の所属ゾーンが変わります（203.0.113.0/24: internet → partner）');
    const text = reviewText(report, networks, 'en').split('\n');
    expect(text).toContain('newly blocked flows (0): none');
    expect(text).toContain('re-zoned addresses (1)');
    expect(text).toContain('  203.0.113.0/24: internet (public-internet) → partner (gov-cloud)');
    expect(text).toContain('flows to or from re-zoned addresses that no longer arrive (1)');
    expect(text).toContain('    1. 203.0.113.0/24 → 10.30.10.30  tcp/22');
    expect(reviewText(report, networks, 'ja').split('\n')).toContain('所属ゾーンが変わるアドレス（1 件）');
  });

  it('the new zone on a line of sc-fw that the SSH rule takes too: the flow carries on under the new name, nothing to report but the move', () => {
    // After: partner → srv tcp/22 arrives by sc-fw (s-ssh now from internet and partner) and
    // in-fw. The same headers arrived before as internet → inet-servers: not a new flow.
    const { report } = reviewed(
      changeOf(
        ADD_PARTNER,
        { 'add-interface': { device: 'sc-fw', interface: { name: 'partner', zone: 'partner' } } },
        {
          'replace-rule': {
            device: 'sc-fw',
            rule: 's-ssh',
            with: { id: 's-ssh', action: 'permit', from: 'any', to: 'srv', service: 'ssh', in: ['internet', 'partner'], out: 'city' },
          },
        },
      ),
    );
    expect(report.rezoned).toEqual([MOVE]);
    expect([report.newlyAllowed, report.newlyBlocked, report.rezonedStopped]).toEqual([[], [], []]);
  });

  it('a re-zoning alongside a real block: the rest of the Internet loses SSH and shows as blocked', () => {
    // i-ssh removed as well: every address of the Internet loses srv tcp/22. The addresses left
    // in the default zone (its ranges with 203.0.113.0/24 cut out): a blocked flow,
    // internet>inet-servers, one class (one path before). 203.0.113.0/24: with the move.
    const { report, networks } = reviewed(changeOf(ADD_PARTNER, { 'remove-rule': { device: 'in-fw', rule: 'i-ssh' } }));
    expect(report.rezoned).toEqual([MOVE]);
    expect(report.newlyBlocked.map((f) => `${f.from}>${f.to}`)).toEqual(['internet>inet-servers']);
    expect(report.newlyBlocked[0]!.classes).toHaveLength(1);
    expect(
      equalSets(
        report.newlyBlocked[0]!.classes[0]!.boxes,
        INTERNET_LEFT.map((r) => box(r, SRV, 6, 22)),
      ),
    ).toBe(true);
    expect(report.rezonedStopped.map((f) => `${f.from}>${f.to}`)).toEqual(['internet>inet-servers']);
    expect(equalSets(report.rezonedStopped[0]!.classes[0]!.boxes, [box(PARTNER, SRV, 6, 22)])).toBe(true);
    expect(report.summary.en).toContain('closes 1.');
    expect(reviewText(report, networks, 'en').split('\n')).toContain('newly blocked flows (1)');
  });
});
