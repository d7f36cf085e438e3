// Incremental data-plane verification over a trace of rule updates, with the loop semantics of
// APKeep (NSDI 2020) as the Stanford data set's FORMAT.md §6 states them: after each forwarding
// update, walk the changed destinations M from the updated device and record every loop some
// packet can travel, ACLs included. Forwarding state is kept per device as an interval map over
// destinations; walks carry destination intervals; ACL permit sets are BDDs, projected onto
// destinations per set of ACLs met on a walk and cached until an ACL changes.

import type { Bilingual } from '../errors.ts';
import { Bdd, DST, FALSE, type Node, PORT, PROTO, SRC, TRUE } from '../engine/bdd.ts';
import type { Network } from '../model/network.ts';
import { type AclLine, insertAclRule, removeAclRule, type Update, type WildcardAddress } from '../model/updates.ts';
import { append, intersect, type Intervals, overlaps, subtract, union, upperBound } from '../net/intervals.ts';
import { replaceRange } from './arrays.ts';
import { ClassIndex } from './classes.ts';
import { DestinationProjector } from './destinations.ts';
import { compilePlane, type Plane, POS_ACL_IN, POS_PORT } from './plane.ts';

const TOP = 0xffffffff;

/** A forwarding rule of one device: a prefix, what it does, and its priority. */
interface FwdRule {
  readonly lo: number;
  readonly hi: number;
  readonly length: number;
  /** Interface name, or "self" (deliver) or "drop" (null route). */
  readonly target: string;
  readonly priority: number;
}

/** All rules of one device on one prefix. */
interface Group {
  readonly lo: number;
  readonly hi: number;
  readonly length: number;
  readonly rules: FwdRule[];
}

interface AclRule {
  readonly action: 'permit' | 'deny';
  readonly priority: number;
  readonly match: Node;
  readonly key: string;
}

/** Where a part of M ends, as seen from the updated device. */
export type ReachKind = 'exit' | 'zone' | 'deliver' | 'null-route' | 'no-route' | 'acl-deny' | 'loop';

export interface ReachEntry {
  readonly kind: ReachKind;
  /** Position (exit, zone, acl-deny) or device (deliver, drops) where it ends; the loop id for loops. */
  readonly at: string;
  readonly dst: Intervals;
}

/** Route targets that are not interfaces (interface names cannot hold a NUL). */
const DELIVER = '\u0000deliver';
const DROP = '\u0000drop';

export interface LoopRecord {
  readonly id: number;
  /** Closed path of position names: first == last. */
  readonly path: readonly string[];
  /** The update (1-based line) that found it first, and the destinations looping then. */
  readonly foundAt: number;
  readonly firstDst: Intervals;
  /** Destinations looping along it now. */
  current: Intervals;
}

export interface UpdateResult {
  readonly line: number;
  readonly kind: 'fwd' | 'acl';
  readonly op: '+' | '-';
  /** False for duplicate inserts and removals of absent rules. */
  readonly changed: boolean;
  /** The destinations whose forwarding at the device changed (fwd only). */
  readonly m: Intervals;
  readonly checked: boolean;
  readonly newLoops: readonly number[];
  /** Per loop, destinations that started / stopped looping along it. */
  readonly started: ReadonlyArray<{ readonly loop: number; readonly dst: Intervals }>;
  readonly stopped: ReadonlyArray<{ readonly loop: number; readonly dst: Intervals }>;
  readonly reach: readonly ReachEntry[];
}

/** An update resolved against the plane (names -> indices), ready to apply. */
export type ResolvedUpdate =
  | { readonly kind: 'fwd'; readonly op: '+' | '-'; readonly line: number; readonly device: number; readonly rule: FwdRule }
  | { readonly kind: 'acl'; readonly op: '+' | '-'; readonly line: number; readonly element: number; readonly rule: AclLine };

interface OutSet {
  /** Physical port indices a copy leaves by. */
  readonly phys: Int32Array;
  readonly deliver: boolean;
  readonly drop: boolean;
}

const EMPTY_OUT = 0;

export interface ReplayerOptions {
  /** Collect where M ends after each fwd update (ReachEntry list). Costs a little time. */
  readonly reach?: boolean;
}

export class Replayer {
  readonly plane: Plane;
  /**
   * Sized for the Stanford trace (118 thousand nodes at most): no table growth inside an update.
   * The operation cache has 2^16 entries (1 MB, within a core's L2): the trace's operations
   * reuse few results, and the 4 MB cache of 2^18 cost more in misses than it saved (a cold
   * replay 16.4 -> 14.5 us per update, performance-history.md, issue 14's eighth step).
   */
  readonly bdd = new Bdd(1 << 17, 16);
  private readonly projector = new DestinationProjector(this.bdd);
  readonly loops: LoopRecord[] = [];
  private readonly loopKeys = new Map<string, number>();
  /** Per device: loops through it (ids). */
  private readonly loopsByDevice: Array<Set<number>>;
  /** Per ACL element: loops whose cycle passes one of its nodes; per loop: the cycle's ACL set. */
  private readonly loopsByElement: Array<Set<number>>;
  private readonly loopAcls: number[] = [];
  activeLoops = 0;
  /** The equivalence classes, kept up to date by every update (classes.ts). */
  readonly classes: ClassIndex;

