// Every failure of a change file has its own code, the same whether the change is applied in
// memory (rule-only changes, review/apply.ts) or through the topology document (change.ts).

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { ErrorCode, InputError } from '../../src/errors.ts';
import { loadDocument } from '../../src/model/load.ts';
import { readSource } from '../../src/model/source.ts';
import { networkAfter } from '../../src/review/apply.ts';
import { CHANGE_MARKER, loadChange, NotAChangeFileError } from '../../src/review/change.ts';
import { refusal, ROOT } from '../helpers.ts';

const TOPOLOGY = 'topologies/alpha-city.yaml';
const read = readSource(readFileSync(resolve(ROOT, TOPOLOGY), 'utf8'), TOPOLOGY);
if (!read.ok) throw new Error('sample does not read');
const doc = read.doc;
const before = loadDocument(doc);
const rule = (fields: Record<string, unknown>): Record<string, unknown> => ({
  action: 'permit',
  from: 'lg-office',
  to: 'lg-file-server',
  service: 'smb',
  ...fields,
});
const STRUCTURAL = { 'add-zone': { id: 'z-extra', domain: 'lgwan', subnets: ['10.99.0.0/16'] } };

const cases: Array<[string, Record<string, unknown>, ErrorCode]> = [
  ['unknown device', { 'add-rule': { device: 'no-such-fw', rule: rule({}) } }, 'BNK_ERR_UNKNOWN_REF'],
  ['rules on a router', { 'add-rule': { device: 'lg-core1', rule: rule({}) } }, 'BNK_ERR_SCHEMA'],
  ['position past the end', { 'add-rule': { device: 'lg-edge-fw', rule: rule({}), position: 999 } }, 'BNK_ERR_SCHEMA'],
  ['unknown rule', { 'remove-rule': { device: 'lg-edge-fw', rule: 'no-such-rule' } }, 'BNK_ERR_UNKNOWN_REF'],
  ['unknown address', { 'add-rule': { device: 'lg-edge-fw', rule: rule({ from: 'nowhere' }) } }, 'BNK_ERR_UNKNOWN_REF'],
  ['malformed address', { 'add-rule': { device: 'lg-edge-fw', rule: rule({ from: '10.20.0.1/21' }) } }, 'BNK_ERR_INVALID_ADDRESS'],
  ['malformed wildcard', { 'add-rule': { device: 'lg-edge-fw', rule: rule({ from: '10.0.0.0 0.0.0.x' }) } }, 'BNK_ERR_INVALID_ADDRESS'],
  ['unknown service', { 'add-rule': { device: 'lg-edge-fw', rule: rule({ service: 'no-such-service' }) } }, 'BNK_ERR_UNKNOWN_REF'],
  ['malformed service', { 'add-rule': { device: 'lg-edge-fw', rule: rule({ service: 'tcp/70000' }) } }, 'BNK_ERR_INVALID_SERVICE'],
  ['`any` does not hide a bad reference', { 'add-rule': { device: 'lg-edge-fw', rule: rule({ to: ['any', 'nowhere'] }) } }, 'BNK_ERR_UNKNOWN_REF'],
  ['unknown interface', { 'add-rule': { device: 'lg-edge-fw', rule: rule({ in: 'eth9' }) } }, 'BNK_ERR_UNKNOWN_REF'],
  ['bad rule field', { 'add-rule': { device: 'lg-edge-fw', rule: rule({ action: 'maybe' }) } }, 'BNK_ERR_SCHEMA'],
  ['duplicate rule id', { 'add-rule': { device: 'lg-edge-fw', rule: rule({ id: 'e-asp' }) } }, 'BNK_ERR_DUPLICATE_ID'],
];

describe.each([
  ['in memory', false],
  ['through the topology document', true],
])('change file failures, %s', (_how, structural) => {
  it.each(cases)('%s', (_name, op, code) => {
    const text = stringify({ 'bunkatsu-change': 1, changes: structural ? [STRUCTURAL, op] : [op] });
    const loaded = loadChange(text, 'change.yaml');
    const problems = refusal(() => networkAfter(before, doc, loaded, {}), 'change.yaml');
    expect(problems.map((d) => d.code)).toEqual([code]);
  });
});

describe('not a change file: a structured field, not message text', () => {
  const failure = (text: string): unknown => {
    try {
      loadChange(text, 'x.yaml');
    } catch (error) {
      return error;
    }
    throw new Error('expected loadChange to refuse it');
  };

  it.each([
    ['a whole topology', readFileSync(resolve(ROOT, TOPOLOGY), 'utf8')],
    ['another format version', 'bunkatsu-change: 2\nchanges:\n  - down: lg-edge-fw\n'],
  ])('%s: a BNK_ERR_SCHEMA diagnostic with field "bunkatsu-change"', (_name, text) => {
    const error = failure(text);
    expect(error).toBeInstanceOf(NotAChangeFileError);
    expect((error as InputError).diagnostics).toContainEqual(expect.objectContaining({ code: 'BNK_ERR_SCHEMA', field: CHANGE_MARKER }));
  });

  it('a change file with a bad operation is still a change file', () => {
    expect(failure('bunkatsu-change: 1\nchanges:\n  - paint-it: red\n')).not.toBeInstanceOf(NotAChangeFileError);
  });
});
