// The fast engine: one dataflow fixpoint over the compiled network with BDD header sets.
// Its states are the reference engine's path states (a zone entered from a device, a device
// entered by an interface); a state's set is every header that arrives there on any walk.
// Transfers only intersect, so the union over walks equals the union over the state-simple
// paths the reference engine enumerates (a walk that repeats a state can skip the loop), and
// since source addresses tell the source zones apart, one fixpoint serves every source zone.

import type { Network } from '../model/network.ts';
import { isGateway, zonesOf } from '../model/network.ts';
import { DST, FALSE, type Node, PORT, PROTO, SRC, TRUE } from './bdd.ts';
import { insideSorted, type Ipv4Range, meetsSorted, mergeRanges } from '../net/ipv4.ts';
import { aclVerdict, type CompiledNetwork, compileNetwork, compileNetworkSharing, deriveCompiled } from './compile.ts';
import { changeDelta } from './delta.ts';
import { fastDataplane } from './fast-dataplane.ts';
import { createPropagation } from './propagate.ts';
import { type HeaderMatch, type HeaderSet, pointBox } from './headerset.ts';
import { bddSpace } from './space.ts';
import {
  type Arrival,
  type DataplaneAnswer,
  type DataplaneQuery,
  type DecidingRule,
  type Derived,
  type Disposition,
  type End,
  type EngineChange,
  endKey,
  endOf,
  type Failures,
  type Footprint,
  type Hop,
  NO_FAILURES,
  type Outcome,
  type Packet,
  type ReachabilityEngine,
  type ZoneReach,
} from './types.ts';

export interface FastOptions {
  readonly failures?: Failures;
  /**
   * Incremental: the network differs from the base engine's only for the headers in `delta`
   * (a BDD of the base's manager). Every other header arrives where it did; only `delta` is
   * computed again.
   */
  readonly seed?: {
    readonly base: FastEngine;
    readonly delta: Node;
  };
}

/** Per zone, the endpoint ends there with their header sets. */
export type EndpointSets = ReadonlyArray<ReadonlyArray<{ readonly end: End; readonly set: Node }>>;

/** The fast engine with its BDD-level answers, for incremental reviews. */
export interface FastEngine extends ReachabilityEngine<Node> {
  readonly compiled: CompiledNetwork;
  /** Where every header from every zone arrives in one zone (the shared computation). */
  endpointsOf(zone: number): EndpointSets[number];
  /** The same for the headers of `delta` only: one fixpoint restricted to them; the zones they reach no endpoint in are left out. */
  endpointsWithin(delta: Node): ReadonlyMap<number, EndpointSets[number]>;
  /** Headers that pass through the given elements in the shared computation (a superset; TRUE for a seeded engine). */
  crossing(failures: Failures): Node;
  /** Incremental: the network after shares this engine's BDD manager, and a seeded engine recomputes the delta alone. */
  derive(change: EngineChange): Derived<Node> & { readonly engine: FastEngine };
}

/** Every end of one fixpoint as BDDs, keyed by endKey. */
type Ends = Map<string, { end: End; set: Node }>;

