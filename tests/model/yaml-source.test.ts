// The YAML reader (src/model/yaml-source.ts, js-yaml underneath): YAML 1.2 core schema values,
// tags and keys refused, the alias expansion count, our own messages, and positions equal to
// those of the `yaml` package (the previous reader) on random documents.

import fc from 'fast-check';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { isMap, isPair, isScalar, isSeq, type Node, parseDocument, stringify } from 'yaml';
import type { Diagnostic } from '../../src/errors.ts';
import { estimateYaml, type ReadResult, readSource, type SourceDocument } from '../../src/model/source.ts';
import { readYaml } from '../../src/model/yaml-source.ts';
import { loadChange } from '../../src/review/change.ts';
import { positionOf } from '../helpers.ts';

const FILE = 'doc.yaml';

function read(text: string, limits?: Partial<Parameters<typeof readSource>[2]>): SourceDocument {
  const r: ReadResult = readSource(text, FILE, limits ? { ...readSourceDefaults(), ...limits } : undefined);
  if (!r.ok) throw new Error(`refused: ${JSON.stringify(r.diagnostics)}`);
  return r.doc;
}

function refuse(text: string, limits?: Partial<Parameters<typeof readSource>[2]>): Diagnostic[] {
  const r = readSource(text, FILE, limits ? { ...readSourceDefaults(), ...limits } : undefined);
  if (r.ok) throw new Error(`accepted: ${JSON.stringify(r.doc.data)}`);
  return r.diagnostics;
}

const readSourceDefaults = () => ({ maxBytes: 1 << 20, maxJsonNodes: 100_000, maxYamlNodes: 100_000, maxDepth: 64, maxAliases: 1000 });
const value = (scalar: string): unknown => (read(`v: ${scalar}\n`).data as { v: unknown }).v;

describe('YAML 1.2 core schema', () => {
  it('reads YAML 1.1 booleans, underscores, sexagesimals and dates as strings', () => {
    for (const s of [
      'no',
      'yes',
      'on',
      'off',
      'y',
      'n',
      'No',
      'YES',
      'tRue',
      '1_000',
      '12:30:00',
      '190:20:30',
      '0b101',
      '2026-04-01',
      '2001-12-14t21:59:43.10-05:00',
      '10.1.0.0/24',
    ]) {
      expect(value(s), s).toBe(s);
    }
  });

  it('reads the core schema values', () => {
    const cases: Array<[string, unknown]> = [
      ['true', true],
      ['True', true],
      ['FALSE', false],
      ['null', null],
      ['~', null],
      ['', null],
      ['0x1F', 31],
      ['0o17', 15],
      ['017', 17],
      ['-0', -0],
      ['+1', 1],
      ['1e3', 1000],
      ['.5', 0.5],
      ['.inf', Number.POSITIVE_INFINITY],
      ['-.Inf', Number.NEGATIVE_INFINITY],
      ['"2026-04-01"', '2026-04-01'],
      ["'no'", 'no'],
      ['!!str 1', '1'],
      ['!!int "12"', 12],
    ];
    for (const [s, want] of cases) expect(value(s), s).toEqual(want);
    expect(value('.nan')).toBeNaN();
  });

  it('keeps `no` a string under a %YAML 1.1 directive (no schema switch)', () => {
    expect(read('%YAML 1.1\n---\nv: no\n').data).toEqual({ v: 'no' });
  });

  it('reads "<<" as an ordinary key (no merge)', () => {
    expect(read('a: &x {k: 1}\nb:\n  <<: *x\n  k: 2\n').data).toEqual({ a: { k: 1 }, b: { '<<': { k: 1 }, k: 2 } });
  });

  it('refuses tags outside the core schema (!!binary, !!timestamp, !!set, !!omap, local tags) where they are', () => {
    for (const tag of ['!!binary aGVsbG8=', '!!timestamp 2026-04-01', '!!set {a}', '!!omap [a: 1]', '!local x', '!!bool yes']) {
      const text = `name: t\nv: ${tag}\n`;
      const [d, ...more] = refuse(text);
      expect(more, tag).toEqual([]);
      expect(d!.code, tag).toBe('BNK_ERR_SYNTAX');
      expect(d!.loc.line, tag).toBe(2);
      expect(d!.message, tag).not.toContain('tag:yaml.org');
    }
  });
});

