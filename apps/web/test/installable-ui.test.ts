// The installable app, in real Chromium emulating a phone: the web app manifest parses and, with the
// service worker, passes Chromium's own installability check (the one behind "Install app" / "Add
// to home screen"); once the app has loaded, a reload with the network off opens the cached app shell
// and says it is offline, while market data is never answered from the cache; with the network back
// the app is live again without a reload; and a new deploy (a worker with a new version) replaces the
// cached shell and deletes the old one. Screenshots of the installed app's phone layout.

import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, type CDPSession, devices, type Page } from 'playwright-core';
import {
  chromiumMissing,
  horizontalOverflow,
  launchProfile,
  logIn,
  SHOT_DIR,
  screenshot,
  WAIT_MS,
} from './support/browser.ts';
import { DIST_DIR, ensureBuilt } from '../scripts/ensure-built.ts';
import {
  MARKET,
  PASSWORD,
  placeLimit,
  startWebExchange,
  type WebExchange,
} from './support/web-exchange.ts';

const skip = chromiumMissing();

/** Resolves once a service worker controls the page (it claims its clients when it activates). */
const CONTROLLED = `navigator.serviceWorker.ready
  .then(() => navigator.serviceWorker.controller ??
    new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve)))
  .then(() => true)`;

interface Manifest {
  readonly url: string;
  readonly errors: readonly { message: string; critical: number }[];
  readonly data?: string;
}
interface InstallabilityError {
  readonly errorId: string;
  readonly errorArguments: readonly { name: string; value: string }[];
}

