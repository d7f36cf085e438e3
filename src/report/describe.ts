// Turns engine data (indices, numeric ranges) back into names people read: header classes,
// hops, dispositions. Shared by every renderer.

import type { Network } from '../model/network.ts';
import type { HeaderBox } from '../engine/headerset.ts';
import type { Disposition, Hop } from '../engine/types.ts';
import { formatIpv4, formatRange } from '../net/ipv4.ts';
import { formatServiceTerm, protocolName, PORT_PROTOCOLS } from '../net/services.ts';
import type { Loc } from '../errors.ts';
import type { Packet } from '../policy/types.ts';

export type Lang = 'ja' | 'en';

export interface ReadableClass {
  readonly src: string;
  readonly dst: string;
  readonly service: string;
}

export function describeBox(box: HeaderBox): ReadableClass {
  return {
    src: formatRange({ lo: box.srcLo, hi: box.srcHi }),
    dst: formatRange({ lo: box.dstLo, hi: box.dstHi }),
    service: formatServiceTerm({ protoLo: box.protoLo, protoHi: box.protoHi, portLo: box.portLo, portHi: box.portHi }),
  };
}

/** A class of boxes sharing source and service: destinations named by zone when whole. */
export function describeClass(network: Network, boxes: readonly HeaderBox[]): ReadableClass {
  const first = describeBox(boxes[0]!);
  if (boxes.length === 1) return first;
  const dst = boxes.map((b) => ({ lo: b.dstLo, hi: b.dstHi })).sort((a, b) => a.lo - b.lo);
  const zone = network.zones.find((z) => z.owned.length === dst.length && z.owned.every((r, i) => r.lo === dst[i]!.lo && r.hi === dst[i]!.hi));
  const shown = dst.slice(0, 4).map(formatRange).join(', ');
  return { ...first, dst: zone ? `zone ${zone.id}` : dst.length > 4 ? `${shown}, … (${dst.length} ranges)` : shown };
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
