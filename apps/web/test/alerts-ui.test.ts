// Acceptance for server-side alerts: `bourse serve` runs as a process with an SMTP sink as its relay;
// Alice (in a real Chromium, and over REST) has a webhook receiver that checks signatures. Alerts of
// every kind are created (one through the alerts page), orders drive prices, the server is restarted
// in the middle, and every alert fires exactly once on every channel: the SMTP sink, the webhook
// receiver (a failing first answer is retried and logged) and the browser's notification list. The
// alerts the browser kept in localStorage before are imported once.

import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { freePorts } from '@bourse/cluster';
import type { Page } from 'playwright-core';
import {
  eventually,
  type SmtpSink,
  startSmtpSink,
  startWebhookReceiver,
  type WebhookReceiver,
} from '../../../packages/alerts/test/support/receivers.ts';
import {
  PASSWORD,
  prepareDataDir,
  RAIN,
  type ServeProcess,
  SNOW,
  Session,
  serve,
  setUpExchange,
} from './support/alerts-server.ts';
import { chromiumMissing, launch, logIn, newUserPage } from './support/browser.ts';
import { ensureBuilt } from '../scripts/ensure-built.ts';

const LEGACY = 'bourse.alerts.v1';
/**
 * How long the browser may take to show what fired: after the restart its socket reconnects with
 * backoff (up to ~19 s between tries), and a loaded machine starts the server slowly.
 */
const BROWSER_WAIT_MS = 120_000;
const ALL = ['inApp', 'email', 'webhook'];

interface World {
  server: ServeProcess;
  hooks: WebhookReceiver;
  smtp: SmtpSink;
  alice: Session;
  bob: Session;
  admin: Session;
  page: Page;
}

/** Bob rests a sell of `contracts` at `cents`, Alice buys it: one trade. */
async function trade(w: World, cents: number, contracts: number): Promise<void> {
  const order = { market: RAIN, type: 'limit', priceTicks: cents * 100, qtyLots: contracts * 100 };
  await w.bob.call('POST', '/api/v1/orders', { ...order, side: 'sell', tif: 'gtc' });
  await w.alice.call('POST', '/api/v1/orders', { ...order, side: 'buy', tif: 'ioc' });
}

/** The alert entries of the browser's notification list. */
async function inAppAlerts(page: Page): Promise<string[]> {
  const bell = page.getByRole('button', { name: /^Notifications/ });
  if ((await bell.getAttribute('aria-expanded')) !== 'true') await bell.click();
  return page.locator('#notification-list li.alert').allTextContents();
}

/** The browser had alerts in localStorage before; logging in imports them once and forgets them. */
async function legacyImport(w: World): Promise<void> {
  await w.page.goto('/login');
  const legacy = [
    {
      id: 'old-1',
      market: RAIN,
      direction: 'below',
      priceTicks: 1_000,
      createdAt: 1,
      firedAt: null,
      firedPriceTicks: null,
    },
  ];
  await w.page.evaluate(([k, v]) => localStorage.setItem(k!, v!), [LEGACY, JSON.stringify(legacy)]);
  await logIn(w.page, 'alice', PASSWORD);
  await eventually(
    async () => (await w.page.evaluate((k) => localStorage.getItem(k), LEGACY)) === null,
    'the import',
  );
  const imported = async () =>
    (await w.alice.call<{ items: { note: string }[] }>('GET', '/api/v1/alerts')).items.filter((a) =>
      a.note.startsWith('imported'),
    ).length;
  assert.equal(await imported(), 1);
  // Another browser of Alice's still holding the same alert imports nothing more.
  await w.page.evaluate(([k, v]) => localStorage.setItem(k!, v!), [LEGACY, JSON.stringify(legacy)]);
  await w.page.reload();
  await eventually(
    async () => (await w.page.evaluate((k) => localStorage.getItem(k), LEGACY)) === null,
    'the second import',
  );
  assert.equal(await imported(), 1);
}

