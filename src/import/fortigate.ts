// Reads FortiGate (FortiOS) configurations (`show` / backup text: config/edit/set/next/end)
// into the vendor-neutral form of config.ts: interfaces and their subnets, system zones,
// address objects and groups, services and groups, firewall policies in order, static routes;
// one device per VDOM. What it cannot model and could change reachability is a warning with
// its file:line:column; a malformed file is an InputError at its location. No I/O here.

import { type Bilingual, inputError, type Loc, refuseBinary, syntaxError } from '../errors.ts';
import { ALL, subtract, union } from '../net/intervals.ts';
import { formatIpv4, IPV4_MAX, type Ipv4Prefix, parseIpv4 } from '../net/ipv4.ts';
import { ANY_SERVICE, PORT_MAX, PROTO_MAX, type ServiceTerm } from '../net/services.ts';
import { refuseGroupCycles } from './groups.ts';
import { complementServices, normalizeServices } from './terms.ts';
import { ADDRESS_GROUP, containsItself, notDefined, SERVICE_GROUP, UNTERMINATED_QUOTE } from './texts.ts';
import type { ConfigDevice, ConfigInterface, ConfigRoute, ConfigRule, ImportedConfig, ImportWarning, SkippedSection } from './config.ts';

// --- The statement tree: config <path> / edit <name> / set <key> <values> / next / end.

export interface Setting {
  readonly values: readonly string[];
  readonly loc: Loc;
}

export interface Block {
  /** The words after `config`, joined by one space: `firewall policy`. */
  readonly path: string;
  readonly loc: Loc;
  readonly sets: Map<string, Setting>;
  readonly edits: Edit[];
  readonly blocks: Block[];
}

export interface Edit {
  readonly name: string;
  readonly loc: Loc;
  readonly sets: Map<string, Setting>;
  readonly blocks: Block[];
}

interface Token {
  readonly text: string;
  readonly column: number;
}

/** Splits the text into statements of words; a quoted string may span lines (certificates, comments). */
function* statements(text: string, file: string): Generator<{ tokens: Token[]; loc: Loc }> {
  // A byte order mark is kept by the decoder (encoding.ts); it is no part of the first statement.
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const tokens: Token[] = [];
    const start = i;
    let line = lines[i]!;
    let at = 0;
    while (true) {
      while (at < line.length && (line[at] === ' ' || line[at] === '\t')) at++;
      if (at >= line.length) break;
      if (tokens.length === 0 && line[at] === '#') break; // a comment or the #config-version header
      const column = at + 1;
      if (line[at] === '"' || line[at] === "'") {
        const quote = line[at]!;
        let value = '';
        at++;
        while (true) {
          if (at >= line.length) {
            // The quoted string goes on on the next line.
            if (i + 1 >= lines.length) throw syntaxError({ file, line: start + 1, column }, UNTERMINATED_QUOTE);
            value += '\n';
            line = lines[++i]!;
            at = 0;
            continue;
          }
          const c = line[at]!;
          if (c === '\\' && at + 1 < line.length) {
            value += line[at + 1];
            at += 2;
          } else if (c === quote) {
            at++;
            break;
          } else {
            value += c;
            at++;
          }
        }
        tokens.push({ text: value, column });
      } else {
        let end = at;
        while (end < line.length && line[end] !== ' ' && line[end] !== '\t') end++;
        tokens.push({ text: line.slice(at, end), column });
        at = end;
      }
    }
    if (tokens.length > 0) yield { tokens, loc: { file, line: start + 1, column: tokens[0]!.column } };
  }
}

