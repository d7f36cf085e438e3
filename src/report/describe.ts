// Turns engine data (indices, numeric ranges) back into names people read: header classes,
// hops, dispositions. Shared by every renderer.

import type { Network } from '../model/network.ts';
import { type HeaderBox, normalize } from '../engine/headerset.ts';
import type { Disposition, Hop } from '../engine/types.ts';
import { formatIpv4, formatRange, type Ipv4Range } from '../net/ipv4.ts';
import { formatServiceTerm, protocolName, PORT_PROTOCOLS } from '../net/services.ts';
import type { Loc } from '../errors.ts';
import type { Packet } from '../policy/types.ts';

export type Lang = 'ja' | 'en';

export interface ReadableClass {
  readonly src: string;
  readonly dst: string;
  readonly service: string;
  /** Set when the class holds only some of the combinations of its sources, destinations and services. */
  readonly partial?: true;
}

export function describeBox(box: HeaderBox): ReadableClass {
  return {
    src: formatRange({ lo: box.srcLo, hi: box.srcHi }),
    dst: formatRange({ lo: box.dstLo, hi: box.dstHi }),
    service: formatServiceTerm({ protoLo: box.protoLo, protoHi: box.protoHi, portLo: box.portLo, portHi: box.portHi }),
  };
}

/** At most this many address ranges or services are named per field of a class. */
const NAMED = 4;

/**
 * A class (disjoint boxes of one path) as one line: its sources, destinations and services,
 * each the union of its boxes' (addresses named by zone when they are several ranges that make
 * up exactly one zone, e.g. the public Internet); `partial` when the class is not every
 * combination of them.
 */
export function describeClass(network: Network, boxes: readonly HeaderBox[]): ReadableClass {
  if (boxes.length === 1) return describeBox(boxes[0]!);
  const src = unionOf(boxes.map((b) => ({ lo: b.srcLo, hi: b.srcHi })));
  const dst = unionOf(boxes.map((b) => ({ lo: b.dstLo, hi: b.dstHi })));
  // Services as disjoint (protocol, port) rectangles: the boxes with both addresses fixed.
  const services = normalize(boxes.map((b) => ({ ...b, srcLo: 0, srcHi: 0, dstLo: 0, dstHi: 0 })));
  const count = (lo: number, hi: number): bigint => BigInt(hi - lo + 1);
  const addresses = (ranges: readonly Ipv4Range[]): bigint => ranges.reduce((n, r) => n + count(r.lo, r.hi), 0n);
  const volume = (list: readonly HeaderBox[]): bigint =>
    list.reduce((n, b) => n + count(b.srcLo, b.srcHi) * count(b.dstLo, b.dstHi) * count(b.protoLo, b.protoHi) * count(b.portLo, b.portHi), 0n);
  const every = addresses(src) * addresses(dst) * volume(services);
  const shown = services.slice(0, NAMED).map((b) => formatServiceTerm(b));
  return {
    src: addressText(network, src),
    dst: addressText(network, dst),
    service: services.length > NAMED ? `${shown.join(', ')}, … (${services.length} services)` : shown.join(', '),
    ...(volume(boxes) < every ? { partial: true as const } : {}),
  };
}

/** Ranges as sorted disjoint ranges, touching ones joined. */
function unionOf(ranges: readonly Ipv4Range[]): Ipv4Range[] {
  const out: Ipv4Range[] = [];
  for (const r of [...ranges].sort((a, b) => a.lo - b.lo)) {
    const last = out[out.length - 1];
    if (last && r.lo <= last.hi + 1) out[out.length - 1] = { lo: last.lo, hi: Math.max(last.hi, r.hi) };
    else out.push(r);
  }
  return out;
}

/** Addresses as `zone <id>` when they are several ranges making up one zone, else the first few ranges. */
function addressText(network: Network, ranges: readonly Ipv4Range[]): string {
  const zone =
    ranges.length > 1
      ? network.zones.find((z) => z.owned.length === ranges.length && z.owned.every((r, i) => r.lo === ranges[i]!.lo && r.hi === ranges[i]!.hi))
      : undefined;
  if (zone) return `zone ${zone.id}`;
  const shown = ranges.slice(0, NAMED).map(formatRange).join(', ');
  return ranges.length > NAMED ? `${shown}, … (${ranges.length} ranges)` : shown;
}

