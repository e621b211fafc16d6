// Given engine events, when the hub flushes, then snapshot + deltas rebuild exactly the engine's book.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EngineEvent } from '@bourse/engine';
import { type Level, MarketDataHub, type MarketMessage } from '../src/index.ts';
import { spec } from './support/rain-market.ts';

function level(side: 'buy' | 'sell', p: number, q: number, c: number): EngineEvent {
  return { type: 'bookLevel', instrumentId: 7, side, priceTicks: p, qtyLots: q, orderCount: c };
}

function rebuild(snapshotBids: readonly Level[], deltas: MarketMessage[]) {
  const bids = new Map(snapshotBids.map((l) => [l[0], l]));
  const asks = new Map<number, Level>();
  for (const m of deltas) {
    if (m.channel !== 'book' || m.type !== 'delta') continue;
    for (const l of m.bids) l[1] === 0 ? bids.delete(l[0]) : bids.set(l[0], l);
    for (const l of m.asks) l[1] === 0 ? asks.delete(l[0]) : asks.set(l[0], l);
  }
  return {
    bids: [...bids.values()].sort((a, b) => b[0] - a[0]),
    asks: [...asks.values()].sort((a, b) => a[0] - b[0]),
  };
}

test('deltas are batched per flush with a per-market seq rising by one', () => {
  const hub = new MarketDataHub();
  hub.load(spec, 'open', undefined, { instrumentId: 7, bids: [[4000, 100, 1]], asks: [] });
  const before = hub.snapshot(7);
  assert.equal(before?.seq, 0);
  hub.apply({
    seq: 10,
    ts: 1_000,
    events: [level('buy', 4100, 200, 1), level('sell', 4500, 100, 1)],
  });
  hub.apply({ seq: 11, ts: 1_001, events: [level('buy', 4100, 300, 2), level('buy', 4000, 0, 0)] });
  // A snapshot taken before the flush must not contain the unsent changes.
  assert.deepEqual(hub.snapshot(7)?.bids, [[4000, 100, 1]]);
  const out = hub.flush();
  const deltas = out.filter((m) => m.channel === 'book');
  assert.equal(deltas.length, 1);
  assert.equal(deltas[0]?.seq, 1);
  assert.deepEqual(rebuild(before?.bids ?? [], out), {
    bids: [[4100, 300, 2]],
    asks: [[4500, 100, 1]],
  });
  assert.deepEqual(hub.snapshot(7), {
    channel: 'book',
    type: 'snapshot',
    market: 'RAIN-26-YES',
    instrumentId: 7,
    seq: 1,
    bids: [[4100, 300, 2]],
    asks: [[4500, 100, 1]],
  });
  assert.deepEqual(hub.flush(), []);
});

test('a delta already flushed keeps its levels when the same level changes again', () => {
  const hub = new MarketDataHub();
  hub.load(spec, 'open', undefined);
  hub.apply({ seq: 1, ts: 1, events: [level('buy', 4100, 200, 1)] });
  const first = hub.flush().find((m) => m.channel === 'book');
  hub.apply({ seq: 2, ts: 2, events: [level('buy', 4100, 500, 3), level('buy', 4100, 400, 2)] });
  const second = hub.flush().find((m) => m.channel === 'book');
  assert.deepEqual(first?.type === 'delta' && first.bids, [[4100, 200, 1]]);
  assert.deepEqual(second?.type === 'delta' && second.bids, [[4100, 400, 2]]);
});

test('a level set and removed in the same turn emits no delta', () => {
  const hub = new MarketDataHub();
  hub.load(spec, 'open', undefined);
  hub.apply({ seq: 1, ts: 1, events: [level('buy', 4100, 200, 1), level('buy', 4100, 0, 0)] });
  assert.deepEqual(
    hub.flush().filter((m) => m.channel === 'book'),
    [],
  );
  assert.equal(hub.snapshot(7)?.seq, 0);
});

test('fills become trades, last price and rolling 24h volume in the ticker', () => {
  const hub = new MarketDataHub();
  hub.apply({ seq: 1, ts: 0, events: [{ type: 'instrumentCreated', spec }] });
  const fill = (tradeId: number, ts: number, qtyLots: number) => ({
    seq: tradeId,
    ts,
    events: [
      {
        type: 'fill',
        tradeId,
        instrumentId: 7,
        takerOrderId: 1,
        makerOrderId: 2,
        takerAccountId: 1,
        makerAccountId: 2,
        takerSide: 'buy',
        priceTicks: 4200,
        qtyLots,
        takerFee: 0,
        makerFee: 0,
        takerOpenQtyLots: 0,
        makerOpenQtyLots: 0,
      } satisfies EngineEvent,
    ],
  });
  hub.apply(fill(1, 60_000, 100));
  hub.apply(fill(2, 120_000, 300));
  const out = hub.flush();
  const trades = out.find((m) => m.channel === 'trades');
  assert.equal(trades?.channel === 'trades' && trades.trades.length, 2);
  const ticker = out.find((m) => m.channel === 'ticker');
  assert.equal(ticker?.channel === 'ticker' && ticker.volume24hLots, 400);
  assert.equal(ticker?.channel === 'ticker' && ticker.lastPriceTicks, 4200);
  hub.apply(fill(3, 60_000 + 24 * 3_600_000, 50));
  const later = hub.flush().find((m) => m.channel === 'ticker');
  // The first minute's 100 lots fell out of the window.
  assert.equal(later?.channel === 'ticker' && later.volume24hLots, 350);
});

