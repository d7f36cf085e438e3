// The CI output formats of check and review: text, JSON, Markdown, SARIF 2.1.0 (validated
// against the official schema), JUnit XML (parsed), in Japanese and English.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type * as Sarif from 'sarif';
import { CATALOGUE } from '../../src/policy/rules.ts';
import { loadTopology } from '../../src/model/load.ts';
import type { Lang } from '../../src/report/describe.ts';
import { reviewJson, reviewText } from '../../src/report/review.ts';
import { checkMarkdown, mdCode, reviewMarkdown } from '../../src/report/markdown.ts';
import { BUNKATSU_VERSION, checkSarif, githubAnchor, reviewSarif, ruleDocAnchor } from '../../src/report/sarif.ts';
import { checkJunit, reviewJunit, xmlEscape } from '../../src/report/junit.ts';
import { loadSample, ROOT, runCli, seedPack, TODAY } from '../helpers.ts';
import { buildReview, fastCheck, HOSTILE } from './fixtures.ts';

const LANGS: readonly Lang[] = ['ja', 'en'];
const fixture = buildReview();
const violation = loadSample('topologies/violations/path-separation.yaml');
const violationCheck = fastCheck(violation);
const unreachable = loadSample('topologies/violations/intent-reachability.yaml');
const unreachableCheck = fastCheck(unreachable);

