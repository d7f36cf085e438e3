// The wording of findings, in one catalogue: per rule id and finding kind, a template that
// turns the finding's facts into its message and fix hint in Japanese and English; the
// rules' titles; and the printed form of a finding's subject. Every format takes its text here.

import { formatIpv4 } from '../net/ipv4.ts';
import type { Localized } from '../policy/types.ts';
import type { Finding, FindingKind, FindingOfKind, FindingRule, HygieneFacts, Junction, Subject, ZoneRef } from '../policy/types.ts';
import type { IntentChange, IntentProblem, IntentStatus } from '../review/types.ts';
import { actionText, contentText, formatLoc, type Lang, methodText } from './describe.ts';

/** What a finding says, and how to fix it. */
export interface FindingText {
  readonly message: Localized;
  readonly hint: Localized;
}

type Template<R extends FindingRule, K extends FindingKind<R>> = (f: FindingOfKind<R, K>) => FindingText;

/** A template for every kind of finding of every rule (the type makes a missing one an error). */
export type MessageCatalogue = { readonly [R in FindingRule]: { readonly [K in FindingKind<R>]: Template<R, K> } };

/** Titles of the rules of the catalogue, in both languages. */
export const RULE_TITLES: { readonly [R in FindingRule]: Localized } = {
  'mynumber-isolation': { ja: 'マイナンバー利用事務系の分離', en: 'Isolation of the My Number business systems' },
  'mynumber-exception-scope': { ja: '例外通信の限定（特定ホスト・特定ポート・有効期限）', en: 'Exceptions are narrow (specific hosts and ports) and in date' },
  'mynumber-endpoint-controls': {
    ja: 'マイナンバー利用事務系端末の持ち出し不可設定・多要素認証',
    en: 'My Number terminals block data export and use multi-factor authentication',
  },
  'path-separation': { ja: 'LGWAN接続系とインターネット接続系の通信経路の分割', en: 'Path separation between the LGWAN and Internet domains' },
  'sanitized-communication': {
    ja: '無害化通信（方式が内容に適合し、各区間が到達可能）',
    en: 'Sanitized communication (method fits the content, every leg reachable)',
  },
  'security-cloud-aggregation': {
    ja: 'インターネット通信の自治体情報セキュリティクラウドへの集約',
    en: 'Internet traffic only through the municipal security cloud',
  },
  inventory: { ja: '機器・アドレスの管理（無許可機器・設定ミスの防止）', en: 'Inventory: every device in a zone, no address conflicts' },
  'intent-reachability': { ja: '必要な通信の到達性（可用性）', en: 'Required flows get through (availability)' },
  availability: { ja: '単一障害時の必要通信の継続', en: 'Required flows survive any single link or device failure' },
  'firewall-hygiene': {
    ja: 'ファイアウォールルールの適正性（適用されないルール・矛盾・冗長・領域をまたぐ過大な許可・不要な許可）',
    en: 'Firewall hygiene: shadowed, conflicting, redundant, broad cross-domain and unneeded rules',
  },
  'mynumber-internet-isolation': {
    ja: 'マイナンバー利用事務系とインターネット側の完全な分離（例外も認めない）',
    en: 'No path, and no exception, between the My Number systems and the Internet side',
  },
  'model-placement': {
    ja: "業務端末の配置とクラウドサービス利用が宣言したモデル（α・α'・β・β'）に合うこと",
    en: "Business terminals and cloud services as the declared model (α, α', β, β') places them",
  },
  'internet-endpoint-controls': {
    ja: "β・β'モデルのインターネット接続系端末のエンドポイント対策（EPP・EDR）",
    en: "Endpoint controls (EPP, EDR) on Internet-domain terminals under β and β'",
  },
};

/** The model names as the guideline writes them. */
const MODEL_NAME: Readonly<Record<string, string>> = { alpha: 'α', 'alpha-prime': "α'", beta: 'β', 'beta-prime': "β'" };
const modelName = (m: string): string => MODEL_NAME[m] ?? m;

