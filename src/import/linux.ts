// The interfaces, addresses and routes of a Linux host, which iptables-save and nft list ruleset
// do not carry: read from the output of `ip addr` (or `ip -j addr`) and `ip route` (or
// `ip -j route`) saved to files. Connected subnets come from the addresses; of routes to one
// prefix only those of lowest metric are installed (equal: ECMP); kernel routes of a connected
// subnet are that subnet's route already.

import { type Bilingual, type Loc, syntaxError } from '../errors.ts';
import { type Ipv4Prefix, parseCidr, parseIpv4 } from '../net/ipv4.ts';
import type { ServiceTerm } from '../net/services.ts';
import type { Match } from './chains.ts';
import type { ConfigInterface, ConfigRoute, ConfigRule, ImportedConfig, ImportWarning } from './config.ts';

const IFACE_NAME = /^[A-Za-z0-9][A-Za-z0-9_./-]{0,63}$/;

/** An `a.b.c.d/len` host address as the address and its subnet. */
function hostAddress(text: string): { ip: number; subnet: Ipv4Prefix } | undefined {
  const [a, len] = text.split('/');
  const ip = parseIpv4(a ?? '');
  if (ip === undefined || !/^[0-9]{1,2}$/.test(len ?? '') || Number(len) > 32) return undefined;
  const length = Number(len);
  const size = 2 ** (32 - length);
  const lo = ip - (ip % size);
  return { ip, subnet: { lo, hi: lo + size - 1, length } };
}

/** A file that starts as JSON but does not parse: the parser's reason in English (it is V8's), none in Japanese. */
const notJsonOf = (command: string, error: unknown): Bilingual => ({
  en: `not the JSON of "${command}": ${(error as Error).message}`,
  ja: `"${command}" の JSON として読めません（JSON の書式が正しくありません）`,
});

const lineOf = (text: string, needle: string, from = 0): number => {
  const at = text.indexOf(needle, from);
  return at < 0 ? 1 : text.slice(0, at).split('\n').length;
};

/** Interfaces with their first IPv4 address, from `ip addr` or `ip -j addr` output (loopback left out). */
export function parseIpAddr(text: string, file: string, warnings: ImportWarning[]): ConfigInterface[] {
  const out: ConfigInterface[] = [];
  const add = (name: string, cidr: string, loc: Loc): void => {
    const base = name.replace(/@.*$/, '');
    if (base === 'lo') return;
    const address = hostAddress(cidr);
    if (!address) {
      throw syntaxError(loc, {
        en: `"${cidr}" is not an IPv4 address with its prefix length (e.g. 10.0.0.1/24)`,
        ja: `"${cidr}" はプレフィックス長付きの IPv4 アドレスではありません（例: 10.0.0.1/24）`,
      });
    }
    if (!IFACE_NAME.test(base)) {
      warnings.push({
        loc,
        en: `interface "${base}" has a name bunkatsu cannot use; it is left out`,
        ja: `インタフェース "${base}" の名前は bunkatsu で扱えないため除外しました`,
      });
      return;
    }
    if (out.some((f) => f.name === base)) {
      warnings.push({
        loc,
        en: `interface "${base}": secondary address ${cidr} is not modelled (only the first address's subnet is connected)`,
        ja: `インタフェース "${base}": セカンダリアドレス ${cidr} はモデル化していません（最初のアドレスのサブネットのみ接続されているものとします）`,
      });
      return;
    }
    out.push({ name: base, address, origin: { ...loc, label: `${base} inet ${cidr}` } });
  };
  const trimmed = text.replace(/^\uFEFF/, '').trimStart();
  if (trimmed.startsWith('[')) {
    let data: unknown;
    try {
      data = JSON.parse(trimmed);
    } catch (error) {
      throw syntaxError({ file, line: 1, column: 1 }, notJsonOf('ip -j addr', error));
    }
    if (!Array.isArray(data)) {
      throw syntaxError(
        { file, line: 1, column: 1 },
        {
          en: 'not the JSON of "ip -j addr" (an array of interfaces)',
          ja: '"ip -j addr" の JSON（インタフェースの配列）ではありません',
        },
      );
    }
    let from = 0;
    for (const link of data as Array<{ ifname?: unknown; addr_info?: Array<{ family?: unknown; local?: unknown; prefixlen?: unknown }> }>) {
      if (typeof link?.ifname !== 'string') continue;
      for (const a of link.addr_info ?? []) {
        if (a.family !== 'inet') continue;
        const line = lineOf(text, `"${String(a.local)}"`, from);
        from = text.indexOf(`"${String(a.local)}"`, from) + 1;
        add(link.ifname, `${String(a.local)}/${String(a.prefixlen)}`, { file, line, column: 1 });
      }
    }
    return out;
  }
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let current: string | undefined;
  lines.forEach((raw, i) => {
    const header = /^[0-9]+:\s+([^:\s]+):/.exec(raw);
    if (header) {
      current = header[1];
      return;
    }
    const inet = /^(\s+)inet\s+(\S+)/.exec(raw);
    if (!inet) return;
    const loc = { file, line: i + 1, column: inet[1]!.length + 1 };
    if (current === undefined) {
      throw syntaxError(loc, {
        en: '"inet" before any interface line (e.g. 2: eth0: <...>)',
        ja: 'インタフェースの行（例: 2: eth0: <...>）より前に "inet" があります',
      });
    }
    add(current, inet[2]!, loc);
  });
  return out;
}

