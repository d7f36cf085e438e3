// The adapters (the CLI in src/cli, the HTTP server in src/server) reach the library through
// its public API, src/index.ts, and nowhere else in src/: every import in them is read here. The
// CLI imports the core of that API, src/essentials.ts (which index.ts exports whole), statically and
// index.ts on use, so that `check` starts without the importers, the generator, reviews and
// replay: what the CLI loads at start is read here too (esbuild's bundle splits by file).
// src/store/ (SQLite) is the server's storage, not part of the library: the server may import it,
// nothing else here may. The CLI's one way into the server is the lazy import of
// src/server/serve.ts, so that check and trace start without fastify and SQLite.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SRC = join(ROOT, 'src');

/** What each adapter may import, as paths relative to the repository (folders end with /). */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  'src/cli/': ['src/index.ts', 'src/essentials.ts', 'src/cli/', 'src/server/serve.ts'],
  'src/server/': ['src/index.ts', 'src/server/', 'src/store/'],
};

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    return e.isDirectory() ? files(path) : /\.(ts|js|mjs)$/.test(e.name) ? [path] : [];
  });
}

/** Every module specifier: `from '...'` (import, export, import type) and `import('...')`. */
function specifiers(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/\bfrom\s+['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm)) {
    found.push((m[1] ?? m[2] ?? m[3])!);
  }
  return found;
}

/** Every module specifier the file loads when it is loaded: static imports and re-exports, not `import type` nor `import()`. */
function staticSpecifiers(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/(?:^|[\s;])(?:import|export)\s+(?!type\s)[^'"`;]*?\sfrom\s*['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]/gm)) {
    found.push((m[1] ?? m[2])!);
  }
  return found;
}

/** The files of src/ that loading `entry` loads (relative to the repository). */
function loadedAtStart(entry: string): Set<string> {
  const seen = new Set<string>();
  const next = [entry];
  while (next.length > 0) {
    const file = next.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of staticSpecifiers(readFileSync(join(ROOT, file), 'utf8'))) {
      if (spec.startsWith('.'))
        next.push(
          relative(ROOT, resolve(dirname(join(ROOT, file)), spec))
            .split('\\')
            .join('/'),
        );
    }
  }
  return seen;
}

describe('the adapters import the library through src/index.ts only', () => {
  for (const [folder, allowed] of Object.entries(ALLOWED)) {
    it(`${folder} imports only ${allowed.join(', ')} and packages`, () => {
      const bad: string[] = [];
      const sources = files(join(ROOT, folder));
      expect(sources.length).toBeGreaterThan(0);
      for (const file of sources) {
        for (const spec of specifiers(readFileSync(file, 'utf8'))) {
          if (!spec.startsWith('.')) continue; // node: built-ins and npm packages
          const target = relative(ROOT, resolve(dirname(file), spec))
            .split('\\')
            .join('/');
          const ok = allowed.some((a) => (a.endsWith('/') ? target.startsWith(a) : target === a));
          if (!ok) bad.push(`${relative(ROOT, file)} imports '${spec}' (${target})`);
        }
      }
      expect(bad).toEqual([]);
    });
  }

  it('the CLI loads at start neither importers, the generator, reviews, replay nor the server', () => {
    const loaded = [...loadedAtStart('src/cli/main.ts')];
    // The start is the essentials' (load, check, render): a sanity check that the walk follows it.
    expect(loaded).toEqual(expect.arrayContaining(['src/essentials.ts', 'src/model/load.ts', 'src/policy/check.ts', 'src/report/render.ts']));
    const rare = /^src\/(import|review|incremental|server|store)\/|^src\/generate\/generate\.ts$|^src\/index\.ts$/;
    expect(loaded.filter((f) => rare.test(f))).toEqual([]);
  });

  it('reads every kind of import it is meant to', () => {
    expect(
      specifiers(
        `import { a } from '../x.ts';\nimport type { B } from "./y.ts";\nexport { c } from '../z.ts';\nconst m = () => import('../w.ts');\nimport './side.ts';`,
      ),
    ).toEqual(['../x.ts', './y.ts', '../z.ts', '../w.ts', './side.ts']);
    expect(
      staticSpecifiers(
        `import { a } from '../x.ts';\nimport type { B } from "./y.ts";\nexport { c } from '../z.ts';\nexport type { D } from '../v.ts';\nexport * from './all.ts';\nconst m = () => import('../w.ts');\nimport './side.ts';`,
      ),
    ).toEqual(['../x.ts', '../z.ts', './all.ts', './side.ts']);
  });

  it('src/ has the folders the rules name', () => {
    expect(readdirSync(SRC)).toEqual(expect.arrayContaining(['cli', 'server', 'store', 'index.ts']));
  });
});
