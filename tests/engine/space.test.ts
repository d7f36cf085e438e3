// The two header spaces agree: the same operations on the same random box sets give equal
// sets in the BDD space and the box space (compared as boxes), and projections keep one field.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Bdd } from '../../src/engine/bdd.ts';
import { ALL_HEADERS, equalSets, type HeaderBox } from '../../src/engine/headerset.ts';
import { BOX_SPACE, bddSpace, type HeaderField, type HeaderSpace } from '../../src/engine/space.ts';

const SIDE = 7;
const span = fc.tuple(fc.integer({ min: 0, max: SIDE }), fc.integer({ min: 0, max: SIDE })).map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const);
const box: fc.Arbitrary<HeaderBox> = fc
  .tuple(span, span, span, span)
  .map(([s, d, p, q]) => ({ srcLo: s[0], srcHi: s[1], dstLo: d[0], dstHi: d[1], protoLo: p[0], protoHi: p[1], portLo: q[0], portHi: q[1] }));
const boxes = fc.array(box, { maxLength: 4 });
const field = fc.constantFrom<HeaderField>('src', 'dst', 'protocol', 'port');

/** The same expression in one space: ((a ∧ b) ∨ (c ∖ a)), projected on a field. */
function expression<S>(space: HeaderSpace<S>, a: HeaderBox[], b: HeaderBox[], c: HeaderBox[], keep: HeaderField): { value: S; projected: S } {
  const [x, y, z] = [space.fromBoxes(a), space.fromBoxes(b), space.fromBoxes(c)];
  const value = space.or(space.and(x, y), space.diff(z, x));
  return { value, projected: space.project(value, keep) };
}

describe('header spaces', () => {
  it('the BDD space and the box space compute the same sets', () => {
    const bdd = new Bdd(1 << 14, 12);
    const fast = bddSpace(bdd);
    fc.assert(
      fc.property(boxes, boxes, boxes, field, (a, b, c, keep) => {
        const viaBdd = expression(fast, a, b, c, keep);
        const viaBoxes = expression(BOX_SPACE, a, b, c, keep);
        expect(equalSets(fast.toBoxes(viaBdd.value), viaBoxes.value)).toBe(true);
        expect(equalSets(fast.toBoxes(viaBdd.projected), viaBoxes.projected)).toBe(true);
        expect(fast.isEmpty(viaBdd.value)).toBe(BOX_SPACE.isEmpty(viaBoxes.value));
        expect(BOX_SPACE.equals(viaBoxes.value, BOX_SPACE.fromBoxes(fast.toBoxes(viaBdd.value)))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('a projection keeps only its field', () => {
    const set = BOX_SPACE.fromBoxes([{ ...ALL_HEADERS, srcLo: 1, srcHi: 2, dstLo: 5, dstHi: 5, protoLo: 6, protoHi: 6, portLo: 443, portHi: 443 }]);
    expect(BOX_SPACE.project(set, 'dst')).toEqual([{ ...ALL_HEADERS, dstLo: 5, dstHi: 5 }]);
    const fast = bddSpace(new Bdd(1 << 12, 10));
    expect(fast.toBoxes(fast.project(fast.fromBoxes(set), 'port'))).toEqual([{ ...ALL_HEADERS, portLo: 443, portHi: 443 }]);
  });
});
