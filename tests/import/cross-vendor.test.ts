// One policy, several vendors, one answer. aerleon's sample_multitarget.pol and the Cisco ASA and
// iptables (speedway) configurations aerleon generated from it
// (tests/fixtures/import/cross-vendor/aerleon/, Apache-2.0, PROVENANCE.md there) are imported
// with bunkatsu's importers; for packets inside and just outside each term's addresses and ports,
// every vendor must give the verdict the policy text gives. The expected verdicts below are worked
// out from the policy by hand, naming the deciding term.
//
// aerleon has no other policy with outputs for a third vendor bunkatsu imports, so its Palo Alto
// and nftables outputs are each checked against their own policy (sample_paloalto.pol,
// sample_nftables-mixed-icmp.pol) at the end of this file. Its FortiGate outputs come from
// policies written inside its Python tests (tests/regression/fortigate/fortigate_test.py), not
// from policies/; two of them are checked against the policy text quoted from there.
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
import { parseFortigate } from '../../src/import/fortigate.ts';
import { parseIptables } from '../../src/import/iptables.ts';
import { parseNftables } from '../../src/import/nftables.ts';
import { parsePaloalto } from '../../src/import/paloalto.ts';
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

/**
 * The first-match reading of packets.ts against the engines: on the topology composed from the
 * import, every engine delivers each packet exactly when the imported rules permit it (`crossing`
 * gives the packet the interfaces it crosses, for the rules). Some packets of each list must be
 * delivered and some not, so that the check cannot pass vacuously.
 */
function expectEnginesAgree(vendor: string, imported: ImportedConfig, cases: readonly Case[], crossing = (p: Packet): Packet => p): void {
  const network = loadImported(composeTopology([imported]).doc as Record<string, unknown>, vendor, { domainless: true });
  const seen = new Set<boolean>();
  for (const [name, factory] of Object.entries(ENGINES)) {
    const engine = factory(network);
    for (const c of cases) {
      const p = c.packet;
      const service = { protoLo: p.proto, protoHi: p.proto, portLo: p.port ?? 0, portHi: p.port ?? 0 };
      const outcomes = traceFlow(network, engine, [range(p.src)], [range(p.dst)], [service]);
      const delivered = outcomes.some((o) => o.disposition.kind === 'delivered');
      const rules = decide(only(imported), crossing(p)).action;
      expect({ vendor, engine: name, ...c, delivered }).toEqual({ vendor, engine: name, ...c, delivered: rules === 'permit' });
      seen.add(delivered);
    }
  }
  expect({ vendor, seen: [...seen].sort() }).toEqual({ vendor, seen: [false, true] });
}

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
    // Inbound packets start in the outside zone (8.8.8.8 and the others lie in it by the default
    // route) and are delivered to the servers' zone or denied by the firewall. Only packets to the
    // servers' subnet: the others (to 10/8, 192.168/16) stay outside and never meet the firewall.
    const toServers = INBOUND.filter((x) => x.packet.dst.startsWith('200.1.1.'));
    expectEnginesAgree('asa', asa(), toServers, (p) => ({ ...p, in: 'outside' }));
    expectEnginesAgree('iptables', iptables('INPUT'), toServers);
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

// sample_paloalto.pol, aerleon's Palo Alto output. aerleon writes the rulebase, services and
// addresses but neither interfaces nor zones, so the wrapper adds two: ethernet1/1 in zone
// "internal" (10.0.0.1/8), ethernet1/2 in zone "external" (192.0.2.1/24, with the default
// route). Both are added on the lines that open the device and the vsys, so every line of the
// .ref keeps its number.
function paloalto(): ImportedConfig {
  const network =
    '<network><interface><ethernet>' +
    '<entry name="ethernet1/1"><layer3><ip><entry name="10.0.0.1/8"/></ip></layer3></entry>' +
    '<entry name="ethernet1/2"><layer3><ip><entry name="192.0.2.1/24"/></ip></layer3></entry>' +
    '</ethernet></interface>' +
    // The default route leaves by the external interface, so that outside addresses lie there.
    '<virtual-router><entry name="default"><routing-table><ip><static-route><entry name="default">' +
    '<destination>0.0.0.0/0</destination><interface>ethernet1/2</interface><nexthop><ip-address>192.0.2.254</ip-address></nexthop>' +
    '</entry></static-route></ip></routing-table></entry></virtual-router></network>';
  const zones =
    '<zone><entry name="internal"><network><layer3><member>ethernet1/1</member></layer3></network></entry>' +
    '<entry name="external"><network><layer3><member>ethernet1/2</member></layer3></network></entry></zone>';
  const xml = text('sample_paloalto.xml.ref').replace('<entry name="localhost.localdomain">', `$&${network}`).replace('<entry name="vsys1">', `$&${zones}`);
  return parsePaloalto(xml, `${DIR}/sample_paloalto.xml.ref`, 'pa');
}

