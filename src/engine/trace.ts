// Traces one flow (a header class: sources, destinations, services) through the network:
// every end it comes to with the headers that end there and a witness path, plus the part
// that finds no path at all.

import { type Network, zoneOfAddress, zonesOf } from '../model/network.ts';
import type { Ipv4Range } from '../net/ipv4.ts';
import type { ServiceTerm } from '../net/services.ts';
import { boxesOfMatch, normalize, representative, subtract } from './headerset.ts';
import { endKey, endOf, type Outcome, type ReachabilityEngine } from './types.ts';

export function traceFlow(
  network: Network,
  engine: ReachabilityEngine,
  from: readonly Ipv4Range[],
  to: readonly Ipv4Range[],
  services: readonly ServiceTerm[],
): Outcome[] {
  const requested = boxesOfMatch({ src: from, dst: to, services });
  const arrivals = engine.explore(zonesOf(network, from), requested);
  const outcomes: Outcome[] = arrivals.map((a) => {
    // The witness: a packet of the arrival traced to this same end.
    const packet = representative(a.headers[0]!);
    const key = endKey(a.end);
    const path = engine.trace(zoneOfAddress(network, packet.src), packet).find((o) => {
      const end = endOf(o.disposition);
      return end !== undefined && endKey(end) === key;
    });
    return {
      headers: a.headers,
      hops: path?.hops ?? [],
      disposition: path?.disposition ?? (a.end.kind === 'denied' ? { ...a.end, rule: undefined } : a.end),
    };
  });
  const unexplained = normalize(
    subtract(
      requested,
      arrivals.flatMap((a) => a.headers),
    ),
  );
  if (unexplained.length > 0) outcomes.push({ headers: unexplained, hops: [], disposition: { kind: 'no-path' } });
  return outcomes;
}
