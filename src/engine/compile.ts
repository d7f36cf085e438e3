// The network compiled once for the fast engine: integer ids, CSR adjacency in typed arrays,
// and BDDs for what each element lets through (zone address space, routes, rule lists).
// One compilation per Network object serves every engine built on it (what-if failures
// included), so they share one BDD manager and its caches.

import { attachId } from '../model/graph.ts';
import { type Device, type Interface, isGateway, type Network, type Rule } from '../model/network.ts';
import { ruleLists } from '../model/rule-lists.ts';
import { IPV4_ALL, type Ipv4Range } from '../net/ipv4.ts';
import type { ServiceTerm } from '../net/services.ts';
import { type Adjacency, compileAdjacency } from './adjacency.ts';
import { Bdd, DST, FALSE, type Node, SRC, TRUE } from './bdd.ts';
import type { DecidingRule, Packet } from './types.ts';

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

/** The compiled network: the one adjacency (ports, edges, attachments in CSR) with BDDs over it. */
export interface CompiledNetwork extends Adjacency {
  readonly network: Network;
  readonly bdd: Bdd;
  /** Destination (and source) addresses each zone owns. */
  readonly dstOwned: readonly Node[];
  readonly srcOwned: readonly Node[];
  readonly gateways: readonly (readonly GatewayEndpoint[])[];
  /**
   * Per device: destinations routed out of each of its ports (undefined: no routes, any).
   * A route to a VLAN interface counts for each of its members.
   */
  readonly routed: readonly (readonly Node[] | undefined)[];
  /** Per device with routes: destinations it has no route for (a black hole). */
  readonly unrouted: readonly Node[];
  /** Per device with routes: destinations addressed to the device itself (deliver routes). */
  readonly delivered: readonly Node[];
  /** Per device with routes: destinations of its null routes (drop routes). */
  readonly discarded: readonly Node[];
  /**
   * What a device lets from port `in` out of port `out`: a firewall's rules and the ACLs bound
   * to the two ports (TRUE for devices with neither).
   */
  permit(device: number, inPort: number, outPort: number): Node;
  /** What the ACLs bound to a port let through in one direction (TRUE when none). */
  aclPermit(port: number, direction: 'in' | 'out'): Node;
  /** Each firewall rule's match. */
  readonly ruleMatches: readonly (readonly Node[])[];
  /** The rules of a firewall that apply from port `in` to port `out`, in order. */
  rulesFor(device: number, inPort: number, outPort: number): readonly number[];
  /** Per device: whether an ACL is bound to one of its interfaces (a change of rules or routes keeps this). */
  readonly hasAcls: readonly boolean[];
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
  // Tables sized to the network, so small networks stay cheap and large ones do not regrow: a
  // check makes about 52 nodes per (rule + 4 per zone) at city, metro and prefecture scale, and
  // each doubling rehashes every node (prefecture went through 4 and 8 million: about 2 s of 18).
  // The cap (16 million nodes, 272 MB of tables) keeps prefecture under 1 GiB peak RSS. The
  // operation cache has a quarter as many entries, at most 2^20 (16 MB): at city scale a 4 MB
  // cache that stays in the processor's caches gave compile + check 345 -> 313 ms (issue 14's
  // eighth step); metro and prefecture keep 2^20.
  const rules = network.devices.reduce((n, d) => n + d.rules.length, 0);
  const tableBits = Math.min(24, Math.max(12, Math.ceil(Math.log2(56 * (rules + 4 * network.zones.length + 16)))));
  const bdd = shared ?? new Bdd(1 << tableBits, Math.min(20, tableBits - 2));
  const zoneCount = network.zones.length;
  const dstOwned = network.zones.map((z) => bdd.ranges(DST, z.owned));
  const srcOwned = network.zones.map((z) => bdd.ranges(SRC, z.owned));

  const adjacency = compileAdjacency(network);
  const { portStart, portName, portDevice, portCount, edgeStart, edgeZone, edgePeer, edgeAttachment, edgeId, attachStart, attachPort, attachEdge } = adjacency;

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
  const forwarding = network.devices.map((d) => compileRoutes(bdd, network, d));

