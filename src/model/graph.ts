// The topology as a graphology graph: one node per zone segment and per device, one edge per
// interface attachment (device -> zone) and per link (device <-> device).

import { MultiUndirectedGraph } from 'graphology';
import type { Network } from './network.ts';

export interface NodeAttributes {
  readonly kind: 'zone' | 'device';
  readonly index: number;
}

/** One end of an edge at a device: the device index and its interface. */
export interface DeviceEnd {
  readonly device: number;
  readonly interface: string;
}

/**
 * `attach` edges join a device interface to its zone; `link` edges join two device interfaces
 * (of two devices, or two ports of one device: a loop cable).
 */
export type EdgeAttributes =
  | { readonly kind: 'attach'; readonly end: DeviceEnd; readonly zone: number }
  | { readonly kind: 'link'; readonly a: DeviceEnd; readonly b: DeviceEnd };

export type TopologyGraph = MultiUndirectedGraph<NodeAttributes, EdgeAttributes>;

export const zoneKey = (id: string): string => `zone:${id}`;
export const deviceKey = (id: string): string => `device:${id}`;
/** Failure-domain id of an attachment edge: "device:interface". */
export const attachId = (deviceId: string, iface: string): string => `${deviceId}:${iface}`;

export function buildGraph(network: Network): TopologyGraph {
  const graph: TopologyGraph = new MultiUndirectedGraph<NodeAttributes, EdgeAttributes>();
  for (const z of network.zones) graph.addNode(zoneKey(z.id), { kind: 'zone', index: z.index });
  for (const d of network.devices) graph.addNode(deviceKey(d.id), { kind: 'device', index: d.index });
  for (const d of network.devices) {
    for (const f of d.interfaces) {
      if (f.zone === undefined) continue;
      graph.addEdgeWithKey(attachId(d.id, f.name), deviceKey(d.id), zoneKey(network.zones[f.zone]!.id), {
        kind: 'attach',
        end: { device: d.index, interface: f.name },
        zone: f.zone,
      });
    }
  }
  for (const link of network.links) {
    const a = network.devices[link.a.device]!;
    const b = network.devices[link.b.device]!;
    graph.addEdgeWithKey(link.id, deviceKey(a.id), deviceKey(b.id), { kind: 'link', a: link.a, b: link.b });
  }
  return graph;
}
