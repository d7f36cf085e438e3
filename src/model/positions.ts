// The position index both readers build (json-source.ts, yaml-source.ts): where every
// container and each of its members starts, and offsets turned into line:column.

import type { Loc } from '../errors.ts';

/** Past this many keys a mapping is also indexed by name (below it, a scan of the names is faster). */
const SCAN_KEYS = 16;

/**
 * The index as flat typed arrays, filled as a reader walks the document: containers numbered
 * as they open (the root is 0), and the members of each container stored together when it
 * closes. A member is a scalar's offset (>= 0) or -1 - the number of a container; a mapping's
 * member also has its key's offset and name. Until a container closes, its members wait in a
 * buffer per depth that the next container at that depth reuses, so the index allocates
 * nothing per value: an object per container and per key made the garbage collector copy
 * the whole index (with the document's data, everything survives) several times over.
 */
export class PositionIndex {
  private containerOffset = new Int32Array(256);
  private mapping = new Uint8Array(256);
  private firstMember = new Int32Array(256);
  private memberCount = new Int32Array(256);
  private containers = 0;
  private value: Int32Array<ArrayBuffer>;
  private keyOffset: Int32Array<ArrayBuffer>;
  /** Each key name once (a topology repeats a few dozen names); a member's name is its number here. */
  private readonly names: string[] = [];
  private readonly nameId = new Map<string, number>();
  private keyName: Int32Array<ArrayBuffer>;
  private members = 0;
  /** The open containers, innermost last, and per depth their members so far. */
  private readonly open: number[] = [];
  private readonly pendingValue: number[][] = [];
  private readonly pendingKeyOffset: number[][] = [];
  private readonly pendingName: number[][] = [];
  private readonly pendingCount: number[] = [];
  /** Per depth, an open mapping's key numbers past SCAN_KEYS keys. */
  private readonly pendingByName: Array<Map<number, number> | undefined> = [];
  /** Closed mappings past SCAN_KEYS keys, indexed by name when first searched. */
  private readonly byName = new Map<number, Map<string, number>>();

  /** `expectedMembers`: a guess of the document's values, to size the tables once. */
  constructor(expectedMembers = 1024) {
    const size = Math.max(1024, expectedMembers);
    this.value = new Int32Array(size);
    this.keyOffset = new Int32Array(size);
    this.keyName = new Int32Array(size);
  }

  /** Whether the innermost open container is a mapping (false when none is open). */
  inMapping(): boolean {
    const depth = this.open.length;
    return depth > 0 && this.mapping[this.open[depth - 1]!] === 1;
  }

  /** Where the innermost open container starts. */
  openOffset(): number {
    return this.containerOffset[this.open[this.open.length - 1]!]!;
  }

  /** Whether the innermost open mapping has key `name` already. */
  hasKey(name: string): boolean {
    const depth = this.open.length - 1;
    const id = this.nameId.get(name);
    if (id === undefined || depth < 0) return false;
    const byName = this.pendingByName[depth];
    if (byName) return byName.has(id);
    const names = this.pendingName[depth]!;
    for (let k = this.pendingCount[depth]! - 1; k >= 0; k--) if (names[k] === id) return true;
    return false;
  }

  /**
   * A scalar at `offset` as the next member of the open container: in a mapping, the value of
   * key `name` (at `keyOffset`); a mapping member without a name (a refused key) is left out.
   * With no container open it is the root, which the index does not need.
   */
  scalar(offset: number, name?: string, keyOffset = 0): void {
    if (this.open.length > 0) this.add(offset, name, keyOffset);
  }

  /** Opens a list or mapping at `offset`, as the next member of the open container (as for scalar). */
  openContainer(offset: number, mapping: boolean, name?: string, keyOffset = 0): void {
    const id = this.containers++;
    if (id === this.containerOffset.length) {
      this.containerOffset = grow(this.containerOffset);
      this.firstMember = grow(this.firstMember);
      this.memberCount = grow(this.memberCount);
      const m = new Uint8Array(this.mapping.length * 2);
      m.set(this.mapping);
      this.mapping = m;
    }
    this.containerOffset[id] = offset;
    this.mapping[id] = mapping ? 1 : 0;
    if (this.open.length > 0) this.add(-1 - id, name, keyOffset);
    const depth = this.open.length;
    this.open.push(id);
    if (this.pendingCount.length === depth) {
      this.pendingValue.push([]);
      this.pendingKeyOffset.push([]);
      this.pendingName.push([]);
      this.pendingCount.push(0);
      this.pendingByName.push(undefined);
    }
    this.pendingCount[depth] = 0;
    this.pendingByName[depth] = undefined;
  }

