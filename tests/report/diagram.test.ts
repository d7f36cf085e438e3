// Diagrams: the zone graph and a finding's witness path as SVG (laid out by dagre), Graphviz dot
// and Mermaid. The path-separation sample's one finding has the witness its header works out:
// lg-office > lg-core1|lg-core2 > lg-edge-fw[e-gcloud] > gcloud-link > in-fw[i-gcloud] > inet-servers.

import { describe, expect, it } from 'vitest';
import { type Diagram, diagramDot, diagramMermaid, diagramSvg, witnessDiagram, zoneDiagram } from '../../src/report/diagram.ts';
import { generateTopology } from '../../src/generate/generate.ts';
import { loadTopology } from '../../src/model/load.ts';
import { type Plain, toJson } from '../../src/model/write.ts';
import { findingIds } from '../../src/report/ids.ts';
import { checkSample, loadSample, runCli, seedPack, TODAY } from '../helpers.ts';

const VIOLATION = 'topologies/violations/path-separation.yaml';
const FINDING = 'path-separation:lg-office:inet-servers';

function pathDiagram(lang: 'ja' | 'en'): Diagram {
  const { network, report } = checkSample(VIOLATION);
  const ids = findingIds(report.findings);
  const at = ids.indexOf(FINDING);
  expect(at).toBeGreaterThanOrEqual(0);
  return witnessDiagram(network, report.findings[at]!, FINDING, seedPack().domains, lang)!;
}

/** The nodes of an SVG in drawing order: step, first line, and the top of the box. */
function svgNodes(svg: string): { step: number; head: string; y: number }[] {
  return [
    ...svg.matchAll(/<g class="node[^"]*" data-node="[^"]*" data-step="(\d+)"><rect x="[^"]*" y="([^"]*)"[^>]*\/><text><tspan[^>]*>([^<]*)<\/tspan>/g),
  ].map((m) => ({
    step: Number(m[1]),
    y: Number(m[2]),
    head: m[3]!,
  }));
}

/** Checks a dot graph's structure: one graph, balanced clusters, every edge between declared nodes; returns them. */
function parseDot(dot: string): { nodes: Set<string>; edges: [string, string, string | undefined][]; clusters: string[] } {
  const lines = dot.split('\n');
  expect(lines[0]).toMatch(/^(di)?graph "(?:[^"\\]|\\.)*" \{$/);
  expect(lines.at(-1)).toBe('}');
  const str = '"((?:[^"\\\\]|\\\\.)*)"';
  const nodes = new Set<string>();
  const edges: [string, string, string | undefined][] = [];
  const clusters: string[] = [];
  let depth = 0;
  for (const line of lines.slice(1, -1)) {
    const t = line.trim();
    let m: RegExpMatchArray | null;
    if ((m = t.match(new RegExp(`^subgraph ${str} \\{$`)))) {
      depth++;
      clusters.push(m[1]!);
    } else if (t === '}') depth--;
    else if ((m = t.match(new RegExp(`^${str} (?:->|--) ${str}(?: \\[label=${str}\\])?;$`)))) edges.push([m[1]!, m[2]!, m[3]]);
    else if ((m = t.match(new RegExp(`^${str} \\[label=${str}, shape=\\w+, fillcolor=${str}\\];$`)))) nodes.add(m[1]!);
    else expect(t).toMatch(/^(graph|node) \[.*\];$|^(label|style)=.*;$/);
    expect(depth).toBeGreaterThanOrEqual(0);
  }
  expect(depth).toBe(0);
  for (const [a, b] of edges) expect(nodes.has(a) && nodes.has(b)).toBe(true);
  return { nodes, edges, clusters };
}

