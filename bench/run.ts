// The benchmark suite (npm run bench): generated topologies at every scale, each checked
// several times in fresh processes; the median of each figure, the reference engine against
// the fast engine on the same check, each scale as JSON and as YAML (the same network, runs
// alternating) with the YAML/JSON ratio, and a table and plot for docs/performance.md.
//
//   npm run bench                      # tiny, small, city, metro, prefecture; 5 runs each (tiny, small 9)
//   npm run bench -- --scales city --runs 3 --reference-scales city --reference-timeout 600
//   npm run bench -- --scales city,metro --formats json,yaml --reference-scales none
//
// Nothing here asserts a time: it measures and prints. Results also go to bench/results/.

import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { checkTimeSvg } from './plot.ts';
import { benchProgress } from './progress.ts';
import { bunkatsu, NODE_OPTIONS } from './command.ts';
import { benchArgs, count } from './args.ts';

const ROOT = resolve(import.meta.dirname, '..');
const { values } = benchArgs(import.meta.filename, {
  options: {
    scales: { type: 'string', default: 'tiny,small,city,metro,prefecture' },
    runs: { type: 'string', default: '5' },
    'reference-scales': { type: 'string', default: 'tiny,small' },
    'reference-timeout': { type: 'string', default: '600' },
    formats: { type: 'string', default: 'json,yaml' },
    out: { type: 'string', default: join(tmpdir(), 'bunkatsu-bench') },
  },
});
const scales = values.scales!.split(',');
const runs = count(values.runs, 'runs');
const referenceScales = new Set(values['reference-scales']!.split(','));
const referenceTimeout = count(values['reference-timeout'], 'reference-timeout') * 1000;
const withYaml = values.formats!.split(',').includes('yaml');
const dir = values.out!;
mkdirSync(dir, { recursive: true });
const loadAtStart = loadavg();

const log = (s: string): void => void process.stderr.write(`${s}\n`);
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1]! : Math.round((s[s.length / 2 - 1]! + s[s.length / 2]!) / 2);
};

interface Phases {
  engine: string;
  load: number;
  compile: number;
  check: number;
  total: number;
  maxRssMB: number;
  findings: string[];
  witnessed: boolean;
}

// GNU time, where installed, gives the peak RSS of the end-to-end process (Node cannot read a
// child's resource usage); without it that column stays empty.
const GNU_TIME = '/usr/bin/time';
const withTime = existsSync(GNU_TIME) && spawnSync(GNU_TIME, ['-f', '%M', 'true']).status === 0;

function cli(args: string[], timeout = 0): { ms: number; status: number | null; stdout: string; stderr: string; rssMB: number | undefined } {
  const [node, argv] = bunkatsu(args);
  const command = [node, ...argv];
  const start = performance.now();
  const r = withTime
    ? spawnSync(GNU_TIME, ['-f', 'bench-peak-rss-kb %M', ...command], { encoding: 'utf8', maxBuffer: 1 << 28, ...(timeout ? { timeout } : {}) })
    : spawnSync(command[0]!, command.slice(1), { encoding: 'utf8', maxBuffer: 1 << 28, ...(timeout ? { timeout } : {}) });
  const ms = Math.round(performance.now() - start);
  const rss = /bench-peak-rss-kb (\d+)\s*$/.exec(r.stderr ?? '');
  const stderr = rss ? r.stderr.slice(0, rss.index).replace(/Command exited with non-zero status \d+\n$/, '') : r.stderr;
  return { ms, status: r.status, stdout: r.stdout, stderr, rssMB: rss ? Math.round(Number(rss[1]) / 1024) : undefined };
}

function phases(file: string, engine: string, timeout = 0, policy?: string): Phases | undefined {
  const r = spawnSync(process.execPath, [...NODE_OPTIONS, '--import', 'tsx', join(ROOT, 'bench/phases.ts'), file, engine, ...(policy ? [policy] : [])], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    cwd: ROOT,
    ...(timeout ? { timeout } : {}),
  });
  if (r.status !== 0) return undefined;
  return JSON.parse(r.stdout) as Phases;
}

