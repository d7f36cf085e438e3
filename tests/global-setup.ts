// vitest globalSetup: builds the server's pool worker (and the web page) once per run, with the package's own build
// script, so that test servers start their workers from that bundle (about 0.2 s of CPU each)
// instead of through tsx's loader (about 0.7 s each, and the suite starts some forty servers).
// The bundle is made from the sources of this run, so it is never stale; the path through
// src/server/worker.boot.js keeps its own test (tests/server/pool.test.ts).

import { execSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { postgresBinaries, startPostgres } from './postgres-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The pool worker of this run's bundle: pass as buildServer({workerEntry}). */
    workerEntry: string;
    /** A PostgreSQL server of this run (superuser URL); tests/postgres.ts makes a database per test file. */
    postgresUrl: string;
    /** The web page of this run's build (index.html, app.js, app.css): pass as buildServer({webRoot}). */
    webRoot: string;
  }
}

const ROOT = resolve(import.meta.dirname, '..');

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Outside the repository (nothing left in the work tree), beside links to what the bundle
  // looks for above itself: package.json and policies/ (PACKAGE_ROOT), node_modules (its imports).
  const dir = mkdtempSync(join(tmpdir(), 'bunkatsu-test-worker-'));
  for (const part of ['package.json', 'policies', 'node_modules']) symlinkSync(resolve(ROOT, part), join(dir, part));
  const build = (JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { scripts: { build: string } }).scripts.build;
  execSync(build.replaceAll('dist', join(dir, 'dist')), {
    cwd: ROOT,
    stdio: 'pipe',
    env: { ...process.env, PATH: `${resolve(ROOT, 'node_modules', '.bin')}:${process.env.PATH ?? ''}` },
  });
  const entry = join(dir, 'dist', 'worker.mjs');
  project.provide('workerEntry', entry);
  project.provide('webRoot', join(dir, 'dist', 'web'));
  // Without PostgreSQL installed, its suites are skipped on a workstation and fail under CI=true
  // (.ci/run installs it), like the browser tests without Chromium.
  const postgres = postgresBinaries() !== undefined || process.env.CI === 'true' ? await startPostgres() : undefined;
  project.provide('postgresUrl', postgres?.url ?? '');
  return async () => {
    await postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
