// The queue of jobs: asynchronous checks, imports and (with PostgreSQL) reviews. A job is
// committed to the store as `queued` before the client hears of it. With SQLite the server runs
// its jobs itself (InProcessJobs): in order, one at a time, in its worker pool; jobs left queued
// or running by a stopped server run again at the next start. With PostgreSQL the jobs go to a
// shared queue that `bunkatsu worker` processes take from (queue-postgres.ts); both run a job
// with runJob, so a job's effect is the same wherever it runs.

import type { FastifyBaseLogger } from 'fastify';
import type { Lang } from '../index.ts';
import type { JobRecord, Store, VersionRecord } from '../store/store.ts';
import { checkFailure } from './check-run.ts';
import { type ImportInput, importFailure, storedWarning, strictFailure } from './import-run.ts';
import { HttpError } from './errors.ts';
import type { WorkerPool } from './pool.ts';
import { storedText, versionRef } from './workspace.ts';
import type { Answers } from './worker.ts';

/** How long a job waits before trying again when the pool's queue is full. */
const BUSY_RETRY_MS = 1000;

export type JobKind = 'check' | 'review' | 'import';

/** What a review job runs on: the change file against a stored version. */
export interface ReviewJobInput {
  readonly version: number;
  readonly change: string;
  readonly filename: string;
  readonly engine: string;
  readonly today: string;
  readonly lang: Lang;
}

/** What the routes and metrics ask of the jobs, whoever runs them. */
export interface JobQueue {
  /** Where the jobs run: this server's pool, or `bunkatsu worker` processes sharing PostgreSQL. */
  readonly shared: boolean;
  /** Queues a job already stored as `queued` (a check, a review or an import). */
  enqueue(kind: JobKind, id: string): Promise<void>;
  /** Checks queued or running. */
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
  const refusal = tooLarge(version, memoryMb);
  if (refusal) {
    // Refused before it starts: a job that cannot fit would kill the worker on every retry.
    await store.failCheck(id, refusal);
    return 'failed';
  }
  await store.setCheckProgress(id, 0, 0);
  const task = {
    kind: 'check' as const,
    version: versionRef(version, check.flows),
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
    return failedRun(error, isCurrent, (failure) => store.failCheck(id, failure), checkFailure);
  }
  await progress;
  if (!isCurrent()) return 'gone';
  await store.finishCheck(id, out.summary, out.report, out.rules);
  return 'done';
}

/**
 * What a job whose pool task threw comes to: nothing if it was taken from this runner meanwhile,
 * back to the queue when the pool had no room, else its failure stored.
 */
async function failedRun<F>(
  error: unknown,
  isCurrent: () => boolean,
  store: (failure: F) => Promise<unknown>,
  failureOf: (error: unknown) => F,
): Promise<'failed' | 'busy' | 'gone'> {
  if (!isCurrent()) return 'gone';
  if (error instanceof HttpError && error.code === 'BNK_ERR_BUSY') return 'busy';
  await store(failureOf(error));
  return 'failed';
}

/**
 * Waits up to `ms` for a review or import job to finish (a worker elsewhere runs it), reading its
 * state from the store; resolves to the job as last read. `stop`: give up early (shutdown).
 */
export async function waitForJob(store: Store, project: string, id: string, ms: number, stop: () => boolean = () => false): Promise<JobRecord | undefined> {
  const deadline = Date.now() + ms;
  let pause = 50;
  for (;;) {
    const job = await store.getJob(project, id);
    if (!job || job.status === 'done' || job.status === 'failed' || Date.now() >= deadline || stop()) return job;
    await new Promise((resolve) => setTimeout(resolve, Math.min(pause, deadline - Date.now())));
    // Quick answers for quick reviews, then a read every half second.
    pause = Math.min(500, pause * 2);
  }
}

/** Runs one stored job of any kind; see runCheckJob. */
export function runJob(
  store: Store,
  pool: WorkerPool,
  kind: JobKind,
  id: string,
  isCurrent: () => boolean = () => true,
  memoryMb?: number,
): Promise<'done' | 'failed' | 'busy' | 'gone'> {
  if (kind === 'check') return runCheckJob(store, pool, id, isCurrent, memoryMb);
  if (kind === 'review') return runReviewJob(store, pool, id, isCurrent, memoryMb);
  return runImportJob(store, pool, id, isCurrent);
}

/** Refuses, with a stored failure, a version whose analysis would not fit in the worker's heap (see memoryNeedMb). */
function tooLarge(version: VersionRecord, memoryMb: number | undefined): { code: string; message: string } | undefined {
  const need = memoryNeedMb(version.size);
  if (memoryMb === undefined || need <= memoryMb) return undefined;
  return {
    code: 'BNK_ERR_LIMIT_EXCEEDED',
    message: `this topology (${(version.size / 1e6).toFixed(1)} MB) needs about ${need} MiB to check; this worker's limit is ${memoryMb} MiB (bunkatsu worker --worker-memory)`,
  };
}

/**
 * Runs one stored review job: the change file against its version, as the review route does it
 * in the request on SQLite. The review is stored under the job's id, once however often the job
 * runs (a worker killed after storing it: the next run finds it stored).
 */
