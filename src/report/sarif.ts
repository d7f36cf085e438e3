// SARIF 2.1.0 for code scanning (GitHub, GitLab): one result per finding, located at the rule
// line in the topology file, with stable rule ids, fingerprints that survive unrelated edits,
// the permitting rules as related locations and witness paths as code flows.

import { createHash } from 'node:crypto';
import type * as Sarif from 'sarif';
import type { Loc } from '../errors.ts';
import type { Hop } from '../engine/types.ts';
import type { Network } from '../model/network.ts';
import type { CheckReport, Finding, HeaderClass, Localized, RuleResult, Severity } from '../policy/types.ts';
import type { FlowChange, IntentChange, ReviewNetworks, ReviewReport } from '../review/types.ts';
import { describeDisposition, describeHop, type Lang } from './describe.ts';
import { findingText, problemTexts, RULE_TITLES, subjectText } from './messages.ts';
import { recomputeReason, VERDICT_LABELS } from './review.ts';
import { classLine } from './text.ts';
import { VERSION } from '../package.ts';

/** The version written as tool.driver.version: package.json's (src/package.ts). */
export const BUNKATSU_VERSION = VERSION;

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';

/** Witness paths drawn as code flows per result, like the classes drawn in text. */
const CODE_FLOWS_SHOWN = 10;

/** The heading of each rule in docs/rules.md, whose GitHub anchor helpUri points at. */
const RULE_DOC_HEADINGS: Readonly<Record<string, string>> = {
  'mynumber-isolation': 'マイナンバー利用事務系の分離',
  'mynumber-exception-scope': '例外通信の限定',
  'mynumber-endpoint-controls': '持ち出し不可設定・多要素認証',
  'path-separation': '通信経路の分割',
  'sanitized-communication': '無害化通信',
  'security-cloud-aggregation': '自治体情報セキュリティクラウドへの集約',
  inventory: '機器・アドレスの管理',
  'intent-reachability': '必要な通信の到達性',
  availability: '単一障害時の継続',
};

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
export function githubAnchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** The anchor of a rule's section in docs/rules.md (`#rules` for rules it does not document). */
export function ruleDocAnchor(id: string): string {
  const heading = RULE_DOC_HEADINGS[id];
  return heading === undefined ? 'the-rules' : githubAnchor(`\`${id}\` — ${heading}`);
}

export interface SarifOptions {
  /**
   * Absolute URI of docs/rules.md (e.g. on the project's Git host), for each rule's helpUri.
   * Without it, rules carry their help text and a relative link only (helpUri must be absolute).
   */
  readonly rulesDocUri?: string;
}

/** Rules a review adds to the policy rules: intents it breaks, flows it opens. */
const REVIEW_RULES = {
  'intent-broken': {
    title: { ja: '必要な通信が変更により到達しなくなる', en: 'A required flow no longer gets through after the change' },
    level: 'error' as const,
  },
  'flow-opened': {
    title: { ja: '変更により新たに許可される通信', en: 'Flows the change newly allows' },
    level: 'note' as const,
  },
} as const;

const T = {
  ja: {
    clause: (c: string) => `ポリシー条項 ${c}`,
    docs: '説明',
    fix: '対処',
    permits: (d: string, r: string) => `${d} のルール ${r} が許可`,
    opened: (f: FlowChange, n: number) => `変更により ${f.from}（${f.fromDomain}）→ ${f.to}（${f.toDomain}）の通信が新たに許可されます（${n} クラス）`,
    broken: (c: IntentChange) =>
      `変更により必要通信 ${c.intent}（${c.purpose}）が到達しなくなります${c.problems.length ? `: ${problemTexts(c).join(', ')}` : ''}`,
    operation: '変更操作',
  },
  en: {
    clause: (c: string) => `policy clause ${c}`,
    docs: 'Documentation',
    fix: 'Fix',
    permits: (d: string, r: string) => `permitted by ${d} rule ${r}`,
    opened: (f: FlowChange, n: number) =>
      `The change newly allows ${f.from} (${f.fromDomain}) → ${f.to} (${f.toDomain}): ${n} header class${n === 1 ? '' : 'es'}`,
    broken: (c: IntentChange) => `The change breaks flow intent ${c.intent} (${c.purpose})${c.problems.length ? `: ${problemTexts(c).join(', ')}` : ''}`,
    operation: 'change operation',
  },
} as const;

export function sarifLevel(severity: Severity): Sarif.Result.level {
  return severity === 'info' ? 'note' : severity;
}

/** A file path as given, written as a URI reference (forward slashes, percent-encoded). */
function fileUri(file: string): string {
  return encodeURI(file.replace(/\\/g, '/'));
}

