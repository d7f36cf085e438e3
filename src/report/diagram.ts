// Diagrams for documents: the zone graph of a network (the boxes of zone-model.ts: zones banded
// by domain, the devices between them, links; never hosts one by one) or one finding's witness
// path hop by hop, as one diagram written three ways: SVG (a witness path laid out by dagre, the
// zone graph in bands as rows, each band's pieces by dagre), Graphviz dot and Mermaid (text for
// the reader's own tools to lay out).

import dagre from '@dagrejs/dagre';
import type { Network } from '../model/network.ts';
import type { Finding, Localized } from '../policy/types.ts';
import { describeDisposition, describePacket, formatLoc, type Lang } from './describe.ts';
import { DEVICE_KIND } from './messages.ts';
import { focusModel, type NodeKind as ModelNodeKind, type SummaryNode, summarise, ZONES_ONE_BY_ONE, zoneModel } from './zone-model.ts';

/** The names of the domains (a policy pack's `domains:`), by id. */
export type DomainNames = Readonly<Record<string, Localized>>;

export type NodeKind = ModelNodeKind | 'end';

export interface DiagramNode {
  readonly id: string;
  readonly kind: NodeKind;
  /** The first line (an id), then the lines under it. */
  readonly lines: readonly string[];
  /** The domain whose colour a zone takes. */
  readonly domain?: string;
  /** 1-based position on a witness path. */
  readonly step?: number;
}

export interface DiagramEdge {
  readonly from: string;
  readonly to: string;
  readonly label?: string;
}

/** A group of nodes drawn as one box (a domain's zones). */
export interface DiagramBand {
  readonly id: string;
  readonly label: string;
  readonly domain: string;
  /** Bands of one row share a line of the picture: the model's band ('mynumber', 'lgwan', 'internet', 'external'). */
  readonly row: string;
  readonly nodes: readonly string[];
}

export interface Diagram {
  readonly title: string;
  /** A witness path has a direction; the zone graph's edges are attachments and links. */
  readonly directed: boolean;
  readonly nodes: readonly DiagramNode[];
  readonly edges: readonly DiagramEdge[];
  readonly bands: readonly DiagramBand[];
}

const M = {
  ja: {
    zoneGraph: (name: string) => `ゾーン構成図: ${name}`,
    focused: (name: string, focus: string) => `ゾーン構成図: ${name}（${focus} の周辺）`,
    path: (id: string, packet: string) => `経路 ${id}: ${packet}`,
    rule: (id: string, action: string, at: string) => `ルール ${id}（${action}）${at}`,
    inOut: (i: string, o: string | undefined) => (o === undefined ? `入 ${i}` : `入 ${i} → 出 ${o}`),
    zone: 'ゾーン',
    zones: (n: number, hosts: number) => `ゾーン ${n} 件、ホスト ${hosts} 件`,
    devices: (kind: string, n: number) => `${kind} ${n} 台`,
    end: '結果',
  },
  en: {
    zoneGraph: (name: string) => `Zone graph: ${name}`,
    focused: (name: string, focus: string) => `Zone graph: ${name} (around ${focus})`,
    path: (id: string, packet: string) => `Path of ${id}: ${packet}`,
    rule: (id: string, action: string, at: string) => `rule ${id} (${action}) ${at}`,
    inOut: (i: string, o: string | undefined) => (o === undefined ? `in ${i}` : `in ${i} → out ${o}`),
    zone: 'zone',
    zones: (n: number, hosts: number) => `${n} zones, ${hosts} hosts`,
    devices: (kind: string, n: number) => `${n} × ${kind}`,
    end: 'result',
  },
} as const;

const domainName = (domains: DomainNames, id: string, lang: Lang): string => domains[id]?.[lang] ?? id;

export interface ZoneDiagramOptions {
  /** Draw only the part around a zone, device or domain (see `focusModel`). */
  readonly focus?: string;
  /** With `focus`: how many edges away from it (default 2). */
  readonly depth?: number;
  /** Past this many zones, summarise (see `summarise`). */
  readonly oneByOne?: number;
}

