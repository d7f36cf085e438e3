// Firewall hygiene as a policy rule: the violation sample's findings, with their locations,
// covering rules and wording, on every engine. The analysis itself, kind by kind and against
// brute force on every engine: tests/conformance/hygiene.test.ts.

import { describe, expect, it } from 'vitest';
import { ENGINES } from '../../src/engine/registry.ts';
import { runCheck } from '../../src/policy/check.ts';
import { checkSample, loadSample, seedPack, TODAY } from '../helpers.ts';
import { findingText, subjectText } from '../../src/report/messages.ts';

describe('the violation sample', () => {
  it('reports exactly its four rules, each with location, covering rules and both languages', () => {
    const { report } = checkSample('topologies/violations/firewall-hygiene.yaml');
    const found = report.findings.filter((f) => f.rule === 'firewall-hygiene');
    expect(found.map((f) => `${subjectText(f)} @${f.loc.line}`)).toEqual([
      'in-fw#i-mail-in-2 (shadowed) @385',
      'in-fw#i-cms-https (redundant) @393',
      'in-fw#i-relay-any (broad) @408',
      'in-fw#i-stop-vb-save (conflicting) @463',
    ]);
    expect(found.every((f) => f.severity === 'warning' && f.clause === '§3(2), §6(6)')).toBe(true);
    expect(findingText(found[0]!).message.en).toContain('i-mail-in (permit, topologies/violations/firewall-hygiene.yaml:378:9)');
    expect(findingText(found[1]!).message.en).toContain('i-web-in (permit, topologies/violations/firewall-hygiene.yaml:401:9)');
    expect(findingText(found[2]!).message.en).toMatch(/from: any.*LGWAN-connected systems → Internet-connected systems/);
    expect(findingText(found[3]!).message.en).toContain('i-vb-save (permit, topologies/violations/firewall-hygiene.yaml:455:9)');
    expect(findingText(found[3]!).message.ja).toContain('許可されます');
  });

  it.each(Object.keys(ENGINES))('gives the same findings on the %s engine', (name) => {
    const file = 'topologies/violations/firewall-hygiene.yaml';
    const pack = seedPack();
    const report = runCheck(loadSample(file, pack), pack, { engineFactory: ENGINES[name]!, today: TODAY });
    const found = report.findings.filter((f) => f.rule === 'firewall-hygiene');
    expect(found).toEqual(checkSample(file).report.findings.filter((f) => f.rule === 'firewall-hygiene'));
    expect(found).toHaveLength(4);
  });
});
