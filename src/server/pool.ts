// The server's one worker pool (piscina): every heavy task (parsing and validating an upload,
// checks, traces, matrices, reviews) runs in a worker thread so the event loop keeps answering.
// Bounded: a few threads, each with a heap limit, and a bounded queue (past it: 429 BNK_ERR_BUSY).

import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { FastifyBaseLogger } from 'fastify';
import { Piscina } from 'piscina';
import { InputError } from '../index.ts';
import { HttpError } from './errors.ts';
import type { Answers, CacheSizes, Outcome, Task, VersionRef, WorkerSetup } from './worker.ts';
import type { Policy } from './workspace.ts';

export interface PoolOptions {
  /** The worker module: dist/worker.mjs from the bundle, src/server/worker.boot.js from sources. */
  readonly entry: string;
  readonly policy: Policy;
  readonly threads: number;
  /** Tasks waiting for a free worker; past it, requests get 429. */
  readonly maxQueue: number;
  /** Each worker's old-generation heap limit (MiB): a pathological input kills a worker, not the server. */
  readonly memoryMb: number;
  /** Loaded versions (and review bases) each worker keeps. */
  readonly cacheEntries: number;
  readonly log: FastifyBaseLogger;
}

export const POOL_DEFAULTS = {
  threads: Math.max(1, availableParallelism() - 1),
  maxQueue: 32,
  memoryMb: 4096,
} as const;

/** Seconds a client is told to wait when the queue is full. */
const RETRY_AFTER_SECONDS = 5;

/** Beside this module: src/server/ from the sources, dist/ in the bundle (the build copies it). */
const WORKER_SHIM = fileURLToPath(new URL('./worker-shim.cjs', import.meta.url));

/** A task that names a stored version, without its text (the pool adds it on a worker's miss). */
type VersionTask = Extract<Task, { version: VersionRef }>;

export class WorkerPool {
  private readonly pool: Piscina;
  /** The most recent cache sizes a worker reported (for /metrics). */
  cache: CacheSizes = { topologies: 0, reviewBases: 0 };
  /** Tasks whose worker died under them. */
  deaths = 0;

  constructor(private readonly options: PoolOptions) {
    const setup: WorkerSetup & { entry: string } = {
      policyText: options.policy.text,
      policySource: options.policy.source,
      cacheEntries: options.cacheEntries,
      entry: options.entry,
    };
    this.pool = new Piscina({
      // A CommonJS shim that import()s the entry: see worker-shim.cjs.
      filename: WORKER_SHIM,
      // Workers stay up: their caches of loaded versions are what makes the next trace cheap.
      minThreads: options.threads,
      maxThreads: options.threads,
      maxQueue: options.maxQueue,
      resourceLimits: { maxOldGenerationSizeMb: options.memoryMb },
      workerData: setup,
    });
    // A worker that fails with no task of ours running: piscina replaces it; without a listener
    // the 'error' event would stop the process.
    this.pool.on('error', (error: Error) => options.log.error({ err: { type: error.name, message: error.message } }, 'pool worker failed'));
  }

  get threads(): number {
    return this.options.threads;
  }

  /** Tasks waiting for a worker. */
  get queued(): number {
    return this.pool.queueSize;
  }

  /** 429 now rather than after work (e.g. a stored check record) that the queue would refuse. */
  assertRoom(): void {
    if (this.pool.queueSize >= this.options.maxQueue) throw this.busy();
  }

  /** Parses and validates an upload; keeps the result in the worker's cache for the first trace. */
  load(text: string, filename: string): Promise<Answers['load']> {
    return this.settle(this.run({ kind: 'load', text, filename }));
  }

  /** Composes an import and loads the topology it makes (kept for the first trace, as an upload). */
  importTopology(input: Extract<Task, { kind: 'import' }>['input']): Promise<Answers['import']> {
    return this.settle(this.run({ kind: 'import', input }));
  }

