// Destination interval lists against plain sets of numbers on a small universe, and the CIDR
// rendering at the top of the address space.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { intersect, overlaps, size, subtract, toPrefixes, union } from '../../src/net/intervals.ts';

const list = fc.uniqueArray(fc.integer({ min: 0, max: 40 }), { maxLength: 12 }).map((xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const out: number[] = [];
  for (let i = 0; i + 1 < sorted.length; i += 2) out.push(sorted[i]!, sorted[i + 1]!);
  // Merge touching intervals so that the list is canonical.
  const merged: number[] = [];
  for (let i = 0; i < out.length; i += 2) {
    const n = merged.length;
    if (n > 0 && out[i]! <= merged[n - 1]! + 1) merged[n - 1] = Math.max(merged[n - 1]!, out[i + 1]!);
    else merged.push(out[i]!, out[i + 1]!);
  }
  return merged;
});
const members = (a: readonly number[]): Set<number> => {
  const s = new Set<number>();
  for (let i = 0; i < a.length; i += 2) for (let x = a[i]!; x <= a[i + 1]!; x++) s.add(x);
  return s;
};
const sorted = (s: Set<number>): number[] => [...s].sort((a, b) => a - b);

describe('interval lists', () => {
  it('intersect, union, subtract and overlaps agree with sets', () => {
    fc.assert(
      fc.property(list, list, (a, b) => {
        const A = members(a);
        const B = members(b);
        expect(sorted(members(intersect(a, b)))).toEqual(sorted(new Set([...A].filter((x) => B.has(x)))));
        expect(sorted(members(union(a, b)))).toEqual(sorted(new Set([...A, ...B])));
        expect(sorted(members(subtract(a, b)))).toEqual(sorted(new Set([...A].filter((x) => !B.has(x)))));
        expect(overlaps(a, b)).toBe([...A].some((x) => B.has(x)));
        expect(size(union(a, b))).toBe(new Set([...A, ...B]).size);
        // Results are canonical: sorted, disjoint, not touching.
        for (const r of [union(a, b), subtract(a, b)]) for (let i = 2; i < r.length; i += 2) expect(r[i]!).toBeGreaterThan(r[i - 1]! + 1);
      }),
      { numRuns: 300 },
    );
  });

  it('renders prefixes up to 255.255.255.255 without signed-shift traps', () => {
    expect(toPrefixes([0, 0xffffffff])).toEqual(['0.0.0.0/0']);
    expect(toPrefixes([0xe0000000, 0xffffffff])).toEqual(['224.0.0.0/3']);
    expect(toPrefixes([2887386264, 2887386264, 2887386266, 2887386271])).toEqual(['172.26.4.152', '172.26.4.154/31', '172.26.4.156/30']);
  });
});
