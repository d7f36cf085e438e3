// The audit report: one self-contained HTML file (inline CSS and SVG, no scripts, nothing
// fetched) to print on A4 for a 監査: a cover, every clause with 適合/不適合/要確認, each finding
// with its witness path drawn, the zone matrix as the 通信マトリクス, the inventory and the
// exceptions with their approvers and expiry dates. Everything from the topology is escaped.

import type { Network } from '../model/network.ts';
import { VERSION } from '../package.ts';
import type { ZoneMatrix } from '../policy/matrix.ts';
import type { CheckReport, Finding, RuleResult } from '../policy/types.ts';
import { describeClass, formatLoc, type Lang } from './describe.ts';
import { type DomainNames, diagramSvg, witnessDiagram, xmlText as esc } from './diagram.ts';
import { findingIds } from './ids.ts';
import { matrixColumns, matrixRows, rowCells } from './matrix.ts';
import { DEVICE_KIND, findingText, RULE_TITLES, subjectText } from './messages.ts';
import { MODEL_NAMES } from './text.ts';

/** What the report needs beside the check: the matrix, the domains' names, and the facts of the cover. */
export interface AuditReportInput {
  readonly network: Network;
  readonly report: CheckReport;
  readonly matrix: ZoneMatrix;
  readonly domains: DomainNames;
  /** sha256 (hex) of the topology file's bytes. */
  readonly topologySha256: string;
  /** The flows files checked with the topology (--flows), each with the sha256 of its bytes. */
  readonly flows?: ReadonlyArray<{ readonly file: string; readonly sha256: string }>;
  /** The date the check is as of (exception expiry), YYYY-MM-DD. */
  readonly date: string;
}

/** Classes listed per finding, grid columns of the matrix, and rows of the matrix list; beyond that the JSON report has everything. */
const CLASSES_SHOWN = 10;
const GRID_LIMIT = 40;
const ROWS_SHOWN = 500;

type Verdict = 'conform' | 'nonconform' | 'review';