/** Parses FortiOS configuration text into its blocks; throws InputError at the first malformed statement. */
export function parseFortiosTree(text: string, file: string): Block[] {
  const top: Block[] = [];
  // The open blocks and edits, innermost last.
  const stack: Array<Block | Edit> = [];
  const isBlock = (x: Block | Edit | undefined): x is Block => x !== undefined && 'path' in x;
  // The entries of each section by name, to refuse one edited twice without a scan per edit.
  const editNames = new Map<Block, Map<string, Edit>>();
  for (const { tokens, loc } of statements(text, file)) {
    const [head, ...rest] = tokens;
    const word = head!.text;
    const inner = stack[stack.length - 1];
    const args = rest.map((t) => t.text);
    switch (word) {
      case 'config': {
        if (args.length === 0)
          throw syntaxError(loc, {
            en: '"config" needs a section name, e.g. config firewall policy',
            ja: '"config" にはセクション名が必要です（例: "config firewall policy"）',
          });
        const block: Block = { path: args.join(' '), loc, sets: new Map(), edits: [], blocks: [] };
        if (inner === undefined) top.push(block);
        else inner.blocks.push(block);
        stack.push(block);
        break;
      }
      case 'edit': {
        if (!isBlock(inner)) {
          throw syntaxError(
            loc,
            inner
              ? { en: '"edit" before the "next" of the previous entry', ja: '前のエントリの "next" より前に "edit" があります' }
              : { en: '"edit" outside any "config" section', ja: '"edit" が "config" セクションの外にあります' },
          );
        }
        if (args.length !== 1) {
          throw syntaxError(loc, {
            en: '"edit" takes one name (quote a name with spaces)',
            ja: '"edit" に書ける名前は1つです（空白を含む名前は引用符で囲みます）',
          });
        }
        // A configuration (`show`) never edits one entry twice in a section; a file that does is
        // not one, and reading either entry alone would be a guess.
        let names = editNames.get(inner);
        if (!names) editNames.set(inner, (names = new Map()));
        const twice = names.get(args[0]!);
        if (twice)
          throw inputError(
            'BNK_ERR_DUPLICATE_ID',
            { ...loc, column: rest[0]!.column },
            {
              en: `"edit ${args[0]}" appears twice in "config ${inner.path}" (first at line ${twice.loc.line})`,
              ja: `"config ${inner.path}" に "edit ${args[0]}" が2回あります（最初は ${twice.loc.line} 行目）`,
            },
          );
        const edit: Edit = { name: args[0]!, loc, sets: new Map(), blocks: [] };
        names.set(edit.name, edit);
        inner.edits.push(edit);
        stack.push(edit);
        break;
      }
      case 'next':
        if (inner === undefined || isBlock(inner)) throw syntaxError(loc, { en: '"next" without an "edit"', ja: '"edit" のない "next" です' });
        stack.pop();
        break;
      case 'end':
        if (inner === undefined) throw syntaxError(loc, { en: '"end" without a "config"', ja: '"config" のない "end" です' });
        // An "end" closes the section; FortiOS accepts it in place of the last entry's "next".
        if (!isBlock(inner)) stack.pop();
        stack.pop();
        break;
      // FortiOS writes `select` / `unselect` for some list settings (`select interface port3`):
      // `select` replaces the list as `set` does, `unselect` takes the named values out of it.
      case 'set':
      case 'select':
      case 'unset':
      case 'unselect':
      case 'append': {
        if (inner === undefined) throw syntaxError(loc, { en: `"${word}" outside any "config" section`, ja: `"${word}" が "config" セクションの外にあります` });
        if (args.length === 0) throw syntaxError(loc, { en: `"${word}" needs a setting name`, ja: `"${word}" には設定項目の名前が必要です` });
        const [key, ...values] = args;
        const previous = inner.sets.get(key!);
        if (word === 'unset') inner.sets.delete(key!);
        else if (word === 'unselect') {
          if (previous) inner.sets.set(key!, { values: previous.values.filter((v) => !values.includes(v)), loc: previous.loc });
        } else inner.sets.set(key!, { values: word === 'append' && previous ? [...previous.values, ...values] : values, loc });
        break;
      }
      default:
        throw syntaxError(loc, {
          en: `unknown statement "${word}" (expected config, edit, set, select, unset, unselect, append, next or end)`,
          ja: `不明な文 "${word}" です（"config"、"edit"、"set"、"select"、"unset"、"unselect"、"append"、"next"、"end" のいずれかを書きます）`,
        });
    }
  }
  const open = stack[stack.length - 1];
  if (open) {
    throw syntaxError(
      open.loc,
      isBlock(open)
        ? { en: `"config ${open.path}" is never closed by "end"`, ja: `"config ${open.path}" が "end" で閉じられていません` }
        : { en: `"edit ${open.name}" is never closed by "next" or "end"`, ja: `"edit ${open.name}" が "next" または "end" で閉じられていません` },
    );
  }
  return top;
}

// --- From the tree to devices.

/** FortiOS predefined services, used when the configuration does not define them itself (FortiOS default configuration). */
const PREDEFINED_SERVICES: Readonly<Record<string, readonly string[]>> = {
  ALL: ['any'],
  ALL_TCP: ['tcp/1-65535'],
  ALL_UDP: ['udp/1-65535'],
  ALL_ICMP: ['icmp'],
  PING: ['icmp'],
  HTTP: ['tcp/80'],
  HTTPS: ['tcp/443'],
  SSH: ['tcp/22'],
  TELNET: ['tcp/23'],
  FTP: ['tcp/21'],
  DNS: ['tcp/53', 'udp/53'],
  NTP: ['tcp/123', 'udp/123'],
  SMTP: ['tcp/25'],
  SMTPS: ['tcp/465'],
  POP3: ['tcp/110'],
  POP3S: ['tcp/995'],
  IMAP: ['tcp/143'],
  IMAPS: ['tcp/993'],
  LDAP: ['tcp/389'],
  SAMBA: ['tcp/139'],
  SMB: ['tcp/445'],
  RDP: ['tcp/3389'],
  SNMP: ['tcp/161-162', 'udp/161-162'],
  SYSLOG: ['udp/514'],
};

