// The YAML reader's fast path (src/model/yaml-fast.ts) against its path on js-yaml's events
// (readYamlEvents): whatever the fast path accepts, it reads to the same data, and gives every
// value and key the same position; whatever it is unsure of, it leaves to the events path,
// whose refusals and messages stand.

import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateTopology } from '../../src/generate/generate.ts';
import { toYaml } from '../../src/model/write.ts';
import type { Plain } from '../../src/model/write.ts';
import { lineColumn } from '../../src/model/positions.ts';
import { readSource } from '../../src/model/source.ts';
import { readYamlFast } from '../../src/model/yaml-fast.ts';
import { readYamlEvents } from '../../src/model/yaml-source.ts';

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);
const LIMITS = { maxDepth: 64, maxAliases: 1000 };

/** Every path of a document, each element of a list and each key of a mapping. */
function paths(value: unknown, path: PropertyKey[] = [], out: PropertyKey[][] = []): PropertyKey[][] {
  out.push(path);
  if (Array.isArray(value)) {
    for (const [i, x] of value.entries()) paths(x, [...path, i], out);
  } else if (value && typeof value === 'object') for (const [k, x] of Object.entries(value)) paths(x, [...path, k], out);
  return out;
}

/** Asserts that the fast path took the text and agrees with the events path; false when it left it. */
function agrees(text: string): boolean {
  const fast = readYamlFast(text, FORBIDDEN, LIMITS.maxDepth);
  if (!fast) return false;
  const events = readYamlEvents(text, 'doc.yaml', FORBIDDEN, LIMITS);
  expect(events.diagnostics, text).toEqual([]);
  expect(fast.data, text).toStrictEqual(events.data);
  const locate = fast.index.locator(lineColumn(text, 'doc.yaml'));
  for (const path of paths(fast.data)) {
    for (const key of [false, true]) expect(locate(path, key), `${JSON.stringify(path)} key=${key} in\n${text}`).toEqual(events.locate(path, key));
  }
  return true;
}

describe('the fast path reads what write.ts writes', () => {
  it('takes generated topologies and agrees with the events path on data and every position', () => {
    for (const model of ['alpha', 'beta'] as const) {
      const result = generateTopology({ scale: 'tiny', model, seed: 5 });
      const text = toYaml(result.topology as Record<string, Plain>, ['header', '', 'comment']);
      expect(agrees(text)).toBe(true);
    }
  });

  it('takes the sample topologies it can, and agrees on each', () => {
    // Hand-written samples with block scalars (description: >-) are left to the events path.
    for (const file of [
      'topologies/imported/city.yaml',
      'topologies/changes/gcloud-line.yaml',
      'topologies/broken/schema.yaml',
      'topologies/broken/semantic.yaml',
    ]) {
      expect(agrees(readFileSync(file, 'utf8')), file).toBe(true);
    }
  });
});

describe('the fast path agrees on random documents of its subset', () => {
  const plain = fc.constantFrom(
    'a',
    'id',
    'no',
    'yes',
    'true',
    'False',
    'null',
    '~',
    '1',
    '-2',
    '0x1F',
    '0o17',
    '1.5',
    '.inf',
    '1_000',
    '10.0.0.0/8',
    'a:b',
    "it's",
    'x y',
    'tcp/443',
    '東京',
    'a#b',
    '-a',
    'a,b',
    'a]',
    'a}',
    // Every YAML 1.2 core spelling of null, booleans and numbers, and near misses that stay
    // strings: the fast path keeps each distinct text's value, so both must resolve it alike.
    'Null',
    'NULL',
    'nULL',
    'TRUE',
    'tRUE',
    'false',
    'FALSE',
    'on',
    'off',
    'y',
    'n',
    '+12',
    '012',
    '0o8',
    '0xFF',
    '0XFF',
    '0b101',
    '-0x1F',
    '1e3',
    '-1.5E-3',
    '.5',
    '1.',
    '-.inf',
    '+.Inf',
    '.NaN',
    '.nan',
    '.Nan',
    '12:30',
    '1.2.3',
    'サンプル市 本庁舎 1階 総務課',
    'emoji 😀 ok',
    'a-very-long-zone-id-of-more-than-13',
  );
  const quoted = fc.constantFrom(
    '"a"',
    '"no"',
    '"1"',
    '"null"',
    "'true'",
    '"1e3"',
    '"a-very-long-zone-id-of-more-than-13"',
    '"a \\" b"',
    '"\\u00e9\\n"',
    '"\\x41"',
    "'a'",
    "'it''s'",
    '""',
    "''",
    '"a: b"',
    '"# not a comment"',
  );
  const key = fc.constantFrom('id', 'name', 'zone', '1', 'true', 'null', '"quoted"', "'single'", 'a b', '$schema', '__proto__', 'id');
  const scalar = fc.oneof(plain, quoted);
  const flow: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      scalar,
      fc.array(tie('node'), { maxLength: 3 }).map((xs) => `[${xs.join(', ')}]`),
      fc.array(fc.tuple(key, tie('node')), { maxLength: 3 }).map((kv) => (kv.length === 0 ? '{}' : `{ ${kv.map(([k, v]) => `${k}: ${v}`).join(', ')} }`)),
    ),
  })).node;
  const comment = fc.constantFrom('', '', ' # note', '  #x');
  const blank = fc.constantFrom('', '', '# comment', '   ', '  # indented comment');

  /** A block mapping at `indent` (lines), nested blocks, sequences of flow records and "- key:" records. */
  const block = (depth: number): fc.Arbitrary<string[]> =>
    fc
      .array(
        fc.tuple(
          key,
          fc.oneof(
            flow.map((v) => ({ kind: 'value', v })),
            fc.constant({ kind: 'null', v: '' }),
            depth > 0 ? block(depth - 1).map((lines) => ({ kind: 'map', v: lines })) : flow.map((v) => ({ kind: 'value', v })),
            fc.array(flow, { minLength: 1, maxLength: 3 }).map((items) => ({ kind: 'seq', v: items })),
            depth > 0
              ? fc.array(block(depth - 1), { minLength: 1, maxLength: 2 }).map((records) => ({ kind: 'records', v: records }))
              : fc.constant({ kind: 'null', v: '' }),
          ),
          comment,
          blank,
        ),
        { minLength: 1, maxLength: 4 },
      )
      .map((entries) => {
        const lines: string[] = [];
        for (const [k, value, c, b] of entries) {
          if (value.kind === 'value') lines.push(`${k}: ${value.v as string}${c}`);
          else if (value.kind === 'null') lines.push(`${k}:${c}`);
          else if (value.kind === 'map') lines.push(`${k}:${c}`, ...(value.v as string[]).map((l) => `  ${l}`));
          else if (value.kind === 'seq') lines.push(`${k}:`, ...(value.v as string[]).map((item) => `  - ${item}${c}`));
          else {
            lines.push(`${k}:`);
            for (const record of value.v as string[][]) {
              for (const [i, l] of record.entries()) lines.push(i === 0 ? `  - ${l}` : `    ${l}`);
            }
          }
          if (b) lines.push(b);
        }
        return lines;
      });

  it('reads them to the same data and positions as the events path, when it takes them', () => {
    let taken = 0;
    fc.assert(
      fc.property(block(2), fc.boolean(), (lines, newline) => {
        if (agrees(lines.join('\n') + (newline ? '\n' : ''))) taken++;
      }),
      { seed: 14, numRuns: 1500 },
    );
    // Most documents of the subset are taken (duplicate and forbidden keys, odd escapes are not).
    expect(taken).toBeGreaterThan(300);
  });
});

