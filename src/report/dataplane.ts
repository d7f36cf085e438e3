// Renders a data-plane check: loops and black holes with their header classes and witness
// paths, intended drops as counts, and the reachability matrix; as text or JSON.

import type { Network } from '../model/network.ts';
import type { DataplaneReport } from '../dataplane/check.ts';
import type { BlackHole, Drop, DropKind, HeaderListing, Loop, Origin, PathHop, ReachCell, WitnessPath } from '../engine/types.ts';
import { describeBox, describePacket, type Lang } from './describe.ts';
import type { Localized } from '../policy/types.ts';

/** Classes with more boxes than this are summarised in text (JSON has them all). */
const BOXES_SHOWN = 4;
/** Destination prefixes shown per reachability pair in text. */
const PREFIXES_SHOWN = 6;
/** Grids wider than this are left out of the text (the list of pairs stays). */
const GRID_LIMIT = 40;

const DROP_KINDS: readonly DropKind[] = ['discarded', 'denied', 'hairpin', 'not-forwarded'];
const DROP_MEANING: Record<DropKind, Localized> = {
  discarded: { en: 'null route (drop)', ja: '破棄経路（drop）' },
  denied: { en: 'denied by an ACL or firewall rule', ja: 'アクセスリストまたはファイアウォールのルールで拒否' },
  hairpin: { en: 'only route is back out of the arrival port', ja: '経路が受信したポートへ戻すものだけ' },
  'not-forwarded': { en: 'at a sanitizer or proxy, not addressed to it', ja: '無害化装置・プロキシで、その装置宛てでない' },
};
const DROP_NAMES: Record<DropKind, string> = { discarded: '破棄', denied: '拒否', hairpin: '折り返し', 'not-forwarded': '転送せず' };

function hopText(network: Network, h: PathHop, lang: Lang): string {
  const ja = lang === 'ja';
  if (h.kind === 'zone') return `${ja ? 'ゾーン' : 'zone'} ${network.zones[h.zone]!.id}`;
  if (ja) {
    const parts = [h.in !== undefined ? `受信 ${h.in}` : '送信元', ...(h.out !== undefined ? [`送信 ${h.out}`] : [])];
    return `${network.devices[h.device]!.id}（${parts.join('、')}）`;
  }
  const parts = [h.in !== undefined ? `in ${h.in}` : 'originates', ...(h.out !== undefined ? [`out ${h.out}`] : [])];
  return `${network.devices[h.device]!.id} (${parts.join(', ')})`;
}

function originText(network: Network, o: Origin, lang: Lang): string {
  const ja = lang === 'ja';
  if (o.kind === 'zone') return `${ja ? 'ゾーン' : 'zone'} ${network.zones[o.zone]!.id}`;
  if (o.kind === 'device') return `${ja ? '機器' : 'device'} ${network.devices[o.device]!.id}`;
  return `${ja ? '端のポート' : 'edge port'} ${network.devices[o.device]!.id}:${o.port}`;
}

function pathText(network: Network, p: WitnessPath, lang: Lang): string {
  const hops = p.hops.map((h) => hopText(network, h, lang)).join(' → ');
  return lang === 'ja' ? `${originText(network, p.from, lang)} から: ${hops}` : `from ${originText(network, p.from, lang)}: ${hops}`;
}

function classText({ boxes, truncated }: HeaderListing, lang: Lang): string {
  const ja = lang === 'ja';
  const shown = boxes.slice(0, BOXES_SHOWN).map((b) => {
    const r = describeBox(b);
    return `${r.src} → ${r.dst} ${r.service}`;
  });
  const sep = ja ? '、' : '; ';
  if (boxes.length <= BOXES_SHOWN) return shown.join(sep);
  if (ja) return `${shown.join(sep)}、…（${truncated ? `${boxes.length} 件超` : `${boxes.length} 件`}）`;
  return `${shown.join(sep)}; … (${truncated ? `more than ${boxes.length}` : boxes.length} boxes)`;
}

