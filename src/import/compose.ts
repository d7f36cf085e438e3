// Composes imported device configurations (config.ts) and an optional site file (site.ts)
// into one topology v1 document. The same inputs always give the same text: zones, devices and
// lists come in a fixed order and ids are derived from names and addresses, never counters.
// Without a site file every connected subnet is a zone of its own without a domain.

import { type Bilingual, type Diagnostic, InputError, type Loc } from '../errors.ts';
import { ALL } from '../net/intervals.ts';
import { formatIpv4, type Ipv4Prefix, parseCidr, rangeContains, rangeToCidrs } from '../net/ipv4.ts';
import { formatServiceTerm, type ServiceTerm } from '../net/services.ts';
import { FORMAT_VERSION } from '../model/schema.ts';
import { type Plain, toJson, toYaml } from '../model/write.ts';
import type { ConfigDevice, ConfigInterface, ConfigRule, ImportedConfig, ImportWarning, Inventory, InventoryPrefix } from './config.ts';
import type { Site, SiteZone } from './site.ts';

export interface Composed {
  readonly doc: Record<string, Plain | undefined>;
  readonly warnings: readonly ImportWarning[];
}

const prefixText = (p: Ipv4Prefix): string => `${formatIpv4(p.lo)}/${p.length}`;
const sameInterval = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** An interval set as address references: `any`, or addresses, prefixes and ranges. */
function addressRefs(set: readonly number[]): Plain {
  if (sameInterval(set, ALL)) return 'any';
  const out: string[] = [];
  for (let i = 0; i < set.length; i += 2) {
    const lo = set[i]!;
    const hi = set[i + 1]!;
    const cidrs = rangeToCidrs({ lo, hi });
    out.push(...(cidrs.length === 1 ? cidrs : [`${formatIpv4(lo)}-${formatIpv4(hi)}`]));
  }
  return out.length === 1 ? out[0]! : out;
}

/** Services as references: single protocols (`tcp/443`, `udp/1000-2000`, `icmp`, `47`) or `any`. */
function serviceRefs(terms: readonly ServiceTerm[]): Plain {
  // A protocol without a name of its own (formatServiceTerm's proto-N) is written by number.
  const out = terms.map((t) => formatServiceTerm(t).replace(/^proto-([0-9]+)$/, '$1'));
  return out.length === 1 ? out[0]! : out;
}

/** A zone that selects interfaces: one of the site file's, or an inventory prefix (whose domain may be unknown). */
type ZoneSelector = Omit<SiteZone, 'domain'> & { readonly domain?: string };

const originOf = (loc: Loc): Plain => ({ file: loc.file, line: loc.line, column: loc.column, ...(loc.label ? { label: loc.label } : {}) });

/** The zone each interface attaches to, from the site file's selectors, or its own subnet. */
class ZoneAssigner {
  readonly warnings: ImportWarning[] = [];
  private readonly byInterface = new Map<string, ZoneSelector>();
  private readonly byVendorZone = new Map<string, ZoneSelector>();
  private readonly bySubnet: Array<{ prefix: Ipv4Prefix; zone: ZoneSelector }> = [];
  /** Per site zone id, the subnets its interfaces bring; per auto zone, its one subnet and members. */
  readonly extraSubnets = new Map<string, Map<string, Ipv4Prefix>>();
  readonly autoZones = new Map<string, { prefix: Ipv4Prefix; members: string[] }>();

