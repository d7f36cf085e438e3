// The `origin` of imported rules and routes: validated by both schema paths, and used as the
// location that findings and traces cite instead of the YAML line.

import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import { loadTopology } from '../../src/model/load.ts';
import { quickTopology } from '../../src/model/quick-schema.ts';
import { topologySchema } from '../../src/model/schema.ts';
import { formatLoc } from '../../src/report/describe.ts';

const doc = (origin: unknown): Record<string, unknown> => ({
  bunkatsu: 1,
  name: 't',
  zones: [
    { id: 'a', domain: 'lgwan', subnets: ['10.0.0.0/24'] },
    { id: 'b', domain: 'lgwan', subnets: ['10.0.1.0/24'] },
  ],
  devices: [
    {
      id: 'fw',
      kind: 'firewall',
      interfaces: [
        { name: 'p1', zone: 'a', address: '10.0.0.1' },
        { name: 'p2', zone: 'b', address: '10.0.1.1' },
      ],
      routes: [{ prefix: '10.0.1.0/24', interface: 'p2', origin }],
      rules: [{ id: 'p7', action: 'permit', origin }],
    },
  ],
});

describe('origin', () => {
  const origin = { file: 'fw01.conf', line: 412, column: 5, label: 'policy 27 "lg-to-inet"' };

  it('is accepted alike by the quick schema and zod', () => {
    expect(quickTopology(doc(origin))).toBeDefined();
    expect(topologySchema().safeParse(doc(origin)).success).toBe(true);
  });

  it("becomes the rule's and the route's location, printed with its label", () => {
    const network = loadTopology(JSON.stringify(doc(origin)), 't.json');
    const fw = network.devices[0]!;
    expect(formatLoc(fw.rules[0]!.loc)).toBe('fw01.conf:412:5 policy 27 "lg-to-inet"');
    expect(formatLoc(fw.routes![0]!.loc)).toBe('fw01.conf:412:5 policy 27 "lg-to-inet"');
  });

  it.each([
    ['line 0', { file: 'f', line: 0, column: 1 }],
    ['no file', { line: 1, column: 1 }],
    ['an unknown field', { file: 'f', line: 1, column: 1, path: 'x' }],
  ])('with %s is a schema error at the rule', (_what, bad) => {
    expect(quickTopology(doc(bad))).toBeUndefined();
    try {
      loadTopology(JSON.stringify(doc(bad)), 't.json');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).diagnostics.map((d) => d.code)).toContain('BNK_ERR_SCHEMA');
    }
  });
});
