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
import { type Diagnostic, InputError } from '../src/errors.ts';
import { expect } from 'vitest';

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

/** Runs a load that must be refused; returns its diagnostics, each checked to name `file`. */
export function refusal(load: () => unknown, file: string): Diagnostic[] {
  let caught: unknown;
  let loaded: unknown;
  try {
    loaded = load();
  } catch (error) {
    caught = error;
  }
  if (!(caught instanceof InputError)) throw new Error(`expected an InputError, got ${caught === undefined ? `a result (${typeof loaded})` : String(caught)}`);
  for (const d of caught.diagnostics) expect(d.loc.file).toBe(file);
  return [...caught.diagnostics];
}

/** Line and column (1-based) of the `occurrence`-th appearance of `needle`: a test's own oracle. */
export function positionOf(text: string, needle: string, occurrence = 1): { line: number; column: number } {
  let index = -1;
  for (let k = 0; k < occurrence; k++) {
    index = text.indexOf(needle, index + 1);
    if (index < 0) throw new Error(`"${needle}" not found ${occurrence} times`);
  }
  const before = text.slice(0, index).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}
