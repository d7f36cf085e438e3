// The YAML fast reader alone against the JSON reader, on the same network in both formats:
// the first call (what a fresh `bunkatsu check` pays, before the JIT warms up) and the median
// of repeated calls. Usage:
//   node --import tsx bench/yaml-read.ts /work/scales/city.yaml [repeats] [yaml,estimate,json]
// (json reads the .json beside the .yaml). With repeats 0 and one reader, under
// `valgrind --tool=callgrind`, the instruction count of one cold read (less that of `none`).

import { readFileSync } from 'node:fs';
import { readJson } from '../src/model/json-source.ts';
import { estimateYaml } from '../src/model/source.ts';
import { readYamlFast } from '../src/model/yaml-fast.ts';

const [file, repeatsArg = '9', readers = 'yaml,estimate,json'] = process.argv.slice(2);
if (!file?.endsWith('.yaml')) {
  console.error('usage: node --import tsx bench/yaml-read.ts <topology.yaml> [repeats] [yaml,estimate,json|none]');
  process.exit(2);
}
const repeats = Number(repeatsArg);
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

function time(name: string, run: () => unknown): void {
  const t0 = performance.now();
  if (run() === undefined) throw new Error(`${name}: not read`);
  const first = performance.now() - t0;
  const laps: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t = performance.now();
    run();
    laps.push(performance.now() - t);
  }
  laps.sort((a, b) => a - b);
  const median = laps.length > 0 ? `   median of ${repeats} ${laps[laps.length >> 1]!.toFixed(1).padStart(7)} ms` : '';
  console.log(`${name.padEnd(14)} first ${first.toFixed(1).padStart(7)} ms${median}`);
}

const yaml = readFileSync(file, 'utf8');
const json = readers.includes('json') ? readFileSync(file.replace(/\.yaml$/, '.json'), 'utf8') : '';
for (const reader of readers.split(',')) {
  if (reader === 'yaml') time('readYamlFast', () => readYamlFast(yaml, FORBIDDEN, 64));
  else if (reader === 'estimate') time('estimateYaml', () => estimateYaml(yaml, 64, Number.MAX_SAFE_INTEGER));
  else if (reader === 'json') time('readJson', () => readJson(json, 'topology.json', FORBIDDEN, 64));
}
