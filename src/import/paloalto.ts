// Reads Palo Alto Networks (PAN-OS) configurations in XML (`show config running`, a saved
// running-config.xml) into the vendor-neutral form of config.ts: layer-3 interfaces and their
// subnets, zones, address objects and static groups, services and groups, the security
// rulebase in order with the intrazone-allow / interzone-deny defaults as explicit final rules,
// static routes; one device per vsys. What it cannot model and could change reachability is a
// warning with its file:line:column; malformed XML is an InputError at its location. No I/O.

import { type Bilingual, inputError, type Loc, refuseBinary, syntaxError } from '../errors.ts';
import { ALL, subtract, union } from '../net/intervals.ts';
import { type Ipv4Prefix, parseIpv4 } from '../net/ipv4.ts';
import { ANY_SERVICE, PORT_MAX, type ServiceTerm } from '../net/services.ts';
import type { ConfigDevice, ConfigInterface, ConfigRoute, ConfigRule, ImportedConfig, ImportWarning, SkippedSection } from './config.ts';
import { toId } from './fortigate.ts';
import { refuseGroupCycles } from './groups.ts';
import { ADDRESS_GROUP, containsItself, notDefined, SERVICE_GROUP } from './texts.ts';
import { normalizeServices } from './terms.ts';
import { parsePanosSet } from './paloalto-set.ts';
import { child, entries, members, parseXml, path, type XmlElement } from './xml.ts';

/** `a.b.c.d/len` or `a.b.c.d` (a /32) as a prefix with its host address. */
function parseCidrHost(text: string): { ip: number; subnet: Ipv4Prefix } | undefined {
  const [ipText = '', lengthText = '32'] = text.split('/');
  const ip = parseIpv4(ipText);
  if (ip === undefined || !/^[0-9]{1,2}$/.test(lengthText) || Number(lengthText) > 32) return undefined;
  const length = Number(lengthText);
  const size = 2 ** (32 - length);
  const lo = ip - (ip % size);
  return { ip, subnet: { lo, hi: lo + size - 1, length } };
}

/** An address written in place of an object name: a prefix, an address or a range `a-b`. */
function literalAddress(text: string): number[] | undefined {
  const range = /^([0-9.]+)-([0-9.]+)$/.exec(text);
  if (range) {
    const lo = parseIpv4(range[1]!);
    const hi = parseIpv4(range[2]!);
    return lo !== undefined && hi !== undefined && lo <= hi ? [lo, hi] : undefined;
  }
  const p = parseCidrHost(text);
  return p ? [p.subnet.lo, p.subnet.hi] : undefined;
}

/** PAN-OS predefined services, used when the configuration does not define them itself. */
const PREDEFINED_SERVICES: Readonly<Record<string, readonly ServiceTerm[]>> = {
  'service-http': [
    { protoLo: 6, protoHi: 6, portLo: 80, portHi: 80 },
    { protoLo: 6, protoHi: 6, portLo: 8080, portHi: 8080 },
  ],
  'service-https': [{ protoLo: 6, protoHi: 6, portLo: 443, portHi: 443 }],
};

const quoteName = (name: string): string => `"${name}"`;

/** A rule's address, service or zone list with no <member>. */
function noMembers(label: string, kind: 'address' | 'service' | 'zone'): Bilingual {
  const ja = { address: 'アドレス', service: 'サービス', zone: 'ゾーン' }[kind];
  return {
    en: `${label}: no ${kind} members (write <member>any</member> for every ${kind})`,
    ja: `${label}: ${ja}の "<member>" がありません（すべての${ja}とするには "<member>any</member>" と書きます）`,
  };
}
const nameOf = (e: XmlElement): string => e.attributes.get('name') ?? '';
const yes = (e: XmlElement | undefined): boolean => e?.text === 'yes';

/** Objects of one vsys: its own, then the shared ones (a vsys object hides a shared one of the same name). */
class Objects {
  private readonly resolvedAddresses = new Map<string, number[] | undefined>();
  /** Per kind (address, service, ...), the entries by name: the vsys's own over the shared ones. */
  private readonly byKind = new Map<string, Map<string, XmlElement>>();

  constructor(
    private readonly reader: PaloaltoReader,
    private readonly scopes: readonly (XmlElement | undefined)[],
  ) {}

