// The bundled policy packs (policies/*.yaml): each names every rule the catalogue knows, they
// load, they judge every sample alike (same rules failing, same findings), and a pack's own
// clause for a rule is what findings and reports print. A rule added to the catalogue fails
// here until every bundled pack has it (and, for a pack citing its own policy, its clause).

import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENGINES } from '../../src/engine/registry.ts';
import { BUNDLED_POLICIES, bundledPolicy } from '../../src/package.ts';
import { runCheck } from '../../src/policy/check.ts';
import { loadPack, type Pack, packSchema } from '../../src/policy/pack.ts';
import { CATALOGUE } from '../../src/policy/rules.ts';
import type { CheckReport } from '../../src/policy/types.ts';
import { subjectText } from '../../src/report/messages.ts';
import { loadSample, ROOT, runCli, TODAY } from '../helpers.ts';
import { testServer } from '../server/helpers.ts';

const PACK_FILES = readdirSync(resolve(ROOT, 'policies'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => `policies/${f}`)
  .sort();

function pack(file: string): Pack {
  return loadPack(readFileSync(resolve(ROOT, file), 'utf8'), file);
}

// The rule ids as the two registries know them: the catalogue the check runs, and the
// pack schema's rule entries.
const CATALOGUE_IDS = CATALOGUE.map((r) => r.id as string).sort();
const SCHEMA_IDS = Object.keys(packSchema().shape.rules.shape).sort();

/** The MIC guideline pack's clause of My Number isolation, as policies/mic-guideline.yaml writes it. */
const MIC_ISOLATION = '対策基準 3.（マイナンバー利用事務系）';

describe('bundled policy packs', () => {
  it('are the files under policies/, each reachable by its name', () => {
    expect(Object.values(BUNDLED_POLICIES).sort()).toEqual(PACK_FILES);
    for (const [name, file] of Object.entries(BUNDLED_POLICIES)) {
      expect(bundledPolicy(name)).toEqual({ file: resolve(ROOT, file), name: file });
    }
    expect(bundledPolicy('policies/seed.yaml')).toBeUndefined();
    expect(bundledPolicy('constructor')).toBeUndefined();
  });

  it('the catalogue and the pack schema know the same rules', () => {
    expect(SCHEMA_IDS).toEqual(CATALOGUE_IDS);
  });

  it.each(PACK_FILES)('%s loads and names every rule the catalogue knows', (file) => {
    const p = pack(file);
    expect(Object.keys(p.rules).sort(), `add the missing rules to ${file}`).toEqual(CATALOGUE_IDS);
    expect(p.source.length).toBeGreaterThan(0);
  });

  it.each(PACK_FILES.filter((f) => f !== 'policies/seed.yaml'))('%s cites every rule by its own clause', (file) => {
    // A pack for another policy text must not fall back to the seed policy's numbering.
    const rules = pack(file).rules as Record<string, { clause?: string } | undefined>;
    const uncited = CATALOGUE_IDS.filter((id) => !rules[id]?.clause);
    expect(uncited, `give these rules a clause in ${file}`).toEqual([]);
  });

  it('judge every sample alike: the same rules fail with the same findings; only the clauses differ', () => {
    const samples = [
      ...readdirSync(resolve(ROOT, 'topologies'))
        .filter((f) => f.endsWith('.yaml'))
        .map((f) => `topologies/${f}`),
      ...readdirSync(resolve(ROOT, 'topologies/violations'))
        .filter((f) => f.endsWith('.yaml'))
        .map((f) => `topologies/violations/${f}`),
    ];
    expect(samples.length).toBeGreaterThanOrEqual(3 + CATALOGUE.length);
    const packs = PACK_FILES.map(pack);
    const verdict = (r: CheckReport) => ({
      rules: r.rules.map((x) => `${x.id} ${x.status} ${x.severity} ${x.findings}`),
      findings: r.findings.map((f) => `${f.rule} ${f.kind} ${f.severity} ${subjectText(f)}`),
      summary: r.summary,
    });
    for (const file of samples) {
      const [first, ...others] = packs.map((p) => runCheck(loadSample(file, p), p, { engineFactory: ENGINES.fast!, today: TODAY }));
      for (const other of others) expect(verdict(other), file).toEqual(verdict(first!));
    }
  });
});

describe('a pack cites its own clauses', () => {
  it('in findings, rule results and every format of the check report (MIC pack, by name)', async () => {
    const args = ['check', 'topologies/violations/mynumber-isolation.yaml', '--policy', 'mic-guideline', '--today', TODAY];
    const json = await runCli([...args, '--format', 'json']);
    expect(json.code, json.err).toBe(1);
    const report = JSON.parse(json.out);
    expect(report.policy.name).toContain('mic-guideline');
    expect(report.policy.source).toContain('地方公共団体における情報セキュリティポリシーに関するガイドライン');
    expect(report.rules[0]).toMatchObject({ id: 'mynumber-isolation', clause: MIC_ISOLATION, status: 'fail' });
    const findings = report.findings.filter((f: { rule: string }) => f.rule === 'mynumber-isolation');
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) expect(f.clause).toBe(MIC_ISOLATION);
    expect(json.out).not.toContain('§6(3)ア');

    const text = await runCli([...args, '--lang', 'en']);
    expect(text.out).toContain(`✗ mynumber-isolation  ${MIC_ISOLATION}  `);
    expect(text.out).toContain(`source: ${report.policy.source}`);
    expect(text.out).not.toContain('§');
    const ja = await runCli([...args, '--lang', 'ja']);
    expect(ja.out).toContain(`出典: ${report.policy.source}`);

    for (const format of ['sarif', 'junit', 'markdown']) {
      const r = await runCli([...args, '--format', format]);
      expect(r.out, format).toContain(MIC_ISOLATION);
      expect(r.out, format).not.toContain('§6(3)ア');
    }
  });

  it('the seed pack by name is the default, with the seed clauses', async () => {
    const args = ['check', 'topologies/violations/mynumber-isolation.yaml', '--today', TODAY, '--format', 'json'];
    const named = await runCli([...args, '--policy', 'seed']);
    const plain = await runCli(args);
    expect(named.out).toBe(plain.out);
    expect(JSON.parse(named.out).rules[0]).toMatchObject({ id: 'mynumber-isolation', clause: '§6(3)ア' });
  });

  it("a city's own pack: a clause on one rule changes that rule only, disabled or not", () => {
    const seed = readFileSync(resolve(ROOT, 'policies/seed.yaml'), 'utf8');
    // The city cites isolation by its own article and turns inventory off, citing it all the same.
    const city = seed
      .replace('  mynumber-isolation:\n    severity: error\n', '  mynumber-isolation:\n    severity: error\n    clause: 第12条第1項\n')
      .replace('  inventory:\n    severity: warning\n', '  inventory:\n    enabled: false\n    clause: 第20条\n');
    const p = loadPack(city, 'city.yaml');
    const report = runCheck(loadSample('topologies/violations/mynumber-isolation.yaml', p), p, { engineFactory: ENGINES.fast!, today: TODAY });
    expect(report.rules.map((r) => [r.id, r.clause, r.status]).slice(0, 2)).toEqual([
      ['mynumber-isolation', '第12条第1項', 'fail'],
      ['mynumber-exception-scope', '§6(3)ア', 'pass'],
    ]);
    expect(report.rules.find((r) => r.id === 'inventory')).toMatchObject({ clause: '第20条', status: 'disabled' });
    expect(new Set(report.findings.map((f) => f.clause))).toEqual(new Set(['第12条第1項']));
  });

  it('an empty clause is refused with its location', () => {
    const seed = readFileSync(resolve(ROOT, 'policies/seed.yaml'), 'utf8');
    const bad = seed.replace('  inventory:\n    severity: warning\n', '  inventory:\n    severity: warning\n    clause: ""\n');
    expect(() => loadPack(bad, 'city.yaml')).toThrow(/rules\.inventory\.clause/);
  });

  it('an unknown pack name is refused, listing the bundled names', async () => {
    const r = await runCli(['check', 'topologies/alpha-city.yaml', '--policy', 'mic-guidline']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--policy "mic-guidline": no such file, and no bundled policy pack has that name (bundled: seed, mic-guideline)');
    expect(r.err).not.toContain('    at ');
  });

  it('the HTTP API checks with the pack serve was started with', async () => {
    const s = await testServer({ policy: 'mic-guideline' });
    try {
      await s.upload(s.tokens.kitaSubmit, 'kita', 'topologies/violations/mynumber-isolation.yaml');
      const run = await s.request(s.tokens.kitaReadSubmit, { method: 'POST', url: `/projects/kita/versions/1/checks?today=${TODAY}` });
      expect(run.statusCode).toBe(201);
      const report = run.json().report;
      expect(report.policy.name).toContain('mic-guideline');
      expect(report.findings[0]).toMatchObject({ rule: 'mynumber-isolation', clause: MIC_ISOLATION });
    } finally {
      await s.close();
    }
  });
});
