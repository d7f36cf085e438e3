// A first-match evaluator over an importer's rules, for tests that ask "does this packet pass?"
// of a vendor configuration without composing a topology: the rules in order, the first whose
// interfaces, addresses and services hold the packet decides, no match is denied (every importer
// writes the vendor's implicit permits, such as PAN-OS's intrazone default, as rules).

import type { ConfigDevice, ConfigRule } from '../../src/import/config.ts';
import { parseIpv4 } from '../../src/net/ipv4.ts';

export interface Packet {
  readonly src: string;
  readonly dst: string;
  /** IP protocol number: 6 tcp, 17 udp, 1 icmp, 89 ospf, ... */
  readonly proto: number;
  /** Destination port (tcp, udp, sctp). */
  readonly port?: number;
  /** Interfaces the packet enters and leaves by; undefined: matches any rule's. */
  readonly in?: string;
  readonly out?: string;
}

export const TCP = 6;
export const UDP = 17;
export const ICMP = 1;

const inIntervals = (set: readonly number[], x: number): boolean => {
  for (let i = 0; i < set.length; i += 2) if (set[i]! <= x && x <= set[i + 1]!) return true;
  return false;
};

/** Whether the rule holds the packet. */
export function matches(r: ConfigRule, p: Packet): boolean {
  if (p.in !== undefined && r.in !== undefined && !r.in.includes(p.in)) return false;
  if (p.out !== undefined && r.out !== undefined && !r.out.includes(p.out)) return false;
  if (!inIntervals(r.src, parseIpv4(p.src)!) || !inIntervals(r.dst, parseIpv4(p.dst)!)) return false;
  const port = p.port ?? 0;
  return r.services.some((t) => t.protoLo <= p.proto && p.proto <= t.protoHi && t.portLo <= port && port <= t.portHi);
}

/** The deciding rule's id and action, or the implicit deny. */
export function decide(d: ConfigDevice, p: Packet): { action: 'permit' | 'deny'; by: string } {
  const r = d.rules.find((x) => matches(x, p));
  return r ? { action: r.action, by: r.id } : { action: 'deny', by: '(no rule)' };
}