/**
 * The zone graph for a document: the boxes of the shared model (zone-model.ts), zones banded by
 * domain, each device joined to the zones it is in and to its link peers; past `oneByOne` zones
 * alike zones and devices are one box saying how many they are (`summarise`). Undefined when
 * `focus` names no zone, device or domain of the network.
 */
export function zoneDiagram(network: Network, domains: DomainNames, lang: Lang, options: ZoneDiagramOptions = {}): Diagram | undefined {
  const t = M[lang];
  const whole = zoneModel(network);
  const model = options.focus === undefined ? whole : focusModel(whole, options.focus, options.depth ?? 2);
  if (model === undefined) return undefined;
  const summary = summarise(model, options.oneByOne ?? ZONES_ONE_BY_ONE);
  const nodeId = (n: SummaryNode): string => `${n.kind === 'zone' ? 'zone' : 'device'}:${n.id}`;
  const byId = new Map(summary.nodes.map((n) => [n.id, n]));
  const nodes: DiagramNode[] = summary.nodes.map((n) => {
    const range = n.members.length > 1 ? `${n.id} … ${n.members.at(-1)!}` : n.id;
    if (n.kind === 'zone') {
      const lines = n.members.length > 1 ? [range, t.zones(n.members.length, n.hosts)] : n.name && n.name !== n.id ? [n.id, n.name] : [n.id];
      return { id: nodeId(n), kind: 'zone', lines, domain: n.domain };
    }
    const kind = DEVICE_KIND[n.kind][lang];
    const what = n.method ? `${kind} (${n.method})` : kind;
    return { id: nodeId(n), kind: n.kind, lines: [range, n.members.length > 1 ? t.devices(what, n.members.length) : what] };
  });
  const edges = summary.edges.map((e) => ({ from: nodeId(byId.get(e.source)!), to: nodeId(byId.get(e.target)!) }));
  const bands = summary.bands
    .flatMap((b) =>
      b.domains.map((domain) => ({
        domain,
        row: b.id,
        label: `${domainName(domains, domain, lang)} (${domain})`,
        nodes: summary.nodes.filter((n) => n.inBand && n.domain === domain).map(nodeId),
      })),
    )
    .filter((b) => b.nodes.length > 0);
  return {
    title: options.focus === undefined ? t.zoneGraph(network.name) : t.focused(network.name, options.focus),
    directed: false,
    nodes,
    edges: oriented(nodes, edges),
    bands: bands.map((b, i) => ({ id: `band${i}`, ...b })),
  };
}

/**
 * The edges of an undirected graph pointed away from where a breadth-first walk (from the first
 * node, in topology order) reached first: a layered layout then follows the network from one
 * end to the other instead of putting every device on one rank and every zone on the next.
 */
function oriented(nodes: readonly DiagramNode[], edges: readonly DiagramEdge[]): DiagramEdge[] {
  const next = new Map<string, string[]>(nodes.map((n) => [n.id, []]));
  for (const e of edges) {
    next.get(e.from)!.push(e.to);
    next.get(e.to)!.push(e.from);
  }
  const order = new Map<string, number>();
  for (const start of nodes) {
    if (order.has(start.id)) continue;
    order.set(start.id, order.size);
    const queue = [start.id];
    for (let i = 0; i < queue.length; i++)
      for (const m of next.get(queue[i]!)!)
        if (!order.has(m)) {
          order.set(m, order.size);
          queue.push(m);
        }
  }
  return edges.map((e) => (order.get(e.from)! <= order.get(e.to)! ? e : { ...e, from: e.to, to: e.from }));
}

