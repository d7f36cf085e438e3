// Change-review benchmark (npm run bench:review): one-rule changes on a generated topology,
// each reviewed incrementally against the same base, beside full recomputes in the same run.
//
//   npm run bench:review                                # metro, 200 changes, 5 full recomputes
//   npm run bench:review -- --scale city --changes 500 --full 3
//   npm run bench:review -- --scale small --engine reference   # the oracle (full recompute each)
//   npm run bench:review -- --slowest 5 --dump /tmp/reviews.jsonl  # the 5 slowest changes; every report, to compare
//   npm run bench:review -- --only 89,192 --full 0        # review only these of the drawn changes (to profile them)
//
// --dump writes one line per review: the change, its verdict and everything it found, with the
// check after and the intents' statuses as SHA-256 digests (their full text is megabytes), and
// without the elapsed time: two runs of the same seed give identical files when the code
// reviews alike.
//
// The changes are drawn with a fixed seed from the topology's own firewalls
// (bench/review-changes.ts).

import { benchProgress } from './progress.ts';
import { changeDrawer } from './review-changes.ts';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpus, loadavg, tmpdir } from 'node:os';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { engineFactoryNamed } from '../src/engine/registry.ts';
import { loadTopology } from '../src/model/load.ts';
import type { Network } from '../src/model/network.ts';
import { loadPack } from '../src/policy/pack.ts';
import { applyInMemory } from '../src/review/apply.ts';
import { loadChange } from '../src/review/change.ts';
import { prepareBase, review } from '../src/review/review.ts';
import { bunkatsu } from './command.ts';
import { benchArgs, count as whole } from './args.ts';

const ROOT = resolve(import.meta.dirname, '..');
const { values } = benchArgs(import.meta.filename, {
  options: {
    scale: { type: 'string', default: 'metro' },
    changes: { type: 'string', default: '200' },
    full: { type: 'string', default: '5' },
    seed: { type: 'string', default: '7' },
    engine: { type: 'string', default: 'fast' },
    slowest: { type: 'string', default: '0' },
    dump: { type: 'string' },
    only: { type: 'string' },
  },
});
const engine = engineFactoryNamed(values.engine!);
if (!engine) throw new Error(`unknown engine "${values.engine}"`);
const scale = values.scale!;
const count = whole(values.changes, 'changes');
const fullRuns = whole(values.full, 'full', 0);
const dir = join(tmpdir(), 'bunkatsu-bench');
mkdirSync(dir, { recursive: true });
const file = join(dir, `${scale}.json`);
const log = (s: string): void => void process.stderr.write(`${s}\n`);
if (!existsSync(file)) {
  log(`generating ${scale}`);
  const r = spawnSync(...bunkatsu(['generate', '--scale', scale, '--seed', '1', '-o', file, '-q']), { stdio: 'inherit' });
  if (r.status !== 0) process.exit(1);
}
const pack = loadPack(readFileSync(join(ROOT, 'policies/seed.yaml'), 'utf8'), 'policies/seed.yaml');
const domains = new Set(Object.keys(pack.domains));
const today = '2026-11-25';
const text = readFileSync(file, 'utf8');

let t = performance.now();
const before = loadTopology(text, file, { domains });
const loadMs = performance.now() - t;
t = performance.now();
const base = prepareBase(before, pack, today, engine);
const baseMs = performance.now() - t;
log(`${scale}: loaded in ${Math.round(loadMs)} ms, base check in ${Math.round(baseMs)} ms`);

// ---- realistic random one-rule changes ---------------------------------------------------

const randomChange = changeDrawer(before, whole(values.seed, 'seed', 0));

const times: number[] = [];
/** This process's CPU time per review: steadier than the wall clock on a shared machine. */
const cpuTimes: number[] = [];
const cpuMs = (since: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};
const byKind = new Map<string, number[]>();
const modes = new Map<string, number>();
const verdicts = new Map<string, number>();
const samples: Array<{ change: unknown; after: Network }> = [];
const slowest: Array<{ k: number; kind: string; change: unknown; ms: number; cpu: number; verdict: string }> = [];
const dumped: string[] = [];
const digest = (x: unknown): string => createHash('sha256').update(JSON.stringify(x)).digest('hex');
const only = values.only ? new Set(values.only.split(',').map(Number)) : undefined;
// A step every 10 reviews and per full recompute (outside the timed parts).
const progress = benchProgress(Math.ceil(count / 10) + fullRuns);
for (let k = 0; k < count; k++) {
  const { kind, change } = randomChange(k);
  if (only && !only.has(k)) continue;
  const started = performance.now();
  const cpu = process.cpuUsage();
  const loaded = loadChange(JSON.stringify({ 'bunkatsu-change': 1, changes: [change] }), `change-${k}.json`);
  const applied = applyInMemory(before, loaded);
  const { report } = review(base, {
    after: applied.after,
    pack,
    today,
    change: { file: loaded.file, operations: applied.operations, touched: applied.touched },
  });
  const ms = performance.now() - started;
  times.push(ms);
  cpuTimes.push(cpuMs(cpu));
  slowest.push({ k, kind, change, ms, cpu: cpuTimes[cpuTimes.length - 1]!, verdict: report.verdict });
  if (values.dump) {
    const { elapsedMs: _, checkAfter, intents, ...rest } = report;
    dumped.push(JSON.stringify({ k, ...rest, checkAfter: digest(checkAfter), intents: digest(intents) }));
  }
  byKind.set(kind, [...(byKind.get(kind) ?? []), ms]);
  modes.set(report.recompute.mode, (modes.get(report.recompute.mode) ?? 0) + 1);
  verdicts.set(report.verdict, (verdicts.get(report.verdict) ?? 0) + 1);
  if (samples.length < fullRuns && k % Math.max(1, Math.floor(count / Math.max(1, fullRuns))) === 0) samples.push({ change, after: applied.after });
  if ((k + 1) % 10 === 0) progress.step(`reviews ${k + 1}/${count}`);
}

