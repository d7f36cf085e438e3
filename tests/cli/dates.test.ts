// Dates for exception expiry: only real calendar dates, on the command line (exit 2) and over
// HTTP (400), wherever `today` is taken.

import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers.ts';
import { testServer } from '../server/helpers.ts';

const BAD = ['2026-02-30', '2025-02-29', '9999-99-99', '2026-13-01', '2026-04-31', '2026-00-10', '2026-01-00'];
const GOOD = ['2024-02-29', '2000-02-29', '2026-12-31'];

describe('--today', () => {
  for (const day of BAD) {
    it(`refuses ${day} in check, review and simulate (exit 2, naming --today)`, async () => {
      for (const args of [
        ['check', 'topologies/alpha-city.yaml'],
        ['review', 'topologies/alpha-city.yaml', 'topologies/changes/remove-asp-rule.yaml'],
        ['simulate', 'topologies/alpha-city.yaml', '--sweep', 'n-1'],
      ]) {
        const r = await runCli([...args, '--today', day]);
        expect(r.code, `${args[0]} ${day}`).toBe(2);
        expect(r.err.split('\n')[0]).toBe(`<command line>:1:1 BNK_ERR_USAGE --today must be a calendar date YYYY-MM-DD (e.g. 2026-02-28), not "${day}"`);
      }
    });
  }

  it('accepts leap days and month ends', async () => {
    for (const day of GOOD) expect((await runCli(['check', 'topologies/alpha-city.yaml', '--today', day, '-q'])).code).toBe(0);
  });
});

describe('?today= over HTTP', () => {
  it('refuses dates that are not calendar dates with 400 on checks and reviews', async () => {
    const s = await testServer();
    try {
      expect((await s.upload(s.tokens.kitaReadSubmit, 'kita', 'topologies/alpha-city.yaml')).statusCode).toBe(201);
      for (const day of BAD) {
        const check = await s.request(s.tokens.kitaReadSubmit, { method: 'POST', url: `/projects/kita/versions/1/checks?today=${day}` });
        expect(check.statusCode, day).toBe(400);
        expect(check.json()).toMatchObject({ statusCode: 400, code: 'BNK_ERR_USAGE', error: 'Bad Request' });
        expect(check.json().message).toContain('today');
        const review = await s.request(s.tokens.kitaReadSubmit, {
          method: 'POST',
          url: `/projects/kita/versions/1/reviews?today=${day}`,
          headers: { 'content-type': 'application/yaml' },
          payload: 'bunkatsu-change: 1\nchanges: []\n',
        });
        expect(review.statusCode, day).toBe(400);
        expect(review.json()).toMatchObject({ code: 'BNK_ERR_USAGE' });
      }
      expect(await s.store.listChecks('kita')).toHaveLength(0);
      const leap = await s.request(s.tokens.kitaReadSubmit, { method: 'POST', url: '/projects/kita/versions/1/checks?today=2028-02-29' });
      expect(leap.statusCode).toBe(201);
    } finally {
      await s.close();
    }
  });
});
