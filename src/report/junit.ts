// JUnit XML for CI test reports: one suite with a test case per policy rule of the pack, one
// with a test case per flow intent. A failing rule lists its findings; a disabled one is skipped.

import type { Network } from '../model/network.ts';
import type { Loc } from '../errors.ts';
import type { CheckReport, Finding, RuleResult } from '../policy/types.ts';
import type { ReviewNetworks, ReviewReport } from '../review/types.ts';
import { formatLoc, type Lang } from './describe.ts';
import { findingText, RULE_TITLES, statusMessage, subjectText } from './messages.ts';

/** Rules whose findings are about an intent or one of its legs. */
const INTENT_RULES = ['intent-reachability', 'sanitized-communication', 'availability'] as const;

/**
 * Text as XML 1.0 character data or attribute value: markup escaped, and characters XML 1.0
 * cannot carry (control characters, lone surrogates, U+FFFE/U+FFFF) replaced by U+FFFD.
 */
export function xmlEscape(text: string): string {
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: XML 1.0 forbids these characters; they are replaced
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
      .replace(/\r/g, '&#13;')
      .replace(/\t/g, '&#9;')
  );
}

/** Attribute values keep their newlines only as character references. */
function attr(text: string): string {
  return xmlEscape(text).replace(/\n/g, '&#10;');
}

interface Case {
  readonly name: string;
  readonly classname: string;
  readonly loc: Loc | undefined;
  readonly status: 'pass' | 'fail' | 'skipped';
  readonly failure?: { readonly type: string; readonly message: string; readonly text: string };
}

interface Suite {
  readonly name: string;
  /** Name-value pairs the suite carries (the rules suite: the policy pack it ran). */
  readonly properties?: ReadonlyArray<readonly [string, string]>;
  readonly cases: readonly Case[];
}

function caseXml(c: Case): string[] {
  const file = c.loc ? ` file="${attr(c.loc.file)}" line="${c.loc.line}"` : '';
  const open = `    <testcase name="${attr(c.name)}" classname="${attr(c.classname)}"${file} time="0"`;
  if (c.status === 'pass') return [`${open}/>`];
  if (c.status === 'skipped') return [`${open}>`, '      <skipped/>', '    </testcase>'];
  const f = c.failure!;
  return [`${open}>`, `      <failure type="${attr(f.type)}" message="${attr(f.message)}">${xmlEscape(f.text)}</failure>`, '    </testcase>'];
}

function document(name: string, suites: readonly Suite[], seconds: number): string {
  const count = (cases: readonly Case[], s: Case['status']): number => cases.filter((c) => c.status === s).length;
  const all = suites.flatMap((s) => s.cases);
  const time = seconds.toFixed(3);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${attr(name)}" tests="${all.length}" failures="${count(all, 'fail')}" errors="0" skipped="${count(all, 'skipped')}" time="${time}">`,
  ];
  for (const s of suites) {
    lines.push(
      `  <testsuite name="${attr(s.name)}" tests="${s.cases.length}" failures="${count(s.cases, 'fail')}" errors="0" skipped="${count(s.cases, 'skipped')}" time="${s === suites[0] ? time : '0.000'}">`,
    );
    if (s.properties) {
      lines.push('    <properties>');
      for (const [name, value] of s.properties) lines.push(`      <property name="${attr(name)}" value="${attr(value)}"/>`);
      lines.push('    </properties>');
    }
    for (const c of s.cases) lines.push(...caseXml(c));
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}

function findingCase(f: Finding, lang: Lang): string {
  return `[${f.severity}] ${subjectText(f)} (${formatLoc(f.loc)})\n${findingText(f).message[lang]}\n${lang === 'ja' ? '対処' : 'fix'}: ${findingText(f).hint[lang]}`;
}