  // Rules naming the same reference lists share the loader's resolved arrays (load.ts): one
  // product per distinct triple (city: 6,001 of 10,377 rules).
  const products = new Map<readonly Ipv4Range[], Map<readonly Ipv4Range[], Map<readonly ServiceTerm[], Node>>>();
  const match = (rule: Rule): Node => {
    let bySrc = products.get(rule.src);
    if (!bySrc) products.set(rule.src, (bySrc = new Map()));
    let byDst = bySrc.get(rule.dst);
    if (!byDst) bySrc.set(rule.dst, (byDst = new Map()));
    let n = byDst.get(rule.services);
    if (n === undefined) byDst.set(rule.services, (n = bdd.product(rule.src, rule.dst, rule.services)));
    return n;
  };
  const ruleMatches = network.devices.map((d) => d.rules.map(match));
  const aclPermit = aclDecisions(bdd, network, portStart, portDevice);
  const hasAcls = network.devices.map((d) => d.interfaces.some((f) => f.inAcls.length > 0 || f.outAcls.length > 0));
  const { permit, rulesFor } = ruleDecisions(bdd, network, portStart, ruleMatches, aclPermit, hasAcls);

  return {
    network,
    bdd,
    zoneCount,
    dstOwned,
    srcOwned,
    portCount,
    portDevice,
    portName,
    portStart,
    edgeStart,
    edgeZone,
    edgePeer,
    edgeAttachment,
    edgeId,
    attachStart,
    attachPort,
    attachEdge,
    gateways,
    routed: forwarding.map((f) => f?.routed),
    unrouted: forwarding.map((f) => f?.unrouted ?? FALSE),
    delivered: forwarding.map((f) => f?.delivered ?? FALSE),
    discarded: forwarding.map((f) => f?.discarded ?? FALSE),
    permit,
    aclPermit,
    ruleMatches,
    rulesFor,
    hasAcls,
  };
}

/**
 * Per port and direction: the AND of the permit sets of the ACLs bound there (each folded
 * first match, default deny), cached per distinct list of ACLs of a device.
 */