export function createFastEngine(network: Network, options: FastOptions = {}): FastEngine {
  const c: CompiledNetwork = compileNetwork(network);
  const bdd = c.bdd;
  const failures = options.failures ?? NO_FAILURES;
  const Z = c.zoneCount;
  const A = c.attachPort.length;
  const stateCount = Z + A + c.portCount;
  const zoneDown = new Uint8Array(Z);
  for (const z of failures.zones) zoneDown[z] = 1;
  const deviceDown = new Uint8Array(network.devices.length);
  for (const d of failures.devices) deviceDown[d] = 1;
  const { gatewayDevice, filtering, attachmentZone, edgesById } = layoutOf(c);
  const edgeDown = new Uint8Array(c.edgeId.length);
  for (const id of failures.edges) for (const [, e] of edgesById.get(id) ?? []) edgeDown[e] = 1;
  const hasFailures = failures.zones.size + failures.devices.size + failures.edges.size > 0;

  /** Targets of an edge that are up: the state it enters, or -1. */
  function edgeTarget(e: number): number {
    if (edgeDown[e]) return -1;
    const zone = c.edgeZone[e]!;
    if (zone >= 0) return zoneDown[zone] ? -1 : Z + c.edgeAttachment[e]!;
    const peer = c.edgePeer[e]!;
    return deviceDown[c.portDevice[peer]!] ? -1 : Z + A + peer;
  }

  /** Ports of a device other than `inPort` with at least one usable edge. */
  function outPorts(device: number, inPort: number): number[] {
    const out: number[] = [];
    for (let q = c.portStart[device]!; q < c.portStart[device + 1]!; q++) {
      if (q === inPort) continue;
      for (let e = c.edgeStart[q]!; e < c.edgeStart[q + 1]!; e++) {
        if (edgeTarget(e) >= 0) {
          out.push(q);
          break;
        }
      }
    }
    return out;
  }

  /** What leaves device port state `p` by port `q`: routes, then the rule list. */
  function passes(device: number, p: number, q: number): Node {
    const routes = c.routed[device];
    const routed = routes ? routes[q - c.portStart[device]!]! : TRUE;
    return routed === FALSE ? FALSE : bdd.and(routed, c.permit(device, p, q));
  }

  /**
   * The fixpoint. Zone entries (one per attachment, plus the zone's own sources) keep what
   * arrived by them; the zone itself is the unit of work: it forwards, in one batch, what its
   * entries gained since it last ran, each attached device getting what came by the *other*
   * entries. A hub zone with n devices thus costs O(n) per batch, not O(n²).
   */
  function fixpoint(inject: ReadonlyArray<readonly [number, Node]>, endpointsOnly = false): Int32Array {
    // The engine's one propagation; its work items are zone indices (0..Z-1), each run for
    // all the zone's entries, and device port states (Z+A..).
    const w = createPropagation(bdd, stateCount);
    const pending = w.pending;
    // When only endpoints matter, a device port keeps only what it passes on (what it would
    // drop anyway is no answer's business, and the sets at busy ports stay small): the union
    // of what its steps send out, gathered here. The propagation's own set for the port holds
    // everything that arrived, so that nothing is taken twice.
    const passedOn = endpointsOnly ? new Int32Array(c.portCount) : undefined;
    const add = (t: number, arriving: Node): void => {
      if (arriving === FALSE) return;
      if (t < Z + A) w.add(t, arriving, t < Z ? t : attachmentZone[t - Z]!);
      else if (!passedOn || !gatewayDevice[c.portDevice[t - Z - A]!]) w.add(t, arriving, t);
    };
    for (const [s, n] of inject) add(s, n);
    const devices: number[] = [];
    const rests: Node[] = [];
    w.run((item) => {
      if (item < Z) {
        forwardZone(item);
        return;
      }
      const delta = w.take(item);
      const p = item - Z - A;
      const device = c.portDevice[p]!;
      if (gatewayDevice[device]) return; // gateways never forward
      for (const q of outPorts(device, p)) {
        const out = bdd.and(delta, passes(device, p, q));
        if (out === FALSE) continue;
        if (passedOn) passedOn[p] = bdd.or(passedOn[p]!, out);
        for (let e = c.edgeStart[q]!; e < c.edgeStart[q + 1]!; e++) {
          const t = edgeTarget(e);
          if (t >= 0) add(t, out);
        }
      }
    });
    if (passedOn) w.sets.set(passedOn, Z + A);
    return w.sets;

    /** Sends on what a zone's entries gained: what is not for the zone, to the other devices. */
    function forwardZone(zone: number): void {
      devices.length = 0;
      rests.length = 0;
      const owned = c.dstOwned[zone]!;
      const gained = (from: number, delta: Node): void => {
        const rest = bdd.diff(delta, owned);
        if (rest === FALSE) return;
        const k = devices.indexOf(from);
        if (k >= 0) rests[k] = bdd.or(rests[k]!, rest);
        else {
          devices.push(from);
          rests.push(rest);
        }
      };
      if (pending[zone] !== FALSE) gained(-1, w.take(zone));
      for (let a = c.attachStart[zone]!; a < c.attachStart[zone + 1]!; a++) {
        const s = Z + a;
        if (pending[s] !== FALSE) gained(c.portDevice[c.attachPort[a]!]!, w.take(s));
      }
      if (rests.length === 0) return;
      // except[k]: what came by every entry but the k-th device's (prefix and suffix unions).
      const n = rests.length;
      const except = new Array<Node>(n).fill(FALSE);
      let acc: Node = FALSE;
      for (let k = 0; k < n; k++) {
        except[k] = acc;
        acc = bdd.or(acc, rests[k]!);
      }
      const all = acc;
      acc = FALSE;
      for (let k = n - 1; k >= 0; k--) {
        except[k] = bdd.or(except[k]!, acc);
        acc = bdd.or(acc, rests[k]!);
      }
      for (let a = c.attachStart[zone]!; a < c.attachStart[zone + 1]!; a++) {
        const port = c.attachPort[a]!;
        const device = c.portDevice[port]!;
        if (deviceDown[device] || edgeDown[c.attachEdge[a]!]) continue;
        const k = devices.indexOf(device);
        add(Z + A + port, k >= 0 ? except[k]! : all);
      }
    }
  }

  /** The zones a fixpoint's states reached (the zone's own state or one of its entries), ascending. */
  function zonesReached(set: Int32Array): number[] {
    const seen = new Uint8Array(Z);
    for (let z = 0; z < Z; z++) if (set[z] !== FALSE) seen[z] = 1;
    for (let a = 0; a < A; a++) if (set[Z + a] !== FALSE) seen[attachmentZone[a]!] = 1;
    const out: number[] = [];
    for (let z = 0; z < Z; z++) if (seen[z]) out.push(z);
    return out;
  }

  /**
   * Where the headers of a finished fixpoint end, per end; with `endpointsOnly`, only the
   * deliveries and gateway answers (what reach needs), not the drops along the way; with
   * `zones`, only the ends in those zones (ascending: the ones it reached, for a narrow fixpoint).
   */
  function endsOf(set: Int32Array, endpointsOnly = false, zones?: readonly number[]): Ends {
    const ends: Ends = new Map();
    const put = (end: End, n: Node): void => {
      if (n === FALSE) return;
      const key = endKey(end);
      const have = ends.get(key);
      ends.set(key, { end, set: have ? bdd.or(have.set, n) : n });
    };
    const zoneCount = zones ? zones.length : Z;
    for (let i = 0; i < zoneCount; i++) {
      const z = zones ? zones[i]! : i;
      let arrived = set[z]!;
      for (let a = c.attachStart[z]!; a < c.attachStart[z + 1]!; a++) {
        const s = set[Z + a]!;
        if (s !== FALSE) arrived = arrived === FALSE ? s : bdd.or(arrived, s);
      }
      if (arrived === FALSE) continue;
      let here = bdd.and(arrived, c.dstOwned[z]!);
      if (here === FALSE) continue;
      for (const g of c.gateways[z]!) {
        // A gateway that is down, or cut off from this zone, answers nothing here.
        if (deviceDown[g.device] || failures.edges.has(g.attachment)) continue;
        const atGateway = bdd.and(here, g.at);
        if (atGateway === FALSE) continue;
        here = bdd.diff(here, atGateway);
        put({ kind: 'terminated', device: g.device, interface: g.interface }, bdd.and(atGateway, g.accepts));
        put({ kind: 'refused', device: g.device, interface: g.interface }, bdd.diff(atGateway, g.accepts));
      }
      put({ kind: 'delivered', zone: z }, here);
    }
    if (endpointsOnly) return ends;
    for (let p = 0; p < c.portCount; p++) {
      const s = set[Z + A + p]!;
      if (s === FALSE) continue;
      const device = c.portDevice[p]!;
      if (gatewayDevice[device]) {
        put({ kind: 'not-forwarded', device }, s);
        continue;
      }
      // An in-ACL drops before the device looks at its routes.
      const inPermit = c.aclPermit(p, 'in');
      const entered = inPermit === TRUE ? s : bdd.and(s, inPermit);
      if (entered !== s) put({ kind: 'denied', device }, bdd.diff(s, inPermit));
      if (c.routed[device]) {
        put({ kind: 'no-route', device }, bdd.and(entered, c.unrouted[device]!));
        put({ kind: 'local', device }, bdd.and(entered, c.delivered[device]!));
        put({ kind: 'discarded', device }, bdd.and(entered, c.discarded[device]!));
      }
      if (!filtering[device]) continue;
      const routes = c.routed[device];
      for (const q of outPorts(device, p)) {
        const routed = routes ? bdd.and(entered, routes[q - c.portStart[device]!]!) : entered;
        put({ kind: 'denied', device }, bdd.diff(routed, c.permit(device, p, q)));
      }
    }
    return ends;
  }

  const sourceStates = (sources: readonly number[], headers: Node): Array<[number, Node]> =>
    sources.filter((z) => !zoneDown[z]).map((z) => [z, bdd.and(headers, c.srcOwned[z]!)] as [number, Node]);

  type ZoneEnds = Array<{ end: End; set: Node }>;
  /** Per zone, where every header from every zone arrives there; filled on demand. */
  const zoneEnds: Array<ZoneEnds | undefined> = new Array<ZoneEnds | undefined>(Z);
  let shared = false;
  let sharedStates: Int32Array | undefined;
  let fresh: Map<number, ZoneEnds> | undefined;
  /**
   * Where every header from every zone arrives in zone z (delivered, or answered by a
   * gateway): one fixpoint for all zones, computed on first use and shared by reach and
   * missing. A seeded engine takes the base's answer for every header outside its delta and
   * recomputes the delta alone, zone by zone as asked.
   */
  function endpointsOf(z: number): ZoneEnds {
    let list = zoneEnds[z];
    if (list) return list;
    const seed = options.seed;
    if (seed) {
      fresh ??= endpointsWithin(seed.delta);
      const merged = new Map<string, { end: End; set: Node }>();
      for (const { end, set } of seed.base.endpointsOf(z)) {
        const kept = bdd.diff(set, seed.delta);
        if (kept !== FALSE) merged.set(endKey(end), { end, set: kept });
      }
      for (const { end, set } of fresh.get(z) ?? NO_ENDS) {
        const key = endKey(end);
        const have = merged.get(key);
        merged.set(key, { end, set: have ? bdd.or(have.set, set) : set });
      }
      list = [...merged.values()];
    } else {
      sharedStates = fixpoint(
        sourceStates(
          network.zones.map((zone) => zone.index),
          TRUE,
        ),
        true,
      );
      byZone(endsOf(sharedStates, true)).forEach((l, zone) => {
        zoneEnds[zone] = l;
      });
      list = zoneEnds[z]!;
    }
    shared = true;
    zoneEnds[z] = list;
    return list;
  }

  /** The states of the shared computation (computed on first use); undefined for a seeded engine, which keeps none. */
  function sharedComputation(): Int32Array | undefined {
    if (!sharedStates && !options.seed && Z > 0) endpointsOf(0);
    return sharedStates;
  }

  function endpointsByZone(): ZoneEnds[] {
    return network.zones.map((z) => endpointsOf(z.index));
  }

  function byZone(ends: Ends): Array<Array<{ end: End; set: Node }>> {
    const out: Array<Array<{ end: End; set: Node }>> = network.zones.map(() => []);
    for (const { end, set } of ends.values()) {
      const zone = endpointZone(end);
      if (zone !== undefined) out[zone]!.push({ end, set });
    }
    return out;
  }

  function endpointZone(end: End): number | undefined {
    return end.kind === 'delivered' ? end.zone : end.kind === 'terminated' || end.kind === 'refused' ? gatewayZone(end) : undefined;
  }

  /** Per zone, the ends of the headers of `delta` there; only the zones they reach are listed (a delta reaches few of thousands). */
  function endpointsWithin(delta: Node): Map<number, ZoneEnds> {
    const out = new Map<number, ZoneEnds>();
    if (delta === FALSE) return out;
    // Only zones owning some source address of the delta send any of it.
    const sources = zonesOf(
      network,
      bdd.toBoxes(bdd.exists(bdd.exists(bdd.exists(delta, DST), PROTO), PORT)).map((b) => ({ lo: b.srcLo, hi: b.srcHi })),
    );
    const states = fixpoint(sourceStates(sources, delta), true);
    for (const { end, set } of endsOf(states, true, zonesReached(states)).values()) {
      const zone = endpointZone(end);
      if (zone === undefined) continue;
      const list = out.get(zone);
      if (list) list.push({ end, set });
      else out.set(zone, [{ end, set }]);
    }
    return out;
  }

  let answers: Map<number, Node> | undefined;
  /** Per gateway device: every header it answers (terminates or refuses), gathered once. */
  function answered(): Map<number, Node> {
    if (!answers) {
      answers = new Map();
      for (const list of endpointsByZone()) {
        for (const { end, set } of list) {
          if (end.kind === 'terminated' || end.kind === 'refused') answers.set(end.device, bdd.or(answers.get(end.device) ?? FALSE, set));
        }
      }
    }
    return answers;
  }

  function crossing(elements: Failures): Node {
    const states = sharedComputation();
    if (!states) return TRUE; // a seeded engine keeps no states: anything may cross
    let n: Node = FALSE;
    // What a gateway answers never enters its ports (it ends at the zone): its endpoint ends.
    const answeredBy = (device: number): void => {
      n = bdd.or(n, answered().get(device) ?? FALSE);
    };
    // What comes to a device, though it drops it: down, the packet stops elsewhere (another witness).
    n = bdd.or(n, enteringDevices(elements.devices));
    for (const d of elements.devices) {
      for (let p = c.portStart[d]!; p < c.portStart[d + 1]!; p++) n = bdd.or(n, states[Z + A + p]!);
      answeredBy(d);
    }
    for (const z of elements.zones) {
      n = bdd.or(n, states[z]!);
      for (let a = c.attachStart[z]!; a < c.attachStart[z + 1]!; a++) n = bdd.or(n, states[Z + a]!);
    }
    for (const id of elements.edges) {
      for (const [p, e] of edgesById.get(id) ?? []) {
        n = bdd.or(n, states[Z + A + p]!);
        const peer = c.edgePeer[e]!;
        if (peer >= 0) n = bdd.or(n, states[Z + A + peer]!);
        const attachment = c.edgeAttachment[e]!;
        if (attachment >= 0) {
          n = bdd.or(n, states[Z + attachment]!);
          n = bdd.or(n, passedOn(c.edgeZone[e]!));
          answeredBy(c.portDevice[p]!);
        }
      }
    }
    return n;
  }

  /**
   * Headers that come to a port of these devices on some path (a superset; TRUE for a seeded
   * engine): a change of their rules or routes decides nothing else, since a header that never
   * comes to them takes the same paths before and after. What a zone passes on (all that came
   * into it, less what is for it) or a linked device may send (all that came into it by any
   * port); the states themselves are cut to what a device passes on, so a port's own state
   * would miss what it drops. With `within`, only those of its headers: each zone's and each
   * linked device's part is cut to it before the union, and a part asked for again is kept whole
   * (the reviews of one base meet the same backbone again and again, and each floor's zones once).
   */
  function enteringDevices(devices: ReadonlySet<number>, within: Node = TRUE): Node {
    const states = sharedComputation();
    if (!states) return within;
    if (within === FALSE) return FALSE;
    let n: Node = FALSE;
    const zones = new Set<number>();
    const peers = new Set<number>();
    for (const d of devices) {
      for (let p = c.portStart[d]!; p < c.portStart[d + 1]!; p++) {
        for (let e = c.edgeStart[p]!; e < c.edgeStart[p + 1]!; e++) {
          const zone = c.edgeZone[e]!;
          if (zone >= 0) zones.add(zone);
          else peers.add(c.portDevice[c.edgePeer[e]!]!);
        }
      }
    }
    for (const z of zones) {
      if (within === TRUE || passedOnCache.has(z) || askedZones.has(z)) n = bdd.or(n, bdd.and(passedOn(z), within));
      else {
        // First asked: the states cut one by one (the same set, without the union of every header).
        askedZones.add(z);
        let into = bdd.and(states[z]!, within);
        for (let a = c.attachStart[z]!; a < c.attachStart[z + 1]!; a++) into = orCut(into, states[Z + a]!, within);
        n = bdd.or(n, bdd.diff(into, c.dstOwned[z]!));
      }
    }
    // What a linked device sends this way came into it by any of its ports (each device once).
    for (const peer of peers) {
      if (within === TRUE || cameIntoCache.has(peer) || askedDevices.has(peer)) n = bdd.or(n, bdd.and(cameInto(peer), within));
      else {
        askedDevices.add(peer);
        for (let q = c.portStart[peer]!; q < c.portStart[peer + 1]!; q++) n = orCut(n, states[Z + A + q]!, within);
      }
    }
    return n;
  }

  /** n ∪ (state ∩ within). */
  function orCut(n: Node, state: Node, within: Node): Node {
    return state === FALSE ? n : bdd.or(n, bdd.and(state, within));
  }

  /** The zones and devices enteringDevices was asked about once, whose parts it did not keep. */
  const askedZones = new Set<number>();
  const askedDevices = new Set<number>();

  const passedOnCache = new Map<number, Node>();
  /** What zone z passes on to its devices in the shared computation: all that came into it, less what is for it (kept: every review of this base asks again). */
  function passedOn(z: number): Node {
    let n = passedOnCache.get(z);
    if (n === undefined) {
      const states = sharedStates!;
      let into = states[z]!;
      for (let a = c.attachStart[z]!; a < c.attachStart[z + 1]!; a++) into = bdd.or(into, states[Z + a]!);
      n = bdd.diff(into, c.dstOwned[z]!);
      passedOnCache.set(z, n);
    }
    return n;
  }

  const cameIntoCache = new Map<number, Node>();
  /** What came into a device by any of its ports in the shared computation (kept, as passedOn). */
  function cameInto(d: number): Node {
    let n = cameIntoCache.get(d);
    if (n === undefined) {
      const states = sharedStates!;
      n = FALSE;
      for (let q = c.portStart[d]!; q < c.portStart[d + 1]!; q++) n = bdd.or(n, states[Z + A + q]!);
      cameIntoCache.set(d, n);
    }
    return n;
  }

  function gatewayZone(end: { device: number; interface: string }): number | undefined {
    return network.devices[end.device]!.interfaces.find((f) => f.name === end.interface)?.zone;
  }

  function explore(sources: readonly number[], headers: HeaderSet): Arrival[] {
    const ends = endsOf(fixpoint(sourceStates(sources, bdd.boxes(headers))));
    return [...ends.values()].map(({ end, set }) => ({ end, headers: bdd.toBoxes(set) }));
  }

  function missing(sources: readonly number[], headers: HeaderSet, accept: (end: End) => boolean): HeaderSet {
    const requested = bdd.boxes(headers);
    let arrived: Node = FALSE;
    if (!shared && !options.seed) {
      // Without the shared computation (a what-if engine asked once), a fixpoint from just
      // these sources with just these headers is cheaper than computing everything.
      for (const { end, set } of endsOf(fixpoint(sourceStates(sources, requested), true), true).values()) {
        if (accept(end)) arrived = bdd.or(arrived, set);
      }
    } else {
      // The requested headers from the sources' own addresses. A leg's sources are usually
      // inside its source zones, and then that is all it asked: tested on the address ranges,
      // it saves a BDD union of every source zone (a domain's hundred) and an intersection
      // (check prefecture.json: 19.7 million BDD operations before, 18.6 after).
      const owned = mergeRanges(sources.filter((z) => !zoneDown[z]).flatMap((z) => network.zones[z]!.owned));
      let wanted = requested;
      if (!headers.every((b) => insideSorted(owned, b.srcLo, b.srcHi))) {
        let from: Node = FALSE;
        for (const z of sources) if (!zoneDown[z]) from = bdd.or(from, c.srcOwned[z]!);
        wanted = bdd.and(requested, from);
      }
      if (wanted !== FALSE) {
        for (const zone of zonesOf(
          network,
          headers.map((b) => ({ lo: b.dstLo, hi: b.dstHi })),
        )) {
          for (const { end, set } of endpointsOf(zone)) if (accept(end)) arrived = bdd.or(arrived, bdd.and(set, wanted));
        }
      }
    }
    return bdd.toBoxes(bdd.diff(requested, arrived));
  }

  function footprint(sources: readonly number[], headers: HeaderSet): Footprint {
    const set = fixpoint(sourceStates(sources, bdd.boxes(headers)), true);
    const devices = new Set<number>();
    const edges = new Set<string>();
    for (let p = 0; p < c.portCount; p++) {
      if (set[Z + A + p] === FALSE) continue;
      devices.add(c.portDevice[p]!);
      for (let e = c.edgeStart[p]!; e < c.edgeStart[p + 1]!; e++) edges.add(c.edgeId[e]!);
    }
    for (let z = 0; z < Z; z++) {
      let arrived = set[z]!;
      for (let a = c.attachStart[z]!; a < c.attachStart[z + 1]!; a++) {
        if (set[Z + a] === FALSE) continue;
        arrived = bdd.or(arrived, set[Z + a]!);
        edges.add(c.edgeId[c.attachEdge[a]!]!);
      }
      for (const g of c.gateways[z]!) {
        if (bdd.and(arrived, g.at) === FALSE) continue;
        devices.add(g.device);
        edges.add(g.attachment);
      }
    }
    return { devices, edges };
  }

  /** The delta last asked about in `arrivingWithin`, how often, and (past a few zones) its own ends. */
  let askedWithin: { delta: Node; asked: number; ends: Map<number, ZoneEnds> | undefined } | undefined;
  /**
   * What reaches an endpoint in zone z, of the headers of `delta` only. A seeded engine asked for
   * its own delta has the answer already (the ends of its fixpoint); another engine cuts its
   * whole set to the delta for a few zones, and past them runs one fixpoint of the delta alone,
   * which answers every zone (a change delta with every destination asks for all of them).
   */
  function arrivingWithin(z: number, delta: Node): Node {
    if (delta === TRUE) return reachingZone(z);
    if (delta === FALSE) return FALSE;
    const seed = options.seed;
    let ends: readonly { end: End; set: Node }[];
    if (seed && delta === seed.delta) {
      fresh ??= endpointsWithin(seed.delta);
      ends = fresh.get(z) ?? NO_ENDS;
    } else {
      if (askedWithin?.delta !== delta) askedWithin = { delta, asked: 0, ends: undefined };
      if (askedWithin.ends === undefined && ++askedWithin.asked <= WITHIN_BY_CUT) return bdd.and(reachingZone(z), delta);
      askedWithin.ends ??= endpointsWithin(delta);
      ends = askedWithin.ends.get(z) ?? NO_ENDS;
    }
    let n: Node = FALSE;
    for (const { set } of ends) n = bdd.or(n, set);
    return n;
  }

  const endpointSets: Array<Node | undefined> = new Array<Node | undefined>(Z);
  /** Per zone: what reaches an endpoint there (delivered, or come to a gateway interface there, accepted or refused). */
  function reachingZone(z: number): Node {
    let n = endpointSets[z];
    if (n === undefined) {
      n = FALSE;
      const seed = options.seed;
      const list = zoneEnds[z];
      if (seed && !list) {
        // The base's union less the delta, and the delta's own ends: one diff of a set the base
        // keeps, instead of one per end (a review asks this of every zone the delta may reach).
        fresh ??= endpointsWithin(seed.delta);
        n = bdd.diff(seed.base.arriving(z), seed.delta);
        for (const { set } of fresh.get(z) ?? NO_ENDS) n = bdd.or(n, set);
      } else for (const { set } of list ?? endpointsOf(z)) n = bdd.or(n, set);
      endpointSets[z] = n;
    }
    return n;
  }

  function reach(from: readonly number[], to: readonly number[]): ZoneReach[] {
    let sources: Node = FALSE;
    for (const z of from) if (!zoneDown[z]) sources = bdd.or(sources, c.srcOwned[z]!);
    const out: ZoneReach[] = [];
    if (!shared && !options.seed && hasFailures) {
      // A what-if engine is asked a question or two: a fixpoint from just these sources, with
      // just the destinations asked about, is much cheaper than the shared one.
      let targets: Node = FALSE;
      for (const z of to) targets = bdd.or(targets, c.dstOwned[z]!);
      const ends = endsOf(fixpoint(sourceStates(from, targets), true), true);
      const byZone = new Map<number, Node>();
      for (const { end, set } of ends.values()) {
        const zone = end.kind === 'delivered' ? end.zone : end.kind === 'terminated' || end.kind === 'refused' ? gatewayZone(end) : undefined;
        if (zone !== undefined) byZone.set(zone, bdd.or(byZone.get(zone) ?? FALSE, set));
      }
      for (const z of to) {
        const n = byZone.get(z);
        if (n !== undefined && n !== FALSE) out.push({ zone: z, headers: bdd.toBoxes(n) });
      }
      return out;
    }
    for (const z of to) {
      const n = bdd.and(reachingZone(z), sources);
      if (n !== FALSE) out.push({ zone: z, headers: bdd.toBoxes(n) });
    }
    return out;
  }

  function trace(sourceZone: number, packet: Packet, until?: (d: Disposition) => boolean): Outcome[] {
    const found = new Map<string, Outcome>();
    if (zoneDown[sourceZone] || !bdd.contains(c.srcOwned[sourceZone]!, packet)) return [];
    // Breadth first over the states, paths kept as shared linked lists (materialized at ends).
    interface PathNode {
      readonly hop: Hop;
      readonly prev: PathNode | undefined;
    }
    const hopsOf = (node: PathNode | undefined): Hop[] => {
      const out: Hop[] = [];
      for (let n = node; n; n = n.prev) out.push(n.hop);
      return out.reverse();
    };
    const seen = new Uint8Array(stateCount);
    const queue: Array<{ state: number; path: PathNode | undefined }> = [{ state: sourceZone, path: undefined }];
    seen[sourceZone] = 1;
    let done = false;
    const finish = (path: PathNode, disposition: Disposition): void => {
      // Asked `until`, the caller looks for an end it accepts: no path is built for the others.
      if (until && !until(disposition)) return;
      const key = outcomeKey(disposition);
      if (found.has(key)) return;
      found.set(key, { headers: [], hops: hopsOf(path), disposition });
      if (until) done = true;
    };
    // Per firewall met: whether each rule holds the packet (0 not yet asked, 1 yes, 2 no), so a
    // rule shared by many port pairs of the device is tested once per trace, not once per pair.
    const holds = new Map<number, Uint8Array>();
    const firstRule = (device: number, p: number, q: number): number => {
      let known = holds.get(device);
      if (!known) holds.set(device, (known = new Uint8Array(c.ruleMatches[device]!.length)));
      for (const k of c.rulesFor(device, p, q)) {
        if (known[k] === 0) known[k] = bdd.contains(c.ruleMatches[device]![k]!, packet) ? 1 : 2;
        if (known[k] === 1) return k;
      }
      return -1;
    };
    const enqueue = (state: number, path: PathNode): void => {
      if (seen[state]) return;
      seen[state] = 1;
      queue.push({ state, path });
    };
    for (let i = 0; i < queue.length && !done; i++) {
      const { state, path: before } = queue[i]!;
      if (state < Z + A) {
        const zone = state < Z ? state : attachmentZone[state - Z]!;
        const from = state < Z ? -1 : c.portDevice[c.attachPort[state - Z]!]!;
        const path: PathNode = { hop: { kind: 'zone', zone }, prev: before };
        if (bdd.contains(c.dstOwned[zone]!, packet)) {
          const g = c.gateways[zone]!.find((x) => x.address === packet.dst && !deviceDown[x.device] && !failures.edges.has(x.attachment));
          if (!g) finish(path, { kind: 'delivered', zone });
          else {
            const hop: Hop = { kind: 'device', device: g.device, in: g.interface, out: undefined, rule: undefined };
            const kind = bdd.contains(g.accepts, packet) ? 'terminated' : 'refused';
            finish({ hop, prev: path }, { kind, device: g.device, interface: g.interface });
          }
          continue;
        }
        for (let a = c.attachStart[zone]!; a < c.attachStart[zone + 1]!; a++) {
          const port = c.attachPort[a]!;
          const device = c.portDevice[port]!;
          if (device === from || deviceDown[device] || edgeDown[c.attachEdge[a]!]) continue;
          enqueue(Z + A + port, path);
        }
        continue;
      }
      const p = state - Z - A;
      const device = c.portDevice[p]!;
      const d = network.devices[device]!;
      const inName = c.portName[p]!;
      const step = (out: string | undefined, rule: DecidingRule | undefined): PathNode => ({
        hop: { kind: 'device', device, in: inName, out, rule },
        prev: before,
      });
      if (gatewayDevice[device]) {
        finish(step(undefined, undefined), { kind: 'not-forwarded', device });
        continue;
      }
      const inDeny = aclVerdict(d, d.interfaces[p - c.portStart[device]!]!, 'in', packet);
      if (inDeny) {
        finish(step(undefined, inDeny), { kind: 'denied', device, rule: inDeny });
        continue;
      }
      const routes = c.routed[device];
      if (routes) {
        if (bdd.contains(c.unrouted[device]!, packet)) finish(step(undefined, undefined), { kind: 'no-route', device });
        if (bdd.contains(c.delivered[device]!, packet)) finish(step(undefined, undefined), { kind: 'local', device });
        if (bdd.contains(c.discarded[device]!, packet)) finish(step(undefined, undefined), { kind: 'discarded', device });
      }
      for (const q of outPorts(device, p)) {
        if (done) break;
        if (routes && !bdd.contains(routes[q - c.portStart[device]!]!, packet)) continue;
        const outName = c.portName[q]!;
        let rule: DecidingRule | undefined;
        if (d.kind === 'firewall') {
          const r = d.rules[firstRule(device, p, q)];
          rule = r ? { id: r.id, position: r.position, action: r.action, loc: r.loc } : undefined;
          if (!rule || rule.action === 'deny') {
            finish(step(outName, rule), { kind: 'denied', device, rule });
            continue;
          }
        }
        const outDeny = aclVerdict(d, d.interfaces[q - c.portStart[device]!]!, 'out', packet);
        if (outDeny) {
          finish(step(outName, outDeny), { kind: 'denied', device, rule: outDeny });
          continue;
        }
        const path = step(outName, rule);
        for (let e = c.edgeStart[q]!; e < c.edgeStart[q + 1]!; e++) {
          const t = edgeTarget(e);
          if (t >= 0) enqueue(t, path);
        }
      }
    }
    const box = pointBox(packet);
    return [...found.values()].map((o) => ({ ...o, headers: [box] }));
  }

  /**
   * The engine after a change. Rule and route changes keep every element, so the network after
   * is derived from this one's (deriveCompiled: same manager, unchanged devices shared) and only
   * the headers the change can affect (changeDelta, plus what crossed elements now down) are
   * recomputed by a seeded engine; a change that adds or removes elements is compiled into
   * this manager (so the sets still compare by node id) and computed afresh.
   */
  function derive(change: EngineChange): Derived<Node> & { readonly engine: FastEngine } {
    const { after, devices, failures: down } = change;
    if (devices === undefined) {
      compileNetworkSharing(after, c);
      return { engine: createFastEngine(after, { failures: down }), delta: TRUE };
    }
    let delta: Node = FALSE;
    if (after !== network) delta = enteringDevices(devices, changeDelta(c, deriveCompiled(c, after, devices), devices));
    if (down.zones.size + down.devices.size + down.edges.size > 0) delta = bdd.or(delta, crossing(down));
    return { engine: createFastEngine(after, { failures: down, ...(delta === TRUE ? {} : { seed: { base: engine, delta } }) }), delta };
  }

  /** A seeded engine's delta as the source and the destination addresses it holds (ascending), on first use. */
  let deltaAddresses: { readonly src: Ipv4Range[]; readonly dst: Ipv4Range[] } | undefined;
  /** A seeded engine's base, for headers wholly outside its delta (which it takes from the base as they were). */
  function unchangedFrom(match: HeaderMatch): FastEngine | undefined {
    const seed = options.seed;
    if (!seed) return undefined;
    // Addresses the delta does not hold tell most matches apart without building them.
    deltaAddresses ??= { src: bdd.intervals(seed.delta, SRC), dst: bdd.intervals(bdd.exists(seed.delta, SRC), DST) };
    if (!meetsSorted(deltaAddresses.src, match.src) || !meetsSorted(deltaAddresses.dst, match.dst)) return seed.base;
    return bdd.and(bdd.product(match.src, match.dst, match.services), seed.delta) === FALSE ? seed.base : undefined;
  }

  /** The forwarding graph does not model failed parts: a data-plane check is of the whole network. */
  function dataplane(query: DataplaneQuery): DataplaneAnswer {
    if (hasFailures) throw new Error('dataplane: ask an engine built without failures');
    return fastDataplane(c, query);
  }

  const engine: FastEngine = {
    name: 'fast',
    space: bddSpace(bdd),
    ruleMatches: (device) => c.ruleMatches[device]!,
    compiled: c,
    explore,
    missing,
    footprint,
    reach,
    trace,
    dataplane,
    endpointsOf,
    endpointsWithin,
    arriving: (zone, delta) => (delta === undefined ? reachingZone(zone) : arrivingWithin(zone, delta)),
    crossing,
    derive,
    unchangedFrom,
  };
  return engine;
}