  /** Closes the innermost open container: its members move to the tables. */
  close(): void {
    const id = this.open.pop();
    if (id === undefined) return;
    const depth = this.open.length;
    const count = this.pendingCount[depth]!;
    while (this.members + count > this.value.length) {
      this.value = grow(this.value);
      this.keyOffset = grow(this.keyOffset);
      this.keyName = grow(this.keyName);
    }
    const start = this.members;
    const values = this.pendingValue[depth]!;
    for (let k = 0; k < count; k++) this.value[start + k] = values[k]!;
    if (this.mapping[id] === 1) {
      const keyOffsets = this.pendingKeyOffset[depth]!;
      const names = this.pendingName[depth]!;
      for (let k = 0; k < count; k++) {
        this.keyOffset[start + k] = keyOffsets[k]!;
        this.keyName[start + k] = names[k]!;
      }
    }
    this.firstMember[id] = start;
    this.memberCount[id] = count;
    this.members += count;
    this.pendingByName[depth] = undefined;
  }

  private add(value: number, name: string | undefined, keyOffset: number): void {
    const depth = this.open.length - 1;
    const isMapping = this.mapping[this.open[depth]!] === 1;
    if (isMapping && name === undefined) return;
    const k = this.pendingCount[depth]!;
    this.pendingValue[depth]![k] = value;
    if (isMapping) {
      let id = this.nameId.get(name!);
      if (id === undefined) {
        id = this.names.length;
        this.names.push(name!);
        this.nameId.set(name!, id);
      }
      this.pendingKeyOffset[depth]![k] = keyOffset;
      this.pendingName[depth]![k] = id;
      let byName = this.pendingByName[depth];
      if (!byName && k + 1 > SCAN_KEYS) {
        byName = new Map();
        const names = this.pendingName[depth]!;
        for (let j = 0; j < k; j++) byName.set(names[j]!, j);
        this.pendingByName[depth] = byName;
      }
      byName?.set(id, k);
    }
    this.pendingCount[depth] = k + 1;
  }

  /** The member of closed mapping `id` with key `name` (its last place for a repeated key), or -1. */
  private keyIndex(id: number, name: string): number {
    const nameId = this.nameId.get(name);
    if (nameId === undefined) return -1;
    const first = this.firstMember[id]!;
    const count = this.memberCount[id]!;
    if (count > SCAN_KEYS) {
      let byName = this.byName.get(id);
      if (!byName) {
        byName = new Map();
        for (let k = 0; k < count; k++) byName.set(this.names[this.keyName[first + k]!]!, k);
        this.byName.set(id, byName);
      }
      return byName.get(name) ?? -1;
    }
    for (let k = count - 1; k >= 0; k--) if (this.keyName[first + k] === nameId) return k;
    return -1;
  }

  /** The location of the value at `path` (or of its key), falling back to the nearest parent found. */
  locator(position: (offset: number) => Loc): (path: readonly PropertyKey[], key?: boolean) => Loc {
    return (path, key) => {
      if (this.containers === 0) return position(0);
      let id = 0;
      let best = this.containerOffset[0]!;
      for (let i = 0; i < path.length; i++) {
        const segment = path[i]!;
        const first = this.firstMember[id]!;
        let k: number;
        if (this.mapping[id] === 1) {
          k = this.keyIndex(id, String(segment));
          if (k < 0) break;
          if (i === path.length - 1 && key) return position(this.keyOffset[first + k]!);
        } else if (typeof segment === 'number' && Number.isInteger(segment) && segment >= 0 && segment < this.memberCount[id]!) {
          k = segment;
        } else break;
        const member = this.value[first + k]!;
        if (member >= 0) {
          best = member;
          break;
        }
        id = -1 - member;
        best = this.containerOffset[id]!;
      }
      return position(best);
    };
  }
}

function grow(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

/** Offset to 1-based line and column (lines end at "\n"), by binary search over line starts. */
export function lineColumn(text: string, file: string): (offset: number) => Loc {
  const lines = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines.push(i + 1);
  return (offset: number): Loc => {
    let lo = 0;
    let hi = lines.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lines[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { file, line: lo + 1, column: offset - lines[lo]! + 1 };
  };
}
