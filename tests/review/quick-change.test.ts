// The quick change-file check (src/review/quick-change.ts) and the quick rule check
// (quickRule, src/model/quick-schema.ts) against zod: whenever a quick check accepts, zod accepts
// too and gives the same data; the sample change files, a file with every operation, and random
// damage to them (wrong types, bounds, unknown keys, missing fields).

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quickRule } from '../../src/model/quick-schema.ts';
import { ruleSchema } from '../../src/model/schema.ts';
import { readSource } from '../../src/model/source.ts';
import { changeSchema } from '../../src/review/change.ts';
import { quickChange } from '../../src/review/quick-change.ts';
import { damagedCopy } from '../damage.ts';
import { ROOT } from '../helpers.ts';

const samples = [
  'topologies/changes/gcloud-line.yaml',
  'topologies/changes/remove-asp-rule.yaml',
  'tests/fixtures/changes/harmless.yaml',
  'tests/fixtures/changes/redundant.yaml',
  'tests/fixtures/changes/unknown-rule.yaml',
].map((file) => {
  const read = readSource(readFileSync(resolve(ROOT, file), 'utf8'), file);
  if (!read.ok) throw new Error(file);
  return read.doc.data;
});

/** Every operation of the format, every optional field written (schema-valid; not a sensible change). */
const FULL = {
  'bunkatsu-change': 1,
  description: 'd',
  topology: 'alpha-city.yaml',
  changes: [
    { 'add-rule': { device: 'fw', rule: { id: 'r', action: 'permit', from: 'a', to: ['b'], service: 'https' }, position: 1 } },
    { 'add-rule': { device: 'fw', rule: { action: 'deny' }, before: 'r' } },
    { 'add-rule': { device: 'fw', rule: { action: 'deny' }, after: 'r' } },
    { 'remove-rule': { device: 'fw', rule: 'r' } },
    { 'remove-rule': { device: 'fw', rule: 3 } },
    { 'replace-rule': { device: 'fw', rule: 'r', with: { id: 'r', action: 'deny' } } },
    { 'move-rule': { device: 'fw', rule: 2, position: 1 } },
    { 'add-route': { device: 'r1', prefix: '10.0.0.0/8', action: 'forward', interface: ['p1', 'p2'], priority: 5, description: 'd' } },
    { 'add-route': { device: 'r1', prefix: '10.1.0.0/16', action: 'drop' } },
    { 'remove-route': { device: 'r1', prefix: '10.0.0.0/8', interface: 'p1' } },
    { 'add-interface': { device: 'r1', interface: { name: 'p9', zone: 'z' } } },
    { 'remove-interface': { device: 'r1', interface: 'p9' } },
    { 'add-link': ['a:p1', 'b:p2'] },
    { 'remove-link': ['a:p1', 'b:p2'] },
    { 'add-host': { id: 'h', zone: 'z', address: '10.0.0.5' } },
    { 'remove-host': 'h' },
    { 'add-zone': { id: 'z2', domain: 'lgwan', subnets: ['10.9.0.0/24'] } },
    { 'remove-zone': 'z2' },
    { down: ['r1', 'a:p1--b:p2'] },
    { down: 'fw' },
  ],
};

const ODD_VALUES: unknown[] = [
  null,
  0,
  -1,
  1.5,
  2 ** 31,
  2 ** 60,
  '',
  'x'.repeat(129),
  'x'.repeat(4001),
  [],
  ['a'],
  ['a', 'b', 'c'],
  {},
  { extra: 1 },
  true,
  'permit',
  'forward',
  'maybe',
  1,
];

function agreesChange(data: unknown): boolean {
  const quick = quickChange(data);
  if (quick === undefined) return true;
  const parsed = changeSchema().safeParse(data);
  expect(parsed.success).toBe(true);
  expect(quick).toStrictEqual(parsed.data);
  return true;
}

function agreesRule(data: unknown): boolean {
  const quick = quickRule(data);
  if (quick === undefined) return true;
  const parsed = ruleSchema().safeParse(data);
  expect(parsed.success).toBe(true);
  expect(quick).toStrictEqual(parsed.data);
  return true;
}

/** Random damage of a copy of one of the bases, one to three times. */
const damaged = (bases: readonly unknown[]) =>
  fc
    .tuple(fc.nat(), fc.nat(), fc.integer({ min: 0, max: ODD_VALUES.length + 1 }), fc.integer({ min: 1, max: 3 }))
    .map(([b, at, pick, times]) => damagedCopy(bases[b % bases.length], at, pick, times, ODD_VALUES));

describe('quickChange', () => {
  it('accepts the sample change files and one with every operation, with the data zod gives', () => {
    for (const data of [FULL, ...samples]) {
      expect(quickChange(data)).toBeDefined();
      agreesChange(data);
    }
  });

  it.each<[string, (d: typeof FULL) => void]>([
    ['format version 2', (d) => void ((d as Record<string, unknown>)['bunkatsu-change'] = 2)],
    ['no changes', (d) => void (d.changes = [])],
    ['an operation with two keys', (d) => void ((d.changes[0] as Record<string, unknown>).down = 'x')],
    ['an unknown operation', (d) => void (d.changes[0] = { 'add-device': { id: 'x' } } as never)],
    ['a link of three ends', (d) => void (d.changes[12] as { 'add-link': string[] })['add-link'].push('c:p3')],
    ['a rule position of zero', (d) => void ((d.changes[0] as { 'add-rule': { position: number } })['add-rule'].position = 0)],
    ['an unknown key beside a rule', (d) => void ((d.changes[3] as { 'remove-rule': Record<string, unknown> })['remove-rule'].note = 'x')],
    ['an empty list of failures', (d) => void (d.changes[18] = { down: [] } as never)],
    ['a route priority past 2^31 - 1', (d) => void ((d.changes[7] as { 'add-route': { priority: number } })['add-route'].priority = 2 ** 31)],
  ])('refuses, as zod does, %s', (_, spoil) => {
    const data = structuredClone(FULL);
    spoil(data);
    expect(quickChange(data)).toBeUndefined();
    expect(changeSchema().safeParse(data).success).toBe(false);
  });

  it('never accepts what zod refuses, and agrees on what both accept (random damage)', () => {
    fc.assert(fc.property(damaged([FULL, FULL, ...samples]), agreesChange), { numRuns: 3000 });
  }, 60_000);
});

describe('quickRule', () => {
  const rules = [
    ...FULL.changes.flatMap((op) => {
      const v = Object.values(op)[0] as { rule?: unknown; with?: unknown };
      return [v.rule, v.with].filter((r) => typeof r === 'object' && r !== null);
    }),
    { id: 'x', action: 'permit', from: ['a', 'b'], to: 'any', service: ['https', 'tcp/8443'], in: 'p1', out: ['p2'], description: 'd' },
    { action: 'deny', origin: { file: 'fw.conf', line: 3, column: 5, label: 'policy 7' } },
  ];

  it('accepts the rules of the change files, with the defaults zod fills in', () => {
    for (const r of rules) {
      expect(quickRule(r)).toBeDefined();
      agreesRule(r);
    }
    expect(quickRule({ action: 'deny' })).toEqual({ action: 'deny', from: 'any', to: 'any', service: 'any' });
  });

  it('never accepts what zod refuses, and agrees on what both accept (random damage)', () => {
    fc.assert(fc.property(damaged(rules), agreesRule), { numRuns: 3000 });
  }, 60_000);
});
