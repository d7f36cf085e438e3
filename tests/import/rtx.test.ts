// The YAMAHA RTX importer: static filters (addresses, ranges, comma lists, port names, protocols
// that match replies only), secure filter lists per interface and direction with their implicit
// reject, dynamic filters after the static ones, pp select sections, routes; malformed lines at
// their line:column; the MIT-licensed fixtures of shin1ohno/terraform-provider-rtx; and packets
// traced through the composed topology. Expected values are worked out by hand in the comments.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENGINES } from '../../src/engine/registry.ts';
import type { Disposition, Hop } from '../../src/engine/types.ts';
import { InputError } from '../../src/errors.ts';
import { composeTopology } from '../../src/import/compose.ts';
import type { ConfigDevice, ConfigRule } from '../../src/import/config.ts';
import { parseRtx } from '../../src/import/rtx.ts';
import { loadSite } from '../../src/import/site.ts';
import { loadImported } from '../../src/model/load.ts';
import { type Network, zoneOfAddress } from '../../src/model/network.ts';
import { ALL } from '../../src/net/intervals.ts';
import { ANY_SERVICE } from '../../src/net/services.ts';
import { at, ip, set, tcp, udp } from './helpers.ts';

const DIR = 'tests/fixtures/import/rtx';
const BRANCH = `${DIR}/branch.conf`;
const branchText = readFileSync(resolve(BRANCH), 'utf8');

const device = (text: string): ConfigDevice => parseRtx(text, 'test.conf', 'rtx').devices[0]!;
const ruleById = (d: ConfigDevice, id: string): ConfigRule => {
  const r = d.rules.find((x) => x.id === id) ?? d.acls?.flatMap((a) => a.rules).find((x) => x.id === id);
  if (!r) throw new Error(`no rule ${id}: ${d.rules.map((x) => x.id).join(', ')}`);
  return r;
};

/** The one diagnostic of a refused parse: its code, line:column and message. */
function refused(text: string): { code: string; at: string; message: string } {
  try {
    parseRtx(text, 'bad.conf', 'rtx');
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    expect(error.diagnostics).toHaveLength(1);
    const d = error.diagnostics[0]!;
    return { code: d.code, at: `${d.loc.file}:${d.loc.line}:${d.loc.column}`, message: d.message };
  }
  throw new Error('accepted');
}

