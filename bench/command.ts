// How the benchmarks start `bunkatsu`: as the installed command starts it, Node with the options
// on the first line of bin/bunkatsu.js (`#!/usr/bin/env -S node <options>`), then the script.
// Read from that line, so a benchmark never measures a start-up no user gets.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const BIN = resolve(import.meta.dirname, '..', 'bin', 'bunkatsu.js');

/** The Node options of bin/bunkatsu.js's first line (e.g. ["--v8-pool-size=0"]). */
export const NODE_OPTIONS: readonly string[] = (() => {
  const first = readFileSync(BIN, 'utf8').split('\n', 1)[0]!;
  const words = first.replace(/^#!\s*/, '').split(/\s+/);
  const node = words.indexOf('node');
  return node < 0 ? [] : words.slice(node + 1);
})();

/** The program and arguments that run `bunkatsu <args>`: spawnSync(...bunkatsu(args), options). */
export function bunkatsu(args: readonly string[]): [string, string[]] {
  return [process.execPath, [...NODE_OPTIONS, BIN, ...args]];
}
