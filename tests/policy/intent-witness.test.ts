// A failed intent's witness is the path its packet takes to the destination, ending at the
// hop that stops it, and the hint fits that cause (issue 13, item 2): never a permit across
// domains. Hand-built cities, both engines, the same finding on each.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENGINES } from '../../src/engine/registry.ts';
import { loadTopology } from '../../src/model/load.ts';
import type { Network } from '../../src/model/network.ts';
import { formatIpv4 } from '../../src/net/ipv4.ts';
import { runCheck } from '../../src/policy/check.ts';
import type { Finding, LegStop, Witness } from '../../src/policy/types.ts';
import { checkReportJson } from '../../src/report/json.ts';
import { findingText } from '../../src/report/messages.ts';
import { ROOT, seedPack, TODAY } from '../helpers.ts';

// The city (tests/fixtures/intent-witness/refused-leg.yaml):
//
//   mgmt (lgwan, 10.20.1.0/24, admin-pc 10.20.1.10)
//     │ mgmt
//   lg-fw ── servers ── lg-servers (lgwan, 10.20.30.0/24, lg-file 10.20.30.5)
//     │ internet              └─ sg-file:lg 10.20.30.12 (file sanitizer, relay only in: inet smtp)
//   inet-sanitize (internet, 10.30.0.0/24) ── sg-file:inet 10.30.0.12
//
// lg-fw: `no-inet` denies anything from mgmt out to the Internet side; `ssh-servers` permits
// mgmt → lg-servers ssh. The intent ops-ssh is admin-pc → lg-servers (the whole zone) ssh.
// Every address of lg-servers gets ssh (delivered) but 10.20.30.12, the sanitizer's LGWAN leg:
// no relay there accepts ssh, so the connection is refused. Missing: one class,
// 10.20.1.10 → 10.20.30.12 tcp/22. Its packet has two ends: refused at sg-file:lg (in the
// destination zone: distance 0) and denied by lg-fw#no-inet on the way to the Internet side
// (lg-fw is one step from lg-servers). The witness must be the first: mgmt, lg-fw (permitted
// by ssh-servers), lg-servers, sg-file, refused at sg-file:lg. Before, the deny was shown
// (a deny was preferred to any refusal) and the hint said to add a permit.
const FIXTURE = 'tests/fixtures/intent-witness/refused-leg.yaml';
const CITY = readFileSync(resolve(ROOT, FIXTURE), 'utf8');
const NO_SSH_RULE = CITY.split('\n')
  .filter((l) => !l.includes('id: ssh-servers'))
  .join('\n');

// A second city: a My Number zone and an LGWAN management zone behind one firewall that
// permits only mgmt → lg-servers ssh (default deny else).
//  - mn-file: mn-pc (mynumber) → lg-file smb. Denied by lg-fw's default deny, entering from
//    mn-office (mynumber) toward lg-servers (lgwan): across domains, the hint must not be a permit.
//  - ops-https: admin-pc → lg-file https. Denied by the default deny from mgmt toward
//    lg-servers, both lgwan: the narrowest permit on lg-fw is the fix.
const TWO_DOMAINS = `bunkatsu: 1
name: 区間証跡テスト市
model: alpha
zones:
  - { id: mn-office, domain: mynumber, subnets: [10.10.1.0/24] }
  - { id: mgmt, domain: lgwan, subnets: [10.20.1.0/24] }
  - { id: lg-servers, domain: lgwan, subnets: [10.20.30.0/24] }
hosts:
  - { id: mn-pc, zone: mn-office, address: 10.10.1.21, role: terminal, controls: [mfa, data-export-blocked] }
  - { id: admin-pc, zone: mgmt, address: 10.20.1.10, role: terminal }
  - { id: lg-file, zone: lg-servers, address: 10.20.30.5, role: server }
devices:
  - id: lg-fw
    kind: firewall
    zone: mgmt
    interfaces:
      - { name: mn, zone: mn-office }
      - { name: mgmt, zone: mgmt }
      - { name: servers, zone: lg-servers }
    rules:
      - { id: ssh-servers, action: permit, from: mgmt, to: lg-servers, service: ssh, in: mgmt, out: servers }
intents:
  - { id: mn-file, from: mn-pc, to: lg-file, service: smb, purpose: マイナンバー端末から LGWAN のファイルサーバーへ }
  - { id: ops-https, from: admin-pc, to: lg-file, service: https, purpose: 運用端末から管理画面 }
`;

