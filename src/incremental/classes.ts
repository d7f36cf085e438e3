// The packet equivalence classes of a replay, kept up to date on every update as APKeep (NSDI
// 2020) keeps its atomic predicates: an update splits the classes its changed predicate cuts and
// merges the classes nothing tells apart any more. Three partitions of the header space:
//
// - forwarding classes (APKeep's forwarding atoms): the coarsest partition in which every
//   device's forwarding predicate per route target (interface, deliver, null route; no route is
//   the rest) is a union of classes. Forwarding looks at the destination only, so a class is a
//   set of destinations with the same targets at every device: a signature (one out id per
//   device) and, over the destinations, an interval map of class ids;
// - ACL classes (APKeep's ACL atoms): the coarsest partition in which every ACL's permit set is a
//   union of classes, as BDDs, each with the ACLs that permit it (its signature);
// - joint classes: the non-empty intersections of a forwarding class and an ACL class, the
//   coarsest partition in which all those predicates are unions (what a walk tells apart).
//
// A forwarding update moves the changed destinations M of one device to new out ids: each piece
// of M leaves its class for the class with the device's out id replaced (made when new, so a
// class splits), and a class left with no destination is gone (merged into the others). An ACL
// update changes one permit set P: every ACL class P cuts is split, its signature's bit for the
// ACL set anew, and classes with equal signatures are merged (their BDDs joined). Joint classes
// are counted, not built: per forwarding class f and ACL class a, the number of destinations of f
// that a's projection onto destinations holds; (f, a) is a joint class while that is positive.

import { type Bdd, FALSE, type Node, TRUE } from '../engine/bdd.ts';
import type { Intervals } from '../net/intervals.ts';

const TOP = 0xffffffff;

interface FwdClass {
  readonly sig: Int32Array;
  readonly key: string;
  /** Destinations in the class. */
  size: number;
  /** Per ACL class id: destinations of this class its projection holds (only positive ones). */
  readonly meets: Map<number, number>;
}

interface AclClass {
  readonly id: number;
  readonly node: Node;
  /** The ACL elements whose permit set holds the class, sorted. */
  readonly members: readonly number[];
  /** Its destinations (the projection onto DST); null: all of them. */
  readonly dst: Intervals | null;
}

export interface ClassCounts {
  readonly forwarding: number;
  readonly acl: number;
  readonly joint: number;
}

export class ClassIndex {
  /** The destination map: segment i covers [starts[i], starts[i+1]-1] and is of class cls[i]. */
  private readonly starts: number[] = [0];
  private readonly cls: number[] = [0];
  private readonly fwd = new Map<number, FwdClass>();
  private readonly bySig = new Map<string, number>();
  private nextFwd = 0;
  private acl: AclClass[] = [];
  private nextAcl = 0;
  private jointCount = 0;
  private readonly permits = new Map<number, Node>();

  constructor(
    private readonly bdd: Bdd,
    devices: number,
    private readonly destinations: (p: Node) => Intervals,
  ) {
    const sig = new Int32Array(devices);
    this.newFwd(sig);
    this.fwd.get(0)!.size = TOP + 1;
    this.addAcl([{ node: TRUE, members: [] }]);
  }

  counts(): ClassCounts {
    return { forwarding: this.fwd.size, acl: this.acl.length, joint: this.jointCount };
  }

  /** The forwarding classes as the destination map (class ids renumbered by first appearance). */
  forwardingMap(): { starts: number[]; classes: number[] } {
    const ids = new Map<number, number>();
    return { starts: this.starts.slice(), classes: this.cls.map((c) => ids.get(c) ?? ids.set(c, ids.size).get(c)!) };
  }

  /** The ACL classes as BDD nodes (canonical: equal sets of headers are equal nodes). */
  aclNodes(): Node[] {
    return this.acl.map((a) => a.node);
  }

  private newFwd(sig: Int32Array): number {
    const key = sig.join(',');
    const id = this.nextFwd++;
    this.fwd.set(id, { sig, key, size: 0, meets: new Map() });
    this.bySig.set(key, id);
    return id;
  }

