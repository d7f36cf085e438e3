// The network compiled once for the fast engine: integer ids, CSR adjacency in typed arrays,
// and BDDs for what each element lets through (zone address space, routes, rule lists).
// One compilation per Network object serves every engine built on it (what-if failures
// included), so they share one BDD manager and its caches.

import { attachId } from '../model/graph.ts';
import { type Device, isGateway, type Network, type Rule } from '../model/network.ts';
import { IPV4_ALL, type Ipv4Range } from '../net/ipv4.ts';
import type { ServiceTerm } from '../net/services.ts';
import { Bdd, DST, FALSE, type Node, SRC, TRUE } from './bdd.ts';

/** A sanitizer or proxy address in a zone, with the services its relays accept there. */
export interface GatewayEndpoint {
  readonly device: number;
  readonly interface: string;
  /** Failure id of the attachment (device:interface). */
  readonly attachment: string;
  readonly address: number;
  readonly at: Node;
  readonly accepts: Node;
}

export interface CompiledNetwork {
  readonly network: Network;
  readonly bdd: Bdd;
  readonly zoneCount: number;
  /** Destination (and source) addresses each zone owns. */
  readonly dstOwned: readonly Node[];
  readonly srcOwned: readonly Node[];
  /** Ports: one per device interface, numbered device by device. */
  readonly portCount: number;
  readonly portDevice: Int32Array;
  readonly portName: readonly string[];
  /** CSR: the ports of device d are portStart[d] .. portStart[d+1]-1. */
  readonly portStart: Int32Array;
  /**
   * CSR over ports: the edges of port p are edgeStart[p] .. edgeStart[p+1]-1. An edge goes to
   * a zone (edgeZone >= 0, then edgeAttachment is the zone's entry index) or to a peer port.
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
  readonly gateways: readonly (readonly GatewayEndpoint[])[];
  /** Per device: destinations routed out of each of its ports (undefined: no routes, any). */
  readonly routed: readonly (readonly Node[] | undefined)[];
  readonly unrouted: readonly Node[];
  /** What a firewall lets from port `in` out of port `out` (TRUE for other devices). */
  permit(device: number, inPort: number, outPort: number): Node;
  /** The first rule of a firewall that decides a packet going from `in` to `out`. */
  readonly ruleMatches: readonly (readonly Node[])[];
}

const compiledNetworks = new WeakMap<Network, CompiledNetwork>();

export function compileNetwork(network: Network): CompiledNetwork {
  let compiled = compiledNetworks.get(network);
  if (!compiled) {
    compiled = compile(network);
    compiledNetworks.set(network, compiled);
  }
  return compiled;
}