  constructor(
    private readonly site: Site | undefined,
    devices: readonly ConfigDevice[],
    inventoryZones: readonly ZoneSelector[] = [],
    /** The inventory's prefixes, for the zones of access ports' VLANs. */
    private readonly prefixes: readonly InventoryPrefix[] = [],
  ) {
    const zones: readonly ZoneSelector[] = site?.file.zones ?? [];
    const known = new Set<string>();
    const vendorZones = new Set<string>();
    for (const d of devices) {
      for (const f of d.interfaces) {
        known.add(`${d.id}:${f.name}`);
        if (f.vendorZone) vendorZones.add(`${d.id}:${f.vendorZone}`);
      }
    }
    zones.forEach((z, i) => {
      z.interfaces?.forEach((a, j) => {
        if (!known.has(a))
          this.siteWarning(['zones', i, 'interfaces', j], {
            en: `no imported device has interface "${a}"`,
            ja: `取り込んだ機器にインタフェース "${a}" がありません`,
          });
        this.byInterface.set(a, z);
      });
      z.vendorZones?.forEach((a, j) => {
        if (!vendorZones.has(a))
          this.siteWarning(['zones', i, 'vendorZones', j], {
            en: `no imported device has vendor zone "${a}"`,
            ja: `取り込んだ機器の設定にゾーン "${a}"（vendorZones）がありません`,
          });
        this.byVendorZone.set(a, z);
      });
      for (const s of z.subnets ?? []) {
        const p = parseCidr(s);
        if (!('error' in p)) this.bySubnet.push({ prefix: p, zone: z });
      }
    });
    // Inventory prefixes come after the site file's: a site zone's prefix wins over an equal one.
    for (const z of inventoryZones) {
      const p = parseCidr(z.subnets![0]!);
      if (!('error' in p)) this.bySubnet.push({ prefix: p, zone: z });
    }
    // The most specific prefix first.
    this.bySubnet.sort((a, b) => b.prefix.length - a.prefix.length);
  }

  private siteWarning(path: readonly PropertyKey[], text: Bilingual): void {
    this.warnings.push({ loc: this.site!.doc.locate(path), ...text });
  }

  /** The zone that holds a prefix: the most specific zone subnet containing it. */
  private zoneHolding(prefix: Ipv4Prefix): ZoneSelector | undefined {
    return this.bySubnet.find((s) => rangeContains(s.prefix, prefix))?.zone;
  }

  /**
   * The zone of an access port's VLAN: the one zone that holds the VLAN's prefixes. A VLAN whose
   * prefixes are in several zones attaches the port to none, with a warning at the port.
   */
  private byAccessVlan(d: ConfigDevice, f: ConfigDevice['interfaces'][number]): ZoneSelector | undefined {
    const zones = new Map<string, ZoneSelector>();
    for (const p of this.prefixes) {
      if (p.vlan !== f.accessVlan) continue;
      const z = this.zoneHolding(p.prefix);
      if (z) zones.set(z.id, z);
    }
    if (zones.size <= 1) return [...zones.values()][0];
    const vlan = f.accessVlan!.name ?? String(f.accessVlan!.vid ?? '');
    const ids = [...zones.keys()];
    this.warnings.push({
      loc: f.origin,
      en: `access port ${d.id}:${f.name} is in VLAN "${vlan}", whose prefixes are in zones ${ids.join(', ')}: it is attached to no zone (name it in one zone's interfaces)`,
      ja: `アクセスポート ${d.id}:${f.name} の VLAN "${vlan}" のプレフィックスがゾーン ${ids.join('、')} にまたがるため、どのゾーンにも割り当てていません（いずれかのゾーンの interfaces に書いてください）`,
    });
    return undefined;
  }

  /** The zone id of a device interface (undefined: attached to nothing). */
  assign(d: ConfigDevice, f: ConfigDevice['interfaces'][number]): string | undefined {
    const chosen =
      this.byInterface.get(`${d.id}:${f.name}`) ??
      (f.vendorZone ? this.byVendorZone.get(`${d.id}:${f.vendorZone}`) : undefined) ??
      (f.address ? this.zoneHolding(f.address.subnet) : undefined) ??
      (f.accessVlan ? this.byAccessVlan(d, f) : undefined);
    if (chosen) {
      if (f.address) {
        const declared = (chosen.subnets ?? []).map(parseCidr).filter((p): p is Ipv4Prefix => !('error' in p));
        if (!declared.some((p) => rangeContains(p, f.address!.subnet))) {
          const extra = this.extraSubnets.get(chosen.id) ?? new Map<string, Ipv4Prefix>();
          extra.set(prefixText(f.address.subnet), f.address.subnet);
          this.extraSubnets.set(chosen.id, extra);
        }
      }
      return chosen.id;
    }
    if (!f.address) return undefined;
    const zoneId = `net-${formatIpv4(f.address.subnet.lo)}-${f.address.subnet.length}`;
    const auto = this.autoZones.get(zoneId) ?? { prefix: f.address.subnet, members: [] };
    auto.members.push(`${d.id}:${f.name}`);
    this.autoZones.set(zoneId, auto);
    if (this.site) {
      this.warnings.push({
        loc: f.origin,
        en: `the site file puts ${d.id}:${f.name} (${prefixText(f.address.subnet)}) in no zone: it is zone ${zoneId}, without a domain`,
        ja: `サイトファイルは ${d.id}:${f.name}（${prefixText(f.address.subnet)}）をどのゾーンにも割り当てていないため、領域のないゾーン ${zoneId} としました`,
      });
    }
    return zoneId;
  }
}