const M = {
  ja: {
    title: 'ネットワーク分離 監査報告書',
    cover: '表紙',
    network: '対象ネットワーク',
    model: 'モデル',
    date: '検査基準日',
    pack: 'ポリシーパック',
    source: '出典',
    tool: '検査ツール',
    engine: 'エンジン',
    file: 'トポロジファイル',
    hash: 'トポロジの SHA-256',
    flowsFile: 'フローファイル',
    flowsHash: 'フローファイルの SHA-256',
    overall: '総合判定',
    counts: (e: number, w: number, i: number) => `エラー ${e} 件、警告 ${w} 件、情報 ${i} 件`,
    contents: '目次',
    clauses: '条項別の結果',
    clause: '条項',
    rule: 'ルール',
    requirement: '要件',
    severity: '重要度',
    result: '結果',
    findingsCount: '指摘数',
    verdict: { conform: '適合', nonconform: '不適合', review: '要確認' } as Record<Verdict, string>,
    disabled: '（検査対象外）',
    findings: '指摘事項',
    noFindings: '指摘事項はありません。',
    id: '指摘 ID',
    subject: '対象',
    location: '場所',
    message: '内容',
    hint: '対処',
    permitted: '許可しているルール',
    classes: '該当する通信',
    more: (n: number) => `ほか ${n} 件（JSON 形式の報告に全件）`,
    matrix: 'ゾーン間の通信（通信マトリクス）',
    grid: 'ゾーン間の到達性（行から列へ）',
    gridLegend: '● 何らかのサービスが通る　· 通信なし',
    gridOmitted: (n: number) => `ゾーンが ${n} 件あるため一覧のみを示します。`,
    inventory: '資産の概要',
    domain: '領域',
    zones: 'ゾーン',
    zoneList: 'ゾーン ID',
    hosts: 'ホスト・端末グループ',
    devices: '機器',
    links: '回線',
    intents: '必要通信',
    exceptions: '例外通信',
    noExceptions: '例外通信は宣言されていません。',
    exception: '例外',
    from: '送信元',
    to: '宛先',
    service: 'サービス',
    justification: '理由',
    approver: '承認者',
    expires: '有効期限',
    state: '状態',
    valid: '有効',
    expired: '期限切れ',
    footer: (v: string) => `bunkatsu ${v} により作成。この報告書は入力したトポロジファイル（上記 SHA-256）の内容に基づきます。`,
    severities: { error: 'エラー', warning: '警告', info: '情報' } as Record<string, string>,
  },
  en: {
    title: 'Network segmentation audit report',
    cover: 'Cover',
    network: 'Network',
    model: 'Model',
    date: 'As of',
    pack: 'Policy pack',
    source: 'Source',
    tool: 'Checked with',
    engine: 'engine',
    file: 'Topology file',
    hash: 'Topology SHA-256',
    flowsFile: 'Flows file',
    flowsHash: 'Flows file SHA-256',
    overall: 'Overall result',
    counts: (e: number, w: number, i: number) => `${e} error(s), ${w} warning(s), ${i} info`,
    contents: 'Contents',
    clauses: 'Results by clause',
    clause: 'Clause',
    rule: 'Rule',
    requirement: 'Requirement',
    severity: 'Severity',
    result: 'Result',
    findingsCount: 'Findings',
    verdict: { conform: 'Conforms', nonconform: 'Does not conform', review: 'To be reviewed' } as Record<Verdict, string>,
    disabled: ' (not checked)',
    findings: 'Findings',
    noFindings: 'No findings.',
    id: 'Finding id',
    subject: 'Subject',
    location: 'Location',
    message: 'Message',
    hint: 'Fix',
    permitted: 'Permitted by',
    classes: 'Offending traffic',
    more: (n: number) => `and ${n} more (all of them in the JSON report)`,
    matrix: 'Traffic between zones (communication matrix)',
    grid: 'Reachability between zones (row to column)',
    gridLegend: '● some service flows   · nothing flows',
    gridOmitted: (n: number) => `${n} zones: the list only.`,
    inventory: 'Inventory',
    domain: 'Domain',
    zones: 'Zones',
    zoneList: 'Zone ids',
    hosts: 'Hosts and terminal groups',
    devices: 'Devices',
    links: 'Links',
    intents: 'Flow intents',
    exceptions: 'Exceptions',
    noExceptions: 'No exceptions are declared.',
    exception: 'Exception',
    from: 'From',
    to: 'To',
    service: 'Service',
    justification: 'Justification',
    approver: 'Approver',
    expires: 'Expires',
    state: 'State',
    valid: 'in force',
    expired: 'expired',
    footer: (v: string) => `Made by bunkatsu ${v}. This report states what the topology file (SHA-256 above) describes.`,
    severities: { error: 'error', warning: 'warning', info: 'info' } as Record<string, string>,
  },
} as const;

/** 適合 when the rule passes; 不適合 when it fails with errors; 要確認 when it fails with warnings or information only, or was not checked. */
export function clauseVerdict(rule: RuleResult): Verdict {
  if (rule.status === 'pass') return 'conform';
  if (rule.status === 'disabled') return 'review';
  return rule.severity === 'error' ? 'nonconform' : 'review';
}

