// What the PostgreSQL server tests share: a project with its tokens, an API server on the
// database (closed with the file's other cleanups), and waiting for a state.

import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { expect, inject } from 'vitest';
import { generateTopology, toJson } from '../../src/index.ts';
import { buildServer } from '../../src/server/app.ts';
import { Store } from '../../src/store/store.ts';

/** Project "kita" with a read+submit token, and a server (admin) token. */
export async function postgresProject(url: string): Promise<{ token: string; server: string }> {
  const store = await Store.open(url);
  await store.createProject('kita', 'Kita');
  const { token } = await store.createToken('kita', ['read', 'submit'], 'test');
  const server = (await store.createToken(null, ['admin'], 'ops')).token;
  await store.close();
  return { token, server };
}

/** An API server on the database with one pool thread; its close joins `cleanups`. */
export async function postgresApi(
  url: string,
  cleanups: (() => Promise<unknown>)[],
  options: { jobTimeoutSeconds?: number; reviewWaitMs?: number } = {},
): Promise<FastifyInstance> {
  const app = await buildServer({ db: url, logger: false, rateLimit: false, workers: 1, workerEntry: inject('workerEntry'), ...options });
  await app.ready();
  cleanups.push(() => app.close());
  return app;
}

export const auth = (token: string) => ({ authorization: `Bearer ${token}` });

/** Reads until `done` holds (every 200 ms), or fails naming what it waited for. */
export async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 90_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value).slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Version 1 of "kita": a generated city, which takes seconds to check and to prepare for reviews,
 * so that a worker killed while it runs a job on it is surely inside the job.
 */
export async function uploadCity(api: FastifyInstance, token: string): Promise<void> {
  const up = await api.inject({
    method: 'POST',
    url: '/projects/kita/versions?filename=city.json',
    headers: { ...auth(token), 'content-type': 'application/json' },
    payload: toJson(generateTopology({ scale: 'city', seed: 7 }).topology),
  });
  expect(up.statusCode, up.body).toBe(201);
}

/** A `bunkatsu worker` process on the database (jobs lost after 4 s), killed with the file's cleanups; `log` is its stdout so far. */
export function spawnWorker(url: string, cleanups: (() => Promise<unknown>)[]): { child: ChildProcess; log: () => string } {
  const root = resolve(import.meta.dirname, '..', '..');
  const child = spawn(process.execPath, [resolve(root, 'bin', 'bunkatsu.js'), 'worker', '--database', url, '--job-timeout', '4'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanups.push(async () => child.kill('SIGKILL'));
  let log = '';
  child.stdout!.on('data', (d: Buffer) => {
    log += d.toString();
  });
  return { child, log: () => log };
}
