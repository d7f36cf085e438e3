// The rule catalogue of the seed policy: each rule with its clause of the policy text, its
// titles, and the check that turns reachability into findings.

import { type DeclaredFlow, type Exception, type Network, type Zone, zonesOf } from '../model/network.ts';
import type { Loc } from '../errors.ts';
import { boxesOfMatch, type HeaderSet, normalize, subtract } from '../engine/headerset.ts';
import { type Disposition, endOf, type EngineFactory, type Failures, type Outcome, type ReachabilityEngine, zoneOfEnd } from '../engine/types.ts';
import { formatIpv4, rangeSize } from '../net/ipv4.ts';
import { PORT_PROTOCOLS } from '../net/services.ts';
import { attachId } from '../model/graph.ts';
import {
  classesOf, evaluateIntent, legArrives, type LegResult, permittingRules, splitBySource, traceWitness,
} from './analysis.ts';
import { analyzeHygiene, type HygieneIssue, type HygieneKind } from './hygiene.ts';
import type { PackRules, RuleId } from './pack.ts';
import type { Finding, FindingCommon, HostSubject, InterfaceSubject, Localized, Severity, ZonePairSubject } from './types.ts';

/** A table's own entry for a key that comes from user text (never an inherited member such as `constructor`). */
function own<T>(table: Readonly<Partial<Record<string, T>>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

export interface RuleContext<P> {
  readonly network: Network;
  readonly params: P;
  readonly severity: Severity;
  readonly engine: ReachabilityEngine;
  readonly engineFactory: EngineFactory;
  /** Today's date (YYYY-MM-DD), for exception expiry. */
  readonly today: string;
  readonly domains: Readonly<Record<string, Localized>>;
  /** Intents whose legs another enabled rule already checks (sanitized communication). */
  readonly intentsCheckedElsewhere: ReadonlySet<string>;
  /** When set, only this part of the network is checked (an incremental review). */
  readonly scope: CheckScope | undefined;
}

/**
 * The part of a check a change can affect: flow findings of these zone pairs, findings of
 * these intents, and (when `objects`) the findings about objects (hosts, exceptions,
 * gateways, devices).
 */
export interface CheckScope {
  /** Zone index pairs "from>to". */
  readonly pairs: ReadonlySet<string>;
  readonly intents: ReadonlySet<string>;
  readonly objects: boolean;
  /** Firewalls (device indices) whose rules changed: their hygiene is checked again. */
  readonly devices: ReadonlySet<number>;
}

/** Rules whose findings are about a pair of zones (subject "from → to"). */
export const FLOW_RULES: ReadonlySet<string> = new Set(['mynumber-isolation', 'path-separation', 'security-cloud-aggregation']);
/** Rules whose findings are about a flow intent (subject starts with the intent id). */
export const INTENT_RULES: ReadonlySet<string> = new Set(['sanitized-communication', 'intent-reachability', 'availability']);

/**
 * Which part of a scope a finding belongs to, from its subject: "pair:from>to" (flow
 * findings), "intent:id", "device:index" (firewall hygiene) or "object" (everything else).
 */
export function scopeGroup(network: Network, f: Finding): string {
  const s = f.subject;
  switch (s.kind) {
    case 'zone-pair': {
      const a = network.ids.get(s.from);
      const b = network.ids.get(s.to);
      return a && b ? `pair:${a.index}>${b.index}` : 'object';
    }
    case 'intent': return `intent:${s.id}`;
    case 'leg': return `intent:${s.intent}`;
    case 'rule': {
      const device = network.ids.get(s.device);
      return device ? `device:${device.index}` : 'object';
    }
    default: return 'object';
  }
}

type ParamsOf<K extends RuleId> = NonNullable<PackRules[K]>['params'];

export interface RuleDefinition<K extends RuleId> {
  readonly id: K;
  readonly clause: string;
  readonly title: Localized;
  readonly check: (ctx: RuleContext<ParamsOf<K>>) => Finding[];
}

/** What a finding needs to know of its rule. */
interface RuleRef {
  readonly clause: string;
}

/** Severity and clause of a finding of this rule, and no evidence yet. */
function base(ctx: RuleContext<unknown>, rule: RuleRef): Pick<FindingCommon, 'severity' | 'clause' | 'classes' | 'permittedBy'> {
  return { severity: ctx.severity, clause: rule.clause, classes: [], permittedBy: [] };
}

const zoneLabel = (ctx: RuleContext<unknown>, z: Zone): Localized => ({
  ja: `${z.id}（${own(ctx.domains, z.domain)?.ja ?? z.domain}）`,
  en: `${z.id} (${own(ctx.domains, z.domain)?.en ?? z.domain})`,
});

/** Exceptions in force for a rule: not expired, and naming the rule or no rule at all. */
function activeExceptions(ctx: RuleContext<unknown>, rule: string): Exception[] {
  return ctx.network.exceptions.filter((e) => e.expires >= ctx.today && (!e.rules || e.rules.includes(rule)));
}

function exceptionSet(exceptions: readonly Exception[]): HeaderSet {
  return normalize(exceptions.flatMap((e) => boxesOfMatch({ src: e.from, dst: e.to, services: e.services })));
}

/** One pair of zones between which packets get that must not, with the evidence. */
interface ForbiddenFlow {
  readonly from: Zone;
  readonly to: Zone;
  readonly subject: ZonePairSubject;
  readonly loc: Loc;
  readonly classes: FindingCommon['classes'];
  readonly permittedBy: FindingCommon['permittedBy'];
}

/**
 * The common shape of "no packet from these zones reaches those zones": for each ordered
 * pair of zones (from one side to the other, both ways), what arrives minus exemptions
 * becomes one finding with every class, a witness each, and the rules that let it through.
 */
function forbiddenReach(
  ctx: RuleContext<unknown>,
  sides: readonly [readonly Zone[], readonly Zone[]],
  exempt: HeaderSet,
  engine: ReachabilityEngine,
): ForbiddenFlow[] {
  const net = ctx.network;
  const found: ForbiddenFlow[] = [];
  const scope = ctx.scope;
  const scoped = (zones: readonly Zone[], end: 0 | 1): Zone[] => {
    if (!scope) return [...zones];
    const wanted = new Set([...scope.pairs].map((p) => Number(p.split('>')[end])));
    return zones.filter((z) => wanted.has(z.index));
  };
  for (const [sources, targets] of [[sides[0], sides[1]], [sides[1], sides[0]]] as const) {
    const from = scoped(sources, 0);
    const to = scoped(targets, 1);
    if (from.length === 0 || to.length === 0) continue;
    for (const r of engine.reach(from.map((z) => z.index), to.map((z) => z.index))) {
      const to = net.zones[r.zone]!;
      for (const [fromIndex, headers] of splitBySource(net, r.headers)) {
        if (fromIndex === r.zone) continue;
        if (scope && !scope.pairs.has(`${fromIndex}>${r.zone}`)) continue;
        const violating = normalize(subtract(headers, exempt));
        if (violating.length === 0) continue;
        const from = net.zones[fromIndex]!;
        const arrives = (d: Disposition): boolean => {
          const end = endOf(d);
          return end !== undefined && zoneOfEnd(net, end) === r.zone;
        };
        const classes = classesOf(violating, (boxes) => traceWitness(net, engine, boxes, arrives));
        const permittedBy = permittingRules(net, classes);
        found.push({ from, to, subject: { kind: 'zone-pair', from: from.id, to: to.id }, loc: permittedBy[0]?.loc ?? from.loc, classes, permittedBy });
      }
    }
  }
  return found.sort((a, b) => a.from.index - b.from.index || a.to.index - b.to.index);
}

function zonesIn(network: Network, domains: readonly string[]): Zone[] {
  return network.zones.filter((z) => domains.includes(z.domain));
}

// ---------------------------------------------------------------------------------------

const mynumberIsolation: RuleDefinition<'mynumber-isolation'> = {
  id: 'mynumber-isolation',
  clause: '§6(3)ア',
  title: { ja: 'マイナンバー利用事務系の分離', en: 'Isolation of the My Number business systems' },
  check(ctx) {
    const isolated = zonesIn(ctx.network, ctx.params.isolated);
    const others = ctx.network.zones.filter((z) => !ctx.params.isolated.includes(z.domain));
    const exceptions = activeExceptions(ctx, this.id);
    const findings: Finding[] = forbiddenReach(ctx, [isolated, others], exceptionSet(exceptions), ctx.engine).map(({ from, to, ...flow }) => ({
      ...base(ctx, this), ...flow, rule: this.id, kind: 'reach',
      message: {
        ja: `${zoneLabel(ctx, from).ja} から ${zoneLabel(ctx, to).ja} へ通信できます。マイナンバー利用事務系は他の領域と通信できないようにする必要があります。`,
        en: `${zoneLabel(ctx, from).en} can reach ${zoneLabel(ctx, to).en}; the My Number systems must not communicate with other domains.`,
      },
      hint: {
        ja: '許可しているファイアウォールルールを削除するか、承認済みの例外（特定のホストとポートのみ）として exceptions に記載してください。',
        en: 'Remove the permitting firewall rule, or declare an approved exception (specific hosts and ports only) under exceptions.',
      },
    }));
    // A gateway with a foot in a mynumber zone and in another domain is a channel by itself.
    for (const d of ctx.scope && !ctx.scope.objects ? [] : ctx.network.devices) {
      if (d.kind !== 'sanitizer' && d.kind !== 'proxy') continue;
      const domains = new Set(d.interfaces.map((f) => ctx.network.zones[f.zone!]!.domain));
      const inside = [...domains].some((x) => ctx.params.isolated.includes(x));
      const outside = [...domains].some((x) => !ctx.params.isolated.includes(x));
      if (!inside || !outside || exceptions.some((e) => e.via.includes(d.index))) continue;
      findings.push({
        ...base(ctx, this), rule: this.id, kind: 'bridge', subject: { kind: 'device', id: d.id },
        message: {
          ja: `${d.kind === 'sanitizer' ? '無害化装置' : 'プロキシ'} ${d.id} がマイナンバー利用事務系と他の領域 (${[...domains].join(', ')}) を中継しています。`,
          en: `${d.kind} ${d.id} relays between the My Number systems and another domain (${[...domains].join(', ')}).`,
        },
        hint: {
          ja: 'この中継が承認済みであれば、via にこの装置を含む例外を exceptions に記載してください。',
          en: 'If this channel is approved, declare an exception whose via lists this gateway.',
        },
        loc: d.loc,
      });
    }
    return findings;
  },
};

const mynumberExceptionScope: RuleDefinition<'mynumber-exception-scope'> = {
  id: 'mynumber-exception-scope',
  clause: '§6(3)ア',
  title: { ja: '例外通信の限定（特定ホスト・特定ポート・有効期限）', en: 'Exceptions are narrow (specific hosts and ports) and in date' },
  check(ctx) {
    const findings: Finding[] = [];
    for (const e of ctx.network.exceptions) {
      const problems: Localized[] = [];
      for (const [side, ranges, written] of [['from', e.from, e.written.from], ['to', e.to, e.written.to]] as const) {
        const broad = ranges.filter((r) => rangeSize(r) > 1);
        if (broad.length > 0) {
          problems.push({
            ja: `${side} (${written.join(', ')}) が単一ホストではありません（${broad.map((r) => rangeSize(r)).reduce((a, b) => a + b, 0)} アドレス）`,
            en: `${side} (${written.join(', ')}) is not a single host (${broad.map((r) => rangeSize(r)).reduce((a, b) => a + b, 0)} addresses)`,
          });
        }
      }
      for (const t of e.services) {
        const wide = t.protoLo !== t.protoHi || (PORT_PROTOCOLS.has(t.protoLo) && t.portHi - t.portLo + 1 > ctx.params.maxPortsPerTerm);
        if (wide) {
          problems.push({
            ja: `service (${e.written.service.join(', ')}) が特定のポートに限定されていません`,
            en: `service (${e.written.service.join(', ')}) is not limited to specific ports`,
          });
          break;
        }
      }
      if (e.expires < ctx.today) {
        problems.push({ ja: `有効期限 ${e.expires} を過ぎています（この例外は適用されません）`, en: `it expired on ${e.expires} (it no longer applies)` });
      }
      if (problems.length === 0) continue;
      findings.push({
        ...base(ctx, this), rule: this.id, kind: 'too-wide', subject: { kind: 'exception', id: e.id },
        message: {
          ja: `例外 ${e.id}: ${problems.map((p) => p.ja).join('。')}。`,
          en: `Exception ${e.id}: ${problems.map((p) => p.en).join('; ')}.`,
        },
        hint: {
          ja: '例外は送信元・宛先とも特定のホスト、特定のポートに限定し、期限を更新してください。',
          en: 'Limit the exception to one source host, one destination host and specific ports, and keep its expiry current.',
        },
        loc: e.loc,
      });
    }
    return findings;
  },
};

const mynumberEndpointControls: RuleDefinition<'mynumber-endpoint-controls'> = {
  id: 'mynumber-endpoint-controls',
  clause: '§6(3)ア',
  title: { ja: 'マイナンバー利用事務系端末の持ち出し不可設定・多要素認証', en: 'My Number terminals block data export and use multi-factor authentication' },
  check(ctx) {
    const findings: Finding[] = [];
    for (const h of ctx.network.hosts) {
      const zone = ctx.network.zones[h.zone]!;
      if (!ctx.params.domains.includes(zone.domain) || !ctx.params.roles.includes(h.role)) continue;
      const missing = ctx.params.required.filter((c) => !h.controls.has(c));
      if (missing.length === 0) continue;
      findings.push({
        ...base(ctx, this), rule: this.id, kind: 'missing-controls', subject: { kind: 'host', id: h.id },
        message: {
          ja: `${h.isGroup ? '端末グループ' : '端末'} ${h.id}（${zone.id}）に必要な対策がありません: ${missing.join(', ')}`,
          en: `${h.isGroup ? 'Terminal group' : 'Terminal'} ${h.id} in ${zone.id} lacks required controls: ${missing.join(', ')}`,
        },
        hint: {
          ja: '端末からの情報持ち出し不可設定 (data-export-blocked) と多要素認証 (mfa) を導入し、controls に記載してください。',
          en: 'Put data-export blocking (data-export-blocked) and multi-factor authentication (mfa) in place and list them under controls.',
        },
        loc: h.loc,
      });
    }
    return findings;
  },
};

const pathSeparation: RuleDefinition<'path-separation'> = {
  id: 'path-separation',
  clause: '§6(3)イ, §2(17)',
  title: { ja: 'LGWAN接続系とインターネット接続系の通信経路の分割', en: 'Path separation between the LGWAN and Internet domains' },
  check(ctx) {
    const a = zonesIn(ctx.network, ctx.params.lgwanSide);
    const b = zonesIn(ctx.network, ctx.params.internetSide);
    return forbiddenReach(ctx, [a, b], exceptionSet(activeExceptions(ctx, this.id)), ctx.engine).map(({ from, to, ...flow }) => ({
      ...base(ctx, this), ...flow, rule: this.id, kind: 'reach',
      message: {
        ja: `${zoneLabel(ctx, from).ja} から ${zoneLabel(ctx, to).ja} へパケットが直接届きます。LGWAN接続系とインターネット接続系の通信経路は分割する必要があります。`,
        en: `Packets from ${zoneLabel(ctx, from).en} reach ${zoneLabel(ctx, to).en} directly; the LGWAN and Internet paths must be separated.`,
      },
      hint: {
        ja: '直接の通信を許可するルールを削除し、必要な通信は無害化装置（メールテキスト化・画面転送・ファイル無害化）経由にしてください。',
        en: 'Remove the rules that allow direct traffic; carry what is needed through a sanitizer (mail text conversion, screen transfer, file sanitization).',
      },
    }));
  },
};

function sideOf(network: Network, ranges: Parameters<typeof zonesOf>[1], lgwan: readonly string[], internet: readonly string[]): Set<'lgwan' | 'internet'> {
  const sides = new Set<'lgwan' | 'internet'>();
  for (const z of zonesOf(network, ranges)) {
    const domain = network.zones[z]!.domain;
    if (lgwan.includes(domain)) sides.add('lgwan');
    if (internet.includes(domain)) sides.add('internet');
  }
  return sides;
}

/** True when a flow runs between the LGWAN side and the Internet side (either way). */
export function crossesSides(network: Network, flow: DeclaredFlow, lgwan: readonly string[], internet: readonly string[]): boolean {
  const from = sideOf(network, flow.from, lgwan, internet);
  const to = sideOf(network, flow.to, lgwan, internet);
  return (from.has('lgwan') && to.has('internet')) || (from.has('internet') && to.has('lgwan'));
}

const STOP_ORDER: Record<Outcome['disposition']['kind'], number> = {
  denied: 0, refused: 1, 'no-route': 2, discarded: 2, terminated: 3, delivered: 4, local: 4, 'not-forwarded': 5, 'no-path': 6,
};

function legFindings(ctx: RuleContext<unknown>, rule: RuleRef & { readonly id: 'sanitized-communication' | 'intent-reachability' }, intentId: string, loc: Loc, legs: readonly LegResult[]): Finding[] {
  const findings: Finding[] = [];
  // Witnesses show where the missing packets stop, the most telling stop first: a deny
  // names the rule to change.
  const prefer = (a: Outcome, b: Outcome): number => STOP_ORDER[a.disposition.kind] - STOP_ORDER[b.disposition.kind];
  legs.forEach((r, i) => {
    if (r.missing.length === 0) return;
    const fails = (d: Disposition): boolean => !legArrives(r.leg, d);
    const classes = classesOf(r.missing, (boxes) => traceWitness(ctx.network, ctx.engine, boxes, fails, prefer));
    const deniedBy = classes.map((c) => c.witness?.disposition).map((d) => (d?.kind === 'denied' ? d.rule?.loc : undefined)).find((l) => l !== undefined);
    findings.push({
      ...base(ctx, rule), rule: rule.id, kind: 'leg',
      subject: { kind: 'leg', intent: intentId, leg: r.leg.label },
      message: {
        ja: `フロー ${intentId} の区間 ${i + 1}/${legs.length}（${r.leg.label}）が到達できません。`,
        en: `Flow intent ${intentId}: leg ${i + 1}/${legs.length} (${r.leg.label}) does not get through.`,
      },
      hint: {
        ja: '証跡の経路で通信を拒否している機器・ルールを確認し、必要最小限の許可ルールを追加してください。',
        en: 'See where the witness path stops, and add the narrowest permit that carries this leg.',
      },
      loc: deniedBy ?? loc,
      classes,
    });
  });
  return findings;
}

const sanitizedCommunication: RuleDefinition<'sanitized-communication'> = {
  id: 'sanitized-communication',
  clause: '§6(3)イ, §2(18)',
  title: { ja: '無害化通信（方式が内容に適合し、各区間が到達可能）', en: 'Sanitized communication (method fits the content, every leg reachable)' },
  check(ctx) {
    const findings: Finding[] = [];
    const p = ctx.params;
    for (const intent of ctx.network.intents) {
      if (ctx.scope && !ctx.scope.intents.has(intent.id)) continue;
      if (!crossesSides(ctx.network, intent, p.lgwanSide, p.internetSide)) continue;
      const issue = (kind: 'no-sanitizer' | 'unknown-content' | 'wrong-method' | 'no-relay', ja: string, en: string, hintJa: string, hintEn: string): void => {
        findings.push({ ...base(ctx, this), rule: this.id, kind, subject: { kind: 'intent', id: intent.id }, message: { ja, en }, hint: { ja: hintJa, en: hintEn }, loc: intent.loc });
      };
      const sanitizers = intent.via.map((i) => ctx.network.devices[i]!).filter((d) => d.kind === 'sanitizer');
      if (sanitizers.length === 0) {
        issue('no-sanitizer', `フロー ${intent.id} は LGWAN接続系とインターネット接続系の間の通信ですが、無害化装置を経由していません。`,
          `Flow intent ${intent.id} crosses between the LGWAN and Internet domains without a sanitizer.`,
          'via に適切な無害化装置（mail-text / screen-transfer / file-sanitization）を指定してください。',
          'List a fitting sanitizer (mail-text / screen-transfer / file-sanitization) under via.');
        continue;
      }
      const content = intent.content ?? intent.written.service.map((s) => own(p.contentByService, s.toLowerCase())).find((c) => c !== undefined);
      if (!content) {
        issue('unknown-content', `フロー ${intent.id} の内容（mail / web / file）が判別できません。`,
          `Flow intent ${intent.id}: its content (mail / web / file) cannot be told from its service.`,
          'content: mail | web | file を記載してください。', 'Declare content: mail | web | file.');
        continue;
      }
      const method = own(p.methods, content);
      if (method && !sanitizers.some((d) => d.method === method)) {
        issue('wrong-method', `フロー ${intent.id}（内容: ${content}）は ${method} 方式の無害化が必要ですが、経由する装置の方式は ${sanitizers.map((d) => `${d.id}=${d.method}`).join(', ')} です。`,
          `Flow intent ${intent.id} carries ${content} and needs ${method} sanitization, but goes via ${sanitizers.map((d) => `${d.id}=${d.method}`).join(', ')}.`,
          `${content} には ${method} 方式の無害化装置を経由させてください。`, `Route ${content} through a ${method} sanitizer.`);
        continue;
      }
      const evaluation = evaluateIntent(ctx.network, ctx.engine, intent);
      if (!evaluation.plan.ok) {
        issue('no-relay', `フロー ${intent.id}: ${evaluation.plan.reason}`, `Flow intent ${intent.id}: ${evaluation.plan.reason}`,
          '無害化装置の relays に中継先を記載してください。', 'Add the destination to the gateway\'s relays.');
        continue;
      }
      findings.push(...legFindings(ctx, this, intent.id, intent.loc, evaluation.legs));
    }
    return findings;
  },
};

const securityCloudAggregation: RuleDefinition<'security-cloud-aggregation'> = {
  id: 'security-cloud-aggregation',
  clause: '§6(3)ウ',
  title: { ja: 'インターネット通信の自治体情報セキュリティクラウドへの集約', en: 'Internet traffic only through the municipal security cloud' },
  check(ctx) {
    const net = ctx.network;
    // A path that bypasses the cloud is a path in the network without the cloud's zones
    // and devices: reachability there is exactly the bypassing reachability.
    const cloudZones = net.zones.filter((z) => ctx.params.cloud.includes(z.domain)).map((z) => z.index);
    const cloud = new Set(cloudZones);
    const cloudDevices = net.devices.filter((d) => d.zone !== undefined && cloud.has(d.zone)).map((d) => d.index);
    const bypass = ctx.engineFactory(net, { zones: cloud, devices: new Set(cloudDevices), edges: new Set() });
    const from = zonesIn(net, ctx.params.from);
    const to = zonesIn(net, ctx.params.to);
    return forbiddenReach(ctx, [from, to], exceptionSet(activeExceptions(ctx, this.id)), bypass).map(({ from: a, to: b, ...flow }) => ({
      ...base(ctx, this), ...flow, rule: this.id, kind: 'bypass',
      message: {
        ja: `${zoneLabel(ctx, a).ja} と ${zoneLabel(ctx, b).ja} の間に、自治体情報セキュリティクラウドを経由しない経路があります。`,
        en: `${zoneLabel(ctx, a).en} reaches ${zoneLabel(ctx, b).en} by a path that bypasses the security cloud.`,
      },
      hint: {
        ja: 'セキュリティクラウドを経由しない接続（独自のインターネット回線や許可ルール）を撤去してください。',
        en: 'Remove the breakout that bypasses the security cloud (own Internet line or the rule permitting it).',
      },
    }));
  },
};

const inventory: RuleDefinition<'inventory'> = {
  id: 'inventory',
  clause: '§3(2)',
  title: { ja: '機器・アドレスの管理（無許可機器・設定ミスの防止）', en: 'Inventory: every device in a zone, no address conflicts' },
  check(ctx) {
    const net = ctx.network;
    const findings: Finding[] = [];
    type What = Pick<Extract<Finding, { rule: 'inventory' }>, 'kind' | 'subject'>;
    const push = ({ kind, subject }: What, loc: Loc, message: Localized, hint: Localized): void => {
      findings.push({ ...base(ctx, this), rule: this.id, kind, subject, message, hint, loc } as Finding);
    };
    for (const d of net.devices) {
      // A pure data plane (no zones) has nothing for a device to belong to.
      if (d.zone === undefined && net.zones.length > 0) {
        push({ kind: 'no-zone', subject: { kind: 'device', id: d.id } }, d.loc, { ja: `機器 ${d.id} の所属ゾーン (zone) が宣言されていません。`, en: `Device ${d.id} does not declare the zone it belongs to.` },
          { ja: 'zone に機器が属するゾーンを記載してください。', en: 'Set zone: to the zone the device belongs to.' });
      }
    }
    // Every address used twice: hosts, groups and interface addresses.
    type Owner = HostSubject | InterfaceSubject;
    const uses: Array<{ lo: number; hi: number; owner: string; subject: Owner; loc: Loc }> = [];
    for (const h of net.hosts) uses.push({ ...h.range, owner: h.id, subject: { kind: 'host', id: h.id }, loc: h.loc });
    for (const d of net.devices) for (const f of d.interfaces) if (f.address !== undefined) uses.push({ lo: f.address, hi: f.address, owner: `${d.id}:${f.name}`, subject: { kind: 'interface', device: d.id, name: f.name }, loc: f.loc });
    uses.sort((x, y) => x.lo - y.lo);
    let reach = -1;
    let holder: (typeof uses)[number] | undefined;
    for (const u of uses) {
      if (holder && u.lo <= reach) {
        push({ kind: 'address-conflict', subject: u.subject }, u.loc, { ja: `${u.owner} のアドレス ${formatIpv4(u.lo)} は ${holder.owner} と重複しています。`, en: `${u.owner} uses ${formatIpv4(u.lo)}, which ${holder.owner} also uses.` },
          { ja: 'アドレスの割り当てを見直してください。', en: 'Fix the address assignment.' });
      }
      if (u.hi > reach) {
        reach = u.hi;
        holder = u;
      }
    }
    // Overlapping subnets of two zones of one domain: a sweep over subnets sorted by start,
    // comparing each with the earlier ones still open (linear for unnested address plans).
    const subnets = net.zones.flatMap((z) => z.subnets.map((s) => ({ lo: s.lo, hi: s.hi, zone: z })));
    subnets.sort((a, b) => a.lo - b.lo);
    const pairs = new Map<string, [Zone, Zone]>();
    let open: typeof subnets = [];
    for (const s of subnets) {
      open = open.filter((o) => o.hi >= s.lo);
      for (const o of open) {
        if (o.zone === s.zone || o.zone.domain !== s.zone.domain) continue;
        const [a, b] = o.zone.index < s.zone.index ? [o.zone, s.zone] : [s.zone, o.zone];
        pairs.set(`${a.index}:${b.index}`, [a, b]);
      }
      open.push(s);
    }
    for (const [z, other] of [...pairs.values()].sort(([a, b], [c, d]) => a.index - c.index || b.index - d.index)) {
      push({ kind: 'subnet-overlap', subject: { kind: 'zones', zones: [z.id, other.id] } }, other.loc, { ja: `ゾーン ${z.id} と ${other.id} のサブネットが重なっています。`, en: `Zones ${z.id} and ${other.id} have overlapping subnets.` },
        { ja: 'サブネットを重ならないように分けてください。', en: 'Split the subnets so they do not overlap.' });
    }
    return findings;
  },
};

const intentReachability: RuleDefinition<'intent-reachability'> = {
  id: 'intent-reachability',
  clause: '§2(10)',
  title: { ja: '必要な通信の到達性（可用性）', en: 'Required flows get through (availability)' },
  check(ctx) {
    const findings: Finding[] = [];
    for (const intent of ctx.network.intents) {
      if (ctx.intentsCheckedElsewhere.has(intent.id)) continue;
      if (ctx.scope && !ctx.scope.intents.has(intent.id)) continue;
      const evaluation = evaluateIntent(ctx.network, ctx.engine, intent);
      if (!evaluation.plan.ok) {
        findings.push({
          ...base(ctx, this), rule: this.id, kind: 'no-relay', subject: { kind: 'intent', id: intent.id },
          message: { ja: `フロー ${intent.id}: ${evaluation.plan.reason}`, en: `Flow intent ${intent.id}: ${evaluation.plan.reason}` },
          hint: { ja: 'ゲートウェイの relays に中継先を記載してください。', en: 'Add the destination to the gateway\'s relays.' },
          loc: evaluation.plan.device.loc,
        });
        continue;
      }
      findings.push(...legFindings(ctx, this, intent.id, intent.loc, evaluation.legs));
    }
    return findings;
  },
};

const availability: RuleDefinition<'availability'> = {
  id: 'availability',
  clause: '§2(10), §3(3), §3(5)',
  title: { ja: '単一障害時の必要通信の継続', en: 'Required flows survive any single link or device failure' },
  check(ctx) {
    const net = ctx.network;
    const findings: Finding[] = [];
    const resilient = net.intents.filter((i) => i.resilient && (!ctx.scope || ctx.scope.intents.has(i.id)));
    if (resilient.length === 0) return findings;
    for (const intent of resilient) {
      const healthy = evaluateIntent(net, ctx.engine, intent);
      if (!healthy.plan.ok || healthy.legs.some((l) => l.missing.length > 0)) continue; // intent-reachability reports it
      // Only an element that carries some of the intent's packets can cut it: the others are
      // not tried (the footprint of each leg).
      const devices = new Set<number>();
      const edges = new Set<string>();
      for (const leg of healthy.legs) {
        const f = ctx.engine.footprint(zonesOf(net, leg.leg.from), leg.requested);
        f.devices.forEach((d) => devices.add(d));
        f.edges.forEach((e) => edges.add(e));
      }
      const elements: Array<{ label: string; failures: Failures }> = [];
      for (const d of net.devices) if (devices.has(d.index)) elements.push({ label: d.id, failures: { zones: new Set(), devices: new Set([d.index]), edges: new Set() } });
      for (const d of net.devices) for (const f of d.interfaces) {
        const id = attachId(d.id, f.name);
        if (f.zone !== undefined && edges.has(id)) elements.push({ label: id, failures: { zones: new Set(), devices: new Set(), edges: new Set([id]) } });
      }
      for (const l of net.links) if (edges.has(l.id)) elements.push({ label: l.id, failures: { zones: new Set(), devices: new Set(), edges: new Set([l.id]) } });
      const breaking: string[] = [];
      for (const element of elements) {
        const engine = ctx.engineFactory(net, element.failures);
        const evaluation = evaluateIntent(net, engine, intent);
        if (evaluation.legs.some((l) => l.missing.length > 0)) breaking.push(element.label);
      }
      if (breaking.length === 0) continue;
      findings.push({
        ...base(ctx, this), rule: this.id, kind: 'single-failure', subject: { kind: 'intent', id: intent.id },
        message: {
          ja: `フロー ${intent.id} は次のいずれか1つの障害で途絶します: ${breaking.join(', ')}`,
          en: `Flow intent ${intent.id} is cut by any one of these single failures: ${breaking.join(', ')}`,
        },
        hint: { ja: '冗長な経路・機器を用意してください。', en: 'Add a redundant path or device for each element listed.' },
        loc: intent.loc,
      });
    }
    return findings;
  },
};

const at = (loc: Loc): string => `${loc.file}:${loc.line}:${loc.column}`;

/** "id (permit, file:line:col)" for up to five rules, then how many more. */
function ruleList(network: Network, issue: HygieneIssue, lang: 'ja' | 'en'): string {
  const d = network.devices[issue.device]!;
  const shown = issue.covering.slice(0, 5).map((k) => {
    const r = d.rules[k]!;
    return `${r.id} (${r.action}, ${at(r.loc)})`;
  });
  const more = issue.covering.length - shown.length;
  if (more > 0) shown.push(lang === 'ja' ? `ほか ${more} 件` : `and ${more} more`);
  return shown.join(', ');
}

function hygieneText(network: Network, issue: HygieneIssue, domains: Readonly<Record<string, Localized>>): { message: Localized; hint: Localized } {
  const d = network.devices[issue.device]!;
  const r = d.rules[issue.rule]!;
  const who = { ja: `${d.id} のルール ${r.id}`, en: `Rule ${r.id} of ${d.id}` };
  const covering = { ja: ruleList(network, issue, 'ja'), en: ruleList(network, issue, 'en') };
  switch (issue.kind) {
    case 'shadowed':
      return issue.unbound
        ? {
          message: { ja: `${who.ja}（${r.action}）は一度も適用されません。in / out に合う異なるインタフェースの組がありません。`, en: `${who.en} (${r.action}) never takes effect: it applies to no pair of distinct interfaces (in / out).` },
          hint: { ja: 'in / out の指定を直すか、ルールを削除してください。', en: 'Fix its in / out interfaces, or delete the rule.' },
        }
        : {
          message: {
            ja: `${who.ja}（${r.action}）は一度も適用されません（シャドウ）。適用されるすべてのインタフェースの組で、一致するパケットはすべて前のルールで決まります: ${covering.ja}`,
            en: `${who.en} (${r.action}) never takes effect (shadowed): on every interface pair it applies to, earlier rules decide every packet it matches: ${covering.en}`,
          },
          hint: { ja: 'ルールを削除するか、効かせるつもりであれば覆っているルールより前に移動してください。', en: 'Delete the rule, or move it above the rules that cover it if it was meant to take effect.' },
        };
    case 'conflicting': {
      const permit = r.action === 'permit';
      return {
        message: {
          ja: `${who.ja}（${permit ? '許可' : '拒否'}）は一度も適用されず、意図と逆の判定になっています。一致するパケットはすべて前のルールで決まり、その一部は${permit ? '拒否' : '許可'}されます: ${covering.ja}`,
          en: `${who.en} (${r.action}) never takes effect and is contradicted: earlier rules decide every packet it matches, and ${permit ? 'deny' : 'permit'} some of them: ${covering.en}`,
        },
        hint: {
          ja: '意図した判定を確認し、ルールを矛盾する前のルールより上に移動するか、前のルールを狭めてください。前の判定が正しければルールを削除してください。',
          en: 'Decide which action is intended: move the rule above the rules that contradict it or narrow them; delete it if the earlier decision is right.',
        },
      };
    }
    case 'redundant':
      return {
        message: {
          ja: `${who.ja}（permit）は冗長です。削除してもどの判定も変わりません。同じパケットを後のルールが許可しています: ${covering.ja}`,
          en: `${who.en} (permit) is redundant: removing it changes no decision, later rules permit the same packets: ${covering.en}`,
        },
        hint: { ja: 'どちらかのルールを削除してください（広すぎるのが後のルールであれば、そちらを見直してください）。', en: 'Delete one of them (if the later rule is the one that is too broad, narrow that one instead).' },
      };
    case 'broad': {
      const written = issue.broadFields.map((f) => `${f}: ${(f === 'from' ? r.written.from : f === 'to' ? r.written.to : r.written.service).join(', ') || 'any'}`).join('; ');
      const pairs = (lang: 'ja' | 'en'): string => {
        const list = issue.crossings.map(([a, b]) => `${own(domains, a)?.[lang] ?? a} → ${own(domains, b)?.[lang] ?? b}`);
        return list.length > 6 ? `${list.slice(0, 6).join(', ')}${lang === 'ja' ? ` ほか ${list.length - 6} 件` : ` and ${list.length - 6} more`}` : list.join(', ');
      };
      return {
        message: {
          ja: `${who.ja}（permit）は全範囲の指定（${written}）で、領域をまたぐ通信を許可しています: ${pairs('ja')}`,
          en: `${who.en} (permit) is written for everything (${written}) and permits packets across domains: ${pairs('en')}`,
        },
        hint: { ja: 'any をやめ、通信に必要な送信元・宛先・サービスに限定してください。', en: 'Replace any with the specific sources, destinations and services the flow needs.' },
      };
    }
    case 'unneeded':
      return {
        message: { ja: `${who.ja}（permit）は、宣言されたどのフロー（intents）のパケットも判定していません。`, en: `${who.en} (permit) decides none of the packets of any declared flow intent.` },
        hint: { ja: '業務で不要であれば削除し、必要であればそのフローを intents に記載してください。', en: 'Delete it if no business needs it, or declare the flow intent it serves.' },
      };
  }
}

const firewallHygiene: RuleDefinition<'firewall-hygiene'> = {
  id: 'firewall-hygiene',
  clause: '§3(2), §6(6)',
  title: { ja: 'ファイアウォールルールの衛生（シャドウ・矛盾・冗長・領域をまたぐ any・不要な許可）', en: 'Firewall hygiene: shadowed, conflicting, redundant, broad cross-domain and unneeded rules' },
  check(ctx) {
    const kinds = new Set<HygieneKind>(ctx.params.kinds);
    // A scoped check (a review of rule changes) looks at the changed firewalls only.
    const devices = ctx.scope && !ctx.scope.objects ? ctx.scope.devices : undefined;
    return analyzeHygiene(ctx.network, { kinds, ...(devices ? { devices } : {}) }).map((issue) => {
      const d = ctx.network.devices[issue.device]!;
      const r = d.rules[issue.rule]!;
      const finding: Finding = {
        ...base(ctx, this), rule: this.id, kind: issue.kind, subject: { kind: 'rule', device: d.id, rule: r.id },
        loc: r.loc, ...hygieneText(ctx.network, issue, ctx.domains),
      };
      return issue.kind === 'unneeded' ? { ...finding, severity: ctx.params.unneededSeverity } : finding;
    });
  },
};

/** Every rule the seed pack can name, in report order. */
export const CATALOGUE = [
  mynumberIsolation,
  mynumberExceptionScope,
  mynumberEndpointControls,
  pathSeparation,
  sanitizedCommunication,
  securityCloudAggregation,
  inventory,
  intentReachability,
  availability,
  firewallHygiene,
] as const;
