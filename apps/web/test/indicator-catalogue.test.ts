// The indicator catalogue checked against reference values: Wilder's RSI against the published table
// (StockCharts' worked example of Wilder's RSI), ADX and CCI against Tulip Indicators' published test
// values, and every catalogued indicator on a fixed candle series against an independent computation
// of its textbook formula (test/support/indicator-reference.ts), value by value from its first candle
// on. Also: each entry draws from exactly the candle it says it needs, and parameters outside their
// bounds are refused with the field and the rule.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Bar } from '../ui/market/candle-bars.ts';
import {
  CATALOGUE,
  candlesNeeded,
  checkParams,
  computeLines,
  defaults,
  findIndicator,
  type IndicatorSpec,
  type Params,
} from '../ui/market/indicator-catalogue.ts';
import {
  CANDLE_REFERENCES,
  CLOSE_REFERENCES,
  COMPOSITE_REFERENCES,
  closes,
  type Lines,
} from './support/indicator-reference.ts';
import { MORE_REFERENCES } from './support/indicator-reference-more.ts';

/** 150 one-minute candles from a fixed pseudo-random walk: the same series on every run. */
function fixedBars(count = 150): Bar[] {
  let seed = 20_260_101;
  const rnd = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const bars: Bar[] = [];
  let close = 50;
  for (let i = 0; i < count; i++) {
    const open = close;
    close = Math.max(5, open + (rnd() - 0.48) * 3);
    const high = Math.max(open, close) + rnd() * 1.5;
    const low = Math.min(open, close) - rnd() * 1.5;
    bars.push({
      time: 1_700_000_000 + i * 60,
      open,
      high,
      low,
      close,
      volume: 10 + Math.floor(rnd() * 90),
      trades: 1,
    });
  }
  return bars;
}

function reference(spec: IndicatorSpec, bars: readonly Bar[], p: Params): Lines | undefined {
  const onClose = CLOSE_REFERENCES[spec.id];
  if (onClose) return [onClose(closes(bars), p.n!)];
  const onCandle = CANDLE_REFERENCES[spec.id];
  if (onCandle) return [onCandle(bars, p.n!)];
  return (COMPOSITE_REFERENCES[spec.id] ?? MORE_REFERENCES[spec.id])?.(bars, p);
}

