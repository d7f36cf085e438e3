// Traces one flow (a header class: sources, destinations, services) through the network:
// every outcome from every source zone, plus the part that finds no path at all.

import { type Network, zonesOf } from '../model/network.ts';
import type { Ipv4Range } from '../net/ipv4.ts';
import type { ServiceTerm } from '../net/services.ts';
import { boxesOfMatch, normalize, subtract } from './headerset.ts';
import type { Outcome, ReachabilityEngine } from './types.ts';

export function traceFlow(
  network: Network,
  engine: ReachabilityEngine,
  from: readonly Ipv4Range[],
  to: readonly Ipv4Range[],
  services: readonly ServiceTerm[],
): Outcome[] {
  const requested = boxesOfMatch({ src: from, dst: to, services });
  const outcomes: Outcome[] = [];
  for (const zone of zonesOf(network, from)) outcomes.push(...engine.explore(zone, requested));
  const unexplained = normalize(subtract(requested, outcomes.flatMap((o) => o.headers)));
  if (unexplained.length > 0) outcomes.push({ headers: unexplained, hops: [], disposition: { kind: 'no-path' } });
  return outcomes;
}
