// The pure translation layer: Kalshi's fixed-point strings against engine integers, the direction
// model, the status vocabularies, error mapping, price grids, the bids-only book shape and the signed
// level changes `orderbook_delta` is made of.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BinarySpec } from '@bourse/engine';
import {
  bookSide,
  formatLots,
  formatMicros,
  formatTicks,
  hundredthsToLots,
  kalshiBook,
  kalshiMarketStatus,
  kalshiOrderStatus,
  legacyBookSide,
  marketStatusFilter,
  microsToCents,
  microsToTicks,
  orderStatusFilter,
  outcomeSide,
  parseCountToHundredths,
  parseDollarsToMicros,
  priceLevelStructure,
  priceRanges,
  toKalshiError,
} from '../src/index.ts';
import { parseCentsPrice, parseOrderPrice } from '../src/price-grid.ts';
import { parseLegacyPrice } from '../src/rest/order-request.ts';
import { BookMirror } from '../src/ws/book-mirror.ts';
import { CENTS_BINARY_GRID } from '@bourse/engine';

const spec: BinarySpec = {
  kind: 'binary',
  instrumentId: 1,
  symbol: 'T-26-YES',
  seriesTicker: 'T',
  eventTicker: 'T-26',
  title: 'T',
  settlementAssetId: 1,
  ...CENTS_BINARY_GRID,
  fees: { kind: 'none' },
  limits: { maxOrderQtyLots: 0, maxOrderNotional: 0, maxPositionLots: 0, priceBandTicks: 0 },
};
const deci: BinarySpec = {
  ...spec,
  tickSize: 10,
  minPriceTicks: 10,
  maxPriceTicks: 9_990,
  lotSize: 1,
};

test('dollar strings parse exactly into micro-dollars and ticks', () => {
  assert.equal(parseDollarsToMicros('0.56'), 560_000);
  assert.equal(parseDollarsToMicros('0.5600'), 560_000);
  assert.equal(parseDollarsToMicros('12'), 12_000_000);
  assert.equal(parseDollarsToMicros('0.123456'), 123_456);
  for (const bad of ['0.1234567', '-0.5', '1e-2', '.5', '0,5', '', ' 0.5', 0.5]) {
    assert.equal(parseDollarsToMicros(bad), undefined, String(bad));
  }
  assert.equal(microsToTicks(420_000, spec), 4_200);
  assert.equal(microsToTicks(420_050, spec), undefined);
});

test('counts parse to hundredths and lots; formats have fixed decimals', () => {
  assert.equal(parseCountToHundredths('10'), 1_000);
  assert.equal(parseCountToHundredths('10.5'), 1_050);
  assert.equal(parseCountToHundredths('10.50'), 1_050);
  assert.equal(parseCountToHundredths(3), 300);
  assert.equal(parseCountToHundredths('1.005'), undefined);
  assert.equal(parseCountToHundredths(1.5), undefined);
  assert.equal(hundredthsToLots(1_050, spec), 1_050);
  assert.equal(hundredthsToLots(1_055, { payoutTicks: 10_000, lotsPerContract: 10 }), undefined);
  assert.equal(formatLots(400, spec), '4.00');
  assert.equal(formatLots(-450, spec), '-4.50');
  assert.equal(formatTicks(4_200, spec), '0.4200');
  assert.equal(formatTicks(10_000, spec), '1.0000');
  assert.equal(formatMicros(97_530_000), '97.5300');
  assert.equal(formatMicros(17_500), '0.0175');
  assert.equal(formatMicros(1), '0.000001');
  assert.equal(formatMicros(-70_000), '-0.0700');
  assert.equal(microsToCents(97_539_999), 9_753);
});

test('order prices must be strictly inside (0, 1), on the grid and in the band', () => {
  assert.equal(parseOrderPrice(spec, 'price', '0.42'), 4_200);
  assert.equal(parseOrderPrice(deci, 'price', '0.425'), 4_250);
  for (const bad of ['0', '0.00', '1', '1.00', '0.405', '0.999', 'x']) {
    assert.throws(() => parseOrderPrice(spec, 'price', bad), { code: 'invalid_price' }, bad);
  }
  assert.equal(parseCentsPrice(spec, 'yes_price', 7), 700);
  assert.throws(() => parseCentsPrice(spec, 'yes_price', 100), { code: 'invalid_price' });
  assert.equal(priceLevelStructure(spec), 'linear_cent');
  assert.equal(priceLevelStructure(deci), 'deci_cent');
  assert.deepEqual(priceRanges(deci), [{ start: '0.0000', end: '1.0000', step: '0.0010' }]);
});

test('a grid that starts half a cent in: prices are judged by the engine rule, NO prices as YES', () => {
  const offset: BinarySpec = { ...spec, minPriceTicks: 50, maxPriceTicks: 9_950 };
  assert.equal(parseOrderPrice(offset, 'price', '0.015'), 150);
  assert.throws(() => parseOrderPrice(offset, 'price', '0.02'), {
    code: 'invalid_price',
    message: /grid of 0\.0050 plus multiples of 0\.0100/,
  });
  assert.equal(parseLegacyPrice(offset, { no_price_dollars: '0.985' }), 150);
  assert.throws(() => parseLegacyPrice(offset, { no_price_dollars: '0.98' }), {
    code: 'invalid_price',
  });
  // On the cent grid from 1¢ a NO price of 99.5¢ would be 0.5¢ YES: off the grid and below it.
  assert.throws(() => parseLegacyPrice(deci, { no_price_dollars: '0.9995' }), {
    code: 'invalid_price',
  });
});