  /** The class of the destinations of class c once device X sends them to out id o. */
  private moved(c: number, X: number, o: number, memo: Map<number, number>): number {
    const mk = c * 1048576 + o;
    const hit = memo.get(mk);
    // (A class met before may have lost all its destinations to another piece since.)
    if (hit !== undefined && this.fwd.has(hit)) return hit;
    const from = this.fwd.get(c)!;
    let to = c;
    if (from.sig[X] !== o) {
      const sig = from.sig.slice();
      sig[X] = o;
      to = this.bySig.get(sig.join(',')) ?? this.newFwd(sig);
    }
    memo.set(mk, to);
    return to;
  }

  /** Destinations [a, b] leave class `from` for class `to`: sizes and joint counts follow. */
  private transfer(from: number, to: number, a: number, b: number): void {
    if (from === to) return;
    const f = this.fwd.get(from)!;
    const t = this.fwd.get(to)!;
    const n = b - a + 1;
    f.size -= n;
    t.size += n;
    for (const ac of this.acl) {
      const ov = ac.dst === null ? n : overlap(ac.dst, a, b);
      if (ov === 0) continue;
      const left = f.meets.get(ac.id)! - ov;
      if (left === 0) {
        f.meets.delete(ac.id);
        this.jointCount--;
      } else f.meets.set(ac.id, left);
      const had = t.meets.get(ac.id);
      if (had === undefined) this.jointCount++;
      t.meets.set(ac.id, (had ?? 0) + ov);
    }
    if (f.size === 0) {
      this.fwd.delete(from);
      this.bySig.delete(f.key);
    }
  }

  /** Device X now sends the destinations m (pairs lo, hi) to out ids mOuts (one per pair). */
  moveForwarding(X: number, m: Intervals, mOuts: readonly number[]): void {
    const memo = new Map<number, number>();
    const starts = this.starts;
    const cls = this.cls;
    for (let k = 0; k < mOuts.length; k++) {
      const lo = m[2 * k]!;
      const hi = m[2 * k + 1]!;
      const o = mOuts[k]!;
      const i0 = upper(starts, lo) - 1;
      const i1 = upper(starts, hi) - 1;
      const rs: number[] = [];
      const rc: number[] = [];
      const push = (s: number, c: number): void => {
        if (rc.length > 0 && rc[rc.length - 1] === c) return;
        rs.push(s);
        rc.push(c);
      };
      if (starts[i0]! < lo) push(starts[i0]!, cls[i0]!);
      for (let i = i0; i <= i1; i++) {
        const a = starts[i]! > lo ? starts[i]! : lo;
        const end = i + 1 < starts.length ? starts[i + 1]! - 1 : TOP;
        const b = end < hi ? end : hi;
        const c = cls[i]!;
        const to = this.moved(c, X, o, memo);
        push(a, to);
        this.transfer(c, to, a, b);
      }
      const end1 = i1 + 1 < starts.length ? starts[i1 + 1]! - 1 : TOP;
      if (end1 > hi) push(hi + 1, cls[i1]!);
      starts.splice(i0, i1 + 1 - i0, ...rs);
      cls.splice(i0, i1 + 1 - i0, ...rc);
      // Equal neighbours at the seams become one segment.
      const seam = (j: number): void => {
        if (j > 0 && j < starts.length && cls[j - 1] === cls[j]) {
          starts.splice(j, 1);
          cls.splice(j, 1);
        }
      };
      seam(i0 + rs.length);
      seam(i0);
    }
  }

