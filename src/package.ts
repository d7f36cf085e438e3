// Where bunkatsu is installed and which version it is, found once: the package root is the
// nearest folder above this module with package.json and the seed policy (src/, or dist/ when
// bundled); the version is package.json's. Everything else asks here.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  const isRoot = (d: string): boolean => existsSync(resolve(d, 'package.json')) && existsSync(resolve(d, 'policies', 'seed.yaml'));
  while (!isRoot(dir) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** The package's folder (package.json, policies/, src/ or dist/). */
export const PACKAGE_ROOT: string = findRoot();

/** The seed policy pack, used when no --policy (or server policy) is given. */
export const DEFAULT_POLICY_FILE: string = resolve(PACKAGE_ROOT, 'policies', 'seed.yaml');

/** How the seed pack is named in diagnostics (relative, the same on every machine). */
export const DEFAULT_POLICY_NAME = 'policies/seed.yaml';

/**
 * The policy packs shipped in policies/, by the name `--policy <name>` picks them with: the
 * seed policy's text, and the MIC guideline's clause numbering most cities' policies follow.
 */
export const BUNDLED_POLICIES: Readonly<Record<string, string>> = {
  seed: DEFAULT_POLICY_NAME,
  'mic-guideline': 'policies/mic-guideline.yaml',
};

/**
 * A bundled pack by name: its file (absolute) and its name in diagnostics (relative); undefined
 * for any other name (a --policy value is then a file path).
 */
export function bundledPolicy(name: string): { readonly file: string; readonly name: string } | undefined {
  const relative = Object.hasOwn(BUNDLED_POLICIES, name) ? BUNDLED_POLICIES[name] : undefined;
  return relative === undefined ? undefined : { file: resolve(PACKAGE_ROOT, relative), name: relative };
}

/** bunkatsu's version, from package.json (read once, here). */
export const VERSION: string = (JSON.parse(readFileSync(resolve(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
