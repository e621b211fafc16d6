// The live pipeline end to end (real worker, real journal, real SQLite read models): sequencing, acks,
// batching, read-your-writes, subscriptions and metrics.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type AppliedCommand, CoreError } from '../src/index.ts';
import { FUNDING_MICROS, limitOrder, MARKET, marketSetup, USD } from './fixtures/market-setup.ts';
import { openCore } from './fixtures/open-core.ts';
import { tempDataDir } from './fixtures/temp-dir.ts';

test('submit assigns seq, ts and orderId and resolves with the engine events', async (t) => {
  let now = 1_700_000_000_000;
  const core = await openCore(t, { dataDir: tempDataDir(t), clock: () => now });
  const setup = await core.submitBatch(marketSetup(2));
  assert.deepEqual(
    setup.map((a) => a.seq),
    setup.map((_, i) => i + 1),
  );
  assert.ok(setup.every((a) => a.events[0]?.type !== 'rejected'));

  now -= 5_000; // a clock stepping back must not make timestamps go backwards
  const placed = await core.submit(limitOrder(1, 'buy', 4_200, 3));
  assert.equal(placed.seq, setup.length + 1);
  assert.equal(placed.ts, 1_700_000_000_000);
  assert.equal(placed.command.type, 'placeOrder');
  assert.equal(placed.command.type === 'placeOrder' && placed.command.orderId, placed.seq);
  const types = placed.events.map((e) => e.type);
  assert.ok(types.includes('orderAccepted') && types.includes('orderRested'), types.join());
  assert.equal(core.durableSeq, placed.seq);

  const rejected = await core.submit({ type: 'cancelOrder', accountId: 2, orderId: placed.seq });
  assert.equal(rejected.events.length, 1);
  assert.equal(rejected.events[0]?.type, 'rejected');
  assert.equal(core.metrics.rejectsTotal, 1);
  assert.equal(core.metrics.commandsTotal, setup.length + 2);
  assert.equal(core.metrics.ackLatencySeconds.count, setup.length + 2);
  assert.ok(core.metrics.journalFsyncs >= 3);
});

test('1,000 concurrent submits travel in few batches and few journal commits', async (t) => {
  const core = await openCore(t, { dataDir: tempDataDir(t) });
  await core.submitBatch(marketSetup(10));
  const before = { ...core.stats };
  const acks = await Promise.all(
    Array.from({ length: 1_000 }, (_, i) =>
      core.submit(limitOrder(1 + (i % 10), i % 2 === 0 ? 'buy' : 'sell', 4_000 + 100 * (i % 5), 1)),
    ),
  );
  const seqs = acks.map((a) => a.seq);
  assert.deepEqual(
    seqs,
    seqs.map((_, i) => seqs[0]! + i),
  );
  const batches = core.stats.engineBatches - before.engineBatches;
  const commits = core.stats.journalCommits - before.journalCommits;
  assert.equal(core.stats.submitted - before.submitted, 1_000);
  assert.ok(batches <= 5, `engine batches: ${batches}`);
  assert.ok(commits <= 5, `journal commits: ${commits}`);
  assert.deepEqual(await core.query.verify(), []);
});

test('reads after an ack see its effects, in the engine and (after waitFor) in the read models', async (t) => {
  const core = await openCore(t, { dataDir: tempDataDir(t) });
  await core.submitBatch(marketSetup(2));
  const maker = await core.submit(limitOrder(1, 'sell', 6_000, 2));
  const open = await core.query.openOrders(1, MARKET);
  assert.deepEqual(
    open.map((o) => o.orderId),
    [maker.seq],
  );
  // Selling YES without a position opens NO: reserves (payout − price) × qty = 4,000 × 200 micros,
  // plus room for the fee should the order take.
  const [makerBalance] = await core.query.balances(1);
  assert.ok((makerBalance?.reserved ?? 0) >= 800_000);
  assert.equal((makerBalance?.available ?? 0) + (makerBalance?.reserved ?? 0), FUNDING_MICROS);

  const taker = await core.submit(limitOrder(2, 'buy', 6_000, 2, 'ioc'));
  assert.ok(taker.events.some((e) => e.type === 'fill'));
  assert.deepEqual(await core.query.openOrders(1), []);
  const [yes] = await core.query.positions(2);
  const [no] = await core.query.positions(1);
  assert.equal(yes?.positionLots, 200);
  assert.equal(no?.positionLots, -200);
  assert.equal((await core.query.instrument(MARKET))?.lastPriceTicks, 6_000);

  await core.readModels.waitFor(taker.seq);
  const fills = await core.readModels.fills({ accountId: 2 });
  assert.deepEqual(
    fills.items.map((f) => [f.orderId, f.role, f.priceTicks, f.qtyLots]),
    [[taker.seq, 'taker', 6_000, 200]],
  );
  const order = await core.readModels.order(maker.seq);
  assert.equal(order?.status, 'filled');
  const balances = await core.readModels.balances(2);
  assert.deepEqual(
    balances.map((b) => [b.assetId, b.available + b.reserved]),
    (await core.query.balances(2)).map((b) => [b.assetId, b.available + b.reserved]),
  );
  assert.equal(balances[0]?.assetId, USD);
  assert.equal(core.metrics.projectionLagCommands, 0);
});

