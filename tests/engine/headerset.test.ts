// Header-set algebra checked against brute force: tiny boxes (coordinates 0..7) enumerated point by point.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ALL_HEADERS,
  boxesOfMatch,
  compareBoxes,
  containsPacket,
  equalSets,
  type HeaderBox,
  type HeaderSet,
  intersect,
  intersectBox,
  isEmpty,
  lowestIn,
  normalize,
  representative,
  restrictDst,
  restrictSrc,
  serviceSet,
  size,
  subtract,
  typicalPacket,
  subtractBox,
  union,
} from '../../src/engine/headerset.ts';
import { formatIpv4, parseIpv4 } from '../../src/net/ipv4.ts';
import { PORT_MAX, PROTO_MAX } from '../../src/net/services.ts';

const SIDE = 8;
const key = (s: number, d: number, p: number, q: number): number => ((s * SIDE + d) * SIDE + p) * SIDE + q;

/** Every concrete point of a set, with multiplicity lost (a Set). */
function points(set: HeaderSet): Set<number> {
  const out = new Set<number>();
  for (const b of set) {
    for (let s = b.srcLo; s <= b.srcHi; s++)
      for (let d = b.dstLo; d <= b.dstHi; d++) {
        for (let p = b.protoLo; p <= b.protoHi; p++) for (let q = b.portLo; q <= b.portHi; q++) out.add(key(s, d, p, q));
      }
  }
  return out;
}

/** Boxes are pairwise disjoint exactly when their volumes add up to the number of points. */
function disjoint(set: HeaderSet): boolean {
  return size(set) === points(set).size;
}

const same = (a: Set<number>, b: Set<number>): boolean => a.size === b.size && [...a].every((x) => b.has(x));
const inter = (a: Set<number>, b: Set<number>): Set<number> => new Set([...a].filter((x) => b.has(x)));
const minus = (a: Set<number>, b: Set<number>): Set<number> => new Set([...a].filter((x) => !b.has(x)));
const plus = (a: Set<number>, b: Set<number>): Set<number> => new Set([...a, ...b]);

const span = fc.tuple(fc.integer({ min: 0, max: SIDE - 1 }), fc.integer({ min: 0, max: SIDE - 1 })).map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const);
const box: fc.Arbitrary<HeaderBox> = fc.tuple(span, span, span, span).map(([s, d, p, q]) => ({
  srcLo: s[0],
  srcHi: s[1],
  dstLo: d[0],
  dstHi: d[1],
  protoLo: p[0],
  protoHi: p[1],
  portLo: q[0],
  portHi: q[1],
}));
/** Any list of boxes (may overlap): what callers hand to normalize. */
const rawSet = fc.array(box, { maxLength: 5 });
/** A proper header set: disjoint boxes. */
const headerSet = rawSet.map((boxes) => normalize(boxes));

const RUNS = { numRuns: 300 };

describe('box operations (brute force)', () => {
  it('intersectBox is the point intersection', () => {
    fc.assert(
      fc.property(box, box, (a, b) => {
        const c = intersectBox(a, b);
        return same(points(c ? [c] : []), inter(points([a]), points([b])));
      }),
      RUNS,
    );
  });

  it('subtractBox is the point difference, in at most 8 disjoint boxes inside a', () => {
    fc.assert(
      fc.property(box, box, (a, b) => {
        const pieces = subtractBox(a, b);
        return (
          pieces.length <= 8 &&
          disjoint(pieces) &&
          pieces.every((p) => p.srcLo <= p.srcHi && p.dstLo <= p.dstHi && p.protoLo <= p.protoHi && p.portLo <= p.portHi) &&
          same(points(pieces), minus(points([a]), points([b])))
        );
      }),
      RUNS,
    );
  });
});

