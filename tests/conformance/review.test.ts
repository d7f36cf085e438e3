// Change review and the n-1 sweep, one suite run against every engine of the registry:
// hand-checked changes on a small network (exact header sets opened and closed, findings,
// broken intents, verdicts) and on the α city sample (its change files), each asserted for
// every engine; then a property: the fast engine's incremental review and the reference
// engine's full recompute give the same review after every change of random sequences on
// random topologies. A new engine is tested here without a change.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createReferenceEngine } from '../../src/engine/reference.ts';
import { ENGINES } from '../../src/engine/registry.ts';
import { ALL_HEADERS, equalSets, type HeaderBox } from '../../src/engine/headerset.ts';
import type { EngineFactory } from '../../src/engine/types.ts';
import { InputError } from '../../src/errors.ts';
import { loadDocument } from '../../src/model/load.ts';
import { readSource, type SourceDocument } from '../../src/model/source.ts';
import { parseIpv4 } from '../../src/net/ipv4.ts';
import { type Finding, findingKey, type HeaderClass } from '../../src/policy/types.ts';
import { applyChange, loadChange } from '../../src/review/change.ts';
import { prepareBase, review, type ReviewBase } from '../../src/review/review.ts';
import { loadReviewTopology, type PreparedTopology, prepareReview, reviewChange } from '../../src/review/run.ts';
import { sweepSingleFailures } from '../../src/review/simulate.ts';
import type { FlowChange, IntentChange, IntentProblem, ReviewReport } from '../../src/review/types.ts';
import { CheckedCases, randomChangeOperation, randomTopology } from '../random-network.ts';
import { ROOT, seedPack, TODAY } from '../helpers.ts';

const pack = seedPack();
const domains = new Set(Object.keys(pack.domains));
const ip = (text: string): number => parseIpv4(text)!;

/** Every header from one range to another with one protocol and port range (any: the whole field). */
function box(src: [string, string], dst: [string, string], proto?: [number, number], port?: [number, number]): HeaderBox {
  return {
    ...ALL_HEADERS,
    srcLo: ip(src[0]),
    srcHi: ip(src[1]),
    dstLo: ip(dst[0]),
    dstHi: ip(dst[1]),
    ...(proto ? { protoLo: proto[0], protoHi: proto[1] } : {}),
    ...(port ? { portLo: port[0], portHi: port[1] } : {}),
  };
}

const OFFICE: [string, string] = ['10.1.0.0', '10.1.0.255'];
const SERVERS: [string, string] = ['10.2.0.0', '10.2.0.255'];
const DMZ: [string, string] = ['203.0.113.0', '203.0.113.255'];
const WEB: [string, string] = ['10.2.0.10', '10.2.0.10'];
const TCP: [number, number] = [6, 6];

/** The flows of a review as "from>to" with the union of their classes. */
function flows(list: readonly FlowChange[]): Map<string, HeaderBox[]> {
  return new Map(list.map((f) => [`${f.from}>${f.to}`, f.classes.flatMap((c) => [...c.boxes])]));
}

/** Asserts the flows are exactly these pairs, each with exactly this header set, and a witness for every class. */
function expectFlows(list: readonly FlowChange[], expected: Record<string, readonly HeaderBox[]>): void {
  const actual = flows(list);
  expect([...actual.keys()].sort()).toEqual(Object.keys(expected).sort());
  for (const [pair, set] of Object.entries(expected)) expect(equalSets(actual.get(pair)!, set), pair).toBe(true);
  for (const f of list) for (const c of f.classes) expect(c.witness, `${f.from}>${f.to} witness`).toBeDefined();
}

const problemText = (p: IntentProblem): string => (p.kind === 'leg' ? `leg ${p.leg}` : p.kind === 'finding' ? `finding ${findingKey(p.finding)}` : 'removed');
const intents = (list: readonly IntentChange[]): string[] => list.map((i) => `${i.intent}: ${i.problems.map(problemText).join(', ')}`);

