// Text output for people: findings grouped by rule, each offending class with its witness
// path drawn hop by hop, and a summary line. Japanese or English.

import type { Network } from '../model/network.ts';
import type { CheckReport, Finding, HeaderClass } from '../policy/types.ts';
import type { Outcome } from '../engine/types.ts';
import {
  DISPOSITION_NAMES,
  describeBox,
  describeClass,
  describeDisposition,
  describeHop,
  describePacket,
  formatLoc,
  inTraceOrder,
  type Lang,
  severityText,
} from './describe.ts';
import { findingText, RULE_TITLES, subjectText } from './messages.ts';
import { type HeaderBox, normalize } from '../engine/headerset.ts';

/** At most this many classes are drawn per finding in text; JSON always has all. */
const CLASSES_SHOWN = 10;

const L = {
  ja: {
    title: '分割 bunkatsu ポリシー検査',
    model: 'モデル',
    policy: 'ポリシー',
    source: '出典',
    engine: 'エンジン',
    pass: '適合',
    fail: '不適合',
    disabled: '無効',
    findings: '件',
    classes: '該当する通信の範囲',
    path: '経路',
    permitted: '許可しているルール',
    fix: '対処',
    more: (n: number) => `… ほか ${n} 件（--format json で全件）`,
    partial: '（このうち一部の組合せ）',
    summary: (e: number, w: number, i: number, ok: number, all: number) =>
      `結果: エラー ${e} 件、警告 ${w} 件、情報 ${i} 件。${all} ルール中 ${ok} ルール適合。`,
    clean: '指摘事項はありません。',
  },
  en: {
    title: 'bunkatsu policy check',
    model: 'model',
    policy: 'policy',
    source: 'source',
    engine: 'engine',
    pass: 'pass',
    fail: 'FAIL',
    disabled: 'disabled',
    findings: 'finding(s)',
    classes: 'offending header classes',
    path: 'path',
    permitted: 'permitted by',
    fix: 'fix',
    more: (n: number) => `… and ${n} more classes (all of them with --format json)`,
    partial: ' (some of these combinations)',
    summary: (e: number, w: number, i: number, ok: number, all: number) => `Result: ${e} error(s), ${w} warning(s), ${i} info; ${ok} of ${all} rules pass.`,
    clean: 'No findings.',
  },
} as const;

export const MODEL_NAMES: Record<string, string> = { alpha: 'α', 'alpha-prime': "α'", beta: 'β', 'beta-prime': "β'", none: 'none: a data plane, no MIC model' };
const MODEL_NONE_JA = 'なし（データプレーンのみ、総務省モデルなし）';

/** The model as the header line names it. */
export const modelText = (model: string, lang: Lang): string => (lang === 'ja' && model === 'none' ? MODEL_NONE_JA : (MODEL_NAMES[model] ?? model));

/** A class as one line for tables, `source → destination service`, saying when it is only some of those combinations. */
export function classLine(network: Network, boxes: readonly HeaderBox[], lang: Lang): string {
  const r = describeClass(network, boxes, lang);
  return `${r.src} → ${r.dst} ${r.service}${r.partial ? L[lang].partial : ''}`;
}

export function renderClass(network: Network, c: HeaderClass, index: number, lang: Lang, indent: string): string[] {
  const r = describeClass(network, c.boxes, lang);
  const lines = [`${indent}${index}. ${r.src} → ${r.dst}  ${r.service}${r.partial ? L[lang].partial : ''}`];
  if (c.witness) {
    lines.push(`${indent}   ${L[lang].path}: ${describePacket(c.witness.packet)}`);
    c.witness.hops.forEach((h) => {
      lines.push(`${indent}     - ${describeHop(network, h, lang).detail}`);
    });
    lines.push(`${indent}     = ${describeDisposition(network, c.witness.disposition, lang)}`);
  } else {
    lines.push(`${indent}   ${L[lang].path}: ${describeDisposition(network, { kind: 'no-path' }, lang)}`);
  }
  return lines;
}

