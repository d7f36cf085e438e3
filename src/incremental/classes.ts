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
// of M leaves its class for the class with the device's out id replaced (found by an additive
// hash of the signature, made when new: a split), and a class left with no destination is gone
// (merged into the others). An ACL update changes one permit set from P to P': every ACL class
// was inside or outside P, so only P' \ P and P \ P' can cut it; a cut class is split, its
// signature's bit for the ACL set anew, and classes with equal signatures are merged (their BDDs
// joined). Joint classes are counted, not built: the ACL classes are grouped by their projection
// onto destinations; per forwarding class f and group g, the number of destinations of f that g's
// projection holds; f meets every ACL class of g while that is positive. ACL classes that project
// onto every destination (the most: they differ in sources, protocols, ports) meet every
// forwarding class and cost a fwd update nothing.

import { type Bdd, FALSE, type Node, TRUE } from '../engine/bdd.ts';
import { type Intervals, upperBound } from '../net/intervals.ts';

const TOP = 0xffffffff;
/** Signature hashes are kept to 30 bits: small integers, which V8 keeps unboxed as Map keys. */
const HASH_MASK = 0x3fffffff;

interface FwdClass {
  readonly sig: Int32Array;
  /** sigHash(sig): a sum over the devices (mod 2^30), so one device's change updates it in O(1). */
  readonly hash: number;
  /** Destinations in the class. */
  size: number;
  /** Per projection group id (partial ones): destinations of this class it holds (only positive ones). */
  readonly meets: Map<number, number>;
}

/** The ACL classes with one projection onto destinations (a partial one: not every destination). */
interface Group {
  readonly id: number;
  readonly key: string;
  readonly dst: Intervals;
  /** dst's first and last destination: most moved segments lie outside and skip the search. */
  readonly lo: number;
  readonly hi: number;
  /** ACL classes in the group. */
  atoms: number;
  /** Forwarding classes with destinations in dst. */
  meetCount: number;
}

interface AclClass {
  readonly id: number;
  readonly node: Node;
  /** The ACL elements whose permit set holds the class, sorted; and joined with commas. */
  members: readonly number[];
  key: string;
  /** The classes of its projection onto destinations; null: all destinations. */
  /** Undefined while not placed yet (only while one forwarding class covers every destination). */
  group: Group | null | undefined;
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
  /** Forwarding classes by id (an array: ids are small and reused); how many there are. */
  private readonly fwd: Array<FwdClass | undefined> = [];
  private readonly freeIds: number[] = [];
  private fwdCount = 0;
  /** Class ids by signature hash (equal hashes told apart by comparing signatures). */
  private readonly bySig = new Map<number, number[]>();
  /** Scratch lists of moveForwarding (the segments replacing those a piece of M covers). */
  private readonly rs: number[] = [];
  private readonly rc: number[] = [];
  private acl: AclClass[] = [];
  private nextAcl = 0;
  private readonly permits = new Map<number, Node>();
  /** Partial projection groups by key, and as a list for the fwd updates. */
  private readonly groups = new Map<string, Group>();
  private groupList: Group[] = [];
  private nextGroup = 0;
  private readonly projections = new Map<Node, { key: string; dst: Intervals } | null>();
  /** Σ over partial groups of atoms × meetCount; and the ACL classes whose projection is everything. */
  private jointPartial = 0;
  private fullAtoms = 0;
  /** ACL classes not placed in a group yet: each meets the one forwarding class there is. */
  private unplaced = 0;

  constructor(
    private readonly bdd: Bdd,
    devices: number,
    private readonly destinations: (p: Node) => Intervals,
  ) {
    const sig = new Int32Array(devices);
    this.newFwd(sig);
    this.fwd[0]!.size = TOP + 1;
    this.addAcl([{ node: TRUE, members: [], key: '' }]);
  }

