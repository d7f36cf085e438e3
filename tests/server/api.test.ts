// The HTTP API end to end through inject(): projects, versions (YAML and JSON), synchronous
// and asynchronous checks, traces, tokens, health, metrics and the OpenAPI document.

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { main } from '../../src/cli/main.ts';
import { DEFAULT_ENGINE } from '../../src/engine/registry.ts';
import { TODAY } from '../helpers.ts';
import { sample, testServer, type TestServer } from './helpers.ts';

let s: TestServer;
/** A fresh server for each test of the block (the asynchronous checks share one of their own). */
function freshServerPerTest(): void {
  beforeEach(async () => {
    s = await testServer();
  });
  afterEach(async () => {
    await s.close();
  });
}

describe('projects', () => {
  freshServerPerTest();

  it('a server token creates a project; the id must be unique', async () => {
    const created = await s.request(s.tokens.server, { method: 'POST', url: '/projects', payload: { id: 'higashi', name: '東市' } });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ id: 'higashi', name: '東市' });
    const again = await s.request(s.tokens.server, { method: 'POST', url: '/projects', payload: { id: 'higashi' } });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('BNK_ERR_CONFLICT');
    const list = await s.request(s.tokens.server, { method: 'GET', url: '/projects' });
    expect(list.json().projects.map((p: { id: string }) => p.id)).toEqual(['higashi', 'kita', 'minami']);
  });

  it('a project shows its number of versions', async () => {
    await s.upload(s.tokens.kitaSubmit, 'kita', 'topologies/alpha-city.yaml');
    const got = await s.request(s.tokens.kitaRead, { method: 'GET', url: '/projects/kita' });
    expect(got.statusCode).toBe(200);
    expect(got.json()).toMatchObject({ id: 'kita', versions: 1, latest: 1 });
  });
});