/** Sections that can change what passes or where it goes, and that this importer does not model. */
const UNMODELLED_SECTIONS: Readonly<Record<string, { en: string; ja: string }>> = {
  'firewall vip': { en: 'virtual IPs (destination NAT) are not modelled', ja: 'バーチャル IP（宛先 NAT）はモデル化していません' },
  'firewall vipgrp': { en: 'virtual IP groups (destination NAT) are not modelled', ja: 'バーチャル IP グループ（宛先 NAT）はモデル化していません' },
  'firewall central-snat-map': { en: 'central SNAT is not modelled', ja: 'セントラル SNAT はモデル化していません' },
  'firewall local-in-policy': {
    en: 'local-in policies (traffic to the FortiGate itself) are not modelled',
    ja: 'ローカルインポリシー（FortiGate 宛て通信）はモデル化していません',
  },
  'firewall security-policy': { en: 'NGFW policy-based mode policies are not modelled', ja: 'NGFW ポリシーベースモードのポリシーはモデル化していません' },
  'firewall interface-policy': { en: 'interface policies are not modelled', ja: 'インタフェースポリシーはモデル化していません' },
  'firewall multicast-policy': { en: 'multicast policies are not modelled', ja: 'マルチキャストポリシーはモデル化していません' },
  'firewall consolidated policy': { en: 'consolidated policies are not modelled', ja: '統合ポリシー（consolidated policy）はモデル化していません' },
  'firewall proxy-policy': { en: 'explicit proxy policies are not modelled', ja: '明示プロキシのポリシーはモデル化していません' },
  'firewall policy6': { en: 'IPv6 policies are not modelled (IPv4 only)', ja: 'IPv6 ポリシーはモデル化していません（IPv4 のみ）' },
  'router policy': {
    en: 'policy routes are not modelled: forwarding follows the static routes only',
    ja: 'ポリシールートはモデル化していません（静的経路のみで転送を判断します）',
  },
  'router ospf': {
    en: 'OSPF is not modelled: forwarding follows the static routes only',
    ja: 'OSPF はモデル化していません（静的経路のみで転送を判断します）',
  },
  'router bgp': {
    en: 'BGP is not modelled: forwarding follows the static routes only',
    ja: 'BGP はモデル化していません（静的経路のみで転送を判断します）',
  },
  'router rip': {
    en: 'RIP is not modelled: forwarding follows the static routes only',
    ja: 'RIP はモデル化していません（静的経路のみで転送を判断します）',
  },
  'router isis': {
    en: 'IS-IS is not modelled: forwarding follows the static routes only',
    ja: 'IS-IS はモデル化していません（静的経路のみで転送を判断します）',
  },
  'system sdwan': { en: 'SD-WAN rules are not modelled', ja: 'SD-WAN ルールはモデル化していません' },
  'system virtual-wan-link': { en: 'SD-WAN (virtual-wan-link) is not modelled', ja: 'SD-WAN（virtual-wan-link）はモデル化していません' },
  'system vdom-link': {
    en: 'inter-VDOM links are not modelled: the VDOMs are not joined',
    ja: 'VDOM 間リンクはモデル化していません（VDOM 同士は接続されません）',
  },
  'vpn ipsec phase1-interface': { en: 'IPsec tunnel interfaces are not modelled', ja: 'IPsec トンネルインタフェースはモデル化していません' },
};

/** Sections that cannot affect forwarding (logging, name and time services, management): counted as skipped. */
const NOT_FORWARDING =
  /^(log( |$)|system (dns|ntp|snmp |admin|syslogd|email-server|alertemail|fortiguard|central-management|console|password-policy)|alertemail |report )/;

const ID_CHARS = /[^A-Za-z0-9_.-]/g;
const IFACE_NAME = /^[A-Za-z0-9][A-Za-z0-9_./-]{0,63}$/;

/** A FortiOS name made a bunkatsu id: other characters become "_". */
export function toId(name: string): string {
  const id = name.replace(ID_CHARS, '_').replace(/^[^A-Za-z0-9]/, 'x');
  return id.slice(0, 128) || 'x';
}

/** `a.b.c.d m.m.m.m` or `a.b.c.d/len` as a prefix with its host address. */
function parseIpMask(values: readonly string[]): { ip: number; subnet: Ipv4Prefix } | undefined {
  let ipText: string | undefined;
  let length: number | undefined;
  if (values.length === 1 && values[0]!.includes('/')) {
    const [a, b] = values[0]!.split('/');
    ipText = a;
    length = /^[0-9]{1,2}$/.test(b ?? '') && Number(b) <= 32 ? Number(b) : undefined;
  } else if (values.length === 2) {
    ipText = values[0];
    const mask = parseIpv4(values[1]!);
    if (mask !== undefined) {
      const inverted = ~mask >>> 0;
      // A netmask is ones then zeros: its inverse plus one is a power of two.
      if (((inverted + 1) & inverted) >>> 0 === 0) length = 32 - Math.log2(inverted + 1);
    }
  }
  const ip = ipText === undefined ? undefined : parseIpv4(ipText);
  if (ip === undefined || length === undefined) return undefined;
  const size = 2 ** (32 - length);
  const lo = ip - (ip % size);
  return { ip, subnet: { lo, hi: lo + size - 1, length } };
}

const quoteName = (name: string): string => `"${name}"`;

/** One VDOM (or the whole box, without VDOMs): its name and its sections. */
interface Scope {
  readonly vdom: string | undefined;
  readonly blocks: Block[];
}

class FortigateReader {
  readonly warnings: ImportWarning[] = [];
  readonly skipped: SkippedSection[] = [];

  constructor(readonly file: string) {}

  warn(loc: Loc, text: Bilingual): void {
    // An object used by several policies is read once per use: warn about it once.
    if (this.warnings.some((w) => w.en === text.en && w.loc.line === loc.line && w.loc.column === loc.column)) return;
    this.warnings.push({ loc, ...text });
  }

  read(text: string, fallbackName: string): ConfigDevice[] {
    const top = parseFortiosTree(text, this.file);
    // The global sections and each VDOM's, once each (not once per device).
    const sections = [
      ...top,
      ...top.filter((b) => b.path === 'global' || b.path === 'vdom').flatMap((b) => [...b.blocks, ...b.edits.flatMap((e) => e.blocks)]),
    ];
    for (const b of sections) if (NOT_FORWARDING.test(b.path)) this.skipped.push({ section: `config ${b.path}`, loc: b.loc });
    const vdomBlocks = top.filter((b) => b.path === 'vdom');
    const global = [...top.filter((b) => b.path !== 'vdom' && b.path !== 'global'), ...top.filter((b) => b.path === 'global').flatMap((b) => b.blocks)];
    const hostname = this.sets(global, 'system global')?.get('hostname')?.values[0] ?? fallbackName;
    const interfaces = this.interfaces(global);
    // Multi-VDOM: the `config vdom` sections hold one edit per VDOM (possibly in several sections).
    const scopes: Scope[] = [];
    if (vdomBlocks.some((b) => b.edits.some((e) => e.blocks.length > 0))) {
      const byName = new Map<string, Block[]>();
      for (const b of vdomBlocks) for (const e of b.edits) byName.set(e.name, [...(byName.get(e.name) ?? []), ...e.blocks]);
      for (const [vdom, blocks] of byName) scopes.push({ vdom, blocks });
    } else {
      scopes.push({ vdom: undefined, blocks: global });
    }
    return scopes.map((scope) => this.device(scope, hostname, interfaces, scopes.length > 1 || scope.vdom !== undefined));
  }

