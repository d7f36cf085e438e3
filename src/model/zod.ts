// zod, loaded on first use. Building its module and our schemas was a fifth of the work of a
// small `check` before it read a byte; a check whose documents plainly satisfy the schemas
// (quick-schema.ts, policy/pack.ts) never needs it, only one that reports a schema error, and
// the commands that read change or site files. Every zod user goes through here, so that one
// instance of zod builds every schema (tests/architecture/zod.test.ts).

import { createRequire } from 'node:module';

type Zod = typeof import('zod');

let loaded: Zod | undefined;

/** The zod module (its CommonJS build, required synchronously: loading happens inside sync loaders). */
export function zod(): Zod {
  loaded ??= createRequire(import.meta.url)('zod') as Zod;
  return loaded;
}
