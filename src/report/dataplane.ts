// Renders a data-plane check: loops and black holes with their header classes and witness
// paths, intended drops as counts, and the reachability matrix; as text or JSON.

import type { Network } from '../model/network.ts';
import type { DataplaneReport } from '../dataplane/check.ts';
import type { BlackHole, Drop, DropKind, HeaderListing, Loop, Origin, PathHop, ReachCell, WitnessPath } from '../engine/types.ts';
import { describeBox, describePacket } from './describe.ts';

/** Classes with more boxes than this are summarised in text (JSON has them all). */
const BOXES_SHOWN = 4;
/** Destination prefixes shown per reachability pair in text. */
const PREFIXES_SHOWN = 6;
/** Grids wider than this are left out of the text (the list of pairs stays). */
const GRID_LIMIT = 40;

const DROP_KINDS: readonly DropKind[] = ['discarded', 'denied', 'hairpin', 'not-forwarded'];
const DROP_MEANING: Record<DropKind, string> = {
  discarded: 'null route (drop)',
  denied: 'denied by an ACL or firewall rule',
  hairpin: 'only route is back out of the arrival port',
  'not-forwarded': 'at a sanitizer or proxy, not addressed to it',
};

function hopText(network: Network, h: PathHop): string {
  if (h.kind === 'zone') return `zone ${network.zones[h.zone]!.id}`;
  const parts = [h.in !== undefined ? `in ${h.in}` : 'originates', ...(h.out !== undefined ? [`out ${h.out}`] : [])];
  return `${network.devices[h.device]!.id} (${parts.join(', ')})`;
}

function originText(network: Network, o: Origin): string {
  if (o.kind === 'zone') return `zone ${network.zones[o.zone]!.id}`;
  if (o.kind === 'device') return `device ${network.devices[o.device]!.id}`;
  return `edge port ${network.devices[o.device]!.id}:${o.port}`;
}

function pathText(network: Network, p: WitnessPath): string {
  return `from ${originText(network, p.from)}: ${p.hops.map((h) => hopText(network, h)).join(' → ')}`;
}

function classText({ boxes, truncated }: HeaderListing): string {
  const shown = boxes.slice(0, BOXES_SHOWN).map((b) => {
    const r = describeBox(b);
    return `${r.src} → ${r.dst} ${r.service}`;
  });
  if (boxes.length <= BOXES_SHOWN) return shown.join('; ');
  return `${shown.join('; ')}; … (${truncated ? `more than ${boxes.length}` : boxes.length} boxes)`;
}

function prefixList(list: readonly string[], truncated: boolean): string {
  if (list.length <= PREFIXES_SHOWN) return list.join(', ');
  return `${list.slice(0, PREFIXES_SHOWN).join(', ')}, … (${truncated ? 'more than ' : ''}${list.length} prefixes)`;
}

export function dataplaneText(network: Network, report: DataplaneReport): string {
  const s = report.stats;
  const lines = [
    `data plane: ${network.name}  ${network.file}`,
    `${s.states} states, ${s.transitions} transitions, ${s.injections} injection points; ${s.elapsedMs} ms`,
    '',
    `Forwarding loops: ${report.loops.length} header class(es)`,
  ];
  report.loops.forEach((l, i) => {
    const first = l.cycle[0]!;
    lines.push(
      `  ${i + 1}. ${l.cycle.map((h) => hopText(network, h)).join(' → ')} → back to ${first.kind === 'zone' ? `zone ${network.zones[first.zone]!.id}` : network.devices[first.device]!.id}`,
      `     headers: ${classText(l.headers)}`,
      `     witness ${describePacket(l.packet)} ${pathText(network, l.entry)}`,
    );
  });
  lines.push('', `Black holes: ${report.blackHoles.length}`);
  report.blackHoles.forEach((b, i) => {
    lines.push(
      `  ${i + 1}. ${network.devices[b.device]!.id}: no route for ${classText(b.headers)}`,
      `     witness ${describePacket(b.packet)} ${pathText(network, b.path)}`,
    );
  });
  const counts = dropCounts(report.drops);
  lines.push('', `Intended drops (not black holes): ${report.drops.length} (device, kind) pair(s)`);
  for (const k of DROP_KINDS) if (counts[k]) lines.push(`  ${k}: ${counts[k]} device(s) — ${DROP_MEANING[k]}`);
  if (report.reach) lines.push('', ...reachText(report.reach.level, report.reach.sources, report.reach.destinations, report.reach.cells));
  if (report.bounds.length > 0) lines.push('', 'Bounds hit (results are incomplete):', ...report.bounds.map((b) => `  ${b}`));
  lines.push('', `${report.loops.length} loop class(es), ${report.blackHoles.length} black hole(s)`);
  return lines.join('\n');
}

function reachText(level: string, sources: readonly string[], destinations: readonly string[], cells: readonly ReachCell[]): string[] {
  const lines = [`Reachability (${level} level): ${sources.length} sources, ${destinations.length} destinations, ${cells.length} reaching pairs`];
  if (destinations.length <= GRID_LIMIT && sources.length <= 200) {
    const reached = new Set(cells.map((c) => `${c.from}\u0000${c.to}`));
    const width = Math.max(...sources.map((l) => l.length), 4);
    lines.push(`  ${' '.repeat(width)}  ${destinations.map((_, i) => String(i + 1).padStart(3)).join('')}`);
    for (const row of sources) {
      lines.push(`  ${row.padEnd(width)}  ${destinations.map((col) => (reached.has(`${row}\u0000${col}`) ? '  ●' : '  ·')).join('')}`);
    }
    lines.push(`  columns: ${destinations.map((d, i) => `${i + 1} ${d}`).join(', ')}`);
  }
  let from = '';
  for (const c of cells) {
    if (c.from !== from) {
      from = c.from;
      lines.push(`  ${from} →`);
    }
    lines.push(`    ${c.to}: dst ${prefixList(c.dst, c.dstTruncated)}${c.restricted ? ` (only some sources or services: ${classText(c.headers)})` : ''}`);
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

export function dataplaneJson(network: Network, report: DataplaneReport): string {
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
      bounds: report.bounds,
      stats: report.stats,
    },
    null,
    2,
  );
}
