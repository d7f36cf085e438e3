// Renders the zone matrix: text (an overview grid, then every flowing pair), CSV and JSON.

import type { Network } from '../model/network.ts';
import type { ZoneMatrix } from '../policy/matrix.ts';
import type { Lang } from './describe.ts';

/** Grids wider than this many columns are left out of the text output (the list stays). */
const GRID_LIMIT = 60;

const LEVEL_JA = { zone: 'ゾーン', domain: '領域' } as const;

/** A cell's services: "any" and "any except …" in Japanese as すべて. */
function servicesText(summary: string, lang: Lang): string {
  if (lang === 'en') return summary;
  if (summary === 'any') return 'すべて';
  const except = 'any except ';
  if (summary.startsWith(except)) return `すべて（${summary.slice(except.length).replaceAll(', ', '、')} を除く）`;
  return summary.replaceAll(', ', '、');
}

export function matrixText(network: Network, m: ZoneMatrix, lang: Lang = 'en'): string {
  const ja = lang === 'ja';
  const lines = ja
    ? [
        `${LEVEL_JA[m.level]}間通信マトリクス: ${network.name}  ${network.file}`,
        `${LEVEL_JA[m.level]} ${m.labels.length} 件、通信のある組 ${m.cells.length} 件（行 → 列）`,
      ]
    : [`${m.level} matrix: ${network.name}  ${network.file}`, `${m.labels.length} ${m.level}s, ${m.cells.length} flowing pairs (row → column)`];
  if (m.labels.length <= GRID_LIMIT) {
    const flowing = new Set(m.cells.map((c) => `${c.from}\u0000${c.to}`));
    const width = Math.max(...m.labels.map((l) => l.length));
    const index = (i: number): string => String(i + 1).padStart(2);
    lines.push('', `${' '.repeat(width + 5)}${m.labels.map((_, i) => index(i)).join(' ')}`);
    m.labels.forEach((row, i) => {
      const marks = m.labels.map((col) => (row === col ? ' \\' : flowing.has(`${row}\u0000${col}`) ? ' ●' : ' ·'));
      lines.push(`${index(i)}. ${row.padEnd(width)}  ${marks.join(' ')}`);
    });
    lines.push('', ja ? `● 通信あり   · 通信なし   \\ 同一${LEVEL_JA[m.level]}` : `● some service flows   · nothing flows   \\ same ${m.level}`);
  }
  let from = '';
  for (const c of m.cells) {
    if (c.from !== from) {
      from = c.from;
      lines.push('', `${from} →`);
    }
    lines.push(`  ${c.to}: ${servicesText(c.summary, lang)}`);
  }
  return lines.join('\n');
}

export function matrixCsv(m: ZoneMatrix): string {
  const quote = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return ['from,to,services', ...m.cells.map((c) => [c.from, c.to, c.services.join(' ')].map(quote).join(','))].join('\n');
}

export function matrixJson(network: Network, m: ZoneMatrix): string {
  return JSON.stringify({ topology: { file: network.file, name: network.name }, level: m.level, labels: m.labels, cells: m.cells }, null, 2);
}
