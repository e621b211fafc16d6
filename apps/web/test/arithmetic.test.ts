// The UI's integer arithmetic: price and quantity text ↔ ticks and lots, the binary outcome mapping onto
// the YES book, the ticket's preview (parts closed and opened, the most the fee can be) and its
// problems, and the most a dollar amount buys.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MarketInfo } from '../ui/api/types.ts';
import { parseDecimal, parsePrice, parseQty, price, qty, usd } from '../ui/format/units.ts';
import { fromBook, lotsForBudget, preview, sweep, toBook } from '../ui/market/ticket-math.ts';
import { assessTicket, buildOrder, canRest, EMPTY_TICKET } from '../ui/market/ticket-order.ts';
import { spotValue, valueAccount } from '../ui/portfolio/valuation.ts';
import { binaryMarket } from './support/market-info.ts';

const binary = binaryMarket({
  fees: { kind: 'kalshi', makerRatePpm: 0, takerRatePpm: 70_000, roundingUnit: 10_000 },
});

const spot = {
  ...binary,
  market: 'ACME-USD',
  kind: 'spot',
  spec: {
    kind: 'spot',
    instrumentId: 5,
    symbol: 'ACME-USD',
    tickSize: 1,
    minPriceTicks: 1,
    maxPriceTicks: 1_000_000,
    lotSize: 1,
    moneyPerTickLot: 10_000,
    fees: { kind: 'bps', makerBps: 0, takerBps: 5 },
  },
} as const satisfies MarketInfo;

test('decimal text parses to integers without floats, and refuses junk', () => {
  assert.equal(parseDecimal('12.5', 2), 1250);
  assert.equal(parseDecimal('0.07', 2), 7);
  assert.equal(parseDecimal('3', 0), 3);
  assert.equal(parseDecimal('1.234', 2), undefined);
  assert.equal(parseDecimal('-1', 2), undefined);
  assert.equal(parseDecimal('1e3', 2), undefined);
  assert.equal(parseDecimal('', 2), undefined);
});

test('binary prices read as cents, spot prices as dollars, and parse back on the grid', () => {
  assert.equal(price(binary, 4_200), '42¢');
  assert.equal(parsePrice(binary, '42'), 4_200);
  assert.equal(parsePrice(binary, '42.5'), undefined); // a real tick, but off the cent grid
  assert.equal(price(spot, 15_001), '$150.01');
  assert.equal(parsePrice(spot, '150.01'), 15_001);
  assert.equal(qty(binary, 500), '5');
  assert.equal(parseQty(binary, '5'), 500);
  assert.equal(usd(-1_230_000), '-$1.23');
  assert.equal(usd(998_140_000), '$998.14');
  assert.equal(usd(225_000), '$0.225');
  assert.equal(usd(1), '$0.000001');
});

test('binary outcomes map onto the single YES book', () => {
  assert.deepEqual(toBook(binary, 'yes', 'buy', 4_000), { side: 'buy', priceTicks: 4_000 });
  assert.deepEqual(toBook(binary, 'no', 'buy', 6_000), { side: 'sell', priceTicks: 4_000 });
  assert.deepEqual(toBook(binary, 'no', 'sell', 6_000), { side: 'buy', priceTicks: 4_000 });
  assert.equal(fromBook(binary, 'no', 4_000), 6_000);
  assert.deepEqual(toBook(spot, 'yes', 'sell', 15_000), { side: 'sell', priceTicks: 15_000 });
});

test('the preview reserves the most the fee can be, and splits a sell into what it closes and opens', () => {
  // Buy NO 3 at 60¢: the engine sells YES at 40¢, whose fee can peak at 50¢: 7% × 3 × 0.25 → $0.06.
  assert.deepEqual(preview(binary, 'no', 'buy', 300, 6_000), {
    legs: [{ kind: 'open', outcome: 'no', lots: 300, priceTicks: 6_000, amount: 1_800_000 }],
    fee: 60_000,
    cost: 1_860_000,
    proceeds: 0,
    maxPayout: 3_000_000,
  });
  // Buy YES 5 at 40¢ can fill lower but its fee is largest at 40¢: 7% × 5 × 0.24 = 8.4¢ → 9¢.
  assert.equal(preview(binary, 'yes', 'buy', 500, 4_000).fee, 90_000);
  // Sell YES 5 at 64¢ holding 3 YES: sells the 3, opens 2 NO at 36¢.
  const sell = preview(binary, 'yes', 'sell', 500, 6_400, 300);
  assert.deepEqual(sell.legs, [
    { kind: 'close', outcome: 'yes', lots: 300, priceTicks: 6_400, amount: 1_920_000 },
    { kind: 'open', outcome: 'no', lots: 200, priceTicks: 3_600, amount: 720_000 },
  ]);
  assert.equal(sell.cost, 720_000 + sell.fee);
  assert.equal(sell.proceeds, 1_920_000);
  // 5 bps of 10 × $150.00 = $0.75, paid by a spot seller out of the proceeds.
  const spotSell = preview(spot, 'yes', 'sell', 10, 15_000);
  assert.equal(spotSell.legs[0]?.amount, 1_500_000_000);
  assert.equal(spotSell.fee, 750_000);
  assert.equal(spotSell.proceeds, 1_500_000_000 - 750_000);
  assert.equal(spotSell.cost, 0);
});