  private find(kind: string, name: string): XmlElement | undefined {
    let table = this.byKind.get(kind);
    if (!table) {
      table = new Map();
      // The last scope first, so that the first (the vsys) wins.
      for (const scope of [...this.scopes].reverse()) {
        const seen = new Map<string, XmlElement>();
        for (const e of entries(child(scope, kind))) {
          const first = seen.get(nameOf(e));
          if (first)
            throw inputError('BNK_ERR_DUPLICATE_ID', e.loc, {
              en: `${kind} "${nameOf(e)}" is defined twice (first at line ${first.loc.line})`,
              ja: `"${kind}" の "${nameOf(e)}" が2回定義されています（最初は ${first.loc.line} 行目）`,
            });
          seen.set(nameOf(e), e);
          table.set(nameOf(e), e);
        }
      }
      this.byKind.set(kind, table);
    }
    return table.get(name);
  }

  /** An object defined twice, or a group that contains itself, is an error even when no rule uses it (PAN-OS refuses to commit either). */
  checkObjects(): void {
    for (const kind of ['address', 'address-group', 'service', 'service-group']) this.find(kind, '');
    for (const [kind, what, list] of [
      ['address-group', ADDRESS_GROUP, 'static'],
      ['service-group', SERVICE_GROUP, 'members'],
    ] as const) {
      const names = this.scopes.flatMap((scope) => entries(child(scope, kind)).map(nameOf));
      refuseGroupCycles(what, names, (name) => {
        const g = this.find(kind, name);
        return g && { loc: g.loc, members: members(child(g, list)).map((m) => m.text) };
      });
    }
  }

  /** The addresses of a source / destination list; an object it cannot read stands for any when `widen`, for none otherwise. */
  addresses(list: XmlElement | undefined, at: Loc, label: string, widen: boolean): number[] {
    const names = members(list);
    if (names.length === 0) throw syntaxError(list?.loc ?? at, noMembers(label, 'address'));
    let out: number[] = [];
    for (const m of names) {
      const set = this.address(m.text, m.loc, []);
      if (set === undefined) {
        this.reader.warn(m.loc, {
          en: `${label}: address "${m.text}" cannot be read as IPv4 addresses; it stands for ${widen ? 'every address (the permit is not narrowed)' : 'no address (the deny is not widened)'}`,
          ja: `${label}: アドレス "${m.text}" を IPv4 アドレスとして読めないため、${widen ? '許可を狭めないよう全アドレス' : '拒否を広げないよう空'}として扱います`,
        });
        if (widen) return [...ALL];
      } else out = union(out, set);
    }
    return out;
  }

  private address(name: string, at: Loc, trail: readonly string[]): number[] | undefined {
    if (name === 'any') return [...ALL];
    if (this.resolvedAddresses.has(name)) return this.resolvedAddresses.get(name);
    let set: number[] | undefined;
    const object = this.find('address', name);
    const group = this.find('address-group', name);
    if (object) set = this.addressObject(object);
    else if (group) {
      if (trail.includes(name)) throw syntaxError(group.loc, containsItself(ADDRESS_GROUP, name, [...trail, name]));
      const dynamic = child(group, 'dynamic');
      if (dynamic) {
        this.reader.warn(dynamic.loc, {
          en: `address group "${name}" is dynamic (tag-based): its members are not known from the configuration`,
          ja: `アドレスグループ "${name}" は動的（タグによる）グループのため、メンバーを設定から知ることができません`,
        });
        set = undefined;
      } else {
        set = [];
        for (const m of members(child(group, 'static'))) {
          const member = this.address(m.text, m.loc, [...trail, name]);
          if (member === undefined) {
            set = undefined;
            break;
          }
          set = union(set, member);
        }
      }
    } else {
      set = literalAddress(name);
      const range = /^([0-9.]+)-([0-9.]+)$/.exec(name);
      if (set === undefined && range && parseIpv4(range[1]!) !== undefined && parseIpv4(range[2]!) !== undefined)
        throw syntaxError(at, { en: `address range "${name}" ends before it starts`, ja: `アドレス範囲 "${name}" は始点が終点より後です` });
      if (set === undefined) {
        throw inputError(
          'BNK_ERR_UNKNOWN_REF',
          at,
          notDefined({ en: 'address', ja: 'アドレス' }, name, { en: 'address / address-group', ja: '"address" にも "address-group" にもありません' }),
        );
      }
    }
    this.resolvedAddresses.set(name, set);
    return set;
  }

