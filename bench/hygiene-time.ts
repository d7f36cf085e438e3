// Times the firewall hygiene analysis on a topology file: load, build the engine, analyse in its
// header space (one run each in a fresh process; the engine is shared with the check and timed apart).
//   node --import tsx bench/hygiene-time.ts <topology> [fast|reference]
import { readFileSync } from 'node:fs';
import { ENGINES } from '../src/engine/registry.ts';
import { loadTopology } from '../src/model/load.ts';
import { analyzeHygiene } from '../src/policy/hygiene.ts';
import { loadPack } from '../src/policy/pack.ts';

const [file, engineName = 'fast'] = process.argv.slice(2);
if (!file || !ENGINES[engineName]) {
  console.error('usage: node --import tsx bench/hygiene-time.ts <topology> [fast|reference]');
  process.exit(2);
}
const pack = loadPack(readFileSync(new URL('../policies/seed.yaml', import.meta.url), 'utf8'), 'seed.yaml');
let t = performance.now();
const network = loadTopology(readFileSync(file, 'utf8'), file, { domains: new Set(Object.keys(pack.domains)) });
const load = performance.now() - t;
t = performance.now();
const engine = ENGINES[engineName]!(network);
const compile = performance.now() - t;
// The seed pack's kinds first (as `check` runs them), then every kind (unneeded included).
t = performance.now();
const issues = analyzeHygiene(network, engine, { kinds: new Set(['shadowed', 'conflicting', 'redundant', 'broad']) });
const hygiene = performance.now() - t;
t = performance.now();
analyzeHygiene(network, engine);
const withUnneeded = performance.now() - t;
const firewalls = network.devices.filter((d) => d.kind === 'firewall');
const counts: Record<string, number> = {};
for (const i of issues) counts[i.kind] = (counts[i.kind] ?? 0) + 1;
console.log(
  JSON.stringify({
    file,
    engine: engine.name,
    firewalls: firewalls.length,
    rules: firewalls.reduce((n, d) => n + d.rules.length, 0),
    loadMs: Math.round(load),
    compileMs: Math.round(compile),
    hygieneMs: Math.round(hygiene),
    allKindsMs: Math.round(withUnneeded),
    issues: counts,
  }),
);
