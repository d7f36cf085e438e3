// Bad input to every importer, end to end: a truncated configuration, groups (or chains) that
// contain themselves, a name defined twice, binary garbage: exit 2, each error at its
// file:line:column, nothing on stdout. And --strict on every import command: each warning
// becomes an error at its place (exit 2), where the same import without it exits 0.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers.ts';

const tmp = mkdtempSync(join(tmpdir(), 'bunkatsu-bad-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const path = join(tmp, name);
  writeFileSync(path, content);
  return path;
}

const fixture = (path: string): string => readFileSync(path, 'utf8');
/** The first `lines` lines of a fixture: a configuration cut off in the middle. */
const truncated = (path: string, lines: number): string => fixture(path).split('\n').slice(0, lines).join('\n');

// Bytes of a binary file: a gzip header and NULs (valid UTF-8, so it gets past the encoding check).
const BINARY = Buffer.from([0x1f, 0x0b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x63, 0x6f, 0x6e, 0x66, 0x00, 0x0a]);

interface Bad {
  readonly what: string;
  readonly vendor: 'fortigate' | 'paloalto' | 'asa' | 'rtx' | 'iptables' | 'nftables';
  readonly name: string;
  readonly content: string | Buffer;
  /** The error line: `:line:column CODE message`, after the file name. */
  readonly error: RegExp;
}

const BAD: readonly Bad[] = [
  // Truncated: fw01.conf cut inside `config system interface`, pa01.xml inside an element,
  // gw.nft inside its table, gw.rules inside *filter (no COMMIT).
  {
    what: 'a truncated FortiOS configuration',
    vendor: 'fortigate',
    name: 'cut.conf',
    content: truncated('tests/fixtures/import/fortigate/fw01.conf', 20),
    error: /^:\d+:\d+ BNK_ERR_SYNTAX .*never closed/,
  },
  {
    what: 'a truncated PAN-OS XML configuration',
    vendor: 'paloalto',
    name: 'cut.xml',
    content: truncated('tests/fixtures/import/paloalto/pa01.xml', 40),
    error: /^:\d+:\d+ BNK_ERR_SYNTAX .*never closed|^:\d+:\d+ BNK_ERR_SYNTAX .*end of the file/,
  },
  {
    what: 'a truncated iptables-save file',
    vendor: 'iptables',
    name: 'cut.rules',
    content: truncated('tests/fixtures/import/iptables/gw.rules', 20),
    error: /^:\d+:1 BNK_ERR_SYNTAX table \*filter is not closed by COMMIT/,
  },
  {
    what: 'a truncated nftables ruleset',
    vendor: 'nftables',
    name: 'cut.nft',
    content: truncated('tests/fixtures/import/nftables/gw.nft', 12),
    error: /^:\d+:\d+ BNK_ERR_SYNTAX this "\{" is never closed by "\}"/,
  },
  // Groups that contain themselves, though no rule uses them.
  {
    what: 'FortiOS address groups in a cycle',
    vendor: 'fortigate',
    name: 'cycle.conf',
    content: 'config firewall addrgrp\n    edit "g1"\n        set member "g2"\n    next\n    edit "g2"\n        set member "g1"\n    next\nend\n',
    error: /^:2:5 BNK_ERR_SYNTAX address group "g1" contains itself \(g1 → g2 → g1\)$/,
  },
  {
    what: 'PAN-OS service groups in a cycle',
    vendor: 'paloalto',
    name: 'cycle.set',
    content: 'set service-group a members [ b ]\nset service-group b members [ a ]\n',
    error: /^:1:19 BNK_ERR_SYNTAX service group "a" contains itself \(a → b → a\)$/,
  },
  {
    what: 'ASA object-groups in a cycle',
    vendor: 'asa',
    name: 'cycle.cfg',
    content: 'hostname a\nobject-group network g1\n group-object g2\nobject-group network g2\n group-object g1\n',
    error: /^:2:1 BNK_ERR_SYNTAX object-group "g1" contains itself \(g1 → g2 → g1\)$/,
  },
  {
    what: 'iptables chains jumping into each other',
    vendor: 'iptables',
    name: 'cycle.rules',
    content: '*filter\n:FORWARD DROP [0:0]\n:A - [0:0]\n:B - [0:0]\n-A FORWARD -j A\n-A A -j B\n-A B -j A\nCOMMIT\n',
    error: /^:\d+:\d+ BNK_ERR_SYNTAX .*(itself|loop|cycle)/,
  },
  // A name defined twice.
  {
    what: 'a FortiOS entry edited twice in one section',
    vendor: 'fortigate',
    name: 'twice.conf',
    content: 'config firewall address\n    edit "a"\n        set subnet 10.0.0.0/24\n    next\n    edit "a"\n        set subnet 10.9.0.0/24\n    next\nend\n',
    error: /^:5:10 BNK_ERR_DUPLICATE_ID "edit a" appears twice in "config firewall address" \(first at line 2\)$/,
  },
  {
    what: 'a PAN-OS address defined twice (XML)',
    vendor: 'paloalto',
    name: 'twice.xml',
    content:
      '<config><devices><entry name="localhost.localdomain"><vsys><entry name="vsys1"><address><entry name="a"><ip-netmask>10.0.0.0/24</ip-netmask></entry>\n<entry name="a"><ip-netmask>10.9.0.0/24</ip-netmask></entry></address></entry></vsys></entry></devices></config>\n',
    error: /^:2:1 BNK_ERR_DUPLICATE_ID address "a" is defined twice \(first at line 1\)$/,
  },
  {
    what: 'an iptables chain declared twice',
    vendor: 'iptables',
    name: 'twice.rules',
    content: '*filter\n:FORWARD DROP [0:0]\n:X - [0:0]\n:X - [0:0]\nCOMMIT\n',
    error: /^:4:1 BNK_ERR_DUPLICATE_ID chain "X" is declared twice \(first at line 3\)$/,
  },
  {
    what: 'an nftables chain defined twice in one table',
    vendor: 'nftables',
    name: 'twice.nft',
    content:
      'table inet filter {\n\tchain forward {\n\t\ttype filter hook forward priority 0; policy drop;\n\t\tjump x\n\t}\n\tchain x {\n\t\tip saddr 10.0.0.0/8 accept\n\t}\n\tchain x {\n\t\tip saddr 11.0.0.0/8 accept\n\t}\n}\n',
    error: /^:9:2 BNK_ERR_DUPLICATE_ID chain "x" is defined twice in its table \(first at line 6\)$/,
  },
  // Binary garbage, for every vendor.
  ...(['fortigate', 'paloalto', 'asa', 'rtx', 'iptables', 'nftables'] as const).map((vendor) => ({
    what: `binary garbage (${vendor})`,
    vendor,
    name: `garbage-${vendor}.bin`,
    content: BINARY,
    error: /^:1:1 BNK_ERR_SYNTAX control character U\+001F: this is a binary file, not a text configuration$/,
  })),
];

describe('bad input to the importers: exit 2, every error at its place', () => {
  for (const bad of BAD) {
    it(bad.what, async () => {
      const path = file(bad.name, bad.content);
      const r = await runCli(['import', bad.vendor, path]);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      const line = r.err.split('\n')[0]!;
      expect(line.startsWith(path)).toBe(true);
      expect(line.slice(path.length)).toMatch(bad.error);
      expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
    });
  }

  it("ASA's `show running-config` enters an object again for its nat line: the address stays", async () => {
    // The standard layout: `object network web / host …` in the objects, and again `object network
    // web / nat …` in the NAT section. Read as a new, empty object, the ACE to it would match nothing.
    const path = file(
      'nat.cfg',
      'hostname a\ninterface g0\n nameif inside\n ip address 10.0.0.1 255.255.255.0\ninterface g1\n nameif outside\n ip address 192.0.2.1 255.255.255.0\nobject network web\n host 10.0.0.5\nobject network web\n nat (inside,outside) static 192.0.2.5\naccess-list IN extended permit tcp any object web eq 80\naccess-group IN in interface outside\n',
    );
    const r = await runCli(['import', 'asa', path, '-q']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('{ id: IN-l1, action: permit, from: any, to: 10.0.0.5, service: tcp/80, in: [outside]');
  });
});

describe('--strict: warnings are errors, for every import command', () => {
  const cases: Array<{ command: string[]; warning: string }> = [
    { command: ['fortigate', 'tests/fixtures/import/fortigate/fw01.conf'], warning: 'tests/fixtures/import/fortigate/fw01.conf:35:9' },
    { command: ['paloalto', 'tests/fixtures/import/paloalto/pa01.xml'], warning: 'tests/fixtures/import/paloalto/pa01.xml:114:15' },
    { command: ['asa', 'tests/fixtures/import/asa/asa01.cfg'], warning: 'tests/fixtures/import/asa/asa01.cfg:42:2' },
    { command: ['rtx', 'tests/fixtures/import/rtx/branch.conf'], warning: 'tests/fixtures/import/rtx/branch.conf:10:1' },
    { command: ['iptables', 'tests/fixtures/import/iptables/gw.rules'], warning: 'tests/fixtures/import/iptables/gw.rules:2:1' },
    { command: ['nftables', 'tests/fixtures/import/nftables/gw.nft'], warning: 'tests/fixtures/import/nftables/gw.nft:' },
    { command: ['containerlab', 'tests/fixtures/import/containerlab/city.clab.yml'], warning: 'tests/fixtures/import/containerlab/city.clab.yml:18:5' },
    { command: ['netbox', 'tests/fixtures/import/netbox/export.json'], warning: 'tests/fixtures/import/netbox/export.json:11:7' },
  ];
  for (const { command, warning } of cases) {
    it(`import ${command[0]}`, async () => {
      const lenient = await runCli(['import', ...command]);
      expect(lenient.code).toBe(0);
      expect(lenient.err).toContain(`${warning}`);
      const strict = await runCli(['import', ...command, '--strict']);
      expect(strict.code).toBe(2);
      expect(strict.out).toBe('');
      // Every warning of the lenient run is an error of the strict one, at the same place.
      const warnings = lenient.err.split('\n').filter((l) => l.includes(' warning: '));
      const errors = strict.err.split('\n').filter((l) => l.includes(' BNK_ERR_IMPORT_STRICT '));
      expect(errors.length).toBe(warnings.length);
      for (const w of warnings) {
        const [at, text] = w.split(' warning: ') as [string, string];
        expect(errors).toContain(`${at.replace(/ .*$/, '')} BNK_ERR_IMPORT_STRICT ${text} (an error under --strict)`);
      }
    });
  }

  it('in Japanese with --lang ja', async () => {
    const r = await runCli(['import', 'asa', 'tests/fixtures/import/asa/asa01.cfg', '--strict', '--lang', 'ja']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('（--strict のため誤りとします）');
  });

  it('an import without warnings passes --strict', async () => {
    const path = file(
      'clean.conf',
      'config system interface\n    edit "port1"\n        set ip 10.0.0.1 255.255.255.0\n    next\n    edit "port2"\n        set ip 10.0.1.1 255.255.255.0\n    next\nend\n',
    );
    expect((await runCli(['import', 'fortigate', path, '--strict', '-q'])).code).toBe(0);
  });
});
