// NetBox exports as an inventory, in three formats told apart by their content: a JSON (or YAML)
// document whose keys `sites`, `tenants`, `devices`, `interfaces`, `ip_addresses`, `prefixes`,
// `vlans` and `cables` hold the objects of NetBox's REST API (each the list of objects or the
// saved page `{count, results}`); a Django `dumpdata` fixture; a pg_dump SQL file (the last two
// through netbox-dump.ts). Only the fields named in docs/import.md are read. Errors and origins
// carry the export's line:column. A site file's `netbox` limit keeps one city's sites or tenants.

import { type Bilingual, type Diagnostic, InputError, type Loc, refuseBinary } from '../errors.ts';
import { formatIpv4, type Ipv4Prefix, parseCidr, parseIpv4 } from '../net/ipv4.ts';
import { DEFAULT_LIMITS, readSource, type SourceDocument } from '../model/source.ts';
import type { ConfigInterface, ImportWarning, Inventory, InventoryDevice, InventoryLink, InventoryPrefix, InventoryVlan } from './config.ts';
import { dumpObjects, looksLikeSql, NETBOX_KEYS, type NetboxKey, type NetboxObject, type NetboxObjects, readDumpdata, readSqlDump } from './netbox-dump.ts';
import type { Site } from './site.ts';