  // Forwarding state.
  private readonly groups: Array<Map<number, Group>>;
  private readonly sortedGroups: Group[][];
  /** Scratch lists of recompute: the groups covering a point, and the new segments. */
  private readonly stack: Group[] = [];
  private readonly newStarts: number[] = [];
  private readonly newOuts: number[] = [];
  /** Per device and prefix length, how many groups: recompute looks up only the lengths in use. */
  private readonly lengthCount: Int32Array[];
  /** Per device, the interval map: segment i covers [starts[i], starts[i+1]-1] with outs[i]. */
  private readonly starts: number[][];
  private readonly outs: number[][];
  private readonly outKeys = new Map<string, number>([['', EMPTY_OUT]]);
  private readonly outTargets: string[][] = [[]];

  // ACL state.
  private readonly aclRules: AclRule[][];
  private readonly permit: Array<Node | -1>;
  private readonly aclSets: number[][] = [[]];
  private readonly aclSetNext = new Map<number, number>();
  private projections: Array<Intervals | null> = [];

  // Walk state.
  private readonly onPath: Int32Array;
  private readonly path: number[] = [];
  private readonly walkFound = new Map<number, Intervals>();
  private reach: Map<string, { kind: ReachKind; at: string; dst: Intervals }> | undefined;
  private readonly collectReach: boolean;
  private line = 0;

  constructor(network: Network, options: ReplayerOptions = {}) {
    this.plane = compilePlane(network);
    this.collectReach = options.reach ?? false;
    // The fields every update changes are stored twice here: V8 takes a field written once for
    // a constant, and its first change at the first fwd update would throw away the code
    // compiled during the ACL updates that depends on this object's fields (callgrind: fewer
    // recompiles of applyFwd, sweep and applyFwdUpdate).
    this.line = -1;
    this.line = 0;
    this.activeLoops = -1;
    this.activeLoops = 0;
    const n = this.plane.devices.length;
    this.groups = Array.from({ length: n }, () => new Map());
    this.sortedGroups = Array.from({ length: n }, () => []);
    this.lengthCount = Array.from({ length: n }, () => new Int32Array(33));
    this.starts = Array.from({ length: n }, () => [0]);
    this.outs = Array.from({ length: n }, () => [EMPTY_OUT]);
    this.loopsByDevice = Array.from({ length: n }, () => new Set());
    this.loopsByElement = this.plane.elements.map(() => new Set());
    this.aclRules = this.plane.elements.map(() => []);
    this.permit = this.plane.elements.map(() => -1);
    this.onPath = new Int32Array(this.plane.positions);
    this.classes = new ClassIndex(this.bdd, n, (p) => this.destinations(p));
    // The network's own routes and ACL rules are the initial state.
    network.devices.forEach((d, di) => {
      for (const r of d.routes ?? []) {
        const targets = r.action === 'deliver' ? [DELIVER] : r.action === 'drop' ? [DROP] : r.interfaces;
        for (const target of targets) {
          this.applyFwd(di, '+', { lo: r.prefix.lo, hi: r.prefix.hi, length: r.prefix.length, target, priority: r.priority });
        }
      }
      for (const acl of d.acls) {
        const element = this.plane.elementIndex.get(`${d.id} ${acl.name}`)!;
        const rules = acl.rules.map(
          (r, k): AclRule => ({
            action: r.action,
            priority: acl.rules.length - k,
            key: `${r.loc.file}:${r.loc.line}:${r.loc.column}`,
            match: this.bdd.product(r.src, r.dst, r.services),
          }),
        );
        this.aclRules[element] = rules;
      }
    });
    for (let e = 0; e < this.plane.elements.length; e++) this.classes.aclChanged(e, this.permitSet(e));
  }

  // ── resolving the trace ─────────────────────────────────────────────────────────

