// IPv4 addresses, prefixes and ranges as plain numbers (0 .. 2^32-1), parsed strictly and
// formatted back for people. Everything here is pure and allocation-light.

/** An inclusive range of IPv4 addresses; `lo <= hi`, both unsigned 32-bit integers. */
export interface Ipv4Range {
  readonly lo: number;
  readonly hi: number;
}

export const IPV4_MAX = 0xffffffff;
export const IPV4_ALL: Ipv4Range = { lo: 0, hi: IPV4_MAX };

/**
 * Parses a dotted-quad address; returns undefined for anything else (no leading zeros): four
 * octets of 1-3 digits, 0-255. One pass over the characters, no split or regex (a topology's
 * loader parses every address of it).
 */
export function parseIpv4(text: string): number | undefined {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2e /* . */) {
      if (digits === 0 || ++dots > 3) return undefined;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
    } else if (c >= 0x30 && c <= 0x39) {
      if (digits === 1 && octet === 0) return undefined; // a leading zero
      if (++digits > 3) return undefined;
      octet = octet * 10 + (c - 0x30);
      if (octet > 255) return undefined;
    } else return undefined;
  }
  if (dots !== 3 || digits === 0) return undefined;
  return value * 256 + octet;
}

export function formatIpv4(value: number): string {
  return `${(value >>> 24) & 255}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

export interface Ipv4Prefix extends Ipv4Range {
  readonly length: number;
}

/** Size of a prefix of the given length, as a float (2^32 does not fit in 32 bits). */
function blockSize(length: number): number {
  return 2 ** (32 - length);
}

/**
 * Parses `a.b.c.d/len`. Host bits must be zero (a common typo that hides a wrong mask);
 * the error says which network was probably meant.
 */
export function parseCidr(text: string): Ipv4Prefix | { error: string } {
  const slash = text.indexOf('/');
  if (slash < 0) return { error: `"${text}" is not a CIDR prefix (expected a.b.c.d/len)` };
  const address = parseIpv4(text.slice(0, slash));
  const lengthText = text.slice(slash + 1);
  if (address === undefined) return { error: `"${text}" has an invalid IPv4 address` };
  if (!/^(0|[1-9][0-9]?)$/.test(lengthText) || Number(lengthText) > 32) {
    return { error: `"${text}" has an invalid prefix length (0 to 32)` };
  }
  const length = Number(lengthText);
  const size = blockSize(length);
  const lo = Math.floor(address / size) * size;
  if (lo !== address) {
    return { error: `"${text}" has host bits set; did you mean ${formatIpv4(lo)}/${length}?` };
  }
  return { lo, hi: lo + size - 1, length };
}

/**
 * Parses an address set written as a single address, a CIDR prefix or a range `a-b`.
 * Returns an error message for anything else.
 */
export function parseAddressSpec(text: string): Ipv4Range | { error: string } {
  const trimmed = text.trim();
  if (trimmed.includes('/')) return parseCidr(trimmed);
  const dash = trimmed.indexOf('-');
  if (dash >= 0) {
    const lo = parseIpv4(trimmed.slice(0, dash).trim());
    const hi = parseIpv4(trimmed.slice(dash + 1).trim());
    if (lo === undefined || hi === undefined) return { error: `"${text}" is not an address range a.b.c.d-e.f.g.h` };
    if (lo > hi) return { error: `"${text}" is a reversed range (start after end)` };
    return { lo, hi };
  }
  const single = parseIpv4(trimmed);
  if (single === undefined) return { error: `"${text}" is not an IPv4 address, prefix or range` };
  return { lo: single, hi: single };
}

/** Most ranges one wildcard literal may expand to. */
export const MAX_WILDCARD_RANGES = 65_536;

/**
 * Parses an address set: anything parseAddressSpec takes, or a Cisco address and wildcard
 * mask `a.b.c.d w.x.y.z` (a 1 bit in the mask is "don't care", bits need not be contiguous),
 * which becomes sorted disjoint ranges.
 */
export function parseAddressSet(text: string): Ipv4Range[] | { error: string } {
  const parts = text.trim().split(/\s+/);
  if (parts.length === 1) {
    const single = parseAddressSpec(text);
    return 'error' in single ? single : [single];
  }
  const address = parts.length === 2 ? parseIpv4(parts[0]!) : undefined;
  const wildcard = parts.length === 2 ? parseIpv4(parts[1]!) : undefined;
  if (address === undefined || wildcard === undefined) {
    return { error: `"${text}" is not an address with a wildcard mask, e.g. 128.12.0.1 0.0.255.0` };
  }
  // The trailing run of 1 bits makes each range; every other 1 bit doubles the count.
  let low = 0;
  while (low < 32 && Math.floor(wildcard / 2 ** low) % 2 === 1) low++;
  const spread: number[] = [];
  for (let bit = low; bit < 32; bit++) if (Math.floor(wildcard / 2 ** bit) % 2 === 1) spread.push(2 ** bit);
  if (2 ** spread.length > MAX_WILDCARD_RANGES) {
    return { error: `"${text}": the wildcard spreads over ${2 ** spread.length} separate ranges; at most ${MAX_WILDCARD_RANGES} are supported` };
  }
  const base = (address & ~wildcard) >>> 0;
  const size = 2 ** low;
  const out: Ipv4Range[] = [];
  for (let k = 0; k < 2 ** spread.length; k++) {
    let lo = base;
    for (let i = 0; i < spread.length; i++) if ((k >>> i) & 1) lo += spread[i]!;
    out.push({ lo, hi: lo + size - 1 });
  }
  return out.sort((a, b) => a.lo - b.lo);
}

/** True when the text looks like an address literal rather than an object id. */
export function looksLikeAddress(text: string): boolean {
  return /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+($|\/|\s*-|\s+[0-9])/.test(text.trim());
}

/** Splits a range into the fewest CIDR prefixes that cover it exactly. */
export function rangeToCidrs(range: Ipv4Range): string[] {
  const out: string[] = [];
  let lo = range.lo;
  while (lo <= range.hi) {
    let length = 32;
    // Grow the block while it stays aligned at `lo` and inside the range.
    while (length > 0) {
      const size = blockSize(length - 1);
      if (lo % size !== 0 || lo + size - 1 > range.hi) break;
      length -= 1;
    }
    out.push(length === 32 ? formatIpv4(lo) : `${formatIpv4(lo)}/${length}`);
    lo += blockSize(length);
  }
  return out;
}

/** Human form of a range: a single address, one prefix, or `a-b` when that is shorter. */
export function formatRange(range: Ipv4Range): string {
  if (range.lo === 0 && range.hi === IPV4_MAX) return 'any';
  const cidrs = rangeToCidrs(range);
  if (cidrs.length <= 2) return cidrs.join(', ');
  return `${formatIpv4(range.lo)}-${formatIpv4(range.hi)}`;
}

export function rangeSize(range: Ipv4Range): number {
  return range.hi - range.lo + 1;
}

export function rangesOverlap(a: Ipv4Range, b: Ipv4Range): boolean {
  return a.lo <= b.hi && b.lo <= a.hi;
}

export function rangeContains(outer: Ipv4Range, inner: Ipv4Range): boolean {
  return outer.lo <= inner.lo && inner.hi <= outer.hi;
}

/** Index of the first of `sorted` (ascending, disjoint) that ends at or after `x`: a binary search. */
export function firstEndingFrom(sorted: readonly { readonly hi: number }[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]!.hi < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Whether any of `ranges` overlaps any of `sorted` (ranges in ascending order, disjoint): a binary search per range. */
export function meetsSorted(sorted: readonly Ipv4Range[], ranges: readonly Ipv4Range[]): boolean {
  for (const r of ranges) {
    // The first of `sorted` that ends at or after r.lo overlaps r when it starts by r.hi.
    const i = firstEndingFrom(sorted, r.lo);
    if (i < sorted.length && sorted[i]!.lo <= r.hi) return true;
  }
  return false;
}

/** Whether [lo, hi] lies inside one of `sorted` (ascending, disjoint and not adjacent: merged by mergeRanges). */
export function insideSorted(sorted: readonly Ipv4Range[], lo: number, hi: number): boolean {
  const i = firstEndingFrom(sorted, lo);
  return i < sorted.length && sorted[i]!.lo <= lo && hi <= sorted[i]!.hi;
}

/** The ranges as sorted disjoint ranges, overlapping or adjacent ones joined. */
export function mergeRanges(ranges: readonly Ipv4Range[]): Ipv4Range[] {
  const out: Ipv4Range[] = [];
  for (const r of [...ranges].sort((a, b) => a.lo - b.lo)) {
    const last = out[out.length - 1];
    if (last && r.lo <= last.hi + 1) out[out.length - 1] = { lo: last.lo, hi: Math.max(last.hi, r.hi) };
    else out.push(r);
  }
  return out;
}