function compile(network: Network): CompiledNetwork {
  const bdd = new Bdd();
  const zoneCount = network.zones.length;
  const dstOwned = network.zones.map((z) => bdd.ranges(DST, z.owned));
  const srcOwned = network.zones.map((z) => bdd.ranges(SRC, z.owned));

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

  const services = (terms: readonly ServiceTerm[]): Node => bdd.product([IPV4_ALL], [IPV4_ALL], terms);

  // Gateway endpoints per zone.
  const gateways: GatewayEndpoint[][] = Array.from({ length: zoneCount }, () => []);
  for (const d of network.devices) {
    if (!isGateway(d)) continue;
    for (const f of d.interfaces) {
      if (f.zone === undefined || f.address === undefined) continue;
      gateways[f.zone]!.push({
        device: d.index,
        interface: f.name,
        attachment: attachId(d.id, f.name),
        address: f.address,
        at: bdd.range(DST, f.address, f.address),
        accepts: services(d.relays.filter((r) => r.in === f.name).flatMap((r) => r.services)),
      });
    }
  }

  // Routes: longest prefix match, equal prefixes share (ECMP); connected subnets included.
  const routed: Array<Node[] | undefined> = [];
  const unrouted: Node[] = [];
  for (const d of network.devices) {
    const r = compileRoutes(bdd, network, d);
    routed.push(r?.routed);
    unrouted.push(r?.unrouted ?? FALSE);
  }

  const ruleMatches = network.devices.map((d) => d.rules.map((rule) => bdd.product(rule.src, rule.dst, rule.services)));
  const bound = network.devices.map((d) => d.rules.some((r) => r.inInterfaces || r.outInterfaces));
  const permitsByRules = new Map<string, Node>();
  const permitsByPorts = new Map<number, Node>();
  const permit = (device: number, inPort: number, outPort: number): Node => {
    const d = network.devices[device]!;
    if (d.kind !== 'firewall') return TRUE;
    const pairKey = bound[device] ? inPort * portCount + outPort : -1 - device;
    let p = permitsByPorts.get(pairKey);
    if (p !== undefined) return p;
    const inName = portName[inPort]!;
    const outName = portName[outPort]!;
    // Rules bound to interfaces apply to some port pairs only: the applicable rules name the list.
    let signature = `${device}`;
    if (bound[device]) d.rules.forEach((rule, k) => {
      if (!applies(rule, inName, outName)) signature += `,${k}`;
    });
    p = permitsByRules.get(signature);
    if (p === undefined) {
      // First match wins: fold the rules from the last (default deny) to the first.
      p = FALSE;
      const matches = ruleMatches[device]!;
      for (let k = d.rules.length - 1; k >= 0; k--) {
        const rule = d.rules[k]!;
        if (!applies(rule, inName, outName)) continue;
        p = rule.action === 'permit' ? bdd.or(matches[k]!, p) : bdd.diff(p, matches[k]!);
      }
      permitsByRules.set(signature, p);
    }
    permitsByPorts.set(pairKey, p);
    return p;
  };

  return {
    network, bdd, zoneCount, dstOwned, srcOwned,
    portCount, portDevice: Int32Array.from(portDeviceList), portName, portStart,
    edgeStart, edgeZone: Int32Array.from(edgeZone), edgePeer: Int32Array.from(edgePeer), edgeAttachment: Int32Array.from(edgeAttachment), edgeId,
    attachStart, attachPort: Int32Array.from(attachPort), attachEdge,
    gateways, routed, unrouted, permit, ruleMatches,
  };
}

/** True when a rule takes part in decisions from interface `inName` to `outName`. */
export function applies(rule: Rule, inName: string, outName: string): boolean {
  return (!rule.inInterfaces || rule.inInterfaces.has(inName)) && (!rule.outInterfaces || rule.outInterfaces.has(outName));
}

function compileRoutes(bdd: Bdd, network: Network, device: Device): { routed: Node[]; unrouted: Node } | undefined {
  if (!device.routes) return undefined;
  const portIndex = new Map(device.interfaces.map((f, i) => [f.name, i]));
  const routes: Array<Ipv4Range & { length: number; port: number }> = [];
  for (const f of device.interfaces) {
    if (f.zone === undefined) continue;
    const z = network.zones[f.zone]!;
    if (z.isDefault) continue;
    for (const s of z.subnets) routes.push({ lo: s.lo, hi: s.hi, length: s.length, port: portIndex.get(f.name)! });
  }
  for (const r of device.routes) routes.push({ lo: r.prefix.lo, hi: r.prefix.hi, length: r.prefix.length, port: portIndex.get(r.interface)! });
  routes.sort((a, b) => b.length - a.length);
  const routed: Node[] = device.interfaces.map(() => FALSE);
  let remaining: Node = TRUE;
  for (let i = 0; i < routes.length;) {
    // All prefixes of one length claim what no longer prefix took.
    let j = i;
    let claimed: Node = FALSE;
    for (; j < routes.length && routes[j]!.length === routes[i]!.length; j++) {
      const r = routes[j]!;
      const prefix = bdd.range(DST, r.lo, r.hi);
      routed[r.port] = bdd.or(routed[r.port]!, bdd.and(remaining, prefix));
      claimed = bdd.or(claimed, prefix);
    }
    remaining = bdd.diff(remaining, claimed);
    i = j;
  }
  return { routed, unrouted: remaining };
}
