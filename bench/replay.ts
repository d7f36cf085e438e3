// Stanford backbone replay benchmark (npm run bench:replay): `bunkatsu replay` on the APKeep
// trace in N fresh processes (each run pays its own JIT warm-up, as one CLI run does), the
// median and every run, beside APKeep's published figures for the same trace.
//
//   npm run bench:replay                                  # 5 runs on ../shared/datasets/stanford-backbone
//   npm run bench:replay -- --runs 9 --dir path/to/stanford
//
// Then, in this process, the trace again --passes times (default 4) to show the JIT warm-up.
// Writes bench/results/<date>.replay.json and .md.

import { benchProgress } from './progress.ts';
import { spawnSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseStanford, stanfordNetwork } from '../src/import/stanford.ts';
import { runReplay } from '../src/incremental/replay-run.ts';
import { bunkatsu } from './command.ts';
import { benchArgs, count } from './args.ts';

const ROOT = resolve(import.meta.dirname, '..');
const { values } = benchArgs(import.meta.filename, {
  options: {
    runs: { type: 'string', default: '5' },
    passes: { type: 'string', default: '4' },
    dir: { type: 'string', default: resolve(ROOT, '../shared/datasets/stanford-backbone') },
  },
});
const runs = count(values.runs, 'runs');
const passCount = count(values.passes, 'passes', 0);
const dir = values.dir!;
const log = (s: string): void => void process.stderr.write(`${s}\n`);
if (!existsSync(join(dir, 'updates'))) {
  log(`no data set at ${dir} (expected topo.txt, vlan.txt, acls/, updates); give --dir`);
  process.exit(2);
}

/** APKeep (NSDI 2020) on the same trace, Java, as FORMAT.md quotes it. */
const APKEEP = { avgUs: 95.6, under250us: 0.95 };

interface Run {
  readonly avgUs: number;
  readonly p50Us: number;
  readonly p95Us: number;
  readonly p99Us: number;
  readonly maxUs: number;
  readonly under250us: number;
  readonly updatesMs: number;
  readonly parseMs: number;
  readonly loadMs: number;
  readonly totalMs: number;
  readonly peakRssMb: number;
  readonly loopsFound: number;
  readonly classesAfterInserts: number;
  readonly forwardingClassesAfterInserts: number;
  readonly aclClassesAfterInserts: number;
}

