// The position index (src/model/positions.ts) past the size where a mapping is also indexed by
// name (16 keys), in both readers: every key and value is found, and a repeated key is
// refused at its second place. Expected positions are worked out from the text's layout.

import { describe, expect, it } from 'vitest';
import { readSource, type SourceDocument } from '../../src/model/source.ts';

const KEYS = 40;
const names = Array.from({ length: KEYS }, (_, i) => `k${i}`);

function read(text: string, file: string): SourceDocument {
  const r = readSource(text, file);
  if (!r.ok) throw new Error(`refused: ${JSON.stringify(r.diagnostics)}`);
  return r.doc;
}

describe('position index, a mapping of 40 keys', () => {
  // YAML: line 1 "m:", then line i+2 "  k<i>: [<i>, x]": the key at column 3, the value after ": ".
  const yaml = `m:\n${names.map((n, i) => `  ${n}: [${i}, x]`).join('\n')}\n`;
  // JSON: line 1 '{"m": {', then line i+2 '  "k<i>": [<i>, "x"],', line KEYS+2 '}}'.
  const json = `{"m": {\n${names.map((n, i) => `  "${n}": [${i}, "x"]`).join(',\n')}\n}}\n`;

  for (const [label, text, file] of [
    ['YAML', yaml, 'doc.yaml'],
    ['JSON', json, 'doc.json'],
  ] as const) {
    it(`finds every key, value and item (${label})`, () => {
      const doc = read(text, file);
      names.forEach((name, i) => {
        const valueColumn = name.length + (label === 'JSON' ? 7 : 5);
        expect(doc.locate(['m', name], true)).toEqual({ file, line: i + 2, column: 3 });
        expect(doc.locate(['m', name])).toEqual({ file, line: i + 2, column: valueColumn });
        // The second item "x" / "\"x\"" sits after "[<i>, ".
        expect(doc.locate(['m', name, 1])).toEqual({ file, line: i + 2, column: valueColumn + String(i).length + 3 });
      });
      // An unknown key falls back to its mapping (line 1: "m:" at column 1, or '{' at 7 in JSON).
      expect(doc.locate(['m', 'nope'])).toEqual({ file, line: label === 'JSON' ? 1 : 2, column: label === 'JSON' ? 7 : 3 });
    });
  }

  it('refuses a key repeated after the 16th, at its second place (JSON and YAML)', () => {
    const y = readSource(yaml.replace('  k39: [39, x]\n', '  k39: [39, x]\n  k3: again\n'), 'doc.yaml');
    expect(y.ok).toBe(false);
    if (!y.ok) expect(y.diagnostics[0]).toMatchObject({ code: 'BNK_ERR_SYNTAX', loc: { line: KEYS + 2, column: 3 } });
    const j = readSource(json.replace('"k39": [39, "x"]', '"k39": [39, "x"],\n  "k3": 1'), 'doc.json');
    expect(j.ok).toBe(false);
    if (!j.ok) expect(j.diagnostics[0]).toMatchObject({ code: 'BNK_ERR_SYNTAX', loc: { line: KEYS + 2, column: 3 } });
  });
});

describe('position index, JSON strings with escapes', () => {
  // Line 1 '{"a\"b": "x\\", "c": ["\"", {"d\\": 1}], "e": 2}': a key with an escaped quote, a
  // value ending in an escaped backslash, a list whose first item is an escaped quote and a
  // key ending in a backslash; each offset is counted from the text below (column = offset + 1).
  const text = '{"a\\"b": "x\\\\", "c": ["\\"", {"d\\\\": 1}], "e": 2}\n';

  it('finds keys and values after escaped quotes and backslashes', () => {
    const doc = read(text, 'esc.json');
    expect(doc.locate(['a"b'], true)).toEqual({ file: 'esc.json', line: 1, column: 2 });
    expect(doc.locate(['a"b'])).toEqual({ file: 'esc.json', line: 1, column: 10 });
    expect(doc.locate(['c'], true)).toEqual({ file: 'esc.json', line: 1, column: 17 });
    expect(doc.locate(['c', 0])).toEqual({ file: 'esc.json', line: 1, column: 23 });
    expect(doc.locate(['c', 1, 'd\\'], true)).toEqual({ file: 'esc.json', line: 1, column: 30 });
    expect(doc.locate(['c', 1, 'd\\'])).toEqual({ file: 'esc.json', line: 1, column: 37 });
    expect(doc.locate(['e'])).toEqual({ file: 'esc.json', line: 1, column: 47 });
    // Past a scalar, or an item out of range, the nearest place found.
    expect(doc.locate(['e', 'f'])).toEqual({ file: 'esc.json', line: 1, column: 47 });
    expect(doc.locate(['c', 5])).toEqual({ file: 'esc.json', line: 1, column: 22 });
  });
});