function physical(loc: Loc): Sarif.PhysicalLocation {
  return {
    artifactLocation: { uri: fileUri(loc.file) },
    region: { startLine: Math.max(1, loc.line), startColumn: Math.max(1, loc.column) },
  };
}

function fingerprint(parts: readonly string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

/** Fingerprints unique within the run: a repeat of the same key gets an occurrence number. */
function fingerprinter(): (parts: readonly string[]) => Record<string, string> {
  const seen = new Map<string, number>();
  return (parts) => {
    const key = fingerprint(parts);
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    return { 'bunkatsu/v1': n === 1 ? key : `${key}:${n}` };
  };
}

function ruleDescriptor(
  rule: Pick<RuleResult, 'clause' | 'severity'> & { readonly id: string; readonly title: Localized; readonly enabled: boolean },
  lang: Lang,
  options: SarifOptions,
): Sarif.ReportingDescriptor {
  const t = T[lang];
  const anchor = ruleDocAnchor(rule.id);
  const title = rule.title[lang];
  return {
    id: rule.id,
    name: rule.id.replace(/(^|-)([a-z])/g, (_, _d: string, c: string) => c.toUpperCase()),
    shortDescription: { text: title },
    fullDescription: { text: rule.clause ? `${title} (${t.clause(rule.clause)})` : title },
    ...(options.rulesDocUri ? { helpUri: `${options.rulesDocUri}#${encodeURIComponent(anchor)}` } : {}),
    help: {
      text: `${title}${rule.clause ? ` (${t.clause(rule.clause)})` : ''}. ${t.docs}: docs/rules.md#${anchor}`,
      markdown: `**${title}**${rule.clause ? ` (${t.clause(rule.clause)})` : ''}\n\n${t.docs}: [docs/rules.md](${options.rulesDocUri ?? 'docs/rules.md'}#${encodeURIComponent(anchor)})`,
    },
    defaultConfiguration: { level: sarifLevel(rule.severity), enabled: rule.enabled },
    properties: { clause: rule.clause, tags: ['network', 'segmentation', 'security'] },
  };
}

function hopLocation(network: Network, hop: Hop, lang: Lang): Sarif.ThreadFlowLocation {
  const readable = describeHop(network, hop, lang);
  const loc = hop.kind === 'zone' ? network.zones[hop.zone]!.loc : hop.rule ? hop.rule.loc : network.devices[hop.device]!.loc;
  return { location: { physicalLocation: physical(loc), message: { text: readable.detail } } };
}

function codeFlows(network: Network, classes: readonly HeaderClass[], lang: Lang): Sarif.CodeFlow[] {
  const flows: Sarif.CodeFlow[] = [];
  for (const c of classes) {
    if (flows.length >= CODE_FLOWS_SHOWN) break;
    const w = c.witness;
    if (!w || w.hops.length === 0) continue;
    const locations = w.hops.map((h) => hopLocation(network, h, lang));
    const last = locations[locations.length - 1]!;
    const end = describeDisposition(network, w.disposition, lang);
    locations[locations.length - 1] = { ...last, location: { ...last.location, message: { text: `${last.location?.message?.text ?? ''} = ${end}` } } };
    flows.push({ message: { text: classLine(network, c.boxes, lang) }, threadFlows: [{ locations }] });
  }
  return flows;
}

function findingResult(
  network: Network,
  f: Finding,
  ruleIndex: Map<string, number>,
  lang: Lang,
  fp: ReturnType<typeof fingerprinter>,
  extra: Record<string, unknown>,
): Sarif.Result {
  const flows = codeFlows(network, f.classes, lang);
  const index = ruleIndex.get(f.rule);
  return {
    ruleId: f.rule,
    ...(index !== undefined ? { ruleIndex: index } : {}),
    level: sarifLevel(f.severity),
    message: { text: `${findingText(f).message[lang]}\n${T[lang].fix}: ${findingText(f).hint[lang]}` },
    locations: [{ physicalLocation: physical(f.loc), logicalLocations: [{ name: subjectText(f), kind: 'object' }] }],
    ...(f.permittedBy.length > 0
      ? {
          relatedLocations: f.permittedBy.map((r, i) => ({ id: i + 1, physicalLocation: physical(r.loc), message: { text: T[lang].permits(r.device, r.id) } })),
        }
      : {}),
    partialFingerprints: fp([f.rule, subjectText(f), ...f.permittedBy.map((r) => `${r.device}/${r.id}`).sort()]),
    ...(flows.length > 0 ? { codeFlows: flows } : {}),
    properties: { clause: f.clause, subject: subjectText(f), classes: f.classes.length, ...extra },
  };
}

function log(rules: Sarif.ReportingDescriptor[], results: Sarif.Result[], properties: Record<string, unknown>): Sarif.Log {
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'bunkatsu', version: BUNKATSU_VERSION, semanticVersion: BUNKATSU_VERSION, rules } },
        invocations: [{ executionSuccessful: true }],
        results,
        properties,
      },
    ],
  };
}

