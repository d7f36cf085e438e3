// Every class of bad input gets a 4xx in fastify's error shape with a stable code (and, for
// topologies, the CLI's diagnostics with line:column), and the server keeps serving.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnosticText, type Diagnostic } from '../../src/index.ts';
import { loadSample, refusal } from '../helpers.ts';
import { sample, testServer, type TestServer } from './helpers.ts';

let s: TestServer;
beforeAll(async () => {
  s = await testServer({ uploadLimit: 256 * 1024 });
  await s.upload(s.tokens.kitaSubmit, 'kita', 'topologies/alpha-city.yaml');
});
afterAll(async () => {
  // After every bad request above, the server still answers.
  expect((await s.request(undefined, { method: 'GET', url: '/health' })).statusCode).toBe(200);
  expect(
    (await s.request(s.tokens.kitaRead, { method: 'GET', url: '/projects/kita/versions/1/trace?src=lg-office-terminals&dst=lg-file-server&service=smb' }))
      .statusCode,
  ).toBe(200);
  await s.close();
});

/** The diagnostics the CLI gives a sample file (the library's load of it). */
const cliDiagnostics = (relative: string): Diagnostic[] => refusal(() => loadSample(relative), relative);

function expectShape(body: Record<string, unknown>, status: number, code: string): void {
  expect(body).toMatchObject({ statusCode: status, code, error: expect.any(String), message: expect.any(String) });
}

