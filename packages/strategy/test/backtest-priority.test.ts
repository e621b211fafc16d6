// The backtest matches the strategy's orders with the real engine against the recorded book: an order
// it places joins its price level behind the quantity that rested there before it and ahead of what
// rested later, latency moves it back in the queue, it fills only at prices the recorded book had, and
// a recorded command its presence made invalid is refused. Same inputs give the same report bytes.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CENTS_BINARY_GRID, type Command, Engine, type InstrumentSpec } from '@bourse/engine';
import {
  BACKTEST_ACCOUNT_ID,
  type BacktestSettings,
  reportJson,
  runBacktest,
  type Strategy,
} from '../src/index.ts';

const T0 = 1_700_000_000_000;
const MARKET = 'RAIN-YES';
const SPEC: InstrumentSpec = {
  kind: 'binary',
  instrumentId: 7,
  symbol: MARKET,
  seriesTicker: 'RAIN',
  eventTicker: 'RAIN',
  title: 'Rain',
  settlementAssetId: 1,
  ...CENTS_BINARY_GRID,
  fees: { kind: 'none' },
  limits: { maxOrderQtyLots: 0, maxOrderNotional: 0, maxPositionLots: 0, priceBandTicks: 0 },
};

type Body = Record<string, unknown> & { type: Command['type'] };
const limit = { type: 'placeOrder', orderType: 'limit', tif: 'gtc', instrumentId: 7 } as const;

/** Set-up (before the window), then timed bodies: seq and orderId = position, as a core stamps them. */
function history(timed: readonly (readonly [number, Body])[]): {
  setup: Command[];
  rest: Command[];
} {
  const setup: Body[] = [
    { type: 'createAsset', assetId: 1, code: 'USD', scale: 1_000_000 },
    ...[1, 2, 3].flatMap((a): Body[] => [
      { type: 'createAccount', accountId: a, userId: a, subaccount: 0 },
      { type: 'deposit', accountId: a, assetId: 1, amount: 1_000_000_000 },
    ]),
    { type: 'createInstrument', spec: SPEC },
    { type: 'setMarketStatus', instrumentId: 7, status: 'open' },
  ];
  const all = [...setup.map((b) => [T0, b] as const), ...timed];
  const commands = all.map(([ts, body], i) => {
    const seq = i + 1;
    return { ...body, seq, ts, ...(body.type === 'placeOrder' ? { orderId: seq } : {}) } as Command;
  });
  return { setup: commands.slice(0, setup.length), rest: commands.slice(setup.length) };
}

/** Sells 200 lots at 50 ¢ once, at its first timer tick (T0 + 1.5 s). */
function joiner(): Strategy {
  let sent = false;
  return {
    markets: [MARKET],
    timerMs: 1_500,
    onTimer() {
      if (sent) return;
      sent = true;
      return [
        {
          type: 'place',
          clientOrderId: 'join-1',
          market: MARKET,
          side: 'sell',
          priceTicks: 5_000,
          qtyLots: 200,
        },
      ];
    },
  };
}

const RESTING: readonly (readonly [number, Body])[] = [
  [T0 + 1_000, { ...limit, accountId: 1, side: 'sell', priceTicks: 5_000, qtyLots: 300 }], // before
  [T0 + 2_000, { ...limit, accountId: 2, side: 'sell', priceTicks: 5_000, qtyLots: 200 }], // after
  [T0 + 2_500, { ...limit, accountId: 2, side: 'sell', priceTicks: 5_100, qtyLots: 100 }],
  [T0 + 3_000, { ...limit, accountId: 3, side: 'buy', priceTicks: 5_000, qtyLots: 200 }],
  [T0 + 4_000, { ...limit, accountId: 3, side: 'buy', priceTicks: 5_000, qtyLots: 200 }],
  [T0 + 5_000, { ...limit, accountId: 3, side: 'buy', priceTicks: 5_000, qtyLots: 200 }],
];

function run(latencyMs: number, strategy: Strategy = joiner()) {
  const { setup, rest } = history(RESTING);
  const engine = new Engine();
  for (const c of setup) engine.apply(c);
  const settings: BacktestSettings = {
    from: T0 + 1,
    to: T0 + 10_000,
    latencyMs,
    fees: true,
    cash: 1_000_000_000,
    accountId: BACKTEST_ACCOUNT_ID,
  };
  const result = runBacktest(engine, rest, strategy, settings);
  return { engine, result };
}

test('a joining order fills after the quantity that rested before it and before what rested later', () => {
  const { engine, result } = run(0);
  assert.deepEqual(
    result.fills.map((f) => [f.ts - T0, f.role, f.side, f.priceTicks, f.qtyLots, f.openQtyLots]),
    [
      [4_000, 'maker', 'sell', 5_000, 100, 100],
      [5_000, 'maker', 'sell', 5_000, 100, 0],
    ],
  );
  // The order that rested later at the same price has waited for it: 100 of its 200 lots are left.
  const later = engine.openOrders(2).find((o) => o.priceTicks === 5_000);
  assert.equal(later?.openQtyLots, 100);
  assert.equal(engine.openOrders(1).length, 0, 'the earlier order filled in full first');
  assert.equal(result.summary.fills, 2);
  assert.equal(result.markets[0]!.positionLots, -200);
  // Sold 200 lots of YES at 5,000 ticks: 200 NO lots that cost 1,000,000 micros; no bid is left, so
  // they are marked at the last trade (5,000): flat.
  assert.equal(result.markets[0]!.costBasis, 1_000_000);
  assert.equal(result.markets[0]!.markTicks, 5_000);
  assert.equal(result.summary.pnl, 0);
});

