// containerlab topologies (`*.clab.yml`): nodes and the links between them as an inventory,
// and each node's startup configuration read by the importer of its kind. The node name is
// the device id; links join device interfaces by name. Read with the project's YAML reader, so
// every error and warning carries the lab file's line:column.

import { dirname, join } from 'node:path';
import { type Bilingual, type Diagnostic, InputError, type Loc } from '../errors.ts';
import { DEFAULT_LIMITS, readSource, type SourceDocument } from '../model/source.ts';
import type { ConfigDevice, ImportedConfig, ImportWarning, Inventory, InventoryDevice, InventoryLink } from './config.ts';
import { CLAB_KIND_VENDORS, VENDOR_IMPORTERS, type VendorImporter } from './vendors.ts';

/** The importer of a containerlab node kind (vendors.ts), if there is one. */
const importerOf = (kind: string): VendorImporter | undefined => {
  const vendor = CLAB_KIND_VENDORS[kind];
  return vendor === undefined ? undefined : VENDOR_IMPORTERS[vendor];
};

/** Kinds that are bridges in the lab: switches in the topology. */
const CLAB_SWITCHES = new Set(['bridge', 'ovs-bridge']);

/** Link endpoints that are not nodes (the host's network, macvlan, the management network). */
const SPECIAL_ENDPOINTS = new Set(['host', 'mgmt-net', 'macvlan', 'vxlan', 'vxlan-stitch', 'dummy']);