function aclDecisions(bdd: Bdd, network: Network, portStart: Int32Array, portDevice: ArrayLike<number>): CompiledNetwork['aclPermit'] {
  const byChain = new Map<string, Node>();
  const byPort = new Map<number, Node>();
  return (port, direction) => {
    const key = direction === 'in' ? 2 * port : 2 * port + 1;
    let p = byPort.get(key);
    if (p !== undefined) return p;
    const device = network.devices[portDevice[port]!]!;
    const iface = device.interfaces[port - portStart[device.index]!]!;
    const chain = direction === 'in' ? iface.inAcls : iface.outAcls;
    p = TRUE;
    for (const name of chain) {
      const chainKey = `${device.index}:${name}`;
      let one = byChain.get(chainKey);
      if (one === undefined) {
        const acl = device.acls.find((a) => a.name === name)!;
        one = FALSE;
        for (let i = acl.rules.length - 1; i >= 0; i--) {
          const rule = acl.rules[i]!;
          const match = bdd.product(rule.src, rule.dst, rule.services);
          one = rule.action === 'permit' ? bdd.or(match, one) : bdd.diff(one, match);
        }
        byChain.set(chainKey, one);
      }
      p = bdd.and(p, one);
    }
    byPort.set(key, p);
    return p;
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
  const delivered = base.delivered.slice();
  const discarded = base.discarded.slice();
  const ruleMatches = base.ruleMatches.slice();
  for (const index of changed) {
    const d = network.devices[index]!;
    const r = compileRoutes(bdd, network, d);
    routed[index] = r?.routed;
    unrouted[index] = r?.unrouted ?? FALSE;
    delivered[index] = r?.delivered ?? FALSE;
    discarded[index] = r?.discarded ?? FALSE;
    // A rule kept from before keeps its match: the same object, or a copy at another position
    // (after an inserted or removed rule) sharing its lists. Only new rules are built.
    const known = new Map<Rule['src'], Map<Rule['dst'], Map<Rule['services'], Node>>>();
    base.network.devices[index]?.rules.forEach((r, k) => {
      let byDst = known.get(r.src);
      if (!byDst) known.set(r.src, (byDst = new Map()));
      let byServices = byDst.get(r.dst);
      if (!byServices) byDst.set(r.dst, (byServices = new Map()));
      byServices.set(r.services, base.ruleMatches[index]![k]!);
    });
    ruleMatches[index] = d.rules.map((rule) => known.get(rule.src)?.get(rule.dst)?.get(rule.services) ?? bdd.product(rule.src, rule.dst, rule.services));
  }
  // A change keeps every interface, so the ACL bindings are the base's; ACL contents do not change.
  const isChanged = new Uint8Array(network.devices.length);
  for (const index of changed) isChanged[index] = 1;
  const own = ruleDecisions(bdd, network, base.portStart, ruleMatches, base.aclPermit, base.hasAcls);
  const compiled: CompiledNetwork = {
    ...base,
    network,
    routed,
    unrouted,
    delivered,
    discarded,
    ruleMatches,
    permit: (device, inPort, outPort) => (isChanged[device] ? own.permit : base.permit)(device, inPort, outPort),
    rulesFor: (device, inPort, outPort) => (isChanged[device] ? own.rulesFor : base.rulesFor)(device, inPort, outPort),
  };
  compiledNetworks.set(network, compiled);
  return compiled;
}

/**
 * Per firewall: which rules apply to a pair of ports, and what the pair permits (the rule
 * list folded from the last rule to the first), cached per distinct list of applicable rules.
 */
function ruleDecisions(
  bdd: Bdd,
  network: Network,
  portStart: Int32Array,
  ruleMatches: readonly (readonly Node[])[],
  aclPermit: CompiledNetwork['aclPermit'],
  hasAcls: readonly boolean[],
): Pick<CompiledNetwork, 'permit' | 'rulesFor'> {
  const rulesFor = (device: number, inPort: number, outPort: number): readonly number[] => {
    const r = ruleLists(network.devices[device]!);
    const first = portStart[device]!;
    return r.lists[r.listOf[(inPort - first) * r.ports + (outPort - first)]!]!;
  };
  const acls = (inPort: number, outPort: number): Node => bdd.and(aclPermit(inPort, 'in'), aclPermit(outPort, 'out'));
  const decide = (d: Device, device: number, inPort: number, outPort: number): Node => {
    if (d.kind !== 'firewall') return acls(inPort, outPort);
    const rules = firewallPermit(d, device, inPort, outPort);
    return hasAcls[device] ? bdd.and(rules, acls(inPort, outPort)) : rules;
  };
  // The fixpoint asks for a pair on every batch that crosses it: per device and in-port, a row
  // of what each out-port permits (-1 not yet decided), made when the in-port is first asked.
  const rows: (Array<Int32Array | undefined> | undefined)[] = [];
  const permit = (device: number, inPort: number, outPort: number): Node => {
    const d = network.devices[device]!;
    if (d.kind !== 'firewall' && !hasAcls[device]) return TRUE;
    const first = portStart[device]!;
    let byIn = rows[device];
    if (!byIn) rows[device] = byIn = [];
    let row = byIn[inPort - first];
    if (!row) byIn[inPort - first] = row = new Int32Array(portStart[device + 1]! - first).fill(-1);
    let p = row[outPort - first]!;
    if (p < 0) row[outPort - first] = p = decide(d, device, inPort, outPort);
    return p;
  };
  // Per firewall, what each distinct rule list permits (-1 not yet folded).
  const byList: (Int32Array | undefined)[] = [];
  const firewallPermit = (d: Device, device: number, inPort: number, outPort: number): Node => {
    const r = ruleLists(d);
    const first = portStart[device]!;
    const list = r.listOf[(inPort - first) * r.ports + (outPort - first)]!;
    let folded = byList[device];
    if (!folded) byList[device] = folded = new Int32Array(r.lists.length).fill(-1);
    let p = folded[list]!;
    if (p < 0) {
      // First match wins: fold the rules from the last (default deny) to the first.
      p = FALSE;
      const rules = r.lists[list]!;
      const matches = ruleMatches[device]!;
      for (let i = rules.length - 1; i >= 0; i--) {
        const k = rules[i]!;
        p = d.rules[k]!.action === 'permit' ? bdd.or(matches[k]!, p) : bdd.diff(p, matches[k]!);
      }
      folded[list] = p;
    }
    return p;
  };
  return { permit, rulesFor };
}

interface Forwarding {
  readonly routed: Node[];
  readonly unrouted: Node;
  readonly delivered: Node;
  readonly discarded: Node;
}

/**
 * A device's routes as sets per outcome: the matching route of highest priority wins (by
 * default the prefix length, so longest-prefix match) and routes of equal priority all apply.
 * Connected subnets count as forward routes out of their interface, at their prefix length.
 */
function compileRoutes(bdd: Bdd, network: Network, device: Device): Forwarding | undefined {
  if (!device.routes) return undefined;
  const portIndex = new Map(device.interfaces.map((f, i) => [f.name, i]));
  // Out-ports of each interface: a VLAN interface stands for its members.
  const expand = (name: string): number[] => {
    const f = device.interfaces[portIndex.get(name)!]!;
    return (f.members ?? [name]).map((m) => portIndex.get(m)!);
  };
  const LOCAL = -1;
  const DROP = -2;
  const routes: Array<Ipv4Range & { priority: number; ports: readonly number[] }> = [];
  for (const f of device.interfaces) {
    if (f.zone === undefined) continue;
    const z = network.zones[f.zone]!;
    if (z.isDefault) continue;
    for (const s of z.subnets) routes.push({ lo: s.lo, hi: s.hi, priority: s.length, ports: expand(f.name) });
  }
  for (const r of device.routes) {
    const ports = r.action === 'forward' ? r.interfaces.flatMap(expand) : [r.action === 'deliver' ? LOCAL : DROP];
    routes.push({ lo: r.prefix.lo, hi: r.prefix.hi, priority: r.priority, ports });
  }
  routes.sort((a, b) => b.priority - a.priority);
  const routed: Node[] = device.interfaces.map(() => FALSE);
  let delivered: Node = FALSE;
  let discarded: Node = FALSE;
  let remaining: Node = TRUE;
  for (let i = 0; i < routes.length; ) {
    // All routes of one priority claim what no route of higher priority took.
    let j = i;
    let claimed: Node = FALSE;
    for (; j < routes.length && routes[j]!.priority === routes[i]!.priority; j++) {
      const r = routes[j]!;
      const prefix = bdd.range(DST, r.lo, r.hi);
      const won = bdd.and(remaining, prefix);
      for (const port of r.ports) {
        if (port === LOCAL) delivered = bdd.or(delivered, won);
        else if (port === DROP) discarded = bdd.or(discarded, won);
        else routed[port] = bdd.or(routed[port]!, won);
      }
      claimed = bdd.or(claimed, prefix);
    }
    remaining = bdd.diff(remaining, claimed);
    i = j;
  }
  return { routed, unrouted: remaining, delivered, discarded };
}

function ruleMatchesPacket(rule: Rule, packet: Packet): boolean {
  const inside = (ranges: readonly Ipv4Range[], a: number): boolean => ranges.some((r) => r.lo <= a && a <= r.hi);
  return (
    inside(rule.src, packet.src) &&
    inside(rule.dst, packet.dst) &&
    rule.services.some((t) => t.protoLo <= packet.protocol && packet.protocol <= t.protoHi && t.portLo <= packet.port && packet.port <= t.portHi)
  );
}

/**
 * The ACL rule that drops one packet entering or leaving by an interface, or undefined when
 * every ACL bound there lets it through. No match in an ACL is its default deny, reported
 * as rule "default" at the ACL.
 */
export function aclVerdict(device: Device, iface: Interface, direction: 'in' | 'out', packet: Packet): DecidingRule | undefined {
  for (const name of direction === 'in' ? iface.inAcls : iface.outAcls) {
    const acl = device.acls.find((a) => a.name === name)!;
    const rule = acl.rules.find((r) => ruleMatchesPacket(r, packet));
    if (!rule) return { acl: name, id: 'default', position: acl.rules.length + 1, action: 'deny', loc: acl.loc };
    if (rule.action === 'deny') return { acl: name, id: rule.id, position: rule.position, action: 'deny', loc: rule.loc };
  }
  return undefined;
}
