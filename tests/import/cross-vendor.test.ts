// One policy, several vendors, one answer. aerleon's sample_multitarget.pol and the Cisco ASA and
// iptables (speedway) configurations aerleon generated from it
// (tests/fixtures/import/cross-vendor/aerleon/, Apache-2.0, PROVENANCE.md there) are imported
// with bunkatsu's importers; for packets inside and just outside each term's addresses and ports,
// every vendor must give the verdict the policy text gives. The expected verdicts below are worked
// out from the policy by hand, naming the deciding term.
//
// The wrappers are as small as the importers need: speedway writes the policy as the host's own
// INPUT / OUTPUT chains, which bunkatsu does not model (it models what a host forwards), so the
// chain is renamed FORWARD; the ASA output is bare access-lists, so it gets two interfaces and
// `access-group` lines. Both are noted where they are made.
//
// Two things bunkatsu does not model shape the expectations: source ports (term
// permit-udp-established's `source-port:: HIGH_PORTS` is read as any source port, with a located
// warning, by both importers), and connection state (a term for replies, tcp-established, permits
// nothing new: replies always pass).

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAsa } from '../../src/import/asa.ts';
import type { ConfigDevice, ImportedConfig } from '../../src/import/config.ts';
import { parseIptables } from '../../src/import/iptables.ts';
import { ENGINES } from '../../src/engine/registry.ts';
import { traceFlow } from '../../src/engine/trace.ts';
import { composeTopology } from '../../src/import/compose.ts';
import { loadImported } from '../../src/model/load.ts';
import { parseIpv4 } from '../../src/net/ipv4.ts';
import { decide, ICMP, type Packet, TCP, UDP } from './packets.ts';

const range = (address: string) => ({ lo: parseIpv4(address)!, hi: parseIpv4(address)! });

const DIR = 'tests/fixtures/import/cross-vendor/aerleon';
const text = (file: string): string => readFileSync(resolve(DIR, file), 'utf8');

/** The ASA output with an outside (level 0) and an inside (level 100) interface; `asa_in` in on outside, `asa_out` in on inside. */
function asa(): ImportedConfig {
  const wrapper = [
    'hostname asa',
    'interface GigabitEthernet0/0',
    ' nameif outside',
    ' security-level 0',
    ' ip address 192.0.2.1 255.255.255.0',
    'interface GigabitEthernet0/1',
    ' nameif inside',
    ' security-level 100',
    ' ip address 200.1.1.254 255.255.255.0',
    // The outside subnet is where every other address is (the default route), so that traces start there.
    'route outside 0.0.0.0 0.0.0.0 192.0.2.254',
    'access-group asa_in in interface outside',
    // asa_out filters what leaves the edge; as an in ACL of the inside interface it decides alone.
    'access-group asa_out in interface inside',
    '',
  ].join('\n');
  return parseAsa(wrapper + text('sample_multitarget.asa.ref'), `${DIR}/sample_multitarget.asa.ref`, 'asa');
}

/**
 * The speedway output with one chain made the FORWARD chain (the other built-in chain stays,
 * ignored), on a host with the ASA's two subnets (eth0 outside, with the default route; eth1 the
 * servers'), as `ip addr` / `ip route` would print them.
 */
function iptables(chain: 'INPUT' | 'OUTPUT'): ImportedConfig {
  const rules = text('sample_multitarget.ipt.ref').replace(new RegExp(`^(:|-A )${chain}\\b`, 'gm'), '$1FORWARD');
  const addresses =
    '2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 state UP\n    inet 192.0.2.1/24 scope global eth0\n' +
    '3: eth1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 state UP\n    inet 200.1.1.254/24 scope global eth1\n';
  const routes =
    'default via 192.0.2.254 dev eth0\n192.0.2.0/24 dev eth0 proto kernel scope link src 192.0.2.1\n200.1.1.0/24 dev eth1 proto kernel scope link src 200.1.1.254\n';
  return parseIptables(rules, `${DIR}/sample_multitarget.ipt.ref`, 'ipt', {
    addresses: { text: addresses, file: 'ipt.addr' },
    routes: { text: routes, file: 'ipt.route' },
  });
}

const only = (c: ImportedConfig): ConfigDevice => c.devices[0]!;

/** A packet of the test and the policy's verdict, with the term that decides it. */
interface Case {
  readonly packet: Packet;
  readonly policy: 'permit' | 'deny';
  readonly term: string;
}

const tcp = (src: string, dst: string, port: number): Packet => ({ src, dst, proto: TCP, port });
const udp = (src: string, dst: string, port: number): Packet => ({ src, dst, proto: UDP, port });

