// One measurement of bench/memory.ts, in a fresh process: read one file as the CLI does,
// load it as a topology, and print the outcome, the time and the peak RSS as one JSON line.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { decodeInput, InputError, loadPack, loadTopology } from '../src/index.ts';

const ROOT = resolve(import.meta.dirname, '..');
const file = process.argv[2]!;
// "unlimited" lifts every size limit: what loading cost before the limits existed.
const unlimited = process.argv[3] === 'unlimited';
const limits = unlimited ? { maxBytes: Number.MAX_SAFE_INTEGER, maxJsonNodes: Number.MAX_SAFE_INTEGER, maxYamlNodes: Number.MAX_SAFE_INTEGER } : {};
const pack = loadPack(readFileSync(resolve(ROOT, 'policies/seed.yaml'), 'utf8'), 'seed');
const started = performance.now();
let outcome = 'loaded';
try {
  const text = decodeInput(readFileSync(file), file);
  loadTopology(text, file, { domains: new Set(Object.keys(pack.domains)), limits });
} catch (error) {
  if (!(error instanceof InputError)) throw error;
  outcome = error.diagnostics[0]?.code ?? 'InputError';
}
const ms = Math.round(performance.now() - started);
process.stdout.write(`${JSON.stringify({ outcome, ms, maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`);
