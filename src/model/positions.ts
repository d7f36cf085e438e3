// The position index both readers build (json-source.ts, yaml-source.ts): where every
// container and each of its members starts, and offsets turned into line:column.

import type { Loc } from '../errors.ts';

/**
 * Where a container starts and where its members start. A scalar member is just its offset
 * (a number), so the index allocates one object per container, not per value.
 */
export interface Position {
  readonly offset: number;
  keys?: Map<string, { readonly key: number; readonly value: Position | number }>;
  items?: Array<Position | number>;
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
      if (node.keys) {
        const entry: { readonly key: number; readonly value: Position | number } | undefined = node.keys.get(String(segment));
        if (!entry) break;
        if (i === path.length - 1 && key) return position(entry.key);
        node = entry.value;
      } else if (node.items && typeof segment === 'number') {
        node = node.items[segment];
      } else break;
      if (node !== undefined) best = offsetOf(node);
    }
    return position(best);
  };
}
