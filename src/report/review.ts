// Text and JSON output of a change review: the verdict first, then what the change opens and
// closes (each class with its witness path), the findings and flow intents it affects.

import type { Network } from '../model/network.ts';
import type { FlowChange, IntentChange, RecomputeCause, ReviewNetworks, ReviewReport, Verdict, ZoneMove } from '../review/types.ts';
import { formatRange } from '../net/ipv4.ts';
import type { SweepResult } from '../review/simulate.ts';
import type { Finding } from '../policy/types.ts';
import { fileText, formatLoc, type Lang } from './describe.ts';
import { classJson, findingJson, rulesJson } from './json.ts';
import { problemTexts, statusMessage } from './messages.ts';
import { renderClass, renderFinding } from './text.ts';

/** At most this many classes are drawn per zone pair in text; JSON always has all. */
const CLASSES_SHOWN = 10;

export const VERDICT_LABELS: Record<Verdict, { readonly ja: string; readonly en: string }> = {
  approve: { ja: '承認可（新たな指摘なし）', en: 'Approve: no new findings' },
  reject: { ja: '却下（ポリシー違反を新たに生じる）', en: 'Reject: the change breaks the policy' },
  'needs-attention': { ja: '要確認（人による判断が必要）', en: 'Needs attention: a person should look' },
};

export const REVIEW_LABELS = {
  ja: {
    title: '分割 bunkatsu 変更レビュー',
    verdict: '判定',
    before: '変更前',
    after: '変更後',
    change: '変更ファイル',
    engine: 'エンジン',
    operations: '操作',
    opened: '新たに許可される通信',
    closed: '新たに遮断される通信',
    rezoned: '所属ゾーンが変わるアドレス',
    rezonedStopped: '所属ゾーンの変更により到達しなくなる通信',
    introduced: '新たな指摘',
    resolved: '解消される指摘',
    broken: '到達しなくなる必要通信',
    restored: '到達するようになる必要通信',
    none: 'なし',
    legs: '区間',
    recompute: '再計算',
    incremental: '差分',
    full: '全体',
    elapsed: '所要時間',
    classes: (n: number) => `${n} 件`,
    witnessBefore: '変更前の経路',
    witnessAfter: '変更後の経路',
    more: (n: number) => `… ほか ${n} 件（--format json で全件）`,
  },
  en: {
    title: 'bunkatsu change review',
    verdict: 'verdict',
    before: 'before',
    after: 'after',
    change: 'change',
    engine: 'engine',
    operations: 'operations',
    opened: 'newly allowed flows',
    closed: 'newly blocked flows',
    rezoned: 're-zoned addresses',
    rezonedStopped: 'flows to or from re-zoned addresses that no longer arrive',
    introduced: 'findings introduced',
    resolved: 'findings resolved',
    broken: 'flow intents broken',
    restored: 'flow intents restored',
    none: 'none',
    legs: 'legs',
    recompute: 'recompute',
    incremental: 'incremental',
    full: 'full',
    elapsed: 'time',
    classes: (n: number) => `${n} class${n === 1 ? '' : 'es'}`,
    witnessBefore: 'path before the change',
    witnessAfter: 'path after the change',
    more: (n: number) => `… and ${n} more classes (all of them with --format json)`,
  },
} as const;

/** Why the review recomputed what it did, in words. */
export function recomputeReason(c: RecomputeCause, lang: Lang): string {
  const ja = lang === 'ja';
  switch (c.kind) {
    case 'touched':
      return ja ? '変更が影響するヘッダーのみを再計算しました' : 'only the headers the change touches were recomputed';
    case 'whole-topologies':
      return ja ? '変更前後のトポロジー全体を比較しました' : 'two whole topologies were compared';
    case 'structural':
      // The English keeps its earlier wording: "add-interface on in-fw", "add-link a — b", "add zone z".
      if (ja) return `構成変更 ${c.op} ${c.subject} のため`;
      if (c.op.endsWith('-interface')) return `${c.op} on ${c.subject}`;
      return c.op.endsWith('-zone') ? `${c.op.replace('-', ' ')} ${c.subject}` : `${c.op} ${c.subject}`;
    case 'engine':
      return ja ? `${c.engine} エンジンは常にすべてのヘッダーを再計算します` : `the ${c.engine} engine recomputes every header`;
    case 'every-header':
      return ja ? '変更がすべてのヘッダーに影響します' : 'the change touches every header';
  }
}

export function formatElapsed(ms: number): string {
  return ms < 1000 ? `${Math.round(ms * 10) / 10} ms` : `${(ms / 1000).toFixed(2)} s`;
}

