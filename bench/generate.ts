// The generator at the large scales (npm run bench:generate): moved out of `npm test`, which
// keeps the same properties on tiny and small towns. Per scenario it times generation (a
// warm-up, then several runs: median and spread), and checks what the tests check at small
// scale: byte-identical output per seed, sizes within ±10 % of SPEC §6, a YAML file that
// loads, and a fast-engine check that reports exactly the planted violations, with witnesses.
//
//   npm run bench:generate                  # city and metro, 3 runs each
//   npm run bench:generate -- --scales city --runs 5
//
// Exits 1 when a check fails, so a broken generator cannot hide behind a benchmark.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SCALES, type ScaleName } from '../src/generate/catalogue.ts';
import { generateTopology, headerLines, type GenerateOptions } from '../src/generate/generate.ts';
import { toJson, toYaml, type Plain } from '../src/model/write.ts';
import { ENGINES } from '../src/engine/registry.ts';
import { loadTopology } from '../src/model/load.ts';
import { loadPack } from '../src/policy/pack.ts';
import { runCheck } from '../src/policy/check.ts';
import { FLOW_RULES } from '../src/policy/rules.ts';
import type { Finding } from '../src/policy/types.ts';
import { subjectText } from '../src/report/messages.ts';
import { benchArgs, count } from './args.ts';

const ROOT = resolve(import.meta.dirname, '..');
const TODAY = '2026-11-25';
const MODELS = ['alpha', 'beta'] as const;

/** The scenarios: a scale, and whether its generated network is also checked end to end. */
const SCENARIOS: ReadonlyArray<{ scale: ScaleName; check: boolean }> = [
  { scale: 'city', check: true },
  { scale: 'metro', check: false },
];

const { values } = benchArgs(import.meta.filename, {
  options: {
    scales: { type: 'string', default: SCENARIOS.map((s) => s.scale).join(',') },
    runs: { type: 'string', default: '3' },
  },
});
const chosen = new Set(values.scales!.split(','));
const runs = count(values.runs, 'runs');
const pack = loadPack(readFileSync(resolve(ROOT, 'policies/seed.yaml'), 'utf8'), 'policies/seed.yaml');
const domains = new Set(Object.keys(pack.domains));

const log = (s: string): void => void process.stderr.write(`${s}\n`);
const failures: string[] = [];
const expectThat = (ok: boolean, what: string): void => {
  if (!ok) failures.push(what);
};
/** Keeps every generated text alive in a sum, so the work cannot be optimised away. */
let sink = 0;

function yamlOf(options: GenerateOptions): string {
  const result = generateTopology(options);
  return toYaml(result.topology as unknown as Record<string, Plain>, headerLines(result, options));
}

function timed<T>(run: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = run();
  return { value, ms: performance.now() - start };
}

const key = (f: { rule: string; subject: string }): string => `${f.rule}: ${f.subject}`;
/** A finding's key as the planted list writes it (its subject printed). */
const found = (f: Finding): string => key({ rule: f.rule, subject: subjectText(f) });

for (const { scale, check } of SCENARIOS.filter((s) => chosen.has(s.scale))) {
  // Generation time: a warm-up, then the runs.
  sink += generateTopology({ scale }).stats.zones;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = timed(() => generateTopology({ scale, seed: 1 }));
    sink += t.value.stats.hosts;
    times.push(t.ms);
  }
  times.sort((a, b) => a - b);
  const median = times[(times.length - 1) >> 1]!;
  log(`${scale}: generate median ${median.toFixed(0)} ms (min ${times[0]!.toFixed(0)}, max ${times[times.length - 1]!.toFixed(0)}, ${runs} runs)`);

  // Deterministic per seed, different for another seed.
  const one = yamlOf({ scale, seed: 1 });
  sink += one.length;
  expectThat(one === yamlOf({ scale, seed: 1 }), `${scale}: seed 1 twice gives different files`);
  expectThat(one !== yamlOf({ scale, seed: 2 }), `${scale}: seeds 1 and 2 give the same file`);

  // Sizes within ±10 % of SPEC §6, both models.
  const target = SCALES[scale].target;
  for (const model of MODELS) {
    const s = generateTopology({ scale, model }).stats;
    if (!target) continue;
    for (const [name, got, want] of [
      ['hosts', s.hosts, target.hosts],
      ['zones', s.zones, target.zones],
      ['devices', s.devices, target.devices],
      ['rules', s.rules, target.rules],
    ] as const) {
      expectThat(Math.abs(got / want - 1) < 0.1, `${scale} ${model}: ${name} ${got} is not within 10 % of ${want}`);
    }
  }
  if (!check) continue;

  // The YAML file loads; the fast engine reports exactly the planted violations, with witnesses.
  const loaded = timed(() => loadTopology(yamlOf({ scale, model: 'beta' }), `${scale}.yaml`, { domains }));
  log(`${scale}: YAML load ${loaded.ms.toFixed(0)} ms, ${loaded.value.zones.length} zones`);
  expectThat(loaded.value.zones.length > 0, `${scale}: the YAML file loads no zones`);
  for (const model of MODELS) {
    const result = generateTopology({ scale, seed: 1, model });
    const network = loadTopology(toJson(result.topology as unknown as Record<string, Plain>), `${scale}.json`, { domains });
    const { value: report, ms } = timed(() => runCheck(network, pack, { engineFactory: ENGINES.fast!, today: TODAY }));
    log(`${scale} ${model}: fast check ${ms.toFixed(0)} ms, ${report.findings.length} findings`);
    expectThat(
      JSON.stringify(report.findings.map(found).sort()) === JSON.stringify(result.planted.map(key).sort()),
      `${scale} ${model}: the findings are not exactly the planted violations`,
    );
    for (const f of report.findings.filter((x) => FLOW_RULES.has(x.rule))) {
      expectThat(f.classes.length > 0, `${found(f)}: no classes`);
      expectThat(
        f.classes.every((c) => c.witness?.hops.some((h) => h.kind === 'device')),
        `${found(f)}: a class without a witness through a device`,
      );
      expectThat(f.permittedBy.length > 0, `${found(f)}: no deciding rule`);
    }
  }
}

log(`(sink ${sink})`);
if (failures.length > 0) {
  for (const f of failures) log(`FAILED ${f}`);
  process.exit(1);
}
