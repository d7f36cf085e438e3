// The one adjacency of a network: ports numbered device by device, and per port its edges (zone
// attachments, then links in both directions) in CSR typed arrays. No BDDs: the compiled
// network (compile.ts) and the incremental verifier's plane (incremental/plane.ts) both use it.

import { attachId } from '../model/graph.ts';
import type { Network } from '../model/network.ts';

export interface Adjacency {
  readonly zoneCount: number;
  /** Ports: one per device interface, numbered device by device. */
  readonly portCount: number;
  readonly portDevice: Int32Array;
  readonly portName: readonly string[];
  /** CSR: the ports of device d are portStart[d] .. portStart[d+1]-1. */
  readonly portStart: Int32Array;
  /**
   * CSR over ports: the edges of port p are edgeStart[p] .. edgeStart[p+1]-1; an edge enters a
   * zone (edgeZone >= 0, its attachment edgeAttachment) or a peer port (edgePeer >= 0).
   */
  readonly edgeStart: Int32Array;
  readonly edgeZone: Int32Array;
  readonly edgePeer: Int32Array;
  readonly edgeAttachment: Int32Array;
  /** Failure id of each edge: the attachment id or the link id. */
  readonly edgeId: readonly string[];
  /** CSR over zones: the attachments (entries) of zone z are attachStart[z] .. attachStart[z+1]-1. */
  readonly attachStart: Int32Array;
  readonly attachPort: Int32Array;
  readonly attachEdge: Int32Array;
}

export function compileAdjacency(network: Network): Adjacency {
  const zoneCount = network.zones.length;
  // Ports.
  const portStart = new Int32Array(network.devices.length + 1);
  const portName: string[] = [];
  const portDeviceList: number[] = [];
  const portOf = new Map<string, number>();
  for (const d of network.devices) {
    portStart[d.index] = portName.length;
    for (const f of d.interfaces) {
      portOf.set(`${d.index}:${f.name}`, portName.length);
      portName.push(f.name);
      portDeviceList.push(d.index);
    }
  }
  portStart[network.devices.length] = portName.length;
  const portCount = portName.length;

  // Edges per port: attachments and links (both directions).
  const edges: Array<Array<{ zone: number; peer: number; id: string }>> = Array.from({ length: portCount }, () => []);
  const attachments: Array<Array<{ port: number; id: string }>> = Array.from({ length: zoneCount }, () => []);
  for (const d of network.devices) {
    for (const f of d.interfaces) {
      if (f.zone === undefined) continue;
      const port = portOf.get(`${d.index}:${f.name}`)!;
      const id = attachId(d.id, f.name);
      edges[port]!.push({ zone: f.zone, peer: -1, id });
      attachments[f.zone]!.push({ port, id });
    }
  }
  for (const l of network.links) {
    const a = portOf.get(`${l.a.device}:${l.a.interface}`)!;
    const b = portOf.get(`${l.b.device}:${l.b.interface}`)!;
    edges[a]!.push({ zone: -1, peer: b, id: l.id });
    edges[b]!.push({ zone: -1, peer: a, id: l.id });
  }
  const attachStart = new Int32Array(zoneCount + 1);
  const attachPort: number[] = [];
  const attachIndexOf = new Map<string, number>();
  for (let z = 0; z < zoneCount; z++) {
    attachStart[z] = attachPort.length;
    for (const a of attachments[z]!) {
      attachIndexOf.set(`${a.port}:${z}`, attachPort.length);
      attachPort.push(a.port);
    }
  }
  attachStart[zoneCount] = attachPort.length;
  const edgeStart = new Int32Array(portCount + 1);
  const edgeZone: number[] = [];
  const edgePeer: number[] = [];
  const edgeAttachment: number[] = [];
  const edgeId: string[] = [];
  const attachEdge = new Int32Array(attachPort.length);
  for (let p = 0; p < portCount; p++) {
    edgeStart[p] = edgeZone.length;
    for (const e of edges[p]!) {
      const attachment = e.zone >= 0 ? attachIndexOf.get(`${p}:${e.zone}`)! : -1;
      if (attachment >= 0) attachEdge[attachment] = edgeZone.length;
      edgeZone.push(e.zone);
      edgePeer.push(e.peer);
      edgeAttachment.push(attachment);
      edgeId.push(e.id);
    }
  }
  edgeStart[portCount] = edgeZone.length;
  return {
    zoneCount,
    portCount,
    portDevice: Int32Array.from(portDeviceList),
    portName,
    portStart,
    edgeStart,
    edgeZone: Int32Array.from(edgeZone),
    edgePeer: Int32Array.from(edgePeer),
    edgeAttachment: Int32Array.from(edgeAttachment),
    edgeId,
    attachStart,
    attachPort: Int32Array.from(attachPort),
    attachEdge,
  };
}
