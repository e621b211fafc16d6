// The alerts service on a real exchange core and data directory: alerts fire from the durable stream
// and are delivered on every channel to real local servers (webhook receiver checking signatures,
// SMTP sink, HTTPS push service whose message is decrypted as a browser would, and which answers 410
// for an expired subscription, then forgotten); across a restart nothing fires twice, and a trigger
// the alerts never saw live (commands journaled while they were not running) fires once from the
// journal; a failing webhook is retried and its log shows it.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { AlertService, VAPID_FILE } from '@bourse/alerts';
import { type CommandInput, openExchangeCore, type ReplicatingCore } from '@bourse/core';
import type { AlertNotification } from '@bourse/protocol';
import {
  browserPushKeys,
  decryptPush,
  eventually,
  FIXTURE_CERT,
  type PushService,
  type SmtpSink,
  startPushService,
  startSmtpSink,
  startWebhookReceiver,
  type WebhookReceiver,
} from './support/receivers.ts';
import { CENTS_BINARY_GRID } from '@bourse/engine';

const ALICE = { userId: 1, accountId: 1 };
const BOB = { userId: 2, accountId: 2 };
const M = 1;
const SYMBOL = 'RAIN-YES';

let dir: string;
let hooks: WebhookReceiver;
let smtp: SmtpSink;
let pushService: PushService;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bourse-alerts-'));
  [hooks, smtp, pushService] = await Promise.all([
    startWebhookReceiver(),
    startSmtpSink(),
    startPushService(),
  ]);
});
after(async () => {
  // A failed test leaves the service and the core open: close them, whatever state they are in.
  await alerts?.close().catch(() => undefined);
  await core?.close().catch(() => undefined);
  await Promise.all([hooks.close(), smtp.close(), pushService.close()]);
  rmSync(dir, { recursive: true, force: true });
});

async function submit(core: ReplicatingCore, input: CommandInput) {
  const applied = await core.submit(input);
  const rejected = applied.events.find((e) => e.type === 'rejected');
  assert.equal(rejected, undefined, JSON.stringify(rejected));
  return applied;
}

async function seed(core: ReplicatingCore): Promise<void> {
  await submit(core, { type: 'createAsset', assetId: 1, code: 'USD', scale: 1_000_000 });
  for (const a of [ALICE, BOB]) {
    await submit(core, {
      type: 'createAccount',
      accountId: a.accountId,
      userId: a.userId,
      subaccount: 0,
    });
    await submit(core, {
      type: 'deposit',
      accountId: a.accountId,
      assetId: 1,
      amount: 1_000_000_000,
    });
  }
  await submit(core, {
    type: 'createInstrument',
    spec: {
      kind: 'binary',
      instrumentId: M,
      symbol: SYMBOL,
      seriesTicker: 'RAIN',
      eventTicker: 'RAIN',
      title: 'Rain',
      settlementAssetId: 1,
      ...CENTS_BINARY_GRID,
      fees: { kind: 'none' },
      limits: { maxOrderQtyLots: 0, maxOrderNotional: 0, maxPositionLots: 0, priceBandTicks: 0 },
    },
  });
  await submit(core, { type: 'setMarketStatus', instrumentId: M, status: 'open' });
}

/** Bob rests a sell, Alice takes it: one trade at `price`; answers Bob's order id. */
async function trade(core: ReplicatingCore, price: number): Promise<number> {
  const order = {
    instrumentId: M,
    orderType: 'limit',
    priceTicks: price,
    qtyLots: 100,
    tif: 'gtc',
  } as const;
  const rest = await submit(core, {
    type: 'placeOrder',
    accountId: BOB.accountId,
    side: 'sell',
    ...order,
  });
  await submit(core, { type: 'placeOrder', accountId: ALICE.accountId, side: 'buy', ...order });
  return rest.seq;
}

function open(core: ReplicatingCore): Promise<AlertService> {
  return AlertService.open({
    dataDir: dir,
    core,
    logger: {
      info() {},
      warn() {},
      error: (m, f) => process.stderr.write(`${m} ${JSON.stringify(f)}\n`),
    },
    smtp: { url: smtp.url, from: 'Bourse <alerts@bourse.test>' },
    pushAgent: new Agent({ ca: FIXTURE_CERT }),
    dispatch: { baseDelayMs: 50, maxDelayMs: 200 },
    tickMs: 50,
  });
}

let core: ReplicatingCore;
let alerts: AlertService;
const inApp: AlertNotification[] = [];
const ids = { above: 0, later: 0, settle: 0 };
const browser = browserPushKeys();

function listen(a: AlertService): void {
  a.onNotification((accountId, n) => {
    if (accountId === ALICE.accountId) inApp.push(n);
  });
}

/** Alice's browser decrypts the push it was sent; her expired subscription was logged and dropped. */
async function checkPushes(): Promise<void> {
  const push = pushService.received.find((r) => r.path === '/push/alice')!;
  assert.equal(push.path, '/push/alice');
  assert.match(String(push.headers.authorization), /^vapid t=.+, k=/);
  const shown = JSON.parse(decryptPush(push.body, browser.ecdh, browser.auth)) as {
    body: string;
    tag: string;
  };
  assert.equal(shown.tag, `alert-${ids.above}`);
  assert.match(shown.body, /traded at 65¢/);
  // The expired subscription answered 410: logged once, not retried, and forgotten.
  const gone = pushService.endpoint('gone');
  await eventually(
    () => alerts.deliveries(ALICE.userId).some((l) => l.target === gone),
    'the expired push logged',
  );
  const goneLog = alerts.deliveries(ALICE.userId).filter((l) => l.target === gone);
  assert.deepEqual(
    goneLog.map((l) => [l.attempt, l.ok, l.detail]),
    [[1, false, 'HTTP 410: subscription gone']],
  );
  assert.deepEqual(
    alerts.store.pushSubscriptionsOf(ALICE.userId).map((p) => p.endpoint),
    [pushService.endpoint('alice')],
  );
}

