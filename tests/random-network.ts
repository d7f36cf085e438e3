// Random small topologies for the equivalence property tests: zones in several domains,
// hosts, firewalls with random rule lists (interface-bound or not), routers with and without
// routes, switches and sanitizers, joined by attachments and random links (chains, meshes,
// loops), plus intents and exceptions. Built as topology-file objects and loaded for real.
// A share of them are data planes: routes with priorities (ties, and priorities that disagree
// with prefix lengths), deliver and drop routes, routes out of several interfaces, VLAN
// interfaces, ACL chains bound in and out, wildcard addresses and ports in two or three links.

import fc from 'fast-check';
import { loadTopology } from '../src/model/load.ts';
import type { Network } from '../src/model/network.ts';

const DOMAINS = ['lgwan', 'internet', 'mynumber', 'lgwan', 'security-cloud', 'internet'] as const;
const SERVICES = ['any', 'tcp/22', 'tcp/80-443', 'udp/53', 'icmp', 'tcp', 'smtp', 'https'] as const;
/** What ACL rules match: protocol-only terms and port ranges among them. */
const ACL_SERVICES = ['any', 'tcp', 'udp', 'icmp', 'tcp/22', 'tcp/443', 'tcp/20-500', 'udp/53-60', ['tcp/22', 'udp']] as const;
/** Wildcard literals of a few ranges each (the reference engine multiplies boxes). */
const WILDCARDS = ['10.0.0.0 0.0.0.127', '10.0.0.1 0.1.0.0', '10.0.0.0 0.3.0.63', '10.1.0.10 0.0.0.0', '0.0.0.0 255.255.255.255'] as const;
const ROUTE_PREFIXES = [
  '0.0.0.0/0',
  '10.0.0.0/8',
  '10.0.0.0/24',
  '10.1.0.0/25',
  '10.2.0.0/16',
  '203.0.113.0/24',
  '10.0.0.96/28',
  '10.1.0.0/24',
  '10.1.0.10/32',
] as const;

export interface RandomTopology {
  readonly text: string;
  readonly zones: number;
}

/** A seeded chooser over a list of numbers drawn by fast-check (so shrinking still works). */
function chooser(seed: readonly number[]): <T>(list: readonly T[]) => T {
  let i = 0;
  return <T>(list: readonly T[]): T => list[(seed[i++ % seed.length] ?? 0) % list.length]!;
}

/** Topologies drawn with the given chance of being a data plane. */
const topologies = (dataPlane: fc.Arbitrary<boolean>): fc.Arbitrary<RandomTopology> =>
  fc
    .record({
      zones: fc.integer({ min: 2, max: 5 }),
      withDefault: fc.boolean(),
      devices: fc.array(
        fc.record({
          kind: fc.constantFrom('firewall', 'firewall', 'router', 'switch', 'sanitizer'),
          interfaces: fc.array(fc.option(fc.nat(9), { nil: undefined }), { minLength: 1, maxLength: 4 }),
          seed: fc.array(fc.nat(1000), { minLength: 40, maxLength: 40 }),
          plane: fc.array(fc.nat(1000), { minLength: 60, maxLength: 60 }),
        }),
        { minLength: 1, maxLength: 5 },
      ),
      links: fc.array(fc.tuple(fc.nat(100), fc.nat(100)), { maxLength: 6 }),
      intents: fc.array(fc.array(fc.nat(1000), { minLength: 6, maxLength: 6 }), { maxLength: 3 }),
      exceptions: fc.array(fc.array(fc.nat(1000), { minLength: 4, maxLength: 4 }), { maxLength: 2 }),
      dataPlane,
    })
    .map((draft) => build(draft as unknown as Draft));

/** The topologies of the property tests: about one in three is a data plane. */
export const randomTopology: fc.Arbitrary<RandomTopology> = topologies(fc.integer({ min: 0, max: 2 }).map((k) => k === 0));
/** Data planes only: routes with priorities and actions, VLANs, ACLs, multi-peer ports. */
export const dataPlaneTopology: fc.Arbitrary<RandomTopology> = topologies(fc.constant(true));

interface Draft {
  zones: number;
  withDefault: boolean;
  devices: Array<{ kind: 'firewall' | 'router' | 'switch' | 'sanitizer'; interfaces: Array<number | undefined>; seed: number[]; plane: number[] }>;
  links: Array<[number, number]>;
  intents: number[][];
  exceptions: number[][];
  dataPlane: boolean;
}