const CSS = `
@page { size: A4; margin: 15mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK JP", "Hiragino Sans", "Yu Gothic", "Meiryo", "IPAPGothic", sans-serif; font-size: 10.5pt; color: #111; margin: 0 auto; max-width: 190mm; line-height: 1.5; }
h1 { font-size: 20pt; margin: 30mm 0 8mm; }
h2 { font-size: 14pt; border-bottom: 2px solid #333; padding-bottom: 2pt; margin-top: 0; }
h3 { font-size: 11.5pt; margin: 0 0 4pt; }
section { padding-top: 6mm; }
section.page { break-before: page; page-break-before: always; }
table { border-collapse: collapse; width: 100%; margin: 4pt 0 10pt; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
th, td { border: 1px solid #999; padding: 2pt 4pt; text-align: left; vertical-align: top; }
th { background: #eef2f7; }
table.cover th { width: 38%; }
code, .mono { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 9pt; overflow-wrap: anywhere; }
table.clauses td:nth-child(n+4), table.clauses th:nth-child(n+4) { white-space: nowrap; }
.v-conform { color: #136f2c; font-weight: bold; }
.v-nonconform { color: #b00020; font-weight: bold; }
.v-review { color: #8a5a00; font-weight: bold; }
.finding { border: 1px solid #bbb; border-left: 4px solid #b00020; padding: 4pt 8pt; margin: 0 0 10pt; break-inside: avoid; page-break-inside: avoid; }
.finding.warning, .finding.info { border-left-color: #c98a00; }
.diagram svg { max-width: 100%; height: auto; }
.grid td, .grid th { text-align: center; padding: 1pt 2pt; font-size: 8pt; }
.grid th.row { text-align: left; }
table.matrix { font-size: 8.5pt; }
.small { font-size: 9pt; color: #444; }
footer { margin-top: 10mm; font-size: 8.5pt; color: #555; border-top: 1px solid #ccc; padding-top: 3pt; }
`;

function table(head: readonly string[], rows: readonly (readonly string[])[], cls = ''): string {
  return [
    `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>`,
    ...rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`),
    '</tbody></table>',
  ].join('\n');
}

function cover(input: AuditReportInput, lang: Lang): string {
  const { report, network } = input;
  const t = M[lang];
  const s = report.summary;
  const failed = report.rules.some((r) => clauseVerdict(r) === 'nonconform');
  const reviewed = report.rules.some((r) => clauseVerdict(r) === 'review');
  const overall: Verdict = failed ? 'nonconform' : reviewed ? 'review' : 'conform';
  const rows: [string, string][] = [
    [t.network, esc(network.name)],
    [t.model, esc(MODEL_NAMES[report.topology.model] ?? report.topology.model)],
    [t.date, esc(input.date)],
    [t.pack, esc(report.policy.name)],
    [t.source, esc(report.policy.source)],
    [t.tool, `bunkatsu ${esc(VERSION)} (${t.engine}: ${esc(report.engine)})`],
    [t.file, `<code>${esc(report.topology.file)}</code>`],
    [t.hash, `<code>${esc(input.topologySha256)}</code>`],
    // Each flows file whose intents, exceptions and cloud services were checked with the topology.
    ...(input.flows ?? []).flatMap((f): [string, string][] => [
      [t.flowsFile, `<code>${esc(f.file)}</code>`],
      [t.flowsHash, `<code>${esc(f.sha256)}</code>`],
    ]),
    [t.overall, `<span class="v-${overall}">${esc(t.verdict[overall])}</span> — ${esc(t.counts(s.errors, s.warnings, s.infos))}`],
  ];
  const contents = [t.clauses, t.findings, t.matrix, t.inventory, t.exceptions];
  return [
    '<section id="cover">',
    `<h1>${esc(t.title)}</h1>`,
    `<table class="cover"><tbody>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${v}</td></tr>`).join('')}</tbody></table>`,
    `<h3>${esc(t.contents)}</h3>`,
    `<ol>${contents.map((c) => `<li>${esc(c)}</li>`).join('')}</ol>`,
    '</section>',
  ].join('\n');
}