  counts(): ClassCounts {
    return { forwarding: this.fwdCount, acl: this.acl.length, joint: this.jointPartial + this.fwdCount * this.fullAtoms + this.unplaced };
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

  private newFwd(sig: Int32Array, hash = sigHash(sig)): number {
    // A freed id is in no segment of the map any more (its class had no destination left).
    const id = this.freeIds.pop() ?? this.fwd.length;
    this.fwd[id] = { sig, hash, size: 0, meets: new Map() };
    this.fwdCount++;
    const bucket = this.bySig.get(hash);
    if (bucket) bucket.push(id);
    else this.bySig.set(hash, [id]);
    return id;
  }

  /** The class of the destinations of class c once device X sends them to out id o (made when new: a split). */
  private moved(c: number, X: number, o: number): number {
    const from = this.fwd[c]!;
    if (from.sig[X] === o) return c;
    const hash = (from.hash - mix(X, from.sig[X]!) + mix(X, o)) & HASH_MASK;
    const bucket = this.bySig.get(hash);
    if (bucket) {
      for (let k = 0; k < bucket.length; k++) {
        const sig = this.fwd[bucket[k]!]!.sig;
        if (sig[X] === o && sameExcept(sig, from.sig, X)) return bucket[k]!;
      }
    }
    const sig = from.sig.slice();
    sig[X] = o;
    return this.newFwd(sig, hash);
  }

  /**
   * The destinations [moveLo, moveHi] leave class `from` for class `to`: sizes and joint counts
   * follow. The range is passed in fields, not arguments: addresses above 2^30 passed to a call
   * are boxed (a heap number each), and this runs for every moved segment.
   */
  private moveLo = 0;
  private moveHi = 0;
  private transfer(from: number, to: number): void {
    const a = this.moveLo;
    const b = this.moveHi;
    const f = this.fwd[from]!;
    const t = this.fwd[to]!;
    const n = b - a + 1;
    f.size -= n;
    t.size += n;
    const groups = this.groupList;
    for (let k = 0; k < groups.length; k++) {
      const g = groups[k]!;
      if (b < g.lo || a > g.hi) continue;
      const ov = overlap(g.dst, a, b);
      if (ov === 0) continue;
      const left = f.meets.get(g.id)! - ov;
      if (left === 0) {
        f.meets.delete(g.id);
        g.meetCount--;
        this.jointPartial -= g.atoms;
      } else f.meets.set(g.id, left);
      const had = t.meets.get(g.id);
      if (had === undefined) {
        g.meetCount++;
        this.jointPartial += g.atoms;
      }
      t.meets.set(g.id, (had ?? 0) + ov);
    }
    if (f.size === 0) {
      this.fwd[from] = undefined;
      this.freeIds.push(from);
      this.fwdCount--;
      const bucket = this.bySig.get(f.hash)!;
      if (bucket.length === 1) this.bySig.delete(f.hash);
      else bucket.splice(bucket.indexOf(from), 1);
    }
  }

  /**
   * Device X now sends the destinations m (pairs lo, hi) to out ids mOuts (one per pair). Each
   * segment of the destination map inside a pair moves to its class's neighbour (moved), and
   * the segments of the pair are rewritten in place: a run of segments that ends up in one class
   * is one segment.
   */
  moveForwarding(X: number, m: Intervals, mOuts: readonly number[]): void {
    if (this.unplaced > 0) this.place();
    const starts = this.starts;
    const cls = this.cls;
    const rs = this.rs;
    const rc = this.rc;
    for (let k = 0; k < mOuts.length; k++) {
      const lo = m[2 * k]!;
      const hi = m[2 * k + 1]!;
      const o = mOuts[k]!;
      const i0 = upperBound(starts, lo) - 1;
      const i1 = upperBound(starts, hi) - 1;
      // The segments from i0 to i1 become rs/rc: the part of i0 before lo, the moved ones, the part of i1 after hi.
      rs.length = 0;
      rc.length = 0;
      if (starts[i0]! < lo) {
        rs.push(starts[i0]!);
        rc.push(cls[i0]!);
      }
      for (let i = i0; i <= i1; i++) {
        const a = starts[i]! > lo ? starts[i]! : lo;
        const end = i + 1 < starts.length ? starts[i + 1]! - 1 : TOP;
        const b = end < hi ? end : hi;
        const c = cls[i]!;
        const to = this.moved(c, X, o);
        if (to !== c) {
          this.moveLo = a;
          this.moveHi = b;
          this.transfer(c, to);
        }
        if (rc.length === 0 || rc[rc.length - 1] !== to) {
          rs.push(a);
          rc.push(to);
        }
      }
      const end1 = i1 + 1 < starts.length ? starts[i1 + 1]! - 1 : TOP;
      if (end1 > hi && rc[rc.length - 1] !== cls[i1]) {
        rs.push(hi + 1);
        rc.push(cls[i1]!);
      }
      // Equal neighbours at the seams become one segment: the left one takes in the first new
      // segment (rs[0] is dropped), the last new segment takes in the right one (its start goes).
      const head = i0 > 0 && cls[i0 - 1] === rc[0] ? 1 : 0;
      const count = i1 + 1 - i0 + (i1 + 1 < starts.length && cls[i1 + 1] === rc[rc.length - 1] ? 1 : 0);
      if (rs.length - head === count) {
        for (let j = head; j < rs.length; j++) {
          starts[i0 + j - head] = rs[j]!;
          cls[i0 + j - head] = rc[j]!;
        }
      } else {
        starts.splice(i0, count, ...rs.slice(head));
        cls.splice(i0, count, ...rc.slice(head));
      }
    }
  }

  /** ACL element e permits p now: split the ACL classes p cuts, merge those no ACL tells apart. */
  aclChanged(e: number, p: Node): void {
    const before = this.permits.get(e) ?? FALSE;
    if (before === p) return;
    const bdd = this.bdd;
    // Every class was inside or outside the old permit set: only what was added or removed
    // can cut it (one rule's worth of headers). The classes it meets are found one packet of it
    // at a time (a membership test per class, no BDD operation), so only they are cut with BDDs.
    const changed = bdd.or(bdd.diff(p, before), bdd.diff(before, p));
    const meets = new Map<AclClass, Node>();
    for (let rest = changed; rest !== FALSE; ) {
      const packet = bdd.pick(rest)!;
      const a = this.acl.find((x) => bdd.contains(x.node, packet))!;
      const inside = bdd.and(a.node, changed);
      meets.set(a, inside);
      rest = bdd.diff(rest, inside);
    }
    const pieces: Array<{ node: Node; members: readonly number[]; key: string; old: AclClass }> = [];
    const piece = (node: Node, members: readonly number[], old: AclClass): void => {
      pieces.push({ node, members, key: members === old.members ? old.key : members.join(','), old });
    };
    let cut = false;
    for (const a of this.acl) {
      const inside = meets.get(a);
      if (inside === undefined) {
        piece(a.node, a.members, a);
        continue;
      }
      // The headers of the class that changed flip their membership of e; the rest keep it.
      const flipped = a.members.includes(e) ? a.members.filter((x) => x !== e) : insertSorted(a.members, e);
      if (inside === a.node) piece(a.node, flipped, a);
      else {
        cut = true;
        piece(inside, flipped, a);
        piece(bdd.diff(a.node, inside), a.members, a);
      }
    }
    this.permits.set(e, p);
    if (!cut && pieces.every((x) => x.members === x.old.members)) return;
    // Group by signature; a class that keeps its headers and is alone in its group stays as it is.
    const groups = new Map<string, Array<(typeof pieces)[number]>>();
    for (const piece of pieces) {
      const g = groups.get(piece.key);
      if (g) g.push(piece);
      else groups.set(piece.key, [piece]);
    }
    if (!cut && groups.size === this.acl.length) {
      // Same classes; only their signatures changed.
      for (const piece of pieces) {
        piece.old.members = piece.members;
        piece.old.key = piece.key;
      }
      return;
    }
    const keep: AclClass[] = [];
    const gone = new Set<number>();
    const fresh: Array<{ node: Node; members: readonly number[]; key: string }> = [];
    for (const g of groups.values()) {
      if (g.length === 1 && g[0]!.node === g[0]!.old.node) {
        g[0]!.old.members = g[0]!.members;
        g[0]!.old.key = g[0]!.key;
        keep.push(g[0]!.old);
        continue;
      }
      let node: Node = FALSE;
      for (const piece of g) {
        node = bdd.or(node, piece.node);
        gone.add(piece.old.id);
      }
      fresh.push({ node, members: g[0]!.members, key: g[0]!.key });
    }
    const old = this.acl;
    this.acl = keep;
    // The new classes join their groups first, so a group that only changes classes stays.
    this.addAcl(fresh);
    for (const a of old) if (gone.has(a.id)) this.leave(a);
    this.groupList = [...this.groups.values()];
  }

  /** An ACL class is gone: its projection group loses it (and goes when it was the last). */
  private leave(a: AclClass): void {
    const g = a.group;
    if (g === undefined) {
      this.unplaced--;
      return;
    }
    if (g === null) {
      this.fullAtoms--;
      return;
    }
    g.atoms--;
    this.jointPartial -= g.meetCount;
    if (g.atoms > 0) return;
    for (const f of this.fwd) f?.meets.delete(g.id);
    this.groups.delete(g.key);
  }

  /**
   * New ACL classes. While one forwarding class covers every destination, each meets it whatever
   * its projection: they are placed (projected onto destinations, in their group) only when
   * forwarding splits (the trace's ACL updates come before and after its fwd rules).
   */
  private addAcl(list: ReadonlyArray<{ node: Node; members: readonly number[]; key: string }>): void {
    for (const { node, members, key } of list) {
      this.acl.push({ id: this.nextAcl++, node, members, key, group: undefined });
      this.unplaced++;
    }
    if (this.fwdCount > 1) this.place();
  }

  /** Each ACL class not placed yet joins the group of its projection; a new group counts the classes it meets. */
  private place(): void {
    for (const a of this.acl) {
      if (a.group !== undefined) continue;
      let proj = this.projections.get(a.node);
      if (proj === undefined) {
        const d = this.destinations(a.node);
        proj = d.length === 2 && d[0] === 0 && d[1] === TOP ? null : { key: d.join(','), dst: d };
        this.projections.set(a.node, proj);
      }
      this.unplaced--;
      if (proj === null) {
        a.group = null;
        this.fullAtoms++;
        continue;
      }
      const g = this.groups.get(proj.key) ?? this.newGroup(proj.key, proj.dst);
      g.atoms++;
      this.jointPartial += g.meetCount;
      a.group = g;
    }
    this.groupList = [...this.groups.values()];
  }

  private newGroup(key: string, dst: Intervals): Group {
    const g: Group = { id: this.nextGroup++, key, dst, lo: dst[0]!, hi: dst[dst.length - 1]!, atoms: 0, meetCount: 0 };
    this.groups.set(key, g);
    const starts = this.starts;
    for (let k = 0; k < dst.length; k += 2) {
      const lo = dst[k]!;
      const hi = dst[k + 1]!;
      for (let i = upperBound(starts, lo) - 1; i < starts.length && starts[i]! <= hi; i++) {
        const end = i + 1 < starts.length ? starts[i + 1]! - 1 : TOP;
        const a = starts[i]! > lo ? starts[i]! : lo;
        const b = end < hi ? end : hi;
        const f = this.fwd[this.cls[i]!]!;
        const had = f.meets.get(g.id);
        if (had === undefined) g.meetCount++;
        f.meets.set(g.id, (had ?? 0) + b - a + 1);
      }
    }
    return g;
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

/** One device's share of a signature hash. */
function mix(device: number, out: number): number {
  let h = Math.imul(device + 1, 0x9e3779b1) ^ Math.imul(out + 1, 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 13)) & HASH_MASK;
}

function sigHash(sig: Int32Array): number {
  let h = 0;
  for (let d = 0; d < sig.length; d++) h = (h + mix(d, sig[d]!)) & HASH_MASK;
  return h;
}

function sameExcept(a: Int32Array, b: Int32Array, skip: number): boolean {
  for (let d = 0; d < a.length; d++) if (d !== skip && a[d] !== b[d]) return false;
  return true;
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
