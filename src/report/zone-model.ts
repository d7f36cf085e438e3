// The zone graph of a network, one model for every picture of it: the web page's graph
// (zone-graph.ts lays it out for sigma.js) and the diagrams for documents (diagram.ts lays it out
// with dagre). Zones are nodes banded by domain (hosts counted, never drawn one by one), the
// devices between them (firewalls, sanitizers, routers, …), the devices' attachments to zones
// and their links; and the rule that summarises a large network as boxes of alike zones and
// devices, so that a generated city of a thousand zones stays a picture.

import type { Network } from '../model/network.ts';

/** The domains drawn first, in this order, one band each; every other domain is an external one. */
export const MAIN_DOMAINS = ['mynumber', 'lgwan', 'internet'] as const;

/** Networks with more zones than this are summarised (see `summarise`). */
export const ZONES_ONE_BY_ONE = 60;

export type NodeKind = 'zone' | 'firewall' | 'sanitizer' | 'router' | 'switch' | 'proxy';

export interface ModelNode {
  /** The zone's or device's id (one namespace in a topology). */
  readonly id: string;
  /** 'zone', or the device's kind. */
  readonly kind: NodeKind;
  readonly name: string;
  /** The zone's domain; a device's own zone's domain, or that of most of its zones; '' for a device in no zone. */
  readonly domain: string;
  /** Index into `bands`; -1 for a device in no zone. */
  readonly band: number;
  /** True for a zone, for a device whose zones are all of one domain, and for one attached to no zone but managed in one: drawn inside its domain's band. */
  readonly inBand: boolean;
  /** Hosts and host groups in the zone (0 for a device). */
  readonly hosts: number;
  /** The sanitizer's method (無害化 method), for sanitizers only. */
  readonly method?: string;
}

export interface ModelEdge {
  readonly source: string;
  readonly target: string;
  /** 'attach': a device's interface in a zone; 'link': a cable between two devices. */
  readonly kind: 'attach' | 'link';
}

export interface ModelBand {
  /** 'mynumber', 'lgwan', 'internet', or 'external' for every other domain. */
  readonly id: string;
  /** Its domains, in the order the topology first uses them. */
  readonly domains: readonly string[];
}

export interface ZoneModel {
  /** The bands that have a zone, top to bottom: マイナンバー利用事務系, LGWAN接続系, インターネット接続系, the externals. */
  readonly bands: readonly ModelBand[];
  /** Every zone in topology order, then every device in topology order. */
  readonly nodes: readonly ModelNode[];
  /** Each pair of nodes at most once, in the order devices and links are written. */
  readonly edges: readonly ModelEdge[];
}

export function zoneModel(network: Network): ZoneModel {
  const bandKey = (domain: string): string => ((MAIN_DOMAINS as readonly string[]).includes(domain) ? domain : 'external');
  const bandDomains = new Map<string, string[]>([...MAIN_DOMAINS, 'external'].map((b) => [b, []]));
  for (const z of network.zones) {
    const list = bandDomains.get(bandKey(z.domain))!;
    if (!list.includes(z.domain)) list.push(z.domain);
  }
  const bands = [...bandDomains].filter(([, domains]) => domains.length > 0).map(([id, domains]) => ({ id, domains }));
  const bandOf = (domain: string): number => bands.findIndex((b) => b.domains.includes(domain));

  const hosts = new Array<number>(network.zones.length).fill(0);
  for (const h of network.hosts) hosts[h.zone]!++;
  const nodes: ModelNode[] = network.zones.map((z) => ({
    id: z.id,
    kind: 'zone',
    name: z.name,
    domain: z.domain,
    band: bandOf(z.domain),
    inBand: true,
    hosts: hosts[z.index]!,
  }));
  const edges: ModelEdge[] = [];
  const seen = new Set<string>();
  const edge = (source: string, target: string, kind: ModelEdge['kind']): void => {
    const key = source < target ? `${source}\u0000${target}` : `${target}\u0000${source}`;
    if (seen.has(key) || source === target) return;
    seen.add(key);
    edges.push({ source, target, kind });
  };
  for (const d of network.devices) {
    // Where a device is attached is what its interfaces say; its own `zone:` is where it is managed.
    const zones = [...new Set(d.interfaces.flatMap((i) => (i.zone === undefined ? [] : [i.zone])))];
    for (const z of zones) edge(d.id, network.zones[z]!.id, 'attach');
    const domains = zones.map((z) => network.zones[z]!.domain);
    const domain = d.zone === undefined ? (mostCommon(domains) ?? '') : network.zones[d.zone]!.domain;
    nodes.push({
      id: d.id,
      kind: d.kind,
      name: d.name,
      domain,
      band: domain === '' ? -1 : bandOf(domain),
      inBand: zones.length === 0 ? domain !== '' : new Set(domains).size === 1,
      hosts: 0,
      ...(d.method === undefined ? {} : { method: d.method }),
    });
  }
  for (const l of network.links) edge(network.devices[l.a.device]!.id, network.devices[l.b.device]!.id, 'link');
  return { bands, nodes, edges };
}

