// `npm start` on an empty data directory: the demo world is created and the bots, trading only through
// the public API with signed requests, make books, trades and candles appear within seconds.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { runBots } from '@bourse/bots';
import { RestClient } from '@bourse/client';
import {
  botCredentials,
  DEMO_SPECS,
  DEMO_START_TICKS,
  isEmptyExchange,
  seedDemo,
} from '../src/demo-setup.ts';
import { openExchange } from '../src/open-exchange.ts';

test('the demo seeds markets and users, and bots trade through the public API', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bourse-demo-'));
  const ex = await openExchange(dir);
  try {
    const s = ex.gateway.services;
    assert.equal(isEmptyExchange(s), true);
    const { adminPassword } = await seedDemo(s);
    assert.ok(adminPassword.length >= 10);
    assert.equal(isEmptyExchange(s), false);
    assert.ok(await s.auth.checkPassword('admin', adminPassword));
    await new Promise<void>((ok) => ex.gateway.server.listen(0, '127.0.0.1', ok));
    const url = `http://127.0.0.1:${(ex.gateway.server.address() as AddressInfo).port}`;
    const errors: unknown[] = [];
    const bots = runBots({
      baseUrl: url,
      bots: await botCredentials(s),
      startTicks: DEMO_START_TICKS,
      quoteEveryMs: 150,
      tradeEveryMs: 80,
      onError: (e) => errors.push(e),
    });
    const rest = new RestClient({ baseUrl: url });
    let traded = 0;
    for (let i = 0; i < 100 && traded < 3; i++) {
      await sleep(100);
      const markets = (await rest.markets()).items;
      traded = markets.filter((m) => m.lastPriceTicks !== null).length;
    }
    await bots.stop();
    const markets = (await rest.markets()).items;
    assert.equal(markets.length, DEMO_SPECS.length);
    assert.ok(
      traded >= 3,
      `markets with trades: ${traded}; errors: ${errors.slice(0, 3).map(String)}`,
    );
    const live = markets.find((m) => m.lastPriceTicks !== null)!;
    const book = await rest.book(live.market);
    assert.ok(book.bids.length > 0 || book.asks.length > 0);
    const candles = await rest.candles(live.market, '1m');
    assert.ok(candles.items.length >= 1);
    assert.deepEqual(await s.core.query.verify(), []);
  } finally {
    await ex.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
