// The position index both readers build (json-source.ts, yaml-source.ts): where every
// container and each of its members starts, and offsets turned into line:column.

import type { Loc } from '../errors.ts';

/**
 * Where a container starts and where its members start. A scalar member is just its offset
 * (a number), and a mapping keeps its key names in one array and its members in another, so
 * the index allocates three objects per container and none per value (a Map and an entry
 * object per key made the index three times the size of the data itself).
 */
export interface Position {
  readonly offset: number;
  /** A mapping's key names, in order; undefined for a list. */
  names?: string[];
  /** A list: each item. A mapping: each key's offset then its value, in the order of `names`. */
  members: Array<Position | number>;
  /** A mapping of many keys: name → index in `names`, so that adding and finding stay linear. */
  byName?: Map<string, number>;
}

/** Past this many keys a mapping is also indexed by name (below it, a scan of the names is faster). */
const SCAN_KEYS = 16;

export const mappingAt = (offset: number): Position => ({ offset, names: [], members: [] });
export const listAt = (offset: number): Position => ({ offset, members: [] });

/** The index of key `name` in a mapping, or -1; for a repeated key (an error), its last place. */
export function keyIndex(mapping: Position, name: string): number {
  if (mapping.byName) return mapping.byName.get(name) ?? -1;
  return mapping.names!.lastIndexOf(name);
}

/**
 * One string per distinct key name: a reader slices each key out of the text, and a topology
 * repeats a few dozen names hundreds of thousands of times.
 */
export function keyNames(): (name: string) => string {
  const seen = new Map<string, string>();
  return (name) => {
    const known = seen.get(name);
    if (known !== undefined) return known;
    seen.set(name, name);
    return name;
  };
}

/**
 * Called when a container ends: its arrays copied to their exact length (an array grown by push
 * keeps room for at least 17 elements, most of the index for the many short lists and mappings).
 */
export function closeContainer(node: Position): void {
  node.members = node.members.slice();
  if (node.names) node.names = node.names.slice();
}

/** Adds a key (its name and offset) and its value to a mapping. */
export function addKey(mapping: Position, name: string, keyOffset: number, value: Position | number): void {
  const names = mapping.names!;
  if (!mapping.byName && names.length >= SCAN_KEYS) mapping.byName = new Map(names.map((n, i) => [n, i]));
  mapping.byName?.set(name, names.length);
  names.push(name);
  mapping.members.push(keyOffset, value);
}

const offsetOf = (p: Position | number): number => (typeof p === 'number' ? p : p.offset);

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

/** The location of the value at `path` (or of its key), falling back to the nearest parent found. */
export function locateIn(root: Position | undefined, position: (offset: number) => Loc): (path: readonly PropertyKey[], key?: boolean) => Loc {
  return (path, key) => {
    let node: Position | number | undefined = root;
    let best = root?.offset ?? 0;
    for (let i = 0; i < path.length && node !== undefined && typeof node !== 'number'; i++) {
      const segment = path[i]!;
      if (node.names) {
        const k = keyIndex(node, String(segment));
        if (k < 0) break;
        if (i === path.length - 1 && key) return position(node.members[2 * k] as number);
        node = node.members[2 * k + 1];
      } else if (typeof segment === 'number') {
        node = node.members[segment];
      } else break;
      if (node !== undefined) best = offsetOf(node);
    }
    return position(best);
  };
}
