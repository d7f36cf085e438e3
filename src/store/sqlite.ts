// The embedded database, the default: one SQLite file (WAL, synchronous=FULL), so every write is
// committed before the server answers and survives a crash of the process.

import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { InputError } from '../errors.ts';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.ts';
import type { Sql, SqlValue } from './sql.ts';

/**
 * Opens (creating the file and its folder if needed) and migrates the database. The file holds
 * city network maps: it is created 0600 before SQLite opens it (SQLite gives -wal and -shm the
 * database file's mode); an existing database and its -wal and -shm are narrowed to 0600 once
 * open. A path that is a folder, not a database, or of a newer schema is refused as a usage
 * error naming the file.
 */
export function openSqlite(path: string): Sql {
  if (path === ':memory:') {
    const db = new Database(path);
    migrate(db, path);
    return sqliteSql(path, db);
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
  return sqliteSql(path, db);
}

/** better-sqlite3 is synchronous: each call has finished, committed, when its promise is made. */
function sqliteSql(path: string, db: Database.Database): Sql {
  const statements = new Map<string, Database.Statement>();
  const prepared = (sql: string): Database.Statement => {
    let s = statements.get(sql);
    if (!s) statements.set(sql, (s = db.prepare(sql)));
    return s;
  };
  const params = (p: readonly SqlValue[] | undefined): SqlValue[] => (p ? [...p] : []);
  return {
    location: path,
    one: async <T>(sql: string, p?: readonly SqlValue[]) => prepared(sql).get(...params(p)) as T | undefined,
    all: async <T>(sql: string, p?: readonly SqlValue[]) => prepared(sql).all(...params(p)) as T[],
    run: async (sql: string, p?: readonly SqlValue[]) => prepared(sql).run(...params(p)).changes,
    schemaVersion: async () => db.pragma('user_version', { simple: true }) as number,
    close: async () => {
      if (db.open) db.close();
    },
  };
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

/** SQLite keeps the schema version in its user_version header field. */
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
