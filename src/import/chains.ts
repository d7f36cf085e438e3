// Netfilter chains (iptables and nftables) flattened into first-match rules: a jump to a user
// chain puts that chain's rules inline, each narrowed by the jump's own conditions; RETURN and
// the end of a user chain go back to the rule after the jump; the base chain's policy is the
// default. A condition the parser could not read (`unreadable`) stands for every packet in an
// accept and for none in a drop, so that nothing hides an exposure.

import { inputError, type Loc, syntaxError } from '../errors.ts';
import { ALL, intersect, subtract } from '../net/intervals.ts';
import { ANY_SERVICE, type ServiceTerm } from '../net/services.ts';
import type { ConfigRule, ImportWarning } from './config.ts';
import { complementServices, intersectServices } from './terms.ts';
import { CHAIN, notDefined } from './texts.ts';

/** What a rule matches; undefined interfaces: any. */
export interface Match {
  readonly src: readonly number[];
  readonly dst: readonly number[];
  readonly services: readonly ServiceTerm[];
  readonly in?: readonly string[];
  readonly out?: readonly string[];
}

export type Verdict =
  | { readonly kind: 'accept' | 'drop' | 'return' }
  | { readonly kind: 'jump' | 'goto'; readonly chain: string; readonly loc: Loc }
  /** A rule that decides nothing (LOG, counters, a reply-only conntrack state). */
  | { readonly kind: 'none' };

export interface ChainRule {
  readonly match: Match;
  readonly verdict: Verdict;
  /** A condition could not be read: the rule was parsed as if it were absent (and warned about). */
  readonly unreadable: boolean;
  /** The rule as written, short, for descriptions. */
  readonly text: string;
  readonly origin: Loc;
}

export interface Chain {
  readonly name: string;
  readonly rules: readonly ChainRule[];
  readonly loc: Loc;
}

export const MATCH_ALL: Match = { src: ALL, dst: ALL, services: [ANY_SERVICE] };

const sameAll = (a: readonly number[]): boolean => a.length === 2 && a[0] === ALL[0] && a[1] === ALL[1];
const anyService = (s: readonly ServiceTerm[]): boolean => s.length === 1 && s[0] === ANY_SERVICE;

function meetNames(a: readonly string[] | undefined, b: readonly string[] | undefined): readonly string[] | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a.filter((n) => b.includes(n));
}

/** Both matches at once. */
export function meet(a: Match, b: Match): Match {
  const inIf = meetNames(a.in, b.in);
  const outIf = meetNames(a.out, b.out);
  return {
    src: intersect(a.src, b.src),
    dst: intersect(a.dst, b.dst),
    services: intersectServices(a.services, b.services),
    ...(inIf ? { in: inIf } : {}),
    ...(outIf ? { out: outIf } : {}),
  };
}

const isEmpty = (m: Match): boolean => m.src.length === 0 || m.dst.length === 0 || m.services.length === 0 || m.in?.length === 0 || m.out?.length === 0;

/** The fields a match restricts. */
function restricted(m: Match): Array<keyof Match> {
  const out: Array<keyof Match> = [];
  if (!sameAll(m.src)) out.push('src');
  if (!sameAll(m.dst)) out.push('dst');
  if (!anyService(m.services)) out.push('services');
  if (m.in) out.push('in');
  if (m.out) out.push('out');
  return out;
}

/** Every packet that does not match m, when that is one match (m restricts at most one field). */
function complementOf(m: Match, interfaces: readonly string[]): Match | undefined {
  const fields = restricted(m);
  if (fields.length > 1) return undefined;
  switch (fields[0]) {
    case undefined:
      return { ...MATCH_ALL, src: [] };
    case 'src':
      return { ...MATCH_ALL, src: subtract(ALL, m.src) };
    case 'dst':
      return { ...MATCH_ALL, dst: subtract(ALL, m.dst) };
    case 'services':
      return { ...MATCH_ALL, services: complementServices(m.services) };
    case 'in':
      return { ...MATCH_ALL, in: interfaces.filter((n) => !m.in!.includes(n)) };
    case 'out':
      return { ...MATCH_ALL, out: interfaces.filter((n) => !m.out!.includes(n)) };
  }
}

export interface Flattened {
  readonly rules: ConfigRule[];
  readonly warnings: ImportWarning[];
}

