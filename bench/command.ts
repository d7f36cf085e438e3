// How the benchmarks start `bunkatsu`: `node --v8-pool-size=0 bin/bunkatsu.js`, as `npm start`,
// `npm run bunkatsu` and the deploy units (docs/deploy.md) start it. The option sizes V8's helper
// threads to the machine's cores (Node's default is 4 whatever the machine); it is not on the
// command's first line, which stays `#!/usr/bin/env node`: `env -S` is GNU and BSD only, and a
// `bunkatsu` linked by npm must start on Alpine's BusyBox too (README, "bunkatsu on your PATH").

import { resolve } from 'node:path';

const BIN = resolve(import.meta.dirname, '..', 'bin', 'bunkatsu.js');

/** The Node options the benchmarks (and the npm scripts) start the command with. */
export const NODE_OPTIONS: readonly string[] = ['--v8-pool-size=0'];

/** The program and arguments that run `bunkatsu <args>`: spawnSync(...bunkatsu(args), options). */
export function bunkatsu(args: readonly string[]): [string, string[]] {
  return [process.execPath, [...NODE_OPTIONS, BIN, ...args]];
}
