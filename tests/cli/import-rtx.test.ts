// `bunkatsu import rtx` end to end: warnings at their line:column in English and Japanese; with
// the site file, trace cites the RTX filter lines; check finds the Internet reaching the office
// through filter 3020 (a DNS-reply filter read for any source port); a filter number nobody
// defines is exit 2 at the number; --config joins an RTX to another vendor's run.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, TODAY } from '../helpers.ts';

const DIR = 'tests/fixtures/import/rtx';
const BRANCH = `${DIR}/branch.conf`;
const SITE = `${DIR}/site.yaml`;
const tmp = mkdtempSync(join(tmpdir(), 'bunkatsu-rtx-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('bunkatsu import rtx', () => {
  it('warns at the line:column in English and Japanese; the header names the command and the files', async () => {
    const out = join(tmp, 'branch.yaml');
    const en = await runCli(['import', 'rtx', BRANCH, '-o', out]);
    expect(en.code).toBe(0);
    expect(en.err).toContain(`${BRANCH}:27:47 warning: ip filter 3020: source ports are not modelled`);
    expect(readFileSync(out, 'utf8').split('\n')[0]).toBe(
      `# bunkatsu topology imported by \`bunkatsu import rtx\` from ${BRANCH}; edit the site file, not this file`,
    );
    const ja = await runCli(['import', 'rtx', BRANCH, '--lang', 'ja', '-o', out]);
    expect(ja.err).toContain(`${BRANCH}:15:2 警告: NAT (nat descriptor) はモデル化していません`);
  });

  it('with the site file: trace cites the filters, check reports filter 3020 at its line', async () => {
    const out = join(tmp, 'branch-site.yaml');
    expect((await runCli(['import', 'rtx', BRANCH, '--site', SITE, '-q', '-o', out])).code).toBe(0);
    const t = await runCli(['trace', out, '192.168.10.5', '192.168.20.5', 'rdp']);
    expect(t.out).toContain(`denied by branch ACL lan2-out rule 2010 at ${BRANCH}:24:1 ip filter 2010 (lan2 out)`);
    const r = await runCli(['check', out, '--today', TODAY, '--format', 'json']);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out) as { findings: Array<{ rule: string; location: string }> };
    // internet → office by 3020; office → internet by 1030 (DNS to anywhere); the main office
    // (lan2, no in list) → internet by lan2-in-open.
    expect(
      json.findings
        .filter((f) => f.rule === 'path-separation')
        .map((f) => f.location)
        .sort(),
    ).toEqual([`${BRANCH}:22:1 ip filter 1030 (lan1 in)`, `${BRANCH}:27:1 ip filter 3020 (pp1 in)`, `${BRANCH}:8:1 lan2: no secure filter in`]);
  });

  it('a filter number nobody defines is exit 2 at the number', async () => {
    const bad = join(tmp, 'bad.conf');
    writeFileSync(bad, 'ip lan1 address 10.0.0.1/24\nip lan1 secure filter in 10 20\nip filter 10 pass * *\n');
    const r = await runCli(['import', 'rtx', bad]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${bad}:2:29 BNK_ERR_UNKNOWN_REF lan1 secure filter in: filter 20 is not defined`);
  });

  it('--config joins an RTX to another vendor run; an unknown vendor is a usage error', async () => {
    const out = join(tmp, 'two.yaml');
    const r = await runCli(['import', 'fortigate', 'tests/fixtures/import/fortigate/fw01.conf', '-q', '-o', out, '--config', `rtx:${BRANCH}`]);
    expect(r.code).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text).toContain('- id: branch');
    expect(text).toContain('- id: fw01');
    expect((await runCli(['import', 'fortigate', 'tests/fixtures/import/fortigate/fw01.conf', '--config', `cisco:${BRANCH}`])).code).toBe(2);
  });
});