function ruleDecl(r: ConfigRule): Record<string, Plain | undefined> | undefined {
  // A rule that can match nothing (an empty or fully negated set) is left out.
  if (r.src.length === 0 || r.dst.length === 0 || r.services.length === 0) return undefined;
  return {
    id: r.id,
    action: r.action,
    from: addressRefs(r.src),
    to: addressRefs(r.dst),
    service: serviceRefs(r.services),
    // No in / out keys at all in an ACL's rules (the schema has none there).
    ...(r.in ? { in: [...r.in] } : {}),
    ...(r.out ? { out: [...r.out] } : {}),
    description: r.description,
    origin: originOf(r.origin),
  };
}

type NetboxSelector = { key: string; index: number; value: string | number; matches: (p: InventoryPrefix) => boolean };

/**
 * The NetBox place selectors of a site zone (sites, tenants, regions, site groups), one group
 * each: they narrow the role, tag and VLAN selectors, or select alone.
 */
function netboxPlaceSelectors(z: SiteZone): NetboxSelector[][] {
  return [
    (z.netboxSites ?? []).map((s, index) => ({ key: 'netboxSites', index, value: s, matches: (p: InventoryPrefix) => p.site === s })),
    (z.netboxTenants ?? []).map((t, index) => ({ key: 'netboxTenants', index, value: t, matches: (p: InventoryPrefix) => p.tenant === t })),
    (z.netboxRegions ?? []).map((r, index) => ({ key: 'netboxRegions', index, value: r, matches: (p: InventoryPrefix) => (p.regions ?? []).includes(r) })),
    (z.netboxSiteGroups ?? []).map((g, index) => ({
      key: 'netboxSiteGroups',
      index,
      value: g,
      matches: (p: InventoryPrefix) => (p.siteGroups ?? []).includes(g),
    })),
  ];
}

/**
 * Whether a site zone selects an inventory prefix: one of its role, tag or VLAN selectors
 * matches (any, when it has none), and it is at one of the zone's sites, of one of its tenants,
 * in one of its regions and site groups (each when given). A zone without NetBox selectors
 * selects nothing.
 */
function zoneSelects(z: SiteZone, p: InventoryPrefix): boolean {
  const groups = [netboxSelectors(z), ...netboxPlaceSelectors(z)];
  if (groups.every((group) => group.length === 0)) return false;
  return groups.every((group) => group.length === 0 || group.some((s) => s.matches(p)));
}

/** The NetBox role, tag and VLAN selectors of a site zone, each value with the test of whether an inventory prefix carries it. */
function netboxSelectors(z: SiteZone): NetboxSelector[] {
  return [
    ...(z.netboxRoles ?? []).map((r, index) => ({ key: 'netboxRoles', index, value: r, matches: (p: InventoryPrefix) => p.role === r || p.vlan?.role === r })),
    ...(z.netboxTags ?? []).map((t, index) => ({
      key: 'netboxTags',
      index,
      value: t,
      matches: (p: InventoryPrefix) => (p.tags ?? []).includes(t) || (p.vlan?.tags ?? []).includes(t),
    })),
    ...(z.vlans ?? []).map((v, index) => ({
      key: 'vlans',
      index,
      value: v,
      matches: (p: InventoryPrefix) => (typeof v === 'number' ? p.vlan?.vid === v : p.vlan?.name === v),
    })),
  ];
}

/**
 * The site file with the inventory prefixes its zones select (by NetBox role, tag or VLAN,
 * narrowed by site and tenant) added to those zones' subnets. A prefix two zones select goes to the first, and the site zone's
 * domain overrides the prefix's bunkatsu_domain, both with a warning; a selector no prefix
 * matches is a warning at the site file's line (a misspelt slug must not pass silently).
 */