test('markets resolve by symbol or numeric id', () => {
  const hub = new MarketDataHub();
  hub.load(spec, 'created', undefined);
  assert.equal(hub.resolve('RAIN-26-YES'), 7);
  assert.equal(hub.resolve('7'), 7);
  assert.equal(hub.resolve(7), 7);
  assert.equal(hub.resolve('NOPE'), undefined);
});

test('seeded history counts in the 24h volume and ages out like live trades', () => {
  const hub = new MarketDataHub();
  hub.load(spec, 'open', 4200);
  hub.seedVolume(7, [
    { ts: 0, qtyLots: 100 },
    { ts: 3_600_000, qtyLots: 200 },
  ]);
  assert.equal(hub.ticker(7)?.volume24hLots, 300);
  hub.seedVolume(7, [{ ts: 24 * 3_600_000 + 60_000, qtyLots: 1 }]);
  assert.equal(hub.ticker(7)?.volume24hLots, 201);
});

test('an exchange halt reaches every market’s ticker in the same flush, and so does the resume', () => {
  const hub = new MarketDataHub();
  hub.load(spec, 'open', undefined);
  hub.load({ ...spec, instrumentId: 8, symbol: 'SNOW-26-YES' }, 'open', undefined);
  hub.flush();
  assert.equal(hub.ticker(7)?.tradingHalted, false);
  hub.apply({ seq: 5, ts: 2_000, events: [{ type: 'haltChanged', halted: true }] });
  const halted = hub.flush().filter((m) => m.channel === 'ticker');
  assert.deepEqual(
    halted.map((m) => m.channel === 'ticker' && [m.market, m.status, m.tradingHalted]),
    [
      ['RAIN-26-YES', 'open', true],
      ['SNOW-26-YES', 'open', true],
    ],
  );
  hub.apply({ seq: 6, ts: 3_000, events: [{ type: 'haltChanged', halted: false }] });
  const resumed = hub.flush();
  assert.equal(resumed.length, 2);
  assert.ok(resumed.every((m) => m.channel === 'ticker' && !m.tradingHalted));
});

test('a hub started on a halted exchange says so before any event', () => {
  const hub = new MarketDataHub();
  hub.load(spec, 'open', undefined);
  hub.setHalted(true);
  assert.equal(hub.ticker(7)?.tradingHalted, true);
});

test('a circuit breaker’s pause is on the ticker with its reopening time, and so is the reopening', () => {
  const hub = new MarketDataHub();
  hub.load(spec, 'open', undefined);
  hub.flush();
  const config = { moveTicks: 500, moveBps: 0, windowMs: 10_000, pauseMs: 30_000, bandTicks: 0 };
  const breaker = (reopensAt: number | null): EngineEvent => ({
    type: 'circuitBreakerChanged',
    instrumentId: 7,
    breaker: config,
    referencePriceTicks: 5_000,
    reopensAt,
  });
  const status = (s: 'open' | 'paused'): EngineEvent => ({
    type: 'marketStatusChanged',
    instrumentId: 7,
    status: s,
  });
  const tickers = () =>
    hub
      .flush()
      .flatMap((m) => (m.channel === 'ticker' ? [[m.status, m.pausedByBreaker, m.reopensAt]] : []));
  hub.apply({ seq: 5, ts: 2_000, events: [breaker(32_000), status('paused')] });
  assert.deepEqual(tickers(), [['paused', true, 32_000]]);
  hub.apply({ seq: 6, ts: 32_000, events: [status('open'), breaker(null)] });
  assert.deepEqual(tickers(), [['open', false, null]]);
  // A market loaded while its breaker keeps it paused says so before any event.
  const restarted = new MarketDataHub();
  restarted.load(spec, 'paused', undefined, undefined, 32_000);
  assert.deepEqual(
    [restarted.ticker(7)?.pausedByBreaker, restarted.ticker(7)?.reopensAt],
    [true, 32_000],
  );
});