describe('parseRtx: the hand-written branch.conf', () => {
  const { devices, warnings } = parseRtx(branchText, BRANCH, 'branch');
  const d = devices[0]!;

  it('reads the interfaces in order of appearance: lan1 and lan2 with their subnets, pp1 (pp select 1) without one', () => {
    expect(d.id).toBe('branch');
    expect(d.interfaces.map((f) => [f.name, f.address?.subnet.length, f.outAcls])).toEqual([
      ['lan1', 24, undefined],
      ['lan2', 24, ['lan2-out']],
      ['pp1', undefined, ['pp1-out']],
    ]);
  });

  it('turns each in list into rules in listed order, leaves out what matches only replies, and ends in the reject of the list', () => {
    // lan1 in: 1010 1020 1025 1030 1040; 1040 (tcpfin,tcprst) matches no first packet: left out.
    // pp1 in: 3010 (established) left out, 3020; lan2 has no in list: every packet passes in.
    expect(d.rules.map((r) => `${r.id} ${r.action} ${r.in}`)).toEqual([
      'lan1-in-1010 deny lan1',
      'lan1-in-1020 permit lan1',
      'lan1-in-1025 permit lan1',
      'lan1-in-1030 permit lan1',
      'lan1-in-implicit-reject deny lan1',
      'pp1-in-3020 permit pp1',
      'pp1-in-implicit-reject deny pp1',
      'lan2-in-open permit lan2',
    ]);
    expect(at(ruleById(d, 'lan1-in-1020').origin)).toBe(`${BRANCH}:20:1 ip filter 1020 (lan1 in)`);
    expect(at(ruleById(d, 'lan1-in-implicit-reject').origin)).toBe(`${BRANCH}:7:1 lan1 secure filter in: no filter matched`);
    // The pp's list stands indented under pp select 1.
    expect(at(ruleById(d, 'pp1-in-implicit-reject').origin)).toBe(`${BRANCH}:13:2 pp1 secure filter in: no filter matched`);
  });

  it('reads comma lists, ranges and port names', () => {
    // 1020: dst 192.168.20.0/24 and 10.20.1.0-10.20.1.127; www,https = tcp/80, tcp/443.
    const r = ruleById(d, 'lan1-in-1020');
    expect(r.src).toEqual(set('192.168.10.0-192.168.10.255'));
    expect(r.dst).toEqual(set('10.20.1.0-10.20.1.127', '192.168.20.0-192.168.20.255'));
    expect(r.services).toEqual([tcp(80), tcp(443)]);
    expect(ruleById(d, 'lan1-in-1030').services).toEqual([udp(53)]);
    // 3030: udp,tcp netbios_ns-netbios_ssn = 137-139 of both, TCP first (protocol order).
    expect(ruleById(d, '3030').services).toEqual([tcp(137, 139), udp(137, 139)]);
  });

  it('a source port in a pass is read as any source port: 3020 lets the Internet open any TCP or UDP port in lan1', () => {
    const r = ruleById(d, 'pp1-in-3020');
    expect([r.src, r.dst, r.services]).toEqual([
      ALL,
      set('192.168.10.0-192.168.10.255'),
      [
        { protoLo: 6, protoHi: 6, portLo: 0, portHi: 65535 },
        { protoLo: 17, protoHi: 17, portLo: 0, portHi: 65535 },
      ],
    ]);
  });

  it('binds out lists as ACLs: the static filters, then the dynamic ones (what they let open), no-match rejected', () => {
    expect(d.acls!.map((a) => [a.name, a.rules.map((r) => r.id)])).toEqual([
      ['lan2-out', ['2010', '2020', 'dynamic-100']],
      ['pp1-out', ['3030', 'dynamic-101', 'dynamic-102']],
    ]);
    // dynamic 100: 192.168.10.0/24 → * ssh; dynamic 101 www: HTTP and HTTPS; 102 domain: DNS on TCP and UDP.
    const d100 = ruleById(d, 'dynamic-100');
    expect([d100.action, d100.src, d100.services]).toEqual(['permit', set('192.168.10.0-192.168.10.255'), [tcp(22)]]);
    expect(ruleById(d, 'dynamic-101').services).toEqual([tcp(80), tcp(443)]);
    expect(ruleById(d, 'dynamic-102').services).toEqual([tcp(53), udp(53)]);
    expect(at(d100.origin)).toBe(`${BRANCH}:29:1 ip filter dynamic 100 (lan2 out)`);
  });

  it('routes: connected subnets, the default out of pp1, a gateway address on lan2, a null route', () => {
    expect(d.routes.map((r) => `${r.prefix.lo === 0 ? 'default' : r.prefix.length} ${r.action} ${r.interfaces.join(',')} ${r.origin.line}`)).toEqual([
      '24 forward lan1 6',
      '24 forward lan2 8',
      'default forward pp1 3',
      '16 forward lan2 4',
      '16 drop  5',
    ]);
  });

  it('warns about pp, NAT and the source port, at the line:column, in both languages', () => {
    expect(warnings.map((w) => `${w.loc.line}:${w.loc.column} ${w.en.slice(0, 40)}`)).toEqual([
      '10:1 PP interfaces (PPP, PPPoE) are read as i',
      '15:2 NAT (nat descriptor) is not modelled: ad',
      '27:47 ip filter 3020: source ports are not mod',
    ]);
    expect(warnings.every((w) => w.ja.length > 0 && w.ja !== w.en)).toBe(true);
  });
});