test('latency puts the order behind what was recorded while it travelled', () => {
  const { engine, result } = run(1_000);
  // It reaches the engine at T0 + 2.5 s, after the order recorded at T0 + 2 s.
  assert.deepEqual(
    result.fills.map((f) => [f.ts - T0, f.priceTicks, f.qtyLots]),
    [[5_000, 5_000, 100]],
  );
  assert.equal(engine.openOrders(2).filter((o) => o.priceTicks === 5_000).length, 0);
  assert.deepEqual(
    engine.openOrders(BACKTEST_ACCOUNT_ID).map((o) => o.openQtyLots),
    [100],
    'half of it is still queued',
  );
});

test('every fill is at a price the recorded book had resting or crossing it', () => {
  const taker: Strategy = {
    markets: [MARKET],
    timerMs: 2_700,
    onTimer: () => [
      {
        type: 'place',
        clientOrderId: 't1',
        market: MARKET,
        side: 'buy',
        priceTicks: 9_900,
        qtyLots: 600,
        tif: 'ioc',
      },
    ],
  };
  const { result } = run(0, taker);
  // At T0 + 2.7 s the asks are 300 + 200 lots at 5,000 and 100 at 5,100: the buy takes them in order.
  assert.deepEqual(
    result.fills.map((f) => [f.role, f.priceTicks, f.qtyLots]),
    [
      ['taker', 5_000, 300],
      ['taker', 5_000, 200],
      ['taker', 5_100, 100],
    ],
  );
  // The recorded buys at T0 + 3..5 s find no sellers left: they rest instead of trading.
  assert.equal(result.recorded.rejected, 0);
  assert.equal(result.markets[0]!.positionLots, 600);
});

test('a recorded command the strategy made invalid is refused by the engine', () => {
  const { setup, rest } = history([
    ...RESTING.slice(0, 1),
    // The recorded owner cancels its order (seq of the order: setup + 1) after the strategy took it.
    [T0 + 6_000, { type: 'cancelOrder', accountId: 1, orderId: setupLength() + 1 }],
  ]);
  const engine = new Engine();
  for (const c of setup) engine.apply(c);
  const taker: Strategy = {
    markets: [MARKET],
    timerMs: 3_000,
    onTimer: (v) =>
      v.position(MARKET) > 0
        ? []
        : [
            {
              type: 'place',
              clientOrderId: 'take',
              market: MARKET,
              side: 'buy',
              priceTicks: 5_000,
              qtyLots: 300,
              tif: 'ioc',
            },
          ],
  };
  const settings: BacktestSettings = {
    from: T0 + 1,
    to: T0 + 10_000,
    latencyMs: 0,
    fees: false,
    cash: 1_000_000_000,
    accountId: BACKTEST_ACCOUNT_ID,
  };
  const result = runBacktest(engine, rest, taker, settings);
  assert.equal(result.recorded.commands, 2);
  assert.equal(result.recorded.rejected, 1, 'the cancel of an order already filled is refused');
  assert.equal(result.summary.fills, 1);
});

function setupLength(): number {
  return history([]).setup.length;
}

test('the same inputs give byte-identical reports', () => {
  const meta = { strategy: 'joiner.ts', params: {} };
  const a = reportJson(run(250).result, meta);
  const b = reportJson(run(250).result, meta);
  assert.equal(a, b);
  assert.match(a, /"format": "bourse-backtest\/1"/);
  assert.notEqual(a, reportJson(run(0).result, meta), 'the latency shows in the report');
});

test('P&L comes from the engine’s books: settlement realises it, and --fees takes the fees off', () => {
  const { setup, rest } = history([
    RESTING[0]!,
    [T0 + 7_000, { type: 'setMarketStatus', instrumentId: 7, status: 'closed' }],
    [T0 + 8_000, { type: 'settleMarket', instrumentId: 7, result: 'yes' }],
  ]);
  const taker: Strategy = {
    markets: [MARKET],
    timerMs: 3_000,
    onTimer: (v) =>
      v.position(MARKET) > 0
        ? []
        : [
            {
              type: 'place',
              clientOrderId: 'take',
              market: MARKET,
              side: 'buy',
              priceTicks: 5_000,
              qtyLots: 200,
              tif: 'ioc',
            },
          ],
  };
  const withFees = (fees: boolean) => {
    const engine = new Engine();
    // The same history on a market that charges a taker fee of 1 % of the notional.
    for (const c of setup) {
      engine.apply(
        c.type === 'createInstrument'
          ? { ...c, spec: { ...SPEC, fees: { kind: 'bps', makerBps: 0, takerBps: 100 } } }
          : c,
      );
    }
    return runBacktest(engine, rest, taker, {
      from: T0 + 1,
      to: T0 + 10_000,
      latencyMs: 0,
      fees,
      cash: 1_000_000_000,
      accountId: BACKTEST_ACCOUNT_ID,
    });
  };
  const net = withFees(true);
  const gross = withFees(false);
  const m = net.markets[0]!;
  // Bought 200 YES lots at 5,000 (1,000,000 micros); YES paid 10,000 a lot: +1,000,000 realised.
  assert.equal(m.realisedPnl, 1_000_000);
  assert.equal(m.positionLots, 0);
  assert.equal(m.settledTicks, 10_000);
  assert.equal(m.fees, 10_000);
  assert.equal(net.summary.pnl, 990_000);
  assert.equal(gross.summary.pnl, 1_000_000);
  assert.equal(gross.summary.fees, 10_000, 'fees are reported either way');
});