function withSelectedPrefixes(site: Site | undefined, prefixes: readonly InventoryPrefix[]): { site: Site | undefined; warnings: ImportWarning[] } {
  const warnings: ImportWarning[] = [];
  if (!site) return { site, warnings };
  const ordered = [...prefixes].sort((a, b) => a.prefix.lo - b.prefix.lo || a.prefix.length - b.prefix.length);
  const owner = new Map<InventoryPrefix, SiteZone>();
  const zones = site.file.zones.map((z, i) => {
    const selectors = [...netboxSelectors(z), ...netboxPlaceSelectors(z).flat()];
    for (const s of selectors) {
      if (ordered.some(s.matches)) continue;
      const [en, ja] =
        s.key === 'vlans'
          ? [`is in VLAN ${JSON.stringify(s.value)}`, ` VLAN ${JSON.stringify(s.value)} に属する`]
          : s.key === 'netboxRoles'
            ? [`(or its VLAN) has role "${s.value}"`, `ロール "${s.value}" を持つ`]
            : s.key === 'netboxTags'
              ? [`(or its VLAN) has tag "${s.value}"`, `タグ "${s.value}" を持つ`]
              : s.key === 'netboxSites'
                ? [`(or its VLAN) is at site "${s.value}"`, `サイト "${s.value}" の`]
                : s.key === 'netboxRegions'
                  ? [`(or its VLAN) is in region "${s.value}"`, `リージョン "${s.value}" の`]
                  : s.key === 'netboxSiteGroups'
                    ? [`(or its VLAN) is in site group "${s.value}"`, `サイトグループ "${s.value}" の`]
                    : [`(or its VLAN) is of tenant "${s.value}"`, `テナント "${s.value}" の`];
      warnings.push({
        loc: site.doc.locate(['zones', i, s.key, s.index]),
        en: `no NetBox prefix of the inventory ${en}: the selector selects nothing`,
        ja: `インベントリに${ja} NetBox プレフィックス${s.key === 'vlans' ? '' : '（またはその VLAN）'}がないため、この指定は何も選びません`,
      });
    }
    const chosen = ordered.filter((p) => zoneSelects(z, p));
    // Each selector matches some prefix, but no prefix matches them together (a role at another site).
    if (chosen.length === 0 && selectors.length > 0 && selectors.every((s) => ordered.some(s.matches))) {
      warnings.push({
        loc: site.doc.locate(['zones', i, 'id']),
        en: `no NetBox prefix of the inventory matches the NetBox selectors of zone "${z.id}" together (its sites, tenants, regions and site groups narrow its roles, tags and VLANs): the zone selects nothing`,
        ja: `ゾーン "${z.id}" の NetBox の指定（サイト・テナント・リージョン・サイトグループはロール・タグ・VLAN を絞り込みます）をすべて満たすプレフィックスがインベントリにないため、このゾーンは何も選びません`,
      });
    }
    const subnets = [...(z.subnets ?? [])];
    for (const p of chosen) {
      const first = owner.get(p);
      if (first) {
        warnings.push({
          loc: p.origin,
          en: `zones "${first.id}" and "${z.id}" of the site file both select this prefix: it is in "${first.id}", the first`,
          ja: `サイトファイルのゾーン "${first.id}" と "${z.id}" がともにこのプレフィックスを選んでいるため、先に書かれた "${first.id}" としました`,
        });
        continue;
      }
      owner.set(p, z);
      if (p.domain && p.domain !== z.domain) {
        warnings.push({
          loc: p.origin,
          en: `the prefix's bunkatsu_domain is ${p.domain}, but zone "${z.id}" of the site file selects it: it is in ${z.domain}`,
          ja: `このプレフィックスの bunkatsu_domain は ${p.domain} ですが、サイトファイルのゾーン "${z.id}" が選んでいるため、${z.domain} としました`,
        });
      }
      if (!subnets.includes(prefixText(p.prefix))) subnets.push(prefixText(p.prefix));
    }
    return subnets.length > (z.subnets ?? []).length ? { ...z, subnets } : z;
  });
  return { site: { ...site, file: { ...site.file, zones } }, warnings };
}

const netZoneId = (p: Ipv4Prefix): string => `net-${formatIpv4(p.lo)}-${p.length}`;
const locText = (loc: Loc): string => `${loc.file}:${loc.line}:${loc.column}`;

/**
 * One topology document from the imported configurations, the site file and an inventory.
 * A device that a configuration describes is the configuration's (the inventory adds the
 * interfaces its cables name); the inventory's other forwarding devices are routers without
 * routes or switches, its hosts are hosts in the zone of their address.
 */