describe('parseRtx: filter semantics', () => {
  const LAN = 'ip lan1 address 10.0.0.1/24\nip lan2 address 10.0.1.1/24\n';

  it('pass, reject, restrict with -log / -nolog; omitted fields are *', () => {
    const d = device(
      `${LAN}ip lan1 secure filter in 1 2 3 4\nip filter 1 pass-log 10.0.0.5\nip filter 2 reject-nolog * 10.0.1.0/255.255.255.0 icmp\nip filter 3 restrict-log * * tcp * 1024-\nip filter 4 reject * * 6,17 * -1023\n`,
    );
    expect(d.rules.slice(0, 4).map((r) => [r.action, r.src, r.dst, r.services])).toEqual([
      ['permit', set('10.0.0.5'), ALL, [ANY_SERVICE]],
      ['deny', ALL, set('10.0.1.0-10.0.1.255'), [{ protoLo: 1, protoHi: 1, portLo: 0, portHi: 65535 }]],
      // restrict passes while the line is connected: read as pass (warned once).
      ['permit', ALL, ALL, [tcp(1024, 65535)]],
      // -1023 is every port up to 1023; protocols by number.
      ['deny', ALL, ALL, [tcp(0, 1023), udp(0, 1023)]],
    ]);
  });

  it('address forms: a-b, -b, a-, trailing * octets, comma lists', () => {
    const d = device(`${LAN}ip lan1 secure filter in 1 2\nip filter 1 pass 10.0.0.5-10.0.0.9,-0.0.0.255 192.168.*.*\nip filter 2 pass 240.0.0.0- *\n`);
    expect([ruleById(d, 'lan1-in-1').src, ruleById(d, 'lan1-in-1').dst, ruleById(d, 'lan1-in-2').src]).toEqual([
      set('0.0.0.0-0.0.0.255', '10.0.0.5-10.0.0.9'),
      set('192.168.0.0-192.168.255.255'),
      set('240.0.0.0-255.255.255.255'),
    ]);
  });

  it('a port with protocol * is a port of TCP and UDP', () => {
    expect(ruleById(device(`${LAN}ip lan1 secure filter in 1\nip filter 1 pass * * * * 445\n`), 'lan1-in-1').services).toEqual([tcp(445), udp(445)]);
  });

  it('icmp-error in a pass is all of ICMP; in a reject it is left out, keeping the rest of the list', () => {
    const d = device(`${LAN}ip lan1 secure filter in 1 2\nip filter 1 reject * * icmp-error,udp\nip filter 2 pass * * icmp-info\n`);
    expect(ruleById(d, 'lan1-in-1').services).toEqual([udp(0, 65535)]);
    expect(ruleById(d, 'lan1-in-2').services).toEqual([{ protoLo: 1, protoHi: 1, portLo: 0, portHi: 65535 }]);
  });

  it('a reject on a source port is left out (not widened); a filter named twice in one list counts once', () => {
    // 1 rejects source port 135 only: left out. 2 appears twice: the second can never match.
    const d = device(`${LAN}ip lan1 secure filter in 1 2 2\nip filter 1 reject * * tcp 135 *\nip filter 2 pass * * * * *\n`);
    expect(d.rules.map((r) => r.id)).toEqual(['lan1-in-2', 'lan1-in-implicit-reject', 'lan2-in-open']);
  });

  it('a dynamic filter naming a static filter opens what both match', () => {
    // dynamic 9: 10.0.0.0/24 → *, filter 5 (tcp/443 to 203.0.113.0/24): 10.0.0.0/24 → 203.0.113.0/24 tcp/443.
    const d = device(
      `${LAN}ip lan2 secure filter out 6 dynamic 9\nip filter 5 pass * 203.0.113.0/24 tcp * https\nip filter 6 reject 10.0.0.66\nip filter dynamic 9 10.0.0.0/24 * filter 5 in 6\n`,
    );
    const r = ruleById(d, 'dynamic-9');
    expect([r.src, r.dst, r.services]).toEqual([set('10.0.0.0-10.0.0.255'), set('203.0.113.0-203.0.113.255'), [tcp(443)]]);
  });

  it('with secure filter lists but no dynamic filter, warns that replies are assumed to pass', () => {
    const { warnings } = parseRtx(`${LAN}ip lan1 secure filter in 1\nip filter 1 pass * *\n`, 'test.conf', 'rtx');
    expect(warnings.map((w) => `${w.loc.line}:${w.loc.column} ${w.en.slice(0, 33)}`)).toEqual(['3:1 no dynamic filter is bound: RTX t']);
  });

  it('tunnel select and route gateways tunnel N, dhcp lanN; a later ip route to one network replaces the earlier', () => {
    const d = device(
      `${LAN}tunnel select 1\n ip tunnel secure filter in 1\n ipsec tunnel 101\ntunnel select none\nip filter 1 pass * *\nip route 172.16.0.0/12 gateway tunnel 1\nip route default gateway 10.0.1.254\nip route default gateway dhcp lan2 gateway 10.0.0.254\n`,
    );
    expect(d.interfaces.map((f) => f.name)).toEqual(['lan1', 'lan2', 'tunnel1']);
    // A gateway pp 2 that no pp select names is an interface too (without a subnet), let in by no list.
    const pp = device(`${LAN}ip route 10.9.0.0/16 gateway pp 2\n`);
    expect([pp.interfaces.map((f) => f.name), pp.rules.map((r) => r.id)]).toEqual([
      ['lan1', 'lan2', 'pp2'],
      ['lan1-in-open', 'lan2-in-open', 'pp2-in-open'],
    ]);
    expect(d.routes.slice(2).map((r) => `${r.prefix.length} ${r.interfaces.join(',')} ${r.origin.line}`)).toEqual(['12 tunnel1 8', '0 lan2,lan1 10']);
  });
});

