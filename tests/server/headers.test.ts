// Security headers, caching and CORS: every answer is nosniff with a CSP, sensitive bodies are
// never cached, /docs gets the CSP Swagger UI works under, and CORS is off unless one origin is given.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import { buildServer } from '../../src/server/app.ts';
import { Store } from '../../src/store/store.ts';
import { type TestServer, testServer } from './helpers.ts';

describe('security headers', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await testServer();
    expect((await s.upload(s.tokens.kitaReadSubmit, 'kita', 'topologies/alpha-city.yaml')).statusCode).toBe(201);
  });
  afterAll(() => s.close());

  it('every API answer is nosniff, not framable, with a CSP that runs nothing, and not cached', async () => {
    for (const [token, url] of [
      [s.tokens.kitaRead, '/projects/kita/versions/1/content'],
      [s.tokens.kitaRead, '/projects/kita/versions/1'],
      [undefined, '/projects/kita'], // 401
      [s.tokens.kitaRead, '/no/such/route'], // 404
      [undefined, '/health'],
    ] as const) {
      const r = await s.request(token, { method: 'GET', url });
      expect(r.headers['x-content-type-options'], url).toBe('nosniff');
      expect(r.headers['content-security-policy'], url).toContain("default-src 'none'");
      expect(r.headers['content-security-policy'], url).toContain("frame-ancestors 'none'");
      expect(r.headers['cache-control'], url).toBe('no-store');
    }
  });

  it('check and review answers are not cached', async () => {
    const check = await s.request(s.tokens.kitaReadSubmit, { method: 'POST', url: '/projects/kita/versions/1/checks?today=2026-11-25' });
    expect(check.statusCode).toBe(201);
    expect(check.headers['cache-control']).toBe('no-store');
    const id = (check.json() as { check: { id: string } }).check.id;
    expect((await s.request(s.tokens.kitaRead, { method: 'GET', url: `/projects/kita/checks/${id}` })).headers['cache-control']).toBe('no-store');
  });

  it('/docs has a CSP that allows its own scripts and styles and nothing from elsewhere', async () => {
    const page = await s.request(undefined, { method: 'GET', url: '/docs' });
    expect(page.statusCode).toBe(200);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('the web page', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await testServer();
  });
  afterAll(() => s.close());

  it('is served at / without a token, with a CSP that runs only its own script and style, not cached', async () => {
    const page = await s.request(undefined, { method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const csp = String(page.headers['content-security-policy']);
    for (const directive of ["default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"])
      expect(csp).toContain(directive);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    // Only its own files: no inline script, nothing from another origin (it works offline).
    expect(page.body).toContain('<script type="module" src="app.js"></script>');
    expect(page.body).not.toMatch(/<script>|<script [^>]*>[^<]|https?:\/\//);
    for (const [url, type] of [
      ['/app.js', /^application\/javascript/],
      ['/app.css', /^text\/css/],
    ] as const) {
      const asset = await s.request(undefined, { method: 'GET', url });
      expect(asset.statusCode, url).toBe(200);
      expect(asset.headers['content-type'], url).toMatch(type);
    }
    // The page is public, the data is not: the API still wants a token, unknown paths are the API's 404.
    expect((await s.request(undefined, { method: 'GET', url: '/projects' })).statusCode).toBe(401);
    expect((await s.request(undefined, { method: 'GET', url: '/app.jsx' })).json().code).toBe('BNK_ERR_NOT_FOUND');
  });

  it('is left out when it is not built: the API runs on, / is a 404', async () => {
    const bare = await testServer({ webRoot: '/nonexistent' });
    try {
      expect((await bare.request(undefined, { method: 'GET', url: '/' })).statusCode).toBe(404);
      expect((await bare.request(undefined, { method: 'GET', url: '/health' })).statusCode).toBe(200);
    } finally {
      await bare.close();
    }
  });
});

describe('CORS', () => {
  const preflight = {
    method: 'OPTIONS' as const,
    url: '/projects/kita/versions',
    headers: { origin: 'https://portal.example.jp', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
  };

  it('is off by default: a preflight gets 204 and no Access-Control-Allow-Origin, and requests get none either', async () => {
    const s = await testServer();
    try {
      const r = await s.request(undefined, preflight);
      expect(r.statusCode).toBe(204);
      expect(r.headers['access-control-allow-origin']).toBeUndefined();
      expect(r.headers.allow).toContain('POST');
      const get = await s.request(s.tokens.kitaRead, { method: 'GET', url: '/projects/kita', headers: { origin: 'https://portal.example.jp' } });
      expect(get.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await s.close();
    }
  });

  it('with corsOrigin allows exactly that origin, answering the preflight before authentication', async () => {
    const s = await testServer({ corsOrigin: 'https://portal.example.jp' });
    try {
      const r = await s.request(undefined, preflight);
      expect(r.statusCode).toBe(204);
      expect(r.headers['access-control-allow-origin']).toBe('https://portal.example.jp');
      expect(String(r.headers['access-control-allow-headers'])).toContain('authorization');
      const get = await s.request(s.tokens.kitaRead, { method: 'GET', url: '/projects/kita', headers: { origin: 'https://portal.example.jp' } });
      expect(get.statusCode).toBe(200);
      expect(get.headers['access-control-allow-origin']).toBe('https://portal.example.jp');
      // Another origin is never echoed back.
      const other = await s.request(s.tokens.kitaRead, { method: 'GET', url: '/projects/kita', headers: { origin: 'https://evil.example' } });
      expect(other.headers['access-control-allow-origin']).not.toBe('https://evil.example');
    } finally {
      await s.close();
    }
  });

  it('refuses a corsOrigin that is not one origin', async () => {
    for (const origin of ['*', 'https://portal.example.jp/', 'portal.example.jp', 'https://a.example,https://b.example']) {
      const store = await Store.open(':memory:');
      try {
        await expect(buildServer({ db: store, logger: false, corsOrigin: origin })).rejects.toBeInstanceOf(InputError);
      } finally {
        await store.close();
      }
    }
  });
});
