// RSI(14), MACD(12, 26, 9) and Bollinger Bands(20, 2) over candle closes, from the trading-signals
// library. Inputs are prices in display units (floats are fine here: these are chart lines, never money).

import { BollingerBands, EMA, MACD, RSI } from 'trading-signals';

export interface Point {
  readonly time: number;
  readonly value: number;
}

export interface IndicatorLines {
  readonly rsi: Point[];
  readonly macd: Point[];
  readonly signal: Point[];
  readonly histogram: Point[];
  readonly bbUpper: Point[];
  readonly bbMiddle: Point[];
  readonly bbLower: Point[];
}

/**
 * Candles each indicator needs before its line means anything: RSI(14) compares 14 changes (15 closes),
 * the bands average 20 closes, and MACD's signal is a 9-period average of a line that itself needs
 * the 26-period average: 26 + 9 − 1. The chart says so instead of drawing an empty pane.
 */
export const CANDLES_NEEDED = { bb: 20, rsi: 15, macd: 34 } as const;

export function computeIndicators(closes: readonly Point[]): IndicatorLines {
  const rsi = new RSI(14);
  const macd = new MACD(new EMA(12), new EMA(26), new EMA(9));
  const bb = new BollingerBands(20, 2);
  const out: IndicatorLines = {
    rsi: [],
    macd: [],
    signal: [],
    histogram: [],
    bbUpper: [],
    bbMiddle: [],
    bbLower: [],
  };
  let n = 0;
  for (const { time, value } of closes) {
    n++;
    const r = rsi.update(value, false);
    if (r !== null && rsi.isStable) out.rsi.push({ time, value: r });
    const m = macd.update(value, false);
    if (m !== null && macd.isStable && n >= CANDLES_NEEDED.macd) {
      out.macd.push({ time, value: m.macd });
      out.signal.push({ time, value: m.signal });
      out.histogram.push({ time, value: m.histogram });
    }
    const b = bb.update(value, false);
    if (b !== null && bb.isStable) {
      out.bbUpper.push({ time, value: b.upper });
      out.bbMiddle.push({ time, value: b.middle });
      out.bbLower.push({ time, value: b.lower });
    }
  }
  return out;
}
