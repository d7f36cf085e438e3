// A flow finding that no firewall rule lets through points at the device that joins the two
// domains (issue 13, item 3): located at that device's interface into the other domain, with a
// hint about the device, not "remove the rules" (no rule is involved). Findings whose witness
// has a permitting rule stay as they were. Hand-built city, both engines.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENGINES } from '../../src/engine/registry.ts';
import { loadTopology } from '../../src/model/load.ts';
import type { Network } from '../../src/model/network.ts';
import { runCheck } from '../../src/policy/check.ts';
import type { Finding } from '../../src/policy/types.ts';
import { checkReportJson } from '../../src/report/json.ts';
import { findingText } from '../../src/report/messages.ts';
import { ROOT, runCli, seedPack, TODAY } from '../helpers.ts';

// The city, compliant as written:
//
//   mn-office (mynumber, 10.10.8.0/24)           (no device: isolated)
//   lg-office (lgwan, 10.20.8.0/24, lg-pc .21)
//      │ office
//   lg-fw: deny everything
//      │ internet
//   inet-seg (internet, 10.30.0.0/24, inet-pc .21)
//      │ inside
//   inet-fw: permit inet-seg → internet https (inside → cloud)
//      │ cloud
//   cloud-seg (security-cloud, 10.40.0.0/24)
//      │ in
//   sc-fw: permit inet-seg → internet https (in → out)
//      │ out
//   internet (public-internet, 203.0.113.0/24)
//
// Internet traffic of inet-seg goes through the cloud (inet-fw, then sc-fw); nothing crosses
// between lg-office and the Internet side (lg-fw has no permit); mn-office is attached to
// nothing. Each variant below adds one device with an interface in two domains.
const CITY = (extra: string): string => `bunkatsu: 1
name: 接続点テスト市
model: alpha
zones:
  - { id: mn-office, domain: mynumber, subnets: [10.10.8.0/24] }
  - { id: lg-office, domain: lgwan, subnets: [10.20.8.0/24] }
  - { id: inet-seg, domain: internet, subnets: [10.30.0.0/24] }
  - { id: cloud-seg, domain: security-cloud, subnets: [10.40.0.0/24] }
  - { id: internet, domain: public-internet, subnets: [203.0.113.0/24] }
hosts:
  - { id: lg-pc, zone: lg-office, address: 10.20.8.21, role: terminal }
  - { id: inet-pc, zone: inet-seg, address: 10.30.0.21, role: terminal }
devices:
  - id: lg-fw
    kind: firewall
    zone: lg-office
    interfaces:
      - { name: office, zone: lg-office }
      - { name: internet, zone: inet-seg }
    rules:
      - { id: nothing, action: deny, from: any, to: any, service: any }
  - id: inet-fw
    kind: firewall
    zone: inet-seg
    interfaces:
      - { name: inside, zone: inet-seg }
      - { name: cloud, zone: cloud-seg }
    rules:
      - { id: web-out, action: permit, from: inet-seg, to: internet, service: https, in: inside, out: cloud }
  - id: sc-fw
    kind: firewall
    zone: cloud-seg
    interfaces:
      - { name: in, zone: cloud-seg }
      - { name: out, zone: internet }
    rules:
      - { id: web, action: permit, from: inet-seg, to: internet, service: https, in: in, out: out }
${extra}`;

// A switch in the LGWAN office with a second port patched into the Internet segment: LGWAN and
// Internet packets pass between a and b with no firewall in the way (通信経路の分割, §6(3)イ).
// Expected: path-separation lg-office → inet-seg and inet-seg → lg-office, no permitting
// rule; both located at lg-sw's port b (the port outside its own zone's domain, LGWAN), the
// junction lg-sw entered by a (lgwan) and left by b (internet) one way, and the reverse the
// other way.
const SWITCH = `  - id: lg-sw
    kind: switch
    zone: lg-office
    interfaces:
      - { name: a, zone: lg-office }
      - { name: b, zone: inet-seg }
`;

// A second uplink: a router of the Internet segment with its own ISP line. inet-seg reaches the
// public Internet (and back) without passing the security cloud (§6(3)ウ), by no rule.
// Expected: security-cloud-aggregation inet-seg → internet and internet → inet-seg, both
// located at inet-rt's interface isp, the junction named inet-rt (lan: internet, isp:
// public-internet).
const UPLINK = `  - id: inet-rt
    kind: router
    zone: inet-seg
    interfaces:
      - { name: lan, zone: inet-seg }
      - { name: isp, zone: internet }
`;

