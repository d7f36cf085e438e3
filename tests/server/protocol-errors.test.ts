// Requests refused before any route (a URL segment too long, headers past the limit, garbage)
// are answered in the registry's shape {statusCode, code, error, message} with the right status text.

import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, testServer } from './helpers.ts';

/** Sends raw bytes and returns the answer's status line, headers and JSON body. */
async function raw(port: number, request: string): Promise<{ status: string; headers: string; body: Record<string, unknown> }> {
  const socket = connect(port, '127.0.0.1');
  let text = '';
  socket.on('data', (d: Buffer) => {
    text += d.toString();
  });
  socket.on('error', () => undefined);
  socket.write(request);
  await new Promise((ok) => socket.on('close', ok));
  const [head = '', body = ''] = text.split('\r\n\r\n');
  const [status = '', ...headers] = head.split('\r\n');
  return { status, headers: headers.join('\n').toLowerCase(), body: JSON.parse(body) as Record<string, unknown> };
}

describe('protocol-level refusals', () => {
  let s: TestServer;
  let port: number;
  beforeAll(async () => {
    s = await testServer();
    await s.app.listen({ host: '127.0.0.1', port: 0 });
    port = (s.app.server.address() as { port: number }).port;
  });
  afterAll(() => s.close());

  it('414 for a path segment longer than any id, with statusCode and "URI Too Long"', async () => {
    const r = await s.request(s.tokens.kitaRead, { method: 'GET', url: `/projects/${'a'.repeat(300)}` });
    expect(r.statusCode).toBe(414);
    expect(r.json()).toEqual({ statusCode: 414, code: 'BNK_ERR_URI_TOO_LONG', error: 'URI Too Long', message: expect.stringContaining('too long') });
    expect(r.headers['x-content-type-options']).toBe('nosniff');
  });

  it('431 for headers past the limit, with a code', async () => {
    const r = await raw(port, `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(r.status).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(r.body).toEqual({
      statusCode: 431,
      code: 'BNK_ERR_HEADERS_TOO_LARGE',
      error: 'Request Header Fields Too Large',
      message: expect.stringContaining('16384 bytes'),
    });
    expect(r.headers).toContain('x-content-type-options: nosniff');
    expect(r.headers).toContain('cache-control: no-store');
  });

  it('400 for a request the HTTP parser cannot read, with a code', async () => {
    const r = await raw(port, 'GARBAGE\r\n\r\n');
    expect(r.status).toBe('HTTP/1.1 400 Bad Request');
    expect(r.body).toMatchObject({ statusCode: 400, code: 'BNK_ERR_USAGE', error: 'Bad Request' });
  });
});