// edge-inbound (asa_in, speedway INPUT). Terms in order:
//   deny-from-bogons      source BOGON: 0/8, 192.0.0.0/24, 192.0.2.0/24, 198.18/15, 198.51.100/24, 203.0.113/24, 224/4, 240/4
//   deny-from-reserved    source RESERVED: 0/8, 10/8, 100.64/10, 127/8, 169.254/16, 172.16/12, 192.168/16, 224/4, 240/4
//   deny-to-rfc1918       destination 10/8, 172.16/12, 192.168/16
//   permit-mail-services  destination 200.1.1.4, .5; tcp 25, 465, 587, 995
//   permit-web-services   destination 200.1.1.1, .2; tcp 80, 443
//   permit-tcp-established destination .1-.5 tcp, replies only: no new connection
//   permit-udp-established destination .1-.5 udp from source ports 1024-65535 (source ports: not modelled)
//   default-deny
const OUTSIDE = '8.8.8.8';
const INBOUND: readonly Case[] = [
  { packet: tcp(OUTSIDE, '200.1.1.4', 25), policy: 'permit', term: 'permit-mail-services' },
  { packet: tcp(OUTSIDE, '200.1.1.5', 995), policy: 'permit', term: 'permit-mail-services' },
  { packet: tcp(OUTSIDE, '200.1.1.6', 25), policy: 'deny', term: 'default-deny (just outside MAIL_SERVERS)' },
  { packet: tcp(OUTSIDE, '200.1.1.1', 80), policy: 'permit', term: 'permit-web-services' },
  { packet: tcp(OUTSIDE, '200.1.1.2', 443), policy: 'permit', term: 'permit-web-services' },
  { packet: tcp(OUTSIDE, '200.1.1.0', 80), policy: 'deny', term: 'default-deny (just outside WEB_SERVERS)' },
  { packet: udp(OUTSIDE, '200.1.1.1', 53), policy: 'permit', term: 'permit-udp-established (any source port)' },
  { packet: udp(OUTSIDE, '200.1.1.5', 123), policy: 'permit', term: 'permit-udp-established (any source port)' },
  { packet: udp(OUTSIDE, '200.1.1.6', 53), policy: 'deny', term: 'default-deny (just outside .1-.5)' },
  { packet: { src: OUTSIDE, dst: '200.1.1.1', proto: ICMP }, policy: 'deny', term: 'default-deny' },
  { packet: tcp('10.0.0.1', '200.1.1.4', 25), policy: 'deny', term: 'deny-from-reserved' },
  { packet: tcp('11.0.0.1', '200.1.1.4', 25), policy: 'permit', term: 'permit-mail-services (just outside 10/8)' },
  { packet: tcp('9.255.255.255', '200.1.1.4', 25), policy: 'permit', term: 'permit-mail-services (just outside 10/8)' },
  { packet: tcp('0.255.255.255', '200.1.1.4', 25), policy: 'deny', term: 'deny-from-bogons' },
  { packet: tcp('192.0.2.7', '200.1.1.1', 80), policy: 'deny', term: 'deny-from-bogons' },
  { packet: tcp('192.0.3.7', '200.1.1.1', 80), policy: 'permit', term: 'permit-web-services (just outside 192.0.2.0/24)' },
  { packet: tcp('100.64.0.1', '200.1.1.1', 80), policy: 'deny', term: 'deny-from-reserved' },
  { packet: tcp('100.128.0.1', '200.1.1.1', 80), policy: 'permit', term: 'permit-web-services (just outside 100.64/10)' },
  { packet: tcp('172.31.255.255', '200.1.1.1', 80), policy: 'deny', term: 'deny-from-reserved' },
  { packet: tcp('172.32.0.0', '200.1.1.1', 80), policy: 'permit', term: 'permit-web-services (just outside 172.16/12)' },
  { packet: tcp('223.255.255.255', '200.1.1.1', 443), policy: 'permit', term: 'permit-web-services (just below 224/4)' },
  { packet: tcp('224.0.0.1', '200.1.1.1', 443), policy: 'deny', term: 'deny-from-bogons' },
  { packet: tcp(OUTSIDE, '10.1.2.3', 80), policy: 'deny', term: 'deny-to-rfc1918' },
  { packet: tcp(OUTSIDE, '192.168.0.1', 25), policy: 'deny', term: 'deny-to-rfc1918' },
  // New TCP connections to the servers on other ports: only permit-tcp-established could take
  // them, and it takes replies only.
  { packet: tcp(OUTSIDE, '200.1.1.4', 24), policy: 'deny', term: 'default-deny (just outside port 25)' },
  { packet: tcp(OUTSIDE, '200.1.1.1', 81), policy: 'deny', term: 'default-deny (just outside port 80)' },
  { packet: tcp(OUTSIDE, '200.1.1.3', 22), policy: 'deny', term: 'default-deny' },
];

// aerleon's ASA generator writes permit-tcp-established as `permit tcp any host 200.1.1.N` (an ACL
// cannot say "replies only"), which a real ASA applies to new connections too: these packets, and
// only these, the ASA output lets through though the policy does not. The test checks that the
// difference is exactly this, so any other disagreement fails it.
const ASA_TCP_ESTABLISHED = new Set(['200.1.1.4:24', '200.1.1.1:81', '200.1.1.3:22']);

