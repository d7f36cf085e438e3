// The API server and `bunkatsu worker` on PostgreSQL, with real servers and processes: a check
// submitted to one API server is run by a worker and read back through another; a worker killed
// with SIGKILL in the middle of a job leaves it to another worker, which stores its result once;
// PostgreSQL stopped under a running server gives 503 until it is back, then everything works.

import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { generateTopology, toJson } from '../../src/index.ts';
import { startWorker } from '../../src/server/worker-process.ts';
import { Store } from '../../src/store/store.ts';
import { freshPostgresUrl } from '../postgres.ts';
import { auth, postgresApi, postgresProject, spawnWorker, until, uploadCity } from './postgres-helpers.ts';
import { POSTGRES_PASSWORD, startPostgres } from '../postgres-server.ts';
import { sample } from './helpers.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
});

// Skipped only where PostgreSQL is not installed and CI is not set (tests/global-setup.ts).
describe.skipIf(inject('postgresUrl') === '')('PostgreSQL: API servers and workers', () => {
  it('a check queued on one API server is run by a worker and read through another', async () => {
    const url = await freshPostgresUrl();
    const { token } = await postgresProject(url);
    const [a, b] = [await postgresApi(url, cleanups), await postgresApi(url, cleanups)];
    const worker = await startWorker({ database: url, concurrency: 1, workerMemoryMb: 1024, workerEntry: inject('workerEntry') });
    cleanups.push(() => worker.stop());

    const up = await a.inject({
      method: 'POST',
      url: '/projects/kita/versions?filename=alpha-city.yaml',
      headers: { ...auth(token), 'content-type': 'application/yaml' },
      payload: sample('topologies/alpha-city.yaml'),
    });
    expect(up.statusCode, up.body).toBe(201);
    const queued = await b.inject({ method: 'POST', url: '/projects/kita/versions/1/checks?async=true', headers: auth(token) });
    expect(queued.statusCode, queued.body).toBe(202);
    const id = queued.json().check.id as string;
    const done = await until(
      'the worker to finish the check',
      async () => (await a.inject({ method: 'GET', url: `/projects/kita/checks/${id}`, headers: auth(token) })).json(),
      (body) => body.check.status !== 'queued' && body.check.status !== 'running',
    );
    expect(done.check.status).toBe('done');
    // The same report as a check run synchronously on the API server.
    const sync = await b.inject({ method: 'POST', url: '/projects/kita/versions/1/checks', headers: auth(token) });
    expect(sync.statusCode).toBe(201);
    expect(done.report.summary).toEqual(sync.json().report.summary);
    expect(worker.handled()).toBe(1);
  });

  it('a worker killed with SIGKILL mid-job: another worker runs the job, and its result is stored once', async () => {
    const url = await freshPostgresUrl();
    const { token } = await postgresProject(url);
    // Jobs this server queues are taken as lost 4 s after a worker took them.
    const api = await postgresApi(url, cleanups, { jobTimeoutSeconds: 4 });
    await uploadCity(api, token);
    const first = spawnWorker(url, cleanups);
    await until(
      'the first worker to start',
      async () => first.log(),
      (log) => log.includes('worker taking'),
      60_000,
    );
    const queued = await api.inject({ method: 'POST', url: '/projects/kita/versions/1/checks?async=true', headers: auth(token) });
    const id = queued.json().check.id as string;
    await until(
      'the first worker to take the job',
      async () => (await api.inject({ method: 'GET', url: `/projects/kita/checks/${id}`, headers: auth(token) })).json().check.status,
      (status) => status === 'running',
    );
    first.child.kill('SIGKILL');
    const second = spawnWorker(url, cleanups);
    const done = await until(
      'the second worker to finish the job',
      async () => (await api.inject({ method: 'GET', url: `/projects/kita/checks/${id}`, headers: auth(token) })).json(),
      (body) => body.check.status === 'done' || body.check.status === 'failed',
      120_000,
    );
    expect(done.check.status).toBe('done');
    expect(first.log()).not.toContain('"outcome"');
    // The worker logs a job after storing it: the line may come just after the status read above.
    await until(
      'the second worker to log the job',
      async () => second.log(),
      (log) => log.includes('"outcome"'),
      30_000,
    );
    expect(second.log()).toContain('"outcome":"done"');
    const store = await Store.open(url);
    expect((await store.listChecks('kita')).filter((c) => c.status === 'done')).toHaveLength(1);
    await store.close();
  }, 240_000);

  it("a topology too large for a worker's memory fails at once with a stored, clear error, and the worker goes on", async () => {
    const url = await freshPostgresUrl();
    const { token } = await postgresProject(url);
    const api = await postgresApi(url, cleanups);
    // The generated city is 3 MB: about 96 + 24 × 3 = 168 MiB to check, over this worker's 100.
    const city = toJson(generateTopology({ scale: 'city', seed: 1 }).topology);
    const up = await api.inject({
      method: 'POST',
      url: '/projects/kita/versions?filename=city.json',
      headers: { ...auth(token), 'content-type': 'application/json' },
      payload: city,
    });
    expect(up.statusCode, up.body).toBe(201);
    const worker = await startWorker({ database: url, concurrency: 1, workerMemoryMb: 100, workerEntry: inject('workerEntry') });
    cleanups.push(() => worker.stop());
    const queued = await api.inject({ method: 'POST', url: '/projects/kita/versions/1/checks?async=true', headers: auth(token) });
    const id = queued.json().check.id as string;
    const failed = await until(
      'the worker to refuse the check',
      async () => (await api.inject({ method: 'GET', url: `/projects/kita/checks/${id}`, headers: auth(token) })).json().check,
      (check) => check.status === 'failed' || check.status === 'done',
    );
    expect(failed.status).toBe('failed');
    expect(failed.error.code).toBe('BNK_ERR_LIMIT_EXCEEDED');
    expect(failed.error.message).toMatch(/needs about \d+ MiB to check; this worker's limit is 100 MiB/);
    expect(worker.handled()).toBe(1);
    // It is not retried: the job finished (with a stored failure), nothing is left in the queue.
    await new Promise((r) => setTimeout(r, 2000));
    expect((await api.inject({ method: 'GET', url: `/projects/kita/checks/${id}`, headers: auth(token) })).json().check.status).toBe('failed');
  });

  it('an API server killed with SIGKILL loses no acknowledged upload and no queued job: a worker runs it afterwards', async () => {
    const url = await freshPostgresUrl();
    const { token } = await postgresProject(url);
    const child = spawn(process.execPath, [resolve(ROOT, 'bin', 'bunkatsu.js'), 'serve', '--port', '0', '--database', url, '--log-level', 'silent'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    cleanups.push(async () => child.kill('SIGKILL'));
    let err = '';
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const base = (await until(
      'the server to listen',
      async () => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(err)?.[1],
      (u) => u !== undefined,
      60_000,
    ))!;
    const text = sample('topologies/alpha-city.yaml');
    const up = await fetch(`${base}/projects/kita/versions?filename=alpha-city.yaml`, {
      method: 'POST',
      headers: { ...auth(token), 'content-type': 'application/yaml' },
      body: text,
    });
    expect(up.status).toBe(201);
    const queued = await fetch(`${base}/projects/kita/versions/1/checks?async=true`, { method: 'POST', headers: auth(token) });
    expect(queued.status).toBe(202);
    const id = ((await queued.json()) as { check: { id: string } }).check.id;
    await new Promise<void>((done) => {
      child.once('exit', () => done());
      child.kill('SIGKILL'); // no shutdown, no flush
    });

    const store = await Store.open(url);
    expect(await store.getContent('kita', 1)).toBe(text);
    expect((await store.getCheck('kita', id))?.status).toBe('queued');
    // The job is in the shared queue: a worker started now runs it.
    const worker = await startWorker({ database: url, concurrency: 1, workerMemoryMb: 1024, workerEntry: inject('workerEntry') });
    cleanups.push(() => worker.stop());
    const done = await until(
      'the worker to run the queued job',
      async () => (await store.getCheck('kita', id))?.status,
      (s) => s === 'done' || s === 'failed',
    );
    expect(done).toBe('done');
    await store.close();
  });

  it('PostgreSQL stopped under a running server: 503 BNK_ERR_UNAVAILABLE while down, no credentials in any answer, then it recovers by itself', async () => {
    const pg = await startPostgres();
    cleanups.push(() => pg.stop());
    const { token } = await postgresProject(pg.url);
    const app = await postgresApi(pg.url, cleanups);
    const list = () => app.inject({ method: 'GET', url: '/projects/kita/versions', headers: auth(token) });
    expect((await list()).statusCode).toBe(200);

    pg.pause();
    const down = await list();
    expect(down.statusCode).toBe(503);
    expect(down.json().code).toBe('BNK_ERR_UNAVAILABLE');
    expect(down.headers['retry-after']).toBe('5');
    expect(down.body).not.toContain(POSTGRES_PASSWORD);

    pg.resume();
    const back = await until('the server to recover', list, (r) => r.statusCode === 200, 60_000);
    expect(back.json().versions).toEqual([]);
  });

  it('a bad --database URL or an unreachable server: exit 2 with one line and no password', async () => {
    const run = (args: string[]): Promise<{ code: number | null; stderr: string }> =>
      new Promise((done) => {
        const child = spawn(process.execPath, [resolve(ROOT, 'bin', 'bunkatsu.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
        });
        child.on('close', (code) => done({ code, stderr }));
      });
    const unreachable = await run(['serve', '--port', '0', '--database', 'postgres://admin:s3cret-pw@127.0.0.1:1/bunkatsu']);
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toContain('postgres://127.0.0.1:1/bunkatsu');
    expect(unreachable.stderr).toContain('cannot be reached');
    expect(unreachable.stderr).not.toContain('s3cret-pw');
    expect(unreachable.stderr).not.toContain('admin');
    expect(unreachable.stderr.trim().split('\n')).toHaveLength(1);
    const notUrl = await run(['worker', '--database', '/tmp/file.db']);
    expect(notUrl.code).toBe(2);
    expect(notUrl.stderr).toContain('--database takes a postgres://');
    const wrongPassword = new URL(inject('postgresUrl'));
    wrongPassword.password = 'wrong-password';
    const refused = await run(['project', 'list', '--database', wrongPassword.toString()]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('refused the login');
    expect(refused.stderr).not.toContain('wrong-password');
  });
});
