// The error registry and the documentation agree: every code is in the API's table with its
// HTTP status, and every code the docs name exists (as fastify keeps errors.js and its docs).

import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, type ErrorCode } from '../src/errors.ts';
import { ROOT } from './helpers.ts';

const apiDoc = readFileSync(resolve(ROOT, 'docs/api.md'), 'utf8');

/** The rows of docs/api.md's error table: status and the codes named in the row. */
function apiTable(): Map<string, number> {
  const section = apiDoc.slice(apiDoc.indexOf('| status | code | when |'));
  const rows = section.slice(0, section.indexOf('\n\n')).split('\n').slice(2);
  const table = new Map<string, number>();
  for (const row of rows) {
    const status = Number(/^\|\s*(\d{3})\s*\|/.exec(row)?.[1]);
    const codeCell = row.split('|')[2] ?? '';
    for (const [code] of codeCell.matchAll(/BNK_ERR_[A-Z_]+/g)) table.set(code, status);
  }
  return table;
}

describe('the error registry', () => {
  it('lists every code in docs/api.md with the status the server answers', () => {
    const table = apiTable();
    for (const [code, entry] of Object.entries(ERROR_CODES)) {
      expect(table.get(code), `${code} in docs/api.md's error table`).toBe(entry.status);
    }
    for (const code of table.keys()) expect(Object.hasOwn(ERROR_CODES, code), `${code} is documented but not in src/errors.ts`).toBe(true);
  });

  it('knows every code the documentation mentions', () => {
    const docs = readdirSync(resolve(ROOT, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => readFileSync(resolve(ROOT, 'docs', f), 'utf8'));
    const named = new Set(docs.flatMap((text) => [...text.matchAll(/BNK_ERR_[A-Z_]*[A-Z]/g)].map((m) => m[0])));
    const unknown = [...named].filter((code) => !Object.hasOwn(ERROR_CODES, code));
    expect(unknown).toEqual([]);
  });

  it('gives every code a meaning and a 4xx or 5xx status', () => {
    for (const [code, entry] of Object.entries(ERROR_CODES) as [ErrorCode, { status: number; meaning: string }][]) {
      expect(entry.meaning.length, code).toBeGreaterThan(10);
      expect(entry.status >= 400 && entry.status < 600, code).toBe(true);
    }
  });
});