function clauses(report: CheckReport, lang: Lang): string {
  const t = M[lang];
  const rows = report.rules.map((r) => {
    const v = clauseVerdict(r);
    return [
      esc(r.clause),
      esc(RULE_TITLES[r.id][lang]),
      `<code>${esc(r.id)}</code>`,
      esc(t.severities[r.severity] ?? r.severity),
      `<span class="v-${v}">${esc(t.verdict[v])}</span>${r.status === 'disabled' ? esc(t.disabled) : ''}`,
      String(r.findings),
    ];
  });
  return [
    '<section id="clauses" class="page">',
    `<h2>1. ${esc(t.clauses)}</h2>`,
    table([t.clause, t.requirement, t.rule, t.severity, t.result, t.findingsCount], rows, 'clauses'),
    '</section>',
  ].join('\n');
}

function finding(input: AuditReportInput, f: Finding, id: string, n: number, lang: Lang): string {
  const t = M[lang];
  const text = findingText(f);
  const rows: [string, string][] = [
    [t.id, `<code>${esc(id)}</code>`],
    [t.clause, `${esc(f.clause)} ${esc(RULE_TITLES[f.rule][lang])}`],
    [t.severity, esc(t.severities[f.severity] ?? f.severity)],
    [t.subject, esc(subjectText(f))],
    [t.location, `<code>${esc(formatLoc(f.loc))}</code>`],
    [t.message, esc(text.message[lang])],
  ];
  if (f.permittedBy.length > 0)
    rows.push([t.permitted, f.permittedBy.map((r) => `<code>${esc(`${r.device} ${r.id}`)}</code> (${esc(formatLoc(r.loc))})`).join('<br>')]);
  if (f.classes.length > 0) {
    const shown = f.classes.slice(0, CLASSES_SHOWN).map((c) => {
      const r = describeClass(input.network, c.boxes);
      return `<span class="mono">${esc(`${r.src} → ${r.dst} ${r.service}`)}</span>`;
    });
    if (f.classes.length > CLASSES_SHOWN) shown.push(esc(t.more(f.classes.length - CLASSES_SHOWN)));
    rows.push([t.classes, shown.join('<br>')]);
  }
  rows.push([t.hint, esc(text.hint[lang])]);
  const diagram = witnessDiagram(input.network, f, id, input.domains, lang);
  return [
    `<div class="finding ${esc(f.severity)}" id="finding-${n}" data-finding="${esc(id)}">`,
    `<h3>${n}. ${esc(RULE_TITLES[f.rule][lang])}: ${esc(subjectText(f))}</h3>`,
    `<table><tbody>${rows.map(([k, v]) => `<tr><th style="width:22%">${esc(k)}</th><td>${v}</td></tr>`).join('')}</tbody></table>`,
    diagram ? `<div class="diagram"><p class="small">${esc(diagram.title)}</p>${diagramSvg(diagram, `f${n}`)}</div>` : '',
    '</div>',
  ].join('\n');
}

function findings(input: AuditReportInput, lang: Lang): string {
  const t = M[lang];
  const ids = findingIds(input.report.findings);
  const body =
    input.report.findings.length === 0 ? [`<p>${esc(t.noFindings)}</p>`] : input.report.findings.map((f, i) => finding(input, f, ids[i]!, i + 1, lang));
  return ['<section id="findings" class="page">', `<h2>2. ${esc(t.findings)} (${input.report.findings.length})</h2>`, ...body, '</section>'].join('\n');
}

function matrix(input: AuditReportInput, lang: Lang): string {
  const t = M[lang];
  const m = input.matrix;
  const out = ['<section id="matrix" class="page">', `<h2>3. ${esc(t.matrix)}</h2>`, `<h3>${esc(t.grid)}</h3>`];
  if (m.labels.length <= GRID_LIMIT) {
    const flowing = new Set(m.cells.map((c) => `${c.from}\u0000${c.to}`));
    const head = `<tr><th></th>${m.labels.map((_, i) => `<th>${i + 1}</th>`).join('')}</tr>`;
    const rows = m.labels.map(
      (row, i) =>
        `<tr><th class="row">${i + 1}. ${esc(row)}</th>${m.labels.map((col) => `<td>${row === col ? '\\' : flowing.has(`${row}\u0000${col}`) ? '●' : '·'}</td>`).join('')}</tr>`,
    );
    out.push(`<table class="grid"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>`, `<p class="small">${esc(t.gridLegend)}</p>`);
  } else out.push(`<p>${esc(t.gridOmitted(m.labels.length))}</p>`);
  const rows = matrixRows(input.network, m, input.domains, lang);
  const shown = rows.slice(0, ROWS_SHOWN).map((r) => rowCells(r).map(esc));
  out.push(table(matrixColumns(lang), shown, 'matrix'));
  if (rows.length > ROWS_SHOWN) out.push(`<p>${esc(t.more(rows.length - ROWS_SHOWN))}</p>`);
  out.push('</section>');
  return out.join('\n');
}

