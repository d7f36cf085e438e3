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
