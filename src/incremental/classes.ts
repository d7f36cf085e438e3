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

import { type Bdd, FALSE, type Node, TRUE, VARIABLES } from '../engine/bdd.ts';
import { type Intervals, upperBound } from '../net/intervals.ts';
import { replaceRange } from './arrays.ts';

const TOP = 0xffffffff;
/** Signature hashes are kept to 30 bits: small integers, which V8 keeps unboxed as Map keys. */
const HASH_MASK = 0x3fffffff;

interface FwdClass {
  readonly sig: Int32Array;
  /** sigHash(sig): a sum over the devices (mod 2^30), so one device's change updates it in O(1). */
  readonly hash: number;
  /** Destinations in the class. */
  size: number;
  /** Per projection group id (partial ones): destinations of this class it holds (groupCap long). */
  meets: Float64Array;
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
  /** Per ACL element, its permit set as the classes know it. */
  private readonly permits: Node[] = [];
  /** The ACL classes by signature (members joined with commas): one class per signature. */
  private readonly byKey = new Map<string, AclClass>();
  /** Scratch of aclChanged: the classes the change meets, and their parts of it. */
  private readonly metClasses: AclClass[] = [];
  private readonly metParts: Node[] = [];
  /** Scratch of meet: one header, a bit per BDD variable. */
  private readonly header = new Uint8Array(VARIABLES);
  /** Partial projection groups by key, and as a list for the fwd updates. */
  private readonly groups = new Map<string, Group>();
  private groupList: Group[] = [];
  /** Group ids are reused (freeGroupIds), so they index the classes' meets arrays, groupCap long. */
  private nextGroup = 0;
  private readonly freeGroupIds: number[] = [];
  private groupCap = 4;
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
    this.fwd[id] = { sig, hash, size: 0, meets: new Float64Array(this.groupCap) };
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

