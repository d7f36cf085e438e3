// Header sets as reduced ordered binary decision diagrams over the 88 header bits
// (source address, destination address, protocol, destination port; most significant bit
// first). Nodes live in Int32Array tables, hash-consed, so two equal sets are the same node
// id and equality is one comparison; binary operations go through a direct-mapped cache.

import type { HeaderBox, Packet } from './headerset.ts';

/** One header field: its first variable and its width in bits. */
export interface Field {
  readonly offset: number;
  readonly width: number;
  /** Position of the field in a HeaderBox: src, dst, protocol, port. */
  readonly slot: number;
}

// Variable order: source first, then destination, protocol, port. Sets in the fixpoint are
// unions over source zones of what each reaches; splitting on the source first keeps them
// several times smaller than destination first (measured: docs/engine.md).
export const SRC: Field = { offset: 0, width: 32, slot: 0 };
export const DST: Field = { offset: 32, width: 32, slot: 1 };
export const PROTO: Field = { offset: 64, width: 8, slot: 2 };
export const PORT: Field = { offset: 72, width: 16, slot: 3 };
const FIELDS: readonly Field[] = [SRC, DST, PROTO, PORT];
export const VARIABLES = 88;

/** A set: the id of its root node. */
export type Node = number;
export const FALSE: Node = 0;
export const TRUE: Node = 1;

/** Entries of the interval cache (a power of two). */
const INTERVAL_CACHE = 1 << 16;

const OP_AND = 1;
const OP_OR = 2;
const OP_DIFF = 3;
const OP_EXISTS = 4;

export interface BddStats {
  readonly nodes: number;
  readonly cacheSize: number;
}

export class Bdd {
  // Variables fit in a byte (88 of them, terminals 88): a quarter of the width of the branches.
  private variable: Uint8Array;
  private low: Int32Array;
  private high: Int32Array;
  private count = 2;
  /** Open addressing, twice the node capacity; 0 marks an empty slot (terminals are never stored). */
  private unique: Int32Array;
  private uniqueMask: number;
  private readonly cache: Int32Array;
  private readonly cacheMask: number;
  /**
   * Built intervals, direct-mapped: (field offset + 1, lo, hi, next, result); 0 marks an empty
   * entry. Rules and queries name the same ranges over the same remainders many times (city:
   * 89 thousand intervals asked, 13 thousand distinct), and each costs up to 2w nodes to find.
   */
  private readonly intervalCache = new Int32Array(INTERVAL_CACHE * 5);

  constructor(initialNodes = 1 << 20, cacheBits = 20) {
    this.variable = new Uint8Array(initialNodes);
    this.low = new Int32Array(initialNodes);
    this.high = new Int32Array(initialNodes);
    // Terminals sit below every variable.
    this.variable[0] = VARIABLES;
    this.variable[1] = VARIABLES;
    this.unique = new Int32Array(initialNodes * 2);
    this.uniqueMask = initialNodes * 2 - 1;
    // Entries start zeroed: no operation is numbered 0, so an empty entry never matches.
    this.cache = new Int32Array((1 << cacheBits) * 4);
    this.cacheMask = (1 << cacheBits) - 1;
  }

  get stats(): BddStats {
    return { nodes: this.count, cacheSize: this.cacheMask + 1 };
  }

  varOf(n: Node): number {
    return this.variable[n]!;
  }

  lowOf(n: Node): Node {
    return this.low[n]!;
  }

  highOf(n: Node): Node {
    return this.high[n]!;
  }

  /** The node testing `v` with the given branches (reduced: equal branches collapse). */
  mk(v: number, lo: Node, hi: Node): Node {
    if (lo === hi) return lo;
    let slot = hash3(v, lo, hi) & this.uniqueMask;
    for (;;) {
      const n = this.unique[slot]!;
      if (n === 0) break;
      if (this.variable[n] === v && this.low[n] === lo && this.high[n] === hi) return n;
      slot = (slot + 1) & this.uniqueMask;
    }
    if (this.count === this.variable.length) {
      this.grow();
      return this.mk(v, lo, hi);
    }
    const n = this.count++;
    this.variable[n] = v;
    this.low[n] = lo;
    this.high[n] = hi;
    this.unique[slot] = n;
    return n;
  }

