// The engines a user can choose by name (CLI --engine, HTTP ?engine=), and the default.

import type { EngineFactory } from '../policy/analysis.ts';
import { createFastEngine } from './fast.ts';
import { createReferenceEngine } from './reference.ts';

export const ENGINES: Readonly<Record<string, EngineFactory>> = {
  fast: (network, failures) => createFastEngine(network, failures ? { failures } : {}),
  reference: (network, failures) => createReferenceEngine(network, failures ? { failures } : {}),
};

export const DEFAULT_ENGINE = 'fast';