  /** The range transfer moves. They start at TOP, above 2^31, so V8 makes them double fields
   * from the start: a small-integer field that later holds a double changes the object's hidden
   * class, which throws away the code compiled for ClassIndex (at the first fwd update). */
  private moveLo = TOP;
  private moveHi = TOP;
  /**
   * The destinations [moveLo, moveHi] leave class `from` for class `to`: sizes and joint counts
   * follow. The range is passed in fields, not arguments: addresses above 2^30 passed to a call
   * are boxed (a heap number each), and this runs for every moved segment.
   */
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
      const left = f.meets[g.id]! - ov;
      f.meets[g.id] = left;
      if (left === 0) {
        g.meetCount--;
        this.jointPartial -= g.atoms;
      }
      const had = t.meets[g.id]!;
      if (had === 0) {
        g.meetCount++;
        this.jointPartial += g.atoms;
      }
      t.meets[g.id] = had + ov;
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
      replaceRange(starts, i0, count, rs, head);
      replaceRange(cls, i0, count, rc, head);
    }
  }

  /** ACL element e permits p now: split the ACL classes p cuts, merge those no ACL tells apart. */
  aclChanged(e: number, p: Node): void {
    const before = this.permits[e] ?? FALSE;
    if (before === p) return;
    this.permits[e] = p;
    this.metClasses.length = 0;
    this.metParts.length = 0;
    // Every class was inside or outside the old permit set: one inside (e among its members)
    // can only lose headers, P \ P', one outside only gain them, P' \ P (one rule's worth).
    this.meet(this.bdd.diff(p, before), e, false);
    this.meet(this.bdd.diff(before, p), e, true);
    this.regroup(e);
  }

  /**
   * The classes (with e among their members or not, as `withE` says) that `changed` meets, each
   * with its part of it, into metClasses and metParts. They are found one header of the change
   * at a time (a membership test per class, no BDD operation), so only they meet BDD operations.
   */
  private meet(changed: Node, e: number, withE: boolean): void {
    const bdd = this.bdd;
    const acl = this.acl;
    for (let rest = changed; rest !== FALSE; ) {
      this.pickHeader(rest);
      let k = 0;
      while (hasMember(acl[k]!.members, e) !== withE || !this.holdsHeader(acl[k]!.node)) k++;
      const a = acl[k]!;
      const part = bdd.and(a.node, changed);
      this.metClasses.push(a);
      this.metParts.push(part);
      rest = bdd.diff(rest, part);
    }
  }

  /**
   * The met classes' parts flip their membership of e; the rest of a cut class keeps it. Pieces
   * with one signature are one class, merged with the class that already has it (an unmet one);
   * a class that flips whole and meets no other keeps its node (and its projection group).
   */
  private regroup(e: number): void {
    const bdd = this.bdd;
    const met = this.metClasses;
    const parts = this.metParts;
    for (let k = 0; k < met.length; k++) this.byKey.delete(met[k]!.key);
    const pieces: Piece[] = [];
    for (let k = 0; k < met.length; k++) {
      const a = met[k]!;
      const flipped = toggled(a.members, e);
      addPiece(bdd, pieces, flipped.join(','), flipped, parts[k]!, parts[k] === a.node ? a : null);
      if (parts[k] !== a.node) addPiece(bdd, pieces, a.key, a.members, bdd.diff(a.node, parts[k]!), null);
    }
    const gone: AclClass[] = [];
    const fresh: Array<{ node: Node; members: readonly number[]; key: string }> = [];
    for (const piece of pieces) {
      const other = this.byKey.get(piece.key);
      if (other !== undefined) {
        this.byKey.delete(piece.key);
        gone.push(other);
        fresh.push({ node: bdd.or(other.node, piece.node), members: piece.members, key: piece.key });
      } else if (piece.whole !== null && piece.count === 1) {
        piece.whole.members = piece.members;
        piece.whole.key = piece.key;
        this.byKey.set(piece.key, piece.whole);
      } else fresh.push(piece);
    }
    for (let k = 0; k < met.length; k++) if (this.byKey.get(met[k]!.key) !== met[k]) gone.push(met[k]!);
    if (gone.length === 0 && fresh.length === 0) return;
    this.acl = this.acl.filter((a) => !gone.includes(a));
    // The new classes join their groups first, so a group that only changes classes stays.
    this.addAcl(fresh);
    for (const a of gone) this.leave(a);
    this.groupList = [...this.groups.values()];
  }

  /** The lowest header of a non-empty set, as one bit per BDD variable (into `header`). */
  private pickHeader(n: Node): void {
    const bdd = this.bdd;
    const header = this.header;
    header.fill(0);
    while (n > TRUE) {
      const low = bdd.lowOf(n);
      if (low !== FALSE) n = low;
      else {
        header[bdd.varOf(n)] = 1;
        n = bdd.highOf(n);
      }
    }
  }

  /** Whether a set holds the header pickHeader chose. */
  private holdsHeader(n: Node): boolean {
    const bdd = this.bdd;
    const header = this.header;
    while (n > TRUE) n = header[bdd.varOf(n)] === 1 ? bdd.highOf(n) : bdd.lowOf(n);
    return n === TRUE;
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
    for (const f of this.fwd) if (f) f.meets[g.id] = 0;
    this.freeGroupIds.push(g.id);
    this.groups.delete(g.key);
  }

  /**
   * New ACL classes. While one forwarding class covers every destination, each meets it whatever
   * its projection: they are placed (projected onto destinations, in their group) only when
   * forwarding splits (the trace's ACL updates come before and after its fwd rules).
   */
  private addAcl(list: ReadonlyArray<{ node: Node; members: readonly number[]; key: string }>): void {
    for (const { node, members, key } of list) {
      const a: AclClass = { id: this.nextAcl++, node, members, key, group: undefined };
      this.acl.push(a);
      this.byKey.set(key, a);
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
    const id = this.freeGroupIds.pop() ?? this.nextGroup++;
    if (id >= this.groupCap) {
      this.groupCap *= 2;
      for (const f of this.fwd) {
        if (!f) continue;
        const meets = new Float64Array(this.groupCap);
        meets.set(f.meets);
        f.meets = meets;
      }
    }
    const g: Group = { id, key, dst, lo: dst[0]!, hi: dst[dst.length - 1]!, atoms: 0, meetCount: 0 };
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
        const had = f.meets[g.id]!;
        if (had === 0) g.meetCount++;
        f.meets[g.id] = had + b - a + 1;
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

/** One class of the partition after an ACL change, before it is made: its signature and headers. */
interface Piece {
  readonly key: string;
  readonly members: readonly number[];
  node: Node;
  /** The met class whose headers all flipped into this piece (null: a part of a class); how many parts joined. */
  readonly whole: AclClass | null;
  count: number;
}

/** Adds headers with a signature to the pieces (few: one or two per met class). */
function addPiece(bdd: Bdd, pieces: Piece[], key: string, members: readonly number[], node: Node, whole: AclClass | null): void {
  for (const piece of pieces) {
    if (piece.key !== key) continue;
    piece.node = bdd.or(piece.node, node);
    piece.count++;
    return;
  }
  pieces.push({ key, members, node, whole, count: 1 });
}

function hasMember(sorted: readonly number[], x: number): boolean {
  for (let i = 0; i < sorted.length; i++) if (sorted[i] === x) return true;
  return false;
}

/** A sorted list with x added when absent, removed when present. */
function toggled(sorted: readonly number[], x: number): number[] {
  const out: number[] = [];
  let done = false;
  for (const y of sorted) {
    if (y === x) {
      done = true;
      continue;
    }
    if (!done && x < y) {
      out.push(x);
      done = true;
    }
    out.push(y);
  }
  if (!done) out.push(x);
  return out;
}