  /**
   * Names -> indices, or why not: the update names a device, interface or ACL the network lacks
   * (with the index of the offending token on its line). A port "exists" when it is an interface
   * of the device; the Stanford importer declares every port the trace names as one (an edge
   * port when nothing links it), so only a hand-written topology can lack one.
   */
  resolve(u: Update): ResolvedUpdate | { readonly text: Bilingual; readonly token: number } {
    const di = this.plane.deviceIndex.get(u.device);
    if (di === undefined) return { text: { en: `unknown device "${u.device}"`, ja: `機器 "${u.device}" はトポロジーにありません` }, token: 2 };
    if (u.kind === 'fwd') {
      if (u.port !== 'self' && !this.plane.devices[di]!.portIndex.has(u.port)) {
        return {
          text: {
            en: `device "${u.device}" has no interface "${u.port}" (a fwd rule must name an interface of the device, or self)`,
            ja: `機器 "${u.device}" にインタフェース "${u.port}" がありません（"fwd" の経路には、その機器のインタフェースか "self" を指定します）`,
          },
          token: 5,
        };
      }
      const size = 2 ** (32 - u.length);
      const target = u.port === 'self' ? DELIVER : u.port;
      return {
        kind: 'fwd',
        op: u.op,
        line: u.line,
        device: di,
        rule: { lo: u.prefix, hi: u.prefix + size - 1, length: u.length, target, priority: u.priority },
      };
    }
    const element = this.plane.elementIndex.get(`${u.device} ${u.acl}`);
    if (element === undefined)
      return { text: { en: `device "${u.device}" has no ACL "${u.acl}"`, ja: `機器 "${u.device}" にアクセスリスト "${u.acl}" がありません` }, token: 2 };
    return { kind: 'acl', op: u.op, line: u.line, element, rule: u.rule };
  }

  // ── forwarding state ────────────────────────────────────────────────────────────

  private outId(targets: string[]): number {
    targets.sort();
    const key = targets.join('\u0000');
    let id = this.outKeys.get(key);
    if (id !== undefined) return id;
    id = this.outTargets.length;
    this.outKeys.set(key, id);
    this.outTargets.push(targets);
    return id;
  }

  /** The out id of the best rules of a stack of groups: the highest priority's targets. */
  private bestOut(stack: readonly Group[]): number {
    let best = -1;
    let first = '';
    // Only a tie between targets needs a list (one target is its own key: outId joins the list).
    let tied: string[] | undefined;
    for (let s = 0; s < stack.length; s++) {
      const rules = stack[s]!.rules;
      for (let k = 0; k < rules.length; k++) {
        const r = rules[k]!;
        if (r.priority > best) {
          best = r.priority;
          first = r.target;
          tied = undefined;
        } else if (r.priority === best && r.target !== first && !tied?.includes(r.target)) (tied ??= [first]).push(r.target);
      }
    }
    if (best < 0) return EMPTY_OUT;
    if (tied) return this.outId(tied);
    return this.outKeys.get(first) ?? this.outId([first]);
  }

  /** Per device, the OutSet of each out id met there, by out id (physical ports resolved once). */
  private readonly physCache: Array<Array<OutSet | undefined>> = [];
  private outSet(device: number, id: number): OutSet {
    const cache = this.physCache[device];
    const set = cache !== undefined && id < cache.length ? cache[id] : undefined;
    return set ?? this.newOutSet(device, id);
  }

  private newOutSet(device: number, id: number): OutSet {
    const cache = (this.physCache[device] ??= []);
    const d = this.plane.devices[device]!;
    const phys = new Set<number>();
    let deliver = false;
    let drop = false;
    for (const t of this.outTargets[id]!) {
      if (t === DELIVER) deliver = true;
      else if (t === DROP) drop = true;
      else for (const p of d.physical[d.portIndex.get(t)!]!) phys.add(p);
    }
    const set: OutSet = { phys: Int32Array.from([...phys].sort((a, b) => a - b)), deliver, drop };
    while (cache.length <= id) cache.push(undefined);
    cache[id] = set;
    return set;
  }

  /** Applies a fwd rule change; returns the changed destinations M with their new out ids. */
  private applyFwd(device: number, op: '+' | '-', rule: FwdRule): { m: Intervals; mOuts: number[] } | undefined {
    const key = prefixKey(rule.lo, rule.length);
    const groups = this.groups[device]!;
    let group = groups.get(key);
    if (op === '+') {
      if (group?.rules.some((r) => r.target === rule.target && r.priority === rule.priority)) return undefined;
      if (!group) {
        // Made with its first rule: an empty [] literal is an array of small integers, and the
        // rules field would change its type at the first push (V8 then throws away the code using it).
        group = { lo: rule.lo, hi: rule.hi, length: rule.length, rules: [rule] };
        groups.set(key, group);
        this.lengthCount[device]![rule.length]!++;
        const sorted = this.sortedGroups[device]!;
        sorted.splice(groupsBefore(sorted, rule.lo, rule.length - 1), 0, group);
      } else group.rules.push(rule);
    } else {
      const i = group ? group.rules.findIndex((r) => r.target === rule.target && r.priority === rule.priority) : -1;
      if (!group || i < 0) return undefined;
      group.rules.splice(i, 1);
      if (group.rules.length === 0) {
        groups.delete(key);
        this.lengthCount[device]![rule.length]!--;
        const sorted = this.sortedGroups[device]!;
        sorted.splice(sorted.indexOf(group), 1);
      }
    }
    const delta = this.recompute(device, rule.lo, rule.hi, rule.length);
    if (delta.m.length > 0) this.classes.moveForwarding(device, delta.m, delta.mOuts);
    return delta;
  }