  private grow(): void {
    const size = this.variable.length * 2;
    const variable = new Uint8Array(size);
    variable.set(this.variable);
    this.variable = variable;
    const copy = (a: Int32Array): Int32Array => {
      const b = new Int32Array(size);
      b.set(a);
      return b;
    };
    this.low = copy(this.low);
    this.high = copy(this.high);
    this.unique = new Int32Array(size * 2);
    this.uniqueMask = size * 2 - 1;
    for (let n = 2; n < this.count; n++) {
      let slot = hash3(this.variable[n]!, this.low[n]!, this.high[n]!) & this.uniqueMask;
      while (this.unique[slot] !== 0) slot = (slot + 1) & this.uniqueMask;
      this.unique[slot] = n;
    }
  }

  private cached(op: number, a: Node, b: Node): number {
    const i = (hash3(op, a, b) & this.cacheMask) * 4;
    const c = this.cache;
    return c[i] === op && c[i + 1] === a && c[i + 2] === b ? c[i + 3]! : -1;
  }

  /** Where (op, a, b) sits in the operation cache: computed once per operation. */
  private cacheSlot(op: number, a: Node, b: Node): number {
    return (hash3(op, a, b) & this.cacheMask) * 4;
  }

  private store(slot: number, op: number, a: Node, b: Node, result: Node): Node {
    const c = this.cache;
    c[slot] = op;
    c[slot + 1] = a;
    c[slot + 2] = b;
    c[slot + 3] = result;
    return result;
  }

  private remember(op: number, a: Node, b: Node, result: Node): Node {
    const i = (hash3(op, a, b) & this.cacheMask) * 4;
    const c = this.cache;
    c[i] = op;
    c[i + 1] = a;
    c[i + 2] = b;
    c[i + 3] = result;
    return result;
  }

  and(a: Node, b: Node): Node {
    if (a === FALSE || b === FALSE) return FALSE;
    if (a === TRUE) return b;
    if (b === TRUE || a === b) return a;
    if (a > b) {
      const t = a;
      a = b;
      b = t;
    }
    const slot = this.cacheSlot(OP_AND, a, b);
    const c = this.cache;
    if (c[slot] === OP_AND && c[slot + 1] === a && c[slot + 2] === b) return c[slot + 3]!;
    const va = this.variable[a]!,
      vb = this.variable[b]!;
    const v = va < vb ? va : vb;
    // Branches of each operand on v (itself when it does not test v).
    const a0 = va === v ? this.low[a]! : a,
      a1 = va === v ? this.high[a]! : a;
    const b0 = vb === v ? this.low[b]! : b,
      b1 = vb === v ? this.high[b]! : b;
    const lo = this.and(a0, b0);
    const hi = this.and(a1, b1);
    // A result with an operand's own branches is that operand: no unique-table lookup.
    return this.store(slot, OP_AND, a, b, lo === a0 && hi === a1 ? a : lo === b0 && hi === b1 ? b : this.mk(v, lo, hi));
  }

