// `bourse serve` killed (SIGKILL) right after the orders that trigger two alerts: whether or not the
// alerts had committed those firings, after the restart every alert has fired exactly once (one
// notification each, none lost) and every webhook was accepted; a delivery the crash cut off is sent
// again with the same `Bourse-Delivery` id, never under another. A clean restart after that sends
// nothing more.

import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { freePorts } from '@bourse/cluster';
import {
  eventually,
  startWebhookReceiver,
} from '../../../packages/alerts/test/support/receivers.ts';
import { prepareDataDir, RAIN, Session, serve, setUpExchange } from './support/alerts-server.ts';

type Notifications = { items: { alertId: number }[] };

test('after a crash every alert has fired once and none is lost', async (t) => {
  // A port of its own: the server must come back on the same one.
  const [hooks, dataDir, ports] = await Promise.all([
    startWebhookReceiver(),
    prepareDataDir(),
    freePorts(1),
  ]);
  const port = ports[0]!;
  let server = await serve(dataDir, port, []);
  t.after(async () => {
    await server.stop();
    await hooks.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const base = () => server.url;
  await setUpExchange(await new Session(base).login('admin'));
  const alice = await new Session(base).login('alice');
  const bob = await new Session(base).login('bob');
  const settings = await alice.call<{ webhookSecret: string }>('PUT', '/api/v1/alerts/settings', {
    email: null,
    webhookUrl: hooks.url,
  });
  hooks.secret = settings.webhookSecret;
  const create = async (body: object) =>
    (
      await alice.call<{ alertId: number }>('POST', '/api/v1/alerts', {
        ...body,
        channels: ['inApp', 'webhook'],
      })
    ).alertId;
  const cross = { kind: 'priceCross', market: RAIN, direction: 'above' };
  const first = await create({ ...cross, priceTicks: 6_000 });
  const second = await create({ ...cross, priceTicks: 7_000 });
  const volume = await create({ kind: 'volume', market: RAIN, volumeLots: 300, windowMs: 600_000 });
  const trade = async (cents: number, contracts: number) => {
    const order = {
      market: RAIN,
      type: 'limit',
      priceTicks: cents * 100,
      qtyLots: contracts * 100,
    };
    await bob.call('POST', '/api/v1/orders', { ...order, side: 'sell', tif: 'gtc' });
    await alice.call('POST', '/api/v1/orders', { ...order, side: 'buy', tif: 'ioc' });
  };

  await trade(65, 1);
  await eventually(() => hooks.accepted().length === 1, 'the first alert delivered');
  await trade(72, 2);
  await server.crash();
  server = await serve(dataDir, port, []);
  const want = [`alert-${first}`, `alert-${second}`, `alert-${volume}`].sort();
  await eventually(
    () => new Set(hooks.accepted().map((c) => c.delivery)).size === 3,
    'all three delivered',
  );
  const fired = await alice.call<Notifications>('GET', '/api/v1/alerts/notifications');
  assert.deepEqual(fired.items.map((n) => `alert-${n.alertId}`).sort(), want, 'each fired once');
  assert.equal(hooks.accepted().filter((c) => c.delivery === `alert-${first}`).length, 1);
  assert.ok(hooks.calls.every((c) => c.validSignature && want.includes(c.delivery)));

  // A clean restart sends nothing more.
  const calls = hooks.calls.length;
  await server.stop();
  server = await serve(dataDir, port, []);
  await trade(80, 1);
  await eventually(async () => {
    const list = await alice.call<{ items: { state: string }[] }>('GET', '/api/v1/alerts');
    return list.items.every((a) => a.state === 'fired');
  }, 'the alerts listed as fired');
  await new Promise((r) => setTimeout(r, 1_500));
  assert.equal(hooks.calls.length, calls);
  assert.equal(
    (await alice.call<Notifications>('GET', '/api/v1/alerts/notifications')).items.length,
    3,
  );
});
