// The one resolver of address and service references. Topology files, change files, `trace`
// arguments and the HTTP trace route all read references with this grammar and these codes.

import type { Diagnostic, ErrorCode, Loc } from '../errors.ts';
import type { IdKind, Network } from './network.ts';
import { IPV4_ALL, type Ipv4Range, looksLikeAddress, parseAddressSet } from '../net/ipv4.ts';
import { ANY_SERVICE, lookupService, type ServiceTerm } from '../net/services.ts';

/** What references can name: the ids (one namespace), what each addressable one stands for, the declared services. */
export interface ReferenceScope {
  readonly ids: ReadonlyMap<string, { readonly kind: IdKind; readonly index: number }>;
  /** The addresses of a zone, host or device, by its index in its list. */
  addressesOf(kind: 'zone' | 'host' | 'device', index: number): readonly Ipv4Range[];
  readonly services: ReadonlyMap<string, readonly ServiceTerm[]>;
  /** Ids of elements dropped for schema errors (topology loading): references to them are not reported again. */
  skipped?(ref: string): boolean;
}

/** A reference resolved, or why not: the registry code and a message naming the reference. */
export type Resolved<T> = { ok: true; value: T } | { ok: false; code: ErrorCode; error: string };

/** The scope of a loaded network: what `trace`, the API and in-memory changes resolve against. */
export function networkScope(network: Network): ReferenceScope {
  return {
    ids: network.ids,
    services: network.services,
    addressesOf(kind, index) {
      if (kind === 'host') return [network.hosts[index]!.range];
      if (kind === 'zone') {
        const z = network.zones[index]!;
        return z.isDefault ? z.owned : z.subnets;
      }
      const out: Ipv4Range[] = [];
      for (const f of network.devices[index]!.interfaces) if (f.address !== undefined) out.push({ lo: f.address, hi: f.address });
      return out;
    },
  };
}

/**
 * One address reference: `any`, an address literal (address, prefix, range, or address and
 * Cisco wildcard mask), or the id of a zone, host (or group) or device. Undefined value: a
 * reference to an element already reported as dropped.
 */
export function resolveAddressRef(scope: ReferenceScope, ref: string): Resolved<readonly Ipv4Range[] | undefined> {
  if (ref === 'any') return { ok: true, value: [IPV4_ALL] };
  if (looksLikeAddress(ref)) {
    const parsed = parseAddressSet(ref);
    return 'error' in parsed ? { ok: false, code: 'BNK_ERR_INVALID_ADDRESS', error: parsed.error } : { ok: true, value: parsed };
  }
  const entry = scope.ids.get(ref);
  if (!entry && scope.skipped?.(ref)) return { ok: true, value: undefined };
  if (!entry || entry.kind === 'exception' || entry.kind === 'intent' || entry.kind === 'cloud-service') {
    return { ok: false, code: 'BNK_ERR_UNKNOWN_REF', error: `"${ref}" is not a zone, host, device or address` };
  }
  return { ok: true, value: scope.addressesOf(entry.kind, entry.index) };
}

/** One service reference: `any`, a declared or built-in name, or protocol[/port[-port]]. */
export function resolveServiceRef(scope: Pick<ReferenceScope, 'services'>, ref: string): Resolved<readonly ServiceTerm[]> {
  const found = lookupService(ref, scope.services);
  if (found.ok) return { ok: true, value: found.terms };
  return { ok: false, code: found.unknown ? 'BNK_ERR_UNKNOWN_REF' : 'BNK_ERR_INVALID_SERVICE', error: found.error };
}

/**
 * A list of address references (a rule's `from`, say): their union, `any` anywhere making it
 * every address. Each reference that fails adds a diagnostic at `at()` to `problems`.
 */
export function resolveAddresses(scope: ReferenceScope, refs: readonly string[], at: () => Loc, problems: Diagnostic[]): Ipv4Range[] {
  const out: Ipv4Range[] = [];
  let any = false;
  for (const ref of refs) {
    const got = resolveAddressRef(scope, ref);
    if (!got.ok) problems.push({ code: got.code, message: got.error, loc: at() });
    else if (ref === 'any') any = true;
    else if (got.value) out.push(...got.value);
  }
  return any ? [IPV4_ALL] : out;
}

/** A list of service references: their union, `any` anywhere making it every service. Failures as for resolveAddresses. */
export function resolveServices(scope: Pick<ReferenceScope, 'services'>, refs: readonly string[], at: () => Loc, problems: Diagnostic[]): ServiceTerm[] {
  const out: ServiceTerm[] = [];
  for (const ref of refs) {
    const got = resolveServiceRef(scope, ref);
    if (got.ok) out.push(...got.value);
    else problems.push({ code: got.code, message: got.error, loc: at() });
  }
  return out.some((t) => t === ANY_SERVICE) ? [ANY_SERVICE] : out;
}

/** An address reference against a loaded network (a `trace` argument, an API query). */
export function resolveAddress(network: Network, ref: string): Resolved<Ipv4Range[]> {
  const got = resolveAddressRef(networkScope(network), ref);
  return got.ok ? { ok: true, value: [...(got.value ?? [])] } : got;
}

/** A service reference against a loaded network. */
export function resolveService(network: Network, ref: string): Resolved<ServiceTerm[]> {
  const got = resolveServiceRef(network, ref);
  return got.ok ? { ok: true, value: [...got.value] } : got;
}
