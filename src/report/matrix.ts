// Renders the zone matrix: text (an overview grid, then every flowing pair), the 通信マトリクス
// rows (CSV here, the workbook in xlsx.ts: zone names, domains, services, and the sanitizer
// each sanitized channel goes through) and JSON.

import type { Network } from '../model/network.ts';
import { formatServiceTerm } from '../net/services.ts';
import type { ZoneMatrix } from '../policy/matrix.ts';
import type { Lang } from './describe.ts';
import type { DomainNames } from './diagram.ts';

/** Grids wider than this many columns are left out of the text output (the list stays). */
const GRID_LIMIT = 60;

const M = {
  ja: {
    title: (level: string, name: string, file: string) => `${level === 'zone' ? 'ゾーン' : '領域'}間の通信: ${name}  ${file}`,
    count: (level: string, n: number, cells: number) => `${level === 'zone' ? 'ゾーン' : '領域'} ${n} 件、通信のある組 ${cells} 件（行 → 列）`,
    legend: (level: string) => `● 何らかのサービスが通る   · 通信なし   \\ 同一${level === 'zone' ? 'ゾーン' : '領域'}`,
    columns: ['送信元', '送信元名', '送信元の領域', '宛先', '宛先名', '宛先の領域', 'サービス', '無害化装置', '必要通信'],
  },
  en: {
    title: (level: string, name: string, file: string) => `${level} matrix: ${name}  ${file}`,
    count: (level: string, n: number, cells: number) => `${n} ${level}s, ${cells} flowing pairs (row → column)`,
    legend: (level: string) => `● some service flows   · nothing flows   \\ same ${level}`,
    columns: ['from', 'from name', 'from domain', 'to', 'to name', 'to domain', 'services', 'sanitizer', 'flow intent'],
  },
} as const;

/** The column headings of the 通信マトリクス rows (CSV and workbook), in order. */
export const matrixColumns = (lang: Lang): readonly string[] => M[lang].columns;

export function matrixText(network: Network, m: ZoneMatrix, lang: Lang = 'en'): string {
  const t = M[lang];
  const lines = [t.title(m.level, network.name, network.file), t.count(m.level, m.labels.length, m.cells.length)];
  if (m.labels.length <= GRID_LIMIT) {
    const flowing = new Set(m.cells.map((c) => `${c.from}\u0000${c.to}`));
    const width = Math.max(...m.labels.map((l) => l.length));
    const index = (i: number): string => String(i + 1).padStart(2);
    lines.push('', `${' '.repeat(width + 5)}${m.labels.map((_, i) => index(i)).join(' ')}`);
    m.labels.forEach((row, i) => {
      const marks = m.labels.map((col) => (row === col ? ' \\' : flowing.has(`${row}\u0000${col}`) ? ' ●' : ' ·'));
      lines.push(`${index(i)}. ${row.padEnd(width)}  ${marks.join(' ')}`);
    });
    lines.push('', t.legend(m.level));
  }
  let from = '';
  for (const c of m.cells) {
    if (c.from !== from) {
      from = c.from;
      lines.push('', `${from} →`);
    }
    lines.push(`  ${c.to}: ${c.summary}`);
  }
  return lines.join('\n');
}

/** One line of the 通信マトリクス: a flowing pair (sanitizer and intent empty), or a sanitized channel. */
export interface MatrixRow {
  readonly from: string;
  readonly fromName: string;
  readonly fromDomain: string;
  readonly to: string;
  readonly toName: string;
  readonly toDomain: string;
  readonly services: string;
  /** The sanitizers of the channel, `san-mail (mail-text)`; empty for a flowing pair. */
  readonly sanitizer: string;
  /** The flow intent that declares the sanitized channel; empty for a flowing pair. */
  readonly intent: string;
}

/** Zone indices owning any address of the ranges, in zone order. */
function zonesOf(network: Network, ranges: readonly { readonly lo: number; readonly hi: number }[]): number[] {
  const zones = new Set<number>();
  for (const o of network.ownership) if (o.zone >= 0 && ranges.some((r) => r.lo <= o.hi && o.lo <= r.hi)) zones.add(o.zone);
  return [...zones].sort((a, b) => a - b);
}

/**
 * The 通信マトリクス: every flowing pair of the matrix, then every sanitized channel (a flow
 * intent whose `via` has a sanitizer) per pair of zones it joins, with the sanitizers it goes through.
 */
export function matrixRows(network: Network, m: ZoneMatrix, domains: DomainNames, lang: Lang): MatrixRow[] {
  const domainName = (d: string): string => domains[d]?.[lang] ?? d;
  const zoneByLabel = new Map(network.zones.map((z) => [z.id, z]));
  const side = (label: string): { id: string; name: string; domain: string } => {
    if (m.level === 'domain') return { id: label, name: domainName(label), domain: domainName(label) };
    const z = zoneByLabel.get(label);
    return { id: label, name: z?.name ?? label, domain: z ? domainName(z.domain) : '' };
  };
  const rows: MatrixRow[] = m.cells.map((c) => {
    const a = side(c.from);
    const b = side(c.to);
    return {
      from: a.id,
      fromName: a.name,
      fromDomain: a.domain,
      to: b.id,
      toName: b.name,
      toDomain: b.domain,
      services: c.services.join(' '),
      sanitizer: '',
      intent: '',
    };
  });
  for (const intent of network.intents) {
    const sanitizers = intent.via.map((i) => network.devices[i]!).filter((d) => d.kind === 'sanitizer');
    if (sanitizers.length === 0) continue;
    const sanitizer = sanitizers.map((d) => (d.method ? `${d.id} (${d.method})` : d.id)).join(', ');
    const services = intent.services.map(formatServiceTerm).join(' ');
    const label = (z: number): string => (m.level === 'zone' ? network.zones[z]!.id : network.zones[z]!.domain);
    for (const f of zonesOf(network, intent.from))
      for (const t of zonesOf(network, intent.to)) {
        const a = side(label(f));
        const b = side(label(t));
        rows.push({ from: a.id, fromName: a.name, fromDomain: a.domain, to: b.id, toName: b.name, toDomain: b.domain, services, sanitizer, intent: intent.id });
      }
  }
  return rows;
}

/** The row's cells in the order of matrixColumns. */
export const rowCells = (r: MatrixRow): string[] => [r.from, r.fromName, r.fromDomain, r.to, r.toName, r.toDomain, r.services, r.sanitizer, r.intent];

export function matrixCsv(network: Network, m: ZoneMatrix, domains: DomainNames, lang: Lang): string {
  const quote = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const line = (cells: readonly string[]): string => cells.map(quote).join(',');
  return [line(matrixColumns(lang)), ...matrixRows(network, m, domains, lang).map((r) => line(rowCells(r)))].join('\n');
}

export function matrixJson(network: Network, m: ZoneMatrix): string {
  return JSON.stringify({ topology: { file: network.file, name: network.name }, level: m.level, labels: m.labels, cells: m.cells }, null, 2);
}
