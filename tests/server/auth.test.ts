// Authentication and isolation: a project's token can neither read nor list another project's
// data (it answers 404, as for a project that does not exist); scopes limit what a token does.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TODAY } from '../helpers.ts';
import { testServer, type TestServer } from './helpers.ts';

let s: TestServer;
let minamiCheck: string;
beforeAll(async () => {
  s = await testServer();
  expect((await s.upload(s.tokens.minami, 'minami', 'topologies/alpha-city.yaml')).statusCode).toBe(201);
  minamiCheck = (await s.request(s.tokens.minami, { method: 'POST', url: `/projects/minami/versions/1/checks?today=${TODAY}` })).json().check.id;
  expect((await s.upload(s.tokens.kitaSubmit, 'kita', 'topologies/beta-city.yaml')).statusCode).toBe(201);
});
afterAll(async () => {
  await s.close();
});

const minamiReads = (): [string, string][] => [
  ['GET', '/projects/minami'],
  ['GET', '/projects/minami/versions'],
  ['GET', '/projects/minami/versions/1'],
  ['GET', '/projects/minami/versions/latest/content'],
  ['GET', '/projects/minami/checks'],
  ['GET', `/projects/minami/checks/${minamiCheck}`],
  ['GET', '/projects/minami/versions/1/trace?src=lg-office-terminals&dst=lg-file-server&service=smb'],
  ['GET', '/projects/minami/tokens'],
  ['POST', `/projects/minami/versions/1/checks?today=${TODAY}`],
];

describe('isolation between projects', () => {
  it("a kita token of any scope gets 404 for every minami resource, and nothing of minami's in the body", async () => {
    for (const token of [s.tokens.kitaRead, s.tokens.kitaReadSubmit, s.tokens.kitaAdmin]) {
      for (const [method, url] of minamiReads()) {
        const got = await s.request(token, { method: method as 'GET', url });
        expect(got.statusCode, `${method} ${url}`).toBe(404);
        expect(got.json().code).toBe('BNK_ERR_NOT_FOUND');
        expect(got.body).not.toContain('サンプル市');
      }
    }
  });

  it('the 404 for another project is the same as for a project that does not exist', async () => {
    const other = await s.request(s.tokens.kitaRead, { method: 'GET', url: '/projects/minami/versions' });
    const none = await s.request(s.tokens.kitaRead, { method: 'GET', url: '/projects/nosuch/versions' });
    expect(other.json()).toEqual({ ...none.json(), message: none.json().message.replace('nosuch', 'minami') });
  });

  it('a kita token cannot upload to, or create tokens in, minami', async () => {
    const up = await s.upload(s.tokens.kitaAdmin, 'minami', 'topologies/alpha-city.yaml');
    expect(up.statusCode).toBe(404);
    const tok = await s.request(s.tokens.kitaAdmin, { method: 'POST', url: '/projects/minami/tokens', payload: { scopes: ['read'] } });
    expect(tok.statusCode).toBe(404);
    expect(await s.store.listVersions('minami')).toHaveLength(1);
    expect(await s.store.listTokens('minami')).toHaveLength(1);
  });

  it('the project list shows a project token only its own project', async () => {
    const got = await s.request(s.tokens.kitaRead, { method: 'GET', url: '/projects' });
    expect(got.json().projects.map((p: { id: string }) => p.id)).toEqual(['kita']);
    const minami = await s.request(s.tokens.minami, { method: 'GET', url: '/projects' });
    expect(minami.json().projects.map((p: { id: string }) => p.id)).toEqual(['minami']);
  });

  it('a check id of another project is not found through a project the token may read', async () => {
    const got = await s.request(s.tokens.kitaRead, { method: 'GET', url: `/projects/kita/checks/${minamiCheck}` });
    expect(got.statusCode).toBe(404);
  });

  it('a server token sees every project', async () => {
    const got = await s.request(s.tokens.server, { method: 'GET', url: '/projects/minami/versions' });
    expect(got.statusCode).toBe(200);
  });
});

describe('scopes', () => {
  it('read cannot upload or run checks (403)', async () => {
    const up = await s.upload(s.tokens.kitaRead, 'kita', 'topologies/alpha-city.yaml');
    expect(up.statusCode).toBe(403);
    expect(up.json().code).toBe('BNK_ERR_FORBIDDEN');
    expect((await s.request(s.tokens.kitaRead, { method: 'POST', url: '/projects/kita/versions/1/checks' })).statusCode).toBe(403);
  });

  it('submit alone cannot read', async () => {
    expect((await s.request(s.tokens.kitaSubmit, { method: 'GET', url: '/projects/kita/versions' })).statusCode).toBe(403);
  });

  it('only admin manages tokens; only a server token creates projects', async () => {
    expect((await s.request(s.tokens.kitaReadSubmit, { method: 'GET', url: '/projects/kita/tokens' })).statusCode).toBe(403);
    const create = await s.request(s.tokens.kitaAdmin, { method: 'POST', url: '/projects', payload: { id: 'nishi' } });
    expect(create.statusCode).toBe(403);
    expect(await s.store.getProject('nishi')).toBeUndefined();
  });
});

describe('bad tokens', () => {
  const secretOf = (t: string): string => t.slice(21);
  const cases = (): [string, Record<string, string>][] => [
    ['no header', {}],
    ['not bearer', { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }],
    ['malformed', { authorization: 'Bearer hello' }],
    ['unknown id', { authorization: `Bearer bnk_0000000000000000_${secretOf(s.tokens.kitaRead)}` }],
    ['wrong secret', { authorization: `Bearer ${s.tokens.kitaRead.slice(0, -4)}AAAA` }],
    ['huge', { authorization: `Bearer ${'x'.repeat(8000)}` }],
  ];

  it('each gives 401 with a challenge and the stable code', async () => {
    for (const [name, headers] of cases()) {
      const got = await s.app.inject({ method: 'GET', url: '/projects/kita/versions', headers });
      expect(got.statusCode, name).toBe(401);
      expect(got.json().code).toBe('BNK_ERR_UNAUTHORIZED');
      expect(got.headers['www-authenticate']).toMatch(/^Bearer/);
    }
  });

  it('a revoked token stops working at once', async () => {
    const { record, token } = await s.store.createToken('kita', ['read'], 'short-lived');
    expect((await s.request(token, { method: 'GET', url: '/projects/kita' })).statusCode).toBe(200);
    await s.store.revokeToken(record.id);
    expect((await s.request(token, { method: 'GET', url: '/projects/kita' })).statusCode).toBe(401);
  });

  it('an upload without a valid token is refused before its body is read', async () => {
    const got = await s.app.inject({
      method: 'POST',
      url: '/projects/kita/versions',
      headers: { 'content-type': 'application/yaml' },
      payload: 'x'.repeat(1000),
    });
    expect(got.statusCode).toBe(401);
  });
});