// The bundle is what users run (npm ci builds it); build it so the end-to-end figures use it.
spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });

interface Comparison {
  ms: number | undefined;
  timedOut: boolean;
  sameFindings: boolean | undefined;
  fastMs: number;
}

// The seed pack without the availability rule (the reference engine's slowest: it rebuilds
// the network for every single failure), for a ratio the reference engine can finish.
const withoutAvailability = join(dir, 'seed-without-availability.yaml');
const seedText = readFileSync(join(ROOT, 'policies/seed.yaml'), 'utf8');
if (!seedText.includes('\n  availability:\n')) throw new Error('policies/seed.yaml has no availability rule to disable');
writeFileSync(withoutAvailability, seedText.replace('\n  availability:\n', '\n  availability:\n    enabled: false\n'));

/** The reference engine against the fast engine on the same check, in this same run. */
function compare(file: string, policy?: string): Comparison {
  const fast = phases(file, 'fast', 0, policy)!;
  const start = performance.now();
  const ref = phases(file, 'reference', referenceTimeout, policy);
  const elapsed = Math.round(performance.now() - start);
  const timedOut = !ref && elapsed >= referenceTimeout;
  if (!ref && !timedOut) log('reference engine failed (not a timeout)');
  return {
    ms: ref ? ref.load + ref.compile + ref.check : undefined,
    timedOut,
    sameFindings: ref ? JSON.stringify(ref.findings) === JSON.stringify(fast.findings) : undefined,
    fastMs: fast.load + fast.compile + fast.check,
  };
}

interface Row {
  scale: string;
  zones: number;
  hosts: number;
  devices: number;
  rules: number;
  sizeMB: number;
  generateMs: number;
  endToEnd: number;
  endToEndMin: number;
  /** Peak RSS of the end-to-end check process, the largest over the runs (GNU time). */
  endToEndRssMB: number | undefined;
  load: number;
  compile: number;
  check: number;
  rssMB: number;
  planted: number;
  exact: boolean;
  witnessed: boolean;
  reference?: Comparison;
  /** When the full check times out on the reference engine: the same without the availability rule. */
  referenceWithoutAvailability?: Comparison;
  /** The same network written as YAML, measured in the same runs (medians). */
  yaml?:
    | { sizeMB: number; endToEnd: number; endToEndMin: number; endToEndRssMB: number | undefined; load: number; rssMB: number; sameFindings: boolean }
    | { refused: string };
}
const rows: Row[] = [];
// One step per generation, per run and per reference comparison, so the time left is honest.
// The two small scales take about 0.2 s a run: one 10 ms jolt of a shared machine moves their
// YAML/JSON ratio by 5%, so they get at least 9 runs (each costs little).
const runsOf = (scale: string): number => (scale === 'tiny' || scale === 'small' ? Math.max(runs, 9) : runs);
const progress = benchProgress(scales.reduce((n, scale) => n + 1 + runsOf(scale) + (referenceScales.has(scale) ? 1 : 0), 0));

