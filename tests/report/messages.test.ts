// The message catalogue: every rule of the catalogue has a title and, for every kind of
// finding it can produce, a template in both languages; and policy/ writes no Japanese,
// so that all wording lives in report/messages.ts.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../src/policy/rules.ts';
import { type Finding, FINDING_KINDS, type Subject } from '../../src/policy/types.ts';
import { findingText, MESSAGES, RULE_TITLES } from '../../src/report/messages.ts';
import { ROOT } from '../helpers.ts';

/** Kana or kanji: Japanese text. */
const JAPANESE = /[\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Han}]/u;

/** The subject each kind of finding is about. */
const SUBJECTS: Readonly<Record<string, Subject>> = {
  reach: { kind: 'zone-pair', from: 'z-a', to: 'z-b' },
  bypass: { kind: 'zone-pair', from: 'z-a', to: 'z-b' },
  bridge: { kind: 'device', id: 'gw' },
  'no-zone': { kind: 'device', id: 'sw' },
  'too-wide': { kind: 'exception', id: 'ex' },
  exception: { kind: 'exception', id: 'ex' },
  terminals: { kind: 'host', id: 'pc' },
  'cloud-service': { kind: 'cloud-service', id: 'cs' },
  'missing-controls': { kind: 'host', id: 'pc' },
  'address-conflict': { kind: 'interface', device: 'fw', name: 'e0' },
  'subnet-overlap': { kind: 'zones', zones: ['z-a', 'z-b'] },
  leg: { kind: 'leg', intent: 'flow', leg: 'z-a → z-b' },
  rule: { kind: 'rule', device: 'fw', rule: 'r1' },
};

const loc = { file: 't.yaml', line: 1, column: 1 };
const zone = (id: string) => ({ id, domain: 'lgwan', domainName: { ja: 'lgwan-name', en: 'lgwan-name' } });

/** Facts for every kind at once, in ASCII: any Japanese in an English text comes from a template. */
const FACTS = {
  from: zone('z-a'),
  to: zone('z-b'),
  gateway: 'sanitizer',
  domains: ['mynumber', 'lgwan'],
  problems: [
    { kind: 'not-single-host', side: 'from', written: ['10.0.0.0/24'], addresses: 256 },
    { kind: 'ports-not-limited', written: ['tcp'] },
    { kind: 'expired', expires: '2020-01-01' },
  ],
  group: true,
  zone: 'z-a',
  model: 'beta',
  domainName: { ja: 'lgwan-name', en: 'lgwan-name' },
  expected: { domain: 'internet', name: { ja: 'internet-name', en: 'internet-name' } },
  fromZones: ['z-a'],
  toZones: ['z-b'],
  missing: ['mfa'],
  content: 'mail',
  method: 'mail-text',
  sanitizers: [{ id: 'san', method: 'file-sanitization' }],
  target: 'z-b',
  index: 1,
  count: 2,
  stop: { kind: 'denied', device: 'fw', rule: 'r1', from: zone('z-a'), to: zone('z-b'), crosses: true },
  address: 167772161,
  other: { kind: 'host', id: 'pc2' },
  breaking: ['fw', 'link'],
  action: 'permit',
  unbound: false,
  covering: Array.from({ length: 7 }, (_, i) => ({ id: `c${i}`, action: 'deny', loc })),
  broad: [{ field: 'from', written: [] }],
  crossings: Array.from({ length: 8 }, () => [
    { ja: 'a', en: 'a' },
    { ja: 'b', en: 'b' },
  ]),
};

function example(rule: string, kind: string): Finding {
  const subject = SUBJECTS[kind] ?? (rule === 'firewall-hygiene' ? SUBJECTS.rule : { kind: 'intent', id: 'flow' });
  return { rule, kind, subject, severity: 'error', clause: '§0', loc, classes: [], permittedBy: [], ...FACTS } as unknown as Finding;
}

describe('the message catalogue', () => {
  it('has the same rules as the rule catalogue, and the same kinds as the findings', () => {
    const ids = CATALOGUE.map((r) => r.id);
    expect(Object.keys(FINDING_KINDS).sort()).toEqual([...ids].sort());
    expect(Object.keys(MESSAGES).sort()).toEqual([...ids].sort());
    expect(Object.keys(RULE_TITLES).sort()).toEqual([...ids].sort());
    for (const id of ids) expect(Object.keys(MESSAGES[id]).sort(), id).toEqual([...FINDING_KINDS[id]].sort());
  });

  it.each(CATALOGUE.map((r) => r.id))('%s: a title, and for each kind a message and a hint in Japanese and in English', (id) => {
    expect(RULE_TITLES[id].ja).toMatch(JAPANESE);
    expect(RULE_TITLES[id].en).not.toMatch(JAPANESE);
    expect(FINDING_KINDS[id].length).toBeGreaterThan(0);
    for (const kind of FINDING_KINDS[id]) {
      const { message, hint } = findingText(example(id, kind));
      for (const text of [message, hint]) {
        expect(text.ja, `${id} ${kind}`).toMatch(JAPANESE);
        expect(text.en.length, `${id} ${kind}`).toBeGreaterThan(0);
        expect(text.en, `${id} ${kind}`).not.toMatch(JAPANESE);
      }
    }
  });
});

/**
 * The rule: src/policy/ holds no Japanese (kana or kanji) outside comments, but for the
 * clause citations of the rule catalogue (`clause: '§6(3)ア'`): they quote the numbering of
 * the policy text, data that names where a rule comes from, not wording to translate.
 * Identifiers, string literals and template parts are checked (comments are not in the tree).
 */
function japaneseOutsideClauses(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateLiteralToken(node) || ts.isIdentifier(node)) {
      const clause = ts.isPropertyAssignment(node.parent) && node.parent.initializer === node && node.parent.name.getText(source) === 'clause';
      if (JAPANESE.test(node.text) && !clause) {
        const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
        found.push(`${file}:${line + 1}: ${node.text}`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('policy/ produces data only', () => {
  it('no file in src/policy has Japanese text outside comments and clause citations', () => {
    const dir = join(ROOT, 'src/policy');
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(0);
    expect(files.flatMap((f) => japaneseOutsideClauses(`src/policy/${f}`, readFileSync(join(dir, f), 'utf8')))).toEqual([]);
  });

  it('the check finds Japanese where it is (the test is not blind)', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the string is TypeScript source under test
    expect(japaneseOutsideClauses('x.ts', "const a = { title: '分離' };\n// 日本語\nconst b = `${a}の`;\nconst c = { clause: '§6(3)ア' };")).toEqual([
      'x.ts:1: 分離',
      'x.ts:3: の',
    ]);
  });
});
