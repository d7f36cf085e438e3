// The zone graph of the web page: the shared model (zone-model.ts: zones banded by domain, hosts
// counted, devices, links) with the sanitized channels and a deterministic layout, so that a
// browser only draws it. The page and its API route use it; the documents draw the same model.

import type { Network } from '../model/network.ts';
import { zonesOf } from '../model/network.ts';
import { formatServiceTerm } from '../net/services.ts';
import { type ModelEdge, type ModelNode, summarise, zoneModel } from './zone-model.ts';

export { MAIN_DOMAINS } from './zone-model.ts';

export interface GraphNode extends Omit<ModelNode, 'inBand'> {
  /** The box of the documents' summarised picture it is counted in (the id of the box's first member; its own id when drawn alone). */
  readonly box: string;
  readonly x: number;
  readonly y: number;
}

export type { ModelEdge as GraphEdge } from './zone-model.ts';

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
  readonly edges: readonly ModelEdge[];
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
  const model = zoneModel(network);
  const boxOf = new Map<string, string>();
  for (const box of summarise(model).nodes) for (const m of box.members) boxOf.set(m, box.id);
  const zones = model.nodes.filter((n) => n.kind === 'zone');

  // Bands stacked top to bottom; zones of a band in rows of `perRow`, in topology order, as many
  // per row as make the whole about ASPECT times wider than high (a city's thousand zones at once).
  const perRow = Math.max(6, Math.ceil(Math.sqrt((zones.length * ROW) / (COLUMN * ASPECT))));
  const at = new Map<string, { x: number; y: number }>();
  const bands: GraphBand[] = [];
  let top = 0;
  model.bands.forEach((b, band) => {
    const members = zones.filter((z) => z.band === band);
    const rows = Math.ceil(members.length / perRow);
    members.forEach((z, i) => {
      const row = Math.floor(i / perRow);
      const inRow = Math.min(perRow, members.length - row * perRow);
      // Each row centred; odd rows shifted half a column so that edges do not run along a row.
      at.set(z.id, { x: (i % perRow) * COLUMN - ((inRow - 1) * COLUMN) / 2 + (row % 2) * (COLUMN / 2), y: top + BAND_PADDING + row * ROW });
    });
    const bottom = top + 2 * BAND_PADDING + (rows - 1) * ROW;
    bands.push({ ...b, top, bottom });
    top = bottom + BAND_GAP;
  });

  // A device sits between the zones it is attached to (their centre), a little below so that it
  // does not hide a zone; a device in no zone sits by the devices it is linked to (below).
  const attached = new Map<string, string[]>();
  const linked = new Map<string, string[]>();
  for (const e of model.edges) {
    const list = e.kind === 'attach' ? attached : linked;
    list.set(e.source, [...(list.get(e.source) ?? []), e.target]);
    if (e.kind === 'link') list.set(e.target, [...(list.get(e.target) ?? []), e.source]);
  }
  const devices = model.nodes.filter((n) => n.kind !== 'zone');
  devices.forEach((d, i) => {
    const near = (attached.get(d.id) ?? []).map((z) => at.get(z)!);
    if (near.length === 0) return;
    const x = near.reduce((s, p) => s + p.x, 0) / near.length;
    const y = near.reduce((s, p) => s + p.y, 0) / near.length;
    at.set(d.id, { x: x + ((i % 5) - 2) * (COLUMN / 8), y: y + ROW / 3 });
  });
  // Devices in no zone, placed beside a placed neighbour (breadth first); any left go below all bands.
  let pending = devices.filter((d) => !at.has(d.id));
  for (let round = 0; pending.length > 0 && round < devices.length; round++) {
    const next = pending.filter((d) => {
      const near = (linked.get(d.id) ?? []).flatMap((n) => at.get(n) ?? []);
      if (near.length === 0) return true;
      at.set(d.id, { x: near.reduce((s, p) => s + p.x, 0) / near.length + COLUMN / 3, y: near.reduce((s, p) => s + p.y, 0) / near.length + ROW / 4 });
      return false;
    });
    if (next.length === pending.length) break;
    pending = next;
  }
  pending.forEach((d, i) => {
    at.set(d.id, { x: i * COLUMN, y: top + BAND_PADDING });
  });
  const nodes: GraphNode[] = model.nodes.map(({ inBand: _, ...n }) => ({ ...n, box: boxOf.get(n.id)!, ...at.get(n.id)! }));

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
  return { topology: { file: network.file, name: network.name, model: network.model ?? 'none' }, domains, bands, nodes, edges: model.edges, channels };
}