function ruleCases(rules: readonly RuleResult[], findings: readonly Finding[], lang: Lang): Case[] {
  return rules.map((r) => {
    const name = `${r.id}: ${RULE_TITLES[r.id][lang]} (${r.clause})`;
    const mine = findings.filter((f) => f.rule === r.id);
    if (r.status === 'disabled') return { name, classname: 'bunkatsu.rules', loc: undefined, status: 'skipped' };
    if (r.status === 'pass' || mine.length === 0) return { name, classname: 'bunkatsu.rules', loc: undefined, status: 'pass' };
    return {
      name,
      classname: 'bunkatsu.rules',
      loc: mine[0]!.loc,
      status: 'fail',
      failure: {
        type: r.severity,
        message: mine.map((f) => findingText(f).message[lang]).join('\n'),
        text: mine.map((f) => findingCase(f, lang)).join('\n\n'),
      },
    };
  });
}

/** The policy pack a check ran, as suite properties: a CI page shows which clauses were cited. */
function policyProperties(policy: CheckReport['policy']): Array<[string, string]> {
  return [
    ['policy', policy.name],
    ['policy.source', policy.source],
  ];
}

const SUITE_NAMES = {
  ja: { rules: 'ポリシールール', intents: '必要通信（フロー意図）', check: 'bunkatsu ポリシー検査', review: 'bunkatsu 変更レビュー' },
  en: { rules: 'policy rules', intents: 'flow intents', check: 'bunkatsu check', review: 'bunkatsu review' },
} as const;

function aboutIntent(f: Finding, intent: string): boolean {
  return (f.subject.kind === 'intent' && f.subject.id === intent) || (f.subject.kind === 'leg' && f.subject.intent === intent);
}

/**
 * JUnit XML for `check`. Intent cases come from the findings of the intent-reachability,
 * sanitized-communication and availability rules; skipped when all three are disabled.
 */
export function checkJunit(network: Network, report: CheckReport, lang: Lang = 'en'): string {
  const names = SUITE_NAMES[lang];
  const active = new Set(report.rules.filter((r) => r.status !== 'disabled').map((r) => r.id));
  const checked = INTENT_RULES.some((id) => active.has(id));
  const intents: Case[] = network.intents.map((i) => {
    const name = `${i.id}: ${i.purpose}`;
    if (!checked) return { name, classname: 'bunkatsu.intents', loc: i.loc, status: 'skipped' };
    const mine = report.findings.filter((f) => (INTENT_RULES as readonly string[]).includes(f.rule) && aboutIntent(f, i.id));
    if (mine.length === 0) return { name, classname: 'bunkatsu.intents', loc: i.loc, status: 'pass' };
    return {
      name,
      classname: 'bunkatsu.intents',
      loc: i.loc,
      status: 'fail',
      failure: {
        type: mine[0]!.rule,
        message: mine.map((f) => findingText(f).message[lang]).join('\n'),
        text: mine.map((f) => `${f.rule}: ${findingCase(f, lang)}`).join('\n\n'),
      },
    };
  });
  return document(
    `${names.check}: ${report.topology.name}`,
    [
      { name: names.rules, properties: policyProperties(report.policy), cases: ruleCases(report.rules, report.findings, lang) },
      { name: names.intents, cases: intents },
    ],
    0,
  );
}

/** JUnit XML for `review`: the rules and intents as they stand after the change. */
export function reviewJunit(report: ReviewReport, networks: ReviewNetworks, lang: Lang = 'en'): string {
  void networks;
  const names = SUITE_NAMES[lang];
  const intents: Case[] = report.intents.map((s) => ({
    name: `${s.intent}: ${s.purpose}`,
    classname: 'bunkatsu.intents',
    loc: s.loc,
    status: s.ok ? 'pass' : 'fail',
    ...(s.ok ? {} : { failure: { type: 'intent', message: statusMessage(s) ?? s.intent, text: statusMessage(s) ?? '' } }),
  }));
  return document(
    `${names.review}: ${report.after.name}`,
    [
      {
        name: names.rules,
        properties: policyProperties(report.checkAfter.policy),
        cases: ruleCases(report.checkAfter.rules, report.checkAfter.findings, lang),
      },
      { name: names.intents, cases: intents },
    ],
    report.elapsedMs / 1000,
  );
}
