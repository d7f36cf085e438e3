// Fuzz: the HTTP API on odd uploads (YAML and JSON, random bytes), odd change files and odd
// query strings. Every answer is 2xx or 4xx, never 5xx, within a time bound. (Written as
// "status < 500" so it holds whatever the 4xx code a refusal uses.)

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../../src/engine/registry.ts';
import { ROOT } from '../helpers.ts';
import { testServer, type TestServer } from '../server/helpers.ts';
import { anyTopologyText, mutatedYaml, oddJson, oddScalar, randomBytes, SEED, timed } from './generators.ts';

const read = (relative: string): string => readFileSync(resolve(ROOT, relative), 'utf8');
const ALPHA = read('topologies/alpha-city.yaml');
const CHANGE = read('topologies/changes/remove-asp-rule.yaml');
const BOUND_MS = 10_000;

let s: TestServer;
beforeAll(async () => {
  s = await testServer();
  expect((await s.upload(s.tokens.kitaSubmit, 'kita', 'topologies/alpha-city.yaml')).statusCode).toBe(201);
});
afterAll(async () => {
  await s.close();
});

async function expectAnswered(send: () => Promise<{ statusCode: number; body: string }>): Promise<void> {
  const { value: answer, ms } = await timed(send);
  expect(answer.statusCode, answer.body.slice(0, 500)).toBeLessThan(500);
  expect(ms).toBeLessThan(BOUND_MS);
}

const body = fc.oneof(
  { arbitrary: anyTopologyText(ALPHA).map((t) => ({ payload: t as string | Buffer, type: 'application/yaml' })), weight: 4 },
  { arbitrary: oddJson.map((t) => ({ payload: t as string | Buffer, type: 'application/json' })), weight: 2 },
  { arbitrary: randomBytes.map((b) => ({ payload: b as string | Buffer, type: 'application/yaml' })), weight: 1 },
  { arbitrary: randomBytes.map((b) => ({ payload: b as string | Buffer, type: 'application/json' })), weight: 1 },
);

describe('fuzz: HTTP API', () => {
  it('POST /projects/:p/versions (YAML, JSON, bytes) answers < 500', async () => {
    await fc.assert(
      fc.asyncProperty(body, fc.option(oddScalar, { nil: undefined }), async ({ payload, type }, filename) => {
        const query = filename === undefined ? '' : `?filename=${encodeURIComponent(filename)}`;
        await expectAnswered(() =>
          s.request(s.tokens.kitaSubmit, { method: 'POST', url: `/projects/kita/versions${query}`, headers: { 'content-type': type }, payload }),
        );
      }),
      { seed: SEED, numRuns: 40 },
    );
  });

  it('POST .../reviews with odd change files answers < 500', async () => {
    const change = fc.oneof(
      { arbitrary: mutatedYaml(CHANGE).map((t) => ({ payload: t as string | Buffer, type: 'application/yaml' })), weight: 3 },
      { arbitrary: randomBytes.map((b) => ({ payload: b as string | Buffer, type: 'application/json' })), weight: 1 },
      {
        arbitrary: oddScalar.map((v) => ({
          payload: `bunkatsu-change: 1\nchanges:\n  - remove-rule: {device: lg-edge-fw, rule: ${JSON.stringify(v)}}\n` as string | Buffer,
          type: 'application/yaml',
        })),
        weight: 2,
      },
    );
    await fc.assert(
      fc.asyncProperty(change, async ({ payload, type }) => {
        await expectAnswered(() =>
          s.request(s.tokens.kitaSubmit, {
            method: 'POST',
            url: '/projects/kita/versions/1/reviews?today=2026-11-25',
            headers: { 'content-type': type },
            payload,
          }),
        );
      }),
      { seed: SEED, numRuns: 25 },
    );
  });

  it('trace, matrix, graph and check query strings answer < 500', async () => {
    const value = fc.oneof(
      oddScalar,
      fc.constantFrom('lg-office', 'lg-servers', 'any', 'https', 'tcp/443', ...Object.keys(ENGINES), 'zone', 'domain', 'csv', 'json', 'ja', 'en', '2026-11-25'),
    );
    const query = fc
      .dictionary(fc.constantFrom('src', 'dst', 'service', 'engine', 'lang', 'level', 'format', 'today', 'async', 'x'), value, { maxKeys: 5 })
      .map((q) =>
        Object.entries(q)
          .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
          .join('&'),
      );
    const route = fc.constantFrom(
      { method: 'GET' as const, path: '/projects/kita/versions/1/trace' },
      { method: 'GET' as const, path: '/projects/kita/versions/1/matrix' },
      { method: 'GET' as const, path: '/projects/kita/versions/1/graph' },
      { method: 'POST' as const, path: '/projects/kita/versions/1/checks' },
      { method: 'GET' as const, path: '/projects/kita/reviews/rev_0000000000000000' },
    );
    await fc.assert(
      fc.asyncProperty(route, query, async ({ method, path }, q) => {
        await expectAnswered(() => s.request(s.tokens.kitaReadSubmit, { method, url: `${path}?${q}` }));
      }),
      { seed: SEED, numRuns: 80 },
    );
  });
});