describe('set operations (brute force)', () => {
  it('intersect matches point intersection and stays disjoint on disjoint inputs', () => {
    fc.assert(
      fc.property(headerSet, headerSet, (a, b) => {
        const c = intersect(a, b);
        return same(points(c), inter(points(a), points(b))) && disjoint(c);
      }),
      RUNS,
    );
  });

  it('subtract matches point difference and stays disjoint on disjoint inputs', () => {
    fc.assert(
      fc.property(headerSet, headerSet, (a, b) => {
        const c = subtract(a, b);
        return same(points(c), minus(points(a), points(b))) && disjoint(c);
      }),
      RUNS,
    );
  });

  it('subtract is correct even when the subtrahend overlaps itself', () => {
    fc.assert(
      fc.property(headerSet, rawSet, (a, b) => same(points(subtract(a, b)), minus(points(a), points(b)))),
      RUNS,
    );
  });

  it('union matches point union and is disjoint, even from overlapping inputs', () => {
    fc.assert(
      fc.property(rawSet, rawSet, (a, b) => {
        const c = union(a, b);
        return same(points(c), plus(points(a), points(b))) && disjoint(c) && size(c) === points(c).size;
      }),
      RUNS,
    );
  });

  it('normalize keeps the points, makes boxes disjoint and sorts them', () => {
    fc.assert(
      fc.property(rawSet, (raw) => {
        const n = normalize(raw);
        const sorted = n.every((b, i) => i === 0 || compareBoxes(n[i - 1]!, b) < 0);
        return same(points(n), points(raw)) && disjoint(n) && sorted && size(n) === points(raw).size;
      }),
      RUNS,
    );
  });

  it('normalize merges what it can: never more boxes than it was given, and a re-run changes nothing', () => {
    fc.assert(
      fc.property(rawSet, (raw) => {
        const once = normalize(raw);
        const twice = normalize(once);
        return same(points(twice), points(once)) && twice.length <= once.length;
      }),
      RUNS,
    );
    // Neighbours along each dimension merge into one box.
    const base = { srcLo: 0, srcHi: 3, dstLo: 0, dstHi: 3, protoLo: 0, protoHi: 3, portLo: 0, portHi: 3 };
    expect(normalize([base, { ...base, srcLo: 4, srcHi: 7 }])).toEqual([{ ...base, srcHi: 7 }]);
    expect(normalize([base, { ...base, dstLo: 4, dstHi: 7 }])).toEqual([{ ...base, dstHi: 7 }]);
    expect(normalize([base, { ...base, protoLo: 4, protoHi: 7 }])).toEqual([{ ...base, protoHi: 7 }]);
    expect(normalize([{ ...base, portLo: 4, portHi: 7 }, base])).toEqual([{ ...base, portHi: 7 }]);
    expect(normalize([base, base])).toEqual([base]);
  });

  it('normalize gives exactly the boxes, in the order, of the plain algorithm (rescan every pair after each merge)', () => {
    // The plain algorithm, as normalize was first written: the test's oracle for its faster scan.
    const touch = (a: HeaderBox, b: HeaderBox, lo: keyof HeaderBox, hi: keyof HeaderBox): boolean => a[hi] + 1 === b[lo] || b[hi] + 1 === a[lo];
    const dims = [
      ['srcLo', 'srcHi'],
      ['dstLo', 'dstHi'],
      ['protoLo', 'protoHi'],
      ['portLo', 'portHi'],
    ] as const;
    const merge = (a: HeaderBox, b: HeaderBox): HeaderBox | undefined => {
      for (const [lo, hi] of dims) {
        const others = dims.filter(([l]) => l !== lo);
        if (others.every(([l, h]) => a[l] === b[l] && a[h] === b[h]) && touch(a, b, lo, hi)) {
          return { ...a, [lo]: Math.min(a[lo], b[lo]), [hi]: Math.max(a[hi], b[hi]) };
        }
      }
      return undefined;
    };
    const plain = (boxes: readonly HeaderBox[]): HeaderBox[] => {
      const out: HeaderBox[] = [];
      for (const b of boxes) out.push(...subtract([b], out));
      for (let again = true; again; ) {
        again = false;
        outer: for (let i = 0; i < out.length; i++) {
          for (let j = i + 1; j < out.length; j++) {
            const m = merge(out[i]!, out[j]!);
            if (m) {
              out[i] = m;
              out.splice(j, 1);
              again = true;
              break outer;
            }
          }
        }
      }
      return out.sort(compareBoxes);
    };
    // Many small boxes on a small grid: long chains of merges.
    const small = fc.tuple(span, span, span, span).map(([s, d, p, q]) => ({
      srcLo: s[0] >> 1,
      srcHi: s[1] >> 1,
      dstLo: d[0] >> 1,
      dstHi: d[1] >> 1,
      protoLo: p[0] >> 2,
      protoHi: p[1] >> 2,
      portLo: q[0] >> 2,
      portHi: q[1] >> 2,
    }));
    fc.assert(
      fc.property(fc.array(fc.oneof(box, small), { maxLength: 40 }), (raw) => {
        expect(normalize(raw)).toEqual(plain(raw));
      }),
      RUNS,
    );
  });

  it('equalSets is point-set equality', () => {
    fc.assert(
      fc.property(rawSet, rawSet, (a, b) => equalSets(a, b) === same(points(a), points(b))),
      RUNS,
    );
    fc.assert(
      fc.property(rawSet, (a) => equalSets(a, normalize([...a].reverse()))),
      RUNS,
    );
  });

  it('isEmpty and size agree with the enumeration', () => {
    fc.assert(
      fc.property(headerSet, (a) => isEmpty(a) === (points(a).size === 0) && size(a) === points(a).size),
      RUNS,
    );
  });

  it('restrictSrc / restrictDst cut one dimension', () => {
    fc.assert(
      fc.property(headerSet, span, (a, [lo, hi]) => {
        const bySrc = points(restrictSrc(a, [{ lo, hi }]));
        const byDst = points(restrictDst(a, [{ lo, hi }]));
        const all = [...points(a)];
        const src = (k: number): number => Math.floor(k / SIDE ** 3);
        const dst = (k: number): number => Math.floor(k / SIDE ** 2) % SIDE;
        return same(bySrc, new Set(all.filter((k) => src(k) >= lo && src(k) <= hi))) && same(byDst, new Set(all.filter((k) => dst(k) >= lo && dst(k) <= hi)));
      }),
      RUNS,
    );
  });
});

