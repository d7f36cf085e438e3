// Turns engine data (indices, numeric ranges) back into names people read: header classes,
// hops, dispositions. Shared by every renderer.

import type { Network } from '../model/network.ts';
import { type HeaderBox, normalize } from '../engine/headerset.ts';
import type { Disposition, Hop } from '../engine/types.ts';
import { formatIpv4, formatRange, type Ipv4Range, mergeRanges } from '../net/ipv4.ts';
import { formatServiceTerm, protocolName, PORT_PROTOCOLS } from '../net/services.ts';
import type { Loc } from '../errors.ts';
import type { Localized, Packet } from '../policy/types.ts';

export type Lang = 'ja' | 'en';

export interface ReadableClass {
  readonly src: string;
  readonly dst: string;
  readonly service: string;
  /** Set when the class holds only some of the combinations of its sources, destinations and services. */
  readonly partial?: true;
}

export function describeBox(box: HeaderBox): ReadableClass {
  return {
    src: formatRange({ lo: box.srcLo, hi: box.srcHi }),
    dst: formatRange({ lo: box.dstLo, hi: box.dstHi }),
    service: formatServiceTerm({ protoLo: box.protoLo, protoHi: box.protoHi, portLo: box.portLo, portHi: box.portHi }),
  };
}

/** At most this many address ranges or services are named per field of a class. */
const NAMED = 4;

/**
 * A class (disjoint boxes of one path) as one line: its sources, destinations and services,
 * each the union of its boxes' (addresses named by zone when they are several ranges that make
 * up exactly one zone, e.g. the public Internet); `partial` when the class is not every
 * combination of them.
 */
export function describeClass(network: Network, boxes: readonly HeaderBox[], lang: Lang = 'en'): ReadableClass {
  if (boxes.length === 1) return describeBox(boxes[0]!);
  const src = mergeRanges(boxes.map((b) => ({ lo: b.srcLo, hi: b.srcHi })));
  const dst = mergeRanges(boxes.map((b) => ({ lo: b.dstLo, hi: b.dstHi })));
  // Services as disjoint (protocol, port) rectangles: the boxes with both addresses fixed.
  const services = normalize(boxes.map((b) => ({ ...b, srcLo: 0, srcHi: 0, dstLo: 0, dstHi: 0 })));
  const count = (lo: number, hi: number): bigint => BigInt(hi - lo + 1);
  const addresses = (ranges: readonly Ipv4Range[]): bigint => ranges.reduce((n, r) => n + count(r.lo, r.hi), 0n);
  const volume = (list: readonly HeaderBox[]): bigint =>
    list.reduce((n, b) => n + count(b.srcLo, b.srcHi) * count(b.dstLo, b.dstHi) * count(b.protoLo, b.protoHi) * count(b.portLo, b.portHi), 0n);
  const every = addresses(src) * addresses(dst) * volume(services);
  const shown = services.slice(0, NAMED).map((b) => formatServiceTerm(b));
  return {
    src: addressText(network, src, lang),
    dst: addressText(network, dst, lang),
    service:
      services.length > NAMED
        ? lang === 'ja'
          ? `${shown.join('、')}、…（${services.length} サービス）`
          : `${shown.join(', ')}, … (${services.length} services)`
        : shown.join(lang === 'ja' ? '、' : ', '),
    ...(volume(boxes) < every ? { partial: true as const } : {}),
  };
}

/** Addresses as `zone <id>` when they are several ranges making up one zone, else the first few ranges. */
function addressText(network: Network, ranges: readonly Ipv4Range[], lang: Lang): string {
  const zone =
    ranges.length > 1
      ? network.zones.find((z) => z.owned.length === ranges.length && z.owned.every((r, i) => r.lo === ranges[i]!.lo && r.hi === ranges[i]!.hi))
      : undefined;
  if (zone) return `${lang === 'ja' ? 'ゾーン' : 'zone'} ${zone.id}`;
  const shown = ranges
    .slice(0, NAMED)
    .map(formatRange)
    .join(lang === 'ja' ? '、' : ', ');
  if (ranges.length <= NAMED) return shown;
  return lang === 'ja' ? `${shown}、…（${ranges.length} 範囲）` : `${shown}, … (${ranges.length} ranges)`;
}

export function describePacket(p: Packet): string {
  const port = PORT_PROTOCOLS.has(p.protocol) ? `/${p.port}` : '';
  return `${formatIpv4(p.src)} → ${formatIpv4(p.dst)} ${protocolName(p.protocol)}${port}`;
}