// from-zone internal to-zone external. INTERNAL = RFC1918 (10/8, 172.16/12, 192.168/16),
// GOOGLE_DNS = 8.8.4.4, 8.8.8.8; PAN-OS denies what no rule permits between zones.
//   ping-gdns           INTERNAL -> GOOGLE_DNS, icmp
//   dns-gdns            INTERNAL -> GOOGLE_DNS, tcp 53
//   allow-web-outbound  INTERNAL -> any, tcp 80, 443
const OUTWARD: readonly Case[] = [
  { packet: { src: '10.0.0.9', dst: '8.8.8.8', proto: ICMP }, policy: 'permit', term: 'ping-gdns' },
  { packet: { src: '9.255.255.255', dst: '8.8.8.8', proto: ICMP }, policy: 'deny', term: 'interzone default (just below 10/8)' },
  { packet: { src: '10.0.0.9', dst: '8.8.8.9', proto: ICMP }, policy: 'deny', term: 'interzone default (just outside GOOGLE_DNS)' },
  { packet: tcp('172.16.0.1', '8.8.4.4', 53), policy: 'permit', term: 'dns-gdns' },
  { packet: tcp('172.32.0.1', '8.8.4.4', 53), policy: 'deny', term: 'interzone default (just outside 172.16/12)' },
  { packet: tcp('10.0.0.9', '8.8.4.5', 53), policy: 'deny', term: 'interzone default (just outside GOOGLE_DNS)' },
  { packet: tcp('192.168.1.1', '1.2.3.4', 80), policy: 'permit', term: 'allow-web-outbound' },
  { packet: tcp('192.168.255.255', '1.2.3.4', 443), policy: 'permit', term: 'allow-web-outbound' },
  { packet: tcp('192.168.1.1', '1.2.3.4', 81), policy: 'deny', term: 'interzone default (just outside port 80)' },
  { packet: tcp('192.169.0.0', '1.2.3.4', 443), policy: 'deny', term: 'interzone default (just outside 192.168/16)' },
  { packet: udp('10.0.0.9', '8.8.8.8', 53), policy: 'deny', term: 'interzone default (dns-gdns is tcp only)' },
];

// ping-gdns is written as application icmp with service application-default; bunkatsu models
// neither applications nor their standard ports, so it reads the rule as every service (a warning
// at each line) and lets any protocol from INTERNAL to GOOGLE_DNS through: that packet, and only
// it, is permitted by the imported rules though the policy denies it.
const PA_APPLICATION_DEFAULT = new Set(['10.0.0.9>8.8.8.8 17']);

describe('aerleon sample_paloalto: the Palo Alto output agrees with its own policy', () => {
  it('internal to external: the policy verdict, but for application-default read as every service', () => {
    const d = only(paloalto());
    for (const c of OUTWARD) {
      const got = decide(d, { ...c.packet, in: 'ethernet1/1', out: 'ethernet1/2' });
      const key = `${c.packet.src}>${c.packet.dst} ${c.packet.proto}`;
      expect({ ...c, got: got.action }).toEqual({ ...c, got: PA_APPLICATION_DEFAULT.has(key) ? 'permit' : c.policy });
    }
    expect(decide(d, { ...udp('10.0.0.9', '8.8.8.8', 53), in: 'ethernet1/1', out: 'ethernet1/2' }).by).toBe('ping-gdns.internal.external');
  });

  it('composed into a topology, every engine delivers exactly the packets the imported rules permit', () => {
    // From the internal subnet (10/8) to addresses outside, which lie behind ethernet1/2.
    const fromInternal = OUTWARD.filter((c) => c.packet.src.startsWith('10.'));
    expectEnginesAgree('paloalto', paloalto(), fromInternal, (p) => ({ ...p, in: 'ethernet1/1', out: 'ethernet1/2' }));
  });

  it('external to internal: the terms are applications (icmp, web-browsing, ssl), warned at their lines and read as permits', () => {
    // The policy permits icmp (allow-icmp) and, by application, web-browsing and ssl; which
    // packets an application is cannot be decided from addresses and ports. allow-icmp is
    // application icmp on application-default, read as every service: every packet from
    // external to internal is permitted by it, which over-approximates the policy and is warned.
    const a = paloalto();
    const d = only(a);
    for (const p of [{ src: '1.2.3.4', dst: '10.0.0.9', proto: ICMP }, tcp('1.2.3.4', '10.0.0.9', 22), udp('1.2.3.4', '172.16.0.1', 161)]) {
      expect(decide(d, { ...p, in: 'ethernet1/2', out: 'ethernet1/1' }).by).toBe('allow-icmp.external.internal');
    }
    const warned = a.warnings.map((w) => `${w.loc.line} ${w.en.split(':')[0]}`);
    expect(warned).toEqual([
      '62 rule "ping-gdns"',
      '58 rule "ping-gdns"',
      '128 rule "allow-icmp"',
      '124 rule "allow-icmp"',
      '150 rule "allow-pan-app-01"',
      '146 rule "allow-pan-app-01"',
      '172 rule "allow-pan-app-02"',
      '194 rule "allow-pan-app-03"',
    ]);
    expect(a.warnings.filter((w) => w.en.includes('applications (') && w.en.includes('are not modelled'))).toHaveLength(5);
  });
});

