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
    expect(r.out).toMatch(/after 30 updates: 11 classes/);
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
    const lines = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { line: number; newLoops?: Array<{ id: number }>; stoppedLooping?: unknown[] });
    expect(lines).toHaveLength(60);
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

  it('exits 2 on a folder without the files', async () => {
    const r = await runCli(['replay', join(tmp, 'nowhere'), '--quiet']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/BNK_ERR_FILE_NOT_FOUND/);
  });
});
