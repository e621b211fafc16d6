// Debian's Chromium driven through playwright-core (no browser download): launch with the flags a
// container needs, log a user in through the UI, save screenshots, and measure horizontal overflow.

import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Page,
} from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const SHOT_DIR = fileURLToPath(new URL('../../test-results/screenshots', import.meta.url));
/** Bounded waits for things the server pushes; generous so a slow machine never fails a test. */
export const WAIT_MS = 30_000;

export function chromiumMissing(): string | false {
  return existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing: run scripts/ensure-chromium.sh`;
}

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}

/**
 * A browser with a profile on disk, as a person's is: Chromium offers to install apps only outside
 * incognito, which every `browser.newContext()` is. The caller removes `userDataDir` after closing.
 */
export function launchProfile(
  userDataDir: string,
  options: BrowserContextOptions,
): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, {
    ...options,
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
  });
}

export async function newUserPage(
  browser: Browser,
  baseUrl: string,
  viewport = { width: 1440, height: 900 },
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport });
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT_MS);
  // Script errors are bugs: make them visible in the test output.
  page.on('pageerror', (error) => process.stderr.write(`page error: ${error.message}\n`));
  return { context, page };
}

export async function logIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByTestId('user').filter({ hasText: username }).waitFor();
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SHOT_DIR, { recursive: true });
  const path = join(SHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Screenshots of each open page after a test, named by the test and the page's user. */
export async function screenshotPages(
  testName: string,
  pages: Record<string, Page | undefined>,
): Promise<void> {
  const slug = testName.replace(/[^a-z0-9]+/gi, '-').slice(0, 40);
  for (const [who, page] of Object.entries(pages)) {
    if (page !== undefined && page.url() !== 'about:blank') {
      await screenshot(page, `after-${slug}-${who}`);
    }
  }
}

/** Document width beyond the viewport, in CSS pixels (0 when nothing scrolls sideways). */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(
    'Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - document.documentElement.clientWidth',
  ) as Promise<number>;
}