// sample_nftables-mixed-icmp.pol, aerleon's nftables output: one inet table whose base chain
// root0 is on the input hook, which bunkatsu does not model (it models what a host forwards);
// the wrapper moves it to the forward hook. The host is the same two-interface host as above.
function nftables(): ImportedConfig {
  const rules = text('sample_nftables-mixed-icmp.nft.ref').replace('type filter hook input', 'type filter hook forward');
  return parseNftables(rules, `${DIR}/sample_nftables-mixed-icmp.nft.ref`, 'nft', {
    addresses: {
      text: '2: eth0: <UP> mtu 1500 state UP\n    inet 192.0.2.1/24 scope global eth0\n3: eth1: <UP> mtu 1500 state UP\n    inet 200.1.1.254/24 scope global eth1\n',
      file: 'nft.addr',
    },
    routes: {
      text: 'default via 192.0.2.254 dev eth0\n192.0.2.0/24 dev eth0 proto kernel scope link src 192.0.2.1\n200.1.1.0/24 dev eth1 proto kernel scope link src 200.1.1.254\n',
      file: 'nft.route',
    },
  });
}

// The policy (IPv4 packets; target `nftables mixed INPUT`, default drop). Terms in order:
//   multi-all-families  udp tcp icmp icmpv6: accept   <- decides every udp, tcp and icmp packet
//   multi-proto-term, test-tcp-icmp, test-icmp, test-icmp-type-ip4, full-combo-term,
//   base-traceroute-in  narrower udp/tcp/icmp terms, never reached for IPv4
//   test-icmp-type-ip6  icmpv6 only (IPv6)
// so every other protocol is dropped by the chain policy.
const GRE = 47;
const OSPF = 89;
const ICMPV6 = 58;
const MIXED: readonly Case[] = [
  { packet: tcp('1.2.3.4', '200.1.1.1', 22), policy: 'permit', term: 'multi-all-families' },
  { packet: udp('1.2.3.4', '200.1.1.1', 53), policy: 'permit', term: 'multi-all-families' },
  { packet: { src: '200.1.1.3', dst: '200.1.1.1', proto: ICMP }, policy: 'permit', term: 'multi-all-families (before test-icmp)' },
  { packet: udp('1.1.1.1', '8.8.8.8', 1024), policy: 'permit', term: 'multi-all-families (before base-traceroute-in)' },
  { packet: { src: '1.2.3.4', dst: '200.1.1.1', proto: GRE }, policy: 'deny', term: 'policy drop (not udp/tcp/icmp)' },
  { packet: { src: '1.2.3.4', dst: '200.1.1.1', proto: OSPF }, policy: 'deny', term: 'policy drop' },
  { packet: { src: '1.2.3.4', dst: '200.1.1.1', proto: 2 }, policy: 'deny', term: 'policy drop (igmp)' },
  { packet: { src: '1.2.3.4', dst: '200.1.1.1', proto: ICMPV6 }, policy: 'deny', term: 'policy drop (icmpv6 is an IPv6 term)' },
];

