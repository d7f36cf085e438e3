// What the PostgreSQL server tests share: a project with its tokens, an API server on the
// database (closed with the file's other cleanups), and waiting for a state.

import type { FastifyInstance } from 'fastify';
import { inject } from 'vitest';
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