/** SARIF for `check`: every rule of the pack, one result per finding. */
export function checkSarif(network: Network, report: CheckReport, lang: Lang, options: SarifOptions = {}): string {
  const rules = report.rules.map((r) => ruleDescriptor({ ...r, title: RULE_TITLES[r.id], enabled: r.status !== 'disabled' }, lang, options));
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const fp = fingerprinter();
  const results = report.findings.map((f) => findingResult(network, f, index, lang, fp, {}));
  return JSON.stringify(log(rules, results, { topology: report.topology, policy: report.policy, engine: report.engine, summary: report.summary }), null, 2);
}

/**
 * SARIF for `review`: the findings the change introduces, the flow intents it breaks, and the
 * flows it newly allows (as notes), located in the topology after the change.
 */
export function reviewSarif(report: ReviewReport, networks: ReviewNetworks, lang: Lang, options: SarifOptions = {}): string {
  const rules = report.checkAfter.rules.map((r) => ruleDescriptor({ ...r, title: RULE_TITLES[r.id], enabled: r.status !== 'disabled' }, lang, options));
  for (const [id, r] of Object.entries(REVIEW_RULES)) {
    rules.push(ruleDescriptor({ id, clause: '', title: r.title, severity: r.level === 'note' ? 'info' : 'error', enabled: true }, lang, options));
  }
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const fp = fingerprinter();
  const t = T[lang];
  const operations: Sarif.Location[] = (report.change?.operations ?? []).map((o, i) => ({
    id: 1000 + i,
    physicalLocation: physical(o.loc),
    message: { text: `${t.operation}: ${o.summary[lang]}` },
  }));
  const results: Sarif.Result[] = report.findingsIntroduced.map((f) => findingResult(networks.after, f, index, lang, fp, { change: 'introduced' }));
  for (const c of report.intentsBroken) {
    results.push({
      ruleId: 'intent-broken',
      ruleIndex: index.get('intent-broken')!,
      level: 'error',
      message: { text: t.broken(c) },
      locations: [{ physicalLocation: physical(c.loc), logicalLocations: [{ name: c.intent, kind: 'object' }] }],
      ...(operations.length > 0 ? { relatedLocations: operations } : {}),
      partialFingerprints: fp(['intent-broken', c.intent, ...problemTexts(c).sort()]),
      properties: { intent: c.intent, purpose: c.purpose, legs: problemTexts(c) },
    });
  }
  for (const f of report.newlyAllowed) {
    // Located at the first firewall rule that lets a witness through, else at the destination zone.
    const ruleHops = f.classes
      .flatMap((c) => c.witness?.hops ?? [])
      .flatMap((h) => (h.kind === 'device' && h.rule ? [{ device: networks.after.devices[h.device]!.id, rule: h.rule }] : []));
    const seen = new Set<string>();
    const related: Sarif.Location[] = [];
    for (const h of ruleHops) {
      const key = `${h.device}/${h.rule.id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      related.push({ id: related.length + 1, physicalLocation: physical(h.rule.loc), message: { text: t.permits(h.device, h.rule.id) } });
    }
    const zone = networks.after.zones.find((z) => z.id === f.to);
    const primary = ruleHops[0]?.rule.loc ?? zone?.loc ?? report.change?.operations[0]?.loc ?? { file: report.after.file, line: 1, column: 1 };
    const flows = codeFlows(networks.after, f.classes, lang);
    results.push({
      ruleId: 'flow-opened',
      ruleIndex: index.get('flow-opened')!,
      level: 'note',
      message: { text: t.opened(f, f.classes.length) },
      locations: [{ physicalLocation: physical(primary), logicalLocations: [{ name: `${f.from} → ${f.to}`, kind: 'object' }] }],
      ...(related.length + operations.length > 0 ? { relatedLocations: [...related, ...operations] } : {}),
      partialFingerprints: fp(['flow-opened', f.from, f.to, ...f.classes.map((c) => classLine(networks.after, c.boxes, lang)).sort()]),
      ...(flows.length > 0 ? { codeFlows: flows } : {}),
      properties: { from: f.from, to: f.to, fromDomain: f.fromDomain, toDomain: f.toDomain, classes: f.classes.length },
    });
  }
  return JSON.stringify(
    log(rules, results, {
      verdict: report.verdict,
      verdictText: VERDICT_LABELS[report.verdict][lang],
      summary: report.summary[lang],
      before: report.before,
      after: report.after,
      change: report.change?.file,
      engine: report.engine,
      recompute: { mode: report.recompute.mode, reason: recomputeReason(report.recompute.cause, lang) },
    }),
    null,
    2,
  );
}
