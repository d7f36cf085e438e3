// Reads YAMAHA RTX configurations (`show config` text) into the vendor-neutral form of
// config.ts: interfaces with their addresses (`ip lan1 address`), static filters
// (`ip filter N pass|reject|restrict …`) and dynamic filters (`ip filter dynamic N …`) bound per
// interface and direction (`ip lan1 secure filter in|out …`), and static routes (`ip route`).
// A packet through the router must pass the in list of the interface it enters by and the out
// list of the one it leaves by; each list is first match, and a bound list rejects what none of
// its filters matches. In lists become rules with `in: [interface]` (findings cite the filter
// line), out lists named ACLs (a packet needs both). What could change reachability and is not
// modelled is a warning at its file:line:column; a malformed filter, address or route is an
// InputError at its place. No I/O here.

import { type Bilingual, type InputError, inputError, type Loc, refuseBinary, syntaxError } from '../errors.ts';
import { ALL, intersect, union } from '../net/intervals.ts';
import { type Ipv4Prefix, parseIpv4 } from '../net/ipv4.ts';
import { ANY_SERVICE, PORT_MAX, PORT_PROTOCOLS, PROTO_MAX, type ServiceTerm } from '../net/services.ts';
import type { ConfigAcl, ConfigDevice, ConfigInterface, ConfigRoute, ConfigRule, ImportedConfig, ImportWarning, SkippedSection } from './config.ts';
import { normalizeServices } from './terms.ts';
import { definedTwice } from './texts.ts';

interface Word {
  readonly text: string;
  readonly column: number;
}

interface Line {
  readonly words: readonly Word[];
  readonly loc: Loc;
  /** The pp or tunnel selected by `pp select N` / `tunnel select N` when the line was read. */
  readonly pp: string | undefined;
  readonly tunnel: string | undefined;
}

type Action = 'permit' | 'deny';

/** A static filter as read: its addresses and services, or `undefined` services when it decides nothing bunkatsu models. */
interface StaticFilter {
  readonly number: number;
  readonly action: Action;
  readonly src: readonly number[];
  readonly dst: readonly number[];
  readonly services: readonly ServiceTerm[] | undefined;
  readonly text: string;
  readonly loc: Loc;
}

/** A dynamic filter: the first packet it lets through (its replies always pass in bunkatsu). */
interface DynamicFilter {
  readonly number: number;
  readonly src: readonly number[];
  readonly dst: readonly number[];
  /** The application's services, or the static filter it names (`filter F`), resolved once every filter is read. */
  readonly services: readonly ServiceTerm[] | { readonly filter: Word; readonly line: Line };
  readonly text: string;
  readonly loc: Loc;
}

/** `ip IFACE secure filter in|out N… [dynamic N…]`. */
interface Binding {
  readonly statics: readonly Word[];
  readonly dynamics: readonly Word[];
  readonly line: Line;
}

interface Interface {
  readonly name: string;
  address?: { ip: number; subnet: Ipv4Prefix };
  origin: Loc;
  in?: Binding;
  out?: Binding;
}

const FILTER_NUMBER_MAX = 2_147_483_647;
/** Interface names `ip <name> …` takes (pp and tunnel are followed by the selected or a written number). */
const LAN_INTERFACE = /^(lan[0-9]+([./][0-9]+)?|vlan[0-9]+|bridge[0-9]+|loopback[0-9]+|wan[0-9]+|onu[0-9]+)$/;
/** `ip tunnel1 …` / `ip pp1 …`: how some tools write `ip tunnel …` under `tunnel select 1`. */
const NUMBERED_PP_TUNNEL = /^(pp|tunnel)[0-9]+$/;

/** The port mnemonics of RTX static filters (ip filter); a number works everywhere. */
const PORT_NAMES: Readonly<Record<string, number>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, number>, {
    ftpdata: 20,
    ftp: 21,
    ssh: 22,
    telnet: 23,
    smtp: 25,
    domain: 53,
    dns: 53,
    bootps: 67,
    bootpc: 68,
    tftp: 69,
    gopher: 70,
    finger: 79,
    www: 80,
    http: 80,
    pop3: 110,
    sunrpc: 111,
    ident: 113,
    nntp: 119,
    ntp: 123,
    netbios_ns: 137,
    netbios_dgm: 138,
    netbios_ssn: 139,
    imap: 143,
    snmp: 161,
    snmptrap: 162,
    bgp: 179,
    imap3: 220,
    ldap: 389,
    https: 443,
    microsoft_ds: 445,
    ike: 500,
    rlogin: 513,
    rwho: 513,
    syslog: 514,
    printer: 515,
    talk: 517,
    route: 520,
    uucp: 540,
    submission: 587,
    imaps: 993,
    pop3s: 995,
    ms_sql: 1433,
    pptp: 1723,
    nfs: 2049,
    rdp: 3389,
  }),
);

/** Protocols of a static filter that match exactly the packets opening a connection. */
const EXACT_PROTOCOLS: Readonly<Record<string, number>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, number>, {
    icmp: 1,
    tcp: 6,
    tcpsyn: 6, // the SYN opening a connection: all of TCP as far as first packets go
    udp: 17,
    ipv6: 41,
    gre: 47,
    esp: 50,
    ah: 51,
    icmp6: 58,
    ospf: 89,
    pim: 103,
    sctp: 132,
  }),
);

/** Protocols that match only some packets of a protocol: a pass is read as the whole protocol, a reject leaves them out. */
const PARTIAL_PROTOCOLS: Readonly<Record<string, number>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, number>, { 'icmp-error': 1, 'icmp-info': 1 }),
);

/** Protocols that match no packet opening a connection (replies, FIN, RST): they decide nothing bunkatsu models. */
const REPLY_PROTOCOLS = new Set(['established', 'tcpfin', 'tcprst']);

