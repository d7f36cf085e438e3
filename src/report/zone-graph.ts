// The zone graph a reader sees: zones (never hosts one by one) banded by domain, the devices
// between them (firewalls, sanitizers, routers, …), the links, and the sanitized channels, with
// a deterministic layout so that a browser only draws it. The web page and its API route use it.

import type { Network } from '../model/network.ts';
import { zonesOf } from '../model/network.ts';
import { formatServiceTerm } from '../net/services.ts';

/** The domains drawn first, in this order, one band each; every other domain is an external one. */
export const MAIN_DOMAINS = ['mynumber', 'lgwan', 'internet'] as const;

export interface GraphNode {
  /** The zone's or device's id (one namespace in a topology). */
  readonly id: string;
  /** 'zone', or the device's kind. */
  readonly kind: 'zone' | 'firewall' | 'sanitizer' | 'router' | 'switch' | 'proxy';
  readonly name: string;
  /** The zone's domain; a device's own zone's domain, or that of most of its interfaces. */
  readonly domain: string;
  /** Index into `bands`. */
  readonly band: number;
  /** Hosts and host groups in the zone (0 for a device). */
  readonly hosts: number;
  /** The sanitizer's method (無害化 method), for sanitizers only. */
  readonly method?: string;
  readonly x: number;
  readonly y: number;
}

export interface GraphEdge {
  readonly source: string;
  readonly target: string;
  /** 'attach': a device's interface in a zone; 'link': a cable between two devices. */
  readonly kind: 'attach' | 'link';
}

/** A sanitizer's relay as a channel between zones: what enters in one zone leaves sanitized to others. */
export interface SanitizedChannel {
  readonly sanitizer: string;
  readonly method: string;
  /** The zone of the interface the relay takes traffic in by. */
  readonly from: string;
  /** The zones of the relay's destinations. */
  readonly to: readonly string[];
  readonly services: readonly string[];
}

export interface GraphBand {
  /** 'mynumber', 'lgwan', 'internet', or 'external' for every other domain. */
  readonly id: string;
  readonly domains: readonly string[];
  /** Vertical extent of the band in layout units (y grows downwards). */
  readonly top: number;
  readonly bottom: number;
}

/** A domain's name in both languages, as the policy pack declares it. */
export interface DomainName {
  readonly ja: string;
  readonly en: string;
}

export interface ZoneGraph {
  readonly topology: { readonly file: string; readonly name: string; readonly model: string };
  /** The names of the domains the policy pack declares (a change may bring a zone of a domain the graph does not use yet). */
  readonly domains: Readonly<Record<string, DomainName>>;
  readonly bands: readonly GraphBand[];
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  readonly channels: readonly SanitizedChannel[];
}

/** Layout units: between two zones of a row, between two rows, around a band's rows, between bands. */
const COLUMN = 20;
const ROW = 15;
const BAND_PADDING = 8;
const BAND_GAP = 10;
/** Width over height the layout aims at (a screen's graph pane). */
const ASPECT = 1.4;