describe('topology versions', () => {
  freshServerPerTest();

  it('stores a YAML upload with hash, submitter and time, and returns it as uploaded', async () => {
    const up = await s.upload(s.tokens.kitaSubmit, 'kita', 'topologies/alpha-city.yaml');
    expect(up.statusCode, up.body).toBe(201);
    const v = up.json();
    expect(v).toMatchObject({ project: 'kita', version: 1, mediaType: 'application/yaml', filename: 'topologies/alpha-city.yaml', model: 'alpha' });
    expect(v.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(v.submitter).toBe(s.tokens.kitaSubmit.split('_')[1]);
    expect(up.headers.location).toBe('/projects/kita/versions/1');
    const content = await s.request(s.tokens.kitaRead, { method: 'GET', url: '/projects/kita/versions/1/content' });
    expect(content.headers['content-type']).toMatch(/^application\/yaml/);
    expect(content.body).toBe(sample('topologies/alpha-city.yaml'));
  });

  it('accepts JSON and numbers versions per project; "latest" is the newest', async () => {
    await s.upload(s.tokens.kitaSubmit, 'kita', 'topologies/alpha-city.yaml');
    const json = JSON.stringify(parse(sample('topologies/beta-city.yaml')), null, 2);
    const up = await s.request(s.tokens.kitaSubmit, {
      method: 'POST',
      url: '/projects/kita/versions',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      payload: json,
    });
    expect(up.statusCode).toBe(201);
    expect(up.json()).toMatchObject({ version: 2, mediaType: 'application/json', filename: 'topology.json', model: 'beta' });
    const list = await s.request(s.tokens.kitaRead, { method: 'GET', url: '/projects/kita/versions' });
    expect(list.json().versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    const latest = await s.request(s.tokens.kitaRead, { method: 'GET', url: '/projects/kita/versions/latest' });
    expect(latest.json().version).toBe(2);
    const other = await s.upload(s.tokens.minami, 'minami', 'topologies/alpha-city.yaml');
    expect(other.json().version).toBe(1);
  });
});

describe('checks', () => {
  freshServerPerTest();

  it('runs a normal-size check synchronously, with the same report as the CLI, and stores it', async () => {
    await s.upload(s.tokens.kitaSubmit, 'kita', 'topologies/violations/path-separation.yaml');
    const run = await s.request(s.tokens.kitaReadSubmit, { method: 'POST', url: `/projects/kita/versions/1/checks?today=${TODAY}` });
    expect(run.statusCode).toBe(201);
    const body = run.json();
    expect(body.check).toMatchObject({ status: 'done', version: 1, today: TODAY, progress: { done: 13, total: 13 } });
    expect(body.check.summary.errors).toBeGreaterThan(0);

    const out: string[] = [];
    await main(['check', 'topologies/violations/path-separation.yaml', '--format', 'json', '--today', TODAY], {
      out: (t) => out.push(t),
      err: () => undefined,
    });
    expect(body.report).toEqual(JSON.parse(out.join('\n')));

    const stored = await s.request(s.tokens.kitaRead, { method: 'GET', url: `/projects/kita/checks/${body.check.id}` });
    expect(stored.json()).toEqual(body);
    const list = await s.request(s.tokens.kitaRead, { method: 'GET', url: '/projects/kita/checks' });
    expect(list.json().checks).toHaveLength(1);
    expect(list.json().checks[0].report).toBeUndefined();
  });

  it('selects the engine by name', async () => {
    await s.upload(s.tokens.kitaSubmit, 'kita', 'topologies/alpha-city.yaml');
    const ok = await s.request(s.tokens.kitaSubmit, { method: 'POST', url: `/projects/kita/versions/1/checks?engine=reference&today=${TODAY}` });
    expect(ok.json().check.engine).toBe('reference');
    const bad = await s.request(s.tokens.kitaSubmit, { method: 'POST', url: '/projects/kita/versions/1/checks?engine=warp' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('BNK_ERR_USAGE');
  });
});

describe('asynchronous checks (one server, one worker thread)', () => {
  let a: TestServer;
  beforeAll(async () => {
    a = await testServer({ asyncCheckBytes: 30_000 });
    await a.upload(a.tokens.kitaSubmit, 'kita', 'topologies/alpha-city.yaml');
  });
  afterAll(async () => {
    await a.close();
  });

  it('runs a check with async=true as a job in a worker thread: 202, progress, then the stored report', async () => {
    const run = await a.request(a.tokens.kitaReadSubmit, { method: 'POST', url: `/projects/kita/versions/latest/checks?today=${TODAY}&async=true&lang=ja` });
    expect(run.statusCode).toBe(202);
    const { check } = run.json();
    expect(check.status).toBe('queued');
    expect(run.headers.location).toBe(`/projects/kita/checks/${check.id}`);
    // The server keeps answering while the job runs.
    expect((await a.request(undefined, { method: 'GET', url: '/health' })).statusCode).toBe(200);
    await a.app.jobs.idle();
    const done = (await a.request(a.tokens.kitaRead, { method: 'GET', url: `/projects/kita/checks/${check.id}` })).json();
    expect(done.check).toMatchObject({ status: 'done', lang: 'ja', progress: { done: 13, total: 13 } });
    expect(done.report.summary).toEqual({ errors: 0, warnings: 0, infos: 0, rulesChecked: 13, rulesFailed: 0 });
  });

  it('sends topologies above the size threshold to the job queue without being asked', async () => {
    const small = await a.request(a.tokens.kitaSubmit, { method: 'POST', url: `/projects/kita/versions/1/checks?today=${TODAY}` });
    expect(small.statusCode).toBe(201);
    const padded = `# ${'-'.repeat(10_000)}\n${sample('topologies/alpha-city.yaml')}`;
    const up = await a.request(a.tokens.kitaSubmit, {
      method: 'POST',
      url: '/projects/kita/versions',
      headers: { 'content-type': 'application/yaml' },
      payload: padded,
    });
    expect(up.json().size).toBeGreaterThan(30_000);
    const run = await a.request(a.tokens.kitaSubmit, { method: 'POST', url: `/projects/kita/versions/2/checks?today=${TODAY}` });
    expect(run.statusCode).toBe(202);
    await a.app.jobs.idle();
    expect((await a.store.getCheck('kita', run.json().check.id))?.status).toBe('done');
  });

  it('bounds the job queue: past the limit an asynchronous check gets 429', async () => {
    const one = await testServer({ maxQueuedChecks: 1 });
    try {
      await one.upload(one.tokens.kitaSubmit, 'kita', 'topologies/alpha-city.yaml');
      const url = `/projects/kita/versions/1/checks?today=${TODAY}&async=true`;
      expect((await one.request(one.tokens.kitaSubmit, { method: 'POST', url })).statusCode).toBe(202);
      const full = await one.request(one.tokens.kitaSubmit, { method: 'POST', url });
      expect(full.json()).toMatchObject({ statusCode: 429, code: 'BNK_ERR_RATE_LIMITED' });
      expect(await one.store.listChecks('kita')).toHaveLength(1);
    } finally {
      await one.close();
    }
  });

  it('runs the checks a stopped server had accepted but not finished (what start-up does)', async () => {
    const left = await a.store.createCheck({ project: 'kita', version: 1, engine: 'reference', today: TODAY, lang: 'en', submitter: 'x' }, 'queued');
    const stale = await a.store.createCheck({ project: 'kita', version: 1, engine: 'reference', today: TODAY, lang: 'en', submitter: 'x' }, 'running');
    expect(await a.app.jobs.resume()).toBe(2);
    await a.app.jobs.idle();
    expect((await a.store.getCheck('kita', left.id))?.status).toBe('done');
    expect((await a.store.getCheck('kita', stale.id))?.status).toBe('done');
  });
});

describe('trace', () => {
  freshServerPerTest();

  it('answers like `bunkatsu trace --format json`', async () => {
    await s.upload(s.tokens.kitaSubmit, 'kita', 'topologies/alpha-city.yaml');
    const args = ['mn-atena-server', 'chukan-server', 'tcp/10443'];
    const got = await s.request(s.tokens.kitaRead, {
      method: 'GET',
      url: `/projects/kita/versions/1/trace?src=${args[0]}&dst=${args[1]}&service=${encodeURIComponent(args[2]!)}&lang=ja`,
    });
    expect(got.statusCode).toBe(200);
    const out: string[] = [];
    await main(['trace', 'topologies/alpha-city.yaml', ...args, '--format', 'json', '--lang', 'ja'], { out: (t) => out.push(t), err: () => undefined });
    const cli = JSON.parse(out.join('\n'));
    expect(got.json()).toEqual({ ...cli, engine: DEFAULT_ENGINE });
  });

  it('refuses an unknown host or service with 400 and says which', async () => {
    await s.upload(s.tokens.kitaSubmit, 'kita', 'topologies/alpha-city.yaml');
    const got = await s.request(s.tokens.kitaRead, { method: 'GET', url: '/projects/kita/versions/1/trace?src=nowhere&dst=lg-file-server&service=smb' });
    expect(got.statusCode).toBe(400);
    expect(got.json().code).toBe('BNK_ERR_USAGE');
    expect(got.json().message).toContain('nowhere');
  });
});

describe('zone matrix', () => {
  freshServerPerTest();

  it('answers like `bunkatsu matrix` in JSON and CSV, by zone or by domain', async () => {
    await s.upload(s.tokens.kitaSubmit, 'kita', 'topologies/violations/path-separation.yaml');
    for (const [level, format, lang] of [
      ['zone', 'json', 'en'],
      ['domain', 'json', 'en'],
      ['domain', 'csv', 'en'],
      ['zone', 'csv', 'ja'],
    ] as const) {
      const got = await s.request(s.tokens.kitaRead, { method: 'GET', url: `/projects/kita/versions/1/matrix?level=${level}&format=${format}&lang=${lang}` });
      expect(got.statusCode).toBe(200);
      const out: string[] = [];
      await main(['matrix', 'topologies/violations/path-separation.yaml', '--level', level, '--format', format, '--lang', lang], {
        out: (t) => out.push(t),
        err: () => undefined,
      });
      if (format === 'json') expect(got.json()).toEqual(JSON.parse(out.join('\n')));
      else {
        expect(got.headers['content-type']).toMatch(/^text\/csv/);
        expect(got.body.trimEnd()).toBe(out.join('\n').trimEnd());
      }
    }
    const bad = await s.request(s.tokens.kitaRead, { method: 'GET', url: '/projects/kita/versions/1/matrix?level=planet' });
    expect(bad.json().code).toBe('BNK_ERR_USAGE');
  });
});

describe('zone graph', () => {
  freshServerPerTest();

  it("answers the library's zoneGraph of the stored version, with the pack's domain names; read scope; another project's token gets 404", async () => {
    await s.upload(s.tokens.kitaSubmit, 'kita', 'topologies/alpha-city.yaml');
    const got = await s.request(s.tokens.kitaRead, { method: 'GET', url: '/projects/kita/versions/latest/graph' });
    expect(got.statusCode).toBe(200);
    const graph = got.json();
    // alpha-city.yaml: 14 zones and 12 devices; hosts are never nodes.
    expect(graph.nodes).toHaveLength(26);
    expect(graph.bands.map((b: { id: string }) => b.id)).toEqual(['mynumber', 'lgwan', 'internet', 'external']);
    expect(graph.domains.mynumber).toEqual({ ja: 'マイナンバー利用事務系', en: 'My Number business systems' });
    expect(graph.channels).toContainEqual({
      sanitizer: 'san-file',
      method: 'file-sanitization',
      from: 'inet-sanitize',
      to: ['lg-servers'],
      services: ['tcp/445'],
    });
    expect((await s.request(undefined, { method: 'GET', url: '/projects/kita/versions/1/graph' })).statusCode).toBe(401);
    expect((await s.request(s.tokens.kitaSubmit, { method: 'GET', url: '/projects/kita/versions/1/graph' })).statusCode).toBe(403);
    expect((await s.request(s.tokens.minami, { method: 'GET', url: '/projects/kita/versions/1/graph' })).statusCode).toBe(404);
    expect((await s.request(s.tokens.kitaRead, { method: 'GET', url: '/projects/kita/versions/9/graph' })).json().code).toBe('BNK_ERR_NOT_FOUND');
  });
});

describe('tokens over the API', () => {
  freshServerPerTest();

  it("a project's admin token creates, lists and revokes the project's tokens", async () => {
    const created = await s.request(s.tokens.kitaAdmin, { method: 'POST', url: '/projects/kita/tokens', payload: { name: 'ci', scopes: ['read'] } });
    expect(created.statusCode).toBe(201);
    const { id, token } = created.json();
    expect(token).toMatch(/^bnk_[0-9a-f]{16}_/);
    expect((await s.request(token, { method: 'GET', url: '/projects/kita/versions' })).statusCode).toBe(200);
    const list = await s.request(s.tokens.kitaAdmin, { method: 'GET', url: '/projects/kita/tokens' });
    expect(JSON.stringify(list.json())).not.toContain(token.slice(21));
    expect(list.json().tokens.map((t: { id: string }) => t.id)).toContain(id);
    expect((await s.request(s.tokens.kitaAdmin, { method: 'DELETE', url: `/projects/kita/tokens/${id}` })).statusCode).toBe(204);
    expect((await s.request(token, { method: 'GET', url: '/projects/kita/versions' })).statusCode).toBe(401);
  });
});

describe('health, metrics, OpenAPI', () => {
  freshServerPerTest();

  it('/health needs no token', async () => {
    const got = await s.request(undefined, { method: 'GET', url: '/health' });
    expect(got.json()).toMatchObject({ status: 'ok' });
  });

  it('/metrics counts requests and needs a server token', async () => {
    await s.request(undefined, { method: 'GET', url: '/health' });
    expect((await s.request(s.tokens.kitaAdmin, { method: 'GET', url: '/metrics' })).statusCode).toBe(403);
    const got = (await s.request(s.tokens.server, { method: 'GET', url: '/metrics' })).json();
    expect(got.requests.total).toBeGreaterThanOrEqual(2);
    expect(got.stored.projects).toBe(2);
    expect(got.memory.rssBytes).toBeGreaterThan(0);
  });

  it('serves the OpenAPI document with every route, and the UI at /docs', async () => {
    const doc = (await s.request(undefined, { method: 'GET', url: '/docs/json' })).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/health',
      '/metrics',
      '/projects',
      '/projects/{project}',
      '/projects/{project}/checks',
      '/projects/{project}/checks/{check}',
      '/projects/{project}/checks/{check}/report.html',
      '/projects/{project}/imports',
      '/projects/{project}/imports/{import}',
      '/projects/{project}/reviews',
      '/projects/{project}/reviews/{review}',
      '/projects/{project}/tokens',
      '/projects/{project}/tokens/{token}',
      '/projects/{project}/versions',
      '/projects/{project}/versions/{version}',
      '/projects/{project}/versions/{version}/checks',
      '/projects/{project}/versions/{version}/content',
      '/projects/{project}/versions/{version}/graph',
      '/projects/{project}/versions/{version}/matrix',
      '/projects/{project}/versions/{version}/reviews',
      '/projects/{project}/versions/{version}/trace',
    ]);
    const ui = await s.request(undefined, { method: 'GET', url: '/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toMatch(/text\/html/);
  });
});