export interface ContainerlabImport {
  readonly configs: readonly ImportedConfig[];
  readonly inventory: Inventory;
  /** The startup configurations read, as named in origins. */
  readonly sources: readonly string[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads a containerlab topology; `readFile` reads a startup configuration (its path joined to
 * the lab file's folder, as containerlab resolves it). Throws InputError on a malformed lab.
 */
export function parseContainerlab(text: string, file: string, readFile: (path: string) => string): ContainerlabImport {
  const read = readSource(text, file, DEFAULT_LIMITS);
  if (!read.ok) throw new InputError(read.diagnostics);
  const doc: SourceDocument = read.doc;
  const problems: Diagnostic[] = [];
  const warnings: ImportWarning[] = [];
  const fail = (path: readonly PropertyKey[], text: Bilingual): void => {
    problems.push({ code: 'BNK_ERR_SCHEMA', message: text.en, ja: text.ja, loc: doc.locate(path) });
  };
  const root = doc.data;
  const topology = isRecord(root) ? root.topology : undefined;
  if (!isRecord(topology) || !isRecord(topology.nodes)) {
    fail(isRecord(root) ? ['topology'] : [], {
      en: 'a containerlab topology has `topology:` with `nodes:` (a mapping of node names)',
      ja: 'containerlab のトポロジーには "topology:" とその中の "nodes:"（ノード名のマッピング）が必要です',
    });
    throw new InputError(problems);
  }
  const defaults = isRecord(topology.defaults) ? topology.defaults : {};
  const kinds = isRecord(topology.kinds) ? topology.kinds : {};
  const groups = isRecord(topology.groups) ? topology.groups : {};
  // A node's setting, else its group's, its kind's, the defaults' (containerlab's inheritance).
  const setting = (node: Record<string, unknown>, key: string): unknown => {
    if (node[key] !== undefined) return node[key];
    const group = typeof node.group === 'string' && isRecord(groups[node.group]) ? (groups[node.group] as Record<string, unknown>) : {};
    if (group[key] !== undefined) return group[key];
    const kind = (node.kind ?? group.kind ?? defaults.kind) as unknown;
    const byKind = typeof kind === 'string' && isRecord(kinds[kind]) ? (kinds[kind] as Record<string, unknown>) : {};
    return byKind[key] ?? defaults[key];
  };

  const configs: ImportedConfig[] = [];
  const sources: string[] = [];
  const devices: InventoryDevice[] = [];
  /** Per node, the devices its configuration gave (one, or one per VDOM). */
  const configured = new Map<string, readonly ConfigDevice[]>();
  const nodeKinds = new Map<string, string>();
  const nodeOrigin = new Map<string, Loc>();
  for (const [name, value] of Object.entries(topology.nodes)) {
    const origin = doc.locate(['topology', 'nodes', name], true);
    const node = value === null ? {} : value;
    if (!isRecord(node)) {
      fail(['topology', 'nodes', name], {
        en: `node "${name}" must be a mapping (kind:, startup-config:, ...)`,
        ja: `ノード "${name}" はマッピング（"kind:"、"startup-config:" など）で書きます`,
      });
      continue;
    }
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/.test(name)) {
      fail(['topology', 'nodes', name], {
        en: `node name "${name}" cannot be a device id (1-128 letters, digits, "_", "." or "-")`,
        ja: `ノード名 "${name}" は機器の ID にできません（英字、数字、"_"、"."、"-" の 1～128 文字）`,
      });
      continue;
    }
    const kind = setting(node, 'kind');
    if (typeof kind !== 'string') {
      fail(['topology', 'nodes', name], {
        en: `node "${name}" has no kind (set kind: on the node, its group or topology.defaults)`,
        ja: `ノード "${name}" に "kind" がありません（ノード、そのグループ、"topology.defaults" のいずれかに "kind:" を書きます）`,
      });
      continue;
    }
    nodeKinds.set(name, kind);
    nodeOrigin.set(name, origin);
    const importer = importerOf(kind);
    const startup = setting(node, 'startup-config');
    if (importer && typeof startup === 'string') {
      const path = join(dirname(file), startup);
      let configText: string;
      try {
        configText = readFile(path);
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        // The lab line that names the missing file, not only the file itself.
        for (const d of error.diagnostics) problems.push({ ...d, loc: doc.locate(['topology', 'nodes', name, 'startup-config']) });
        continue;
      }
      const config = importer(configText, path, name);
      // One device: the node name is its id (links name the node). Several (VDOMs): their own ids.
      const renamed = config.devices.length === 1 ? { ...config, devices: [{ ...config.devices[0]!, id: name }] } : config;
      configs.push(renamed);
      sources.push(path);
      configured.set(name, renamed.devices);
    }
  }

  // Links: the classic `endpoints: ["a:eth1", "b:eth1"]` or the brief form with {node, interface}.
  const links: InventoryLink[] = [];
  const ports = new Map<string, Array<{ name: string; origin: Loc }>>();
  const rawLinks = topology.links ?? [];
  if (!Array.isArray(rawLinks)) {
    fail(['topology', 'links'], { en: '`links:` is a list of links with `endpoints:`', ja: '"links:" は "endpoints:" を持つリンクのリストです' });
  }
  (Array.isArray(rawLinks) ? rawLinks : []).forEach((link, i) => {
    const path = ['topology', 'links', i];
    const origin = { ...doc.locate(path), label: `containerlab link ${i + 1}` };
    const endpoints = isRecord(link) ? link.endpoints : undefined;
    if (!Array.isArray(endpoints) || endpoints.length !== 2) {
      fail(path, {
        en: 'a link has `endpoints:` with two ends, e.g. ["fw01:port2", "sw1:eth1"]',
        ja: 'リンクには両端2つの "endpoints:" が必要です（例: ["fw01:port2", "sw1:eth1"]）',
      });
      return;
    }
    const ends: Array<{ node: string; iface: string }> = [];
    endpoints.forEach((e, j) => {
      const parsed =
        typeof e === 'string' && /^[^:]+:[^:]+$/.test(e)
          ? { node: e.split(':')[0]!, iface: e.split(':')[1]! }
          : isRecord(e) && typeof e.node === 'string' && typeof e.interface === 'string'
            ? { node: e.node, iface: e.interface }
            : undefined;
      if (!parsed) {
        fail([...path, 'endpoints', j], {
          en: 'an endpoint is "node:interface" (or {node: ..., interface: ...})',
          ja: 'リンクの端は "node:interface"（または "{node: ..., interface: ...}"）の形で書きます',
        });
      } else ends.push(parsed);
    });
    if (ends.length !== 2) return;
    const special = ends.find((e) => SPECIAL_ENDPOINTS.has(e.node) && !nodeKinds.has(e.node));
    if (special) {
      warnings.push({
        loc: origin,
        en: `link to "${special.node}" leaves the lab: not modelled`,
        ja: `"${special.node}" へのリンクはラボの外に出るため、取り込みませんでした`,
      });
      return;
    }
    const unknown = ends.find((e) => !nodeKinds.has(e.node));
    if (unknown) {
      fail([...path, 'endpoints'], {
        en: `link endpoint names node "${unknown.node}", which topology.nodes does not define`,
        ja: `リンクの端のノード "${unknown.node}" は "topology.nodes" に定義されていません`,
      });
      return;
    }
    // A node with several devices (VDOMs): the device that has the interface.
    const device = (e: { node: string; iface: string }): string =>
      configured.get(e.node)?.find((d) => d.interfaces.some((f) => f.name === e.iface))?.id ?? configured.get(e.node)?.[0]?.id ?? e.node;
    const [a, b] = ends.map((e) => ({ id: device(e), iface: e.iface }));
    for (const e of [a!, b!]) {
      const list = ports.get(e.id) ?? [];
      if (!list.some((f) => f.name === e.iface)) list.push({ name: e.iface, origin });
      ports.set(e.id, list);
    }
    links.push({ a: `${a!.id}:${a!.iface}`, b: `${b!.id}:${b!.iface}`, origin });
  });
  if (problems.length > 0) throw new InputError(problems);

  for (const [name, kind] of nodeKinds) {
    for (const d of configured.get(name) ?? []) {
      // The ports the links name: the configuration's own, or extra ones (a warning: likely a naming mismatch).
      const own = new Set(d.interfaces.map((f) => f.name));
      for (const f of ports.get(d.id) ?? []) {
        if (!own.has(f.name)) {
          warnings.push({
            loc: f.origin,
            en: `${d.id}:${f.name}: the startup configuration has no interface "${f.name}"; the link ends on a port without address (name the device's own interfaces in the lab)`,
            ja: `${d.id}:${f.name}: startup-config にインタフェース "${f.name}" がないため、アドレスのないポートにつなぎました（ラボでは機器自身のインタフェース名を使ってください）`,
          });
        }
      }
      devices.push({
        id: d.id,
        kind: 'router',
        interfaces: (ports.get(d.id) ?? []).map((f) => ({ name: f.name, origin: f.origin })),
        origin: nodeOrigin.get(name)!,
      });
    }
    if (configured.has(name)) continue;
    // A node without links is left out by compose (with its warning); one with links but no rules is said here.
    if (ports.has(name) && !CLAB_SWITCHES.has(kind)) {
      warnings.push(
        importerOf(kind)
          ? {
              loc: nodeOrigin.get(name)!,
              en: `node "${name}" (${kind}) has no startup-config: its rules are unknown; it is a router that forwards anything`,
              ja: `ノード "${name}"（${kind}）に startup-config がないためルールが分かりません。何でも転送するルータとしました`,
            }
          : {
              loc: nodeOrigin.get(name)!,
              en: `node "${name}": no importer reads kind "${kind}"; it is a router that forwards anything (no rules)`,
              ja: `ノード "${name}": 種別 "${kind}" を読む取り込み機能がないため、ルールのない、何でも転送するルータとしました`,
            },
      );
    }
    devices.push({
      id: name,
      kind: CLAB_SWITCHES.has(kind) ? 'switch' : 'router',
      interfaces: (ports.get(name) ?? []).map((f) => ({ name: f.name, origin: f.origin })),
      origin: nodeOrigin.get(name)!,
    });
  }
  return { configs, inventory: { devices, links, prefixes: [], warnings }, sources };
}
