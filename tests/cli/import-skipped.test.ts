// `bunkatsu import` says on stderr how many sections that cannot affect forwarding it read past,
// one line per file, in English and Japanese; -q silences it and --strict does not count it.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers.ts';

const ASA = 'tests/fixtures/import/asa/asa01.cfg';
const tmp = mkdtempSync(join(tmpdir(), 'bunkatsu-skipped-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the summary of skipped sections', () => {
  // asa01.cfg ends with logging (2 lines), ntp and snmp-server: 4 commands, kinds sorted.
  it('in English', async () => {
    const r = await runCli(['import', 'asa', ASA, '-o', join(tmp, 'en.yaml')]);
    expect(r.code).toBe(0);
    expect(r.err.split('\n')).toContain(`${ASA}: 4 sections skipped that cannot affect forwarding ("logging" 2, "ntp" 1, "snmp-server" 1)`);
  });

  it('in Japanese', async () => {
    const r = await runCli(['import', 'asa', ASA, '--lang', 'ja', '-o', join(tmp, 'ja.yaml')]);
    expect(r.err.split('\n')).toContain(`${ASA}: 転送に影響しない設定 4 件を読み飛ばしました（"logging" 2、"ntp" 1、"snmp-server" 1）`);
  });

  it('not with -q', async () => {
    const r = await runCli(['import', 'asa', ASA, '-q', '-o', join(tmp, 'q.yaml')]);
    expect(r.code).toBe(0);
    expect(r.err).not.toContain('skipped');
  });

  it('is no warning: --strict accepts a configuration whose only remark is a skipped section', async () => {
    // One interface, no policy, a DNS section: nothing the importer warns about.
    const file = join(tmp, 'dns.conf');
    writeFileSync(
      file,
      'config system interface\n    edit "port1"\n        set ip 10.0.0.1 255.255.255.0\n    next\nend\nconfig system dns\n    set primary 10.0.0.53\nend\n',
    );
    const r = await runCli(['import', 'fortigate', file, '--strict', '-o', join(tmp, 'dns.yaml')]);
    expect(r.code).toBe(0);
    expect(r.err).toBe(`${file}: 1 section skipped that cannot affect forwarding ("config system dns" 1)`);
  });
});
