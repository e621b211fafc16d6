// The trade window as columns against the one-object-per-trade window it replaced: seeded random
// streams (commands of one to four fills, times that mostly advance and now and then step back, ids
// that sometimes need the raw 64-bit column, windows from a second to ten minutes) go into both;
// the rows read back and every marking-the-close and pre-settlement result must be the same, value
// for value and in their JSON text.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FillEvidence } from '../src/alerts.ts';
import { markingAlert, preSettlementAlerts } from '../src/closing.ts';
import { MarketTape } from '../src/market-tape.ts';
import { TradeWindow } from '../src/trade-window.ts';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../src/thresholds.ts';
import { Rng } from './support/bot-flow.ts';
import * as objects from './support/object-window.ts';

const SEEDS = 60;
const T0 = 1_800_000_000_000;

function thresholds(r: Rng): Thresholds {
  const pick = <T>(xs: readonly T[]): T => xs[r.int(0, xs.length - 1)]!;
  return {
    ...DEFAULT_THRESHOLDS,
    markWindowMs: pick([1_000, 5_000, 60_000]),
    markMinMoveSteps: pick([0, 1, 3]),
    markMinSweepSteps: pick([0, 1, 3]),
    preSettleWindowMs: pick([2_000, 30_000, 600_000]),
    preSettleMinLots: pick([1, 50]),
    preSettleMinShare: pick([0, 0.1, 0.3]),
  };
}

/**
 * A stream's ids: dense (8- and 16-bit offsets in a chunk), spread (32-bit offsets), or now and then
 * far apart (raw 64-bit columns).
 */
function idSpace(r: Rng): (n: number) => number {
  const mode = r.int(0, 2);
  if (mode === 0) return (n) => n;
  if (mode === 1) return (n) => n * 101;
  return (n) => (r.next() < 0.05 ? 2 ** 40 + n * 7_919 : n);
}

function same<T>(actual: T, expected: T, what: string): void {
  assert.deepStrictEqual(actual, expected, what);
  assert.equal(JSON.stringify(actual), JSON.stringify(expected), what);
}

function compare(
  tape: MarketTape,
  old: objects.ObjectTape,
  t: Thresholds,
  r: Rng,
  at: string,
): void {
  const w = tape.trades;
  assert.equal(w.length, old.trades.length, `${at}: rows kept`);
  for (let row = 0; row < w.length; row++) {
    const { prevLastTicks, ...fill } = old.trades[row]!;
    same(w.fill(row, tape.instrumentId), fill, `${at}: row ${row}`);
    assert.equal(w.prevLastTicks(row), prevLastTicks, `${at}: row ${row}'s previous price`);
  }
  const last = old.trades.at(-1);
  const endTs = (last?.ts ?? T0) + r.int(-3_000, 3_000);
  const endSeq = (last?.seq ?? 0) + 1;
  same(
    markingAlert(tape, endSeq, endTs, t),
    objects.markingAlert(old, endSeq, endTs, t),
    `${at}: marking`,
  );
  for (const result of ['yes', 'no', 'scalar'] as const) {
    same(
      preSettlementAlerts(tape, result, endTs, endSeq, endTs + 1, t),
      objects.preSettlementAlerts(old, result, endTs, endSeq, endTs + 1, t),
      `${at}: pre-settlement ${result}`,
    );
  }
}