function build(draft: Draft): RandomTopology {
  const zoneCount = draft.zones + (draft.withDefault ? 1 : 0);
  const zones: unknown[] = [];
  const zoneIds: string[] = [];
  for (let k = 0; k < draft.zones; k++) {
    zones.push({ id: `z${k}`, domain: DOMAINS[k % DOMAINS.length], subnets: [`10.${k}.0.0/24`] });
    zoneIds.push(`z${k}`);
  }
  if (draft.withDefault) {
    zones.push({ id: 'inet', domain: 'public-internet', default: true });
    zoneIds.push('inet');
  }
  const addressIn = (zone: number, n: number): string => (zoneIds[zone] === 'inet' ? `203.0.113.${n}` : `10.${zone}.0.${n}`);
  const hosts: unknown[] = [];
  const hostIds: string[] = [];
  for (let k = 0; k < draft.zones; k++) {
    hosts.push({ id: `h${k}`, zone: `z${k}`, role: 'server', address: addressIn(k, 10) });
    hosts.push({ id: `g${k}`, zone: `z${k}`, role: 'terminal', addresses: `${addressIn(k, 32)}/27`, count: 20, controls: ['data-export-blocked', 'mfa'] });
    hostIds.push(`h${k}`, `g${k}`);
  }
  const addressRefs = ['any', ...zoneIds, ...hostIds, '10.0.0.0/25', '10.1.0.128/25', '10.0.0.0/8', '203.0.113.0/24'];

  const devices: Array<Record<string, unknown>> = [];
  const linkPorts: string[] = [];
  draft.devices.forEach((d, di) => {
    const pick = chooser(d.seed);
    const id = `${d.kind.slice(0, 2)}${di}`;
    const gateway = d.kind === 'sanitizer';
    const interfaces = d.interfaces.map((z, i) => {
      const name = `p${i}`;
      const zone = z === undefined ? (gateway ? i % zoneCount : undefined) : z % zoneCount;
      if (zone === undefined) {
        linkPorts.push(`${id}:${name}`);
        return { name };
      }
      return { name, zone: zoneIds[zone], address: addressIn(zone, 100 + di * 4 + i) };
    });
    // In a data plane, routers and firewalls also have a port for cables (often shared).
    if (draft.dataPlane && (d.kind === 'router' || d.kind === 'firewall')) {
      interfaces.push({ name: 'up' });
      linkPorts.push(`${id}:up`);
    }
    const names = interfaces.map((f) => f.name);
    const device: Record<string, unknown> = { id, kind: d.kind, zone: zoneIds[0], interfaces };
    if (d.kind === 'firewall') {
      const count = pick([0, 1, 2, 3, 4, 5, 6]);
      device.rules = Array.from({ length: count }, (_, r) => ({
        id: `r${r}`,
        action: pick(['permit', 'permit', 'deny']),
        from: pick(addressRefs),
        to: pick(addressRefs),
        service: pick(SERVICES),
        ...(pick([0, 0, 1]) ? { in: pick(names) } : {}),
        ...(pick([0, 0, 1]) ? { out: pick(names) } : {}),
      }));
    }
    if (draft.dataPlane && (d.kind === 'router' || d.kind === 'firewall')) {
      dataPlane(device, interfaces, chooser(d.plane), addressRefs, linkPorts);
    } else if ((d.kind === 'router' || d.kind === 'firewall') && pick([0, 1])) {
      const count = pick([0, 1, 2, 3]);
      device.routes = Array.from({ length: count }, () => ({
        prefix: pick(['0.0.0.0/0', '10.0.0.0/8', '10.0.0.0/24', '10.1.0.0/25', '10.2.0.0/16', '203.0.113.0/24']),
        interface: pick(names),
      }));
    }
    if (gateway) {
      device.method = pick(['mail-text', 'screen-transfer', 'file-sanitization']);
      device.relays = names.length < 2 ? [] : [{ in: names[0], service: pick(SERVICES), out: names[1], to: pick(addressRefs) }];
    }
    devices.push(device);
  });

  // A port is in one link, between two devices; in a data plane, in up to three
  // (point-to-multipoint), and a cable may join two ports of one device. A cable is never
  // listed twice (the loader refuses that).
  const links: string[][] = [];
  const listed = new Set<string>();
  const used = new Map<string, number>();
  const perPort = draft.dataPlane ? 3 : 1;
  for (const [a, b] of draft.links) {
    if (linkPorts.length < 2) break;
    const x = linkPorts[a % linkPorts.length]!;
    const y = linkPorts[b % linkPorts.length]!;
    if (x === y || (used.get(x) ?? 0) >= perPort || (used.get(y) ?? 0) >= perPort) continue;
    if (!draft.dataPlane && x.split(':')[0] === y.split(':')[0]) continue;
    const key = [x, y].sort().join(' ');
    if (listed.has(key)) continue;
    listed.add(key);
    used.set(x, (used.get(x) ?? 0) + 1);
    used.set(y, (used.get(y) ?? 0) + 1);
    links.push([x, y]);
  }

  const endpoints = [...zoneIds.filter((z) => z !== 'inet'), ...hostIds];
  const sanitizers = devices.filter((d) => d.kind === 'sanitizer').map((d) => d.id as string);
  const intents = draft.intents.map((seed, i) => {
    const pick = chooser(seed);
    const via = sanitizers.length > 0 && pick([0, 1]) ? { via: [pick(sanitizers)] } : {};
    return {
      id: `i${i}`,
      from: pick(endpoints),
      to: pick(endpoints),
      service: pick(SERVICES.slice(1)),
      purpose: 'test',
      content: pick(['mail', 'web', 'file']),
      resilient: pick([false, true]),
      ...via,
    };
  });
  const exceptions = draft.exceptions.map((seed, i) => {
    const pick = chooser(seed);
    return {
      id: `e${i}`,
      from: pick(hostIds),
      to: pick(hostIds),
      service: pick(['tcp/22', 'smtp', 'any']),
      justification: 'test',
      approver: 'CISO',
      expires: pick(['2020-01-01', '2031-03-31']),
    };
  });

  const topology = {
    bunkatsu: 1,
    name: 'random',
    model: 'alpha',
    zones,
    hosts,
    devices,
    links,
    intents,
    exceptions,
  };
  return { text: JSON.stringify(topology), zones: zoneCount };
}

