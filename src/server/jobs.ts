// The queue of asynchronous checks. A job is committed to SQLite as `queued` before the client
// hears 202; the jobs run in order, one at a time, in the server's worker pool, and their
// progress and result are stored. Jobs left queued or running by a stopped server are run again
// at the next start.

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

export class CheckJobs {
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

  /** Queues a check already stored as `queued`. */
  enqueue(id: string): void {
    if (this.closed) return;
    this.queue.push(id);
    this.pump();
  }

  /** Queues every check a previous run of the server accepted but did not finish. */
  async resume(): Promise<number> {
    const pending = await this.store.pendingChecks();
    for (const c of pending) this.enqueue(c.id);
    return pending.length;
  }

  get depth(): number {
    return this.queue.length + (this.current === undefined ? 0 : 1);
  }

  /** Resolves when no job is queued or running (for tests and shutdown). */
  idle(): Promise<void> {
    if (this.depth === 0) return Promise.resolve();
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
    const check = (await this.store.pendingChecks()).find((c) => c.id === id);
    const version = check && (await this.store.getVersion(check.project, check.version));
    if (!check || !version) return;
    await this.store.setCheckProgress(id, 0, 0);
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
      out = await this.pool.onVersion(
        task,
        () => storedText(this.store, version),
        (done, total) => {
          if (this.current !== id) return;
          progress = progress.then(() => this.store.setCheckProgress(id, done, total)).catch(() => {});
        },
      );
    } catch (error) {
      if (this.current !== id) return; // closed: stays `running`, resumed at next start
      if (error instanceof HttpError && error.code === 'BNK_ERR_BUSY') {
        // The pool's queue is full of requests: the job waits its turn rather than failing.
        this.queue.unshift(id);
        return new Promise<void>((resolve) => setTimeout(resolve, BUSY_RETRY_MS).unref());
      }
      const failure = checkFailure(error);
      await this.store.failCheck(id, failure);
      this.failed++;
      this.log.info({ check: id, code: failure.code }, 'check failed');
      return;
    }
    await progress;
    if (this.current !== id) return;
    await this.store.finishCheck(id, out.summary, out.report, out.rules);
    this.completed++;
    this.log.info({ check: id }, 'check finished');
  }

  private notifyIdle(): void {
    if (this.depth > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
