// Debian's Chromium driven by playwright-core, for the web page's tests and bench/ui.ts: headless,
// a fresh profile per launch, nothing that reaches the network on its own.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

export const CHROMIUM = process.env.BUNKATSU_CHROMIUM ?? '/usr/bin/chromium';

/** Whether the browser is installed; under CI the tests fail instead of skipping when it is not. */
export const HAVE_CHROMIUM = existsSync(CHROMIUM);

/** Headless Chromium as root on a machine without network: no sandbox, no background connections. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // WebGL (sigma.js) on the CPU: Chromium no longer falls back to SwiftShader unasked.
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
];

export interface LaunchedBrowser {
  /** A context on a fresh profile (a new --user-data-dir, deleted on close). */
  readonly context: BrowserContext;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<LaunchedBrowser> {
  if (!HAVE_CHROMIUM) {
    throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium) or set BUNKATSU_CHROMIUM`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'bunkatsu-chromium-'));
  // launchPersistentContext is how playwright takes a --user-data-dir of our own.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 1000 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
