// The tower: every file of src/ stands on a floor, and imports only from floors below it (never
// from a room beside it on its own floor, never from above), and no files import each other in
// a circle. docs/architecture.md draws it; this test keeps the code to the drawing.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SRC = join(ROOT, 'src');

/**
 * The floors from the ground up: each room is a folder of src/ (or one file). A room may import
 * its own files and any room of a lower floor.
 */
const FLOORS: ReadonlyArray<readonly string[]> = [
  ['errors.ts', 'package.ts', 'net'], // 0: error codes; the package's root and version; addresses, ports, protocols as values
  ['model'], //                         1: the topology format, rule updates, reading and writing it
  ['engine', 'generate', 'import'], //  2: reachability; documents made from seeds or other tools
  ['dataplane', 'incremental', 'policy'], // 3: data-plane checks; incremental replay of updates; policy rules and checks
  ['review'], //                        4: change review and what-if failures
  ['report', 'store'], //               5: renderers; the API's SQLite storage
  ['essentials.ts'], //                       6: the essentials of the public library API (what every command needs)
  ['index.ts'], //                      7: the public library API (the essentials and the rest)
  ['server'], //                        8: the HTTP API
  ['cli'], //                           9: the command line (its `serve` starts the server)
];

/** Imports that break the tower today, each with why and the issue that will remove it. */
const EXCEPTIONS: ReadonlyArray<{ readonly from: string; readonly to: string; readonly why: string }> = [];

function roomOf(file: string): string {
  const [first] = file.split('/');
  return first!;
}

function floorOf(room: string): number {
  const i = FLOORS.findIndex((f) => f.includes(room));
  if (i < 0) throw new Error(`src/${room} stands on no floor: add it to FLOORS in tests/architecture/tower.test.ts and docs/architecture.md`);
  return i;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.(ts|js)$/.test(e.name) ? [relative(SRC, path).split('\\').join('/')] : [];
  });
}

// `import … from '…'`, `export … from '…'` (type-only too, over several lines) and `import('…')`.
const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'"`;]*?\sfrom\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;

interface Edge {
  readonly from: string;
  readonly to: string;
}

function importGraph(): { files: string[]; edges: Edge[] } {
  const files = sourceFiles(SRC).sort();
  const edges: Edge[] = [];
  for (const file of files) {
    const text = readFileSync(join(SRC, file), 'utf8');
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2]!;
      if (!spec.startsWith('.')) continue; // node: and packages
      const to = posix.normalize(posix.join(posix.dirname(file), spec));
      if (to.startsWith('..')) throw new Error(`${file} imports ${spec}, outside src/`);
      edges.push({ from: file, to });
    }
  }
  return { files, edges: [...new Map(edges.map((e) => [`${e.from} ${e.to}`, e])).values()] };
}

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
function circles(files: readonly string[], edges: readonly Edge[]): string[][] {
  const next = new Map<string, string[]>(files.map((f) => [f, []]));
  for (const e of edges) next.get(e.from)?.push(e.to);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let counter = 0;
  // Iterative: an explicit stack of (file, next neighbour to look at).
  for (const root of files) {
    if (index.has(root)) continue;
    const work: Array<[string, number]> = [[root, 0]];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      const [v, i] = top;
      const ns = next.get(v) ?? [];
      if (i < ns.length) {
        top[1]++;
        const w = ns[i]!;
        if (!next.has(w)) continue;
        if (!index.has(w)) {
          index.set(w, counter);
          low.set(w, counter++);
          stack.push(w);
          onStack.add(w);
          work.push([w, 0]);
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const u = work[work.length - 1]![0];
        low.set(u, Math.min(low.get(u)!, low.get(v)!));
      }
      if (low.get(v) === index.get(v)) {
        const scc: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          scc.push(w);
        } while (w !== v);
        if (scc.length > 1 || ns.includes(v)) out.push(scc.sort());
      }
    }
  }
  return out;
}

describe('the tower of src/', () => {
  const { files, edges } = importGraph();

  it('reads the imports (the regex sees single-line, multi-line, type-only and dynamic imports)', () => {
    const has = (from: string, to: string): boolean => edges.some((e) => e.from === from && e.to === to);
    expect(files.length).toBeGreaterThan(50);
    expect(has('engine/fast.ts', 'engine/types.ts')).toBe(true); // `import {\n … \n} from './types.ts'`
    expect(has('model/network.ts', 'errors.ts')).toBe(true); // `import type`
    expect(has('cli/commands.ts', 'server/serve.ts')).toBe(true); // `import('../server/serve.ts')`
    expect(has('essentials.ts', 'model/schema.ts')).toBe(true); // `export { … } from`
  });

  it('puts every file on a floor', () => {
    for (const f of files) expect(() => floorOf(roomOf(f)), f).not.toThrow();
  });

  it('imports only from lower floors', () => {
    const wrong: string[] = [];
    for (const e of edges) {
      const a = roomOf(e.from);
      const b = roomOf(e.to);
      if (a === b) continue;
      if (EXCEPTIONS.some((x) => x.from === e.from && x.to === e.to)) continue;
      const fa = floorOf(a);
      const fb = floorOf(b);
      if (fb > fa) wrong.push(`src/${e.from} (floor ${fa}) imports src/${e.to} from a higher floor (${fb})`);
      else if (fb === fa) wrong.push(`src/${e.from} imports src/${e.to}, a room beside it on floor ${fa}`);
    }
    expect(wrong).toEqual([]);
  });

  it('has no circle of files', () => {
    expect(circles(files, edges).map((c) => c.map((f) => `src/${f}`).join(' <-> '))).toEqual([]);
  });

  it('finds a circle and an import from above when there is one', () => {
    expect(
      circles(
        ['a.ts', 'b.ts', 'c.ts'],
        [
          { from: 'a.ts', to: 'b.ts' },
          { from: 'b.ts', to: 'a.ts' },
          { from: 'c.ts', to: 'a.ts' },
        ],
      ),
    ).toEqual([['a.ts', 'b.ts']]);
    expect(circles(['a.ts'], [{ from: 'a.ts', to: 'a.ts' }])).toEqual([['a.ts']]);
    expect(circles(['a.ts', 'b.ts'], [{ from: 'a.ts', to: 'b.ts' }])).toEqual([]);
    expect(floorOf('engine')).toBeLessThan(floorOf('policy'));
  });
});
