// The queue of asynchronous checks. A job is committed to SQLite as `queued` before the client
// hears 202; one worker thread runs the jobs in order and its progress and result are stored.
// Jobs left queued or running by a stopped server are run again at the next start.

import { Worker } from 'node:worker_threads';
import type { FastifyBaseLogger } from 'fastify';
import type { Lang } from '../index.ts';
import type { Store } from '../store/store.ts';
import type { WorkerJob, WorkerMessage } from './check-worker.ts';
import type { Policy } from './workspace.ts';

export class CheckJobs {
  private readonly queue: string[] = [];
  private worker: Worker | undefined;
  private current: { id: string; project: string; resolve: () => void } | undefined;
  private idleWaiters: (() => void)[] = [];
  private closed = false;
  completed = 0;
  failed = 0;

  constructor(
    private readonly store: Store,
    private readonly policy: Policy,
    private readonly log: FastifyBaseLogger,
    /**
     * The worker's entry: plain JavaScript that registers tsx's loader in the thread and imports
     * check-worker.ts (a path from the package root, so it holds when the CLI runs bundled).
     */
    private readonly workerEntry: string,
  ) {}

  /** Queues a check already stored as `queued`. */
  enqueue(id: string): void {
    if (this.closed) return;
    this.queue.push(id);
    this.pump();
  }

  /** Queues every check a previous run of the server accepted but did not finish. */
  resume(): number {
    const pending = this.store.pendingChecks();
    for (const c of pending) this.enqueue(c.id);
    return pending.length;
  }

  get depth(): number {
    return this.queue.length + (this.current ? 1 : 0);
  }

  /** Resolves when no job is queued or running (for tests and shutdown). */
  idle(): Promise<void> {
    if (this.depth === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops the worker; a running job stays `running` in the store and is resumed at next start. */
  async close(): Promise<void> {
    this.closed = true;
    this.queue.length = 0;
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
    this.current?.resolve();
    this.current = undefined;
    this.notifyIdle();
  }

  private pump(): void {
    if (this.current || this.closed) {
      return;
    }
    const id = this.queue.shift();
    if (id === undefined) {
      this.notifyIdle();
      return;
    }
    const check = this.findCheck(id);
    const content = check && this.store.getContent(check.project, check.version);
    const version = check && this.store.getVersion(check.project, check.version);
    if (!check || content === undefined || !version) {
      this.pump();
      return;
    }
    const job: WorkerJob = {
      id, content, filename: version.filename, policyText: this.policy.text, policySource: this.policy.source,
      engine: check.engine, today: check.today, lang: check.lang as Lang,
    };
    this.store.setCheckProgress(id, 0, 0);
    const worker = this.ensureWorker();
    new Promise<void>((resolve) => {
      this.current = { id, project: check.project, resolve };
      worker.postMessage(job);
    }).then(() => {
      this.current = undefined;
      this.pump();
    }, () => undefined);
  }

  private findCheck(id: string): ReturnType<Store['getCheck']> {
    return this.store.pendingChecks().find((c) => c.id === id);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.workerEntry);
    worker.on('message', (m: WorkerMessage) => this.onMessage(m));
    worker.on('error', (error) => this.onWorkerDeath(`check worker failed: ${error.message}`));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.onWorkerDeath(`check worker exited with code ${code}`);
    });
    this.worker = worker;
    return worker;
  }

  private onMessage(m: WorkerMessage): void {
    if (!this.current || m.id !== this.current.id) return;
    if (m.type === 'progress') {
      this.store.setCheckProgress(m.id, m.done, m.total);
      return;
    }
    if (m.type === 'done') {
      this.store.finishCheck(m.id, m.summary, m.report, m.rules);
      this.completed++;
      this.log.info({ check: m.id }, 'check finished');
    } else {
      this.store.failCheck(m.id, m.error);
      this.failed++;
      this.log.info({ check: m.id, code: m.error.code }, 'check failed');
    }
    this.current.resolve();
  }

  private onWorkerDeath(reason: string): void {
    this.worker = undefined;
    if (this.closed) return;
    this.log.error({ reason }, 'check worker died');
    if (this.current) {
      this.store.failCheck(this.current.id, { code: 'BNK_ERR_INTERNAL', message: 'the check worker stopped; submit the check again' });
      this.failed++;
      this.current.resolve();
    }
  }

  private notifyIdle(): void {
    if (this.depth > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