const tcp = (lo: number, hi = lo): ServiceTerm => ({ protoLo: 6, protoHi: 6, portLo: lo, portHi: hi });
const udp = (lo: number, hi = lo): ServiceTerm => ({ protoLo: 17, protoHi: 17, portLo: lo, portHi: hi });
const allOf = (proto: number): ServiceTerm => ({ protoLo: proto, protoHi: proto, portLo: 0, portHi: PORT_MAX });

/** The first packets dynamic filters' applications open connections with. */
const DYNAMIC_APPLICATIONS: Readonly<Record<string, readonly ServiceTerm[]>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, readonly ServiceTerm[]>, {
    '*': [ANY_SERVICE],
    tcp: [allOf(6)],
    udp: [allOf(17)],
    icmp: [allOf(1)],
    ping: [allOf(1)],
    ftp: [tcp(21)],
    tftp: [udp(69)],
    domain: [tcp(53), udp(53)],
    dns: [tcp(53), udp(53)],
    // A dynamic www follows HTTP and HTTPS (a static filter's www is port 80 only).
    www: [tcp(80), tcp(443)],
    http: [tcp(80)],
    https: [tcp(443)],
    smtp: [tcp(25)],
    submission: [tcp(587)],
    pop3: [tcp(110)],
    pop3s: [tcp(995)],
    imap: [tcp(143)],
    imaps: [tcp(993)],
    telnet: [tcp(23)],
    ssh: [tcp(22)],
    ntp: [udp(123)],
  }),
);

function prefixOf(ip: number, length: number): Ipv4Prefix {
  const size = 2 ** (32 - length);
  const lo = ip - (ip % size);
  return { lo, hi: lo + size - 1, length };
}

function maskLength(mask: number): number | undefined {
  const inverted = ~mask >>> 0;
  // A netmask is ones then zeros: its inverse plus one is a power of two.
  return ((inverted + 1) & inverted) >>> 0 === 0 ? 32 - Math.log2(inverted + 1) : undefined;
}

/** A prefix `a.b.c.d/len` or `a.b.c.d/m.m.m.m`; undefined when the text is not one. */
function parsePrefix(text: string): Ipv4Prefix | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIpv4(text.slice(0, slash));
  const tail = text.slice(slash + 1);
  const length = /^[0-9]{1,2}$/.test(tail) ? Number(tail) : tail.includes('.') ? maskLength(parseIpv4(tail) ?? 1) : undefined;
  if (ip === undefined || length === undefined || length > 32) return undefined;
  return prefixOf(ip, length);
}