function assertClose(actual: number, expected: number, what: string): void {
  const tolerance = 1e-9 * Math.max(1, Math.abs(expected));
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} ≠ ${expected}`);
}

describe('the indicator catalogue', () => {
  test('offers at least 50 indicators, each with unique id, lines and bounded defaults', () => {
    assert.ok(CATALOGUE.length >= 50, `${CATALOGUE.length} indicators`);
    assert.equal(new Set(CATALOGUE.map((s) => s.id)).size, CATALOGUE.length);
    for (const s of CATALOGUE) {
      assert.ok(s.lines.length > 0, s.id);
      for (const p of s.params) assert.ok(p.min <= p.def && p.def <= p.max, `${s.id}.${p.key}`);
      assert.deepEqual(checkParams(s, {}), { ok: true, params: defaults(s) });
    }
    assert.ok(CATALOGUE.some((s) => s.pane === 'overlay'));
    assert.ok(CATALOGUE.some((s) => s.pane === 'own'));
  });

  test("Wilder's RSI(14) matches the published worked example", () => {
    // Closes and RSI values of StockCharts' "Relative Strength Index" article (Wilder's smoothing).
    const published = [
      44.34, 44.09, 44.15, 43.61, 44.33, 44.83, 45.1, 45.42, 45.84, 46.08, 45.89, 46.03, 45.61,
      46.28, 46.28, 46.0, 46.03, 46.41, 46.22, 45.64, 46.21, 46.25, 45.71, 46.45, 45.78, 45.35,
      44.03, 44.18, 44.22, 44.57, 43.42, 42.66, 43.13,
    ];
    const expected = [
      70.53, 66.32, 66.55, 69.41, 66.36, 57.97, 62.93, 63.26, 56.06, 62.38, 54.71, 50.42, 39.99,
      41.46, 41.87, 45.46, 37.3, 33.08, 37.77,
    ];
    const bars = published.map((c, i) => ({
      time: i,
      open: c,
      high: c,
      low: c,
      close: c,
      volume: 1,
      trades: 1,
    }));
    const rsi = findIndicator('rsi')!;
    const [line] = computeLines(rsi, defaults(rsi), bars);
    // The article rounds its running averages to two decimals, the library does not: a few
    // hundredths apart at most.
    assert.equal(line!.length, expected.length);
    for (const [i, p] of line!.entries()) {
      assert.ok(Math.abs(p.value - expected[i]!) < 0.1, `RSI ${i}: ${p.value} vs ${expected[i]}`);
    }
  });

  test('ADX(5) and CCI(5) match Tulip Indicators’ published test values', () => {
    // Tulip Indicators' reference series and outputs (tests/untest.txt of tulipindicators 0.9.1).
    const hlc = [
      [82.15, 81.29, 81.59],
      [81.89, 80.64, 81.06],
      [83.03, 81.31, 82.87],
      [83.3, 82.65, 83.0],
      [83.85, 83.07, 83.61],
      [83.9, 83.11, 83.15],
      [83.33, 82.49, 82.84],
      [84.3, 82.3, 83.99],
      [84.84, 84.15, 84.55],
      [85.0, 84.11, 84.36],
      [85.9, 84.03, 85.53],
      [86.58, 85.39, 86.54],
      [86.98, 85.76, 86.89],
      [88.0, 87.17, 87.77],
      [87.87, 87.01, 87.29],
    ] as const;
    const series = hlc.map(([high, low, close], i) => ({
      time: i,
      open: close,
      high,
      low,
      close,
      volume: 1,
      trades: 1,
    }));
    const published: Record<string, number[]> = {
      adx: [41.38, 44.29, 49.42, 54.92, 59.99, 65.29, 67.36],
      cci: [105.01, 64.24, -29.63, 69.54, 166.67, 82.02, 95.5, 130.91, 99.16, 116.34, 71.93],
    };
    for (const [id, expected] of Object.entries(published)) {
      const [line] = computeLines(findIndicator(id)!, { n: 5 }, series);
      assert.deepEqual(
        line!.map((p) => Math.round(p.value * 100) / 100),
        expected,
        id,
      );
    }
  });

  const bars = fixedBars();
  for (const spec of CATALOGUE) {
    test(`${spec.id} (${spec.name}) matches its independent computation`, () => {
      // Non-default parameters too, so a parameter that is ignored shows.
      for (const p of [defaults(spec), varied(spec)]) {
        const expected = reference(spec, bars, p);
        assert.ok(expected, `no reference computation for ${spec.id}`);
        const lines = computeLines(spec, p, bars);
        const needs = candlesNeeded(spec, p);
        assert.equal(lines.length, spec.lines.length);
        for (const [li, line] of lines.entries()) {
          assert.equal(
            line.length,
            bars.length - needs + 1,
            `${spec.id} line ${li} from candle ${needs}`,
          );
          for (const point of line) {
            const i = point.time === bars[0]!.time ? 0 : (point.time - bars[0]!.time) / 60;
            assertClose(
              point.value,
              expected[li]![i]!,
              `${spec.id} ${JSON.stringify(p)} line ${li} at ${i}`,
            );
          }
        }
      }
    });
  }

  test('the chart’s former three indicators keep their candle needs', () => {
    const needs = (id: string) => candlesNeeded(findIndicator(id)!, defaults(findIndicator(id)!));
    assert.deepEqual([needs('bb'), needs('rsi'), needs('macd')], [20, 15, 34]);
  });

  test('parameters out of bounds are refused, naming the field and the rule', () => {
    const bb = findIndicator('bb')!;
    assert.deepEqual(checkParams(bb, { n: 0 }), {
      ok: false,
      code: 'param_out_of_range',
      field: 'n',
      rule: 'a whole number from 1 to 200',
    });
    assert.equal(checkParams(bb, { n: 2.5 }).ok, false);
    assert.equal(checkParams(bb, { k: '2' }).ok, false);
    assert.deepEqual(checkParams(bb, { n: 10, k: 2.5 }), { ok: true, params: { n: 10, k: 2.5 } });
  });
});

/** Each parameter moved off its default (periods shortened, factors raised), within bounds. */
function varied(spec: IndicatorSpec): Params {
  return Object.fromEntries(
    spec.params.map((p) => [
      p.key,
      p.step >= 1 ? Math.max(p.min, Math.round(p.def * 0.7)) : Math.min(p.max, p.def * 1.25),
    ]),
  );
}
