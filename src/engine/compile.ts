// The network compiled once for the fast engine: integer ids, CSR adjacency in typed arrays,
// and BDDs for what each element lets through (zone address space, routes, rule lists).
// One compilation per Network object serves every engine built on it (what-if failures
// included), so they share one BDD manager and its caches.

import { attachId } from '../model/graph.ts';
import { type Device, isGateway, type Network } from '../model/network.ts';
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
  /** Each firewall rule's match. */
  readonly ruleMatches: readonly (readonly Node[])[];
  /** The rules of a firewall that apply from port `in` to port `out`, in order. */
  rulesFor(device: number, inPort: number, outPort: number): readonly number[];
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

/** Compiles a network into the BDD manager of another, so that their sets compare by node id. */
export function compileNetworkSharing(network: Network, other: CompiledNetwork): CompiledNetwork {
  const compiled = compile(network, other.bdd);
  compiledNetworks.set(network, compiled);
  return compiled;
}

function compile(network: Network, shared?: Bdd): CompiledNetwork {
  // Tables sized to the network, so small networks stay cheap and large ones rarely regrow.
  const rules = network.devices.reduce((n, d) => n + d.rules.length, 0);
  const tableBits = Math.min(22, Math.max(12, Math.ceil(Math.log2(64 * (rules + 4 * network.zones.length + 16)))));
  const bdd = shared ?? new Bdd(1 << tableBits, Math.min(20, tableBits));
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
  const { permit, rulesFor } = ruleDecisions(bdd, network, portStart, portCount, ruleMatches);

  return {
    network, bdd, zoneCount, dstOwned, srcOwned,
    portCount, portDevice: Int32Array.from(portDeviceList), portName, portStart,
    edgeStart, edgeZone: Int32Array.from(edgeZone), edgePeer: Int32Array.from(edgePeer), edgeAttachment: Int32Array.from(edgeAttachment), edgeId,
    attachStart, attachPort: Int32Array.from(attachPort), attachEdge,
    gateways, routed, unrouted, permit, ruleMatches, rulesFor,
  };
}

/**
 * The network after a change that kept every zone, device, interface and link (rules or
 * routes of `changed` devices differ): shares the base's BDD manager, so sets of the two
 * compare by node id, and everything but the changed devices.
 */
export function deriveCompiled(base: CompiledNetwork, network: Network, changed: ReadonlySet<number>): CompiledNetwork {
  const bdd = base.bdd;
  const routed = base.routed.slice();
  const unrouted = base.unrouted.slice();
  const ruleMatches = base.ruleMatches.slice();
  for (const index of changed) {
    const d = network.devices[index]!;
    const r = compileRoutes(bdd, network, d);
    routed[index] = r?.routed;
    unrouted[index] = r?.unrouted ?? FALSE;
    // A rule kept from before (the same object) keeps its match; only new rules are built.
    const known = new Map(base.network.devices[index]?.rules.map((r, k) => [r, base.ruleMatches[index]![k]!] as const) ?? []);
    ruleMatches[index] = d.rules.map((rule) => known.get(rule) ?? bdd.product(rule.src, rule.dst, rule.services));
  }
  const own = ruleDecisions(bdd, network, base.portStart, base.portCount, ruleMatches);
  const compiled: CompiledNetwork = {
    ...base,
    network,
    routed,
    unrouted,
    ruleMatches,
    permit: (device, inPort, outPort) => (changed.has(device) ? own.permit : base.permit)(device, inPort, outPort),
    rulesFor: (device, inPort, outPort) => (changed.has(device) ? own.rulesFor : base.rulesFor)(device, inPort, outPort),
  };
  compiledNetworks.set(network, compiled);
  return compiled;
}

/**
 * Per firewall: which rules apply to a pair of ports, and what the pair permits (the rule
 * list folded from the last rule to the first), cached per distinct list of applicable rules.
 */
function ruleDecisions(
  bdd: Bdd, network: Network, portStart: Int32Array, portCount: number, ruleMatches: readonly (readonly Node[])[],
): Pick<CompiledNetwork, 'permit' | 'rulesFor'> {
  // Interface-bound rules apply to some port pairs only. Per firewall with such rules: for
  // each in-port the rules it may meet, so a pair's applicable rules are found without
  // scanning the whole list (built on first use).
  const bindings = new Map<number, ReturnType<typeof indexBindings> | undefined>();
  const bindingsOf = (device: number): ReturnType<typeof indexBindings> | undefined => {
    if (!bindings.has(device)) {
      const d = network.devices[device]!;
      bindings.set(device, d.rules.some((r) => r.inInterfaces || r.outInterfaces) ? indexBindings(d) : undefined);
    }
    return bindings.get(device);
  };
  const allRules = new Map<number, number[]>();
  const rulesFor = (device: number, inPort: number, outPort: number): readonly number[] => {
    const b = bindingsOf(device);
    const first = portStart[device]!;
    if (b) return b.applicable(inPort - first, outPort - first);
    let all = allRules.get(device);
    if (!all) allRules.set(device, (all = network.devices[device]!.rules.map((_, k) => k)));
    return all;
  };
  const permitsByRules = new Map<string, Node>();
  const permitsByPorts = new Map<number, Node>();
  const permit = (device: number, inPort: number, outPort: number): Node => {
    const d = network.devices[device]!;
    if (d.kind !== 'firewall') return TRUE;
    const b = bindingsOf(device);
    const pairKey = b ? inPort * portCount + outPort : -1 - device;
    let p = permitsByPorts.get(pairKey);
    if (p !== undefined) return p;
    const rules = rulesFor(device, inPort, outPort);
    const signature = b ? `${device}:${rules.join(',')}` : `${device}`;
    p = permitsByRules.get(signature);
    if (p === undefined) {
      // First match wins: fold the rules from the last (default deny) to the first.
      p = FALSE;
      const matches = ruleMatches[device]!;
      for (let i = rules.length - 1; i >= 0; i--) {
        const k = rules[i]!;
        p = d.rules[k]!.action === 'permit' ? bdd.or(matches[k]!, p) : bdd.diff(p, matches[k]!);
      }
      permitsByRules.set(signature, p);
    }
    permitsByPorts.set(pairKey, p);
    return p;
  };
  return { permit, rulesFor };
}

/** Which rules of a device apply between two of its ports (by position in its interfaces). */
function indexBindings(d: Device): { applicable(inPort: number, outPort: number): number[] } {
  const names = d.interfaces.map((f) => f.name);
  const position = new Map(names.map((name, p) => [name, p]));
  // Per in-port, in rule order: the rules naming it and the rules naming no in-interface.
  const byIn: number[][] = names.map(() => []);
  d.rules.forEach((rule, k) => {
    if (!rule.inInterfaces) for (const list of byIn) list.push(k);
    else for (const name of rule.inInterfaces) byIn[position.get(name)!]!.push(k);
  });
  return {
    applicable: (inPort, outPort) => byIn[inPort]!.filter((k) => {
      const out = d.rules[k]!.outInterfaces;
      return !out || out.has(names[outPort]!);
    }),
  };
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