if (values.dump) writeFileSync(values.dump, `${dumped.join('\n')}\n`);

// Full recompute of the same kind of change: a fresh engine and a full check of the network after.
const fullCpuTimes: number[] = [];
const fullTimes = samples.map(({ after }, i) => {
  progress.step(`full recompute ${i + 1}/${samples.length}`);
  const started = performance.now();
  const cpu = process.cpuUsage();
  prepareBase(after, pack, today, engine);
  fullCpuTimes.push(cpuMs(cpu));
  return performance.now() - started;
});
progress.stop();

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
const fmt = (ms: number): string => (ms < 100 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`);
const median = quantile(times, 0.5);
const fullMedian = fullTimes.length ? quantile(fullTimes, 0.5) : NaN;
console.log(
  `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}; \`npm run bench:review -- --scale ${scale} --changes ${count} --full ${fullRuns}${values.engine === 'fast' ? '' : ` --engine ${values.engine}`}\`.`,
);
console.log('');
console.log(
  `Topology \`${scale}\` (seed 1): ${before.zones.length} zones, ${before.devices.length} devices, ${before.devices.reduce((n, d) => n + d.rules.length, 0)} rules; loaded in ${fmt(loadMs)}, base (engine + full check) in ${fmt(baseMs)}.`,
);
console.log('');
console.log('| what | changes | median | p95 | p99 | max |');
console.log('|---|---:|---:|---:|---:|---:|');
console.log(
  `| one-rule change review (incremental), all | ${times.length} | ${fmt(median)} | ${fmt(quantile(times, 0.95))} | ${fmt(quantile(times, 0.99))} | ${fmt(Math.max(...times))} |`,
);
for (const [kind, xs] of byKind)
  console.log(`| … ${kind} | ${xs.length} | ${fmt(quantile(xs, 0.5))} | ${fmt(quantile(xs, 0.95))} | ${fmt(quantile(xs, 0.99))} | ${fmt(Math.max(...xs))} |`);
console.log(
  `| full recompute (fresh engine + full check of the network after) | ${fullTimes.length} | ${fmt(fullMedian)} | ${fmt(quantile(fullTimes, 0.95))} | ${fmt(quantile(fullTimes, 0.99))} | ${fmt(Math.max(...fullTimes))} |`,
);
const row = (what: string, xs: number[]): string =>
  `| ${what} | ${xs.length} | ${fmt(quantile(xs, 0.5))} | ${fmt(quantile(xs, 0.95))} | ${fmt(quantile(xs, 0.99))} | ${fmt(Math.max(...xs))} |`;
console.log(row('CPU time: one-rule change review (incremental), all', cpuTimes));
console.log(row('CPU time: full recompute', fullCpuTimes));
console.log('');
console.log(
  `Ratio of medians (full / incremental): ${Math.round(fullMedian / median)}× (CPU time: ${Math.round(quantile(fullCpuTimes, 0.5) / quantile(cpuTimes, 0.5))}×). Load average (1, 5, 15 min) at the end: ${loadavg()
    .map((x) => x.toFixed(1))
    .join(', ')}. Recompute modes: ${[...modes].map(([m, n]) => `${m} ${n}`).join(', ')}. Verdicts: ${[...verdicts].map(([v, n]) => `${v} ${n}`).join(', ')}.`,
);
const shown = whole(values.slowest, 'slowest', 0);
if (shown > 0) {
  console.log('');
  console.log(`The ${shown} slowest reviews (CPU time):`);
  for (const r of slowest.sort((a, b) => b.cpu - a.cpu).slice(0, shown))
    console.log(`- #${r.k} ${r.kind}, ${fmt(r.ms)} (CPU ${fmt(r.cpu)}), ${r.verdict}: ${JSON.stringify(r.change)}`);
}
