// Fuzz: change files as `bunkatsu review` reads and applies them (loadChange, networkAfter,
// the review). Mutated sample changes, operations with odd fields, random bytes: the pipeline
// returns a verdict or throws InputError; the CLI exits 0, 1 or 2, never 3.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ENGINES } from '../../src/engine/registry.ts';
import { InputError } from '../../src/errors.ts';
import { loadDocument } from '../../src/model/load.ts';
import { readSource } from '../../src/model/source.ts';
import { networkAfter } from '../../src/review/apply.ts';
import { loadChange } from '../../src/review/change.ts';
import { prepareBase, review, type ReviewBase } from '../../src/review/review.ts';
import { ROOT, runCli, seedPack, TODAY } from '../helpers.ts';
import { mutatedYaml, oddScalar, randomBytes, SEED, timed } from './generators.ts';

const read = (relative: string): string => readFileSync(resolve(ROOT, relative), 'utf8');
const ALPHA = 'topologies/alpha-city.yaml';
const CHANGES = [read('topologies/changes/gcloud-line.yaml'), read('topologies/changes/remove-asp-rule.yaml')];
const pack = seedPack();
const domains = new Set(Object.keys(pack.domains));
const topology = readSource(read(ALPHA), ALPHA);
if (!topology.ok) throw new Error('alpha-city does not read');
const before = loadDocument(topology.doc, { domains });

/** One operation with odd values in its fields (names, numbers, lists). */
const field = fc.oneof(
  oddScalar,
  fc.constantFrom('lg-edge-fw', 'in-fw', 'mn-fw', 'e-asp', 'core1', 'lg-office', 'https', 'any'),
  fc.integer({ min: -5, max: 70_000 }),
);
const oddOperation = fc.oneof(
  fc.record({
    'add-rule': fc.record(
      {
        device: field,
        rule: fc.record({ id: field, action: fc.constantFrom('permit', 'deny'), from: field, to: field, service: field, in: field }),
        position: field,
      },
      { requiredKeys: ['device', 'rule'] },
    ),
  }),
  fc.record({ 'remove-rule': fc.record({ device: field, rule: field }) }),
  fc.record({ 'move-rule': fc.record({ device: field, rule: field, before: field, after: field }, { requiredKeys: ['device', 'rule'] }) }),
  fc.record({ 'add-route': fc.record({ device: field, prefix: field, interface: field, priority: field }, { requiredKeys: ['device', 'prefix'] }) }),
  fc.record({ 'remove-route': fc.record({ device: field, prefix: field }) }),
  fc.record({ 'add-interface': fc.record({ device: field, interface: fc.record({ name: field, zone: field, address: field }) }) }),
  fc.record({ 'add-link': fc.tuple(field, field) }),
  fc.record({ 'add-host': fc.record({ id: field, zone: field, address: field }) }),
  fc.record({ 'add-zone': fc.record({ id: field, domain: field, subnets: fc.array(field, { maxLength: 2 }) }) }),
  fc.record({ 'remove-zone': field }),
  fc.record({ down: fc.oneof(field, fc.array(field, { minLength: 1, maxLength: 3 })) }),
);
const changeText = fc.oneof(
  { arbitrary: fc.constantFrom(...CHANGES).chain((c) => mutatedYaml(c)), weight: 3 },
  { arbitrary: fc.array(oddOperation, { minLength: 1, maxLength: 4 }).map((changes) => stringify({ 'bunkatsu-change': 1, changes })), weight: 4 },
  { arbitrary: fc.array(oddOperation, { minLength: 1, maxLength: 2 }).map((changes) => JSON.stringify({ 'bunkatsu-change': 1, changes })), weight: 1 },
  { arbitrary: randomBytes.map((b) => `bunkatsu-change: 1\n${b.toString('utf8')}`), weight: 1 },
);

let base: ReviewBase;
let dir = '';
beforeAll(() => {
  base = prepareBase(before, pack, TODAY, ENGINES.fast!);
  dir = mkdtempSync(join(tmpdir(), 'bunkatsu-fuzz-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('fuzz: change files', () => {
  it('the review pipeline gives a verdict or an InputError, within 5 s each', async () => {
    await fc.assert(
      fc.asyncProperty(changeText, async (text) => {
        const { ms } = await timed(() => {
          try {
            const applied = networkAfter(before, topology.doc, loadChange(text, 'fuzz-change.yaml'), { domains });
            review(base, {
              after: applied.after,
              pack,
              today: TODAY,
              change: { file: 'fuzz-change.yaml', operations: applied.operations, touched: applied.touched },
            });
          } catch (error) {
            if (!(error instanceof InputError)) throw error;
          }
        });
        expect(ms).toBeLessThan(5_000);
      }),
      { seed: SEED, numRuns: 120 },
    );
  });

  it('bunkatsu review exits 0, 1 or 2, never 3', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(changeText, async (text) => {
        const path = join(dir, `c${n++}.yaml`);
        writeFileSync(path, text);
        const r = await runCli(['review', ALPHA, path, '--today', TODAY, '--format', 'json']);
        expect([0, 1, 2], r.err).toContain(r.code);
      }),
      { seed: SEED, numRuns: 12 },
    );
  });
});