  /** Rebuilds the interval map of a device over one prefix [L, H]; returns where it changed. */
  private recompute(device: number, L: number, H: number, length: number): { m: Intervals; mOuts: number[] } {
    this.sweep(device, L, H, length);
    return this.spliceNew(device, L, H);
  }

  /**
   * The new map of a device over [L, H] into newStarts/newOuts: a sweep over the groups covering
   * L (the prefix's ancestors and itself, a stack) and those inside it (its descendants, which
   * nest), one segment per stretch where the innermost covering group stays the same.
   */
  private sweep(device: number, L: number, H: number, length: number): void {
    const stack = this.stack;
    stack.length = 0;
    const groups = this.groups[device]!;
    const lengths = this.lengthCount[device]!;
    for (let len = 0; len <= length; len++) {
      if (lengths[len] === 0) continue;
      const g = groups.get(prefixKey(L, len));
      if (g && (len < length || L % POW2[32 - len]! === 0)) stack.push(g);
    }
    // Descendants: groups with lo in [L, H] and a longer prefix, sorted by (lo, length).
    const sorted = this.sortedGroups[device]!;
    let i = groupsBefore(sorted, L, length);
    const newStarts = this.newStarts;
    const newOuts = this.newOuts;
    newStarts.length = 0;
    newOuts.length = 0;
    let pos = L;
    for (;;) {
      // The stretch from pos ends where the innermost group ends or the next descendant starts.
      const topEnd = stack.length > 0 && stack[stack.length - 1]!.hi < H ? stack[stack.length - 1]!.hi : H;
      const next = i < sorted.length && sorted[i]!.lo <= topEnd ? sorted[i]! : undefined;
      const end = next !== undefined ? next.lo - 1 : topEnd;
      if (pos <= end) {
        // One call site: V8 inlines bestOut once, not once per case.
        const out = this.bestOut(stack);
        if (newOuts.length === 0 || newOuts[newOuts.length - 1] !== out) {
          newStarts.push(pos);
          newOuts.push(out);
        }
        pos = end + 1;
      }
      if (next !== undefined) {
        stack.push(next);
        i++;
      } else if (stack.length === 0 || pos > H) break;
      else stack.pop();
    }
  }

  /** Compares the new segments over [L, H] with the old map, splices them in; returns where they differ. */
  private spliceNew(device: number, L: number, H: number): { m: Intervals; mOuts: number[] } {
    const newStarts = this.newStarts;
    const newOuts = this.newOuts;
    const starts = this.starts[device]!;
    const outs = this.outs[device]!;
    const first = upperBound(starts, L) - 1; // segment containing L
    const m: number[] = [];
    const mOuts: number[] = [];
    // Walk old and new segments together.
    let i = first;
    let j = 0;
    let x = L;
    while (x <= H) {
      const oldEnd = i + 1 < starts.length ? starts[i + 1]! - 1 : TOP;
      const newEnd = j + 1 < newStarts.length ? newStarts[j + 1]! - 1 : H;
      const end = Math.min(oldEnd, newEnd, H);
      if (outs[i] !== newOuts[j]) {
        const n = m.length;
        if (n > 0 && m[n - 1]! + 1 === x && mOuts[mOuts.length - 1] === newOuts[j]) m[n - 1] = end;
        else {
          m.push(x, end);
          mOuts.push(newOuts[j]!);
        }
      }
      if (end === oldEnd) i++;
      if (end === newEnd) j++;
      if (end === TOP) break;
      x = end + 1;
    }
    if (m.length === 0) return { m, mOuts };
    // Splice: segments strictly before L, the new ones, the remainder after H.
    const lastOld = upperBound(starts, H) - 1; // segment containing H
    const headKeep = starts[first] === L ? first : first + 1;
    if (H < TOP && (lastOld + 1 >= starts.length || starts[lastOld + 1] !== H + 1)) {
      newStarts.push(H + 1);
      newOuts.push(outs[lastOld]!);
    }
    // Equal neighbours at the seams become one segment: the left one takes in the first new
    // segment, the last new segment takes in the right one.
    const head = headKeep > 0 && outs[headKeep - 1] === newOuts[0] ? 1 : 0;
    const count = lastOld + 1 - headKeep + (lastOld + 1 < starts.length && outs[lastOld + 1] === newOuts[newOuts.length - 1] ? 1 : 0);
    replaceRange(starts, headKeep, count, newStarts, head);
    replaceRange(outs, headKeep, count, newOuts, head);
    return { m, mOuts };
  }

  // ── ACL state ───────────────────────────────────────────────────────────────────

  private wildcard(field: typeof SRC, w: WildcardAddress, next: Node): Node {
    let node = next;
    for (let i = 31; i >= 0; i--) {
      const shift = 31 - i;
      if ((w.wildcard >>> shift) & 1) continue;
      const v = field.offset + i;
      node = (w.address >>> shift) & 1 ? this.bdd.mk(v, FALSE, node) : this.bdd.mk(v, node, FALSE);
    }
    return node;
  }

