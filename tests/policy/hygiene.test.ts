// Firewall hygiene as a policy rule: the violation sample's findings, with their locations,
// covering rules and wording, on every engine. The analysis itself, kind by kind and against
// brute force on every engine: tests/conformance/hygiene.test.ts.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ENGINES } from '../../src/engine/registry.ts';
import { runCheck } from '../../src/policy/check.ts';
import { checkSample, loadSample, seedPack, TODAY } from '../helpers.ts';
import { findingText, subjectText } from '../../src/report/messages.ts';
import { buildGraph, deviceKey } from '../../src/model/graph.ts';
import type { Device, Network } from '../../src/model/network.ts';
import { farDomains } from '../../src/policy/hygiene.ts';
import { CheckedCases, loadRandom, randomTopology } from '../random-network.ts';

describe('the violation sample', () => {
  it('reports exactly its four rules, each with location, covering rules and both languages', () => {
    const { report } = checkSample('topologies/violations/firewall-hygiene.yaml');
    const found = report.findings.filter((f) => f.rule === 'firewall-hygiene');
    expect(found.map((f) => `${subjectText(f)} @${f.loc.line}`)).toEqual([
      'in-fw#i-mail-in-2 (shadowed) @385',
      'in-fw#i-cms-https (redundant) @393',
      'in-fw#i-relay-any (broad) @408',
      'in-fw#i-stop-vb-save (conflicting) @463',
    ]);
    expect(found.every((f) => f.severity === 'warning' && f.clause === '§3(2), §6(6)')).toBe(true);
    expect(findingText(found[0]!).message.en).toContain('i-mail-in (permit, topologies/violations/firewall-hygiene.yaml:378:9)');
    expect(findingText(found[1]!).message.en).toContain('i-web-in (permit, topologies/violations/firewall-hygiene.yaml:401:9)');
    // Bound in: outside (the line to the security cloud), out: public: only the domains behind
    // those interfaces, never LGWAN-connected systems (no path to outside but through in-fw).
    expect(findingText(found[2]!).message.en).toMatch(
      /from: any.*: the public Internet → Internet-connected systems, municipal information security cloud → Internet-connected systems$/,
    );
    expect(findingText(found[3]!).message.en).toContain('i-vb-save (permit, topologies/violations/firewall-hygiene.yaml:455:9)');
    expect(findingText(found[3]!).message.ja).toContain('許可されます');
  });

  it.each(Object.keys(ENGINES))('gives the same findings on the %s engine', (name) => {
    const file = 'topologies/violations/firewall-hygiene.yaml';
    const pack = seedPack();
    const report = runCheck(loadSample(file, pack), pack, { engineFactory: ENGINES[name]!, today: TODAY });
    const found = report.findings.filter((f) => f.rule === 'firewall-hygiene');
    expect(found).toEqual(checkSample(file).report.findings.filter((f) => f.rule === 'firewall-hygiene'));
    expect(found).toHaveLength(4);
  });
});

// The far side of a firewall port (what a broad rule's domain pairs are restricted to), computed
// for every device at once by one depth-first search: the same as walking the topology graph
// from the port without passing through the device, on random topologies.
describe('farDomains', () => {
  /** The plain walk: breadth first from the port's zone and linked devices, never entering d. */
  const walk = (network: Network, d: Device, f: string): string[] => {
    const graph = buildGraph(network);
    const self = deviceKey(d.id);
    const start: string[] = [];
    graph.forEachEdge(self, (_, e, s, t) => {
      if (e.kind === 'attach' && e.end.interface === f) start.push(s === self ? t : s);
      if (e.kind === 'link')
        for (const [here, there] of [
          [e.a, e.b],
          [e.b, e.a],
        ] as const)
          if (here.device === d.index && here.interface === f && there.device !== d.index) start.push(deviceKey(network.devices[there.device]!.id));
    });
    const seen = new Set([self, ...start]);
    for (let i = 0; i < start.length; i++) {
      graph.forEachNeighbor(start[i]!, (next) => {
        if (seen.has(next)) return;
        seen.add(next);
        start.push(next);
      });
    }
    const domains = new Set<string>();
    for (const key of seen)
      if (key !== self && graph.getNodeAttribute(key, 'kind') === 'zone') domains.add(network.zones[graph.getNodeAttribute(key, 'index')]!.domain);
    return [...domains].sort();
  };

  it('equals the walk on random topologies, port by port of every device', () => {
    const cases = new CheckedCases('far sides on random topologies');
    fc.assert(
      fc.property(randomTopology, (t) => {
        const network = loadRandom(t);
        const far = farDomains(network);
        for (const d of network.devices) {
          const got = far(d).map((s) => [...s].sort());
          expect(got).toEqual(d.interfaces.map((f) => walk(network, d, f.name)));
        }
        cases.checked();
      }),
      { numRuns: 100 },
    );
    cases.expectAtLeast(100);
  });
});
