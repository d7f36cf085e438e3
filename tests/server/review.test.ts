// Reviews over HTTP: a change file submitted against a stored version is reviewed as
// `bunkatsu review` does it, stored with its JSON, SARIF and Markdown renderings, and read back.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { MIGRATIONS } from '../../src/store/migrations.ts';
import { Store } from '../../src/store/store.ts';
import { sample, testServer, type TestServer } from './helpers.ts';

let s: TestServer;
beforeAll(async () => {
  s = await testServer();
  expect((await s.upload(s.tokens.kitaSubmit, 'kita', 'topologies/alpha-city.yaml')).statusCode).toBe(201);
  expect((await s.upload(s.tokens.minami, 'minami', 'topologies/alpha-city.yaml')).statusCode).toBe(201);
});
afterAll(async () => {
  await s.close();
});

const TODAY = '2026-11-25';

function submit(token: string, relative: string, options: { project?: string; version?: string; text?: string; contentType?: string; engine?: string } = {}) {
  const {
    project = 'kita',
    version = 'latest',
    text = sample(relative),
    contentType = relative.endsWith('.json') ? 'application/json' : 'application/yaml',
  } = options;
  const engine = options.engine === undefined ? '' : `&engine=${options.engine}`;
  return s.request(token, {
    method: 'POST',
    url: `/projects/${project}/versions/${version}/reviews?today=${TODAY}&filename=${encodeURIComponent(relative)}${engine}`,
    headers: { 'content-type': contentType },
    payload: text,
  });
}

