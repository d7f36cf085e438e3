#!/usr/bin/env node
// Entry point of the `bunkatsu` command. Runs the bundle that `npm ci` builds (dist/, made by
// `npm run build`) when it is newer than every source file, or when there are no sources (a
// deployed copy): it starts in about half the time and needs no devDependency (the server's
// worker pool then runs dist/worker.mjs). Otherwise (sources edited since, or no bundle) it runs
// the TypeScript through tsx's loader (development).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, 'dist', 'bunkatsu.mjs');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

let main;
const sources = join(root, 'src');
if (existsSync(bundle) && (!existsSync(sources) || statSync(bundle).mtimeMs >= newestSource(sources))) {
  ({ main } = await import(bundle));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