describe('keys', () => {
  it('reports a duplicate key at the second one, also when two spellings give the same key', () => {
    for (const text of ['a: 1\nb: 2\na: 3\n', 'x:\n  1: a\n  "1": b\n', 'x: {0x1F: a, 31: b}\n']) {
      const d = refuse(text);
      expect(d.map((e) => e.code)).toEqual(['BNK_ERR_SYNTAX']);
      expect(d[0]!.message).toMatch(/appears twice/);
    }
    expect(refuse('a: 1\nb: 2\na: 3\n')[0]!.loc).toMatchObject({ line: 3, column: 1 });
    expect(refuse('x: {0x1F: a, 31: b}\n')[0]!.loc).toMatchObject({ line: 1, column: 14 });
  });

  it('refuses a list or a mapping as a key', () => {
    for (const text of ['? [a, b]\n: 1\n', '[1, 2]: x\n', '? {a: 1}\n: 1\n']) {
      expect(refuse(text).map((e) => [e.code, e.message])).toEqual([['BNK_ERR_SYNTAX', 'a key must be a plain value, not a list or a mapping']]);
    }
  });

  it('refuses forbidden keys however they are written, before anything is built', () => {
    for (const key of ['__proto__', '"__proto__"', "'constructor'", '!!str prototype', '? __proto__\n']) {
      const text = key.endsWith('\n') ? `a: 1\n${key}: {polluted: true}\n` : `a: 1\n${key}: {polluted: true}\n`;
      expect(
        refuse(text).map((e) => [e.code, e.loc.line]),
        key,
      ).toEqual([['BNK_ERR_FORBIDDEN_KEY', 2]]);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reads an alias as a key by the value it points to, refusing forbidden and complex ones', () => {
    expect(read('a: &k x\n*k : 1\n').data).toEqual({ a: 'x', x: 1 });
    expect(refuse('a: &k __proto__\n*k : 1\n').map((d) => [d.code, d.loc.line, d.loc.column])).toEqual([['BNK_ERR_FORBIDDEN_KEY', 2, 1]]);
    expect(refuse('a: &k [1]\n*k : 1\n').map((d) => [d.code, d.loc.line, d.loc.column])).toEqual([['BNK_ERR_SYNTAX', 2, 1]]);
  });

  it("builds tagged documents with the same values (through js-yaml's constructor)", () => {
    expect(read('a: !!str 012\nb: [no, 0x1F, ~]\nc: &x {k: v}\nd: *x\n').data).toEqual({ a: '012', b: ['no', 31, null], c: { k: 'v' }, d: { k: 'v' } });
  });

  it('locates numeric and null keys by the key the data has', () => {
    const doc = read('m:\n  0x1F: a\n  null: b\n  "q": c\n');
    expect(doc.data).toEqual({ m: { '31': 'a', null: 'b', q: 'c' } });
    expect(doc.locate(['m', '31'], true)).toMatchObject({ line: 2, column: 3 });
    expect(doc.locate(['m', 'null'])).toMatchObject({ line: 3, column: 9 });
    expect(doc.locate(['m', 'q'], true)).toMatchObject({ line: 4, column: 3 });
  });
});

describe('aliases', () => {
  // *a stands for 1 expansion, *c for 1 + the 2 inside &c: 2 + 3 + 3 = 8.
  const text = 'a: &a [x]\nc: &c [*a, *a]\nd: [*c, *c]\n';

  it('counts each alias once plus the aliases inside what it points to', () => {
    expect(read(text, { maxAliases: 8 }).data).toEqual({
      a: ['x'],
      c: [['x'], ['x']],
      d: [
        [['x'], ['x']],
        [['x'], ['x']],
      ],
    });
    expect(refuse(text, { maxAliases: 7 }).map((d) => [d.code, d.loc.line, d.loc.column])).toEqual([['BNK_ERR_ALIAS_LIMIT', 1, 1]]);
  });

  it('refuses an alias to the node that contains it (the data would be a cycle)', () => {
    for (const t of ['a: &a [*a]\n', 'a: &a {b: {c: *a}}\n']) {
      const [d] = refuse(t);
      expect(d).toMatchObject({ code: 'BNK_ERR_SYNTAX', loc: { line: 1, column: t.indexOf('*a') + 1 } });
      expect(d!.message).toContain('*a');
    }
  });

  it('refuses an alias without its anchor, with our message', () => {
    expect(refuse('a: 1\nb: *nope\n').map((d) => [d.code, d.message, d.loc.line, d.loc.column])).toEqual([
      ['BNK_ERR_SYNTAX', 'alias *nope has no anchor &nope before it', 2, 4],
    ]);
  });
});

describe('messages are ours', () => {
  it('words the parser refusals itself', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['zones:\n  - id: a: b\n', 'a: b', /one-line value/],
      ['zones:\n\t- id: a\n', '\t', /tab/],
      ['a: "open\n', '', /./],
      ['a: [1, 2\n', '', /./],
      ['a: 1\n---\nb: 2\n', '---', /more than one YAML document/],
    ];
    for (const [text, needle, message] of cases) {
      const [d, ...more] = refuse(text);
      expect(more).toEqual([]);
      expect(d!.code).toBe('BNK_ERR_SYNTAX');
      expect(d!.message).toMatch(message);
      if (needle) expect(d!.loc).toMatchObject(positionOf(text, needle));
    }
  });

  it('maps the depth limit of the parser (the backstop behind the pre-scan) to BNK_ERR_TOO_DEEP', () => {
    // Called without the pre-scan of readSource, which refuses this first.
    const r = readYaml(`a: ${'['.repeat(40)}${']'.repeat(40)}\n`, FILE, new Set(), { maxDepth: 20, maxAliases: 10 });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['BNK_ERR_TOO_DEEP']);
    expect(r.diagnostics[0]!.message).toBe('nesting deeper than 20 levels');
  });
});

