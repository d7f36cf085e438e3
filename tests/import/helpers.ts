// Small builders the importer tests share: addresses, interval lists, service terms and
// locations written the way the tests state their expected values.

import type { Loc } from '../../src/errors.ts';
import { parseIpv4 } from '../../src/net/ipv4.ts';

export const ip = (text: string): number => parseIpv4(text)!;

/** An interval list from "a-b" / "a" strings. */
export const set = (...ranges: string[]): number[] =>
  ranges.flatMap((r) => {
    const [lo, hi = lo] = r.split('-');
    return [ip(lo!), ip(hi!)];
  });

/** A location as findings cite it: file:line:column and its label. */
export const at = (loc: Loc): string => `${loc.file}:${loc.line}:${loc.column}${loc.label ? ` ${loc.label}` : ''}`;

export const tcp = (lo: number, hi = lo) => ({ protoLo: 6, protoHi: 6, portLo: lo, portHi: hi });
export const udp = (lo: number, hi = lo) => ({ protoLo: 17, protoHi: 17, portLo: lo, portHi: hi });
