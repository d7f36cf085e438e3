// Entry of a pool worker in development (the server running from its TypeScript sources):
// registers tsx's loader in the thread, then loads the TypeScript worker. A server running from
// the bundle (dist/) starts dist/worker.mjs instead and never needs tsx.
import { register } from 'tsx/esm/api';

register();
const worker = await import('./worker.ts');

export default worker.default;
