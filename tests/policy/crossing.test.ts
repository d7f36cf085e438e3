// A crossing is a packet that arrives on the other domain's segment, whatever the host there
// does with it (issue 13, item 1): a packet refused by a gateway's leg in the Internet domain
// has travelled onto the Internet segment all the same. Hand-built α city, both engines.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENGINES } from '../../src/engine/registry.ts';
import { loadTopology } from '../../src/model/load.ts';
import type { Network } from '../../src/model/network.ts';
import { formatIpv4 } from '../../src/net/ipv4.ts';
import { runCheck } from '../../src/policy/check.ts';
import type { Finding } from '../../src/policy/types.ts';
import { findingText } from '../../src/report/messages.ts';
import { ROOT, runCli, seedPack, TODAY } from '../helpers.ts';

// The city, compliant as written (no extra rule):
//
//   lg-office (lgwan, 10.20.8.0/24, terminal lg-pc 10.20.8.21)
//      │ office
//   lg-fw ── sanitize ── lg-sanitize (lgwan, 10.20.20.0/24) ── sg-screen:lg 10.20.20.12
//      │ internet                                                 │ (screen transfer)
//   inet-sanitize (internet, 10.30.0.0/24) ──────────────────── sg-screen:inet 10.30.0.12
//      └ inet-web 10.30.0.80
//
// lg-fw permits only rdp from lg-office to the gateway's LGWAN leg (10.20.20.12): the relay
// there (in: lg) accepts rdp and re-originates https from the Internet leg to inet-web. The
// intent cms-edit is that flow, and it gets through. Nothing of the LGWAN side arrives on the
// Internet side: the only path between the sides is the gateway, which forwards nothing.
const CITY = (extra: string): string => `bunkatsu: 1
name: 越境テスト市
model: alpha
zones:
  - { id: lg-office, domain: lgwan, subnets: [10.20.8.0/24] }
  - { id: lg-sanitize, domain: lgwan, subnets: [10.20.20.0/24] }
  - { id: inet-sanitize, domain: internet, subnets: [10.30.0.0/24] }
hosts:
  - { id: lg-pc, zone: lg-office, address: 10.20.8.21, role: terminal }
  - { id: inet-web, zone: inet-sanitize, address: 10.30.0.80, role: server }
devices:
  - id: sg-screen
    kind: sanitizer
    method: screen-transfer
    zone: lg-sanitize
    interfaces:
      - { name: lg, zone: lg-sanitize, address: 10.20.20.12 }
      - { name: inet, zone: inet-sanitize, address: 10.30.0.12 }
    relays:
      - { in: lg, service: rdp, out: inet, to: inet-web, toService: https }
  - id: lg-fw
    kind: firewall
    zone: lg-office
    interfaces:
      - { name: office, zone: lg-office }
      - { name: sanitize, zone: lg-sanitize }
      - { name: internet, zone: inet-sanitize }
    rules:
      - { id: to-screen, action: permit, from: lg-office, to: 10.20.20.12, service: rdp, in: office, out: sanitize }
${extra}
intents:
  - { id: cms-edit, from: lg-pc, to: inet-web, service: https, content: web, via: [sg-screen], purpose: 職員端末から画面転送で CMS を更新する }
`;

// The added rule: LGWAN terminals to the gateway's Internet leg. No relay listens on that leg
// (the only relay is in: lg), so every such connection is refused by sg-screen:inet. But the
// packets have crossed lg-fw from office to internet and travelled on the inet-sanitize
// segment: a path from the LGWAN side onto the Internet side (通信経路の分割, §6(3)イ, §2(17)).
// Expected: one path-separation finding lg-office → inet-sanitize with one class, every
// lg-office source to 10.30.0.12 tcp/443, whose witness ends refused at sg-screen:inet and was
// let through by lg-fw#hole.
const HOLE = '      - { id: hole, action: permit, from: lg-office, to: 10.30.0.12, service: tcp/443, in: office, out: internet }';

// A wider hole: https to the whole Internet-side segment. Delivered to 10.30.0.0/24 but for the
// gateway's leg 10.30.0.12, which refuses it: that address arrived all the same, so the one class
// is the whole /24 (before, the class left 10.30.0.12 out: two boxes .0–.11 and .13–.255).
const WIDE = '      - { id: wide, action: permit, from: lg-office, to: inet-sanitize, service: https, in: office, out: internet }';

// Anything from the gateway's LGWAN segment (no declared hosts there) onto the Internet side.
const ANY = '      - { id: any, action: permit, from: lg-sanitize, to: inet-sanitize, service: any, in: sanitize, out: internet }';

const load = (text: string): Network => loadTopology(text, 'crossing.yaml', { domains: new Set(Object.keys(seedPack().domains)) });
const ip = (a: number): string => formatIpv4(a);
const packetText = (p: { src: number; dst: number; protocol: number; port: number }): string => `${ip(p.src)} → ${ip(p.dst)} ${p.protocol}/${p.port}`;