for (const scale of scales) {
  const file = join(dir, `${scale}.json`);
  const plantedFile = join(dir, `${scale}.planted.json`);
  progress.step(`[${scale}] generating`);
  const gen = cli(['generate', '--scale', scale, '--seed', '1', '-o', file, '--planted', plantedFile]);
  if (gen.status !== 0) throw new Error(`generate ${scale} failed: ${gen.stderr}`);
  const topology = JSON.parse(readFileSync(file, 'utf8')) as { zones: unknown[]; devices: Array<{ rules?: unknown[] }>; hosts: Array<{ count?: number }> };
  const plantedJson = JSON.parse(readFileSync(plantedFile, 'utf8')) as
    | { planted: Array<{ rule: string; subject: string }> }
    | Array<{ rule: string; subject: string }>;
  const planted = (Array.isArray(plantedJson) ? plantedJson : plantedJson.planted).map((p) => `${p.rule}\t${p.subject}`).sort();

  // The same network as YAML (what users write), generated with the same seed.
  const yamlFile = join(dir, `${scale}.yaml`);
  let yamlRefused: string | undefined;
  if (withYaml) {
    const genYaml = cli(['generate', '--scale', scale, '--seed', '1', '-o', yamlFile]);
    if (genYaml.status !== 0) throw new Error(`generate ${scale} as YAML failed: ${genYaml.stderr}`);
  }

  const e2e: number[] = [];
  const e2eRss: number[] = [];
  const yamlE2eRss: number[] = [];
  const measured: Phases[] = [];
  const yamlE2e: number[] = [];
  const yamlMeasured: Phases[] = [];
  for (let i = 0; i < runsOf(scale); i++) {
    progress.step(`[${scale}] run ${i + 1}/${runsOf(scale)}`);
    const json = (): void => {
      const r = cli(['check', file, '--quiet', '--today', '2026-11-25', '--format', 'json']);
      if (r.status !== 0 && r.status !== 1) throw new Error(`check ${scale} failed: ${r.stderr}`);
      e2e.push(r.ms);
      if (r.rssMB !== undefined) e2eRss.push(r.rssMB);
      const p = phases(file, 'fast');
      if (!p) throw new Error(`phases ${scale} failed`);
      measured.push(p);
    };
    const yaml = (): void => {
      if (!withYaml || yamlRefused) return;
      const y = cli(['check', yamlFile, '--quiet', '--today', '2026-11-25', '--format', 'json']);
      if (y.status === 2) {
        yamlRefused = y.stderr.split('\n')[0]!;
        progress.note(`[${scale}] YAML refused: ${yamlRefused}`);
        return;
      }
      if (y.status !== 0 && y.status !== 1) throw new Error(`check ${scale} (YAML) failed: ${y.stderr}`);
      yamlE2e.push(y.ms);
      if (y.rssMB !== undefined) yamlE2eRss.push(y.rssMB);
      const yp = phases(yamlFile, 'fast');
      if (!yp) throw new Error(`phases ${scale} (YAML) failed`);
      yamlMeasured.push(yp);
    };
    // JSON and YAML runs alternate, and which goes first alternates too, so both formats see
    // the same load on a shared machine and neither always follows the other's phase run.
    if (i % 2 === 0) {
      json();
      yaml();
    } else {
      yaml();
      json();
    }
  }
  const last = measured[measured.length - 1]!;
  const row: Row = {
    scale,
    zones: topology.zones.length,
    hosts: topology.hosts.reduce((n, h) => n + (h.count ?? 1), 0),
    devices: topology.devices.length,
    rules: topology.devices.reduce((n, d) => n + (d.rules?.length ?? 0), 0),
    sizeMB: Math.round(readFileSync(file).length / 1e5) / 10,
    generateMs: gen.ms,
    endToEnd: median(e2e),
    endToEndMin: Math.min(...e2e),
    endToEndRssMB: e2eRss.length > 0 ? Math.max(...e2eRss) : undefined,
    load: median(measured.map((m) => m.load)),
    compile: median(measured.map((m) => m.compile)),
    check: median(measured.map((m) => m.check)),
    rssMB: median(measured.map((m) => m.maxRssMB)),
    planted: planted.length,
    exact: JSON.stringify(last.findings) === JSON.stringify(planted),
    witnessed: last.witnessed,
  };
  if (yamlRefused) row.yaml = { refused: yamlRefused };
  else if (yamlMeasured.length > 0)
    row.yaml = {
      sizeMB: Math.round(readFileSync(yamlFile).length / 1e5) / 10,
      endToEnd: median(yamlE2e),
      endToEndMin: Math.min(...yamlE2e),
      endToEndRssMB: yamlE2eRss.length > 0 ? Math.max(...yamlE2eRss) : undefined,
      load: median(yamlMeasured.map((m) => m.load)),
      rssMB: median(yamlMeasured.map((m) => m.maxRssMB)),
      sameFindings: yamlMeasured.every((m) => JSON.stringify(m.findings) === JSON.stringify(last.findings)),
    };
  if (referenceScales.has(scale)) {
    progress.step(`[${scale}] reference engine (timeout ${referenceTimeout / 1000} s)`);
    row.reference = compare(file);
    if (row.reference.timedOut) {
      progress.note(`[${scale}] reference engine without the availability rule`);
      row.referenceWithoutAvailability = compare(file, withoutAvailability);
    }
  }
  rows.push(row);
  progress.note(`[${scale}] ${JSON.stringify(row)}`);
}
progress.stop();

