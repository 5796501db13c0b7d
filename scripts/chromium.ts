// Debian's Chromium, headless, as the browser tests and the benchmarks (UI frame times, charts)
// launch it: no sandbox (containers), software rendering (--disable-gpu), nothing that phones home.

import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';

/** Fail at once, and say why, when the browser is missing (CI installs Debian's chromium). */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `the end-to-end tests need Chromium at ${CHROMIUM} and it is missing: install it (apt-get install chromium; .ci/run does this)`,
    );
}

export function launchChromium(): Promise<Browser> {
  requireChromium();
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
