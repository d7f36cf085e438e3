// Destination sets as flat sorted lists of disjoint inclusive intervals [lo0, hi0, lo1, hi1, ...]
// over 0 .. 2^32-1. Forwarding depends on the destination only, so the replay's walks carry
// these instead of header-space BDDs: intersection is a two-pointer merge.

import { rangeToCidrs } from './ipv4.ts';

export type Intervals = number[];

export const ALL: readonly number[] = [0, 0xffffffff];

export function intersect(a: readonly number[], b: readonly number[]): Intervals {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = a[i]! > b[j]! ? a[i]! : b[j]!;
    const ahi = a[i + 1]!;
    const bhi = b[j + 1]!;
    const hi = ahi < bhi ? ahi : bhi;
    if (lo <= hi) out.push(lo, hi);
    if (ahi < bhi) i += 2;
    else j += 2;
  }
  return out;
}

export function union(a: readonly number[], b: readonly number[]): Intervals {
  if (a.length === 0) return b.slice();
  if (b.length === 0) return a.slice();
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let lo: number;
    let hi: number;
    if (j >= b.length || (i < a.length && a[i]! <= b[j]!)) {
      lo = a[i]!;
      hi = a[i + 1]!;
      i += 2;
    } else {
      lo = b[j]!;
      hi = b[j + 1]!;
      j += 2;
    }
    const n = out.length;
    if (n > 0 && lo <= out[n - 1]! + 1) {
      if (hi > out[n - 1]!) out[n - 1] = hi;
    } else out.push(lo, hi);
  }
  return out;
}

/** a minus b. */
export function subtract(a: readonly number[], b: readonly number[]): Intervals {
  const out: number[] = [];
  let j = 0;
  for (let i = 0; i < a.length; i += 2) {
    let lo = a[i]!;
    const hi = a[i + 1]!;
    while (j < b.length && b[j + 1]! < lo) j += 2;
    let k = j;
    while (k < b.length && b[k]! <= hi) {
      if (b[k]! > lo) out.push(lo, b[k]! - 1);
      lo = b[k + 1]! + 1;
      if (lo > hi) break;
      k += 2;
    }
    if (lo <= hi) out.push(lo, hi);
  }
  return out;
}

export function overlaps(a: readonly number[], b: readonly number[]): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i + 1]! < b[j]!) i += 2;
    else if (b[j + 1]! < a[i]!) j += 2;
    else return true;
  }
  return false;
}

/** Appends [lo, hi] to a list whose last interval ends before lo, merging when adjacent. */
export function append(list: number[], lo: number, hi: number): void {
  const n = list.length;
  if (n > 0 && list[n - 1]! + 1 === lo) list[n - 1] = hi;
  else list.push(lo, hi);
}

/** Number of addresses in the set. */
export function size(a: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i += 2) s += a[i + 1]! - a[i]! + 1;
  return s;
}

/** The set as the fewest CIDR prefixes, in address order. */
export function toPrefixes(a: readonly number[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < a.length; i += 2) out.push(...rangeToCidrs({ lo: a[i]!, hi: a[i + 1]! }));
  return out;
}

/** In a sorted list, the number of values ≤ x (binary search): the index after the last one. */
export function upperBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
