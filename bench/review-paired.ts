// Paired change-review benchmark: two versions of the code in one process, each of the bench's
// changes reviewed on one then the other, CPU time per review; every report compared. On a
// shared machine, the load falls on both alike, which runs one after the other cannot promise.
//
//   git archive <commit> src | tar -x -C /tmp/before     (each version: a directory holding src/)
//   npx tsx bench/review-paired.ts /tmp/before . [changes] [k,k,...]
//
// The changes are drawn as bench/review.ts draws them (bench/review-changes.ts, seed 7) on `metro` (generate it with
// `npm run bench:review` first). Prints per version the CPU median, p95, p99, max and sum, and
// how many reports differ (SHA-256 of each report less its elapsed time).

import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import type { Network } from '../src/model/network.ts';
import type { Pack } from '../src/policy/pack.ts';
import type { ReviewBase } from '../src/review/review.ts';
import { changeDrawer } from './review-changes.ts';

const ROOT = resolve(import.meta.dirname, '..');
/** Bundles a version's library entry points (src/ under `dir`) and imports it. */
/** One version's library, as its bundle exports it (the shapes are this tree's). */
// biome-ignore lint/suspicious/noExplicitAny: another version's module, typed by use
type Library = any;
async function version(dir: string): Promise<Library> {
  const out = mkdtempSync(join(tmpdir(), 'bunkatsu-paired-'));
  const src = resolve(dir, 'src');
  const entry = join(out, 'entry.ts');
  writeFileSync(
    entry,
    [
      `export { engineFactoryNamed } from '${src}/engine/registry.ts';`,
      `export { loadTopology } from '${src}/model/load.ts';`,
      `export { loadPack } from '${src}/policy/pack.ts';`,
      `export { applyInMemory } from '${src}/review/apply.ts';`,
      `export { loadChange } from '${src}/review/change.ts';`,
      `export { prepareBase, review } from '${src}/review/review.ts';`,
    ].join('\n'),
  );
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: join(out, 'lib.mjs'),
    external: ['better-sqlite3'],
    nodePaths: [join(ROOT, 'node_modules')],
    logLevel: 'warning',
  });
  return import(join(out, 'lib.mjs'));
}
const [beforeDir, afterDir] = process.argv.slice(2, 4);
if (!beforeDir || !afterDir) {
  console.error('usage: npx tsx bench/review-paired.ts <before> <after> [changes] [k,k,...]');
  process.exit(2);
}
const [A, B] = await Promise.all([version(beforeDir), version(afterDir)]);
const count = Number(process.argv[4] ?? 200);
const only = process.argv[5] ? new Set(process.argv[5].split(',').map(Number)) : undefined;
const file = join(tmpdir(), 'bunkatsu-bench', 'metro.json');
const text = readFileSync(file, 'utf8');
const today = '2026-11-25';
interface Side {
  readonly L: Library;
  readonly pack: Pack;
  readonly before: Network;
  readonly base: ReviewBase;
}
const prep = (L: Library): Side => {
  const pack = L.loadPack(readFileSync(join(ROOT, 'policies/seed.yaml'), 'utf8'), 'policies/seed.yaml');
  const before = L.loadTopology(text, file, { domains: new Set(Object.keys(pack.domains)) });
  const base = L.prepareBase(before, pack, today, L.engineFactoryNamed('fast'));
  return { L, pack, before, base };
};
const sides: readonly [Side, Side] = [prep(A), prep(B)];
const before = sides[0].before;
const randomChange = changeDrawer(before, 7);
const cpu = (since: NodeJS.CpuUsage): number => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};
const digest = (r: { elapsedMs?: number }): string => {
  const { elapsedMs, ...rest } = r;
  return createHash('sha256').update(JSON.stringify(rest)).digest('hex');
};
const t: [number[], number[]] = [[], []];
const rows: Array<{ k: number; kind: string; a: number; b: number }> = [];
let diffs = 0;
for (let k = 0; k < count; k++) {
  const { kind, change } = randomChange(k);
  if (only && !only.has(k)) continue;
  const order: ReadonlyArray<0 | 1> = k % 2 ? [1, 0] : [0, 1];
  const d: string[] = [];
  const ms: [number, number] = [0, 0];
  for (const s of order) {
    const { L, pack, base } = sides[s];
    const c0 = process.cpuUsage();
    const loaded = L.loadChange(JSON.stringify({ 'bunkatsu-change': 1, changes: [change] }), `change-${k}.json`);
    const applied = L.applyInMemory(sides[s].before, loaded);
    const { report } = L.review(base, {
      after: applied.after,
      pack,
      today,
      change: { file: loaded.file, operations: applied.operations, touched: applied.touched },
    });
    ms[s] = cpu(c0);
    t[s].push(ms[s]);
    d[s] = digest(report);
  }
  if (d[0] !== d[1]) {
    diffs++;
    console.log(`DIFF #${k} ${kind} ${JSON.stringify(change)}`);
  }
  rows.push({ k, kind, a: ms[0], b: ms[1] });
}
const q = (xs: readonly number[], p: number): number => {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
};
const f = (x: number): string => x.toFixed(1);
for (const [n, xs] of [
  ['A', t[0]],
  ['B', t[1]],
] as const)
  console.log(
    `${n}: CPU median ${f(q(xs, 0.5))} p95 ${f(q(xs, 0.95))} p99 ${f(q(xs, 0.99))} max ${f(Math.max(...xs))} sum ${f(xs.reduce((x, y) => x + y, 0))} ms`,
  );
console.log(`reports differing: ${diffs} of ${rows.length}`);
console.log(
  'slowest (B):',
  rows
    .sort((x, y) => y.b - x.b)
    .slice(0, 6)
    .map((r) => `#${r.k} ${r.kind} A ${f(r.a)} B ${f(r.b)}`)
    .join('; '),
);
