// `bunkatsu worker`: a process that takes check jobs from the shared PostgreSQL queue and runs
// them in its own pool of worker threads (each under a heap limit), storing progress and results
// in the shared store. Any number of them may run on any number of machines; a worker killed in
// the middle of a job leaves it to expire and be retried by another, and the store keeps only
// the first outcome of a check.

import type { FastifyBaseLogger } from 'fastify';
import type PgBoss from 'pg-boss';
import { InputError } from '../index.ts';
import { isPostgresUrl } from '../store/sql.ts';
import { Store } from '../store/store.ts';
import { readPolicy, WORKER_ENTRY } from './app.ts';
import { runCheckJob } from './jobs.ts';
import { POOL_DEFAULTS, WorkerPool } from './pool.ts';
import { CHECK_QUEUE, JOB_POLICY, type JobPolicy, startBoss } from './queue-postgres.ts';
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
}

export interface RunningWorker {
  /** Check jobs this process stored a result or a failure for. */
  readonly handled: () => number;
  /** Stops taking jobs; a job in flight is left to expire and be retried elsewhere. */
  stop(): Promise<void>;
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
  let handled = 0;
  for (let i = 0; i < options.concurrency; i++) {
    await boss.work<{ check: string }>(CHECK_QUEUE, { batchSize: 1, pollingIntervalSeconds: 1 }, async ([job]) => {
      if (!job) return;
      const started = Date.now();
      const outcome = await runCheckJob(store, pool, job.data.check, () => true, options.workerMemoryMb);
      // No room in the pool (it should not happen: one job per thread): give it back to the queue.
      if (outcome === 'busy') throw new Error('worker pool busy');
      if (outcome !== 'gone') handled++;
      log.info({ check: job.data.check, outcome, ms: Date.now() - started }, 'check job');
    });
  }
  log.info({ concurrency: options.concurrency, memoryMb: options.workerMemoryMb }, 'worker taking check jobs');
  return {
    handled: () => handled,
    stop: async () => {
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
