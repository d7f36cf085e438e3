// Resolves address and service references against a loaded network, for queries made
// after loading (trace, API): the same rules as inside a topology file.

import type { Network } from './network.ts';
import { IPV4_ALL, type Ipv4Range, looksLikeAddress, parseAddressSpec } from '../net/ipv4.ts';
import { ANY_SERVICE, parseServiceTerm, type ServiceTerm, WELL_KNOWN_SERVICES } from '../net/services.ts';

export type Resolved<T> = { ok: true; value: T } | { ok: false; error: string };

export function resolveAddress(network: Network, ref: string): Resolved<Ipv4Range[]> {
  if (ref === 'any') return { ok: true, value: [IPV4_ALL] };
  if (looksLikeAddress(ref)) {
    const parsed = parseAddressSpec(ref);
    return 'error' in parsed ? { ok: false, error: parsed.error } : { ok: true, value: [parsed] };
  }
  const entry = network.ids.get(ref);
  if (entry?.kind === 'zone') {
    const z = network.zones[entry.index]!;
    return { ok: true, value: [...(z.isDefault ? z.owned : z.subnets)] };
  }
  if (entry?.kind === 'host') return { ok: true, value: [network.hosts[entry.index]!.range] };
  if (entry?.kind === 'device') {
    const d = network.devices[entry.index]!;
    return { ok: true, value: d.interfaces.filter((f) => f.address !== undefined).map((f) => ({ lo: f.address!, hi: f.address! })) };
  }
  return { ok: false, error: `"${ref}" is not a zone, host, device or IPv4 address/prefix/range in ${network.file}` };
}

export function resolveService(network: Network, ref: string): Resolved<ServiceTerm[]> {
  const name = ref.trim().toLowerCase();
  if (name === 'any') return { ok: true, value: [ANY_SERVICE] };
  const named = network.services.get(name);
  if (named) return { ok: true, value: [...named] };
  const builtin = WELL_KNOWN_SERVICES[name];
  if (builtin) return { ok: true, value: builtin.map((t) => parseServiceTerm(t) as ServiceTerm) };
  const parsed = parseServiceTerm(ref);
  return 'error' in parsed ? { ok: false, error: `unknown service ${parsed.error}` } : { ok: true, value: [parsed] };
}