/** One witness path of a finding (its `index`-th class), hop by hop with each deciding rule, ending in what became of the packet; undefined when the class has none. */
export function witnessDiagram(network: Network, finding: Finding, id: string, domains: DomainNames, lang: Lang, index = 0): Diagram | undefined {
  const witness = finding.classes[index]?.witness;
  if (!witness) return undefined;
  const t = M[lang];
  const nodes: DiagramNode[] = witness.hops.map((h, i): DiagramNode => {
    if (h.kind === 'zone') {
      const z = network.zones[h.zone]!;
      return { id: `hop${i + 1}`, kind: 'zone', step: i + 1, domain: z.domain, lines: [`${t.zone} ${z.id}`, z.name, domainName(domains, z.domain, lang)] };
    }
    const d = network.devices[h.device]!;
    const lines = [`${DEVICE_KIND[d.kind][lang]} ${d.id}`, t.inOut(h.in, h.out)];
    if (h.rule) lines.push(t.rule(h.rule.acl === undefined ? h.rule.id : `${h.rule.acl}/${h.rule.id}`, h.rule.action, formatLoc(h.rule.loc)));
    return { id: `hop${i + 1}`, kind: d.kind, step: i + 1, lines };
  });
  const end = nodes.length + 1;
  nodes.push({ id: `hop${end}`, kind: 'end', step: end, lines: [t.end, describeDisposition(network, witness.disposition, lang)] });
  const edges = nodes.slice(1).map((n, i) => ({ from: nodes[i]!.id, to: n.id, label: String(i + 1) }));
  return { title: t.path(id, describePacket(witness.packet)), directed: true, nodes, edges, bands: [] };
}

// --- SVG, laid out by dagre.

/** Fill colours of the domains a sample topology uses; others get a grey. */
const DOMAIN_FILL: Readonly<Record<string, string>> = {
  mynumber: '#fde2e1',
  lgwan: '#e1f3e3',
  'lgwan-backbone': '#eef7dd',
  internet: '#e0ecfb',
  dmz: '#e6f0ff',
  'security-cloud': '#ece4f7',
  'public-internet': '#ececec',
  national: '#fff4d6',
  'gov-cloud': '#fff0e0',
};
const KIND_FILL: Readonly<Record<Exclude<NodeKind, 'zone'>, string>> = {
  switch: '#ffffff',
  router: '#ffffff',
  firewall: '#ffd8a8',
  sanitizer: '#b2ebf2',
  proxy: '#d1c4e9',
  end: '#f5f5f5',
};
const FONT = 12;
const LINE = 16;
const PAD = 8;

export function xmlText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Rough width of a line of text in pixels: full-width characters twice a Latin one. */
function textWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += ch.codePointAt(0)! >= 0x2e80 ? FONT : FONT * 0.6;
  return w;
}

const fillOf = (n: DiagramNode): string => (n.kind === 'zone' ? (DOMAIN_FILL[n.domain ?? ''] ?? '#f3f3f3') : KIND_FILL[n.kind]);

interface Rect {
  /** Centre, width and height. */
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}
interface Point {
  readonly x: number;
  readonly y: number;
}
interface Layout {
  readonly width: number;
  readonly height: number;
  readonly nodes: ReadonlyMap<string, Rect>;
  readonly bands: ReadonlyMap<string, Rect>;
  /** Per edge of the diagram, in its order: the points, and where its label goes. */
  readonly edges: readonly { readonly points: readonly Point[]; readonly label?: Point; readonly straight?: boolean }[];
}

const NODE_GAP = 24;
const RANK_GAP = 40;
const MARGIN = 12;
/** Width over height the banded layout aims at: A-series paper, landscape. */
const PAPER = Math.SQRT2;

const nodeSize = (n: DiagramNode): { width: number; height: number } => ({
  width: Math.max(...n.lines.map(textWidth)) + 2 * PAD,
  height: n.lines.length * LINE + PAD,
});

/** Dagre's layered layout of some nodes and the edges among them, shifted so that its top left is 0,0. */
function dagreLayout(nodes: readonly DiagramNode[], edges: readonly DiagramEdge[]): Layout {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: NODE_GAP, ranksep: RANK_GAP, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) g.setNode(n.id, nodeSize(n));
  edges.forEach((e, i) => {
    g.setEdge(e.from, e.to, e.label ? { label: e.label, width: textWidth(e.label) + 4, height: LINE } : {}, `e${i}`);
  });
  dagre.layout(g);
  const { width = 0, height = 0 } = g.graph();
  return {
    width,
    height,
    nodes: new Map(nodes.map((n) => [n.id, g.node(n.id) as Rect])),
    bands: new Map(),
    edges: edges.map((e, i) => {
      const edge = g.edge({ v: e.from, w: e.to, name: `e${i}` });
      return { points: edge.points as Point[], ...(e.label && edge.x !== undefined ? { label: { x: edge.x, y: edge.y } } : {}) };
    }),
  };
}