const results: Run[] = [];
const load = loadavg()[0]!;
const progress = benchProgress(runs + passCount);
for (let i = 0; i < runs; i++) {
  progress.step(`cold process ${i + 1}/${runs}`);
  const r = spawnSync(...bunkatsu(['replay', dir, '--format', 'json', '--quiet']), {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (r.status !== 0) {
    log(r.stderr);
    process.exit(1);
  }
  const j = JSON.parse(r.stdout) as {
    time: Omit<Run, 'peakRssMb' | 'loopsFound' | 'classesAfterInserts' | 'forwardingClassesAfterInserts' | 'aclClassesAfterInserts'>;
    peakRssMb: number;
    loops: { found: number };
    classes: Array<{ classes: number; destinationClasses: number; aclAtoms: number }>;
  };
  results.push({
    avgUs: j.time.avgUs,
    p50Us: j.time.p50Us,
    p95Us: j.time.p95Us,
    p99Us: j.time.p99Us,
    maxUs: j.time.maxUs,
    under250us: j.time.under250us,
    updatesMs: j.time.updatesMs,
    parseMs: j.time.parseMs,
    loadMs: j.time.loadMs,
    totalMs: j.time.totalMs,
    peakRssMb: j.peakRssMb,
    loopsFound: j.loops.found,
    classesAfterInserts: j.classes[0]?.classes ?? 0,
    forwardingClassesAfterInserts: j.classes[0]?.destinationClasses ?? 0,
    aclClassesAfterInserts: j.classes[0]?.aclAtoms ?? 0,
  });
  progress.note(
    `run ${i + 1}/${runs}: average ${j.time.avgUs.toFixed(1)} µs, p95 ${j.time.p95Us.toFixed(1)} µs, ${(j.time.under250us * 100).toFixed(1)}% under 0.25 ms`,
  );
}

// JIT warm-up: the same trace replayed again and again in this one process, each pass on a fresh
// Replayer. The first pass is what a CLI run sees; the later ones show the steady state.
const passes: Array<{ avgUs: number; p50Us: number; p95Us: number; maxUs: number; under250us: number }> = [];
{
  const read = (f: string): string => readFileSync(join(dir, f), 'utf8');
  const data = parseStanford({ dir, topo: read('topo.txt'), vlan: read('vlan.txt'), aclFiles: readdirSync(join(dir, 'acls')), updates: read('updates') });
  const network = stanfordNetwork(data, 0);
  for (let k = 0; k < passCount; k++) {
    progress.step(`in-process pass ${k + 1}/${values.passes}`);
    const t = runReplay(network, data.updates, 'updates', { checkpoints: [] }).summary.time;
    passes.push({ avgUs: t.avgUs, p50Us: t.p50Us, p95Us: t.p95Us, maxUs: t.maxUs, under250us: t.under250us });
    progress.note(`in-process pass ${k + 1}: average ${t.avgUs.toFixed(1)} µs`);
  }
}
progress.stop();

const median = (f: (r: Run) => number): number => {
  const xs = results.map(f).sort((a, b) => a - b);
  const m = xs.length >> 1;
  return xs.length % 2 ? xs[m]! : (xs[m - 1]! + xs[m]!) / 2;
};
const keys = Object.keys(results[0]!) as Array<keyof Run>;
const medians = Object.fromEntries(keys.map((k) => [k, median((r) => r[k])])) as unknown as Run;
const date = new Date().toISOString().slice(0, 10);
const machine = {
  nproc: availableParallelism(),
  cpu: cpus()[0]?.model ?? 'unknown',
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
  loadAverage1m: load,
};
const command = `npm run bench:replay -- --runs ${runs}`;

const row = (label: string, f: (x: number) => string, ours: number, theirs?: number): string =>
  `| ${label} | ${f(ours)} | ${theirs === undefined ? '—' : f(theirs)} |`;
const us = (x: number): string => `${x.toFixed(1)} µs`;
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const ms = (x: number): string => `${x.toFixed(0)} ms`;
const md = [
  `# Stanford backbone replay, ${date}`,
  '',
  `\`${command}\` on ${dir.replace(`${ROOT}/`, '')}: ${runs} fresh processes; medians. Machine: ${machine.nproc} CPUs (${machine.cpu}), node ${machine.node}, ${machine.platform}; 1-minute load average ${load.toFixed(2)} at the start.`,
  '',
  '| per update (parse excluded) | bunkatsu (median of runs) | APKeep (published, Java) |',
  '|---|---|---|',
  row('average', us, medians.avgUs, APKEEP.avgUs),
  row('under 0.25 ms', pct, medians.under250us, APKEEP.under250us),
  row('median', us, medians.p50Us),
  row('p95', us, medians.p95Us),
  row('p99', us, medians.p99Us),
  row('max', us, medians.maxUs),
  '',
  `All 9052 updates ${ms(medians.updatesMs)}; parse ${ms(medians.parseMs)}; topology load ${ms(medians.loadMs)}; process total ${ms(medians.totalMs)}; peak RSS ${medians.peakRssMb.toFixed(0)} MB.`,
  `Loops found ${medians.loopsFound}; after the inserts ${medians.classesAfterInserts} joint equivalence classes, APKeep's atoms: ${medians.forwardingClassesAfterInserts} forwarding, ${medians.aclClassesAfterInserts} ACL, whose sum ${medians.forwardingClassesAfterInserts + medians.aclClassesAfterInserts} is APKeep's "Number of APs" (kept up to date on every update, inside the per-update times).`,
  '',
  '| run | average | p95 | max | under 0.25 ms | all updates |',
  '|---|---|---|---|---|---|',
  ...results.map((r, i) => `| ${i + 1} | ${us(r.avgUs)} | ${us(r.p95Us)} | ${us(r.maxUs)} | ${pct(r.under250us)} | ${ms(r.updatesMs)} |`),
  '',
  'JIT warm-up: the trace replayed again in one process (a fresh Replayer per pass; pass 1 is a cold run):',
  '',
  '| pass | average | median | p95 | max | under 0.25 ms |',
  '|---|---|---|---|---|---|',
  ...passes.map((r, i) => `| ${i + 1} | ${us(r.avgUs)} | ${us(r.p50Us)} | ${us(r.p95Us)} | ${us(r.maxUs)} | ${pct(r.under250us)} |`),
  '',
].join('\n');

mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
writeFileSync(
  join(ROOT, `bench/results/${date}.replay.json`),
  `${JSON.stringify({ date, command, dataset: dir, machine, apkeep: APKEEP, medians, runs: results, inProcessPasses: passes }, null, 2)}\n`,
);
writeFileSync(join(ROOT, `bench/results/${date}.replay.md`), md);
process.stdout.write(md);