  private matchOf(r: AclLine): Node {
    const port = this.bdd.interval(PORT, r.portLo, r.portHi, TRUE);
    const proto = this.bdd.interval(PROTO, r.protoLo, r.protoHi, port);
    return this.wildcard(SRC, r.src, this.wildcard(DST, r.dst, proto));
  }

  private applyAcl(element: number, op: '+' | '-', r: AclLine): boolean {
    // Where the rule goes and which one a removal takes: model/updates.ts, as for the importer.
    const list = this.aclRules[element]!;
    let at: number;
    if (op === '+') {
      const rule = { action: r.action, priority: r.priority, match: this.matchOf(r), key: r.key };
      insertAclRule(list, rule);
      at = list.indexOf(rule);
      this.folds[element]?.splice(at + 1, 0, { covered: FALSE, permitted: FALSE });
    } else {
      at = list.findIndex((x) => x.key === r.key);
      if (!removeAclRule(list, r.key)) return false;
      this.folds[element]?.splice(at + 1, 1);
    }
    this.permit[element] = -1;
    this.projections = [];
    this.classes.aclChanged(element, this.permitSet(element, at));
    return true;
  }

  /**
   * Per ACL element, the fold of its rules from the first: after rule i, the headers some rule
   * up to i matches and those the first such rule permits. A rule inserted or removed at k
   * refolds from k on only: the trace adds each ACL's rules in order and removes them from the
   * last, so that is one step per update.
   */
  private readonly folds: Array<Array<{ covered: Node; permitted: Node }> | undefined> = [];

  /** The permit set of an ACL element: first match, default deny (refolded from rule `from` on). */
  permitSet(element: number, from = 0): Node {
    let p = this.permit[element]!;
    if (p !== -1) return p;
    const list = this.aclRules[element]!;
    let fold = this.folds[element];
    if (!fold) {
      fold = this.folds[element] = Array.from({ length: list.length + 1 }, () => ({ covered: FALSE, permitted: FALSE }));
      from = 0;
    }
    for (let i = from; i < list.length; i++) {
      const r = list[i]!;
      const { covered, permitted } = fold[i]!;
      fold[i + 1] = {
        covered: this.bdd.or(covered, r.match),
        permitted: r.action === 'permit' ? this.bdd.or(permitted, this.bdd.diff(r.match, covered)) : permitted,
      };
    }
    p = fold[list.length]!.permitted;
    this.permit[element] = p;
    return p;
  }

  private nextAclSet(set: number, element: number): number {
    const key = set * 65536 + element;
    let id = this.aclSetNext.get(key);
    if (id !== undefined) return id;
    const elems = [...new Set([...this.aclSets[set]!, element])].sort((a, b) => a - b);
    const same = this.aclSets.findIndex((s) => s.length === elems.length && s.every((x, i) => x === elems[i]));
    id = same >= 0 ? same : this.aclSets.push(elems) - 1;
    this.aclSetNext.set(key, id);
    return id;
  }

  /** Destinations some packet of which every ACL of the set permits; null: all of them. */
  private projection(set: number): Intervals | null {
    const cached = this.projections[set];
    if (cached !== undefined) return cached;
    let p: Node = TRUE;
    for (const e of this.aclSets[set]!) p = this.bdd.and(p, this.permitSet(e));
    const result = p === TRUE ? null : this.destinations(p);
    this.projections[set] = result;
    return result;
  }

  /** The destinations of a header set (the projection onto DST) as intervals: shared, not to be changed. */
  destinations(p: Node): Intervals {
    return this.projector.of(p);
  }

  /** The same by BDD operations (`exists` over the other fields): the reference equivalenceClasses uses. */
  private destinationsByExists(p: Node): Intervals {
    const d = this.bdd.exists(this.bdd.exists(this.bdd.exists(p, PORT), PROTO), SRC);
    if (d === TRUE) return [0, TOP];
    const out: number[] = [];
    for (const iv of this.bdd.intervals(d, DST)) append(out, iv.lo, iv.hi);
    return out;
  }

  // ── updates ─────────────────────────────────────────────────────────────────────

  apply(u: ResolvedUpdate): UpdateResult {
    // Two methods, not one: V8 compiles each for its own updates (the trace's first 686 are ACL
    // updates), instead of throwing away the code compiled for ACL updates at the first fwd one.
    // runReplay calls the two itself: this small method, inlining one or the other, was
    // compiled again at every change of kind.
    return u.kind === 'acl' ? this.applyAclUpdate(u) : this.applyFwdUpdate(u);
  }

