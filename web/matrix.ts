// The zone × zone (or domain × domain) matrix as a heat map on a canvas (a city's thousand zones
// make a million cells: too many for the DOM), with the sanitized channels marked, and the
// flowing pairs as an accessible table below it.

import type { Matrix, ZoneGraph } from './api.ts';
import { has, pick, t } from './i18n.ts';

/** The channels of the graph at the matrix's level: "from\0to" → "method (sanitizer)" texts. */
function channelsAt(matrix: Matrix, graph: ZoneGraph): Map<string, string[]> {
  const domainOf = new Map(graph.nodes.map((n) => [n.id, n.domain]));
  const at = (zone: string): string => (matrix.level === 'zone' ? zone : (domainOf.get(zone) ?? zone));
  const out = new Map<string, string[]>();
  for (const c of graph.channels) {
    for (const to of c.to) {
      const key = `${at(c.from)}\u0000${at(to)}`;
      const text = t('sanitizedVia', { method: has(c.method) ? t(c.method) : c.method, sanitizer: c.sanitizer });
      out.set(key, [...new Set([...(out.get(key) ?? []), text])]);
    }
  }
  return out;
}

/** Heat of a cell: 1 for one service term, up to 1 for any. */
function heat(services: readonly string[]): number {
  if (services.includes('any')) return 1;
  return Math.min(0.9, 0.25 + 0.12 * services.length);
}

export function matrixView(root: HTMLElement, matrix: Matrix, graph: ZoneGraph): void {
  const channels = channelsAt(matrix, graph);
  // Domains by the names the policy pack gives them; zones by their ids.
  const shown = (label: string): string => (matrix.level === 'domain' ? pick(graph.domains[label]) || label : label);
  const n = matrix.labels.length;
  const index = new Map(matrix.labels.map((l, i) => [l, i]));
  const cell = Math.max(2, Math.min(28, Math.floor(900 / Math.max(1, n))));
  const margin = cell >= 10 ? 130 : 0; // labels only when they can be read
  const canvas = document.createElement('canvas');
  canvas.width = margin + n * cell + 1;
  canvas.height = margin + n * cell + 1;
  canvas.className = 'heatmap';
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', `${t('matrix')}: ${t('flowingPairs', { n: matrix.cells.length })}`);
  const g = canvas.getContext('2d')!;
  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, canvas.width, canvas.height);
  g.fillStyle = '#f4f6f6';
  for (let i = 0; i < n; i++) g.fillRect(margin + i * cell, margin + i * cell, cell, cell);
  for (const c of matrix.cells) {
    const row = index.get(c.from)!;
    const col = index.get(c.to)!;
    g.fillStyle = `rgba(192, 57, 43, ${heat(c.services)})`;
    g.fillRect(margin + col * cell, margin + row * cell, cell, cell);
  }
  // Sanitized channels: a diamond (or a dark square when cells are tiny).
  g.fillStyle = '#0b5345';
  for (const key of channels.keys()) {
    const [from, to] = key.split('\u0000') as [string, string];
    const row = index.get(from);
    const col = index.get(to);
    if (row === undefined || col === undefined) continue;
    const x = margin + col * cell + cell / 2;
    const y = margin + row * cell + cell / 2;
    const r = Math.max(1, cell / 3);
    g.beginPath();
    g.moveTo(x, y - r);
    g.lineTo(x + r, y);
    g.lineTo(x, y + r);
    g.lineTo(x - r, y);
    g.closePath();
    g.fill();
  }
  if (margin > 0) {
    g.fillStyle = '#17202a';
    g.font = `${Math.min(12, cell - 2)}px sans-serif`;
    g.textBaseline = 'middle';
    matrix.labels.forEach((label, i) => {
      g.textAlign = 'right';
      g.fillText(shown(label), margin - 4, margin + i * cell + cell / 2, margin - 6);
      g.save();
      g.translate(margin + i * cell + cell / 2, margin - 4);
      g.rotate(-Math.PI / 2);
      g.textAlign = 'left';
      g.fillText(shown(label), 0, 0, margin - 6);
      g.restore();
    });
  }
  const tip = document.createElement('p');
  tip.className = 'tip';
  tip.setAttribute('aria-live', 'polite');
  canvas.addEventListener('mousemove', (event) => {
    const box = canvas.getBoundingClientRect();
    const col = Math.floor((event.clientX - box.left - margin) / cell);
    const row = Math.floor((event.clientY - box.top - margin) / cell);
    const from = matrix.labels[row];
    const to = matrix.labels[col];
    if (from === undefined || to === undefined) return;
    const found = matrix.cells.find((c) => c.from === from && c.to === to);
    const via = channels.get(`${from}\u0000${to}`);
    tip.textContent = `${shown(from)} → ${shown(to)}: ${found?.summary ?? '—'}${via ? ` ◆ ${via.join('; ')}` : ''}`;
  });

  const table = document.createElement('table');
  table.className = 'pairs';
  table.setAttribute('aria-label', t('flowingPairs', { n: matrix.cells.length }));
  const head = table.createTHead().insertRow();
  for (const key of ['from', 'to', 'services', 'sanitized'] as const) head.appendChild(document.createElement('th')).textContent = t(key);
  const body = table.createTBody();
  const pairs = new Set(matrix.cells.map((c) => `${c.from}\u0000${c.to}`));
  const rows = [
    ...matrix.cells.map((c) => ({ from: c.from, to: c.to, summary: c.summary })),
    // A channel whose pair carries nothing directly is listed too: the sanitizer is the only way.
    ...[...channels.keys()].filter((k) => !pairs.has(k)).map((k) => ({ from: k.split('\u0000')[0]!, to: k.split('\u0000')[1]!, summary: '—' })),
  ];
  for (const r of rows) {
    const tr = body.insertRow();
    tr.dataset.from = r.from;
    tr.dataset.to = r.to;
    const via = channels.get(`${r.from}\u0000${r.to}`);
    if (via) tr.dataset.sanitized = 'true';
    for (const text of [shown(r.from), shown(r.to), r.summary, via ? `◆ ${via.join('; ')}` : '']) tr.insertCell().textContent = text;
  }
  const help = document.createElement('p');
  help.textContent = t('matrixHelp');
  const scroller = document.createElement('div');
  scroller.className = 'heatmap-scroll';
  scroller.append(canvas);
  root.append(help, scroller, tip, table);
}