  private addressObject(e: XmlElement): number[] | undefined {
    const netmask = child(e, 'ip-netmask');
    if (netmask) {
      const p = parseCidrHost(netmask.text);
      if (!p) {
        throw syntaxError(netmask.loc, {
          en: `address "${nameOf(e)}": "${netmask.text}" is not an address or prefix (e.g. 10.0.0.0/24)`,
          ja: `アドレス "${nameOf(e)}": "${netmask.text}" はアドレスでもプレフィックスでもありません（例: 10.0.0.0/24）`,
        });
      }
      return [p.subnet.lo, p.subnet.hi];
    }
    const range = child(e, 'ip-range');
    if (range) {
      const set = /-/.test(range.text) ? literalAddress(range.text) : undefined;
      if (!set) {
        throw syntaxError(range.loc, {
          en: `address "${nameOf(e)}": "${range.text}" is not a range (e.g. 10.0.0.10-10.0.0.20)`,
          ja: `アドレス "${nameOf(e)}": "${range.text}" は範囲ではありません（例: 10.0.0.10-10.0.0.20）`,
        });
      }
      return set;
    }
    const kind = e.children.find((c) => c.name === 'fqdn' || c.name === 'ip-wildcard');
    this.reader.warn(kind?.loc ?? e.loc, {
      en: `address "${nameOf(e)}" is ${kind ? `an ${kind.name}` : 'of an unknown kind'}, not a set of IPv4 addresses bunkatsu can know`,
      ja: `アドレス "${nameOf(e)}" は${kind ? ` ${kind.name} 型` : '不明な種類'}のため、IPv4 アドレスの集合として特定できません`,
    });
    return undefined;
  }

  /** The services of a service list; `application-default` and objects it cannot read stand for any when `widen`, for none otherwise. */
  services(list: XmlElement | undefined, at: Loc, label: string, widen: boolean): ServiceTerm[] {
    const names = members(list);
    if (names.length === 0) throw syntaxError(list?.loc ?? at, noMembers(label, 'service'));
    const terms: ServiceTerm[] = [];
    for (const m of names) {
      if (m.text === 'application-default') {
        this.reader.warn(m.loc, {
          en: `${label}: service "application-default" (the applications' standard ports) is read as ${widen ? 'every service (the permit is not narrowed)' : 'no service (the deny is not widened)'}`,
          ja: `${label}: サービス "application-default"（アプリケーション標準のポート）は${widen ? '許可を狭めないよう全サービス' : '拒否を広げないよう空'}として読みます`,
        });
        if (widen) return [ANY_SERVICE];
        continue;
      }
      terms.push(...this.service(m.text, m.loc, []));
    }
    return normalizeServices(terms);
  }

  private service(name: string, at: Loc, trail: readonly string[]): ServiceTerm[] {
    if (name === 'any') return [ANY_SERVICE];
    const object = this.find('service', name);
    if (object) return this.serviceObject(object);
    const group = this.find('service-group', name);
    if (group) {
      if (trail.includes(name)) throw syntaxError(group.loc, containsItself(SERVICE_GROUP, name, [...trail, name]));
      return members(child(group, 'members')).flatMap((m) => this.service(m.text, m.loc, [...trail, name]));
    }
    const predefined = PREDEFINED_SERVICES[name];
    if (predefined && Object.hasOwn(PREDEFINED_SERVICES, name)) return [...predefined];
    throw inputError(
      'BNK_ERR_UNKNOWN_REF',
      at,
      notDefined({ en: 'service', ja: 'サービス' }, name, {
        en: 'service / service-group',
        ja: '"service" にも "service-group" にも定義済みのサービスにもありません',
      }),
    );
  }