// A firewall between an office, its servers and a DMZ on the Internet side: only the office's
// HTTPS to the web server is let through, everything else meets the final deny.
const SMALL = `bunkatsu: 1
name: small
model: alpha
zones:
  - { id: office, domain: lgwan, subnets: [10.1.0.0/24] }
  - { id: servers, domain: lgwan, subnets: [10.2.0.0/24] }
  - { id: dmz, domain: internet, subnets: [203.0.113.0/24] }
hosts:
  - { id: web, zone: servers, role: server, address: 10.2.0.10 }
devices:
  - id: fw
    kind: firewall
    zone: servers
    interfaces:
      - { name: o, zone: office, address: 10.1.0.1 }
      - { name: s, zone: servers, address: 10.2.0.1 }
      - { name: d, zone: dmz, address: 203.0.113.1 }
    rules:
      - { id: r-web, action: permit, from: office, to: web, service: https }
      - { id: r-deny, action: deny, from: any, to: any, service: any }
intents:
  - { id: use-web, from: office, to: web, service: https, purpose: 職員端末から業務Webを使う }
`;

const ALPHA = 'topologies/alpha-city.yaml';
const text = (relative: string): string => readFileSync(resolve(ROOT, relative), 'utf8');
const changeOf = (...changes: unknown[]): string => JSON.stringify({ 'bunkatsu-change': 1, changes });

