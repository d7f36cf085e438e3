// The lighter pack check (quick-pack.ts) against zod's parse of packSchema(): it accepts the
// bundled packs, and whenever it accepts a pack, zod accepts it too and gives the same data with
// the same key order (the rules are run in that order); the bundled packs and random damage to
// them (wrong types, missing fields, unknown keys).

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readSource } from '../../src/model/source.ts';
import { loadPack, packSchema } from '../../src/policy/pack.ts';
import { quickPack } from '../../src/policy/quick-pack.ts';
import { damage, placesOf } from '../damage.ts';

const POLICIES = resolve(import.meta.dirname, '../../policies');
const bundled = ['seed.yaml', 'mic-guideline.yaml'].map((f) => {
  const read = readSource(readFileSync(resolve(POLICIES, f), 'utf8'), f);
  if (!read.ok) throw new Error(`${f} does not read`);
  return read.doc.data;
});

/** The pack with every optional field written and every default left to fill. */
const SPARSE = {
  pack: 1,
  name: 'p',
  source: 's',
  sides: { a: ['lgwan'] },
  domains: { lgwan: { ja: 'LGWAN接続系', en: 'LGWAN', clause: '§1' }, internet: { en: 'Internet', ja: '' } },
  rules: {
    'firewall-hygiene': { params: { unneededSeverity: 'warning' } },
    inventory: { enabled: false, clause: '§9' },
    availability: { severity: 'info', params: {} },
    'model-placement': {
      params: {
        cloudModels: [],
        domains: ['lgwan'],
        placement: { beta: 'internet', alpha: 'lgwan', 'beta-prime': 'x', 'alpha-prime': 'y' },
        roles: ['terminal'],
      },
    },
    'mynumber-exception-scope': { params: { maxPortsPerTerm: 65536 } },
  },
};

/** Same answer as zod where the quick check answers: accepted only if zod accepts, with equal data in the same order. */
function agrees(data: unknown): boolean {
  const quick = quickPack(data);
  if (quick === undefined) return true;
  const parsed = packSchema().safeParse(data);
  expect(parsed.success).toBe(true);
  expect(quick).toStrictEqual(parsed.data);
  expect(JSON.stringify(quick)).toBe(JSON.stringify(parsed.data));
  return true;
}

const ODD_VALUES: unknown[] = [
  null,
  0,
  -1,
  1.5,
  65537,
  '',
  'x',
  'Bad Name',
  [],
  ['lgwan'],
  ['x', 1],
  {},
  { extra: 1 },
  true,
  'error',
  'mail',
  'terminal',
  'beta',
];

describe('quickPack', () => {
  it('accepts the bundled packs and a sparse one, with the data zod gives', () => {
    for (const data of [...bundled, SPARSE]) {
      expect(quickPack(data)).toBeDefined();
      agrees(data);
    }
  });

  it.each<[string, (d: typeof SPARSE) => void]>([
    ['a placement missing a model', (d) => void delete (d.rules['model-placement'].params.placement as Record<string, string>)['beta-prime']],
    ['a rule without its params', (d) => void delete (d.rules['mynumber-exception-scope'] as { params?: unknown }).params],
    ['an unknown rule', (d) => void ((d.rules as Record<string, unknown>)['no-such-rule'] = { params: {} })],
    ['a domain name in capitals', (d) => void ((d.domains as Record<string, unknown>).LGWAN = { ja: 'x', en: 'x' })],
    ['an empty side', (d) => void (d.sides.a = [])],
    ['a fractional port count', (d) => void (d.rules['mynumber-exception-scope'].params.maxPortsPerTerm = 1.5)],
    ['params for a rule that takes none', (d) => void ((d.rules.availability.params as Record<string, unknown>).x = 1)],
    ['pack version 2', (d) => void (d.pack = 2)],
  ])('refuses, as zod does, %s', (_, damage) => {
    const data = structuredClone(SPARSE);
    damage(data);
    expect(quickPack(data)).toBeUndefined();
    expect(packSchema().safeParse(data).success).toBe(false);
  });

  it('never accepts what zod refuses, and agrees on what both accept (random damage)', () => {
    const bases = [...bundled, SPARSE];
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.integer({ min: 0, max: ODD_VALUES.length + 1 }), (b, at, pick) => {
        const data = structuredClone(bases[b % bases.length]) as unknown;
        const all = placesOf(data);
        damage(all[at % all.length]!, pick, ODD_VALUES);
        return agrees(data);
      }),
      { numRuns: 5000 },
    );
  });

  it('leaves the errors to zod: a damaged pack is reported as before', () => {
    const text = readFileSync(resolve(POLICIES, 'seed.yaml'), 'utf8').replace('maxPortsPerTerm: 1', 'maxPortsPerTerm: 0');
    expect(() => loadPack(text, 'policies/seed.yaml')).toThrow(
      /Too small: expected number to be >=1 at rules\.mynumber-exception-scope\.params\.maxPortsPerTerm/,
    );
  });
});