  /** apply for an ACL update. */
  applyAclUpdate(u: ResolvedUpdate & { readonly kind: 'acl' }): UpdateResult {
    const changed = this.applyAcl(u.element, u.op, u.rule);
    // As in APKeep, an ACL update runs no walk (FORMAT §6.1); but a loop through the changed
    // ACL stops for the destinations its ACLs no longer let any packet through.
    const stopped: Array<{ loop: number; dst: Intervals }> = [];
    if (changed) {
      const through = this.loopsByElement[u.element]!;
      for (let id = 0; id < this.loops.length; id++) {
        if (!through.has(id)) continue;
        const loop = this.loops[id]!;
        if (loop.current.length === 0) continue;
        const proj = this.projection(this.loopAcls[id]!);
        const now = proj === null ? loop.current : intersect(loop.current, proj);
        const lost = subtract(loop.current, now);
        if (lost.length === 0) continue;
        stopped.push({ loop: id, dst: lost });
        if (now.length === 0) this.activeLoops--;
        loop.current = now;
      }
    }
    return { line: u.line, kind: 'acl', op: u.op, changed, m: [], checked: false, newLoops: [], started: [], stopped, reach: [] };
  }

  /** apply for a fwd update. */
  applyFwdUpdate(u: ResolvedUpdate & { readonly kind: 'fwd' }): UpdateResult {
    const X = u.device;
    this.line = u.line;
    const delta = this.applyFwd(X, u.op, u.rule);
    if (!delta || delta.m.length === 0) {
      return { line: u.line, kind: 'fwd', op: u.op, changed: delta !== undefined, m: [], checked: false, newLoops: [], started: [], stopped: [], reach: [] };
    }
    const { m, mOuts } = delta;

    const before = this.loops.length;
    this.walkFound.clear();
    this.reach = this.collectReach ? new Map() : undefined;
    // Group M by the physical port it now leaves X by (in first-met order, as the walks find loops).
    const ports: number[] = [];
    const lists: number[][] = [];
    const dev = this.plane.devices[X]!;
    for (let k = 0; k < mOuts.length; k++) {
      const lo = m[2 * k]!;
      const hi = m[2 * k + 1]!;
      const out = this.outSet(X, mOuts[k]!);
      for (let q = 0; q < out.phys.length; q++) append(listOf(ports, lists, out.phys[q]!), lo, hi);
      if (this.reach) this.endsAtDevice(X, mOuts[k]!, lo, hi);
    }
    for (let b = 0; b < ports.length; b++) this.walk(dev.position[ports[b]!]!, lists[b]!, 0);

    // Loops through X lose M; what the walk found is added back.
    const started: Array<{ loop: number; dst: Intervals }> = [];
    const stopped: Array<{ loop: number; dst: Intervals }> = [];
    const through = this.loopsByDevice[X]!;
    for (let id = 0; id < this.loops.length; id++) {
      const found = this.walkFound.get(id);
      if (!found && !through.has(id)) continue;
      const loop = this.loops[id]!;
      const old = loop.current;
      let now = through.has(id) && overlaps(old, m) ? subtract(old, m) : old;
      if (found) now = union(now, found);
      if (now === old) continue;
      const gained = subtract(now, old);
      const lost = subtract(old, now);
      if (gained.length > 0) started.push({ loop: id, dst: gained });
      if (lost.length > 0) stopped.push({ loop: id, dst: lost });
      if (old.length === 0 && now.length > 0) this.activeLoops++;
      if (old.length > 0 && now.length === 0) this.activeLoops--;
      loop.current = now;
    }
    const newLoops: number[] = [];
    for (let id = before; id < this.loops.length; id++) newLoops.push(id);
    const reach: ReachEntry[] = this.reach ? [...this.reach.values()] : [];
    this.reach = undefined;
    return { line: u.line, kind: 'fwd', op: u.op, changed: true, m, checked: true, newLoops, started, stopped, reach };
  }

  private note(kind: ReachKind, at: string, lo: number, hi: number): void {
    const key = `${kind} ${at}`;
    const entry = this.reach!.get(key);
    if (!entry) this.reach!.set(key, { kind, at, dst: [lo, hi] });
    else entry.dst = union(entry.dst, [lo, hi]);
  }

  private noteList(kind: ReachKind, at: string, list: readonly number[]): void {
    for (let i = 0; i < list.length; i += 2) this.note(kind, at, list[i]!, list[i + 1]!);
  }

  private endsAtDevice(device: number, outId: number, lo: number, hi: number): void {
    const out = this.outSet(device, outId);
    const id = this.plane.devices[device]!.id;
    if (outId === EMPTY_OUT) this.note('no-route', id, lo, hi);
    if (out.deliver) this.note('deliver', id, lo, hi);
    if (out.drop) this.note('null-route', id, lo, hi);
  }

