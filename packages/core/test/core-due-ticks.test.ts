// Time-driven work on a quiet exchange: with nothing else submitted, the core sends the engine a
// journaled `tick` when a GTD order's expiry or a market's scheduled close comes, so both happen on
// time; the ticks replay like any command (same state hash after a restart); a closed core sends none.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { DueTicker } from '../src/due-ticker.ts';
import { type AppliedCommand, type ExchangeCore, openExchangeCore } from '../src/index.ts';
import { MARKET, marketSetup } from './fixtures/market-setup.ts';
import { openCore } from './fixtures/open-core.ts';
import { tempDataDir } from './fixtures/temp-dir.ts';

/** Every acknowledged command from now on. */
function record(core: ExchangeCore): AppliedCommand[] {
  const seen: AppliedCommand[] = [];
  core.subscribe((batch) => seen.push(...batch));
  return seen;
}

async function until(what: string, done: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) assert.fail(`timed out waiting until ${what}`);
    await sleep(10);
  }
}

test('a GTD order expires on time with nothing else going on, through a journaled tick', async (t) => {
  const dataDir = tempDataDir(t);
  const core = await openExchangeCore({ dataDir });
  await core.submitBatch(marketSetup(1));
  const seen = record(core);
  const expiresAt = Date.now() + 150;
  const placed = await core.submit({
    type: 'placeOrder',
    accountId: 1,
    instrumentId: MARKET,
    side: 'buy',
    orderType: 'limit',
    priceTicks: 4_000,
    qtyLots: 100,
    tif: 'gtd',
    expiresAt,
  });
  assert.equal((await core.query.openOrders(1)).length, 1);
  await until('the order expired', () =>
    seen.some((a) => a.events.some((e) => e.type === 'orderCancelled' && e.reason === 'expired')),
  );
  const tick = seen.find((a) => a.command.type === 'tick')!;
  assert.ok(tick.ts >= expiresAt, `tick at ${tick.ts}, expiry ${expiresAt}`);
  assert.deepEqual(
    tick.events.filter((e) => e.type === 'orderCancelled').map((e) => e.orderId),
    [placed.seq],
  );
  assert.deepEqual(await core.query.openOrders(1), []);
  // Nothing else is due: no more ticks.
  await sleep(100);
  assert.equal(seen.filter((a) => a.command.type === 'tick').length, 1);
  const { hash } = await core.query.stateHash();
  await core.close();

  const again = await openCore(t, { dataDir });
  assert.equal((await again.query.stateHash()).hash, hash);
  assert.deepEqual(await again.query.openOrders(1), []);
});

test('a market closes at its scheduled time with nothing else going on', async (t) => {
  const core = await openCore(t, { dataDir: tempDataDir(t) });
  await core.submitBatch(marketSetup(1));
  const seen = record(core);
  const closesAt = Date.now() + 150;
  const scheduled = await core.submit({
    type: 'scheduleMarket',
    instrumentId: MARKET,
    opensAt: null,
    closesAt,
  });
  assert.equal(scheduled.events[0]?.type, 'marketScheduled');
  await until('the market closed', () =>
    seen.some((a) =>
      a.events.some((e) => e.type === 'marketStatusChanged' && e.status === 'closed'),
    ),
  );
  const closing = seen.find((a) => a.events.some((e) => e.type === 'marketStatusChanged'))!;
  assert.equal(closing.command.type, 'tick');
  assert.ok(closing.ts >= closesAt);
  assert.equal((await core.query.instrument(MARKET))?.status, 'closed');
});

test('a core that is closed sends no tick for what was still due', async (t) => {
  const dataDir = tempDataDir(t);
  const core = await openExchangeCore({ dataDir });
  await core.submitBatch(marketSetup(1));
  const { seq } = await core.submit({
    type: 'scheduleMarket',
    instrumentId: MARKET,
    opensAt: null,
    closesAt: Date.now() + 100,
  });
  await core.close();
  await sleep(200);
  const again = await openCore(t, { dataDir, clock: () => 0 });
  // The clock of the reopened core is stuck before the close, so it ticks neither: the journal
  // still ends where the first core stopped.
  assert.equal((await again.query.exchangeStatus()).seq, seq);
});

test('a time far off is waited for in steps, and a failed tick is tried again', async () => {
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.name);
  process.on('warning', onWarning);
  let now = 1_000;
  let calls = 0;
  let fail = true;
  const ticker = new DueTicker({
    clock: () => now,
    tick: () => {
      calls++;
      return fail ? Promise.reject(new Error('OVERLOADED')) : Promise.resolve();
    },
  });
  // A year away: longer than a Node timer can wait in one go.
  ticker.arm(now + 400 * 86_400_000);
  await sleep(30);
  assert.equal(calls, 0);
  assert.deepEqual(warnings, []);
  // Due now: the first attempt fails (overloaded), the next one, a little later, goes through.
  now += 365 * 86_400_000;
  ticker.arm(now);
  await until('the first attempt', () => calls === 1);
  fail = false;
  await until('the retry', () => calls === 2, 2_000);
  ticker.arm(null);
  ticker.close();
  process.off('warning', onWarning);
});