// The SARIF 2.1.0 schema as Microsoft's SARIF SDK ships it (draft-04, SchemaStore's copy);
// provenance and licence beside it.
const schemaPath = resolve(import.meta.dirname, '../fixtures/sarif/sarif-2.1.0-rtm.5.json');
// unicodeRegExp off: the schema's language pattern is not a valid `u` regular expression.
const ajv = new Ajv.default({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats.default(ajv);
const validateSarif = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')) as object);

function sarifOk(text: string): Sarif.Log {
  const log = JSON.parse(text) as Sarif.Log;
  const ok = validateSarif(log);
  expect(ok ? [] : validateSarif.errors).toEqual([]);
  return log;
}

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase'].includes(name) });
interface JCase {
  name: string;
  classname: string;
  file?: string;
  line?: string;
  failure?: { '#text'?: string; message: string; type: string };
  skipped?: unknown;
}
interface JSuite {
  name: string;
  tests: string;
  failures: string;
  skipped: string;
  testcase: JCase[];
}
function junitOk(text: string): { name: string; tests: string; failures: string; testsuite: JSuite[] } {
  expect(XMLValidator.validate(text)).toBe(true);
  return (xml.parse(text) as { testsuites: { name: string; tests: string; failures: string; testsuite: JSuite[] } }).testsuites;
}

describe('review text and JSON', () => {
  it.each(LANGS)('text (%s): verdict first, operations, flows with witness paths, findings, intents, timing', (lang) => {
    const text = reviewText(fixture.report, fixture.networks, lang);
    const lines = text.split('\n');
    expect(lines[0]).toContain(lang === 'ja' ? '却下' : 'Reject');
    expect(text).toContain(fixture.report.summary[lang].split('\n')[0]!);
    const ja = lang === 'ja';
    expect(text).toContain(
      ja
        ? 'lg-edge-fw の 4 番目にルール e-gcloud（許可）を追加（changes/gcloud.yaml:3:5）'
        : 'add rule e-gcloud at position 4 of lg-edge-fw  (changes/gcloud.yaml:3:5)',
    );
    expect(text).toContain(ja ? 'lg-office（lgwan）→ inet-servers（internet）' : 'lg-office (lgwan) → inet-servers (internet)');
    expect(text).toMatch(/1\. 10\.20\.2\.1-10\.20\.7\.220 → 10\.30\.10\.30 {2}tcp\/443/);
    expect(text).toContain(
      ja
        ? 'ファイアウォール lg-edge-fw（受信 core1、送信 gcloud）、ルール e-gcloud（許可）topologies/violations/path-separation.yaml:302:9'
        : 'rule e-gcloud (permit) at topologies/violations/path-separation.yaml:302:9',
    );
    expect(text).toContain(ja ? 'lg-office（lgwan）→ lg-servers（lgwan）' : 'lg-office (lgwan) → lg-servers (lgwan)');
    expect(text).toContain(
      ja
        ? '[エラー] lg-office → inet-servers（topologies/violations/path-separation.yaml:302:9）'
        : '[error] lg-office → inet-servers  (topologies/violations/path-separation.yaml:302:9)',
    );
    expect(text).toContain('use-file-server');
    expect(text).toContain(lang === 'ja' ? '差分' : 'incremental');
    expect(text).toContain('12.3 ms');
  });

  it.each(LANGS)('JSON (%s): the same data with names', (lang) => {
    // biome-ignore lint/suspicious/noExplicitAny: the test walks the JSON report freely
    const j = JSON.parse(reviewJson(fixture.report, fixture.networks, lang)) as Record<string, any>;
    expect(j.verdict).toBe('reject');
    expect(j.change.operations[0].location).toBe('changes/gcloud.yaml:3:5');
    const cls = j.newlyAllowed[0].classes[0];
    expect(cls.service).toBe('tcp/443');
    expect(cls.witness.hops.map((h: { id: string }) => h.id)).toEqual(['lg-office', 'lg-core1', 'lg-edge-fw', 'gcloud-link', 'in-fw', 'inet-servers']);
    expect(j.newlyBlocked[0].classes[0].witness.disposition).toContain('lg-servers');
    expect(j.findingsIntroduced.map((f: { rule: string }) => f.rule)).toEqual(['path-separation']);
    expect(j.findingsIntroduced[0].location).toBe('topologies/violations/path-separation.yaml:302:9');
    expect(j.intentsBroken[0].intent).toBe('use-file-server');
    expect(j.intents.filter((i: { ok: boolean }) => !i.ok)).toHaveLength(1);
    expect(j.recompute.mode).toBe('incremental');
  });
});

describe('Markdown', () => {
  it.each(LANGS)('review (%s): clear heading, tables, code locations, witness paths folded, text escaped', (lang) => {
    const md = reviewMarkdown(fixture.report, fixture.networks, lang);
    expect(md.split('\n')[0]).toMatch(lang === 'ja' ? /^## .*却下/ : /^## .*Reject/);
    expect(md).not.toMatch(/\p{Extended_Pictographic}/u);
    expect(md).toContain('| `lg-office` (lgwan) | `inet-servers` (internet) | `10.20.2.1-10.20.7.220 → 10.30.10.30 tcp/443` |');
    expect(md).toContain('`topologies/violations/path-separation.yaml:302`');
    expect(md).toContain('<details>');
    expect(md).toContain('```text');
    expect(md).not.toContain('<b>');
    expect(md).toContain('&lt;b&gt; &amp;');
    // Every table row has as many cells as its header (no stray `|`).
    const cells = (row: string): number => row.replace(/\\\|/g, '').split('|').length;
    for (const block of md.split('\n\n')) {
      const rows = block.split('\n').filter((l) => l.startsWith('|'));
      if (rows.length > 0) for (const r of rows) expect(cells(r)).toBe(cells(rows[0]!));
    }
  });

  it.each(LANGS)('check (%s): rule table and findings', (lang) => {
    const md = checkMarkdown(violation, violationCheck, lang);
    expect(md.split('\n')[0]).toBe(lang === 'ja' ? '## 分割 bunkatsu ポリシー検査: 不適合' : '## bunkatsu policy check: FAIL');
    for (const rule of CATALOGUE) expect(md).toContain(`| \`${rule.id}\` |`);
    expect(md).toContain('| error | `path-separation` | lg-office → inet-servers | `topologies/violations/path-separation.yaml:302` |');
    const clean = loadSample('topologies/alpha-city.yaml');
    expect(checkMarkdown(clean, fastCheck(clean), lang)).toContain(lang === 'ja' ? '指摘事項はありません。' : 'No findings.');
  });

  it('code spans survive backticks and pipes', () => {
    expect(mdCode('a`b|c')).toBe('`` a`b\\|c ``');
  });
});

describe('SARIF 2.1.0', () => {
  it.each(LANGS)('check (%s) validates against the schema; rules, levels, locations, related locations, code flows', (lang) => {
    const log = sarifOk(checkSarif(violation, violationCheck, lang));
    const run = log.runs[0]!;
    expect(run.tool.driver.name).toBe('bunkatsu');
    expect(run.tool.driver.version).toBe(BUNKATSU_VERSION);
    expect(run.tool.driver.rules!.map((r) => r.id)).toEqual(CATALOGUE.map((r) => r.id));
    expect(run.tool.driver.rules![3]!.properties!.clause).toBe('§6(3)イ, §2(17)');
    expect(run.results).toHaveLength(1);
    const r = run.results![0]!;
    expect(r.ruleId).toBe('path-separation');
    expect(run.tool.driver.rules![r.ruleIndex!]!.id).toBe('path-separation');
    expect(r.level).toBe('error');
    expect(r.locations![0]!.physicalLocation!.artifactLocation!.uri).toBe('topologies/violations/path-separation.yaml');
    expect(r.locations![0]!.physicalLocation!.region).toEqual({ startLine: 302, startColumn: 9 });
    expect(r.relatedLocations!.map((l) => l.physicalLocation!.region!.startLine)).toEqual([302, 466]);
    const steps = r.codeFlows![0]!.threadFlows[0]!.locations;
    expect(steps).toHaveLength(6);
    expect(steps[2]!.location!.physicalLocation!.region!.startLine).toBe(302);
    expect(steps[5]!.location!.message!.text).toContain('inet-servers');
  });

  it('check of other samples validates too (no findings; intent findings without flows)', () => {
    const clean = loadSample('topologies/alpha-city.yaml');
    expect(sarifOk(checkSarif(clean, fastCheck(clean), 'en')).runs[0]!.results).toEqual([]);
    const log = sarifOk(checkSarif(unreachable, unreachableCheck, 'ja', { rulesDocUri: 'https://example.org/bunkatsu/docs/rules.md' }));
    expect(log.runs[0]!.results!.length).toBeGreaterThan(0);
    expect(log.runs[0]!.tool.driver.rules![0]!.helpUri).toBe(
      `https://example.org/bunkatsu/docs/rules.md#${encodeURIComponent(ruleDocAnchor('mynumber-isolation'))}`,
    );
  });

  it('fingerprints are stable across runs and unrelated edits that move lines', () => {
    const text = readFileSync(resolve(ROOT, 'topologies/violations/path-separation.yaml'), 'utf8');
    const shifted = loadTopology(`# an unrelated comment\n# and another\n${text}`, 'topologies/violations/path-separation.yaml', {
      domains: new Set(Object.keys(seedPack().domains)),
    });
    const a = sarifOk(checkSarif(violation, violationCheck, 'en')).runs[0]!.results![0]!;
    const b = sarifOk(checkSarif(violation, fastCheck(violation), 'ja')).runs[0]!.results![0]!;
    const c = sarifOk(checkSarif(shifted, fastCheck(shifted), 'en')).runs[0]!.results![0]!;
    expect(c.locations![0]!.physicalLocation!.region!.startLine).toBe(304);
    expect(b.partialFingerprints).toEqual(a.partialFingerprints);
    expect(c.partialFingerprints).toEqual(a.partialFingerprints);
    expect(Object.values(a.partialFingerprints!)[0]).toMatch(/^[0-9a-f]{32}$/);
  });

  it.each(LANGS)('review (%s): introduced findings, broken intents, opened flows as notes', (lang) => {
    const log = sarifOk(reviewSarif(fixture.report, fixture.networks, lang));
    const results = log.runs[0]!.results!;
    expect(results.map((r) => [r.ruleId, r.level])).toEqual([
      ['path-separation', 'error'],
      ['intent-broken', 'error'],
      ['flow-opened', 'note'],
    ]);
    const rules = log.runs[0]!.tool.driver.rules!;
    for (const r of results) expect(rules[r.ruleIndex!]!.id).toBe(r.ruleId);
    const opened = results[2]!;
    expect(opened.locations![0]!.physicalLocation!.region!.startLine).toBe(302);
    expect(opened.codeFlows).toHaveLength(1);
    expect(opened.relatedLocations!.some((l) => l.physicalLocation!.artifactLocation!.uri === 'changes/gcloud.yaml')).toBe(true);
    expect(new Set(results.map((r) => Object.values(r.partialFingerprints!)[0])).size).toBe(3);
    expect(log.runs[0]!.properties!.verdict).toBe('reject');
  });

  it('rule anchors name real headings of docs/rules.md; the version is the package version', () => {
    const doc = readFileSync(resolve(ROOT, 'docs/rules.md'), 'utf8');
    const anchors = new Set([...doc.matchAll(/^#+ (.+)$/gm)].map((m) => githubAnchor(m[1]!)));
    for (const rule of CATALOGUE) expect(anchors).toContain(ruleDocAnchor(rule.id));
    expect(anchors).toContain(ruleDocAnchor('intent-broken'));
    const pkg = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(BUNKATSU_VERSION).toBe(pkg.version);
  });
});

describe('JUnit XML', () => {
  it('check: one case per rule and per intent, failures where the findings are', () => {
    const doc = junitOk(checkJunit(violation, violationCheck));
    const [rules, intents] = doc.testsuite;
    expect(doc.testsuite.map((s) => s.name)).toEqual(['policy rules', 'flow intents']);
    expect(rules!.testcase).toHaveLength(CATALOGUE.length);
    expect(intents!.testcase).toHaveLength(violation.intents.length);
    expect(Number(doc.tests)).toBe(CATALOGUE.length + violation.intents.length);
    const failed = rules!.testcase.filter((c) => c.failure);
    expect(failed.map((c) => c.name.split(':')[0])).toEqual(['path-separation']);
    expect(failed[0]!.file).toBe('topologies/violations/path-separation.yaml');
    expect(failed[0]!.failure!['#text']).toContain('lg-office → inet-servers');
    expect(intents!.testcase.filter((c) => c.failure)).toEqual([]);
    expect(doc.failures).toBe('1');
  });

  it.each(LANGS)('check (%s): intents fail from the intent rules; disabled rules are skipped', (lang) => {
    const pack = seedPack();
    const partial = { ...pack, rules: { ...pack.rules, inventory: { ...pack.rules.inventory!, enabled: false } } };
    const report = fastCheck(unreachable, partial);
    const doc = junitOk(checkJunit(unreachable, report, lang));
    const [rules, intents] = doc.testsuite;
    expect(rules!.testcase.find((c) => c.name.startsWith('inventory:'))!.skipped).toBeDefined();
    expect(rules!.skipped).toBe('1');
    const failingIntents = new Set(
      report.findings
        .filter((f) => f.rule === 'intent-reachability')
        .map((f) => (f.subject.kind === 'leg' ? f.subject.intent : f.subject.kind === 'intent' ? f.subject.id : '')),
    );
    expect(failingIntents.size).toBeGreaterThan(0);
    expect(new Set(intents!.testcase.filter((c) => c.failure).map((c) => c.name.split(':')[0]))).toEqual(failingIntents);
  });

  it.each(LANGS)('review (%s): rules after the change and report.intents', (lang) => {
    const doc = junitOk(reviewJunit(fixture.report, fixture.networks, lang));
    const [rules, intents] = doc.testsuite;
    expect(rules!.testcase).toHaveLength(CATALOGUE.length);
    expect(intents!.testcase).toHaveLength(fixture.report.intents.length);
    const failed = intents!.testcase.filter((c) => c.failure);
    expect(failed.map((c) => c.name.split(':')[0])).toEqual(['use-file-server']);
    // The hostile message comes back intact, the bell character replaced.
    expect(failed[0]!.failure!.message).toBe(`does not get through: lg-office → lg-servers ${HOSTILE}`.replace('\u0007', '\uFFFD'));
  });

  it('escapes markup, quotes, control characters and lone surrogates', () => {
    expect(xmlEscape('<a & "b" \'c\'>')).toBe('&lt;a &amp; &quot;b&quot; &apos;c&apos;&gt;');
    expect(xmlEscape('x\u0000y\u001Bz\uD800w')).toBe('x\uFFFDy\uFFFDz\uFFFDw');
    expect(xmlEscape('😀 日本語')).toBe('😀 日本語');
  });
});

describe('check --format', () => {
  it.each(['sarif', 'junit', 'markdown'])('%s: rendered, exit code as for text', async (format) => {
    const r = await runCli(['check', 'topologies/violations/path-separation.yaml', '--today', TODAY, '--format', format, '--lang', 'ja']);
    expect(r.code).toBe(1);
    // The path-separation finding and the sample's two broad rules (firewall-hygiene warnings).
    if (format === 'sarif') expect(sarifOk(r.out).runs[0]!.results).toHaveLength(3);
    if (format === 'junit') expect(junitOk(r.out).failures).toBe('2');
    if (format === 'markdown') expect(r.out).toContain('## 分割 bunkatsu ポリシー検査: 不適合');
  });
});