  private find(blocks: readonly Block[], path: string): Block[] {
    return blocks.filter((b) => b.path === path);
  }

  private sets(blocks: readonly Block[], path: string): Map<string, Setting> | undefined {
    return this.find(blocks, path)[0]?.sets;
  }

  private edits(blocks: readonly Block[], path: string): Edit[] {
    return this.find(blocks, path).flatMap((b) => b.edits);
  }

  /** Every `config system interface` entry with its VDOM. */
  private interfaces(global: readonly Block[]): Array<{ vdom: string; iface: ConfigInterface; status: Setting | undefined }> {
    const out: Array<{ vdom: string; iface: ConfigInterface; status: Setting | undefined }> = [];
    for (const e of this.edits(global, 'system interface')) {
      if (!IFACE_NAME.test(e.name)) {
        this.warn(e.loc, {
          en: `interface "${e.name}" has a name bunkatsu cannot use; it is left out`,
          ja: `インタフェース "${e.name}" の名前は bunkatsu で扱えないため除外しました`,
        });
        continue;
      }
      const ip = e.sets.get('ip');
      let address: ConfigInterface['address'];
      if (ip) {
        address = parseIpMask(ip.values);
        if (!address) {
          const set = `set ip ${ip.values.join(' ')}`;
          throw syntaxError(ip.loc, {
            en: `"${set}" is not an address and netmask (e.g. set ip 10.0.0.1 255.255.255.0)`,
            ja: `"${set}" はアドレスとネットマスクになっていません（例: set ip 10.0.0.1 255.255.255.0）`,
          });
        }
        if (address.ip === 0) address = undefined;
      } else if (e.sets.get('mode')?.values[0] === 'dhcp' || e.sets.get('mode')?.values[0] === 'pppoe') {
        const mode = e.sets.get('mode')!;
        this.warn(mode.loc, {
          en: `interface "${e.name}" takes its address by ${mode.values[0]}: no subnet is known for it`,
          ja: `インタフェース "${e.name}" は ${mode.values[0]} でアドレスを取得するため、サブネットが分かりません`,
        });
      }
      const secondary = e.blocks.find((b) => b.path === 'secondaryip' && b.edits.length > 0);
      if (secondary) {
        this.warn(secondary.loc, {
          en: `interface "${e.name}": secondary addresses are not modelled (only the subnet of "set ip" is connected)`,
          ja: `インタフェース "${e.name}": セカンダリアドレスはモデル化していません（"set ip" のサブネットのみ接続されているものとします）`,
        });
      }
      const iface: ConfigInterface = {
        name: e.name,
        ...(address ? { address } : {}),
        origin: { ...(ip?.loc ?? e.loc), label: `interface ${quoteName(e.name)}` },
      };
      out.push({ vdom: e.sets.get('vdom')?.values[0] ?? 'root', iface, status: e.sets.get('status') });
    }
    return out;
  }

  private device(
    scope: Scope,
    hostname: string,
    all: ReadonlyArray<{ vdom: string; iface: ConfigInterface; status: Setting | undefined }>,
    multi: boolean,
  ): ConfigDevice {
    const id = toId(multi ? `${hostname}.${scope.vdom}` : hostname);
    for (const b of scope.blocks) {
      const reason = UNMODELLED_SECTIONS[b.path];
      if (reason && (b.edits.length > 0 || b.sets.size > 0)) this.warn(b.loc, { en: `config ${b.path}: ${reason.en}`, ja: `config ${b.path}: ${reason.ja}` });
    }
    // System zones: zone name -> member interfaces.
    const zones = new Map<string, string[]>();
    for (const e of this.edits(scope.blocks, 'system zone')) zones.set(e.name, [...(e.sets.get('interface')?.values ?? [])]);
    const zoneOf = new Map<string, string>();
    for (const [zone, members] of zones) for (const m of members) zoneOf.set(m, zone);
    const interfaces: ConfigInterface[] = [];
    for (const { vdom, iface, status } of all) {
      if (multi && vdom !== scope.vdom) continue;
      if (status?.values[0] === 'down') {
        this.warn(status.loc, {
          en: `interface "${iface.name}" is administratively down; it is modelled as up`,
          ja: `インタフェース "${iface.name}" は管理上ダウンしていますが、アップとしてモデル化しています`,
        });
      }
      const zone = zoneOf.get(iface.name);
      interfaces.push(zone ? { ...iface, vendorZone: zone } : iface);
    }
    const names = new Set(interfaces.map((f) => f.name));
    const addresses = new AddressBook(this, scope.blocks);
    const services = new ServiceBook(this, scope.blocks);
    const rules: ConfigRule[] = [];
    // `intrazone allow` lets traffic between a zone's interfaces pass without a policy. Read as a
    // permit before every policy, so that no exposure is hidden (a deny policy may not apply to it).
    for (const e of this.edits(scope.blocks, 'system zone')) {
      const intrazone = e.sets.get('intrazone');
      const members = (e.sets.get('interface')?.values ?? []).filter((m) => names.has(m));
      if (intrazone?.values[0] !== 'allow' || members.length === 0) continue;
      const label = `zone ${quoteName(e.name)} intrazone allow`;
      this.warn(intrazone.loc, {
        en: `${label}: traffic between the zone's interfaces passes without a policy; read as a permit before every policy`,
        ja: `${label}: ゾーン内のインタフェース間の通信はポリシーなしで通過します。すべてのポリシーより前の許可ルールとして読みます`,
      });
      rules.push({
        id: toId(`intrazone-${e.name}`),
        action: 'permit',
        src: [...ALL],
        dst: [...ALL],
        services: [ANY_SERVICE],
        in: members,
        out: members,
        description: label,
        origin: { ...intrazone.loc, label },
      });
    }
    for (const e of this.edits(scope.blocks, 'firewall policy')) {
      const rule = this.policy(e, addresses, services, zones, names);
      if (rule) rules.push(rule);
    }
    const origin = this.find(scope.blocks, 'firewall policy')[0]?.loc ?? { file: this.file, line: 1, column: 1 };
    return { id, vendor: 'fortigate', interfaces, rules, routes: this.routes(scope.blocks, interfaces), origin: { ...origin, label: `device ${id}` } };
  }