/** The printed form of a subject: "from → to", "a, b", "device:interface", "intent (leg)", else the id. */
export function subjectName(s: Subject, lang: Lang = 'en'): string {
  switch (s.kind) {
    case 'zone-pair':
      return `${s.from} → ${s.to}`;
    case 'zones':
      return s.zones.join(lang === 'ja' ? '、' : ', ');
    case 'interface':
      return `${s.device}:${s.name}`;
    case 'leg':
      return lang === 'ja' ? `${s.intent}（${s.leg}）` : `${s.intent} (${s.leg})`;
    case 'rule':
      return `${s.device}#${s.rule}`;
    default:
      return s.id;
  }
}

/** What a finding is about, as every format prints it; a firewall rule also names the kind. */
export function subjectText(f: Finding, lang: Lang = 'en'): string {
  if (f.subject.kind !== 'rule') return subjectName(f.subject, lang);
  return lang === 'ja' ? `${subjectName(f.subject)}（${HYGIENE_KINDS[f.kind]?.ja ?? f.kind}）` : `${subjectName(f.subject)} (${f.kind})`;
}

/** The kinds of firewall-hygiene findings as the Japanese subject line names them. */
export const HYGIENE_KINDS: Readonly<Record<string, Localized>> = {
  shadowed: { ja: '適用されないルール', en: 'shadowed' },
  conflicting: { ja: '矛盾', en: 'conflicting' },
  redundant: { ja: '冗長', en: 'redundant' },
  broad: { ja: '過大な許可', en: 'broad' },
  unneeded: { ja: '不要な許可', en: 'unneeded' },
};

const zoneLabel = (z: ZoneRef): Localized => ({ ja: `${z.id}（${z.domainName.ja}）`, en: `${z.id} (${z.domainName.en})` });

/** The kinds of device, as a report names them. */
export const DEVICE_KIND: Readonly<Record<Junction['deviceKind'], Localized>> = {
  switch: { ja: 'スイッチ', en: 'switch' },
  router: { ja: 'ルータ', en: 'router' },
  firewall: { ja: 'ファイアウォール', en: 'firewall' },
  sanitizer: { ja: '無害化装置', en: 'sanitizer' },
  proxy: { ja: 'プロキシ', en: 'proxy' },
};

/**
 * The hint of a flow finding that no firewall rule lets through: the device whose two
 * interfaces join the domains, and `fix` (what to do there, per rule).
 */
function junctionHint(j: Junction, fix: Localized): Localized {
  const [a, b] = j.legs;
  const kind = DEVICE_KIND[j.deviceKind];
  return {
    ja: `${kind.ja} ${j.device} がインタフェース ${a.name}（${a.domainName.ja}）と ${b.name}（${b.domainName.ja}）で両領域をつないでおり、ファイアウォールのルールを経ずに通信が届きます。${fix.ja}`,
    en: `${capitalize(kind.en)} ${j.device} joins ${a.domainName.en} and ${b.domainName.en} through its interfaces ${a.name} and ${b.name}, with no firewall rule in the way: ${fix.en}`,
  };
}

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** "id (permit, file:line:col)" for up to five rules, then how many more. */
function ruleList(f: HygieneFacts, lang: Lang): string {
  const shown = f.covering
    .slice(0, 5)
    .map((r) => (lang === 'ja' ? `${r.id}（${actionText(r.action, lang)}、${formatLoc(r.loc)}）` : `${r.id} (${r.action}, ${formatLoc(r.loc)})`));
  const more = f.covering.length - shown.length;
  if (more > 0) shown.push(lang === 'ja' ? `ほか ${more} 件` : `and ${more} more`);
  return shown.join(lang === 'ja' ? '、' : ', ');
}

/** The parts of every hygiene message: which rule, and the rules covering it. */
function hygieneParts(f: FindingOfKind<'firewall-hygiene', FindingKind<'firewall-hygiene'>>): { who: Localized; covering: Localized } {
  return {
    who: { ja: `${f.subject.device} のルール ${f.subject.rule}`, en: `Rule ${f.subject.rule} of ${f.subject.device}` },
    covering: { ja: ruleList(f, 'ja'), en: ruleList(f, 'en') },
  };
}

