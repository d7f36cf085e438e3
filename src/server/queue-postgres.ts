// The shared job queue of many API servers and workers: pg-boss on the same PostgreSQL database
// as the store (a proven queue: jobs are rows taken with SELECT … FOR UPDATE SKIP LOCKED; a job
// whose worker dies is expired and retried). API servers only add jobs; `bunkatsu worker`
// processes (worker-process.ts) run them.

import pg from 'pg';
import PgBoss from 'pg-boss';
import { InputError } from '../index.ts';
import { redactedUrl } from '../store/sql.ts';
import { StoreUnavailable } from '../store/sql.ts';
import type { JobKind, JobQueue } from './jobs.ts';

/** pg-boss's queue of each kind of job. */
export const QUEUES: Readonly<Record<JobKind, string>> = { check: 'bunkatsu-check', review: 'bunkatsu-review', import: 'bunkatsu-import' };

/** The PostgreSQL NOTIFY channel on which an API server tells workers that a job of a kind (the payload) was added. */
export const WAKE_CHANNEL = 'bunkatsu_jobs';

/**
 * Calls `wake(kind)` whenever an API server adds a job, through LISTEN on its own connection, so
 * an idle worker takes a review in milliseconds rather than at its next poll. Best effort: a lost
 * connection is made again after a second, and polling still finds every job meanwhile.
 */
export function listenForJobs(url: string, wake: (kind: string) => void, log: (message: string) => void): { close(): Promise<void> } {
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  const connect = (): void => {
    const c = new pg.Client({ connectionString: url });
    client = c;
    const again = (): void => {
      if (closed || client !== c) return;
      client = undefined;
      c.end().catch(() => {});
      retry = setTimeout(connect, 1000);
    };
    c.on('notification', (m) => {
      if (m.payload) wake(m.payload);
    });
    c.on('error', (error: Error) => {
      log(`job wake-up: ${error.message.replaceAll(url, redactedUrl(url))}`);
      again();
    });
    c.on('end', again);
    c.connect()
      .then(() => c.query(`LISTEN ${WAKE_CHANNEL}`))
      .catch(again);
  };
  connect();
  return {
    close: async () => {
      closed = true;
      clearTimeout(retry);
      await client?.end().catch(() => {});
    },
  };
}

/** How a job is retried: a worker that dies (kill -9, out of memory) leaves it to expire. */
export interface JobPolicy {
  /** A job not finished after this long is taken as lost and given to another worker (s). */
  readonly expireInSeconds: number;
  /** Times a lost job is given out again before it is marked failed. */
  readonly retryLimit: number;
}

export const JOB_POLICY: JobPolicy = { expireInSeconds: 15 * 60, retryLimit: 3 };

/** Starts pg-boss on the database (creating its schema `pgboss` on first use) with our queues. */
export async function startBoss(url: string, log: (message: string) => void, policy: JobPolicy = JOB_POLICY): Promise<PgBoss> {
  // Servers and workers started together on a new database may deadlock creating pg-boss's
  // schema or queues (PostgreSQL aborts one of them, 40P01): the one aborted tries again, with a
  // new PgBoss (one whose start failed cannot be started again).
  for (let attempt = 1; ; attempt++) {
    try {
      return await startBossOnce(url, log, policy);
    } catch (error) {
      const reason = (error as { code?: string }).code ?? 'unreachable';
      if (reason === '40P01' && attempt < 5) {
        await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 400 * attempt));
        continue;
      }
      throw new InputError([
        {
          code: 'BNK_ERR_USAGE',
          message: `job queue at database ${redactedUrl(url)} cannot start (${reason})`,
          loc: { file: redactedUrl(url), line: 1, column: 1 },
        },
      ]);
    }
  }
}

async function startBossOnce(url: string, log: (message: string) => void, policy: JobPolicy): Promise<PgBoss> {
  // Expired jobs are found by pg-boss's maintenance, so it runs at least twice per expiry period.
  const maintenanceIntervalSeconds = Math.max(1, Math.min(120, Math.floor(policy.expireInSeconds / 2)));
  const boss = new PgBoss({ connectionString: url, max: 4, schema: 'pgboss', supervise: true, maintenanceIntervalSeconds });
  // Connection errors (a PostgreSQL restart) are reported here and pg-boss keeps retrying:
  // never an unhandled 'error' event that would end the process.
  boss.on('error', (error: Error) => log(`job queue: ${error.message.replaceAll(url, redactedUrl(url))}`));
  try {
    await boss.start();
    for (const name of Object.values(QUEUES)) {
      await boss.createQueue(name, { name, retryLimit: policy.retryLimit, expireInSeconds: policy.expireInSeconds, retryDelay: 1 });
    }
    return boss;
  } catch (error) {
    await boss.stop({ graceful: false }).catch(() => {});
    throw error;
  }
}

/** The API server's side of the shared queue: it adds jobs and reads the depth, runs none. */
export class PostgresJobQueue implements JobQueue {
  readonly shared = true;
  readonly completed = 0;
  readonly failed = 0;

  constructor(
    private readonly boss: PgBoss,
    /** The database, as messages show it (no credentials). */
    private readonly location: string,
    private readonly policy: JobPolicy = JOB_POLICY,
  ) {}

  async enqueue(kind: JobKind, id: string): Promise<void> {
    // A job sent twice would run twice but store once: the store takes a job's first outcome.
    try {
      await this.boss.send(QUEUES[kind], { [kind]: id }, { retryLimit: this.policy.retryLimit, expireInSeconds: this.policy.expireInSeconds });
    } catch (error) {
      throw new StoreUnavailable(this.location, (error as { code?: string }).code ?? 'job queue');
    }
    // Wake idle workers now; without it they find the job at their next poll.
    await this.boss
      .getDb()
      .executeSql('SELECT pg_notify($1, $2)', [WAKE_CHANNEL, kind])
      .catch(() => {});
  }

  async depth(): Promise<number> {
    try {
      return await this.boss.getQueueSize(QUEUES.check, { before: 'completed' });
    } catch (error) {
      throw new StoreUnavailable(this.location, (error as { code?: string }).code ?? 'job queue');
    }
  }

  /** Workers take up what stopped workers left (pg-boss expires and retries it). */
  async resume(): Promise<number> {
    return 0;
  }

  async idle(): Promise<void> {}

  async close(): Promise<void> {
    await this.boss.stop({ graceful: false, wait: true });
  }
}

/** The API server's queue on a postgres:// database; its jobs expire after `jobTimeoutSeconds` (default JOB_POLICY's). */
export async function postgresQueue(
  url: string,
  location: string,
  jobTimeoutSeconds: number | undefined,
  log: (line: string) => void,
): Promise<PostgresJobQueue> {
  const policy = { ...JOB_POLICY, expireInSeconds: jobTimeoutSeconds ?? JOB_POLICY.expireInSeconds };
  return new PostgresJobQueue(await startBoss(url, log, policy), location, policy);
}
