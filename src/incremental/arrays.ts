// Array helpers of the replay's interval maps.

/**
 * Replaces `count` items of `target` from `at` with the items of `source` from `from` on, in
 * place: what `target.splice(at, count, ...source.slice(from))` does, without the spread call
 * and the copy (TurboFan compiles a spread call into a large graph, and these run per update).
 * The shift is splice's (a memmove); a map changes by a few segments, so `grow` is small.
 */
export function replaceRange(target: number[], at: number, count: number, source: readonly number[], from: number): void {
  const add = source.length - from;
  const grow = add - count;
  for (let k = 0; k < grow; k++) target.splice(at + count, 0, 0);
  if (grow < 0) target.splice(at + add, -grow);
  for (let k = 0; k < add; k++) target[at + k] = source[from + k]!;
}