describe.each(Object.entries(ENGINES))('%s engine: a packet refused on the other side has crossed', (_, engineFactory) => {
  const check = (text: string) => {
    const network = load(text);
    return { network, report: runCheck(network, seedPack(), { engineFactory, today: TODAY }) };
  };
  const pathFindings = (findings: readonly Finding[]) => findings.filter((f) => f.rule === 'path-separation');

  it('the city as written is clean', () => {
    const { report } = check(CITY(''));
    expect(report.findings.map((f) => `${f.rule}: ${findingText(f).message.en}`)).toEqual([]);
  });

  it('a permit onto the gateway leg of the Internet side is a crossing, though the gateway refuses it', () => {
    const { network, report } = check(CITY(HOLE));
    const found = pathFindings(report.findings);
    expect(found.map((f) => f.subject)).toEqual([{ kind: 'zone-pair', from: 'lg-office', to: 'inet-sanitize' }]);
    const [finding] = found;
    expect(finding!.classes).toHaveLength(1);
    const [box] = finding!.classes[0]!.boxes;
    expect([ip(box!.srcLo), ip(box!.srcHi), ip(box!.dstLo), ip(box!.dstHi), box!.protoLo, box!.portLo, box!.portHi]).toEqual([
      '10.20.8.0',
      '10.20.8.255',
      '10.30.0.12',
      '10.30.0.12',
      6,
      443,
      443,
    ]);
    const witness = finding!.classes[0]!.witness!;
    const sg = network.devices.findIndex((d) => d.id === 'sg-screen');
    expect(witness.disposition).toEqual({ kind: 'refused', device: sg, interface: 'inet' });
    expect(
      witness.hops.map((h) => (h.kind === 'zone' ? network.zones[h.zone]!.id : `${network.devices[h.device]!.id}${h.rule ? `#${h.rule.id}` : ''}`)),
    ).toEqual(['lg-office', 'lg-fw#hole', 'inet-sanitize', 'sg-screen']);
    // The witness is a real packet: from the declared terminal lg-pc, https to the leg.
    expect(packetText(witness.packet)).toBe('10.20.8.21 → 10.30.0.12 6/443');
    expect(finding!.permittedBy.map((r) => `${r.device}#${r.id}`)).toEqual(['lg-fw#hole']);
    // Located at the rule that lets it through.
    expect(finding!.loc.line).toBe(CITY(HOLE).split('\n').indexOf(HOLE) + 1);
    // The rule's status is a failure: `check` exits 1.
    expect(report.rules.find((r) => r.id === 'path-separation')!.status).toBe('fail');
  });

  it("a gateway's leg address is inside the class of a wider crossing", () => {
    const { report } = check(CITY(WIDE));
    const [finding, ...rest] = pathFindings(report.findings);
    expect(rest).toEqual([]);
    expect(finding!.classes).toHaveLength(1);
    const boxes = finding!.classes[0]!.boxes.map((b) => `${ip(b.dstLo)}-${ip(b.dstHi)}`);
    expect(boxes).toEqual(['10.30.0.0-10.30.0.255']);
    // Witness between declared hosts: lg-pc to inet-web (the lowest host of 10.30.0.0/24).
    expect(packetText(finding!.classes[0]!.witness!.packet)).toBe('10.20.8.21 → 10.30.0.80 6/443');
  });

  it('a witness is a real packet even where the class has no declared host on one side', () => {
    // Everything from lg-sanitize (no hosts declared there) onto the Internet side. Issue 13,
    // item 4: the witness used to be the class's lowest corner, 10.20.20.0 → 10.30.0.0 proto 0
    // port 0. Now: the first usable address of 10.20.20.0/24 (10.20.20.1, not the network
    // address), the declared host inet-web for the destination, tcp (in the class), port 1
    // (the lowest non-zero port of the class).
    const { report } = check(CITY(ANY));
    const [finding, ...rest] = pathFindings(report.findings);
    expect(rest).toEqual([]);
    expect(finding!.subject).toEqual({ kind: 'zone-pair', from: 'lg-sanitize', to: 'inet-sanitize' });
    expect(finding!.classes.map((c) => packetText(c.witness!.packet))).toEqual(['10.20.20.1 → 10.30.0.80 6/1']);
  });

  it('a relay on the Internet leg does not make the LGWAN packet legitimate: accepted there, it has crossed too', () => {
    // Declare a relay on sg-screen's Internet leg that accepts https (as if for Internet-side
    // clients). The LGWAN packets of the hole are now terminated at 10.30.0.12 instead of
    // refused, but they entered the gateway on the leg of the other domain: still a crossing.
    const relay = '      - { in: lg, service: rdp, out: inet, to: inet-web, toService: https }';
    const text = CITY(HOLE).replace(relay, `${relay}\n      - { in: inet, service: https, out: lg, to: 10.20.20.0/24 }`);
    const { network, report } = check(text);
    const [finding, ...rest] = pathFindings(report.findings);
    expect(rest).toEqual([]);
    expect(finding!.subject).toEqual({ kind: 'zone-pair', from: 'lg-office', to: 'inet-sanitize' });
    const sg = network.devices.findIndex((d) => d.id === 'sg-screen');
    expect(finding!.classes.map((c) => c.witness!.disposition)).toEqual([{ kind: 'terminated', device: sg, interface: 'inet' }]);
  });

  it('the legitimate crossing (into the LGWAN leg, relay declared) is not one', () => {
    // The intent's first leg arrives at sg-screen:lg, in the LGWAN domain like its source: no
    // path-separation finding, and the intent gets through (terminated there).
    const { report } = check(CITY(HOLE));
    expect(report.findings.filter((f) => f.rule === 'sanitized-communication' || f.rule === 'intent-reachability')).toEqual([]);
  });
});

// The same city with the hole, as a file (the example of docs/rules.md): `check` exits 1.
const FIXTURE = 'tests/fixtures/crossing/refused-leg.yaml';

describe('check on the city with the hole', () => {
  it('is the test city with the hole, and fails path-separation on the command line', async () => {
    expect(readFileSync(resolve(ROOT, FIXTURE), 'utf8')).toBe(CITY(HOLE));
    const { code, out } = await runCli(['check', FIXTURE, '--today', TODAY]);
    expect(code).toBe(1);
    expect(out).toContain('✗ path-separation');
    expect(out).toContain('path: 10.20.8.21 → 10.30.0.12 tcp/443');
    expect(out).toContain('refused: sg-screen:inet accepts no such service');
  });
});
