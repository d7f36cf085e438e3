// The generator: deterministic output, valid topologies, SPEC §6 sizes, and planted
// violations that the check reports exactly (rule and subject), nothing more. The reference
// engine (the oracle) checks the tiny towns of seed 1, α and β; the clean towns and another
// seed are checked with the fast engine (equal to the reference by tests/engine/equivalence),
// which takes a tenth of the time. Generating and checking city and metro is bench:generate's.

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { generateTopology, headerLines, type GenerateOptions } from '../../src/generate/generate.ts';
import { SCALES } from '../../src/generate/catalogue.ts';
import { toJson, toYaml, type Plain } from '../../src/model/write.ts';
import { createRng } from '../../src/generate/prng.ts';
import { loadTopology } from '../../src/model/load.ts';
import { runCheck } from '../../src/policy/check.ts';
import { FLOW_RULES } from '../../src/policy/rules.ts';
import type { Finding } from '../../src/policy/types.ts';
import { subjectText } from '../../src/report/messages.ts';
import { createReferenceEngine } from '../../src/engine/reference.ts';
import { ENGINES } from '../../src/engine/registry.ts';
import { runCli, seedPack, TODAY } from '../helpers.ts';

function yamlOf(options: GenerateOptions): string {
  const result = generateTopology(options);
  return toYaml(result.topology as unknown as Record<string, Plain>, headerLines(result, options));
}

/** Generates a town, loads it from its YAML and checks it with the reference engine or the fast one. */
function check(options: GenerateOptions, engine: 'reference' | 'fast' = 'reference') {
  const result = generateTopology(options);
  const pack = seedPack();
  const network = loadTopology(toYaml(result.topology as unknown as Record<string, Plain>, headerLines(result, options)), 'generated.yaml', {
    domains: new Set(Object.keys(pack.domains)),
  });
  const report = runCheck(network, pack, {
    engineFactory: engine === 'fast' ? ENGINES.fast! : (n, failures) => createReferenceEngine(n, failures ? { failures } : {}),
    today: TODAY,
  });
  expect(report.engine).toBe(engine);
  return { result, report };
}

const key = (f: { rule: string; subject: string }): string => `${f.rule}: ${f.subject}`;
/** A finding as the generator plants it: rule and printed subject. */
const found = (f: Finding): string => key({ rule: f.rule, subject: subjectText(f) });