export function zoneGraph(network: Network, domainNames: Readonly<Record<string, DomainName>> = {}): ZoneGraph {
  const bandOf = (domain: string): number => {
    const main = (MAIN_DOMAINS as readonly string[]).indexOf(domain);
    return main >= 0 ? main : MAIN_DOMAINS.length;
  };
  const hosts = new Array<number>(network.zones.length).fill(0);
  for (const h of network.hosts) hosts[h.zone]!++;

  // Bands stacked top to bottom; zones of a band in rows of `perRow`, in topology order, as many
  // per row as make the whole about ASPECT times wider than high (a city's thousand zones at once).
  const perRow = Math.max(6, Math.ceil(Math.sqrt((network.zones.length * ROW) / (COLUMN * ASPECT))));
  const members: number[][] = [[], [], [], []];
  for (const z of network.zones) members[bandOf(z.domain)]!.push(z.index);
  const zoneX = new Float64Array(network.zones.length);
  const zoneY = new Float64Array(network.zones.length);
  const bands: GraphBand[] = [];
  let top = 0;
  members.forEach((zones, band) => {
    if (zones.length === 0) return;
    const rows = Math.ceil(zones.length / perRow);
    zones.forEach((z, i) => {
      const row = Math.floor(i / perRow);
      const inRow = Math.min(perRow, zones.length - row * perRow);
      // Each row centred; odd rows shifted half a column so that edges do not run along a row.
      zoneX[z] = (i % perRow) * COLUMN - ((inRow - 1) * COLUMN) / 2 + (row % 2) * (COLUMN / 2);
      zoneY[z] = top + BAND_PADDING + row * ROW;
    });
    const bottom = top + 2 * BAND_PADDING + (rows - 1) * ROW;
    const id = band < MAIN_DOMAINS.length ? MAIN_DOMAINS[band]! : 'external';
    const domains = [...new Set(zones.map((z) => network.zones[z]!.domain))];
    bands.push({ id, domains, top, bottom });
    top = bottom + BAND_GAP;
  });

  const nodes: GraphNode[] = network.zones.map((z) => ({
    id: z.id,
    kind: 'zone',
    name: z.name,
    domain: z.domain,
    band: bands.findIndex((b) => b.domains.includes(z.domain)),
    hosts: hosts[z.index]!,
    x: zoneX[z.index]!,
    y: zoneY[z.index]!,
  }));
  const edges: GraphEdge[] = [];
  const seen = new Set<string>();
  const edge = (source: string, target: string, kind: GraphEdge['kind']): void => {
    const key = source < target ? `${source}\u0000${target}` : `${target}\u0000${source}`;
    if (seen.has(key)) return;
    seen.add(key);
    edges.push({ source, target, kind });
  };

  // A device sits between the zones it has interfaces in (their centre), a little below so that
  // it does not hide a zone; a device in no zone sits by the devices it is linked to (below).
  const placed = new Map<number, { x: number; y: number }>();
  for (const d of network.devices) {
    const zones = [...new Set(d.interfaces.flatMap((i) => (i.zone === undefined ? [] : [i.zone])))];
    for (const z of zones) edge(d.id, network.zones[z]!.id, 'attach');
    if (zones.length === 0) continue;
    const x = zones.reduce((s, z) => s + zoneX[z]!, 0) / zones.length;
    const y = zones.reduce((s, z) => s + zoneY[z]!, 0) / zones.length;
    placed.set(d.index, { x: x + ((d.index % 5) - 2) * (COLUMN / 8), y: y + ROW / 3 });
  }
  const linked = new Map<number, number[]>();
  for (const l of network.links) {
    edge(network.devices[l.a.device]!.id, network.devices[l.b.device]!.id, 'link');
    linked.set(l.a.device, [...(linked.get(l.a.device) ?? []), l.b.device]);
    linked.set(l.b.device, [...(linked.get(l.b.device) ?? []), l.a.device]);
  }
  // Devices in no zone, placed beside a placed neighbour (breadth first); any left go below all bands.
  let pending = network.devices.filter((d) => !placed.has(d.index));
  for (let round = 0; pending.length > 0 && round < network.devices.length; round++) {
    const next = pending.filter((d) => {
      const near = (linked.get(d.index) ?? []).map((n) => placed.get(n)).filter((p) => p !== undefined);
      if (near.length === 0) return true;
      placed.set(d.index, { x: near.reduce((s, p) => s + p.x, 0) / near.length + COLUMN / 3, y: near.reduce((s, p) => s + p.y, 0) / near.length + ROW / 4 });
      return false;
    });
    if (next.length === pending.length) break;
    pending = next;
  }
  pending.forEach((d, i) => {
    placed.set(d.index, { x: i * COLUMN, y: top + BAND_PADDING });
  });

  for (const d of network.devices) {
    const zones = d.interfaces.flatMap((i) => (i.zone === undefined ? [] : [network.zones[i.zone]!.domain]));
    const domain = d.zone === undefined ? (mostCommon(zones) ?? 'external') : network.zones[d.zone]!.domain;
    const at = placed.get(d.index)!;
    nodes.push({
      id: d.id,
      kind: d.kind,
      name: d.name,
      domain,
      band: bands.findIndex((b) => b.domains.includes(domain)),
      hosts: 0,
      ...(d.method === undefined ? {} : { method: d.method }),
      x: at.x,
      y: at.y,
    });
  }

  const channels: SanitizedChannel[] = [];
  for (const d of network.devices) {
    if (d.kind !== 'sanitizer') continue;
    for (const r of d.relays) {
      const inZone = d.interfaces.find((i) => i.name === r.in)?.zone;
      if (inZone === undefined) continue;
      channels.push({
        sanitizer: d.id,
        method: d.method ?? 'unknown',
        from: network.zones[inZone]!.id,
        to: zonesOf(network, r.to).map((z) => network.zones[z]!.id),
        services: r.services.map(formatServiceTerm),
      });
    }
  }
  const domains: Record<string, DomainName> = {};
  for (const [d, name] of Object.entries(domainNames)) domains[d] = { ja: name.ja, en: name.en };
  return { topology: { file: network.file, name: network.name, model: network.model ?? 'none' }, domains, bands, nodes, edges, channels };
}

function mostCommon(values: readonly string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
}