  /** The walk of FORMAT §6.2 from egress position h with destinations F and ACL set A. */
  private walk(h: number, F: Intervals, A: number): void {
    if (F.length === 0) return;
    const plane = this.plane;
    if (this.onPath[h]! > 0) {
      this.closeLoop(h, F);
      return;
    }
    this.path.push(h);
    this.onPath[h]!++;
    const from = plane.edgeStart[h]!;
    const to = plane.edgeStart[h + 1]!;
    if (from === to && this.reach) this.noteList(plane.toZone[h] ? 'zone' : 'exit', plane.posName[h]!, F);
    for (let e = from; e < to; e++) {
      const t = plane.edgeTo[e]!;
      this.path.push(t);
      this.onPath[t]!++;
      if (plane.posKind[t] === POS_ACL_IN) {
        const A2 = this.nextAclSet(A, plane.posDetail[t]!);
        const proj = this.projection(A2);
        const F2 = proj === null ? F : intersect(F, proj);
        if (this.reach && proj !== null) this.noteList('acl-deny', plane.posName[t]!, subtract(F, F2));
        this.walk(plane.permitOf[t]!, F2, A2);
      } else {
        this.deviceStep(plane.posDevice[t]!, plane.posDetail[t]!, F, A);
      }
      this.onPath[t]!--;
      this.path.pop();
    }
    this.onPath[h]!--;
    this.path.pop();
  }

  /** A packet set F arrives at device n by port p: forward each part, never back out of p. */
  private deviceStep(n: number, p: number, F: Intervals, A: number): void {
    const starts = this.starts[n]!;
    const outs = this.outs[n]!;
    // Per physical port left by, its part of F (in first-met order, as the walks find loops).
    const ports: number[] = [];
    const lists: number[][] = [];
    let i = 0;
    for (let k = 0; k < F.length; k += 2) {
      const lo = F[k]!;
      const hi = F[k + 1]!;
      if (i + 1 < starts.length && starts[i + 1]! <= lo) i = upperBound(starts, lo) - 1;
      for (;;) {
        const segHi = i + 1 < starts.length ? starts[i + 1]! - 1 : TOP;
        const a = lo > starts[i]! ? lo : starts[i]!;
        const b = hi < segHi ? hi : segHi;
        const outId = outs[i]!;
        if (outId !== EMPTY_OUT) {
          const out = this.outSet(n, outId);
          const phys = out.phys;
          for (let q = 0; q < phys.length; q++) {
            const r = phys[q]!;
            if (r !== p) append(listOf(ports, lists, r), a, b);
          }
          if (this.reach && (out.deliver || out.drop)) this.endsAtDevice(n, outId, a, b);
        } else if (this.reach) this.note('no-route', this.plane.devices[n]!.id, a, b);
        if (segHi >= hi) break;
        i++;
      }
    }
    const dev = this.plane.devices[n]!;
    for (let k = 0; k < ports.length; k++) this.walk(dev.position[ports[k]!]!, lists[k]!, A);
  }

  private closeLoop(h: number, F: Intervals): void {
    const path = this.path;
    let first = 0;
    while (path[first] !== h) first++;
    const cycle = path.slice(first);
    const key = canonicalCycle(cycle);
    let id = this.loopKeys.get(key);
    if (id === undefined) {
      id = this.loops.length;
      this.loopKeys.set(key, id);
      const names = [...cycle, h].map((p) => this.plane.posName[p]!);
      // `current` changes later: stored twice now, so V8 does not take it for a constant (as above).
      const record: LoopRecord = { id, path: names, foundAt: this.line, firstDst: F.slice(), current: F };
      record.current = [];
      this.loops.push(record);
      const devices = new Set<number>();
      let acls = 0;
      for (const p of cycle) {
        if (this.plane.posKind[p] === POS_PORT) devices.add(this.plane.posDevice[p]!);
        else if (this.plane.posKind[p] === POS_ACL_IN) {
          acls = this.nextAclSet(acls, this.plane.posDetail[p]!);
          this.loopsByElement[this.plane.posDetail[p]!]!.add(id);
        }
      }
      for (const d of devices) this.loopsByDevice[d]!.add(id);
      this.loopAcls[id] = acls;
    }
    const prev = this.walkFound.get(id);
    this.walkFound.set(id, prev ? union(prev, F) : F.slice());
    if (this.reach) this.noteList('loop', String(id), F);
  }

  /** Number of fwd rules and ACL rules in force. */
  ruleCount(): { fwd: number; acl: number } {
    let fwd = 0;
    for (const g of this.groups) for (const group of g.values()) fwd += group.rules.length;
    let acl = 0;
    for (const list of this.aclRules) acl += list.length;
    return { fwd, acl };
  }

