// The resolved network: every reference checked and turned into indices, addresses into
// ranges, services into protocol/port terms. This is what the engines and the policy read.

import type { Loc } from '../errors.ts';
import { firstEndingFrom, type Ipv4Prefix, type Ipv4Range } from '../net/ipv4.ts';
import type { ServiceTerm } from '../net/services.ts';
import type { ContentKind, EndpointControl, HostRole, Model, SanitizerMethod } from './schema.ts';

export interface Zone {
  readonly index: number;
  readonly id: string;
  readonly name: string;
  readonly domain: string;
  readonly subnets: readonly Ipv4Prefix[];
  readonly isDefault: boolean;
  /** Addresses this zone owns: its subnets minus more specific subnets of other zones. */
  readonly owned: readonly Ipv4Range[];
  readonly loc: Loc;
}

export interface Host {
  readonly index: number;
  readonly id: string;
  readonly name: string;
  readonly zone: number;
  readonly role: HostRole;
  /** The member addresses (one range; a single address for a host). */
  readonly range: Ipv4Range;
  readonly isGroup: boolean;
  readonly controls: ReadonlySet<EndpointControl>;
  readonly loc: Loc;
}

export interface Interface {
  readonly name: string;
  readonly zone: number | undefined;
  readonly address: number | undefined;
  /** A VLAN interface: the member interfaces it floods to (never back out of the ingress). */
  readonly members: readonly string[] | undefined;
  /** Names of the device's ACLs a packet entering / leaving by this interface must pass, in order. */
  readonly inAcls: readonly string[];
  readonly outAcls: readonly string[];
  readonly loc: Loc;
}

/** An address, service or header expression as written, kept for messages. */
export type Written = readonly string[];

export interface Rule {
  /** Rule id as written, or its 1-based position. */
  readonly id: string;
  /** False when the file gives no id (the id is then the position, and moves with it). */
  readonly named: boolean;
  readonly position: number;
  readonly action: 'permit' | 'deny';
  readonly src: readonly Ipv4Range[];
  readonly dst: readonly Ipv4Range[];
  readonly services: readonly ServiceTerm[];
  readonly inInterfaces: ReadonlySet<string> | undefined;
  readonly outInterfaces: ReadonlySet<string> | undefined;
  readonly written: { readonly from: Written; readonly to: Written; readonly service: Written };
  readonly loc: Loc;
}

export type RouteAction = 'forward' | 'deliver' | 'drop';

export interface Route {
  readonly prefix: Ipv4Prefix;
  /** forward: out of `interfaces`; deliver: to the device itself; drop: a null route. */
  readonly action: RouteAction;
  /** The outgoing interfaces of a forward route (a copy leaves by each); empty otherwise. */
  readonly interfaces: readonly string[];
  /** The matching route with the highest priority wins; equal priorities all apply. */
  readonly priority: number;
  readonly loc: Loc;
}

/** A named access list of a device: first match wins, no match is denied. */
export interface Acl {
  readonly name: string;
  readonly rules: readonly Rule[];
  readonly loc: Loc;
}

export interface Relay {
  readonly in: string;
  readonly services: readonly ServiceTerm[];
  readonly out: string;
  readonly to: readonly Ipv4Range[];
  readonly toServices: readonly ServiceTerm[];
  readonly loc: Loc;
}

export type DeviceKind = 'switch' | 'router' | 'firewall' | 'sanitizer' | 'proxy';

export interface Device {
  readonly index: number;
  readonly id: string;
  readonly name: string;
  readonly kind: DeviceKind;
  readonly zone: number | undefined;
  readonly interfaces: readonly Interface[];
  readonly rules: readonly Rule[];
  /** Static routes; undefined when none are given (then the device forwards conservatively). */
  readonly routes: readonly Route[] | undefined;
  /** Access lists bound to interfaces (routers and firewalls). */
  readonly acls: readonly Acl[];
  readonly method: SanitizerMethod | undefined;
  readonly relays: readonly Relay[];
  readonly loc: Loc;
}

/** True for devices that terminate connections instead of forwarding packets. */
export function isGateway(device: Device): boolean {
  return device.kind === 'sanitizer' || device.kind === 'proxy';
}

