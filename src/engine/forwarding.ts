// The forwarding graph of a compiled network for the fast engine's data-plane checks: states (a
// device entered by a port, a zone entered from one of its attachments), labelled transitions
// between them (the headers that take each step), the injection points, and the ends packets come to.

import { isGateway, type Network } from '../model/network.ts';
import { FALSE, type Node, TRUE } from './bdd.ts';
import type { CompiledNetwork } from './compile.ts';
import { TransitionGraph } from './propagate.ts';

/**
 * Where a transition leads: a state (>= 0), or out of the network by an edge port q
 * (encoded -1 - q).
 */
export type Target = number;

export const exitTarget = (port: number): Target => -1 - port;
export const exitPort = (target: Target): number => -1 - target;

/**
 * States 0 .. P-1 are device ports (the device entered by that port); P .. P+A-1 are zone
 * entries (the zone entered from the device of attachment a). Origins are injection-only
 * nodes, never targets: P+A+d originates at device d, P+A+D+z at zone z.
 */
export interface ForwardingGraph {
  readonly compiled: CompiledNetwork;
  readonly network: Network;
  /** Device ports (device states). */
  readonly P: number;
  /** Zone attachments (zone states). */
  readonly A: number;
  readonly D: number;
  readonly Z: number;
  readonly stateCount: number;
  readonly nodeCount: number;
  /** The transitions, finished (the engine's `propagate` runs on them); the arrays below are its. */
  readonly transitions: TransitionGraph;
  /** CSR over nodes (states and origins): transitions start[n] .. start[n+1]-1. */
  readonly start: Int32Array;
  readonly target: Int32Array;
  readonly label: Int32Array;
  /** Out-port of a device transition (-1 from a zone). */
  readonly outPort: Int32Array;
  /** Ports packets leave the network by: no link, no zone, not a VLAN interface. */
  readonly edgePort: Uint8Array;
  /** VLAN interfaces (they stand for their members; never a port of their own). */
  readonly vlanPort: Uint8Array;
  /** The zone of each attachment. */
  readonly attachmentZone: Int32Array;
  /** Per zone: the headers it does not own (passed on to its other attachments). */
  readonly passOn: readonly Node[];
  /** Injection points with the headers they inject. */
  readonly injections: readonly Injection[];
  /** What a device state lets in (its in-ACLs); TRUE for zone states. */
  enters(state: number): Node;
  isGatewayDevice(device: number): boolean;
}

export type Injection =
  | { readonly kind: 'device'; readonly device: number; readonly node: number; readonly headers: Node }
  | { readonly kind: 'zone'; readonly zone: number; readonly node: number; readonly headers: Node }
  | { readonly kind: 'edge'; readonly port: number; readonly node: number; readonly headers: Node };