/** Checks a Mermaid flowchart's structure the same way; returns node ids with labels and edges. */
function parseMermaid(text: string): { nodes: Map<string, string>; edges: [string, string, string | undefined][]; subgraphs: string[] } {
  const lines = text.split('\n');
  expect(lines.slice(0, 4).map((l, i) => (i === 1 ? l.slice(0, 7) : l))).toEqual(['---', 'title: ', '---', 'flowchart TB']);
  const nodes = new Map<string, string>();
  const edges: [string, string, string | undefined][] = [];
  const subgraphs: string[] = [];
  let open = 0;
  for (const line of lines.slice(4)) {
    const t = line.trim();
    let m: RegExpMatchArray | null;
    if ((m = t.match(/^subgraph (b\d+)\["([^"]*)"\]$/))) {
      open++;
      subgraphs.push(m[2]!);
    } else if (t === 'end') open--;
    else if ((m = t.match(/^(n\d+)\["([^"]*)"\]$/))) nodes.set(m[1]!, m[2]!);
    else if ((m = t.match(/^(n\d+) (?:-->|---)(?:\|"([^"]*)"\|)? (n\d+)$/))) edges.push([m[1]!, m[3]!, m[2]]);
    else throw new Error(`not a Mermaid statement: ${t}`);
  }
  expect(open).toBe(0);
  for (const [a, b] of edges) expect(nodes.has(a) && nodes.has(b)).toBe(true);
  return { nodes, edges, subgraphs };
}

describe('witness path diagram', () => {
  it('SVG: the hops in order, top to bottom, each firewall with its deciding rule and source line', () => {
    const svg = diagramSvg(pathDiagram('en'));
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    const nodes = svgNodes(svg);
    expect(nodes.map((n) => n.step)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const heads = nodes.map((n) => n.head);
    expect(heads[0]).toBe('zone lg-office');
    expect(heads[1]).toMatch(/^router lg-core[12]$/);
    expect(heads.slice(2)).toEqual(['firewall lg-edge-fw', 'zone gcloud-link', 'firewall in-fw', 'zone inet-servers', 'result']);
    // Laid out along the path: every hop below the one before.
    for (let i = 1; i < nodes.length; i++) expect(nodes[i]!.y).toBeGreaterThan(nodes[i - 1]!.y);
    expect(svg).toContain('rule e-gcloud (permit) topologies/violations/path-separation.yaml:302:9');
    expect(svg).toMatch(/rule i-gcloud \(permit\) topologies\/violations\/path-separation\.yaml:\d+:\d+/);
    expect(svg).toContain('delivered to zone inet-servers');
    // Six edges, numbered, each with an arrowhead.
    expect(svg.match(/<path class="edge"[^>]*marker-end="url\(#bnk-arrow\)"/g)).toHaveLength(6);
  });

  it('in Japanese: 経路, ルール and the domain names of the pack', () => {
    const svg = diagramSvg(pathDiagram('ja'));
    expect(svg).toContain('<title>経路 path-separation:lg-office:inet-servers: ');
    expect(svg).toContain('ルール e-gcloud（permit）');
    expect(svg).toContain('LGWAN接続系');
    expect(svg).toContain('インターネット接続系');
  });

  it('dot and Mermaid: a chain of the same seven nodes, the edges numbered 1 to 6', () => {
    const d = pathDiagram('en');
    const dot = parseDot(diagramDot(d));
    expect(diagramDot(d).startsWith('digraph ')).toBe(true);
    expect(dot.edges).toEqual([1, 2, 3, 4, 5, 6].map((i) => [`hop${i}`, `hop${i + 1}`, String(i)]));
    const mm = parseMermaid(diagramMermaid(d));
    expect(mm.edges).toEqual([1, 2, 3, 4, 5, 6].map((i) => [`n${i}`, `n${i + 1}`, String(i)]));
    expect(mm.nodes.get('n3')).toMatch(/^firewall lg-edge-fw<br\/>in core[12] → out gcloud<br\/>rule e-gcloud \(permit\) /);
  });
});

describe('zone graph', () => {
  const network = loadSample('topologies/alpha-city.yaml');
  const graph = zoneDiagram(network, seedPack().domains, 'ja')!;

  it('every zone once, banded by its domain; devices; no host drawn', () => {
    const zones = graph.nodes.filter((n) => n.kind === 'zone').map((n) => n.id);
    expect(zones).toEqual(network.zones.map((z) => `zone:${z.id}`));
    expect(graph.nodes.filter((n) => n.kind !== 'zone')).toHaveLength(network.devices.length);
    for (const h of network.hosts) expect(graph.nodes.some((n) => n.lines.includes(h.id))).toBe(false);
    const band = (domain: string) => graph.bands.find((b) => b.domain === domain)!;
    expect(band('mynumber').label).toBe('マイナンバー利用事務系 (mynumber)');
    expect(band('mynumber').nodes).toEqual(expect.arrayContaining(['zone:mn-juki-term', 'zone:mn-tax-term', 'zone:mn-servers']));
    expect(band('internet').nodes).toContain('zone:inet-servers');
    // A sanitizer joins two domains: drawn between the bands, in none of them.
    expect(graph.bands.some((b) => b.nodes.includes('device:san-mail'))).toBe(false);
    expect(graph.nodes.find((n) => n.id === 'device:san-mail')!.lines).toEqual(['san-mail', '無害化装置 (mail-text)']);
  });

  it('past the limit of zones drawn one by one, the zones of a domain behind the same devices are one box', () => {
    const pack = seedPack();
    const generated = generateTopology({ scale: 'small', seed: 1, model: 'alpha', violations: false });
    const small = loadTopology(toJson(generated.topology as unknown as Record<string, Plain>), 'small.json', { domains: new Set(Object.keys(pack.domains)) });
    expect(zoneDiagram(small, pack.domains, 'en')!.nodes.filter((n) => n.kind === 'zone')).toHaveLength(small.zones.length);
    const grouped = zoneDiagram(small, pack.domains, 'en', { oneByOne: 10 })!.nodes.filter((n) => n.kind === 'zone');
    expect(grouped.length).toBeLessThan(small.zones.length);
    // Every zone is in exactly one box: the boxes' counts add up to the zones.
    const counted = grouped.map((n) => Number(n.lines[1]?.match(/^(\d+) zones, \d+ hosts$/)?.[1] ?? 1));
    expect(counted.reduce((a, b) => a + b, 0)).toBe(small.zones.length);
    expect(grouped.some((n) => n.lines[0]!.includes(' … '))).toBe(true);
  });

  it('the generated city fits a page: a few dozen boxes, bands as rows, lines of a few boxes, wider than high', () => {
    const pack = seedPack();
    const generated = generateTopology({ scale: 'city', seed: 1, model: 'alpha', violations: true });
    const city = loadTopology(toJson(generated.topology as unknown as Record<string, Plain>), 'city.json', { domains: new Set(Object.keys(pack.domains)) });
    expect(city.zones).toHaveLength(1010);
    const d = zoneDiagram(city, pack.domains, 'ja')!;
    // 1,010 zones and 154 devices: the floors' firewalls of a domain on the same cores are one box each, their segments one box.
    expect(d.nodes.length).toBeLessThanOrEqual(40);
    const floors = d.nodes.find((n) => n.lines[1] === 'ファイアウォール 121 台')!;
    expect(floors.lines[0]).toMatch(/^m1-efw-b1f1 … m1-efw-b\d+f\d+$/);
    expect(d.nodes.some((n) => /^ゾーン \d{3} 件、ホスト \d+ 件$/.test(n.lines[1] ?? ''))).toBe(true);
    const svg = diagramSvg(d);
    const [, w, h] = svg.match(/viewBox="0 0 (\d+) (\d+)"/)!;
    const aspect = Number(w) / Number(h);
    expect(aspect).toBeGreaterThan(1);
    expect(aspect).toBeLessThan(2);
    // No line of the picture (boxes at one height) holds more than 8 boxes.
    const lines = new Map<string, number>();
    for (const m of svg.matchAll(/<g class="node[^"]*" data-node="[^"]*"><rect x="[^"]*" y="([^"]*)" [^>]*height="([^"]*)"/g)) {
      const middle = (Number(m[1]) + Number(m[2]) / 2).toFixed(0);
      lines.set(middle, (lines.get(middle) ?? 0) + 1);
    }
    expect(Math.max(...lines.values())).toBeLessThanOrEqual(8);
    // The bands top to bottom: マイナンバー利用事務系 above LGWAN接続系 above インターネット接続系 above the externals.
    const top = (domain: string) => Number(svg.match(new RegExp(`<g class="band" data-domain="${domain}"><rect x="[^"]*" y="([^"]*)"`))![1]);
    expect(top('mynumber')).toBeLessThan(top('lgwan'));
    expect(top('lgwan')).toBeLessThan(top('internet'));
    expect(top('internet')).toBeLessThan(top('gov-cloud'));
  });

  it('--focus draws the part around a zone, device or domain', () => {
    const pack = seedPack();
    // mn-fw and what is one edge away (alpha-city.yaml): its zones mn-juki-term, mn-tax-term,
    // mn-servers and its link peer lg-edge-fw (drawn in LGWAN接続系, its zones being all LGWAN).
    const part = zoneDiagram(network, pack.domains, 'en', { focus: 'mn-fw', depth: 1 })!;
    expect(part.title).toBe('Zone graph: サンプル市 ネットワーク（αモデル） (around mn-fw)');
    expect(part.nodes.map((n) => n.id).sort()).toEqual(['device:lg-edge-fw', 'device:mn-fw', 'zone:mn-juki-term', 'zone:mn-servers', 'zone:mn-tax-term']);
    expect(part.bands.map((b) => b.domain)).toEqual(['mynumber', 'lgwan']);
    expect(zoneDiagram(network, pack.domains, 'en', { focus: 'internet', depth: 0 })!.nodes.every((n) => n.kind === 'zone' && n.domain === 'internet')).toBe(
      true,
    );
    expect(zoneDiagram(network, pack.domains, 'en', { focus: 'nowhere' })).toBeUndefined();
  });

  it('SVG, dot and Mermaid carry the same nodes, bands and edges', () => {
    const svg = diagramSvg(graph);
    for (const b of graph.bands) expect(svg).toContain(`<g class="band" data-domain="${b.domain}">`);
    expect(svg.match(/<g class="node /g)).toHaveLength(graph.nodes.length);
    expect(svg.match(/<path class="edge"/g)).toHaveLength(graph.edges.length);
    expect(svg).not.toContain('marker-end');
    const dot = parseDot(diagramDot(graph));
    expect(diagramDot(graph).startsWith('graph ')).toBe(true);
    expect(dot.nodes.size).toBe(graph.nodes.length);
    expect(dot.clusters).toHaveLength(graph.bands.length);
    expect(dot.edges).toHaveLength(graph.edges.length);
    const mm = parseMermaid(diagramMermaid(graph));
    expect(mm.nodes.size).toBe(graph.nodes.length);
    expect(mm.subgraphs).toEqual(graph.bands.map((b) => b.label));
    expect(mm.edges).toHaveLength(graph.edges.length);
  });

  it('quotes, brackets and markup in names cannot break out of any format', () => {
    const hostile: Diagram = {
      title: 'a "b" <c> #d; e|f \\ g',
      directed: true,
      nodes: [
        { id: 'x"1', kind: 'zone', lines: ['<script>alert(1)</script>', 'say "hi" & #amp; | \\n'] },
        { id: 'y', kind: 'firewall', lines: ['y'] },
      ],
      edges: [{ from: 'x"1', to: 'y', label: '"1"' }],
      bands: [],
    };
    const svg = diagramSvg(hostile);
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(svg).toContain('say &quot;hi&quot; &amp; #amp; | \\n');
    const dot = parseDot(diagramDot(hostile));
    expect([...dot.nodes]).toEqual(['x\\"1', 'y']);
    const mm = parseMermaid(diagramMermaid(hostile));
    expect(mm.nodes.get('n1')).toBe('#lt;script#gt;alert(1)#lt;/script#gt;<br/>say #quot;hi#quot; & #35;amp; #124; \\n');
  });
});

describe('bunkatsu diagram', () => {
  it('draws a finding by the id of the JSON report; an unknown id exits 2 listing the valid ones', async () => {
    const json = await runCli(['check', VIOLATION, '--format', 'json', '--today', TODAY]);
    const ids = (JSON.parse(json.out) as { findings: { id: string }[] }).findings.map((f) => f.id);
    expect(ids).toEqual([FINDING, 'firewall-hygiene:lg-edge-fw:e-gcloud:broad', 'firewall-hygiene:in-fw:i-gcloud:broad']);
    const ok = await runCli(['diagram', VIOLATION, '--finding', FINDING, '--format', 'mermaid', '--today', TODAY]);
    expect(ok.code).toBe(0);
    expect(parseMermaid(ok.out).edges).toHaveLength(6);
    const bad = await runCli(['diagram', VIOLATION, '--finding', 'path-separation:nowhere', '--today', TODAY]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain(`BNK_ERR_USAGE --finding "path-separation:nowhere" is not a finding of this check; its findings: ${ids.join(', ')}`);
    const none = await runCli(['diagram', 'topologies/alpha-city.yaml', '--finding', FINDING, '--today', TODAY]);
    expect(none.code).toBe(2);
    expect(none.err).toContain('the check has no findings');
  });

  it('without --finding draws the zone graph as SVG', async () => {
    const r = await runCli(['diagram', 'topologies/alpha-city.yaml']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(r.out).toContain('<title>ゾーン構成図: サンプル市 ネットワーク（αモデル）</title>');
  });

  it('--focus and --depth draw a part; an unknown focus or a bad depth exits 2', async () => {
    const ok = await runCli(['diagram', 'topologies/alpha-city.yaml', '--focus', 'mn-fw', '--depth', '1', '--format', 'mermaid']);
    expect(ok.code).toBe(0);
    expect(parseMermaid(ok.out).nodes.size).toBe(5);
    const bad = await runCli(['diagram', 'topologies/alpha-city.yaml', '--focus', 'nowhere']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('BNK_ERR_USAGE --focus "nowhere" is not a zone, device or domain of this topology; its domains: ');
    expect((await runCli(['diagram', 'topologies/alpha-city.yaml', '--focus', 'mn-fw', '--depth', 'two'])).code).toBe(2);
  });
});
