// bunkatsu import stanford and bunkatsu replay: exit codes and output.

import { mkdtempSync, readFileSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTopology } from '../../src/model/load.ts';
import { runCli } from '../helpers.ts';

const SLICE = 'tests/fixtures/stanford-slice';
const tmp = mkdtempSync(join(tmpdir(), 'bunkatsu-dataplane-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('bunkatsu import stanford', () => {
  it('prints YAML on stdout that loads, with the rules of the fullest point by default', async () => {
    const r = await runCli(['import', 'stanford', SLICE]);
    expect(r.code).toBe(0);
    const network = loadTopology(r.out, 'out.yaml');
    expect(network.devices.map((d) => d.id)).toEqual(['bbrb_rtr', 'yoza_rtr', 'yozb_rtr']);
    expect(network.devices.reduce((n, d) => n + (d.routes?.length ?? 0), 0)).toBe(14);
  });

  it('writes JSON with -o *.json and honours --at', async () => {
    const file = join(tmp, 'slice.json');
    const r = await runCli(['import', 'stanford', SLICE, '-o', file, '--at', '16']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { devices: Array<{ routes: unknown[] }> };
    expect(doc.devices.every((d) => d.routes.length === 0)).toBe(true);
    const check = await runCli(['check', file]);
    expect(check.err).not.toMatch(/BNK_ERR/);
  });

  it('exits 2 with file:line:column on a bad line, without a stack trace', async () => {
    const dir = join(tmp, 'bad');
    cpSync(SLICE, dir, { recursive: true });
    writeFileSync(join(dir, 'updates'), readFileSync(join(dir, 'updates'), 'utf8').replace('+ fwd yozb_rtr 0 0 te2/1 0', '+ fwd yozb_rtr 0 33 te2/1 0'));
    const r = await runCli(['import', 'stanford', dir]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bad\/updates:21:18 BNK_ERR_INVALID_ADDRESS prefix length "33" is not 0 to 32/);
    expect(r.err).not.toMatch(/at .*\.ts:\d+/);
    expect(r.out).toBe('');
  });

  it('exits 2 on a missing folder and on a bad --at', async () => {
    expect((await runCli(['import', 'stanford', join(tmp, 'nowhere')])).code).toBe(2);
    const r = await runCli(['import', 'stanford', SLICE, '--at', '61']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/BNK_ERR_USAGE --at must be a whole number from 0 to 60/);
  });
});

describe('bunkatsu replay', () => {
  it('replays the slice: 3 loops, none active at the end, exit 0', async () => {
    const r = await runCli(['replay', SLICE, '--quiet']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/updates applied: 60 \(fwd 28, acl 32; inserts 30, removals 30\)/);
    expect(r.out).toMatch(/skipped: 2 whose changed set M was empty/);
    expect(r.out).toMatch(/loops found: 3 /);
    expect(r.out).toMatch(/active at the end: 0/);
    expect(r.out).toMatch(/after 30 updates: 11 joint classes; APKeep.s atoms: 5 forwarding classes, 3 ACL classes \(APKeep's "Number of APs": 8\)/);
    expect(r.out).toMatch(/under 0\.25 ms: [\d.]+% of updates/);
    expect(r.err).toBe('');
  });

  it('prints JSON and writes one log line per update', async () => {
    const log = join(tmp, 'replay.jsonl');
    const r = await runCli(['replay', SLICE, '--format', 'json', '--log', log, '--quiet']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as { loops: { found: number }; updates: { total: number }; time: { avgUs: number }; machine: { nproc: number } };
    expect(json.loops.found).toBe(3);
    expect(json.updates.total).toBe(60);
    expect(json.machine.nproc).toBeGreaterThan(0);
    const lines = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            line: number;
            newLoops?: Array<{ id: number }>;
            stoppedLooping?: unknown[];
            classes: { forwarding: number; acl: number; joint: number; apkeepAps: number };
          },
      );
    expect(lines).toHaveLength(60);
    // Every line has the classes after it: the checkpoint counts (tests/incremental/replay-slice.test.ts).
    // APKeep reports its forwarding and ACL atoms summed (its "Number of APs").
    expect(lines[29]!.classes).toEqual({ forwarding: 5, acl: 3, joint: 11, apkeepAps: 8 });
    expect(lines[59]!.classes).toEqual({ forwarding: 1, acl: 1, joint: 1, apkeepAps: 2 });
    expect(Math.max(...lines.map((l) => l.classes.joint))).toBe(11);
    expect(lines.filter((l) => l.newLoops).map((l) => l.line)).toEqual([23, 25, 27]);
    expect(lines.filter((l) => l.stoppedLooping).map((l) => l.line)).toEqual([34, 36, 38]);
  });

  it('exits 2 on an empty trace, naming the updates file', async () => {
    const dir = join(tmp, 'empty');
    cpSync(SLICE, dir, { recursive: true });
    writeFileSync(join(dir, 'updates'), '');
    const r = await runCli(['replay', dir, '--quiet']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/empty\/updates:1:1 BNK_ERR_SCHEMA the trace has no updates/);
    expect(r.out).toBe('');
  });

  // A tester mistyped the port of one fwd line. The port exists nowhere else, but a port only
  // the trace names is an edge port (APKeep creates it on first use: the real trace has 15), so
  // the line itself is legal; its insert/remove partner is not: it no longer matches a rule in
  // force. That used to be an ignored no-op: exit 0 with one check fewer and a rule left in force.
  const withUpdates = (name: string, edit: (lines: string[]) => void): string => {
    const dir = join(tmp, name);
    cpSync(SLICE, dir, { recursive: true });
    const lines = readFileSync(join(dir, 'updates'), 'utf8').split('\n');
    edit(lines);
    writeFileSync(join(dir, 'updates'), lines.join('\n'));
    return dir;
  };

  it("exits 2 at updates:line:column when a fwd line's mistyped port leaves its partner line matching no rule", async () => {
    const dir = withUpdates('typo-insert', (l) => {
      expect(l[20]).toBe('+ fwd yozb_rtr 0 0 te2/1 0');
      l[20] = '+ fwd yozb_rtr 0 0 te9/9 0';
    });
    const r = await runCli(['replay', dir, '--quiet']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /typo-insert\/updates:40:1 BNK_ERR_UNKNOWN_REF yozb_rtr has no rule 0\.0\.0\.0\/0 → te2\/1 \(priority 0\) in force to remove; in force for that prefix: → te9\/9 \(priority 0, line 21\)/,
    );
    expect(r.out).toBe('');
    // The same mistake on the removal line instead.
    const dir2 = withUpdates('typo-removal', (l) => {
      l[39] = '- fwd yozb_rtr 0 0 te9/9 0';
    });
    const r2 = await runCli(['replay', dir2, '--quiet']);
    expect(r2.code).toBe(2);
    expect(r2.err).toMatch(
      /typo-removal\/updates:40:1 BNK_ERR_UNKNOWN_REF yozb_rtr has no rule 0\.0\.0\.0\/0 → te9\/9 \(priority 0\) in force to remove; in force for that prefix: → te2\/1 \(priority 0, line 21\)/,
    );
  });

  it('replays a port only the trace names as an edge port: every update applied and checked as before, the port listed', async () => {
    const dir = withUpdates('trace-port', (l) => {
      l[20] = '+ fwd yozb_rtr 0 0 te9/9 0';
      l[39] = '- fwd yozb_rtr 0 0 te9/9 0';
    });
    const r = await runCli(['replay', dir, '--format', 'json', '--quiet']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as {
      updates: Record<string, number>;
      loops: { found: number };
      edgePorts: Array<{ device: string; port: string; line: number; rules: number; declaredByTrace: boolean }>;
    };
    const base = JSON.parse((await runCli(['replay', SLICE, '--format', 'json', '--quiet'])).out) as typeof json;
    expect(json.updates).toEqual(base.updates);
    expect(json.updates).toMatchObject({ total: 60, checked: 26, skippedEmptyM: 2, unchanged: 0 });
    expect(json.updates.checked! + json.updates.skippedEmptyM! + json.updates.acl! + json.updates.unchanged!).toBe(60);
    expect(json.loops.found).toBe(3);
    expect(json.edgePorts).toContainEqual({ device: 'yozb_rtr', port: 'te9/9', line: 21, rules: 1, declaredByTrace: true });
    expect(json.edgePorts.map((p) => `${p.device} ${p.port}`)).not.toContain('yozb_rtr te2/1');
    const text = await runCli(['replay', dir, '--quiet']);
    expect(text.out).toMatch(/declared only by the trace .*: 3\n.*yozb_rtr te9\/9 \(line 21\)/);
  });

  it("lists the slice's real edge ports that only fwd lines name", async () => {
    const r = await runCli(['replay', SLICE, '--quiet']);
    expect(r.out).toMatch(/edge ports forwarded to: 3 device ports with no link, where packets leave the network \(3 insert lines\)/);
    expect(r.out).toMatch(/yozb_rtr te2\/1 \(line 21\), yoza_rtr te1\/3 \(line 26\), bbrb_rtr te7\/1 \(line 30\)/);
  });

  it.each([
    ['a port on a device that does not exist', '+ fwd yozz_rtr 0 0 te2/1 0', /updates:21:7 BNK_ERR_UNKNOWN_REF unknown device "yozz_rtr"/],
    ['a malformed port name', '+ fwd yozb_rtr 0 0 te2/1! 0', /updates:21:20 BNK_ERR_SCHEMA port name "te2\/1!" is not/],
    ['a VLAN the device does not have', '+ fwd yozb_rtr 0 0 vlan9 0', /updates:21:20 BNK_ERR_UNKNOWN_REF yozb_rtr has no vlan9 in vlan\.txt/],
  ])('exits 2 at updates:line:column on a fwd to %s', async (what, line, pattern) => {
    const dir = withUpdates(`bad-port-${what.length}`, (l) => {
      l[20] = line;
    });
    const r = await runCli(['replay', dir, '--quiet']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(pattern);
    expect(r.out).toBe('');
  });

  it('exits 2 on a folder without the files', async () => {
    const r = await runCli(['replay', join(tmp, 'nowhere'), '--quiet']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/BNK_ERR_FILE_NOT_FOUND/);
  });
});
