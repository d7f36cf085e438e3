// Reads Cisco ASA configurations (`show running-config` text) into the vendor-neutral form of
// config.ts: interfaces (by nameif) with security levels and subnets, network and service
// objects and object-groups (nested), extended access-lists bound per interface and direction
// (`access-group`), the security-level default as explicit rules, static routes. What it cannot
// model and could change reachability is a warning at its file:line:column; a malformed line is
// an InputError at its location. No I/O here.

import { type Bilingual, inputError, type Loc, refuseBinary, syntaxError } from '../errors.ts';
import { ALL, union } from '../net/intervals.ts';
import { type Ipv4Prefix, parseIpv4 } from '../net/ipv4.ts';
import { ANY_SERVICE, PORT_MAX, PORT_PROTOCOLS, PROTO_MAX, PROTOCOLS, type ServiceTerm } from '../net/services.ts';
import type { ConfigAcl, ConfigDevice, ConfigInterface, ConfigRoute, ConfigRule, ImportedConfig, ImportWarning, SkippedSection } from './config.ts';
import { refuseGroupCycles } from './groups.ts';
import { normalizeServices } from './terms.ts';
import { containsItself } from './texts.ts';

const OBJECT_GROUP: Bilingual = { en: 'object-group', ja: 'オブジェクトグループ' };
const notIpv4 = (text: string): Bilingual => ({ en: `"${text}" is not an IPv4 address`, ja: `"${text}" は IPv4 アドレスではありません` });
/** A command that ends before the word it needs. */
const missing = (c: Command, what: Bilingual): Bilingual => {
  const text = c.words.map((x) => x.text).join(' ');
  return { en: `"${text}" is missing ${what.en}`, ja: `"${text}" に${what.ja}がありません` };
};
/** An object or object-group the configuration does not define; `kind` as ASA writes it (`object-group network`). */
const noObject = (kind: string, name: string): Bilingual => ({ en: `no ${kind} "${name}" is defined`, ja: `"${kind} ${name}" は定義されていません` });
const noNameif = (label: string, nameif: string): Bilingual => ({
  en: `${label}: no interface has nameif "${nameif}"`,
  ja: `${label}: "nameif ${nameif}" のインタフェースがありません`,
});

// --- Lines: a command at column 1 and the indented sub-commands under it.

interface Word {
  readonly text: string;
  readonly column: number;
}

interface Command {
  readonly words: readonly Word[];
  readonly loc: Loc;
  readonly children: Command[];
}

