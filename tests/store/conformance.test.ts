// The store conformance suite: every store behaviour, run against both stores, SQLite (a file)
// and PostgreSQL (a real server of this test run, tests/postgres-server.ts). A behaviour that
// differs between them is a bug in one of them.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import { MIGRATIONS } from '../../src/store/migrations.ts';
import { type NewReview, type NewVersion, Store } from '../../src/store/store.ts';
import { freshPostgresUrl } from '../postgres.ts';

/** Raw access to a store's database, to see what is stored and to build old schemas. */
interface Backend {
  readonly name: 'sqlite' | 'postgres';
  /** A new, empty database. */
  fresh(): Promise<string>;
  /** Runs SQL (with `?` placeholders) directly on the database at `location`. */
  raw(location: string, sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  /** Runs a script of several statements, as a migration is written. */
  exec(location: string, script: string): Promise<void>;
  /** Marks the database as being at schema `version` the way its store does. */
  setSchemaVersion(location: string, version: number): Promise<void>;
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const sqlite: Backend = {
  name: 'sqlite',
  fresh: async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bnk-conf-'));
    dirs.push(dir);
    return join(dir, 'store.db');
  },
  raw: async (location, sql, params = []) => {
    const db = new Database(location);
    try {
      const statement = db.prepare(sql);
      if (statement.reader) return statement.all(...params) as Record<string, unknown>[];
      statement.run(...params);
      return [];
    } finally {
      db.close();
    }
  },
  exec: async (location, script) => {
    const db = new Database(location);
    db.exec(script);
    db.close();
  },
  setSchemaVersion: async (location, version) => {
    const db = new Database(location);
    db.pragma(`user_version = ${version}`);
    db.close();
  },
};

const postgres: Backend = {
  name: 'postgres',
  fresh: freshPostgresUrl,
  raw: async (location, sql, params = []) => {
    const client = new pg.Client({ connectionString: location });
    await client.connect();
    try {
      let n = 0;
      return (
        await client.query(
          sql.replaceAll('?', () => `$${++n}`),
          params,
        )
      ).rows as Record<string, unknown>[];
    } finally {
      await client.end();
    }
  },
  exec: async (location, script) => {
    await postgres.raw(location, script);
  },
  setSchemaVersion: async (location, version) => {
    await postgres.raw(location, 'CREATE TABLE IF NOT EXISTS bunkatsu_schema (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
    for (let v = 1; v <= version; v++)
      await postgres.raw(location, 'INSERT INTO bunkatsu_schema VALUES (?, ?) ON CONFLICT DO NOTHING', [v, '2026-01-01T00:00:00Z']);
  },
};

const version = (project: string, content: string, filename = 'city.yaml'): NewVersion => ({
  project,
  mediaType: 'application/yaml',
  filename,
  name: 'サンプル市',
  model: 'alpha',
  submitter: 'tok1',
  content,
});

/** A plain approved review of version 1 of `project`; `engine` names the engine that ran it. */
const review = (project: string, engine = 'fast'): NewReview => ({
  project,
  version: 1,
  filename: 'c.yaml',
  verdict: 'approve',
  engine,
  summary: {},
  recompute: {},
  today: '2026-12-03',
  lang: 'en',
  submitter: 't',
  change: 'x',
  renderings: { json: '{}', sarif: '{}', markdown: '' },
});

// Without PostgreSQL on a workstation (tests/global-setup.ts) only SQLite runs; CI runs both.
const HAVE_POSTGRES = inject('postgresUrl') !== '';

describe.each(HAVE_POSTGRES ? [sqlite, postgres] : [sqlite])('store conformance: $name', (backend) => {
  const open = async (): Promise<{ store: Store; location: string }> => {
    const location = await backend.fresh();
    return { store: await Store.open(location), location };
  };

  it('creates, finds and lists projects; a taken id is refused', async () => {
    const { store } = await open();
    try {
      expect(await store.createProject('minami', 'Minami Town')).toMatchObject({ id: 'minami', name: 'Minami Town' });
      expect(await store.createProject('kita', 'Kita City')).toMatchObject({ id: 'kita' });
      expect(await store.createProject('kita', 'again')).toBeUndefined();
      expect((await store.getProject('kita'))?.name).toBe('Kita City');
      expect(await store.getProject('nishi')).toBeUndefined();
      expect((await store.listProjects()).map((p) => p.id)).toEqual(['kita', 'minami']);
    } finally {
      await store.close();
    }
  });

  it('keeps topology versions byte for byte, numbered per project, with "latest" the newest', async () => {
    const { store } = await open();
    try {
      await store.createProject('kita', 'Kita');
      await store.createProject('minami', 'Minami');
      // Japanese, full-width forms, CRLF, a BOM, trailing blanks, an emoji outside the BMP, tabs.
      const text = '\uFEFFname: サンプル市（α）\r\nzones:  \r\n\t- id: 庁内LAN 🏯\r\n\n   \n';
      const v1 = await store.addVersion(version('kita', text));
      const v2 = await store.addVersion(version('kita', 'name: two\n'));
      const m1 = await store.addVersion(version('minami', 'name: m\n'));
      expect([v1.version, v2.version, m1.version]).toEqual([1, 2, 1]);
      expect(v1.size).toBe(Buffer.byteLength(text, 'utf8'));
      expect(v1.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(await store.getContent('kita', 1)).toBe(text);
      expect((await store.getVersion('kita', 'latest'))?.version).toBe(2);
      expect(await store.getVersion('kita', 1)).toEqual(v1);
      expect((await store.listVersions('kita')).map((v) => v.version)).toEqual([1, 2]);
      expect(await store.getVersion('kita', 3)).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it('numbers versions added at the same time 1..n without a gap or a repeat', async () => {
    const { store } = await open();
    try {
      await store.createProject('kita', 'Kita');
      const added = await Promise.all(Array.from({ length: 12 }, (_, i) => store.addVersion(version('kita', `name: v${i}\n`))));
      expect(added.map((v) => v.version).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      for (const v of added) expect(await store.getContent('kita', v.version)).toBe(`name: v${added.indexOf(v)}\n`);
    } finally {
      await store.close();
    }
  });

  it('runs a check through queued, running and done; a finished check takes no second result', async () => {
    const { store } = await open();
    try {
      await store.createProject('kita', 'Kita');
      await store.addVersion(version('kita', 'name: x\n'));
      const fields = { project: 'kita', version: 1, engine: 'fast', today: '2026-12-03', lang: 'ja', submitter: 'tok1' };
      const check = await store.createCheck(fields, 'queued');
      expect(check).toMatchObject({ status: 'queued', progress: { done: 0, total: 0 }, summary: null, finishedAt: null });
      expect((await store.pendingChecks()).map((c) => c.id)).toEqual([check.id]);
      await store.setCheckProgress(check.id, 3, 13);
      expect(await store.getCheck('kita', check.id)).toMatchObject({ status: 'running', progress: { done: 3, total: 13 } });
      expect(await store.finishCheck(check.id, { passed: 12, failed: 1 }, '{"report":1}', 13)).toBe(true);
      // A second worker finishing the same job (the first was killed after storing) changes nothing.
      expect(await store.finishCheck(check.id, { passed: 0 }, '{"report":2}', 13)).toBe(false);
      expect(await store.failCheck(check.id, { code: 'BNK_ERR_INTERNAL', message: 'late' })).toBe(false);
      await store.setCheckProgress(check.id, 1, 13);
      const done = await store.getCheck('kita', check.id);
      expect(done).toMatchObject({ status: 'done', progress: { done: 13, total: 13 }, summary: { passed: 12, failed: 1 } });
      expect(done?.finishedAt).not.toBeNull();
      expect(await store.getCheckResult('kita', check.id)).toBe('{"report":1}');
      expect(await store.pendingChecks()).toEqual([]);

      const failing = await store.createCheck(fields, 'running');
      expect(await store.failCheck(failing.id, { code: 'BNK_ERR_LIMIT_EXCEEDED', message: 'too large' })).toBe(true);
      expect(await store.getCheck('kita', failing.id)).toMatchObject({ status: 'failed', error: { code: 'BNK_ERR_LIMIT_EXCEEDED' } });
      expect((await store.listChecks('kita')).map((c) => c.id)).toEqual([check.id, failing.id]);
    } finally {
      await store.close();
    }
  });

  it('stores a review with every rendering', async () => {
    const { store } = await open();
    try {
      await store.createProject('kita', 'Kita');
      await store.addVersion(version('kita', 'name: x\n'));
      const stored = await store.addReview({
        project: 'kita',
        version: 1,
        filename: 'change.yaml',
        verdict: 'reject',
        engine: 'fast',
        summary: { ja: '却下', en: 'reject' },
        recompute: { mode: 'incremental' },
        today: '2026-12-03',
        lang: 'ja',
        submitter: 'tok1',
        change: 'add: rule\n',
        renderings: { json: '{"verdict":"reject"}', sarif: '{"runs":[]}', markdown: '# 却下\n' },
      });
      expect(stored.id).toMatch(/^rev_[0-9a-f]{16}$/);
      expect(await store.getReview('kita', stored.id)).toEqual(stored);
      expect(await store.getReviewRendering('kita', stored.id, 'markdown')).toBe('# 却下\n');
      expect(await store.getReviewRendering('kita', stored.id, 'sarif')).toBe('{"runs":[]}');
      expect((await store.listReviews('kita')).map((r) => r.id)).toEqual([stored.id]);
    } finally {
      await store.close();
    }
  });

  it('runs review and import jobs through queued, running and done or failed; a finished job takes no second outcome', async () => {
    const { store, location } = await open();
    try {
      await store.createProject('kita', 'Kita');
      await store.addVersion(version('kita', 'name: x\n'));
      const queued = await store.createJob('review', 'rev_00000000000000a1', 'kita', { version: 1, change: 'x' }, 'tok1');
      expect(queued).toMatchObject({ kind: 'review', status: 'queued', attempts: 0, result: null, error: null, startedAt: null, finishedAt: null });
      expect((await store.pendingJobs()).map((j) => j.id)).toEqual([queued.id]);
      // Taken twice (the first worker died): two attempts, the input each time, the first start kept.
      const first = await store.startJob(queued.id);
      expect(first).toMatchObject({ job: { status: 'running', attempts: 1 }, input: { version: 1, change: 'x' } });
      const second = await store.startJob(queued.id);
      expect(second?.job.attempts).toBe(2);
      expect(second?.job.startedAt).toBe(first?.job.startedAt);
      expect(await store.finishJob(queued.id, { review: queued.id })).toBe(true);
      expect(await store.finishJob(queued.id, { review: 'other' })).toBe(false);
      expect(await store.failJob(queued.id, { code: 'BNK_ERR_INTERNAL', message: 'late' })).toBe(false);
      expect(await store.startJob(queued.id)).toBeUndefined();
      expect(await store.getJob('kita', queued.id)).toMatchObject({ status: 'done', result: { review: queued.id } });
      // The input (a change file, configurations) is kept only until the job has finished.
      expect(await backend.raw(location, 'SELECT input FROM jobs WHERE id = ?', [queued.id])).toEqual([{ input: 'null' }]);

      const failing = await store.createJob('import', 'imp_00000000000000b2', 'kita', { configs: [] }, 'tok1');
      await store.startJob(failing.id);
      expect(await store.failJob(failing.id, { code: 'BNK_ERR_SYNTAX', message: 'fw01.conf:3:1 …' })).toBe(true);
      expect(await store.getJob('kita', failing.id)).toMatchObject({ status: 'failed', error: { code: 'BNK_ERR_SYNTAX' } });
      expect(await backend.raw(location, 'SELECT input FROM jobs WHERE id = ?', [failing.id])).toEqual([{ input: 'null' }]);
      expect(await store.getJob('minami', failing.id)).toBeUndefined();
      expect((await store.listJobs('kita', 'import')).map((j) => j.id)).toEqual([failing.id]);
      expect(await store.pendingJobs()).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('stores a review once per id, and a version once per import', async () => {
    const { store } = await open();
    try {
      await store.createProject('kita', 'Kita');
      await store.addVersion(version('kita', 'name: x\n'));
      const stored = await store.addReview(review('kita'), 'rev_00000000000000c3');
      const again = await store.addReview({ ...review('kita'), verdict: 'reject' }, 'rev_00000000000000c3');
      expect(again).toEqual(stored);
      expect(again.verdict).toBe('approve');
      expect(await store.listReviews('kita')).toHaveLength(1);
      const imported = await store.addVersion(version('kita', 'name: imported\n'), 'imp_00000000000000d4');
      const rerun = await store.addVersion(version('kita', 'name: imported\n'), 'imp_00000000000000d4');
      expect(imported.version).toBe(2);
      expect(rerun).toEqual(imported);
      // Two runs of one import at the same time still store one version.
      const raced = await Promise.all([1, 2, 3].map(() => store.addVersion(version('kita', 'name: raced\n'), 'imp_00000000000000e5')));
      expect(new Set(raced.map((v) => v.version)).size).toBe(1);
      expect((await store.listVersions('kita')).map((v) => v.version)).toEqual([1, 2, 3]);
    } finally {
      await store.close();
    }
  });

  it('reports per kind of job the queue depth, the failures and the durations of jobs finished in the window', async () => {
    const { store, location } = await open();
    try {
      await store.createProject('kita', 'Kita');
      await store.addVersion(version('kita', 'name: x\n'));
      const fields = { project: 'kita', version: 1, engine: 'fast', today: '2026-12-03', lang: 'en', submitter: 't' };
      await store.createCheck(fields, 'queued');
      const ran = await store.createCheck(fields, 'queued');
      const job = (id: string) => store.createJob('import', id, 'kita', {}, 't');
      await job('imp_0000000000000001');
      await job('imp_0000000000000002');
      await store.startJob('imp_0000000000000002');
      for (const [id, ok] of [
        ['imp_0000000000000003', true],
        ['imp_0000000000000004', true],
        ['imp_0000000000000005', false],
      ] as const) {
        await job(id);
        await store.startJob(id);
        if (ok) await store.finishJob(id, {});
        else await store.failJob(id, { code: 'BNK_ERR_SYNTAX', message: 'bad' });
      }
      await store.setCheckProgress(ran.id, 1, 13);
      await store.finishCheck(ran.id, {}, '{}', 13);
      // Set the times the durations are computed from: imports of 1, 2 and 4 s; the check 3 s.
      const times = [
        ['jobs', 'imp_0000000000000003', 1000],
        ['jobs', 'imp_0000000000000004', 2000],
        ['jobs', 'imp_0000000000000005', 4000],
        ['checks', ran.id, 3000],
      ] as const;
      for (const [table, id, ms] of times) {
        await backend.raw(location, `UPDATE ${table} SET started_at = ?, finished_at = ? WHERE id = ?`, [
          '2026-12-03T10:00:00.000Z',
          new Date(Date.parse('2026-12-03T10:00:00.000Z') + ms).toISOString(),
          id,
        ]);
      }
      const stats = await store.jobStats('2026-12-03T09:00:00.000Z');
      expect(stats.check).toEqual({ queued: 1, running: 0, done: 1, failed: 0, p50Ms: 3000, p95Ms: 3000 });
      // Sorted 1000, 2000, 4000: p50 is the second, p95 the third.
      expect(stats.import).toEqual({ queued: 1, running: 1, done: 2, failed: 1, p50Ms: 2000, p95Ms: 4000 });
      expect(stats.review).toEqual({ queued: 0, running: 0, done: 0, failed: 0, p50Ms: null, p95Ms: null });
      // Outside the window: only the depth is left.
      expect((await store.jobStats('2026-12-03T11:00:00.000Z')).import).toEqual({ queued: 1, running: 1, done: 0, failed: 0, p50Ms: null, p95Ms: null });
    } finally {
      await store.close();
    }
  });

  it('stores tokens hashed: the secret is nowhere in the database; a wrong or revoked token is refused', async () => {
    const { store, location } = await open();
    try {
      await store.createProject('kita', 'Kita');
      const { record, token } = await store.createToken('kita', ['read', 'submit', 'read'], 'ci');
      // The secret is base64url, which may itself contain "_": it is everything after bnk_<id>_.
      const secret = token.slice(`bnk_${record.id}_`.length);
      expect(secret).toHaveLength(43);
      expect(record.scopes).toEqual(['read', 'submit']);
      const rows = await backend.raw(location, 'SELECT * FROM tokens');
      expect(JSON.stringify(rows)).not.toContain(secret);
      expect((await store.verifyToken(token))?.id).toBe(record.id);
      expect(await store.verifyToken(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`)).toBeUndefined();
      expect(await store.verifyToken('bnk_nothex_x')).toBeUndefined();
      const server = await store.createToken(null, ['admin'], 'ops');
      expect((await store.listTokens(null)).map((t) => t.id).sort()).toEqual([record.id, server.record.id].sort());
      expect((await store.listTokens('kita')).map((t) => t.id)).toEqual([record.id]);
      expect(await store.revokeToken(record.id)).toBe(true);
      expect(await store.revokeToken(record.id)).toBe(false);
      expect(await store.verifyToken(token)).toBeUndefined();
      expect((await store.getToken(record.id))?.revokedAt).not.toBeNull();
    } finally {
      await store.close();
    }
  });

  it("keeps projects apart: nothing of one project is found through another's id", async () => {
    const { store } = await open();
    try {
      for (const p of ['kita', 'minami']) {
        await store.createProject(p, p);
        await store.addVersion(version(p, `name: ${p}\n`));
      }
      const check = await store.createCheck({ project: 'kita', version: 1, engine: 'fast', today: '2026-12-03', lang: 'en', submitter: 't' }, 'queued');
      await store.finishCheck(check.id, {}, '{}', 1);
      const stored = await store.addReview(review('kita'));
      expect(await store.getCheck('minami', check.id)).toBeUndefined();
      expect(await store.getCheckResult('minami', check.id)).toBeUndefined();
      expect(await store.getReview('minami', stored.id)).toBeUndefined();
      expect(await store.getReviewRendering('minami', stored.id, 'json')).toBeUndefined();
      expect(await store.listChecks('minami')).toEqual([]);
      expect(await store.getContent('minami', 1)).toBe('name: minami\n');
      expect(await store.counts()).toEqual({ projects: 2, versions: 2, checks: 1, reviews: 1, tokens: 0 });
    } finally {
      await store.close();
    }
  });

  // A database left at every earlier schema version, with a row each table of that version has,
  // opens at the current version with those rows intact.
  for (let from = 0; from < MIGRATIONS.length; from++) {
    it(`migrates a database at schema version ${from} to ${MIGRATIONS.length}, keeping its rows`, async () => {
      const location = await backend.fresh();
      for (const m of MIGRATIONS.slice(0, from)) {
        await backend.exec(location, m.sql);
      }
      if (from > 0) {
        await backend.setSchemaVersion(location, from);
        await backend.raw(location, 'INSERT INTO projects VALUES (?, ?, ?)', ['kita', 'Kita', '2026-11-01T00:00:00.000Z']);
        // The columns named: later migrations add columns of their own (import_id at 4).
        await backend.raw(
          location,
          'INSERT INTO topology_versions (project_id, version, hash, media_type, filename, size, name, model, submitter, created_at, content) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
          ['kita', 1, 'h', 'application/yaml', 'city.yaml', 8, 'city', 'alpha', 'cli', '2026-11-01T00:00:00.000Z', 'name: x\n'],
        );
      }
      const store = await Store.open(location);
      try {
        expect(await store.schemaVersion()).toBe(MIGRATIONS.length);
        if (from > 0) expect(await store.getContent('kita', 1)).toBe('name: x\n');
        // Every table of the newest schema takes its rows.
        await store.createProject('minami', 'Minami');
        await store.addVersion(version('minami', 'name: m\n'));
        const stored = await store.addReview(review('minami', 'reference'));
        expect((await store.getReview('minami', stored.id))?.engine).toBe('reference');
        await store.createJob('import', 'imp_0000000000000001', 'minami', {}, 't');
        expect((await store.startJob('imp_0000000000000001'))?.job.status).toBe('running');
        expect((await store.addVersion(version('minami', 'name: i\n'), 'imp_0000000000000001')).version).toBe(2);
        const check = await store.createCheck({ project: 'minami', version: 1, engine: 'fast', today: '2026-12-03', lang: 'en', submitter: 't' }, 'running');
        await store.finishCheck(check.id, {}, '{}', 1);
        // A check keeps the flows file it was made with (migration 5); one without has none.
        expect(check.flows).toBeNull();
        const flows = { filename: 'kikaku.yaml', text: 'bunkatsu-flows: 1\nintents: []\n' };
        const withFlows = await store.createCheck(
          { project: 'minami', version: 1, engine: 'fast', today: '2026-12-03', lang: 'en', submitter: 't', flows },
          'queued',
        );
        expect((await store.getCheck('minami', withFlows.id))?.flows).toEqual(flows);
        expect((await store.pendingChecks()).find((c) => c.id === withFlows.id)?.flows).toEqual(flows);
        expect((await store.jobStats('2000-01-01T00:00:00.000Z')).check.done).toBe(1);
      } finally {
        await store.close();
      }
      // Opening again migrates nothing more and keeps everything.
      const again = await Store.open(location);
      expect(await again.schemaVersion()).toBe(MIGRATIONS.length);
      expect((await again.listProjects()).length).toBe(from > 0 ? 2 : 1);
      await again.close();
    });
  }

  it('refuses a database of a newer schema than this program, as a usage error', async () => {
    const location = await backend.fresh();
    await (await Store.open(location)).close();
    await backend.setSchemaVersion(location, MIGRATIONS.length + 5);
    const error = await Store.open(location).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).diagnostics[0]).toMatchObject({ code: 'BNK_ERR_USAGE' });
    expect((error as InputError).message).toContain(`schema version ${MIGRATIONS.length + 5}`);
  });
});