  /** The interfaces a srcintf / dstintf list stands for; undefined for "any". */
  private interfaceList(
    setting: Setting | undefined,
    zones: ReadonlyMap<string, readonly string[]>,
    names: ReadonlySet<string>,
    permit: boolean,
  ): string[] | undefined | 'none' {
    if (!setting || setting.values.includes('any')) return undefined;
    const out = new Set<string>();
    for (const v of setting.values) {
      const members = zones.get(v);
      if (members) for (const m of members) out.add(m);
      else if (names.has(v)) out.add(v);
      else {
        this.warn(setting.loc, {
          en: `interface "${v}" is not a configured interface or zone of this VDOM; read as ${permit ? 'any interface (so the permit is not narrowed)' : 'no interface (so the deny does not widen)'}`,
          ja: `インタフェース "${v}" はこの VDOM のインタフェースでもゾーンでもありません。${permit ? '許可を狭めないよう任意のインタフェース' : '拒否を広げないようどのインタフェースにも該当しない'}ものとして読みます`,
        });
        if (permit) return undefined;
      }
    }
    return out.size === 0 ? 'none' : [...out].filter((n) => names.has(n));
  }

  private policy(
    e: Edit,
    addresses: AddressBook,
    services: ServiceBook,
    zones: ReadonlyMap<string, readonly string[]>,
    names: ReadonlySet<string>,
  ): ConfigRule | undefined {
    const name = e.sets.get('name')?.values[0];
    const label = `policy ${e.name}${name ? ` ${quoteName(name)}` : ''}`;
    const origin: Loc = { ...e.loc, label };
    if (e.sets.get('status')?.values[0] === 'disable') return undefined;
    const actionText = e.sets.get('action')?.values[0] ?? 'deny';
    let action: 'permit' | 'deny';
    if (actionText === 'accept') action = 'permit';
    else if (actionText === 'deny') action = 'deny';
    else if (actionText === 'ipsec') {
      action = 'permit';
      this.warn(e.sets.get('action')!.loc, {
        en: `${label}: action ipsec is read as accept (the tunnel is not modelled)`,
        ja: `${label}: action "ipsec" は "accept" として読みます（トンネルはモデル化していません）`,
      });
    } else {
      this.warn(e.sets.get('action')!.loc, {
        en: `${label}: action "${actionText}" is not supported; the policy is left out`,
        ja: `${label}: action "${actionText}" には対応していないため、このポリシーは除外しました`,
      });
      return undefined;
    }
    const permit = action === 'permit';
    for (const [key, en, ja] of [
      ['nat', 'source NAT is not modelled (addresses are matched as before translation)', '送信元 NAT はモデル化していません（変換前のアドレスで判定します）'],
      [
        'users',
        'user-based matching is not modelled: the policy applies to every user',
        'ユーザによる条件はモデル化していません（全ユーザに適用されるものとして読みます）',
      ],
      [
        'groups',
        'group-based matching is not modelled: the policy applies to every user',
        'グループによる条件はモデル化していません（全ユーザに適用されるものとして読みます）',
      ],
      ['internet-service', 'Internet Service Database destinations are not modelled', 'インターネットサービスデータベースの宛先はモデル化していません'],
    ] as const) {
      const s = e.sets.get(key);
      if (s && s.values.length > 0 && s.values[0] !== 'disable') this.warn(s.loc, { en: `${label}: ${en}`, ja: `${label}: ${ja}` });
    }
    const schedule = e.sets.get('schedule');
    if (schedule && schedule.values[0] !== 'always') {
      this.warn(schedule.loc, {
        en: `${label}: schedule "${schedule.values[0]}" is read as always`,
        ja: `${label}: スケジュール "${schedule.values[0]}" は常時（"always"）として読みます`,
      });
    }
    const negated = (key: string): boolean => e.sets.get(key)?.values[0] === 'enable';
    const src = addresses.resolve(e.sets.get('srcaddr'), e.loc, label, permit !== negated('srcaddr-negate'));
    const dst = addresses.resolve(e.sets.get('dstaddr'), e.loc, label, permit !== negated('dstaddr-negate'));
    const svc = services.resolve(e.sets.get('service'), label, permit !== negated('service-negate'));
    const inIf = this.interfaceList(e.sets.get('srcintf'), zones, names, permit);
    const outIf = this.interfaceList(e.sets.get('dstintf'), zones, names, permit);
    if (inIf === 'none' || outIf === 'none') return undefined;
    const written = (key: string): string => `${negated(`${key}-negate`) ? '!' : ''}${(e.sets.get(key)?.values ?? []).join(',') || '-'}`;
    return {
      id: toId(`p${e.name}`),
      action,
      src: negated('srcaddr-negate') ? subtract(ALL, src) : src,
      dst: negated('dstaddr-negate') ? subtract(ALL, dst) : dst,
      services: negated('service-negate') ? complementServices(svc) : svc,
      ...(inIf ? { in: inIf } : {}),
      ...(outIf ? { out: outIf } : {}),
      description: `${label}: ${written('srcaddr')} → ${written('dstaddr')} ${written('service')}`,
      origin,
    };
  }