export function describePacket(p: Packet): string {
  const port = PORT_PROTOCOLS.has(p.protocol) ? `/${p.port}` : '';
  return `${formatIpv4(p.src)} → ${formatIpv4(p.dst)} ${protocolName(p.protocol)}${port}`;
}

/** file:line:column, and for an imported rule or route what stands there (`fw01.conf:412:5 policy 27 "lg-to-inet"`). */
export function formatLoc(loc: Loc): string {
  return `${loc.file}:${loc.line}:${loc.column}${loc.label ? ` ${loc.label}` : ''}`;
}

export interface ReadableHop {
  readonly kind: 'zone' | 'device';
  readonly id: string;
  readonly detail: string;
  readonly in?: string;
  readonly out?: string;
  readonly rule?: { readonly id: string; readonly action: string; readonly location: string };
}

export function describeHop(network: Network, hop: Hop, lang: Lang): ReadableHop {
  if (hop.kind === 'zone') {
    const z = network.zones[hop.zone]!;
    return { kind: 'zone', id: z.id, detail: `${lang === 'ja' ? 'ゾーン' : 'zone'} ${z.id} (${z.domain})` };
  }
  const d = network.devices[hop.device]!;
  const parts = [`${d.kind} ${d.id}`, `in ${hop.in}`];
  if (hop.out) parts.push(`out ${hop.out}`);
  let rule: ReadableHop['rule'];
  if (hop.rule) {
    rule = { id: hop.rule.id, action: hop.rule.action, location: formatLoc(hop.rule.loc) };
    parts.push(
      lang === 'ja'
        ? `ルール ${hop.rule.id} (${hop.rule.action}) ${formatLoc(hop.rule.loc)}`
        : `rule ${hop.rule.id} (${hop.rule.action}) at ${formatLoc(hop.rule.loc)}`,
    );
  }
  return { kind: 'device', id: d.id, detail: parts.join(', '), in: hop.in, ...(hop.out ? { out: hop.out } : {}), ...(rule ? { rule } : {}) };
}

export function describeDisposition(network: Network, d: Disposition, lang: Lang): string {
  const ja = lang === 'ja';
  switch (d.kind) {
    case 'delivered':
      return ja ? `到達: ゾーン ${network.zones[d.zone]!.id}` : `delivered to zone ${network.zones[d.zone]!.id}`;
    case 'terminated': {
      const g = network.devices[d.device]!;
      return ja
        ? `${g.id} (${g.kind}${g.method ? ` ${g.method}` : ''}) の ${d.interface} で終端`
        : `terminated at ${g.kind}${g.method ? ` (${g.method})` : ''} ${g.id}:${d.interface}`;
    }
    case 'refused':
      return ja
        ? `${network.devices[d.device]!.id}:${d.interface} はこのサービスを受け付けない`
        : `refused: ${network.devices[d.device]!.id}:${d.interface} accepts no such service`;
    case 'denied': {
      const fw = network.devices[d.device]!.id;
      if (!d.rule) return ja ? `${fw} の既定拒否 (default deny) で拒否` : `denied by ${fw} (default deny)`;
      const acl = d.rule.acl === undefined ? '' : ja ? ` ACL ${d.rule.acl} の` : ` ACL ${d.rule.acl}`;
      return ja ? `${fw}${acl} のルール ${d.rule.id} で拒否 (${formatLoc(d.rule.loc)})` : `denied by ${fw}${acl} rule ${d.rule.id} at ${formatLoc(d.rule.loc)}`;
    }
    case 'no-route':
      return ja ? `${network.devices[d.device]!.id} に経路なし` : `no route at ${network.devices[d.device]!.id}`;
    case 'local':
      return ja ? `${network.devices[d.device]!.id} 自身宛て (deliver 経路)` : `addressed to ${network.devices[d.device]!.id} itself (deliver route)`;
    case 'discarded':
      return ja ? `${network.devices[d.device]!.id} の drop 経路で破棄` : `discarded by a drop route at ${network.devices[d.device]!.id}`;
    case 'not-forwarded':
      return ja
        ? `${network.devices[d.device]!.id} はゲートウェイのため転送しない`
        : `${network.devices[d.device]!.id} is a gateway and does not forward packets`;
    case 'no-path':
      return ja ? '経路なし' : 'no path';
  }
}