export interface LinkEnd {
  readonly device: number;
  readonly interface: string;
}

export interface Link {
  readonly id: string;
  readonly a: LinkEnd;
  readonly b: LinkEnd;
  readonly loc: Loc;
}

/** A flow as declared (exception or intent): addresses and services resolved. */
export interface DeclaredFlow {
  readonly id: string;
  readonly from: readonly Ipv4Range[];
  readonly to: readonly Ipv4Range[];
  readonly services: readonly ServiceTerm[];
  readonly via: readonly number[];
  readonly written: { readonly from: Written; readonly to: Written; readonly service: Written };
  readonly loc: Loc;
}

export interface Exception extends DeclaredFlow {
  readonly justification: string;
  readonly approver: string;
  readonly expires: string;
  readonly rules: readonly string[] | undefined;
}

/**
 * A cloud service approved for direct use from the LGWAN terminals (the α' model of the MIC
 * guideline): destinations and services, with the approval.
 */
export interface CloudService {
  readonly id: string;
  readonly name: string;
  readonly to: readonly Ipv4Range[];
  readonly services: readonly ServiceTerm[];
  readonly written: { readonly to: Written; readonly service: Written };
  readonly justification: string;
  readonly approver: string;
  readonly expires: string;
  readonly loc: Loc;
}

export interface Intent extends DeclaredFlow {
  readonly purpose: string;
  readonly content: ContentKind | undefined;
  readonly resilient: boolean;
}

/** What an id names (ids are one namespace). */
export type IdKind = 'zone' | 'host' | 'device' | 'exception' | 'intent' | 'cloud-service';

/** One disjoint piece of the address space and the zone that owns it (-1: nobody). */
export interface OwnedRange extends Ipv4Range {
  readonly zone: number;
}

export interface Network {
  readonly file: string;
  readonly name: string;
  /** The MIC guideline model; undefined for a network that is not a municipality's. */
  readonly model: Model | undefined;
  readonly zones: readonly Zone[];
  readonly hosts: readonly Host[];
  readonly devices: readonly Device[];
  readonly links: readonly Link[];
  readonly exceptions: readonly Exception[];
  readonly intents: readonly Intent[];
  readonly cloudServices: readonly CloudService[];
  /** The whole address space cut into disjoint ranges, sorted, each with its owner zone. */
  readonly ownership: readonly OwnedRange[];
  readonly ids: ReadonlyMap<string, { readonly kind: IdKind; readonly index: number }>;
  /** Services named in the topology file (built-in names are in net/services.ts). */
  readonly services: ReadonlyMap<string, readonly ServiceTerm[]>;
}

/** Zone index owning an address, or -1. Binary search over the ownership table. */
export function zoneOfAddress(network: Network, address: number): number {
  const table = network.ownership;
  let lo = 0;
  let hi = table.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = table[mid]!;
    if (address < r.lo) hi = mid - 1;
    else if (address > r.hi) lo = mid + 1;
    else return r.zone;
  }
  return -1;
}

/** Zones that own any address of the ranges, in index order. */
export function zonesOf(network: Network, ranges: readonly Ipv4Range[]): number[] {
  const table = network.ownership;
  const out = new Set<number>();
  for (const r of ranges) {
    for (let i = firstEndingFrom(table, r.lo); i < table.length && table[i]!.lo <= r.hi; i++) {
      if (table[i]!.zone >= 0) out.add(table[i]!.zone);
    }
  }
  return [...out].sort((a, b) => a - b);
}

/** True when every address of the ranges is owned by some zone. */
export function ownedByZones(network: Network, ranges: readonly Ipv4Range[]): boolean {
  const table = network.ownership;
  for (const r of ranges) {
    // From the first piece ending at or after r.lo, pieces of zones without a gap up to r.hi.
    let next = r.lo;
    for (let i = firstEndingFrom(table, r.lo); i < table.length && table[i]!.lo <= next && table[i]!.zone >= 0 && next <= r.hi; i++) next = table[i]!.hi + 1;
    if (next <= r.hi) return false;
  }
  return true;
}