// A router of the My Number office with a leg in the LGWAN office (§6(3)ア). Expected:
// mynumber-isolation mn-office → lg-office and back, located at mn-rt's leg lg.
const MN_ROUTER = `  - id: mn-rt
    kind: router
    zone: mn-office
    interfaces:
      - { name: mn, zone: mn-office }
      - { name: lg, zone: lg-office }
`;

// A permit on lg-fw from the LGWAN office to the Internet segment: the finding is about that
// rule, as before (located at the rule, the hint about rules, no junction), though lg-fw too
// has legs in both domains.
const HOLE = '      - { id: hole, action: permit, from: lg-office, to: inet-seg, service: https, in: office, out: internet }';

const load = (text: string): Network => loadTopology(text, 'junction.yaml', { domains: new Set(Object.keys(seedPack().domains)) });
/** The 1-based line of the first line of `text` that contains `needle` after `after`. */
const lineOf = (text: string, needle: string, after = ''): number => {
  const lines = text.split('\n');
  const start = after ? lines.findIndex((l) => l.includes(after)) : 0;
  return lines.findIndex((l, i) => i >= start && l.includes(needle)) + 1;
};

describe.each(Object.entries(ENGINES))('%s engine: a finding without a rule is located at the joining device', (_, engineFactory) => {
  const check = (text: string) => runCheck(load(text), seedPack(), { engineFactory, today: TODAY });
  const flowFindings = (findings: readonly Finding[], rule: string) => findings.filter((f) => f.rule === rule);
  const pairs = (findings: readonly Finding[]) => findings.map((f) => (f.subject.kind === 'zone-pair' ? `${f.subject.from} → ${f.subject.to}` : '?'));

  it('the city as written is clean', () => {
    const report = check(CITY(''));
    expect(report.findings.map((f) => `${f.rule}: ${findingText(f).message.en}`)).toEqual([]);
  });

  it('a switch with a port in each domain: located at the port into the other domain, hint about the switch', () => {
    const text = CITY(SWITCH);
    const found = flowFindings(check(text).findings, 'path-separation');
    expect(pairs(found)).toEqual(['lg-office → inet-seg', 'inet-seg → lg-office']);
    const port = lineOf(text, '{ name: b, zone: inet-seg }', 'id: lg-sw');
    for (const f of found) {
      expect(f.permittedBy).toEqual([]);
      expect(f.loc.line).toBe(port);
    }
    const [out, back] = found as Array<Extract<Finding, { rule: 'path-separation' }>>;
    expect(out!.junction).toMatchObject({
      device: 'lg-sw',
      deviceKind: 'switch',
      legs: [
        { name: 'a', zone: 'lg-office', domain: 'lgwan' },
        { name: 'b', zone: 'inet-seg', domain: 'internet' },
      ],
    });
    expect(back!.junction?.legs.map((l) => l.name)).toEqual(['b', 'a']);
    const hint = findingText(out!).hint;
    expect(hint.en).toBe(
      'Switch lg-sw joins LGWAN-connected systems and Internet-connected systems through its interfaces a and b, with no firewall rule in the way: separate them (remove the interface or the link), or put a firewall or a sanitizer there.',
    );
    expect(hint.ja).toBe(
      'スイッチ lg-sw がインタフェース a（LGWAN接続系）と b（インターネット接続系）で両領域をつないでおり、ファイアウォールのルールを経ずに通信が届きます。このインタフェース・回線を撤去して経路を分割するか、間にファイアウォールまたは無害化装置を置いてください。',
    );
  });

  it('a second uplink bypassing the security cloud: located at the uplink, hint about the router', () => {
    const text = CITY(UPLINK);
    const found = flowFindings(check(text).findings, 'security-cloud-aggregation');
    expect(pairs(found)).toEqual(['inet-seg → internet', 'internet → inet-seg']);
    const isp = lineOf(text, '{ name: isp, zone: internet }');
    for (const f of found) {
      expect(f.permittedBy).toEqual([]);
      expect(f.loc.line).toBe(isp);
    }
    const [out] = found as Array<Extract<Finding, { rule: 'security-cloud-aggregation' }>>;
    expect(out!.junction?.legs.map((l) => `${l.name}:${l.domain}`)).toEqual(['lan:internet', 'isp:public-internet']);
    expect(findingText(out!).hint.en).toBe(
      'Router inet-rt joins Internet-connected systems and the public Internet through its interfaces lan and isp, with no firewall rule in the way: remove this interface or line that bypasses the security cloud, and carry Internet traffic through the security cloud.',
    );
    expect(findingText(out!).hint.ja).toContain('ルータ inet-rt がインタフェース lan（インターネット接続系）と isp（インターネット）で');
  });

  it('a My Number router with a leg in the LGWAN office: located at that leg', () => {
    const text = CITY(MN_ROUTER);
    const found = flowFindings(check(text).findings, 'mynumber-isolation');
    expect(pairs(found)).toEqual(['mn-office → lg-office', 'lg-office → mn-office']);
    const leg = lineOf(text, '{ name: lg, zone: lg-office }', 'id: mn-rt');
    expect(found.map((f) => [f.permittedBy.length, f.loc.line])).toEqual([
      [0, leg],
      [0, leg],
    ]);
    expect(findingText(found[0]!).hint.en).toMatch(
      /^Router mn-rt joins My Number business systems and LGWAN-connected systems through its interfaces mn and lg/,
    );
  });

  it('a finding let through by a firewall rule stays about the rule', () => {
    const text = CITY('').replace('      - { id: nothing,', `${HOLE}\n      - { id: nothing,`);
    const found = flowFindings(check(text).findings, 'path-separation');
    expect(pairs(found)).toEqual(['lg-office → inet-seg']);
    const [f] = found as Array<Extract<Finding, { rule: 'path-separation' }>>;
    expect(f!.permittedBy.map((r) => `${r.device}#${r.id}`)).toEqual(['lg-fw#hole']);
    expect(f!.loc.line).toBe(lineOf(text, 'id: hole'));
    expect(f!.junction).toBeUndefined();
    expect(findingText(f!).hint.en).toMatch(/^Remove the rules that allow direct traffic/);
  });
});

