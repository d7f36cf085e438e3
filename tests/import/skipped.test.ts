// Sections that cannot affect forwarding are counted, per importer, on the fixtures: each count
// below is the number of such sections in the fixture file (the lines cited are the fixture's).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { skippedByFile } from '../../src/import/config.ts';
import { parseAsa } from '../../src/import/asa.ts';
import { parseFortigate } from '../../src/import/fortigate.ts';
import { parseIptables } from '../../src/import/iptables.ts';
import { parseNftables } from '../../src/import/nftables.ts';
import { parsePaloalto } from '../../src/import/paloalto.ts';
import { parseRtx } from '../../src/import/rtx.ts';
import type { ImportedConfig } from '../../src/import/config.ts';

const DIR = 'tests/fixtures/import';
const read = (parse: (text: string, file: string, name: string) => ImportedConfig, file: string) =>
  skippedByFile([parse(readFileSync(`${DIR}/${file}`, 'utf8'), file, 'x')]);

describe('skipped sections, counted per kind', () => {
  it('FortiGate: config system dns, config log syslogd setting, config log memory setting (fw01.conf, at its end)', () => {
    expect(read(parseFortigate, 'fortigate/fw01.conf')).toEqual([
      {
        file: 'fortigate/fw01.conf',
        total: 3,
        sections: [
          { section: 'config log memory setting', count: 1 },
          { section: 'config log syslogd setting', count: 1 },
          { section: 'config system dns', count: 1 },
        ],
      },
    ]);
  });

  it('FortiGate: a VDOM section is counted once, not once per VDOM device', () => {
    const text = [
      'config vdom',
      'edit a',
      'config log syslogd setting',
      'set status enable',
      'end',
      'next',
      'edit b',
      'config system settings',
      'end',
      'next',
      'end',
    ].join('\n');
    const config = parseFortigate(text, 'v.conf', 'v');
    expect(config.devices).toHaveLength(2);
    expect(skippedByFile([config])).toEqual([{ file: 'v.conf', total: 1, sections: [{ section: 'config log syslogd setting', count: 1 }] }]);
  });

  it('ASA: logging 2, ntp 1, snmp-server 1 (asa01.cfg lines 82-85)', () => {
    expect(read(parseAsa, 'asa/asa01.cfg')[0]!.sections).toEqual([
      { section: 'logging', count: 2 },
      { section: 'ntp', count: 1 },
      { section: 'snmp-server', count: 1 },
    ]);
  });

  it('RTX: dns 1, syslog 2 (branch.conf lines 32-34)', () => {
    expect(read(parseRtx, 'rtx/branch.conf')[0]!.sections).toEqual([
      { section: 'dns', count: 1 },
      { section: 'syslog', count: 2 },
    ]);
  });

  it('PAN-OS: the <deviceconfig> <system> of pa01.xml and of the set form pa02.set', () => {
    expect(read(parsePaloalto, 'paloalto/pa01.xml')[0]!.sections).toEqual([{ section: 'deviceconfig system', count: 1 }]);
    expect(read(parsePaloalto, 'paloalto/pa02.set')[0]!.sections).toEqual([{ section: 'deviceconfig system', count: 1 }]);
  });

  it('iptables: the two -A INPUT rules of gw.rules (no OUTPUT rule)', () => {
    expect(read(parseIptables, 'iptables/gw.rules')[0]!.sections).toEqual([{ section: '*filter -A INPUT', count: 2 }]);
  });

  it('nftables: the chains on the input and output hooks of gw.nft (lines 14, 45)', () => {
    expect(read(parseNftables, 'nftables/gw.nft')[0]!.sections).toEqual([
      { section: 'type filter hook input', count: 1 },
      { section: 'type filter hook output', count: 1 },
    ]);
  });

  it('several files: one summary each, files sorted', () => {
    const b = parseRtx('syslog host 192.0.2.1\ndns server 192.0.2.53\nsyslog notice on\n', 'b.conf', 'b');
    const a = parseAsa('ntp server 192.0.2.123\n', 'a.cfg', 'a');
    expect(skippedByFile([b, a])).toEqual([
      { file: 'a.cfg', total: 1, sections: [{ section: 'ntp', count: 1 }] },
      {
        file: 'b.conf',
        total: 3,
        sections: [
          { section: 'dns', count: 1 },
          { section: 'syslog', count: 2 },
        ],
      },
    ]);
  });

  it('a file with nothing skipped has no summary', () => {
    expect(skippedByFile([parseAsa('hostname a\n', 'a.cfg', 'a')])).toEqual([]);
  });
});