// ---- report ----------------------------------------------------------------------------

const date = new Date().toISOString().slice(0, 10);
const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}`;
const lines: string[] = [];
const load = (l: number[]): string => l.map((x) => x.toFixed(1)).join(', ');
lines.push(
  `Measured ${date} on ${machine}; median of ${runs} runs (tiny and small: ${Math.max(runs, 9)}); \`npm run bench -- --scales ${values.scales} --runs ${runs} --formats ${values.formats}\`; load average ${load(loadAtStart)} at the start, ${load(loadavg())} at the end.`,
  '',
);
const sec = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const mb = (v: number | undefined): string => (v === undefined ? '-' : `${v} MB`);
lines.push(
  '| scale | zones | hosts | devices | rules | file | check, end to end (median / min) | peak RSS, end to end | load | compile | policy check | peak RSS, phases | findings = planted |',
);
lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
for (const r of rows) {
  lines.push(
    `| ${r.scale} | ${r.zones.toLocaleString('en')} | ${r.hosts.toLocaleString('en')} | ${r.devices.toLocaleString('en')} | ${r.rules.toLocaleString('en')} | ${r.sizeMB} MB | ${sec(r.endToEnd)} / ${sec(r.endToEndMin)} | ${mb(r.endToEndRssMB)} | ${r.load} ms | ${r.compile} ms | ${r.check} ms | ${r.rssMB} MB | ${r.exact ? `yes (${r.planted})` : 'NO'}${r.witnessed ? '' : ', witness missing'} |`,
  );
}
const yamlRows = rows.filter((r) => r.yaml);
if (yamlRows.length > 0) {
  // Load is the phase the format changes (read, schema, resolve); end to end is what a user waits for.
  const ratio = (a: number, b: number): string => (b > 0 ? (a / b).toFixed(2) : '-');
  lines.push(
    '',
    '| scale | JSON file | YAML file | load, JSON | load, YAML | ratio | end to end, JSON (median / min) | end to end, YAML (median / min) | ratio of medians | peak RSS end to end, JSON / YAML | peak RSS phases, JSON / YAML | same findings |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  );
  for (const r of yamlRows) {
    const y = r.yaml!;
    if ('refused' in y) {
      lines.push(
        `| ${r.scale} | ${r.sizeMB} MB | refused: ${y.refused.replaceAll('|', '/')} | ${r.load} ms | - | - | ${sec(r.endToEnd)} / ${sec(r.endToEndMin)} | - | - | ${mb(r.endToEndRssMB)} / - | ${r.rssMB} MB / - | - |`,
      );
      continue;
    }
    lines.push(
      `| ${r.scale} | ${r.sizeMB} MB | ${y.sizeMB} MB | ${r.load} ms | ${y.load} ms | ${ratio(y.load, r.load)} | ${sec(r.endToEnd)} / ${sec(r.endToEndMin)} | ${sec(y.endToEnd)} / ${sec(y.endToEndMin)} | ${ratio(y.endToEnd, r.endToEnd)} | ${mb(r.endToEndRssMB)} / ${mb(y.endToEndRssMB)} | ${r.rssMB} / ${y.rssMB} MB | ${y.sameFindings ? 'yes' : 'NO'} |`,
    );
  }
}
const refRows = rows.filter((r) => r.reference);
if (refRows.length > 0) {
  lines.push('', '| scale | policy rules | reference engine | fast engine (same run) | ratio | same findings |', '|---|---|---:|---:|---:|---|');
  const row = (scale: string, what: string, c: Comparison): string => {
    const refText = c.ms !== undefined ? `${(c.ms / 1000).toFixed(2)} s` : c.timedOut ? `> ${referenceTimeout / 1000} s (stopped)` : 'failed';
    const ratio = c.ms !== undefined ? `${Math.round(c.ms / c.fastMs)}×` : c.timedOut ? `> ${Math.floor(referenceTimeout / c.fastMs)}×` : '-';
    return `| ${scale} | ${what} | ${refText} | ${(c.fastMs / 1000).toFixed(2)} s | ${ratio} | ${c.sameFindings === undefined ? '-' : c.sameFindings ? 'yes' : 'NO'} |`;
  };
  for (const r of refRows) {
    lines.push(row(r.scale, 'all', r.reference!));
    if (r.referenceWithoutAvailability) lines.push(row(r.scale, 'all but availability', r.referenceWithoutAvailability));
  }
}
lines.push('', '```', ...plot(rows), '```');
const text = lines.join('\n');
console.log(text);
const resultsDir = join(ROOT, 'bench', 'results');
if (!existsSync(resultsDir)) mkdirSync(resultsDir, { recursive: true });
writeFileSync(join(resultsDir, `${date}.md`), `${text}\n`);
writeFileSync(join(resultsDir, `${date}.json`), `${JSON.stringify({ date, machine, runs, rows }, null, 2)}\n`);
writeFileSync(join(resultsDir, `${date}.svg`), checkTimeSvg(rows, `${date}, ${machine}`));

/** An ASCII log-log plot of end-to-end check time against rule count. */
function plot(data: Row[]): string[] {
  const points = data.filter((r) => r.rules > 0 && r.endToEnd > 0);
  if (points.length === 0) return [];
  const width = 56;
  const height = 14;
  const xs = points.map((p) => Math.log10(p.rules));
  const ys = points.map((p) => Math.log10(p.endToEnd / 1000));
  const [x0, x1] = [Math.floor(Math.min(...xs)), Math.ceil(Math.max(...xs))];
  const [y0, y1] = [Math.floor(Math.min(...ys)), Math.ceil(Math.max(...ys))];
  const grid = Array.from({ length: height }, () => Array.from({ length: width }, () => ' '));
  points.forEach((p, i) => {
    const col = Math.round(((xs[i]! - x0) / Math.max(1e-9, x1 - x0)) * (width - 1));
    const row = height - 1 - Math.round(((ys[i]! - y0) / Math.max(1e-9, y1 - y0)) * (height - 1));
    grid[row]![col] = p.scale[0]!.toUpperCase();
  });
  const out = ['check time, end to end (s, log)  vs  firewall rules (log)'];
  grid.forEach((line, r) => {
    const y = y1 - (r / (height - 1)) * (y1 - y0);
    const label = Number.isInteger(Math.round(y * 100) / 100) && Math.abs(y - Math.round(y)) < 1e-9 ? `${10 ** y}`.padStart(7) : ''.padStart(7);
    out.push(`${label} |${line.join('')}`);
  });
  out.push(`${''.padStart(7)} +${'-'.repeat(width)}`);
  const ticks = Array.from({ length: x1 - x0 + 1 }, (_, k) => x0 + k);
  let axis = ''.padStart(9);
  for (const t of ticks) {
    const col = Math.round(((t - x0) / Math.max(1e-9, x1 - x0)) * (width - 1));
    const label = `${10 ** t}`;
    axis = axis.padEnd(9 + col) + label;
  }
  out.push(axis);
  out.push(`${''.padStart(9)}${points.map((p) => `${p.scale[0]!.toUpperCase()} = ${p.scale}`).join(', ')}`);
  return out;
}
