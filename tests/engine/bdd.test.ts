// The BDD header sets checked against the box algebra (itself checked by brute force):
// random boxes over the full field widths, with edge values made likely.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Bdd, DST, FALSE, PORT, SRC, TRUE } from '../../src/engine/bdd.ts';
import { ALL_HEADERS, containsPacket, equalSets, type HeaderBox, intersect, intersectBox, normalize, subtract } from '../../src/engine/headerset.ts';

const value = (max: number): fc.Arbitrary<number> =>
  fc.oneof(fc.constantFrom(0, 1, max - 1, max, Math.floor(max / 2), Math.floor(max / 2) + 1), fc.integer({ min: 0, max }));
const span = (max: number): fc.Arbitrary<readonly [number, number]> =>
  fc.tuple(value(max), value(max)).map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const);
const box: fc.Arbitrary<HeaderBox> = fc.tuple(span(0xffffffff), span(0xffffffff), span(255), span(65535)).map(([s, d, p, q]) => ({
  srcLo: s[0],
  srcHi: s[1],
  dstLo: d[0],
  dstHi: d[1],
  protoLo: p[0],
  protoHi: p[1],
  portLo: q[0],
  portHi: q[1],
}));
const boxes = fc.array(box, { maxLength: 4 });
const RUNS = { numRuns: 200 };
/** A small table and cache: a fresh manager per run stays cheap. */
const small = (): Bdd => new Bdd(1 << 10, 12);

const union = (a: readonly HeaderBox[], b: readonly HeaderBox[]): HeaderBox[] => normalize([...a, ...b]);