for (let seed = 1; seed <= SEEDS; seed++) {
  test(`the columns keep and judge what the objects did (seed ${seed})`, () => {
    const r = new Rng(seed);
    const t = thresholds(r);
    const tickSize = r.next() < 0.5 ? 1 : 100;
    const tape = new MarketTape(7, tickSize);
    const old = new objects.ObjectTape(7, tickSize);
    const id = idSpace(r);
    const keep = Math.max(t.markWindowMs, t.preSettleWindowMs);
    const fills = r.int(1, 6_000);
    let ts = T0;
    let seq = 0;
    let tradeId = 0;
    let price = 5_000 * tickSize;
    /** One command's fills into both windows, each pruned as the detectors prune it. */
    const command = (fills: number) => {
      seq++;
      ts += r.next() < 0.02 ? -r.int(1, 100) : r.int(0, 40);
      const takerSide = r.next() < 0.5 ? 'buy' : 'sell';
      const takerAccountId = r.int(1, 12);
      for (let k = 0; k < fills; k++) {
        price += r.int(-2, 2) * tickSize;
        const f: FillEvidence = {
          tradeId: id(++tradeId),
          instrumentId: 7,
          seq,
          ts,
          priceTicks: price,
          qtyLots: r.next() < 0.1 ? r.int(100, 1_000) : r.int(1, 20),
          takerSide,
          takerAccountId,
          makerAccountId: r.int(1, 12),
          takerOrderId: id(seq),
          makerOrderId: id(Math.max(1, seq - r.int(1, 5_000))),
        };
        tape.trade(f);
        old.trade(f);
        tape.prune(ts, keep);
        old.prune(ts, keep);
      }
    };
    for (let n = 0; n < fills; ) {
      const k = Math.min(r.int(1, 4), fills - n);
      command(k);
      n += k;
      if (r.next() < 0.003) compare(tape, old, t, r, `seed ${seed} at ${n}`);
    }
    compare(tape, old, t, r, `seed ${seed} at the end`);
    // A window emptied by time starts over, still knowing the last price.
    ts += keep + 1_000;
    tape.prune(ts, keep);
    old.prune(ts, keep);
    compare(tape, old, t, r, `seed ${seed} emptied`);
    command(3);
    compare(tape, old, t, r, `seed ${seed} after emptied`);
  });
}

/** Trade n of a steady stream: at T0 + n ms, price n. */
function nth(n: number): FillEvidence {
  const ids = { tradeId: n, seq: n, takerOrderId: n, makerOrderId: n };
  return {
    ...ids,
    instrumentId: 1,
    ts: T0 + n,
    priceTicks: n,
    qtyLots: 1,
    takerSide: 'buy',
    takerAccountId: 1,
    makerAccountId: 2,
  };
}

function steady(rows: number): TradeWindow {
  const w = new TradeWindow();
  for (let n = 0; n < rows; n++) w.push(nth(n));
  return w;
}

test('a scan finds the rows at the edges of its window on both sides of a chunk boundary', () => {
  const rows = 3 * 1_024 + 5;
  const w = steady(rows);
  for (const edge of [0, 1_023, 1_024, 2_047, 2_048, 3_071, 3_072, rows - 1]) {
    for (const [from, to] of [
      [edge, edge],
      [edge - 1, edge],
      [edge, edge + 1],
      [edge + 1, edge + 2],
    ] as const) {
      const seen: number[] = [];
      w.scan(T0 + from, T0 + to, (row) => seen.push(row));
      const expected = [];
      for (let row = Math.max(0, from); row <= Math.min(rows - 1, to); row++) expected.push(row);
      assert.deepEqual(seen, expected, `[${from}, ${to}]`);
    }
  }
});

test('eviction stops at the first row not older than the cutoff, at a chunk boundary too', () => {
  const rows = 3 * 1_024 + 5;
  const w = steady(rows);
  for (const cutoff of [1_023, 1_024, 1_025, 2_048, rows - 1]) {
    w.evictBefore(T0 + cutoff);
    assert.equal(w.length, rows - cutoff, `before ${cutoff}: rows kept`);
    assert.equal(w.ts(0), T0 + cutoff);
    assert.equal(w.prevLastTicks(0), cutoff - 1, `before ${cutoff}: the price before the first`);
  }
  w.evictBefore(T0 + rows);
  assert.equal(w.length, 0);
  w.push(nth(rows));
  assert.equal(w.prevLastTicks(0), rows - 1, 'an emptied window remembers the last price');
});
