// Property: the destinations of a header set read off its BDD by DestinationProjector (no BDD
// built) equal its projection by BDD operations (`exists` over source, protocol and port, then
// the destination intervals), on random unions and differences of ACL-like rules whose address
// wildcards need not be contiguous (the Stanford ACLs have masks like 0.0.255.0).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Bdd, DST, FALSE, type Field, type Node, PORT, PROTO, SRC, TRUE } from '../../src/engine/bdd.ts';
import { DestinationProjector } from '../../src/incremental/destinations.ts';
import { append } from '../../src/net/intervals.ts';

function byExists(bdd: Bdd, p: Node): number[] {
  const d = bdd.exists(bdd.exists(bdd.exists(p, PORT), PROTO), SRC);
  if (d === TRUE) return [0, 0xffffffff];
  const out: number[] = [];
  for (const iv of bdd.intervals(d, DST)) append(out, iv.lo, iv.hi);
  return out;
}

/** Headers whose field matches `address` on the bits the wildcard leaves fixed (as replay.ts builds them). */
function wildcard(bdd: Bdd, field: Field, address: number, mask: number, next: Node): Node {
  let node = next;
  for (let i = 31; i >= 0; i--) {
    const shift = 31 - i;
    if ((mask >>> shift) & 1) continue;
    node = (address >>> shift) & 1 ? bdd.mk(field.offset + i, FALSE, node) : bdd.mk(field.offset + i, node, FALSE);
  }
  return node;
}

// Masks from a few shapes: prefix-like, free octets, up to 6 scattered free bits, everything
// free. (A free bit above a fixed one doubles the destination intervals: kept to a few hundred.)
const mask = fc.oneof(
  fc.integer({ min: 0, max: 32 }).map((n) => (n === 32 ? 0xffffffff : (2 ** n - 1) >>> 0)),
  fc.constantFrom(0x0000ff00, 0x00ff0000, 0xff0000ff, 0x000000fe, 0x0f0f0000),
  fc.array(fc.integer({ min: 0, max: 31 }), { maxLength: 6 }).map((bits) => bits.reduce((m, b) => (m | (1 << b)) >>> 0, 0)),
);
const rule = fc.record({
  src: fc.integer({ min: 0, max: 0xffffffff }),
  srcMask: mask,
  dst: fc.integer({ min: 0, max: 0xffffffff }),
  dstMask: mask,
  protoLo: fc.integer({ min: 0, max: 255 }),
  protoSpan: fc.integer({ min: 0, max: 255 }),
  portLo: fc.integer({ min: 0, max: 65535 }),
  portSpan: fc.integer({ min: 0, max: 65535 }),
  op: fc.constantFrom('or', 'or', 'diff', 'and'),
});

describe('DestinationProjector', () => {
  it('equals the projection by exists on random rule sets', () => {
    fc.assert(
      fc.property(fc.array(rule, { minLength: 1, maxLength: 8 }), (rules) => {
        const bdd = new Bdd(1 << 10, 10);
        const projector = new DestinationProjector(bdd);
        let p: Node = FALSE;
        for (const r of rules) {
          const port = bdd.interval(PORT, r.portLo, Math.min(65535, r.portLo + r.portSpan), TRUE);
          const proto = bdd.interval(PROTO, r.protoLo, Math.min(255, r.protoLo + r.protoSpan), port);
          const m = wildcard(bdd, SRC, r.src, r.srcMask, wildcard(bdd, DST, r.dst, r.dstMask, proto));
          p = r.op === 'or' ? bdd.or(p, m) : r.op === 'diff' ? bdd.diff(p, m) : bdd.and(p, bdd.or(m, wildcard(bdd, DST, r.dst, r.dstMask, TRUE)));
          // Every intermediate set, through the same projector (its memo shared across sets).
          expect(projector.of(p)).toEqual(byExists(bdd, p));
        }
      }),
      { numRuns: 300, seed: 20261203 },
    );
  });

  it('gives every destination for a set that leaves them free, and none for the empty set', () => {
    const bdd = new Bdd(1 << 10, 10);
    const projector = new DestinationProjector(bdd);
    expect(projector.of(FALSE)).toEqual([]);
    expect(projector.of(TRUE)).toEqual([0, 0xffffffff]);
    // Source 10.0.0.0/8, any destination, TCP only: every destination.
    const tcp = bdd.interval(PROTO, 6, 6, TRUE);
    expect(projector.of(bdd.interval(SRC, 0x0a000000, 0x0affffff, tcp))).toEqual([0, 0xffffffff]);
    // Destination x.x.x.1 with the middle octets free (mask 0.255.255.0) under 128.0.0.0/8:
    // 65,536 single addresses, 128.0.0.1, 128.0.1.1, ...
    const d = projector.of(wildcard(bdd, DST, 0x80000001, 0x00ffff00, tcp));
    expect(d.length).toBe(2 * 65536);
    expect(d.slice(0, 4)).toEqual([0x80000001, 0x80000001, 0x80000101, 0x80000101]);
  });
});
