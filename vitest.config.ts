// vitest configuration: tests live in tests/ and mirror src/.
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Builds the server's pool worker once per run (test servers start it instead of going through tsx).
    globalSetup: ['tests/global-setup.ts'],
    testTimeout: 30_000,
    // One test file per core (vitest's default leaves one core idle: 1 worker on 2 cores).
    maxWorkers: availableParallelism(),
    // Files in one worker share the module cache: src/ is imported once per worker, not once per
    // file (a third of the suite's CPU time). Safe because no test mocks modules or stubs globals,
    // and src/ keeps no module-level state but WeakMap memos; a file that must mock needs isolation.
    isolate: false,
  },
});