const load = (text: string): Network => loadTopology(text, 'intent-witness.yaml', { domains: new Set(Object.keys(seedPack().domains)) });
const ip = (a: number): string => formatIpv4(a);
const packetText = (p: Witness['packet']): string => `${ip(p.src)} → ${ip(p.dst)} ${p.protocol}/${p.port}`;
const hopsText = (network: Network, w: Witness): string[] =>
  w.hops.map((h) => (h.kind === 'zone' ? network.zones[h.zone]!.id : `${network.devices[h.device]!.id}${h.rule ? `#${h.rule.id}` : ''}`));
const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

const checkWith = (engineFactory: (typeof ENGINES)[keyof typeof ENGINES], text: string) => {
  const network = load(text);
  const report = runCheck(network, seedPack(), { engineFactory, today: TODAY });
  return { network, legs: report.findings.filter((f): f is Extract<Finding, { kind: 'leg' }> => f.kind === 'leg') };
};

describe.each(Object.entries(ENGINES))('%s engine: the witness of a failed intent', (_, engineFactory) => {
  const check = (text: string) => checkWith(engineFactory, text);

  it('ends at the refusal inside the destination, and the hint is to narrow the destination or declare the service', () => {
    const { network, legs } = check(CITY);
    expect(legs.map((f) => `${f.rule}: ${f.subject.intent} (${f.subject.leg})`)).toEqual(['intent-reachability: ops-ssh (admin-pc → lg-servers)']);
    const [finding] = legs;
    expect(finding!.classes).toHaveLength(1);
    const witness = finding!.classes[0]!.witness!;
    expect(packetText(witness.packet)).toBe('10.20.1.10 → 10.20.30.12 6/22');
    const sg = network.devices.findIndex((d) => d.id === 'sg-file');
    expect(witness.disposition).toEqual({ kind: 'refused', device: sg, interface: 'lg' });
    expect(hopsText(network, witness)).toEqual(['mgmt', 'lg-fw#ssh-servers', 'lg-servers', 'sg-file']);
    expect(finding!.stop).toEqual({
      kind: 'refused',
      gateway: 'sg-file',
      interface: 'lg',
      address: network.devices[sg]!.interfaces.find((f) => f.name === 'lg')!.address,
    });
    // Located at the intent (its destination is what to narrow), not at the deny towards the Internet.
    expect(finding!.loc.line).toBe(lineOf(CITY, 'id: ops-ssh'));
    const { hint } = findingText(finding!);
    expect(hint.en).toBe(
      "The destination includes sg-file:lg (10.20.30.12), which accepts no such service (no relay declared for it). Narrow the intent's destination to the hosts it is meant for, or, if sg-file does relay this service, declare it in its relays.",
    );
    expect(hint.ja).toBe(
      '宛先に sg-file:lg（10.20.30.12）が含まれていますが、sg-file はこのサービスを受け付けません（中継の定義がありません）。必要な通信の宛先を本来の接続先に限定するか、sg-file がこのサービスを中継する場合は relays に宣言してください。',
    );
    expect(hint.en).not.toContain('permit');
  });

  it('a deny between domains the pack does not separate, on the way to the destination: the narrowest permit, at the firewall toward it', () => {
    // Without ssh-servers, every ssh of the intent stops at lg-fw (default deny). The zone it
    // leaves toward is lg-servers (lgwan), as mgmt: one domain, not separated by the pack, so a
    // permit is the fix.
    const { network, legs } = check(NO_SSH_RULE);
    const [finding, ...rest] = legs;
    expect(rest).toEqual([]);
    const witness = finding!.classes[0]!.witness!;
    expect(witness.disposition.kind).toBe('denied');
    expect(hopsText(network, witness)).toEqual(['mgmt', 'lg-fw']);
    expect(finding!.stop).toMatchObject({ kind: 'denied', device: 'lg-fw', rule: undefined, from: { id: 'mgmt' }, to: { id: 'lg-servers' }, crosses: false });
    expect(findingText(finding!).hint.en).toBe(
      'The default deny of lg-fw denies it from mgmt (LGWAN-connected systems) to lg-servers (LGWAN-connected systems), which the policy does not separate: add to lg-fw the narrowest permit that carries this leg.',
    );
  });

  it('a deny across domains never suggests a permit', () => {
    const { legs } = check(TWO_DOMAINS);
    expect(legs.map((f) => f.subject.intent)).toEqual(['mn-file', 'ops-https']);
    const [mn, ops] = legs;
    expect(mn!.stop).toMatchObject({
      kind: 'denied',
      device: 'lg-fw',
      from: { id: 'mn-office', domain: 'mynumber' },
      to: { id: 'lg-servers', domain: 'lgwan' },
      crosses: true,
    });
    const hint = findingText(mn!).hint;
    expect(hint.en).toContain('The flow crosses domains: do not open it with a permit.');
    expect(hint.en).not.toContain('add');
    expect(hint.ja).toContain('この通信は領域をまたぐため、許可ルールの追加で通してはなりません。');
    expect(hint.ja).not.toContain('許可ルールを lg-fw に追加');
    // The LGWAN intent on the same firewall: one domain, a permit is the fix.
    expect(ops!.stop).toMatchObject({ kind: 'denied', from: { id: 'mgmt' }, to: { id: 'lg-servers' }, crosses: false });
    expect(findingText(ops!).hint.ja).toContain('必要最小限の許可ルールを lg-fw に追加してください。');
  });
});

describe('both engines give the same leg findings', () => {
  it.each([
    ['refused', CITY],
    ['denied', NO_SSH_RULE],
    ['two domains', TWO_DOMAINS],
  ])('%s', (_, text) => {
    const [a, b] = Object.values(ENGINES).map((f) => checkWith(f, text).legs);
    expect(a).toEqual(b);
  });
});

describe('the hint of every kind of stop', () => {
  const zone = (id: string, domain: string) => ({ id, domain, domainName: { ja: `${domain}系`, en: domain } });
  const STOPS: LegStop[] = [
    { kind: 'refused', gateway: 'sg', interface: 'lg', address: undefined },
    { kind: 'denied', device: 'fw', rule: 'r1', from: zone('a', 'lgwan'), to: zone('b', 'lgwan'), crosses: false },
    { kind: 'denied', device: 'fw', rule: undefined, from: zone('a', 'mynumber'), to: zone('b', 'lgwan'), crosses: true },
    { kind: 'no-route', device: 'rt' },
    { kind: 'other' },
  ];
  it.each(STOPS.map((s) => [`${s.kind}${'crosses' in s && s.crosses ? ' (across domains)' : ''}`, s] as const))(
    '%s: Japanese and English, a permit only within a domain',
    (_, stop) => {
      const finding = {
        rule: 'intent-reachability',
        kind: 'leg',
        subject: { kind: 'leg', intent: 'i', leg: 'a → b' },
        index: 1,
        count: 1,
        stop,
        severity: 'error',
        clause: '§2(10)',
        loc: { file: 't.yaml', line: 1, column: 1 },
        classes: [],
        permittedBy: [],
      } as Finding;
      const { hint } = findingText(finding);
      expect(hint.ja).toMatch(/[\p{scx=Hiragana}\p{scx=Han}]/u);
      expect(hint.en).not.toMatch(/[\p{scx=Hiragana}\p{scx=Han}]/u);
      const permits = stop.kind === 'denied' && !stop.crosses;
      expect(/narrowest permit/.test(hint.en)).toBe(permits);
      expect(/許可ルールを.*追加してください/.test(hint.ja)).toBe(permits);
    },
  );
});

describe('the sample violation (topologies/violations/intent-reachability.yaml)', () => {
  it('LGWAN terminals to LGWAN-ASP: two domains the pack does not separate, so the permit is the fix', () => {
    // use-lgwan-asp: lg-office (lgwan) → lgwan-backbone (lgwan-backbone), denied by
    // lg-edge-fw#e-deny. Both domains are on the LGWAN side of the seed pack: not separated.
    const text = readFileSync(resolve(ROOT, 'topologies/violations/intent-reachability.yaml'), 'utf8');
    const { legs } = checkWith(ENGINES.fast!, text);
    expect(legs.map((f) => [f.subject.intent, f.stop])).toEqual([
      [
        'use-lgwan-asp',
        expect.objectContaining({ kind: 'denied', device: 'lg-edge-fw', rule: 'e-deny', from: expect.objectContaining({ id: 'lg-office' }), crosses: false }),
      ],
    ]);
  });
});

describe('the JSON report carries what stops a failed leg', () => {
  it('refused at sg-file:lg (the same facts as in memory, the address as text)', () => {
    const network = load(CITY);
    const report = runCheck(network, seedPack(), { engineFactory: ENGINES.fast!, today: TODAY });
    const json = JSON.parse(checkReportJson(network, report, 'en')) as { findings: Array<{ rule: string; stop?: unknown; junction?: unknown }> };
    const legs = json.findings.filter((f) => f.rule === 'intent-reachability');
    expect(legs.map((f) => f.stop)).toEqual([{ kind: 'refused', gateway: 'sg-file', interface: 'lg', address: '10.20.30.12' }]);
    expect(legs[0]).not.toHaveProperty('junction');
  });

  it('denied: the device, the rule, the zones on either side with their domains', () => {
    const network = load(TWO_DOMAINS);
    const report = runCheck(network, seedPack(), { engineFactory: ENGINES.fast!, today: TODAY });
    const json = JSON.parse(checkReportJson(network, report, 'en')) as { findings: Array<{ subject: string; stop?: unknown }> };
    const stop = json.findings.find((f) => f.subject.startsWith('mn-file'))?.stop;
    expect(stop).toMatchObject({
      kind: 'denied',
      device: 'lg-fw',
      rule: null,
      from: { id: 'mn-office', domain: 'mynumber' },
      to: { id: 'lg-servers', domain: 'lgwan' },
      crosses: true,
    });
  });
});