  /**
   * Packet equivalence classes (atomic predicates): the coarsest partition of the header space
   * in which every port's forwarding predicate and every ACL's permit set is a union of
   * classes. Forwarding depends on the destination only, so the classes are the non-empty
   * intersections of the destination classes (same route targets at every device) with the
   * atoms of the ACL permit sets (refined with BDDs). Computed from scratch out of the rules in
   * force: the reference the classes kept per update (`classes`, classes.ts) are tested against,
   * partitions included (the destination map with equal neighbours joined and classes numbered
   * by first appearance, and the ACL atoms as BDD nodes).
   */
  equivalenceClasses(): {
    classes: number;
    destinationClasses: number;
    aclAtoms: number;
    partition: { starts: number[]; classes: number[]; aclNodes: Node[] };
  } {
    // Destination classes: elementary intervals keyed by the out id at every device.
    const n = this.plane.devices.length;
    const cursor = new Int32Array(n);
    const classOf = new Map<string, number>();
    const elemLo: number[] = [];
    const elemClass: number[] = [];
    let x = 0;
    const sig: number[] = new Array<number>(n).fill(0);
    for (;;) {
      let next = TOP + 1;
      for (let d = 0; d < n; d++) {
        const starts = this.starts[d]!;
        while (cursor[d]! + 1 < starts.length && starts[cursor[d]! + 1]! <= x) cursor[d]!++;
        sig[d] = this.outs[d]![cursor[d]!]!;
        const nx = cursor[d]! + 1 < starts.length ? starts[cursor[d]! + 1]! : TOP + 1;
        if (nx < next) next = nx;
      }
      const key = sig.join(',');
      let c = classOf.get(key);
      if (c === undefined) classOf.set(key, (c = classOf.size));
      elemLo.push(x);
      elemClass.push(c);
      if (next > TOP) break;
      x = next;
    }
    // ACL atoms: refine {everything} by each distinct permit set.
    let atoms: Node[] = [TRUE];
    const seen = new Set<Node>();
    for (let e = 0; e < this.plane.elements.length; e++) {
      const p = this.permitSet(e);
      if (seen.has(p) || p === TRUE || p === FALSE) continue;
      seen.add(p);
      const refined: Node[] = [];
      for (const a of atoms) {
        const inside = this.bdd.and(a, p);
        const outside = this.bdd.diff(a, p);
        if (inside !== FALSE) refined.push(inside);
        if (outside !== FALSE) refined.push(outside);
      }
      atoms = refined;
    }
    // Count the non-empty (destination class, ACL atom) pairs.
    let classes = 0;
    const stamp = new Int32Array(classOf.size).fill(-1);
    atoms.forEach((atom, ai) => {
      const dst = this.destinationsByExists(atom);
      let j = 0;
      for (let k = 0; k < dst.length; k += 2) {
        const lo = dst[k]!;
        const hi = dst[k + 1]!;
        while (j + 1 < elemLo.length && elemLo[j + 1]! <= lo) j++;
        for (let t = j; t < elemLo.length && elemLo[t]! <= hi; t++) {
          const c = elemClass[t]!;
          if (stamp[c] !== ai) {
            stamp[c] = ai;
            classes++;
          }
        }
      }
    });
    const starts: number[] = [];
    const ids: number[] = [];
    const renumber = new Map<number, number>();
    elemLo.forEach((lo, t) => {
      const c = elemClass[t]!;
      if (t > 0 && elemClass[t - 1] === c) return;
      starts.push(lo);
      ids.push(renumber.get(c) ?? renumber.set(c, renumber.size).get(c)!);
    });
    return { classes, destinationClasses: classOf.size, aclAtoms: atoms.length, partition: { starts, classes: ids, aclNodes: atoms } };
  }
}

/**
 * The key of the length-`length` prefix holding address `lo`: its node number in a binary trie
 * (2^length + the prefix's bits). Below 2^30 for lengths up to 29, so a small integer, which V8
 * hashes and stores unboxed (lo * 64 + length, the key before, was a boxed number for most
 * addresses).
 */
function prefixKey(lo: number, length: number): number {
  return POW2[length]! + Math.floor(lo / POW2[32 - length]!);
}

/** The list of `port` among parallel lists of ports and interval lists, added when new (few ports: a linear search). */
function listOf(ports: number[], lists: number[][], port: number): number[] {
  for (let k = 0; k < ports.length; k++) if (ports[k] === port) return lists[k]!;
  const list: number[] = [];
  ports.push(port);
  lists.push(list);
  return list;
}

/** 2^i for i up to 32 (a table: `2 ** i` with a variable i is a call to Math.pow). */
const POW2: readonly number[] = Array.from({ length: 33 }, (_, i) => 2 ** i);

/** How many groups of a (lo, length)-sorted list come before (lo, length + 1): binary search. */
function groupsBefore(sorted: readonly Group[], lo: number, length: number): number {
  let a = 0;
  let b = sorted.length;
  while (a < b) {
    const mid = (a + b) >> 1;
    const g = sorted[mid]!;
    if (g.lo < lo || (g.lo === lo && g.length <= length)) a = mid + 1;
    else b = mid;
  }
  return a;
}

/** A key equal for all cyclic rotations of the same cycle (lexicographically least rotation). */
export function canonicalCycle(cycle: readonly number[]): string {
  const n = cycle.length;
  let best = 0;
  for (let s = 1; s < n; s++) {
    for (let k = 0; k < n; k++) {
      const a = cycle[(s + k) % n]!;
      const b = cycle[(best + k) % n]!;
      if (a !== b) {
        if (a < b) best = s;
        break;
      }
    }
  }
  const out: number[] = [];
  for (let k = 0; k < n; k++) out.push(cycle[(best + k) % n]!);
  return out.join(',');
}