// The city with the switch, as a file (the example of docs/rules.md): `check` exits 1.
const FIXTURE = 'tests/fixtures/junction/patched-switch.yaml';

describe('check on the city with the patched switch', () => {
  it('is the test city with the switch, and points at the switch on the command line', async () => {
    expect(readFileSync(resolve(ROOT, FIXTURE), 'utf8')).toBe(CITY(SWITCH));
    const { code, out } = await runCli(['check', FIXTURE, '--today', TODAY]);
    expect(code).toBe(1);
    const port = lineOf(CITY(SWITCH), '{ name: b, zone: inet-seg }', 'id: lg-sw');
    expect(out).toContain(`[error] lg-office → inet-seg  (${FIXTURE}:${port}:9)`);
    expect(out).toContain('fix: Switch lg-sw joins LGWAN-connected systems and Internet-connected systems through its interfaces a and b');
    expect(out).not.toContain('permitted by:');
  });
});

describe('the JSON report carries the joining device', () => {
  it('junction: the device, its kind and both legs located, as in memory; none where a rule permits it', () => {
    const text = CITY(SWITCH);
    const network = load(text);
    const report = runCheck(network, seedPack(), { engineFactory: ENGINES.fast!, today: TODAY });
    const json = JSON.parse(checkReportJson(network, report, 'en')) as { findings: Array<{ subject: string; junction?: unknown; stop?: unknown }> };
    const out = json.findings.find((f) => f.subject === 'lg-office → inet-seg')!;
    const at = (needle: string): string => `junction.yaml:${lineOf(text, needle, 'id: lg-sw')}:9`;
    expect(out.junction).toEqual({
      device: 'lg-sw',
      deviceKind: 'switch',
      legs: [
        { interface: 'a', zone: 'lg-office', domain: 'lgwan', domainName: { ja: 'LGWAN接続系', en: 'LGWAN-connected systems' }, location: at('{ name: a,') },
        {
          interface: 'b',
          zone: 'inet-seg',
          domain: 'internet',
          domainName: { ja: 'インターネット接続系', en: 'Internet-connected systems' },
          location: at('{ name: b,'),
        },
      ],
    });
    expect(out).not.toHaveProperty('stop');
    const hole = CITY('').replace('      - { id: nothing,', `${HOLE}\n      - { id: nothing,`);
    const permitted = runCheck(load(hole), seedPack(), { engineFactory: ENGINES.fast!, today: TODAY });
    const holeJson = JSON.parse(checkReportJson(load(hole), permitted, 'en')) as { findings: Array<{ junction?: unknown }> };
    expect(holeJson.findings.some((f) => 'junction' in f)).toBe(false);
  });
});