// aerleon writes the IPv6 half of multi-all-families as `meta l4proto { udp, tcp, icmpv6 }` in an
// inet table; meta l4proto is the same for both families, so an IPv4 packet of protocol 58 is
// accepted by it, though the policy gives icmpv6 to IPv6 only. That packet, and only it, differs.
const NFT_L4PROTO_ICMPV6 = ICMPV6;

describe('aerleon sample_nftables-mixed-icmp: the nftables output agrees with its own policy', () => {
  it('imports it; ICMP types and source ports are warned at their lines', () => {
    const n = nftables();
    expect(n.warnings.map((w) => `${w.loc.line} ${w.en.split(':')[0]}`)).toEqual([
      '23 "icmp type echo-request echo-reply ct state new"',
      '27 "icmpv6 type mld-listener-done nd-router-solicit nd-router-advert ct state new"',
      '31 "tcp sport" matches source ports, which bunkatsu does not model',
      '32 "tcp sport" matches source ports, which bunkatsu does not model',
      '38 "udp sport" matches source ports, which bunkatsu does not model',
      '39 "udp sport" matches source ports, which bunkatsu does not model',
    ]);
  });

  it('every packet gets the policy verdict, but IPv4 protocol 58 (meta l4proto icmpv6)', () => {
    const d = only(nftables());
    for (const c of MIXED) {
      const expected = c.packet.proto === NFT_L4PROTO_ICMPV6 ? 'permit' : c.policy;
      expect({ ...c, got: decide(d, c.packet).action }).toEqual({ ...c, got: expected });
    }
    // The accepting rule is line 5 of the .ref, reached from root0's jump at line 45.
    expect(decide(d, { src: '1.2.3.4', dst: '200.1.1.1', proto: ICMPV6 }).by).toBe('l45.l5');
  });

  it('composed into a topology, every engine delivers exactly the packets the imported rules permit', () => {
    // From outside (the default route's side) to the servers' subnet behind eth1.
    const inward = MIXED.filter((c) => !c.packet.src.startsWith('200.1.1.') && c.packet.dst.startsWith('200.1.1.'));
    expectEnginesAgree('nftables', nftables(), inward);
  });
});

// aerleon's FortiGate outputs name their interfaces (`set srcintf "port1"`, `set dstintf "port2"`,
// from the header `target:: fortigate from-zone port1 to-zone port2`) but do not configure them;
// the wrapper appends a `config system interface` with both (port1's address given by each test)
// and a default route by port2, after the .ref's last line, so every line of the .ref keeps its
// number.
function fortigate(file: string, port1: string): ImportedConfig {
  const interfaces = [
    'config system interface',
    '    edit "port1"',
    `        set ip ${port1} 255.255.255.0`,
    '    next',
    '    edit "port2"',
    '        set ip 192.0.2.1 255.255.255.0',
    '    next',
    'end',
    // The default route leaves by port2, so that addresses outside port1's subnet lie there.
    'config router static',
    '    edit 1',
    '        set gateway 192.0.2.254',
    '        set device "port2"',
    '    next',
    'end',
    '',
  ].join('\n');
  return parseFortigate(text(file) + interfaces, `${DIR}/${file}`, 'fg');
}

const PORT1_TO_PORT2 = { in: 'port1', out: 'port2' };

