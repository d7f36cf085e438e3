// The engine interface every implementation offers, and the shape of its answers:
// outcomes (a header set, the hops it took, and what happened to it at the end).

import type { Loc } from '../model/errors.ts';
import type { HeaderSet } from './headerset.ts';

/** What became of a header set at the end of one path. */
export type Disposition =
  /** Reached the segment of the zone that owns the destination. */
  | { readonly kind: 'delivered'; readonly zone: number }
  /** Reached a sanitizer or proxy address and was accepted there (the connection ends). */
  | { readonly kind: 'terminated'; readonly device: number; readonly interface: string }
  /** Reached a sanitizer or proxy address, but the gateway accepts no such service there. */
  | { readonly kind: 'refused'; readonly device: number; readonly interface: string }
  /** Stopped by a firewall: by an explicit deny rule, or by the default deny (rule undefined). */
  | { readonly kind: 'denied'; readonly device: number; readonly rule: DecidingRule | undefined }
  /** A router or firewall with static routes has no route for the destination. */
  | { readonly kind: 'no-route'; readonly device: number }
  /** Arrived at a sanitizer or proxy that is not its destination: gateways never forward. */
  | { readonly kind: 'not-forwarded'; readonly device: number }
  /** No path from the source reaches the destination. */
  | { readonly kind: 'no-path' };

export interface DecidingRule {
  readonly id: string;
  readonly position: number;
  readonly action: 'permit' | 'deny';
  readonly loc: Loc;
}

/** One step of a path: a zone segment, or a device entered and left by interfaces. */
export type Hop =
  | { readonly kind: 'zone'; readonly zone: number }
  | {
      readonly kind: 'device';
      readonly device: number;
      readonly in: string;
      /** Interface it left by; undefined when the path ended at this device. */
      readonly out: string | undefined;
      /** The firewall rule that permitted the packet, for firewall hops it passed. */
      readonly rule: DecidingRule | undefined;
    };

export interface Outcome {
  readonly headers: HeaderSet;
  readonly hops: readonly Hop[];
  readonly disposition: Disposition;
}

/** Elements taken out of service for a what-if analysis. */
export interface Failures {
  readonly devices: ReadonlySet<number>;
  /** Link ids and attachment ids ("device:interface"). */
  readonly edges: ReadonlySet<string>;
}

export const NO_FAILURES: Failures = { devices: new Set(), edges: new Set() };

export interface ReachabilityEngine {
  readonly name: string;
  /**
   * Every outcome of the packets in `headers` that leave zone `sourceZone` (their source
   * addresses are cut to the zone's own): delivered, terminated, denied, ...
   * Headers reaching no end at all are not listed; `noPath` computes them.
   */
  explore(sourceZone: number, headers: HeaderSet): readonly Outcome[];
}