describe('full-scale header sets', () => {
  const https = { protoLo: 6, protoHi: 6, portLo: 443, portHi: 443 };

  it('boxesOfMatch builds the product of source, destination and services', () => {
    const set = boxesOfMatch({
      src: [
        { lo: 10, hi: 19 },
        { lo: 20, hi: 29 },
      ],
      dst: [{ lo: 5, hi: 5 }],
      services: [https],
    });
    expect(set).toEqual([{ srcLo: 10, srcHi: 29, dstLo: 5, dstHi: 5, ...https }]);
    expect(size(set)).toBe(20);
    expect(boxesOfMatch({ src: [], dst: [{ lo: 5, hi: 5 }], services: [https] })).toEqual([]);
  });

  it('serviceSet covers every address for the given services', () => {
    const set = serviceSet([https, { protoLo: 6, protoHi: 6, portLo: 444, portHi: 500 }]);
    expect(set).toEqual([{ ...ALL_HEADERS, protoLo: 6, protoHi: 6, portLo: 443, portHi: 500 }]);
  });

  it('subtracting and adding back a box restores the whole space', () => {
    const hole: HeaderBox = { srcLo: 100, srcHi: 200, dstLo: 2 ** 31, dstHi: 2 ** 32 - 2, protoLo: 17, protoHi: 17, portLo: 53, portHi: 53 };
    const rest = subtract([ALL_HEADERS], [hole]);
    expect(rest.length).toBeLessThanOrEqual(8);
    expect(intersect(rest, [hole])).toEqual([]);
    expect(equalSets(union(rest, [hole]), [ALL_HEADERS])).toBe(true);
    expect(normalize([...rest, hole])).toEqual([ALL_HEADERS]);
    expect(ALL_HEADERS.protoHi).toBe(PROTO_MAX);
    expect(ALL_HEADERS.portHi).toBe(PORT_MAX);
  });

  it('representative is a point of its box', () => {
    const b: HeaderBox = { srcLo: 1, srcHi: 2, dstLo: 3, dstHi: 4, protoLo: 6, protoHi: 6, portLo: 80, portHi: 90 };
    expect(representative(b)).toEqual({ src: 1, dst: 3, protocol: 6, port: 80 });
  });

  describe('typicalPacket: a real packet of the box (a witness)', () => {
    const ip = (text: string): number => parseIpv4(text)!;
    const boxOf = (src: [string, string], dst: [string, string], proto: [number, number], port: [number, number]): HeaderBox => ({
      srcLo: ip(src[0]),
      srcHi: ip(src[1]),
      dstLo: ip(dst[0]),
      dstHi: ip(dst[1]),
      protoLo: proto[0],
      protoHi: proto[1],
      portLo: port[0],
      portHi: port[1],
    });
    const shown = (p: { src: number; dst: number; protocol: number; port: number }): string =>
      `${formatIpv4(p.src)} → ${formatIpv4(p.dst)} ${p.protocol}/${p.port}`;
    const zoneToZone = boxOf(['10.20.8.0', '10.20.8.255'], ['10.30.0.0', '10.30.0.255'], [0, PROTO_MAX], [0, PORT_MAX]);

    it('without hosts: the first usable address (not the network address), tcp, the lowest non-zero port', () => {
      // Before: 10.20.8.0 → 10.30.0.0 proto 0 port 0, no packet a network carries.
      expect(shown(typicalPacket(zoneToZone))).toBe('10.20.8.1 → 10.30.0.1 6/1');
    });

    it('a declared host inside the box is preferred, the lowest one; hosts outside are not used', () => {
      // As a flat sorted list of disjoint intervals: 10.20.8.21, 10.30.0.25, 10.30.0.80, 10.40.0.5.
      const hosts = [
        ip('10.20.8.21'),
        ip('10.20.8.21'),
        ip('10.30.0.25'),
        ip('10.30.0.25'),
        ip('10.30.0.80'),
        ip('10.30.0.80'),
        ip('10.40.0.5'),
        ip('10.40.0.5'),
      ];
      expect(shown(typicalPacket(zoneToZone, hosts))).toBe('10.20.8.21 → 10.30.0.25 6/1');
      // A host group that begins below the box: the box's first address in the group.
      const group = [ip('10.20.7.1'), ip('10.20.9.250')];
      // A declared group that covers the whole source range: its member 10.20.8.0 is taken as declared.
      expect(shown(typicalPacket(zoneToZone, group))).toBe('10.20.8.0 → 10.30.0.1 6/1');
    });

    it('udp when the box has no tcp; else its lowest protocol; ports only where the protocol has them', () => {
      expect(typicalPacket(boxOf(['10.0.0.1', '10.0.0.1'], ['10.0.0.2', '10.0.0.2'], [17, 17], [53, 53]))).toMatchObject({ protocol: 17, port: 53 });
      expect(typicalPacket(boxOf(['10.0.0.1', '10.0.0.1'], ['10.0.0.2', '10.0.0.2'], [7, 20], [0, PORT_MAX]))).toMatchObject({ protocol: 17, port: 1 });
      expect(typicalPacket(boxOf(['10.0.0.1', '10.0.0.1'], ['10.0.0.2', '10.0.0.2'], [1, 1], [0, PORT_MAX]))).toMatchObject({ protocol: 1, port: 0 });
      expect(typicalPacket(boxOf(['10.0.0.1', '10.0.0.1'], ['10.0.0.2', '10.0.0.2'], [6, 6], [443, 443]))).toMatchObject({ protocol: 6, port: 443 });
    });

    it('a /31 or a single address is taken as it is; a range off a boundary of four starts where it starts', () => {
      expect(shown(typicalPacket(boxOf(['10.0.0.0', '10.0.0.1'], ['10.0.0.12', '10.0.0.12'], [6, 6], [22, 22])))).toBe('10.0.0.0 → 10.0.0.12 6/22');
      expect(shown(typicalPacket(boxOf(['10.0.0.13', '10.0.0.255'], ['10.0.0.12', '10.0.0.14'], [6, 6], [22, 22])))).toBe('10.0.0.13 → 10.0.0.13 6/22');
    });

    it('lowestIn: the lowest address of a range in an interval list', () => {
      const list = [3, 5, 10, 12, 20, 20];
      expect([
        lowestIn(list, 0, 2),
        lowestIn(list, 0, 3),
        lowestIn(list, 4, 9),
        lowestIn(list, 6, 9),
        lowestIn(list, 6, 11),
        lowestIn(list, 13, 30),
        lowestIn(list, 21, 30),
      ]).toEqual([undefined, 3, 4, undefined, 10, 20, undefined]);
      expect(lowestIn([], 0, 100)).toBeUndefined();
    });

    it('is always a packet of its box', () => {
      // Tiny boxes (0..7 in each field), with a host at 3–5: tcp and udp are outside them.
      fc.assert(
        fc.property(box, (b) => {
          const p = typicalPacket(b, [3, 5]);
          expect(containsPacket([b], p)).toBe(true);
        }),
      );
      const wide = { ...ALL_HEADERS, protoLo: 6, protoHi: 17, portLo: 0, portHi: 7 };
      expect(containsPacket([wide], typicalPacket(wide))).toBe(true);
    });
  });
});
