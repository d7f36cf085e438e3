// Fuzz: the topology reader and `bunkatsu check` on mutated samples, random bytes, huge
// scalars, deep nesting, odd unicode and prototype names. The loader returns or throws
// InputError, nothing else; the CLI exits 0, 1 or 2, never 3; each input within a bound.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError, loadTopology } from '../../src/index.ts';
import { ENGINES } from '../../src/engine/registry.ts';
import { ROOT, runCli, seedPack, TODAY } from '../helpers.ts';
import { anyTopologyText, mutatedYaml, randomBytes, SEED, timed } from './generators.ts';

const ALPHA = readFileSync(resolve(ROOT, 'topologies/alpha-city.yaml'), 'utf8');
const domains = new Set(Object.keys(seedPack().domains));

/** 'ok', or 'refused' for an InputError; anything else escapes and fails the property. */
function load(text: string): 'ok' | 'refused' {
  try {
    loadTopology(text, 'fuzz.yaml', { domains });
    return 'ok';
  } catch (error) {
    if (error instanceof InputError) return 'refused';
    throw error;
  }
}

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bunkatsu-fuzz-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('fuzz: topology reader', () => {
  it('loads or refuses with InputError, within 2 s each', async () => {
    await fc.assert(
      fc.asyncProperty(anyTopologyText(ALPHA), async (text) => {
        const { ms } = await timed(() => load(text));
        expect(ms).toBeLessThan(2_000);
      }),
      { seed: SEED, numRuns: 120 },
    );
  });

  it('refuses or loads random bytes decoded every way a caller might', () => {
    fc.assert(
      fc.property(randomBytes, (bytes) => {
        load(bytes.toString('utf8'));
        load(bytes.toString('latin1'));
        load(`bunkatsu: 1\nname: ${bytes.toString('latin1')}\n`);
      }),
      { seed: SEED, numRuns: 60 },
    );
  });
});

describe('fuzz: bunkatsu check', () => {
  it('exits 0, 1 or 2 on mutated samples and raw bytes, never 3', async () => {
    const input = fc.oneof({ arbitrary: mutatedYaml(ALPHA).map((t) => Buffer.from(t)), weight: 3 }, { arbitrary: randomBytes, weight: 1 });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(input, fc.constantFrom(...Object.keys(ENGINES)), async (bytes, engine) => {
        const path = join(dir, `t${n++}.yaml`);
        writeFileSync(path, bytes);
        const { value: r, ms } = await timed(() => runCli(['check', path, '--today', TODAY, '--engine', engine, '--format', 'json']));
        expect([0, 1, 2], r.err).toContain(r.code);
        expect(ms).toBeLessThan(10_000);
      }),
      { seed: SEED, numRuns: 16 },
    );
  });
});