/** What every engine on one compiled topology looks up, whatever its failures. */
interface Layout {
  /** Per device: 1 for gateways (sanitizers, proxies), which never forward. */
  readonly gatewayDevice: Uint8Array;
  /** Per device: whether it may deny a packet on its way out (firewalls and devices with ACLs). */
  readonly filtering: readonly boolean[];
  /** The zone each attachment (zone entry) belongs to. */
  readonly attachmentZone: Int32Array;
  /** The (port, edge) pairs of each link or attachment id (a failure names them by id). */
  readonly edgesById: ReadonlyMap<string, ReadonlyArray<readonly [number, number]>>;
}

/**
 * Kept per compiled topology (its adjacency, shared by the networks derived from it: a change of
 * rules or routes keeps every element, its kind and its ACL bindings): an n-1 sweep builds an
 * engine per element and a review several, and each would walk the whole network again.
 */
const LAYOUTS = new WeakMap<Int32Array, Layout>();
function layoutOf(c: CompiledNetwork): Layout {
  let layout = LAYOUTS.get(c.attachStart);
  if (layout) return layout;
  const devices = c.network.devices;
  const gatewayDevice = new Uint8Array(devices.length);
  for (const d of devices) gatewayDevice[d.index] = isGateway(d) ? 1 : 0;
  const filtering = devices.map((d) => d.kind === 'firewall' || c.hasAcls[d.index]!);
  const attachmentZone = new Int32Array(c.attachPort.length);
  for (let z = 0; z < c.zoneCount; z++) for (let a = c.attachStart[z]!; a < c.attachStart[z + 1]!; a++) attachmentZone[a] = z;
  const edgesById = new Map<string, Array<[number, number]>>();
  for (let p = 0; p < c.portCount; p++) {
    for (let e = c.edgeStart[p]!; e < c.edgeStart[p + 1]!; e++) {
      const list = edgesById.get(c.edgeId[e]!);
      if (list) list.push([p, e]);
      else edgesById.set(c.edgeId[e]!, [[p, e]]);
    }
  }
  layout = { gatewayDevice, filtering, attachmentZone, edgesById };
  LAYOUTS.set(c.attachStart, layout);
  return layout;
}

const NO_ENDS: ReadonlyArray<{ end: End; set: Node }> = [];

/** How many zones an engine cuts its whole set to a delta for before it runs the delta's own fixpoint (arrivingWithin). */
const WITHIN_BY_CUT = 8;

/** One key per distinct disposition (the end, and for a deny the rule): what JSON.stringify told apart, without its cost. */
function outcomeKey(d: Disposition): string {
  const end = endOf(d);
  if (!end) return d.kind;
  return d.kind === 'denied' && d.rule ? `${endKey(end)}:${d.rule.acl ?? ''}:${d.rule.id}:${d.rule.position}` : endKey(end);
}