test('a query never shows a command before it is acknowledged (durable in the journal)', async (t) => {
  const core = await openCore(t, { dataDir: tempDataDir(t) });
  await core.submitBatch(marketSetup(1));
  let seenBeforeAck = 0;
  for (let i = 0; i < 20; i++) {
    let acked = false;
    const placed = core.submit(limitOrder(1, 'buy', 3_000 + 100 * i, 1)).then((a) => {
      acked = true;
      return a;
    });
    // One turn later the order is journaled (not yet durable) and handed to the engine worker.
    await new Promise(setImmediate);
    const open = await core.query.openOrders(1, MARKET);
    if (open.length === i + 1 && !acked) seenBeforeAck++;
    assert.equal(open.length, i + 1, 'a query posted after the batch sees it');
    await placed;
  }
  assert.equal(seenBeforeAck, 0);
});

test('queue positions come from the engine worker and see every acknowledged command', async (t) => {
  const core = await openCore(t, { dataDir: tempDataDir(t) });
  await core.submitBatch(marketSetup(3));
  const [a, b, c] = await core.submitBatch([
    limitOrder(1, 'buy', 4_000, 2),
    limitOrder(2, 'buy', 4_000, 3),
    limitOrder(1, 'buy', 4_000, 1),
  ]);
  assert.deepEqual(await core.query.queuePosition(c!.seq), {
    orderId: c!.seq,
    accountId: 1,
    instrumentId: MARKET,
    side: 'buy',
    priceTicks: 4_000,
    openQtyLots: 100,
    aheadLots: 500,
  });
  // A read after the fill's ack sees it: A filled, B partly, C moved up.
  await core.submit(limitOrder(3, 'sell', 4_000, 3, 'ioc'));
  assert.deepEqual(
    (await core.query.queuePositions(1, MARKET)).map((q) => [q.orderId, q.aheadLots]),
    [[c!.seq, 200]],
  );
  assert.equal((await core.query.queuePosition(b!.seq))?.aheadLots, 0);
  assert.equal(await core.query.queuePosition(a!.seq), undefined, 'filled');
  assert.deepEqual(await core.query.queuePositions(1, 999), []);
});

test('subscribers get every durable batch once, in seq order', async (t) => {
  const core = await openCore(t, { dataDir: tempDataDir(t) });
  const seen: AppliedCommand[] = [];
  const unsubscribe = core.subscribe((batch) => seen.push(...batch));
  await core.submitBatch(marketSetup(4));
  const acks = await Promise.all(
    Array.from({ length: 200 }, (_, i) => core.submit(limitOrder(1 + (i % 4), 'buy', 5_000, 1))),
  );
  assert.deepEqual(
    seen.map((a) => a.seq),
    seen.map((_, i) => i + 1),
  );
  assert.equal(seen.at(-1)?.seq, acks.at(-1)?.seq);
  unsubscribe();
  await core.submit(limitOrder(1, 'buy', 5_000, 1));
  assert.equal(seen.length, acks.at(-1)?.seq);
});

test('a command that cannot be journaled consumes no seq; a closing core refuses work', async (t) => {
  const core = await openCore(t, { dataDir: tempDataDir(t) });
  const cyclic: Record<string, unknown> = { type: 'tick' };
  cyclic.self = cyclic;
  await assert.rejects(core.submit(cyclic as never), (e: unknown) => {
    return e instanceof CoreError && e.code === 'INVALID_COMMAND';
  });
  const tick = await core.submit({ type: 'tick' });
  assert.equal(tick.seq, 1);
  const closing = core.close();
  await assert.rejects(core.submit({ type: 'tick' }), (e: unknown) => {
    return e instanceof CoreError && e.code === 'CORE_CLOSED';
  });
  await closing;
});

test('beyond maxQueuedCommands waiting for an ack, submit refuses with OVERLOADED', async (t) => {
  const core = await openCore(t, { dataDir: tempDataDir(t), maxQueuedCommands: 10 });
  const results = await Promise.allSettled(
    Array.from({ length: 15 }, () => core.submit({ type: 'tick' })),
  );
  const refused = results.filter((r) => r.status === 'rejected');
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 10);
  assert.equal(refused.length, 5);
  for (const r of refused) assert.equal((r.reason as CoreError).code, 'OVERLOADED');
  assert.equal((await core.submit({ type: 'tick' })).seq, 11);
});