/** The layout shifted by dx, dy. */
const moved = (r: Rect, dx: number, dy: number): Rect => ({ ...r, x: r.x + dx, y: r.y + dy });

/** Where the segment from a box's centre towards a point leaves the box. */
function border(r: Rect, towards: Point): Point {
  const dx = towards.x - r.x;
  const dy = towards.y - r.y;
  if (dx === 0 && dy === 0) return r;
  const t = Math.min(dx === 0 ? Infinity : r.width / 2 / Math.abs(dx), dy === 0 ? Infinity : r.height / 2 / Math.abs(dy));
  return { x: r.x + t * dx, y: r.y + t * dy };
}

/**
 * The zone graph on paper: its bands as rows top to bottom (マイナンバー利用事務系, LGWAN接続系,
 * インターネット接続系, then the external domains side by side), each band's own graph laid out by
 * dagre one connected piece at a time, the pieces wrapped into lines no wider than the picture
 * should be (about √2 times as wide as high); a device that joins bands sits in the gap under
 * the highest band it reaches, below its neighbours. Edges inside a piece follow dagre's route,
 * the others go straight from box to box.
 */
function bandedLayout(diagram: Diagram): Layout {
  const byId = new Map(diagram.nodes.map((n) => [n.id, n]));
  const bandOf = new Map<string, number>();
  diagram.bands.forEach((b, i) => {
    for (const n of b.nodes) bandOf.set(n, i);
  });
  // Each band's connected pieces (edges inside the band), in the order of their first node.
  const inner = diagram.edges.map((e) => bandOf.has(e.from) && bandOf.get(e.from) === bandOf.get(e.to));
  const pieces = diagram.bands.map((b) => {
    const piece = new Map<string, number>();
    const next = new Map<string, string[]>(b.nodes.map((n) => [n, []]));
    diagram.edges.forEach((e, i) => {
      if (inner[i] && next.has(e.from)) {
        next.get(e.from)!.push(e.to);
        next.get(e.to)!.push(e.from);
      }
    });
    let count = 0;
    for (const start of b.nodes) {
      if (piece.has(start)) continue;
      const stack = [start];
      piece.set(start, count);
      while (stack.length > 0)
        for (const m of next.get(stack.pop()!)!)
          if (!piece.has(m)) {
            piece.set(m, count);
            stack.push(m);
          }
      count++;
    }
    return Array.from({ length: count }, (_, k) => {
      const nodes = b.nodes.filter((n) => piece.get(n) === k).map((n) => byId.get(n)!);
      const ids = new Set(nodes.map((n) => n.id));
      const edgeIndex = diagram.edges.flatMap((e, i) => (inner[i] && ids.has(e.from) ? [i] : []));
      return {
        layout: dagreLayout(
          nodes,
          edgeIndex.map((i) => diagram.edges[i]!),
        ),
        edgeIndex,
      };
    });
  });
  const between = diagram.nodes.filter((n) => !bandOf.has(n.id));
  const neighbours = new Map<string, string[]>(diagram.nodes.map((n) => [n.id, []]));
  for (const e of diagram.edges) {
    neighbours.get(e.from)!.push(e.to);
    neighbours.get(e.to)!.push(e.from);
  }
  // Lines as wide as the widest piece, then 1.25 times wider each try, up to one line per row:
  // the picture nearest PAPER times wider than high.
  const widest = Math.max(0, ...pieces.flat().map((p) => p.layout.width + 2 * PAD), ...diagram.bands.map((b) => textWidth(b.label) + 12));
  const all = pieces.flat().reduce((s, p) => s + p.layout.width + NODE_GAP, 0) + 2 * PAD * pieces.length;
  let best: Layout | undefined;
  for (let lineWidth = widest; ; lineWidth *= 1.25) {
    const layout = pack(lineWidth);
    const off = (l: Layout): number => Math.abs(Math.log(l.width / l.height / PAPER));
    if (best === undefined || off(layout) < off(best)) best = layout;
    if (lineWidth >= all) return best;
  }

  function pack(lineWidth: number): Layout {
    // Each band's pieces in lines, then the bands in rows: one row per model band, wrapped too.
    const BAND_TOP = LINE + 8;
    const bandSize = pieces.map((ps) => {
      let x = 0;
      let y = 0;
      let lineHeight = 0;
      let width = 0;
      const at = ps.map((p) => {
        if (x > 0 && x + p.layout.width > lineWidth - 2 * PAD) {
          x = 0;
          y += lineHeight + NODE_GAP;
          lineHeight = 0;
        }
        const spot = { x, y };
        x += p.layout.width + NODE_GAP;
        width = Math.max(width, x - NODE_GAP);
        lineHeight = Math.max(lineHeight, p.layout.height);
        return spot;
      });
      const label = textWidth(diagram.bands[pieces.indexOf(ps)]!.label) + 12;
      return { at, width: Math.max(width, label - 2 * PAD) + 2 * PAD, height: y + lineHeight + BAND_TOP + PAD };
    });
    const rows: number[][] = [];
    diagram.bands.forEach((b, i) => {
      const row = rows.at(-1);
      const last = row === undefined ? undefined : diagram.bands[row[0]!]!;
      const used = row === undefined ? 0 : row.reduce((s, k) => s + bandSize[k]!.width + NODE_GAP, 0);
      if (row && last!.row === b.row && used + bandSize[i]!.width <= lineWidth) row.push(i);
      else rows.push([i]);
    });

    // Which gap (under which row) each joining device sits in: under the highest row it reaches.
    const rowOfBand = new Map<number, number>();
    rows.forEach((r, k) => {
      for (const b of r) rowOfBand.set(b, k);
    });
    const gapOf = new Map(
      between.map((n) => {
        const reached = neighbours.get(n.id)!.flatMap((m) => (bandOf.has(m) ? [rowOfBand.get(bandOf.get(m)!)!] : []));
        return [n.id, reached.length === 0 ? rows.length - 1 : Math.min(...reached)];
      }),
    );

    const nodes = new Map<string, Rect>();
    const bands = new Map<string, Rect>();
    const edges: { points: Point[]; label?: Point; straight?: boolean }[] = diagram.edges.map(() => ({ points: [] }));
    let y = MARGIN;
    let width = 0;
    rows.forEach((row, k) => {
      let x = MARGIN;
      const height = Math.max(...row.map((b) => bandSize[b]!.height));
      for (const b of row) {
        const size = bandSize[b]!;
        bands.set(diagram.bands[b]!.id, { x: x + size.width / 2, y: y + height / 2, width: size.width, height });
        pieces[b]!.forEach((p, j) => {
          const dx = x + PAD + size.at[j]!.x;
          const dy = y + BAND_TOP + size.at[j]!.y;
          for (const [id, r] of p.layout.nodes) nodes.set(id, moved(r, dx, dy));
          p.edgeIndex.forEach((e, i) => {
            edges[e] = { points: p.layout.edges[i]!.points.map((q) => ({ x: q.x + dx, y: q.y + dy })) };
          });
        });
        x += size.width + NODE_GAP;
      }
      width = Math.max(width, x - NODE_GAP + MARGIN);
      y += height + RANK_GAP;
      // The joining devices of this gap, each under its placed neighbours, left to right without overlap.
      const here = between
        .filter((n) => gapOf.get(n.id) === k)
        .map((n) => {
          const near = neighbours.get(n.id)!.flatMap((m) => nodes.get(m) ?? []);
          return { n, size: nodeSize(n), want: near.length === 0 ? MARGIN : near.reduce((s, r) => s + r.x, 0) / near.length };
        })
        .sort((a, b) => a.want - b.want);
      if (here.length === 0) return;
      let right = MARGIN;
      const height2 = Math.max(...here.map((h) => h.size.height));
      for (const h of here) {
        const left = Math.max(right, h.want - h.size.width / 2);
        nodes.set(h.n.id, { x: left + h.size.width / 2, y: y + height2 / 2, ...h.size });
        right = left + h.size.width + NODE_GAP;
      }
      width = Math.max(width, right - NODE_GAP + MARGIN);
      y += height2 + RANK_GAP;
    });
    diagram.edges.forEach((e, i) => {
      if (edges[i]!.points.length > 0) return;
      const a = nodes.get(e.from)!;
      const b = nodes.get(e.to)!;
      edges[i] = { points: [border(a, b), border(b, a)], straight: true };
    });
    return { width, height: y - RANK_GAP + MARGIN, nodes, bands, edges };
  }
}

