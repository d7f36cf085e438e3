// The headers a change of rules and routes can affect, on the fast engine's BDDs: the network
// after the change is compiled by deriveCompiled into the base's manager, so the two networks'
// sets compare node by node. What a change review recomputes (FastEngine.derive) is this delta.

import type { Rule } from '../model/network.ts';
import { FALSE, type Node, TRUE } from './bdd.ts';
import type { CompiledNetwork } from './compile.ts';

/** Above this many port pairs, a changed rule's delta is its whole match (see changeDelta). */
const PAIR_LIMIT = 64;

/**
 * The headers whose fate the change of these devices' rules and routes can alter, between the
 * compiled network before (`old`) and after (`compiled`, derived from `old`).
 */
export function changeDelta(old: CompiledNetwork, compiled: CompiledNetwork, changed: ReadonlySet<number>): Node {
  const bdd = compiled.bdd;
  const before = old.network;
  const after = compiled.network;
  let delta: Node = FALSE;
  const xor = (a: Node, b: Node): Node => bdd.or(bdd.diff(a, b), bdd.diff(b, a));
  for (const d of changed) {
    const first = compiled.portStart[d]!;
    const last = compiled.portStart[d + 1]!;
    // Routes: every destination whose way out changed.
    const oldRoutes = old.routed[d];
    const newRoutes = compiled.routed[d];
    if (oldRoutes || newRoutes) {
      for (let q = first; q < last; q++) delta = bdd.or(delta, xor(oldRoutes?.[q - first] ?? TRUE, newRoutes?.[q - first] ?? TRUE));
      delta = bdd.or(delta, xor(old.unrouted[d]!, compiled.unrouted[d]!));
      delta = bdd.or(delta, xor(old.delivered[d]!, compiled.delivered[d]!));
      delta = bdd.or(delta, xor(old.discarded[d]!, compiled.discarded[d]!));
    }
    // Rules: the port pairs where a rule that differs applies; there, what the pair permits.
    const device = after.devices[d]!;
    if (device.kind !== 'firewall') continue;
    const changedRules = ruleDifference(before.devices[d]!.rules, device.rules, old.ruleMatches[d]!, compiled.ruleMatches[d]!);
    if (changedRules === undefined) {
      for (let p = first; p < last; p++)
        for (let q = first; q < last; q++) if (p !== q) delta = bdd.or(delta, xor(old.permit(d, p, q), compiled.permit(d, p, q)));
      continue;
    }
    const names = device.interfaces.map((f) => f.name);
    for (const { rule, match } of changedRules) {
      const ins = rule.inInterfaces ? names.flatMap((n, i) => (rule.inInterfaces!.has(n) ? [i] : [])) : names.map((_, i) => i);
      const outs = rule.outInterfaces ? names.flatMap((n, i) => (rule.outInterfaces!.has(n) ? [i] : [])) : names.map((_, i) => i);
      if (ins.length * outs.length > PAIR_LIMIT) {
        // A rule change decides nothing outside the rule's own match: that bounds the delta
        // without comparing every pair of ports of a large firewall.
        delta = bdd.or(delta, match);
        continue;
      }
      for (const p of ins)
        for (const q of outs) if (p !== q) delta = bdd.or(delta, xor(old.permit(d, first + p, first + q), compiled.permit(d, first + p, first + q)));
    }
  }
  return delta;
}

/**
 * Rules in one list and not the other (old and new versions), with their matches (from the
 * compiled networks before and after); undefined when rules were reordered.
 */
function ruleDifference(
  before: readonly Rule[],
  after: readonly Rule[],
  matchesBefore: readonly Node[],
  matchesAfter: readonly Node[],
): Array<{ rule: Rule; match: Node }> | undefined {
  // The rules before the change (the same objects) and after it (copies at shifted positions
  // sharing their lists) have equal keys: only the rules between are compared by key. A list's
  // rule ids are unique (the loader and applyInMemory refuse duplicates), so none of those has
  // the key of a rule outside them, and the result is what comparing the whole lists gives.
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let end = 0;
  while (end < before.length - start && end < after.length - start && sameRule(before[before.length - 1 - end]!, after[after.length - 1 - end]!)) end++;
  const was = before.slice(start, before.length - end);
  const is = after.slice(start, after.length - end);
  const a = was.map(key);
  const b = is.map(key);
  const inA = new Set(a);
  const inB = new Set(b);
  const common = (xs: string[], other: Set<string>): string[] => xs.filter((x) => other.has(x));
  if (JSON.stringify(common(a, inB)) !== JSON.stringify(common(b, inA))) return undefined;
  const out: Array<{ rule: Rule; match: Node }> = [];
  was.forEach((rule, i) => {
    if (!inB.has(a[i]!)) out.push({ rule, match: matchesBefore[start + i]! });
  });
  is.forEach((rule, i) => {
    if (!inA.has(b[i]!)) out.push({ rule, match: matchesAfter[start + i]! });
  });
  return out;
}

/** The same rule, or a copy of it at another position: every field but the position is the same object. */
function sameRule(x: Rule, y: Rule): boolean {
  return (
    x === y ||
    (x.id === y.id &&
      x.action === y.action &&
      x.src === y.src &&
      x.dst === y.dst &&
      x.services === y.services &&
      x.inInterfaces === y.inInterfaces &&
      x.outInterfaces === y.outInterfaces)
  );
}

/** Keys by rule object: a base's rules are compared again in every review of it, and most rules after a change are the same objects. */
const RULE_KEYS = new WeakMap<Rule, string>();
function key(r: Rule): string {
  let k = RULE_KEYS.get(r);
  if (k === undefined) {
    k = JSON.stringify([r.id, r.action, r.src, r.dst, r.services, r.inInterfaces && [...r.inInterfaces], r.outInterfaces && [...r.outInterfaces]]);
    RULE_KEYS.set(r, k);
  }
  return k;
}