describe('bad topologies: the same diagnostics as the CLI, at the same line:column', () => {
  const cases: [string, number, string][] = [
    ['topologies/broken/syntax.yaml', 400, 'BNK_ERR_SYNTAX'],
    ['topologies/broken/schema.yaml', 422, 'BNK_ERR_SCHEMA'],
    ['topologies/broken/semantic.yaml', 422, 'BNK_ERR_UNKNOWN_DOMAIN'],
    ['topologies/broken/alias-bomb.yaml', 400, 'BNK_ERR_ALIAS_LIMIT'],
    ['topologies/broken/deep.yaml', 400, 'BNK_ERR_TOO_DEEP'],
    ['topologies/broken/proto.yaml', 400, 'BNK_ERR_FORBIDDEN_KEY'],
  ];
  for (const [file, status, code] of cases) {
    it(`${file}: ${status} ${code}`, async () => {
      const got = await s.upload(s.tokens.kitaSubmit, 'kita', file);
      const body = got.json();
      expectShape(body, status, code);
      const cli = cliDiagnostics(file);
      expect(body.diagnostics).toEqual(
        cli.map((d) => ({
          code: d.code,
          message: d.message,
          // The message as `bunkatsu check --lang ja` prints it after the location and the code.
          ja: diagnosticText(d, 'ja').split(` ${d.code} `).slice(1).join(` ${d.code} `),
          file,
          line: d.loc.line,
          column: d.loc.column,
          location: `${file}:${d.loc.line}:${d.loc.column}`,
        })),
      );
      expect(got.body).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace
    });
  }

  it('nothing of a refused upload is stored', async () => {
    expect(await s.store.listVersions('kita')).toHaveLength(1);
  });

  it('__proto__ keys change no prototype', async () => {
    await s.upload(s.tokens.kitaSubmit, 'kita', 'topologies/broken/proto.yaml');
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('malformed JSON is reported with its line and column', async () => {
    const got = await s.request(s.tokens.kitaSubmit, {
      method: 'POST',
      url: '/projects/kita/versions?filename=t.json',
      headers: { 'content-type': 'application/json' },
      payload: '{\n  "bunkatsu": 1,\n  "name": "x",,\n}',
    });
    expectShape(got.json(), 400, 'BNK_ERR_SYNTAX');
    expect(got.json().diagnostics[0]).toMatchObject({ file: 't.json', line: 3 });
  });

  it('an empty body is a usage error', async () => {
    const got = await s.request(s.tokens.kitaSubmit, {
      method: 'POST',
      url: '/projects/kita/versions',
      headers: { 'content-type': 'application/yaml' },
      payload: '',
    });
    expect(got.statusCode).toBe(400);
    expect(got.json().code).toBe('BNK_ERR_USAGE');
  });
});

describe('malformed requests', () => {
  it('wrong content type: 415', async () => {
    for (const type of ['text/html', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const got = await s.upload(s.tokens.kitaSubmit, 'kita', 'topologies/alpha-city.yaml', type);
      expectShape(got.json(), 415, 'BNK_ERR_UNSUPPORTED_MEDIA_TYPE');
    }
    const project = await s.request(s.tokens.server, { method: 'POST', url: '/projects', headers: { 'content-type': 'application/yaml' }, payload: 'id: x' });
    expectShape(project.json(), 415, 'BNK_ERR_UNSUPPORTED_MEDIA_TYPE');
  });

  it('malformed JSON in a JSON route: 400', async () => {
    const got = await s.request(s.tokens.server, { method: 'POST', url: '/projects', headers: { 'content-type': 'application/json' }, payload: '{"id": "x",' });
    expectShape(got.json(), 400, 'BNK_ERR_SYNTAX');
  });

  it('__proto__ in a JSON body: refused, no prototype changed', async () => {
    const got = await s.request(s.tokens.server, {
      method: 'POST',
      url: '/projects',
      headers: { 'content-type': 'application/json' },
      payload: '{"id": "x", "__proto__": {"isAdmin": true}}',
    });
    expect(got.statusCode).toBe(400);
    expect(['BNK_ERR_SYNTAX', 'BNK_ERR_USAGE']).toContain(got.json().code);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(await s.store.getProject('x')).toBeUndefined();
  });

  it('schema violations of a JSON body or query: 400 BNK_ERR_USAGE', async () => {
    const bodies = [{ id: 'Bad Id!' }, { id: 'ok', extra: 1 }, { name: 'no id' }, { id: 'x'.repeat(100) }];
    for (const payload of bodies) {
      const got = await s.request(s.tokens.server, { method: 'POST', url: '/projects', payload });
      expectShape(got.json(), 400, 'BNK_ERR_USAGE');
    }
    const query = await s.request(s.tokens.kitaSubmit, { method: 'POST', url: '/projects/kita/versions/1/checks?today=tomorrow' });
    expectShape(query.json(), 400, 'BNK_ERR_USAGE');
    const trace = await s.request(s.tokens.kitaRead, { method: 'GET', url: '/projects/kita/versions/1/trace?src=a' });
    expectShape(trace.json(), 400, 'BNK_ERR_USAGE');
  });

  it('huge bodies: 413 on the upload route past its limit, and on other routes past the small general limit', async () => {
    const padding = `# ${'x'.repeat(300 * 1024)}\n`;
    const up = await s.request(s.tokens.kitaSubmit, {
      method: 'POST',
      url: '/projects/kita/versions',
      headers: { 'content-type': 'application/yaml' },
      payload: padding + sample('topologies/alpha-city.yaml'),
    });
    expectShape(up.json(), 413, 'BNK_ERR_FILE_TOO_LARGE');
    const json = await s.request(s.tokens.server, { method: 'POST', url: '/projects', payload: { id: 'big', name: 'x'.repeat(100 * 1024) } });
    expectShape(json.json(), 413, 'BNK_ERR_FILE_TOO_LARGE');
  });

  it('the upload route alone accepts bodies larger than the general limit', async () => {
    const padding = `# ${'x'.repeat(100 * 1024)}\n`;
    const up = await s.request(s.tokens.kitaSubmit, {
      method: 'POST',
      url: '/projects/kita/versions',
      headers: { 'content-type': 'application/yaml' },
      payload: padding + sample('topologies/alpha-city.yaml'),
    });
    expect(up.statusCode).toBe(201);
  });
});

describe('unknown ids: 404', () => {
  const urls = [
    '/projects/nosuch',
    '/projects/kita/versions/99',
    '/projects/kita/versions/99/content',
    '/projects/kita/checks/chk_0123456789abcdef',
    '/projects/kita/versions/99/trace?src=a&dst=b&service=any',
    '/no/such/route',
  ];
  for (const url of urls) {
    it(url, async () => {
      const got = await s.request(s.tokens.kitaReadSubmit, { method: 'GET', url });
      expectShape(got.json(), 404, 'BNK_ERR_NOT_FOUND');
    });
  }

  it('malformed ids: 400', async () => {
    for (const url of ['/projects/Bad_Project', '/projects/kita/versions/0', '/projects/kita/versions/abc', '/projects/kita/checks/xyz']) {
      const got = await s.request(s.tokens.kitaReadSubmit, { method: 'GET', url });
      expectShape(got.json(), 400, 'BNK_ERR_USAGE');
    }
  });
});