describe('POST /projects/:project/versions/:version/reviews', async () => {
  let id = '';

  it('reviews remove-asp-rule: 201, reject, stored with a Location', async () => {
    const prepared = s.app.reviewBases.prepared;
    const got = await submit(s.tokens.kitaSubmit, 'topologies/changes/remove-asp-rule.yaml');
    expect(got.statusCode).toBe(201);
    const body = got.json();
    expect(body).toMatchObject({
      id: expect.stringMatching(/^rev_[0-9a-f]{16}$/),
      project: 'kita',
      version: 1,
      verdict: 'reject',
      today: TODAY,
      lang: 'en',
      filename: 'topologies/changes/remove-asp-rule.yaml',
      changeHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      recompute: { mode: expect.any(String), reason: expect.any(String) },
      summary: { en: expect.any(String), ja: expect.any(String) },
    });
    expect(got.headers.location).toBe(`/projects/kita/reviews/${body.id}`);
    expect(s.app.reviewBases.prepared).toBe(prepared + 1);
    id = body.id;
  });

  it('GET ?format=json: the review report, with the broken intent', async () => {
    const got = await s.request(s.tokens.kitaRead, { method: 'GET', url: `/projects/kita/reviews/${id}?format=json` });
    expect(got.statusCode).toBe(200);
    expect(got.headers['content-type']).toBe('application/json; charset=utf-8');
    const json = got.json();
    expect(json).toMatchObject({ kind: 'review', verdict: 'reject', before: { file: 'topologies/alpha-city.yaml' } });
    expect(json.intentsBroken.map((i: { intent: string }) => i.intent)).toContain('use-lgwan-asp');
    // json is the default format
    expect((await s.request(s.tokens.kitaRead, { method: 'GET', url: `/projects/kita/reviews/${id}` })).body).toBe(got.body);
  });

  it('GET ?format=sarif: SARIF 2.1.0', async () => {
    const got = await s.request(s.tokens.kitaRead, { method: 'GET', url: `/projects/kita/reviews/${id}?format=sarif` });
    expect(got.statusCode).toBe(200);
    expect(got.headers['content-type']).toBe('application/sarif+json; charset=utf-8');
    const sarif = JSON.parse(got.body);
    expect(sarif.version).toBe('2.1.0');
    expect(JSON.stringify(sarif.runs[0].results)).toContain('use-lgwan-asp');
  });

  it('GET ?format=markdown: Markdown naming the broken intent', async () => {
    const got = await s.request(s.tokens.kitaRead, { method: 'GET', url: `/projects/kita/reviews/${id}?format=markdown` });
    expect(got.statusCode).toBe(200);
    expect(got.headers['content-type']).toBe('text/markdown; charset=utf-8');
    expect(got.body).toContain('use-lgwan-asp');
  });

  it('an unknown format is a 400', async () => {
    const got = await s.request(s.tokens.kitaRead, { method: 'GET', url: `/projects/kita/reviews/${id}?format=junit` });
    expect(got.statusCode).toBe(400);
    expect(got.json().code).toBe('BNK_ERR_USAGE');
  });

  it('gcloud-line (structural change, JSON body by version number): reject with a path-separation finding; the base is reused', async () => {
    const prepared = s.app.reviewBases.prepared;
    const change = JSON.stringify(parseYaml(sample('topologies/changes/gcloud-line.yaml')));
    const got = await submit(s.tokens.kitaReadSubmit, 'gcloud-line.json', { version: '1', text: change, contentType: 'application/json' });
    expect(got.statusCode).toBe(201);
    expect(got.json()).toMatchObject({ verdict: 'reject', version: 1, filename: 'gcloud-line.json' });
    expect(s.app.reviewBases.prepared).toBe(prepared); // same version and date: no new base
    const json = (await s.request(s.tokens.kitaRead, { method: 'GET', url: `/projects/kita/reviews/${got.json().id}` })).json();
    expect(json.findingsIntroduced.map((f: { rule: string }) => f.rule)).toContain('path-separation');
  });

  it('GET /projects/:project/reviews lists them, oldest first', async () => {
    const got = await s.request(s.tokens.kitaRead, { method: 'GET', url: '/projects/kita/reviews' });
    expect(got.statusCode).toBe(200);
    const list = got.json().reviews as { id: string; version: number; verdict: string; createdAt: string; submitter: string }[];
    expect(list).toHaveLength(2);
    expect(list[0]).toMatchObject({ id, version: 1, verdict: 'reject', createdAt: expect.any(String), submitter: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(list.map((r) => r.verdict)).toEqual(['reject', 'reject']);
  });
});

describe('bad change files: 4xx with file:line:column, and the server keeps serving', async () => {
  const unknownRule = ['bunkatsu-change: 1', 'changes:', '  - remove-rule: { device: lg-edge-fw, rule: no-such-rule }', ''].join('\n');

  it('remove-rule of an unknown rule: 422 BNK_ERR_UNKNOWN_REF at the change file', async () => {
    const got = await submit(s.tokens.kitaSubmit, 'changes/bad.yaml', { text: unknownRule });
    expect(got.statusCode).toBe(422);
    const body = got.json();
    expect(body.code).toBe('BNK_ERR_UNKNOWN_REF');
    expect(body.diagnostics[0]).toMatchObject({
      code: 'BNK_ERR_UNKNOWN_REF',
      file: 'changes/bad.yaml',
      line: 3,
      location: expect.stringMatching(/^changes\/bad\.yaml:3:\d+$/),
    });
    expect(body.diagnostics[0].message).toContain('no-such-rule');
  });

  it('an unknown device of a structural change: 422 with its location', async () => {
    const text = 'bunkatsu-change: 1\nchanges:\n  - add-route: { device: no-such-fw, prefix: 10.9.0.0/16, interface: core1 }\n';
    const got = await submit(s.tokens.kitaSubmit, 'changes/route.yaml', { text });
    expect(got.statusCode).toBe(422);
    expect(got.json().diagnostics[0].location).toMatch(/^changes\/route\.yaml:3:\d+$/);
  });

  it('YAML syntax error: 400 BNK_ERR_SYNTAX with line:column', async () => {
    const got = await submit(s.tokens.kitaSubmit, 'changes/syntax.yaml', { text: 'bunkatsu-change: 1\nchanges: [\n  - { remove-rule: \n' });
    expect(got.statusCode).toBe(400);
    expect(got.json().code).toBe('BNK_ERR_SYNTAX');
    expect(got.json().diagnostics[0].location).toMatch(/^changes\/syntax\.yaml:\d+:\d+$/);
  });

  it('a whole topology is not a change file: 422 BNK_ERR_SCHEMA', async () => {
    const got = await submit(s.tokens.kitaSubmit, 'topologies/alpha-city.yaml');
    expect(got.statusCode).toBe(422);
    expect(got.json().code).toBe('BNK_ERR_SCHEMA');
    expect(got.json().diagnostics[0]).toMatchObject({ location: 'topologies/alpha-city.yaml:1:1', message: expect.stringContaining('not a change file') });
  });

  it('empty body: 400; unsupported content type: 415', async () => {
    expect((await submit(s.tokens.kitaSubmit, 'changes/empty.yaml', { text: '' })).statusCode).toBe(400);
    expect((await submit(s.tokens.kitaSubmit, 'changes/x.txt', { text: 'x', contentType: 'text/plain' })).statusCode).toBe(415);
  });

  it('unknown version or review: 404', async () => {
    expect((await submit(s.tokens.kitaSubmit, 'topologies/changes/remove-asp-rule.yaml', { version: '9' })).statusCode).toBe(404);
    expect((await s.request(s.tokens.kitaRead, { method: 'GET', url: '/projects/kita/reviews/rev_0000000000000000' })).statusCode).toBe(404);
  });

  it('nothing of a refused review is stored, and the server still reviews', async () => {
    const before = (await s.store.listReviews('kita')).length;
    expect((await submit(s.tokens.kitaSubmit, 'topologies/changes/remove-asp-rule.yaml')).statusCode).toBe(201);
    expect(await s.store.listReviews('kita')).toHaveLength(before + 1);
    expect((await s.request(undefined, { method: 'GET', url: '/health' })).statusCode).toBe(200);
  });
});

describe('auth', async () => {
  it("another project's token gets 404 on every review route", async () => {
    const [review] = await s.store.listReviews('kita');
    expect((await submit(s.tokens.minami, 'topologies/changes/remove-asp-rule.yaml')).statusCode).toBe(404);
    expect((await s.request(s.tokens.minami, { method: 'GET', url: '/projects/kita/reviews' })).statusCode).toBe(404);
    expect((await s.request(s.tokens.minami, { method: 'GET', url: `/projects/kita/reviews/${review!.id}` })).statusCode).toBe(404);
    // nor is a review reachable through the token's own project
    expect((await s.request(s.tokens.minami, { method: 'GET', url: `/projects/minami/reviews/${review!.id}` })).statusCode).toBe(404);
  });

  it('a read-only token cannot submit a review (403), a submit-only token cannot read one (403)', async () => {
    const got = await submit(s.tokens.kitaRead, 'topologies/changes/remove-asp-rule.yaml');
    expect(got.statusCode).toBe(403);
    expect(got.json().code).toBe('BNK_ERR_FORBIDDEN');
    expect((await s.request(s.tokens.kitaSubmit, { method: 'GET', url: '/projects/kita/reviews' })).statusCode).toBe(403);
  });

  it('no token: 401', async () => {
    expect((await s.request(undefined, { method: 'GET', url: '/projects/kita/reviews' })).statusCode).toBe(401);
  });
});

describe('OpenAPI', async () => {
  it('lists the review routes', async () => {
    const doc = (await s.request(undefined, { method: 'GET', url: '/docs/json' })).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/projects/{project}/versions/{version}/reviews', '/projects/{project}/reviews', '/projects/{project}/reviews/{review}']),
    );
    expect(doc.paths['/projects/{project}/versions/{version}/reviews'].post.responses['201']).toBeDefined();
  });
});

describe('storage', async () => {
  it('a database of schema 1 gains the reviews table on open (migration 2), keeping its data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bnk-review-'));
    try {
      const file = join(dir, 'v1.db');
      const db = new Database(file);
      db.exec(MIGRATIONS[0]!.sql);
      db.pragma('user_version = 1');
      db.prepare("INSERT INTO projects (id, name, created_at) VALUES ('kita', 'Kita', '2026-01-01T00:00:00.000Z')").run();
      db.close();
      const store = await Store.open(file);
      try {
        expect((await store.getProject('kita'))?.name).toBe('Kita');
        expect(await store.listReviews('kita')).toEqual([]);
        expect((await store.counts()).reviews).toBe(0);
      } finally {
        await store.close();
      }
      const again = new Database(file);
      expect(again.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('every rendering is stored with the review', async () => {
    const [review] = await s.store.listReviews('kita');
    for (const format of ['json', 'sarif', 'markdown'] as const)
      expect(await s.store.getReviewRendering('kita', review!.id, format)).toContain('use-lgwan-asp');
  });
});

describe('?engine=: a review on any engine of the registry', () => {
  const change = 'topologies/changes/remove-asp-rule.yaml';
  const report = async (id: string) => (await s.request(s.tokens.minami, { method: 'GET', url: `/projects/minami/reviews/${id}` })).json();

  // minami's version is the same text as kita's: the fast base of the kita reviews above serves it.
  it('engine=reference: the same verdict and broken intent, recomputed in full; a base of its own', async () => {
    const prepared = s.app.reviewBases.prepared;
    const got = await submit(s.tokens.minami, change, { project: 'minami', engine: 'reference' });
    expect(got.statusCode).toBe(201);
    // The stored record names its engine as well as the report does.
    expect(got.json()).toMatchObject({
      verdict: 'reject',
      engine: 'reference',
      recompute: { mode: 'full', reason: 'the reference engine recomputes every header' },
    });
    expect(s.app.reviewBases.prepared).toBe(prepared + 1);
    const json = await report(got.json().id);
    expect(json.engine).toBe('reference');
    expect(json.intentsBroken.map((i: { intent: string }) => i.intent)).toEqual(['use-lgwan-asp']);
  });

  it('engine=fast (as by default): incremental, on the fast base; reference again reuses its own', async () => {
    const prepared = s.app.reviewBases.prepared;
    const fast = await submit(s.tokens.minami, change, { project: 'minami', engine: 'fast' });
    expect(fast.statusCode).toBe(201);
    expect(fast.json()).toMatchObject({ verdict: 'reject', engine: 'fast', recompute: { mode: 'incremental' } });
    expect((await report(fast.json().id)).engine).toBe('fast');
    expect((await submit(s.tokens.minami, change, { project: 'minami', engine: 'reference' })).json().recompute.mode).toBe('full');
    expect(s.app.reviewBases.prepared).toBe(prepared);
  });

  it('an unknown engine: 400 BNK_ERR_USAGE naming the engines, and nothing stored', async () => {
    const before = (await s.store.listReviews('minami')).length;
    const got = await submit(s.tokens.minami, change, { project: 'minami', engine: 'warp' });
    expect(got.statusCode).toBe(400);
    expect(got.json()).toMatchObject({ code: 'BNK_ERR_USAGE', message: expect.stringContaining('fast, reference') });
    expect(await s.store.listReviews('minami')).toHaveLength(before);
  });
});

describe('reviews with SQLite', () => {
  it('with SQLite a review runs in the request whatever the client prefers: Prefer: respond-async still gets 201 with the verdict', async () => {
    const got = await s.request(s.tokens.kitaSubmit, {
      method: 'POST',
      url: `/projects/kita/versions/latest/reviews?today=${TODAY}&filename=remove-asp-rule.yaml`,
      headers: { 'content-type': 'application/yaml', prefer: 'respond-async' },
      payload: sample('topologies/changes/remove-asp-rule.yaml'),
    });
    expect(got.statusCode).toBe(201);
    expect(got.json().verdict).toBe('reject');
    expect(got.headers['preference-applied']).toBeUndefined();
  });
});
