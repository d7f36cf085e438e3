// Imports through the API (POST /projects/{p}/imports): configurations sent as JSON become a job
// in the server's pool (SQLite here; tests/server/postgres-jobs.test.ts runs them on workers),
// composed as `bunkatsu import` does and stored as the project's next version.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMPORTED_CITY, sample, type TestServer, testServer } from './helpers.ts';

const D = 'topologies/imported';

let s: TestServer;
beforeAll(async () => {
  s = await testServer();
});
afterAll(async () => {
  await s.close();
});

async function finished(token: string, location: string): Promise<Record<string, unknown>> {
  for (;;) {
    const r = await s.request(token, { method: 'GET', url: location });
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json();
    if (body.status === 'done' || body.status === 'failed') return body;
    await new Promise((done) => setTimeout(done, 50));
  }
}

const post = (token: string, project: string, payload: unknown) =>
  s.request(token, { method: 'POST', url: `/projects/${project}/imports`, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(payload) });

describe('imports through the API (SQLite: the server runs the job)', () => {
  it('imports the sample city into a version whose check passes 13 of 13 rules, with the skipped-sections summary', async () => {
    const queued = await post(s.tokens.kitaReadSubmit, 'kita', IMPORTED_CITY);
    expect(queued.statusCode, queued.body).toBe(202);
    expect(queued.json()).toMatchObject({ status: 'queued', project: 'kita' });
    const location = queued.headers.location as string;
    expect(location).toMatch(/^\/projects\/kita\/imports\/imp_[0-9a-f]{16}$/);
    const done = await finished(s.tokens.kitaReadSubmit, location);
    expect(done).toMatchObject({ status: 'done', version: 1, warnings: [] });
    // The CLI says the same on stderr: "topologies/imported/inet-gw.rules: 3 sections skipped that cannot affect forwarding ("*filter -A INPUT" 3)".
    expect(done.skipped).toEqual([
      {
        file: `${D}/inet-gw.rules`,
        total: 3,
        en: `${D}/inet-gw.rules: 3 sections skipped that cannot affect forwarding ("*filter -A INPUT" 3)`,
        ja: `${D}/inet-gw.rules: 転送に影響しない設定 3 件を読み飛ばしました（"*filter -A INPUT" 3）`,
      },
    ]);
    // The same topology the CLI wrote to topologies/imported/city.yaml; only the header's "by" differs.
    const content = await s.request(s.tokens.kitaRead, { method: 'GET', url: '/projects/kita/versions/1/content' });
    const body = (text: string) => text.split('\n').slice(1).join('\n');
    expect(body(content.body)).toBe(body(sample(`${D}/city.yaml`)));
    expect(content.body.split('\n')[0]).toContain('imported by `POST /projects/{project}/imports`');
    const version = (await s.request(s.tokens.kitaRead, { method: 'GET', url: '/projects/kita/versions/1' })).json();
    expect(version).toMatchObject({ filename: 'imported.yaml', name: '取込市 ネットワーク（機器設定から取り込み、αモデル）', model: 'alpha' });
    const check = await s.request(s.tokens.kitaReadSubmit, { method: 'POST', url: '/projects/kita/versions/1/checks?today=2026-12-03' });
    expect(check.statusCode, check.body).toBe(201);
    expect(check.json().report.summary).toMatchObject({ errors: 0, warnings: 0, rulesChecked: 13, rulesFailed: 0 });
  });

  it('stores a configuration error as a failed import with every diagnostic at its place, in both languages; no version', async () => {
    // Policy at fw01.conf line 83 names an address that is not defined.
    const broken = sample(`${D}/fw01.conf`).replace('set dstaddr "lg-file-server"', 'set dstaddr "lg-file-servr"');
    const payload = { ...IMPORTED_CITY, configs: IMPORTED_CITY.configs.map((c) => (c.vendor === 'fortigate' ? { ...c, text: broken } : c)) };
    const queued = await post(s.tokens.minami, 'minami', payload);
    expect(queued.statusCode, queued.body).toBe(202);
    const failed = await finished(s.tokens.minami, queued.headers.location as string);
    expect(failed.status).toBe('failed');
    const error = failed.error as { statusCode: number; code: string; message: string; diagnostics: Record<string, unknown>[] };
    expect(error).toMatchObject({ statusCode: 422, code: 'BNK_ERR_UNKNOWN_REF' });
    expect(error.diagnostics[0]).toMatchObject({ code: 'BNK_ERR_UNKNOWN_REF', file: `${D}/fw01.conf`, line: 83 });
    const text = error.diagnostics[0]!.text as { en: string; ja: string };
    expect(text.en).toMatch(new RegExp(`^${D}/fw01\\.conf:83:\\d+ BNK_ERR_UNKNOWN_REF address "lg-file-servr" is not defined`));
    expect(text.ja).toContain('BNK_ERR_UNKNOWN_REF');
    expect(text.ja).toMatch(/[ぁ-んァ-ン一-龥]/);
    expect((await s.request(s.tokens.minami, { method: 'GET', url: '/projects/minami/versions' })).json().versions).toEqual([]);
  });

  it('under strict, a warning fails the import (BNK_ERR_IMPORT_STRICT at its line, in both languages); without it, the warning is reported', async () => {
    // An RTX with filters bound but no dynamic filter: the importer warns at the first binding (line 3).
    const rtx = { vendor: 'rtx', file: 'w.conf', text: 'ip lan1 address 192.168.10.1/24\nip filter 1 pass * * tcp * www\nip lan1 secure filter in 1\n' };
    const strict = await finished(s.tokens.minami, (await post(s.tokens.minami, 'minami', { configs: [rtx], strict: true })).headers.location as string);
    expect(strict).toMatchObject({ status: 'failed', error: { statusCode: 422, code: 'BNK_ERR_IMPORT_STRICT' } });
    const d = (strict.error as { diagnostics: { location: string; text: { en: string; ja: string } }[] }).diagnostics[0]!;
    expect(d.location).toBe('w.conf:3:1');
    expect(d.text.en).toBe(
      'w.conf:3:1 BNK_ERR_IMPORT_STRICT ' +
        'no dynamic filter is bound: RTX then passes replies only through static filters (e.g. established); bunkatsu reads every firewall as stateful, so a reply the router drops is not seen (an error under strict)',
    );
    expect(d.text.ja).toContain('動的フィルタが適用されていません');
    const site = {
      file: 'site.yaml',
      text: 'bunkatsu-site: 1\nname: w\nmodel: alpha\nzones:\n  - { id: office, name: office, domain: lgwan, interfaces: [w:lan1], devices: [w] }\n',
    };
    const lenient = await finished(
      s.tokens.minami,
      (await post(s.tokens.minami, 'minami', { configs: [rtx], site, filename: 'w.json' })).headers.location as string,
    );
    expect(lenient.status).toBe('done');
    expect(lenient.warnings).toEqual([
      expect.objectContaining({
        location: 'w.conf:3:1',
        en: expect.stringMatching(/^w\.conf:3:1 warning: no dynamic filter/),
        ja: expect.stringMatching(/^w\.conf:3:1 警告: 動的フィルタ/),
      }),
    ]);
    const version = (await s.request(s.tokens.minami, { method: 'GET', url: `/projects/minami/versions/${lenient.version}` })).json();
    expect(version).toMatchObject({ filename: 'w.json', mediaType: 'application/json' });
  });

  it('takes the same tokens and keeps projects apart as every other route', async () => {
    const payload = { configs: [{ vendor: 'rtx', file: 'r.conf', text: 'ip lan1 address 192.168.10.1/24\n' }] };
    expect((await post(s.tokens.kitaRead, 'kita', payload)).statusCode).toBe(403);
    expect((await post(s.tokens.minami, 'kita', payload)).statusCode).toBe(404);
    expect((await s.request(undefined, { method: 'POST', url: '/projects/kita/imports', payload })).statusCode).toBe(401);
    const queued = await post(s.tokens.kitaSubmit, 'kita', payload);
    expect(queued.statusCode).toBe(202);
    const id = queued.json().id as string;
    // Another project's token cannot see it, even with the right id.
    expect((await s.request(s.tokens.minami, { method: 'GET', url: `/projects/minami/imports/${id}` })).statusCode).toBe(404);
    expect((await s.request(s.tokens.minami, { method: 'GET', url: `/projects/kita/imports/${id}` })).statusCode).toBe(404);
    await finished(s.tokens.kitaRead, `/projects/kita/imports/${id}`);
    const list = (await s.request(s.tokens.kitaRead, { method: 'GET', url: '/projects/kita/imports' })).json().imports as { id: string }[];
    expect(list.map((i) => i.id)).toContain(id);
    expect(
      (await s.request(s.tokens.minami, { method: 'GET', url: '/projects/minami/imports' })).json().imports.map((i: { id: string }) => i.id),
    ).not.toContain(id);
  });

  it('refuses bad requests before any job: nothing to import, an unknown vendor, too many files, a body over the upload limit', async () => {
    const t = s.tokens.minami;
    const nothing = await post(t, 'minami', { configs: [] });
    expect(nothing.statusCode).toBe(400);
    expect(nothing.json()).toMatchObject({ code: 'BNK_ERR_USAGE', message: expect.stringContaining('nothing to import') });
    const vendor = await post(t, 'minami', { configs: [{ vendor: 'cisco-ios', file: 'a.conf', text: 'x' }] });
    expect(vendor.statusCode).toBe(400);
    expect(vendor.json().code).toBe('BNK_ERR_USAGE');
    const many = await post(t, 'minami', { configs: Array.from({ length: 257 }, (_, i) => ({ vendor: 'rtx', file: `r${i}.conf`, text: 'x' })) });
    expect(many.statusCode).toBe(400);
    const hosts = Array.from({ length: 100 }, (_, i) => ({
      vendor: 'iptables',
      file: `h${i}.rules`,
      text: 'x',
      addresses: { file: 'a', text: '' },
      routes: { file: 'r', text: '' },
    }));
    const tooMany = await post(t, 'minami', { configs: hosts });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().message).toBe('300 files in one import; at most 256');
    const small = await testServer({ uploadLimit: 1024 });
    try {
      const big = await small.request(small.tokens.minami, {
        method: 'POST',
        url: '/projects/minami/imports',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ configs: [{ vendor: 'rtx', file: 'r.conf', text: 'x'.repeat(2048) }] }),
      });
      expect(big.statusCode).toBe(413);
      expect(big.json().code).toBe('BNK_ERR_FILE_TOO_LARGE');
    } finally {
      await small.close();
    }
    expect((await s.request(t, { method: 'GET', url: '/projects/minami/imports' })).json().imports.length).toBeGreaterThan(0);
  });

  it('runs the imports a stopped server had accepted but not finished (what start-up does)', async () => {
    const input = { ...IMPORTED_CITY, filename: 'resumed.yaml' };
    const left = await s.store.createJob('import', 'imp_00000000000000f1', 'minami', input, 'x');
    await s.store.createJob('import', 'imp_00000000000000f2', 'minami', input, 'x');
    await s.store.startJob('imp_00000000000000f2'); // taken by the stopped server: running
    expect(await s.app.jobs.resume()).toBe(2);
    await s.app.jobs.idle();
    const [a, b] = [await s.store.getJob('minami', left.id), await s.store.getJob('minami', 'imp_00000000000000f2')];
    expect([a?.status, b?.status]).toEqual(['done', 'done']);
    expect(b?.attempts).toBe(2);
    // Two imports, two versions, each stored once.
    const versions = (await s.store.listVersions('minami')).filter((v) => v.filename === 'resumed.yaml');
    const made = [a!, b!].map((job) => (job.result as { version: number }).version).sort((x, y) => x - y);
    expect(versions.map((v) => v.version)).toEqual(made);
  });

  it('bounds the imports waiting: past the limit, 429', async () => {
    const small = await testServer({ maxQueuedChecks: 1 });
    try {
      // Stored as queued but not given to the server's queue: it stays pending.
      await small.store.createJob('import', 'imp_00000000000000a9', 'kita', { configs: [], filename: 'x.yaml' }, 'x');
      const refused = await small.request(small.tokens.kitaSubmit, {
        method: 'POST',
        url: '/projects/kita/imports',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify(IMPORTED_CITY),
      });
      expect(refused.statusCode).toBe(429);
      expect(refused.json()).toMatchObject({
        code: 'BNK_ERR_RATE_LIMITED',
        message: '1 imports are queued or running (the limit); retry when one has finished',
      });
      expect(refused.headers['retry-after']).toBe('30');
    } finally {
      await small.close();
    }
  });

  it('/metrics counts the imports by outcome, from the database', async () => {
    // Earlier in this file: the sample city, the RTX with its site file and the two resumed ones (done); the broken FortiGate, the
    // strict RTX and the RTX of the isolation test, sent without a site file so that its topology has no zone (failed).
    const metrics = (await s.request(s.tokens.server, { method: 'GET', url: '/metrics' })).json().jobs;
    expect(metrics.windowSeconds).toBe(3600);
    expect(metrics.byKind.import).toMatchObject({ queued: 0, running: 0, done: 4, failed: 3 });
    expect(metrics.byKind.import.p95Ms).toBeGreaterThanOrEqual(metrics.byKind.import.p50Ms);
    // With SQLite a review runs in the request: no review jobs.
    expect(metrics.byKind.review).toEqual({ queued: 0, running: 0, done: 0, failed: 0, p50Ms: null, p95Ms: null });
    expect(metrics.byKind.check.done).toBe(1);
  });
});
