// `bunkatsu worker`: a process that takes check, review and import jobs from the shared
// PostgreSQL queue and runs them in its own pool of worker threads (each under a heap limit),
// storing progress and results in the shared store. Any number of them may run on any number of
// machines; a worker killed in the middle of a job leaves it to expire and be retried by
// another, and the store keeps only the first outcome of a job.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import type PgBoss from 'pg-boss';
import { InputError } from '../index.ts';
import { isPostgresUrl } from '../store/sql.ts';
import { Store } from '../store/store.ts';
import { readPolicy, WORKER_ENTRY } from './app.ts';
import { type JobKind, runJob } from './jobs.ts';
import { POOL_DEFAULTS, WorkerPool } from './pool.ts';
import { JOB_POLICY, type JobPolicy, listenForJobs, QUEUES, startBoss } from './queue-postgres.ts';
import { policyOf } from './workspace.ts';

export interface WorkerOptions {
  /** The shared store and queue: a postgres:// URL. */
  readonly database: string;
  /** Jobs run at once (each in its own thread). */
  readonly concurrency: number;
  /** Each thread's heap limit (MiB); a topology that needs more fails with a stored error. */
  readonly workerMemoryMb: number;
  readonly policy?: string;
  readonly jobPolicy?: JobPolicy;
  /** The pool worker's module (tests pass the bundle built for the run). */
  readonly workerEntry?: string;
  /** Serve this process's counters at GET /metrics on this port (0: any free port); default none. */
  readonly metricsPort?: number;
  /** Where the counters are served; default 127.0.0.1. */
  readonly metricsHost?: string;
}

export interface RunningWorker {
  /** Jobs this process stored a result or a failure for. */
  readonly handled: () => number;
  /** This process's own counts and durations per kind of job (its --metrics-port serves them). */
  readonly counters: WorkerCounters;
  /** Where the counters are served (with metricsPort). */
  readonly metricsUrl: string | undefined;
  /** Stops taking jobs; a job in flight is left to expire and be retried elsewhere. */
  stop(): Promise<void>;
}

type Outcome = 'done' | 'failed' | 'busy' | 'gone';

/** What one worker process did, per kind of job: outcomes, and durations of the recent jobs. */
export class WorkerCounters {
  readonly started = Date.now();
  private readonly kinds = new Map<JobKind, { outcomes: Record<Outcome, number>; recent: number[] }>();

  record(kind: JobKind, outcome: Outcome, ms: number): void {
    let k = this.kinds.get(kind);
    if (!k) this.kinds.set(kind, (k = { outcomes: { done: 0, failed: 0, busy: 0, gone: 0 }, recent: [] }));
    k.outcomes[outcome]++;
    if (outcome === 'done' || outcome === 'failed') {
      k.recent.push(ms);
      // The last 1000 jobs of a kind make the window of its durations.
      if (k.recent.length > 1000) k.recent.shift();
    }
  }

