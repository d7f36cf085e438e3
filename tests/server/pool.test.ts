// The worker pool: a full queue answers 429 BNK_ERR_BUSY with Retry-After, and a worker killed by
// its heap limit answers its request 422 and is replaced while the server keeps serving. Test
// servers start the bundled worker (tests/global-setup.ts); the last test starts the default one,
// through tsx, as a server running from its sources does.

import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { generateTopology } from '../../src/generate/generate.ts';
import { toJson, type Plain } from '../../src/model/write.ts';
import { WORKER_ENTRY } from '../../src/server/app.ts';
import { ROOT, TODAY } from '../helpers.ts';
import { sample, testServer, type TestServer } from './helpers.ts';

let s: TestServer | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const yaml = { 'content-type': 'application/yaml' };

describe('the worker pool', () => {
  it('past its queue a request that needs a worker gets 429 BNK_ERR_BUSY with Retry-After; the rest are served', async () => {
    s = await testServer({ workers: 1, maxQueuedTasks: 1 });
    const server = s;
    const text = sample('topologies/alpha-city.yaml');
    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        server.request(server.tokens.kitaSubmit, { method: 'POST', url: '/projects/kita/versions', headers: yaml, payload: text }),
      ),
    );
    const busy = answers.filter((a) => a.statusCode === 429);
    expect(busy.length).toBeGreaterThan(0);
    expect(answers.every((a) => a.statusCode === 201 || a.statusCode === 429)).toBe(true);
    expect(busy[0]!.json()).toMatchObject({ statusCode: 429, code: 'BNK_ERR_BUSY' });
    expect(Number(busy[0]!.headers['retry-after'])).toBeGreaterThan(0);
    // A check refused for a full queue stores nothing; once the queue drains, work is accepted again.
    expect(await server.store.listVersions('kita')).toHaveLength(answers.length - busy.length);
    const run = await server.request(server.tokens.kitaSubmit, { method: 'POST', url: `/projects/kita/versions/1/checks?today=${TODAY}` });
    expect(run.statusCode).toBe(201);
  });

  it('a worker killed by its heap limit answers 422 BNK_ERR_LIMIT_EXCEEDED, is replaced, and the server stays up', async () => {
    s = await testServer({ workers: 1, workerMemoryMb: 24 });
    const big = toJson(generateTopology({ scale: 'city', seed: 1 }).topology as unknown as Record<string, Plain | undefined>);
    const killed = await s.request(s.tokens.kitaSubmit, {
      method: 'POST',
      url: '/projects/kita/versions',
      headers: { 'content-type': 'application/json' },
      payload: big,
    });
    expect(killed.statusCode).toBe(422);
    expect(killed.json()).toMatchObject({ code: 'BNK_ERR_LIMIT_EXCEEDED', message: expect.stringContaining('memory limit') });
    expect(s.app.pool.deaths).toBe(1);
    expect(await s.store.listVersions('kita')).toHaveLength(0);
    expect((await s.request(undefined, { method: 'GET', url: '/health' })).statusCode).toBe(200);
    // The replacement worker serves the next upload.
    expect((await s.upload(s.tokens.kitaSubmit, 'kita', 'topologies/alpha-city.yaml')).statusCode).toBe(201);
  });

  it('a server running from its sources starts its workers through tsx (src/server/worker.boot.js)', async () => {
    expect(WORKER_ENTRY).toBe(resolve(ROOT, 'src', 'server', 'worker.boot.js'));
    s = await testServer({ workerEntry: WORKER_ENTRY });
    const up = await s.upload(s.tokens.kitaSubmit, 'kita', 'topologies/violations/path-separation.yaml');
    expect(up.statusCode).toBe(201);
    const run = await s.request(s.tokens.kitaSubmit, { method: 'POST', url: `/projects/kita/versions/1/checks?today=${TODAY}` });
    expect(run.json().check).toMatchObject({ status: 'done', progress: { done: 13, total: 13 } });
    expect(run.json().check.summary.errors).toBeGreaterThan(0);
  });
});

describe('the bundled worker', () => {
  it('cannot be loaded by require(): piscina falls back to import(), which a shutdown interrupts cleanly', () => {
    // Node 20 requires ES modules synchronously; a server closed inside that require() aborted
    // the process. The worker's top-level await makes require() refuse it at once.
    const entry = inject('workerEntry');
    expect(entry.endsWith(join('dist', 'worker.mjs'))).toBe(true);
    expect(() => createRequire(entry)(entry)).toThrow(/top-level await|ERR_REQUIRE_ASYNC_MODULE/);
  });
});