describe('what the fast path leaves to the events path', () => {
  const left = (text: string): void => expect(readYamlFast(text, FORBIDDEN, LIMITS.maxDepth), text).toBeUndefined();

  it('leaves anchors, aliases, tags, block scalars, directives, several documents and multi-line values', () => {
    for (const text of [
      'a: &x 1\nb: *x\n',
      'a: !!str 1\n',
      'a: |\n  text\n',
      'a: >-\n  text\n',
      '%YAML 1.2\n---\na: 1\n',
      'a: 1\n---\nb: 2\n',
      'a: one\n  two\n',
      'a: [1,\n  2]\n',
      'a: "one\n  two"\n',
      'a:\n- 1\n',
      '- 1\n- 2\n',
      'a: 1\n\tb: 2\n',
      'a: 1\r\nb: 2\r\n',
      '\ufeffa: 1\n',
      'a: \ud800 lone\n',
      'a: lone \udc00\n',
      'a: [b: c]\n',
      '? a\n: b\n',
      'a: b: c\n',
      '{ a: 1 }\n',
      '# only a comment\n',
      '',
    ])
      left(text);
  });

  it('leaves duplicate and forbidden keys, which the events path refuses at their place', () => {
    for (const [text, code, line, column] of [
      ['a: 1\nb: 2\na: 3\n', 'BNK_ERR_SYNTAX', 3, 1],
      ['a: { b: 1, b: 2 }\n', 'BNK_ERR_SYNTAX', 1, 12],
      ['a:\n  __proto__: 1\n', 'BNK_ERR_FORBIDDEN_KEY', 2, 3],
      ['- 1\n', undefined, 0, 0],
    ] as const) {
      left(text);
      const r = readSource(text, 'doc.yaml');
      if (code === undefined) continue;
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.diagnostics.map((d) => [d.code, d.loc.line, d.loc.column])).toEqual([[code, line, column]]);
    }
  });

  it('leaves nesting past the depth limit, which the events path refuses', () => {
    const text = `a: ${'['.repeat(40)}${']'.repeat(40)}\n`;
    expect(readYamlFast(text, FORBIDDEN, 20)).toBeUndefined();
    expect(readYamlFast(text, FORBIDDEN, 64)).toBeDefined();
  });

  it('takes characters beyond the BMP (surrogate pairs), and agrees', () => {
    expect(agrees('a: 😀\nb: [𠮷野家, "😀"]\n')).toBe(true);
  });

  it('reads YAML 1.2 core schema values as the events path does (no stays a string)', () => {
    const fast = readYamlFast('a: no\nb: yes\nc: 0o17\nd: 1_000\ne: ~\nf: "no"\ng: 2026-04-01\n', FORBIDDEN, 64);
    expect(fast?.data).toEqual({ a: 'no', b: 'yes', c: 15, d: '1_000', e: null, f: 'no', g: '2026-04-01' });
  });
});
