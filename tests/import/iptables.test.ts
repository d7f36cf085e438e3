// The Linux importers: iptables-save and nft list ruleset read into first-match rules (negation,
// multiport and sets, user chains with RETURN, the policy, conntrack, unreadable matches warned
// at line:column, malformed input refused at its location), and the host's ip addr / ip route
// output. Expected rules are worked out by hand from the rules in each test.

import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import type { ConfigDevice, ImportWarning } from '../../src/import/config.ts';
import { parseIptables } from '../../src/import/iptables.ts';
import { parseIpAddr, parseIpRoute } from '../../src/import/linux.ts';
import { parseNftables } from '../../src/import/nftables.ts';
import { ALL } from '../../src/net/intervals.ts';
import { ANY_SERVICE } from '../../src/net/services.ts';
import { ip, tcp } from './helpers.ts';

/** iptables-save text with a filter table: the chain lines, then the rules. */
const save = (chains: string, rules: string): string => `*filter\n${chains}\n${rules}\nCOMMIT\n`;

/** The warnings but the one every import without an addresses file has. */
const about = (warnings: readonly ImportWarning[]): ImportWarning[] => warnings.filter((w) => !w.en.startsWith('no addresses file'));

function ipt(text: string): { device: ConfigDevice; warnings: readonly ImportWarning[] } {
  const { devices, warnings } = parseIptables(text, 't.rules', 'gw');
  return { device: devices[0]!, warnings: about(warnings) };
}

/** Rule ids, actions and the fields that matter, compactly. */
const summary = (d: ConfigDevice) => d.rules.map((r) => `${r.id} ${r.action}`);

function refused(run: () => unknown): { code: string; at: string; message: string } {
  try {
    run();
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    const d = error.diagnostics[0]!;
    return { code: d.code, at: `${d.loc.line}:${d.loc.column}`, message: d.message };
  }
  throw new Error('accepted');
}