describe('aerleon FortiGate outputs agree with the policies in fortigate_test.py', () => {
  // testMultipleTerms: GOOD_HEADER_1 + GOOD_TERM_1 + GOOD_TERM_2 (fortigate_test.py lines 12-17,
  // 111-120, 145-154, 532-535), with the names of its setUp (lines 405-412):
  //   term good-term-1 / good-term-2 (the same) {
  //     source-address:: FOO GOO        FOO = 10.1.1.1/32 10.1.1.2/32, GOO = 10.1.1.9/32
  //     destination-address:: BAR       BAR = 10.1.1.3/32 10.1.1.4/32
  //     source-port:: HTTP              80/tcp
  //     destination-port:: DNS          53/tcp 53/udp
  //     protocol:: tcp udp
  //     action:: accept }
  // aerleon writes the ports as FortiOS `tcp-portrange 53:80` (destination 53, source 80); source
  // ports are not modelled, so the services read as tcp/udp 53 from any source port, warned.
  const TERMS: readonly Case[] = [
    { packet: tcp('10.1.1.1', '10.1.1.3', 53), policy: 'permit', term: 'good-term-1' },
    { packet: udp('10.1.1.9', '10.1.1.4', 53), policy: 'permit', term: 'good-term-1' },
    { packet: tcp('10.1.1.2', '10.1.1.4', 54), policy: 'deny', term: 'implicit deny (just outside port 53)' },
    { packet: tcp('10.1.1.2', '10.1.1.4', 80), policy: 'deny', term: 'implicit deny (80 is the source port)' },
    { packet: udp('10.1.1.3', '10.1.1.4', 53), policy: 'deny', term: 'implicit deny (just outside FOO)' },
    { packet: udp('10.1.1.8', '10.1.1.4', 53), policy: 'deny', term: 'implicit deny (just below GOO)' },
    { packet: tcp('10.1.1.1', '10.1.1.5', 53), policy: 'deny', term: 'implicit deny (just outside BAR)' },
    { packet: tcp('10.1.1.1', '10.1.1.2', 53), policy: 'deny', term: 'implicit deny (just below BAR)' },
    { packet: { src: '10.1.1.1', dst: '10.1.1.3', proto: ICMP }, policy: 'deny', term: 'implicit deny (tcp and udp only)' },
  ];

  it('testMultipleTerms: every packet gets the policy verdict; source ports are warned at the service lines', () => {
    const f = fortigate('FortigateTest.testMultipleTerms.stdout.ref', '10.1.1.254');
    const d = only(f);
    for (const c of TERMS) expect({ ...c, got: decide(d, { ...c.packet, ...PORT1_TO_PORT2 }).action }).toEqual({ ...c, got: c.policy });
    expect(decide(d, { ...tcp('10.1.1.1', '10.1.1.3', 53), ...PORT1_TO_PORT2 }).by).toBe('p1');
    // The policy's interfaces bind: the same packet entering by port2 is denied.
    expect(decide(d, { ...tcp('10.1.1.1', '10.1.1.3', 53), in: 'port2', out: 'port1' }).action).toBe('deny');
    expect(f.warnings.map((w) => `${w.loc.line}:${w.loc.column} ${w.en}`)).toEqual([
      '36:9 service "good-term-1": source ports 80 are not modelled (any source port)',
      '37:9 service "good-term-1": source ports 80 are not modelled (any source port)',
      '40:9 service "good-term-2": source ports 80 are not modelled (any source port)',
      '41:9 service "good-term-2": source ports 80 are not modelled (any source port)',
    ]);
  });

  // testSourceExcludes, case V4_Exclude (lines 618-656): source V4_A, source-exclude V4_B.
  //   term good-term-1 { source-address:: V4_A  source-exclude:: V4_B  action:: accept }
  //   V4_A = 1.1.1.1/32 1.1.1.2/32, V4_B = 1.1.1.2/32 1.1.1.3/32 (setUp, lines 413-414)
  // so the term permits any packet from 1.1.1.1 only. aerleon writes it as an address group with
  // `set exclude enable` / `set exclude-member "V4_B"` (V4_B merged into 1.1.1.2/31).
  const EXCLUDE: readonly Case[] = [
    { packet: tcp('1.1.1.1', '8.8.8.8', 443), policy: 'permit', term: 'good-term-1' },
    { packet: { src: '1.1.1.1', dst: '203.0.113.9', proto: 47 }, policy: 'permit', term: 'good-term-1 (any protocol)' },
    { packet: tcp('1.1.1.2', '8.8.8.8', 443), policy: 'deny', term: 'implicit deny (in V4_A but excluded by V4_B)' },
    { packet: tcp('1.1.1.3', '8.8.8.8', 443), policy: 'deny', term: 'implicit deny (excluded, and not in V4_A)' },
    { packet: tcp('1.1.1.0', '8.8.8.8', 443), policy: 'deny', term: 'implicit deny (just below V4_A)' },
  ];

  it('testSourceExcludes V4_Exclude: the excluded members are denied, the rest of the group permitted', () => {
    const f = fortigate('FortigateTest.testSourceExcludesV4_Exclude.stdout.ref', '1.1.1.254');
    const d = only(f);
    for (const c of EXCLUDE) expect({ ...c, got: decide(d, { ...c.packet, ...PORT1_TO_PORT2 }).action }).toEqual({ ...c, got: c.policy });
    expect(f.warnings).toEqual([]);
    // Composed, with 1.1.1.0/24 behind port1 and the rest behind port2 (testMultipleTerms' hosts
    // share one subnet, so its packets would cross no firewall).
    expectEnginesAgree('fortigate', f, EXCLUDE, (p) => ({ ...p, ...PORT1_TO_PORT2 }));
  });
});
