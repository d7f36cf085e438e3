// NetBox exports as an inventory: one JSON (or YAML) document whose keys `devices`,
// `interfaces`, `ip_addresses`, `prefixes`, `vlans` and `cables` hold the objects of NetBox's
// REST API (/api/dcim/devices/, /api/dcim/interfaces/, /api/ipam/ip-addresses/,
// /api/ipam/prefixes/, /api/ipam/vlans/, /api/dcim/cables/), each as the list of objects or as the saved page `{count, results}`.
// Only the fields named in docs/import.md are read; every other field is ignored. Positions
// come from the project's reader, so errors and origins carry the export's line:column.

import { type Bilingual, type Diagnostic, InputError, type Loc } from '../errors.ts';
import { formatIpv4, type Ipv4Prefix, parseCidr, parseIpv4 } from '../net/ipv4.ts';
import { DEFAULT_LIMITS, readSource } from '../model/source.ts';
import type { ConfigInterface, ImportWarning, Inventory, InventoryDevice, InventoryLink, InventoryPrefix, InventoryVlan } from './config.ts';

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
/** A VLAN's vid, name, role and tags, as far as the object says them. */
const vlanOf = (v: Record<string, unknown>): InventoryVlan => ({
  vid: typeof v.vid === 'number' ? v.vid : undefined,
  name: str(v.name),
  role: slugOf(v.role),
  tags: tagsOf(v.tags),
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

/** Reads a NetBox export; throws InputError with every problem at its location. */
export function parseNetbox(text: string, file: string): Inventory {
  const read = readSource(text, file, DEFAULT_LIMITS);
  if (!read.ok) throw new InputError(read.diagnostics);
  const doc = read.doc;
  const problems: Diagnostic[] = [];
  const warnings: ImportWarning[] = [];
  const fail = (path: readonly PropertyKey[], text: Bilingual): void => {
    problems.push({ code: 'BNK_ERR_SCHEMA', message: text.en, ja: text.ja, loc: doc.locate(path) });
  };
  if (!isRecord(doc.data)) {
    fail([], {
      en: 'a NetBox export is a mapping with devices, interfaces, ip_addresses, prefixes, vlans and cables (see docs/import.md)',
      ja: 'NetBox のエクスポートは "devices"、"interfaces"、"ip_addresses"、"prefixes"、"vlans"、"cables" を持つマッピングです（docs/import.md を参照）',
    });
    throw new InputError(problems);
  }
  const data = doc.data;
  /** The objects under a key with the path of each: a list, or a saved API page {results: [...]}. */
  const objects = (key: string): Array<{ path: PropertyKey[]; value: Record<string, unknown> }> => {
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
    const out: Array<{ path: PropertyKey[]; value: Record<string, unknown> }> = [];
    list.forEach((value, i) => {
      if (isRecord(value)) out.push({ path: [...base, i], value });
      else fail([...base, i], { en: `"${key}" holds objects`, ja: `"${key}" の要素はオブジェクトです` });
    });
    return out;
  };
  const at = (path: readonly PropertyKey[], label: string): Loc => ({ ...doc.locate(path), label });
  for (const key of Object.keys(data)) {
    if (!['devices', 'interfaces', 'ip_addresses', 'prefixes', 'vlans', 'cables'].includes(key))
      problems.push({
        code: 'BNK_ERR_SCHEMA',
        loc: doc.locate([key], true),
        message: `unknown key "${key}": a NetBox export has devices, interfaces, ip_addresses, prefixes, vlans, cables`,
        ja: `不明なキー "${key}" です。NetBox のエクスポートにあるのは "devices"、"interfaces"、"ip_addresses"、"prefixes"、"vlans"、"cables" です`,
      });
  }

  // Devices, by name; NetBox's numeric id is what other objects may point at.
  const devices = new Map<string, { path: PropertyKey[]; kind: InventoryDevice['kind']; role?: InventoryDevice['role']; interfaces: ConfigInterface[] }>();
  const nameById = new Map<number, string>();
  for (const { path, value } of objects('devices')) {
    const name = str(value.name);
    if (!name || !ID.test(name)) {
      fail([...path, 'name'], {
        en: `device name ${JSON.stringify(value.name ?? null)} cannot be a device id (1-128 letters, digits, "_", "." or "-")`,
        ja: `機器名 ${JSON.stringify(value.name ?? null)} は機器の ID にできません（英字、数字、"_"、"."、"-" の 1～128 文字）`,
      });
      continue;
    }
    if (devices.has(name)) {
      problems.push({
        code: 'BNK_ERR_DUPLICATE_ID',
        message: `two NetBox devices are named "${name}"`,
        ja: `NetBox の機器2台が同じ名前 "${name}" です`,
        loc: doc.locate([...path, 'name']),
      });
      continue;
    }
    const role = slugOf(value.role ?? value.device_role);
    const hostRole = role ? HOST_ROLES[role] : undefined;
    const kind = hostRole ? 'host' : role?.includes('switch') ? 'switch' : 'router';
    devices.set(name, { path, kind, role: hostRole, interfaces: [] });
    if (typeof value.id === 'number') nameById.set(value.id, name);
  }
  /** The device an object points at: `device: {id, name}` (or the name alone). */
  const deviceOf = (v: unknown): string | undefined => {
    if (isRecord(v)) return str(v.name) ?? (typeof v.id === 'number' ? nameById.get(v.id) : undefined);
    return str(v);
  };

  // Interfaces, then the addresses assigned to them.
  const ifaceById = new Map<number, { device: string; name: string }>();
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
  for (const { path, value } of objects('interfaces')) {
    const device = deviceOf(value.device);
    const name = str(value.name);
    if (!device || !devices.has(device)) {
      fail([...path, 'device'], {
        en: `interface ${JSON.stringify(value.name ?? null)}: its device is not among "devices"`,
        ja: `インタフェース ${JSON.stringify(value.name ?? null)}: その機器が "devices" にありません`,
      });
      continue;
    }
    if (!name || !IFACE.test(name)) {
      fail([...path, 'name'], {
        en: `interface name ${JSON.stringify(value.name ?? null)} is not 1-64 letters, digits, "_", ".", "/" or "-"`,
        ja: `インタフェース名 ${JSON.stringify(value.name ?? null)} が英字、数字、"_"、"."、"/"、"-" の 1～64 文字ではありません`,
      });
      continue;
    }
    iface(device, name, at(path, `NetBox interface ${device}:${name}`));
    if (typeof value.id === 'number') ifaceById.set(value.id, { device, name });
  }
  for (const { path, value } of objects('ip_addresses')) {
    const text = str(value.address);
    const address = text ? interfaceAddress(text) : undefined;
    if (!address) {
      // IPv6 addresses are not modelled; anything else that does not parse is an error.
      if (text?.includes(':')) continue;
      fail([...path, 'address'], {
        en: `address ${JSON.stringify(value.address ?? null)} is not a.b.c.d/len`,
        ja: `アドレス ${JSON.stringify(value.address ?? null)} が a.b.c.d/len の形ではありません`,
      });
      continue;
    }
    const object = value.assigned_object;
    const type = str(value.assigned_object_type);
    if (!isRecord(object) || (type !== undefined && type !== 'dcim.interface')) {
      warnings.push({
        loc: doc.locate(path),
        en: `address ${text} is assigned to no device interface: left out`,
        ja: `アドレス ${text} は機器のインタフェースに割り当てられていないため、取り込みませんでした`,
      });
      continue;
    }
    const byId = typeof value.assigned_object_id === 'number' ? ifaceById.get(value.assigned_object_id) : undefined;
    const device = deviceOf(object.device) ?? byId?.device;
    const name = str(object.name) ?? byId?.name;
    const d = device ? devices.get(device) : undefined;
    if (!d || !name || !IFACE.test(name)) {
      fail([...path, 'assigned_object'], {
        en: `address ${text}: the interface it is assigned to is not among "devices" / "interfaces"`,
        ja: `アドレス ${text}: 割り当て先のインタフェースが "devices" / "interfaces" にありません`,
      });
      continue;
    }
    const i = d.interfaces.findIndex((x) => x.name === name);
    const origin = at(path, `NetBox address ${text}`);
    const withAddress: ConfigInterface = { name, address, origin };
    if (i < 0) d.interfaces.push(withAddress);
    else if (d.interfaces[i]!.address) {
      warnings.push({
        loc: origin,
        en: `${device}:${name} has a second address ${text}: only the first is modelled`,
        ja: `${device}:${name} の2つ目のアドレス ${text} は取り込みませんでした（最初のものだけを扱います）`,
      });
    } else d.interfaces[i] = withAddress;
  }

  // VLANs by id: a prefix's nested `vlan` may carry only {id, vid, name}, the VLAN object its role and tags.
  const vlanById = new Map<number, InventoryVlan>();
  for (const { value } of objects('vlans')) if (typeof value.id === 'number') vlanById.set(value.id, vlanOf(value));

  // Prefixes: zones of their own (unless a site zone selects them by role, tag or VLAN);
  // custom field bunkatsu_domain gives the domain.
  const prefixes: InventoryPrefix[] = [];
  for (const { path, value } of objects('prefixes')) {
    const text = str(value.prefix);
    if (text?.includes(':')) continue;
    const p = text ? parseCidr(text) : { error: 'no prefix' };
    if ('error' in p) {
      fail([...path, 'prefix'], {
        en: `prefix ${JSON.stringify(value.prefix ?? null)}: ${'error' in p ? p.error : ''}`,
        ja: `プレフィックス ${JSON.stringify(value.prefix ?? null)} が正しくありません（a.b.c.d/len の形で、ホスト部は 0 です）`,
      });
      continue;
    }
    const custom = isRecord(value.custom_fields) ? value.custom_fields : {};
    const domain = str(custom.bunkatsu_domain);
    const nested = isRecord(value.vlan) ? value.vlan : undefined;
    const vlan = nested ? ((typeof nested.id === 'number' ? vlanById.get(nested.id) : undefined) ?? vlanOf(nested)) : undefined;
    prefixes.push({
      prefix: p,
      domain,
      name: str(value.description),
      role: slugOf(value.role),
      tags: tagsOf(value.tags),
      vlan,
      origin: at(path, `NetBox prefix ${formatIpv4(p.lo)}/${p.length}`),
    });
  }

  // Cables between two interfaces; other terminations (console, power, circuits) are left out.
  const links: InventoryLink[] = [];
  for (const { path, value } of objects('cables')) {
    const end = (key: string): string | undefined => {
      const list = value[key];
      const t = Array.isArray(list) && list.length === 1 && isRecord(list[0]) ? list[0] : undefined;
      if (!t || (t.object_type !== undefined && t.object_type !== 'dcim.interface')) return undefined;
      const o = isRecord(t.object) ? t.object : undefined;
      const byId = typeof t.object_id === 'number' ? ifaceById.get(t.object_id) : undefined;
      const device = (o ? deviceOf(o.device) : undefined) ?? byId?.device;
      const name = (o ? str(o.name) : undefined) ?? byId?.name;
      return device && name && devices.has(device) ? `${device}:${name}` : undefined;
    };
    const a = end('a_terminations');
    const b = end('b_terminations');
    const origin = at(path, `NetBox cable${typeof value.id === 'number' ? ` ${value.id}` : ''}`);
    if (!a || !b) {
      warnings.push({
        loc: origin,
        en: 'cable without one device interface at each end: left out',
        ja: '両端がそれぞれ機器のインタフェース1つではないケーブルのため、取り込みませんでした',
      });
      continue;
    }
    for (const e of [a, b]) iface(e.slice(0, e.indexOf(':')), e.slice(e.indexOf(':') + 1), origin);
    links.push({ a, b, origin });
  }
  if (problems.length > 0) throw new InputError(problems);
  const out: InventoryDevice[] = [...devices].map(([id, d]) => ({
    id,
    kind: d.kind,
    role: d.role,
    interfaces: d.interfaces,
    origin: at(d.path, `NetBox device "${id}"`),
  }));
  return { devices: out, links, prefixes, warnings };
}