interface Candidate extends ConfigRoute {
  readonly metric: number;
}

/** The routes of `ip route` or `ip -j route` output, on the given interfaces, after the connected ones. */
export function parseIpRoute(text: string, file: string, interfaces: readonly ConfigInterface[], warnings: ImportWarning[]): ConfigRoute[] {
  const names = new Set(interfaces.map((f) => f.name));
  const candidates: Candidate[] = [];
  for (const f of interfaces)
    if (f.address) candidates.push({ prefix: f.address.subnet, action: 'forward', interfaces: [f.name], origin: f.origin, metric: -1 });
  const connected = (p: Ipv4Prefix): boolean => interfaces.some((f) => f.address && f.address.subnet.lo === p.lo && f.address.subnet.length === p.length);
  const add = (r: { dst: string; type?: string; devs: string[]; metric: number; proto?: string; table?: string }, loc: Loc, label: string): void => {
    if (r.table !== undefined && r.table !== 'main') return;
    if (r.type === 'local' || r.type === 'broadcast' || r.type === 'multicast' || r.type === 'anycast') return;
    const prefix: Ipv4Prefix | { error: string } =
      r.dst === 'default' ? { lo: 0, hi: 0xffffffff, length: 0 } : parseCidr(r.dst.includes('/') ? r.dst : `${r.dst}/32`);
    if ('error' in prefix)
      throw syntaxError(loc, { en: `"${r.dst}" is not an IPv4 prefix (${prefix.error})`, ja: `"${r.dst}" は IPv4 のプレフィックスではありません` });
    const origin = { ...loc, label };
    if (r.type === 'blackhole' || r.type === 'unreachable' || r.type === 'prohibit') {
      candidates.push({ prefix, action: 'drop', interfaces: [], origin, metric: r.metric });
      return;
    }
    if (r.proto === 'kernel' && connected(prefix)) return;
    const unknown = r.devs.filter((d) => !names.has(d));
    if (r.devs.length === 0 || unknown.length > 0) {
      warnings.push({
        loc,
        en: `route ${r.dst}: ${r.devs.length === 0 ? 'no "dev"' : `interface "${unknown[0]}" has no IPv4 address in the addresses file`}; the route is left out`,
        ja: `経路 ${r.dst}: ${r.devs.length === 0 ? '"dev" の指定がない' : `インタフェース "${unknown[0]}" にアドレスファイル上の IPv4 アドレスがない`}ため、この経路は除外しました`,
      });
      return;
    }
    candidates.push({ prefix, action: 'forward', interfaces: [...new Set(r.devs)], origin, metric: r.metric });
  };
  const trimmed = text.replace(/^\uFEFF/, '').trimStart();
  if (trimmed.startsWith('[')) {
    let data: unknown;
    try {
      data = JSON.parse(trimmed);
    } catch (error) {
      throw syntaxError({ file, line: 1, column: 1 }, notJsonOf('ip -j route', error));
    }
    if (!Array.isArray(data)) {
      throw syntaxError(
        { file, line: 1, column: 1 },
        {
          en: 'not the JSON of "ip -j route" (an array of routes)',
          ja: '"ip -j route" の JSON（経路の配列）ではありません',
        },
      );
    }
    let from = 0;
    for (const r of data as Array<Record<string, unknown>>) {
      const dst = String(r.dst ?? '');
      const needle = `"dst":"${dst}"`;
      const at = text.indexOf(needle, from);
      const line = at < 0 ? 1 : lineOf(text, needle, from);
      if (at >= 0) from = at + 1;
      const hops = Array.isArray(r.nexthops) ? (r.nexthops as Array<{ dev?: unknown }>).map((h) => String(h.dev)) : [];
      add(
        {
          dst,
          type: typeof r.type === 'string' ? r.type : undefined,
          devs: typeof r.dev === 'string' ? [r.dev, ...hops] : hops,
          metric: typeof r.metric === 'number' ? r.metric : 0,
          proto: typeof r.protocol === 'string' ? r.protocol : undefined,
          table: typeof r.table === 'string' ? r.table : undefined,
        },
        { file, line, column: 1 },
        `route ${dst}`,
      );
    }
  } else {
    const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
      const raw = lines[i]!;
      if (raw.trim() === '' || /^\s/.test(raw)) continue;
      const words = raw.trim().split(/\s+/);
      let type: string | undefined;
      if (['unicast', 'blackhole', 'unreachable', 'prohibit', 'local', 'broadcast', 'multicast', 'anycast', 'throw', 'nat'].includes(words[0]!))
        type = words.shift();
      const dst = words[0]!;
      const value = (key: string): string | undefined => {
        const k = words.indexOf(key);
        return k >= 0 ? words[k + 1] : undefined;
      };
      const devs = value('dev') ? [value('dev')!] : [];
      const head = i;
      // Multipath: the "nexthop ... dev X" lines that follow, indented.
      while (i + 1 < lines.length && /^\s+nexthop\b/.test(lines[i + 1]!)) {
        const dev = /\bdev\s+(\S+)/.exec(lines[++i]!);
        if (dev) devs.push(dev[1]!);
      }
      add(
        { dst, type, devs, metric: Number(value('metric') ?? 0), proto: value('proto'), table: value('table') },
        { file, line: head + 1, column: 1 },
        raw.trim(),
      );
    }
  }
  // The installed routes: per prefix, the lowest metric; equals are ECMP. Connected subnets win.
  const best = new Map<string, number>();
  const key = (p: Ipv4Prefix): string => `${p.lo}/${p.length}`;
  for (const c of candidates) if (!best.has(key(c.prefix)) || c.metric < best.get(key(c.prefix))!) best.set(key(c.prefix), c.metric);
  return candidates
    .filter((c) => c.metric === best.get(key(c.prefix)))
    .map(({ prefix, action, interfaces: out, origin }) => ({ prefix, action, interfaces: out, origin }));
}