describe('parseRtx: malformed input', () => {
  it('a bad action, address, port or protocol is a syntax error at its word (or the item of a comma list)', () => {
    expect(refused('ip filter 10 allow * *\n')).toMatchObject({ code: 'BNK_ERR_SYNTAX', at: 'bad.conf:1:14' });
    expect(refused('ip filter 10 pass 192.168.1.300 *\n').at).toBe('bad.conf:1:19');
    // The second item of "10.0.0.1,10.0.0.x" starts 9 characters into the word at column 19.
    expect(refused('ip filter 10 pass 10.0.0.1,10.0.0.x *\n')).toMatchObject({
      at: 'bad.conf:1:28',
      message: 'ip filter 10: "10.0.0.x" is not an address, prefix or range (e.g. 192.168.1.0/24, 10.0.0.1-10.0.0.9, *)',
    });
    expect(refused('ip filter 10 pass * * tcp * 80,8o\n').at).toBe('bad.conf:1:32');
    expect(refused('ip filter 10 pass * * tcp,foo\n').at).toBe('bad.conf:1:27');
    expect(refused('ip filter 10 pass * * icmp * 80\n').message).toContain('protocol 1 has no ports');
    expect(refused('ip filter 10 pass\n')).toMatchObject({ at: 'bad.conf:1:19', message: 'ip filter 10: the source address is missing (write * for any)' });
    expect(refused('ip filter 10 pass * * tcp * 80 extra\n').at).toBe('bad.conf:1:32');
    // A filter number with a letter O for a zero.
    expect(refused('ip filter 1O pass * *\n')).toMatchObject({ at: 'bad.conf:1:11', message: '"1O" is not a filter number (1-2147483647)' });
    expect(refused('ip filter dynamic 2x * * www\n').at).toBe('bad.conf:1:19');
  });

  it('a filter number nobody defines in a secure filter list is an unknown reference at the number', () => {
    expect(refused('ip lan1 secure filter in 10 20\nip filter 10 pass * *\n')).toEqual({
      code: 'BNK_ERR_UNKNOWN_REF',
      at: 'bad.conf:1:29',
      message: 'lan1 secure filter in: filter 20 is not defined (no "ip filter 20 …")',
    });
    expect(refused('ip lan1 secure filter out 10 dynamic 5\nip filter 10 pass * *\n')).toMatchObject({ code: 'BNK_ERR_UNKNOWN_REF', at: 'bad.conf:1:38' });
  });

  it('a filter defined twice, a list that is not numbers, ip pp outside pp select, a bad route', () => {
    expect(refused('ip filter 10 pass * *\nip filter 10 reject * *\n')).toMatchObject({ code: 'BNK_ERR_DUPLICATE_ID', at: 'bad.conf:2:11' });
    expect(refused('ip lan1 secure filter in 10 x\n').at).toBe('bad.conf:1:29');
    expect(refused('ip lan1 secure filter both 10\n').at).toBe('bad.conf:1:23');
    expect(refused('ip pp secure filter in 1\n')).toMatchObject({ code: 'BNK_ERR_SYNTAX', at: 'bad.conf:1:4' });
    expect(refused('ip route 10.0.0.0/33 gateway 10.0.0.1\n').at).toBe('bad.conf:1:10');
    expect(refused('ip lan1 address 10.0.0.1\n').at).toBe('bad.conf:1:17');
  });
});

