// The vendor-neutral form of imported device configurations: what each vendor parser
// (fortigate.ts, paloalto.ts, asa.ts, iptables.ts, nftables.ts, rtx.ts) produces and compose.ts turns into a
// topology. Addresses are interval sets and services protocol/port terms, already resolved
// from the vendor's objects; everything keeps the file:line:column it came from.

import type { Bilingual, Loc } from '../errors.ts';
import type { Ipv4Prefix } from '../net/ipv4.ts';
import type { ServiceTerm } from '../net/services.ts';

/** A warning of an import: a statement read approximately or skipped, where it stands, in both languages. */
export interface ImportWarning extends Bilingual {
  readonly loc: Loc;
}

export interface ConfigInterface {
  readonly name: string;
  /** The interface's own address and its connected subnet, when it has one. */
  readonly address?: { readonly ip: number; readonly subnet: Ipv4Prefix };
  /** The vendor zone the interface belongs to (FortiOS `config system zone`), if any. */
  readonly vendorZone?: string;
  /** Named ACLs (ConfigDevice.acls) every packet entering / leaving by the interface must pass, in order (ASA `access-group`). */
  readonly inAcls?: readonly string[];
  readonly outAcls?: readonly string[];
  /** The VLAN an access port carries untagged (NetBox `mode: access` with `untagged_vlan`): the port joins the zone of that VLAN's prefixes. */
  readonly accessVlan?: InventoryVlan;
  readonly origin: Loc;
}

/** One filtering rule, first match wins, in the order the device evaluates them. */
export interface ConfigRule {
  readonly id: string;
  readonly action: 'permit' | 'deny';
  /** Sorted disjoint intervals [lo, hi, lo, hi, ...] (net/intervals.ts). */
  readonly src: readonly number[];
  readonly dst: readonly number[];
  /** Single-protocol terms, or ANY_SERVICE alone. */
  readonly services: readonly ServiceTerm[];
  /** Interfaces the packet enters / leaves by; undefined: any. */
  readonly in?: readonly string[];
  readonly out?: readonly string[];
  /** The vendor objects as written, for the reader of the topology. */
  readonly description: string;
  readonly origin: Loc;
}

export interface ConfigRoute {
  readonly prefix: Ipv4Prefix;
  readonly action: 'forward' | 'drop';
  readonly interfaces: readonly string[];
  readonly origin: Loc;
}

/** A named access list bound to interfaces (ConfigInterface.inAcls / outAcls): first match wins, no match is denied. */
export interface ConfigAcl {
  readonly name: string;
  /** Rules without `in` / `out`: the binding says where the ACL applies. */
  readonly rules: readonly ConfigRule[];
}

/** One filtering device (a FortiGate, or one VDOM of it). */
export interface ConfigDevice {
  readonly id: string;
  readonly vendor: string;
  readonly interfaces: readonly ConfigInterface[];
  readonly rules: readonly ConfigRule[];
  /** Named ACLs bound to interfaces, in configuration order; a packet needs a permit from `rules` and from each bound ACL. */
  readonly acls?: readonly ConfigAcl[];
  /** Connected subnets first, then static routes; only the routes the device would install. */
  readonly routes: readonly ConfigRoute[];
  readonly origin: Loc;
}

/** A section of the configuration that cannot affect forwarding (logging, DNS, NTP, SNMP, ...), read past on purpose. */
export interface SkippedSection {
  /** The section's kind as the configuration writes it: `config system dns`, `logging`, `syslog`. */
  readonly section: string;
  readonly loc: Loc;
}

export interface ImportedConfig {
  readonly devices: readonly ConfigDevice[];
  readonly warnings: readonly ImportWarning[];
  /** What the reader skipped because it cannot affect forwarding; not a warning (--strict ignores it). */
  readonly skipped?: readonly SkippedSection[];
}

/** The skipped sections of one file: their total and their count per kind, kinds sorted. */
export interface SkippedSummary {
  readonly file: string;
  readonly total: number;
  readonly sections: ReadonlyArray<{ readonly section: string; readonly count: number }>;
}

/** The skipped sections of each file, files sorted. */
export function skippedByFile(configs: readonly ImportedConfig[]): SkippedSummary[] {
  const files = new Map<string, Map<string, number>>();
  for (const s of configs.flatMap((c) => c.skipped ?? [])) {
    let counts = files.get(s.loc.file);
    if (!counts) files.set(s.loc.file, (counts = new Map()));
    counts.set(s.section, (counts.get(s.section) ?? 0) + 1);
  }
  const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return [...files.keys()].sort(byName).map((file) => {
    const counts = files.get(file)!;
    const sections = [...counts.keys()].sort(byName).map((section) => ({ section, count: counts.get(section)! }));
    return { file, total: sections.reduce((n, s) => n + s.count, 0), sections };
  });
}

// ── Inventories (NetBox, containerlab): what is where, without rules ───────────────────────

/** A device of an inventory; a device a configuration also describes takes the configuration's. */
export interface InventoryDevice {
  readonly id: string;
  /** What the inventory says it is: a forwarding device, or an endpoint (a host). */
  readonly kind: 'router' | 'switch' | 'host';
  /** For a host: its role in the topology (terminal, server, ...). */
  readonly role?: 'terminal' | 'server' | 'printer' | 'storage' | 'network' | 'other';
  readonly interfaces: readonly ConfigInterface[];
  /** NetBox's site and tenant (slugs), which a site zone may select. */
  readonly site?: string;
  readonly tenant?: string;
  readonly origin: Loc;
}

/** A cable between two device interfaces, `device:interface` on both ends. */
export interface InventoryLink {
  readonly a: string;
  readonly b: string;
  readonly origin: Loc;
}

/** A prefix of the inventory: a zone of its own, with a domain when the inventory says one. */
export interface InventoryPrefix {
  readonly prefix: Ipv4Prefix;
  readonly domain?: string;
  readonly name?: string;
  /** NetBox's prefix role and tags (slugs), which a site zone may select. */
  readonly role?: string;
  readonly tags?: readonly string[];
  /** The VLAN the prefix is assigned to, with its role and tags (slugs). */
  readonly vlan?: InventoryVlan;
  /** NetBox's site (the prefix's scope) and tenant (slugs). */
  readonly site?: string;
  readonly tenant?: string;
  /** The NetBox regions and site groups the prefix is in (its site's, or its scope's when that is a region or site group), each with those above it. */
  readonly regions?: readonly string[];
  readonly siteGroups?: readonly string[];
  readonly origin: Loc;
}

export interface InventoryVlan {
  readonly vid?: number;
  readonly name?: string;
  readonly role?: string;
  readonly tags?: readonly string[];
  readonly site?: string;
  readonly tenant?: string;
}

export interface Inventory {
  readonly devices: readonly InventoryDevice[];
  readonly links: readonly InventoryLink[];
  readonly prefixes: readonly InventoryPrefix[];
  readonly warnings: readonly ImportWarning[];
}