/**
 * The data-plane features of a router or firewall: maybe a VLAN interface over some of its
 * ports, routes (priorities, deliver / drop, several interfaces) and ACLs bound in and out.
 */
function dataPlane(
  device: Record<string, unknown>,
  interfaces: Array<Record<string, unknown>>,
  pick: <T>(list: readonly T[]) => T,
  addressRefs: readonly string[],
  _linkPorts: string[],
): void {
  const plain = interfaces.map((f) => f.name as string);
  if (plain.length >= 2 && pick([0, 1])) {
    // Members: two or three ports (repeats dropped), maybe all of them.
    const members = [...new Set([pick(plain), pick(plain), ...(pick([0, 1]) ? [pick(plain)] : [])])];
    interfaces.push({ name: 'vlan', members });
  }
  const names = interfaces.map((f) => f.name as string);
  if (pick([0, 1, 1])) {
    device.routes = Array.from({ length: pick([0, 1, 2, 3, 4]) }, () => {
      const action = pick(['forward', 'forward', 'forward', 'deliver', 'drop'] as const);
      const out = [...new Set(Array.from({ length: pick([1, 1, 2, 3]) }, () => pick(names)))];
      return {
        prefix: pick(ROUTE_PREFIXES),
        ...(action === 'forward' ? { interface: out.length === 1 && pick([0, 1]) ? out[0] : out } : { action }),
        // Priorities that tie with each other and with prefix lengths, or disagree with them.
        ...(pick([0, 1]) ? { priority: pick([0, 8, 16, 24, 25, 32, 100]) } : {}),
      };
    });
  }
  if (pick([0, 1, 1])) {
    const refs = [...addressRefs, ...WILDCARDS];
    const acls: Record<string, unknown[]> = {};
    for (const name of pick([['a0'], ['a0', 'a1']])) {
      acls[name] = Array.from({ length: pick([0, 1, 2, 3, 4]) }, (_, r) => ({
        ...(pick([0, 1, 1]) ? { id: `${name}r${r}` } : {}),
        action: pick(['permit', 'permit', 'deny']),
        from: pick(refs),
        to: pick(refs),
        service: pick(ACL_SERVICES),
      }));
    }
    device.acls = acls;
    const chains = [...Object.keys(acls).map((a) => [a]), Object.keys(acls)];
    for (const f of interfaces) {
      if (f.members) continue;
      if (pick([0, 0, 1])) f.in = pick(chains);
      if (pick([0, 0, 1])) f.out = pick(chains);
    }
  }
}

// ---------------------------------------------------------------------------------------
// Random changes (the incremental review and the review conformance properties)