/** A price crossing made on the alerts page, as a person would; the others over REST. */
async function createAlerts(w: World): Promise<Record<string, number>> {
  await w.page.goto('/alerts');
  await w.page.locator('select[name=market]').selectOption(RAIN);
  await w.page.locator('select[name=direction]').selectOption('above');
  await w.page.locator('input[name=alert-price]').fill('60');
  await w.page.locator('input[name=channel-email]').check();
  await w.page.locator('input[name=channel-webhook]').check();
  await w.page.getByRole('button', { name: 'Add alert' }).click();
  await w.page.getByTestId('alerts').getByText('≥ 60¢').waitFor();
  const list = await w.alice.call<{ items: { alertId: number; condition: { kind: string } }[] }>(
    'GET',
    '/api/v1/alerts',
  );
  const ids: Record<string, number> = {
    priceCross: list.items.find((a) => a.condition.kind === 'priceCross' && a.alertId > 1)!.alertId,
  };
  const resting = await w.alice.call<{ orderId: number }>('POST', '/api/v1/orders', {
    market: RAIN,
    side: 'buy',
    type: 'limit',
    priceTicks: 4_000,
    qtyLots: 100,
    tif: 'gtc',
  });
  const bodies = [
    { kind: 'priceMove', market: RAIN, direction: 'up', moveBps: 1_000, windowMs: 600_000 },
    { kind: 'volume', market: RAIN, volumeLots: 500, windowMs: 600_000 },
    { kind: 'spread', market: RAIN, direction: 'wider', spreadTicks: 2_000 },
    { kind: 'orderFilled', orderId: resting.orderId },
    { kind: 'marketClosing', market: SNOW, leadMs: 3_600_000 },
    { kind: 'marketSettled', market: SNOW },
  ];
  for (const b of bodies) {
    const a = await w.alice.call<{ alertId: number }>('POST', '/api/v1/alerts', {
      ...b,
      channels: ALL,
    });
    ids[b.kind] = a.alertId;
  }
  return ids;
}

/** Trading before the restart: a 12 % move, 5 contracts of volume, a 30¢ spread, Alice's bid filled. */
async function firstHalf(w: World): Promise<void> {
  await trade(w, 50, 2);
  await trade(w, 56, 3);
  await w.bob.call('POST', '/api/v1/orders', {
    market: RAIN,
    side: 'sell',
    type: 'limit',
    priceTicks: 7_000,
    qtyLots: 100,
    tif: 'gtc',
  });
  await w.bob.call('POST', '/api/v1/orders', {
    market: RAIN,
    side: 'sell',
    type: 'limit',
    priceTicks: 4_000,
    qtyLots: 100,
    tif: 'ioc',
  });
}

/** After the restart: Alice lifts the 70¢ offer (crossing 60¢); Snow is scheduled, closed, settled. */
async function secondHalf(w: World): Promise<void> {
  await w.alice.call('POST', '/api/v1/orders', {
    market: RAIN,
    side: 'buy',
    type: 'limit',
    priceTicks: 7_000,
    qtyLots: 100,
    tif: 'ioc',
  });
  await w.admin.call('PUT', `/api/v1/admin/markets/${SNOW}/schedule`, {
    opensAt: null,
    closesAt: Date.now() + 30 * 60_000,
  });
  await eventually(() => w.smtp.messages.length === 6, 'the closing alert');
  await w.admin.call('POST', `/api/v1/admin/markets/${SNOW}/status`, { status: 'closed' });
  await w.admin.call('POST', `/api/v1/admin/markets/${SNOW}/settle`, { result: 'yes' });
}

