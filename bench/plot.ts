// An SVG log-log plot of end-to-end check time against network size (firewall rules), JSON
// and YAML, with the issue-14 targets marked: the picture docs/performance.md shows.
//
//   npx tsx bench/plot.ts bench/results/<date>.json -o docs/img/check-time.svg
//
// `npm run bench` also writes it beside its results (bench/results/<date>.svg).

import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

/** The fields of a bench/run.ts result row that the plot reads. */
export interface PlotRow {
  scale: string;
  rules: number;
  endToEnd: number;
  yaml?: { endToEnd: number } | { refused: string };
}

/** End-to-end targets of issue 14, in seconds, by scale. */
const TARGETS: Record<string, number> = { city: 1, metro: 5, prefecture: 15 };

const W = 640;
const H = 400;
const M = { left: 64, right: 150, top: 52, bottom: 56 };

export function checkTimeSvg(rows: PlotRow[], caption: string): string {
  const points = rows.filter((r) => r.rules > 0 && r.endToEnd > 0);
  if (points.length === 0) return '';
  const yamlMs = (r: PlotRow): number | undefined => (r.yaml && 'endToEnd' in r.yaml ? r.yaml.endToEnd : undefined);
  const seconds = points.flatMap((r) => [r.endToEnd, yamlMs(r) ?? r.endToEnd].map((ms) => ms / 1000));
  const targets = points.flatMap((r) => (TARGETS[r.scale] ? [TARGETS[r.scale]!] : []));
  const [x0, x1] = [Math.floor(Math.log10(Math.min(...points.map((p) => p.rules)))), Math.ceil(Math.log10(Math.max(...points.map((p) => p.rules))))];
  const [y0, y1] = [Math.floor(Math.log10(Math.min(...seconds, ...targets))), Math.ceil(Math.log10(Math.max(...seconds, ...targets)))];
  const px = (rules: number): number => M.left + ((Math.log10(rules) - x0) / Math.max(1, x1 - x0)) * (W - M.left - M.right);
  const py = (s: number): number => H - M.bottom - ((Math.log10(s) - y0) / Math.max(1, y1 - y0)) * (H - M.top - M.bottom);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(`<text x="${M.left}" y="20" font-size="14">check time, end to end (s), against firewall rules</text>`);
  out.push(`<text x="${M.left}" y="38" fill="#555">${escapeXml(caption)}</text>`);
  for (let e = x0; e <= x1; e++) {
    const x = px(10 ** e);
    out.push(`<line x1="${x}" y1="${M.top}" x2="${x}" y2="${H - M.bottom}" stroke="#ddd"/>`);
    out.push(`<text x="${x}" y="${H - M.bottom + 16}" text-anchor="middle">${(10 ** e).toLocaleString('en')}</text>`);
  }
  for (let e = y0; e <= y1; e++) {
    const y = py(10 ** e);
    out.push(`<line x1="${M.left}" y1="${y}" x2="${W - M.right}" y2="${y}" stroke="#ddd"/>`);
    out.push(`<text x="${M.left - 6}" y="${y + 4}" text-anchor="end">${10 ** e}</text>`);
  }
  out.push(`<text x="${(M.left + W - M.right) / 2}" y="${H - 16}" text-anchor="middle">firewall rules (log)</text>`);
  out.push(`<text x="16" y="${(M.top + H - M.bottom) / 2}" transform="rotate(-90 16 ${(M.top + H - M.bottom) / 2})" text-anchor="middle">seconds (log)</text>`);
  const series = (ms: (r: PlotRow) => number | undefined, colour: string, shape: 'circle' | 'square'): void => {
    const pts = points.flatMap((r) => {
      const v = ms(r);
      return v === undefined ? [] : [{ x: px(r.rules), y: py(v / 1000) }];
    });
    out.push(`<polyline fill="none" stroke="${colour}" stroke-width="1.5" points="${pts.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ')}"/>`);
    for (const p of pts) {
      out.push(
        shape === 'circle'
          ? `<circle cx="${p.x.toFixed(1)}" cy="${p.y.toFixed(1)}" r="4" fill="${colour}"/>`
          : `<rect x="${(p.x - 4).toFixed(1)}" y="${(p.y - 4).toFixed(1)}" width="8" height="8" fill="${colour}"/>`,
      );
    }
  };
  series((r) => r.endToEnd, '#1f5fa8', 'circle');
  series(yamlMs, '#c0392b', 'square');
  for (const r of points) {
    const t = TARGETS[r.scale];
    if (t === undefined) continue;
    const [x, y] = [px(r.rules), py(t)];
    out.push(`<line x1="${x - 10}" y1="${y}" x2="${x + 10}" y2="${y}" stroke="#2e7d32" stroke-width="3"/>`);
  }
  for (const r of points) out.push(`<text x="${px(r.rules)}" y="${H - M.bottom - 6}" text-anchor="middle" fill="#555">${escapeXml(r.scale)}</text>`);
  const lx = W - M.right + 16;
  out.push(`<circle cx="${lx}" cy="${M.top + 10}" r="4" fill="#1f5fa8"/><text x="${lx + 10}" y="${M.top + 14}">JSON (median)</text>`);
  out.push(`<rect x="${lx - 4}" y="${M.top + 26}" width="8" height="8" fill="#c0392b"/><text x="${lx + 10}" y="${M.top + 34}">YAML (median)</text>`);
  out.push(
    `<line x1="${lx - 8}" y1="${M.top + 50}" x2="${lx + 4}" y2="${M.top + 50}" stroke="#2e7d32" stroke-width="3"/><text x="${lx + 10}" y="${M.top + 54}">target (issue 14)</text>`,
  );
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function escapeXml(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { output: { type: 'string', short: 'o' } } });
  const file = positionals[0];
  if (!file || !values.output) {
    process.stderr.write('usage: npx tsx bench/plot.ts bench/results/<date>.json -o <file.svg>\n');
    process.exit(2);
  }
  const results = JSON.parse(readFileSync(file, 'utf8')) as { date: string; machine: string; rows: PlotRow[] };
  writeFileSync(values.output, checkTimeSvg(results.rows, `${results.date}, ${results.machine}`));
}