  /** Connected subnets, then enabled static routes: of routes to one prefix, only the lowest distance (then priority) is installed. */
  private routes(blocks: readonly Block[], interfaces: readonly ConfigInterface[]): ConfigRoute[] {
    const names = new Set(interfaces.map((f) => f.name));
    const candidates: Array<ConfigRoute & { distance: number; priority: number }> = [];
    for (const f of interfaces) {
      if (f.address) candidates.push({ prefix: f.address.subnet, action: 'forward', interfaces: [f.name], origin: f.origin, distance: 0, priority: 0 });
    }
    for (const e of this.edits(blocks, 'router static')) {
      const label = `static route ${e.name}`;
      const labelJa = `静的経路 ${e.name}`;
      const origin: Loc = { ...e.loc, label };
      if (e.sets.get('status')?.values[0] === 'disable') continue;
      // Routes to SD-WAN members, named addresses or ISDB entries: not a prefix out of one interface.
      const unsupported = ['sdwan', 'virtual-wan-link', 'dstaddr', 'internet-service'].filter((k) => e.sets.has(k) && e.sets.get(k)!.values[0] !== 'disable');
      for (const key of unsupported) {
        this.warn(e.sets.get(key)!.loc, {
          en: `${label}: "${key}" is not supported; the route is left out`,
          ja: `${labelJa}: "${key}" には対応していないため、この経路は除外しました`,
        });
      }
      if (unsupported.length > 0) continue;
      const dst = e.sets.get('dst');
      const parsed = dst ? parseIpMask(dst.values) : { ip: 0, subnet: { lo: 0, hi: IPV4_MAX, length: 0 } };
      if (!parsed) {
        const set = `set dst ${dst!.values.join(' ')}`;
        throw syntaxError(dst!.loc, {
          en: `"${set}" is not a prefix and netmask (e.g. set dst 10.0.0.0 255.0.0.0)`,
          ja: `"${set}" はプレフィックスとネットマスクになっていません（例: set dst 10.0.0.0 255.0.0.0）`,
        });
      }
      // FortiOS keeps the prefix of an address with host bits (1.1.1.1 255.255.255.0 is 1.1.1.0/24); say so.
      if (parsed.ip !== parsed.subnet.lo) {
        const prefix = `${formatIpv4(parsed.subnet.lo)}/${parsed.subnet.length}`;
        this.warn(dst!.loc, {
          en: `${label}: "set dst ${dst!.values.join(' ')}" has host bits set; read as ${prefix}`,
          ja: `${labelJa}: "set dst ${dst!.values.join(' ')}" にホスト部のビットがあるため、${prefix} として読みました`,
        });
      }
      const distance = Number(e.sets.get('distance')?.values[0] ?? 10);
      const priority = Number(e.sets.get('priority')?.values[0] ?? 0);
      if (e.sets.get('blackhole')?.values[0] === 'enable') {
        candidates.push({ prefix: parsed.subnet, action: 'drop', interfaces: [], origin, distance, priority });
        continue;
      }
      const device = e.sets.get('device')?.values[0];
      if (device === undefined || !names.has(device)) {
        this.warn(e.sets.get('device')?.loc ?? e.loc, {
          en: `${label}: ${device === undefined ? 'no "device"' : `interface "${device}" is not an interface of this VDOM`}; the route is left out`,
          ja: `${labelJa}: ${device === undefined ? '"device" の指定がない' : `インタフェース "${device}" がこの VDOM にない`}ため、この経路は除外しました`,
        });
        continue;
      }
      candidates.push({ prefix: parsed.subnet, action: 'forward', interfaces: [device], origin, distance, priority });
    }
    // The installed routes: per prefix, the best (distance, priority); equals are ECMP.
    const best = new Map<string, { distance: number; priority: number }>();
    const key = (p: Ipv4Prefix): string => `${p.lo}/${p.length}`;
    for (const c of candidates) {
      const b = best.get(key(c.prefix));
      if (!b || c.distance < b.distance || (c.distance === b.distance && c.priority < b.priority)) best.set(key(c.prefix), c);
    }
    return candidates
      .filter((c) => {
        const b = best.get(key(c.prefix))!;
        return c.distance === b.distance && c.priority === b.priority;
      })
      .map(({ prefix, action, interfaces: out, origin }) => ({ prefix, action, interfaces: out, origin }));
  }
}

/** Address objects and groups of one VDOM, resolved on use (nested groups, exclusions, cycles). */
class AddressBook {
  private readonly objects = new Map<string, Edit>();
  private readonly groups = new Map<string, Edit>();
  /** Virtual IPs: their external address is translated (DNAT), which is not modelled. */
  private readonly vips = new Set<string>();
  private readonly resolved = new Map<string, number[] | undefined>();

  constructor(
    private readonly reader: FortigateReader,
    blocks: readonly Block[],
  ) {
    for (const b of blocks) {
      if (b.path === 'firewall address') for (const e of b.edits) this.objects.set(e.name, e);
      if (b.path === 'firewall addrgrp') for (const e of b.edits) this.groups.set(e.name, e);
      if (b.path === 'firewall vip' || b.path === 'firewall vipgrp') for (const e of b.edits) this.vips.add(e.name);
    }
    refuseGroupCycles(ADDRESS_GROUP, this.groups.keys(), (name) => {
      const g = this.groups.get(name);
      return g && { loc: g.loc, members: [...(g.sets.get('member')?.values ?? []), ...(g.sets.get('exclude-member')?.values ?? [])] };
    });
  }

