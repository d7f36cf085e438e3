// Input bytes and sizes: strict UTF-8 with the byte offset, limits on values counted before
// the parser runs, strict JSON for *.json names, and the CLI's answers to each.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, decodeInput, InputError, loadTopology } from '../../src/index.ts';
import { firstInvalidByte } from '../../src/model/encoding.ts';
import { ROOT, runCli, TODAY } from '../helpers.ts';

const alpha = readFileSync(resolve(ROOT, 'topologies/alpha-city.yaml'));

function refusal(run: () => unknown): InputError {
  try {
    run();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('strict UTF-8', () => {
  it('decodes valid UTF-8 byte for byte, a byte order mark included', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('name: 岡山市\r\n', 'utf8')]);
    expect(Buffer.from(decodeInput(bytes, 'x.yaml'), 'utf8').equals(bytes)).toBe(true);
  });

  it('refuses a malformed byte with its offset, line and column', () => {
    const bytes = Buffer.concat([Buffer.from('name: a\ndescription: 岡山', 'utf8'), Buffer.from([0x82, 0xa0]), Buffer.from('\n')]);
    const d = refusal(() => decodeInput(bytes, 'sjis.yaml')).diagnostics[0]!;
    expect(d.code).toBe('BNK_ERR_ENCODING');
    expect(d.message).toContain(`byte ${Buffer.byteLength('name: a\ndescription: 岡山')}`);
    expect(d.loc).toEqual({ file: 'sjis.yaml', line: 2, column: 16 });
  });

  it('finds the first malformed byte exactly where Node does (overlongs, surrogates, truncation)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const at = firstInvalidByte(bytes);
        expect(at === bytes.length).toBe(isUtf8(bytes));
        if (at < bytes.length) {
          expect(isUtf8(bytes.subarray(0, at))).toBe(true);
        }
      }),
      { seed: 11, numRuns: 3000 },
    );
    for (const bad of [
      [0xc0, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
      [0xe3, 0x81],
    ]) {
      expect(firstInvalidByte(Uint8Array.from([0x41, ...bad]))).toBe(1);
    }
  });

  it('the CLI exits 2 on a file saved as Shift_JIS (it used to check the repaired text, exit 0)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bunkatsu-enc-'));
    const file = join(dir, 'sjis.yaml');
    writeFileSync(file, Buffer.concat([Buffer.from('# '), Buffer.from([0x89, 0xaa, 0x8e, 0x52]), Buffer.from('\n'), alpha]));
    const r = await runCli(['check', file, '--today', TODAY]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${file}:1:3 BNK_ERR_ENCODING`);
  });
});

describe('values are counted before parsing', () => {
  it('refuses a YAML document past maxYamlNodes before the parser runs', () => {
    const text = `zones: [${'0,'.repeat(2000)}0]\n`;
    const e = refusal(() => loadTopology(text, 'dense.yaml', { limits: { maxYamlNodes: 1000 } }));
    expect(e.diagnostics.map((d) => d.code)).toEqual(['BNK_ERR_FILE_TOO_LARGE']);
    expect(e.diagnostics[0]!.message).toContain('write it as JSON');
    const block = `zones:\n${'- 0\n'.repeat(2000)}`;
    expect(refusal(() => loadTopology(block, 'dense.yaml', { limits: { maxYamlNodes: 1000 } })).diagnostics[0]!.code).toBe('BNK_ERR_FILE_TOO_LARGE');
  });

  it('refuses a JSON document past maxJsonNodes, and counts no separators inside strings', () => {
    const text = JSON.stringify({ zones: Array.from({ length: 2000 }, () => 0) });
    expect(refusal(() => loadTopology(text, 'dense.json', { limits: { maxJsonNodes: 1000 } })).diagnostics[0]!.code).toBe('BNK_ERR_FILE_TOO_LARGE');
    const quiet = JSON.stringify({ description: ',:[{'.repeat(5000) });
    expect(refusal(() => loadTopology(quiet, 'q.json', { limits: { maxJsonNodes: 1000 } })).diagnostics[0]!.code).not.toBe('BNK_ERR_FILE_TOO_LARGE');
  });

  it('lets the sample cities through the default limits', () => {
    for (const f of ['topologies/alpha-city.yaml', 'topologies/beta-city.yaml']) {
      expect(() => loadTopology(readFileSync(resolve(ROOT, f), 'utf8'), f)).not.toThrow();
    }
    expect(DEFAULT_LIMITS.maxYamlNodes).toBeLessThan(DEFAULT_LIMITS.maxJsonNodes);
  });

  it('refuses a file over maxBytes at the CLI before reading it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bunkatsu-big-'));
    const file = join(dir, 'big.yaml');
    writeFileSync(file, `description: ${'a'.repeat(DEFAULT_LIMITS.maxBytes)}\n`);
    const r = await runCli(['check', file, '--today', TODAY]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('BNK_ERR_FILE_TOO_LARGE');
  });
});

describe('a file named *.json is JSON', () => {
  it('refuses YAML in a .json file at the first wrong character', () => {
    const e = refusal(() => loadTopology(alpha.toString('utf8'), 'alpha.json'));
    expect(e.diagnostics[0]).toMatchObject({ code: 'BNK_ERR_SYNTAX', loc: { line: 1, column: 1 } });
  });

  it('places the error on its line and column', () => {
    const d = refusal(() => loadTopology('{\n  "format": 1,\n  "name": "x" "y"\n}', 'x.json')).diagnostics[0]!;
    expect(d).toMatchObject({ code: 'BNK_ERR_SYNTAX', loc: { line: 3, column: 15 } });
    expect(d.message).not.toContain('"x"');
  });

  it('reads JSON with a byte order mark as JSON', () => {
    const json = JSON.stringify({ format: 1, name: 'bom' });
    const e = refusal(() => loadTopology(`\ufeff${json}`, 'bom.json'));
    expect(e.diagnostics.every((d) => d.code !== 'BNK_ERR_SYNTAX')).toBe(true);
  });
});

describe('dates in a topology', () => {
  it('refuses an exception that expires on a day that does not exist', () => {
    const text = readFileSync(resolve(ROOT, 'topologies/alpha-city.yaml'), 'utf8').replace('expires: "2031-03-31"', 'expires: "2031-02-30"');
    const e = refusal(() => loadTopology(text, 'alpha.yaml'));
    expect(e.diagnostics.map((d) => d.code)).toEqual(['BNK_ERR_SCHEMA']);
    expect(e.diagnostics[0]!.message).toContain('calendar date');
  });
});
