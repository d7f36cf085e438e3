// Compiles a resolved Network into the replay's data-plane graph: integer positions (a node and
// a port, as APKeep names them: "<device>,<port>", "<dev>_<acl>_<port>_<in|out>,inport" and
// ",permit") and, per egress position, the ingress positions a packet sent there reaches.

import { compileAdjacency } from '../engine/adjacency.ts';
import type { Network } from '../model/network.ts';

export const POS_PORT = 0;
export const POS_ACL_IN = 1;
export const POS_ACL_PERMIT = 2;

export interface PlaneDevice {
  readonly id: string;
  /** Interface name -> index in `ports` (physical and VLAN interfaces alike). */
  readonly portIndex: ReadonlyMap<string, number>;
  readonly ports: readonly string[];
  /** Per interface: the physical ports a copy sent to it leaves by (VLAN members, or itself). */
  readonly physical: readonly (readonly number[])[];
  /** Per physical port: its position id (-1 for VLAN interfaces). */
  readonly position: Int32Array;
}

export interface Plane {
  readonly devices: readonly PlaneDevice[];
  readonly deviceIndex: ReadonlyMap<string, number>;
  /** ACL elements: "<device> <acl>". */
  readonly elements: readonly { readonly device: number; readonly name: string }[];
  readonly elementIndex: ReadonlyMap<string, number>;
  readonly positions: number;
  readonly posName: readonly string[];
  readonly posKind: Uint8Array;
  /** Device of every position (the ACL node's device for ACL positions). */
  readonly posDevice: Int32Array;
  /** Device ports: the port index; ACL inports: the element index; permits: -1. */
  readonly posDetail: Int32Array;
  /** ACL inport -> its permit position. */
  readonly permitOf: Int32Array;
  /** Egress position -> ingress positions (CSR). */
  readonly edgeStart: Int32Array;
  readonly edgeTo: Int32Array;
  /** Device ports attached to a zone: a packet sent there is delivered into the zone. */
  readonly toZone: Uint8Array;
}

/** The graph of a network's forwarding devices, ACL bindings and links. */
export function compilePlane(network: Network): Plane {
  const posName: string[] = [];
  const posKind: number[] = [];
  const posDevice: number[] = [];
  const posDetail: number[] = [];
  const toZone: number[] = [];
  const newPos = (name: string, kind: number, device: number, detail: number, zone = false): number => {
    posName.push(name);
    posKind.push(kind);
    posDevice.push(device);
    posDetail.push(detail);
    toZone.push(zone ? 1 : 0);
    return posName.length - 1;
  };
  const elements: Array<{ device: number; name: string }> = [];
  const elementIndex = new Map<string, number>();
  const devices: PlaneDevice[] = network.devices.map((d, di) => {
    for (const acl of d.acls) {
      elementIndex.set(`${d.id} ${acl.name}`, elements.length);
      elements.push({ device: di, name: acl.name });
    }
    const ports = d.interfaces.map((f) => f.name);
    const portIndex = new Map(ports.map((p, i) => [p, i]));
    const position = new Int32Array(ports.length).fill(-1);
    d.interfaces.forEach((f, i) => {
      if (!f.members) position[i] = newPos(`${d.id},${f.name}`, POS_PORT, di, i, f.zone !== undefined);
    });
    const physical = d.interfaces.map((f, i) => (f.members ? f.members.map((m) => portIndex.get(m)!) : [i]));
    return { id: d.id, portIndex, ports, physical, position };
  });
  const deviceIndex = new Map(devices.map((d, i) => [d.id, i]));

  // ACL node positions, and each port's chain as [inport, permit] pairs.
  const permitOf: number[] = [];
  const chains = (di: number, port: string, names: readonly string[], dir: 'in' | 'out'): Array<[number, number]> =>
    names.map((acl) => {
      const node = `${network.devices[di]!.id}_${acl}_${port}_${dir}`;
      const element = elementIndex.get(`${network.devices[di]!.id} ${acl}`)!;
      const inport = newPos(`${node},inport`, POS_ACL_IN, di, element);
      const permit = newPos(`${node},permit`, POS_ACL_PERMIT, di, -1);
      permitOf[inport] = permit;
      return [inport, permit];
    });
  const inChain: Array<Array<Array<[number, number]>>> = [];
  const outChain: Array<Array<Array<[number, number]>>> = [];
  network.devices.forEach((d, di) => {
    inChain[di] = d.interfaces.map((f) => chains(di, f.name, f.inAcls, 'in'));
    outChain[di] = d.interfaces.map((f) => chains(di, f.name, f.outAcls, 'out'));
  });

  const edges: number[][] = posName.map(() => []);
  // The position a packet arriving on (device, port) enters at: its first in-ACL, or the port.
  const ingress = (di: number, pi: number): number => inChain[di]![pi]![0]?.[0] ?? devices[di]!.position[pi]!;
  // The links from the network's one adjacency (its ports are the interfaces, in order).
  const adj = compileAdjacency(network);
  const peers = (di: number, pi: number): number[] => {
    const out: number[] = [];
    const p = adj.portStart[di]! + pi;
    for (let e = adj.edgeStart[p]!; e < adj.edgeStart[p + 1]!; e++) {
      const q = adj.edgePeer[e]!;
      if (q < 0) continue;
      const peerDevice = adj.portDevice[q]!;
      out.push(ingress(peerDevice, q - adj.portStart[peerDevice]!));
    }
    return out;
  };
  devices.forEach((d, di) => {
    d.ports.forEach((_, pi) => {
      const own = d.position[pi]!;
      if (own < 0) return;
      const ins = inChain[di]![pi]!;
      for (let k = 0; k + 1 < ins.length; k++) edges[ins[k]![1]]!.push(ins[k + 1]![0]);
      if (ins.length > 0) edges[ins[ins.length - 1]![1]]!.push(own);
      const outs = outChain[di]![pi]!;
      let last = own;
      for (const [inport, permit] of outs) {
        edges[last]!.push(inport);
        last = permit;
      }
      edges[last]!.push(...peers(di, pi));
    });
  });

  const edgeStart = new Int32Array(posName.length + 1);
  const flat: number[] = [];
  edges.forEach((list, i) => {
    edgeStart[i] = flat.length;
    flat.push(...list);
  });
  edgeStart[posName.length] = flat.length;
  return {
    devices,
    deviceIndex,
    elements,
    elementIndex,
    positions: posName.length,
    posName,
    posKind: Uint8Array.from(posKind),
    posDevice: Int32Array.from(posDevice),
    posDetail: Int32Array.from(posDetail),
    permitOf: Int32Array.from({ length: posName.length }, (_, i) => permitOf[i] ?? -1),
    edgeStart,
    edgeTo: Int32Array.from(flat),
    toZone: Uint8Array.from(toZone),
  };
}

/** The directed edges as APKeep's topo.txt lines "<node> <port> <node> <port>" (for comparison). */
export function planeEdgeLines(plane: Plane): string[] {
  const out: string[] = [];
  for (let p = 0; p < plane.positions; p++) {
    for (let e = plane.edgeStart[p]!; e < plane.edgeStart[p + 1]!; e++) {
      out.push(`${plane.posName[p]!.replace(',', ' ')} ${plane.posName[plane.edgeTo[e]!]!.replace(',', ' ')}`);
    }
  }
  return out;
}