  /** The addresses of a srcaddr / dstaddr setting; an object it cannot read stands for any when `widen`, for none otherwise. */
  resolve(setting: Setting | undefined, at: Loc, label: string, widen: boolean): number[] {
    if (!setting) {
      this.reader.warn(at, {
        en: `${label}: no address is set, so the policy matches nothing`,
        ja: `${label}: アドレスの指定がないため、このポリシーはどの通信にも該当しません`,
      });
      return [];
    }
    let out: number[] = [];
    for (const name of setting.values) {
      const set = this.lookup(name, setting.loc, []);
      if (set === undefined) {
        this.reader.warn(setting.loc, {
          en: `${label}: address "${name}" cannot be read as IPv4 addresses; it stands for ${widen ? 'every address (the permit is not narrowed)' : 'no address (the deny is not widened)'}`,
          ja: `${label}: アドレス "${name}" を IPv4 アドレスとして読めないため、${widen ? '許可を狭めないよう全アドレス' : '拒否を広げないよう空'}として扱います`,
        });
        if (widen) return [...ALL];
      } else out = union(out, set);
    }
    return out;
  }

  private lookup(name: string, at: Loc, path: readonly string[]): number[] | undefined {
    if (this.resolved.has(name)) return this.resolved.get(name);
    let set: number[] | undefined;
    const object = this.objects.get(name);
    const group = this.groups.get(name);
    if (object) set = this.object(object);
    else if (group) {
      if (path.includes(name)) throw syntaxError(group.loc, containsItself(ADDRESS_GROUP, name, [...path, name]));
      set = [];
      for (const m of group.sets.get('member')?.values ?? []) {
        const member = this.lookup(m, group.loc, [...path, name]);
        if (member === undefined) {
          set = undefined;
          break;
        }
        set = union(set, member);
      }
      if (set && group.sets.get('exclude')?.values[0] === 'enable') {
        for (const m of group.sets.get('exclude-member')?.values ?? []) {
          const member = this.lookup(m, group.loc, [...path, name]);
          if (member === undefined) {
            set = undefined;
            break;
          }
          set = subtract(set, member);
        }
      }
    } else if (this.vips.has(name)) set = undefined;
    else if (name === 'all') set = [...ALL];
    else if (name === 'none') set = [];
    else {
      throw inputError(
        'BNK_ERR_UNKNOWN_REF',
        at,
        notDefined({ en: 'address', ja: 'アドレス' }, name, {
          en: 'config firewall address / addrgrp',
          ja: '"config firewall address" または "config firewall addrgrp" にありません',
        }),
      );
    }
    this.resolved.set(name, set);
    return set;
  }

  private object(e: Edit): number[] | undefined {
    const type = e.sets.get('type')?.values[0] ?? 'ipmask';
    if (type === 'ipmask' || type === 'interface-subnet') {
      const subnet = e.sets.get('subnet');
      if (!subnet) return [...ALL]; // FortiOS default subnet 0.0.0.0 0.0.0.0
      const parsed = parseIpMask(subnet.values);
      if (!parsed) {
        const set = `set subnet ${subnet.values.join(' ')}`;
        throw syntaxError(subnet.loc, { en: `"${set}" is not an address and netmask`, ja: `"${set}" はアドレスとネットマスクになっていません` });
      }
      return [parsed.subnet.lo, parsed.subnet.hi];
    }
    if (type === 'iprange') {
      const start = e.sets.get('start-ip');
      const end = e.sets.get('end-ip');
      const lo = start ? parseIpv4(start.values[0] ?? '') : 0;
      const hi = end ? parseIpv4(end.values[0] ?? '') : 0;
      if (lo === undefined || hi === undefined || lo > hi)
        throw syntaxError((start ?? end ?? e).loc, {
          en: `address "${e.name}": start-ip and end-ip do not make a range`,
          ja: `アドレス "${e.name}": "start-ip" と "end-ip" が範囲になっていません`,
        });
      return [lo, hi];
    }
    return undefined;
  }
}

/** Custom services and service groups of one VDOM. */
class ServiceBook {
  private readonly custom = new Map<string, Edit>();
  private readonly groups = new Map<string, Edit>();

  constructor(
    private readonly reader: FortigateReader,
    blocks: readonly Block[],
  ) {
    for (const b of blocks) {
      if (b.path === 'firewall service custom') for (const e of b.edits) this.custom.set(e.name, e);
      if (b.path === 'firewall service group') for (const e of b.edits) this.groups.set(e.name, e);
    }
    refuseGroupCycles(SERVICE_GROUP, this.groups.keys(), (name) => {
      const g = this.groups.get(name);
      return g && { loc: g.loc, members: g.sets.get('member')?.values ?? [] };
    });
  }

  resolve(setting: Setting | undefined, label: string, widen: boolean): ServiceTerm[] {
    const terms: ServiceTerm[] = [];
    for (const name of setting?.values ?? []) {
      const t = this.lookup(name, setting!.loc, [], label);
      if (t === undefined) {
        this.reader.warn(setting!.loc, {
          en: `${label}: service "${name}" cannot be read; it stands for ${widen ? 'every service (the permit is not narrowed)' : 'no service (the deny is not widened)'}`,
          ja: `${label}: サービス "${name}" を読めないため、${widen ? '許可を狭めないよう全サービス' : '拒否を広げないよう空'}として扱います`,
        });
        if (widen) return [ANY_SERVICE];
      } else terms.push(...t);
    }
    return normalizeServices(terms);
  }