/** The diagram as a standalone SVG document; `prefix` keeps ids unique when several share a page. */
export function diagramSvg(diagram: Diagram, prefix = 'bnk'): string {
  const layout: Layout =
    diagram.bands.length > 0
      ? bandedLayout(diagram)
      : (() => {
          const l = dagreLayout(diagram.nodes, diagram.edges);
          const shift = (p: Point): Point => ({ x: p.x + MARGIN, y: p.y + MARGIN });
          return {
            width: l.width + 2 * MARGIN,
            height: l.height + 2 * MARGIN,
            nodes: new Map([...l.nodes].map(([id, r]) => [id, moved(r, MARGIN, MARGIN)])),
            bands: l.bands,
            edges: l.edges.map((e) => ({ points: e.points.map(shift), ...(e.label ? { label: shift(e.label) } : {}) })),
          };
        })();
  const width = Math.ceil(layout.width);
  const height = Math.ceil(layout.height);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="bnk-diagram" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${xmlText(diagram.title)}" font-family="sans-serif" font-size="${FONT}">`,
    `<title>${xmlText(diagram.title)}</title>`,
    `<defs><marker id="${prefix}-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#444"/></marker></defs>`,
  ];
  for (const b of diagram.bands) {
    const c = layout.bands.get(b.id)!;
    const x = c.x - c.width / 2;
    const y = c.y - c.height / 2;
    out.push(
      `<g class="band" data-domain="${xmlText(b.domain)}"><rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${c.width.toFixed(1)}" height="${c.height.toFixed(1)}" rx="6" fill="${DOMAIN_FILL[b.domain] ?? '#f3f3f3'}" fill-opacity="0.45" stroke="#888" stroke-dasharray="4 3"/>` +
        `<text x="${(x + 6).toFixed(1)}" y="${(y + LINE).toFixed(1)}" font-weight="bold">${xmlText(b.label)}</text></g>`,
    );
  }
  // Edges routed by dagre go under the boxes; straight ones between bands over them, light, so
  // that one crossing a box is not taken for one ending there.
  const edge = (e: DiagramEdge, i: number): void => {
    const at = layout.edges[i]!;
    const d = at.points.map((p, j) => `${j === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
    const marker = diagram.directed ? ` marker-end="url(#${prefix}-arrow)"` : '';
    const look = at.straight ? ' stroke-opacity="0.5"' : '';
    out.push(`<path class="edge" data-from="${xmlText(e.from)}" data-to="${xmlText(e.to)}" d="${d}" fill="none" stroke="#444"${look}${marker}/>`);
    if (e.label && at.label)
      out.push(
        `<text class="edge-label" x="${at.label.x.toFixed(1)}" y="${(at.label.y + 4).toFixed(1)}" text-anchor="middle" fill="#444">${xmlText(e.label)}</text>`,
      );
  };
  diagram.edges.forEach((e, i) => {
    if (!layout.edges[i]!.straight) edge(e, i);
  });
  for (const n of diagram.nodes) {
    const p = layout.nodes.get(n.id)!;
    const x = p.x - p.width / 2;
    const y = p.y - p.height / 2;
    const step = n.step === undefined ? '' : ` data-step="${n.step}"`;
    const tspans = n.lines
      .map(
        (l, i) =>
          `<tspan x="${(x + PAD).toFixed(1)}" y="${(y + PAD / 2 + LINE * (i + 1) - 4).toFixed(1)}"${i === 0 ? ' font-weight="bold"' : ''}>${xmlText(l)}</tspan>`,
      )
      .join('');
    out.push(
      `<g class="node kind-${n.kind}" data-node="${xmlText(n.id)}"${step}><rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${p.width.toFixed(1)}" height="${p.height.toFixed(1)}" rx="${n.kind === 'zone' ? 4 : 0}" fill="${fillOf(n)}" stroke="#333"/><text>${tspans}</text></g>`,
    );
  }
  diagram.edges.forEach((e, i) => {
    if (layout.edges[i]!.straight) edge(e, i);
  });
  out.push('</svg>');
  return out.join('\n');
}

