// Shared helpers of the Stanford tests: read an APKeep folder from disk; where the full data set lives.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'vitest';
import { parseStanford, type StanfordData } from '../../src/import/stanford.ts';
import { ROOT } from '../helpers.ts';

export const SLICE = resolve(ROOT, 'tests/fixtures/stanford-slice');
/** The full data set, read from ../shared (never copied into the repository). */
export const FULL = resolve(ROOT, '../shared/datasets/stanford-backbone');

/**
 * A describe block over the full data set, keyed on one of its files. CI runs with ../shared
 * beside the clone, so there a missing data set fails loudly; elsewhere the block is skipped
 * with a warning that names the missing folder.
 */
export function describeFullDataSet(name: string, file: string, body: () => void): void {
  const path = resolve(FULL, file);
  if (existsSync(path)) {
    describe(name, body);
    return;
  }
  const why = `${path} is missing (the full data set is read from ../shared beside the clone)`;
  if (process.env.CI) {
    describe(name, () => {
      it('has its data set (required in CI)', () => {
        throw new Error(`${why}; CI must check out ../shared`);
      });
    });
    return;
  }
  console.warn(`skipping "${name}": ${why}; outside CI only, with CI set this fails`);
  describe.skip(name, body);
}

export function readFolder(dir: string): StanfordData {
  return parseStanford({
    dir,
    topo: readFileSync(resolve(dir, 'topo.txt'), 'utf8'),
    vlan: readFileSync(resolve(dir, 'vlan.txt'), 'utf8'),
    aclFiles: readdirSync(resolve(dir, 'acls')),
    updates: readFileSync(resolve(dir, 'updates'), 'utf8'),
  });
}
