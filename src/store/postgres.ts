// PostgreSQL, the store of many API servers and workers on many machines. One pool of
// connections per process; the schema is migrated under an advisory lock, so servers started
// together migrate once. A database that cannot be reached is a StoreUnavailable error, which
// the server answers with 503 and retries by itself; credentials never reach a message.

import pg from 'pg';
import { InputError } from '../errors.ts';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.ts';
import { redactedUrl, type Sql, type SqlValue, StoreUnavailable } from './sql.ts';

/** Arbitrary but fixed: the advisory lock every bunkatsu process takes to migrate. */
const MIGRATION_LOCK = 0x62756e6b; // "bunk"

/** Socket-level and server-state failures: the database is away, not the request wrong. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08006',
]);

function unavailable(location: string, error: unknown): unknown {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (
    (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) ||
    /Connection terminated|connection timeout|Client has encountered a connection error/i.test(message)
  )
    return new StoreUnavailable(location, typeof code === 'string' ? code : 'connection lost');
  return error;
}

const usage = (location: string, what: string): InputError =>
  new InputError([{ code: 'BNK_ERR_USAGE', message: `database ${location} ${what}`, loc: { file: location, line: 1, column: 1 } }]);

/** `?` placeholders as PostgreSQL's numbered ones (our statements have no `?` in literals). */
function numbered(sql: string): string {
  let n = 0;
  return sql.replaceAll('?', () => `$${++n}`);
}

/**
 * Connects, checks the server answers, and migrates. A URL that does not parse, a server that
 * cannot be reached and a refused login are usage errors naming the redacted URL (exit 2).
 */
export async function openPostgres(url: string, options: { readonly maxConnections?: number } = {}): Promise<Sql> {
  const location = redactedUrl(url);
  try {
    new URL(url);
  } catch {
    throw usage(location, 'is not a valid URL (postgres://user:password@host:port/database)');
  }
  const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 10, connectionTimeoutMillis: 5000, idleTimeoutMillis: 30_000 });
  // An idle connection dropped by a restarting server must not crash the process: the next
  // query opens a new one.
  pool.on('error', () => {});
  try {
    await migrate(pool, location);
  } catch (error) {
    await pool.end().catch(() => {});
    if (error instanceof InputError) throw error;
    const code = (error as { code?: unknown }).code;
    if (code === '28P01' || code === '28000') throw usage(location, 'refused the login (check the user and password in the URL)');
    if (code === '3D000') throw usage(location, 'does not exist (create it with createdb first)');
    const failed = unavailable(location, error);
    if (failed instanceof StoreUnavailable) throw usage(location, `cannot be reached (${failed.reason})`);
    throw error;
  }
  const query = async (sql: string, params: readonly SqlValue[] | undefined): Promise<pg.QueryResult> => {
    try {
      return await pool.query(numbered(sql), params ? [...params] : []);
    } catch (error) {
      throw unavailable(location, error);
    }
  };
  return {
    location,
    one: async <T>(sql: string, params?: readonly SqlValue[]) => (await query(sql, params)).rows[0] as T | undefined,
    all: async <T>(sql: string, params?: readonly SqlValue[]) => (await query(sql, params)).rows as T[],
    run: async (sql: string, params?: readonly SqlValue[]) => (await query(sql, params)).rowCount ?? 0,
    schemaVersion: async () => Number((await query('SELECT MAX(version) AS v FROM bunkatsu_schema', [])).rows[0]?.v ?? 0),
    close: () => pool.end(),
  };
}

/** Applies the migrations this database lacks, in one transaction each, under the advisory lock. */
async function migrate(pool: pg.Pool, location: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await client.query('CREATE TABLE IF NOT EXISTS bunkatsu_schema (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
      const current = Number((await client.query('SELECT MAX(version) AS v FROM bunkatsu_schema')).rows[0]?.v ?? 0);
      if (current > SCHEMA_VERSION)
        throw usage(location, `has schema version ${current}, newer than this bunkatsu supports (${SCHEMA_VERSION}); upgrade bunkatsu`);
      for (const m of MIGRATIONS) {
        if (m.version <= current) continue;
        await client.query('BEGIN');
        try {
          await client.query(m.sql);
          await client.query('INSERT INTO bunkatsu_schema (version, applied_at) VALUES ($1, $2)', [m.version, new Date().toISOString()]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => {});
          throw error;
        }
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
    }
  } finally {
    client.release();
  }
}
