// zod is loaded on first use (src/model/zod.ts): a `check` of a valid topology with a valid
// pack never loads it (quick-schema.ts, policy/quick-pack.ts), while a schema error still gets
// zod's wording at its line. Each check runs in a fresh process (through tsx), which then says
// whether zod is among the modules it loaded. The commands that load the whole library (the
// replay, a review) build the change and site schemas only when they must word an error in such
// a file: a valid change file, and the rules it adds, pass a quick check (review/quick-change.ts).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

/** Runs `bunkatsu <args>` in a new process: its exit code, its output, and whether it loaded zod. */
function checkInFreshProcess(args: string[]): { code: number; out: string; zodLoaded: boolean } {
  const script = `
    import { createRequire } from 'node:module';
    import { main } from './src/cli/main.ts';
    const out = [];
    const code = await main(${JSON.stringify(args)}, { out: (s) => out.push(s), err: (s) => out.push(s) });
    const zodLoaded = Object.keys(createRequire(import.meta.url).cache).some((m) => /[\\\\/]node_modules[\\\\/]zod[\\\\/]/.test(m));
    console.log(JSON.stringify({ code, out: out.join('\\n'), zodLoaded }));`;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout);
}

describe('zod on use', () => {
  it('a check of a valid city with the seed pack never loads zod', () => {
    const { code, out, zodLoaded } = checkInFreshProcess(['check', 'topologies/beta-city.yaml', '--today', '2026-11-25', '--format', 'json']);
    expect(code).toBe(0);
    expect(JSON.parse(out).summary).toBeDefined();
    expect(zodLoaded).toBe(false);
  });

  it('a replay, which loads the whole library, never loads zod', () => {
    const { code, out, zodLoaded } = checkInFreshProcess(['replay', 'tests/fixtures/stanford-slice', '--format', 'json', '--quiet']);
    expect(code).toBe(0);
    expect(JSON.parse(out).updates.total).toBeGreaterThan(0);
    expect(zodLoaded).toBe(false);
  });

  it('a review of a valid change file (with an added rule) never loads zod', () => {
    const { code, out, zodLoaded } = checkInFreshProcess([
      'review',
      'topologies/alpha-city.yaml',
      'tests/fixtures/changes/harmless.yaml',
      '--today',
      '2026-11-25',
      '--format',
      'json',
    ]);
    expect(code).toBe(0); // harmless.yaml: approved
    expect(JSON.parse(out).verdict).toBeDefined();
    expect(zodLoaded).toBe(false);
  });

  it('a bad change file loads it and is worded as zod words it, at its line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bunkatsu-zod-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'bunkatsu-change: 1\nchanges:\n  - remove-rule: { device: lg-edge-fw, rule: e-deny, note: x }\n');
    const { code, out, zodLoaded } = checkInFreshProcess(['review', 'topologies/alpha-city.yaml', file]);
    expect(code).toBe(2);
    expect(out).toContain(`${file}:3:18 BNK_ERR_SCHEMA changes.0.remove-rule: Unrecognized key: "note"`);
    expect(zodLoaded).toBe(true);
  });

  it('a schema error loads it and is worded as zod words it, at its line', () => {
    const { code, out, zodLoaded } = checkInFreshProcess(['check', 'topologies/broken/schema.yaml']);
    expect(code).not.toBe(0);
    expect(out).toContain('topologies/broken/schema.yaml:26:5 BNK_ERR_SCHEMA unknown field "subnet" at zones[0]');
    expect(zodLoaded).toBe(true);
  });
});