describe('iptables-save', () => {
  it('reads iptables-restore input: -N declares a user chain, -P sets a policy (aerleon speedway writes both)', () => {
    // -P FORWARD ACCEPT (line 4) after :FORWARD DROP: the policy is ACCEPT, a final permit at line 4;
    // -N X (line 3) declares X, which line 5 jumps to and line 6 fills.
    const { device } = ipt('*filter\n:FORWARD DROP [0:0]\n-N X\n-P FORWARD ACCEPT\n-A FORWARD -j X\n-A X -s 10.0.0.0/8 -j DROP\nCOMMIT\n');
    expect(summary(device)).toEqual(['l5.l6 deny', 'l4 permit']);
    expect(device.rules[1]!.origin).toMatchObject({ line: 4, label: '-P FORWARD ACCEPT' });
    expect(refused(() => ipt('*filter\n-P FORWARD\nCOMMIT\n'))).toMatchObject({
      code: 'BNK_ERR_SYNTAX',
      at: '2:1',
      message: '"-P" needs a chain name and a policy',
    });
  });

  it('reads ! -s as the complement of the prefix and multiport ranges as port terms', () => {
    const { device } = ipt(save(':FORWARD DROP [0:0]', '-A FORWARD ! -s 10.0.0.0/8 -p tcp -m multiport --dports 22,80:90 -j ACCEPT'));
    const r = device.rules[0]!;
    // Every address but 10.0.0.0/8: 0.0.0.0-9.255.255.255 and 11.0.0.0-255.255.255.255.
    expect(r.src).toEqual([0, ip('9.255.255.255'), ip('11.0.0.0'), 0xffffffff]);
    expect(r.dst).toEqual([...ALL]);
    expect(r.services).toEqual([tcp(22), tcp(80, 90)]);
    // The origin is the line, its label the rule as written.
    expect(r.origin).toEqual({ file: 't.rules', line: 3, column: 1, label: '-A FORWARD ! -s 10.0.0.0/8 -p tcp -m multiport --dports 22,80:90 -j ACCEPT' });
    // Policy DROP: the model's default deny, no rule for it.
    expect(summary(device)).toEqual(['l3 permit']);
  });

  it('puts a user chain inline under the jump, and a RETURN narrows the rest of the chain', () => {
    // Line 4: eth1 jumps to LG; LG: line 5 returns the admin PC, line 6 drops the rest of eth1;
    // line 7 accepts everything. So 10.20.0.200 from eth1 is accepted by line 7, others dropped by 6.
    const { device } = ipt(
      save(
        ':FORWARD DROP [0:0]\n:LG - [0:0]',
        '-A FORWARD -i eth1 -j LG\n-A LG -s 10.20.0.200/32 -j RETURN\n-A LG -j DROP\n-A FORWARD -o eth0 -j ACCEPT',
      ).replace('-A FORWARD -o eth0 -j ACCEPT', '-A FORWARD -j ACCEPT'),
    );
    expect(summary(device)).toEqual(['l4.l6 deny', 'l7 permit']);
    const drop = device.rules[0]!;
    expect(drop.in).toEqual(['eth1']);
    expect(drop.src).toEqual([0, ip('10.20.0.199'), ip('10.20.0.201'), 0xffffffff]);
    expect(drop.description).toBe('-A LG -j DROP (via LG)');
  });

  it('a RETURN on several conditions at once keeps the accepts after it and leaves the drops out, with a warning', () => {
    const { device, warnings } = ipt(
      save(':FORWARD ACCEPT [0:0]\n:X - [0:0]', '-A FORWARD -j X\n-A X -s 10.0.0.0/8 -p tcp -j RETURN\n-A X -j DROP\n-A X -p udp -j ACCEPT'),
    );
    // Line 6's drop is left out; line 7's accept stays; policy ACCEPT is a final permit at line 2.
    expect(summary(device)).toEqual(['l4.l7 permit', 'l2 permit']);
    expect(device.rules[1]!.origin).toMatchObject({ line: 2, label: ':FORWARD ACCEPT' });
    expect(warnings.map((w) => `${w.loc.line}:${w.loc.column}`)).toEqual(['5:1']);
  });

  it('a goto from the base chain applies the policy to what falls off the end of the target', () => {
    const { device } = ipt(save(':FORWARD ACCEPT [0:0]\n:X - [0:0]', '-A FORWARD -i eth1 -g X\n-A X -p tcp -j DROP'));
    // eth1 tcp dropped (5 inside 4), the rest of eth1 by the policy (accept), then the final policy.
    expect(summary(device)).toEqual(['l4.l5 deny', 'l4.l2 permit', 'l2 permit']);
  });

  it('conntrack: ESTABLISHED,RELATED rules are left out (the model is stateful), NEW reads as unconditioned', () => {
    const { device, warnings } = ipt(
      save(
        ':FORWARD DROP [0:0]',
        '-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n-A FORWARD -m conntrack --ctstate INVALID -j DROP\n-A FORWARD -p tcp --dport 443 -m conntrack --ctstate NEW -j ACCEPT\n-A FORWARD -m state ! --state NEW -j DROP',
      ),
    );
    expect(summary(device)).toEqual(['l5 permit']);
    expect(device.rules[0]!.services).toEqual([tcp(443)]);
    expect(warnings).toEqual([]);
  });

  it('an unknown match is a warning at its line:column: everything in an accept, the drop left out', () => {
    const { device, warnings } = ipt(
      save(
        ':FORWARD DROP [0:0]',
        '-A FORWARD -s 10.0.0.0/8 -m geoip --src-cc CN -j DROP\n-A FORWARD -p tcp -m time --timestart 09:00 --timestop 17:00 -j ACCEPT\n-A FORWARD -m set --match-set bad src -j DROP',
      ),
    );
    // Line 3's drop and line 5's drop are left out; line 4 accepts all of tcp.
    expect(summary(device)).toEqual(['l4 permit']);
    expect(device.rules[0]!.services).toEqual([tcp(0, 65535)]);
    expect(warnings.map((w) => `${w.loc.line}:${w.loc.column} ${w.en}`)).toEqual([
      '3:35 match "-m geoip --src-cc CN" is not modelled: the drop is left out (it is not widened)',
      '4:27 match "-m time --timestart 09:00" is not modelled: the condition is left out (the accept is not narrowed)',
      '4:45 match "-m time --timestop 17:00" is not modelled: the condition is left out (the accept is not narrowed)',
      '5:19 ipset "bad" is not in iptables-save output; its addresses cannot be read: the drop is left out (it is not widened)',
    ]);
    expect(warnings[0]!.ja).toContain('拒否を広げないよう');
  });

  it('expands "+" interface wildcards and ! -i over the interfaces known', () => {
    const { device } = ipt(save(':FORWARD DROP [0:0]', '-A FORWARD -i eth+ -o wlan0 -j ACCEPT\n-A FORWARD ! -i eth0 -o eth1 -j ACCEPT'));
    // Interfaces named by the rules: eth0 (line 4), wlan0, eth1; eth+ is eth0 and eth1.
    expect(device.interfaces.map((f) => f.name)).toEqual(['wlan0', 'eth0', 'eth1']);
    expect(device.rules[0]!.in).toEqual(['eth0', 'eth1']);
    expect(device.rules[1]!.in).toEqual(['wlan0', 'eth1']);
  });

  it('warns about a NAT table with rules and ignores INPUT and OUTPUT', () => {
    const text = `*nat\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -o eth0 -j MASQUERADE\nCOMMIT\n${save(':INPUT DROP [0:0]\n:FORWARD DROP [0:0]', '-A INPUT -i lo -j ACCEPT')}`;
    const { device, warnings } = ipt(text);
    expect(device.rules).toEqual([]);
    expect(warnings.map((w) => `${w.loc.line}:${w.loc.column}`)).toContain('1:1');
    expect(device.interfaces).toEqual([]);
  });

  it.each([
    ['a bad address', save(':FORWARD DROP [0:0]', '-A FORWARD -s 10.0.0.300 -j ACCEPT'), 'BNK_ERR_SYNTAX', '3:15', /not an IPv4 address/],
    ['a bad port', save(':FORWARD DROP [0:0]', '-A FORWARD -p tcp --dport 70000 -j ACCEPT'), 'BNK_ERR_SYNTAX', '3:27', /not a port/],
    ['a port without a protocol', save(':FORWARD DROP [0:0]', '-A FORWARD --dport 22 -j ACCEPT'), 'BNK_ERR_SYNTAX', '3:12', /needs "-p tcp"/],
    ['an undeclared chain', save(':FORWARD DROP [0:0]', '-A FWD -j ACCEPT'), 'BNK_ERR_SYNTAX', '3:4', /chain "FWD" is not declared/],
    ['a goto to no chain', save(':FORWARD DROP [0:0]', '-A FORWARD -g NOPE'), 'BNK_ERR_UNKNOWN_REF', '3:15', /chain "NOPE"/],
    ['an unknown line', save(':FORWARD DROP [0:0]', '-I FORWARD -j ACCEPT'), 'BNK_ERR_SYNTAX', '3:1', /unknown line "-I"/],
    ['a table never committed', '*filter\n:FORWARD DROP [0:0]\n', 'BNK_ERR_SYNTAX', '1:1', /not closed by COMMIT/],
    ['an unterminated quote', save(':FORWARD DROP [0:0]', '-A FORWARD -m comment --comment "x -j ACCEPT'), 'BNK_ERR_SYNTAX', '3:33', /unterminated/],
  ])('refuses %s at its line:column', (_what, text, code, at, message) => {
    const r = refused(() => parseIptables(text, 'bad.rules', 'gw'));
    expect(r.code).toBe(code);
    expect(r.at).toBe(at);
    expect(r.message).toMatch(message);
  });
});

