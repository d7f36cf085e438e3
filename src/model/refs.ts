// Resolves address and service references against a loaded network, for queries made
// after loading (trace, API): the same rules as inside a topology file.

import type { Network } from './network.ts';
import { IPV4_ALL, type Ipv4Range, looksLikeAddress, parseAddressSpec } from '../net/ipv4.ts';
import { lookupService, type ServiceTerm } from '../net/services.ts';

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
  const found = lookupService(ref, network.services);
  return found.ok ? { ok: true, value: [...found.terms] } : { ok: false, error: found.error };
}
