// The audit report of a stored check over the API: the same bytes as `bunkatsu check --format
// html` on the same file and date, sent as a download, behind the read scope of its project.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { TODAY } from '../helpers.ts';
import { testServer, type TestServer } from './helpers.ts';

const FILE = 'topologies/violations/path-separation.yaml';

async function cliHtml(lang: 'ja' | 'en'): Promise<string> {
  const out: string[] = [];
  await main(['check', FILE, '--format', 'html', '--today', TODAY, '--lang', lang], { out: (t) => out.push(t), err: () => undefined });
  return out.join('\n');
}

describe('GET /projects/{project}/checks/{check}/report.html', () => {
  let s: TestServer;
  let url: string;
  let hash: string;
  beforeAll(async () => {
    s = await testServer();
    hash = (await s.upload(s.tokens.kitaSubmit, 'kita', FILE)).json().hash;
    const run = await s.request(s.tokens.kitaSubmit, { method: 'POST', url: `/projects/kita/versions/1/checks?today=${TODAY}` });
    expect(run.statusCode).toBe(201);
    url = `/projects/kita/checks/${run.json().check.id}/report.html`;
  }, 60_000);
  afterAll(async () => {
    await s.close();
  });

  it('is the CLI audit report of the same file and date, in Japanese by default, as a download', async () => {
    const got = await s.request(s.tokens.kitaRead, { method: 'GET', url });
    expect(got.statusCode).toBe(200);
    expect(got.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(got.headers['content-disposition']).toMatch(/^attachment; filename="bunkatsu-kita-chk_[0-9a-f]{16}\.html"$/);
    expect(got.body.trimEnd()).toBe(await cliHtml('ja'));
    // The cover names the version's hash (the sha256 of the bytes uploaded).
    expect(got.body).toContain(`<code>${hash}</code>`);
    expect(got.body).toContain('data-finding="path-separation:lg-office:inet-servers"');
    const en = await s.request(s.tokens.kitaRead, { method: 'GET', url: `${url}?lang=en` });
    expect(en.body.trimEnd()).toBe(await cliHtml('en'));
  });

  it('needs a read token of the project; an unknown check is 404', async () => {
    expect((await s.request(undefined, { method: 'GET', url })).statusCode).toBe(401);
    expect((await s.request(s.tokens.kitaSubmit, { method: 'GET', url })).statusCode).toBe(403);
    const other = await s.request(s.tokens.minami, { method: 'GET', url: url.replace('/kita/', '/minami/') });
    expect(other.statusCode).toBe(404);
    const missing = await s.request(s.tokens.kitaRead, { method: 'GET', url: '/projects/kita/checks/chk_0000000000000000/report.html' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('BNK_ERR_NOT_FOUND');
    const bad = await s.request(s.tokens.kitaRead, { method: 'GET', url: `${url}?lang=fr` });
    expect(bad.statusCode).toBe(400);
  });
});