/** Device role slugs read as hosts (endpoints), with their topology role. */
const HOST_ROLES: Readonly<Record<string, NonNullable<InventoryDevice['role']>>> = {
  server: 'server',
  terminal: 'terminal',
  printer: 'printer',
  storage: 'storage',
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
/** A nested object's slug or name (NetBox writes `role: {id, name, slug}`). */
const slugOf = (v: unknown): string | undefined => (isRecord(v) ? (str(v.slug) ?? str(v.name)) : str(v));
/** Tag slugs (NetBox writes `tags: [{id, name, slug}]`). */
const tagsOf = (v: unknown): string[] | undefined => {
  const tags = Array.isArray(v) ? v.map(slugOf).filter((t): t is string => t !== undefined) : [];
  return tags.length > 0 ? tags : undefined;
};
/** A VLAN's vid, name, role, tags, site and tenant, as far as the object says them. */
const vlanOf = (v: Record<string, unknown>): InventoryVlan => ({
  vid: typeof v.vid === 'number' ? v.vid : undefined,
  name: str(v.name),
  role: slugOf(v.role),
  tags: tagsOf(v.tags),
  site: slugOf(v.site),
  tenant: slugOf(v.tenant),
});
const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const IFACE = /^[A-Za-z0-9][A-Za-z0-9_./-]{0,63}$/;

/** An interface address `a.b.c.d/len`: the address and its connected subnet. */
function interfaceAddress(text: string): { ip: number; subnet: Ipv4Prefix } | undefined {
  const [a, len] = text.split('/');
  const ip = parseIpv4(a ?? '');
  if (ip === undefined || len === undefined || !/^[0-9]{1,2}$/.test(len) || Number(len) > 32) return undefined;
  const size = 2 ** (32 - Number(len));
  const lo = Math.floor(ip / size) * size;
  return { ip, subnet: { lo, hi: lo + size - 1, length: Number(len) } };
}

/** Reads a NetBox export (REST API pages, dumpdata JSON or a pg_dump SQL file); throws InputError with every problem at its location. */
export function parseNetbox(text: string, file: string, site?: Site): Inventory {
  const { objects, problems } = netboxObjects(text, file);
  return inventoryOf(objects, site, problems);
}

/** The export's objects, whichever of the three formats it is in, and the problems met so far (REST). */
function netboxObjects(text: string, file: string): { objects: NetboxObjects; problems: Diagnostic[] } {
  if (looksLikeSql(text)) return { objects: dumpObjects(readSqlDump(text, file)), problems: [] };
  // Refused as the other importers refuse it, before the JSON / YAML reader words it otherwise.
  refuseBinary(text, file);
  const read = readSource(text, file, DEFAULT_LIMITS);
  if (!read.ok) throw new InputError(read.diagnostics);
  const doc = read.doc;
  if (Array.isArray(doc.data)) return { objects: dumpObjects(readDumpdata(doc, doc.data)), problems: [] };
  return restObjects(doc);
}

/** The objects of a document of REST API lists or pages, by key. */
function restObjects(doc: SourceDocument): { objects: NetboxObjects; problems: Diagnostic[] } {
  const problems: Diagnostic[] = [];
  const fail = (path: readonly PropertyKey[], text: Bilingual): void => {
    problems.push({ code: 'BNK_ERR_SCHEMA', message: text.en, ja: text.ja, loc: doc.locate(path) });
  };
  if (!isRecord(doc.data)) {
    fail([], {
      en: `a NetBox export is a mapping with ${NETBOX_KEYS.join(', ')}, a dumpdata list, or a pg_dump SQL file (see docs/import.md)`,
      ja: `NetBox のエクスポートは ${NETBOX_KEYS.map((k) => `"${k}"`).join('、')} を持つマッピング、"dumpdata" のリスト、または pg_dump の SQL ファイルです（docs/import.md を参照）`,
    });
    throw new InputError(problems);
  }
  const data = doc.data;
  for (const key of Object.keys(data)) {
    if (!(NETBOX_KEYS as readonly string[]).includes(key))
      problems.push({
        code: 'BNK_ERR_SCHEMA',
        loc: doc.locate([key], true),
        message: `unknown key "${key}": a NetBox export has ${NETBOX_KEYS.join(', ')}`,
        ja: `不明なキー "${key}" です。NetBox のエクスポートにあるのは ${NETBOX_KEYS.map((k) => `"${k}"`).join('、')} です`,
      });
  }
  /** The objects under a key with the path of each: a list, or a saved API page {results: [...]}. */
  const objects = (key: NetboxKey): NetboxObject[] => {
    const v = data[key];
    if (v === undefined) return [];
    const [list, base] = Array.isArray(v) ? [v, [key]] : isRecord(v) && Array.isArray(v.results) ? [v.results, [key, 'results']] : [undefined, [key]];
    if (!list) {
      fail([key], {
        en: `"${key}" is a list of NetBox objects or an API page {count, results: [...]}`,
        ja: `"${key}" は NetBox のオブジェクトのリストか API の応答ページ "{count, results: [...]}" です`,
      });
      return [];
    }
    const out: NetboxObject[] = [];
    list.forEach((value, i) => {
      const path = [...base, i];
      if (isRecord(value)) out.push({ value, at: (field) => doc.locate(field === undefined ? path : [...path, field]) });
      else fail(path, { en: `"${key}" holds objects`, ja: `"${key}" の要素はオブジェクトです` });
    });
    return out;
  };
  return { objects: Object.fromEntries(NETBOX_KEYS.map((k) => [k, objects(k)])) as NetboxObjects, problems };
}

/** The regions and site groups a site is in: its own and every one above it. */
type Areas = { readonly regions: readonly string[]; readonly siteGroups: readonly string[] };

/**
 * Per site slug, its regions and site groups, from `sites` and the trees of `regions` and
 * `site_groups`; and the same for a region or site group itself (a prefix's scope since NetBox 4.2).
 */
function areasOf(objects: NetboxObjects): { bySite: Map<string, Areas>; region: (v: unknown) => Areas; siteGroup: (v: unknown) => Areas } {
  /** A tree's nodes by id: slug and parent id. */
  const tree = (list: readonly NetboxObject[]) =>
    new Map(
      list.flatMap(({ value }) =>
        typeof value.id === 'number' ? [[value.id, { slug: slugOf(value), parent: isRecord(value.parent) ? value.parent.id : undefined }] as const] : [],
      ),
    );
  const regions = tree(objects.regions);
  const groups = tree(objects.site_groups);
  /** A node's slug and its ancestors' (a cycle stops at the first repeat). */
  const chain = (nodes: ReturnType<typeof tree>, start: unknown): string[] => {
    const out: string[] = [];
    const own = slugOf(start);
    let id = isRecord(start) ? start.id : undefined;
    if (own && !(typeof id === 'number' && nodes.has(id))) out.push(own);
    const visited = new Set<unknown>();
    while (typeof id === 'number' && !visited.has(id)) {
      visited.add(id);
      const node = nodes.get(id);
      if (node?.slug) out.push(node.slug);
      id = node?.parent;
    }
    return out;
  };
  const bySite = new Map<string, Areas>();
  for (const { value } of objects.sites) {
    const slug = slugOf(value);
    if (slug) bySite.set(slug, { regions: chain(regions, value.region), siteGroups: chain(groups, value.group) });
  }
  return {
    bySite,
    region: (v) => ({ regions: chain(regions, v), siteGroups: [] }),
    siteGroup: (v) => ({ regions: [], siteGroups: chain(groups, v) }),
  };
}

const LIMIT_KEYS = ['sites', 'tenants', 'regions', 'siteGroups'] as const;

/** The site file's `netbox` limit as a test of a site (with its regions and groups) and a tenant. */
function limitOf(site: Site | undefined, areas: ReadonlyMap<string, Areas>) {
  const limit = site?.file.netbox;
  const sets = Object.fromEntries(LIMIT_KEYS.map((k) => [k, limit?.[k] ? new Set(limit[k]) : undefined])) as Record<
    (typeof LIMIT_KEYS)[number],
    Set<string> | undefined
  >;
  const within = (set: Set<string> | undefined, values: readonly (string | undefined)[]): boolean => !set || values.some((v) => v !== undefined && set.has(v));
  return {
    active: LIMIT_KEYS.some((k) => sets[k] !== undefined),
    /**
     * Inside the limit: at one of its sites, of one of its tenants, in one of its regions and
     * site groups (each when given). The areas are the site's, unless given (a prefix scoped to
     * a region or site group).
     */
    keeps: (place: { site?: string | undefined; tenant?: string | undefined; areas?: Areas | undefined }): boolean => {
      const a = place.areas ?? (place.site === undefined ? undefined : areas.get(place.site));
      return (
        within(sets.sites, [place.site]) &&
        within(sets.tenants, [place.tenant]) &&
        within(sets.regions, a?.regions ?? []) &&
        within(sets.siteGroups, a?.siteGroups ?? [])
      );
    },
  };
}

/** The inventory of a NetBox export's objects, limited to the site file's sites, tenants, regions and site groups. */
function inventoryOf(objects: NetboxObjects, site: Site | undefined, problems: Diagnostic[]): Inventory {
  const warnings: ImportWarning[] = [];
  const fail = (o: NetboxObject, field: string | undefined, text: Bilingual): void => {
    problems.push({ code: 'BNK_ERR_SCHEMA', message: text.en, ja: text.ja, loc: o.at(field) });
  };
  const at = (o: NetboxObject, label: string): Loc => ({ ...o.at(), label });
  const areas = areasOf(objects);
  const limit = limitOf(site, areas.bySite);
  const seen = Object.fromEntries(LIMIT_KEYS.map((k) => [k, new Set<string>()])) as Record<(typeof LIMIT_KEYS)[number], Set<string>>;
  /** The object's site and tenant (slugs), noted (with the site's regions and groups) as seen for the limit's warnings. */
  const placeOf = (site: unknown, tenant: unknown) => {
    const place = { site: slugOf(site), tenant: slugOf(tenant) };
    if (place.site) seen.sites.add(place.site);
    if (place.tenant) seen.tenants.add(place.tenant);
    const a = place.site === undefined ? undefined : areas.bySite.get(place.site);
    for (const r of a?.regions ?? []) seen.regions.add(r);
    for (const g of a?.siteGroups ?? []) seen.siteGroups.add(g);
    return place;
  };
  const siteById = new Map<number, string>();
  for (const { value } of objects.sites) {
    const slug = slugOf(value);
    if (typeof value.id === 'number' && slug) siteById.set(value.id, slug);
  }
  /** A site written `{id, slug}`, or `{id}` alone to be looked up under "sites". */
  const siteOf = (v: unknown): unknown => (isRecord(v) && !slugOf(v) && typeof v.id === 'number' ? siteById.get(v.id) : v);

  // Devices, by name; NetBox's numeric id is what other objects may point at. A device left out
  // (no usable name, or outside the limit) is remembered so that its interfaces go quietly.
  const devices = new Map<
    string,
    { o: NetboxObject; kind: InventoryDevice['kind']; role?: InventoryDevice['role']; site?: string; tenant?: string; interfaces: ConfigInterface[] }
  >();
  const nameById = new Map<number, string>();
  const leftOut = new Set<number>();
  const leftOutNames = new Set<string>();
  for (const o of objects.devices) {
    const { value } = o;
    const place = placeOf(siteOf(value.site), value.tenant);
    const inside = limit.keeps(place);
    const name = str(value.name);
    if (value.name !== undefined && value.name !== null && typeof value.name !== 'string') {
      fail(o, 'name', {
        en: `device name ${JSON.stringify(value.name)} cannot be a device id (1-128 letters, digits, "_", "." or "-")`,
        ja: `機器名 ${JSON.stringify(value.name)} は機器の ID にできません（英字、数字、"_"、"."、"-" の 1～128 文字）`,
      });
      continue;
    }
    if (!inside || !name || !ID.test(name)) {
      if (typeof value.id === 'number') leftOut.add(value.id);
      if (name) leftOutNames.add(name);
      if (inside) {
        const which = typeof value.id === 'number' ? ` ${value.id}` : '';
        const [en, ja] = name
          ? [
              `its name "${name}" cannot be a device id (1-128 letters, digits, "_", "." or "-")`,
              `名前 "${name}" を機器 ID にできない（英数字と "_"・"."・"-" の 1〜128 文字ではない）`,
            ]
          : ['it has no name', '名前がない'];
        warnings.push({
          loc: o.at('name'),
          en: `NetBox device${which}: ${en}: left out with its interfaces and cables`,
          ja: `NetBox の機器${which ? `${which} ` : ''}は${ja}ため、インタフェースとケーブルごと取り込みませんでした`,
        });
      }
      continue;
    }
    if (devices.has(name)) {
      problems.push({
        code: 'BNK_ERR_DUPLICATE_ID',
        message: `two NetBox devices are named "${name}"`,
        ja: `NetBox の機器2台が同じ名前 "${name}" です`,
        loc: o.at('name'),
      });
      continue;
    }
    const role = slugOf(value.role ?? value.device_role);
    const hostRole = role ? HOST_ROLES[role] : undefined;
    const kind = hostRole ? 'host' : role?.includes('switch') ? 'switch' : 'router';
    devices.set(name, { o, kind, role: hostRole, ...place, interfaces: [] });
    if (typeof value.id === 'number') nameById.set(value.id, name);
  }
  /** The device an object points at: `device: {id, name}` (or the name alone); null: a device left out. */
  const deviceOf = (v: unknown): string | null | undefined => {
    const name = isRecord(v) ? str(v.name) : str(v);
    if ((isRecord(v) && typeof v.id === 'number' && leftOut.has(v.id)) || (name !== undefined && !devices.has(name) && leftOutNames.has(name))) return null;
    return name ?? (isRecord(v) && typeof v.id === 'number' ? nameById.get(v.id) : undefined);
  };

  // Interfaces, then the addresses assigned to them.
  const ifaceById = new Map<number, { device: string; name: string } | null>();
  /** Per "device:interface" of an access port, the id of its untagged VLAN. */
  const accessVlanIds = new Map<string, number>();
  const iface = (device: string, name: string, origin: Loc): ConfigInterface | undefined => {
    const d = devices.get(device);
    if (!d) return undefined;
    let f = d.interfaces.find((x) => x.name === name);
    if (!f) {
      f = { name, origin };
      d.interfaces.push(f);
    }
    return f;
  };
  for (const o of objects.interfaces) {
    const { value } = o;
    const device = deviceOf(value.device);
    const name = str(value.name);
    if (device === null) {
      if (typeof value.id === 'number') ifaceById.set(value.id, null);
      continue;
    }
    if (!device || !devices.has(device)) {
      fail(o, 'device', {
        en: `interface ${JSON.stringify(value.name ?? null)}: its device is not among "devices"`,
        ja: `インタフェース ${JSON.stringify(value.name ?? null)}: その機器が "devices" にありません`,
      });
      continue;
    }
    if (!name || !IFACE.test(name)) {
      fail(o, 'name', {
        en: `interface name ${JSON.stringify(value.name ?? null)} is not 1-64 letters, digits, "_", ".", "/" or "-"`,
        ja: `インタフェース名 ${JSON.stringify(value.name ?? null)} が英字、数字、"_"、"."、"/"、"-" の 1～64 文字ではありません`,
      });
      continue;
    }
    iface(device, name, at(o, `NetBox interface ${device}:${name}`));
    if (typeof value.id === 'number') ifaceById.set(value.id, { device, name });
    // An access port's untagged VLAN (resolved below, once the VLANs are read); tagged VLANs are not read.
    const mode = isRecord(value.mode) ? str(value.mode.value) : str(value.mode);
    const untagged = isRecord(value.untagged_vlan) ? value.untagged_vlan.id : undefined;
    if (mode === 'access' && typeof untagged === 'number') accessVlanIds.set(`${device}:${name}`, untagged);
  }
  for (const o of objects.ip_addresses) {
    const { value } = o;
    const text = str(value.address);
    const address = text ? interfaceAddress(text) : undefined;
    if (!address) {
      // IPv6 addresses are not modelled; anything else that does not parse is an error.
      if (text?.includes(':')) continue;
      fail(o, 'address', {
        en: `address ${JSON.stringify(value.address ?? null)} is not a.b.c.d/len`,
        ja: `アドレス ${JSON.stringify(value.address ?? null)} が a.b.c.d/len の形ではありません`,
      });
      continue;
    }
    const object = value.assigned_object;
    const type = str(value.assigned_object_type);
    const byId = typeof value.assigned_object_id === 'number' ? ifaceById.get(value.assigned_object_id) : undefined;
    const onInterface = (type === undefined && isRecord(object)) || (type === 'dcim.interface' && (isRecord(object) || byId !== undefined));
    if (!onInterface) {
      // An address on no interface has no site: under a site limit it is outside.
      if (limit.keeps(placeOf(undefined, value.tenant))) {
        warnings.push({
          loc: o.at(),
          en: `address ${text} is assigned to no device interface: left out`,
          ja: `アドレス ${text} は機器のインタフェースに割り当てられていないため、取り込みませんでした`,
        });
      }
      continue;
    }
    if (byId === null || (isRecord(object) && deviceOf(object.device) === null)) continue;
    const device = (isRecord(object) ? deviceOf(object.device) : undefined) ?? byId?.device;
    const name = (isRecord(object) ? str(object.name) : undefined) ?? byId?.name;
    const d = device ? devices.get(device) : undefined;
    if (!d || !name || !IFACE.test(name)) {
      fail(o, 'assigned_object', {
        en: `address ${text}: the interface it is assigned to is not among "devices" / "interfaces"`,
        ja: `アドレス ${text}: 割り当て先のインタフェースが "devices" / "interfaces" にありません`,
      });
      continue;
    }
    const i = d.interfaces.findIndex((x) => x.name === name);
    const origin = at(o, `NetBox address ${text}`);
    const withAddress: ConfigInterface = { name, address, origin };
    if (i < 0) d.interfaces.push(withAddress);
    else if (d.interfaces[i]!.address) {
      warnings.push({
        loc: origin,
        en: `${device}:${name} has a second address ${text}: only the first is modelled`,
        ja: `${device}:${name} の 2つ目のアドレス ${text} は取り込みませんでした（最初のものだけを扱います）`,
      });
    } else d.interfaces[i] = withAddress;
  }

  // VLANs by id: a prefix's nested `vlan` may carry only {id, vid, name}, the VLAN object its role, tags, site and tenant.
  const vlanById = new Map<number, InventoryVlan>();
  for (const { value } of objects.vlans) {
    const vlan = vlanOf({ ...value, site: siteOf(value.site) });
    placeOf(vlan.site, vlan.tenant);
    if (typeof value.id === 'number') vlanById.set(value.id, vlan);
  }

  // Prefixes: zones of their own (unless a site zone selects them by role, tag, VLAN, site or
  // tenant); custom field bunkatsu_domain gives the domain. The site is `site` before NetBox 4.2, then the scope.
  const prefixes: InventoryPrefix[] = [];
  for (const o of objects.prefixes) {
    const { value } = o;
    const text = str(value.prefix);
    // IPv6 is not modelled; a container (`status: container`) holds prefixes, it is no segment.
    if (text?.includes(':') || (isRecord(value.status) ? value.status.value : value.status) === 'container') continue;
    const p = text ? parseCidr(text) : { error: 'no prefix' };
    if ('error' in p) {
      fail(o, 'prefix', {
        en: `prefix ${JSON.stringify(value.prefix ?? null)}: ${'error' in p ? p.error : ''}`,
        ja: `プレフィックス ${JSON.stringify(value.prefix ?? null)} が正しくありません（a.b.c.d/len の形で、ホスト部は 0 です）`,
      });
      continue;
    }
    const custom = isRecord(value.custom_fields) ? value.custom_fields : {};
    const nested = isRecord(value.vlan) ? value.vlan : undefined;
    const vlan = nested ? ((typeof nested.id === 'number' ? vlanById.get(nested.id) : undefined) ?? vlanOf(nested)) : undefined;
    const scope = value.scope_type === 'dcim.site' ? value.scope : undefined;
    const place = placeOf(siteOf(value.site ?? scope), value.tenant);
    // A prefix without a site or tenant of its own takes its VLAN's.
    const site = place.site ?? vlan?.site;
    const tenant = place.tenant ?? vlan?.tenant;
    // Its regions and site groups: its site's, or (NetBox 4.2) those of the region or site group it is scoped to.
    const scoped =
      value.scope_type === 'dcim.region' ? areas.region(value.scope) : value.scope_type === 'dcim.sitegroup' ? areas.siteGroup(value.scope) : undefined;
    const area = site !== undefined ? areas.bySite.get(site) : scoped;
    for (const r of scoped?.regions ?? []) seen.regions.add(r);
    for (const g of scoped?.siteGroups ?? []) seen.siteGroups.add(g);
    if (!limit.keeps({ site, tenant, areas: area })) continue;
    prefixes.push({
      prefix: p,
      domain: str(custom.bunkatsu_domain),
      name: str(value.description),
      role: slugOf(value.role),
      tags: tagsOf(value.tags),
      vlan,
      site,
      tenant,
      ...(area && area.regions.length > 0 ? { regions: area.regions } : {}),
      ...(area && area.siteGroups.length > 0 ? { siteGroups: area.siteGroups } : {}),
      origin: at(o, `NetBox prefix ${formatIpv4(p.lo)}/${p.length}`),
    });
  }

  // Cables between two interfaces; other terminations (console, power, circuits) are left out.
  // Under a limit, a cable with no end at a kept device is outside it and goes quietly.
  const links: InventoryLink[] = [];
  for (const o of objects.cables) {
    const { value } = o;
    const ends = (key: string): Array<string | null | undefined> => {
      const list = value[key];
      return (Array.isArray(list) ? list : []).map((t) => {
        if (!isRecord(t) || (t.object_type !== undefined && t.object_type !== 'dcim.interface')) return undefined;
        const obj = isRecord(t.object) ? t.object : undefined;
        const byId = typeof t.object_id === 'number' ? ifaceById.get(t.object_id) : undefined;
        if (byId === null || (obj && deviceOf(obj.device) === null)) return null;
        const device = (obj ? deviceOf(obj.device) : undefined) ?? byId?.device;
        const name = (obj ? str(obj.name) : undefined) ?? byId?.name;
        return device && name && devices.has(device) ? `${device}:${name}` : undefined;
      });
    };
    const aEnds = ends('a_terminations');
    const bEnds = ends('b_terminations');
    const origin = at(o, `NetBox cable${typeof value.id === 'number' ? ` ${value.id}` : ''}`);
    const a = aEnds.length === 1 ? aEnds[0] : undefined;
    const b = bEnds.length === 1 ? bEnds[0] : undefined;
    if (!a || !b) {
      const kept = [...aEnds, ...bEnds].some((e) => typeof e === 'string');
      const outside = [...aEnds, ...bEnds].some((e) => e === null);
      if (limit.active && !kept) continue;
      warnings.push(
        outside && kept && limit.active
          ? {
              loc: origin,
              en: "cable to a device outside the site file's netbox limit (its sites, tenants, regions, site groups): left out",
              ja: 'サイトファイルの netbox で限定したサイト・テナント・リージョン・サイトグループの外の機器へのケーブルのため、取り込みませんでした',
            }
          : {
              loc: origin,
              en: 'cable without one device interface at each end: left out',
              ja: '両端がそれぞれ機器のインタフェース 1 つではないケーブルのため、取り込みませんでした',
            },
      );
      continue;
    }
    for (const e of [a, b]) iface(e.slice(0, e.indexOf(':')), e.slice(e.indexOf(':') + 1), origin);
    links.push({ a, b, origin });
  }
  if (problems.length > 0) throw new InputError(problems);

  // A limit naming a site, tenant, region or site group that no device, prefix or VLAN of the export has keeps none of it.
  const netbox = site?.file.netbox;
  const words = {
    sites: ['at site', 'サイト'],
    tenants: ['of tenant', 'テナント'],
    regions: ['in region', 'リージョン'],
    siteGroups: ['in site group', 'サイトグループ'],
  };
  for (const key of LIMIT_KEYS) {
    netbox?.[key]?.forEach((slug, i) => {
      if (seen[key].has(slug)) return;
      const [en, ja] = words[key];
      warnings.push({
        loc: site!.doc.locate(['netbox', key, i]),
        en: `no NetBox device, prefix or VLAN of the export is ${en} "${slug}": the limit keeps nothing of it`,
        ja: `エクスポートに${ja} "${slug}" の NetBox の機器・プレフィックス・VLAN がないため、この限定では何も取り込まれません`,
      });
    });
  }
  const out: InventoryDevice[] = [...devices].map(([id, d]) => ({
    id,
    kind: d.kind,
    role: d.role,
    site: d.site,
    tenant: d.tenant,
    interfaces: d.interfaces.map((f) => {
      const vlanId = accessVlanIds.get(`${id}:${f.name}`);
      const vlan = vlanId === undefined ? undefined : vlanById.get(vlanId);
      return vlan ? { ...f, accessVlan: vlan } : f;
    }),
    origin: at(d.o, `NetBox device "${id}"`),
  }));
  return { devices: out, links, prefixes, warnings };
}