describe.each(Object.entries(ENGINES))('%s engine reviews changes', (name, factory) => {
  /** The review of a change against a prepared topology; the report says which engine and how much it recomputed. */
  const reviewed = (topology: PreparedTopology, change: string, file = 'change.json'): ReviewReport => {
    const { report } = reviewChange({ base: topology, change, file, pack, today: TODAY, accept: 'change' });
    expect(report.engine).toBe(name);
    if (name === 'reference') expect(report.recompute).toEqual({ mode: 'full', cause: { kind: 'engine', engine: 'reference' } });
    return report;
  };

  describe('a small network, set by set', () => {
    let small: PreparedTopology;
    beforeAll(() => {
      small = prepareReview(loadReviewTopology(SMALL, 'small.yaml', pack), pack, TODAY, name);
      expect(small.base.check.findings).toEqual([]);
    });

    it('a permit for SSH to the web server opens exactly that, within the LGWAN side: approve', () => {
      const r = reviewed(
        small,
        changeOf({ 'add-rule': { device: 'fw', before: 'r-deny', rule: { id: 'r-ssh', action: 'permit', from: 'office', to: 'web', service: 'ssh' } } }),
      );
      expectFlows(r.newlyAllowed, { 'office>servers': [box(OFFICE, WEB, TCP, [22, 22])] });
      expectFlows(r.newlyBlocked, {});
      expect(r.findingsIntroduced).toEqual([]);
      expect(r.intentsBroken).toEqual([]);
      expect(r.verdict).toBe('approve');
    });

    it('removing the HTTPS permit closes it and breaks the intent that needs it: reject', () => {
      const r = reviewed(small, changeOf({ 'remove-rule': { device: 'fw', rule: 'r-web' } }));
      expectFlows(r.newlyAllowed, {});
      expectFlows(r.newlyBlocked, { 'office>servers': [box(OFFICE, WEB, TCP, [443, 443])] });
      expect(r.findingsIntroduced.map((f) => [f.rule, f.subject])).toEqual([['intent-reachability', { kind: 'leg', intent: 'use-web', leg: 'office → web' }]]);
      expect(intents(r.intentsBroken)).toEqual(['use-web: leg office → web']);
      expect(r.verdict).toBe('reject');
    });

    it('a permit from the office into the DMZ crosses the separated sides: path-separation, reject', () => {
      const r = reviewed(
        small,
        changeOf({ 'add-rule': { device: 'fw', position: 1, rule: { id: 'r-out', action: 'permit', from: 'office', to: 'dmz', service: 'https' } } }),
      );
      expectFlows(r.newlyAllowed, { 'office>dmz': [box(OFFICE, DMZ, TCP, [443, 443])] });
      expect(r.newlyAllowed[0]).toMatchObject({ fromDomain: 'lgwan', toDomain: 'internet' });
      expect(r.findingsIntroduced.map((f) => [f.rule, f.subject])).toEqual([['path-separation', { kind: 'zone-pair', from: 'office', to: 'dmz' }]]);
      expect(r.verdict).toBe('reject');
    });

    it('a null route for the web server drops what reached it (a route change)', () => {
      const r = reviewed(small, changeOf({ 'add-route': { device: 'fw', prefix: '10.2.0.10/32', action: 'drop' } }));
      expectFlows(r.newlyBlocked, { 'office>servers': [box(OFFICE, WEB, TCP, [443, 443])] });
      expectFlows(r.newlyAllowed, {});
      expect(intents(r.intentsBroken)).toEqual(['use-web: leg office → web']);
      expect(r.verdict).toBe('reject');
    });

    it('the firewall taken down (what-if) closes everything it carried', () => {
      const r = reviewed(small, changeOf({ down: 'fw' }));
      expectFlows(r.newlyBlocked, { 'office>servers': [box(OFFICE, WEB, TCP, [443, 443])] });
      expect(intents(r.intentsBroken)).toEqual(['use-web: leg office → web']);
      expect(r.verdict).toBe('reject');
    });

    it('the final deny turned into a permit of anything opens every pair but what was open already', () => {
      const r = reviewed(
        small,
        changeOf({ 'replace-rule': { device: 'fw', rule: 'r-deny', with: { id: 'r-deny', action: 'permit', from: 'any', to: 'any', service: 'any' } } }),
      );
      const everything = (src: [string, string], dst: [string, string]): HeaderBox[] => [box(src, dst)];
      expectFlows(r.newlyAllowed, {
        // Office to servers: all of it but the office's HTTPS to the web server, open before.
        'office>servers': [
          box(OFFICE, ['10.2.0.0', '10.2.0.9']),
          box(OFFICE, ['10.2.0.11', '10.2.0.255']),
          box(OFFICE, WEB, [0, 5]),
          box(OFFICE, WEB, TCP, [0, 442]),
          box(OFFICE, WEB, TCP, [444, 65535]),
          box(OFFICE, WEB, [7, 255]),
        ],
        'office>dmz': everything(OFFICE, DMZ),
        'servers>office': everything(SERVERS, OFFICE),
        'servers>dmz': everything(SERVERS, DMZ),
        'dmz>office': everything(DMZ, OFFICE),
        'dmz>servers': everything(DMZ, SERVERS),
      });
      // Each crossing of the two sides; r-web now decides nothing the permit-all after it would
      // not (redundant), and the permit-all is broad.
      const pair = (from: string, to: string): unknown[] => ['path-separation', 'reach', { kind: 'zone-pair', from, to }];
      expect(r.findingsIntroduced.map((f) => [f.rule, f.kind, f.subject])).toEqual([
        pair('office', 'dmz'),
        pair('servers', 'dmz'),
        pair('dmz', 'office'),
        pair('dmz', 'servers'),
        ['firewall-hygiene', 'redundant', { kind: 'rule', device: 'fw', rule: 'r-web' }],
        ['firewall-hygiene', 'broad', { kind: 'rule', device: 'fw', rule: 'r-deny' }],
      ]);
      expect(r.intentsBroken).toEqual([]);
      expect(r.verdict).toBe('reject');
    });

    it('the n-1 sweep: the firewall and both its attachments on the way cut the intent', () => {
      const sweep = sweepSingleFailures(small.base);
      expect(Object.fromEntries(sweep.byIntent)).toEqual({ 'use-web': ['fw', 'fw:o', 'fw:s'] });
      expect(sweep.alreadyBroken).toEqual([]);
    });
  });

  describe('the α city sample', () => {
    let alpha: PreparedTopology;
    beforeAll(() => {
      alpha = prepareReview(loadReviewTopology(text(ALPHA), ALPHA, pack), pack, TODAY, factory);
    });

    it('remove-asp-rule: the office loses LGWAN-ASP and use-lgwan-asp breaks (reject)', () => {
      const r = reviewed(alpha, text('topologies/changes/remove-asp-rule.yaml'), 'topologies/changes/remove-asp-rule.yaml');
      expect(r.newlyAllowed).toEqual([]);
      expect([...flows(r.newlyBlocked).keys()]).toEqual(['lg-office>lgwan-backbone']);
      expect(r.findingsIntroduced.map((f) => [f.rule, f.subject])).toEqual([
        ['intent-reachability', { kind: 'leg', intent: 'use-lgwan-asp', leg: 'lg-office-terminals → lgwan-backbone' }],
      ]);
      expect(r.findingsResolved).toEqual([]);
      expect(intents(r.intentsBroken)).toEqual(['use-lgwan-asp: leg lg-office-terminals → lgwan-backbone']);
      expect(r.verdict).toBe('reject');
    });

    it('gcloud-line: a shared line on both firewalls opens LGWAN → Internet (reject); its subnet leaves the public Internet', () => {
      const r = reviewed(alpha, text('topologies/changes/gcloud-line.yaml'), 'topologies/changes/gcloud-line.yaml');
      expect([...flows(r.newlyAllowed).keys()].sort()).toEqual(['gcloud-link>inet-servers', 'lg-office>gcloud-link', 'lg-office>inet-servers']);
      // What was addressed to 10.200.0.0/16 went to the public Internet; the new zone owns it now:
      // a re-zoning, not blocked flows. The flows to and from those addresses that no longer
      // arrive anywhere (the Internet rules name public-internet, which no longer holds them) are
      // listed with the move.
      expect(r.newlyBlocked).toEqual([]);
      expect(r.rezoned).toEqual([
        {
          from: 'public-internet',
          fromDomain: 'public-internet',
          to: 'gcloud-link',
          toDomain: 'gov-cloud',
          addresses: [{ lo: ip('10.200.0.0'), hi: ip('10.200.255.255') }],
        },
      ]);
      const stopped = flows(r.rezonedStopped);
      expect([...stopped.keys()].sort()).toEqual(['inet-public>public-internet', 'public-internet>inet-public', 'sc-edge>public-internet']);
      for (const pair of ['inet-public>public-internet', 'sc-edge>public-internet'])
        expect(
          stopped.get(pair)!.every((b) => b.dstLo >= ip('10.200.0.0') && b.dstHi <= ip('10.200.255.255')),
          pair,
        ).toBe(true);
      expect(stopped.get('public-internet>inet-public')!.every((b) => b.srcLo >= ip('10.200.0.0') && b.srcHi <= ip('10.200.255.255'))).toBe(true);
      expect(r.findingsIntroduced.map((f) => [f.rule, f.kind, f.subject])).toEqual([
        ['path-separation', 'reach', { kind: 'zone-pair', from: 'lg-office', to: 'inet-servers' }],
        ['firewall-hygiene', 'broad', { kind: 'rule', device: 'lg-edge-fw', rule: 'e-gcloud' }],
        ['firewall-hygiene', 'broad', { kind: 'rule', device: 'in-fw', rule: 'i-gcloud' }],
      ]);
      expect(r.intentsBroken).toEqual([]);
      expect(r.verdict).toBe('reject');
    });

    it('redundant: a narrower copy of a permit changes no flow, one hygiene finding (needs attention)', () => {
      const r = reviewed(alpha, text('tests/fixtures/changes/redundant.yaml'), 'tests/fixtures/changes/redundant.yaml');
      expect(r.newlyAllowed).toEqual([]);
      expect(r.newlyBlocked).toEqual([]);
      expect(r.findingsIntroduced.map((f) => [f.rule, f.kind, f.subject])).toEqual([
        ['firewall-hygiene', 'redundant', { kind: 'rule', device: 'lg-edge-fw', rule: 'e-asp-narrow' }],
      ]);
      expect(r.verdict).toBe('needs-attention');
    });

    it('harmless: an explicit telnet deny before the final deny changes nothing (approve)', () => {
      const r = reviewed(alpha, text('tests/fixtures/changes/harmless.yaml'), 'tests/fixtures/changes/harmless.yaml');
      expect([r.newlyAllowed, r.newlyBlocked, r.findingsIntroduced, r.findingsResolved, r.intentsBroken, r.intentsRestored]).toEqual([[], [], [], [], [], []]);
      expect(r.verdict).toBe('approve');
    });

    it('mn-fw down: the My Number business flows through it stop', () => {
      const r = reviewed(alpha, changeOf({ down: 'mn-fw' }));
      expect([...flows(r.newlyBlocked).keys()].sort()).toEqual(['mn-juki-term>mn-servers', 'mn-servers>chukan-platform', 'mn-tax-term>mn-servers']);
      expect(intents(r.intentsBroken)).toEqual([
        'mn-juki-app: leg mn-juki-terminals → mn-juki-server',
        'mn-zeimu-app: leg mn-tax-terminals → mn-tax-server',
        'mn-chukan: leg mn-atena-server → chukan-server',
      ]);
      expect(r.verdict).toBe('reject');
    });

    it('the n-1 sweep: mn-fw and its attachments cut mn-juki-app; the resilient use-file-server survives every failure', () => {
      const sweep = sweepSingleFailures(alpha.base);
      expect(sweep.byIntent.get('mn-juki-app')).toEqual(['mn-fw', 'mn-fw:juki', 'mn-fw:servers']);
      expect(sweep.byIntent.has('use-file-server')).toBe(false);
      expect(sweep.alreadyBroken).toEqual([]);
    });
  });
});

