// The store of the HTTP API: projects, topology versions, check results, reviews and tokens, in
// SQLite (the default: one file, nothing to install) or PostgreSQL (many servers and workers).
// The statements are written once, in the SQL both speak; every write is committed before its
// promise resolves, so whatever the server has acknowledged survives a crash of the process.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { isPostgresUrl, type Sql } from './sql.ts';
import { openSqlite } from './sqlite.ts';

export const SCOPES = ['read', 'submit', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export interface ProjectRecord {
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
}

export interface VersionRecord {
  readonly project: string;
  readonly version: number;
  readonly hash: string;
  readonly mediaType: string;
  readonly filename: string;
  readonly size: number;
  readonly name: string;
  readonly model: string;
  readonly submitter: string;
  readonly createdAt: string;
}

export type NewVersion = Omit<VersionRecord, 'version' | 'createdAt' | 'hash' | 'size'> & { readonly content: string };

export type CheckStatus = 'queued' | 'running' | 'done' | 'failed';

export interface CheckRecord {
  readonly id: string;
  readonly project: string;
  readonly version: number;
  readonly status: CheckStatus;
  readonly engine: string;
  readonly today: string;
  readonly lang: string;
  readonly progress: { readonly done: number; readonly total: number };
  readonly summary: unknown;
  readonly error: unknown;
  readonly submitter: string;
  readonly createdAt: string;
  readonly finishedAt: string | null;
  /** The flows file the check was made with (docs/topology-format.md#flows-files), if any. */
  readonly flows: CheckFlows | null;
}

/** A flows file sent with a check: its name (in diagnostics and reports) and its text. */
export interface CheckFlows {
  readonly filename: string;
  readonly text: string;
}

export type NewCheck = Pick<CheckRecord, 'project' | 'version' | 'engine' | 'today' | 'lang' | 'submitter'> & { readonly flows?: CheckFlows };

export type ReviewFormat = 'json' | 'sarif' | 'markdown';

export interface ReviewRecord {
  readonly id: string;
  readonly project: string;
  readonly version: number;
  /** sha256 of the change file's text. */
  readonly changeHash: string;
  readonly filename: string;
  readonly verdict: 'approve' | 'reject' | 'needs-attention';
  /** The engine that ran the review, by its registry name. */
  readonly engine: string;
  readonly summary: unknown;
  readonly recompute: unknown;
  readonly today: string;
  readonly lang: string;
  readonly submitter: string;
  readonly createdAt: string;
}

export type NewReview = Omit<ReviewRecord, 'id' | 'changeHash' | 'createdAt'> & {
  readonly change: string;
  readonly renderings: Readonly<Record<ReviewFormat, string>>;
};

/** The kinds of job the jobs table holds (checks have their own table). */
export type JobRecordKind = 'review' | 'import';

/** A review or import submitted as a job: its state, and its result or failure once finished. */
export interface JobRecord {
  /** rev_… for a review (the stored review's id once done), imp_… for an import. */
  readonly id: string;
  readonly kind: JobRecordKind;
  readonly project: string;
  readonly status: CheckStatus;
  readonly result: unknown;
  /** {code, message, diagnostics} when failed. */
  readonly error: unknown;
  /** Times a worker took it (more than 1: a worker died or gave it back). */
  readonly attempts: number;
  readonly submitter: string;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
}

/** Queue depth, durations and failures of one kind of job, over the recent window. */
export interface JobKindStats {
  readonly queued: number;
  readonly running: number;
  /** Finished within the window: done and failed. */
  readonly done: number;
  readonly failed: number;
  /** Start to finish of the jobs finished within the window (ms). */
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
}

export interface TokenRecord {
  readonly id: string;
  /** null for a server token: admin of every project, may create projects. */
  readonly project: string | null;
  readonly name: string;
  readonly scopes: readonly Scope[];
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

/** Tokens read `bnk_<id>_<secret>`; only a hash of the secret is stored. */
const TOKEN_PATTERN = /^bnk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const now = (): string => new Date().toISOString();
/** A random id with its kind's prefix: rev_…, imp_…. */
export const newId = (prefix: 'rev' | 'imp'): string => `${prefix}_${randomBytes(8).toString('hex')}`;

interface VersionRow {
  project_id: string;
  version: number;
  hash: string;
  media_type: string;
  filename: string;
  size: number;
  name: string;
  model: string;
  submitter: string;
  created_at: string;
}
interface CheckRow {
  id: string;
  project_id: string;
  version: number;
  status: CheckStatus;
  engine: string;
  today: string;
  lang: string;
  progress_done: number;
  progress_total: number;
  summary: string | null;
  error: string | null;
  submitter: string;
  created_at: string;
  finished_at: string | null;
  flows_name: string | null;
  flows: string | null;
}
interface ReviewRow {
  id: string;
  project_id: string;
  version: number;
  change_hash: string;
  filename: string;
  verdict: ReviewRecord['verdict'];
  engine: string;
  summary: string;
  recompute: string;
  today: string;
  lang: string;
  submitter: string;
  created_at: string;
}
interface JobRow {
  id: string;
  kind: JobRecordKind;
  project_id: string;
  status: CheckStatus;
  result: string | null;
  error: string | null;
  attempts: number;
  submitter: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}
interface TokenRow {
  id: string;
  project_id: string | null;
  name: string;
  scopes: string;
  secret_hash: string;
  created_at: string;
  revoked_at: string | null;
}

const versionOf = (r: VersionRow): VersionRecord => ({
  project: r.project_id,
  version: r.version,
  hash: r.hash,
  mediaType: r.media_type,
  filename: r.filename,
  size: r.size,
  name: r.name,
  model: r.model,
  submitter: r.submitter,
  createdAt: r.created_at,
});
const checkOf = (r: CheckRow): CheckRecord => ({
  id: r.id,
  project: r.project_id,
  version: r.version,
  status: r.status,
  engine: r.engine,
  today: r.today,
  lang: r.lang,
  progress: { done: r.progress_done, total: r.progress_total },
  summary: r.summary === null ? null : JSON.parse(r.summary),
  error: r.error === null ? null : JSON.parse(r.error),
  submitter: r.submitter,
  createdAt: r.created_at,
  finishedAt: r.finished_at,
  flows: r.flows_name !== null && r.flows !== null ? { filename: r.flows_name, text: r.flows } : null,
});
const reviewOf = (r: ReviewRow): ReviewRecord => ({
  id: r.id,
  project: r.project_id,
  version: r.version,
  changeHash: r.change_hash,
  filename: r.filename,
  verdict: r.verdict,
  engine: r.engine,
  summary: JSON.parse(r.summary),
  recompute: JSON.parse(r.recompute),
  today: r.today,
  lang: r.lang,
  submitter: r.submitter,
  createdAt: r.created_at,
});
const jobOf = (r: JobRow): JobRecord => ({
  id: r.id,
  kind: r.kind,
  project: r.project_id,
  status: r.status,
  result: r.result === null ? null : JSON.parse(r.result),
  error: r.error === null ? null : JSON.parse(r.error),
  attempts: r.attempts,
  submitter: r.submitter,
  createdAt: r.created_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
});
const tokenOf = (r: TokenRow): TokenRecord => ({
  id: r.id,
  project: r.project_id,
  name: r.name,
  scopes: r.scopes.split(',') as Scope[],
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
});

const VERSION_COLUMNS = 'project_id, version, hash, media_type, filename, size, name, model, submitter, created_at';
const REVIEW_COLUMNS = 'id, project_id, version, change_hash, filename, verdict, engine, summary, recompute, today, lang, submitter, created_at';
const RENDERING_COLUMNS: Record<ReviewFormat, string> = { json: 'result_json', sarif: 'result_sarif', markdown: 'result_md' };
const JOB_COLUMNS = 'id, kind, project_id, status, result, error, attempts, submitter, created_at, started_at, finished_at';
const CHECK_COLUMNS =
  'id, project_id, version, status, engine, today, lang, progress_done, progress_total, summary, error, submitter, created_at, finished_at, flows_name, flows';

export class Store {
  private constructor(private readonly sql: Sql) {}

  /**
   * Opens and migrates a store: a `postgres://` (or `postgresql://`) URL is a PostgreSQL
   * database, anything else a SQLite file (created on first use).
   */
  static async open(location: string): Promise<Store> {
    // pg is loaded only for a PostgreSQL store: SQLite users' commands start without it.
    if (!isPostgresUrl(location)) return new Store(openSqlite(location));
    const { openPostgres } = await import('./postgres.ts');
    return new Store(await openPostgres(location));
  }

  /** The SQLite file, or the PostgreSQL URL without user and password. */
  get location(): string {
    return this.sql.location;
  }

  /** Which database holds the store. */
  get kind(): 'sqlite' | 'postgres' {
    return isPostgresUrl(this.sql.location) ? 'postgres' : 'sqlite';
  }

  schemaVersion(): Promise<number> {
    return this.sql.schemaVersion();
  }

  close(): Promise<void> {
    return this.sql.close();
  }

  // Projects

  /** Creates a project; undefined when the id is taken. */
  async createProject(id: string, name: string): Promise<ProjectRecord | undefined> {
    const createdAt = now();
    const changed = await this.sql.run('INSERT INTO projects (id, name, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [id, name, createdAt]);
    return changed === 1 ? { id, name, createdAt } : undefined;
  }

  async getProject(id: string): Promise<ProjectRecord | undefined> {
    const row = await this.sql.one<{ id: string; name: string; created_at: string }>('SELECT id, name, created_at FROM projects WHERE id = ?', [id]);
    return row && { id: row.id, name: row.name, createdAt: row.created_at };
  }

  async listProjects(): Promise<ProjectRecord[]> {
    const rows = await this.sql.all<{ id: string; name: string; created_at: string }>('SELECT id, name, created_at FROM projects ORDER BY id');
    return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at }));
  }

  // Topology versions

  /**
   * Stores a new version (numbered 1, 2, … per project) and commits it before returning. The
   * number is taken in the INSERT itself; two servers adding to one project at once collide on
   * the primary key and the loser takes the next number. `importId`: the import job that made
   * it; a version is stored once per import, so an import run again (its worker died after
   * storing) gets back the version its first run stored.
   */
  async addVersion(v: NewVersion, importId?: string): Promise<VersionRecord> {
    const fields = {
      hash: sha256(v.content),
      size: Buffer.byteLength(v.content, 'utf8'),
      createdAt: now(),
    };
    const imported = async (): Promise<VersionRecord | undefined> => {
      if (importId === undefined) return undefined;
      const row = await this.sql.one<VersionRow>(`SELECT ${VERSION_COLUMNS} FROM topology_versions WHERE import_id = ?`, [importId]);
      return row && versionOf(row);
    };
    const earlier = await imported();
    if (earlier) return earlier;
    for (let attempt = 0; ; attempt++) {
      try {
        const row = await this.sql.one<{ version: number }>(
          `INSERT INTO topology_versions (${VERSION_COLUMNS}, content, import_id)
             SELECT ?, COALESCE(MAX(version), 0) + 1, ?, ?, ?, CAST(? AS INTEGER), ?, ?, ?, ?, ?, ? FROM topology_versions WHERE project_id = ?
             RETURNING version`,
          [
            v.project,
            fields.hash,
            v.mediaType,
            v.filename,
            fields.size,
            v.name,
            v.model,
            v.submitter,
            fields.createdAt,
            v.content,
            importId ?? null,
            v.project,
          ],
        );
        return {
          project: v.project,
          version: row!.version,
          hash: fields.hash,
          mediaType: v.mediaType,
          filename: v.filename,
          size: fields.size,
          name: v.name,
          model: v.model,
          submitter: v.submitter,
          createdAt: fields.createdAt,
        };
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505') {
          // Another run of the same import stored it first.
          const stored = await imported();
          if (stored) return stored;
        }
        if (code !== '23505' || attempt >= 20) throw error;
      }
    }
  }

  async listVersions(project: string): Promise<VersionRecord[]> {
    const rows = await this.sql.all<VersionRow>(`SELECT ${VERSION_COLUMNS} FROM topology_versions WHERE project_id = ? ORDER BY version`, [project]);
    return rows.map(versionOf);
  }

  /** A version by number, or the newest with `latest`. */
  async getVersion(project: string, version: number | 'latest'): Promise<VersionRecord | undefined> {
    const row =
      version === 'latest'
        ? await this.sql.one<VersionRow>(`SELECT ${VERSION_COLUMNS} FROM topology_versions WHERE project_id = ? ORDER BY version DESC LIMIT 1`, [project])
        : await this.sql.one<VersionRow>(`SELECT ${VERSION_COLUMNS} FROM topology_versions WHERE project_id = ? AND version = ?`, [project, version]);
    return row && versionOf(row);
  }

  async getContent(project: string, version: number): Promise<string | undefined> {
    const row = await this.sql.one<{ content: string }>('SELECT content FROM topology_versions WHERE project_id = ? AND version = ?', [project, version]);
    return row?.content;
  }

  // Checks

  async createCheck(c: NewCheck, status: 'queued' | 'running'): Promise<CheckRecord> {
    const id = `chk_${randomBytes(8).toString('hex')}`;
    const createdAt = now();
    await this.sql.run(
      'INSERT INTO checks (id, project_id, version, status, engine, today, lang, submitter, created_at, started_at, flows_name, flows) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [
        id,
        c.project,
        c.version,
        status,
        c.engine,
        c.today,
        c.lang,
        c.submitter,
        createdAt,
        status === 'running' ? createdAt : null,
        c.flows?.filename ?? null,
        c.flows?.text ?? null,
      ],
    );
    return (await this.getCheck(c.project, id))!;
  }

  async setCheckProgress(id: string, done: number, total: number): Promise<void> {
    await this.sql.run(
      "UPDATE checks SET status = 'running', progress_done = ?, progress_total = ?, started_at = COALESCE(started_at, ?) WHERE id = ? AND status IN ('queued', 'running')",
      [done, total, now(), id],
    );
  }

  /**
   * Stores the report; `rules` is the number of rules run (the progress total). Only a check not
   * yet finished takes it: a job run twice (a worker killed after finishing, say) stores its
   * result once. Resolves to whether this call stored it.
   */
  async finishCheck(id: string, summary: unknown, result: string, rules: number): Promise<boolean> {
    const changed = await this.sql.run(
      "UPDATE checks SET status = 'done', progress_done = ?, progress_total = ?, summary = ?, result = ?, finished_at = ? WHERE id = ? AND status IN ('queued', 'running')",
      [rules, rules, JSON.stringify(summary), result, now(), id],
    );
    return changed === 1;
  }

  async failCheck(id: string, error: { code: string; message: string; diagnostics?: unknown }): Promise<boolean> {
    const changed = await this.sql.run("UPDATE checks SET status = 'failed', error = ?, finished_at = ? WHERE id = ? AND status IN ('queued', 'running')", [
      JSON.stringify(error),
      now(),
      id,
    ]);
    return changed === 1;
  }

  async getCheck(project: string, id: string): Promise<CheckRecord | undefined> {
    const row = await this.sql.one<CheckRow>(`SELECT ${CHECK_COLUMNS} FROM checks WHERE project_id = ? AND id = ?`, [project, id]);
    return row && checkOf(row);
  }

  /** The stored JSON report of a finished check. */
  async getCheckResult(project: string, id: string): Promise<string | undefined> {
    const row = await this.sql.one<{ result: string | null }>('SELECT result FROM checks WHERE project_id = ? AND id = ?', [project, id]);
    return row?.result ?? undefined;
  }

  async listChecks(project: string): Promise<CheckRecord[]> {
    const rows = await this.sql.all<CheckRow>(`SELECT ${CHECK_COLUMNS} FROM checks WHERE project_id = ? ORDER BY created_at, id`, [project]);
    return rows.map(checkOf);
  }

  /** Checks accepted but not finished (e.g. when the server stopped): to run again. */
  async pendingChecks(): Promise<CheckRecord[]> {
    const rows = await this.sql.all<CheckRow>(`SELECT ${CHECK_COLUMNS} FROM checks WHERE status IN ('queued', 'running') ORDER BY created_at, id`);
    return rows.map(checkOf);
  }

  // Reviews

  /**
   * Stores a finished review with every rendering of it, committed before returning. `id`: the
   * review job's; a review is stored once per id (a job run twice keeps its first result).
   */
  async addReview(r: NewReview, id: string = newId('rev')): Promise<ReviewRecord> {
    const record: ReviewRecord = {
      id,
      project: r.project,
      version: r.version,
      changeHash: sha256(r.change),
      filename: r.filename,
      verdict: r.verdict,
      engine: r.engine,
      summary: r.summary,
      recompute: r.recompute,
      today: r.today,
      lang: r.lang,
      submitter: r.submitter,
      createdAt: now(),
    };
    await this.sql.run(
      `INSERT INTO reviews (${REVIEW_COLUMNS}, result_json, result_sarif, result_md) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      [
        record.id,
        record.project,
        record.version,
        record.changeHash,
        record.filename,
        record.verdict,
        record.engine,
        JSON.stringify(record.summary),
        JSON.stringify(record.recompute),
        record.today,
        record.lang,
        record.submitter,
        record.createdAt,
        r.renderings.json,
        r.renderings.sarif,
        r.renderings.markdown,
      ],
    );
    return (await this.getReview(r.project, id))!;
  }

  async getReview(project: string, id: string): Promise<ReviewRecord | undefined> {
    const row = await this.sql.one<ReviewRow>(`SELECT ${REVIEW_COLUMNS} FROM reviews WHERE project_id = ? AND id = ?`, [project, id]);
    return row && reviewOf(row);
  }

  /** A stored rendering of a review (json, sarif or markdown). */
  async getReviewRendering(project: string, id: string, format: ReviewFormat): Promise<string | undefined> {
    const row = await this.sql.one<{ text: string }>(`SELECT ${RENDERING_COLUMNS[format]} AS text FROM reviews WHERE project_id = ? AND id = ?`, [project, id]);
    return row?.text;
  }

  async listReviews(project: string): Promise<ReviewRecord[]> {
    const rows = await this.sql.all<ReviewRow>(`SELECT ${REVIEW_COLUMNS} FROM reviews WHERE project_id = ? ORDER BY created_at, id`, [project]);
    return rows.map(reviewOf);
  }

  // Review and import jobs

  /** Stores a job as `queued` with what it runs on, committed before returning. */
  async createJob(kind: JobRecordKind, id: string, project: string, input: unknown, submitter: string): Promise<JobRecord> {
    await this.sql.run('INSERT INTO jobs (id, kind, project_id, status, input, submitter, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
      id,
      kind,
      project,
      'queued',
      JSON.stringify(input),
      submitter,
      now(),
    ]);
    return (await this.getJob(project, id))!;
  }

  async getJob(project: string, id: string): Promise<JobRecord | undefined> {
    const row = await this.sql.one<JobRow>(`SELECT ${JOB_COLUMNS} FROM jobs WHERE project_id = ? AND id = ?`, [project, id]);
    return row && jobOf(row);
  }

  async listJobs(project: string, kind: JobRecordKind): Promise<JobRecord[]> {
    const rows = await this.sql.all<JobRow>(`SELECT ${JOB_COLUMNS} FROM jobs WHERE project_id = ? AND kind = ? ORDER BY created_at, id`, [project, kind]);
    return rows.map(jobOf);
  }

  /**
   * A worker takes a job: it becomes `running` (counting the attempt) and resolves to the job
   * with its input; undefined when it is finished already (another run stored its outcome).
   */
  async startJob(id: string): Promise<{ job: JobRecord; input: unknown } | undefined> {
    const changed = await this.sql.run(
      "UPDATE jobs SET status = 'running', attempts = attempts + 1, started_at = COALESCE(started_at, ?) WHERE id = ? AND status IN ('queued', 'running')",
      [now(), id],
    );
    if (changed !== 1) return undefined;
    const row = await this.sql.one<JobRow & { input: string }>(`SELECT ${JOB_COLUMNS}, input FROM jobs WHERE id = ?`, [id]);
    return row && { job: jobOf(row), input: JSON.parse(row.input) };
  }

  /**
   * Stores a job's result; only its first outcome is taken. Resolves to whether this call stored
   * it. A finished job's input is dropped (configurations can hold password hashes, a change
   * file is stored by its sha256 only, as a review in the request is): what is kept is the outcome.
   */
  async finishJob(id: string, result: unknown): Promise<boolean> {
    const changed = await this.sql.run(
      "UPDATE jobs SET status = 'done', result = ?, finished_at = ?, input = 'null' WHERE id = ? AND status IN ('queued', 'running')",
      [JSON.stringify(result), now(), id],
    );
    return changed === 1;
  }

  async failJob(id: string, error: { code: string; message: string; diagnostics?: unknown }): Promise<boolean> {
    const changed = await this.sql.run(
      "UPDATE jobs SET status = 'failed', error = ?, finished_at = ?, input = 'null' WHERE id = ? AND status IN ('queued', 'running')",
      [JSON.stringify(error), now(), id],
    );
    return changed === 1;
  }

  /** Jobs accepted but not finished (e.g. when the server stopped): to run again. */
  async pendingJobs(): Promise<JobRecord[]> {
    const rows = await this.sql.all<JobRow>(`SELECT ${JOB_COLUMNS} FROM jobs WHERE status IN ('queued', 'running') ORDER BY created_at, id`);
    return rows.map(jobOf);
  }

  /**
   * Per kind of job (checks included): how many are queued and running now, and of those
   * finished since `since` (an ISO time) how many failed and how long they ran (start to
   * finish, p50 and p95). Read from the database, so every server reports the same.
   */
  async jobStats(since: string): Promise<Record<'check' | JobRecordKind, JobKindStats>> {
    const pending = await this.sql.all<{ kind: string; status: string; n: number }>(
      `SELECT 'check' AS kind, status, CAST(COUNT(*) AS INTEGER) AS n FROM checks WHERE status IN ('queued', 'running') GROUP BY status
       UNION ALL SELECT kind, status, CAST(COUNT(*) AS INTEGER) AS n FROM jobs WHERE status IN ('queued', 'running') GROUP BY kind, status`,
    );
    // Checks stored before migration 4 have no start time: their creation stands in for it.
    const finished = await this.sql.all<{ kind: string; status: string; started: string; finished: string }>(
      `SELECT 'check' AS kind, status, COALESCE(started_at, created_at) AS started, finished_at AS finished FROM checks WHERE finished_at >= ?
       UNION ALL SELECT kind, status, COALESCE(started_at, created_at) AS started, finished_at AS finished FROM jobs WHERE finished_at >= ?`,
      [since, since],
    );
    const stats = {} as Record<'check' | JobRecordKind, JobKindStats>;
    for (const kind of ['check', 'review', 'import'] as const) {
      const count = (status: string): number => pending.find((p) => p.kind === kind && p.status === status)?.n ?? 0;
      const mine = finished.filter((f) => f.kind === kind);
      const ms = mine.map((f) => Date.parse(f.finished) - Date.parse(f.started)).sort((a, b) => a - b);
      const at = (q: number): number | null => (ms.length === 0 ? null : ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]!);
      stats[kind] = {
        queued: count('queued'),
        running: count('running'),
        done: mine.filter((f) => f.status === 'done').length,
        failed: mine.filter((f) => f.status === 'failed').length,
        p50Ms: at(0.5),
        p95Ms: at(0.95),
      };
    }
    return stats;
  }

  // Tokens

  /** Creates a token; the returned secret is shown once and never stored. */
  async createToken(project: string | null, scopes: readonly Scope[], name: string): Promise<{ record: TokenRecord; token: string }> {
    const id = randomBytes(8).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    const record: TokenRecord = { id, project, name, scopes: [...new Set(scopes)], createdAt: now(), revokedAt: null };
    await this.sql.run('INSERT INTO tokens (id, project_id, name, scopes, secret_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)', [
      id,
      project,
      name,
      record.scopes.join(','),
      sha256(secret),
      record.createdAt,
    ]);
    return { record, token: `bnk_${id}_${secret}` };
  }

  /** The live token a bearer string names, or undefined (malformed, unknown, wrong secret, revoked). */
  async verifyToken(bearer: string): Promise<TokenRecord | undefined> {
    const match = TOKEN_PATTERN.exec(bearer);
    if (!match) return undefined;
    const row = await this.sql.one<TokenRow>('SELECT id, project_id, name, scopes, secret_hash, created_at, revoked_at FROM tokens WHERE id = ?', [match[1]!]);
    if (!row || row.revoked_at !== null) return undefined;
    const given = Buffer.from(sha256(match[2]!), 'hex');
    const stored = Buffer.from(row.secret_hash, 'hex');
    return given.length === stored.length && timingSafeEqual(given, stored) ? tokenOf(row) : undefined;
  }

  /** Tokens of one project, or with null every token. */
  async listTokens(project: string | null): Promise<TokenRecord[]> {
    const rows =
      project === null
        ? await this.sql.all<TokenRow>('SELECT * FROM tokens ORDER BY created_at, id')
        : await this.sql.all<TokenRow>('SELECT * FROM tokens WHERE project_id = ? ORDER BY created_at, id', [project]);
    return rows.map(tokenOf);
  }

  async getToken(id: string): Promise<TokenRecord | undefined> {
    const row = await this.sql.one<TokenRow>('SELECT * FROM tokens WHERE id = ?', [id]);
    return row && tokenOf(row);
  }

  async revokeToken(id: string): Promise<boolean> {
    return (await this.sql.run('UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [now(), id])) === 1;
  }

  /** Row counts for the metrics endpoint. */
  async counts(): Promise<{ projects: number; versions: number; checks: number; reviews: number; tokens: number }> {
    const count = async (table: string): Promise<number> => (await this.sql.one<{ n: number }>(`SELECT CAST(COUNT(*) AS INTEGER) AS n FROM ${table}`))!.n;
    return {
      projects: await count('projects'),
      versions: await count('topology_versions'),
      checks: await count('checks'),
      reviews: await count('reviews'),
      tokens: await count('tokens'),
    };
  }
}
