// Service terms of imported rules: normalized per protocol, complemented (negation) and
// intersected (a rule inside a jumped-to chain also meets the jump's conditions).

import { intersect, subtract, union } from '../net/intervals.ts';
import { ANY_SERVICE, PORT_MAX, PORT_PROTOCOLS, PROTO_MAX, type ServiceTerm } from '../net/services.ts';

/** Per protocol, the ports covered, as interval lists (ports 0-65535; a protocol without ports: all or nothing). */
function portsByProtocol(terms: readonly ServiceTerm[]): Map<number, number[]> {
  const byProto = new Map<number, number[]>();
  for (const t of terms) {
    for (let p = t.protoLo; p <= t.protoHi; p++) {
      const ports = PORT_PROTOCOLS.has(p) ? [t.portLo, t.portHi] : [0, PORT_MAX];
      byProto.set(p, union(byProto.get(p) ?? [], ports));
    }
  }
  return byProto;
}

/** Services as single-protocol terms in protocol then port order, or ANY_SERVICE alone when they cover everything. */
export function normalizeServices(terms: readonly ServiceTerm[]): ServiceTerm[] {
  if (terms.some((t) => t.protoLo === 0 && t.protoHi === PROTO_MAX && t.portLo === 0 && t.portHi === PORT_MAX)) return [ANY_SERVICE];
  const byProto = portsByProtocol(terms);
  const out: ServiceTerm[] = [];
  for (const p of [...byProto.keys()].sort((a, b) => a - b)) {
    const ports = byProto.get(p)!;
    for (let i = 0; i < ports.length; i += 2) out.push({ protoLo: p, protoHi: p, portLo: ports[i]!, portHi: ports[i + 1]! });
  }
  return out;
}

/** Every service the terms do not cover (service-negate). */
export function complementServices(terms: readonly ServiceTerm[]): ServiceTerm[] {
  if (terms.length === 1 && terms[0] === ANY_SERVICE) return [];
  const byProto = portsByProtocol(terms);
  const rest: ServiceTerm[] = [];
  for (let p = 0; p <= PROTO_MAX; p++) {
    const covered = byProto.get(p) ?? [];
    const free = subtract([0, PORT_MAX], covered);
    for (let i = 0; i < free.length; i += 2) rest.push({ protoLo: p, protoHi: p, portLo: free[i]!, portHi: free[i + 1]! });
  }
  return rest;
}

/** The services both term lists cover. */
export function intersectServices(a: readonly ServiceTerm[], b: readonly ServiceTerm[]): ServiceTerm[] {
  const isAny = (t: readonly ServiceTerm[]): boolean => t.length === 1 && t[0] === ANY_SERVICE;
  if (isAny(a)) return [...b];
  if (isAny(b)) return [...a];
  const pa = portsByProtocol(a);
  const pb = portsByProtocol(b);
  const out: ServiceTerm[] = [];
  for (const [p, ports] of pa) out.push(...toTerms(p, intersect(ports, pb.get(p) ?? [])));
  return normalizeServices(out);
}

const toTerms = (p: number, ports: readonly number[]): ServiceTerm[] => {
  const out: ServiceTerm[] = [];
  for (let i = 0; i < ports.length; i += 2) out.push({ protoLo: p, protoHi: p, portLo: ports[i]!, portHi: ports[i + 1]! });
  return out;
};