const CHANGE_ADDRESSES = ['any', '10.0.0.0/24', '10.1.0.0/24', '10.2.0.0/25', '10.0.0.10', '10.1.0.10', '10.3.0.0/16', '203.0.113.0/24'];
const CHANGE_SERVICES = ['any', 'tcp/22', 'https', 'tcp/80-443', 'udp/53', 'icmp'];

/**
 * A change operation drawn from numbers (so fast-check can shrink it), for the current document:
 * rules added, removed, replaced and moved; routes added (priorities, several interfaces, deliver
 * and drop) and removed; a device taken down. `{ down: 'none' }` when there is no device.
 */
export function randomChangeOperation(
  data: {
    devices?: Array<{
      id: string;
      kind: string;
      rules?: unknown[];
      interfaces: Array<{ name: string }>;
      routes?: Array<{ prefix: string; interface?: string | string[] }>;
    }>;
    links?: string[][];
  },
  seed: number[],
): unknown {
  const pick = <T>(list: readonly T[], k: number): T => list[(seed[k] ?? 0) % list.length]!;
  const firewalls = (data.devices ?? []).filter((d) => d.kind === 'firewall');
  const routers = (data.devices ?? []).filter((d) => d.kind === 'firewall' || d.kind === 'router');
  const kind = seed[0]! % 10;
  if (firewalls.length > 0 && kind < 7) {
    const fw = pick(firewalls, 1);
    const names = fw.interfaces.map((f) => f.name);
    const rule = {
      action: pick(['permit', 'permit', 'deny'], 2),
      from: pick(CHANGE_ADDRESSES, 3),
      to: pick(CHANGE_ADDRESSES, 4),
      service: pick(CHANGE_SERVICES, 5),
      ...(seed[6]! % 3 === 0 ? { in: pick(names, 7) } : {}),
      ...(seed[8]! % 3 === 0 ? { out: pick(names, 9) } : {}),
    };
    const count = fw.rules?.length ?? 0;
    if (kind < 3 || count === 0) return { 'add-rule': { device: fw.id, position: (seed[10]! % (count + 1)) + 1, rule } };
    const position = (seed[10]! % count) + 1;
    if (kind < 5) return { 'remove-rule': { device: fw.id, rule: position } };
    if (kind < 6) return { 'replace-rule': { device: fw.id, rule: position, with: rule } };
    return { 'move-rule': { device: fw.id, rule: position, position: (seed[11]! % count) + 1 } };
  }
  if (routers.length > 0 && kind < 9) {
    const r = pick(routers, 1);
    const routes = r.routes ?? [];
    if (kind === 8 && routes.length > 0) {
      const route = pick(routes, 2);
      return { 'remove-route': { device: r.id, prefix: route.prefix, interface: route.interface } };
    }
    const names = r.interfaces.map((f) => f.name);
    // Mostly plain forward routes; some with a priority, several interfaces, or deliver / drop.
    const action = pick(['forward', 'forward', 'forward', 'deliver', 'drop'], 5);
    const out = pick([0, 0, 1], 6) ? [pick(names, 4), pick(names, 7)] : pick(names, 4);
    return {
      'add-route': {
        device: r.id,
        prefix: pick(['0.0.0.0/0', '10.0.0.0/8', '10.1.0.0/24', '10.2.0.0/16', '203.0.113.0/24', '10.0.0.96/28'], 3),
        ...(action === 'forward' ? { interface: out } : { action }),
        ...(pick([0, 1], 8) ? { priority: pick([0, 16, 24, 30], 9) } : {}),
      },
    };
  }
  const devices = (data.devices ?? []).map((d) => d.id);
  return { down: pick(devices.length > 0 ? devices : ['none'], 1) };
}

/**
 * Loads a random topology. The generator only drafts topologies the loader accepts, so an
 * error here is a bug in the generator or the loader and fails the property loudly.
 */
export function loadRandom(t: RandomTopology, domains?: ReadonlySet<string>): Network {
  return loadTopology(t.text, 'random.json', domains ? { domains } : {});
}

/**
 * Counts the cases a property really checked, so a property whose cases are all discarded or
 * skipped cannot pass without testing anything: `expectAtLeast` after the `fc.assert`.
 */
export class CheckedCases {
  private count = 0;
  constructor(private readonly what: string) {}
  checked(): void {
    this.count++;
  }
  get value(): number {
    return this.count;
  }
  /** Throws unless at least `minimum` cases were checked. */
  expectAtLeast(minimum: number): void {
    if (this.count < minimum) {
      throw new Error(`${this.what}: only ${this.count} cases checked, fewer than the ${minimum} this property needs to mean anything`);
    }
  }
}
