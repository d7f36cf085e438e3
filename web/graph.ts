// The zone graph (graphology + sigma.js): zones banded by domain, devices between them, links;
// paths (witnesses of findings, flows a change opens or closes) highlighted hop by hop. What is
// highlighted is also written to the container's data-highlighted attribute and its ARIA label,
// so that tests and screen readers read the page's state, not pixels.

import Graph from 'graphology';
import Sigma from 'sigma';
import type { Hop, ZoneGraph } from './api.ts';
import { has, pick, t } from './i18n.ts';

export type Tone = 'selected' | 'opened' | 'closed';

export interface HighlightedPath {
  readonly hops: readonly Hop[];
  readonly tone: Tone;
}

const BAND_COLORS: Record<string, string> = { mynumber: '#b03a2e', lgwan: '#1f618d', internet: '#ca6f1e', external: '#707b7c' };
const DEVICE_COLORS: Record<string, string> = {
  firewall: '#17202a',
  sanitizer: '#1d8348',
  router: '#566573',
  switch: '#566573',
  proxy: '#6c3483',
};
const TONE_COLORS: Record<Tone, string> = { selected: '#e91e63', opened: '#d50000', closed: '#2962ff' };
const DIM = '#d5d8dc';

export interface GraphView {
  /** Highlights the paths (none: clears); hops missing from the graph (added by a change) are drawn as new nodes. */
  highlight(paths: readonly HighlightedPath[]): void;
  /** Centres the camera on a node. */
  focus(id: string): void;
  kill(): void;
}

export function graphView(container: HTMLElement, data: ZoneGraph): GraphView {
  const graph = new Graph({ type: 'undirected', multi: false, allowSelfLoops: false });
  const bandColor = (band: number): string => BAND_COLORS[data.bands[band]?.id ?? 'external'] ?? BAND_COLORS.external!;
  for (const n of data.nodes) {
    const zone = n.kind === 'zone';
    graph.addNode(n.id, {
      x: n.x,
      y: -n.y, // sigma's y grows upwards; the layout's downwards
      size: zone ? 2 + Math.log2(1 + n.hosts) * 0.5 : 1.5,
      color: zone ? bandColor(n.band) : (DEVICE_COLORS[n.kind] ?? '#566573'),
      label: n.id,
    });
  }
  for (const e of data.edges)
    if (!graph.hasEdge(e.source, e.target)) graph.addEdge(e.source, e.target, { size: e.kind === 'link' ? 1.5 : 1, color: '#b3b6b7' });
  let tones = new Map<string, Tone>();
  let edgeTones = new Map<string, Tone>();
  let added: string[] = [];
  let addedEdges: string[] = [];
  const sigma = new Sigma(graph, container, {
    settings: { labelRenderedSizeThreshold: 7, hideEdgesOnMove: data.nodes.length > 3000, stagePadding: 40 },
    nodeReducer: (key) => {
      if (tones.size === 0) return {};
      const tone = tones.get(key);
      return tone === undefined ? { color: DIM, labelVisibility: 'hidden' } : { color: TONE_COLORS[tone], size: 3, labelVisibility: 'visible', zIndex: 2 };
    },
    edgeReducer: (key) => {
      if (tones.size === 0) return {};
      const tone = edgeTones.get(key);
      return tone === undefined ? { color: '#eaeded' } : { color: TONE_COLORS[tone], size: 3, zIndex: 2 };
    },
  });

  // Band names at the left edge, level with their band as the camera moves: HTML over the canvas
  // (sigma would draw them from a glyph atlas it builds first, a third of a city's first frame).
  const bandLabels = data.bands.map((b) => {
    const label = document.createElement('span');
    label.className = 'band-label';
    label.textContent = bandName(data, b.id);
    label.style.borderLeftColor = BAND_COLORS[b.id] ?? BAND_COLORS.external!;
    container.append(label);
    return { label, y: -(b.top + b.bottom) / 2 };
  });
  const placeBandLabels = (): void => {
    for (const b of bandLabels) b.label.style.top = `${sigma.graphToViewport({ x: 0, y: b.y }).y}px`;
  };
  sigma.on('afterRender', placeBandLabels);

  // When the first frame is on screen (ms since the page's navigation started): bench/ui.ts reads
  // it. Sigma draws in its constructor or in a frame it asks for first, so this frame comes after.
  requestAnimationFrame(() => {
    container.dataset.firstRender = String(Math.round(performance.now()));
  });

  const describe = (ids: readonly string[]): void => {
    container.dataset.highlighted = ids.join(' ');
    container.setAttribute('aria-label', ids.length === 0 ? t('graph') : `${t('graph')}: ${ids.join(' → ')}`);
  };
  describe([]);

  return {
    highlight(paths) {
      for (const edge of addedEdges) if (graph.hasEdge(edge)) graph.dropEdge(edge);
      for (const id of added) if (graph.hasNode(id)) graph.dropNode(id);
      added = [];
      addedEdges = [];
      tones = new Map();
      edgeTones = new Map();
      const order: string[] = [];
      for (const path of paths) {
        const ids = path.hops.map((h) => h.id);
        ids.forEach((id, i) => {
          if (!graph.hasNode(id)) {
            // A zone or device the change adds: placed between its neighbours on the path.
            const near = [ids[i - 1], ids[i + 1]].filter((n): n is string => n !== undefined && graph.hasNode(n));
            const x = near.length === 0 ? 0 : near.reduce((s, n) => s + (graph.getNodeAttribute(n, 'x') as number), 0) / near.length;
            const y = near.length === 0 ? 0 : near.reduce((s, n) => s + (graph.getNodeAttribute(n, 'y') as number), 0) / near.length;
            graph.addNode(id, { x: x + 4, y: y - 4, size: 2.5, color: '#000000', label: `${id} ${t('addedByChange')}` });
            added.push(id);
          }
          if (!tones.has(id) || path.tone === 'opened') tones.set(id, path.tone);
          if (!order.includes(id)) order.push(id);
          const previous = ids[i - 1];
          if (previous !== undefined && previous !== id) {
            let edge = graph.edge(previous, id);
            if (edge === undefined) {
              edge = graph.addEdge(previous, id, { size: 1, color: '#b3b6b7' });
              addedEdges.push(edge);
            }
            edgeTones.set(edge, path.tone);
          }
        });
      }
      describe(order);
      sigma.refresh();
    },
    focus(id) {
      const at = sigma.getNodeDisplayData(id);
      if (at) void sigma.getCamera().animate({ x: at.x, y: at.y, ratio: 0.5 }, { duration: 300 });
    },
    kill() {
      sigma.kill();
    },
  };
}

export function bandName(data: ZoneGraph, band: string): string {
  if (band === 'external') return t('external');
  return pick(data.domains[band]) || band;
}

/** A device kind or 'zone' in the current language. */
export function kindName(kind: string): string {
  return has(kind) ? t(kind) : kind;
}