  or(a: Node, b: Node): Node {
    if (a === TRUE || b === TRUE) return TRUE;
    if (a === FALSE) return b;
    if (b === FALSE || a === b) return a;
    if (a > b) {
      const t = a;
      a = b;
      b = t;
    }
    const slot = this.cacheSlot(OP_OR, a, b);
    const c = this.cache;
    if (c[slot] === OP_OR && c[slot + 1] === a && c[slot + 2] === b) return c[slot + 3]!;
    const va = this.variable[a]!,
      vb = this.variable[b]!;
    const v = va < vb ? va : vb;
    // Branches of each operand on v (itself when it does not test v).
    const a0 = va === v ? this.low[a]! : a,
      a1 = va === v ? this.high[a]! : a;
    const b0 = vb === v ? this.low[b]! : b,
      b1 = vb === v ? this.high[b]! : b;
    const lo = this.or(a0, b0);
    const hi = this.or(a1, b1);
    // A result with an operand's own branches is that operand: no unique-table lookup.
    return this.store(slot, OP_OR, a, b, lo === a0 && hi === a1 ? a : lo === b0 && hi === b1 ? b : this.mk(v, lo, hi));
  }

  /** a minus b. */
  diff(a: Node, b: Node): Node {
    if (a === FALSE || b === TRUE || a === b) return FALSE;
    if (b === FALSE) return a;
    const slot = this.cacheSlot(OP_DIFF, a, b);
    const c = this.cache;
    if (c[slot] === OP_DIFF && c[slot + 1] === a && c[slot + 2] === b) return c[slot + 3]!;
    const va = this.variable[a]!,
      vb = this.variable[b]!;
    const v = va < vb ? va : vb;
    // Branches of each operand on v (itself when it does not test v).
    const a0 = va === v ? this.low[a]! : a,
      a1 = va === v ? this.high[a]! : a;
    const b0 = vb === v ? this.low[b]! : b,
      b1 = vb === v ? this.high[b]! : b;
    const lo = this.diff(a0, b0);
    const hi = this.diff(a1, b1);
    // A result with an operand's own branches is that operand: no unique-table lookup.
    return this.store(slot, OP_DIFF, a, b, lo === a0 && hi === a1 ? a : this.mk(v, lo, hi));
  }

  not(a: Node): Node {
    return this.diff(TRUE, a);
  }

  /** Forgets the variables of one field (any value of it): the projection on the others. */
  exists(a: Node, field: Field): Node {
    const end = field.offset + field.width;
    const go = (n: Node): Node => {
      const v = this.variable[n]!;
      if (v >= end) return n;
      const key = field.offset;
      const hit = this.cached(OP_EXISTS + key * 8, n, 0);
      if (hit !== -1) return hit;
      const lo = go(this.low[n]!);
      const hi = go(this.high[n]!);
      const result = v >= field.offset ? this.or(lo, hi) : this.mk(v, lo, hi);
      return this.remember(OP_EXISTS + key * 8, n, 0, result);
    };
    return go(a);
  }

  /** The set of headers whose `field` value lies in [lo, hi]; other fields are free. */
  range(field: Field, lo: number, hi: number): Node {
    return this.interval(field, lo, hi, TRUE);
  }

  /**
   * Headers whose `field` lies in [lo, hi] and whose later fields are in `next` (a set over
   * later fields only): built directly, one node per level and bound, without any `and`.
   */
  interval(field: Field, lo: number, hi: number, next: Node): Node {
    const max = field.width === 32 ? 0xffffffff : (1 << field.width) - 1;
    if (lo > hi || next === FALSE) return FALSE;
    if (lo <= 0 && hi >= max) return next;
    const memo = this.intervalCache;
    const at = (hash3(field.offset + Math.imul(lo, 0x27d4eb2d), hi, next) & (INTERVAL_CACHE - 1)) * 5;
    if (memo[at] === field.offset + 1 && memo[at + 1] === (lo | 0) && memo[at + 2] === (hi | 0) && memo[at + 3] === next) return memo[at + 4]!;
    const node = this.buildInterval(field, lo, hi, next);
    memo[at] = field.offset + 1;
    memo[at + 1] = lo;
    memo[at + 2] = hi;
    memo[at + 3] = next;
    memo[at + 4] = node;
    return node;
  }

