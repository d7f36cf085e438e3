// The MIC guideline models (issue 13, item 6): approved cloud services under α' (path-separation
// lets exactly them through from the LGWAN terminals), the model check (model-placement), the
// endpoint controls of β/β' (internet-endpoint-controls) and My Number ↔ Internet with no
// exception (mynumber-internet-isolation). A hand-built city, every engine, answers worked out
// by hand below.

import { describe, expect, it } from 'vitest';
import { ENGINES } from '../../src/engine/registry.ts';
import { loadTopology } from '../../src/model/load.ts';
import { formatIpv4 } from '../../src/net/ipv4.ts';
import { runCheck } from '../../src/policy/check.ts';
import type { Finding } from '../../src/policy/types.ts';
import { findingText, subjectText } from '../../src/report/messages.ts';
import { positionOf, seedPack, TODAY } from '../helpers.ts';

// The city: one firewall joins every zone.
//
//   mn-servers (mynumber, 10.10.10.0/24)     mn-server 10.10.10.30
//   lg-office  (lgwan,    10.20.8.0/24)      lg-pcs 10.20.8.16-10.20.8.31 (terminals), lg-printer 10.20.8.5
//   inet-office (internet, 10.30.2.0/24)     inet-pcs 10.30.2.16-10.30.2.31 (terminals), inet-web 10.30.2.80
//   cloud (public-internet, 203.0.113.0/24)  the cloud service's addresses
//
// edge-fw has one interface per zone (mn, office, inet, lbo) and permits only what each test
// adds (default deny). Without rules nothing crosses anything: every rule passes under α
// (the LGWAN terminals are where α puts them; the Internet-domain hosts are no terminals unless
// a test says so).
interface City {
  readonly model?: string;
  readonly rules?: string;
  readonly hosts?: string;
  readonly cloudServices?: string;
  readonly exceptions?: string;
  readonly intents?: string;
}
const city = (c: City): string => `bunkatsu: 1
name: モデル検査市
model: ${c.model ?? 'alpha'}
zones:
  - { id: mn-servers, domain: mynumber, subnets: [10.10.10.0/24] }
  - { id: lg-office, domain: lgwan, subnets: [10.20.8.0/24] }
  - { id: inet-office, domain: internet, subnets: [10.30.2.0/24] }
  - { id: cloud, domain: public-internet, subnets: [203.0.113.0/24] }
hosts:
  - { id: mn-server, zone: mn-servers, address: 10.10.10.30 }
  - { id: lg-pcs, zone: lg-office, addresses: 10.20.8.16/28, role: terminal }
  - { id: lg-printer, zone: lg-office, address: 10.20.8.5, role: printer }
  - { id: inet-web, zone: inet-office, address: 10.30.2.80 }
${c.hosts ?? ''}
devices:
  - id: edge-fw
    kind: firewall
    zone: lg-office
    interfaces:
      - { name: mn, zone: mn-servers }
      - { name: office, zone: lg-office }
      - { name: inet, zone: inet-office }
      - { name: lbo, zone: cloud }
    rules:
${c.rules ?? ''}
      - { id: deny-all, action: deny }
exceptions:
${c.exceptions ?? '  []'}
cloudServices:
${c.cloudServices ?? '  []'}
intents:
${c.intents ?? '  []'}
`;

/** The approved cloud service: the whole cloud prefix, https only. */
const OFFICE_SUITE = `  - id: cs-suite
    to: cloud
    service: https
    justification: 文書作成クラウドの利用
    approver: CISO
    expires: "2028-03-31"`;

const permitToCloud = (from: string, service: string): string =>
  `      - { id: to-cloud, action: permit, from: ${from}, to: cloud, service: ${service}, in: office, out: lbo }`;

/** A header class as a line: sources → destinations, protocol/ports. */
function classText(f: Finding): string[] {
  return f.classes.flatMap((c) =>
    c.boxes.map(
      (b) =>
        `${formatIpv4(b.srcLo)}-${formatIpv4(b.srcHi)} → ${formatIpv4(b.dstLo)}-${formatIpv4(b.dstHi)} ${b.protoLo === 6 ? 'tcp' : b.protoLo}/${b.portLo}-${b.portHi}`,
    ),
  );
}