describe('positions', () => {
  it('puts scalars at their quote or block indicator, aliases at "*", empty values after ":"', () => {
    const text = 'a: "q"\nb: \'r\'\nc: |\n  lit\nd: >-\n  fold\ne: &x {k: 1}\nf: *x\ng: !!str 5\nh:\ni: [&z 1, *z]\nj:\n  -\n  - y\n';
    const doc = read(text);
    const at = (needle: string, n = 1) => ({ file: FILE, ...positionOf(text, needle, n) });
    expect(doc.locate(['a'])).toEqual(at('"q"'));
    expect(doc.locate(['b'])).toEqual(at("'r'"));
    expect(doc.locate(['c'])).toEqual(at('|'));
    expect(doc.locate(['d'])).toEqual(at('>-'));
    expect(doc.locate(['e'])).toEqual(at('{k'));
    expect(doc.locate(['f'])).toEqual(at('*x'));
    expect(doc.locate(['g'])).toEqual(at('5'));
    expect(doc.locate(['h'])).toEqual({ file: FILE, line: 10, column: 3 });
    expect(doc.locate(['i', 1])).toEqual(at('*z'));
    expect(doc.locate(['j', 0])).toEqual({ file: FILE, line: 13, column: 4 });
    expect(doc.locate(['j', 1])).toEqual(at('y\n'));
    expect(doc.locate(['e', 'k'], true)).toEqual(at('k:'));
    // A path that goes nowhere falls back to the nearest parent found.
    expect(doc.locate(['e', 'missing'])).toEqual(at('{k'));
  });

  it('counts columns the same in CRLF files and after a byte order mark', () => {
    const crlf = read('a: 1\r\nb:\r\n  - "x"\r\n  - |\r\n    lit\r\n');
    expect(crlf.data).toEqual({ a: 1, b: ['x', 'lit\n'] });
    expect(crlf.locate(['b', 0])).toEqual({ file: FILE, line: 3, column: 5 });
    expect(crlf.locate(['b', 1])).toEqual({ file: FILE, line: 4, column: 5 });
    const bom = read('\ufeffa: 1\nb: 2\n');
    expect(bom.data).toEqual({ a: 1, b: 2 });
    expect(bom.locate(['a'], true)).toEqual({ file: FILE, line: 1, column: 2 });
    expect(bom.locate(['b'])).toEqual({ file: FILE, line: 2, column: 4 });
  });

  it('gives every value and key the position the `yaml` package gives (random documents, every style)', () => {
    const key = fc.stringMatching(/^[a-z][a-z0-9_-]{0,6}$/).filter((k) => !['constructor', 'prototype'].includes(k));
    const scalar = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom('no', 'yes', '2026-04-01', '10.1.0.0/24', 'a: b', '- x', '#c', 'line\nbreak\n', ' lead'),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
    );
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('list'), tie('map')),
      list: fc.array(tie('tree'), { maxLength: 4 }),
      map: fc.dictionary(key, tie('tree'), { maxKeys: 4 }),
    }));
    const root = fc.dictionary(key, tree, { minKeys: 1, maxKeys: 5 });
    const style = fc.record({
      collectionStyle: fc.constantFrom('any', 'block', 'flow'),
      defaultStringType: fc.constantFrom('PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL', 'BLOCK_FOLDED'),
      indentSeq: fc.boolean(),
    });
    fc.assert(
      fc.property(root, style, (data, s) => {
        const text = stringify(data, {
          collectionStyle: s.collectionStyle as 'any',
          defaultStringType: s.defaultStringType as 'PLAIN',
          indentSeq: s.indentSeq,
        });
        // The `yaml` package writes an empty [] or {} at the key's own indentation, which YAML
        // does not allow (js-yaml refuses it); skip those documents.
        fc.pre(!/\n *(\[\]|\{\})\n/.test(text) || s.indentSeq);
        const doc = read(text);
        const oracle = parseDocument(text);
        expect(doc.data).toEqual(oracle.toJS());
        // Built in our pass over the events: the same data as js-yaml's own constructor.
        expect(doc.data).toEqual(load(text));
        const offsetToLoc = (offset: number) => {
          const before = text.slice(0, offset);
          return { file: FILE, line: before.split('\n').length, column: offset - before.lastIndexOf('\n') };
        };
        // Every value and key of the oracle's tree, by path.
        const work: Array<{ node: Node; path: PropertyKey[] }> = [{ node: oracle.contents as Node, path: [] }];
        while (work.length > 0) {
          const { node, path } = work.pop()!;
          if (isMap(node)) {
            for (const pair of node.items) {
              if (!isPair(pair) || !isScalar(pair.key)) continue;
              const p = [...path, String(pair.key.value)];
              expect(doc.locate(p, true), `key ${p.join('.')} in\n${text}`).toEqual(offsetToLoc(pair.key.range![0]));
              if (pair.value) work.push({ node: pair.value as Node, path: p });
            }
          } else if (isSeq(node)) {
            for (const [i, item] of node.items.entries()) work.push({ node: item as Node, path: [...path, i] });
          }
          if (node.range && !(isScalar(node) && node.value === null && node.range[0] === node.range[1]))
            expect(doc.locate(path), `value ${path.join('.')} in\n${text}`).toEqual(offsetToLoc(node.range[0]));
        }
      }),
      { seed: 14, numRuns: 300 },
    );
  });
});

