// The engines a user can choose by name (CLI --engine, HTTP ?engine=), and the default.

import type { EngineFactory } from '../policy/analysis.ts';
import { createReferenceEngine } from './reference.ts';

export const ENGINES: Readonly<Record<string, EngineFactory>> = {
  reference: (network, failures) => createReferenceEngine(network, failures ? { failures } : {}),
};

export const DEFAULT_ENGINE = 'reference';