  private serviceObject(e: XmlElement): ServiceTerm[] {
    const protocol = child(e, 'protocol');
    const out: ServiceTerm[] = [];
    for (const [key, proto] of [
      ['tcp', 6],
      ['udp', 17],
      ['sctp', 132],
    ] as const) {
      const p = child(protocol, key);
      if (!p) continue;
      // Without <port> the service is every destination port of the protocol (as Batfish reads it).
      const port = child(p, 'port');
      for (const v of (port?.text ?? `0-${PORT_MAX}`).split(',')) {
        const m = /^\s*([0-9]{1,5})(?:-([0-9]{1,5}))?\s*$/.exec(v);
        const lo = Number(m?.[1]);
        const hi = m?.[2] === undefined ? lo : Number(m[2]);
        if (!m || lo > PORT_MAX || hi > PORT_MAX || lo > hi)
          throw syntaxError((port ?? p).loc, {
            en: `service "${nameOf(e)}": "${v}" is not a port range (e.g. 443, 8000-8080)`,
            ja: `サービス "${nameOf(e)}": "${v}" はポート範囲ではありません（例: 443、8000-8080）`,
          });
        out.push({ protoLo: proto, protoHi: proto, portLo: lo, portHi: hi });
      }
      const source = child(p, 'source-port');
      if (source && source.text !== '' && source.text !== '0-65535' && source.text !== '1-65535') {
        this.reader.warn(source.loc, {
          en: `service "${nameOf(e)}": source ports ${source.text} are not modelled (any source port)`,
          ja: `サービス "${nameOf(e)}": 送信元ポート ${source.text} はモデル化していません（任意の送信元ポート）`,
        });
      }
    }
    if (out.length === 0) {
      throw syntaxError(e.loc, {
        en: `service "${nameOf(e)}" has no <protocol><tcp>, <udp> or <sctp>`,
        ja: `サービス "${nameOf(e)}" に "<protocol>" の "<tcp>"、"<udp>"、"<sctp>" のいずれもありません`,
      });
    }
    return out;
  }
}

/** One vsys's zones: name -> its layer-3 interfaces. */
type Zones = ReadonlyMap<string, readonly string[]>;

class PaloaltoReader {
  readonly warnings: ImportWarning[] = [];
  readonly skipped: SkippedSection[] = [];

  constructor(readonly file: string) {}

  warn(loc: Loc, text: Bilingual): void {
    this.warnings.push({ loc, ...text });
  }

  read(text: string, fallbackName: string): ConfigDevice[] {
    // XML begins with `<`; anything else is read as `set` lines.
    const root = text
      .replace(/^\uFEFF/, '')
      .trimStart()
      .startsWith('<')
      ? parseXml(text, this.file)
      : parsePanosSet(text, this.file);
    if (root.name !== 'config') {
      throw syntaxError(root.loc, {
        en: `the root element is <${root.name}>, not <config> (a PAN-OS configuration)`,
        ja: `ルート要素が "<config>" ではなく "<${root.name}>" です（PAN-OS の設定ではありません）`,
      });
    }
    const device = entries(child(root, 'devices'))[0];
    if (!device) {
      throw syntaxError(root.loc, {
        en: 'no <devices><entry> (the firewall itself) in the configuration',
        ja: '設定に "<devices><entry>"（ファイアウォール自体）がありません',
      });
    }
    const hostname = path(device, 'deviceconfig', 'system', 'hostname')?.text || fallbackName;
    // Management, logging and the device's own services: nothing in them decides what passes.
    for (const c of child(device, 'deviceconfig')?.children ?? []) this.skipped.push({ section: `deviceconfig ${c.name}`, loc: c.loc });
    for (const c of [child(root, 'mgt-config'), path(root, 'shared', 'log-settings')])
      if (c) this.skipped.push({ section: c.name === 'log-settings' ? 'shared log-settings' : c.name, loc: c.loc });
    const interfaces = this.interfaces(device);
    const vsysList = entries(child(device, 'vsys'));
    if (vsysList.length === 0) {
      throw syntaxError(device.loc, {
        en: 'no <vsys><entry> (no zones or rules) in the configuration',
        ja: '設定に "<vsys><entry>" がありません（ゾーンもルールもありません）',
      });
    }
    const multi = vsysList.length > 1;
    const routes = this.staticRoutes(device);
    return vsysList.map((vsys) => this.vsys(vsys, multi ? `${hostname}.${nameOf(vsys)}` : hostname, interfaces, routes, multi, child(root, 'shared')));
  }

