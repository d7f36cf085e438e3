// The data-plane check: asks an engine the data-plane question (loops, black holes, drops,
// reachability: ReachabilityEngine.dataplane) with the listing bounds, and makes its answer a
// report: the bounds that were hit, said plainly, and the time it took.

import { DEFAULT_ENGINE, ENGINES } from '../engine/registry.ts';
import type { BlackHole, DataplaneAnswer, Drop, EngineFactory, Loop, ReachLevel, ReachMatrix } from '../engine/types.ts';
import type { Network } from '../model/network.ts';

export interface DataplaneOptions {
  readonly level?: ReachLevel;
  /** At most this many loop classes are reported (then `bounds` says so). */
  readonly maxClasses?: number;
  /** Skip the reachability matrix. */
  readonly reach?: boolean;
  /**
   * Most boxes listed per header set (default: MAX_BOXES for loops, black holes and drops,
   * MAX_PAIR_BOXES per reaching pair). The sets are exact either way; only the listing stops.
   */
  readonly maxBoxes?: number;
  /** The engine that answers (default: the registry's default engine). */
  readonly engineFactory?: EngineFactory;
  readonly onProgress?: (message: string) => void;
}

export const DEFAULT_MAX_CLASSES = 10_000;
/** Most boxes listed per loop, black hole or drop; the set itself is exact, only the listing stops. */
export const MAX_BOXES = 64;
/** Most boxes listed per reaching pair: its destination prefixes say the rest. */
export const MAX_PAIR_BOXES = 8;
/** Most destination prefixes listed per reaching pair. */
export const MAX_PREFIXES = 256;

export interface DataplaneReport {
  readonly loops: readonly Loop[];
  readonly blackHoles: readonly BlackHole[];
  readonly drops: readonly Drop[];
  readonly reach: ReachMatrix | undefined;
  /** A bound that was hit, said plainly (nothing is truncated silently). */
  readonly bounds: readonly { readonly en: string; readonly ja: string }[];
  readonly stats: DataplaneAnswer['stats'] & { readonly elapsedMs: number };
}

export function checkDataplane(network: Network, options: DataplaneOptions = {}): DataplaneReport {
  const started = Date.now();
  const maxClasses = options.maxClasses ?? DEFAULT_MAX_CLASSES;
  const engine = (options.engineFactory ?? ENGINES[DEFAULT_ENGINE]!)(network);
  const answer = engine.dataplane({
    reach: options.reach === false ? undefined : (options.level ?? 'device'),
    maxClasses,
    list: { sets: options.maxBoxes ?? MAX_BOXES, pairs: options.maxBoxes ?? MAX_PAIR_BOXES, prefixes: MAX_PREFIXES },
    onProgress: options.onProgress ?? ((): void => {}),
  });
  const s = answer.stats;
  return {
    loops: answer.loops,
    blackHoles: answer.blackHoles,
    drops: answer.drops,
    reach: answer.reach,
    bounds: answer.loopsCut
      ? [
          {
            en: `loops: stopped at ${maxClasses} classes (--max-classes); more headers loop`,
            ja: `転送ループ: ${maxClasses} 件で打ち切りました（--max-classes）。ほかにもループするヘッダーがあります`,
          },
        ]
      : [],
    // In this order: the JSON report prints them as they come.
    stats: {
      states: s.states,
      transitions: s.transitions,
      injections: s.injections,
      loopStates: s.loopStates,
      elapsedMs: Date.now() - started,
      bddNodes: s.bddNodes,
    },
  };
}