  private buildInterval(field: Field, lo: number, hi: number, next: Node): Node {
    const w = field.width;
    // The first bit where lo and hi differ (w when they are equal).
    let k = 0;
    while (k < w && ((lo >>> (w - 1 - k)) & 1) === ((hi >>> (w - 1 - k)) & 1)) k++;
    let node: Node = next;
    if (k < w) {
      // Below k, two chains: values still equal to lo's bits (must stay >= lo) and values
      // still equal to hi's bits (must stay <= hi); leaving either chain frees the rest.
      let low: Node = next;
      let high: Node = next;
      for (let i = w - 1; i > k; i--) {
        const v = field.offset + i;
        low = ((lo >>> (w - 1 - i)) & 1) === 0 ? this.mk(v, low, next) : this.mk(v, FALSE, low);
        high = ((hi >>> (w - 1 - i)) & 1) === 1 ? this.mk(v, next, high) : this.mk(v, high, FALSE);
      }
      node = this.mk(field.offset + k, low, high);
    }
    // Above k, the common prefix.
    for (let i = Math.min(k, w) - 1; i >= 0; i--) {
      node = ((lo >>> (w - 1 - i)) & 1) === 0 ? this.mk(field.offset + i, node, FALSE) : this.mk(field.offset + i, FALSE, node);
    }
    return node;
  }

  box(b: HeaderBox): Node {
    const port = this.interval(PORT, b.portLo, b.portHi, TRUE);
    const proto = this.interval(PROTO, b.protoLo, b.protoHi, port);
    return this.interval(SRC, b.srcLo, b.srcHi, this.interval(DST, b.dstLo, b.dstHi, proto));
  }

  /** The product (any of src) × (any of dst) × (any of the services), built field by field. */
  product(
    src: ReadonlyArray<{ readonly lo: number; readonly hi: number }>,
    dst: ReadonlyArray<{ readonly lo: number; readonly hi: number }>,
    services: ReadonlyArray<{ readonly protoLo: number; readonly protoHi: number; readonly portLo: number; readonly portHi: number }>,
  ): Node {
    let svc: Node = FALSE;
    for (const t of services) svc = this.or(svc, this.interval(PROTO, t.protoLo, t.protoHi, this.interval(PORT, t.portLo, t.portHi, TRUE)));
    let d: Node = FALSE;
    for (const r of dst) d = this.or(d, this.interval(DST, r.lo, r.hi, svc));
    let s: Node = FALSE;
    for (const r of src) s = this.or(s, this.interval(SRC, r.lo, r.hi, d));
    return s;
  }

  boxes(set: readonly HeaderBox[]): Node {
    if (set.length === 1) return this.box(set[0]!);
    // Boxes of one source range (an intent's: each source with every destination and
    // service) are united below the source first: one source interval per distinct range.
    const bySource = new Map<string, { lo: number; hi: number; rest: Node }>();
    for (const b of set) {
      const rest = this.interval(DST, b.dstLo, b.dstHi, this.interval(PROTO, b.protoLo, b.protoHi, this.interval(PORT, b.portLo, b.portHi, TRUE)));
      const key = `${b.srcLo}-${b.srcHi}`;
      const group = bySource.get(key);
      if (group) group.rest = this.or(group.rest, rest);
      else bySource.set(key, { lo: b.srcLo, hi: b.srcHi, rest });
    }
    let n: Node = FALSE;
    for (const g of bySource.values()) n = this.or(n, this.interval(SRC, g.lo, g.hi, g.rest));
    return n;
  }

  /** Union of a field's ranges (any value of the other fields). */
  ranges(field: Field, list: ReadonlyArray<{ readonly lo: number; readonly hi: number }>): Node {
    let n: Node = FALSE;
    for (const r of list) n = this.or(n, this.range(field, r.lo, r.hi));
    return n;
  }

  contains(a: Node, p: Packet): boolean {
    let n = a;
    while (n > TRUE) {
      const v = this.variable[n]!;
      n = packetBit(p, v) ? this.high[n]! : this.low[n]!;
    }
    return n === TRUE;
  }

