import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's Chromium through playwright-core (`npx playwright install` cannot download here).
 * `npm test` installs it first when missing (scripts/ensure-system-packages.sh).
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    // As root Chromium needs --no-sandbox; the rest keeps it off a network that is not there.
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-dev-shm-usage'],
  });
}
