// Batfish's iptables lab (networks/iptables-firewall, tests/fixtures/import/iptables/batfish-lab/,
// Apache-2.0, PROVENANCE.md there). Batfish's expected answer for the lab,
// example-iptables-init.ref, is the `init-snapshot` answer: every file parses and converts
// (PASSED). It holds no reachability answer, so what can be compared is that: bunkatsu reads
// each of the lab's iptables files without an error. The lab's firewalls filter in the mangle
// table's PREROUTING chain (policy DROP), which bunkatsu does not model (it reads the filter
// table's FORWARD chain): the test checks that this is a located warning saying the packets are
// read as passing, and what the import then answers.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseIptables } from '../../src/import/iptables.ts';
import { decide, TCP } from './packets.ts';

const DIR = 'tests/fixtures/import/iptables/batfish-lab';
const read = (file: string): string => readFileSync(resolve(DIR, file), 'utf8');

/** The firewall's interfaces from Batfish's host file, as `ip addr` text (the form `--addresses` reads). */
function ipAddr(hostJson: string): string {
  const host = JSON.parse(hostJson) as { hostInterfaces: Record<string, { name: string; prefix: string }> };
  return Object.values(host.hostInterfaces)
    .map((f, i) => `${i + 2}: ${f.name}: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 state UP\n    inet ${f.prefix} scope global ${f.name}\n`)
    .join('');
}

const lab = (name: string) =>
  parseIptables(read(`${name}.v4`), `${DIR}/${name}.v4`, name, { addresses: { text: ipAddr(read(`${name}.json`)), file: `${DIR}/${name}.json` } });

describe("Batfish's iptables lab", () => {
  it('every iptables file of the lab is read, as Batfish parses and converts each (example-iptables-init.ref: PASSED)', () => {
    const ref = JSON.parse(read('example-iptables-init.ref')) as { answerElements: Array<{ parseStatus?: Record<string, string> }> };
    const status = ref.answerElements[0]!.parseStatus!;
    for (const file of ['z1-firewall.v4', 'z2-firewall.v4', 'z2-host2.v4']) {
      expect(status[`iptables/${file}`]).toBe('PASSED');
      expect(() => parseIptables(read(file), `${DIR}/${file}`, file.replace('.v4', ''))).not.toThrow();
    }
  });

  it("z1-firewall: the interfaces of Batfish's host file, and the mangle table's filtering warned at its first DROP", () => {
    const c = lab('z1-firewall');
    const d = c.devices[0]!;
    expect(d.interfaces.map((f) => `${f.name} ${f.address?.subnet.length}`)).toEqual(['eth1 24', 'eth0 24']);
    const at = c.warnings.map((w) => `${w.loc.line}:${w.loc.column} ${w.en}`);
    // Line 5 is `:PREROUTING DROP [0:0]` of *mangle: the first of its drops.
    expect(at).toContain(
      '5:1 *mangle: 1 DROP / REJECT rule(s) or DROP policies filter packets outside the filter table; they are not modelled: the packets they drop are read as passing (wider, never narrower)',
    );
    // With no filter table the host forwards everything (a final permit at line 1), so a packet the
    // mangle chain drops (10.0.5.1 is not in 10.0.4.0/24 or 10.0.3.0/24) is read as passing:
    // wider than the host, as the warning says, never narrower.
    expect(decide(d, { src: '10.0.5.1', dst: '10.0.3.20', proto: TCP, port: 22, in: 'eth0', out: 'eth1' })).toEqual({ action: 'permit', by: 'l1' });
  });

  it('z2-firewall: a POSTROUTING rule of an undeclared built-in chain is accepted; its --sport rules are in the mangle table, so only the table warning', () => {
    const c = lab('z2-firewall');
    expect(c.warnings.filter((w) => w.en.startsWith('*mangle'))).toHaveLength(1);
    expect(c.warnings.some((w) => w.en.includes('--sport'))).toBe(false);
  });

  it('z2-host2: a filter table with INPUT only forwards everything (a warning), its INPUT rule concerns the host itself', () => {
    const c = parseIptables(read('z2-host2.v4'), `${DIR}/z2-host2.v4`, 'z2-host2');
    // Only that warning (and the one of every import without an addresses file): the INPUT rule's
    // --sport is not a forwarding matter, so it is not warned about.
    expect(c.warnings.map((w) => `${w.loc.line}:${w.loc.column} ${w.en.slice(0, 40)}`)).toEqual([
      '4:1 no filter table with a FORWARD chain: th',
      '4:1 no addresses file (ip addr output): the ',
    ]);
  });
});
