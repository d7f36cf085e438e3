// Markdown for a pull-request comment (GitHub / GitLab flavoured): a clear heading with the
// verdict, the summary, tables of flows and findings, witness paths folded in <details>.

import type { Network } from '../model/network.ts';
import type { Loc } from '../errors.ts';
import type { CheckReport, Finding, HeaderClass } from '../policy/types.ts';
import type { FlowChange, IntentChange, ReviewNetworks, ReviewReport } from '../review/types.ts';
import type { Lang } from './describe.ts';
import { findingText, problemTexts, RULE_TITLES, subjectText } from './messages.ts';
import { formatElapsed, moveLine, recomputeReason, REVIEW_LABELS, VERDICT_LABELS } from './review.ts';
import { classLine, MODEL_NAMES, renderClass } from './text.ts';

/** Rows shown per table and classes per cell; the JSON output has everything. */
const ROWS_SHOWN = 50;
const CLASSES_SHOWN = 10;

const M = {
  ja: {
    check: '分割 bunkatsu ポリシー検査',
    pass: '適合',
    fail: '不適合',
    disabled: '無効',
    rule: 'ルール',
    clause: '条項',
    source: '出典',
    title: '内容',
    status: '結果',
    findings: '指摘',
    severity: '重要度',
    subject: '対象',
    location: '場所',
    message: '内容',
    fix: '対処',
    from: '送信元ゾーン',
    to: '宛先ゾーン',
    classes: 'ヘッダークラス',
    intent: '必要通信',
    purpose: '目的',
    legs: '区間',
    paths: '証跡の経路',
    permitted: '許可しているルール',
    clean: '指摘事項はありません。',
    findingsTitle: '指摘事項',
    more: (n: number) => `… ほか ${n} 件（--format json で全件）`,
    checkSummary: (e: number, w: number, i: number, ok: number, all: number) =>
      `エラー ${e} 件、警告 ${w} 件、情報 ${i} 件。${all} ルール中 ${ok} ルール適合。`,
  },
  en: {
    check: 'bunkatsu policy check',
    pass: 'pass',
    fail: 'FAIL',
    disabled: 'disabled',
    rule: 'rule',
    clause: 'clause',
    source: 'policy source',
    title: 'title',
    status: 'status',
    findings: 'findings',
    severity: 'severity',
    subject: 'subject',
    location: 'location',
    message: 'message',
    fix: 'fix',
    from: 'from zone',
    to: 'to zone',
    classes: 'header classes',
    intent: 'flow intent',
    purpose: 'purpose',
    legs: 'legs',
    paths: 'witness paths',
    permitted: 'permitted by',
    clean: 'No findings.',
    findingsTitle: 'Findings',
    more: (n: number) => `… and ${n} more (all of them with --format json)`,
    checkSummary: (e: number, w: number, i: number, ok: number, all: number) => `${e} error(s), ${w} warning(s), ${i} info; ${ok} of ${all} rules pass.`,
  },
} as const;

/** Text safe in a table cell or a line: no HTML, no cell breaks, no emphasis surprises. */
export function mdText(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([|*_`[\]])/g, '\\$1')
    .replace(/\r?\n/g, '<br>');
}

/** An inline code span (file:line, ids, classes); safe in a table cell. */
export function mdCode(text: string): string {
  const body = text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
  const ticks = Math.max(0, ...[...body.matchAll(/`+/g)].map((m) => m[0].length)) + 1;
  const fence = '`'.repeat(ticks);
  return ticks > 1 ? `${fence} ${body} ${fence}` : `${fence}${body}${fence}`;
}

function at(loc: Loc): string {
  return mdCode(`${loc.file}:${loc.line}`);
}