  /** Layer-3 interfaces: ethernet and aggregate-ethernet (and their units), vlan, loopback and tunnel units. */
  private interfaces(device: XmlElement): ConfigInterface[] {
    const out: ConfigInterface[] = [];
    const network = path(device, 'network', 'interface');
    const add = (name: string, holder: XmlElement): void => {
      const ips = entries(child(holder, 'ip'));
      if (child(holder, 'dhcp-client') || child(holder, 'pppoe')) {
        this.warn(holder.loc, {
          en: `interface "${name}" takes its address by DHCP or PPPoE; no subnet is known`,
          ja: `インタフェース "${name}" は DHCP または PPPoE でアドレスを得るため、サブネットが分かりません`,
        });
      }
      const first = ips[0];
      if (!first) {
        out.push({ name, origin: { ...holder.loc, label: `interface ${quoteName(name)}` } });
        return;
      }
      const parsed = parseCidrHost(nameOf(first));
      if (!parsed || !nameOf(first).includes('/')) {
        this.warn(first.loc, {
          en: `interface "${name}": "${nameOf(first)}" is not an address with a prefix length; no subnet is known`,
          ja: `インタフェース "${name}": "${nameOf(first)}" はプレフィックス長付きのアドレスではないため、サブネットが分かりません`,
        });
        out.push({ name, origin: { ...first.loc, label: `interface ${quoteName(name)}` } });
        return;
      }
      if (ips.length > 1) {
        this.warn(ips[1]!.loc, {
          en: `interface "${name}" has several addresses; only the first (${nameOf(first)}) is a connected subnet`,
          ja: `インタフェース "${name}" には複数のアドレスがありますが、最初のもの（${nameOf(first)}）のみを接続サブネットとします`,
        });
      }
      out.push({ name, address: parsed, origin: { ...first.loc, label: `interface ${quoteName(name)} ip ${nameOf(first)}` } });
    };
    for (const kind of ['ethernet', 'aggregate-ethernet']) {
      for (const e of entries(child(network, kind))) {
        const layer3 = child(e, 'layer3');
        if (!layer3) {
          const mode = e.children.find((c) => c.name === 'virtual-wire' || c.name === 'layer2' || c.name === 'tap');
          if (mode) {
            this.warn(mode.loc, {
              en: `interface "${nameOf(e)}" is in ${mode.name} mode, which is not modelled`,
              ja: `インタフェース "${nameOf(e)}" は ${mode.name} モードで、モデル化していません`,
            });
          }
          continue;
        }
        add(nameOf(e), layer3);
        for (const u of entries(child(layer3, 'units'))) add(nameOf(u), u);
      }
    }
    for (const kind of ['vlan', 'loopback', 'tunnel']) {
      const holder = child(network, kind);
      for (const u of entries(child(holder, 'units'))) add(nameOf(u), u);
    }
    return out;
  }

  /** Static routes of every virtual router, with the router's name (a vsys imports routers). */
  private staticRoutes(device: XmlElement): Array<{ router: string; route: XmlElement }> {
    const out: Array<{ router: string; route: XmlElement }> = [];
    for (const vr of entries(path(device, 'network', 'virtual-router'))) {
      const protocol = child(vr, 'protocol');
      for (const p of protocol?.children ?? []) {
        if (yes(child(p, 'enable'))) {
          this.warn(p.loc, {
            en: `virtual router "${nameOf(vr)}": ${p.name.toUpperCase()} is not modelled; forwarding follows the static routes only`,
            ja: `仮想ルータ "${nameOf(vr)}": ${p.name.toUpperCase()} はモデル化していません（静的経路のみで転送を判断します）`,
          });
        }
      }
      for (const r of entries(path(vr, 'routing-table', 'ip', 'static-route'))) out.push({ router: nameOf(vr), route: r });
    }
    return out;
  }