describe('nft list ruleset', () => {
  const ruleset = (forward: string, more = ''): string =>
    `table inet filter {\n\tset lg {\n\t\ttype ipv4_addr\n\t\tflags interval\n\t\telements = { 10.20.0.0/24, 10.21.0.0/24 }\n\t}\n\tchain forward {\n\t\ttype filter hook forward priority filter; policy drop;\n${forward}\n\t}\n${more}}\n`;
  const nft = (text: string) => {
    const { devices, warnings } = parseNftables(text, 't.nft', 'gw');
    return { device: devices[0]!, warnings: about(warnings) };
  };

  it('reads named and anonymous sets, != negation and port sets (rules from line 9)', () => {
    const { device } = nft(ruleset('\t\tip saddr @lg ip daddr != 10.0.0.0/8 tcp dport { 22, 1000-2000 } accept'));
    const r = device.rules[0]!;
    expect(r.id).toBe('l9');
    expect(r.src).toEqual([ip('10.20.0.0'), ip('10.20.0.255'), ip('10.21.0.0'), ip('10.21.0.255')]);
    expect(r.dst).toEqual([0, ip('9.255.255.255'), ip('11.0.0.0'), 0xffffffff]);
    expect(r.services).toEqual([tcp(22), tcp(1000, 2000)]);
    expect(r.origin).toEqual({ file: 't.nft', line: 9, column: 3, label: 'ip saddr @lg ip daddr != 10.0.0.0/8 tcp dport { 22, 1000-2000 } accept' });
  });

  it('jumps to a chain, returns on one condition, and reads policy accept as a final permit', () => {
    const text = ruleset(
      '\t\tct state established,related accept\n\t\tiifname "eth1" jump x\n\t\tcounter accept',
      '\tchain x {\n\t\tip saddr 10.20.0.200 return\n\t\tdrop\n\t}\n',
    ).replace('policy drop', 'policy accept');
    const { device } = nft(text);
    // Line 9 (ct state) decides nothing; line 10 jumps to x (lines 14, 15): the drop spares the admin PC.
    expect(summary(device)).toEqual(['l10.l15 deny', 'l11 permit', 'l8 permit']);
    expect(device.rules[0]!.src).toEqual([0, ip('10.20.0.199'), ip('10.20.0.201'), 0xffffffff]);
    expect(device.rules[0]!.in).toEqual(['eth1']);
    expect(device.rules[2]!.origin.label).toBe('chain forward policy accept');
  });

  it('an unknown expression is a warning at its line:column; ip6 rules do not apply', () => {
    const { device, warnings } = nft(ruleset('\t\tmeta mark 0x1 drop\n\t\tmeta skuid 1000 tcp dport 22 accept\n\t\tip6 saddr ::1 drop'));
    expect(summary(device)).toEqual(['l10 permit']);
    expect(device.rules[0]!.services).toEqual([ANY_SERVICE]);
    expect(warnings.map((w) => `${w.loc.line}:${w.loc.column} ${w.en}`)).toEqual([
      '9:3 expression "meta mark 0x1" is not modelled: the drop is left out (it is not widened)',
      '10:3 expression "meta skuid 1000 tcp dport 22" is not modelled: the condition is left out (the accept is not narrowed)',
    ]);
  });

  it('reads icmpv6 as protocol 58 (as nft prints it in inet tables); icmp and icmpv6 types keep their protocol', () => {
    const { device, warnings } = nft(
      ruleset('\t\tmeta l4proto { tcp, icmpv6 } accept\n\t\ticmp type echo-request accept\n\t\ticmpv6 type nd-router-advert accept'),
    );
    // Before, line 9 was refused and line 11 (its condition left out) accepted every protocol.
    expect(device.rules.map((r) => [r.id, r.services.map((t) => `${t.protoLo}-${t.protoHi}`)])).toEqual([
      ['l9', ['6-6', '58-58']],
      ['l10', ['1-1']],
      ['l11', ['58-58']],
    ]);
    expect(warnings.map((w) => `${w.loc.line}:${w.loc.column}`)).toEqual(['10:3', '11:3']);
  });

  it('ct state vmap: only the verdict for new connections is a rule; an unreadable verdict map is left out with a warning', () => {
    const { device, warnings } = nft(
      ruleset(
        '\t\tct state vmap { established : accept, related : accept, invalid : drop }\n\t\tiifname "eth1" ct state vmap { established : accept, new : accept }\n\t\tiifname vmap { "eth2" : accept }',
      ),
    );
    // Line 9 decides nothing bunkatsu models; line 10 accepts eth1; line 11 cannot be read.
    expect(summary(device)).toEqual(['l10 permit']);
    expect(device.rules[0]!.in).toEqual(['eth1']);
    expect(warnings.map((w) => `${w.loc.line}:${w.loc.column} ${w.en}`)).toEqual([
      '11:3 "iifname vmap { "eth2" : accept }": no verdict could be read; the rule is left out',
    ]);
  });

  it.each([
    ['an unclosed brace', 'table inet filter {\n\tchain forward {\n', 'BNK_ERR_SYNTAX', '2:16', /never closed/],
    ['a jump to no chain', ruleset('\t\tjump nowhere'), 'BNK_ERR_UNKNOWN_REF', '9:8', /chain "nowhere"/],
    ['an undefined set', ruleset('\t\tip saddr @nope drop'), 'BNK_ERR_UNKNOWN_REF', '9:12', /set "nope"/],
    ['a bad address', ruleset('\t\tip daddr 10.0.0.0/33 accept'), 'BNK_ERR_SYNTAX', '9:12', /not an IPv4 address/],
    ['a statement outside a table', 'chain forward {\n}\n', 'BNK_ERR_SYNTAX', '1:1', /unknown statement "chain"/],
  ])('refuses %s at its line:column', (_what, text, code, at, message) => {
    const r = refused(() => parseNftables(text, 'bad.nft', 'gw'));
    expect(r.code).toBe(code);
    expect(r.at).toBe(at);
    expect(r.message).toMatch(message);
  });
});