describe('parseRtx: fixtures of shin1ohno/terraform-provider-rtx (MIT)', () => {
  const LONG = `${DIR}/interface_filter_long_list.txt`;
  const longText = readFileSync(resolve(LONG), 'utf8');

  it('interface_filter_long_list.txt binds filters it never defines: the first is an unknown reference', () => {
    // Line 12: "ip lan1 secure filter in 200020 …": the number starts at column 26.
    expect(refused(longText)).toMatchObject({ code: 'BNK_ERR_UNKNOWN_REF', at: 'bad.conf:12:26' });
  });

  it('interface_filter_long_list.txt with every filter defined: lists in order, dynamic ones after, tunnel1 read', () => {
    // Define each number the file binds: static ones as rejects, those after "dynamic" as dynamic tcp.
    const statics = new Set<string>();
    const dynamics = new Set<string>();
    for (const m of longText.matchAll(/secure filter (?:in|out) ([0-9 ]+?)(?: dynamic ([0-9 ]+))?$/gm)) {
      for (const n of m[1]!.trim().split(/ +/)) statics.add(n);
      for (const n of (m[2] ?? '').trim().split(/ +/).filter(Boolean)) dynamics.add(n);
    }
    const defs = [...[...statics].map((n) => `ip filter ${n} reject * * * * *`), ...[...dynamics].map((n) => `ip filter dynamic ${n} * * tcp`)];
    const { devices, warnings } = parseRtx(`${longText}\n${defs.join('\n')}\n`, LONG, 'rtx');
    const d = devices[0]!;
    expect(d.interfaces.map((f) => `${f.name} ${f.address ? f.address.subnet.length : '-'}`)).toEqual([
      'lan1 24',
      'lan2 24',
      'lan3 24',
      'lan4 24',
      'tunnel1 30',
    ]);
    // lan1 in: 13 filters then its reject; lan3 in: 22; tunnel1 in: 13; lan4 has no in list.
    const inOf = (name: string) => d.rules.filter((r) => r.in?.[0] === name).map((r) => r.id);
    expect(inOf('lan1')).toHaveLength(14);
    expect(inOf('lan1').slice(0, 3)).toEqual(['lan1-in-200020', 'lan1-in-200021', 'lan1-in-200022']);
    expect(inOf('lan3')).toHaveLength(23);
    expect(inOf('lan4')).toEqual(['lan4-in-open']);
    // lan2 out: 12 static, then the 5 dynamic ones.
    const lan2 = d.acls!.find((a) => a.name === 'lan2-out')!;
    expect(lan2.rules.map((r) => r.id).slice(10)).toEqual([
      '300110',
      '300111',
      'dynamic-300200',
      'dynamic-300201',
      'dynamic-300202',
      'dynamic-300203',
      'dynamic-300204',
    ]);
    // Line 18 "ip lan1 nat descriptor 1"; line 41 "ip tunnel1 address" (the tool's spelling of tunnel select 1 + ip tunnel).
    expect(warnings.map((w) => `${w.loc.line}:${w.loc.column} ${w.en.slice(0, 25)}`)).toEqual([
      '18:1 NAT (nat descriptor) is n',
      '41:1 VPN (tunnel, ipsec, l2tp,',
    ]);
  });

  it('static_route_multi_gateway.txt: the last line per network wins; pp, tunnel, dhcp, null and dotted masks', () => {
    const ROUTES = `${DIR}/static_route_multi_gateway.txt`;
    // The file has no interfaces: give lan1 the subnet its gateways are on (prepended, so its lines move by one).
    const { devices, warnings } = parseRtx(`ip lan1 address 192.168.1.1/24\n${readFileSync(resolve(ROUTES), 'utf8')}`, ROUTES, 'rtx');
    const routes = devices[0]!.routes.map((r) => `${formatPrefix(r.prefix)} ${r.action} ${r.interfaces.join(',')} ${r.origin.line}`);
    expect(routes).toEqual([
      '192.168.1.0/24 forward lan1 1',
      // default: line 7 (192.168.1.1), replaced by line 34 "gateway dhcp lan2"; the networks in order of first line.
      '0.0.0.0/0 forward lan2 34',
      '10.33.128.0/21 forward lan1 12',
      '172.16.0.0/12 forward lan1 16',
      '10.10.0.0/16 forward pp2 20',
      '192.168.100.0/24 forward tunnel2 24',
      '10.20.0.0/16 forward lan1 27',
      '10.30.0.0/16 forward lan1 31',
      '192.0.2.0/24 drop  37',
      '10.0.0.0/8 forward lan1 40',
      '10.40.0.0/16 forward tunnel5 45',
    ]);
    // Filter-based routing and every replaced route are warned.
    expect(warnings.filter((w) => w.en.includes('filter-based')).map((w) => w.loc.line)).toEqual([15, 16, 30, 31]);
    expect(warnings.filter((w) => w.en.includes('replaces')).map((w) => w.loc.line)).toEqual([11, 12, 16, 20, 24, 31, 34, 44, 45]);
  });

  it('every IPv4 example of ip_filter.yaml reads as the pattern says', () => {
    // Each example "input: ip filter …" is read alone; action and protocol are checked against "expected".
    const yaml = readFileSync(resolve(`${DIR}/ip_filter.yaml`), 'utf8');
    const inputs = [...yaml.matchAll(/- input: "(ip filter (?:dynamic )?[0-9]+ [^"]*)"\n\s+expected:\n\s+number: [0-9]+\n\s+(action|source): "([^"]+)"/g)];
    expect(inputs.length).toBe(24);
    for (const [, line, field, value] of inputs) {
      const text = `ip lan1 secure filter in ${line!.split(' ')[line!.startsWith('ip filter dynamic') ? 3 : 2]}\n${line}\n`.replace(
        /in ([0-9]+)\nip filter dynamic/,
        'in dynamic $1\nip filter dynamic',
      );
      const rules = device(text).rules.filter((r) => r.in?.[0] === 'lan1' && !r.id.endsWith('implicit-reject'));
      if (field === 'action') {
        // established matches replies only: such a filter decides nothing bunkatsu models.
        if (line!.endsWith('established')) expect(rules).toEqual([]);
        else expect(rules.map((r) => r.action)).toEqual([value === 'reject' ? 'deny' : 'permit']);
      } else expect(rules.map((r) => r.action)).toEqual(['permit']); // a dynamic filter lets a connection open
    }
  });
});

