// Progress on long work: the library's callbacks (load: bytes parsed, then elements validated;
// check: each rule) come early, in order, never backwards, and reach the end; the CLI's bar
// draws on a terminal only, and not with --quiet.

import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { progressBar } from '../../src/cli/progress.ts';
import { type LoadProgress, loadTopology } from '../../src/model/load.ts';
import { runCheck } from '../../src/policy/check.ts';
import { DEFAULT_ENGINE, ENGINES } from '../../src/engine/registry.ts';
import { runCli, seedPack, TODAY } from '../helpers.ts';

const SAMPLE = 'topologies/alpha-city.yaml';

/** A stream that says it is (or is not) a terminal, and keeps what is written to it. */
function stream(isTTY: boolean): { stream: NodeJS.WriteStream; written: () => string } {
  const s = new PassThrough() as unknown as NodeJS.WriteStream;
  const chunks: string[] = [];
  Object.assign(s, { isTTY, columns: 100 });
  (s as unknown as PassThrough).on('data', (c: Buffer) => chunks.push(c.toString()));
  return { stream: s, written: () => chunks.join('') };
}

describe('load and check progress callbacks', () => {
  const text = readFileSync(SAMPLE, 'utf8');
  const calls: LoadProgress[] = [];
  const pack = seedPack();
  const network = loadTopology(text, SAMPLE, { domains: new Set(Object.keys(pack.domains)), onProgress: (p) => calls.push(p) });

  it('the first call comes before any parsing: parse, 0 bytes of the whole text', () => {
    expect(calls[0]).toEqual({ phase: 'parse', done: 0, total: text.length });
  });

  it('parse, then validate; within each phase never backwards; each reaches its total', () => {
    const phases = calls.map((c) => c.phase);
    expect(phases.lastIndexOf('parse')).toBeLessThan(phases.indexOf('validate'));
    for (const phase of ['parse', 'validate'] as const) {
      const mine = calls.filter((c) => c.phase === phase);
      for (let i = 1; i < mine.length; i++) expect(mine[i]!.done).toBeGreaterThanOrEqual(mine[i - 1]!.done);
      expect(mine.every((c) => c.total === mine[0]!.total && c.done <= c.total)).toBe(true);
      expect(mine.at(-1)!.done).toBe(mine[0]!.total);
    }
    // The validated elements are the sections of the sample: zones, hosts, devices, links, exceptions, intents.
    const doc = text.length;
    expect(calls.filter((c) => c.phase === 'parse').every((c) => c.total === doc)).toBe(true);
    const validated = calls.filter((c) => c.phase === 'validate');
    expect(validated[0]!.total).toBe(
      network.zones.length + network.hosts.length + network.devices.length + network.links.length + network.exceptions.length + network.intents.length,
    );
  });

  it('the check reports each rule once, in order, before running it', () => {
    const seen: Array<[number, number]> = [];
    runCheck(network, pack, { engineFactory: ENGINES[DEFAULT_ENGINE]!, today: TODAY, onRule: (_id, i, n) => void seen.push([i, n]) });
    const n = seen[0]![1];
    expect(seen).toEqual(Array.from({ length: n }, (_, i) => [i, n]));
  });
});

describe('the progress bar of the CLI', () => {
  const weights = { parse: 0.5, rules: 0.5 } as const;

  it('draws the phase and the percent on a terminal, in the chosen language, and clears itself', () => {
    const t = stream(true);
    const bar = progressBar(weights, { lang: 'ja' }, t.stream);
    bar.update('parse', 1, 2);
    bar.update('rules', 2, 2);
    bar.stop();
    expect(t.written()).toContain('構文の解析');
    expect(t.written()).toContain('0%');
    expect(t.written()).toContain('残り');
  });

  it('prints nothing when the stream is not a terminal, or with --quiet', () => {
    for (const [isTTY, quiet] of [
      [false, false],
      [true, true],
    ] as const) {
      const t = stream(isTTY);
      const bar = progressBar(weights, { lang: 'en', quiet }, t.stream);
      bar.update('parse', 1, 1);
      bar.stop();
      expect(t.written()).toBe('');
    }
  });

  it('check, generate, replay and import print nothing on stderr when it is not a terminal (as under test)', async () => {
    expect(process.stderr.isTTY).toBeFalsy();
    expect((await runCli(['check', SAMPLE, '--today', TODAY])).err).toBe('');
    expect((await runCli(['replay', 'tests/fixtures/stanford-slice'])).err).toBe('');
    expect((await runCli(['generate', '--scale', 'tiny', '--quiet'])).err).toBe('');
    expect((await runCli(['import', 'asa', 'tests/fixtures/import/asa/asa01.cfg', '--quiet'])).err).toBe('');
  });
});