describe('the review pipeline takes the engine by name or factory', () => {
  it('a base is prepared per engine and reused on the same one; an unknown name is a usage error', () => {
    const topology = loadReviewTopology(SMALL, 'small.yaml', pack);
    const reference = prepareReview(topology, pack, TODAY, 'reference');
    expect(reference.base.engine.name).toBe('reference');
    expect(prepareReview(reference, pack, TODAY, ENGINES.reference!)).toBe(reference);
    // Without an engine, the base's own.
    expect(prepareReview(reference, pack, TODAY)).toBe(reference);
    const fast = prepareReview(reference, pack, TODAY, 'fast');
    expect(fast.base.engine.name).toBe('fast');
    expect(prepareReview(topology, pack, TODAY).base.engine.name).toBe('fast');
    let caught: unknown;
    try {
      prepareReview(topology, pack, TODAY, 'warp');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InputError);
    expect((caught as InputError).diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['BNK_ERR_USAGE', 'unknown engine "warp" (available: fast, reference)'],
    ]);
  });
});

const byKey = (findings: readonly Finding[]): Finding[] => [...findings].sort((a, b) => (findingKey(a) < findingKey(b) ? -1 : 1));

/**
 * A review as data to compare across engines: everything but the engine, how much was
 * recomputed and the time. Header sets compare as sets (engines may cut them into different
 * boxes, and so into different classes); witness paths, and what is read off them (permitting
 * rules, a flow finding's location, the device joining two domains), may differ between
 * engines: any path that shows the class will do.
 */