test('alerts of every kind fire exactly once on every channel, across a restart', {
  skip: chromiumMissing(),
}, async (t) => {
  ensureBuilt();
  // A port of its own: the server must come back on the same one.
  const [hooks, smtp, dataDir, ports] = await Promise.all([
    startWebhookReceiver(),
    startSmtpSink(),
    prepareDataDir(),
    freePorts(1),
  ]);
  const port = ports[0]!;
  const flags = ['--smtp-url', smtp.url, '--mail-from', 'Bourse <alerts@bourse.test>'];
  const browser = await launch();
  const w = { hooks, smtp, server: await serve(dataDir, port, flags) } as World;
  t.after(async () => {
    await browser.close();
    await w.server.stop();
    await Promise.all([hooks.close(), smtp.close()]);
    rmSync(dataDir, { recursive: true, force: true });
  });
  const base = () => w.server.url;
  w.admin = await new Session(base).login('admin');
  await setUpExchange(w.admin);
  w.alice = await new Session(base).login('alice');
  w.bob = await new Session(base).login('bob');
  const settings = await w.alice.call<{ webhookSecret: string }>('PUT', '/api/v1/alerts/settings', {
    email: 'alice@example.test',
    webhookUrl: hooks.url,
  });
  hooks.secret = settings.webhookSecret;
  w.page = (await newUserPage(browser, base())).page;
  await legacyImport(w);
  const ids = await createAlerts(w);
  hooks.failFirst.set(`alert-${ids.priceCross}`, 1);

  await firstHalf(w);
  await eventually(
    () => hooks.accepted().length === 4 && smtp.messages.length === 4,
    'four alerts delivered',
  );
  await eventually(
    async () => (await inAppAlerts(w.page)).length === 4,
    'four alerts in the browser',
    BROWSER_WAIT_MS,
  );
  await w.server.stop();
  w.server = await serve(dataDir, port, flags);
  await secondHalf(w);
  await eventually(
    () => hooks.accepted().length === 7 && smtp.messages.length === 7,
    'seven alerts delivered',
  );
  await eventually(
    async () => (await inAppAlerts(w.page)).length === 7,
    'seven alerts in the browser',
    BROWSER_WAIT_MS,
  );
  await checkExactlyOnce(w, ids);
});

async function checkExactlyOnce(w: World, ids: Record<string, number>): Promise<void> {
  const want = Object.values(ids)
    .map((id) => `alert-${id}`)
    .sort();
  assert.equal(want.length, 7);
  // In-app: the list shows each alert once, and so does a fresh page load (from the server). This
  // also gives a repeated delivery time to arrive before the receivers are counted.
  const shown = await inAppAlerts(w.page);
  assert.equal(new Set(shown).size, 7, shown.join('\n'));
  await w.page.reload();
  await w.page.getByTestId('delivery-log').getByText('HTTP 500').waitFor();
  await eventually(
    async () => (await inAppAlerts(w.page)).length === 7,
    'the list after a reload',
    BROWSER_WAIT_MS,
  );
  // Webhooks: each alert accepted once, every request signed; the failing one was retried.
  assert.deepEqual(
    w.hooks
      .accepted()
      .map((c) => c.delivery)
      .sort(),
    want,
  );
  assert.ok(w.hooks.calls.every((c) => c.validSignature));
  const crossing = w.hooks.calls.filter((c) => c.delivery === `alert-${ids.priceCross}`);
  assert.deepEqual(
    crossing.map((c) => c.status),
    [500, 200],
  );
  type Log = { items: { alertId: number; channel: string; ok: boolean; detail: string }[] };
  const crossingLog = async () =>
    (await w.alice.call<Log>('GET', '/api/v1/alerts/deliveries')).items.filter(
      (l) => l.alertId === ids.priceCross && l.channel === 'webhook',
    );
  // The receiver answers before the attempt is logged.
  await eventually(async () => (await crossingLog()).length === 2, 'both attempts logged');
  const hookLog = await crossingLog();
  assert.deepEqual(hookLog.map((l) => [l.ok, l.detail]).reverse(), [
    [false, 'HTTP 500'],
    [true, 'HTTP 200'],
  ]);
  // E-mail: one message per alert (its Message-ID names it).
  const mailIds = w.smtp.messages
    .map((m) => /Message-ID: <(alert-\d+)@bourse\.test>/i.exec(m.raw)?.[1])
    .sort();
  assert.deepEqual(mailIds, want);
  const alerts = await w.alice.call<{ items: { alertId: number; state: string }[] }>(
    'GET',
    '/api/v1/alerts',
  );
  assert.deepEqual(
    alerts.items
      .filter((a) => a.state === 'fired')
      .map((a) => `alert-${a.alertId}`)
      .sort(),
    want,
  );
}
