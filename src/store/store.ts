// The SQLite store of the HTTP API: projects, topology versions, check results, reviews and tokens.
// Every write is one committed transaction before it returns (WAL, synchronous=FULL), so
// whatever the server has acknowledged survives a crash of the process.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { InputError } from '../errors.ts';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.ts';

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
}

export type NewCheck = Pick<CheckRecord, 'project' | 'version' | 'engine' | 'today' | 'lang' | 'submitter'>;

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
const CHECK_COLUMNS = 'id, project_id, version, status, engine, today, lang, progress_done, progress_total, summary, error, submitter, created_at, finished_at';

export class Store {
  readonly path: string;
  private readonly db: Database.Database;

  private constructor(path: string, db: Database.Database) {
    this.path = path;
    this.db = db;
  }

  /**
   * Opens (creating the file and its folder if needed) and migrates the database. The file holds
   * city network maps: it is created 0600 before SQLite opens it (SQLite gives -wal and -shm the
   * database file's mode); an existing database and its -wal and -shm are narrowed to 0600 once open. A path that is a folder, not
   * a database, or of a newer schema is refused as a usage error naming the file.
   */
  static open(path: string): Store {
    if (path === ':memory:') {
      const db = new Database(path);
      migrate(db, path);
      return new Store(path, db);
    }
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const stat = statSync(path, { throwIfNoEntry: false });
    if (stat?.isDirectory()) throw refused(path, 'is a folder, not a database file; give --db a file path (e.g. bunkatsu.db inside it)');
    if (stat && !stat.isFile()) throw refused(path, 'is not a regular file; give --db a database file path');
    if (!stat) closeSync(openSync(path, 'a', 0o600));
    let db: Database.Database | undefined;
    try {
      db = new Database(path);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
      migrate(db, path);
    } catch (error) {
      db?.close();
      throw openError(path, error);
    }
    for (const file of [path, `${path}-wal`, `${path}-shm`]) if (existsSync(file)) restrict(file);
    return new Store(path, db);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  // Projects

  /** Creates a project; undefined when the id is taken. */
  createProject(id: string, name: string): ProjectRecord | undefined {
    const createdAt = now();
    const info = this.db.prepare('INSERT OR IGNORE INTO projects (id, name, created_at) VALUES (?, ?, ?)').run(id, name, createdAt);
    return info.changes === 1 ? { id, name, createdAt } : undefined;
  }

  getProject(id: string): ProjectRecord | undefined {
    const row = this.db.prepare('SELECT id, name, created_at FROM projects WHERE id = ?').get(id) as
      | { id: string; name: string; created_at: string }
      | undefined;
    return row && { id: row.id, name: row.name, createdAt: row.created_at };
  }

  listProjects(): ProjectRecord[] {
    const rows = this.db.prepare('SELECT id, name, created_at FROM projects ORDER BY id').all() as { id: string; name: string; created_at: string }[];
    return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at }));
  }

  // Topology versions

  /** Stores a new version (numbered 1, 2, … per project) and commits it before returning. */
  addVersion(v: NewVersion): VersionRecord {
    const insert = this.db.transaction((): VersionRecord => {
      const last = this.db.prepare('SELECT MAX(version) AS v FROM topology_versions WHERE project_id = ?').get(v.project) as { v: number | null };
      const record: VersionRecord = {
        project: v.project,
        version: (last.v ?? 0) + 1,
        hash: sha256(v.content),
        mediaType: v.mediaType,
        filename: v.filename,
        size: Buffer.byteLength(v.content, 'utf8'),
        name: v.name,
        model: v.model,
        submitter: v.submitter,
        createdAt: now(),
      };
      this.db
        .prepare(`INSERT INTO topology_versions (${VERSION_COLUMNS}, content) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(
          record.project,
          record.version,
          record.hash,
          record.mediaType,
          record.filename,
          record.size,
          record.name,
          record.model,
          record.submitter,
          record.createdAt,
          v.content,
        );
      return record;
    });
    return insert.immediate();
  }

  listVersions(project: string): VersionRecord[] {
    const rows = this.db.prepare(`SELECT ${VERSION_COLUMNS} FROM topology_versions WHERE project_id = ? ORDER BY version`).all(project) as VersionRow[];
    return rows.map(versionOf);
  }

  /** A version by number, or the newest with `latest`. */
  getVersion(project: string, version: number | 'latest'): VersionRecord | undefined {
    const row = (
      version === 'latest'
        ? this.db.prepare(`SELECT ${VERSION_COLUMNS} FROM topology_versions WHERE project_id = ? ORDER BY version DESC LIMIT 1`).get(project)
        : this.db.prepare(`SELECT ${VERSION_COLUMNS} FROM topology_versions WHERE project_id = ? AND version = ?`).get(project, version)
    ) as VersionRow | undefined;
    return row && versionOf(row);
  }

  getContent(project: string, version: number): string | undefined {
    const row = this.db.prepare('SELECT content FROM topology_versions WHERE project_id = ? AND version = ?').get(project, version) as
      | { content: string }
      | undefined;
    return row?.content;
  }

  // Checks

  createCheck(c: NewCheck, status: 'queued' | 'running'): CheckRecord {
    const id = `chk_${randomBytes(8).toString('hex')}`;
    this.db
      .prepare('INSERT INTO checks (id, project_id, version, status, engine, today, lang, submitter, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(id, c.project, c.version, status, c.engine, c.today, c.lang, c.submitter, now());
    return this.getCheck(c.project, id)!;
  }

  setCheckProgress(id: string, done: number, total: number): void {
    this.db.prepare("UPDATE checks SET status = 'running', progress_done = ?, progress_total = ? WHERE id = ?").run(done, total, id);
  }

  /** Stores the report; `rules` is the number of rules run (the progress total). */
  finishCheck(id: string, summary: unknown, result: string, rules: number): void {
    this.db
      .prepare("UPDATE checks SET status = 'done', progress_done = ?, progress_total = ?, summary = ?, result = ?, finished_at = ? WHERE id = ?")
      .run(rules, rules, JSON.stringify(summary), result, now(), id);
  }

  failCheck(id: string, error: { code: string; message: string; diagnostics?: unknown }): void {
    this.db.prepare("UPDATE checks SET status = 'failed', error = ?, finished_at = ? WHERE id = ?").run(JSON.stringify(error), now(), id);
  }

  getCheck(project: string, id: string): CheckRecord | undefined {
    const row = this.db.prepare(`SELECT ${CHECK_COLUMNS} FROM checks WHERE project_id = ? AND id = ?`).get(project, id) as CheckRow | undefined;
    return row && checkOf(row);
  }

  /** The stored JSON report of a finished check. */
  getCheckResult(project: string, id: string): string | undefined {
    const row = this.db.prepare('SELECT result FROM checks WHERE project_id = ? AND id = ?').get(project, id) as { result: string | null } | undefined;
    return row?.result ?? undefined;
  }

  listChecks(project: string): CheckRecord[] {
    const rows = this.db.prepare(`SELECT ${CHECK_COLUMNS} FROM checks WHERE project_id = ? ORDER BY created_at, id`).all(project) as CheckRow[];
    return rows.map(checkOf);
  }

  /** Checks accepted but not finished (e.g. when the server stopped): to run again. */
  pendingChecks(): CheckRecord[] {
    const rows = this.db.prepare(`SELECT ${CHECK_COLUMNS} FROM checks WHERE status IN ('queued', 'running') ORDER BY created_at, id`).all() as CheckRow[];
    return rows.map(checkOf);
  }

  // Reviews

  /** Stores a finished review with every rendering of it, committed before returning. */
  addReview(r: NewReview): ReviewRecord {
    const record: ReviewRecord = {
      id: `rev_${randomBytes(8).toString('hex')}`,
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
    this.db
      .prepare(`INSERT INTO reviews (${REVIEW_COLUMNS}, result_json, result_sarif, result_md) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(
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
      );
    return record;
  }

  getReview(project: string, id: string): ReviewRecord | undefined {
    const row = this.db.prepare(`SELECT ${REVIEW_COLUMNS} FROM reviews WHERE project_id = ? AND id = ?`).get(project, id) as ReviewRow | undefined;
    return row && reviewOf(row);
  }

  /** A stored rendering of a review (json, sarif or markdown). */
  getReviewRendering(project: string, id: string, format: ReviewFormat): string | undefined {
    const row = this.db.prepare(`SELECT ${RENDERING_COLUMNS[format]} AS text FROM reviews WHERE project_id = ? AND id = ?`).get(project, id) as
      | { text: string }
      | undefined;
    return row?.text;
  }

  listReviews(project: string): ReviewRecord[] {
    const rows = this.db.prepare(`SELECT ${REVIEW_COLUMNS} FROM reviews WHERE project_id = ? ORDER BY created_at, id`).all(project) as ReviewRow[];
    return rows.map(reviewOf);
  }

  // Tokens

  /** Creates a token; the returned secret is shown once and never stored. */
  createToken(project: string | null, scopes: readonly Scope[], name: string): { record: TokenRecord; token: string } {
    const id = randomBytes(8).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    const record: TokenRecord = { id, project, name, scopes: [...new Set(scopes)], createdAt: now(), revokedAt: null };
    this.db
      .prepare('INSERT INTO tokens (id, project_id, name, scopes, secret_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(id, project, name, record.scopes.join(','), sha256(secret), record.createdAt);
    return { record, token: `bnk_${id}_${secret}` };
  }

  /** The live token a bearer string names, or undefined (malformed, unknown, wrong secret, revoked). */
  verifyToken(bearer: string): TokenRecord | undefined {
    const match = TOKEN_PATTERN.exec(bearer);
    if (!match) return undefined;
    const row = this.db.prepare('SELECT id, project_id, name, scopes, secret_hash, created_at, revoked_at FROM tokens WHERE id = ?').get(match[1]) as
      | TokenRow
      | undefined;
    if (!row || row.revoked_at !== null) return undefined;
    const given = Buffer.from(sha256(match[2]!), 'hex');
    const stored = Buffer.from(row.secret_hash, 'hex');
    return given.length === stored.length && timingSafeEqual(given, stored) ? tokenOf(row) : undefined;
  }

  /** Tokens of one project, or with null every token. */
  listTokens(project: string | null): TokenRecord[] {
    const rows = (
      project === null
        ? this.db.prepare('SELECT * FROM tokens ORDER BY created_at, id').all()
        : this.db.prepare('SELECT * FROM tokens WHERE project_id = ? ORDER BY created_at, id').all(project)
    ) as TokenRow[];
    return rows.map(tokenOf);
  }

  getToken(id: string): TokenRecord | undefined {
    const row = this.db.prepare('SELECT * FROM tokens WHERE id = ?').get(id) as TokenRow | undefined;
    return row && tokenOf(row);
  }

  revokeToken(id: string): boolean {
    return this.db.prepare('UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(now(), id).changes === 1;
  }

  /** Row counts for the metrics endpoint. */
  counts(): { projects: number; versions: number; checks: number; reviews: number; tokens: number } {
    const count = (table: string): number => (this.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    return { projects: count('projects'), versions: count('topology_versions'), checks: count('checks'), reviews: count('reviews'), tokens: count('tokens') };
  }
}

/** A usage error about the database file, located at the file (the CLI's --db, or $BUNKATSU_DB). */
function refused(path: string, what: string): InputError {
  return new InputError([{ code: 'BNK_ERR_USAGE', message: `database "${path}" ${what}`, loc: { file: path, line: 1, column: 1 } }]);
}

/** Owner-only access; a file owned by someone else keeps its mode (chmod would fail) and SQLite decides. */
function restrict(path: string): void {
  try {
    chmodSync(path, 0o600);
  } catch {
    // not ours to change: opening it reports what is wrong, if anything
  }
}

/** SQLite's refusals of a file as operator mistakes; anything else stays a bug. */
function openError(path: string, error: unknown): unknown {
  if (error instanceof InputError) return error;
  const code = (error as { code?: unknown }).code;
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT')
    return refused(path, 'is not a SQLite database (or is damaged); give --db a new file or a database bunkatsu created');
  if (code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY' || code === 'SQLITE_PERM')
    return refused(path, `cannot be opened for writing (${code}); check its permissions and those of its folder`);
  return error;
}

function migrate(db: Database.Database, path: string): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw refused(path, `has schema version ${current}, newer than this bunkatsu supports (${SCHEMA_VERSION}); upgrade bunkatsu or give --db another file`);
  }
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
}