describe('ip addr and ip route output', () => {
  it('reads ip -j addr JSON, leaving out loopback and keeping the first address of an interface', () => {
    const warnings: ImportWarning[] = [];
    const json = JSON.stringify([
      { ifname: 'lo', addr_info: [{ family: 'inet', local: '127.0.0.1', prefixlen: 8 }] },
      {
        ifname: 'eth0',
        addr_info: [
          { family: 'inet', local: '192.0.2.10', prefixlen: 24 },
          { family: 'inet', local: '192.0.2.11', prefixlen: 24 },
          { family: 'inet6', local: 'fe80::1', prefixlen: 64 },
        ],
      },
    ]);
    const f = parseIpAddr(json, 'a.json', warnings);
    expect(f.map((x) => [x.name, x.address!.ip, x.address!.subnet.lo, x.address!.subnet.length])).toEqual([['eth0', ip('192.0.2.10'), ip('192.0.2.0'), 24]]);
    expect(warnings[0]!.en).toMatch(/secondary address 192.0.2.11\/24/);
  });

  it('installs the lowest metric per prefix, multipath as ECMP, blackholes as drops', () => {
    const warnings: ImportWarning[] = [];
    const addr = '2: eth0: <UP>\n    inet 192.0.2.1/24 scope global eth0\n3: eth1: <UP>\n    inet 198.51.100.1/24 scope global eth1\n';
    const f = parseIpAddr(addr, 'a', warnings);
    const routes = parseIpRoute(
      'default via 192.0.2.254 dev eth0 metric 100\ndefault via 198.51.100.254 dev eth1 metric 200\n10.0.0.0/8\n\tnexthop via 192.0.2.9 dev eth0 weight 1\n\tnexthop via 198.51.100.9 dev eth1 weight 1\nblackhole 172.16.0.0/12\n192.0.2.0/24 dev eth0 proto kernel scope link src 192.0.2.1\n10.9.0.0/16 via 10.0.0.1 dev tun0\n',
      'r',
      f,
      warnings,
    );
    expect(routes.map((r) => `${r.prefix.lo}/${r.prefix.length} ${r.action} ${r.interfaces.join(',')} @${r.origin.line}`)).toEqual([
      `${ip('192.0.2.0')}/24 forward eth0 @2`,
      `${ip('198.51.100.0')}/24 forward eth1 @4`,
      '0/0 forward eth0 @1',
      `${ip('10.0.0.0')}/8 forward eth0,eth1 @3`,
      `${ip('172.16.0.0')}/12 drop  @6`,
    ]);
    expect(warnings.map((w) => `${w.loc.line} ${w.en}`)).toEqual([
      '8 route 10.9.0.0/16: interface "tun0" has no IPv4 address in the addresses file; the route is left out',
    ]);
  });
});