// --- Graphviz dot.

const dotString = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`;

export function diagramDot(diagram: Diagram): string {
  const node = (n: DiagramNode): string =>
    `${dotString(n.id)} [label=${dotString(n.lines.join('\n'))}, shape=${n.kind === 'zone' ? 'box' : n.kind === 'end' ? 'note' : 'component'}, fillcolor=${dotString(fillOf(n))}];`;
  const banded = new Set(diagram.bands.flatMap((b) => b.nodes));
  const byId = new Map(diagram.nodes.map((n) => [n.id, n]));
  const lines = [
    `${diagram.directed ? 'digraph' : 'graph'} ${dotString(diagram.title)} {`,
    `  graph [label=${dotString(diagram.title)}, labelloc=t, rankdir=TB, fontname="sans-serif"];`,
    '  node [style="filled", fontname="sans-serif", fontsize=10];',
  ];
  diagram.bands.forEach((b, i) => {
    lines.push(`  subgraph ${dotString(`cluster_${i}`)} {`, `    label=${dotString(b.label)};`, '    style="dashed";');
    for (const id of b.nodes) lines.push(`    ${node(byId.get(id)!)}`);
    lines.push('  }');
  });
  for (const n of diagram.nodes) if (!banded.has(n.id)) lines.push(`  ${node(n)}`);
  const arrow = diagram.directed ? '->' : '--';
  for (const e of diagram.edges) lines.push(`  ${dotString(e.from)} ${arrow} ${dotString(e.to)}${e.label ? ` [label=${dotString(e.label)}]` : ''};`);
  lines.push('}');
  return lines.join('\n');
}

// --- Mermaid.

/** Text inside a quoted Mermaid label: entity codes for the characters Mermaid reads. */
const mermaidText = (s: string): string => s.replace(/#/g, '#35;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;').replace(/\|/g, '#124;');

export function diagramMermaid(diagram: Diagram): string {
  // Mermaid ids are plain words: n1, n2, … in node order.
  const ids = new Map(diagram.nodes.map((n, i) => [n.id, `n${i + 1}`]));
  const banded = new Set(diagram.bands.flatMap((b) => b.nodes));
  const byId = new Map(diagram.nodes.map((n) => [n.id, n]));
  const node = (n: DiagramNode): string => `${ids.get(n.id)}["${n.lines.map(mermaidText).join('<br/>')}"]`;
  const lines = ['---', `title: ${JSON.stringify(diagram.title)}`, '---', 'flowchart TB'];
  diagram.bands.forEach((b, i) => {
    lines.push(`  subgraph b${i + 1}["${mermaidText(b.label)}"]`);
    for (const id of b.nodes) lines.push(`    ${node(byId.get(id)!)}`);
    lines.push('  end');
  });
  for (const n of diagram.nodes) if (!banded.has(n.id)) lines.push(`  ${node(n)}`);
  for (const e of diagram.edges) {
    const arrow = diagram.directed ? '-->' : '---';
    lines.push(`  ${ids.get(e.from)} ${arrow}${e.label ? `|"${mermaidText(e.label)}"|` : ''} ${ids.get(e.to)}`);
  }
  return lines.join('\n');
}