  private vsys(
    vsys: XmlElement,
    deviceName: string,
    all: readonly ConfigInterface[],
    staticRoutes: ReadonlyArray<{ router: string; route: XmlElement }>,
    multi: boolean,
    shared: XmlElement | undefined,
  ): ConfigDevice {
    const id = toId(deviceName);
    const vsysName = nameOf(vsys);
    for (const [section, en, ja] of [
      ['nat', 'NAT rules are not modelled (addresses are matched as before translation)', 'NAT ルールはモデル化していません（変換前のアドレスで判定します）'],
      ['pbf', 'policy-based forwarding is not modelled: forwarding follows the static routes only', 'ポリシーベースフォワーディングはモデル化していません'],
    ] as const) {
      const rules = path(vsys, 'rulebase', section, 'rules');
      if (rules && entries(rules).length > 0) this.warn(rules.loc, { en: `vsys ${vsysName}: ${en}`, ja: `vsys ${vsysName}: ${ja}` });
    }
    // Zones: layer-3 members only; other zone types carry no routed interface.
    const zones = new Map<string, string[]>();
    for (const z of entries(child(vsys, 'zone'))) {
      const network = child(z, 'network');
      const layer3 = child(network, 'layer3');
      const other = network?.children.find((c) => c.name !== 'layer3' && members(c).length > 0);
      if (other) {
        this.warn(other.loc, {
          en: `zone "${nameOf(z)}" is a ${other.name} zone, which is not modelled`,
          ja: `ゾーン "${nameOf(z)}" は ${other.name} ゾーンで、モデル化していません`,
        });
      }
      zones.set(
        nameOf(z),
        members(layer3).map((m) => m.text),
      );
    }
    const zoneOf = new Map<string, string>();
    for (const [zone, list] of zones) for (const m of list) zoneOf.set(m, zone);
    // A vsys owns the interfaces it imports, or (one vsys) every interface.
    const imported = new Set(members(path(vsys, 'import', 'network', 'interface')).map((m) => m.text));
    const interfaces = all
      .filter((f) => !multi || imported.has(f.name) || zoneOf.has(f.name))
      .map((f) => (zoneOf.has(f.name) ? { ...f, vendorZone: zoneOf.get(f.name)! } : f));
    const names = new Set(interfaces.map((f) => f.name));
    const zoneInterfaces: Zones = new Map([...zones].map(([z, list]) => [z, list.filter((n) => names.has(n))]));
    const objects = new Objects(this, [vsys, shared]);
    objects.checkObjects();
    const rules: ConfigRule[] = [];
    const security = path(vsys, 'rulebase', 'security');
    for (const e of entries(child(security, 'rules'))) rules.push(...this.rule(e, objects, zoneInterfaces));
    rules.push(...this.defaults(vsys, security, zoneInterfaces));
    const routers = new Set(members(path(vsys, 'import', 'network', 'virtual-router')).map((m) => m.text));
    const routes = this.routes(
      staticRoutes.filter((r) => !multi || routers.has(r.router)),
      interfaces,
    );
    return { id, vendor: 'paloalto', interfaces, rules, routes, origin: { ...vsys.loc, label: `device ${id}` } };
  }

  /** The zones of a from / to list; undefined for "any", 'none' when nothing is left. */
  private zoneList(list: XmlElement | undefined, at: Loc, label: string, zones: Zones, permit: boolean): string[] | undefined | 'none' {
    const names = members(list);
    if (names.length === 0) throw syntaxError(list?.loc ?? at, noMembers(label, 'zone'));
    if (names.some((m) => m.text === 'any')) return undefined;
    const out: string[] = [];
    for (const m of names) {
      if (zones.has(m.text)) out.push(m.text);
      else {
        this.warn(m.loc, {
          en: `${label}: zone "${m.text}" is not a zone of this vsys; read as ${permit ? 'any zone (so the permit is not narrowed)' : 'no zone (so the deny does not widen)'}`,
          ja: `${label}: ゾーン "${m.text}" はこの vsys のゾーンではありません。${permit ? '許可を狭めないよう任意のゾーン' : '拒否を広げないようどのゾーンにも該当しない'}ものとして読みます`,
        });
        if (permit) return undefined;
      }
    }
    return out.length === 0 ? 'none' : out;
  }