describe.each(Object.entries(ENGINES))('%s engine', (_name, factory) => {
  const check = (text: string, today = TODAY) => {
    const pack = seedPack();
    const network = loadTopology(text, 'models.yaml', { domains: new Set(Object.keys(pack.domains)) });
    return runCheck(network, pack, { engineFactory: factory, today });
  };
  const findings = (text: string, today = TODAY) => check(text, today).findings.map((f) => `${f.rule} ${f.kind}: ${subjectText(f)}`);
  const of = (text: string, rule: string, today = TODAY) => check(text, today).findings.filter((f) => f.rule === rule);

  it('the city without rules passes every rule', () => {
    expect(findings(city({}))).toEqual([]);
  });

  describe("α': approved cloud services", () => {
    it('exactly the approved service from the LGWAN terminals passes', () => {
      // Reach lg-office → cloud: 10.20.8.16-31 × 203.0.113.0/24 × tcp/443, all of it approved.
      expect(findings(city({ model: 'alpha-prime', rules: permitToCloud('lg-pcs', 'https'), cloudServices: OFFICE_SUITE }))).toEqual([]);
    });

    it('a wider service is a finding with the excess only (tcp/80), at the permitting rule', () => {
      const text = city({ model: 'alpha-prime', rules: permitToCloud('lg-pcs', '[http, https]'), cloudServices: OFFICE_SUITE });
      const [f, ...rest] = of(text, 'path-separation');
      expect(rest).toEqual([]);
      expect(f!.subject).toEqual({ kind: 'zone-pair', from: 'lg-office', to: 'cloud' });
      expect(classText(f!)).toEqual(['10.20.8.16-10.20.8.31 → 203.0.113.0-203.0.113.255 tcp/80-80']);
      expect(f!.permittedBy.map((r) => r.id)).toEqual(['to-cloud']);
      expect(f!.loc).toMatchObject(positionOf(text, '{ id: to-cloud'));
      expect(findings(text)).toEqual(['path-separation reach: lg-office → cloud']);
      // The hint speaks of narrowing the permit to the approvals.
      expect(f).toMatchObject({ cloudServices: true });
      expect(findingText(f!).hint.en).toContain('narrow the permit to the LGWAN terminals and the destinations and services cloudServices approve');
      expect(findingText(f!).hint.ja).toContain('cloudServices で承認した宛先');
    });

    it('a wider source is a finding with the other sources only (the printer and the rest of the segment)', () => {
      // The zone lg-office is 10.20.8.0/24; the terminals 10.20.8.16-31 are approved, the rest is not.
      const text = city({ model: 'alpha-prime', rules: permitToCloud('lg-office', 'https'), cloudServices: OFFICE_SUITE });
      const [f] = of(text, 'path-separation');
      expect(classText(f!).sort()).toEqual([
        '10.20.8.0-10.20.8.15 → 203.0.113.0-203.0.113.255 tcp/443-443',
        '10.20.8.32-10.20.8.255 → 203.0.113.0-203.0.113.255 tcp/443-443',
      ]);
    });

    it('an expired approval legalises nothing', () => {
      const expired = OFFICE_SUITE.replace('2028-03-31', '2026-03-31');
      const [f] = of(city({ model: 'alpha-prime', rules: permitToCloud('lg-pcs', 'https'), cloudServices: expired }), 'path-separation');
      expect(classText(f!)).toEqual(['10.20.8.16-10.20.8.31 → 203.0.113.0-203.0.113.255 tcp/443-443']);
    });

    it('under α the same flow is a violation, and the declaration itself a model-placement finding', () => {
      const text = city({ model: 'alpha', rules: permitToCloud('lg-pcs', 'https'), cloudServices: OFFICE_SUITE });
      expect(findings(text)).toEqual(['path-separation reach: lg-office → cloud', 'model-placement cloud-service: cs-suite']);
      expect(classText(of(text, 'path-separation')[0]!)).toEqual(['10.20.8.16-10.20.8.31 → 203.0.113.0-203.0.113.255 tcp/443-443']);
      expect(of(text, 'path-separation')[0]).not.toHaveProperty('cloudServices');
      const placement = of(text, 'model-placement')[0]!;
      expect(placement.loc).toMatchObject(positionOf(text, 'id: cs-suite'));
      expect(findingText(placement).message.ja).toContain("α'モデルのみ");
    });

    // An intent for the approved flow needs no sanitizer under α' (intent-reachability checks it);
    // under α it crosses the sides like any other and sanitized-communication wants a sanitizer.
    const USE_SUITE = '  - { id: use-suite, from: lg-pcs, to: cloud, service: https, purpose: クラウド利用 }';
    it("an intent carried by the approved service is no sanitizer's business under α', and must get through", () => {
      const rules = permitToCloud('lg-pcs', 'https');
      expect(findings(city({ model: 'alpha-prime', rules, cloudServices: OFFICE_SUITE, intents: USE_SUITE }))).toEqual([]);
      // Without the permit it does not get through: intent-reachability says so, not sanitized-communication.
      expect(findings(city({ model: 'alpha-prime', cloudServices: OFFICE_SUITE, intents: USE_SUITE }))).toEqual([
        'intent-reachability leg: use-suite (lg-pcs → cloud)',
      ]);
      // Wider than approved (http as well): sanitized-communication again.
      const wider = USE_SUITE.replace('service: https', 'service: [http, https]');
      expect(findings(city({ model: 'alpha-prime', rules, cloudServices: OFFICE_SUITE, intents: wider }))).toContain(
        'sanitized-communication no-sanitizer: use-suite',
      );
      expect(findings(city({ model: 'alpha', rules, cloudServices: OFFICE_SUITE, intents: USE_SUITE }))).toContain(
        'sanitized-communication no-sanitizer: use-suite',
      );
    });

    it.each(['beta', 'beta-prime'])('under %s a declared cloud service is a finding too', (model) => {
      expect(findings(city({ model, cloudServices: OFFICE_SUITE }))).toContain('model-placement cloud-service: cs-suite');
    });
  });

  describe('model-placement: where the business terminals sit (the domain with most terminal members)', () => {
    // lg-pcs: 16 LGWAN terminals. inet-pcs below: 32 (a /27) or 4 (a /30) Internet-domain terminals.
    const inetTerminals = (prefix: string) => `  - { id: inet-pcs, zone: inet-office, addresses: ${prefix}, role: terminal, controls: [epp, edr] }`;
    it("α and α' put them in LGWAN: 32 Internet-domain terminals against 16 are a finding, located at the group", () => {
      for (const model of ['alpha', 'alpha-prime']) {
        const text = city({ model, hosts: inetTerminals('10.30.2.32/27') });
        expect(findings(text)).toEqual(['model-placement terminals: inet-pcs']);
        const f = of(text, 'model-placement')[0]!;
        expect(f.loc).toMatchObject(positionOf(text, '{ id: inet-pcs'));
        expect(findingText(f).message.en).toContain('puts the business terminals in LGWAN-connected systems');
      }
    });
    it('a few Internet-domain terminals (4 against 16, an operations desk) do not make the model', () => {
      expect(findings(city({ hosts: inetTerminals('10.30.2.16/30') }))).toEqual([]);
    });
    it("β and β' put them in the Internet domain: 16 LGWAN terminals and none there are a finding; as many there is not", () => {
      for (const model of ['beta', 'beta-prime']) {
        expect(findings(city({ model }))).toEqual(['model-placement terminals: lg-pcs']);
        expect(findings(city({ model, hosts: inetTerminals('10.30.2.16/28') }))).toEqual([]);
      }
    });
  });

  describe("internet-endpoint-controls: EPP and EDR under β and β'", () => {
    const terminals = (controls: string) => `  - { id: inet-pcs, zone: inet-office, addresses: 10.30.2.16/28, role: terminal, controls: [${controls}] }`;
    // lg-pcs would be misplaced under β: make them a server pool for these cases.
    const beta = (controls: string, model = 'beta') =>
      city({ model, hosts: terminals(controls) }).replace('addresses: 10.20.8.16/28, role: terminal', 'addresses: 10.20.8.16/28, role: server');
    it('terminals with edr only lack epp', () => {
      const [f, ...rest] = of(beta('edr'), 'internet-endpoint-controls');
      expect(rest).toEqual([]);
      expect(f).toMatchObject({ kind: 'missing-controls', subject: { kind: 'host', id: 'inet-pcs' }, missing: ['epp'], model: 'beta' });
    });
    it("terminals with neither lack both, under β' too", () => {
      expect(of(beta('mfa', 'beta-prime'), 'internet-endpoint-controls')[0]).toMatchObject({ missing: ['epp', 'edr'] });
    });
    it('terminals with both pass', () => {
      expect(findings(beta('epp, edr'))).toEqual([]);
    });
    it('under α the rule asks nothing of Internet-domain terminals', () => {
      // 16 Internet-domain terminals against 16 LGWAN ones: model-placement is content too.
      expect(findings(city({ hosts: terminals('mfa') }))).toEqual([]);
    });
  });

  describe('mynumber-internet-isolation: no path, no exception', () => {
    const mnOut = '      - { id: mn-web, action: permit, from: mn-server, to: inet-web, service: https, in: mn, out: inet }';
    const exception = (from: string, to: string) => `  - id: exc-x
    from: ${from}
    to: ${to}
    service: https
    justification: 集計
    approver: CISO
    expires: "2028-03-31"
    rules: [mynumber-isolation]`;

    it('a path with no exception: both isolation rules report it', () => {
      expect(findings(city({ rules: mnOut }))).toEqual([
        'mynumber-isolation reach: mn-servers → inet-office',
        'mynumber-internet-isolation reach: mn-servers → inet-office',
      ]);
    });

    it('an exception quiets mynumber-isolation but not this rule, and is itself a finding', () => {
      const text = city({ rules: mnOut, exceptions: exception('mn-server', 'inet-web') });
      expect(findings(text)).toEqual(['mynumber-internet-isolation reach: mn-servers → inet-office', 'mynumber-internet-isolation exception: exc-x']);
      const [reach, exc] = of(text, 'mynumber-internet-isolation');
      // 10.10.10.30 → 10.30.2.80 tcp/443, permitted by mn-web.
      expect(classText(reach!)).toEqual(['10.10.10.30-10.10.10.30 → 10.30.2.80-10.30.2.80 tcp/443-443']);
      expect(reach!.permittedBy.map((r) => r.id)).toEqual(['mn-web']);
      expect(exc).toMatchObject({ fromZones: ['mn-servers'], toZones: ['inet-office'] });
      expect(exc!.loc).toMatchObject(positionOf(text, 'id: exc-x'));
    });

    it('an exception from the Internet side into My Number is a finding even with no path', () => {
      expect(findings(city({ exceptions: exception('inet-web', 'mn-server') }))).toEqual(['mynumber-internet-isolation exception: exc-x']);
    });

    it('an exception toward LGWAN is not this rule’s business', () => {
      expect(findings(city({ exceptions: exception('mn-server', '10.20.8.5') }))).toEqual([]);
    });
  });
});

describe('cloudServices in the topology format', () => {
  it('a reference to an undeclared zone is an input error at its place', () => {
    const text = city({ model: 'alpha-prime', cloudServices: OFFICE_SUITE.replace('to: cloud', 'to: clod') });
    expect(() => loadTopology(text, 'models.yaml')).toThrow(/unknown|clod/);
  });
  it('a cloud service id is in the one namespace and is not an address', () => {
    const text = city({ model: 'alpha-prime', rules: permitToCloud('cs-suite', 'https'), cloudServices: OFFICE_SUITE });
    expect(() => loadTopology(text, 'models.yaml')).toThrow(/"cs-suite" is not a zone, host, device or address/);
  });
});
