// The fast path for JSON topology files: the data from the native JSON.parse, and the
// positions from one iterative scan of the text (an index of where every key and value
// starts), which also finds duplicate and forbidden keys. A generated prefecture file parses
// here in a fraction of the time the YAML composer takes; invalid JSON is left to the YAML
// reader, whose error messages carry the line and column.

import type { Diagnostic, Loc } from './errors.ts';

/**
 * Where a container starts and where its members start. A scalar member is just its offset
 * (a number), so the index allocates one object per container, not per value.
 */
interface Position {
  readonly offset: number;
  keys?: Map<string, { readonly key: number; readonly value: Position | number }>;
  items?: Array<Position | number>;
}

const offsetOf = (p: Position | number): number => (typeof p === 'number' ? p : p.offset);

export interface JsonSource {
  readonly data: unknown;
  readonly diagnostics: Diagnostic[];
  locate(path: readonly PropertyKey[], key?: boolean): Loc;
}

/** Parses JSON text; undefined when it is not valid JSON (the caller falls back to YAML). */
export function readJson(text: string, file: string, forbiddenKeys: ReadonlySet<string>, maxDepth: number): JsonSource | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  const lines = lineStarts(text);
  const position = (offset: number): Loc => {
    let lo = 0;
    let hi = lines.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lines[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { file, line: lo + 1, column: offset - lines[lo]! + 1 };
  };
  const { root, diagnostics } = scan(text, forbiddenKeys, maxDepth, position);
  const locate = (path: readonly PropertyKey[], key?: boolean): Loc => {
    let node: Position | number | undefined = root;
    let best = root?.offset ?? 0;
    for (let i = 0; i < path.length && node !== undefined && typeof node !== 'number'; i++) {
      const segment = path[i]!;
      if (node.keys) {
        const entry = node.keys.get(String(segment));
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
  return { data, diagnostics, locate };
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** One pass over valid JSON text, without recursion; stops at the first container past `maxDepth`. */
function scan(text: string, forbidden: ReadonlySet<string>, maxDepth: number, position: (offset: number) => Loc): { root: Position | undefined; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const stack: Position[] = [];
  /** Set while inside an object: the key waiting for its value. */
  const pendingKey: Array<{ name: string; offset: number } | undefined> = [];
  let root: Position | undefined;
  const attach = (value: Position | number): void => {
    const parent = stack[stack.length - 1];
    if (!parent) {
      if (typeof value !== 'number') root = value;
      return;
    }
    if (parent.items) parent.items.push(value);
    else {
      const k = pendingKey[stack.length - 1]!;
      parent.keys!.set(k.name, { key: k.offset, value });
      pendingKey[stack.length - 1] = undefined;
    }
  };
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      const node: Position = c === 0x7b ? { offset: i, keys: new Map() } : { offset: i, items: [] };
      attach(node);
      stack.push(node);
      if (stack.length > maxDepth) {
        return { root: undefined, diagnostics: [{ code: 'BNK_ERR_TOO_DEEP', message: `nesting deeper than ${maxDepth} levels`, loc: position(i) }] };
      }
      pendingKey[stack.length - 1] = undefined;
      i++;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
      i++;
    } else if (c === 0x22 /* " */) {
      const start = i;
      i++;
      let escaped = false;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) {
          escaped = true;
          i += 2;
        } else if (d === 0x22) break;
        else i++;
      }
      i++;
      const parent = stack[stack.length - 1];
      // A string in an object with no key pending is a key.
      if (parent?.keys && pendingKey[stack.length - 1] === undefined) {
        const raw = text.slice(start, i);
        const name = escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        if (forbidden.has(name)) diagnostics.push({ code: 'BNK_ERR_FORBIDDEN_KEY', message: `key "${name}" is not allowed`, loc: position(start) });
        else if (parent.keys.has(name)) diagnostics.push({ code: 'BNK_ERR_SYNTAX', message: `Map keys must be unique ("${name}" appears twice)`, loc: position(start) });
        pendingKey[stack.length - 1] = { name, offset: start };
      } else {
        attach(start);
      }
    } else if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x2c /* , */ || c === 0x3a /* : */) {
      i++;
    } else {
      // A number, true, false or null: up to the next delimiter.
      const start = i;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 0x2c || d === 0x7d || d === 0x5d || d === 0x20 || d === 0x0a || d === 0x0d || d === 0x09) break;
        i++;
      }
      attach(start);
    }
  }
  return { root, diagnostics };
}