function prefixList(list: readonly string[], truncated: boolean, lang: Lang): string {
  const ja = lang === 'ja';
  if (list.length <= PREFIXES_SHOWN) return list.join(ja ? '、' : ', ');
  if (ja) return `${list.slice(0, PREFIXES_SHOWN).join('、')}、…（${list.length} プレフィックス${truncated ? '超' : ''}）`;
  return `${list.slice(0, PREFIXES_SHOWN).join(', ')}, … (${truncated ? 'more than ' : ''}${list.length} prefixes)`;
}

export function dataplaneText(network: Network, report: DataplaneReport, lang: Lang = 'en'): string {
  const ja = lang === 'ja';
  const s = report.stats;
  const lines = ja
    ? [
        `データプレーン検査: ${network.name}  ${network.file}`,
        `状態 ${s.states}、遷移 ${s.transitions}、注入点 ${s.injections}、${s.elapsedMs} ms`,
        '',
        `転送ループ: ${report.loops.length} 件`,
      ]
    : [
        `data plane: ${network.name}  ${network.file}`,
        `${s.states} states, ${s.transitions} transitions, ${s.injections} injection points; ${s.elapsedMs} ms`,
        '',
        `Forwarding loops: ${report.loops.length} header class(es)`,
      ];
  report.loops.forEach((l, i) => {
    const first = l.cycle[0]!;
    const back = first.kind === 'zone' ? `${ja ? 'ゾーン ' : 'zone '}${network.zones[first.zone]!.id}` : network.devices[first.device]!.id;
    const cycle = l.cycle.map((h) => hopText(network, h, lang)).join(' → ');
    lines.push(
      ja ? `  ${i + 1}. ${cycle} → ${back} に戻る` : `  ${i + 1}. ${cycle} → back to ${back}`,
      `     ${ja ? 'ヘッダー' : 'headers'}: ${classText(l.headers, lang)}`,
      `     ${ja ? '経路の例' : 'witness'} ${describePacket(l.packet)} ${pathText(network, l.entry, lang)}`,
    );
  });
  lines.push('', ja ? `ブラックホール: ${report.blackHoles.length} 件` : `Black holes: ${report.blackHoles.length}`);
  report.blackHoles.forEach((b, i) => {
    lines.push(
      ja
        ? `  ${i + 1}. ${network.devices[b.device]!.id}: 経路なし ${classText(b.headers, lang)}`
        : `  ${i + 1}. ${network.devices[b.device]!.id}: no route for ${classText(b.headers, lang)}`,
      `     ${ja ? '経路の例' : 'witness'} ${describePacket(b.packet)} ${pathText(network, b.path, lang)}`,
    );
  });
  const counts = dropCounts(report.drops);
  lines.push(
    '',
    ja
      ? `意図された破棄（ブラックホールではない）: 機器と種別の組 ${report.drops.length} 件`
      : `Intended drops (not black holes): ${report.drops.length} (device, kind) pair(s)`,
  );
  for (const k of DROP_KINDS)
    if (counts[k])
      lines.push(ja ? `  ${DROP_NAMES[k]}: 機器 ${counts[k]} 台 — ${DROP_MEANING[k].ja}` : `  ${k}: ${counts[k]} device(s) — ${DROP_MEANING[k].en}`);
  if (report.reach) lines.push('', ...reachText(report.reach.level, report.reach.sources, report.reach.destinations, report.reach.cells, lang));
  if (report.bounds.length > 0)
    lines.push('', ja ? '上限に達しました（結果は不完全です）:' : 'Bounds hit (results are incomplete):', ...report.bounds.map((b) => `  ${b[lang]}`));
  lines.push(
    '',
    ja
      ? `転送ループ ${report.loops.length} 件、ブラックホール ${report.blackHoles.length} 件`
      : `${report.loops.length} loop class(es), ${report.blackHoles.length} black hole(s)`,
  );
  return lines.join('\n');
}

