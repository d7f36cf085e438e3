// Random damage to a parsed document, for the property tests that hold a quick validator
// (quick-schema.ts, quick-pack.ts) to zod: every place a value sits, and one way to spoil it.

/** A value's place: its container and its key there. */
export type Place = [Record<string | number, unknown>, string | number];

/** Every (container, key) of a document, in document order. */
export function placesOf(data: unknown): Place[] {
  const out: Place[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {
      v.forEach((x, i) => {
        out.push([v as unknown as Record<number, unknown>, i]);
        walk(x);
      });
    } else if (typeof v === 'object' && v !== null) {
      for (const [k, x] of Object.entries(v)) {
        out.push([v as Record<string, unknown>, k]);
        walk(x);
      }
    }
  };
  walk(data);
  return out;
}

/**
 * Spoils one place: `pick` below odd.length puts that odd value there, odd.length deletes it,
 * odd.length + 1 adds an unknown key beside it (objects only: parsed text gives arrays no keys).
 */
export function damage([container, key]: Place, pick: number, odd: readonly unknown[]): void {
  if (pick === odd.length) delete container[key];
  else if (pick === odd.length + 1) {
    if (!Array.isArray(container)) container[`${String(key)}x`] = container[key];
  } else container[key] = structuredClone(odd[pick]);
}

/** Every place of a document grouped by key name (indices as '#'), so rare fields are hit as often as common ones. */
export function placesByKey(data: unknown): Place[][] {
  const groups = new Map<string, Place[]>();
  for (const place of placesOf(data)) {
    const name = typeof place[1] === 'number' ? '#' : place[1];
    groups.set(name, [...(groups.get(name) ?? []), place]);
  }
  return [...groups.values()];
}

/**
 * A copy of `base` damaged `times` times (at places drawn by `at`, each by key name first, with
 * the odd value or deletion `pick` chooses): the fast-check draw the quick validators' property
 * tests share.
 */
export function damagedCopy(base: unknown, at: number, pick: number, times: number, odd: readonly unknown[]): unknown {
  const data = structuredClone(base);
  for (let t = 0; t < times; t++) {
    const all = placesByKey(data);
    if (all.length === 0) break;
    const group = all[(at * (t + 7)) % all.length]!;
    damage(group[(at >> 3) % group.length]!, pick, odd);
  }
  return data;
}