function flowLines(network: Network, changes: readonly FlowChange[], lang: Lang): string[] {
  const t = REVIEW_LABELS[lang];
  const lines: string[] = [];
  for (const c of changes) {
    lines.push(
      lang === 'ja'
        ? `  ${c.from}（${c.fromDomain}）→ ${c.to}（${c.toDomain}）: ${t.classes(c.classes.length)}`
        : `  ${c.from} (${c.fromDomain}) → ${c.to} (${c.toDomain}): ${t.classes(c.classes.length)}`,
    );
    c.classes.slice(0, CLASSES_SHOWN).forEach((k, i) => {
      lines.push(...renderClass(network, k, i + 1, lang, '    '));
    });
    if (c.classes.length > CLASSES_SHOWN) lines.push(`    ${t.more(c.classes.length - CLASSES_SHOWN)}`);
  }
  return lines;
}

function intentLines(changes: readonly IntentChange[], lang: Lang): string[] {
  const t = REVIEW_LABELS[lang];
  return changes.flatMap((c) => [
    lang === 'ja' ? `  ${c.intent}  ${c.purpose}（${formatLoc(c.loc)}）` : `  ${c.intent}  ${c.purpose}  (${formatLoc(c.loc)})`,
    ...(c.problems.length > 0 ? [`    ${t.legs}: ${problemTexts(c, lang).join(lang === 'ja' ? '、' : ', ')}`] : []),
  ]);
}

function section(title: string, count: number, body: string[], lang: Lang): string[] {
  const counted = lang === 'ja' ? `${title}（${count} 件）` : `${title} (${count})`;
  return ['', `${counted}${count === 0 ? `: ${REVIEW_LABELS[lang].none}` : ''}`, ...body];
}

/** The review for people: verdict, summary, operations, flows, findings, intents, timing. */
export function reviewText(report: ReviewReport, networks: ReviewNetworks, lang: Lang): string {
  const t = REVIEW_LABELS[lang];
  const lines: string[] = [
    `${t.title}: ${t.verdict}: ${VERDICT_LABELS[report.verdict][lang]}`,
    `${t.before}: ${report.before.name}  ${report.before.file}`,
    `${t.after}: ${report.after.name}  ${report.after.file}`,
    ...(report.change ? [`${t.change}: ${fileText(report.change.file, lang)}`] : []),
    '',
    ...report.summary[lang].split('\n'),
  ];
  if (report.change) {
    lines.push(
      ...section(
        t.operations,
        report.change.operations.length,
        report.change.operations.map((o, i) =>
          lang === 'ja' ? `  ${i + 1}. ${o.summary.ja}（${formatLoc(o.loc, lang)}）` : `  ${i + 1}. ${o.summary.en}  (${formatLoc(o.loc)})`,
        ),
        lang,
      ),
    );
  }
  lines.push(...section(t.opened, report.newlyAllowed.length, flowLines(networks.after, report.newlyAllowed, lang), lang));
  lines.push(...section(t.closed, report.newlyBlocked.length, flowLines(networks.before, report.newlyBlocked, lang), lang));
  // Only a change that moves addresses between zones has these sections.
  if (report.rezoned.length > 0) {
    lines.push(
      ...section(
        t.rezoned,
        report.rezoned.length,
        report.rezoned.map((m) => `  ${moveLine(m, lang)}`),
        lang,
      ),
    );
    lines.push(...section(t.rezonedStopped, report.rezonedStopped.length, flowLines(networks.before, report.rezonedStopped, lang), lang));
  }
  lines.push(
    ...section(
      t.introduced,
      report.findingsIntroduced.length,
      report.findingsIntroduced.flatMap((f) => renderFinding(networks.after, f, lang)),
      lang,
    ),
  );
  lines.push(
    ...section(
      t.resolved,
      report.findingsResolved.length,
      report.findingsResolved.flatMap((f) => renderFinding(networks.before, f, lang)),
      lang,
    ),
  );
  lines.push(...section(t.broken, report.intentsBroken.length, intentLines(report.intentsBroken, lang), lang));
  lines.push(...section(t.restored, report.intentsRestored.length, intentLines(report.intentsRestored, lang), lang));
  lines.push(
    '',
    lang === 'ja'
      ? `${t.engine}: ${report.engine}  ${t.recompute}: ${t[report.recompute.mode]}（${recomputeReason(report.recompute.cause, lang)}）  ${t.elapsed}: ${formatElapsed(report.elapsedMs)}`
      : `${t.engine}: ${report.engine}  ${t.recompute}: ${t[report.recompute.mode]} (${recomputeReason(report.recompute.cause, lang)})  ${t.elapsed}: ${formatElapsed(report.elapsedMs)}`,
  );
  return lines.join('\n');
}

function flowJson(network: Network, c: FlowChange, lang: Lang): unknown {
  return { from: c.from, to: c.to, fromDomain: c.fromDomain, toDomain: c.toDomain, classes: c.classes.map((k) => classJson(network, k, lang)) };
}