describe('PRNG', () => {
  it('is deterministic per seed and stays in range', () => {
    const a = createRng(7);
    const b = createRng(7);
    const xs = Array.from({ length: 100 }, () => a.next());
    expect(Array.from({ length: 100 }, () => b.next())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(createRng(8).next()).not.toBe(xs[0]);
    const r = createRng(1);
    for (let i = 0; i < 200; i++) expect(r.int(3, 5)).toBeGreaterThanOrEqual(3);
  });
});

describe('generateTopology', () => {
  it('gives byte-identical files for the same seed, different ones for another seed', () => {
    // City and metro determinism is checked by bench/generate.ts (npm run bench:generate).
    for (const scale of ['tiny', 'small'] as const) {
      expect(yamlOf({ scale, seed: 1 })).toBe(yamlOf({ scale, seed: 1 }));
      expect(yamlOf({ scale, seed: 2 })).not.toBe(yamlOf({ scale, seed: 1 }));
    }
    const json = (seed: number): string => toJson(generateTopology({ scale: 'tiny', seed, model: 'beta' }).topology as unknown as Record<string, Plain>);
    expect(json(3)).toBe(json(3));
  });

  it('writes YAML and JSON that read back as the same document', () => {
    const doc = generateTopology({ scale: 'tiny', seed: 5, model: 'beta' }).topology as unknown as Record<string, Plain>;
    expect(parse(toYaml(doc, ['a comment'])) as unknown).toEqual(JSON.parse(toJson(doc)) as unknown);
  });

  it('small loads without errors from YAML (the city file is loaded by bench:generate)', () => {
    const pack = seedPack();
    const network = loadTopology(yamlOf({ scale: 'small', model: 'beta' }), 'small.yaml', { domains: new Set(Object.keys(pack.domains)) });
    expect(network.zones.length).toBeGreaterThan(40);
  });

  // Metro sizes are checked by bench:generate: generating a metro is a benchmark, not a unit test.
  it.each(['city'] as const)('%s sizes are within ±10 %% of SPEC §6', (scale) => {
    const target = SCALES[scale].target!;
    for (const model of ['alpha', 'beta'] as const) {
      const s = generateTopology({ scale, model }).stats;
      for (const [name, got, want] of [
        ['hosts', s.hosts, target.hosts],
        ['zones', s.zones, target.zones],
        ['devices', s.devices, target.devices],
        ['rules', s.rules, target.rules],
      ] as const) {
        expect({ scale, model, name, ratio: Math.abs(got / want - 1) < 0.1 }).toEqual({ scale, model, name, ratio: true });
      }
    }
  });

  it('plants every rule of the seed pack (internet-endpoint-controls under β only, where it applies)', () => {
    const planted = (['alpha', 'beta'] as const).flatMap((model) => generateTopology({ scale: 'city', model }).planted);
    expect(new Set(planted.map((p) => p.rule))).toEqual(new Set(Object.keys(seedPack().rules)));
    expect(generateTopology({ scale: 'city', violations: false }).planted).toEqual([]);
  });
});

describe.each(['alpha', 'beta'] as const)('check of a generated tiny town (%s, reference engine)', (model) => {
  it('reports exactly the planted violations, flow findings with witness paths', () => {
    const { result, report } = check({ scale: 'tiny', seed: 1, model });
    expect(report.findings.map(found).sort()).toEqual(result.planted.map(key).sort());
    for (const f of report.findings.filter((x) => FLOW_RULES.has(x.rule) && x.subject.kind === 'zone-pair')) {
      expect(f.classes.length).toBeGreaterThan(0);
      for (const c of f.classes) {
        expect(c.witness).toBeDefined();
        expect(c.witness!.hops[0]!.kind).toBe('zone');
        expect(c.witness!.hops.some((h) => h.kind === 'device')).toBe(true);
      }
      expect(f.permittedBy.length).toBeGreaterThan(0);
    }
  });
});

describe.each(['alpha', 'beta'] as const)('check of a generated tiny town (%s, fast engine)', (model) => {
  it('reports nothing with --clean', () => {
    const { report } = check({ scale: 'tiny', seed: 1, model, violations: false }, 'fast');
    expect(report.findings.map(found)).toEqual([]);
  });
});

it('check of a generated tiny town holds for another seed (fast engine)', () => {
  const { result, report } = check({ scale: 'tiny', seed: 42, model: 'alpha' }, 'fast');
  expect(report.findings.map(found).sort()).toEqual(result.planted.map(key).sort());
});

// The same check of the SPEC §6 city is in bench/generate.ts (npm run bench:generate).
describe.each(['alpha', 'beta'] as const)('check of two generated small towns (%s, fast engine)', (model) => {
  it('reports exactly the planted violations, flow findings with witness paths', () => {
    const result = generateTopology({ scale: 'small', seed: 1, model });
    const pack = seedPack();
    const network = loadTopology(toJson(result.topology as unknown as Record<string, Plain>), 'small.json', { domains: new Set(Object.keys(pack.domains)) });
    const report = runCheck(network, pack, { engineFactory: ENGINES.fast!, today: TODAY });
    expect(report.engine).toBe('fast');
    expect(report.findings.map(found).sort()).toEqual(result.planted.map(key).sort());
    for (const f of report.findings.filter((x) => FLOW_RULES.has(x.rule) && x.subject.kind === 'zone-pair')) {
      expect(f.classes.length).toBeGreaterThan(0);
      expect(f.classes.every((c) => c.witness?.hops.some((h) => h.kind === 'device'))).toBe(true);
      expect(f.permittedBy.length).toBeGreaterThan(0);
    }
  });
});

describe('bunkatsu generate', () => {
  it('writes a file and the planted list; check reports exactly those', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bunkatsu-gen-'));
    const file = join(dir, 'tiny.json');
    const planted = join(dir, 'planted.json');
    const g = await runCli(['generate', '--scale', 'tiny', '--seed', '3', '-o', file, '--planted', planted]);
    expect(g.code).toBe(0);
    expect(g.err).toMatch(/generated tiny \(alpha, seed 3\).*zones/);
    expect(g.err).toMatch(/planted violations: 35\n(.*\n)* {2}firewall-hygiene: 19/);
    expect(readFileSync(file, 'utf8').startsWith('{')).toBe(true);
    const want = (JSON.parse(readFileSync(planted, 'utf8')) as Array<{ rule: string; subject: string }>).map(key).sort();
    const c = await runCli(['check', file, '--today', TODAY, '--format', 'json']);
    expect(c.code).toBe(1);
    const got = (JSON.parse(c.out) as { findings: Array<{ rule: string; subject: string }> }).findings.map(key).sort();
    expect(got).toEqual(want);
  });

  it('prints YAML to stdout and refuses a bad seed', async () => {
    const r = await runCli(['generate', '--scale', 'tiny', '--clean', '-q']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^# Generated by: bunkatsu generate --scale tiny --seed 1 --model alpha --clean/);
    expect(r.err).toBe('');
    const bad = await runCli(['generate', '--seed', 'x']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/BNK_ERR_USAGE/);
  });
});