  snapshot(): object {
    const jobs: Record<string, object> = {};
    for (const kind of Object.keys(QUEUES) as JobKind[]) {
      const k = this.kinds.get(kind);
      const sorted = [...(k?.recent ?? [])].sort((a, b) => a - b);
      const at = (q: number): number | null => (sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
      jobs[kind] = { done: k?.outcomes.done ?? 0, failed: k?.outcomes.failed ?? 0, p50Ms: at(0.5), p95Ms: at(0.95) };
    }
    const memory = process.memoryUsage();
    return { uptimeSeconds: Math.round((Date.now() - this.started) / 1000), jobs, memory: { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed } };
  }
}

/** Serves the counters as JSON at GET /metrics on host:port (no project data in them, so no token). */
async function serveCounters(counters: WorkerCounters, host: string, port: number): Promise<Server> {
  const server = createServer((request, response) => {
    const ok = request.method === 'GET' && request.url === '/metrics';
    response.writeHead(ok ? 200 : 404, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    response.end(JSON.stringify(ok ? counters.snapshot() : { statusCode: 404, code: 'BNK_ERR_NOT_FOUND', message: 'the worker serves GET /metrics only' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new InputError([
          {
            code: 'BNK_ERR_USAGE',
            message: `--metrics-port ${port}: cannot listen on ${host}:${port} (${error.code ?? error.message})`,
            loc: { file: '<command line>', line: 1, column: 1 },
          },
        ]),
      ),
    );
    server.listen(port, host, () => resolve());
  });
  return server;
}

/** One JSON line per event on stdout, like the server's log. */
function jsonLog(level: 'info' | 'warn' | 'error'): (fields: object | string, message?: string) => void {
  return (fields, message) => {
    const body = typeof fields === 'string' ? { msg: fields } : { ...fields, msg: message };
    process.stdout.write(`${JSON.stringify({ level, time: Date.now(), pid: process.pid, ...body })}\n`);
  };
}

const logger = (): FastifyBaseLogger => {
  const quiet = (): void => {};
  const log = {
    level: 'info',
    info: jsonLog('info'),
    warn: jsonLog('warn'),
    error: jsonLog('error'),
    fatal: jsonLog('error'),
    debug: quiet,
    trace: quiet,
    silent: quiet,
    child: () => log,
  };
  return log as unknown as FastifyBaseLogger;
};

export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  if (!isPostgresUrl(options.database)) {
    throw new InputError([
      {
        code: 'BNK_ERR_USAGE',
        message: 'bunkatsu worker takes jobs from PostgreSQL: give --database postgres://… (with SQLite, `bunkatsu serve` runs its own jobs)',
        loc: { file: '<command line>', line: 1, column: 1 },
      },
    ]);
  }
  const log = logger();
  const read = readPolicy(options.policy);
  const store = await Store.open(options.database);
  const pool = new WorkerPool({
    entry: options.workerEntry ?? WORKER_ENTRY,
    policy: policyOf(read.text, read.source),
    log,
    cacheEntries: 4,
    threads: options.concurrency,
    maxQueue: POOL_DEFAULTS.maxQueue,
    memoryMb: options.workerMemoryMb,
  });
  let boss: PgBoss;
  try {
    boss = await startBoss(options.database, (line) => log.warn(line), options.jobPolicy ?? JOB_POLICY);
  } catch (error) {
    await pool.close();
    await store.close();
    throw error;
  }
  const counters = new WorkerCounters();
  let metrics: Server | undefined;
  try {
    if (options.metricsPort !== undefined) metrics = await serveCounters(counters, options.metricsHost ?? '127.0.0.1', options.metricsPort);
  } catch (error) {
    await boss.stop({ graceful: false, wait: true }).catch(() => {});
    await pool.close();
    await store.close();
    throw error;
  }
  let handled = 0;
  // pg-boss polls each taker once a second; a taker is woken at once when an API server adds a job
  // of its kind, and after each job, so that a queue of quick reviews drains without waiting a poll per job.
  const takers: Record<JobKind, string[]> = { check: [], review: [], import: [] };
  const wake = (kind: string): void => {
    for (const id of takers[kind as JobKind] ?? []) boss.notifyWorker(id);
  };
  const listener = listenForJobs(options.database, wake, (line) => log.warn(line));
  // Every kind gets `concurrency` takers; the pool runs `concurrency` jobs at once, the others wait in its queue.
  for (const kind of Object.keys(QUEUES) as JobKind[]) {
    for (let i = 0; i < options.concurrency; i++) {
      const taker = await boss.work<Partial<Record<JobKind, string>>>(QUEUES[kind], { batchSize: 1, pollingIntervalSeconds: 1 }, async ([job]) => {
        const id = job?.data[kind];
        if (id === undefined) return;
        const started = Date.now();
        const outcome = await runJob(store, pool, kind, id, () => true, options.workerMemoryMb);
        // No room in the pool: give it back to the queue.
        if (outcome === 'busy') throw new Error('worker pool busy');
        if (outcome !== 'gone') handled++;
        counters.record(kind, outcome, Date.now() - started);
        log.info({ [kind]: id, outcome, ms: Date.now() - started }, `${kind} job`);
        wake(kind);
      });
      takers[kind].push(taker);
    }
  }
  log.info({ concurrency: options.concurrency, memoryMb: options.workerMemoryMb }, 'worker taking check, review and import jobs');
  return {
    handled: () => handled,
    counters,
    metricsUrl: metrics && `http://${options.metricsHost ?? '127.0.0.1'}:${(metrics.address() as AddressInfo).port}/metrics`,
    stop: async () => {
      await new Promise((resolve) => (metrics ? metrics.close(resolve) : resolve(undefined)));
      await listener.close();
      await boss.stop({ graceful: false, wait: true }).catch(() => {});
      await pool.close();
      await store.close();
    },
  };
}

/** Runs until SIGTERM or SIGINT. */
export async function runWorker(options: WorkerOptions, say: (line: string) => void): Promise<void> {
  const worker = await startWorker(options);
  say(`bunkatsu worker: ${options.concurrency} at a time; stop with Ctrl-C or SIGTERM`);
  if (worker.metricsUrl) say(`bunkatsu worker: counters at ${worker.metricsUrl}`);
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      say(`${signal}: stopping (a job in flight is retried by another worker)`);
      worker.stop().then(resolve, resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  say(`stopped after ${worker.handled()} jobs`);
}

export { POOL_DEFAULTS as WORKER_DEFAULTS };
