// One measured check in a fresh process: load, compile, check, each timed, plus peak memory.
// Prints one JSON line. Run by bench/run.ts; usable alone:
//   node --import tsx bench/phases.ts <topology.json> [fast|reference] [policy.yaml]

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { compileNetwork } from '../src/engine/compile.ts';
import { ENGINES } from '../src/engine/registry.ts';
import { loadTopology } from '../src/model/load.ts';
import { runCheck } from '../src/policy/check.ts';
import { loadPack } from '../src/policy/pack.ts';
import { subjectText } from '../src/report/messages.ts';

const [file, engineName = 'fast', policy] = process.argv.slice(2);
if (!file || !ENGINES[engineName]) {
  console.error('usage: node --import tsx bench/phases.ts <topology> [fast|reference]');
  process.exit(2);
}
const root = resolve(import.meta.dirname, '..');
const packFile = policy ?? resolve(root, 'policies/seed.yaml');
const pack = loadPack(readFileSync(packFile, 'utf8'), packFile);

const started = performance.now();
let last = started;
const lap = (): number => {
  const now = performance.now();
  const ms = now - last;
  last = now;
  return Math.round(ms);
};
const text = readFileSync(file, 'utf8');
const network = loadTopology(text, file, { domains: new Set(Object.keys(pack.domains)) });
const load = lap();
// The fast engine compiles on first use; timing it apart shows where the time goes.
if (engineName === 'fast') compileNetwork(network);
const compile = lap();
const report = runCheck(network, pack, { engineFactory: ENGINES[engineName]!, today: '2026-11-25' });
const check = lap();
console.log(
  JSON.stringify({
    engine: engineName,
    load,
    compile,
    check,
    total: Math.round(performance.now() - started),
    maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    findings: report.findings.map((f) => `${f.rule}\t${subjectText(f)}`).sort(),
    witnessed: report.findings.every(
      (f) => f.classes.every((c) => c.witness !== undefined) || f.rule === 'intent-reachability' || f.rule === 'sanitized-communication',
    ),
  }),
);