/**
 * The rules of a base chain in first-match order, user chains inline. `policy` is the base
 * chain's policy: a RETURN in the base chain (or a goto that falls off its chain) applies it.
 */
export function flattenChain(
  base: Chain,
  policy: { action: 'accept' | 'drop'; loc: Loc },
  chains: ReadonlyMap<string, Chain>,
  interfaces: readonly string[],
): Flattened {
  const rules: ConfigRule[] = [];
  const warnings: ImportWarning[] = [];
  const emit = (action: 'permit' | 'deny', m: Match, origin: Loc, ids: readonly number[], text: string, via: readonly string[]): void => {
    if (isEmpty(m)) return;
    rules.push({
      id: ids.map((l) => `l${l}`).join('.'),
      action,
      src: [...m.src],
      dst: [...m.dst],
      services: [...m.services],
      ...(m.in ? { in: [...m.in] } : {}),
      ...(m.out ? { out: [...m.out] } : {}),
      description: via.length > 0 ? `${text} (via ${via.join(' → ')})` : text,
      origin,
    });
  };
  const policyAction = policy.action === 'accept' ? 'permit' : 'deny';

  /** Walks one chain under the conditions of the jumps that led to it. */
  const walk = (chain: Chain, context: Match, uncertain: boolean, ids: readonly number[], via: readonly string[]): void => {
    let ctx = context;
    let unsure = uncertain;
    const isBase = chain === base;
    for (const r of chain.rules) {
      const m = meet(ctx, r.match);
      if (isEmpty(m)) continue;
      const u = unsure || r.unreadable;
      const here = [...ids, r.origin.line];
      const v = r.verdict;
      if (v.kind === 'accept') emit('permit', m, r.origin, here, r.text, via);
      // An unreadable condition stands for no packet in a drop: the drop is left out.
      else if (v.kind === 'drop') {
        if (!u) emit('deny', m, r.origin, here, r.text, via);
      } else if (v.kind === 'jump' || v.kind === 'goto') {
        const target = chains.get(v.chain);
        if (!target) throw inputError('BNK_ERR_UNKNOWN_REF', v.loc, notDefined(CHAIN, v.chain));
        if (target === base || via.includes(v.chain)) {
          const trail = [...via, v.chain].join(' → ');
          throw syntaxError(v.loc, {
            en: `chain "${v.chain}" jumps back to itself (${trail})`,
            ja: `チェーン "${v.chain}" が自身へ戻るジャンプをしています（${trail}）`,
          });
        }
        walk(target, m, u, here, [...via, v.chain]);
        // A goto does not come back: the packets it took leave this chain as a RETURN would.
        if (v.kind === 'goto') {
          if (isBase) {
            if (!u || policyAction === 'permit') emit(policyAction, m, { ...policy.loc }, [...here, policy.loc.line], `${r.text} (then the policy)`, via);
          } else {
            const rest = returnFrom(r, ctx);
            if (rest === 'stop') return;
            if (rest === 'unsure') unsure = true;
            else ctx = rest;
          }
        }
      } else if (v.kind === 'return') {
        if (isBase) {
          if (!(u && policyAction === 'deny')) emit(policyAction, m, r.origin, here, `${r.text} (the policy)`, via);
        }
        const rest = returnFrom(r, ctx);
        if (rest === 'stop') return;
        if (rest === 'unsure') unsure = true;
        else ctx = rest;
      }
    }
  };

  /** The conditions of the rest of a chain after packets matching r leave it. */
  const returnFrom = (r: ChainRule, ctx: Match): Match | 'stop' | 'unsure' => {
    if (r.unreadable) return 'unsure';
    const rest = complementOf(r.match, interfaces);
    if (rest === undefined) {
      warnings.push({
        loc: r.origin,
        en: `"${r.text}" leaves the chain on several conditions at once; the drops after it in the chain are left out (so that none hides an exposure)`,
        ja: `"${r.text}" は複数の条件でチェーンを抜けるため、このチェーンでこれより後の破棄ルールを除外しました（露出を隠さないため）`,
      });
      return 'unsure';
    }
    const next = meet(ctx, rest);
    return isEmpty(next) ? 'stop' : next;
  };

  walk(base, MATCH_ALL, false, [], []);
  if (policy.action === 'accept') emit('permit', MATCH_ALL, policy.loc, [policy.loc.line], policy.loc.label ?? 'policy accept', []);
  return { rules, warnings };
}
