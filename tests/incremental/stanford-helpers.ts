// Shared helpers of the Stanford tests: read an APKeep folder from disk; where the full data set lives.

import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseStanford, type StanfordData } from '../../src/import/stanford.ts';
import { ROOT } from '../helpers.ts';

export const SLICE = resolve(ROOT, 'tests/fixtures/stanford-slice');
/** The full data set, read from ../shared (never copied into the repository). */
export const FULL = resolve(ROOT, '../shared/datasets/stanford-backbone');

export function readFolder(dir: string): StanfordData {
  return parseStanford({
    dir,
    topo: readFileSync(resolve(dir, 'topo.txt'), 'utf8'),
    vlan: readFileSync(resolve(dir, 'vlan.txt'), 'utf8'),
    aclFiles: readdirSync(resolve(dir, 'acls')),
    updates: readFileSync(resolve(dir, 'updates'), 'utf8'),
  });
}