  /** Any one header of a non-empty set (the lowest along low branches). */
  pick(a: Node): Packet | undefined {
    if (a === FALSE) return undefined;
    const bits = new Uint8Array(VARIABLES);
    let n = a;
    while (n > TRUE) {
      const v = this.variable[n]!;
      if (this.low[n] !== FALSE) n = this.low[n]!;
      else {
        bits[v] = 1;
        n = this.high[n]!;
      }
    }
    const value = (f: Field): number => {
      let x = 0;
      for (let i = 0; i < f.width; i++) x = x * 2 + bits[f.offset + i]!;
      return x;
    };
    return { src: value(SRC), dst: value(DST), protocol: value(PROTO), port: value(PORT) };
  }

  /**
   * The set as disjoint boxes: for each field in order, the maximal value intervals that
   * lead to the same remainder. Canonical: equal sets give equal box lists. With `limit`,
   * only the first `limit` boxes of that list.
   */
  toBoxes(a: Node, limit = Infinity): HeaderBox[] {
    const out: HeaderBox[] = [];
    const memo = new Map<number, Array<{ lo: number; hi: number; child: Node }>>();
    const values = [0, 0, 0, 0, 0, 0, 0, 0];
    const walk = (n: Node, f: number): void => {
      if (f === FIELDS.length) {
        out.push({
          srcLo: values[0]!,
          srcHi: values[1]!,
          dstLo: values[2]!,
          dstHi: values[3]!,
          protoLo: values[4]!,
          protoHi: values[5]!,
          portLo: values[6]!,
          portHi: values[7]!,
        });
        return;
      }
      const key = n * 4 + f;
      let list = memo.get(key);
      if (!list) {
        list = this.intervals(n, FIELDS[f]!);
        memo.set(key, list);
      }
      const slot = FIELDS[f]!.slot;
      for (const iv of list) {
        if (out.length >= limit) return;
        values[slot * 2] = iv.lo;
        values[slot * 2 + 1] = iv.hi;
        walk(iv.child, f + 1);
      }
    };
    walk(a, 0);
    return out;
  }

  /** Value intervals of one field, each with the node the rest of the set continues at. */
  intervals(n: Node, field: Field): Array<{ lo: number; hi: number; child: Node }> {
    const end = field.offset + field.width;
    const raw: Array<{ lo: number; hi: number; child: Node }> = [];
    const go = (node: Node, depth: number, prefix: number): void => {
      if (node === FALSE) return;
      const v = this.variable[node]!;
      const free = field.width - depth;
      if (v >= end) {
        const span = 2 ** free;
        raw.push({ lo: prefix * span, hi: prefix * span + span - 1, child: node });
        return;
      }
      if (v === field.offset + depth) {
        go(this.low[node]!, depth + 1, prefix * 2);
        go(this.high[node]!, depth + 1, prefix * 2 + 1);
      } else {
        go(node, depth + 1, prefix * 2);
        go(node, depth + 1, prefix * 2 + 1);
      }
    };
    go(n, 0, 0);
    const merged: Array<{ lo: number; hi: number; child: Node }> = [];
    for (const iv of raw) {
      const last = merged[merged.length - 1];
      if (last && last.child === iv.child && last.hi + 1 === iv.lo) last.hi = iv.hi;
      else merged.push({ ...iv });
    }
    return merged;
  }
}

function hash3(a: number, b: number, c: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca77) ^ Math.imul(c, 0xc2b2ae3d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return (h ^ (h >>> 12)) >>> 0;
}

function packetBit(p: Packet, v: number): number {
  if (v < 32) return (p.src >>> (31 - v)) & 1;
  if (v < 64) return (p.dst >>> (63 - v)) & 1;
  if (v < 72) return (p.protocol >>> (71 - v)) & 1;
  return (p.port >>> (87 - v)) & 1;
}
