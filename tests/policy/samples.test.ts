// Every policy rule passes on the compliant sample cities and fails on its own violating
// variants (topologies/violations/<rule-id>.yaml, and <rule-id>.<variant>.yaml for a further
// kind or model), with the evidence a reviewer needs.

import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOGUE, FLOW_RULES } from '../../src/policy/rules.ts';
import { findingText, subjectText } from '../../src/report/messages.ts';
import { checkSample, ROOT } from '../helpers.ts';

// The path-separation sample's hole is two rules written with `any` (destination on one
// firewall, source on the other); firewall hygiene rightly warns about both as broad
// cross-domain permits. These are the only findings a sample may have beyond its own rule.
const ALSO: Record<string, readonly string[]> = {
  'path-separation': ['firewall-hygiene: lg-edge-fw#e-gcloud (broad)', 'firewall-hygiene: in-fw#i-gcloud (broad)'],
};

describe.each(['topologies/alpha-city.yaml', 'topologies/alpha-prime-city.yaml', 'topologies/beta-city.yaml', 'topologies/beta-prime-city.yaml'])(
  'compliant sample %s',
  (file) => {
    it('passes every rule of the seed pack', () => {
      const { report } = checkSample(file);
      expect(report.findings.map((f) => `${f.rule}: ${findingText(f).message.en}`)).toEqual([]);
      expect(report.rules.every((r) => r.status === 'pass')).toBe(true);
      expect(report.rules.map((r) => r.id)).toEqual(CATALOGUE.map((r) => r.id));
    });
  },
);

describe('violating samples', () => {
  const files = readdirSync(resolve(ROOT, 'topologies/violations')).filter((f) => f.endsWith('.yaml'));

  const ruleOf = (file: string): string => file.replace(/\.yaml$/, '').split('.')[0]!;

  it('cover every rule of the catalogue, each with <rule-id>.yaml, and name no other', () => {
    expect(
      files
        .filter((f) => !f.slice(0, -'.yaml'.length).includes('.'))
        .map(ruleOf)
        .sort(),
    ).toEqual(CATALOGUE.map((r) => r.id).sort());
    expect([...new Set(files.map(ruleOf))].sort()).toEqual(CATALOGUE.map((r) => r.id).sort());
  });

  it.each(files)('%s breaks exactly its rule', (file) => {
    const rule = ruleOf(file);
    const { report } = checkSample(`topologies/violations/${file}`);
    const failing = report.rules.filter((r) => r.status === 'fail').map((r) => r.id);
    const also = ALSO[file.replace(/\.yaml$/, '')] ?? [];
    expect(failing).toEqual([rule, ...new Set(also.map((a) => a.split(':')[0]!))]);
    expect(report.findings.filter((f) => f.rule !== rule).map((f) => `${f.rule}: ${subjectText(f)}`)).toEqual(also);
    const findings = report.findings.filter((f) => f.rule === rule);
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) {
      // A seed clause, or the MIC guideline for the rules derived from it.
      expect(f.clause).toMatch(/^(§|総務省ガイドライン)/);
      const { message, hint } = findingText(f);
      expect(message.ja.length).toBeGreaterThan(0);
      expect(message.en.length).toBeGreaterThan(0);
      expect(hint.en.length).toBeGreaterThan(0);
      expect(f.loc.line).toBeGreaterThan(0);
    }
    if (FLOW_RULES.has(rule)) {
      const flow = findings.find((f) => f.classes.length > 0)!;
      expect(flow).toBeDefined();
      // A witness path: starts in the source zone, passes at least one device, and each
      // firewall hop that let it through names its rule with a location in the file.
      const witness = flow.classes[0]!.witness!;
      expect(witness.hops[0]!.kind).toBe('zone');
      expect(witness.hops.some((h) => h.kind === 'device')).toBe(true);
      expect(flow.permittedBy.length).toBeGreaterThan(0);
      expect(flow.permittedBy[0]!.loc.file).toBe(`topologies/violations/${file}`);
    }
  });
});