describe('change files and policy packs use the same reader', () => {
  it('refuses a duplicate key in a change file at the second key', () => {
    const text = 'bunkatsu-change: 1\ntopology: t.yaml\ntopology: u.yaml\nchanges: []\n';
    try {
      loadChange(text, 'c.yaml');
      expect.unreachable();
    } catch (error) {
      const d = (error as { diagnostics: Diagnostic[] }).diagnostics;
      expect(d.map((e) => [e.code, e.loc.line, e.loc.column])).toEqual([['BNK_ERR_SYNTAX', 3, 1]]);
    }
  });
});

describe('the pre-scan', () => {
  it('gives the depth, its place and the value count of the string-based scan it replaced (random YAML-like text)', () => {
    const text = fc
      .array(
        fc.constantFrom(' ', '  ', '\t', '\n', '\r\n', '- ', '-', ':', ': ', '#', ' #', '"', "'", '\\', '[', ']', '{', '}', ',', '?', 'a', 'b: ', "a'b", '0'),
        {
          maxLength: 200,
        },
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 60 }), (t, depth, nodes) => {
        expect(estimateYaml(t, depth, nodes)).toEqual(referenceEstimate(t, depth, nodes));
      }),
      { seed: 14, numRuns: 3000 },
    );
  });
});

/** The pre-scan as it was written before (one-character strings), kept as the reference. */
function referenceEstimate(text: string, maxDepth: number, maxNodes: number): ReturnType<typeof estimateYaml> {
  let flow = 0;
  let nodes = 0;
  const indents: number[] = [];
  let line = 1;
  let pos = 0;
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    let i = pos;
    while (i < end && (text[i] === ' ' || text[i] === '\t')) i++;
    const first = text[i];
    if (i < end && first !== '#' && first !== '\r' && flow === 0) {
      nodes++;
      let indent = i - pos;
      while (indents.length > 0 && indents[indents.length - 1]! >= indent) indents.pop();
      indents.push(indent);
      // "- - - x" opens one level per dash on the same line.
      while (text[i] === '-' && (text[i + 1] === ' ' || text[i + 1] === '\t')) {
        i += 2;
        while (text[i] === ' ') i++;
        indent = i - pos;
        indents.push(indent);
        nodes++;
      }
    }
    let quote: string | undefined;
    for (; i < end; i++) {
      const c = text[i];
      if (quote) {
        if (c === '\\' && quote === '"') i++;
        else if (c === quote) quote = undefined;
        continue;
      }
      if ((c === '"' || c === "'") && startsScalar(text, pos, i)) quote = c;
      else if (c === '#' && (i === pos || text[i - 1] === ' ' || text[i - 1] === '\t')) break;
      else if (c === '[' || c === '{') {
        flow++;
        nodes++;
      } else if (c === ']' || c === '}') flow = Math.max(0, flow - 1);
      else if (c === ',' || (c === ':' && (i + 1 === end || text[i + 1] === ' ' || text[i + 1] === '\t' || text[i + 1] === '\r'))) nodes++;
      if (flow + indents.length > maxDepth) return { deep: { line, column: i - pos + 1 }, nodes };
    }
    if (indents.length > maxDepth) return { deep: { line, column: 1 }, nodes };
    if (nodes > maxNodes) return { nodes };
    line++;
    pos = end + 1;
  }
  return { nodes };
}

function startsScalar(text: string, lineStart: number, i: number): boolean {
  let j = i - 1;
  while (j >= lineStart && (text[j] === ' ' || text[j] === '\t')) j--;
  if (j < lineStart) return true;
  const before = text[j];
  return before === '[' || before === '{' || before === ',' || before === ':' || before === '-' || before === '?';
}