  /** One security rule: usually one ConfigRule; an intrazone / interzone rule one per zone (pair). */
  private rule(e: XmlElement, objects: Objects, zones: Zones): ConfigRule[] {
    const name = nameOf(e);
    const label = `rule ${quoteName(name)}`;
    const origin: Loc = { ...e.loc, label };
    if (yes(child(e, 'disabled'))) return [];
    const actionElement = child(e, 'action');
    const actionText = actionElement?.text ?? '';
    let action: 'permit' | 'deny';
    if (actionText === 'allow') action = 'permit';
    else if (['deny', 'drop', 'reset-client', 'reset-server', 'reset-both'].includes(actionText)) action = 'deny';
    else {
      this.warn(actionElement?.loc ?? e.loc, {
        en: actionElement ? `${label}: action "${actionText}" is not supported; the rule is left out` : `${label}: no action; the rule is left out`,
        ja: actionElement
          ? `${label}: action "${actionText}" には対応していないため、このルールは除外しました`
          : `${label}: action の指定がないため、このルールは除外しました`,
      });
      return [];
    }
    const permit = action === 'permit';
    const apps = members(child(e, 'application')).map((m) => m.text);
    if (apps.length > 0 && !apps.includes('any')) {
      const where = child(e, 'application')!.loc;
      this.warn(where, {
        en: `${label}: applications (${apps.join(', ')}) are not modelled (layer 7); ${permit ? 'the rule is read for every application' : 'the deny is left out (not widened to every application)'}`,
        ja: `${label}: アプリケーション（${apps.join('、')}）はモデル化していません（L7）。${permit ? 'すべてのアプリケーションに適用されるものとして読みます' : '拒否を広げないよう、このルールは除外しました'}`,
      });
      if (!permit) return [];
    }
    for (const key of ['source-user', 'category', 'source-hip', 'destination-hip'] as const) {
      const list = members(child(e, key)).map((m) => m.text);
      if (list.length > 0 && !list.includes('any')) {
        this.warn(child(e, key)!.loc, {
          en: `${label}: "${key}" (${list.join(', ')}) is not modelled; the rule is read as if it matched`,
          ja: `${label}: "${key}"（${list.join('、')}）はモデル化していません（条件に該当するものとして読みます）`,
        });
      }
    }
    const negateSource = yes(child(e, 'negate-source'));
    const negateDestination = yes(child(e, 'negate-destination'));
    const src = objects.addresses(child(e, 'source'), e.loc, label, permit !== negateSource);
    const dst = objects.addresses(child(e, 'destination'), e.loc, label, permit !== negateDestination);
    const services = objects.services(child(e, 'service'), e.loc, label, permit);
    const from = this.zoneList(child(e, 'from'), e.loc, label, zones, permit);
    const to = this.zoneList(child(e, 'to'), e.loc, label, zones, permit);
    if (from === 'none' || to === 'none') return [];
    const written = (key: string, negated: boolean): string =>
      `${negated ? '!' : ''}${
        members(child(e, key))
          .map((m) => m.text)
          .join(',') || '-'
      }`;
    const base = {
      action,
      src: negateSource ? subtract(ALL, src) : src,
      dst: negateDestination ? subtract(ALL, dst) : dst,
      services,
      description: `${label}: ${written('from', false)} → ${written('to', false)}: ${written('source', negateSource)} → ${written('destination', negateDestination)} ${written('service', false)}`,
      origin,
    };
    const type = child(e, 'rule-type')?.text ?? 'universal';
    if (type === 'universal') {
      const ifaces = (list: readonly string[]): string[] => [...new Set(list.flatMap((z) => zones.get(z)!))];
      // Zones without a layer-3 interface of this vsys: the rule matches no packet.
      if ((from && ifaces(from).length === 0) || (to && ifaces(to).length === 0)) return [];
      return [{ id: toId(name), ...base, ...(from ? { in: ifaces(from) } : {}), ...(to ? { out: ifaces(to) } : {}) }];
    }
    // intrazone: within each zone; interzone: between different zones. One rule per zone (pair).
    const fromZones = from ?? [...zones.keys()];
    const toZones = to ?? [...zones.keys()];
    const out: ConfigRule[] = [];
    for (const f of fromZones) {
      for (const t of toZones) {
        if ((type === 'intrazone') !== (f === t) || zones.get(f)!.length === 0 || zones.get(t)!.length === 0) continue;
        out.push({ id: toId(type === 'intrazone' ? `${name}.${f}` : `${name}.${f}.${t}`), ...base, in: [...zones.get(f)!], out: [...zones.get(t)!] });
      }
    }
    return out;
  }

  /** intrazone-default (allow) per zone, then interzone-default (deny), with their overrides. */
  private defaults(vsys: XmlElement, security: XmlElement | undefined, zones: Zones): ConfigRule[] {
    const overrides = entries(path(vsys, 'rulebase', 'default-security-rules', 'rules'));
    const where = security ?? vsys;
    const out: ConfigRule[] = [];
    const actionOf = (ruleName: string, fallback: 'permit' | 'deny'): { action: 'permit' | 'deny'; loc: Loc } => {
      const o = overrides.find((x) => nameOf(x) === ruleName);
      const text = child(o, 'action')?.text;
      if (!o || text === undefined) return { action: fallback, loc: where.loc };
      return { action: text === 'allow' ? 'permit' : 'deny', loc: o.loc };
    };
    const intra = actionOf('intrazone-default', 'permit');
    for (const [zone, ifaces] of zones) {
      // With one interface, traffic within the zone never crosses the firewall (no hairpin is modelled).
      if (ifaces.length < 2) continue;
      const label = `default rule "intrazone-default" (zone ${quoteName(zone)})`;
      out.push({
        id: toId(`intrazone-default.${zone}`),
        action: intra.action,
        src: [...ALL],
        dst: [...ALL],
        services: [ANY_SERVICE],
        in: [...ifaces],
        out: [...ifaces],
        description: `${label}: ${intra.action === 'permit' ? 'allow' : 'deny'} within the zone`,
        origin: { ...intra.loc, label },
      });
    }
    const inter = actionOf('interzone-default', 'deny');
    const label = 'default rule "interzone-default"';
    out.push({
      id: 'interzone-default',
      action: inter.action,
      src: [...ALL],
      dst: [...ALL],
      services: [ANY_SERVICE],
      description: `${label}: ${inter.action === 'permit' ? 'allow' : 'deny'} between zones`,
      origin: { ...inter.loc, label },
    });
    return out;
  }

