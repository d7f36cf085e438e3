// The zone matrix: which services flow from each zone (or domain) to each other one, read
// off the engine's zone-to-zone reach. Sources are cut to each zone's own addresses.

import type { Network } from '../model/network.ts';
import { ALL_HEADERS, type HeaderBox, type HeaderSet, normalize, subtract } from '../engine/headerset.ts';
import type { ReachabilityEngine } from '../engine/types.ts';
import { formatServiceTerm } from '../net/services.ts';
import { splitBySource } from './analysis.ts';

export type MatrixLevel = 'zone' | 'domain';

export interface MatrixCell {
  readonly from: string;
  readonly to: string;
  /** The services as disjoint protocol/port terms, e.g. ["tcp/443", "udp/53"]. */
  readonly services: readonly string[];
  /** The same, short: "any", "any except tcp/445", or the list joined by ", ". */
  readonly summary: string;
}

export interface ZoneMatrix {
  readonly level: MatrixLevel;
  /** Row and column labels: zone ids or domain names, in topology order. */
  readonly labels: readonly string[];
  /** Non-empty cells between different zones (domains), in row-major order. */
  readonly cells: readonly MatrixCell[];
}

export function zoneMatrix(network: Network, engine: ReachabilityEngine, level: MatrixLevel): ZoneMatrix {
  const zones = network.zones.map((z) => z.index);
  const labelOf = (zone: number): string => (level === 'zone' ? network.zones[zone]!.id : network.zones[zone]!.domain);
  const labels = [...new Set(zones.map(labelOf))];
  const position = new Map(labels.map((l, i) => [l, i]));
  // Services only: source and destination addresses forgotten, per (from, to) label pair.
  const services = new Map<string, Map<string, HeaderBox>>();
  for (const r of engine.reach(zones, zones)) {
    for (const [from, boxes] of splitBySource(network, r.headers)) {
      const a = labelOf(from);
      const b = labelOf(r.zone);
      if (a === b) continue;
      const key = `${position.get(a)}\u0000${position.get(b)}`;
      const list = services.get(key) ?? new Map<string, HeaderBox>();
      for (const box of boxes)
        list.set(`${box.protoLo}/${box.protoHi}/${box.portLo}/${box.portHi}`, {
          ...ALL_HEADERS,
          protoLo: box.protoLo,
          protoHi: box.protoHi,
          portLo: box.portLo,
          portHi: box.portHi,
        });
      services.set(key, list);
    }
  }
  const cells: MatrixCell[] = [];
  for (const [key, boxes] of [...services].sort(([x], [y]) => compareKeys(x, y))) {
    const [i, j] = key.split('\u0000').map(Number) as [number, number];
    const set = normalize([...boxes.values()]);
    cells.push({ from: labels[i]!, to: labels[j]!, services: terms(set), summary: summarize(set) });
  }
  return { level, labels, cells };
}

function compareKeys(x: string, y: string): number {
  const [a, b] = x.split('\u0000').map(Number) as [number, number];
  const [c, d] = y.split('\u0000').map(Number) as [number, number];
  return a - c || b - d;
}

function terms(set: HeaderSet): string[] {
  return [...set].sort((a, b) => a.protoLo - b.protoLo || a.portLo - b.portLo).map((b) => formatServiceTerm(b));
}

/** "any", "any except tcp/445" when the complement is shorter, else the terms. */
function summarize(set: HeaderSet): string {
  const missing = normalize(subtract([ALL_HEADERS], set));
  if (missing.length === 0) return 'any';
  if (missing.length < set.length) return `any except ${terms(missing).join(', ')}`;
  return terms(set).join(', ');
}
