// The lighter schema check (quick-schema.ts) against zod's parse of topologySchema: whenever it
// accepts a document, zod accepts it too and gives the same data; the samples, generated
// topologies and random damage to them (wrong types, bounds, unknown keys, missing fields).

import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateTopology } from '../../src/generate/generate.ts';
import { quickTopology } from '../../src/model/quick-schema.ts';
import { topologySchema } from '../../src/model/schema.ts';
import { readSource } from '../../src/model/source.ts';
import { damagedCopy } from '../damage.ts';

const ROOT = resolve(import.meta.dirname, '../../topologies');
const samples = ['.', 'violations', 'broken']
  .flatMap((dir) =>
    readdirSync(resolve(ROOT, dir))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => resolve(ROOT, dir, f)),
  )
  .map((file) => readSource(readFileSync(file, 'utf8'), file))
  .flatMap((read) => (read.ok ? [read.doc.data] : []));
const generated = (['tiny', 'small'] as const).flatMap(
  (scale) => (['alpha', 'beta'] as const).map((model) => JSON.parse(JSON.stringify(generateTopology({ scale, model, seed: 3 }).topology))) as unknown[],
);

/** A document with every optional field of the format written (schema-valid; not a sensible network). */
const FULL = {
  $schema: 'x',
  bunkatsu: 1,
  name: 'full',
  model: 'beta',
  description: 'd',
  services: { 'juki-app': 'tcp/8443', pair: ['tcp/1', 'udp/2'] },
  zones: [
    { id: 'z1', name: 'n', domain: 'lgwan', subnets: ['10.0.0.0/24'], default: false, description: 'd' },
    { id: 'inet', domain: 'internet', default: true },
    { id: 'imported', subnets: ['10.1.0.0/24'] },
  ],
  hosts: [
    { id: 'h1', name: 'n', zone: 'z1', role: 'terminal', address: '10.0.0.5', controls: ['mfa', 'edr'], description: 'd' },
    { id: 'g1', zone: 'z1', addresses: '10.0.0.16/28', count: 4 },
  ],
  devices: [
    { id: 'sw', kind: 'switch', zone: 'z1', name: 'n', description: 'd', interfaces: [{ name: 'p1', zone: 'z1' }] },
    {
      id: 'r1',
      kind: 'router',
      interfaces: [{ name: 'vlan10', members: ['p1', 'p2'], in: ['a1'], out: ['a1'], address: '10.0.0.1', description: 'd' }],
      routes: [
        { prefix: '0.0.0.0/0', interface: 'p1', priority: 5, description: 'd', origin: { file: 'r1.conf', line: 3, column: 5, label: 'static route 1' } },
        { prefix: '10.9.0.0/16', action: 'drop' },
        { prefix: '10.0.0.1/32', action: 'deliver', interface: ['p1', 'p2'] },
      ],
      acls: {
        a1: [
          {
            id: 'x',
            action: 'permit',
            from: 'z1',
            to: ['any'],
            service: ['tcp/22', 'https'],
            description: 'd',
            origin: { file: 'r1.conf', line: 9, column: 1 },
          },
          { action: 'deny' },
        ],
      },
    },
    {
      id: 'fw',
      kind: 'firewall',
      interfaces: [{ name: 'in' }, { name: 'out' }],
      rules: [
        {
          id: 'r1',
          action: 'permit',
          from: 'z1',
          to: 'inet',
          service: 'https',
          in: 'in',
          out: ['out'],
          description: 'd',
          origin: { file: 'fw.conf', line: 143, column: 5, label: 'policy 27' },
        },
        { action: 'deny' },
      ],
    },
    { id: 'fw2', kind: 'firewall', interfaces: [{ name: 'a' }] },
    {
      id: 'san',
      kind: 'sanitizer',
      method: 'mail-text',
      interfaces: [{ name: 'a' }],
      relays: [{ in: 'a', service: 'smtp', out: 'a', to: 'z1', toService: 'tcp/25', description: 'd' }],
    },
    { id: 'px', kind: 'proxy', interfaces: [{ name: 'a' }] },
  ],
  links: [['sw:p1', 'r1:vlan10']],
  exceptions: [
    { id: 'e1', from: 'h1', to: ['inet'], service: 'https', via: ['px'], justification: 'j', approver: 'a', expires: '2028-02-29', rules: ['availability'] },
  ],
  intents: [{ id: 'i1', from: 'h1', to: 'inet', service: ['https'], purpose: 'p', content: 'web', via: ['px'], resilient: true }],
  cloudServices: [{ id: 'c1', name: 'n', to: ['203.0.113.0/24', 'inet'], service: 'https', justification: 'j', approver: 'a', expires: '2028-03-31' }],
};