/** file:line:column, and for an imported rule or route what stands there (`fw01.conf:412:5 policy 27 "lg-to-inet"`). */
export function formatLoc(loc: Loc, lang: Lang = 'en'): string {
  return `${fileText(loc.file, lang)}:${loc.line}:${loc.column}${loc.label ? ` ${loc.label}` : ''}`;
}

/** The place an input came from: a file, or the command line (`<command line>`, in Japanese <コマンドライン>). */
export const fileText = (file: string, lang: Lang): string => (lang === 'ja' && file === '<command line>' ? '<コマンドライン>' : file);

export interface ReadableHop {
  readonly kind: 'zone' | 'device';
  readonly id: string;
  readonly detail: string;
  readonly in?: string;
  readonly out?: string;
  readonly rule?: { readonly id: string; readonly action: string; readonly location: string };
}

export function describeHop(network: Network, hop: Hop, lang: Lang): ReadableHop {
  if (hop.kind === 'zone') {
    const z = network.zones[hop.zone]!;
    return { kind: 'zone', id: z.id, detail: lang === 'ja' ? `ゾーン ${z.id}（${domainText(z.domain, lang)}）` : `zone ${z.id} (${z.domain})` };
  }
  const d = network.devices[hop.device]!;
  let rule: ReadableHop['rule'];
  if (hop.rule) rule = { id: hop.rule.id, action: hop.rule.action, location: formatLoc(hop.rule.loc) };
  const extra = { in: hop.in, ...(hop.out ? { out: hop.out } : {}), ...(rule ? { rule } : {}) };
  if (lang === 'ja') {
    const ports = [`受信 ${hop.in}`, ...(hop.out ? [`送信 ${hop.out}`] : [])].join('、');
    const by = hop.rule ? `、ルール ${hop.rule.id}（${actionText(hop.rule.action, lang)}）${formatLoc(hop.rule.loc)}` : '';
    return { kind: 'device', id: d.id, detail: `${deviceKindText(d.kind, lang)} ${d.id}（${ports}）${by}`, ...extra };
  }
  const parts = [`${d.kind} ${d.id}`, `in ${hop.in}`];
  if (hop.out) parts.push(`out ${hop.out}`);
  if (hop.rule) parts.push(`rule ${hop.rule.id} (${hop.rule.action}) at ${formatLoc(hop.rule.loc)}`);
  return { kind: 'device', id: d.id, detail: parts.join(', '), ...extra };
}

export function describeDisposition(network: Network, d: Disposition, lang: Lang): string {
  const ja = lang === 'ja';
  switch (d.kind) {
    case 'delivered':
      return ja ? `到達: ゾーン ${network.zones[d.zone]!.id}` : `delivered to zone ${network.zones[d.zone]!.id}`;
    case 'terminated': {
      const g = network.devices[d.device]!;
      return ja
        ? `${deviceKindText(g.kind, lang)} ${g.id}${g.method ? `（${methodText(g.method, lang)}）` : ''}の ${d.interface} で終端`
        : `terminated at ${g.kind}${g.method ? ` (${g.method})` : ''} ${g.id}:${d.interface}`;
    }
    case 'refused':
      return ja
        ? `${network.devices[d.device]!.id}:${d.interface} はこのサービスを受け付けない`
        : `refused: ${network.devices[d.device]!.id}:${d.interface} accepts no such service`;
    case 'denied': {
      const fw = network.devices[d.device]!.id;
      if (!d.rule) return ja ? `${fw} の既定の拒否で拒否` : `denied by ${fw} (default deny)`;
      const acl = d.rule.acl === undefined ? '' : ja ? ` のアクセスリスト ${d.rule.acl}` : ` ACL ${d.rule.acl}`;
      return ja
        ? `${fw}${acl} のルール ${d.rule.id} で拒否（${formatLoc(d.rule.loc)}）`
        : `denied by ${fw}${acl} rule ${d.rule.id} at ${formatLoc(d.rule.loc)}`;
    }
    case 'no-route':
      return ja ? `${network.devices[d.device]!.id} に経路なし` : `no route at ${network.devices[d.device]!.id}`;
    case 'local':
      return ja ? `${network.devices[d.device]!.id} 自身宛て（自機宛て経路）` : `addressed to ${network.devices[d.device]!.id} itself (deliver route)`;
    case 'discarded':
      return ja ? `${network.devices[d.device]!.id} の破棄経路で破棄` : `discarded by a drop route at ${network.devices[d.device]!.id}`;
    case 'not-forwarded':
      return ja
        ? `${network.devices[d.device]!.id} はゲートウェイのため転送しない`
        : `${network.devices[d.device]!.id} is a gateway and does not forward packets`;
    case 'no-path':
      return ja ? '経路なし' : 'no path';
  }
}

