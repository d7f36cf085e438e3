// The header-space algebra of an engine: every engine keeps header sets in its own form (the
// fast engine as BDD nodes of its manager, the reference engine as lists of disjoint boxes), and
// the questions asked across engines (review's deltas, hygiene's rule spaces) are written once
// against this interface. Sets of one engine's space are never mixed with another's.

import { type Bdd, DST, FALSE, type Field, type Node, PORT, PROTO, SRC, TRUE } from './bdd.ts';
import { ALL_HEADERS, equalSets, type HeaderBox, type HeaderMatch, boxesOfMatch, intersect, subtract, union } from './headerset.ts';

/** A header field, by name: what `project` keeps. */
export type HeaderField = 'src' | 'dst' | 'protocol' | 'port';

export interface HeaderSpace<S> {
  readonly empty: S;
  readonly all: S;
  and(a: S, b: S): S;
  or(a: S, b: S): S;
  /** a without b. */
  diff(a: S, b: S): S;
  isEmpty(a: S): boolean;
  equals(a: S, b: S): boolean;
  fromBoxes(boxes: readonly HeaderBox[]): S;
  /** Disjoint boxes of the set; with `limit`, at most that many (the rest is cut off). */
  toBoxes(a: S, limit?: number): HeaderBox[];
  /** Every header of a match (sources × destinations × services). */
  match(m: HeaderMatch): S;
  /** The set with every field but `keep` made whole (its projection on that field). */
  project(a: S, keep: HeaderField): S;
}

const FIELDS: Record<HeaderField, Field> = { src: SRC, dst: DST, protocol: PROTO, port: PORT };

const bddSpaces = new WeakMap<Bdd, HeaderSpace<Node>>();

/**
 * The fast engine's space: nodes of one BDD manager. One space object per manager, so that the
 * engines sharing a manager (a base and those derived from it) share their space, and caches of
 * sets can be keyed by it.
 */
export function bddSpace(bdd: Bdd): HeaderSpace<Node> {
  let space = bddSpaces.get(bdd);
  if (!space) {
    space = makeBddSpace(bdd);
    bddSpaces.set(bdd, space);
  }
  return space;
}

function makeBddSpace(bdd: Bdd): HeaderSpace<Node> {
  return {
    empty: FALSE,
    all: TRUE,
    and: (a, b) => bdd.and(a, b),
    or: (a, b) => bdd.or(a, b),
    diff: (a, b) => bdd.diff(a, b),
    isEmpty: (a) => a === FALSE,
    // Hash-consed: equal sets are the same node.
    equals: (a, b) => a === b,
    fromBoxes: (boxes) => bdd.boxes(boxes),
    toBoxes: (a, limit) => bdd.toBoxes(a, limit),
    match: (m) => bdd.product(m.src, m.dst, m.services),
    project: (a, keep) => {
      let out = a;
      for (const [name, field] of Object.entries(FIELDS)) if (name !== keep) out = bdd.exists(out, field);
      return out;
    },
  };
}

const WHOLE: Record<HeaderField, (b: HeaderBox) => HeaderBox> = {
  src: (b) => ({ ...ALL_HEADERS, srcLo: b.srcLo, srcHi: b.srcHi }),
  dst: (b) => ({ ...ALL_HEADERS, dstLo: b.dstLo, dstHi: b.dstHi }),
  protocol: (b) => ({ ...ALL_HEADERS, protoLo: b.protoLo, protoHi: b.protoHi }),
  port: (b) => ({ ...ALL_HEADERS, portLo: b.portLo, portHi: b.portHi }),
};

/** The reference engine's space: disjoint boxes, plain and exact. */
export const BOX_SPACE: HeaderSpace<readonly HeaderBox[]> = {
  empty: [],
  all: [ALL_HEADERS],
  and: (a, b) => intersect(a, b),
  or: (a, b) => (a.length === 0 ? b : b.length === 0 ? a : union(a, b)),
  diff: (a, b) => (a.length === 0 || b.length === 0 ? a : subtract(a, b)),
  isEmpty: (a) => a.length === 0,
  equals: (a, b) => equalSets(a, b),
  fromBoxes: (boxes) => union([], boxes),
  toBoxes: (a, limit = Number.POSITIVE_INFINITY) => (a.length > limit ? a.slice(0, limit) : [...a]),
  match: (m) => union([], boxesOfMatch(m)),
  project: (a, keep) =>
    union(
      [],
      a.map((b) => WHOLE[keep](b)),
    ),
};