export function composeTopology(configs: readonly ImportedConfig[], givenSite?: Site, inventory?: Inventory): Composed {
  const { site, warnings: selectorWarnings } = withSelectedPrefixes(givenSite, inventory?.prefixes ?? []);
  const configDevices = configs.flatMap((c) => c.devices);
  const configured = new Map(configDevices.map((d) => [d.id, d]));
  const inventoryWarnings: ImportWarning[] = [...(inventory?.warnings ?? [])];
  const kindOf = new Map<string, string>();
  const descriptionOf = new Map<string, string>();
  const inventoryDevices: ConfigDevice[] = [];
  const inventoryHosts: NonNullable<Inventory['devices'][number]>[] = [];
  // An inventory interface with neither an address nor a cable would be an edge port (a way out
  // of the modelled network) that nothing says exists: it is left out, unless a site zone names it
  // or it is an access port of a VLAN (kept while its VLAN's prefixes are in one zone, below).
  const cabled = new Set((inventory?.links ?? []).flatMap((l) => [l.a, l.b]));
  const named = new Set((site?.file.zones ?? []).flatMap((z) => z.interfaces ?? []));
  const placed = (device: string, f: ConfigInterface): boolean =>
    f.address !== undefined || cabled.has(`${device}:${f.name}`) || named.has(`${device}:${f.name}`);
  for (const inventoried of inventory?.devices ?? []) {
    const d = {
      ...inventoried,
      interfaces: inventoried.interfaces.filter((f) => placed(inventoried.id, f) || f.accessVlan !== undefined),
    };
    const config = configured.get(d.id);
    if (config) {
      // The configuration's interfaces, then the ports only the inventory's cables name.
      const names = new Set(config.interfaces.map((f) => f.name));
      const extra: ConfigInterface[] = d.interfaces
        .filter((f) => !names.has(f.name) && cabled.has(`${d.id}:${f.name}`))
        .map((f) => ({ name: f.name, origin: f.origin }));
      if (extra.length > 0) configured.set(d.id, { ...config, interfaces: [...config.interfaces, ...extra] });
      continue;
    }
    if (d.kind === 'host') {
      inventoryHosts.push(d);
      continue;
    }
    if (d.interfaces.length === 0) {
      inventoryWarnings.push({
        loc: d.origin,
        en: `device "${d.id}" has no configuration and no interface with an address or a cable in the inventory: left out`,
        ja: `機器 "${d.id}" は設定がなく、インベントリにもアドレスかケーブルのあるインタフェースがないため、取り込みませんでした`,
      });
      continue;
    }
    kindOf.set(d.id, d.kind);
    descriptionOf.set(d.id, `from the inventory at ${locText(d.origin)}`);
    inventoryDevices.push({ id: d.id, vendor: 'inventory', interfaces: d.interfaces, rules: [], routes: [], origin: d.origin });
  }
  // Duplicates stay in the list, so that the check below names them.
  const devices = [...configDevices.map((d) => configured.get(d.id) ?? d), ...inventoryDevices].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const problems: Diagnostic[] = [];
  devices.forEach((d, i) => {
    if (i > 0 && devices[i - 1]!.id === d.id) {
      problems.push({
        code: 'BNK_ERR_DUPLICATE_ID',
        message: `two configurations are both device "${d.id}" (the hostname): give each device its own hostname`,
        ja: `2つの設定がともに機器 "${d.id}"（ホスト名）です。機器ごとに異なるホスト名にしてください`,
        loc: d.origin,
      });
    }
  });
  if (problems.length > 0) throw new InputError(problems);
  // Inventory prefixes a site zone does not already list are zones of their own.
  const siteSubnets = new Set(
    (site?.file.zones ?? []).flatMap((z) =>
      (z.subnets ?? [])
        .map((t) => parseCidr(t))
        .filter((p): p is Ipv4Prefix => !('error' in p))
        .map(prefixText),
    ),
  );
  const inventoryZones: ZoneSelector[] = [];
  const seenPrefixes = new Set<string>();
  for (const p of [...(inventory?.prefixes ?? [])].sort((a, b) => a.prefix.lo - b.prefix.lo || a.prefix.length - b.prefix.length)) {
    const text = prefixText(p.prefix);
    if (siteSubnets.has(text) || seenPrefixes.has(text)) continue;
    seenPrefixes.add(text);
    inventoryZones.push({
      id: netZoneId(p.prefix),
      name: p.name,
      domain: p.domain,
      subnets: [text],
      description: `prefix from the inventory at ${locText(p.origin)}`,
    });
  }
  const zones = new ZoneAssigner(site, devices, inventoryZones, inventory?.prefixes ?? []);
  const homeZone = new Map<string, string>();
  for (const z of site?.file.zones ?? []) for (const d of z.devices ?? []) homeZone.set(d, z.id);
  const deviceDecls: Plain[] = devices.map((d) => ({
    id: d.id,
    kind: kindOf.get(d.id) ?? 'firewall',
    zone: homeZone.get(d.id),
    description: descriptionOf.get(d.id),
    interfaces: d.interfaces.flatMap((f) => {
      const zone = zones.assign(d, f);
      // An access port whose VLAN gives it no zone is left out as any other unplaced port.
      if (zone === undefined && f.accessVlan !== undefined && !placed(d.id, f)) return [];
      return [
        {
          name: f.name,
          zone,
          address: zone && f.address ? formatIpv4(f.address.ip) : undefined,
          in: f.inAcls && f.inAcls.length > 0 ? [...f.inAcls] : undefined,
          out: f.outAcls && f.outAcls.length > 0 ? [...f.outAcls] : undefined,
        },
      ];
    }),
    // Inventory routers and switches have neither (a switch may not): the keys are left out.
    ...(kindOf.has(d.id)
      ? {}
      : {
          routes: d.routes.map((r) => ({
            prefix: prefixText(r.prefix),
            action: r.action === 'drop' ? 'drop' : undefined,
            interface: r.interfaces.length === 0 ? undefined : r.interfaces.length === 1 ? r.interfaces[0]! : [...r.interfaces],
            origin: originOf(r.origin),
          })),
          rules: d.rules.map(ruleDecl).filter((r): r is Record<string, Plain | undefined> => r !== undefined),
          acls:
            d.acls && d.acls.length > 0
              ? Object.fromEntries(d.acls.map((a) => [a.name, a.rules.map(ruleDecl).filter((r): r is Record<string, Plain | undefined> => r !== undefined)]))
              : undefined,
        }),
  }));
  // Without a site file, the Internet (the default zone) is the one subnet that a default route
  // leaves by and no other imported device is on: a default route into a subnet shared with
  // another imported device points at that device, not at the edge.
  const defaultZones = new Set<string>();
  if (!site) {
    for (const d of devices) {
      for (const r of d.routes) {
        if (r.prefix.length !== 0 || r.action !== 'forward') continue;
        for (const name of r.interfaces) {
          const f = d.interfaces.find((x) => x.name === name);
          if (!f?.address) continue;
          const id = `net-${formatIpv4(f.address.subnet.lo)}-${f.address.subnet.length}`;
          if (zones.autoZones.get(id)?.members.every((m) => m.startsWith(`${d.id}:`))) defaultZones.add(id);
        }
      }
    }
  }
  const zoneDecls: Plain[] = [];
  for (const z of site?.file.zones ?? []) {
    const subnets = [...(z.subnets ?? []), ...[...(zones.extraSubnets.get(z.id)?.values() ?? [])].sort((a, b) => a.lo - b.lo).map(prefixText)];
    zoneDecls.push({
      id: z.id,
      name: z.name,
      domain: z.domain,
      subnets: subnets.length > 0 ? subnets : undefined,
      default: z.default,
      description: z.description,
    });
  }
  for (const z of inventoryZones) {
    zoneDecls.push({ id: z.id, name: z.name, domain: z.domain, subnets: [...z.subnets!], description: z.description });
  }
  for (const [id, auto] of [...zones.autoZones].sort((a, b) => a[1].prefix.lo - b[1].prefix.lo || a[1].prefix.length - b[1].prefix.length)) {
    zoneDecls.push({
      id,
      name: auto.members.join(', '),
      subnets: [prefixText(auto.prefix)],
      default: defaultZones.size === 1 && defaultZones.has(id) ? true : undefined,
      description: 'connected subnet; no domain yet (map it in a site file)',
    });
  }
  // Hosts of the inventory, in the zone of their address (the most specific subnet).
  const hostDecls: Plain[] = [];
  const zoneSubnets = zoneDecls.flatMap((z) => {
    const decl = z as { id: string; subnets?: string[] };
    return (decl.subnets ?? [])
      .map((t) => ({ id: decl.id, prefix: parseCidr(t) }))
      .filter((x): x is { id: string; prefix: Ipv4Prefix } => !('error' in x.prefix));
  });
  for (const h of [...inventoryHosts].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    const address = h.interfaces.find((f) => f.address)?.address;
    const zone = address
      ? zoneSubnets.filter((z) => z.prefix.lo <= address.ip && address.ip <= z.prefix.hi).sort((a, b) => b.prefix.length - a.prefix.length)[0]
      : undefined;
    if (!address || !zone) {
      inventoryWarnings.push({
        loc: h.origin,
        en: `host "${h.id}" has ${address ? `address ${formatIpv4(address.ip)} in no zone` : 'no address'}: left out`,
        ja: `ホスト "${h.id}" は${address ? `アドレス ${formatIpv4(address.ip)} がどのゾーンにも属さない` : 'アドレスがない'}ため、取り込みませんでした`,
      });
      continue;
    }
    hostDecls.push({ id: h.id, zone: zone.id, role: h.role, address: formatIpv4(address.ip), description: `from the inventory at ${locText(h.origin)}` });
  }
  // Cables whose two ends are interfaces of the topology's devices.
  const ports = new Set(devices.flatMap((d) => d.interfaces.map((f) => `${d.id}:${f.name}`)));
  const linkDecls: Plain[] = [];
  const hostIds = new Set(inventoryHosts.map((h) => h.id));
  for (const l of inventory?.links ?? []) {
    // A host's cable needs no link: the host sits in the zone of its address.
    if ([l.a, l.b].some((e) => hostIds.has(e.slice(0, e.indexOf(':'))))) continue;
    const missing = [l.a, l.b].filter((e) => !ports.has(e));
    if (missing.length > 0) {
      inventoryWarnings.push({
        loc: l.origin,
        en: `cable ${l.a} – ${l.b}: ${missing.join(', ')} is no interface of an imported device; the cable is left out`,
        ja: `ケーブル ${l.a} – ${l.b}: ${missing.join('、')} は取り込んだ機器のインタフェースではないため、このケーブルは取り込みませんでした`,
      });
      continue;
    }
    linkDecls.push([l.a, l.b]);
  }
  const s = site?.file;
  const plain = (v: unknown): Plain | undefined => (v === undefined || (Array.isArray(v) && v.length === 0) ? undefined : (v as Plain));
  const doc: Record<string, Plain | undefined> = {
    bunkatsu: FORMAT_VERSION,
    name: s?.name ?? `imported: ${devices.map((d) => d.id).join(', ')}`,
    model: s?.model,
    description: s?.description,
    services: plain(s?.services),
    zones: zoneDecls,
    hosts: plain([...hostDecls, ...(s?.hosts ?? [])]),
    devices: [...deviceDecls, ...((s?.devices ?? []) as Plain[])],
    links: plain([...linkDecls, ...(s?.links ?? [])]),
    exceptions: plain(s?.exceptions),
    cloudServices: plain(s?.cloudServices),
    intents: plain(s?.intents),
  };
  // Warnings in file order, so that they read alongside the configuration.
  const warnings = [...configs.flatMap((c) => c.warnings), ...zones.warnings, ...selectorWarnings, ...inventoryWarnings].sort(
    (a, b) => (a.loc.file < b.loc.file ? -1 : a.loc.file > b.loc.file ? 1 : 0) || a.loc.line - b.loc.line || a.loc.column - b.loc.column,
  );
  return { doc, warnings };
}

/** The document as text, with a header naming its sources (no date: re-imports compare byte for byte). */
export function composedText(
  doc: Record<string, Plain | undefined>,
  format: 'yaml' | 'json',
  sources: readonly string[],
  how?: { readonly command: string; readonly site?: string },
): string {
  if (format === 'json') return toJson(doc);
  const by = how ? ` by \`${how.command}\`` : '';
  const site = how?.site ? ` with the site file ${how.site}` : '';
  return toYaml(doc, [
    `bunkatsu topology imported${by} from ${sources.join(', ')}${site}${how ? '' : ' (bunkatsu import)'}; edit the site file, not this file`,
  ]);
}