/** An interface name safe in rule ids and ACL names (`lan1/1` → `lan1_1`). */
const idOf = (name: string): string => name.replace(/\//g, '_');

/** Commands that cannot affect forwarding (logging, name and time services, management): counted as skipped. */
const NOT_FORWARDING: ReadonlySet<string> = new Set([
  'syslog',
  'dns',
  'ntpdate',
  'sntpd',
  'snmp',
  'login',
  'administrator',
  'console',
  'timezone',
  'telnetd',
  'sshd',
  'httpd',
]);

class RtxReader {
  readonly warnings: ImportWarning[] = [];
  readonly skipped: SkippedSection[] = [];
  private readonly warnedOnce = new Set<string>();
  private readonly interfaces = new Map<string, Interface>();
  private readonly filters = new Map<number, StaticFilter>();
  private readonly dynamics = new Map<number, DynamicFilter>();

  constructor(readonly file: string) {}

  private warn(loc: Loc, text: Bilingual): void {
    this.warnings.push({ loc, ...text });
  }

  /** Warns once per kind of unmodelled feature, at its first line. */
  private warnOnce(key: string, loc: Loc, text: Bilingual): void {
    if (this.warnedOnce.has(key)) return;
    this.warnedOnce.add(key);
    this.warn(loc, text);
  }

  private at(line: Line, word: Word, offset = 0): Loc {
    return { file: this.file, line: line.loc.line, column: word.column + offset };
  }

  /** Where a missing word would stand: just after the line's last word. */
  private end(line: Line): Loc {
    const last = line.words[line.words.length - 1]!;
    return { file: this.file, line: line.loc.line, column: last.column + last.text.length + 1 };
  }

  read(text: string, name: string): ConfigDevice {
    const lines = this.lines(text);
    const routeLines: Line[] = [];
    for (const line of lines) {
      const w = line.words.map((x) => x.text);
      if ((w[0] === 'pp' || w[0] === 'tunnel') && w[1] === 'select') this.select(line);
      else if (w[0] === 'ip' && w[1] === 'filter') this.filterCommand(line);
      else if (w[0] === 'ip' && w[1] === 'route') routeLines.push(line);
      else if (w[0] === 'ip' && w[1] !== undefined) this.interfaceCommand(line);
      else if (NOT_FORWARDING.has(w[0]!)) this.skipped.push({ section: w[0]!, loc: line.loc });
      else this.otherCommand(line);
    }
    // Routes first: a gateway `pp 2` or `dhcp lan3` may name an interface no other line does.
    const routes = this.routes(routeLines);
    const rules: ConfigRule[] = [];
    const acls: ConfigAcl[] = [];
    const interfaces: ConfigInterface[] = [];
    let dynamicBound = false;
    let firstBinding: Line | undefined;
    for (const f of this.interfaces.values()) {
      for (const b of [f.in, f.out]) {
        if (!b) continue;
        dynamicBound ||= b.dynamics.length > 0;
        if (!firstBinding || b.line.loc.line < firstBinding.loc.line) firstBinding = b.line;
      }
      const id = idOf(f.name);
      if (f.in) rules.push(...this.list(f.in, `${id}-in-`, [f.name], `${f.name} secure filter in`));
      let outAcls: string[] | undefined;
      if (f.out) {
        const acl = `${id}-out`;
        acls.push({ name: acl, rules: this.list(f.out, '', undefined, `${f.name} secure filter out`) });
        outAcls = [acl];
      }
      interfaces.push({ name: f.name, ...(f.address ? { address: f.address } : {}), ...(outAcls ? { outAcls } : {}), origin: f.origin });
    }
    // An interface without an in list lets every packet in (RTX filters nothing unless a list is bound).
    for (const f of this.interfaces.values()) {
      if (f.in) continue;
      const label = `${f.name}: no secure filter in`;
      rules.push({
        id: `${idOf(f.name)}-in-open`,
        action: 'permit',
        src: ALL,
        dst: ALL,
        services: [ANY_SERVICE],
        in: [f.name],
        description: `${label} (every packet entering by ${f.name} passes)`,
        origin: { ...f.origin, label },
      });
    }
    if (firstBinding && !dynamicBound)
      this.warn(firstBinding.loc, {
        en: 'no dynamic filter is bound: RTX then passes replies only through static filters (e.g. established); bunkatsu reads every firewall as stateful, so a reply the router drops is not seen',
        ja: '動的フィルタが適用されていません: RTX は応答パケットを静的フィルタ（established など）でしか通しませんが、bunkatsu はすべてのファイアウォールをステートフルとして扱うため、ルータが破棄する応答は検出されません',
      });
    return {
      id: name,
      vendor: 'rtx',
      interfaces,
      rules,
      acls,
      routes,
      origin: { file: this.file, line: 1, column: 1, label: `device ${name}` },
    };
  }

  // --- Lines.

  /** The commands of the text, each knowing the pp / tunnel selected above it; `#` lines are comments. */
  private lines(text: string): Line[] {
    const out: Line[] = [];
    let pp: string | undefined;
    let tunnel: string | undefined;
    text
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/)
      .forEach((raw, i) => {
        const words: Word[] = [];
        for (const m of raw.matchAll(/"[^"]*"|\S+/g)) words.push({ text: m[0], column: m.index + 1 });
        if (words.length === 0 || words[0]!.text.startsWith('#')) return;
        const loc: Loc = { file: this.file, line: i + 1, column: words[0]!.column };
        const [head, second, third] = words.map((w) => w.text);
        if ((head === 'pp' || head === 'tunnel') && second === 'select') {
          const selected = third && /^[0-9]+$/.test(third) ? `${head}${Number(third)}` : undefined;
          if (head === 'pp') pp = selected;
          else tunnel = selected;
        }
        out.push({ words, loc, pp, tunnel });
      });
    return out;
  }

  /** `pp select N` / `tunnel select N`: the interface ppN / tunnelN exists. */
  private select(line: Line): void {
    const [head, , third] = line.words.map((w) => w.text);
    const selected = head === 'pp' ? line.pp : line.tunnel;
    if (!selected) return; // select none
    this.iface(selected, { ...line.loc, label: `${head} select ${third}` });
    if (head === 'pp')
      this.warnOnce('pp', line.loc, {
        en: 'PP interfaces (PPP, PPPoE) are read as interfaces pp1, pp2, … without a subnet (the address is negotiated): attach them to a zone in the site file; the PPP session itself is not modelled',
        ja: 'PP インタフェース（PPP、PPPoE）はサブネットのないインタフェース pp1、pp2 … として読み込みます（アドレスは接続時に決まるため）。サイトファイルでゾーンに接続してください。PPP セッション自体はモデル化していません',
      });
    else this.warnVpn(line.loc);
  }

  private warnVpn(loc: Loc): void {
    this.warnOnce('vpn', loc, {
      en: 'VPN (tunnel, ipsec, l2tp, pptp) is not modelled: a tunnel is read as an interface tunnel1, … without a subnet, and traffic inside tunnels is not analysed',
      ja: 'VPN (tunnel、ipsec、l2tp、pptp) はモデル化していません: トンネルはサブネットのないインタフェース tunnel1 … として読み込み、トンネル内の通信は分析しません',
    });
  }

  private iface(name: string, origin: Loc): Interface {
    let f = this.interfaces.get(name);
    if (!f) {
      f = { name, origin };
      this.interfaces.set(name, f);
    }
    return f;
  }

  private otherCommand(line: Line): void {
    const [head, second] = line.words.map((w) => w.text);
    if (head === 'nat' && second === 'descriptor') this.warnNat(line.loc);
    else if (head === 'ipsec' || head === 'l2tp' || head === 'pptp') this.warnVpn(line.loc);
    else if ((head === 'ospf' || head === 'bgp' || head === 'rip') && second === 'use' && line.words[2]?.text === 'on')
      this.warnOnce(head, line.loc, {
        en: `${head} is not modelled: forwarding follows the static routes only`,
        ja: `${head} はモデル化していません（転送は静的経路のみに従います）`,
      });
    // Every other command (dhcp, ipv6 …) does not change which IPv4 packets pass.
  }

  private warnNat(loc: Loc): void {
    this.warnOnce('nat', loc, {
      en: 'NAT (nat descriptor) is not modelled: addresses are matched as configured, before translation',
      ja: 'NAT (nat descriptor) はモデル化していません（アドレスは変換前の設定値で照合します）',
    });
  }

  // --- Interfaces: `ip lan1 address …`, `ip lan1 secure filter …`, `ip pp …`, `ip tunnel …`.

  private interfaceCommand(line: Line): void {
    const w = line.words;
    const kind = w[1]!.text;
    let name: string;
    let i = 2;
    if (kind === 'pp' || kind === 'tunnel') {
      // `ip pp …` names the selected pp; `ip pp 1 …` (also accepted) a written one.
      const written = w[2] && /^[0-9]+$/.test(w[2].text) ? `${kind}${Number(w[2].text)}` : undefined;
      if (written) i = 3;
      const selected = written ?? (kind === 'pp' ? line.pp : line.tunnel);
      if (!selected)
        throw syntaxError(this.at(line, w[1]!), {
          en: `"ip ${kind} …" stands outside a "${kind} select N" section: which ${kind} it configures is not known`,
          ja: `"ip ${kind} …" が "${kind} select N" の外にあるため、どの ${kind} の設定か分かりません`,
        });
      name = selected;
    } else if (LAN_INTERFACE.test(kind)) name = kind;
    else if (NUMBERED_PP_TUNNEL.test(kind)) {
      name = kind;
      if (kind.startsWith('tunnel')) this.warnVpn(line.loc);
    } else return; // a global ip command (ip routing, ip host, ip stealth …): nothing that filters or routes
    const sub = w.slice(i).map((x) => x.text);
    if (sub[0] === 'address') {
      const f = this.iface(name, { ...line.loc, label: `ip ${name} address` });
      const value = w[i + 1];
      if (!value) {
        throw syntaxError(this.end(line), {
          en: `ip ${name} address: the address is missing (e.g. 192.168.1.1/24)`,
          ja: `ip ${name} address: アドレスがありません（例: 192.168.1.1/24）`,
        });
      }
      if (value.text === 'dhcp' || value.text === 'ipcp') {
        this.warn(line.loc, {
          en: `interface ${name}: address by ${value.text}; no subnet is known, so it is attached to no zone (name it in the site file)`,
          ja: `インタフェース ${name}: アドレスを ${value.text} で取得するためサブネットが分からず、どのゾーンにも接続していません（サイトファイルで指定してください）`,
        });
        return;
      }
      const prefix = parsePrefix(value.text);
      const ip = parseIpv4(value.text.split('/')[0]!);
      if (!prefix || ip === undefined)
        throw syntaxError(this.at(line, value), {
          en: `"${value.text}" is not an address with its prefix length (e.g. 192.168.1.1/24)`,
          ja: `"${value.text}" はプレフィックス長付きのアドレスではありません（例: 192.168.1.1/24）`,
        });
      f.address = { ip, subnet: prefix };
      f.origin = { ...line.loc, label: `ip ${name} address ${value.text}` };
    } else if (sub[0] === 'secondary' && sub[1] === 'address') {
      this.warn(line.loc, {
        en: `interface ${name}: a secondary address is not modelled (only the primary subnet is connected)`,
        ja: `インタフェース ${name}: セカンダリアドレスはモデル化していません（接続サブネットはプライマリのみ）`,
      });
    } else if (sub[0] === 'secure' && sub[1] === 'filter') {
      this.binding(line, name, i + 2);
    } else if (sub[0] === 'nat' && sub[1] === 'descriptor') {
      this.warnNat(line.loc);
    }
  }

  private binding(line: Line, name: string, at: number): void {
    const w = line.words;
    const dir = w[at]?.text;
    if (dir === 'name') {
      this.warn(line.loc, {
        en: `ip ${name} secure filter name: filter sets are not modelled; the interface is read as unfiltered`,
        ja: `ip ${name} secure filter name: フィルタセットはモデル化していないため、このインタフェースはフィルタなしとして扱います`,
      });
      return;
    }
    if (dir !== 'in' && dir !== 'out')
      throw syntaxError(w[at] ? this.at(line, w[at]) : this.end(line), {
        en: `ip ${name} secure filter: expected "in" or "out", not "${dir ?? ''}"`,
        ja: `ip ${name} secure filter: "${dir ?? ''}" ではなく "in" か "out" を書きます`,
      });
    const statics: Word[] = [];
    const dynamics: Word[] = [];
    let list = statics;
    for (const word of w.slice(at + 1)) {
      if (word.text === 'dynamic' && list === statics) list = dynamics;
      else if (/^[0-9]{1,10}$/.test(word.text) && Number(word.text) >= 1 && Number(word.text) <= FILTER_NUMBER_MAX) list.push(word);
      else {
        throw syntaxError(this.at(line, word), {
          en: `ip ${name} secure filter ${dir}: "${word.text}" is not a filter number`,
          ja: `ip ${name} secure filter ${dir}: "${word.text}" はフィルタ番号ではありません`,
        });
      }
    }
    const f = this.iface(name, { ...line.loc, label: `ip ${name}` });
    f[dir] = { statics, dynamics, line };
  }

  /** The rules of one bound list: its static filters in order, then its dynamic ones, then the reject of what none matched. */
  private list(b: Binding, prefix: string, inIfaces: readonly string[] | undefined, label: string): ConfigRule[] {
    const rules: ConfigRule[] = [];
    const seen = new Set<string>();
    const where = inIfaces ? { in: inIfaces } : {};
    for (const word of b.statics) {
      const n = Number(word.text);
      const f = this.filters.get(n);
      if (!f)
        throw inputError('BNK_ERR_UNKNOWN_REF', this.at(b.line, word), {
          en: `${label}: filter ${n} is not defined (no "ip filter ${n} …")`,
          ja: `${label}: フィルタ ${n} は定義されていません（"ip filter ${n} …" がありません）`,
        });
      // A number listed twice can never match the second time (first match): it is left out.
      if (seen.has(`s${n}`) || !f.services) continue;
      seen.add(`s${n}`);
      rules.push({
        id: `${prefix}${n}`,
        action: f.action,
        src: f.src,
        dst: f.dst,
        services: f.services,
        ...where,
        description: `${label}: ${f.text}`,
        origin: { ...f.loc, label: `ip filter ${n} (${label.replace(' secure filter', '')})` },
      });
    }
    for (const word of b.dynamics) {
      const n = Number(word.text);
      const f = this.dynamics.get(n);
      if (!f)
        throw inputError('BNK_ERR_UNKNOWN_REF', this.at(b.line, word), {
          en: `${label}: dynamic filter ${n} is not defined (no "ip filter dynamic ${n} …")`,
          ja: `${label}: 動的フィルタ ${n} は定義されていません（"ip filter dynamic ${n} …" がありません）`,
        });
      if (seen.has(`d${n}`)) continue;
      seen.add(`d${n}`);
      const resolved = this.dynamicServices(f);
      if (!resolved) continue;
      rules.push({
        id: `${prefix}dynamic-${n}`,
        action: 'permit',
        src: resolved.src,
        dst: resolved.dst,
        services: resolved.services,
        ...where,
        description: `${label}: ${f.text}`,
        origin: { ...f.loc, label: `ip filter dynamic ${n} (${label.replace(' secure filter', '')})` },
      });
    }
    // In lists end in their reject here; an out list is a named ACL, whose no-match is already a reject.
    if (inIfaces) {
      const deny = `${label}: no filter matched`;
      rules.push({
        id: `${prefix}implicit-reject`,
        action: 'deny',
        src: ALL,
        dst: ALL,
        services: [ANY_SERVICE],
        ...where,
        description: `${deny} (the packet is rejected)`,
        origin: { ...b.line.loc, label: deny },
      });
    }
    return rules;
  }

  private dynamicServices(f: DynamicFilter): { src: readonly number[]; dst: readonly number[]; services: readonly ServiceTerm[] } | undefined {
    if (Array.isArray(f.services)) return { src: f.src, dst: f.dst, services: f.services };
    const { filter, line } = f.services as { filter: Word; line: Line };
    const s = this.filters.get(Number(filter.text));
    if (!s)
      throw inputError('BNK_ERR_UNKNOWN_REF', this.at(line, filter), {
        en: `ip filter dynamic ${f.number}: filter ${filter.text} is not defined`,
        ja: `ip filter dynamic ${f.number}: フィルタ ${filter.text} は定義されていません`,
      });
    if (!s.services) return undefined;
    // The connection opens with what both the dynamic filter's addresses and the named filter match.
    return { src: intersect(f.src, s.src), dst: intersect(f.dst, s.dst), services: s.services };
  }

  // --- Filters.

  private filterCommand(line: Line): void {
    const w = line.words;
    const what = w[2]?.text;
    // A word starting with a digit is meant as a filter number (a typo such as 1O is an error).
    if (what === 'dynamic' && w[3] && /^[0-9]/.test(w[3].text)) this.dynamicFilter(line);
    else if (what !== undefined && /^[0-9]/.test(what)) this.staticFilter(line);
    else if (what === 'set')
      this.warnOnce('filter set', line.loc, {
        en: 'ip filter set (filter sets) is not modelled; interfaces that use one are read as unfiltered',
        ja: 'ip filter set（フィルタセット）はモデル化していません。これを使うインタフェースはフィルタなしとして扱います',
      });
    // ip filter source-route, directed-broadcast, dynamic timer …: options that pass no transit traffic.
  }

  private filterNumber(line: Line, word: Word): number {
    const n = Number(word.text);
    if (!/^[0-9]{1,10}$/.test(word.text) || n < 1 || n > FILTER_NUMBER_MAX)
      throw syntaxError(this.at(line, word), {
        en: `"${word.text}" is not a filter number (1-${FILTER_NUMBER_MAX})`,
        ja: `"${word.text}" はフィルタ番号（1～${FILTER_NUMBER_MAX}）ではありません`,
      });
    return n;
  }

  /** `ip filter N ACTION SRC [DST [PROTO [SRCPORT [DSTPORT]]]]`; omitted fields are `*`. */
  private staticFilter(line: Line): void {
    const w = line.words;
    const n = this.filterNumber(line, w[2]!);
    const label = `ip filter ${n}`;
    if (this.filters.has(n)) throw inputError('BNK_ERR_DUPLICATE_ID', this.at(line, w[2]!), definedTwice(label, this.filters.get(n)!.loc.line));
    const actionWord = w[3];
    const actionText = actionWord?.text.replace(/-(no)?log$/, '');
    if (actionText !== 'pass' && actionText !== 'reject' && actionText !== 'restrict')
      throw syntaxError(actionWord ? this.at(line, actionWord) : this.end(line), {
        en: `${label}: expected pass, reject or restrict (with -log or -nolog), not "${actionWord?.text ?? ''}"`,
        ja: `${label}: "${actionWord?.text ?? ''}" ではなく "pass"、"reject"、"restrict"（"-log" や "-nolog" 付きも可）のいずれかを書きます`,
      });
    if (actionText === 'restrict')
      this.warnOnce('restrict', this.at(line, actionWord!), {
        en: 'restrict filters pass a packet while the line is connected and reject it while it is down; lines are modelled as connected, so restrict is read as pass',
        ja: 'restrict のフィルタは回線の接続中は通過させ、切断中は破棄します。回線は接続中として扱うため、restrict は pass として読み込みます',
      });
    const action: Action = actionText === 'reject' ? 'deny' : 'permit';
    if (!w[4]) {
      throw syntaxError(this.end(line), {
        en: `${label}: the source address is missing (write * for any)`,
        ja: `${label}: 送信元アドレスがありません（すべてとするには "*" と書きます）`,
      });
    }
    // A trailing `established` (as some tools write it) makes the filter match replies only.
    const trailing = w[9]?.text === 'established' ? 10 : 9;
    if (w.length > trailing) {
      throw syntaxError(this.at(line, w[trailing]!), {
        en: `${label}: "${w[trailing]!.text}" follows the destination port; nothing may`,
        ja: `${label}: 宛先ポートの後に "${w[trailing]!.text}" があります。宛先ポートの後には何も書けません`,
      });
    }
    const src = this.addresses(line, w[4], label);
    const dst = w[5] ? this.addresses(line, w[5], label) : ALL;
    const services = trailing === 10 ? undefined : this.services(line, w[6], w[7], w[8], action, label);
    this.filters.set(n, {
      number: n,
      action,
      src,
      dst,
      services,
      text: w
        .slice(3)
        .map((x) => x.text)
        .join(' '),
      loc: { ...line.loc, label },
    });
  }

  /** `ip filter dynamic N SRC DST APPLICATION [options]` or `… SRC DST filter F [in F…] [out F…]`. */
  private dynamicFilter(line: Line): void {
    const w = line.words;
    const n = this.filterNumber(line, w[3]!);
    const label = `ip filter dynamic ${n}`;
    if (this.dynamics.has(n)) throw inputError('BNK_ERR_DUPLICATE_ID', this.at(line, w[3]!), definedTwice(label, this.dynamics.get(n)!.loc.line));
    if (!w[6]) {
      throw syntaxError(this.end(line), {
        en: `${label}: expected source, destination and an application (e.g. * * www)`,
        ja: `${label}: 送信元、宛先、アプリケーションを書きます（例: "* * www"）`,
      });
    }
    const src = this.addresses(line, w[4]!, label);
    const dst = this.addresses(line, w[5]!, label);
    const app = w[6];
    let services: DynamicFilter['services'];
    if (app.text === 'filter') {
      const filter = w[7];
      if (!filter || !/^[0-9]+$/.test(filter.text))
        throw syntaxError(filter ? this.at(line, filter) : this.end(line), {
          en: `${label}: "filter" needs a filter number`,
          ja: `${label}: "filter" にはフィルタ番号が必要です`,
        });
      services = { filter, line };
    } else {
      const known = DYNAMIC_APPLICATIONS[app.text];
      if (known) services = known;
      else {
        services = [ANY_SERVICE];
        this.warn(this.at(line, app), {
          en: `${label}: application "${app.text}" is not known to bunkatsu; it is read as every service (the pass is not narrowed)`,
          ja: `${label}: アプリケーション "${app.text}" のポートが分からないため、すべてのサービスとして扱います（許可を狭めません）`,
        });
      }
    }
    this.dynamics.set(n, {
      number: n,
      src,
      dst,
      services,
      text: w
        .slice(2)
        .map((x) => x.text)
        .join(' '),
      loc: { ...line.loc, label },
    });
  }

  /** `*`, an address, `a.b.c.d/len`, `a.b.c.d/m.m.m.m`, `a-b`, `-b`, `a-`, `192.168.1.*`, or a comma list of these. */
  private addresses(line: Line, word: Word, label: string): number[] {
    if (word.text === '*') return [...ALL];
    let set: number[] = [];
    let offset = 0;
    for (const item of word.text.split(',')) {
      const bad = (): InputError =>
        syntaxError(this.at(line, word, offset), {
          en: `${label}: "${item}" is not an address, prefix or range (e.g. 192.168.1.0/24, 10.0.0.1-10.0.0.9, *)`,
          ja: `${label}: "${item}" はアドレス、プレフィックス、範囲のいずれでもありません（例: 192.168.1.0/24、10.0.0.1-10.0.0.9、*）`,
        });
      let lo: number | undefined;
      let hi: number | undefined;
      if (item.includes('/')) {
        const p = parsePrefix(item);
        if (!p) throw bad();
        [lo, hi] = [p.lo, p.hi];
      } else if (item.includes('*')) {
        // Trailing octets written * stand for every value: 192.168.1.* is 192.168.1.0/24.
        const octets = item.split('.');
        const stars = octets.indexOf('*');
        if (octets.length !== 4 || stars < 0 || octets.slice(stars).some((o) => o !== '*')) throw bad();
        const base = parseIpv4(octets.map((o) => (o === '*' ? '0' : o)).join('.'));
        if (base === undefined) throw bad();
        const p = prefixOf(base, stars * 8);
        [lo, hi] = [p.lo, p.hi];
      } else if (item.includes('-')) {
        const [a, b] = item.split('-');
        lo = a === '' ? 0 : parseIpv4(a!);
        hi = b === '' ? 0xffffffff : parseIpv4(b!);
        if (lo === undefined || hi === undefined || hi < lo || item.split('-').length !== 2) throw bad();
      } else {
        lo = parseIpv4(item);
        hi = lo;
        if (lo === undefined) throw bad();
      }
      set = union(set, [lo, hi!]);
      offset += item.length + 1;
    }
    return set;
  }

  /** `*`, a port or mnemonic, `a-b`, `-b`, `a-`, or a comma list of these; undefined for `*` (every port). */
  private ports(line: Line, word: Word, label: string): number[] | undefined {
    if (word.text === '*') return undefined;
    let set: number[] = [];
    let offset = 0;
    for (const item of word.text.split(',')) {
      const port = (t: string): number | undefined => (/^[0-9]{1,5}$/.test(t) && Number(t) <= PORT_MAX ? Number(t) : PORT_NAMES[t]);
      const parts = item.split('-');
      const lo = parts[0] === '' ? 0 : port(parts[0]!);
      const hi = parts.length === 1 ? lo : parts[1] === '' ? PORT_MAX : port(parts[1]!);
      if (parts.length > 2 || lo === undefined || hi === undefined || hi < lo || item === '-')
        throw syntaxError(this.at(line, word, offset), {
          en: `${label}: "${item}" is not a port, port name or range (e.g. 80, www, 1024-65535, *)`,
          ja: `${label}: "${item}" はポート番号、ポート名、範囲のいずれでもありません（例: 80、"www"、1024-65535、"*"）`,
        });
      set = union(set, [lo, hi]);
      offset += item.length + 1;
    }
    return set;
  }

  /**
   * The services of a static filter, or undefined when it decides nothing bunkatsu models. What
   * cannot be matched exactly is read so as not to hide an exposure: a pass is not narrowed, a
   * reject is not widened.
   */
  private services(
    line: Line,
    protoWord: Word | undefined,
    srcPortWord: Word | undefined,
    dstPortWord: Word | undefined,
    action: Action,
    label: string,
  ): ServiceTerm[] | undefined {
    const protocols = new Set<number>();
    let anyProtocol = !protoWord || protoWord.text === '*';
    if (protoWord && !anyProtocol) {
      let offset = 0;
      for (const item of protoWord.text.split(',')) {
        const loc = this.at(line, protoWord, offset);
        offset += item.length + 1;
        if (item === '*') anyProtocol = true;
        else if (/^[0-9]{1,3}$/.test(item) && Number(item) <= PROTO_MAX) protocols.add(Number(item));
        else if (EXACT_PROTOCOLS[item] !== undefined) protocols.add(EXACT_PROTOCOLS[item]);
        else if (REPLY_PROTOCOLS.has(item))
          continue; // matches no first packet: nothing to add
        else if (PARTIAL_PROTOCOLS[item] !== undefined || item.startsWith('tcpflag')) {
          const proto = PARTIAL_PROTOCOLS[item] ?? 6;
          if (action === 'permit') {
            protocols.add(proto);
            this.warn(loc, {
              en: `${label}: "${item}" matches some packets of the protocol; the pass is read for all of ${proto === 1 ? 'ICMP' : 'TCP'} (not narrowed)`,
              ja: `${label}: "${item}" はプロトコルの一部のパケットにのみ該当します。pass は ${proto === 1 ? 'ICMP' : 'TCP'} 全体として扱います（許可を狭めません）`,
            });
          } else
            this.warn(loc, {
              en: `${label}: "${item}" matches some packets of the protocol; the reject leaves it out (not widened)`,
              ja: `${label}: "${item}" はプロトコルの一部のパケットにのみ該当するため、reject から除外します（拒否を広げません）`,
            });
        } else {
          throw syntaxError(loc, {
            en: `${label}: "${item}" is not a protocol (tcp, udp, icmp, established, a number, * …)`,
            ja: `${label}: "${item}" はプロトコルではありません（tcp、udp、icmp、"established"、番号、"*" など）`,
          });
        }
      }
    }
    // Only replies (established, FIN, RST), or partial protocols in a reject (warned above): no
    // connection opens or is refused through this filter.
    if (!anyProtocol && protocols.size === 0) return undefined;
    const srcPorts = srcPortWord ? this.ports(line, srcPortWord, label) : undefined;
    const dstPorts = dstPortWord ? this.ports(line, dstPortWord, label) : undefined;
    if (srcPorts) {
      if (action === 'deny') {
        this.warn(this.at(line, srcPortWord!), {
          en: `${label}: source ports are not modelled; the reject is left out (not widened to every source port)`,
          ja: `${label}: 送信元ポートはモデル化していないため、この reject は除外します（すべての送信元ポートに広げません）`,
        });
        return undefined;
      }
      this.warn(this.at(line, srcPortWord!), {
        en: `${label}: source ports are not modelled (any source port; the pass is not narrowed)`,
        ja: `${label}: 送信元ポートはモデル化していません（任意の送信元ポートとして扱い、許可を狭めません）`,
      });
    }
    if (!dstPorts) return anyProtocol ? [ANY_SERVICE] : normalizeServices([...protocols].map(allOf));
    // Ports belong to TCP and UDP: "*" with a port is those two.
    const withPorts = anyProtocol ? [6, 17] : [...protocols];
    const portless = withPorts.find((p) => !PORT_PROTOCOLS.has(p));
    if (portless !== undefined)
      throw syntaxError(this.at(line, dstPortWord!), {
        en: `${label}: a destination port is given but protocol ${portless} has no ports (ports go with tcp and udp)`,
        ja: `${label}: 宛先ポートがありますが、プロトコル ${portless} にはポートがありません（ポートは tcp と udp のものです）`,
      });
    const terms: ServiceTerm[] = [];
    for (const p of withPorts)
      for (let i = 0; i < dstPorts.length; i += 2) terms.push({ protoLo: p, protoHi: p, portLo: dstPorts[i]!, portHi: dstPorts[i + 1]! });
    return normalizeServices(terms);
  }

  // --- Routes.

  /** Connected subnets, then `ip route` lines: a later line for the same network replaces the earlier one, as on the router. */
  private routes(lines: readonly Line[]): ConfigRoute[] {
    const connected: ConfigRoute[] = [];
    for (const f of this.interfaces.values())
      if (f.address) connected.push({ prefix: f.address.subnet, action: 'forward', interfaces: [f.name], origin: f.origin });
    const key = (p: Ipv4Prefix): string => `${p.lo}/${p.length}`;
    const connectedKeys = new Set(connected.map((r) => key(r.prefix)));
    const statics = new Map<string, ConfigRoute>();
    for (const line of lines) {
      const route = this.route(line);
      if (!route) continue;
      const k = key(route.prefix);
      if (connectedKeys.has(k)) continue; // a connected subnet wins over a static route to it
      if (statics.has(k))
        this.warn(line.loc, {
          en: `${route.origin.label}: replaces the earlier route to the same network (line ${statics.get(k)!.origin.line})`,
          ja: `${route.origin.label}: 同じ宛先への前の経路（${statics.get(k)!.origin.line} 行目）を置き換えます`,
        });
      statics.set(k, route);
    }
    return [...connected, ...statics.values()];
  }

  /** `ip route NETWORK gateway G [options] [gateway G2 [options]] …`. */
  private route(line: Line): ConfigRoute | undefined {
    const w = line.words;
    const label = w
      .map((x) => x.text)
      .join(' ')
      .slice(0, 100);
    const netWord = w[2];
    if (!netWord) {
      throw syntaxError(this.end(line), {
        en: 'ip route: the network is missing (default or a.b.c.d/len)',
        ja: 'ip route: 宛先ネットワークがありません（"default" または a.b.c.d/len を書きます）',
      });
    }
    let prefix: Ipv4Prefix | undefined;
    if (netWord.text === 'default') prefix = prefixOf(0, 0);
    else if (netWord.text.includes('/')) prefix = parsePrefix(netWord.text);
    else {
      const ip = parseIpv4(netWord.text);
      prefix = ip === undefined ? undefined : prefixOf(ip, 32);
    }
    if (!prefix) {
      throw syntaxError(this.at(line, netWord), {
        en: `ip route: "${netWord.text}" is not a network (default, 10.0.0.0/8, 10.0.0.0/255.0.0.0)`,
        ja: `ip route: "${netWord.text}" はネットワークではありません（"default"、10.0.0.0/8、10.0.0.0/255.0.0.0 のように書きます）`,
      });
    }
    if (w[3]?.text !== 'gateway') {
      throw syntaxError(w[3] ? this.at(line, w[3]) : this.end(line), {
        en: 'ip route: expected "gateway" after the network',
        ja: 'ip route: ネットワークの後に "gateway" を書きます',
      });
    }
    const origin: Loc = { ...line.loc, label };
    const forward: string[] = [];
    let drop = false;
    let gateways = 0;
    let conditional = false;
    for (let i = 3; i < w.length; i++) {
      const t = w[i]!.text;
      if (t === 'filter' || t === 'dpi') conditional = true;
      if (t !== 'gateway') continue;
      gateways++;
      const g = w[i + 1];
      if (!g) {
        throw syntaxError(this.end(line), {
          en: 'ip route: "gateway" needs an address, pp N, tunnel N, dhcp lanN or null',
          ja: 'ip route: "gateway" にはアドレス、"pp N"、"tunnel N"、"dhcp lanN"、"null" のいずれかが必要です',
        });
      }
      const next = w[i + 2]?.text;
      if (g.text === 'pp' || g.text === 'tunnel') {
        if (next === 'anonymous') {
          this.warn(this.at(line, g), {
            en: `${label}: anonymous PP gateways are not modelled; left out`,
            ja: `${label}: anonymous の PP ゲートウェイはモデル化していないため除外しました`,
          });
          continue;
        }
        if (!next || !/^[0-9]+$/.test(next)) {
          throw syntaxError(this.at(line, g), { en: `ip route: "gateway ${g.text}" needs a number`, ja: `ip route: "gateway ${g.text}" には番号が必要です` });
        }
        const name = `${g.text}${Number(next)}`;
        if (!this.interfaces.has(name)) this.iface(name, origin);
        forward.push(name);
      } else if (g.text === 'dhcp') {
        if (!next || !LAN_INTERFACE.test(next)) {
          throw syntaxError(this.at(line, g), {
            en: 'ip route: "gateway dhcp" needs an interface (e.g. dhcp lan2)',
            ja: 'ip route: "gateway dhcp" にはインタフェースが必要です（例: dhcp lan2）',
          });
        }
        this.iface(next, origin);
        forward.push(next);
      } else if (g.text === 'null' || g.text === 'loopback') {
        drop = true;
      } else {
        const ip = parseIpv4(g.text);
        if (ip === undefined) {
          throw syntaxError(this.at(line, g), {
            en: `ip route: "${g.text}" is not a gateway (an address, pp N, tunnel N, dhcp lanN, null)`,
            ja: `ip route: "${g.text}" はゲートウェイではありません（アドレス、"pp N"、"tunnel N"、"dhcp lanN"、"null" のいずれかを書きます）`,
          });
        }
        const via = [...this.interfaces.values()].find((f) => f.address && f.address.subnet.lo <= ip && ip <= f.address.subnet.hi);
        if (!via) {
          this.warn(this.at(line, g), {
            en: `${label}: no interface is on the subnet of gateway ${g.text}; the gateway is left out`,
            ja: `${label}: ゲートウェイ ${g.text} のサブネットにあるインタフェースがないため、このゲートウェイは除外しました`,
          });
          continue;
        }
        forward.push(via.name);
      }
    }
    if (conditional)
      this.warn(line.loc, {
        en: `${label}: filter-based routing (filter, dpi) is not modelled; the gateways are used for every packet`,
        ja: `${label}: フィルタ型ルーティング（filter、dpi）はモデル化していません。ゲートウェイはすべてのパケットに使うものとして扱います`,
      });
    if (gateways > 1)
      this.warn(line.loc, {
        en: `${label}: several gateways (weight, keepalive, hide) are read as equal next hops`,
        ja: `${label}: 複数のゲートウェイ（weight、keepalive、hide）は同等の転送先として扱います`,
      });
    const unique = [...new Set(forward)];
    if (unique.length > 0) return { prefix, action: 'forward', interfaces: unique, origin };
    if (drop) return { prefix, action: 'drop', interfaces: [], origin };
    return undefined;
  }
}

/** Reads one YAMAHA RTX configuration (`show config`). The device is named `name` (RTX configurations carry no host name). */
export function parseRtx(text: string, file: string, name: string): ImportedConfig {
  refuseBinary(text, file);
  const reader = new RtxReader(file);
  const device = reader.read(text, name);
  return { devices: [device], warnings: reader.warnings, skipped: reader.skipped };
}