function comparable(r: ReviewReport): { data: unknown; sets: Map<string, HeaderBox[]> } {
  const sets = new Map<string, HeaderBox[]>();
  // The classes' union goes to `sets`; how it is cut into classes depends on the boxes.
  const classes = (where: string, list: readonly HeaderClass[]): undefined => {
    sets.set(
      where,
      list.flatMap((c) => [...c.boxes]),
    );
    return undefined;
  };
  const flow = (kind: string) => (f: FlowChange) => {
    // Every header of an opened or closed flow arrives (after or before): each class has a path to show.
    for (const c of f.classes) expect(c.witness, `${kind} ${f.from}>${f.to} witness`).toBeDefined();
    return { ...f, classes: classes(`${kind} ${f.from}>${f.to}`, f.classes) };
  };
  const finding = (where: string) => (f: Finding) => {
    const { loc: _loc, permittedBy: _permittedBy, classes: list, ...rest } = f;
    // The device joining the domains is read off a witness path too (where no rule permits it).
    // So is where a failed leg's witness stops (the firewall, the zones on either side): the
    // engines may show different paths; the kind of stop is the same.
    const { junction: _junction, stop, ...facts } = rest as typeof rest & { junction?: unknown; stop?: { kind: string } };
    return { ...facts, ...(stop ? { stop: stop.kind } : {}), classes: classes(`${where} ${findingKey(f)}`, list) };
  };
  const problems = (where: string, list: readonly IntentProblem[] | undefined) =>
    list?.map((p) => (p.kind === 'finding' ? { kind: 'finding', finding: finding(where)(p.finding) } : p));
  const { engine: _engine, recompute: _recompute, elapsedMs: _elapsed, checkAfter, ...rest } = r;
  const data = {
    ...rest,
    newlyAllowed: r.newlyAllowed.map(flow('allowed')),
    newlyBlocked: r.newlyBlocked.map(flow('blocked')),
    rezonedStopped: r.rezonedStopped.map(flow('rezoned-stopped')),
    // In key order, as the findings after are: an incremental review keeps the base's findings
    // it did not re-check in place and puts the re-checked ones after them (per severity), so
    // after a chain of reviews the order of the base's findings, and of those resolved from
    // them, depends on what each step re-checked; a full recompute has the check's own order.
    findingsIntroduced: byKey(r.findingsIntroduced).map(finding('introduced')),
    findingsResolved: byKey(r.findingsResolved).map(finding('resolved')),
    intentsBroken: r.intentsBroken.map((i) => ({ ...i, problems: problems(`broken ${i.intent}`, i.problems) })),
    intentsRestored: r.intentsRestored.map((i) => ({ ...i, problems: problems(`restored ${i.intent}`, i.problems) })),
    intents: r.intents.map((i) => ({ ...i, problems: problems(`status ${i.intent}`, i.problems) })),
    checkAfter: {
      ...checkAfter,
      engine: undefined,
      findings: byKey(checkAfter.findings).map(finding('after')),
    },
  };
  return { data, sets };
}

