/**
 * Debian's chromium, headless, driven by playwright-core, with the flags
 * that keep it from calling out (DESIGN.md): each test gets its own browser
 * (and playwright its own empty profile), closed when the test ends. Skips loudly without chromium
 * on a laptop; under CI=true it must run (.ci/run installs it).
 */
import { existsSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export function chromiumSkipReason(): string | undefined {
  if (existsSync(CHROMIUM) || process.env.CI === 'true') return undefined;
  const reason = `SKIPPED LOUDLY: ${CHROMIUM} is missing (apt-get install chromium); the dashboard's browser tests did not run`;
  process.stderr.write(`\n*** ${reason} ***\n\n`);
  return reason;
}

export async function startBrowser(t: TestContext): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync',
    ],
  });
  t.after(() => browser.close());
  return browser;
}
