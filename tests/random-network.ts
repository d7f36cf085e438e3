// Random small topologies for the equivalence property tests: zones in several domains,
// hosts, firewalls with random rule lists (interface-bound or not), routers with and without
// routes, switches and sanitizers, joined by attachments and random links (chains, meshes,
// loops), plus intents and exceptions. Built as topology-file objects and loaded for real.

import fc from 'fast-check';
import { loadTopology } from '../src/model/load.ts';
import type { Network } from '../src/model/network.ts';

const DOMAINS = ['lgwan', 'internet', 'mynumber', 'lgwan', 'security-cloud', 'internet'] as const;
const SERVICES = ['any', 'tcp/22', 'tcp/80-443', 'udp/53', 'icmp', 'tcp', 'smtp', 'https'] as const;

export interface RandomTopology {
  readonly text: string;
  readonly zones: number;
}

interface DeviceDraft {
  kind: 'firewall' | 'router' | 'switch' | 'sanitizer';
  interfaces: Array<{ zone: number | undefined }>;
  seed: number[];
}

/** A seeded chooser over a list of numbers drawn by fast-check (so shrinking still works). */
function chooser(seed: readonly number[]): <T>(list: readonly T[]) => T {
  let i = 0;
  return <T>(list: readonly T[]): T => list[(seed[i++ % seed.length] ?? 0) % list.length]!;
}

export const randomTopology: fc.Arbitrary<RandomTopology> = fc
  .record({
    zones: fc.integer({ min: 2, max: 5 }),
    withDefault: fc.boolean(),
    devices: fc.array(
      fc.record({
        kind: fc.constantFrom('firewall', 'firewall', 'router', 'switch', 'sanitizer'),
        interfaces: fc.array(fc.option(fc.nat(9), { nil: undefined }), { minLength: 1, maxLength: 4 }),
        seed: fc.array(fc.nat(1000), { minLength: 40, maxLength: 40 }),
      }),
      { minLength: 1, maxLength: 5 },
    ),
    links: fc.array(fc.tuple(fc.nat(100), fc.nat(100)), { maxLength: 6 }),
    intents: fc.array(fc.array(fc.nat(1000), { minLength: 6, maxLength: 6 }), { maxLength: 3 }),
    exceptions: fc.array(fc.array(fc.nat(1000), { minLength: 4, maxLength: 4 }), { maxLength: 2 }),
  })
  .map((draft) => build(draft as unknown as Draft));

interface Draft {
  zones: number;
  withDefault: boolean;
  devices: Array<{ kind: DeviceDraft['kind']; interfaces: Array<number | undefined>; seed: number[] }>;
  links: Array<[number, number]>;
  intents: number[][];
  exceptions: number[][];
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
    if ((d.kind === 'router' || d.kind === 'firewall') && pick([0, 1])) {
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

  const links: string[][] = [];
  const used = new Set<string>();
  for (const [a, b] of draft.links) {
    if (linkPorts.length < 2) break;
    const x = linkPorts[a % linkPorts.length]!;
    const y = linkPorts[b % linkPorts.length]!;
    if (x === y || used.has(x) || used.has(y) || x.split(':')[0] === y.split(':')[0]) continue;
    used.add(x);
    used.add(y);
    links.push([x, y]);
  }

  const endpoints = [...zoneIds.filter((z) => z !== 'inet'), ...hostIds];
  const sanitizers = devices.filter((d) => d.kind === 'sanitizer').map((d) => d.id as string);
  const intents = draft.intents.map((seed, i) => {
    const pick = chooser(seed);
    const via = sanitizers.length > 0 && pick([0, 1]) ? { via: [pick(sanitizers)] } : {};
    return {
      id: `i${i}`, from: pick(endpoints), to: pick(endpoints), service: pick(SERVICES.slice(1)), purpose: 'test',
      content: pick(['mail', 'web', 'file']), resilient: pick([false, true]), ...via,
    };
  });
  const exceptions = draft.exceptions.map((seed, i) => {
    const pick = chooser(seed);
    return {
      id: `e${i}`, from: pick(hostIds), to: pick(hostIds), service: pick(['tcp/22', 'smtp', 'any']),
      justification: 'test', approver: 'CISO', expires: pick(['2020-01-01', '2031-03-31']),
    };
  });

  const topology = {
    bunkatsu: 1, name: 'random', model: 'alpha', zones, hosts, devices, links, intents, exceptions,
  };
  return { text: JSON.stringify(topology), zones: zoneCount };
}

/** Loads a random topology; undefined when the loader rejects it (a few drafts are inconsistent). */
export function loadRandom(t: RandomTopology, domains?: ReadonlySet<string>): Network | undefined {
  try {
    return loadTopology(t.text, 'random.json', domains ? { domains } : {});
  } catch {
    return undefined;
  }
}