test('direction: bid buys YES, ask sells YES (buys NO); legacy pairs map onto them', () => {
  assert.deepEqual([bookSide('buy'), outcomeSide('buy')], ['bid', 'yes']);
  assert.deepEqual([bookSide('sell'), outcomeSide('sell')], ['ask', 'no']);
  assert.equal(legacyBookSide('buy', 'yes'), 'bid');
  assert.equal(legacyBookSide('sell', 'no'), 'bid');
  assert.equal(legacyBookSide('buy', 'no'), 'ask');
  assert.equal(legacyBookSide('sell', 'yes'), 'ask');
});

test('status vocabularies: filters and responses are different words', () => {
  assert.equal(kalshiMarketStatus('open'), 'active');
  assert.equal(kalshiMarketStatus('paused'), 'inactive');
  assert.equal(kalshiMarketStatus('settled'), 'finalized');
  assert.deepEqual(marketStatusFilter('open,paused'), new Set(['open', 'paused']));
  assert.equal(marketStatusFilter('active'), undefined);
  assert.equal(kalshiOrderStatus('open'), 'resting');
  assert.equal(kalshiOrderStatus('filled'), 'executed');
  assert.equal(kalshiOrderStatus('cancelled'), 'canceled');
  assert.equal(kalshiOrderStatus('rejected'), undefined);
  assert.equal(orderStatusFilter('canceled'), 'cancelled');
  assert.equal(orderStatusFilter('cancelled'), undefined);
});

test('native and engine codes map to Kalshi codes and statuses', () => {
  const native = (code: string) => toKalshiError({ name: 'ApiError', code, message: code });
  const cases: [string, string, number][] = [
    ['DUPLICATE_CLIENT_ORDER_ID', 'order_already_exists', 409],
    ['INSUFFICIENT_FUNDS', 'insufficient_balance', 400],
    ['PRICE_OFF_GRID', 'invalid_price', 400],
    ['QTY_NOT_LOT_MULTIPLE', 'invalid_count', 400],
    ['MARKET_NOT_FOUND', 'market_not_found', 404],
    ['ORDER_NOT_FOUND', 'order_not_found', 404],
    ['ORDER_NOT_RESTING', 'order_not_resting', 400],
    ['BAD_SIGNATURE', 'unauthorized', 401],
    ['TIMESTAMP_OUT_OF_WINDOW', 'unauthorized', 401],
    ['FORBIDDEN', 'forbidden', 403],
    ['RATE_LIMITED', 'rate_limited', 429],
    ['POST_ONLY_WOULD_CROSS', 'post_only_cross', 400],
    ['MARKET_NOT_OPEN', 'market_closed', 400],
    ['VALIDATION_FAILED', 'invalid_parameters', 400],
  ];
  for (const [code, kalshi, status] of cases) {
    const e = native(code);
    assert.deepEqual([code, e.code, e.status], [code, kalshi, status]);
    assert.deepEqual(Object.keys(e.body().error).sort(), ['code', 'details', 'message', 'service']);
  }
  assert.equal(toKalshiError(new Error('boom')).status, 500);
  assert.equal(toKalshiError({ code: 'CORE_CLOSED' }).code, 'service_unavailable');
});

test('the book is bids only on both legs, ascending, best last; depth keeps the best', () => {
  const bids = [
    [4_000, 1_000, 1],
    [3_900, 500, 1],
  ] as const;
  const asks = [
    [4_500, 300, 1],
    [4_700, 200, 2],
  ] as const;
  assert.deepEqual(kalshiBook(spec, bids, asks), {
    yes_dollars: [
      ['0.3900', '5.00'],
      ['0.4000', '10.00'],
    ],
    no_dollars: [
      ['0.5300', '2.00'],
      ['0.5500', '3.00'],
    ],
  });
  assert.deepEqual(kalshiBook(spec, bids, asks, 1), {
    yes_dollars: [['0.4000', '10.00']],
    no_dollars: [['0.5500', '3.00']],
  });
});

test('the mirror turns absolute level sizes into signed deltas and matches the new book', () => {
  const m = new BookMirror([[4_000, 1_000, 1]], [[4_500, 300, 1]]);
  assert.deepEqual(
    m.apply('buy', [
      [4_000, 600, 1],
      [4_100, 200, 1],
    ]),
    [
      { side: 'buy', priceTicks: 4_000, deltaLots: -400 },
      { side: 'buy', priceTicks: 4_100, deltaLots: 200 },
    ],
  );
  assert.deepEqual(m.apply('sell', [[4_500, 0, 0]]), [
    { side: 'sell', priceTicks: 4_500, deltaLots: -300 },
  ]);
  assert.deepEqual(m.apply('sell', [[4_500, 0, 0]]), []);
  assert.deepEqual(m.levels(), {
    bids: [
      [4_100, 200],
      [4_000, 600],
    ],
    asks: [],
  });
});