test('an alert fires on every channel; a failing webhook is retried and logged', async () => {
  core = await openExchangeCore({ dataDir: dir });
  await seed(core);
  alerts = await open(core);
  assert.equal(
    statSync(join(dir, VAPID_FILE)).mode & 0o777,
    0o600,
    'the VAPID private key is private',
  );
  listen(alerts);
  const settings = alerts.saveSettings(ALICE.userId, {
    email: 'alice@example.test',
    webhookUrl: hooks.url,
  });
  hooks.secret = settings.webhookSecret!;
  assert.match(hooks.secret, /^whsec_/);
  alerts.subscribePush(ALICE.userId, {
    endpoint: pushService.endpoint('alice'),
    keys: browser.keys,
  });
  // A second browser whose subscription has expired at its push service.
  alerts.subscribePush(ALICE.userId, {
    endpoint: pushService.endpoint('gone'),
    keys: browser.keys,
  });
  const all = ['inApp', 'push', 'email', 'webhook'] as const;
  const cross = { kind: 'priceCross', market: SYMBOL, direction: 'above' } as const;
  ids.above = alerts.create(ALICE, { ...cross, priceTicks: 6_000, channels: [...all] }).alertId;
  ids.later = alerts.create(ALICE, {
    ...cross,
    priceTicks: 7_000,
    channels: ['inApp', 'webhook'],
  }).alertId;
  ids.settle = alerts.create(ALICE, {
    kind: 'marketSettled',
    market: SYMBOL,
    channels: ['inApp', 'email'],
  }).alertId;
  hooks.failFirst.set(`alert-${ids.above}`, 2);

  await trade(core, 5_000);
  await trade(core, 6_500);
  await eventually(() => inApp.length === 1, 'the first alert in-app');
  assert.equal(inApp[0]!.alertId, ids.above);
  assert.match(inApp[0]!.text, /RAIN-YES traded at 65¢, at or above 60¢/);
  await eventually(() => hooks.accepted().length === 1, 'the webhook, after two 500s');
  await eventually(
    () => smtp.messages.length === 1 && pushService.received.length === 2,
    'e-mail and push',
  );

  const tries = hooks.calls.filter((c) => c.delivery === `alert-${ids.above}`);
  assert.deepEqual(
    tries.map((c) => c.status),
    [500, 500, 200],
  );
  assert.ok(tries.every((c) => c.validSignature));
  // The receiver has answered before the attempt is logged: wait for the log to hold it.
  const webhookLog = () => alerts.deliveries(ALICE.userId).filter((l) => l.channel === 'webhook');
  await eventually(() => webhookLog().length === 3, 'the third attempt logged');
  const log = webhookLog().reverse();
  assert.deepEqual(
    log.map((l) => [l.attempt, l.ok, l.detail]),
    [
      [1, false, 'HTTP 500'],
      [2, false, 'HTTP 500'],
      [3, true, 'HTTP 200'],
    ],
  );
  assert.match(smtp.messages[0]!.raw, /^Subject: /m);
  assert.match(smtp.messages[0]!.raw, /RAIN-YES traded at 65/);
  assert.equal(smtp.messages[0]!.to, 'alice@example.test');
  await checkPushes();
});

test('after a restart nothing is sent again, and a crossing traded while alerts were down fires once', async () => {
  await alerts.close();
  await core.close();
  core = await openExchangeCore({ dataDir: dir });
  // Trading while the alerts are not running: the journal keeps what they must see.
  await trade(core, 7_200);
  await core.close();
  core = await openExchangeCore({ dataDir: dir });
  alerts = await open(core);
  listen(alerts);
  await eventually(() => hooks.accepted().length === 2, 'the missed crossing, from the journal');
  assert.deepEqual(
    alerts.notifications(ALICE.userId).map((n) => n.alertId),
    [ids.later, ids.above],
  );
});

test('a settlement fires; after another restart every alert fired exactly once per channel', async () => {
  await submit(core, { type: 'setMarketStatus', instrumentId: M, status: 'closed' });
  await submit(core, { type: 'settleMarket', instrumentId: M, result: 'yes' });
  await eventually(() => smtp.messages.length === 2, 'the settlement e-mail');
  assert.match(smtp.messages[1]!.raw, /RAIN-YES settled YES/);
  await alerts.close();
  await core.close();
  core = await openExchangeCore({ dataDir: dir });
  alerts = await open(core);
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(
    alerts.list(ALICE.userId).map((a) => [a.alertId, a.state]),
    [
      [ids.above, 'fired'],
      [ids.later, 'fired'],
      [ids.settle, 'fired'],
    ],
  );
  assert.deepEqual(
    hooks.accepted().map((c) => c.delivery),
    [`alert-${ids.above}`, `alert-${ids.later}`],
  );
  assert.equal(smtp.messages.length, 2);
  assert.equal(pushService.received.length, 2, 'one push each, and none to the expired one again');
  assert.equal(alerts.notifications(ALICE.userId).length, 3);
  assert.deepEqual(alerts.list(BOB.userId), [], 'alerts are per user');
  await alerts.close();
  await core.close();
});
