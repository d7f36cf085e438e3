// The questions written once for every engine reach src/engine/ through its interface only
// (what an engine answers, its header space, the box algebra, the registry), never an
// implementation (bdd.ts, compile.ts, fast.ts, reference.ts, ...): otherwise `--engine` would
// not choose what answers them. A folder whose questions all go through the interface is listed here.

import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../src');

/** The files of src/engine/ that make up the engine interface. */
const INTERFACE = new Set(['engine/types.ts', 'engine/space.ts', 'engine/headerset.ts', 'engine/registry.ts']);
/** Folders of src/ that use the engine through its interface only. */
const THROUGH_INTERFACE = ['policy', 'review'];

// As in tower.test.ts: `import … from`, `export … from` (type-only too) and `import(…)`.
const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'"`;]*?\sfrom\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;

describe('the engine is used through its interface', () => {
  it.each(THROUGH_INTERFACE)('src/%s/ imports from src/engine/ only the interface', (folder) => {
    const files = readdirSync(join(SRC, folder)).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(0);
    const engineImports: string[] = [];
    for (const file of files) {
      for (const m of readFileSync(join(SRC, folder, file), 'utf8').matchAll(IMPORT)) {
        const target = posix.normalize(posix.join(folder, m[1] ?? m[2]!));
        if (target.startsWith('engine/')) engineImports.push(`${folder}/${file} → ${target}`);
      }
    }
    // The check reads imports at all: each folder listed uses the interface.
    expect(engineImports.length).toBeGreaterThan(0);
    expect(engineImports.filter((e) => !INTERFACE.has(e.split(' → ')[1]!))).toEqual([]);
  });
});
