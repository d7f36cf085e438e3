// Array helpers of the replay's interval maps.

/**
 * Replaces `count` items of `target` from `at` with the items of `source` from `from` on, in
 * place: what `target.splice(at, count, ...source.slice(from))` does, without the spread call
 * and the copy (TurboFan compiles a spread call into a large graph, and these run per update).
 */
export function replaceRange(target: number[], at: number, count: number, source: readonly number[], from: number): void {
  const add = source.length - from;
  const grow = add - count;
  if (grow > 0) {
    // Pushed first (a write past the end would make the array holey), then shifted up.
    const n = target.length;
    for (let k = 0; k < grow; k++) target.push(0);
    for (let k = n - 1; k >= at + count; k--) target[k + grow] = target[k]!;
  } else if (grow < 0) {
    for (let k = at + count; k < target.length; k++) target[k + grow] = target[k]!;
    target.length += grow;
  }
  for (let k = 0; k < add; k++) target[at + k] = source[from + k]!;
}