  /** Connected subnets, then static routes: of routes to one prefix, only the lowest admin distance (then metric) is installed. */
  private routes(staticRoutes: ReadonlyArray<{ router: string; route: XmlElement }>, interfaces: readonly ConfigInterface[]): ConfigRoute[] {
    const candidates: Array<ConfigRoute & { distance: number; metric: number }> = [];
    for (const f of interfaces) {
      if (f.address) candidates.push({ prefix: f.address.subnet, action: 'forward', interfaces: [f.name], origin: f.origin, distance: 0, metric: 0 });
    }
    for (const { router, route: e } of staticRoutes) {
      const label = `static route ${quoteName(nameOf(e))} (virtual router ${quoteName(router)})`;
      const labelJa = `静的経路 ${quoteName(nameOf(e))}（仮想ルータ ${quoteName(router)}）`;
      const origin: Loc = { ...e.loc, label };
      const destination = child(e, 'destination');
      const parsed = destination ? parseCidrHost(destination.text) : undefined;
      if (!destination || !parsed || parsed.ip !== parsed.subnet.lo)
        throw syntaxError(destination?.loc ?? e.loc, {
          en: `${label}: <destination> must be a prefix such as 10.0.0.0/8`,
          ja: `${labelJa}: "<destination>" には 10.0.0.0/8 のようなプレフィックスを書きます`,
        });
      const number = (key: string, fallback: number): number => {
        const x = child(e, key);
        if (x && !/^[0-9]{1,5}$/.test(x.text))
          throw syntaxError(x.loc, { en: `${label}: <${key}> must be a whole number`, ja: `${labelJa}: "<${key}>" には整数を書きます` });
        return x ? Number(x.text) : fallback;
      };
      const distance = number('admin-dist', 10);
      const metric = number('metric', 10);
      const nexthop = child(e, 'nexthop');
      if (child(nexthop, 'discard')) {
        candidates.push({ prefix: parsed.subnet, action: 'drop', interfaces: [], origin, distance, metric });
        continue;
      }
      let out = child(e, 'interface')?.text;
      const gateway = child(nexthop, 'ip-address')?.text;
      if (out === undefined && gateway !== undefined) {
        // No interface given: the one whose subnet holds the next hop.
        const ip = parseIpv4(gateway);
        out = interfaces.find((f) => ip !== undefined && f.address && f.address.subnet.lo <= ip && ip <= f.address.subnet.hi)?.name;
      }
      if (out === undefined || !interfaces.some((f) => f.name === out)) {
        this.warn(e.loc, {
          en: `${label}: ${out === undefined ? 'no interface leads to its next hop' : `interface "${out}" is not an interface of this vsys`}; the route is left out`,
          ja: `${labelJa}: ${out === undefined ? 'ネクストホップに至るインタフェースがない' : `インタフェース "${out}" がこの vsys にない`}ため、この経路は除外しました`,
        });
        continue;
      }
      candidates.push({ prefix: parsed.subnet, action: 'forward', interfaces: [out], origin, distance, metric });
    }
    const best = new Map<string, { distance: number; metric: number }>();
    const key = (p: Ipv4Prefix): string => `${p.lo}/${p.length}`;
    for (const c of candidates) {
      const b = best.get(key(c.prefix));
      if (!b || c.distance < b.distance || (c.distance === b.distance && c.metric < b.metric)) best.set(key(c.prefix), c);
    }
    return candidates
      .filter((c) => {
        const b = best.get(key(c.prefix))!;
        return c.distance === b.distance && c.metric === b.metric;
      })
      .map(({ prefix, action, interfaces: out, origin }) => ({ prefix, action, interfaces: out, origin }));
  }
}

/** Reads one PAN-OS XML configuration (one device, or one per vsys). `name` names the device when the file sets no hostname. */
export function parsePaloalto(text: string, file: string, name: string): ImportedConfig {
  refuseBinary(text, file);
  const reader = new PaloaltoReader(file);
  const devices = reader.read(text, name);
  return { devices, warnings: reader.warnings, skipped: reader.skipped };
}
