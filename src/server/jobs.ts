// The queue of asynchronous checks. A job is committed to the store as `queued` before the
// client hears 202. With SQLite the server runs its jobs itself (CheckJobs): in order, one at a
// time, in its worker pool; jobs left queued or running by a stopped server run again at the next
// start. With PostgreSQL the jobs go to a shared queue that `bunkatsu worker` processes take
// from (queue-postgres.ts); both run a job with runCheckJob, so a job's effect is the same.

import type { FastifyBaseLogger } from 'fastify';
import type { Lang } from '../index.ts';
import type { Store } from '../store/store.ts';
import { checkFailure } from './check-run.ts';
import { HttpError } from './errors.ts';
import type { WorkerPool } from './pool.ts';
import { storedText, versionKey } from './workspace.ts';
import type { Answers } from './worker.ts';

/** How long a job waits before trying again when the pool's queue is full. */
const BUSY_RETRY_MS = 1000;

/** What the routes and metrics ask of the asynchronous checks, whoever runs them. */
export interface CheckQueue {
  /** Queues a check already stored as `queued`. */
  enqueue(id: string): Promise<void>;
  /** Jobs queued or running. */
  depth(): Promise<number>;
  /** Jobs this process finished or failed since it started. */
  readonly completed: number;
  readonly failed: number;
  /** At start: takes up jobs a stopped process left; resolves to how many. */
  resume(): Promise<number>;
  /** Resolves when this process runs no job (tests, shutdown). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Runs one stored check in the pool and stores its outcome: the report, or the failure (a
 * topology too large for a worker's memory is a stored BNK_ERR_LIMIT_EXCEEDED, not a crash). The
 * store takes only the first outcome of a check, so a job run twice (its first worker killed after
 * storing) is stored once. Resolves to what happened; `busy` when the pool had no room (the caller
 * retries later), `gone` when the check is no longer pending.
 */
export async function runCheckJob(
  store: Store,
  pool: WorkerPool,
  id: string,
  isCurrent: () => boolean = () => true,
  memoryMb?: number,
): Promise<'done' | 'failed' | 'busy' | 'gone'> {
  const check = (await store.pendingChecks()).find((c) => c.id === id);
  const version = check && (await store.getVersion(check.project, check.version));
  if (!check || !version) return 'gone';
  const need = memoryNeedMb(version.size);
  if (memoryMb !== undefined && need > memoryMb) {
    // Refused before it starts: a job that cannot fit would kill the worker on every retry.
    await store.failCheck(id, {
      code: 'BNK_ERR_LIMIT_EXCEEDED',
      message: `this topology (${(version.size / 1e6).toFixed(1)} MB) needs about ${need} MiB to check; this worker's limit is ${memoryMb} MiB (bunkatsu worker --worker-memory)`,
    });
    return 'failed';
  }
  await store.setCheckProgress(id, 0, 0);
  const task = {
    kind: 'check' as const,
    version: { key: versionKey(version.hash, version.filename), filename: version.filename },
    engine: check.engine,
    today: check.today,
    lang: check.lang as Lang,
  };
  let out: Answers['check'];
  // Progress writes one after another, so that a slow write never lands after a newer one.
  let progress = Promise.resolve();
  try {
    out = await pool.onVersion(
      task,
      () => storedText(store, version),
      (done, total) => {
        if (!isCurrent()) return;
        progress = progress.then(() => store.setCheckProgress(id, done, total)).catch(() => {});
      },
    );
  } catch (error) {
    if (!isCurrent()) return 'gone';
    if (error instanceof HttpError && error.code === 'BNK_ERR_BUSY') return 'busy';
    await store.failCheck(id, checkFailure(error));
    return 'failed';
  }
  await progress;
  if (!isCurrent()) return 'gone';
  await store.finishCheck(id, out.summary, out.report, out.rules);
  return 'done';
}

/**
 * The heap a check of a topology of `bytes` needs, from measured peaks (docs/performance.md:
 * city 3 MB → 199 MB RSS, prefecture 61 MB → 1,361 MB): a base plus about 22 bytes per byte of
 * input, rounded up with a margin.
 */
export function memoryNeedMb(bytes: number): number {
  return Math.ceil(96 + (bytes * 24) / (1024 * 1024));
}

export class CheckJobs implements CheckQueue {
  private readonly queue: string[] = [];
  private current: string | undefined;
  private idleWaiters: (() => void)[] = [];
  private closed = false;
  completed = 0;
  failed = 0;

  constructor(
    private readonly store: Store,
    private readonly pool: WorkerPool,
    private readonly log: FastifyBaseLogger,
  ) {}

  async enqueue(id: string): Promise<void> {
    this.push(id);
  }

  private push(id: string): void {
    if (this.closed) return;
    this.queue.push(id);
    this.pump();
  }

  /** Queues every check a previous run of the server accepted but did not finish. */
  async resume(): Promise<number> {
    const pending = await this.store.pendingChecks();
    for (const c of pending) this.push(c.id);
    return pending.length;
  }

  async depth(): Promise<number> {
    return this.running();
  }

  private running(): number {
    return this.queue.length + (this.current === undefined ? 0 : 1);
  }

  /** Resolves when no job is queued or running (for tests and shutdown). */
  idle(): Promise<void> {
    if (this.running() === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Stops taking jobs; a running job stays `running` in the store and is resumed at next start
   * (the pool, closed after this, stops its worker).
   */
  async close(): Promise<void> {
    this.closed = true;
    this.queue.length = 0;
    this.current = undefined;
    this.notifyIdle();
  }

  private pump(): void {
    if (this.current !== undefined || this.closed) return;
    const id = this.queue.shift();
    if (id === undefined) {
      this.notifyIdle();
      return;
    }
    this.current = id;
    this.run(id)
      .catch((error: unknown) => {
        // The store failed (a database away): the job stays queued in it and runs at next start.
        this.log.error({ check: id, err: error instanceof Error ? error.message : String(error) }, 'check job could not be stored');
      })
      .finally(() => {
        if (this.current !== id) return;
        this.current = undefined;
        this.pump();
      });
  }

  private async run(id: string): Promise<void> {
    const outcome = await runCheckJob(this.store, this.pool, id, () => this.current === id);
    if (outcome === 'busy') {
      // The pool's queue is full of requests: the job waits its turn rather than failing.
      this.queue.unshift(id);
      await new Promise<void>((resolve) => setTimeout(resolve, BUSY_RETRY_MS).unref());
    } else if (outcome === 'done') {
      this.completed++;
      this.log.info({ check: id }, 'check finished');
    } else if (outcome === 'failed') {
      this.failed++;
      this.log.info({ check: id }, 'check failed');
    }
  }

  private notifyIdle(): void {
    if (this.running() > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
