// Header spaces as sets of disjoint boxes over (source address, destination address,
// protocol, destination port). Simple and exact: the reference engine's packet-set algebra.

import { IPV4_MAX, type Ipv4Range } from '../net/ipv4.ts';
import { PORT_MAX, PORT_PROTOCOLS, PROTO_MAX, type ServiceTerm } from '../net/services.ts';

/** One box: the product of four inclusive integer ranges. */
export interface HeaderBox {
  readonly srcLo: number;
  readonly srcHi: number;
  readonly dstLo: number;
  readonly dstHi: number;
  readonly protoLo: number;
  readonly protoHi: number;
  readonly portLo: number;
  readonly portHi: number;
}

/** A header set: disjoint boxes. The empty array is the empty set. */
export type HeaderSet = readonly HeaderBox[];

export const ALL_HEADERS: HeaderBox = {
  srcLo: 0,
  srcHi: IPV4_MAX,
  dstLo: 0,
  dstHi: IPV4_MAX,
  protoLo: 0,
  protoHi: PROTO_MAX,
  portLo: 0,
  portHi: PORT_MAX,
};

/** Matcher for one field set of a rule: lists of ranges per dimension (empty list = nothing). */
export interface HeaderMatch {
  readonly src: readonly Ipv4Range[];
  readonly dst: readonly Ipv4Range[];
  readonly services: readonly ServiceTerm[];
}

/** A concrete header: one packet. */
export interface Packet {
  readonly src: number;
  readonly dst: number;
  readonly protocol: number;
  readonly port: number;
}

/** The box of one packet: every field a single value. */
export function pointBox(packet: Packet): HeaderBox {
  return {
    srcLo: packet.src,
    srcHi: packet.src,
    dstLo: packet.dst,
    dstHi: packet.dst,
    protoLo: packet.protocol,
    protoHi: packet.protocol,
    portLo: packet.port,
    portHi: packet.port,
  };
}

export function boxesOfMatch(match: HeaderMatch): HeaderBox[] {
  const out: HeaderBox[] = [];
  for (const s of match.src) {
    for (const d of match.dst) {
      for (const t of match.services) {
        out.push({
          srcLo: s.lo,
          srcHi: s.hi,
          dstLo: d.lo,
          dstHi: d.hi,
          protoLo: t.protoLo,
          protoHi: t.protoHi,
          portLo: t.portLo,
          portHi: t.portHi,
        });
      }
    }
  }
  return normalize(out);
}

/** Every header of the given services, any source and destination. */
export function serviceSet(services: readonly ServiceTerm[]): HeaderBox[] {
  return normalize(services.map((t) => ({ ...ALL_HEADERS, protoLo: t.protoLo, protoHi: t.protoHi, portLo: t.portLo, portHi: t.portHi })));
}

export function intersectBox(a: HeaderBox, b: HeaderBox): HeaderBox | undefined {
  const srcLo = Math.max(a.srcLo, b.srcLo),
    srcHi = Math.min(a.srcHi, b.srcHi);
  if (srcLo > srcHi) return undefined;
  const dstLo = Math.max(a.dstLo, b.dstLo),
    dstHi = Math.min(a.dstHi, b.dstHi);
  if (dstLo > dstHi) return undefined;
  const protoLo = Math.max(a.protoLo, b.protoLo),
    protoHi = Math.min(a.protoHi, b.protoHi);
  if (protoLo > protoHi) return undefined;
  const portLo = Math.max(a.portLo, b.portLo),
    portHi = Math.min(a.portHi, b.portHi);
  if (portLo > portHi) return undefined;
  return { srcLo, srcHi, dstLo, dstHi, protoLo, protoHi, portLo, portHi };
}

/** a minus b as at most 8 disjoint boxes, peeling one dimension at a time. */
export function subtractBox(a: HeaderBox, b: HeaderBox): HeaderBox[] {
  const cut = intersectBox(a, b);
  if (!cut) return [a];
  const out: HeaderBox[] = [];
  let rest: HeaderBox = a;
  if (rest.srcLo < cut.srcLo) out.push({ ...rest, srcHi: cut.srcLo - 1 });
  if (cut.srcHi < rest.srcHi) out.push({ ...rest, srcLo: cut.srcHi + 1 });
  rest = { ...rest, srcLo: cut.srcLo, srcHi: cut.srcHi };
  if (rest.dstLo < cut.dstLo) out.push({ ...rest, dstHi: cut.dstLo - 1 });
  if (cut.dstHi < rest.dstHi) out.push({ ...rest, dstLo: cut.dstHi + 1 });
  rest = { ...rest, dstLo: cut.dstLo, dstHi: cut.dstHi };
  if (rest.protoLo < cut.protoLo) out.push({ ...rest, protoHi: cut.protoLo - 1 });
  if (cut.protoHi < rest.protoHi) out.push({ ...rest, protoLo: cut.protoHi + 1 });
  rest = { ...rest, protoLo: cut.protoLo, protoHi: cut.protoHi };
  if (rest.portLo < cut.portLo) out.push({ ...rest, portHi: cut.portLo - 1 });
  if (cut.portHi < rest.portHi) out.push({ ...rest, portLo: cut.portHi + 1 });
  return out;
}