export async function runReviewJob(
  store: Store,
  pool: WorkerPool,
  id: string,
  isCurrent: () => boolean = () => true,
  memoryMb?: number,
): Promise<'done' | 'failed' | 'busy' | 'gone'> {
  const taken = await store.startJob(id);
  if (!taken) return 'gone';
  const { job } = taken;
  const input = taken.input as ReviewJobInput;
  const version = await store.getVersion(job.project, input.version);
  if (!version) {
    await store.failJob(id, { code: 'BNK_ERR_NOT_FOUND', message: `version ${input.version} of project "${job.project}" not found` });
    return 'failed';
  }
  const refusal = tooLarge(version, memoryMb);
  if (refusal) {
    await store.failJob(id, refusal);
    return 'failed';
  }
  let out: Answers['review'];
  try {
    out = await pool.onVersion(
      {
        kind: 'review',
        version: versionRef(version),
        change: input.change,
        changeFilename: input.filename,
        today: input.today,
        lang: input.lang,
        engine: input.engine,
      },
      () => storedText(store, version),
    );
  } catch (error) {
    return failedRun(error, isCurrent, (failure) => store.failJob(id, failure), checkFailure);
  }
  if (!isCurrent()) return 'gone';
  await store.addReview(
    {
      project: job.project,
      version: version.version,
      filename: input.filename,
      verdict: out.verdict,
      engine: input.engine,
      summary: out.summary,
      recompute: out.recompute,
      today: input.today,
      lang: input.lang,
      submitter: job.submitter,
      change: input.change,
      renderings: out.renderings,
    },
    id,
  );
  await store.finishJob(id, { review: id, verdict: out.verdict });
  return 'done';
}

/**
 * Runs one stored import job: composes the configurations into a topology, loads it like an
 * upload, and stores it as the project's next version (once per import, however often the job
 * runs); a failure is stored with every diagnostic located in the submitted files.
 */
export async function runImportJob(
  store: Store,
  pool: WorkerPool,
  id: string,
  isCurrent: () => boolean = () => true,
): Promise<'done' | 'failed' | 'busy' | 'gone'> {
  const taken = await store.startJob(id);
  if (!taken) return 'gone';
  const { job } = taken;
  const input = taken.input as ImportInput;
  let out: Answers['import'];
  try {
    out = await pool.importTopology(input);
  } catch (error) {
    return failedRun(error, isCurrent, (failure) => store.failJob(id, failure), importFailure);
  }
  if (!isCurrent()) return 'gone';
  if (out.topology === undefined) {
    await store.failJob(id, strictFailure(out.warnings));
    return 'failed';
  }
  const version = await store.addVersion(
    {
      project: job.project,
      mediaType: out.filename.toLowerCase().endsWith('.json') ? 'application/json' : 'application/yaml',
      filename: out.filename,
      name: out.topology.name,
      model: out.topology.model,
      submitter: job.submitter,
      content: out.text,
    },
    id,
  );
  await store.finishJob(id, { version: version.version, warnings: out.warnings.map(storedWarning), skipped: out.skipped });
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

interface QueuedJob {
  readonly kind: JobKind;
  readonly id: string;
}

export class InProcessJobs implements JobQueue {
  readonly shared = false;
  private readonly queue: QueuedJob[] = [];
  private current: QueuedJob | undefined;
  private idleWaiters: (() => void)[] = [];
  private closed = false;
  completed = 0;
  failed = 0;

  constructor(
    private readonly store: Store,
    private readonly pool: WorkerPool,
    private readonly log: FastifyBaseLogger,
  ) {}

  async enqueue(kind: JobKind, id: string): Promise<void> {
    this.push({ kind, id });
  }

  private push(job: QueuedJob): void {
    if (this.closed) return;
    this.queue.push(job);
    this.pump();
  }

  /** Queues every check and job a previous run of the server accepted but did not finish. */
  async resume(): Promise<number> {
    const checks = await this.store.pendingChecks();
    for (const c of checks) this.push({ kind: 'check', id: c.id });
    const jobs = await this.store.pendingJobs();
    for (const j of jobs) this.push({ kind: j.kind, id: j.id });
    return checks.length + jobs.length;
  }

  async depth(): Promise<number> {
    return this.queue.filter((j) => j.kind === 'check').length + (this.current?.kind === 'check' ? 1 : 0);
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
    const job = this.queue.shift();
    if (job === undefined) {
      this.notifyIdle();
      return;
    }
    this.current = job;
    this.run(job)
      .catch((error: unknown) => {
        // The store failed (a database away): the job stays queued in it and runs at next start.
        this.log.error({ [job.kind]: job.id, err: error instanceof Error ? error.message : String(error) }, `${job.kind} job could not be stored`);
      })
      .finally(() => {
        if (this.current !== job) return;
        this.current = undefined;
        this.pump();
      });
  }

  private async run(job: QueuedJob): Promise<void> {
    const outcome = await runJob(this.store, this.pool, job.kind, job.id, () => this.current === job);
    if (outcome === 'busy') {
      // The pool's queue is full of requests: the job waits its turn rather than failing.
      this.queue.unshift(job);
      await new Promise<void>((resolve) => setTimeout(resolve, BUSY_RETRY_MS).unref());
    } else if (outcome === 'done') {
      this.completed++;
      this.log.info({ [job.kind]: job.id }, `${job.kind} finished`);
    } else if (outcome === 'failed') {
      this.failed++;
      this.log.info({ [job.kind]: job.id }, `${job.kind} failed`);
    }
  }

  private notifyIdle(): void {
    if (this.running() > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