describe('the installable app on a phone', { skip }, () => {
  let ex: WebExchange;
  let profile: string;
  let web: string;
  let context: BrowserContext;
  let page: Page;
  let cdp: CDPSession;

  before(async () => {
    // The UI is served from a copy, so a test can deploy a new build of it.
    ensureBuilt();
    web = mkdtempSync(join(tmpdir(), 'bourse-web-dist-'));
    cpSync(DIST_DIR, web, { recursive: true });
    ex = await startWebExchange({ webDir: web });
    mkdirSync(SHOT_DIR, { recursive: true });
    profile = mkdtempSync(join(tmpdir(), 'bourse-profile-'));
    context = await launchProfile(profile, { ...devices['Pixel 7'], baseURL: ex.baseUrl });
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(WAIT_MS);
    page.on('pageerror', (error) => process.stderr.write(`page error: ${error.message}\n`));
  });

  const order = (name: string, side: 'buy' | 'sell', px: number, lots: number) =>
    placeLimit(ex, name, 1, side, px, lots);

  afterEach(async (t) => {
    await screenshot(page, `installable-${t.name.replace(/[^a-z]+/gi, '-').slice(0, 30)}`);
  });

  after(async () => {
    await context?.close();
    await ex?.close();
    for (const dir of [profile, web])
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  test('the manifest parses and Chromium finds the app installable', async () => {
    await page.goto('/');
    await page.getByRole('link', { name: 'Bourse' }).waitFor();
    // The worker controls the page once it has cached the shell and claimed its clients.
    await page.evaluate(CONTROLLED);
    cdp = await context.newCDPSession(page);
    const manifest = (await cdp.send('Page.getAppManifest', {})) as unknown as Manifest;
    assert.equal(manifest.url, `${ex.baseUrl}/manifest.webmanifest`);
    assert.deepEqual(manifest.errors, []);
    const data = JSON.parse(manifest.data ?? '{}') as Record<string, unknown>;
    assert.equal(data.display, 'standalone');
    assert.equal(data.start_url, '/');
    const purposes = (data.icons as { sizes: string; purpose: string }[]).map(
      (i) => `${i.sizes} ${i.purpose}`,
    );
    for (const icon of ['192x192 any', '512x512 any', '512x512 maskable']) {
      assert.ok(purposes.includes(icon), icon);
    }
    // Chromium fetches and decodes the icons for the check; it may answer before it has them.
    let errors: readonly InstallabilityError[] = [];
    for (let attempt = 0; attempt < 60; attempt++) {
      const r = (await cdp.send('Page.getInstallabilityErrors')) as unknown as {
        installabilityErrors: readonly InstallabilityError[];
      };
      errors = r.installabilityErrors;
      if (errors.length === 0) break;
      await page.waitForTimeout(500);
    }
    assert.deepEqual(errors, []);
  });

  test('Chromium installs the app and opens it from its home-screen entry', async () => {
    // A book with both sides and a trade, so the installed app's market screen shows real numbers.
    await order('bob', 'buy', 4_000, 300);
    await order('alice', 'sell', 4_000, 100);
    await order('alice', 'sell', 4_300, 200);
    await order('bob', 'buy', 3_800, 500);
    const manifestId = `${ex.baseUrl}/`;
    await cdp.send('PWA.install', { manifestId });
    const opened = context.waitForEvent('page');
    await cdp.send('PWA.launch', { manifestId });
    const app = await opened;
    app.setDefaultTimeout(WAIT_MS);
    await logIn(app, 'alice', PASSWORD);
    await app.goto(`/markets/${MARKET}`);
    await app.getByTestId('last-price').getByText('40¢').waitFor();
    await app.getByTestId('connection').getByText('Live').waitFor();
    // The phone layout: one column, nothing wider than the screen.
    assert.equal(await horizontalOverflow(app), 0);
    // What the phone's screen shows (docs/screenshots/phone-installed.png is this picture).
    await app.screenshot({ path: join(SHOT_DIR, 'installed-phone.png') });
    await app.close();
    // A second DevTools session on the page would keep its network emulation from going offline.
    await cdp.detach();
  });

  test('offline: a reload opens the cached shell and says so; market data is never cached', async () => {
    // Alice logged in within the installed app, which shares the browser's profile.
    await page.goto(`/markets/${MARKET}`);
    await page.getByTestId('user').filter({ hasText: 'alice' }).waitFor();
    await page.getByTestId('connection').getByText('Live').waitFor();
    // The page and its files must not come from the server now. (An API call the page had already
    // sent may still land: the network goes off between two of its requests, not after them. And the
    // browser itself may check /sw.js for a new worker on the reload: that check is the browser's,
    // outside the page's emulated network, and is what lets a deploy replace the shell.)
    const reached: string[] = [];
    const note = (req: { url?: string }) => {
      if (!req.url?.startsWith('/api/') && req.url !== '/sw.js') reached.push(req.url ?? '');
    };
    ex.gateway.server.on('request', note);
    await context.setOffline(true);
    // The worker asks the network first for a page. Offline is emulated per DevTools target, and a
    // worker the browser has just (re)started can run its first fetch before its target is told:
    // that fetch then reaches the server and the page comes from it. That is the emulation's race,
    // not the app's, so the reload is tried again (at most three times) until it meets the offline
    // network; every other request must still stay off the server.
    let reload = await page.reload();
    for (let attempt = 1; attempt < 3 && reached.length > 0; attempt++) {
      assert.deepEqual(reached, [`/markets/${MARKET}`], "only the worker's page fetch got through");
      reached.length = 0;
      reload = await page.reload();
    }
    assert.equal(reload?.fromServiceWorker(), true);
    await page.getByRole('link', { name: 'Bourse' }).waitFor();
    await page
      .getByTestId('offline')
      .getByText(/Offline/)
      .waitFor();
    await page
      .getByTestId('connection')
      .getByText(/Reconnecting|Offline/)
      .waitFor();
    // The market screen waits for the network in words, with no numbers.
    await page.getByText('Waiting for the network…').waitFor();
    assert.equal(await page.getByTestId('last-price').count(), 0);
    await page.screenshot({ path: join(SHOT_DIR, 'installed-phone-offline.png') });
    // The API goes to the network even for a page the worker controls: offline, it simply fails.
    const api = await page.evaluate(
      `fetch('/api/v1/markets').then((r) => 'answered ' + r.status, () => 'failed')`,
    );
    assert.equal(api, 'failed');
    ex.gateway.server.off('request', note);
    assert.deepEqual(reached, []);

    await context.setOffline(false);
    await page.getByTestId('connection').getByText('Live').waitFor();
    assert.equal(await page.getByTestId('offline').count(), 0);
  });

  test('a new deploy replaces the cached shell: new version, old cache gone, new page offline', async () => {
    const caches = () => page.evaluate('caches.keys()') as Promise<string[]>;
    const [before] = await caches();
    assert.match(before ?? '', /^bourse-shell-[0-9a-f]{16}$/);
    // The next build: a changed page, so a new version in the worker (what `vite build` would write).
    const worker = readFileSync(join(web, 'sw.js'), 'utf8');
    const version = /const VERSION = "([0-9a-f]{16})"/.exec(worker)?.[1];
    assert.ok(version !== undefined && before === `bourse-shell-${version}`);
    const next = 'f'.repeat(16) === version ? '0'.repeat(16) : 'f'.repeat(16);
    writeFileSync(join(web, 'sw.js'), worker.replace(version, next));
    for (const copy of ['sw.js.br', 'sw.js.gz']) rmSync(join(web, copy), { force: true });
    const index = readFileSync(join(web, 'index.html'), 'utf8');
    writeFileSync(
      join(web, 'index.html'),
      index.replace('</body>', '<!-- next build -->\n</body>'),
    );
    // A browser checks for a new worker on navigations; asking directly does the same, sooner.
    await page.evaluate('navigator.serviceWorker.getRegistration().then((r) => r.update())');
    for (let attempt = 0; attempt < 60; attempt++) {
      const keys = await caches();
      if (keys.length === 1 && keys[0] === `bourse-shell-${next}`) break;
      await page.waitForTimeout(500);
    }
    assert.deepEqual(await caches(), [`bourse-shell-${next}`]);
    await context.setOffline(true);
    await page.reload();
    await page.getByTestId('offline').waitFor();
    assert.match(await page.content(), /next build/);
    await context.setOffline(false);
  });
});
