// Input generators shared by the fuzz suites: mutated sample files, random bytes, huge
// scalars, deep nesting, odd unicode and prototype-member names. Seeds and run counts are
// fixed in each suite so a failure replays exactly (fast-check prints the seed and path).

import fc from 'fast-check';

export const SEED = 20261125;

/** Property names a plain object, a function or an array inherits, and the loader's forbidden keys. */
export const PROTO_NAMES = [
  ...new Set([
    ...Object.getOwnPropertyNames(Object.prototype),
    ...Object.getOwnPropertyNames(Function.prototype),
    ...Object.getOwnPropertyNames(Array.prototype),
    '__proto__',
    'prototype',
  ]),
].sort();

/** Scalars that have broken parsers elsewhere: limits, signs, absurd prefixes, odd unicode. */
export const ODD_SCALARS = [
  '0',
  '-1',
  '-80',
  '70000',
  '65536',
  '4294967296',
  '99999999999999999999999',
  '1e309',
  '-0',
  'NaN',
  '.inf',
  '0x1F',
  '0o17',
  '10.0.0.0/99',
  '10.0.0.0/-1',
  '256.1.1.1',
  '10.0.0.1-10.0.0.0',
  '0.0.0.0/0',
  '10.0.0.0/8/8',
  '::1',
  'tcp/70000',
  'tcp/-1',
  'tcp/1-0',
  'udp/0-65536',
  'icmp/8',
  '300',
  'tcp/',
  '/',
  '',
  '~',
  'null',
  'true',
  '[]',
  '{}',
  '[[[[',
  '- - -',
  '&a',
  '*a',
  '!!js/function f',
  '\u202e\u202d',
  '\u0000',
  '\u200b',
  '\ufeff',
  '１０．０．０．１',
  '１２３',
  'ｔｃｐ/４４３',
  '\ud800',
  '\udfff',
  'é',
  '𝔘',
  'x'.repeat(300),
  ...PROTO_NAMES,
];

export const oddScalar = fc.oneof(
  fc.constantFrom(...ODD_SCALARS),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.integer().map(String),
  fc.double().map(String),
);

/** A scalar for YAML: as is, or quoted (so that quotes, colons and unicode all get tried). */
const yamlScalar = fc.tuple(oddScalar, fc.boolean()).map(([s, quote]) => (quote ? JSON.stringify(s) : s));

type Mutation =
  | { kind: 'delete'; at: number }
  | { kind: 'duplicate'; at: number }
  | { kind: 'swap'; at: number; with: number }
  | { kind: 'scalar'; at: number; value: string }
  | { kind: 'insert'; at: number; value: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), with: fc.nat() }),
  fc.record({ kind: fc.constant('scalar' as const), at: fc.nat(), value: yamlScalar }),
  fc.record({ kind: fc.constant('scalar' as const), at: fc.nat(), value: yamlScalar }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), value: yamlScalar }),
);

/** Applies line mutations to a YAML text: delete, duplicate, swap lines, replace a value. */
export function mutate(text: string, mutations: readonly Mutation[]): string {
  const lines = text.split('\n');
  for (const m of mutations) {
    if (lines.length === 0) break;
    const at = m.at % lines.length;
    if (m.kind === 'delete') lines.splice(at, 1);
    else if (m.kind === 'duplicate') lines.splice(at, 0, lines[at]!);
    else if (m.kind === 'swap') {
      const other = m.with % lines.length;
      [lines[at], lines[other]] = [lines[other]!, lines[at]!];
    } else if (m.kind === 'insert') lines.splice(at, 0, m.value);
    else {
      // The value after the first ": " (a mapping value) or after "- " (a list item).
      const line = lines[at]!;
      const colon = line.indexOf(': ');
      const dash = /^(\s*- )/.exec(line);
      if (colon >= 0) lines[at] = `${line.slice(0, colon + 2)}${m.value}`;
      else if (dash) lines[at] = `${dash[1]}${m.value}`;
      else lines[at] = m.value;
    }
  }
  return lines.join('\n');
}

export const mutatedYaml = (base: string): fc.Arbitrary<string> => fc.array(mutation, { minLength: 1, maxLength: 6 }).map((ms) => mutate(base, ms));

/** Deeply nested flow or block structures, at a random place or as the whole file. */
export const deepNesting: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 50, max: 20_000 }), fc.constantFrom('[', '{a: ', '- ', '{"a":', '[{'), fc.boolean())
  .map(([n, open, inFile]) => (inFile ? `bunkatsu: 1\nname: x\nzones: ${open.repeat(n)}x\n` : `${open.repeat(n)}x`));

/** Huge scalars and huge lists (bounded: at most about 1 MB). */
export const huge: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 1_000, max: 1_000_000 }), fc.constantFrom('name', 'services', 'zones', 'number'))
  .map(([n, where]) => {
    if (where === 'name') return `bunkatsu: 1\nname: ${'あ'.repeat(Math.floor(n / 3))}\n`;
    if (where === 'number') return `bunkatsu: ${'9'.repeat(Math.min(n, 100_000))}\nname: x\n`;
    if (where === 'services')
      return `bunkatsu: 1\nname: x\nservices:\n  web: [${Array.from({ length: Math.min(n / 10, 5000) }, (_, i) => `tcp/${i}`).join(', ')}]\n`;
    return `bunkatsu: 1\nname: x\nzones:\n${Array.from({ length: Math.min(n / 50, 3000) }, (_, i) => `  - {id: z${i}, domain: lgwan, subnets: [10.${i >> 8}.${i & 255}.0/24]}`).join('\n')}\n`;
  });

/** Random bytes (often invalid UTF-8), as a Buffer. */
export const randomBytes: fc.Arbitrary<Buffer> = fc.uint8Array({ maxLength: 4096 }).map((a) => Buffer.from(a));

/** Valid-looking JSON with odd unicode: escaped lone surrogates, NUL, RTL marks, a BOM, full-width digits. */
export const oddJson: fc.Arbitrary<string> = fc
  .tuple(oddScalar, fc.constantFrom('name', 'id', 'domain', 'service', 'subnets'), fc.boolean())
  .map(([s, key, bom]) => {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: escapes control characters on purpose
    const escaped = JSON.stringify(s).replace(/[\u0000-\u001f\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    const body =
      key === 'name'
        ? `{"bunkatsu": 1, "name": ${escaped}}`
        : `{"bunkatsu": 1, "name": "x", "zones": [{"id": ${key === 'id' ? escaped : '"z"'}, "domain": ${key === 'domain' ? escaped : '"lgwan"'}, "subnets": [${key === 'subnets' ? escaped : '"10.0.0.0/8"'}]}], "intents": [{"id": "i", "from": "z", "to": "z", "service": ${key === 'service' ? escaped : '"https"'}}]}`;
    return bom ? `\ufeff${body}` : body;
  });

/** Any of the above as text (bytes decoded as UTF-8, with replacement characters). */
export const anyTopologyText = (base: string): fc.Arbitrary<string> =>
  fc.oneof(
    { arbitrary: mutatedYaml(base), weight: 6 },
    { arbitrary: deepNesting, weight: 1 },
    { arbitrary: huge, weight: 1 },
    { arbitrary: oddJson, weight: 2 },
    { arbitrary: randomBytes.map((b) => b.toString('utf8')), weight: 1 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 2000 }), weight: 1 },
  );

/** Time a call; the suites assert every input is answered within a bound. */
export async function timed<T>(run: () => Promise<T> | T): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await run();
  return { value, ms: performance.now() - started };
}
