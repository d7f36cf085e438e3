// Upload and change-file bodies over HTTP: byte-exact storage, strict UTF-8, a content type
// that must match the content, and the size limit at its edge; the server keeps serving.

import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sample, testServer, type TestServer } from '../server/helpers.ts';

const LIMIT = 256 * 1024;
let s: TestServer;
beforeAll(async () => {
  s = await testServer({ uploadLimit: LIMIT });
});
afterAll(async () => {
  expect((await s.request(undefined, { method: 'GET', url: '/health' })).statusCode).toBe(200);
  await s.close();
});

const post = (payload: Buffer | string, contentType: string, query = ''): ReturnType<TestServer['request']> =>
  s.request(s.tokens.kitaReadSubmit, { method: 'POST', url: `/projects/kita/versions${query}`, headers: { 'content-type': contentType }, payload });
const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

describe('uploads', () => {
  it('stores the bytes as sent: what is read back hashes the same (BOM, CRLF, Japanese)', async () => {
    const text = sample('topologies/alpha-city.yaml')
      .replace(/\n/g, '\r\n')
      .replace(/^name: .*$/m, 'name: 岡山市（検証）\r');
    const sent = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    const up = await post(sent, 'application/yaml');
    expect(up.statusCode).toBe(201);
    expect(up.json().hash).toBe(sha256(sent));
    const back = await s.request(s.tokens.kitaReadSubmit, { method: 'GET', url: `/projects/kita/versions/${up.json().version}/content` });
    expect(back.rawPayload.equals(sent)).toBe(true);
  });

  it('refuses invalid UTF-8 with its byte offset, and stores nothing (it used to store U+FFFD)', async () => {
    const before = (await s.request(s.tokens.kitaReadSubmit, { method: 'GET', url: '/projects/kita/versions' })).json().versions.length;
    const good = sample('topologies/alpha-city.yaml');
    const at = good.indexOf('\n', 100) + 1;
    const sent = Buffer.concat([Buffer.from(good.slice(0, at)), Buffer.from([0x23, 0x20, 0xff, 0xfe, 0x0a]), Buffer.from(good.slice(at))]);
    const up = await post(sent, 'application/yaml');
    expect(up.statusCode).toBe(400);
    expect(up.json().code).toBe('BNK_ERR_ENCODING');
    expect(up.json().message).toContain(`byte ${Buffer.byteLength(good.slice(0, at)) + 2}`);
    const after = (await s.request(s.tokens.kitaReadSubmit, { method: 'GET', url: '/projects/kita/versions' })).json().versions.length;
    expect(after).toBe(before);
  });

  it('refuses YAML sent as application/json (it used to be stored labelled JSON)', async () => {
    const up = await post(sample('topologies/alpha-city.yaml'), 'application/json');
    expect(up.statusCode).toBe(400);
    expect(up.json().code).toBe('BNK_ERR_SYNTAX');
    expect(up.json().diagnostics[0]).toMatchObject({ file: 'topology.json', line: 1, column: 1 });
  });

  it('refuses a file name that contradicts the content type with 415', async () => {
    expect((await post(sample('topologies/alpha-city.yaml'), 'application/yaml', '?filename=city.json')).json().code).toBe('BNK_ERR_UNSUPPORTED_MEDIA_TYPE');
    expect((await post('{}', 'application/json', '?filename=city.yaml')).statusCode).toBe(415);
  });

  it('takes a body at the limit to the loader and answers 413 one byte past it', async () => {
    const at = Buffer.alloc(LIMIT, 0x20);
    at.write('format: 1\nname: x\ndescription: ');
    const atLimit = await post(at, 'application/yaml');
    expect(atLimit.statusCode).toBe(422);
    const over = await post(Buffer.alloc(LIMIT + 1, 0x20), 'application/yaml');
    expect(over.statusCode).toBe(413);
    expect(over.json().code).toBe('BNK_ERR_FILE_TOO_LARGE');
  });
});

describe('the upload budget', () => {
  it('refuses a second upload while the first holds the budget (429, Retry-After), and frees it after', async () => {
    const body = sample('topologies/alpha-city.yaml');
    const small = await testServer({ uploadBudget: Math.floor(Buffer.byteLength(body) * 1.5) });
    try {
      const send = (): ReturnType<TestServer['request']> =>
        small.request(small.tokens.kitaSubmit, {
          method: 'POST',
          url: '/projects/kita/versions',
          headers: { 'content-type': 'application/yaml' },
          payload: body,
        });
      const [first, second] = await Promise.all([send(), send()]);
      expect(first.statusCode).toBe(201);
      expect(second.statusCode).toBe(429);
      expect(second.json().code).toBe('BNK_ERR_BUSY');
      expect(second.headers['retry-after']).toBe('5');
      expect((await send()).statusCode).toBe(201);
      expect(small.app.uploads.inFlight).toBe(0);
    } finally {
      await small.close();
    }
  });
});

describe('change files', () => {
  it('refuses invalid UTF-8 in a change file with BNK_ERR_ENCODING', async () => {
    await s.upload(s.tokens.kitaSubmit, 'kita', 'topologies/alpha-city.yaml');
    const change = Buffer.concat([Buffer.from(sample('topologies/changes/gcloud-line.yaml')), Buffer.from([0x23, 0xc3, 0x28, 0x0a])]);
    const got = await s.request(s.tokens.kitaReadSubmit, {
      method: 'POST',
      url: '/projects/kita/versions/latest/reviews',
      headers: { 'content-type': 'application/yaml' },
      payload: change,
    });
    expect(got.statusCode).toBe(400);
    expect(got.json().code).toBe('BNK_ERR_ENCODING');
  });
});
