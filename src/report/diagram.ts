// Diagrams for documents: the zone graph of a network (zones banded by domain, the devices
// between them, links; never hosts one by one) or one finding's witness path hop by hop, as one
// graph model written three ways: SVG laid out by dagre, Graphviz dot and Mermaid (text for
// the reader's own tools to lay out).

import dagre from '@dagrejs/dagre';
import type { Network } from '../model/network.ts';
import type { Finding, Localized } from '../policy/types.ts';
import { describeDisposition, describePacket, formatLoc, type Lang } from './describe.ts';
import { DEVICE_KIND } from './messages.ts';
import { type NodeKind as ModelNodeKind, type SummaryNode, summarise, ZONES_ONE_BY_ONE, zoneModel } from './zone-model.ts';

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

/**
 * The zone graph for a document: the boxes of the shared model (zone-model.ts), zones banded by
 * domain, each device joined to the zones it is in and to its link peers; past `oneByOne` zones
 * alike zones and devices are one box saying how many they are (`summarise`).
 */
export function zoneDiagram(network: Network, domains: DomainNames, lang: Lang, oneByOne = ZONES_ONE_BY_ONE): Diagram {
  const t = M[lang];
  const summary = summarise(zoneModel(network), oneByOne);
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
  const bands = summary.bands.flatMap((b) =>
    b.domains.map((domain) => ({
      domain,
      label: `${domainName(domains, domain, lang)} (${domain})`,
      nodes: summary.nodes.filter((n) => n.inBand && n.domain === domain).map(nodeId),
    })),
  );
  return {
    title: t.zoneGraph(network.name),
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

/** The diagram as a standalone SVG document; `prefix` keeps ids unique when several share a page. */
export function diagramSvg(diagram: Diagram, prefix = 'bnk'): string {
  const g = new dagre.graphlib.Graph({ compound: true, multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 24, ranksep: 40, marginx: 12, marginy: 12 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of diagram.nodes) {
    const width = Math.max(...n.lines.map(textWidth)) + 2 * PAD;
    g.setNode(n.id, { width, height: n.lines.length * LINE + PAD });
  }
  for (const b of diagram.bands) {
    g.setNode(b.id, { paddingTop: LINE + 8 });
    for (const n of b.nodes) g.setParent(n, b.id);
  }
  diagram.edges.forEach((e, i) => {
    g.setEdge(e.from, e.to, e.label ? { label: e.label, width: textWidth(e.label) + 4, height: LINE } : {}, `e${i}`);
  });
  dagre.layout(g);
  const { width = 0, height = 0 } = g.graph();
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="bnk-diagram" viewBox="0 0 ${Math.ceil(width)} ${Math.ceil(height)}" width="${Math.ceil(width)}" height="${Math.ceil(height)}" role="img" aria-label="${xmlText(diagram.title)}" font-family="sans-serif" font-size="${FONT}">`,
    `<title>${xmlText(diagram.title)}</title>`,
    `<defs><marker id="${prefix}-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#444"/></marker></defs>`,
  ];
  for (const b of diagram.bands) {
    const c = g.node(b.id);
    const x = c.x - c.width / 2;
    const y = c.y - c.height / 2;
    out.push(
      `<g class="band" data-domain="${xmlText(b.domain)}"><rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${c.width.toFixed(1)}" height="${c.height.toFixed(1)}" rx="6" fill="${DOMAIN_FILL[b.domain] ?? '#f3f3f3'}" fill-opacity="0.45" stroke="#888" stroke-dasharray="4 3"/>` +
        `<text x="${(x + 6).toFixed(1)}" y="${(y + LINE).toFixed(1)}" font-weight="bold">${xmlText(b.label)}</text></g>`,
    );
  }
  diagram.edges.forEach((e, i) => {
    const edge = g.edge({ v: e.from, w: e.to, name: `e${i}` });
    const d = edge.points.map((p: { x: number; y: number }, j: number) => `${j === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
    const marker = diagram.directed ? ` marker-end="url(#${prefix}-arrow)"` : '';
    out.push(`<path class="edge" data-from="${xmlText(e.from)}" data-to="${xmlText(e.to)}" d="${d}" fill="none" stroke="#444"${marker}/>`);
    if (e.label && edge.x !== undefined && edge.y !== undefined)
      out.push(`<text class="edge-label" x="${edge.x.toFixed(1)}" y="${(edge.y + 4).toFixed(1)}" text-anchor="middle" fill="#444">${xmlText(e.label)}</text>`);
  });
  for (const n of diagram.nodes) {
    const p = g.node(n.id);
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
