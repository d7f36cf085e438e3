// The database file on disk: owner-only modes for the db, -wal and -shm, and operator mistakes
// (a folder, a file that is not a database, a newer schema) refused as usage errors naming it.

import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import { MIGRATIONS } from '../../src/store/migrations.ts';
import { Store } from '../../src/store/store.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bnk-store-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const mode = (path: string): number => statSync(path).mode & 0o777;

async function refusal(run: () => Promise<unknown>): Promise<{ code: string; message: string; file: string }> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    const d = (error as InputError).diagnostics[0]!;
    return { code: d.code, message: d.message, file: d.loc.file };
  }
  throw new Error('expected a refusal');
}

describe('database files', async () => {
  it('creates the database, its -wal and its -shm readable by the owner only (0600), whatever the umask', async () => {
    const path = join(tempDir(), 'sub', 'bunkatsu.db');
    const previous = process.umask(0o022);
    try {
      const store = await Store.open(path);
      await store.createProject('kita', 'Kita');
      for (const file of [path, `${path}-wal`, `${path}-shm`]) expect(mode(file), file).toBe(0o600);
      await store.close();
    } finally {
      process.umask(previous);
    }
  });

  it('narrows an existing world-readable database to 0600 when it opens it', async () => {
    const path = join(tempDir(), 'old.db');
    (await Store.open(path)).close();
    chmodSync(path, 0o644);
    const store = await Store.open(path);
    expect(mode(path)).toBe(0o600);
    await store.close();
  });

  it('refuses a folder, naming it', async () => {
    const path = join(tempDir(), 'folder.db');
    mkdirSync(path);
    const r = await refusal(() => Store.open(path));
    expect(r).toMatchObject({ code: 'BNK_ERR_USAGE', file: path });
    expect(r.message).toContain('is a folder');
  });

  it('refuses a file that is not a database, and leaves it as it was', async () => {
    const path = join(tempDir(), 'notes.db');
    const text = 'these are my notes, not a database\n'.repeat(200);
    writeFileSync(path, text, { mode: 0o644 });
    const r = await refusal(() => Store.open(path));
    expect(r).toMatchObject({ code: 'BNK_ERR_USAGE', file: path });
    expect(r.message).toContain('not a SQLite database');
    expect(readFileSync(path, 'utf8')).toBe(text);
    expect(mode(path)).toBe(0o644);
  });

  it('refuses a database with a newer schema than this program', async () => {
    const path = join(tempDir(), 'future.db');
    const db = new Database(path);
    db.pragma('user_version = 999');
    db.close();
    const r = await refusal(() => Store.open(path));
    expect(r).toMatchObject({ code: 'BNK_ERR_USAGE', file: path });
    expect(r.message).toContain('schema version 999');
  });

  it('migrates a version-2 database: its reviews keep every field and are recorded as run on the fast engine', async () => {
    // A database as bunkatsu wrote it before migration 3: schema 2, one project, version and review.
    const path = join(tempDir(), 'v2.db');
    const db = new Database(path);
    for (const m of MIGRATIONS.slice(0, 2)) db.exec(m.sql);
    db.pragma('user_version = 2');
    const at = '2026-11-30T00:00:00.000Z';
    db.prepare('INSERT INTO projects VALUES (?, ?, ?)').run('minami', 'Minami', at);
    db.prepare('INSERT INTO topology_versions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
      'minami',
      1,
      'h',
      'application/yaml',
      'city.yaml',
      2,
      'city',
      'alpha',
      'cli',
      at,
      'x',
    );
    db.prepare(
      'INSERT INTO reviews (id, project_id, version, change_hash, filename, verdict, summary, recompute, today, lang, result_json, result_sarif, result_md, submitter, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(
      'rev_old',
      'minami',
      1,
      'c',
      'change.yaml',
      'approve',
      '{"ja":"承認","en":"approve"}',
      '{"mode":"incremental"}',
      '2026-11-30',
      'ja',
      '{}',
      '{}',
      '# r',
      'tok',
      at,
    );
    db.close();

    const store = await Store.open(path);
    try {
      expect(await store.getReview('minami', 'rev_old')).toMatchObject({
        id: 'rev_old',
        verdict: 'approve',
        engine: 'fast',
        summary: { en: 'approve' },
        createdAt: at,
      });
      expect(await store.getReviewRendering('minami', 'rev_old', 'markdown')).toBe('# r');
    } finally {
      await store.close();
    }
    expect(new Database(path).pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
  });
});
