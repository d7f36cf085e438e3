// What the routes are given: the server's parts (ServerContext) and the decorations buildServer
// puts on the fastify instance. app.ts builds them and registers the routes; the routes import
// this file, never app.ts.

import type { Store } from '../store/store.ts';
import type { UploadBudget } from './body.ts';
import type { JobQueue } from './jobs.ts';
import type { Metrics } from './metrics.ts';
import type { WorkerPool } from './pool.ts';
import type { policyOf } from './workspace.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Set when shutdown has begun: new requests get 503 while in-flight ones finish. */
    closing: boolean;
    /** Requests accepted (not refused for shutdown) and not yet answered or aborted. */
    inFlight: number;
    /** How long shutdown waits for inFlight to reach 0 before closing the listener (ms). */
    readonly drainTimeoutMs: number;
    readonly store: Store;
    readonly jobs: JobQueue;
    readonly pool: WorkerPool;
    /** Bytes of file bodies taken in at once (the upload budget). */
    readonly uploads: UploadBudget;
    /** Review bases prepared (a cache miss in a worker each): for tests and metrics. */
    readonly reviewBases: ReviewStats;
  }
}

/** Reviews as the main thread sees them: the bases live in the workers. */
export interface ReviewStats {
  prepared: number;
  /** Bases cached by the worker that answered last. */
  readonly size: number;
}

export type ServerContext = {
  readonly uploads: UploadBudget;
  readonly store: Store;
  /** Topologies cached by the worker that answered last (the loaded versions live in the workers). */
  readonly workspace: { readonly size: number };
  readonly reviews: ReviewStats;
  readonly jobs: JobQueue;
  readonly pool: WorkerPool;
  readonly policy: ReturnType<typeof policyOf>;
  readonly metrics: Metrics;
  readonly options: {
    readonly uploadLimit: number;
    readonly asyncCheckBytes: number;
    readonly maxQueuedChecks: number;
    /** With PostgreSQL: how long a review request waits for its job before answering 202 (ms). */
    readonly reviewWaitMs: number;
    /** Recent window of the job durations and failures in /metrics (ms). */
    readonly metricsWindowMs: number;
  };
};