  private lookup(name: string, at: Loc, path: readonly string[], label: string): ServiceTerm[] | undefined {
    const custom = this.custom.get(name);
    if (custom) return this.customService(custom, label);
    const group = this.groups.get(name);
    if (group) {
      if (path.includes(name)) throw syntaxError(group.loc, containsItself(SERVICE_GROUP, name, [...path, name]));
      const out: ServiceTerm[] = [];
      for (const m of group.sets.get('member')?.values ?? []) {
        const t = this.lookup(m, group.loc, [...path, name], label);
        if (t === undefined) return undefined;
        out.push(...t);
      }
      return out;
    }
    const predefined = PREDEFINED_SERVICES[name];
    if (predefined && Object.hasOwn(PREDEFINED_SERVICES, name)) return predefined.flatMap(termOf);
    throw inputError(
      'BNK_ERR_UNKNOWN_REF',
      at,
      notDefined({ en: 'service', ja: 'サービス' }, name, {
        en: 'config firewall service custom / group',
        ja: '"config firewall service custom" または "config firewall service group" にありません',
      }),
    );
  }

  private customService(edit: Edit, label: string): ServiceTerm[] | undefined {
    const protocolSet = edit.sets.get('protocol');
    const protocol = (protocolSet?.values[0] ?? 'TCP/UDP/SCTP').toUpperCase();
    // `set protocol` resets the settings of the protocol before it (FortiOS clears them), so only
    // those written after the last `set protocol` count.
    const e: Edit = protocolSet
      ? { ...edit, sets: new Map([...edit.sets].filter(([key, s]) => key === 'protocol' || s.loc.line > protocolSet.loc.line)) }
      : edit;
    for (const key of ['iprange', 'fqdn']) {
      const s = e.sets.get(key);
      if (s && s.values[0] !== '0.0.0.0' && s.values.length > 0) {
        this.reader.warn(s.loc, {
          en: `service "${e.name}": the destination restriction "${key}" is not modelled`,
          ja: `サービス "${e.name}": 宛先の制限 "${key}" はモデル化していません`,
        });
      }
    }
    if (protocol === 'ICMP') {
      const type = e.sets.get('icmptype');
      if (type) {
        this.reader.warn(type.loc, {
          en: `${label}: service "${e.name}" matches one ICMP type; read as all of ICMP`,
          ja: `${label}: サービス "${e.name}" は特定の ICMP タイプのみですが、ICMP 全体として読みます`,
        });
      }
      return [{ protoLo: 1, protoHi: 1, portLo: 0, portHi: PORT_MAX }];
    }
    if (protocol === 'IP') {
      const n = Number(e.sets.get('protocol-number')?.values[0] ?? 0);
      if (!Number.isInteger(n) || n < 0 || n > PROTO_MAX)
        throw syntaxError(e.sets.get('protocol-number')!.loc, { en: 'protocol-number must be 0-255', ja: '"protocol-number" は 0～255 です' });
      return n === 0 ? [ANY_SERVICE] : [{ protoLo: n, protoHi: n, portLo: 0, portHi: PORT_MAX }];
    }
    if (protocol !== 'TCP/UDP/SCTP') return undefined; // ICMP6, HTTP/proxy services: not IPv4 packet filters
    const out: ServiceTerm[] = [];
    for (const [key, proto] of [
      ['tcp-portrange', 6],
      ['udp-portrange', 17],
      ['sctp-portrange', 132],
    ] as const) {
      const s = e.sets.get(key);
      for (const v of s?.values ?? []) {
        // dst[-dst][:src[-src]]: the source ports are not modelled (wider, never narrower).
        const [dstPart = '', srcPart] = v.split(':');
        const m = /^([0-9]{1,5})(?:-([0-9]{1,5}))?$/.exec(dstPart);
        const lo = Number(m?.[1]);
        const hi = m?.[2] === undefined ? lo : Number(m[2]);
        if (!m || lo > PORT_MAX || hi > PORT_MAX || lo > hi)
          throw syntaxError(s!.loc, {
            en: `service "${e.name}": "${v}" is not a port range (e.g. 443, 8000-8080, 443:1024-65535)`,
            ja: `サービス "${e.name}": "${v}" はポート範囲ではありません（例: 443、8000-8080、443:1024-65535）`,
          });
        if (srcPart !== undefined && srcPart !== '0-65535' && srcPart !== '1-65535') {
          this.reader.warn(s!.loc, {
            en: `service "${e.name}": source ports ${srcPart} are not modelled (any source port)`,
            ja: `サービス "${e.name}": 送信元ポート ${srcPart} はモデル化していません（任意の送信元ポート）`,
          });
        }
        out.push({ protoLo: proto, protoHi: proto, portLo: lo, portHi: hi });
      }
    }
    return out;
  }
}

function termOf(text: string): ServiceTerm[] {
  if (text === 'any') return [ANY_SERVICE];
  const [proto, ports] = text.split('/');
  const p = proto === 'tcp' ? 6 : proto === 'udp' ? 17 : 1;
  if (ports === undefined) return [{ protoLo: p, protoHi: p, portLo: 0, portHi: PORT_MAX }];
  const [lo, hi = lo] = ports.split('-').map(Number);
  return [{ protoLo: p, protoHi: p, portLo: lo!, portHi: hi! }];
}

/** Reads one FortiGate configuration file (one device, or one per VDOM). `name` names the device when the file sets no hostname. */
export function parseFortigate(text: string, file: string, name: string): ImportedConfig {
  refuseBinary(text, file);
  const reader = new FortigateReader(file);
  const devices = reader.read(text, name);
  return { devices, warnings: reader.warnings, skipped: reader.skipped };
}