function inventory(input: AuditReportInput, lang: Lang): string {
  const t = M[lang];
  const n = input.network;
  const domains = [...new Set(n.zones.map((z) => z.domain))];
  const rows = domains.map((d) => {
    const zones = n.zones.filter((z) => z.domain === d);
    const inDomain = new Set(zones.map((z) => z.index));
    const hosts = n.hosts.filter((h) => inDomain.has(h.zone)).length;
    return [
      `${esc(input.domains[d]?.[lang] ?? d)} <code>${esc(d)}</code>`,
      String(zones.length),
      String(hosts),
      zones.map((z) => `<code>${esc(z.id)}</code>`).join(', '),
    ];
  });
  const kinds = [...new Set(n.devices.map((d) => d.kind))];
  const devices = kinds.map((k) => [esc(DEVICE_KIND[k][lang]), String(n.devices.filter((d) => d.kind === k).length)]);
  return [
    '<section id="inventory" class="page">',
    `<h2>4. ${esc(t.inventory)}</h2>`,
    table([t.domain, t.zones, t.hosts, t.zoneList], rows, 'inventory'),
    table([t.devices, '#'], devices),
    table(
      [t.zones, t.hosts, t.devices, t.links, t.intents, t.exceptions],
      [[n.zones.length, n.hosts.length, n.devices.length, n.links.length, n.intents.length, n.exceptions.length].map(String)],
    ),
    '</section>',
  ].join('\n');
}

function exceptions(input: AuditReportInput, lang: Lang): string {
  const t = M[lang];
  const list = input.network.exceptions;
  const rows = list.map((e) => {
    const expired = e.expires < input.date;
    return [
      `<code>${esc(e.id)}</code>`,
      esc(e.written.from.join(', ')),
      esc(e.written.to.join(', ')),
      esc(e.written.service.join(', ')),
      esc(e.justification),
      esc(e.approver),
      esc(e.expires),
      `<span class="v-${expired ? 'nonconform' : 'conform'}">${esc(expired ? t.expired : t.valid)}</span>`,
    ];
  });
  return [
    '<section id="exceptions" class="page">',
    `<h2>5. ${esc(t.exceptions)} (${list.length})</h2>`,
    list.length === 0
      ? `<p>${esc(t.noExceptions)}</p>`
      : table([t.exception, t.from, t.to, t.service, t.justification, t.approver, t.expires, t.state], rows, 'exceptions'),
    '</section>',
  ].join('\n');
}

/** The audit report as one HTML document. */
export function auditReportHtml(input: AuditReportInput, lang: Lang): string {
  const t = M[lang];
  return [
    '<!DOCTYPE html>',
    `<html lang="${lang}">`,
    '<head>',
    '<meta charset="utf-8">',
    // Nothing may be fetched: the report is read offline and archived as it is.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="generator" content="bunkatsu ${esc(VERSION)}">`,
    `<title>${esc(t.title)}: ${esc(input.network.name)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    cover(input, lang),
    clauses(input.report, lang),
    findings(input, lang),
    matrix(input, lang),
    inventory(input, lang),
    exceptions(input, lang),
    `<footer>${esc(t.footer(VERSION))}</footer>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