/** A fenced block that no line of the content can close early. */
function fenced(lines: readonly string[]): string[] {
  const longest = Math.max(2, ...lines.flatMap((l) => [...l.matchAll(/`+/g)].map((m) => m[0].length)));
  const fence = '`'.repeat(longest + 1);
  return [`${fence}text`, ...lines, fence];
}

function details(summary: string, body: readonly string[]): string[] {
  return ['<details>', `<summary>${mdText(summary)}</summary>`, '', ...body, '', '</details>'];
}

function table(head: readonly string[], rows: readonly (readonly string[])[], lang: Lang): string[] {
  const shown = rows.slice(0, ROWS_SHOWN);
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...shown.map((r) => `| ${r.join(' | ')} |`),
    ...(rows.length > ROWS_SHOWN ? ['', M[lang].more(rows.length - ROWS_SHOWN)] : []),
  ];
}

function classCell(network: Network, classes: readonly HeaderClass[], lang: Lang): string {
  const cells = classes.slice(0, CLASSES_SHOWN).map((c) => mdCode(classLine(network, c.boxes, lang)));
  if (classes.length > CLASSES_SHOWN) cells.push(mdText(M[lang].more(classes.length - CLASSES_SHOWN)));
  return cells.join('<br>');
}

function pathLines(network: Network, classes: readonly HeaderClass[], lang: Lang): string[] {
  const lines = classes.slice(0, CLASSES_SHOWN).flatMap((c, i) => renderClass(network, c, i + 1, lang, ''));
  if (classes.length > CLASSES_SHOWN) lines.push(M[lang].more(classes.length - CLASSES_SHOWN));
  return lines;
}

function findingsBlock(network: Network, findings: readonly Finding[], lang: Lang): string[] {
  const t = M[lang];
  const out = table(
    [t.severity, t.rule, t.subject, t.location, t.message],
    findings.map((f) => [f.severity, mdCode(f.rule), mdText(subjectText(f)), at(f.loc), mdText(findingText(f).message[lang])]),
    lang,
  );
  for (const f of findings.slice(0, ROWS_SHOWN)) {
    if (f.classes.length === 0 && f.permittedBy.length === 0) continue;
    const body: string[] = [];
    if (f.permittedBy.length > 0) body.push(`${t.permitted}: ${f.permittedBy.map((r) => `${mdCode(`${r.device} ${r.id}`)} (${at(r.loc)})`).join(', ')}`, '');
    if (f.classes.length > 0) body.push(...fenced(pathLines(network, f.classes, lang)), '');
    body.push(`${t.fix}: ${mdText(findingText(f).hint[lang])}`);
    out.push('', ...details(`${f.rule}: ${subjectText(f)} — ${t.paths}`, body));
  }
  return out;
}

function flowsBlock(network: Network, changes: readonly FlowChange[], lang: Lang): string[] {
  const t = M[lang];
  const out = table(
    [t.from, t.to, t.classes],
    changes.map((c) => [`${mdCode(c.from)} (${mdText(c.fromDomain)})`, `${mdCode(c.to)} (${mdText(c.toDomain)})`, classCell(network, c.classes, lang)]),
    lang,
  );
  for (const c of changes.slice(0, ROWS_SHOWN)) {
    if (!c.classes.some((k) => k.witness)) continue;
    out.push('', ...details(`${c.from} → ${c.to} — ${t.paths}`, fenced(pathLines(network, c.classes, lang))));
  }
  return out;
}

function intentsBlock(changes: readonly IntentChange[], lang: Lang): string[] {
  const t = M[lang];
  return table(
    [t.intent, t.purpose, t.legs, t.location],
    changes.map((c) => [mdCode(c.intent), mdText(c.purpose), problemTexts(c).map(mdCode).join('<br>'), at(c.loc)]),
    lang,
  );
}

function heading(title: string, count: number, body: string[], lang: Lang): string[] {
  return ['', `### ${title} (${count})`, '', ...(count === 0 ? [REVIEW_LABELS[lang].none] : body)];
}

/** A pull-request comment for a change review. */
export function reviewMarkdown(report: ReviewReport, networks: ReviewNetworks, lang: Lang): string {
  const t = REVIEW_LABELS[lang];
  const lines: string[] = [
    `## ${mdText(t.title)}: ${mdText(VERDICT_LABELS[report.verdict][lang])}`,
    '',
    `**${t.before}**: ${mdText(report.before.name)} ${mdCode(report.before.file)}  `,
    `**${t.after}**: ${mdText(report.after.name)} ${mdCode(report.after.file)}${report.change ? '  ' : ''}`,
    ...(report.change ? [`**${t.change}**: ${mdCode(report.change.file)}`] : []),
    '',
    ...report.summary[lang].split('\n').map((l) => `> ${mdText(l)}`),
  ];
  if (report.change) {
    lines.push(
      ...heading(
        t.operations,
        report.change.operations.length,
        report.change.operations.map((o, i) => `${i + 1}. ${mdText(o.summary[lang])} (${at(o.loc)})`),
        lang,
      ),
    );
  }
  lines.push(...heading(t.opened, report.newlyAllowed.length, flowsBlock(networks.after, report.newlyAllowed, lang), lang));
  lines.push(...heading(t.closed, report.newlyBlocked.length, flowsBlock(networks.before, report.newlyBlocked, lang), lang));
  if (report.rezoned.length > 0) {
    lines.push(
      ...heading(
        t.rezoned,
        report.rezoned.length,
        report.rezoned.map((m) => `- ${mdText(moveLine(m))}`),
        lang,
      ),
    );
    lines.push(...heading(t.rezonedStopped, report.rezonedStopped.length, flowsBlock(networks.before, report.rezonedStopped, lang), lang));
  }
  lines.push(...heading(t.introduced, report.findingsIntroduced.length, findingsBlock(networks.after, report.findingsIntroduced, lang), lang));
  lines.push(...heading(t.resolved, report.findingsResolved.length, findingsBlock(networks.before, report.findingsResolved, lang), lang));
  lines.push(...heading(t.broken, report.intentsBroken.length, intentsBlock(report.intentsBroken, lang), lang));
  lines.push(...heading(t.restored, report.intentsRestored.length, intentsBlock(report.intentsRestored, lang), lang));
  lines.push(
    '',
    `<sub>${mdText(`${t.engine}: ${report.engine} · ${t.recompute}: ${t[report.recompute.mode]} (${recomputeReason(report.recompute.cause, lang)}) · ${t.elapsed}: ${formatElapsed(report.elapsedMs)}`)}</sub>`,
  );
  return lines.join('\n');
}

/** A pull-request comment for a policy check: rule table, findings table, witness paths. */
export function checkMarkdown(network: Network, report: CheckReport, lang: Lang): string {
  const t = M[lang];
  const s = report.summary;
  const lines: string[] = [
    `## ${mdText(t.check)}: ${report.findings.length === 0 ? t.pass : t.fail}`,
    '',
    `${mdText(report.topology.name)} (${MODEL_NAMES[report.topology.model] ?? mdText(report.topology.model)}) ${mdCode(report.topology.file)} · ${mdText(report.policy.name)} · ${mdText(report.engine)}`,
    '',
    `${mdText(t.source)}: ${mdText(report.policy.source)}`,
    '',
    `> ${mdText(t.checkSummary(s.errors, s.warnings, s.infos, s.rulesChecked - s.rulesFailed, s.rulesChecked))}`,
    '',
    ...table(
      [t.rule, t.clause, t.title, t.status, t.findings],
      report.rules.map((r) => [
        mdCode(r.id),
        mdText(r.clause),
        mdText(RULE_TITLES[r.id][lang]),
        r.status === 'fail' ? `**${t.fail}**` : t[r.status],
        String(r.findings),
      ]),
      lang,
    ),
    '',
    `### ${t.findingsTitle} (${report.findings.length})`,
    '',
    ...(report.findings.length === 0 ? [t.clean] : findingsBlock(network, report.findings, lang)),
  ];
  return lines.join('\n');
}
