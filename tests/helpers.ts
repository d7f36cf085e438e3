// Shared test helpers: load sample files with the seed pack, run the CLI in-process.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadTopology } from '../src/model/load.ts';
import type { Network } from '../src/model/network.ts';
import { loadPack, type Pack } from '../src/policy/pack.ts';
import { runCheck } from '../src/policy/check.ts';
import { createReferenceEngine } from '../src/engine/reference.ts';
import type { CheckReport } from '../src/policy/types.ts';
import { main } from '../src/cli/main.ts';

export const ROOT = resolve(import.meta.dirname, '..');
export const TODAY = '2026-11-25';

export function seedPack(): Pack {
  return loadPack(readFileSync(resolve(ROOT, 'policies/seed.yaml'), 'utf8'), 'policies/seed.yaml');
}

export function loadSample(relative: string, pack: Pack = seedPack()): Network {
  return loadTopology(readFileSync(resolve(ROOT, relative), 'utf8'), relative, { domains: new Set(Object.keys(pack.domains)) });
}

export function checkSample(relative: string, pack: Pack = seedPack()): { network: Network; report: CheckReport } {
  const network = loadSample(relative, pack);
  const report = runCheck(network, pack, {
    engineFactory: (n, failures) => createReferenceEngine(n, failures ? { failures } : {}),
    today: TODAY,
  });
  return { network, report };
}

export async function runCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