/** The reference engine on a budget: a rare random mesh would take it minutes, such a case is discarded. */
const REFERENCE: EngineFactory = (network, failures) =>
  createReferenceEngine(network, { ...(failures ? { failures } : {}), maxSteps: 20_000, maxTotalSteps: 400_000 });

describe('every engine gives the same review', () => {
  it('fast (incremental) and reference (full recompute) after every change of random sequences on random topologies', () => {
    const runs = Number(process.env.CONFORMANCE_REVIEW_RUNS ?? 60);
    const cases = new CheckedCases('review conformance (sequences with a step compared)');
    const steps = new CheckedCases('review conformance (steps compared)');
    fc.assert(
      fc.property(randomTopology, fc.array(fc.array(fc.nat(1000), { minLength: 12, maxLength: 12 }), { minLength: 1, maxLength: 4 }), (t, sequence) => {
        const read = readSource(t.text, 'random.json');
        if (!read.ok) throw new Error(`a random topology does not read: ${JSON.stringify(read)}`);
        let doc: SourceDocument = read.doc;
        let network = loadDocument(doc, { domains });
        let fast: ReviewBase;
        let reference: ReviewBase;
        try {
          reference = prepareBase(network, pack, TODAY, REFERENCE);
        } catch (error) {
          if (error instanceof InputError && error.diagnostics[0]?.code === 'BNK_ERR_LIMIT_EXCEEDED') return fc.pre(false);
          throw error;
        }
        fast = prepareBase(network, pack, TODAY, ENGINES.fast!);
        let compared = false;
        for (const seed of sequence) {
          const op = randomChangeOperation(doc.data as never, seed);
          if ((op as { down?: string }).down === 'none') break; // no device to take down
          const change = loadChange(JSON.stringify({ 'bunkatsu-change': 1, changes: [op] }), 'change.json');
          // biome-ignore lint/suspicious/noImplicitAnyLet: assigned in the try below, typed by it
          let applied;
          // biome-ignore lint/suspicious/noImplicitAnyLet: as above
          let after;
          try {
            applied = applyChange(doc, change);
            after = loadDocument(applied.doc, { domains });
          } catch {
            break; // a random rule that does not load (e.g. an interface the device lacks)
          }
          const input = { after, pack, today: TODAY, change: { file: 'change.json', operations: applied.operations, touched: applied.touched } };
          // biome-ignore lint/suspicious/noImplicitAnyLet: assigned in the try below
          let slow;
          try {
            slow = review(reference, input);
          } catch (error) {
            if (error instanceof InputError && error.diagnostics[0]?.code === 'BNK_ERR_LIMIT_EXCEEDED') break;
            throw error;
          }
          const quick = review(fast, input);
          // From a fresh base too: after the first step `fast` is a derived engine, which keeps
          // no states; a fresh one cuts the delta to the headers that come to the changed
          // devices (FastEngine.derive), so every step of a sequence tries that cut.
          const fresh = review(prepareBase(network, pack, TODAY, ENGINES.fast!), input);
          expect(quick.report.engine).toBe('fast');
          expect(slow.report.engine).toBe('reference');
          expect(slow.report.recompute.mode).toBe('full');
          const b = comparable(slow.report);
          for (const [from, r] of [
            ['derived', quick.report],
            ['fresh', fresh.report],
          ] as const) {
            const a = comparable(r);
            expect(a.data, `${from} base: ${JSON.stringify(op)}`).toEqual(b.data);
            expect([...a.sets.keys()]).toEqual([...b.sets.keys()]);
            for (const [where, set] of a.sets) expect(equalSets(set, b.sets.get(where)!), `${from} base: ${JSON.stringify(op)}: ${where}`).toBe(true);
          }
          steps.checked();
          compared = true;
          if (quick.report.change!.operations.some((o) => o.op === 'down')) break; // a what-if failure is not carried on
          fast = quick.next;
          reference = slow.next;
          doc = applied.doc;
          network = after;
        }
        if (compared) cases.checked();
      }),
      { numRuns: runs },
    );
    // A random operation the loader refuses, or a reference engine over its budget, ends a
    // sequence early; most sequences still compare a step.
    cases.expectAtLeast(Math.ceil(runs * 0.8));
    steps.expectAtLeast(runs);
  }, 300_000);
});
