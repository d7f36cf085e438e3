// The engines a user can choose by name (CLI --engine, HTTP ?engine=), and the default.

import type { EngineFactory } from './types.ts';
import { createFastEngine } from './fast.ts';
import { createReferenceEngine } from './reference.ts';

/** Frozen and without a prototype: `ENGINES['constructor']` is undefined, not Object. */
export const ENGINES: Readonly<Record<string, EngineFactory>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, EngineFactory>, {
    fast: (network, failures) => createFastEngine(network, failures ? { failures } : {}),
    reference: (network, failures) => createReferenceEngine(network, failures ? { failures } : {}),
  } satisfies Record<string, EngineFactory>),
);

export const DEFAULT_ENGINE = 'fast';

/** The factory of an engine by the name a user wrote, or undefined for any other name. */
export function engineFactoryNamed(name: string): EngineFactory | undefined {
  return Object.hasOwn(ENGINES, name) ? ENGINES[name] : undefined;
}