  /** ACL element e permits p now: split the ACL classes p cuts, merge those no ACL tells apart. */
  aclChanged(e: number, p: Node): void {
    if (this.permits.get(e) === p) return;
    const bdd = this.bdd;
    const pieces: Array<{ node: Node; members: number[]; old: AclClass }> = [];
    let cut = false;
    for (const a of this.acl) {
      const without = a.members.filter((x) => x !== e);
      const inside = bdd.and(a.node, p);
      if (inside === a.node) pieces.push({ node: a.node, members: insertSorted(without, e), old: a });
      else if (inside === FALSE) pieces.push({ node: a.node, members: without, old: a });
      else {
        cut = true;
        pieces.push({ node: inside, members: insertSorted(without, e), old: a });
        pieces.push({ node: bdd.diff(a.node, inside), members: without, old: a });
      }
    }
    this.permits.set(e, p);
    // Group by signature; a class that keeps its headers and is alone in its group stays as it is.
    const groups = new Map<string, Array<(typeof pieces)[number]>>();
    for (const piece of pieces) {
      const key = piece.members.join(',');
      const g = groups.get(key);
      if (g) g.push(piece);
      else groups.set(key, [piece]);
    }
    if (!cut && groups.size === this.acl.length) {
      // Same classes; only their signatures changed.
      this.acl = this.acl.map((a, i) => ({ ...a, members: pieces[i]!.members }));
      return;
    }
    const keep: AclClass[] = [];
    const gone = new Set<number>();
    const fresh: Array<{ node: Node; members: number[] }> = [];
    for (const g of groups.values()) {
      if (g.length === 1 && g[0]!.node === g[0]!.old.node) {
        keep.push({ ...g[0]!.old, members: g[0]!.members });
        continue;
      }
      let node: Node = FALSE;
      for (const piece of g) {
        node = bdd.or(node, piece.node);
        gone.add(piece.old.id);
      }
      fresh.push({ node, members: g[0]!.members });
    }
    for (const id of gone) this.dropAcl(id);
    this.acl = keep;
    this.addAcl(fresh);
  }

  private dropAcl(id: number): void {
    for (const f of this.fwd.values()) if (f.meets.delete(id)) this.jointCount--;
  }

  /** New ACL classes: their projections, and the destinations of each forwarding class they hold. */
  private addAcl(list: ReadonlyArray<{ node: Node; members: number[] }>): void {
    for (const { node, members } of list) {
      const d = this.destinations(node);
      const dst = d.length === 2 && d[0] === 0 && d[1] === TOP ? null : d;
      const id = this.nextAcl++;
      this.acl.push({ id, node, members, dst });
      const add = (c: number, n: number): void => {
        const f = this.fwd.get(c)!;
        const had = f.meets.get(id);
        if (had === undefined) this.jointCount++;
        f.meets.set(id, (had ?? 0) + n);
      };
      if (dst === null) {
        for (const [c, f] of this.fwd) add(c, f.size);
        continue;
      }
      const starts = this.starts;
      for (let k = 0; k < dst.length; k += 2) {
        const lo = dst[k]!;
        const hi = dst[k + 1]!;
        for (let i = upper(starts, lo) - 1; i < starts.length && starts[i]! <= hi; i++) {
          const end = i + 1 < starts.length ? starts[i + 1]! - 1 : TOP;
          const a = starts[i]! > lo ? starts[i]! : lo;
          const b = end < hi ? end : hi;
          add(this.cls[i]!, b - a + 1);
        }
      }
    }
  }
}

/** How many of [a, b] a sorted interval list holds. */
function overlap(list: Intervals, a: number, b: number): number {
  // First interval ending at or after a.
  let lo = 0;
  let hi = list.length >> 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[2 * mid + 1]! < a) lo = mid + 1;
    else hi = mid;
  }
  let n = 0;
  for (let k = 2 * lo; k < list.length && list[k]! <= b; k += 2) {
    const x = list[k]! > a ? list[k]! : a;
    const y = list[k + 1]! < b ? list[k + 1]! : b;
    n += y - x + 1;
  }
  return n;
}

function insertSorted(list: readonly number[], x: number): number[] {
  const out: number[] = [];
  let placed = false;
  for (const y of list) {
    if (!placed && x < y) {
      out.push(x);
      placed = true;
    }
    out.push(y);
  }
  if (!placed) out.push(x);
  return out;
}

function upper(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