// edge-outbound (asa_out, speedway OUTPUT): deny-to-bad-destinations (RFC1918, BOGON, RESERVED),
// then default-accept.
const INSIDE = '200.1.1.1';
const OUTBOUND: readonly Case[] = [
  { packet: tcp(INSIDE, OUTSIDE, 443), policy: 'permit', term: 'default-accept' },
  { packet: udp(INSIDE, '1.1.1.1', 53), policy: 'permit', term: 'default-accept' },
  { packet: tcp(INSIDE, '10.0.0.1', 443), policy: 'deny', term: 'deny-to-bad-destinations' },
  { packet: tcp(INSIDE, '11.0.0.0', 443), policy: 'permit', term: 'default-accept (just outside 10/8)' },
  { packet: tcp(INSIDE, '100.64.0.0', 443), policy: 'deny', term: 'deny-to-bad-destinations' },
  { packet: tcp(INSIDE, '100.63.255.255', 443), policy: 'permit', term: 'default-accept (just below 100.64/10)' },
  { packet: tcp(INSIDE, '198.51.100.9', 80), policy: 'deny', term: 'deny-to-bad-destinations (BOGON)' },
  { packet: tcp(INSIDE, '198.51.101.9', 80), policy: 'permit', term: 'default-accept (just outside 198.51.100/24)' },
  { packet: { src: INSIDE, dst: '240.0.0.1', proto: ICMP }, policy: 'deny', term: 'deny-to-bad-destinations' },
];

describe('aerleon sample_multitarget: ASA and iptables agree with the policy', () => {
  it('imports both outputs; what they cannot say is warned at its line (source ports)', () => {
    const a = asa();
    const i = iptables('INPUT');
    expect(only(a).rules.length).toBeGreaterThan(0);
    // permit-udp-established: five ACEs `permit udp any range 1024 65535 host …` (ASA) and five
    // rules with `--sport 1024:65535` (speedway), each warned.
    expect(a.warnings.filter((w) => w.en.includes('source ports are not modelled'))).toHaveLength(5);
    expect(i.warnings.filter((w) => w.en.includes('--sport 1024:65535')).map((w) => w.loc.line)).toEqual([56, 57, 58, 59, 60]);
  });

  it('edge-inbound: the iptables output gives the policy verdict for every packet', () => {
    const d = only(iptables('INPUT'));
    for (const c of INBOUND) expect({ ...c, got: decide(d, c.packet).action }).toEqual({ ...c, got: c.policy });
  });

  it('edge-inbound: the ASA output gives the policy verdict, but for new TCP to the servers (its tcp-established ACEs)', () => {
    const d = only(asa());
    for (const c of INBOUND) {
      const got = decide(d, { ...c.packet, in: 'outside' });
      const expected = ASA_TCP_ESTABLISHED.has(`${c.packet.dst}:${c.packet.port}`) ? 'permit' : c.policy;
      expect({ ...c, got: got.action }).toEqual({ ...c, got: expected });
    }
    // The permitting ACE is the tcp-established one, line 49 of the generated ACL (remarks count).
    expect(decide(d, { ...tcp(OUTSIDE, '200.1.1.3', 22), in: 'outside' }).by).toBe('asa_in-l49');
  });

  it('composed into topologies, every engine delivers exactly the packets the imported rules permit', () => {
    // The first-match reading above (packets.ts) against the engines on the composed topology:
    // inbound packets start in the outside zone (8.8.8.8 and the others lie in it by the default
    // route) and are delivered to the servers' zone or denied by the firewall.
    const imports = { asa: asa(), iptables: iptables('INPUT') };
    for (const [vendor, imported] of Object.entries(imports)) {
      const network = loadImported(composeTopology([imported]).doc as Record<string, unknown>, vendor, { domainless: true });
      for (const [name, factory] of Object.entries(ENGINES)) {
        const engine = factory(network);
        // Packets to the servers' subnet; the others (to 10/8, 192.168/16) stay in the outside
        // zone and never meet the firewall.
        for (const c of INBOUND.filter((x) => x.packet.dst.startsWith('200.1.1.'))) {
          const p = c.packet;
          const service = { protoLo: p.proto, protoHi: p.proto, portLo: p.port ?? 0, portHi: p.port ?? 0 };
          const outcomes = traceFlow(network, engine, [range(p.src)], [range(p.dst)], [service]);
          const delivered = outcomes.some((o) => o.disposition.kind === 'delivered');
          const rules = decide(only(imported), vendor === 'asa' ? { ...p, in: 'outside' } : p).action;
          expect({ vendor, engine: name, ...c, delivered }).toEqual({ vendor, engine: name, ...c, delivered: rules === 'permit' });
        }
      }
    }
  });

  it('edge-outbound: both outputs give the policy verdict for every packet', () => {
    const a = only(asa());
    const i = only(iptables('OUTPUT'));
    for (const c of OUTBOUND) {
      expect({ ...c, asa: decide(a, { ...c.packet, in: 'inside', out: 'outside' }).action, iptables: decide(i, c.packet).action }).toEqual({
        ...c,
        asa: c.policy,
        iptables: c.policy,
      });
    }
  });
});
