// The destinations of a header set (its projection onto DST) as sorted intervals, read off the
// BDD without building anything. The variable order puts SRC above DST, and the fields below DST
// (protocol, port) only matter as "some packet": so the projection is the union, over the nodes
// first reached below the SRC variables (the frontier), of the destination values along which a
// node leads to anything but FALSE. `exists` over SRC would build that union as a BDD with an
// `or` per SRC node: the 21 ACL classes projected at the Stanford trace's first fwd update took
// 20 ms that way, about 1 ms this way once compiled (docs/performance.md).

import { type Bdd, DST, FALSE, type Node, TRUE } from '../engine/bdd.ts';
import { append, type Intervals, union } from '../net/intervals.ts';

const TOP = 0xffffffff;
const DST_END = DST.offset + DST.width;

export class DestinationProjector {
  /** Per DST node: its destinations over its own bits (own), and as a frontier node (below). Nodes never change. */
  private readonly memo = new Map<Node, Intervals>();
  private readonly top = new Map<Node, Intervals>();
  /** Visit stamps of the SRC walk, by node id (grown with the BDD). */
  private seen = new Int32Array(1024);
  private stamp = 0;
  private readonly frontier: Node[] = [];

  constructor(private readonly bdd: Bdd) {}

  /** The destinations some header of p has; a fresh list the caller may keep (not mutate). */
  of(p: Node): Intervals {
    if (p === FALSE) return [];
    const bdd = this.bdd;
    if (bdd.varOf(p) >= DST.offset) return this.below(p);
    if (this.seen.length < bdd.stats.nodes) this.seen = new Int32Array(bdd.stats.nodes * 2);
    const stamp = ++this.stamp;
    const frontier = this.frontier;
    frontier.length = 0;
    // The SRC part, each node once; its children below SRC are the frontier.
    const stack = [p];
    this.seen[p] = stamp;
    while (stack.length > 0) {
      const n = stack.pop()!;
      for (let side = 0; side < 2; side++) {
        const c = side === 0 ? bdd.lowOf(n) : bdd.highOf(n);
        if (c === FALSE || this.seen[c] === stamp) continue;
        this.seen[c] = stamp;
        if (bdd.varOf(c) < DST.offset) stack.push(c);
        else if (bdd.varOf(c) >= DST_END) return [0, TOP];
        else frontier.push(c);
      }
    }
    // The union, pairwise in a balanced order (a long list is merged log(k) times, not k).
    const lists = frontier.map((f) => this.below(f));
    while (lists.length > 1) {
      const next: Intervals[] = [];
      for (let k = 0; k + 1 < lists.length; k += 2) next.push(union(lists[k]!, lists[k + 1]!));
      if (lists.length % 2 === 1) next.push(lists[lists.length - 1]!);
      lists.splice(0, lists.length, ...next);
    }
    return lists[0] ?? [];
  }

  /** The destinations of a node at or below DST, with no DST bit fixed above it. */
  private below(n: Node): Intervals {
    if (n === TRUE || this.bdd.varOf(n) >= DST_END) return [0, TOP];
    let out = this.top.get(n);
    if (out === undefined) {
      out = [];
      this.place(n, DST.offset, 0, out);
      this.top.set(n, out);
    }
    return out;
  }

  /**
   * Appends the destinations of node `c` when its set is over the DST bits from variable `level`
   * on, placed at `base`. Bits between `level` and c's own variable are free: c's own intervals
   * repeat for each of their values (once, when they cover all of c's values).
   */
  private place(c: Node, level: number, base: number, out: number[]): void {
    if (c === FALSE) return;
    const v = this.bdd.varOf(c);
    const span = 2 ** (DST_END - level);
    if (v >= DST_END) {
      append(out, base, base + span - 1);
      return;
    }
    const own = this.own(c);
    const ownSpan = 2 ** (DST_END - v);
    if (own.length === 2 && own[0] === 0 && own[1] === ownSpan - 1) {
      append(out, base, base + span - 1);
      return;
    }
    for (let at = base; at < base + span; at += ownSpan) {
      for (let k = 0; k < own.length; k += 2) append(out, at + own[k]!, at + own[k + 1]!);
    }
  }

  /** The destinations of a DST node over its own bits and below (0 .. 2^(bits left) - 1). */
  private own(n: Node): Intervals {
    let out = this.memo.get(n);
    if (out === undefined) {
      out = [];
      const v = this.bdd.varOf(n);
      this.place(this.bdd.lowOf(n), v + 1, 0, out);
      this.place(this.bdd.highOf(n), v + 1, 2 ** (DST_END - v - 1), out);
      this.memo.set(n, out);
    }
    return out;
  }
}