/** The commands of the text; `!` and `:` lines are comments. */
function commands(text: string, file: string): Command[] {
  const top: Command[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((line, i) => {
    const words: Word[] = [];
    for (const m of line.matchAll(/\S+/g)) words.push({ text: m[0], column: m.index + 1 });
    if (words.length === 0 || words[0]!.text.startsWith('!') || words[0]!.text === ':') return;
    const command: Command = { words, loc: { file, line: i + 1, column: words[0]!.column }, children: [] };
    if (words[0]!.column === 1) top.push(command);
    else {
      const parent = top[top.length - 1];
      if (!parent) {
        throw syntaxError(command.loc, {
          en: `"${words[0]!.text}" is indented but no command stands above it`,
          ja: `"${words[0]!.text}" は字下げされていますが、その上に親となるコマンドがありません`,
        });
      }
      parent.children.push(command);
    }
  });
  return top;
}

// --- Values.

const ACL_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const IFACE_NAME = /^[A-Za-z0-9][A-Za-z0-9_./-]{0,63}$/;

function maskLength(mask: number): number | undefined {
  const inverted = ~mask >>> 0;
  // A netmask is ones then zeros: its inverse plus one is a power of two.
  return ((inverted + 1) & inverted) >>> 0 === 0 ? 32 - Math.log2(inverted + 1) : undefined;
}

function prefixOf(ip: number, length: number): Ipv4Prefix {
  const size = 2 ** (32 - length);
  const lo = ip - (ip % size);
  return { lo, hi: lo + size - 1, length };
}

/** ASA's port names (the ones a `show running-config` writes instead of numbers). */
const PORT_NAMES: Readonly<Record<string, number>> = {
  bgp: 179,
  domain: 53,
  echo: 7,
  ftp: 21,
  'ftp-data': 20,
  http: 80,
  https: 443,
  www: 80,
  imap4: 143,
  ldap: 389,
  ldaps: 636,
  netbios: 137,
  'netbios-ns': 137,
  'netbios-dgm': 138,
  'netbios-ssn': 139,
  ntp: 123,
  pop3: 110,
  smtp: 25,
  snmp: 161,
  snmptrap: 162,
  ssh: 22,
  syslog: 514,
  telnet: 23,
  tftp: 69,
  sqlnet: 1521,
  rdp: 3389,
  cifs: 3020,
  kerberos: 88,
  radius: 1645,
  'radius-acct': 1646,
  isakmp: 500,
  lpd: 515,
};

type Unreadable = 'unreadable';

/** How one ACE resolves an object that cannot be read: everything in a permit, nothing in a deny. */
type Action = 'permit' | 'deny';

interface NetworkObject {
  readonly loc: Loc;
  /** The addresses, or unreadable (fqdn, ...). */
  readonly set: readonly number[] | Unreadable;
}

interface NetworkGroup {
  readonly loc: Loc;
  readonly members: Array<{ kind: 'set'; set: readonly number[] } | { kind: 'object' | 'group'; name: string; word: Word; loc: Loc }>;
}

interface ServiceGroup {
  readonly loc: Loc;
  readonly members: Array<{ kind: 'terms'; terms: ServiceTerm[] } | { kind: 'object' | 'group'; name: string; word: Word; loc: Loc }>;
}

/** An access-group: the ACL and where it is bound. */
interface Binding {
  readonly acl: string;
  readonly loc: Loc;
}

const allOf = (proto: number): ServiceTerm => ({ protoLo: proto, protoHi: proto, portLo: 0, portHi: PORT_MAX });

/** Commands that cannot affect forwarding (logging, time, SNMP, management access): counted as skipped. */
const NOT_FORWARDING: ReadonlySet<string> = new Set(['logging', 'ntp', 'snmp-server', 'clock', 'banner', 'username', 'ssh', 'telnet', 'pager', 'console']);

class AsaReader {
  readonly warnings: ImportWarning[] = [];
  private readonly names = new Map<string, number>();
  private readonly networkObjects = new Map<string, NetworkObject>();
  private readonly networkGroups = new Map<string, NetworkGroup>();
  private readonly serviceObjects = new Map<string, { loc: Loc; terms: ServiceTerm[] }>();
  private readonly serviceGroups = new Map<string, ServiceGroup>();
  private readonly protocolGroups = new Map<string, { loc: Loc; terms: ServiceTerm[] }>();
  private readonly warnedOnce = new Set<string>();

  constructor(readonly file: string) {}

  readonly skipped: SkippedSection[] = [];

  warn(loc: Loc, text: Bilingual): void {
    this.warnings.push({ loc, ...text });
  }

  private at(c: Command, w: Word): Loc {
    return { file: this.file, line: c.loc.line, column: w.column };
  }

  /** Warns once per kind of unmodelled feature, at its first line. */
  private warnOnce(key: string, loc: Loc, text: Bilingual): void {
    if (this.warnedOnce.has(key)) return;
    this.warnedOnce.add(key);
    this.warn(loc, text);
  }

  read(text: string, fallbackName: string): ConfigDevice {
    const top = commands(text, this.file);
    const word = (c: Command, i: number): string | undefined => c.words[i]?.text;
    let hostname = fallbackName;
    let hostnameLoc: Loc = { file: this.file, line: 1, column: 1 };
    let sameSecurity = false;
    // Objects first: an ACE may name an object defined further down.
    for (const c of top) {
      const head = word(c, 0)!;
      if (head === 'hostname' && c.words[1]) {
        hostname = c.words[1].text;
        hostnameLoc = c.loc;
      } else if (head === 'name' && c.words.length >= 3) {
        const ip = parseIpv4(word(c, 1)!);
        if (ip === undefined) throw syntaxError(this.at(c, c.words[1]!), notIpv4(word(c, 1)!));
        this.names.set(word(c, 2)!, ip);
      } else if (head === 'object' || head === 'object-group') {
        this.object(c);
      } else if (head === 'same-security-traffic' && word(c, 1) === 'permit' && word(c, 2) === 'inter-interface') {
        sameSecurity = true;
      } else if (NOT_FORWARDING.has(head)) {
        this.skipped.push({ section: head, loc: c.loc });
      }
    }
    const groupNames = (g: NetworkGroup | ServiceGroup | undefined) =>
      g && { loc: g.loc, members: g.members.flatMap((m) => (m.kind === 'group' ? [m.name] : [])) };
    refuseGroupCycles(OBJECT_GROUP, this.networkGroups.keys(), (name) => groupNames(this.networkGroups.get(name)));
    refuseGroupCycles(OBJECT_GROUP, this.serviceGroups.keys(), (name) => groupNames(this.serviceGroups.get(name)));
    const interfaces = this.interfaces(top);
    const levels = new Map(interfaces.map((f) => [f.iface.name, f.level]));
    const acls = this.accessLists(top);
    const bindings = this.accessGroups(top, acls, levels);
    this.unmodelled(top);

    // In ACLs become the firewall's rule list, each ACE a rule with `in: [nameif]`: a packet
    // enters by one interface, so the blocks of different interfaces never meet and first match
    // within each block is the ACL's. (As rules, findings and traces cite the ACE that permits;
    // the engine names only rule-list rules as "permitted by".) Then, as ASA does:
    // - an interface ACL ends in its implicit deny, unless a global ACL follows it;
    // - the global ACL's ACEs apply to every interface, after the interface ACLs;
    // - an interface with no in ACL and no global ACL keeps the security-level default: a
    //   packet may leave to a lower level (an equal one with same-security-traffic permit
    //   inter-interface); the default deny does the rest.
    const rules: ConfigRule[] = [];
    // One block per ACL: an ACL bound in on several interfaces applies to each of them.
    const inByAcl = new Map<string, { names: string[]; loc: Loc }>();
    for (const { iface } of interfaces) {
      const bound = bindings.in.get(iface.name);
      if (!bound) continue;
      const entry = inByAcl.get(bound.acl) ?? { names: [], loc: bound.loc };
      entry.names.push(iface.name);
      inByAcl.set(bound.acl, entry);
    }
    for (const [name, { names, loc }] of inByAcl) {
      const acl = acls.get(name)!;
      rules.push(...acl.rules.map((r) => ({ ...r, id: `${acl.name}-${r.id}`, in: names })));
      if (!bindings.global) {
        const label = `access-list ${acl.name} implicit deny`;
        rules.push({
          id: `${acl.name}-implicit-deny`,
          action: 'deny',
          src: ALL,
          dst: ALL,
          services: [ANY_SERVICE],
          in: names,
          description: `${label} (${names.join(', ')})`,
          origin: { ...loc, label },
        });
      }
    }
    if (bindings.global) {
      const acl = acls.get(bindings.global.acl)!;
      rules.push(...acl.rules.map((r) => ({ ...r, id: `${acl.name}-${r.id}` })));
    } else {
      for (const { iface, level, levelLoc } of interfaces) {
        if (bindings.in.has(iface.name)) continue;
        const lower = interfaces
          .filter((o) => o.iface.name !== iface.name && (o.level < level || (sameSecurity && o.level === level)))
          .map((o) => o.iface.name);
        if (lower.length === 0) continue;
        rules.push({
          id: `level-${iface.name}`,
          action: 'permit',
          src: ALL,
          dst: ALL,
          services: [ANY_SERVICE],
          in: [iface.name],
          out: lower,
          description: `${iface.name} security-level ${level}: to ${sameSecurity ? 'lower or equal' : 'lower'} levels`,
          origin: { ...levelLoc, label: `interface ${iface.name} security-level ${level}` },
        });
      }
    }
    // Out ACLs stay named ACLs bound to their interface: a packet needs them as well as the rules.
    const outAcls: ConfigAcl[] = [];
    const ifaces: ConfigInterface[] = interfaces.map(({ iface }) => {
      const bound = bindings.out.get(iface.name);
      if (!bound) return iface;
      const acl = acls.get(bound.acl)!;
      if (!outAcls.includes(acl)) outAcls.push(acl);
      return { ...iface, outAcls: [acl.name] };
    });
    return {
      id: hostname,
      vendor: 'asa',
      interfaces: ifaces,
      rules,
      acls: outAcls,
      routes: this.routes(top, ifaces),
      origin: { ...hostnameLoc, label: `device ${hostname}` },
    };
  }

  // --- Interfaces.

  private interfaces(top: readonly Command[]): Array<{ iface: ConfigInterface; level: number; levelLoc: Loc }> {
    const out: Array<{ iface: ConfigInterface; level: number; levelLoc: Loc }> = [];
    for (const c of top) {
      if (c.words[0]!.text !== 'interface') continue;
      const sub = (name: string): Command | undefined => c.children.find((x) => x.words[0]!.text === name);
      const nameif = sub('nameif');
      if (!nameif?.words[1]) continue; // not a data interface: no ACL, route or rule can name it
      const name = nameif.words[1].text;
      if (!IFACE_NAME.test(name)) {
        this.warn(nameif.loc, {
          en: `interface "${name}" has a name bunkatsu cannot use; it is left out`,
          ja: `インタフェース "${name}" の名前は bunkatsu で扱えないため除外しました`,
        });
        continue;
      }
      const levelCmd = sub('security-level');
      // Without security-level, ASA gives "inside" 100 and every other nameif 0.
      let level = name === 'inside' ? 100 : 0;
      if (levelCmd) {
        const text = levelCmd.words[1]?.text ?? '';
        if (!/^[0-9]{1,3}$/.test(text) || Number(text) > 100)
          throw syntaxError(levelCmd.loc, {
            en: `"security-level ${text}" is not a level from 0 to 100`,
            ja: `"security-level ${text}" は 0～100 のレベルではありません`,
          });
        level = Number(text);
      }
      const ipCmd = c.children.find((x) => x.words[0]!.text === 'ip' && x.words[1]?.text === 'address');
      let address: ConfigInterface['address'];
      if (ipCmd) {
        const w = ipCmd.words;
        if (w[2]?.text === 'dhcp' || w[2]?.text === 'pppoe') {
          this.warn(ipCmd.loc, {
            en: `interface ${name}: address by ${w[2].text}; no subnet is known, so it is attached to no zone`,
            ja: `インタフェース ${name}: アドレスを ${w[2].text} で取得するためサブネットが分からず、どのゾーンにも接続していません`,
          });
        } else {
          const ip = w[2] ? parseIpv4(w[2].text) : undefined;
          const mask = w[3] ? parseIpv4(w[3].text) : undefined;
          const length = mask === undefined ? undefined : maskLength(mask);
          if (ip === undefined || length === undefined)
            throw syntaxError(ipCmd.loc, {
              en: `"${w.map((x) => x.text).join(' ')}" is not an address and netmask (e.g. ip address 10.0.0.1 255.255.255.0)`,
              ja: `"${w.map((x) => x.text).join(' ')}" はアドレスとネットマスクになっていません（例: ip address 10.0.0.1 255.255.255.0）`,
            });
          address = { ip, subnet: prefixOf(ip, length) };
        }
      }
      if (sub('shutdown'))
        this.warn(sub('shutdown')!.loc, {
          en: `interface ${name} is shut down; it is modelled as up`,
          ja: `インタフェース ${name} は shutdown されていますが、有効として扱います`,
        });
      const origin = ipCmd?.loc ?? nameif.loc;
      out.push({ iface: { name, address, origin: { ...origin, label: `interface ${name}` } }, level, levelLoc: levelCmd?.loc ?? nameif.loc });
    }
    return out;
  }

  // --- Objects.

  private object(c: Command): void {
    const kind = c.words[1]?.text;
    const name = c.words[2]?.text;
    if (!name) {
      const command = `${c.words[0]!.text} ${kind ?? ''}`;
      throw syntaxError(c.loc, { en: `"${command}" needs a name`, ja: `"${command}" には名前が必要です` });
    }
    const label = `${c.words[0]!.text} ${kind} ${name}`;
    const loc = { ...c.loc, label };
    if (c.words[0]!.text === 'object' && kind === 'network') {
      // `show running-config` enters an object a second time for its `nat` line (in the NAT
      // section): a re-entered object keeps its address unless a new one is given.
      const earlier = this.networkObjects.get(name);
      let set: readonly number[] | Unreadable = earlier?.set ?? [];
      for (const x of c.children) {
        const [head, a, b] = x.words.map((w) => w.text);
        if ((head === 'host' || head === 'subnet') && a?.includes(':'))
          set = []; // IPv6: no IPv4 address
        else if (head === 'host') set = [this.ip(x, 1), this.ip(x, 1)];
        else if (head === 'subnet') {
          const p = this.prefix(x, 1);
          set = [p.lo, p.hi];
        } else if (head === 'range') {
          const lo = this.ip(x, 1);
          const hi = this.ip(x, 2);
          if (hi < lo)
            throw syntaxError(this.at(x, x.words[2]!), { en: `range ${a} ${b} ends before it starts`, ja: `"range ${a} ${b}" は始点が終点より後です` });
          set = [lo, hi];
        } else if (head === 'fqdn') {
          set = 'unreadable';
          this.warn(x.loc, {
            en: `object ${name}: an FQDN is not an address set bunkatsu can know (everything in a permit, nothing in a deny)`,
            ja: `オブジェクト ${name}: FQDN で指定されたアドレスは設定から特定できないため、許可では全アドレス、拒否では空として扱います`,
          });
        } else if (head === 'nat') {
          this.warnOnce('nat', x.loc, {
            en: 'NAT is not modelled (addresses are matched as configured, before translation)',
            ja: 'NAT はモデル化していません（アドレスは変換前の設定値で照合します）',
          });
        }
      }
      this.networkObjects.set(name, earlier && set === earlier.set ? earlier : { loc, set });
    } else if (c.words[0]!.text === 'object-group' && kind === 'network') {
      // A group entered again gains the new members (ASA adds them).
      const earlier = this.networkGroups.get(name);
      const members: NetworkGroup['members'] = [...(earlier?.members ?? [])];
      for (const x of c.children) {
        const head = x.words[0]!.text;
        if (head === 'network-object') {
          const what = x.words[1]?.text;
          const v6 = (what === 'host' ? x.words[2]?.text : what)?.includes(':'); // IPv6: no IPv4 address
          if (v6) continue;
          if (what === 'host') members.push({ kind: 'set', set: [this.ip(x, 2), this.ip(x, 2)] });
          else if (what === 'object') members.push({ kind: 'object', name: this.need(x, 2), word: x.words[2]!, loc: x.loc });
          else {
            const p = this.prefix(x, 1);
            members.push({ kind: 'set', set: [p.lo, p.hi] });
          }
        } else if (head === 'group-object') members.push({ kind: 'group', name: this.need(x, 1), word: x.words[1]!, loc: x.loc });
      }
      this.networkGroups.set(name, { loc: earlier?.loc ?? loc, members });
    } else if (c.words[0]!.text === 'object' && kind === 'service') {
      const x = c.children.find((y) => y.words[0]!.text === 'service');
      this.serviceObjects.set(name, { loc, terms: x ? this.serviceSpec(x, 1, name) : [ANY_SERVICE] });
    } else if (c.words[0]!.text === 'object-group' && kind === 'service') {
      // `object-group service NAME tcp|udp|tcp-udp` holds port-objects of that protocol.
      const groupProto = c.words[3]?.text;
      const protos = groupProto === 'tcp' ? [6] : groupProto === 'udp' ? [17] : groupProto === 'tcp-udp' ? [6, 17] : [];
      const members: ServiceGroup['members'] = [];
      for (const x of c.children) {
        const head = x.words[0]!.text;
        if (head === 'port-object') {
          if (protos.length === 0) {
            throw syntaxError(x.loc, {
              en: `port-object in a service group without a protocol: write "object-group service ${name} tcp"`,
              ja: `プロトコルのないサービスグループに "port-object" があります。"object-group service ${name} tcp" のように書きます`,
            });
          }
          const ports = this.ports(x, 1);
          members.push({ kind: 'terms', terms: protos.map((p) => ({ protoLo: p, protoHi: p, portLo: ports[0], portHi: ports[1] })) });
        } else if (head === 'service-object') {
          if (x.words[1]?.text === 'object') members.push({ kind: 'object', name: this.need(x, 2), word: x.words[2]!, loc: x.loc });
          else members.push({ kind: 'terms', terms: this.serviceSpec(x, 1, name) });
        } else if (head === 'group-object') members.push({ kind: 'group', name: this.need(x, 1), word: x.words[1]!, loc: x.loc });
      }
      this.serviceGroups.set(name, { loc, members });
    } else if (c.words[0]!.text === 'object-group' && kind === 'protocol') {
      const terms: ServiceTerm[] = [];
      for (const x of c.children) {
        if (x.words[0]!.text === 'protocol-object') terms.push(...this.protocol(x, 1));
      }
      this.protocolGroups.set(name, { loc, terms });
    } else {
      this.warn(c.loc, { en: `${label}: this kind of object is not read`, ja: `${label}: この種類のオブジェクトは読み込みません` });
    }
  }

  private need(c: Command, i: number): string {
    const w = c.words[i];
    if (!w) throw syntaxError(c.loc, missing(c, { en: 'a name', ja: '名前' }));
    return w.text;
  }

  private ip(c: Command, i: number): number {
    const w = c.words[i];
    if (!w) throw syntaxError(c.loc, missing(c, { en: 'an address', ja: 'アドレス' }));
    const ip = parseIpv4(w.text) ?? this.names.get(w.text);
    if (ip === undefined) throw syntaxError(this.at(c, w), notIpv4(w.text));
    return ip;
  }

  /** `a.b.c.d m.m.m.m` at word i. */
  private prefix(c: Command, i: number): Ipv4Prefix {
    const ip = this.ip(c, i);
    const w = c.words[i + 1];
    const mask = w ? parseIpv4(w.text) : undefined;
    const length = mask === undefined ? undefined : maskLength(mask);
    if (length === undefined) {
      throw syntaxError(w ? this.at(c, w) : c.loc, {
        en: `"${w?.text ?? ''}" is not a netmask (e.g. 255.255.255.0)`,
        ja: `"${w?.text ?? ''}" はネットマスクではありません（例: 255.255.255.0）`,
      });
    }
    return prefixOf(ip, length);
  }

  private port(c: Command, i: number): number {
    const w = c.words[i];
    if (!w) throw syntaxError(c.loc, missing(c, { en: 'a port', ja: 'ポート' }));
    const n = /^[0-9]{1,5}$/.test(w.text) ? Number(w.text) : PORT_NAMES[w.text];
    if (n === undefined || n > PORT_MAX) {
      throw syntaxError(this.at(c, w), {
        en: `"${w.text}" is not a port (a number from 0 to 65535 or an ASA port name)`,
        ja: `"${w.text}" はポートではありません（0～65535 の番号か ASA のポート名を書きます）`,
      });
    }
    return n;
  }

  /** A port operator at word i: eq, lt, gt, range (neq is read as every port, with a warning). */
  private ports(c: Command, i: number): [number, number] {
    const op = c.words[i]?.text;
    if (op === 'eq') return [this.port(c, i + 1), this.port(c, i + 1)];
    if (op === 'lt') return [0, Math.max(0, this.port(c, i + 1) - 1)];
    if (op === 'gt') return [Math.min(PORT_MAX, this.port(c, i + 1) + 1), PORT_MAX];
    if (op === 'range') {
      const lo = this.port(c, i + 1);
      const hi = this.port(c, i + 2);
      if (hi < lo)
        throw syntaxError(this.at(c, c.words[i + 2]!), {
          en: `port range ${lo}-${hi} ends before it starts`,
          ja: `ポート範囲 ${lo}-${hi} は始点が終点より後です`,
        });
      return [lo, hi];
    }
    if (op === 'neq') {
      this.warn(c.loc, { en: `"neq ${c.words[i + 1]?.text}" is read as every port`, ja: `"neq ${c.words[i + 1]?.text}" は全ポートとして扱います` });
      return [0, PORT_MAX];
    }
    throw syntaxError(c.words[i] ? this.at(c, c.words[i]!) : c.loc, {
      en: `"${op ?? ''}" is not a port operator (eq, lt, gt, range)`,
      ja: `"${op ?? ''}" はポートの演算子ではありません（"eq"、"lt"、"gt"、"range" のいずれかです）`,
    });
  }

  /** The number of word i as a protocol: ip, tcp, udp, icmp, a name or 0-255. */
  private protocol(c: Command, i: number): ServiceTerm[] {
    const w = c.words[i];
    if (!w) throw syntaxError(c.loc, missing(c, { en: 'a protocol', ja: 'プロトコル' }));
    if (w.text === 'ip') return [ANY_SERVICE];
    if (w.text === 'tcp-udp') return [allOf(6), allOf(17)];
    const n = /^[0-9]{1,3}$/.test(w.text) ? Number(w.text) : PROTOCOLS[w.text];
    if (n === undefined || n > PROTO_MAX) {
      throw syntaxError(this.at(c, w), {
        en: `"${w.text}" is not a protocol (ip, tcp, udp, icmp, a name or 0-255)`,
        ja: `"${w.text}" はプロトコルではありません（"ip"、tcp、udp、icmp、プロトコル名または 0～255 の番号を書きます）`,
      });
    }
    return n === 0 ? [ANY_SERVICE] : [allOf(n)];
  }

  /** `PROTO [source OP ...] [destination OP ...]` or `PROTO [TYPE]` from word i (object service, service-object). */
  private serviceSpec(c: Command, i: number, owner: string): ServiceTerm[] {
    const terms = this.protocol(c, i);
    let j = i + 1;
    let dst: [number, number] = [0, PORT_MAX];
    while (j < c.words.length) {
      const w = c.words[j]!.text;
      // `!` starts a comment (Batfish's test configurations put one after a command).
      if (w.startsWith('!')) break;
      // ASA takes a bare operator after the protocol (`service-object udp eq 1235`) as the destination.
      if (w === 'eq' || w === 'lt' || w === 'gt' || w === 'range' || w === 'neq') {
        dst = this.ports(c, j);
        j += w === 'range' ? 3 : 2;
      } else if (w === 'source' || w === 'destination') {
        const ports = this.ports(c, j + 1);
        if (w === 'destination') dst = ports;
        else
          this.warn(c.loc, {
            en: `service ${owner}: source ports are not modelled (any source port)`,
            ja: `サービス ${owner}: 送信元ポートはモデル化していません（任意の送信元ポートとして扱います）`,
          });
        j += c.words[j + 1]?.text === 'range' ? 4 : 3;
      } else {
        // An ICMP type (echo, echo-reply, ...): bunkatsu matches no ICMP type.
        this.warn(c.loc, {
          en: `service ${owner}: ICMP type "${w}" is read as all of ICMP`,
          ja: `サービス ${owner}: ICMP タイプ "${w}" は ICMP 全体として扱います`,
        });
        break;
      }
    }
    return terms.map((t) => (PORT_PROTOCOLS.has(t.protoLo) && t.protoLo === t.protoHi ? { ...t, portLo: dst[0], portHi: dst[1] } : t));
  }

  // --- Resolving names (with nesting; a group that contains itself is an error).

  private networkGroup(name: string, action: Action, stack: string[], loc: Loc): number[] {
    const g = this.networkGroups.get(name);
    if (!g) throw inputError('BNK_ERR_UNKNOWN_REF', loc, noObject('object-group network', name));
    if (stack.includes(name)) throw syntaxError(loc, containsItself(OBJECT_GROUP, name, [...stack, name]));
    let set: number[] = [];
    for (const m of g.members) {
      if (m.kind === 'set') set = union(set, m.set);
      else if (m.kind === 'object') set = union(set, this.networkObject(m.name, action, m.loc));
      else set = union(set, this.networkGroup(m.name, action, [...stack, name], m.loc));
    }
    return set;
  }

  private networkObject(name: string, action: Action, loc: Loc): readonly number[] {
    const o = this.networkObjects.get(name);
    if (!o) throw inputError('BNK_ERR_UNKNOWN_REF', loc, noObject('object network', name));
    if (o.set === 'unreadable') return action === 'permit' ? ALL : [];
    return o.set;
  }

  private serviceGroup(name: string, stack: string[], loc: Loc): ServiceTerm[] {
    const g = this.serviceGroups.get(name);
    if (!g) throw inputError('BNK_ERR_UNKNOWN_REF', loc, noObject('object-group service', name));
    if (stack.includes(name)) throw syntaxError(loc, containsItself(OBJECT_GROUP, name, [...stack, name]));
    const terms: ServiceTerm[] = [];
    for (const m of g.members) {
      if (m.kind === 'terms') terms.push(...m.terms);
      else if (m.kind === 'object') terms.push(...this.serviceObject(m.name, m.loc));
      else terms.push(...this.serviceGroup(m.name, [...stack, name], m.loc));
    }
    return terms;
  }

  private serviceObject(name: string, loc: Loc): ServiceTerm[] {
    const o = this.serviceObjects.get(name);
    if (!o) throw inputError('BNK_ERR_UNKNOWN_REF', loc, noObject('object service', name));
    return o.terms;
  }

  // --- Access lists.

  /** Every extended access-list, its ACEs in order; ids and labels carry ASA's line numbers (remarks count). */
  private accessLists(top: readonly Command[]): Map<string, ConfigAcl & { loc: Loc }> {
    const acls = new Map<string, ConfigAcl & { loc: Loc; rules: ConfigRule[]; lines: number }>();
    for (const c of top) {
      if (c.words[0]!.text !== 'access-list') continue;
      const name = this.need(c, 1);
      const kind = c.words[2]?.text;
      if (!ACL_NAME.test(name))
        throw syntaxError(this.at(c, c.words[1]!), {
          en: `access-list name "${name}" has characters bunkatsu cannot use (letters, digits, _ . - only)`,
          ja: `access-list の名前 "${name}" に bunkatsu で扱えない文字があります（英字、数字、"_"、"."、"-" のみ）`,
        });
      const acl = acls.get(name) ?? { name, loc: c.loc, rules: [], lines: 0 };
      acls.set(name, acl);
      acl.lines++;
      if (kind === 'remark') continue;
      if (kind === 'standard' || kind === 'webtype' || kind === 'ethertype') {
        this.warn(c.loc, {
          en: `access-list ${name} ${kind}: only extended access-lists are read`,
          ja: `access-list ${name} ${kind}: 読み込むのは extended のみです`,
        });
        continue;
      }
      if (kind !== 'extended')
        throw syntaxError(c.words[2] ? this.at(c, c.words[2]) : c.loc, {
          en: `access-list ${name}: expected "extended", "remark" or "standard", not "${kind ?? ''}"`,
          ja: `access-list ${name}: "${kind ?? ''}" ではなく "extended"、"remark"、"standard" のいずれかを書きます`,
        });
      const rule = this.ace(c, name, acl.lines);
      if (rule) acl.rules.push(rule);
    }
    return acls;
  }

  private ace(c: Command, acl: string, line: number): ConfigRule | undefined {
    const label = `access-list ${acl} line ${line}`;
    const words = c.words;
    const action = words[3]?.text;
    if (action !== 'permit' && action !== 'deny')
      throw syntaxError(words[3] ? this.at(c, words[3]) : c.loc, {
        en: `${label}: expected permit or deny, not "${action ?? ''}"`,
        ja: `${label}: "${action ?? ''}" ではなく permit か deny を書きます`,
      });
    if (words.some((w) => w.text === 'inactive')) return undefined; // the ASA skips an inactive ACE
    let i = 4;
    // The protocol: a name or number, an object service or an object-group (service or protocol).
    let services: ServiceTerm[];
    let portsAllowed = false;
    const protoWord = words[i];
    if (protoWord?.text === 'object') {
      services = this.serviceObject(this.need(c, i + 1), this.at(c, words[i + 1]!));
      i += 2;
    } else if (protoWord?.text === 'object-group') {
      const name = this.need(c, i + 1);
      const loc = this.at(c, words[i + 1]!);
      services = this.protocolGroups.has(name) ? this.protocolGroups.get(name)!.terms : this.serviceGroup(name, [], loc);
      portsAllowed = this.protocolGroups.has(name);
      i += 2;
    } else {
      services = this.protocol(c, i);
      portsAllowed = services.every((t) => t.protoLo === t.protoHi && PORT_PROTOCOLS.has(t.protoLo));
      i += 1;
    }
    const names: string[] = [];
    const address = (): readonly number[] => {
      const w = words[i];
      if (!w) throw syntaxError(c.loc, { en: `${label}: a source or destination is missing`, ja: `${label}: 送信元または宛先がありません` });
      names.push(
        w.text === 'host' || w.text === 'object' || w.text === 'object-group' || w.text === 'interface' ? `${w.text} ${words[i + 1]?.text ?? ''}` : w.text,
      );
      if (w.text === 'any' || w.text === 'any4') {
        i += 1;
        return ALL;
      }
      if (w.text === 'any6') {
        i += 1;
        return []; // IPv6 only: no IPv4 packet matches
      }
      if (w.text.includes(':') || (w.text === 'host' && words[i + 1]?.text.includes(':'))) {
        i += w.text === 'host' ? 2 : 1;
        return []; // an IPv6 address or prefix: no IPv4 packet matches
      }
      if (w.text === 'host') {
        const ip = this.ip(c, i + 1);
        i += 2;
        return [ip, ip];
      }
      if (w.text === 'object') {
        const set = this.networkObject(this.need(c, i + 1), action, this.at(c, words[i + 1]!));
        i += 2;
        return set;
      }
      if (w.text === 'object-group') {
        const set = this.networkGroup(this.need(c, i + 1), action, [], this.at(c, words[i + 1]!));
        i += 2;
        return set;
      }
      if (w.text === 'interface') {
        this.warn(this.at(c, w), {
          en: `${label}: "interface ${words[i + 1]?.text}" as an address is not modelled (everything in a permit, nothing in a deny)`,
          ja: `${label}: アドレスとしての "interface ${words[i + 1]?.text}" はモデル化していません（許可では全アドレス、拒否では空として扱います）`,
        });
        i += 2;
        return action === 'permit' ? ALL : [];
      }
      const p = this.prefix(c, i);
      i += 2;
      return [p.lo, p.hi];
    };
    const isPortOp = (t: string | undefined): boolean => t === 'eq' || t === 'lt' || t === 'gt' || t === 'range' || t === 'neq';
    const skipPorts = (): [number, number] | ServiceTerm[] | undefined => {
      const t = words[i]?.text;
      if (isPortOp(t)) {
        const ports = this.ports(c, i);
        i += t === 'range' ? 3 : 2;
        return ports;
      }
      if (t === 'object-group' && words[i + 1] && this.serviceGroups.has(words[i + 1]!.text)) {
        const terms = this.serviceGroup(words[i + 1]!.text, [], this.at(c, words[i + 1]!));
        i += 2;
        return terms;
      }
      return undefined;
    };
    const src = address();
    if (portsAllowed && skipPorts() !== undefined)
      this.warn(c.loc, {
        en: `${label}: source ports are not modelled (any source port)`,
        ja: `${label}: 送信元ポートはモデル化していません（任意の送信元ポートとして扱います）`,
      });
    const dst = address();
    if (portsAllowed) {
      const ports = skipPorts();
      if (Array.isArray(ports) && typeof ports[0] === 'number') {
        const [lo, hi] = ports as [number, number];
        services = services.map((t) => ({ ...t, portLo: lo, portHi: hi }));
      } else if (ports) {
        // A port group (object-group service NAME tcp): its terms, restricted to the ACE's protocols.
        const protos = new Set(services.map((t) => t.protoLo));
        services = (ports as ServiceTerm[]).filter((t) => protos.has(t.protoLo));
      }
    }
    // The rest: log options, time-range, an ICMP type.
    for (let j = i; j < words.length; j++) {
      const t = words[j]!.text;
      if (t === 'time-range')
        this.warn(this.at(c, words[j]!), {
          en: `${label}: time-range is not modelled (read as always in force)`,
          ja: `${label}: time-range はモデル化していません（常に有効として扱います）`,
        });
      else if (j === i && services.every((s) => s.protoLo === 1 && s.protoHi === 1) && t !== 'log')
        this.warn(this.at(c, words[j]!), {
          en: `${label}: ICMP type "${t}" is read as all of ICMP`,
          ja: `${label}: ICMP タイプ "${t}" は ICMP 全体として扱います`,
        });
    }
    return {
      id: `l${line}`,
      action,
      src,
      dst,
      services: normalizeServices(services),
      description: `${label}: ${words
        .slice(3)
        .map((w) => w.text)
        .join(' ')}`,
      origin: { ...c.loc, label },
    };
  }

  /** `access-group NAME in|out interface NAMEIF` and `access-group NAME global`. */
  private accessGroups(
    top: readonly Command[],
    acls: ReadonlyMap<string, unknown>,
    levels: ReadonlyMap<string, number>,
  ): { in: Map<string, Binding>; out: Map<string, Binding>; global: Binding | undefined } {
    const bound = { in: new Map<string, Binding>(), out: new Map<string, Binding>(), global: undefined as Binding | undefined };
    for (const c of top) {
      if (c.words[0]!.text !== 'access-group') continue;
      const name = this.need(c, 1);
      if (!acls.has(name))
        throw inputError('BNK_ERR_UNKNOWN_REF', this.at(c, c.words[1]!), {
          en: `access-group names access-list "${name}", which is not defined`,
          ja: `access-group が指す access-list "${name}" は定義されていません`,
        });
      const dir = c.words[2]?.text;
      if (dir === 'global') {
        if (bound.global)
          this.warn(c.loc, {
            en: `a second access-group global (${name}) replaces ${bound.global.acl}`,
            ja: `2つ目の access-group global（${name}）が ${bound.global.acl} を置き換えます`,
          });
        bound.global = { acl: name, loc: { ...c.loc, label: `access-group ${name} global` } };
        continue;
      }
      if ((dir !== 'in' && dir !== 'out') || c.words[3]?.text !== 'interface')
        throw syntaxError(c.loc, {
          en: `expected "access-group ${name} in|out interface NAME" or "access-group ${name} global"`,
          ja: `"access-group ${name} in|out interface NAME" か "access-group ${name} global" の形で書きます`,
        });
      const nameif = this.need(c, 4);
      if (!levels.has(nameif)) throw inputError('BNK_ERR_UNKNOWN_REF', this.at(c, c.words[4]!), noNameif(`access-group ${name}`, nameif));
      if (c.words[5]?.text === 'control-plane') {
        this.warn(c.loc, {
          en: `access-group ${name} control-plane: traffic to the ASA itself is not modelled`,
          ja: `access-group ${name} control-plane: ASA 自身宛の通信はモデル化していません`,
        });
        continue;
      }
      bound[dir].set(nameif, { acl: name, loc: { ...c.loc, label: `access-group ${name} ${dir} interface ${nameif}` } });
    }
    return bound;
  }

  // --- Routes.

  /** Connected subnets, then static routes; per prefix only the lowest distance is installed (equal: ECMP). */
  private routes(top: readonly Command[], interfaces: readonly ConfigInterface[]): ConfigRoute[] {
    const candidates: Array<ConfigRoute & { distance: number }> = [];
    for (const f of interfaces)
      if (f.address) candidates.push({ prefix: f.address.subnet, action: 'forward', interfaces: [f.name], origin: f.origin, distance: 0 });
    for (const c of top) {
      if (c.words[0]!.text !== 'route') continue;
      const nameif = this.need(c, 1);
      const prefix = this.prefix(c, 2);
      this.ip(c, 4);
      const distanceText = c.words[5]?.text;
      const distance = distanceText && /^[0-9]{1,3}$/.test(distanceText) ? Number(distanceText) : 1;
      const label = `route ${c.words
        .slice(1, 5)
        .map((w) => w.text)
        .join(' ')}`;
      if (nameif === 'Null0') {
        candidates.push({ prefix, action: 'drop', interfaces: [], origin: { ...c.loc, label }, distance });
        continue;
      }
      if (!interfaces.some((f) => f.name === nameif)) throw inputError('BNK_ERR_UNKNOWN_REF', this.at(c, c.words[1]!), noNameif('route', nameif));
      if (c.words.some((w) => w.text === 'tunneled')) {
        this.warn(c.loc, {
          en: `${label} tunneled: VPN default routes are not modelled; left out`,
          ja: `${label} tunneled: VPN のデフォルトルートはモデル化していないため除外しました`,
        });
        continue;
      }
      candidates.push({ prefix, action: 'forward', interfaces: [nameif], origin: { ...c.loc, label }, distance });
    }
    const key = (p: Ipv4Prefix): string => `${p.lo}/${p.length}`;
    const best = new Map<string, number>();
    for (const c of candidates) best.set(key(c.prefix), Math.min(best.get(key(c.prefix)) ?? Number.POSITIVE_INFINITY, c.distance));
    return candidates.filter((c) => c.distance === best.get(key(c.prefix))).map(({ distance: _, ...r }) => r);
  }

  // --- What is not modelled.

  private unmodelled(top: readonly Command[]): void {
    for (const c of top) {
      const [head, second] = c.words.map((w) => w.text);
      if (head === 'nat')
        this.warnOnce('nat', c.loc, {
          en: 'NAT is not modelled (addresses are matched as configured, before translation)',
          ja: 'NAT はモデル化していません（アドレスは変換前の設定値で照合します）',
        });
      else if (head === 'failover')
        this.warnOnce('failover', c.loc, {
          en: 'failover is not modelled: the configuration is read as one ASA',
          ja: 'フェイルオーバーはモデル化していません（1台の ASA として読み込みます）',
        });
      else if (head === 'crypto' || head === 'tunnel-group' || head === 'webvpn' || head === 'group-policy')
        this.warnOnce('vpn', c.loc, {
          en: 'VPN (crypto, tunnel-group, webvpn) is not modelled: traffic through tunnels is not analysed',
          ja: 'VPN（crypto、tunnel-group、webvpn）はモデル化していません（トンネル経由の通信は分析しません）',
        });
      else if (head === 'router' && second)
        this.warnOnce(`router ${second}`, c.loc, {
          en: `router ${second} is not modelled: forwarding follows the static routes only`,
          ja: `router ${second} はモデル化していません（転送は静的経路のみに従います）`,
        });
      else if (head === 'same-security-traffic' && second === 'permit' && c.words[2]?.text === 'intra-interface')
        this.warn(c.loc, {
          en: 'same-security-traffic permit intra-interface (hairpin) is not modelled',
          ja: 'same-security-traffic permit intra-interface（ヘアピン）はモデル化していません',
        });
    }
  }
}

/** Reads one ASA configuration (`show running-config`). `name` names the device when the file sets no hostname. */
export function parseAsa(text: string, file: string, name: string): ImportedConfig {
  refuseBinary(text, file);
  const reader = new AsaReader(file);
  const device = reader.read(text, name);
  return { devices: [device], warnings: reader.warnings, skipped: reader.skipped };
}