const relayHint =
  (gateway: Localized): Template<'sanitized-communication' | 'intent-reachability', 'no-relay'> =>
  (f) => ({
    message: {
      ja: `必要な通信 ${f.subject.id}: ${f.gateway} に ${f.target} への中継の定義がありません。`,
      en: `Flow intent ${f.subject.id}: ${f.gateway} has no relay to ${f.target}`,
    },
    hint: gateway,
  });

/** The hint of a leg that does not get through, by what stops its witness (never a permit across domains). */
function legHint(f: FindingOfKind<'sanitized-communication' | 'intent-reachability', 'leg'>): Localized {
  const s = f.stop;
  switch (s.kind) {
    case 'refused': {
      const at = `${s.gateway}:${s.interface}${s.address !== undefined ? ` (${formatIpv4(s.address)})` : ''}`;
      // No space between a closing bracket and the particle; one after a bare identifier.
      const atJa = `${s.gateway}:${s.interface}${s.address !== undefined ? `（${formatIpv4(s.address)}）` : ' '}`;
      return {
        ja: `宛先に ${atJa}が含まれていますが、${s.gateway} はこのサービスを受け付けません（中継の定義がありません）。必要な通信の宛先を本来の接続先に限定するか、${s.gateway} がこのサービスを中継する場合は relays に宣言してください。`,
        en: `The destination includes ${at}, which accepts no such service (no relay declared for it). Narrow the intent's destination to the hosts it is meant for, or, if ${s.gateway} does relay this service, declare it in its relays.`,
      };
    }
    case 'denied': {
      const by = {
        ja: s.rule ? `${s.device} のルール ${s.rule}` : `${s.device} の既定の拒否`,
        en: s.rule ? `Rule ${s.rule} of ${s.device}` : `The default deny of ${s.device}`,
      };
      const zone = (z: typeof s.from, lang: 'ja' | 'en'): string =>
        z ? (lang === 'ja' ? `${z.id}（${z.domainName.ja}）` : `${z.id} (${z.domainName.en})`) : '?';
      if (s.crosses)
        return {
          ja: `${by.ja} が ${zone(s.from, 'ja')}から ${zone(s.to, 'ja')}への通信を拒否しています。この通信は領域をまたぐため、許可ルールの追加で通してはなりません。無害化装置を経由させる（via）か、ポリシーが認める範囲で例外通信として承認を得て宣言してください。`,
          en: `${by.en} denies it from ${zone(s.from, 'en')} to ${zone(s.to, 'en')}. The flow crosses domains: do not open it with a permit. Route it through a sanitizer (via), or, where the policy allows one, declare it as an approved exception.`,
        };
      return {
        ja: `${by.ja} が ${zone(s.from, 'ja')}から ${zone(s.to, 'ja')}への通信を拒否しています。ポリシー上分離が求められる領域間の通信ではないため、この区間を通す必要最小限の許可ルールを ${s.device} に追加してください。`,
        en: `${by.en} denies it from ${zone(s.from, 'en')} to ${zone(s.to, 'en')}, which the policy does not separate: add to ${s.device} the narrowest permit that carries this leg.`,
      };
    }
    case 'no-route':
      return {
        ja: `${s.device} に宛先への経路がありません。必要な経路（静的ルート）を追加してください。`,
        en: `${s.device} has no route to the destination: add the route this leg needs.`,
      };
    case 'other':
      return {
        ja: '経路の例で通信が止まる箇所を確認し、その原因を取り除いてください。',
        en: 'See where the witness path stops, and remove that cause.',
      };
  }
}

const legTemplate: Template<'sanitized-communication' | 'intent-reachability', 'leg'> = (f) => ({
  message: {
    ja: `必要な通信 ${f.subject.intent} の区間 ${f.index}/${f.count}（${f.subject.leg}）が到達できません。`,
    en: `Flow intent ${f.subject.intent}: leg ${f.index}/${f.count} (${f.subject.leg}) does not get through.`,
  },
  hint: legHint(f),
});

