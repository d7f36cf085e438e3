// One zod, loaded on use: src/model/zod.ts requires it when a schema is first needed, and every
// other file of src/ takes it from there (imports of zod's types only). A value import of zod
// elsewhere would load it at start again (the bundle puts every statically imported module in
// the chunks `check` loads) and build schemas on a second copy of it (the ES module beside the
// CommonJS one zod.ts requires).

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../src');
const ZOD_IMPORT =
  /(?:^|[\s;])(import|export)\s+(type\s+)?[^'"`;]*?\sfrom\s*['"]zod(?:\/[^'"]*)?['"]|\bimport\(\s*['"]zod(?:\/[^'"]*)?['"]\s*\)|\brequire\(\s*['"]zod['"]\s*\)/gm;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('zod', () => {
  it('is loaded only by src/model/zod.ts; other files import its types only', () => {
    const valueImports: string[] = [];
    let typeImports = 0;
    for (const file of files(SRC)) {
      const name = relative(SRC, file);
      for (const m of readFileSync(file, 'utf8').matchAll(ZOD_IMPORT)) {
        if (m[2]) typeImports++;
        else if (name !== 'model/zod.ts') valueImports.push(`${name}: ${m[0].trim()}`);
      }
    }
    // The check reads imports at all.
    expect(typeImports).toBeGreaterThan(0);
    expect(valueImports).toEqual([]);
  });
});