/** Only the connected routes, when no routes file is given. */
export function connectedRoutes(interfaces: readonly ConfigInterface[]): ConfigRoute[] {
  return interfaces.filter((f) => f.address).map((f) => ({ prefix: f.address!.subnet, action: 'forward' as const, interfaces: [f.name], origin: f.origin }));
}

/** The host's `ip addr` and `ip route` output, as text with the file it was read from. */
export interface HostFiles {
  readonly addresses?: { readonly text: string; readonly file: string };
  readonly routes?: { readonly text: string; readonly file: string };
}

/** An interface condition as written: names (a trailing `+` or `*` is a wildcard), maybe negated. */
export interface InterfaceSpec {
  readonly names: readonly string[];
  readonly negate: boolean;
  readonly loc: Loc;
}

const wildcard = (name: string): string | undefined => (name.endsWith('+') || name.endsWith('*') ? name.slice(0, -1) : undefined);

function interfacesOf(spec: InterfaceSpec | undefined, all: readonly string[]): readonly string[] | undefined {
  if (!spec) return undefined;
  const named = all.filter((n) => spec.names.some((s) => (wildcard(s) !== undefined ? n.startsWith(wildcard(s)!) : n === s)));
  return spec.negate ? all.filter((n) => !named.includes(n)) : named;
}

/** A parsed rule's match with its interface conditions resolved against the device's interfaces. */
export function resolveInterfaces(
  r: { src: readonly number[]; dst: readonly number[]; services: readonly ServiceTerm[]; in?: InterfaceSpec; out?: InterfaceSpec },
  all: readonly string[],
): Match {
  const inIf = interfacesOf(r.in, all);
  const outIf = interfacesOf(r.out, all);
  return { src: r.src, dst: r.dst, services: r.services, ...(inIf ? { in: inIf } : {}), ...(outIf ? { out: outIf } : {}) };
}

/**
 * One Linux host as a device: the interfaces of its `ip addr` output, then those its rules name
 * that the output does not have (without a subnet: the site file attaches them); its rules,
 * given the interface names; its routes from `ip route` output, or the connected ones alone.
 */
export function hostDevice(o: {
  id: string;
  vendor: string;
  origin: Loc;
  host: HostFiles;
  warnings: ImportWarning[];
  mentioned: readonly InterfaceSpec[];
  rules: (interfaces: readonly string[]) => ConfigRule[];
}): ImportedConfig {
  const interfaces: ConfigInterface[] = o.host.addresses ? parseIpAddr(o.host.addresses.text, o.host.addresses.file, o.warnings) : [];
  if (!o.host.addresses) {
    o.warnings.push({
      loc: o.origin,
      en: 'no addresses file (ip addr output): the interfaces have no subnets, so only the site file\'s "interfaces" can attach them to zones',
      ja: 'アドレスファイル（"ip addr" の出力）がないため、インタフェースにサブネットがありません。ゾーンへの割り当てはサイトファイルの "interfaces" でのみ行えます',
    });
  }
  for (const spec of o.mentioned) {
    for (const n of spec.names) {
      if (wildcard(n) === undefined && IFACE_NAME.test(n) && !interfaces.some((f) => f.name === n))
        interfaces.push({ name: n, origin: { ...spec.loc, label: `interface "${n}"` } });
    }
  }
  const names = interfaces.map((f) => f.name);
  const rules = o.rules(names);
  const routes = o.host.routes ? parseIpRoute(o.host.routes.text, o.host.routes.file, interfaces, o.warnings) : connectedRoutes(interfaces);
  const id =
    o.id
      .replace(/[^A-Za-z0-9_.-]/g, '_')
      .replace(/^[^A-Za-z0-9]/, 'x')
      .slice(0, 128) || 'x';
  return { devices: [{ id, vendor: o.vendor, interfaces, rules, routes, origin: o.origin }], warnings: o.warnings };
}