const formatPrefix = (p: { lo: number; length: number }): string => `${[24, 16, 8, 0].map((s) => (p.lo >>> s) & 255).join('.')}/${p.length}`;

// --- Packets traced through the composed topology: the same answer from every engine.

describe('branch.conf composed with its site file', () => {
  const site = loadSite(readFileSync(resolve(`${DIR}/site.yaml`), 'utf8'), `${DIR}/site.yaml`);
  const { doc } = composeTopology([parseRtx(branchText, BRANCH, 'branch')], site);
  const network = loadImported(doc as Record<string, unknown>, 'imported');

  /** What becomes of one packet: its end, and the rule that decided (a permit on the way, or the deny). */
  function fate(n: Network, engine: string, src: string, dst: string, protocol: number, port: number): string {
    const outcomes = ENGINES[engine]!(n).trace(zoneOfAddress(n, ip(src)), { src: ip(src), dst: ip(dst), protocol, port });
    return outcomes
      .map((o) => {
        const permit = o.hops.find((h): h is Extract<Hop, { kind: 'device' }> => h.kind === 'device' && h.rule !== undefined)?.rule;
        return ending(n, o.disposition, permit ? `${permit.id}@${permit.loc.line}` : '-');
      })
      .join(' | ');
  }
  function ending(n: Network, d: Disposition, permit: string): string {
    if (d.kind === 'delivered') return `delivered ${n.zones[d.zone]!.id} by ${permit}`;
    if (d.kind !== 'denied') return d.kind;
    // An out list that no filter matched: the ACL's own no-match.
    if (d.rule?.acl && d.rule.id === 'default') return `denied by ${d.rule.acl} (no filter matched)`;
    return `denied by ${d.rule ? `${d.rule.acl ? `${d.rule.acl}/` : ''}${d.rule.id}@${d.rule.loc.line}` : 'default'}`;
  }

  const cases: Array<[string, string, string, number, number, string]> = [
    // lan1 in: 1010 (not .66), 1020 (10.20.1.10 is in 10.20.1.0-127, https) passes; route 10.20/16 → lan2;
    // lan2 out: 2010 (dst .5 only) no, 2020 (tcp/443 from 192.168.10.0/24) passes.
    ['office to the main office over https', '192.168.10.5', '10.20.1.10', 6, 443, 'delivered honcho by lan1-in-1020@20'],
    // 1010 rejects 192.168.10.66 before anything else.
    ['the blocked PC', '192.168.10.66', '10.20.1.10', 6, 443, 'denied by lan1-in-1010@19'],
    // 10.20.1.200 is beyond 1020's range; 1025 wants 192.168.20.0/24; 1030 is UDP; 1040 left out → the list's reject (line 7).
    ['beyond the range', '192.168.10.5', '10.20.1.200', 6, 443, 'denied by lan1-in-implicit-reject@7'],
    // 1025 passes RDP in; lan2 out 2010 rejects RDP to 192.168.20.5.
    ['RDP to the guarded server', '192.168.10.5', '192.168.20.5', 6, 3389, 'denied by lan2-out/2010@24'],
    // RDP to .6: 2010 no, 2020 (80/443) no, dynamic 100 (ssh) no → the out list rejects (no rule matched).
    ['RDP to another server', '192.168.10.5', '192.168.20.6', 6, 3389, 'denied by lan2-out (no filter matched)'],
    // ssh to .6: 1025 passes in; lan2 out: dynamic 100 (192.168.10.0/24 ssh) opens it.
    ['ssh through the dynamic filter', '192.168.10.5', '192.168.20.6', 6, 22, 'delivered honcho by lan1-in-1025@21'],
    // DNS to the Internet: 1030 passes in; default route → pp1; pp1 out: 3030 (netbios) no, dynamic 102 domain opens it.
    ['DNS to the Internet', '192.168.10.5', '8.8.8.8', 17, 53, 'delivered internet by lan1-in-1030@22'],
    // Web to the Internet: lan1 in has no filter for it → reject.
    ['web to the Internet', '192.168.10.5', '8.8.8.8', 6, 443, 'denied by lan1-in-implicit-reject@7'],
    // From the Internet: 3010 (established) is left out; 3020 (source port domain, read as any) passes TCP to lan1.
    ['the Internet opens a port in the office', '8.8.8.8', '192.168.10.5', 6, 443, 'delivered office by pp1-in-3020@27'],
    ['ICMP from the Internet', '8.8.8.8', '192.168.10.5', 1, 0, 'denied by pp1-in-implicit-reject@13'],
    // 10.99.0.0/16 is a null route: 1030 passes the packet in, the route drops it.
    ['the null route', '192.168.10.5', '10.99.0.1', 17, 53, 'discarded'],
    // lan2 has no in list: anything entering by lan2 passes; lan1 has no out list.
    ['from the main office', '10.20.1.10', '192.168.10.5', 6, 445, 'delivered office by lan2-in-open@8'],
  ];
  for (const engine of Object.keys(ENGINES))
    it(`traces each packet as worked out by hand (${engine} engine)`, () => {
      for (const [what, src, dst, proto, port, expected] of cases)
        expect(`${what}: ${fate(network, engine, src, dst, proto, port)}`).toBe(`${what}: ${expected}`);
    });

  it('the zones come from the site file, pp1 attached to the Internet', () => {
    expect(network.zones.map((z) => `${z.id} ${z.domain}`)).toEqual(['internet public-internet', 'office lgwan', 'honcho lgwan']);
  });
});
