// The command's first line must start it on every system npm installs it on: `#!/usr/bin/env
// node` and nothing more. `env -S node <options>` would pass options, but BusyBox's env (Alpine,
// a common CI image) refuses -S, and a Linux kernel hands "node <options>" to env as one word.
// Options such as --v8-pool-size=0 go in NODE_OPTIONS, npm scripts or the service's command line.

import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.ts';

describe('bin/bunkatsu.js', () => {
  const text = readFileSync(resolve(ROOT, 'bin', 'bunkatsu.js'), 'utf8');

  it('starts with the portable first line, no options for env to split', () => {
    expect(text.split('\n', 1)[0]).toBe('#!/usr/bin/env node');
  });

  it('is the package.json bin, and executable (a clone keeps the mode git holds)', () => {
    const pkg = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(pkg.bin.bunkatsu).toBe('bin/bunkatsu.js');
    expect(statSync(resolve(ROOT, 'bin', 'bunkatsu.js')).mode & 0o111).not.toBe(0);
  });
});