export function intersect(a: HeaderSet, b: HeaderSet): HeaderBox[] {
  const out: HeaderBox[] = [];
  for (const x of a)
    for (const y of b) {
      const c = intersectBox(x, y);
      if (c) out.push(c);
    }
  return out;
}

export function subtract(a: HeaderSet, b: HeaderSet): HeaderBox[] {
  let current: HeaderBox[] = [...a];
  for (const y of b) {
    const next: HeaderBox[] = [];
    for (const x of current) next.push(...subtractBox(x, y));
    current = next;
    if (current.length === 0) break;
  }
  return current;
}

/** Union as disjoint boxes: each new box is reduced by what is already in. */
export function union(a: HeaderSet, b: HeaderSet): HeaderBox[] {
  return normalize([...a, ...b]);
}

/** True when the packet lies in one of the set's boxes. */
export function containsPacket(set: HeaderSet, p: Packet): boolean {
  return set.some(
    (b) =>
      b.srcLo <= p.src &&
      p.src <= b.srcHi &&
      b.dstLo <= p.dst &&
      p.dst <= b.dstHi &&
      b.protoLo <= p.protocol &&
      p.protocol <= b.protoHi &&
      b.portLo <= p.port &&
      p.port <= b.portHi,
  );
}

export function isEmpty(set: HeaderSet): boolean {
  return set.length === 0;
}

/** Number of concrete headers in a set (a float; exact below 2^53). */
export function size(set: HeaderSet): number {
  let total = 0;
  for (const b of set) {
    total += (b.srcHi - b.srcLo + 1) * (b.dstHi - b.dstLo + 1) * (b.protoHi - b.protoLo + 1) * (b.portHi - b.portLo + 1);
  }
  return total;
}

export function equalSets(a: HeaderSet, b: HeaderSet): boolean {
  return subtract(a, b).length === 0 && subtract(b, a).length === 0;
}

function sameExcept(a: HeaderBox, b: HeaderBox, dim: number): boolean {
  return (
    (dim === 0 || (a.srcLo === b.srcLo && a.srcHi === b.srcHi)) &&
    (dim === 1 || (a.dstLo === b.dstLo && a.dstHi === b.dstHi)) &&
    (dim === 2 || (a.protoLo === b.protoLo && a.protoHi === b.protoHi)) &&
    (dim === 3 || (a.portLo === b.portLo && a.portHi === b.portHi))
  );
}

/** Tries to merge two boxes that agree on three dimensions and touch on the fourth. */
function mergeBoxes(a: HeaderBox, b: HeaderBox): HeaderBox | undefined {
  if (sameExcept(a, b, 0) && (a.srcHi + 1 === b.srcLo || b.srcHi + 1 === a.srcLo)) {
    return { ...a, srcLo: Math.min(a.srcLo, b.srcLo), srcHi: Math.max(a.srcHi, b.srcHi) };
  }
  if (sameExcept(a, b, 1) && (a.dstHi + 1 === b.dstLo || b.dstHi + 1 === a.dstLo)) {
    return { ...a, dstLo: Math.min(a.dstLo, b.dstLo), dstHi: Math.max(a.dstHi, b.dstHi) };
  }
  if (sameExcept(a, b, 2) && (a.protoHi + 1 === b.protoLo || b.protoHi + 1 === a.protoLo)) {
    return { ...a, protoLo: Math.min(a.protoLo, b.protoLo), protoHi: Math.max(a.protoHi, b.protoHi) };
  }
  if (sameExcept(a, b, 3) && (a.portHi + 1 === b.portLo || b.portHi + 1 === a.portLo)) {
    return { ...a, portLo: Math.min(a.portLo, b.portLo), portHi: Math.max(a.portHi, b.portHi) };
  }
  return undefined;
}

/**
 * Makes boxes disjoint and merges neighbours until no pair merges, then sorts them so that
 * equal sets built in different orders usually print the same. Merging takes the first
 * mergeable pair (i < j, in row order) each time. After a merge only pairs with the merged box
 * can have become mergeable, so the rows above it are not scanned again but for that one pair:
 * the same merges in the same order as rescanning every row, without its cubic cost.
 */
