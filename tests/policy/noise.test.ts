// A finding lists one class per way through the network (issue 13, item 5): classes whose
// witnesses take the same path with the same deciding rules are one class, whatever ranges of
// the source zone or services they span; classes by different rules stay apart. Hand-built
// city (tests/fixtures/noise/city.yaml), both engines.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_HEADERS, equalSets, type HeaderBox } from '../../src/engine/headerset.ts';
import { ENGINES } from '../../src/engine/registry.ts';
import { loadTopology } from '../../src/model/load.ts';
import type { Network } from '../../src/model/network.ts';
import { parseIpv4 } from '../../src/net/ipv4.ts';
import { runCheck } from '../../src/policy/check.ts';
import type { Finding, HeaderClass } from '../../src/policy/types.ts';
import { describeClass } from '../../src/report/describe.ts';
import { renderClass } from '../../src/report/text.ts';
import { ROOT, seedPack, TODAY } from '../helpers.ts';

const FIXTURE = 'tests/fixtures/noise/city.yaml';
const CITY = readFileSync(resolve(ROOT, FIXTURE), 'utf8');
const ip = (text: string): number => parseIpv4(text)!;

/** Every address of the default zone `internet`: all but the three subnets, four ranges. */
const INTERNET: Array<[string, string]> = [
  ['0.0.0.0', '10.20.0.255'],
  ['10.20.2.0', '10.30.9.255'],
  ['10.30.11.0', '10.249.255.255'],
  ['10.250.1.0', '255.255.255.255'],
];
const box = (src: [string, string], dst: [string, string], proto?: number, port?: number): HeaderBox => ({
  ...ALL_HEADERS,
  srcLo: ip(src[0]),
  srcHi: ip(src[1]),
  dstLo: ip(dst[0]),
  dstHi: ip(dst[1]),
  ...(proto === undefined ? {} : { protoLo: proto, protoHi: proto }),
  ...(port === undefined ? {} : { portLo: port, portHi: port }),
});

// A second uplink: a router of the server segment with its own line to the Internet. Packets of
// every kind go between internet and inet-servers without the security cloud, by no rule.
// Expected: security-cloud-aggregation internet → inet-servers and back, each ONE class (one
// path: internet, isp-rt, inet-servers; no rule). Before the merge, the finding from the
// Internet had one class per range of the default zone: 4.
const UPLINK = `  - id: isp-rt
    kind: router
    zone: inet-servers
    interfaces:
      - { name: isp, zone: internet }
      - { name: lan, zone: inet-servers, address: 10.30.10.254 }
`;

// lg-fw opens three rules from the office to the servers (path-separation, §6(3)イ):
//   deny  lg-pc → srv https                  (a hole in what follows)
//   ssh:  lg-office → srv ssh
//   web:  lg-office → srv, srv2 http, https
// Expected: one finding lg-office → inet-servers, permitted by ssh and web, with TWO classes,
// one per deciding rule (the path is the same lg-fw hop, the rule differs):
//   1. 10.20.1.0/24 → 10.30.10.30 tcp/22 (rule ssh), every combination;
//   2. 10.20.1.0/24 → 10.30.10.30/31 tcp/80, tcp/443 (rule web): the union of its boxes but
//      lg-pc → srv https, which the deny takes: only some of those combinations (partial).
// Before the merge: one class per source range and service (the deny splits the office's tcp/443).
const RULES = [
  '      - { id: no-pc-srv, action: deny, from: lg-pc, to: srv, service: https, in: office, out: inet }',
  '      - { id: ssh, action: permit, from: lg-office, to: srv, service: ssh, in: office, out: inet }',
  '      - { id: web, action: permit, from: lg-office, to: [srv, srv2], service: [http, https], in: office, out: inet }',
].join('\n');

const load = (text: string): Network => loadTopology(text, 'noise.yaml', { domains: new Set(Object.keys(seedPack().domains)) });
const ruleOf = (network: Network, c: HeaderClass): string[] =>
  (c.witness?.hops ?? []).flatMap((h) => (h.kind === 'device' && h.rule ? [`${network.devices[h.device]!.id}#${h.rule.id}`] : []));