export function renderFinding(network: Network, f: Finding, lang: Lang): string[] {
  const t = L[lang];
  const ja = lang === 'ja';
  const lines = [
    ja ? `  [${severityText(f.severity, lang)}] ${subjectText(f, lang)}（${formatLoc(f.loc)}）` : `  [${f.severity}] ${subjectText(f)}  (${formatLoc(f.loc)})`,
    `    ${findingText(f).message[lang]}`,
  ];
  if (f.permittedBy.length > 0) {
    const rules = f.permittedBy.map((r) => (ja ? `${r.device} ${r.id}（${formatLoc(r.loc)}）` : `${r.device} ${r.id} (${formatLoc(r.loc)})`));
    lines.push(`    ${t.permitted}: ${rules.join(ja ? '、' : ', ')}`);
  }
  if (f.classes.length > 0) {
    lines.push(ja ? `    ${t.classes}（${f.classes.length} 件）:` : `    ${t.classes} (${f.classes.length}):`);
    f.classes.slice(0, CLASSES_SHOWN).forEach((c, i) => {
      lines.push(...renderClass(network, c, i + 1, lang, '      '));
    });
    if (f.classes.length > CLASSES_SHOWN) lines.push(`      ${t.more(f.classes.length - CLASSES_SHOWN)}`);
  }
  lines.push(`    ${t.fix}: ${findingText(f).hint[lang]}`);
  return lines;
}

export function checkReportText(network: Network, report: CheckReport, lang: Lang): string {
  const t = L[lang];
  const lines: string[] = [
    lang === 'ja'
      ? `${t.title}: ${report.topology.name}（${t.model} ${modelText(report.topology.model, lang)}）  ${report.topology.file}`
      : `${t.title}: ${report.topology.name} (${t.model} ${modelText(report.topology.model, lang)})  ${report.topology.file}`,
    `${t.policy}: ${report.policy.name}  ${t.engine}: ${report.engine}`,
    `${t.source}: ${report.policy.source}`,
    '',
  ];
  for (const rule of report.rules) {
    const mark = rule.status === 'pass' ? '✓' : rule.status === 'fail' ? '✗' : '-';
    const status = t[rule.status];
    lines.push(`${mark} ${rule.id}  ${rule.clause}  ${RULE_TITLES[rule.id][lang]}  [${status}${rule.findings ? `: ${rule.findings} ${t.findings}` : ''}]`);
    for (const f of report.findings.filter((x) => x.rule === rule.id)) lines.push(...renderFinding(network, f, lang));
  }
  const s = report.summary;
  lines.push('');
  if (report.findings.length === 0) lines.push(t.clean);
  lines.push(t.summary(s.errors, s.warnings, s.infos, s.rulesChecked - s.rulesFailed, s.rulesChecked));
  return lines.join('\n');
}

/** The trace of one flow: every outcome with its classes and path. */
export function traceText(network: Network, title: string, unordered: readonly Outcome[], lang: Lang): string {
  const outcomes = inTraceOrder(unordered);
  const counts = new Map<string, number>();
  for (const o of outcomes) counts.set(o.disposition.kind, (counts.get(o.disposition.kind) ?? 0) + 1);
  const counted = [...counts].map(([k, n]) => `${DISPOSITION_NAMES[k as Outcome['disposition']['kind']][lang]} ${n}`);
  const lines = [title, `${lang === 'ja' ? '結果' : 'outcomes'}: ${counted.join(lang === 'ja' ? '、' : ', ') || '-'}`];
  if (outcomes.length === 0)
    lines.push(lang === 'ja' ? '  経路なし: 送信元ゾーンからどこにも届きません。' : '  no path: nothing leaves the source zone towards the destination.');
  outcomes.forEach((o, i) => {
    lines.push('', `${i + 1}. ${describeDisposition(network, o.disposition, lang)}`);
    for (const b of normalize(o.headers)) {
      const r = describeBox(b);
      lines.push(`   ${r.src} → ${r.dst}  ${r.service}`);
    }
    o.hops.forEach((h) => {
      lines.push(`     - ${describeHop(network, h, lang).detail}`);
    });
  });
  return lines.join('\n');
}