/** The catalogue: per rule id and finding kind, its message and hint. */
export const MESSAGES: MessageCatalogue = {
  'mynumber-internet-isolation': {
    reach: (f) => ({
      message: {
        ja: `${zoneLabel(f.from).ja}から ${zoneLabel(f.to).ja}へ通信できます。マイナンバー利用事務系とインターネット側の間には、例外を含め一切の経路があってはなりません。`,
        en: `${zoneLabel(f.from).en} can reach ${zoneLabel(f.to).en}; there must be no path at all, exceptions included, between the My Number systems and the Internet side.`,
      },
      hint: f.junction
        ? junctionHint(f.junction, {
            ja: 'このインタフェース・回線を撤去して分離してください。',
            en: 'separate them (remove the interface or the link).',
          })
        : {
            ja: '許可しているファイアウォールルールを削除してください。例外として記載しても認められません。',
            en: 'Remove the permitting firewall rules; an exception cannot make this flow acceptable.',
          },
    }),
    exception: (f) => ({
      message: {
        ja: `例外 ${f.subject.id} がマイナンバー利用事務系とインターネット側の通信を認めています（${f.fromZones.join('、')} → ${f.toZones.join('、')}）。この通信は例外として認められません。`,
        en: `Exception ${f.subject.id} allows traffic between the My Number systems and the Internet side (${f.fromZones.join(', ')} → ${f.toZones.join(', ')}); no exception may.`,
      },
      hint: {
        ja: 'この例外を削除し、業務上必要な連携は LGWAN 経由の承認済み経路など、インターネットを経ない方法に改めてください。',
        en: 'Delete the exception; carry what the business needs by a route that avoids the Internet (such as an approved channel over LGWAN).',
      },
    }),
  },
  'model-placement': {
    terminals: (f) => ({
      message: {
        ja: `${f.group ? '端末グループ' : '端末'} ${f.subject.id} が ${f.zone}（${f.domainName.ja}）に置かれていますが、${modelName(f.model)}モデルでは業務端末は${f.expected.name.ja}に置きます。`,
        en: `${f.group ? 'Terminal group' : 'Terminal'} ${f.subject.id} sits in ${f.zone} (${f.domainName.en}), but the ${modelName(f.model)} model puts the business terminals in ${f.expected.name.en}.`,
      },
      hint: {
        ja: `端末を${f.expected.name.ja}に移すか、実際の構成に合うモデルを model に宣言してください。`,
        en: `Move the terminals into ${f.expected.name.en}, or declare the model the network really follows under model.`,
      },
    }),
    'cloud-service': (f) => ({
      message: {
        ja: `クラウドサービス ${f.subject.id} が宣言されていますが、${modelName(f.model)}モデルでは LGWAN接続系端末からクラウドサービスへ直接通信できません（α'モデルのみ）。`,
        en: `Cloud service ${f.subject.id} is declared, but the ${modelName(f.model)} model gives the LGWAN terminals no direct access to cloud services (only α' does).`,
      },
      hint: {
        ja: "cloudServices からこの記載を削除するか、α'モデルへ移行したうえで model: alpha-prime を宣言してください。",
        en: "Remove the entry from cloudServices, or move to the α' model and declare model: alpha-prime.",
      },
    }),
  },
  'internet-endpoint-controls': {
    'missing-controls': (f) => ({
      message: {
        ja: `${f.group ? '端末グループ' : '端末'} ${f.subject.id}（${f.zone}）に${modelName(f.model)}モデルで必要なエンドポイント対策がありません: ${f.missing.join('、')}`,
        en: `${f.group ? 'Terminal group' : 'Terminal'} ${f.subject.id} in ${f.zone} lacks endpoint controls the ${modelName(f.model)} model requires: ${f.missing.join(', ')}`,
      },
      hint: {
        ja: 'インターネット接続系に置く業務端末には、不正プログラムの侵入を防ぐ対策（epp）と侵入後の検知・対処の対策（edr）を導入し、controls に記載してください。',
        en: 'Put endpoint protection (epp) and endpoint detection and response (edr) on the business terminals of the Internet domain, and list them under controls.',
      },
    }),
  },
  'mynumber-isolation': {
    reach: (f) => ({
      message: {
        ja: `${zoneLabel(f.from).ja}から ${zoneLabel(f.to).ja}へ通信できます。マイナンバー利用事務系は他の領域と通信できないようにする必要があります。`,
        en: `${zoneLabel(f.from).en} can reach ${zoneLabel(f.to).en}; the My Number systems must not communicate with other domains.`,
      },
      hint: f.junction
        ? junctionHint(f.junction, {
            ja: 'このインタフェース・回線を撤去して分離するか、承認済みの例外（特定のホストとポートのみ）だけを許可するファイアウォールを間に置いてください。',
            en: 'separate them (remove the interface or the link), or put a firewall there that permits only approved exceptions (specific hosts and ports).',
          })
        : {
            ja: '許可しているファイアウォールルールを削除するか、承認済みの例外（特定のホストとポートのみ）として exceptions に記載してください。',
            en: 'Remove the permitting firewall rule, or declare an approved exception (specific hosts and ports only) under exceptions.',
          },
    }),
    bridge: (f) => ({
      message: {
        ja: `${f.gateway === 'sanitizer' ? '無害化装置' : 'プロキシ'} ${f.subject.id} がマイナンバー利用事務系と他の領域（${f.domains.join('、')}）を中継しています。`,
        en: `${f.gateway} ${f.subject.id} relays between the My Number systems and another domain (${f.domains.join(', ')}).`,
      },
      hint: {
        ja: 'この中継が承認済みであれば、via にこの装置を含む例外を exceptions に記載してください。',
        en: 'If this channel is approved, declare an exception whose via lists this gateway.',
      },
    }),
  },
  'mynumber-exception-scope': {
    'too-wide': (f) => {
      // biome-ignore lint/suspicious/useIterableCallbackReturn: the switch covers every kind (TypeScript checks it)
      const problems: Localized[] = f.problems.map((p) => {
        switch (p.kind) {
          case 'not-single-host':
            return {
              ja: `${p.side === 'from' ? '送信元' : '宛先'}（${p.written.join('、')}）が単一ホストではありません（${p.addresses} アドレス）`,
              en: `${p.side} (${p.written.join(', ')}) is not a single host (${p.addresses} addresses)`,
            };
          case 'ports-not-limited':
            return {
              ja: `サービス（${p.written.join('、')}）が特定のポートに限定されていません`,
              en: `service (${p.written.join(', ')}) is not limited to specific ports`,
            };
          case 'expired':
            return { ja: `有効期限 ${p.expires} を過ぎています（この例外は適用されません）`, en: `it expired on ${p.expires} (it no longer applies)` };
        }
      });
      return {
        message: {
          ja: `例外 ${f.subject.id}: ${problems.map((p) => p.ja).join('。')}。`,
          en: `Exception ${f.subject.id}: ${problems.map((p) => p.en).join('; ')}.`,
        },
        hint: {
          ja: '例外は送信元・宛先とも特定のホスト、特定のポートに限定し、期限を更新してください。',
          en: 'Limit the exception to one source host, one destination host and specific ports, and keep its expiry current.',
        },
      };
    },
  },
  'mynumber-endpoint-controls': {
    'missing-controls': (f) => ({
      message: {
        ja: `${f.group ? '端末グループ' : '端末'} ${f.subject.id}（${f.zone}）に必要な対策がありません: ${f.missing.join('、')}`,
        en: `${f.group ? 'Terminal group' : 'Terminal'} ${f.subject.id} in ${f.zone} lacks required controls: ${f.missing.join(', ')}`,
      },
      hint: {
        ja: '端末からの情報持ち出し不可設定（data-export-blocked）と多要素認証（mfa）を導入し、controls に記載してください。',
        en: 'Put data-export blocking (data-export-blocked) and multi-factor authentication (mfa) in place and list them under controls.',
      },
    }),
  },
  'path-separation': {
    reach: (f) => ({
      message: {
        ja: `${zoneLabel(f.from).ja}から ${zoneLabel(f.to).ja}へパケットが直接届きます。LGWAN接続系とインターネット接続系の通信経路は分割する必要があります。`,
        en: `Packets from ${zoneLabel(f.from).en} reach ${zoneLabel(f.to).en} directly; the LGWAN and Internet paths must be separated.`,
      },
      hint: f.junction
        ? junctionHint(f.junction, {
            ja: 'このインタフェース・回線を撤去して経路を分割するか、間にファイアウォールまたは無害化装置を置いてください。',
            en: 'separate them (remove the interface or the link), or put a firewall or a sanitizer there.',
          })
        : f.cloudServices
          ? {
              ja: "直接の通信を許可するルールを削除し、必要な通信は無害化装置経由にしてください。承認済みクラウドサービスへの通信（α'モデル）であれば、許可ルールを cloudServices で承認した宛先・サービス・LGWAN接続系端末に限定してください。",
              en: "Remove the rules that allow direct traffic and carry what is needed through a sanitizer; if this is traffic to an approved cloud service (α' model), narrow the permit to the LGWAN terminals and the destinations and services cloudServices approve.",
            }
          : {
              ja: '直接の通信を許可するルールを削除し、必要な通信は無害化装置（メールテキスト化・画面転送・ファイル無害化）経由にしてください。',
              en: 'Remove the rules that allow direct traffic; carry what is needed through a sanitizer (mail text conversion, screen transfer, file sanitization).',
            },
    }),
  },
  'sanitized-communication': {
    'no-sanitizer': (f) => ({
      message: {
        ja: `必要な通信 ${f.subject.id} は LGWAN接続系とインターネット接続系の間の通信ですが、無害化装置を経由していません。`,
        en: `Flow intent ${f.subject.id} crosses between the LGWAN and Internet domains without a sanitizer.`,
      },
      hint: {
        ja: 'via に適切な無害化装置（mail-text / screen-transfer / file-sanitization）を指定してください。',
        en: 'List a fitting sanitizer (mail-text / screen-transfer / file-sanitization) under via.',
      },
    }),
    'unknown-content': (f) => ({
      message: {
        ja: `必要な通信 ${f.subject.id} の内容（mail / web / file）が判別できません。`,
        en: `Flow intent ${f.subject.id}: its content (mail / web / file) cannot be told from its service.`,
      },
      hint: { ja: 'content: mail | web | file を記載してください。', en: 'Declare content: mail | web | file.' },
    }),
    'wrong-method': (f) => {
      const via = f.sanitizers.map((d) => `${d.id}=${d.method}`).join(', ');
      const viaJa = f.sanitizers.map((d) => (d.method ? `${d.id}（${methodText(d.method, 'ja')}）` : `${d.id}（方式なし）`)).join('、');
      return {
        message: {
          ja: `必要な通信 ${f.subject.id}（内容: ${contentText(f.content, 'ja')}）は${methodText(f.method, 'ja')}による無害化が必要ですが、経由する装置は ${viaJa} です。`,
          en: `Flow intent ${f.subject.id} carries ${f.content} and needs ${f.method} sanitization, but goes via ${via}.`,
        },
        hint: {
          ja: `${contentText(f.content, 'ja')}の通信は${methodText(f.method, 'ja')}の無害化装置を経由させてください。`,
          en: `Route ${f.content} through a ${f.method} sanitizer.`,
        },
      };
    },
    'no-relay': relayHint({ ja: '無害化装置の relays に中継先を記載してください。', en: "Add the destination to the gateway's relays." }),
    leg: legTemplate,
  },
  'security-cloud-aggregation': {
    bypass: (f) => ({
      message: {
        ja: `${zoneLabel(f.from).ja}と ${zoneLabel(f.to).ja}の間に、自治体情報セキュリティクラウドを経由しない経路があります。`,
        en: `${zoneLabel(f.from).en} reaches ${zoneLabel(f.to).en} by a path that bypasses the security cloud.`,
      },
      hint: f.junction
        ? junctionHint(f.junction, {
            ja: 'セキュリティクラウドを経由しないこのインタフェース・回線を撤去し、インターネットへの通信はセキュリティクラウド経由にしてください。',
            en: 'remove this interface or line that bypasses the security cloud, and carry Internet traffic through the security cloud.',
          })
        : {
            ja: 'セキュリティクラウドを経由しない接続（独自のインターネット回線や許可ルール）を撤去してください。',
            en: 'Remove the breakout that bypasses the security cloud (own Internet line or the rule permitting it).',
          },
    }),
  },
  inventory: {
    'no-zone': (f) => ({
      message: { ja: `機器 ${f.subject.id} の所属ゾーン（zone）が宣言されていません。`, en: `Device ${f.subject.id} does not declare the zone it belongs to.` },
      hint: { ja: 'zone に機器が属するゾーンを記載してください。', en: 'Set zone: to the zone the device belongs to.' },
    }),
    'address-conflict': (f) => {
      const [owner, other, address] = [subjectName(f.subject), subjectName(f.other), formatIpv4(f.address)];
      return {
        message: { ja: `${owner} のアドレス ${address} は ${other} と重複しています。`, en: `${owner} uses ${address}, which ${other} also uses.` },
        hint: { ja: 'アドレスの割り当てを見直してください。', en: 'Fix the address assignment.' },
      };
    },
    'subnet-overlap': (f) => {
      const [z, other] = f.subject.zones;
      return {
        message: { ja: `ゾーン ${z} と ${other} のサブネットが重なっています。`, en: `Zones ${z} and ${other} have overlapping subnets.` },
        hint: { ja: 'サブネットを重ならないように分けてください。', en: 'Split the subnets so they do not overlap.' },
      };
    },
  },
  'intent-reachability': {
    'no-relay': relayHint({ ja: 'ゲートウェイの relays に中継先を記載してください。', en: "Add the destination to the gateway's relays." }),
    leg: legTemplate,
  },
  availability: {
    'single-failure': (f) => ({
      message: {
        ja: `必要な通信 ${f.subject.id} は次のいずれか1つの障害で途絶します: ${f.breaking.join('、')}`,
        en: `Flow intent ${f.subject.id} is cut by any one of these single failures: ${f.breaking.join(', ')}`,
      },
      hint: { ja: '冗長な経路・機器を用意してください。', en: 'Add a redundant path or device for each element listed.' },
    }),
  },
  'firewall-hygiene': {
    shadowed: (f) => {
      const { who, covering } = hygieneParts(f);
      return f.unbound
        ? {
            message: {
              ja: `${who.ja}（${actionText(f.action, 'ja')}）は一度も適用されません。in / out に合う異なるインタフェースの組がありません。`,
              en: `${who.en} (${f.action}) never takes effect: it applies to no pair of distinct interfaces (in / out).`,
            },
            hint: { ja: 'in / out の指定を直すか、ルールを削除してください。', en: 'Fix its in / out interfaces, or delete the rule.' },
          }
        : {
            message: {
              ja: `${who.ja}（${actionText(f.action, 'ja')}）は一度も適用されません（前のルールに包含されています）。適用されるすべてのインタフェースの組で、一致するパケットはすべて前のルールで決まります: ${covering.ja}`,
              en: `${who.en} (${f.action}) never takes effect (shadowed): on every interface pair it applies to, earlier rules decide every packet it matches: ${covering.en}`,
            },
            hint: {
              ja: 'ルールを削除するか、効かせるつもりであれば覆っているルールより前に移動してください。',
              en: 'Delete the rule, or move it above the rules that cover it if it was meant to take effect.',
            },
          };
    },
    conflicting: (f) => {
      const { who, covering } = hygieneParts(f);
      const permit = f.action === 'permit';
      return {
        message: {
          ja: `${who.ja}（${permit ? '許可' : '拒否'}）は一度も適用されず、意図と逆の判定になっています。一致するパケットはすべて前のルールで決まり、その一部は${permit ? '拒否' : '許可'}されます: ${covering.ja}`,
          en: `${who.en} (${f.action}) never takes effect and is contradicted: earlier rules decide every packet it matches, and ${permit ? 'deny' : 'permit'} some of them: ${covering.en}`,
        },
        hint: {
          ja: '意図した判定を確認し、ルールを矛盾する前のルールより上に移動するか、前のルールを狭めてください。前の判定が正しければルールを削除してください。',
          en: 'Decide which action is intended: move the rule above the rules that contradict it or narrow them; delete it if the earlier decision is right.',
        },
      };
    },
    redundant: (f) => {
      const { who, covering } = hygieneParts(f);
      return {
        message: {
          ja: `${who.ja}（許可）は冗長です。削除してもどの判定も変わりません。同じパケットを後のルールが許可しています: ${covering.ja}`,
          en: `${who.en} (permit) is redundant: removing it changes no decision, later rules permit the same packets: ${covering.en}`,
        },
        hint: {
          ja: 'どちらかのルールを削除してください（広すぎるのが後のルールであれば、そちらを見直してください）。',
          en: 'Delete one of them (if the later rule is the one that is too broad, narrow that one instead).',
        },
      };
    },
    broad: (f) => {
      const { who } = hygieneParts(f);
      const written = f.broad.map((b) => `${b.field}: ${b.written.join(', ') || 'any'}`).join('; ');
      const writtenJa = f.broad.map((b) => `${b.field}: ${b.written.join('、') || 'any'}`).join('、');
      const pairs = (lang: 'ja' | 'en'): string => {
        const list = f.crossings.map(([a, b]) => `${a[lang]} → ${b[lang]}`);
        const sep = lang === 'ja' ? '、' : ', ';
        return list.length > 6
          ? `${list.slice(0, 6).join(sep)}${lang === 'ja' ? ` ほか ${list.length - 6} 件` : ` and ${list.length - 6} more`}`
          : list.join(sep);
      };
      return {
        message: {
          ja: `${who.ja}（許可）は全範囲の指定（${writtenJa}）で、領域をまたぐ通信を許可しています: ${pairs('ja')}`,
          en: `${who.en} (permit) is written for everything (${written}) and permits packets across domains: ${pairs('en')}`,
        },
        hint: {
          ja: 'any をやめ、通信に必要な送信元・宛先・サービスに限定してください。',
          en: 'Replace any with the specific sources, destinations and services the flow needs.',
        },
      };
    },
    unneeded: (f) => {
      const { who } = hygieneParts(f);
      return {
        message: {
          ja: `${who.ja}（許可）は、宣言されたどの必要な通信（intents）のパケットも判定していません。`,
          en: `${who.en} (permit) decides none of the packets of any declared flow intent.`,
        },
        hint: {
          ja: '業務で不要であれば削除し、必要であればその通信を intents に記載してください。',
          en: 'Delete it if no business needs it, or declare the flow intent it serves.',
        },
      };
    },
  },
};

/** A finding's message and hint, from its rule's and kind's template. */
export function findingText(f: Finding): FindingText {
  const templates = MESSAGES[f.rule] as Readonly<Record<string, (f: Finding) => FindingText>>;
  return templates[f.kind]!(f);
}

/** One reason a flow intent does not get through, as the review prints it. */
export function problemText(p: IntentProblem, lang: Lang = 'en'): string {
  switch (p.kind) {
    case 'leg':
      return p.leg;
    case 'finding':
      return findingText(p.finding).message[lang];
    case 'removed':
      return lang === 'ja' ? '必要な通信の定義が削除されました' : 'the intent was removed';
  }
}

/** What no longer (or now) gets through of an intent, one string each. */
export function problemTexts(c: Pick<IntentChange, 'problems'>, lang: Lang = 'en'): string[] {
  return c.problems.map((p) => problemText(p, lang));
}

/** Why an intent does not get through after a change (undefined when it does). */
export function statusMessage(s: IntentStatus, lang: Lang = 'en'): string | undefined {
  if (!s.problems) return undefined;
  const problems = s.problems.map((p) => problemText(p, lang));
  return lang === 'ja' ? `到達しません: ${problems.join('。')}` : `does not get through: ${problems.join('; ')}`;
}