function mostCommon(values: readonly string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/** A box of the summarised graph: one node, or several alike ones counted. */
export interface SummaryNode extends ModelNode {
  /** The ids of the nodes it stands for, in topology order (the box's id is the first's). */
  readonly members: readonly string[];
}

export interface Summary {
  readonly bands: readonly ModelBand[];
  readonly nodes: readonly SummaryNode[];
  /** Between boxes, each pair once; 'link' when any edge it stands for is a link. */
  readonly edges: readonly ModelEdge[];
}

/**
 * The model as boxes. With at most `oneByOne` zones every node is its own box. Past it, two
 * rules make a large network a picture:
 * 1. the zones of one domain attached to the same devices are one box (a floor's segments
 *    behind its firewall);
 * 2. devices of one kind (and method) and domain with the same other neighbours, each with
 *    zones of its own (zones no other device reaches), are one box, and their own zones of a
 *    domain one box (a city's hundred floor firewalls on the same cores, and their segments).
 * A box's members and hosts are counted; an edge joins two boxes when any of their members are joined.
 */
export function summarise(model: ZoneModel, oneByOne = ZONES_ONE_BY_ONE): Summary {
  const zoneCount = model.nodes.filter((n) => n.kind === 'zone').length;
  const neighbours = new Map<string, string[]>(model.nodes.map((n) => [n.id, []]));
  for (const e of model.edges) {
    neighbours.get(e.source)!.push(e.target);
    neighbours.get(e.target)!.push(e.source);
  }
  const byId = new Map(model.nodes.map((n) => [n.id, n]));
  // boxOf: node id → the id of its box (its first member).
  const boxOf = new Map<string, string>(model.nodes.map((n) => [n.id, n.id]));
  if (zoneCount > oneByOne) {
    // Rule 1: zones by domain and the devices they are attached to.
    const zonesBy = new Map<string, string>();
    for (const n of model.nodes) {
      if (n.kind !== 'zone') continue;
      const key = `${n.domain}\u0000${[...neighbours.get(n.id)!].sort().join(' ')}`;
      const first = zonesBy.get(key) ?? n.id;
      zonesBy.set(key, first);
      boxOf.set(n.id, first);
    }
    // Rule 2: a device's own zones are those no other device reaches.
    const own = (device: string): string[] => neighbours.get(device)!.filter((z) => byId.get(z)!.kind === 'zone' && neighbours.get(z)!.length === 1);
    const devicesBy = new Map<string, string>();
    for (const n of model.nodes) {
      if (n.kind === 'zone') continue;
      const mine = own(n.id);
      if (mine.length === 0) continue;
      const others = neighbours
        .get(n.id)!
        .filter((m) => !mine.includes(m))
        .map((m) => boxOf.get(m)!)
        .sort();
      const ownDomains = [...new Set(mine.map((z) => byId.get(z)!.domain))].sort();
      const key = [n.kind, n.method ?? '', n.domain, others.join(' '), ownDomains.join(' ')].join('\u0000');
      const first = devicesBy.get(key);
      if (first === undefined) {
        devicesBy.set(key, n.id);
        continue;
      }
      boxOf.set(n.id, first);
      // Its own zones join the first device's own zones of the same domain.
      const theirs = own(first);
      for (const z of mine) boxOf.set(z, boxOf.get(theirs.find((t) => byId.get(t)!.domain === byId.get(z)!.domain)!)!);
    }
  }
  const members = new Map<string, string[]>();
  for (const n of model.nodes) {
    const box = boxOf.get(n.id)!;
    const list = members.get(box);
    if (list) list.push(n.id);
    else members.set(box, [n.id]);
  }
  const nodes: SummaryNode[] = [...members].map(([box, ids]) => ({
    ...byId.get(box)!,
    hosts: ids.reduce((s, id) => s + byId.get(id)!.hosts, 0),
    members: ids,
  }));
  const edges: ModelEdge[] = [];
  const at = new Map<string, number>();
  for (const e of model.edges) {
    const source = boxOf.get(e.source)!;
    const target = boxOf.get(e.target)!;
    if (source === target) continue;
    const key = source < target ? `${source}\u0000${target}` : `${target}\u0000${source}`;
    const i = at.get(key);
    if (i === undefined) {
      at.set(key, edges.length);
      edges.push({ source, target, kind: e.kind });
    } else if (e.kind === 'link') edges[i] = { ...edges[i]!, kind: 'link' };
  }
  return { bands: model.bands, nodes, edges };
}

/**
 * The part of the model around `focus` (a zone's or device's id, or a domain): the nodes it names
 * and those at most `depth` edges from them, with the edges among them; undefined when it names nothing.
 */
export function focusModel(model: ZoneModel, focus: string, depth: number): ZoneModel | undefined {
  const start = model.nodes.filter((n) => n.id === focus || (n.kind === 'zone' && n.domain === focus));
  if (start.length === 0) return undefined;
  const neighbours = new Map<string, string[]>(model.nodes.map((n) => [n.id, []]));
  for (const e of model.edges) {
    neighbours.get(e.source)!.push(e.target);
    neighbours.get(e.target)!.push(e.source);
  }
  const kept = new Set(start.map((n) => n.id));
  let frontier = [...kept];
  for (let d = 0; d < depth && frontier.length > 0; d++) {
    frontier = frontier.flatMap((id) => neighbours.get(id)!.filter((m) => !kept.has(m)));
    for (const id of frontier) kept.add(id);
  }
  return {
    bands: model.bands,
    nodes: model.nodes.filter((n) => kept.has(n.id)),
    edges: model.edges.filter((e) => kept.has(e.source) && kept.has(e.target)),
  };
}