function reachText(level: string, sources: readonly string[], destinations: readonly string[], cells: readonly ReachCell[], lang: Lang): string[] {
  const ja = lang === 'ja';
  const lines = [
    ja
      ? `到達性（${level === 'port' ? 'ポート' : '機器'}単位）: 送信元 ${sources.length}、宛先 ${destinations.length}、到達する組 ${cells.length}`
      : `Reachability (${level} level): ${sources.length} sources, ${destinations.length} destinations, ${cells.length} reaching pairs`,
  ];
  if (destinations.length <= GRID_LIMIT && sources.length <= 200) {
    const reached = new Set(cells.map((c) => `${c.from}\u0000${c.to}`));
    const width = Math.max(...sources.map((l) => l.length), 4);
    lines.push(`  ${' '.repeat(width)}  ${destinations.map((_, i) => String(i + 1).padStart(3)).join('')}`);
    for (const row of sources) {
      lines.push(`  ${row.padEnd(width)}  ${destinations.map((col) => (reached.has(`${row}\u0000${col}`) ? '  ●' : '  ·')).join('')}`);
    }
    lines.push(`  ${ja ? '列' : 'columns'}: ${destinations.map((d, i) => `${i + 1} ${d}`).join(ja ? '、' : ', ')}`);
  }
  let from = '';
  for (const c of cells) {
    if (c.from !== from) {
      from = c.from;
      lines.push(`  ${from} →`);
    }
    const only = c.restricted
      ? ja
        ? `（一部の送信元・サービスのみ: ${classText(c.headers, lang)}）`
        : ` (only some sources or services: ${classText(c.headers, lang)})`
      : '';
    lines.push(`    ${c.to}: ${ja ? '宛先' : 'dst'} ${prefixList(c.dst, c.dstTruncated, lang)}${only}`);
  }
  return lines;
}

function dropCounts(drops: readonly Drop[]): Partial<Record<DropKind, number>> {
  const out: Partial<Record<DropKind, number>> = {};
  for (const d of drops) out[d.kind] = (out[d.kind] ?? 0) + 1;
  return out;
}

function hopJson(network: Network, h: PathHop): Record<string, string> {
  if (h.kind === 'zone') return { kind: 'zone', id: network.zones[h.zone]!.id };
  return { kind: 'device', id: network.devices[h.device]!.id, ...(h.in !== undefined ? { in: h.in } : {}), ...(h.out !== undefined ? { out: h.out } : {}) };
}

function pathJson(network: Network, p: WitnessPath): unknown {
  const o = p.from;
  const from =
    o.kind === 'zone'
      ? { kind: 'zone', id: network.zones[o.zone]!.id }
      : o.kind === 'device'
        ? { kind: 'device', id: network.devices[o.device]!.id }
        : { kind: 'edge', id: network.devices[o.device]!.id, port: o.port };
  return { from, hops: p.hops.map((h) => hopJson(network, h)) };
}

export function dataplaneJson(network: Network, report: DataplaneReport, lang: Lang = 'en'): string {
  const loop = (l: Loop): unknown => ({
    cycle: l.cycle.map((h) => hopJson(network, h)),
    headers: l.headers,
    packet: describePacket(l.packet),
    entry: pathJson(network, l.entry),
  });
  const hole = (b: BlackHole): unknown => ({
    device: network.devices[b.device]!.id,
    headers: b.headers,
    packet: describePacket(b.packet),
    path: pathJson(network, b.path),
  });
  return JSON.stringify(
    {
      topology: { file: network.file, name: network.name },
      summary: { loops: report.loops.length, blackHoles: report.blackHoles.length, drops: dropCounts(report.drops) },
      loops: report.loops.map(loop),
      blackHoles: report.blackHoles.map(hole),
      drops: report.drops.map((d) => ({ kind: d.kind, device: network.devices[d.device]!.id, headers: d.headers })),
      // A pair reached for every source and service is exactly its destination prefixes;
      // the boxes are given only for the pairs where they say more (`restricted`).
      reach: report.reach && {
        ...report.reach,
        cells: report.reach.cells.map(({ headers, ...cell }) => (cell.restricted ? { ...cell, headers } : cell)),
      },
      bounds: report.bounds.map((b) => b[lang]),
      stats: report.stats,
    },
    null,
    2,
  );
}