/** Same answer as zod where the quick check answers: accepted only if zod accepts, with equal data. */
function agrees(data: unknown): boolean {
  const quick = quickTopology(data);
  if (quick === undefined) return true;
  const parsed = topologySchema().safeParse(data);
  expect(parsed.success).toBe(true);
  expect(quick).toStrictEqual(parsed.data);
  return true;
}

const ODD_VALUES: unknown[] = [
  null,
  0,
  -1,
  1.5,
  2 ** 31,
  '',
  'x'.repeat(65),
  'x'.repeat(129),
  'x'.repeat(4001),
  'bad id!',
  'any',
  'tcp/443',
  '2026-02-30',
  '2026-03-01',
  [],
  ['a', 'b', 'c'],
  {},
  { extra: 1 },
  true,
  'permit',
  'forward',
  'switch',
  'proxy',
  'server',
  'mfa',
  'mail',
];

describe('quickTopology', () => {
  it('accepts the valid samples and generated topologies, with the data zod gives', () => {
    let accepted = 0;
    expect(quickTopology(FULL)).toBeDefined();
    for (const data of [FULL, ...samples, ...generated]) {
      agrees(data);
      if (quickTopology(data)) accepted++;
    }
    expect(accepted).toBeGreaterThanOrEqual(generated.length + 3);
  });

  it.each<[string, (d: typeof FULL) => void]>([
    ['an expiry that is no calendar date', (d) => void (d.exceptions[0]!.expires = '2026-02-30')],
    ['a VLAN without members', (d) => void ((d.devices[1]!.interfaces[0] as { members: string[] }).members = [])],
    ['an ACL name with a space', (d) => void ((d.devices[1] as unknown as { acls: Record<string, unknown> }).acls['bad name'] = [])],
    ['a service name in capitals', (d) => void ((d.services as Record<string, unknown>).Bad = 'tcp/1')],
    ['a link of three ends', (d) => void d.links[0]!.push('x:y')],
    ['a rule with an unknown key', (d) => void ((d.devices[2]!.rules![0] as Record<string, unknown>).note = 'x')],
    ['an ACL rule with an interface', (d) => void ((d.devices[1]!.acls!.a1[0] as Record<string, unknown>).in = 'p1')],
    ['a host count of zero', (d) => void (d.hosts[1]!.count = 0)],
    ['a fractional priority', (d) => void (d.devices[1]!.routes![0]!.priority = 1.5)],
    ['an unknown device kind', (d) => void ((d.devices[0] as { kind: string }).kind = 'hub')],
    ['a sanitizer without a method', (d) => void delete (d.devices[4] as { method?: string }).method],
    ['format version 2', (d) => void ((d as { bunkatsu: number }).bunkatsu = 2)],
  ])('refuses, as zod does, %s', (_, damage) => {
    const data = structuredClone(FULL);
    damage(data);
    expect(quickTopology(data)).toBeUndefined();
    expect(topologySchema().safeParse(data).success).toBe(false);
  });

  it('never accepts what zod refuses, and agrees on what both accept (random damage)', () => {
    const bases = [FULL, FULL, ...samples, ...generated.slice(0, 2)];
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.integer({ min: 0, max: ODD_VALUES.length + 1 }), fc.integer({ min: 1, max: 3 }), (b, at, pick, times) =>
        agrees(damagedCopy(bases[b % bases.length], at, pick, times, ODD_VALUES)),
      ),
      { numRuns: 3000 },
    );
    // About 15 s alone on 2 shared cores (the samples include the α' city and five variants):
    // room for a loaded machine.
  }, 90_000);
});
