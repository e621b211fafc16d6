// The P&L rules of pnl.ts on worked numbers: a binary position opened, partly closed, flipped through
// zero and settled; the cash each fill moves; values and unrealised P&L of YES, NO, spot long and spot
// short positions; a spot holding's value rounded down. The seeded simulation checks the same rules
// inside matching against money conservation; this pins what each figure means.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  binaryCloses,
  binaryFillCash,
  bookBinaryFill,
  bookSpotFill,
  positionValue,
  realisedAfterFees,
  settlementPayout,
  spotHoldingValue,
  unrealisedPnl,
} from '../src/index.ts';

const BINARY = { kind: 'binary', payoutTicks: 10_000, moneyPerTickLot: 1 } as const;
const SPOT = { kind: 'spot', moneyPerTickLot: 2, baseUnitsPerLot: 1_000 } as const;

test('a binary position opened, partly closed, flipped to NO and settled', () => {
  const pos = { lots: 0, costBasis: 0, realisedPnl: 0 };
  assert.equal(bookBinaryFill(pos, true, 4_000, 300, 10_000, 1), 0);
  assert.deepEqual(pos, { lots: 300, costBasis: 1_200_000, realisedPnl: 0 });
  assert.equal(binaryFillCash(true, 4_000, 300, 0, 10_000, 1), -1_200_000);
  // Selling 100 of 300 YES at 45¢ closes a third of the cost.
  assert.equal(bookBinaryFill(pos, false, 4_500, 100, 10_000, 1), 100);
  assert.deepEqual(pos, { lots: 200, costBasis: 800_000, realisedPnl: 50_000 });
  // Selling 300 at 50¢ closes the 200 left and opens 100 NO at 50¢.
  assert.equal(binaryCloses(pos.lots, false, 300), 200);
  assert.equal(binaryFillCash(false, 5_000, 300, 200, 10_000, 1), 1_000_000 - 500_000);
  assert.equal(bookBinaryFill(pos, false, 5_000, 300, 10_000, 1), 200);
  assert.deepEqual(pos, { lots: -100, costBasis: 500_000, realisedPnl: 250_000 });
  // NO is valued at payout − mark: at 30¢ YES the 100 NO are worth 70¢ each.
  assert.equal(positionValue(BINARY, -100, 3_000), 700_000);
  assert.equal(unrealisedPnl(BINARY, -100, 500_000, 3_000), 200_000);
  // Settled NO (YES worth 0): the NO side receives the whole payout.
  assert.equal(settlementPayout(10_000, 1, -100, 0), 1_000_000);
  assert.equal(settlementPayout(10_000, 1, 100, 0), 0);
  assert.equal(settlementPayout(10_000, 1, 100, 6_300), 630_000);
  assert.equal(realisedAfterFees({ realisedPnl: 250_000, feesPaid: 40_000 }), 210_000);
});

test('a partial close removes cost rounded down, a full close all that is left', () => {
  const pos = { lots: 3, costBasis: 100, realisedPnl: 0 };
  bookBinaryFill(pos, false, 50, 1, 100, 1);
  assert.deepEqual(pos, { lots: 2, costBasis: 67, realisedPnl: 50 - 33 });
  bookBinaryFill(pos, false, 50, 2, 100, 1);
  assert.deepEqual(pos, { lots: 0, costBasis: 0, realisedPnl: 17 + 100 - 67 });
});

test('spot positions at average cost, long and short, and holdings valued rounded down', () => {
  const long = { lots: 0, costBasis: 0, realisedPnl: 0 };
  bookSpotFill(long, 10, 1_000);
  bookSpotFill(long, -4, 600);
  assert.deepEqual(long, { lots: 6, costBasis: 600, realisedPnl: 200 });
  assert.equal(positionValue(SPOT, 6, 60), 720);
  assert.equal(unrealisedPnl(SPOT, 6, 600, 60), 120);
  // A short's cost basis is what the sale received: it gains as the mark falls.
  const short = { lots: 0, costBasis: 0, realisedPnl: 0 };
  bookSpotFill(short, -10, 1_000);
  assert.equal(unrealisedPnl(SPOT, -10, short.costBasis, 40), 1_000 - 800);
  bookSpotFill(short, 10, 800);
  assert.deepEqual(short, { lots: 0, costBasis: 0, realisedPnl: 200 });
  // 1,499 base units at 3 ticks × 2 per tick-lot, 1,000 units a lot: 8.994 → 8.
  assert.equal(spotHoldingValue(SPOT, 1_499, 3), 8);
});