export function buildForwardingGraph(c: CompiledNetwork): ForwardingGraph {
  const network = c.network;
  const bdd = c.bdd;
  const P = c.portCount;
  const A = c.attachPort.length;
  const D = network.devices.length;
  const Z = c.zoneCount;
  const stateCount = P + A;
  const nodeCount = P + A + D + Z;
  const gateway = new Uint8Array(D);
  network.devices.forEach((d) => {
    gateway[d.index] = isGateway(d) ? 1 : 0;
  });
  const vlanPort = new Uint8Array(P);
  const edgePort = new Uint8Array(P);
  for (const d of network.devices) {
    d.interfaces.forEach((f, k) => {
      const p = c.portStart[d.index]! + k;
      if (f.members) vlanPort[p] = 1;
      else if (c.edgeStart[p] === c.edgeStart[p + 1]) edgePort[p] = 1;
    });
  }
  const attachmentZone = new Int32Array(A);
  for (let z = 0; z < Z; z++) for (let a = c.attachStart[z]!; a < c.attachStart[z + 1]!; a++) attachmentZone[a] = z;
  const passOn = c.dstOwned.map((owned) => bdd.not(owned));

  // Tagged with the out-port of a device transition (-1 from a zone).
  const tg = new TransitionGraph(nodeCount, 4 * nodeCount);
  const push = (t: number, l: Node, q: number): void => tg.add(t, l, q);
  /** The states (or the exit) a copy sent out of port q reaches. */
  const sendOut = (q: number, l: Node): void => {
    if (edgePort[q]) {
      push(exitTarget(q), l, q);
      return;
    }
    for (let e = c.edgeStart[q]!; e < c.edgeStart[q + 1]!; e++) {
      const zone = c.edgeZone[e]!;
      push(zone >= 0 ? P + c.edgeAttachment[e]! : c.edgePeer[e]!, l, q);
    }
  };
  const routedOut = (device: number, q: number): Node => {
    const routes = c.routed[device];
    return routes ? routes[q - c.portStart[device]!]! : TRUE;
  };
  // Device states: out of every other physical port, as routes and filters allow.
  for (let p = 0; p < P; p++) {
    tg.from(p);
    const device = c.portDevice[p]!;
    if (gateway[device] || vlanPort[p]) continue; // gateways never forward
    for (let q = c.portStart[device]!; q < c.portStart[device + 1]!; q++) {
      if (q === p || vlanPort[q]) continue;
      const routed = routedOut(device, q);
      if (routed === FALSE) continue;
      sendOut(q, bdd.and(routed, c.permit(device, p, q)));
    }
  }
  // Zone states: what the zone does not own, to the devices other than the one it came from.
  for (let a = 0; a < A; a++) {
    tg.from(P + a);
    const zone = attachmentZone[a]!;
    const from = c.portDevice[c.attachPort[a]!]!;
    for (let b = c.attachStart[zone]!; b < c.attachStart[zone + 1]!; b++) {
      const port = c.attachPort[b]!;
      if (c.portDevice[port] !== from) push(port, passOn[zone]!, -1);
    }
  }
  // Device origins: routed by the device's own table, through the out-ACLs (no in-port, so no
  // firewall rule list: those decide transit between interfaces).
  for (let d = 0; d < D; d++) {
    tg.from(P + A + d);
    if (gateway[d]) continue;
    for (let q = c.portStart[d]!; q < c.portStart[d + 1]!; q++) {
      if (vlanPort[q]) continue;
      const routed = routedOut(d, q);
      if (routed !== FALSE) sendOut(q, bdd.and(routed, c.aclPermit(q, 'out')));
    }
  }
  // Zone origins: what is not for the zone itself, to every attached device.
  for (let z = 0; z < Z; z++) {
    tg.from(P + A + D + z);
    for (let b = c.attachStart[z]!; b < c.attachStart[z + 1]!; b++) push(c.attachPort[b]!, passOn[z]!, -1);
  }
  tg.finish();

  const injections: Injection[] = [];
  for (let d = 0; d < D; d++) if (!gateway[d]) injections.push({ kind: 'device', device: d, node: P + A + d, headers: TRUE });
  // A zone sends from its own addresses, as in the policy engine.
  for (let z = 0; z < Z; z++) injections.push({ kind: 'zone', zone: z, node: P + A + D + z, headers: c.srcOwned[z]! });
  // An edge port faces the outside: anything may come in by it.
  for (let p = 0; p < P; p++) if (edgePort[p]) injections.push({ kind: 'edge', port: p, node: p, headers: TRUE });

  return {
    compiled: c,
    network,
    P,
    A,
    D,
    Z,
    stateCount,
    nodeCount,
    transitions: tg,
    start: tg.start,
    target: tg.target,
    label: tg.label,
    outPort: tg.tag,
    edgePort,
    vlanPort,
    attachmentZone,
    passOn,
    injections,
    enters: (s) => (s < P ? c.aclPermit(s, 'in') : TRUE),
    isGatewayDevice: (d) => gateway[d] === 1,
  };
}