  /**
   * Runs a task on a stored version: first without its text (a worker that has it loaded
   * answers), then, on a miss, with it. onProgress receives an asynchronous check's progress.
   */
  async onVersion<K extends VersionTask['kind']>(
    task: Extract<VersionTask, { kind: K }>,
    text: () => Promise<string>,
    onProgress?: (done: number, total: number) => void,
  ): Promise<Answers[K]> {
    const first = await this.runWithProgress(task, onProgress);
    if (first.ok || first.miss !== true) return this.settle(Promise.resolve(first));
    const again = { ...task, version: { ...task.version, text: await text() } } as Extract<VersionTask, { kind: K }>;
    return this.settle(this.runWithProgress(again, onProgress));
  }

  /** Stops the workers; tasks in flight are rejected (asynchronous checks resume at next start). */
  async close(): Promise<void> {
    await this.pool.destroy();
  }

  private async runWithProgress<K extends Task['kind']>(
    task: Extract<Task, { kind: K }>,
    onProgress?: (done: number, total: number) => void,
  ): Promise<Outcome<K>> {
    if (!onProgress || task.kind !== 'check') return this.run(task);
    const { port1, port2 } = new MessageChannel();
    port1.on('message', (m: { done: number; total: number }) => onProgress(m.done, m.total));
    try {
      const withPort = { ...task, progress: port2 } as Task as Extract<Task, { kind: K }>;
      return await this.run(withPort, [port2]);
    } finally {
      port1.close();
    }
  }

  private async run<K extends Task['kind']>(task: Extract<Task, { kind: K }>, transferList?: MessagePort[]): Promise<Outcome<K>> {
    try {
      return (await this.pool.run(task, transferList ? { transferList } : {})) as Outcome<K>;
    } catch (error) {
      throw this.refusal(error, task.kind);
    }
  }

  /** The answer, or the worker's failure thrown as the server's own error (diagnostics intact). */
  private async settle<K extends Task['kind']>(outcome: Promise<Outcome<K>>): Promise<Answers[K]> {
    const o = await outcome;
    if (o.ok) {
      this.cache = o.cache;
      return o.value;
    }
    if (o.miss === true) throw new Error('the worker asked for a version it was given');
    const f = o.error;
    if (f.kind === 'input') throw new InputError(f.diagnostics);
    if (f.kind === 'http') throw new HttpError(f.code, f.message);
    const bug = new Error(f.message);
    bug.name = f.name;
    if (f.stack !== undefined) bug.stack = f.stack;
    throw bug;
  }

  private busy(): HttpError {
    return new HttpError(
      'BNK_ERR_BUSY',
      `the server is busy: ${this.pool.queueSize} tasks are waiting for ${this.options.threads} worker thread(s); retry in ${RETRY_AFTER_SECONDS} s`,
      { 'retry-after': String(RETRY_AFTER_SECONDS) },
    );
  }

  /** What a rejected task answers: a full queue, a worker killed by its heap limit, or stopped. */
  private refusal(error: unknown, kind: Task['kind']): Error {
    const e = error instanceof Error ? error : new Error(String(error));
    if (e.message === 'Task queue is at limit') return this.busy();
    if (e.message === 'Terminating worker thread') return new HttpError('BNK_ERR_SHUTTING_DOWN', 'the server is shutting down; retry against its replacement');
    this.deaths += 1;
    const code = (e as NodeJS.ErrnoException).code;
    this.options.log.error({ task: kind, code, err: { type: e.name, message: e.message } }, 'pool worker died; piscina replaces it');
    if (code === 'ERR_WORKER_OUT_OF_MEMORY') {
      return new HttpError(
        'BNK_ERR_LIMIT_EXCEEDED',
        `the input is too large to analyse within a worker's memory limit (${this.options.memoryMb} MiB); split it or raise serve --worker-memory`,
      );
    }
    return new HttpError('BNK_ERR_INTERNAL', 'the worker running this request stopped; it has been replaced: retry, and report it if it happens again');
  }
}