describe.each(Object.entries(ENGINES))('%s engine: one class per path and deciding rules', (_, engineFactory) => {
  const check = (text: string) => {
    const network = load(text);
    return { network, findings: runCheck(network, seedPack(), { engineFactory, today: TODAY }).findings };
  };
  const of = (findings: readonly Finding[], rule: string) =>
    findings.filter((f) => f.rule === rule).map((f) => (f.subject.kind === 'zone-pair' ? `${f.subject.from} → ${f.subject.to}` : '?'));

  it('the city as written is clean', () => {
    expect(check(CITY).findings).toEqual([]);
  });

  it('a second uplink: the bypass from the Internet is one class spanning every range of the default zone', () => {
    const { network, findings } = check(`${CITY.replace('links:', `${UPLINK}links:`)}`);
    expect(of(findings, 'security-cloud-aggregation')).toEqual(['inet-servers → internet', 'internet → inet-servers']);
    expect(findings.map((f) => f.rule)).toEqual(['security-cloud-aggregation', 'security-cloud-aggregation']);
    const inbound = findings.find((f) => f.subject.kind === 'zone-pair' && f.subject.from === 'internet')!;
    expect(inbound.classes).toHaveLength(1);
    const [only] = inbound.classes;
    expect(
      equalSets(
        only!.boxes,
        INTERNET.map((r) => box(r, ['10.30.10.0', '10.30.10.255'])),
      ),
    ).toBe(true);
    expect(describeClass(network, only!.boxes)).toEqual({ src: 'zone internet', dst: '10.30.10.0/24', service: 'any' });
    // The witness is a packet of the class, on the uplink.
    const w = only!.witness!;
    expect(only!.boxes.some((b) => b.srcLo <= w.packet.src && w.packet.src <= b.srcHi && b.dstLo <= w.packet.dst && w.packet.dst <= b.dstHi)).toBe(true);
    expect(w.hops.map((h) => (h.kind === 'zone' ? network.zones[h.zone]!.id : network.devices[h.device]!.id))).toEqual(['internet', 'isp-rt', 'inet-servers']);
    const outbound = findings.find((f) => f.subject.kind === 'zone-pair' && f.subject.from === 'inet-servers')!;
    expect(outbound.classes).toHaveLength(1);
    expect(describeClass(network, outbound.classes[0]!.boxes)).toEqual({ src: '10.30.10.0/24', dst: 'zone internet', service: 'any' });
  });

  it('three rules on one firewall: one class per deciding rule, the one with a hole said to be partial', () => {
    const { network, findings } = check(CITY.replace('      - { id: lg-deny, action: deny }', `${RULES}\n      - { id: lg-deny, action: deny }`));
    expect(of(findings, 'path-separation')).toEqual(['lg-office → inet-servers']);
    const f = findings.find((x) => x.rule === 'path-separation')!;
    expect(f.permittedBy.map((r) => `${r.device}#${r.id}`)).toEqual(['lg-fw#ssh', 'lg-fw#web']);
    expect(f.classes.map((c) => ruleOf(network, c))).toEqual([['lg-fw#ssh'], ['lg-fw#web']]);
    const [ssh, web] = f.classes;
    const OFFICE: [string, string] = ['10.20.1.0', '10.20.1.255'];
    const SRV: [string, string] = ['10.30.10.30', '10.30.10.30'];
    expect(equalSets(ssh!.boxes, [box(OFFICE, SRV, 6, 22)])).toBe(true);
    expect(describeClass(network, ssh!.boxes)).toEqual({ src: '10.20.1.0/24', dst: '10.30.10.30', service: 'tcp/22' });
    // web: office × {srv, srv2} × {80, 443} but lg-pc → srv 443.
    const BOTH: [string, string] = ['10.30.10.30', '10.30.10.31'];
    const PC: [string, string] = ['10.20.1.21', '10.20.1.21'];
    const expected = [
      box(OFFICE, BOTH, 6, 80),
      box(OFFICE, ['10.30.10.31', '10.30.10.31'], 6, 443),
      box(['10.20.1.0', '10.20.1.20'], SRV, 6, 443),
      box(['10.20.1.22', '10.20.1.255'], SRV, 6, 443),
    ];
    expect(equalSets(web!.boxes, expected)).toBe(true);
    expect(equalSets(web!.boxes, [box(PC, SRV, 6, 443)].concat(expected))).toBe(false);
    expect(describeClass(network, web!.boxes)).toEqual({ src: '10.20.1.0/24', dst: '10.30.10.30/31', service: 'tcp/80, tcp/443', partial: true });
    expect(renderClass(network, web!, 2, 'en', '')[0]).toBe('2. 10.20.1.0/24 → 10.30.10.30/31  tcp/80, tcp/443 (some of these combinations)');
    expect(renderClass(network, web!, 2, 'ja', '')[0]).toBe('2. 10.20.1.0/24 → 10.30.10.30/31  tcp/80、tcp/443（このうち一部の組合せ）');
    // Its witness: a packet of the class, between declared hosts (lg-pc to srv2, or an office address to srv).
    const p = web!.witness!.packet;
    expect(
      web!.boxes.some((b) => b.srcLo <= p.src && p.src <= b.srcHi && b.dstLo <= p.dst && p.dst <= b.dstHi && b.portLo <= p.port && p.port <= b.portHi),
    ).toBe(true);
  });
});
