// Entry of the check worker thread: registers tsx's loader in the thread (as bin/bunkatsu.js
// does for the CLI), then loads the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./check-worker.ts');