export function normalize(boxes: readonly HeaderBox[]): HeaderBox[] {
  const disjoint: HeaderBox[] = [];
  for (const box of boxes) {
    let pieces: HeaderBox[] = [box];
    for (const have of disjoint) {
      if (!pieces.some((p) => intersectBox(p, have))) continue; // nothing to cut: pieces stay as they are
      const next: HeaderBox[] = [];
      for (const p of pieces) next.push(...subtractBox(p, have));
      pieces = next;
      if (pieces.length === 0) break;
    }
    disjoint.push(...pieces);
  }
  // changed: the box the last merge made (-1 before the first); every pair of the rows above it
  // that does not involve it is known not to merge.
  let changed = -1;
  for (;;) {
    let merged = -1;
    for (let p = 0; p < changed; p++) {
      const m = mergeBoxes(disjoint[p]!, disjoint[changed]!);
      if (m) {
        disjoint[p] = m;
        disjoint.splice(changed, 1);
        merged = p;
        break;
      }
    }
    if (merged < 0) {
      outer: for (let i = Math.max(changed, 0); i < disjoint.length; i++) {
        for (let j = i + 1; j < disjoint.length; j++) {
          const m = mergeBoxes(disjoint[i]!, disjoint[j]!);
          if (m) {
            disjoint[i] = m;
            disjoint.splice(j, 1);
            merged = i;
            break outer;
          }
        }
      }
    }
    if (merged < 0) break;
    changed = merged;
  }
  return disjoint.sort(compareBoxes);
}

export function compareBoxes(a: HeaderBox, b: HeaderBox): number {
  return (
    a.srcLo - b.srcLo ||
    a.dstLo - b.dstLo ||
    a.protoLo - b.protoLo ||
    a.portLo - b.portLo ||
    a.srcHi - b.srcHi ||
    a.dstHi - b.dstHi ||
    a.protoHi - b.protoHi ||
    a.portHi - b.portHi
  );
}

/** A concrete header inside the box: the lowest corner. */
export function representative(box: HeaderBox): Packet {
  return { src: box.srcLo, dst: box.dstLo, protocol: box.protoLo, port: box.portLo };
}

const TCP = 6;
const UDP = 17;

/**
 * A packet of the box that reads like real traffic (a finding's witness): for source and
 * destination, the lowest address of a declared host inside the box (`hosts`: their addresses
 * as a flat sorted list of disjoint intervals [lo0, hi0, lo1, hi1, …], net/intervals.ts), else
 * the box's first usable host address (not a network address: when the range holds more than
 * two addresses and starts on a boundary of four, the next one); tcp, else udp, else the lowest
 * protocol of the box; the lowest non-zero port of the box (for a protocol with ports).
 */
export function typicalPacket(box: HeaderBox, hosts: readonly number[] = []): Packet {
  const address = (lo: number, hi: number): number => {
    const host = lowestIn(hosts, lo, hi);
    if (host !== undefined) return host;
    return hi - lo + 1 > 2 && lo % 4 === 0 ? lo + 1 : lo;
  };
  const within = (v: number, lo: number, hi: number): boolean => lo <= v && v <= hi;
  const protocol = within(TCP, box.protoLo, box.protoHi) ? TCP : within(UDP, box.protoLo, box.protoHi) ? UDP : box.protoLo;
  const port = PORT_PROTOCOLS.has(protocol) && box.portLo === 0 && box.portHi > 0 ? 1 : box.portLo;
  return { src: address(box.srcLo, box.srcHi), dst: address(box.dstLo, box.dstHi), protocol, port };
}

/** The lowest address of lo..hi in a flat sorted list of disjoint intervals (binary search), or undefined. */
export function lowestIn(list: readonly number[], lo: number, hi: number): number | undefined {
  let a = 0;
  let b = list.length / 2;
  while (a < b) {
    const m = (a + b) >> 1;
    if (list[2 * m + 1]! < lo) a = m + 1;
    else b = m;
  }
  if (a >= list.length / 2) return undefined;
  const first = Math.max(list[2 * a]!, lo);
  return first <= hi ? first : undefined;
}

/** Restricts the destination dimension to the given ranges. */
export function restrictDst(set: HeaderSet, ranges: readonly Ipv4Range[]): HeaderBox[] {
  return intersect(
    set,
    ranges.map((r) => ({ ...ALL_HEADERS, dstLo: r.lo, dstHi: r.hi })),
  );
}

export function restrictSrc(set: HeaderSet, ranges: readonly Ipv4Range[]): HeaderBox[] {
  return intersect(
    set,
    ranges.map((r) => ({ ...ALL_HEADERS, srcLo: r.lo, srcHi: r.hi })),
  );
}