/** The order a trace lists its outcomes in (text, JSON, the web page): delivered first, no path last. */
const TRACE_ORDER: Readonly<Record<Disposition['kind'], number>> = {
  delivered: 0,
  local: 0,
  terminated: 1,
  refused: 2,
  denied: 3,
  'no-route': 4,
  discarded: 4,
  'not-forwarded': 5,
  'no-path': 6,
};

/** A trace's outcomes in TRACE_ORDER (a stable sort: the engine's order within a kind). */
export function inTraceOrder<T extends { readonly disposition: { readonly kind: Disposition['kind'] } }>(outcomes: readonly T[]): T[] {
  return [...outcomes].sort((a, b) => TRACE_ORDER[a.disposition.kind] - TRACE_ORDER[b.disposition.kind]);
}

/** The outcome kinds of a trace, as the summary line counts them. */
export const DISPOSITION_NAMES: Readonly<Record<Disposition['kind'], Localized>> = {
  delivered: { ja: '到達', en: 'delivered' },
  local: { ja: '自機宛て', en: 'local' },
  terminated: { ja: '終端', en: 'terminated' },
  refused: { ja: '受付拒否', en: 'refused' },
  denied: { ja: '拒否', en: 'denied' },
  'no-route': { ja: '経路なし', en: 'no-route' },
  discarded: { ja: '破棄', en: 'discarded' },
  'not-forwarded': { ja: '転送せず', en: 'not-forwarded' },
  'no-path': { ja: '経路なし', en: 'no-path' },
};

const DEVICE_KINDS: Readonly<Record<string, Localized>> = {
  switch: { ja: 'スイッチ', en: 'switch' },
  router: { ja: 'ルータ', en: 'router' },
  firewall: { ja: 'ファイアウォール', en: 'firewall' },
  sanitizer: { ja: '無害化装置', en: 'sanitizer' },
  proxy: { ja: 'プロキシ', en: 'proxy' },
};

/** A device kind as the language names it (an unknown kind as written). */
export const deviceKindText = (kind: string, lang: Lang): string => DEVICE_KINDS[kind]?.[lang] ?? kind;

const ACTIONS: Readonly<Record<string, Localized>> = { permit: { ja: '許可', en: 'permit' }, deny: { ja: '拒否', en: 'deny' } };

/** A rule action: 許可 / 拒否 in Japanese. */
export const actionText = (action: string, lang: Lang): string => ACTIONS[action]?.[lang] ?? action;

const SEVERITIES: Readonly<Record<string, Localized>> = {
  error: { ja: 'エラー', en: 'error' },
  warning: { ja: '警告', en: 'warning' },
  info: { ja: '情報', en: 'info' },
};

/** A finding's severity: エラー / 警告 / 情報 in Japanese. */
export const severityText = (severity: string, lang: Lang): string => SEVERITIES[severity]?.[lang] ?? severity;

const CONTENTS: Readonly<Record<string, Localized>> = {
  mail: { ja: 'メール', en: 'mail' },
  web: { ja: 'Web閲覧', en: 'web' },
  file: { ja: 'ファイル', en: 'file' },
};

/** What a flow carries (content: mail | web | file). */
export const contentText = (content: string, lang: Lang): string => CONTENTS[content]?.[lang] ?? content;

const METHODS: Readonly<Record<string, Localized>> = {
  'mail-text': { ja: 'メールのテキスト化', en: 'mail-text' },
  'screen-transfer': { ja: '画面転送', en: 'screen-transfer' },
  'file-sanitization': { ja: 'ファイル無害化', en: 'file-sanitization' },
};

/** A sanitization method as the guideline names it. */
export const methodText = (method: string, lang: Lang): string => METHODS[method]?.[lang] ?? method;

const DOMAINS: Readonly<Record<string, Localized>> = {
  mynumber: { ja: 'マイナンバー利用事務系', en: 'mynumber' },
  lgwan: { ja: 'LGWAN接続系', en: 'lgwan' },
  internet: { ja: 'インターネット接続系', en: 'internet' },
};

/** A domain id in a hop: the three domains of the guideline by name, others (declared by the pack) as written. */
export const domainText = (domain: string, lang: Lang): string => DOMAINS[domain]?.[lang] ?? domain;