describe('BDD header sets', () => {
  it('toBoxes gives back the set it was built from, as disjoint boxes', () => {
    fc.assert(
      fc.property(boxes, (set) => {
        const bdd = small();
        const out = bdd.toBoxes(bdd.boxes(set));
        return equalSets(out, normalize(set)) && out.every((x, i) => out.every((y, j) => i === j || intersectBox(x, y) === undefined));
      }),
      RUNS,
    );
  });

  it('and, or, diff agree with the box algebra', () => {
    fc.assert(
      fc.property(boxes, boxes, (a, b) => {
        const bdd = small();
        const x = bdd.boxes(a),
          y = bdd.boxes(b);
        return (
          equalSets(bdd.toBoxes(bdd.and(x, y)), intersect(normalize(a), normalize(b))) &&
          equalSets(bdd.toBoxes(bdd.or(x, y)), union(a, b)) &&
          equalSets(bdd.toBoxes(bdd.diff(x, y)), subtract(normalize(a), normalize(b)))
        );
      }),
      RUNS,
    );
  });

  it('intervals asked again in one long-lived manager (its interval cache, table growth) stay right', () => {
    const bdd = small();
    const seen: Array<{ set: readonly HeaderBox[]; node: number }> = [];
    fc.assert(
      fc.property(boxes, fc.nat(), (set, pick) => {
        // The same spans on other fields and over other remainders, then an earlier set again.
        const swapped = set.map((b) => ({ ...b, srcLo: b.dstLo, srcHi: b.dstHi, dstLo: b.srcLo, dstHi: b.srcHi }));
        const x = bdd.boxes(set);
        const y = bdd.boxes(swapped);
        seen.push({ set, node: x });
        const earlier = seen[pick % seen.length]!;
        return (
          equalSets(bdd.toBoxes(x), normalize(set)) &&
          equalSets(bdd.toBoxes(y), normalize(swapped)) &&
          bdd.boxes(set) === x &&
          bdd.boxes(earlier.set) === earlier.node &&
          equalSets(bdd.toBoxes(earlier.node), normalize(earlier.set))
        );
      }),
      { numRuns: 500 },
    );
    expect(bdd.stats.nodes).toBeGreaterThan(1 << 10);
  });

  it('hash-consing: equal sets built differently are the same node', () => {
    fc.assert(
      fc.property(boxes, boxes, (a, b) => {
        const bdd = small();
        const x = bdd.boxes(a),
          y = bdd.boxes(b);
        return bdd.or(x, y) === bdd.or(y, x) && bdd.boxes(normalize([...a, ...b])) === bdd.or(x, y) && bdd.diff(x, x) === FALSE;
      }),
      RUNS,
    );
  });

  it('a result equal to an operand is that operand, and no node is made for it', () => {
    // x ∩ (x ∪ y) = x and (x − y) − (y − x) = x − y: the results have an operand's branches
    // at every level, so and/diff hand the operand back instead of looking it up.
    fc.assert(
      fc.property(boxes, boxes, (a, b) => {
        const bdd = small();
        const x = bdd.boxes(a),
          y = bdd.boxes(b);
        const both = bdd.or(x, y);
        const onlyX = bdd.diff(x, y);
        const onlyY = bdd.diff(y, x);
        const nodes = bdd.stats.nodes;
        return bdd.and(x, both) === x && bdd.and(both, y) === y && bdd.diff(onlyX, onlyY) === onlyX && bdd.stats.nodes === nodes;
      }),
      RUNS,
    );
  });
  it('contains and pick agree with the boxes', () => {
    fc.assert(
      fc.property(boxes, box, (set, probe) => {
        const bdd = small();
        const x = bdd.boxes(set);
        const p = { src: probe.srcLo, dst: probe.dstHi, protocol: probe.protoLo, port: probe.portHi };
        const inBoxes = containsPacket(set, p);
        const picked = bdd.pick(x);
        return bdd.contains(x, p) === inBoxes && (set.length === 0 ? picked === undefined : picked !== undefined && bdd.contains(x, picked));
      }),
      RUNS,
    );
  });

  it('exists forgets one field', () => {
    fc.assert(
      fc.property(boxes, (set) => {
        const bdd = small();
        const projected = bdd.toBoxes(bdd.exists(bdd.boxes(set), DST));
        return equalSets(projected, normalize(set.map((b) => ({ ...b, dstLo: 0, dstHi: 0xffffffff }))));
      }),
      RUNS,
    );
  });

  it('ranges: full range is TRUE, empty is FALSE, a /24 has 24 levels', () => {
    const bdd = small();
    expect(bdd.range(SRC, 0, 0xffffffff)).toBe(TRUE);
    expect(bdd.range(PORT, 10, 9)).toBe(FALSE);
    expect(bdd.toBoxes(bdd.range(DST, 0x0a000000, 0x0a0000ff))).toEqual([{ ...ALL_HEADERS, dstLo: 0x0a000000, dstHi: 0x0a0000ff }]);
  });

  it('mk nodes read back their variable and branches and are found again across table growth', () => {
    // Chains down the variables, chain r from variable 87 - r to 0 (300 nodes in a table of
    // 16: it doubles five times). Chains start at different variables and each node's child
    // is the one made before it in its chain, so all 300 differ. Each must read back what it
    // was made with and be found again (the same id) by mk: no node is lost or duplicated
    // when the table is rebuilt.
    const bdd = new Bdd(16, 8);
    const made: Array<{ v: number; lo: number; hi: number; n: number }> = [];
    for (let r = 0; made.length < 300; r++) {
      let below = TRUE;
      for (let v = 87 - r; v >= 0 && made.length < 300; v--) {
        const [lo, hi] = (87 - r - v) % 2 === 0 ? [FALSE, below] : [below, TRUE];
        const n = bdd.mk(v, lo, hi);
        made.push({ v, lo, hi, n });
        below = n;
      }
    }
    expect(new Set(made.map((m) => m.n)).size).toBe(300);
    expect(bdd.stats.nodes).toBe(302);
    for (const m of made) {
      expect([bdd.varOf(m.n), bdd.lowOf(m.n), bdd.highOf(m.n)]).toEqual([m.v, m.lo, m.hi]);
      expect(bdd.mk(m.v, m.lo, m.hi)).toBe(m.n);
    }
    expect(bdd.stats.nodes).toBe(302);
    expect(bdd.mk(5, TRUE, TRUE)).toBe(TRUE);
  });

  it('grows its node table past the initial size', () => {
    const bdd = new Bdd(16, 8);
    let n = FALSE;
    for (let i = 0; i < 200; i++) n = bdd.or(n, bdd.range(DST, i * 7, i * 7 + 3));
    expect(bdd.stats.nodes).toBeGreaterThan(16);
    expect(bdd.toBoxes(n)).toHaveLength(200);
  });
});