test('a dollar amount buys the most whole contracts it pays for, fee included', () => {
  // 31 × 30¢ + 46¢ = $9.76; 32 would cost $10.08.
  assert.equal(lotsForBudget(binary, 'yes', 3_000, 10_000_000), 3_100);
  assert.equal(lotsForBudget(binary, 'yes', 3_000, 9_760_000), 3_100);
  assert.equal(lotsForBudget(binary, 'yes', 3_000, 9_759_999), 3_000);
  assert.equal(lotsForBudget(binary, 'yes', 3_000, 0), 0);
});

test('the ticket names each problem before anything is sent', () => {
  const t = { ...EMPTY_TICKET, qtyText: '5', priceText: '40' };
  const problems = (f: Partial<typeof t>, account?: Parameters<typeof assessTicket>[4]) =>
    assessTicket(binary, { ...t, ...f }, [], [], account).problems.map((p) => p.text);
  assert.deepEqual(problems({}), []);
  assert.deepEqual(problems({ priceText: '150' }), ['Price must be between 1¢ and 99¢.']);
  assert.deepEqual(problems({ priceText: '0' }), ['Price must be between 1¢ and 99¢.']);
  assert.deepEqual(problems({ priceText: '40.5' }), ['Price must be on the 1¢ grid.']);
  assert.deepEqual(problems({ outcome: 'no', priceText: '100' }), [
    'Price must be between 1¢ and 99¢.',
  ]);
  assert.deepEqual(problems({ qtyText: '0' }), ['Enter at least 1 contract.']);
  assert.deepEqual(problems({ qtyText: '1.5' }), ['Quantity must be in steps of 1 contract.']);
  const poor = {
    available: 2_000_000,
    availableBase: undefined,
    base: undefined,
    closableBuy: 0,
    closableSell: 0,
  };
  assert.deepEqual(problems({}, poor), ['Needs $2.09: more than your available $2.00.']);
  assert.deepEqual(problems({ qtyText: '4' }, poor), []);
});

test('a market order sweeps levels up to its worst price', () => {
  const asks = [
    [4_000, 200, 1],
    [4_100, 300, 2],
    [4_500, 1_000, 1],
  ] as const;
  assert.deepEqual(sweep(asks, 'buy', 400, 4_100), {
    notionalTicksLots: 1_620_000,
    filledLots: 400,
  });
  assert.deepEqual(sweep(asks, 'buy', 900, 4_100), {
    notionalTicksLots: 2_030_000,
    filledLots: 500,
  });
});

