// Reviews and imports as jobs on PostgreSQL, with a real server and real worker processes: a
// review submitted to one API server is run by a `bunkatsu worker` and answered 201 in time (or
// 202 with a Location to poll); an import becomes a version; every API server's /metrics reports
// the same per-kind queue depth, durations and failures (read from the database); a worker
// killed with SIGKILL in the middle of a review leaves it to another, and the review is stored once.

import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startWorker } from '../../src/server/worker-process.ts';
import { Store } from '../../src/store/store.ts';
import { freshPostgresUrl } from '../postgres.ts';
import { auth, postgresApi, postgresProject, spawnWorker, until, uploadCity } from './postgres-helpers.ts';
import { IMPORTED_CITY, sample } from './helpers.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
});

const REMOVE_ASP = 'topologies/changes/remove-asp-rule.yaml';

describe.skipIf(inject('postgresUrl') === '')('PostgreSQL: reviews and imports as jobs', () => {
  it('reviews and imports submitted to one API server are run by a worker and read through another; /metrics agrees on every server', async () => {
    const url = await freshPostgresUrl();
    const { token, server } = await postgresProject(url);
    const [a, b] = [await postgresApi(url, cleanups), await postgresApi(url, cleanups)];
    const up = await a.inject({
      method: 'POST',
      url: '/projects/kita/versions?filename=alpha-city.yaml',
      headers: { ...auth(token), 'content-type': 'application/yaml' },
      payload: sample('topologies/alpha-city.yaml'),
    });
    expect(up.statusCode, up.body).toBe(201);
    const review = (prefer?: string, payload = sample(REMOVE_ASP)) =>
      a.inject({
        method: 'POST',
        url: '/projects/kita/versions/1/reviews?today=2026-11-25&filename=remove-asp-rule.yaml',
        headers: { ...auth(token), 'content-type': 'application/yaml', ...(prefer ? { prefer } : {}) },
        payload,
      });

    // No worker yet: asked for 202 at once, the review waits in the queue and its Location says queued.
    const early = await review('respond-async');
    expect(early.statusCode, early.body).toBe(202);
    expect(early.headers['preference-applied']).toBe('respond-async');
    expect(early.headers['retry-after']).toBe('1');
    expect(early.json()).toMatchObject({ status: 'queued', attempts: 0 });
    const location = early.headers.location as string;
    expect(location).toBe(`/projects/kita/reviews/${early.json().id}`);
    const pending = await b.inject({ method: 'GET', url: location, headers: auth(token) });
    expect(pending.statusCode).toBe(202);
    expect(pending.json().status).toBe('queued');
    // Waiting at most 1 s, with no worker: 202 again.
    expect((await review('wait=1')).statusCode).toBe(202);

    const worker = await startWorker({ database: url, concurrency: 1, workerMemoryMb: 1024, workerEntry: inject('workerEntry'), metricsPort: 0 });
    cleanups.push(() => worker.stop());
    // With a worker: the request waits for the job and answers as on SQLite, 201 with the verdict.
    const done = await review();
    expect(done.statusCode, done.body).toBe(201);
    expect(done.json()).toMatchObject({ project: 'kita', version: 1, verdict: 'reject', filename: 'remove-asp-rule.yaml', engine: 'fast' });
    expect(done.headers.location).toBe(`/projects/kita/reviews/${done.json().id}`);
    const markdown = await b.inject({ method: 'GET', url: `${done.headers.location}?format=markdown`, headers: auth(token) });
    expect(markdown.statusCode).toBe(200);
    expect(markdown.body).toContain('REJECT');
    // The early one ran too, and reads back through the other server.
    const earlyDone = await until(
      'the queued review',
      () => b.inject({ method: 'GET', url: location, headers: auth(token) }),
      (r) => r.statusCode !== 202,
    );
    expect(earlyDone.statusCode).toBe(200);
    expect(earlyDone.json().verdict).toBe('reject');

    // A change file with a typo: the answer a review in the request gives, 422 at the line.
    const typo = await review(undefined, 'bunkatsu-change: 1\nchanges:\n  - remove-rule: { device: lg-edge-fw, rule: e-aps }\n');
    expect(typo.statusCode, typo.body).toBe(422);
    expect(typo.json()).toMatchObject({ code: 'BNK_ERR_UNKNOWN_REF', diagnostics: [{ file: 'remove-asp-rule.yaml', line: 3 }] });
    const store = await Store.open(url);
    const failedId = (await store.listJobs('kita', 'review')).find((j) => j.status === 'failed')!.id;
    await store.close();
    const failedGet = await b.inject({ method: 'GET', url: `/projects/kita/reviews/${failedId}`, headers: auth(token) });
    expect(failedGet.statusCode).toBe(422);
    expect(failedGet.json().code).toBe('BNK_ERR_UNKNOWN_REF');

    // An import: run by the worker, stored as version 2, which checks clean.
    const imported = await b.inject({ method: 'POST', url: '/projects/kita/imports', headers: auth(token), payload: IMPORTED_CITY });
    expect(imported.statusCode, imported.body).toBe(202);
    const importDone = await until(
      'the import',
      async () => (await a.inject({ method: 'GET', url: imported.headers.location as string, headers: auth(token) })).json(),
      (body) => body.status === 'done' || body.status === 'failed',
    );
    expect(importDone).toMatchObject({ status: 'done', version: 2, warnings: [], skipped: [{ file: 'topologies/imported/inet-gw.rules', total: 3 }] });
    const check = await a.inject({ method: 'POST', url: '/projects/kita/versions/2/checks?today=2026-12-03', headers: auth(token) });
    expect(check.json().report.summary).toMatchObject({ errors: 0, rulesChecked: 13, rulesFailed: 0 });

    // Every server reads the same job figures from the database.
    const metrics = async (app: FastifyInstance) => (await app.inject({ method: 'GET', url: '/metrics', headers: auth(server) })).json().jobs.byKind;
    const [ma, mb] = [await metrics(a), await metrics(b)];
    expect(ma).toEqual(mb);
    // Reviews: the early one, the one that waited 1 s, the one answered 201 (done) and the typo (failed).
    expect(ma.review).toMatchObject({ queued: 0, running: 0, done: 3, failed: 1 });
    expect(ma.review.p50Ms).toBeGreaterThanOrEqual(0);
    expect(ma.review.p95Ms).toBeGreaterThanOrEqual(ma.review.p50Ms);
    expect(ma.import).toMatchObject({ queued: 0, running: 0, done: 1, failed: 0 });
    // The synchronous check ran on the API server and counts as a check.
    expect(ma.check).toMatchObject({ queued: 0, running: 0, done: 1, failed: 0 });
    // The worker's own counters: what this process ran.
    const own = (await (await fetch(worker.metricsUrl!)).json()) as { jobs: Record<string, { done: number; failed: number }> };
    expect(own.jobs.review).toMatchObject({ done: 3, failed: 1 });
    expect(own.jobs.import).toMatchObject({ done: 1, failed: 0 });
    expect((await fetch(worker.metricsUrl!.replace('/metrics', '/other'))).status).toBe(404);
  }, 180_000);

  it('a worker killed with SIGKILL mid-review: another worker runs it, and the review is stored once', async () => {
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
    const queued = await api.inject({
      method: 'POST',
      url: '/projects/kita/versions/1/reviews?filename=change.yaml',
      headers: { ...auth(token), 'content-type': 'application/yaml', prefer: 'respond-async' },
      payload: 'bunkatsu-change: 1\nchanges:\n  - remove-rule: { device: m1-efw-b1f1, rule: kyoikusomu-app }\n',
    });
    expect(queued.statusCode, queued.body).toBe(202);
    const location = queued.headers.location as string;
    await until(
      'the first worker to take the review',
      async () => (await api.inject({ method: 'GET', url: location, headers: auth(token) })).json().status,
      (status) => status === 'running',
    );
    first.child.kill('SIGKILL');
    const second = spawnWorker(url, cleanups);
    const done = await until(
      'the second worker to finish the review',
      () => api.inject({ method: 'GET', url: location, headers: auth(token) }),
      (r) => r.statusCode !== 202,
      120_000,
    );
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json().verdict).toMatch(/^(approve|reject|needs-attention)$/);
    expect(first.log()).not.toContain('"outcome"');
    // The worker logs a job after storing it: the line may come just after the answer above.
    await until(
      'the second worker to log the review',
      async () => second.log(),
      (log) => log.includes('"outcome"'),
      30_000,
    );
    expect(second.log()).toContain('"outcome":"done"');
    const store = await Store.open(url);
    expect(await store.listReviews('kita')).toHaveLength(1);
    const job = (await store.listJobs('kita', 'review'))[0]!;
    // Taken at least twice: by the killed worker, then by the second (again if a run outlasted the 4 s timeout on a busy machine).
    expect(job.status).toBe('done');
    expect(job.attempts).toBeGreaterThanOrEqual(2);
    await store.close();
  }, 240_000);

  it('bunkatsu worker --metrics-port: a bad port or one in use is exit 2 with one line', async () => {
    const url = await freshPostgresUrl();
    const run = (args: string[]): Promise<{ code: number | null; stderr: string }> =>
      new Promise((done) => {
        const child = spawn(process.execPath, [resolve(ROOT, 'bin', 'bunkatsu.js'), 'worker', '--database', url, ...args], {
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
        });
        child.on('close', (code) => done({ code, stderr }));
      });
    const bad = await run(['--metrics-port', '70000']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--metrics-port must be a port number (0-65535), not "70000"');
    const taken = createServer();
    await new Promise<void>((ok) => taken.listen(0, '127.0.0.1', ok));
    cleanups.push(() => new Promise((ok) => taken.close(ok)));
    const port = (taken.address() as AddressInfo).port;
    const inUse = await run(['--metrics-port', String(port)]);
    expect(inUse.code).toBe(2);
    expect(inUse.stderr).toContain(`--metrics-port ${port}: cannot listen on 127.0.0.1:${port} (EADDRINUSE)`);
    expect(inUse.stderr.trim().split('\n')).toHaveLength(1);
  }, 120_000);
});