/** A move as one line: its addresses, from the zone before to the zone after (each with its domain; `-` for none). */
export function moveLine(m: ZoneMove, lang: Lang = 'en'): string {
  const ja = lang === 'ja';
  const zone = (id: string | undefined, domain: string | undefined): string => (id === undefined ? '-' : ja ? `${id}（${domain}）` : `${id} (${domain})`);
  const shown = m.addresses
    .slice(0, 4)
    .map(formatRange)
    .join(ja ? '、' : ', ');
  const more = ja ? `${shown}、…（${m.addresses.length} 範囲）` : `${shown}, … (${m.addresses.length} ranges)`;
  const arrow = ja && m.from !== undefined ? '→ ' : ' → ';
  return `${m.addresses.length > 4 ? more : shown}: ${zone(m.from, m.fromDomain)}${arrow}${zone(m.to, m.toDomain)}`;
}

function moveJson(m: ZoneMove): unknown {
  return { from: m.from ?? null, fromDomain: m.fromDomain ?? null, to: m.to ?? null, toDomain: m.toDomain ?? null, addresses: m.addresses.map(formatRange) };
}

function intentJson(c: IntentChange, lang: Lang): unknown {
  return { intent: c.intent, purpose: c.purpose, location: formatLoc(c.loc), legs: problemTexts(c, lang) };
}

/** The same data as reviewText for machines: indices turned into names, locations as strings. */
export function reviewJson(report: ReviewReport, networks: ReviewNetworks, lang: Lang): string {
  const findings = (network: Network, list: readonly Finding[]): unknown[] => list.map((f) => findingJson(network, f, lang));
  return JSON.stringify(
    {
      bunkatsu: 1,
      kind: 'review',
      verdict: report.verdict,
      summary: report.summary,
      before: report.before,
      after: report.after,
      change: report.change && {
        file: report.change.file,
        operations: report.change.operations.map((o) => ({ op: o.op, summary: o.summary[lang], location: formatLoc(o.loc) })),
      },
      engine: report.engine,
      recompute: { mode: report.recompute.mode, reason: recomputeReason(report.recompute.cause, lang) },
      elapsedMs: report.elapsedMs,
      newlyAllowed: report.newlyAllowed.map((c) => flowJson(networks.after, c, lang)),
      newlyBlocked: report.newlyBlocked.map((c) => flowJson(networks.before, c, lang)),
      rezoned: report.rezoned.map(moveJson),
      rezonedStopped: report.rezonedStopped.map((c) => flowJson(networks.before, c, lang)),
      findingsIntroduced: findings(networks.after, report.findingsIntroduced),
      findingsResolved: findings(networks.before, report.findingsResolved),
      intentsBroken: report.intentsBroken.map((c) => intentJson(c, lang)),
      intentsRestored: report.intentsRestored.map((c) => intentJson(c, lang)),
      intents: report.intents.map((s) => {
        const message = statusMessage(s, lang);
        return { intent: s.intent, purpose: s.purpose, ok: s.ok, location: formatLoc(s.loc), ...(message !== undefined ? { message } : {}) };
      }),
      checkAfter: { summary: report.checkAfter.summary, rules: rulesJson(report.checkAfter.rules) },
    },
    null,
    2,
  );
}

/** The kinds of elements a sweep takes down, in Japanese. */
const ELEMENT_KINDS: Readonly<Record<string, string>> = { device: '機器', link: 'リンク', attachment: '接続' };

/** The n-1 sweep: which single failures cut which flow intents. */
export function sweepText(name: string, file: string, result: SweepResult, intents: readonly string[], lang: Lang): string {
  const ja = lang === 'ja';
  const lines = [
    `${ja ? '単一障害スイープ（n-1）' : 'single-failure sweep (n-1)'}: ${name}  ${file}`,
    ja
      ? `${result.elements.length} 要素（機器・リンク・接続）を1つずつ停止、${formatElapsed(result.elapsedMs)}`
      : `${result.elements.length} elements (devices, links, attachments) taken down one at a time, ${formatElapsed(result.elapsedMs)}`,
    '',
  ];
  for (const id of intents) {
    if (result.alreadyBroken.includes(id))
      lines.push(
        `- ${id}: ${ja ? '障害なしでも到達しません（intent-reachability を参照）' : 'does not get through even with nothing failed (see intent-reachability)'}`,
      );
    else {
      const cut = result.byIntent.get(id);
      lines.push(
        cut
          ? `✗ ${id}: ${ja ? '次の単一障害で途絶' : 'cut by'} ${cut.join(ja ? '、' : ', ')}`
          : `✓ ${id}: ${ja ? 'どの単一障害でも継続' : 'survives every single failure'}`,
      );
    }
  }
  const cutters = result.elements.filter((e) => e.breaks.length > 0);
  lines.push('', ja ? `必要な通信を途絶させる要素: ${cutters.length}` : `elements whose failure cuts a flow intent: ${cutters.length}`);
  for (const e of cutters) lines.push(`  ${ja ? (ELEMENT_KINDS[e.kind] ?? e.kind) : e.kind} ${e.id}: ${e.breaks.join(ja ? '、' : ', ')}`);
  return lines.join('\n');
}