test('the ticket builds the API order the person described, or says what to fix', () => {
  const bids = [[3_900, 500, 1]] as const;
  const asks = [[4_100, 500, 1]] as const;
  const t = { ...EMPTY_TICKET, qtyText: '3' };
  assert.deepEqual(
    buildOrder(binary, { ...t, outcome: 'no', priceText: '60', postOnly: true }, bids, asks),
    {
      order: {
        market: 'RAIN',
        side: 'sell',
        type: 'limit',
        qtyLots: 300,
        priceTicks: 4_000,
        tif: 'gtc',
        postOnly: true,
      },
    },
  );
  // A market buy of YES is protected ten cents beyond the best ask unless a worst price is typed.
  assert.deepEqual(buildOrder(binary, { ...t, type: 'market' }, bids, asks), {
    order: {
      market: 'RAIN',
      side: 'buy',
      type: 'market',
      qtyLots: 300,
      worstPriceTicks: 5_100,
      tif: 'ioc',
    },
  });
  assert.deepEqual(buildOrder(binary, { ...t, type: 'market', worstText: '45' }, bids, asks), {
    order: {
      market: 'RAIN',
      side: 'buy',
      type: 'market',
      qtyLots: 300,
      worstPriceTicks: 4_500,
      tif: 'ioc',
    },
  });
  assert.deepEqual(buildOrder(binary, { ...t, type: 'market' }, bids, []), {
    error: 'No liquidity to protect against: set a worst price.',
  });
  assert.deepEqual(buildOrder(binary, { ...t, priceText: '40.5' }, bids, asks), {
    error: 'Price must be on the 1¢ grid.',
  });
  assert.deepEqual(buildOrder(binary, { ...t, priceText: '40', tif: 'gtd' }, bids, asks), {
    error: 'Choose when the order expires.',
  });
  assert.deepEqual(buildOrder(binary, { ...t, qtyText: '0' }, bids, asks), {
    error: 'Enter at least 1 contract.',
  });
  const stop = buildOrder(
    binary,
    { ...t, type: 'stopLimit', stopText: '45', priceText: '46' },
    bids,
    asks,
  );
  assert.deepEqual(stop, {
    order: {
      market: 'RAIN',
      side: 'buy',
      type: 'stopLimit',
      qtyLots: 300,
      priceTicks: 4_600,
      stopPriceTicks: 4_500,
      tif: 'gtc',
    },
  });
  // Market buy preview sweeps the ask: 3 × 41¢, and the fee at its worst (the 51¢ protection, so 50¢).
  const market = assessTicket(binary, { ...t, type: 'market' }, bids, asks).preview;
  assert.equal(market?.legs[0]?.amount, 1_230_000);
  assert.equal(market?.fee, 60_000);
  assert.equal(market?.maxPayout, 3_000_000);
});

test('cancel-if-trading-pauses is sent only for orders that can rest or wait as a stop', () => {
  const bids = [[3_900, 500, 1]] as const;
  const asks = [[4_100, 500, 1]] as const;
  const t = { ...EMPTY_TICKET, qtyText: '3', priceText: '40', cancelOnPause: true };
  const sent = (f: typeof t) => {
    const built = buildOrder(binary, f, bids, asks);
    assert.ok('order' in built, JSON.stringify(built));
    return built.order.cancelOnPause;
  };
  assert.equal(sent(t), true);
  assert.equal(sent({ ...t, tif: 'gtd', expiry: '2030-01-01T12:00' }), true);
  assert.equal(sent({ ...t, type: 'stop', stopText: '45' }), true);
  assert.equal(sent({ ...t, type: 'stopLimit', stopText: '45', tif: 'ioc' }), true);
  assert.equal(sent({ ...t, tif: 'ioc' }), undefined);
  assert.equal(sent({ ...t, tif: 'fok' }), undefined);
  assert.equal(sent({ ...t, type: 'market' }), undefined);
  assert.equal(sent({ ...t, cancelOnPause: false }), undefined);
  assert.equal(canRest(EMPTY_TICKET), true);
  assert.equal(canRest({ ...EMPTY_TICKET, type: 'market' }), false);
  assert.equal(canRest({ ...EMPTY_TICKET, tif: 'ioc' }), false);
});

test('account value: USD cash, event positions at mark, spot holdings at the last price', () => {
  const acme = {
    ...spot,
    lastPriceTicks: 15_000,
    spec: { ...spot.spec, baseAssetId: 2, quoteAssetId: 1, baseUnitsPerLot: 100 },
  } satisfies MarketInfo;
  const balances = [
    { accountId: 7, assetId: 1, asset: 'USD', available: 5_000_000, reserved: 1_000_000 },
    { accountId: 7, assetId: 2, asset: 'ACME', available: 250, reserved: 50 },
  ];
  const position = {
    instrumentId: 1,
    market: 'RAIN',
    positionLots: 300,
    costBasis: 1_200_000,
    realisedPnl: 0,
    feesPaid: 0,
    markPriceTicks: 4_500,
    marketValue: 1_350_000,
    unrealisedPnl: 150_000,
  };
  const v = valueAccount(balances, [position], [binary, acme], 1);
  // 300 base units = 3 shares × $150.00
  assert.deepEqual(v, {
    cash: 6_000_000,
    holdings: 450_000_000,
    positions: 1_350_000,
    total: 457_350_000,
  });
  assert.equal(spotValue({ ...acme, lastPriceTicks: null }, 100), undefined);
});
