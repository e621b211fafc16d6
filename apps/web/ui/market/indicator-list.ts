// The entries of the indicator catalogue (indicator-catalogue.ts): for each, its parameters with
// defaults and bounds, its lines, and how to build it from trading-signals. Defaults are the authors'
// published ones (Wilder's 14, Appel's 12/26/9, Bollinger's 20/2, and so on).

import * as ts from 'trading-signals';
import type { Bar } from './candle-bars.ts';
import type { Engine, IndicatorSpec, Params, ParamSpec } from './indicator-catalogue.ts';

interface Lib<I, R> {
  update(input: I, replace: boolean): R | null;
  readonly isStable: boolean;
  getRequiredInputs(): number;
}

const close = (b: Bar) => b.close;
const candle = (b: Bar) => b;
const volume = (b: Bar) => b.volume;

function one<I>(ind: Lib<I, number>, input: (b: Bar) => I): Engine {
  return many(ind, input, (v) => [v]);
}

/**
 * `needs` overrides the library's count where its first values are not yet meaningful (MACD's signal
 * line before its own average is full) or its count is off (the stochastic's with %K slowing ≠ %D).
 */
function many<I, R>(
  ind: Lib<I, R>,
  input: (b: Bar) => I,
  pick: (r: R) => number[],
  needs = ind.getRequiredInputs(),
): Engine {
  let seen = 0;
  return {
    needs,
    step: (b) => {
      const r = ind.update(input(b), false);
      seen++;
      return r === null || !ind.isStable || seen < needs ? null : pick(r);
    },
  };
}

const period = (key: string, label: string, def: number, max = 200): ParamSpec => ({
  key,
  label,
  def,
  min: 1,
  max,
  step: 1,
});
const factor = (key: string, label: string, def: number, min: number, max: number): ParamSpec => ({
  key,
  label,
  def,
  min,
  max,
  step: 0.01,
});
const withN = (def: number) => [period('n', 'Period', def)];
const band = ['Upper', 'Middle', 'Lower'];
const bands = (r: { upper: number; middle: number; lower: number }) => [r.upper, r.middle, r.lower];

function over(
  id: string,
  name: string,
  params: readonly ParamSpec[],
  lines: readonly string[],
  make: (p: Params) => Engine,
): IndicatorSpec {
  return { id, name, pane: 'overlay', params, lines, make };
}
function own(
  id: string,
  name: string,
  params: readonly ParamSpec[],
  lines: readonly string[],
  make: (p: Params) => Engine,
): IndicatorSpec {
  return { id, name, pane: 'own', params, lines, make };
}
const v = (p: Params, k: string) => p[k]!;

/** Moving averages that take one period over closes: drawn over the candles. */
const AVERAGES: readonly [string, string, number, new (n: number) => Lib<number, number>][] = [
  ['sma', 'Simple moving average', 20, ts.SMA],
  ['kama', 'Kaufman adaptive moving average', 10, ts.KAMA],
  ['mcginley', 'McGinley dynamic', 14, ts.McGinleyDynamic],
  ['ema', 'Exponential moving average', 20, ts.EMA],
  ['wma', 'Weighted moving average', 20, ts.WMA],
  ['dema', 'Double exponential moving average', 20, ts.DEMA],
  ['tema', 'Triple exponential moving average', 20, ts.TEMA],
  ['trima', 'Triangular moving average', 20, ts.TRIMA],
  ['hma', 'Hull moving average', 20, ts.HMA],
  ['rma', "Wilder's moving average (RMA)", 14, ts.RMA],
  ['wsma', "Wilder's smoothed moving average", 14, ts.WSMA],
];

/** Oscillators over closes with one period: each in a pane of its own. */
const CLOSE_OSCILLATORS: readonly [
  string,
  string,
  number,
  new (n: number) => Lib<number, number>,
][] = [
  ['rsi', 'Relative strength index', 14, ts.RSI],
  ['roc', 'Rate of change', 12, ts.ROC],
  ['mom', 'Momentum', 10, ts.MOM],
  ['cmo', 'Chande momentum oscillator', 14, ts.CMO],
  ['dpo', 'Detrended price oscillator', 20, ts.DPO],
  ['mad', 'Mean absolute deviation', 20, ts.MAD],
  ['vhf', 'Vertical horizontal filter', 28, ts.VHF],
  ['disparity', 'Disparity index', 14, ts.DisparityIndex],
];

/** Oscillators over whole candles with one period. */
const CANDLE_OSCILLATORS: readonly [string, string, number, new (n: number) => Lib<Bar, number>][] =
  [
    ['atr', 'Average true range', 14, ts.ATR],
    ['adx', 'Average directional index', 14, ts.ADX],
    ['dx', 'Directional movement index', 14, ts.DX],
    ['mass', 'Mass index', 25, ts.MassIndex],
    ['emv', 'Ease of movement', 14, ts.EMV],
    ['cvi', 'Chaikin volatility', 10, ts.CVI],
    ['natr', 'Normalized average true range', 14, ts.NATR],
    ['willr', 'Williams %R', 14, ts.WilliamsR],
    ['cci', 'Commodity channel index', 20, ts.CCI],
    ['mfi', 'Money flow index', 14, ts.MFI],
    ['cmf', 'Chaikin money flow', 20, ts.CMF],
    ['force', 'Force index', 13, ts.ForceIndex],
    ['qstick', 'Qstick', 10, ts.Qstick],
    ['gapo', 'Gopalakrishnan range index', 5, ts.GAPO],
  ];

const simple = [
  ...AVERAGES.map(([id, name, def, C]) =>
    over(id, name, withN(def), [name], (p) => one(new C(v(p, 'n')), close)),
  ),
  ...CLOSE_OSCILLATORS.map(([id, name, def, C]) =>
    own(id, name, withN(def), [name], (p) => one(new C(v(p, 'n')), close)),
  ),
  ...CANDLE_OSCILLATORS.map(([id, name, def, C]) =>
    own(id, name, withN(def), [name], (p) => one(new C(v(p, 'n')), candle)),
  ),
];

const fastSlow = (f: number, s: number) => [period('fast', 'Fast', f), period('slow', 'Slow', s)];

const composite: readonly IndicatorSpec[] = [
  over(
    'bb',
    'Bollinger Bands',
    [period('n', 'Period', 20), factor('k', 'Deviations', 2, 0.1, 10)],
    band,
    (p) => many(new ts.BollingerBands(v(p, 'n'), v(p, 'k')), close, bands),
  ),
  over(
    'kc',
    'Keltner channels',
    [
      period('ema', 'EMA period', 20),
      period('atr', 'ATR period', 10),
      factor('k', 'Multiplier', 2, 0.1, 10),
    ],
    band,
    (p) =>
      many(
        new ts.KeltnerChannels({
          emaInterval: v(p, 'ema'),
          atrInterval: v(p, 'atr'),
          multiplier: v(p, 'k'),
        }),
        candle,
        bands,
      ),
  ),
  over('dc', 'Donchian channels', withN(20), band, (p) =>
    many(new ts.DonchianChannels(v(p, 'n')), candle, bands),
  ),
  over(
    'ichimoku',
    'Ichimoku cloud',
    [
      period('conversion', 'Conversion', 9),
      period('base', 'Base', 26),
      period('spanB', 'Span B', 52),
    ],
    ['Conversion', 'Base', 'Span A', 'Span B'],
    (p) =>
      many(
        new ts.IchimokuCloud({
          conversionInterval: v(p, 'conversion'),
          baseInterval: v(p, 'base'),
          spanBInterval: v(p, 'spanB'),
        }),
        candle,
        (r) => [r.conversion, r.base, r.spanA, r.spanB],
      ),
  ),
  over(
    'alma',
    'Arnaud Legoux moving average',
    [
      period('n', 'Period', 9),
      factor('offset', 'Offset', 0.85, 0, 1),
      factor('sigma', 'Sigma', 6, 0.1, 50),
    ],
    ['ALMA'],
    (p) => one(new ts.ALMA(v(p, 'n'), v(p, 'offset'), v(p, 'sigma')), close),
  ),
  over(
    'supertrend',
    'SuperTrend',
    [period('n', 'ATR period', 10), factor('k', 'Multiplier', 3, 0.1, 20)],
    ['SuperTrend'],
    (p) =>
      many(new ts.SuperTrend({ interval: v(p, 'n'), multiplier: v(p, 'k') }), candle, (r) => [
        r.supertrend,
      ]),
  ),
  over('vwap', 'Volume-weighted average price', [], ['VWAP'], () => one(new ts.VWAP(), candle)),
  over('vwma', 'Volume-weighted moving average', withN(20), ['VWMA'], (p) =>
    one(new ts.VWMA(v(p, 'n')), candle),
  ),
  own(
    'macd',
    'MACD',
    [period('fast', 'Fast', 12), period('slow', 'Slow', 26), period('signal', 'Signal', 9)],
    ['MACD', 'Signal', 'Histogram'],
    (p) =>
      many(
        new ts.MACD(new ts.EMA(v(p, 'fast')), new ts.EMA(v(p, 'slow')), new ts.EMA(v(p, 'signal'))),
        close,
        (r) => [r.macd, r.signal, r.histogram],
        v(p, 'slow') + v(p, 'signal') - 1,
      ),
  ),
  own(
    'stoch',
    'Stochastic oscillator',
    [period('k', '%K period', 14), period('slowing', '%K slowing', 3), period('d', '%D period', 3)],
    ['%K', '%D'],
    (p) =>
      many(
        new ts.StochasticOscillator({
          kPeriod: v(p, 'k'),
          kSlowingPeriod: v(p, 'slowing'),
          dPeriod: v(p, 'd'),
        }),
        candle,
        (r) => [r.stochK, r.stochD],
        v(p, 'k') + v(p, 'slowing') + v(p, 'd') - 2,
      ),
  ),
  own('aroon', 'Aroon', withN(25), ['Up', 'Down'], (p) =>
    many(new ts.Aroon(v(p, 'n')), candle, (r) => [r.aroonUp, r.aroonDown]),
  ),
  own('vortex', 'Vortex indicator', withN(14), ['VI+', 'VI−'], (p) =>
    many(new ts.VortexIndicator(v(p, 'n')), candle, (r) => [r.plus, r.minus]),
  ),
  own('ao', 'Awesome oscillator', fastSlow(5, 34), ['AO'], (p) =>
    one(new ts.AO(v(p, 'fast'), v(p, 'slow')), candle),
  ),
  own(
    'ac',
    'Accelerator oscillator',
    [...fastSlow(5, 34), period('signal', 'Signal', 5)],
    ['AC'],
    (p) => one(new ts.AC(v(p, 'fast'), v(p, 'slow'), v(p, 'signal')), candle),
  ),
  own('apo', 'Absolute price oscillator', fastSlow(12, 26), ['APO'], (p) =>
    one(new ts.APO({ fastPeriod: v(p, 'fast'), slowPeriod: v(p, 'slow') }), close),
  ),
  own('ppo', 'Percentage price oscillator', fastSlow(12, 26), ['PPO'], (p) =>
    one(new ts.PPO({ fastPeriod: v(p, 'fast'), slowPeriod: v(p, 'slow') }), close),
  ),
  own('adosc', 'Chaikin oscillator', fastSlow(3, 10), ['ADOSC'], (p) =>
    one(new ts.ADOSC({ fastPeriod: v(p, 'fast'), slowPeriod: v(p, 'slow') }), candle),
  ),
  own('pvo', 'Percentage volume oscillator', fastSlow(12, 26), ['PVO'], (p) =>
    one(new ts.PVO({ fastPeriod: v(p, 'fast'), slowPeriod: v(p, 'slow') }), volume),
  ),
  own('vroc', 'Volume rate of change', withN(14), ['VROC'], (p) =>
    one(new ts.VROC(v(p, 'n')), volume),
  ),
  own('rvol', 'Relative volume', withN(20), ['RVOL'], (p) => one(new ts.RVOL(v(p, 'n')), volume)),
  own(
    'ultosc',
    'Ultimate oscillator',
    [period('short', 'Short', 7), period('medium', 'Medium', 14), period('long', 'Long', 28)],
    ['UO'],
    (p) =>
      one(
        new ts.UltimateOscillator({
          shortPeriod: v(p, 'short'),
          mediumPeriod: v(p, 'medium'),
          longPeriod: v(p, 'long'),
        }),
        candle,
      ),
  ),
  own('nvi', 'Negative volume index', [], ['NVI'], () => one(new ts.NVI(), candle)),
  own('pvi', 'Positive volume index', [], ['PVI'], () => one(new ts.PVI(), candle)),
  own('stochrsi', 'Stochastic RSI', withN(14), ['StochRSI'], (p) =>
    one(new ts.StochasticRSI(v(p, 'n')), close),
  ),
  own(
    'tsi',
    'True strength index',
    [period('long', 'Long', 25), period('short', 'Short', 13)],
    ['TSI'],
    (p) => one(new ts.TSI({ longPeriod: v(p, 'long'), shortPeriod: v(p, 'short') }), close),
  ),
  own('elderray', "Elder's ray", withN(13), ['Bull power', 'Bear power'], (p) =>
    many(new ts.ElderRay(v(p, 'n')), candle, (r) => [r.bullPower, r.bearPower]),
  ),
  own('demarker', 'DeMarker', withN(14), ['DeM'], (p) =>
    one(new ts.DeMarker({ interval: v(p, 'n') }), candle),
  ),
  own('psl', 'Psychological line', withN(12), ['PSL'], (p) =>
    one(new ts.PSL({ interval: v(p, 'n') }), close),
  ),
  own('wad', 'Williams accumulation/distribution', [], ['WAD'], () => one(new ts.WAD(), candle)),
  own('marketfi', 'Market facilitation index', [], ['MFI'], () =>
    one(new ts.MarketFacilitationIndex(), candle),
  ),
  own('obv', 'On-balance volume', [], ['OBV'], () => one(new ts.OBV(2), candle)),
  own('ad', 'Accumulation/distribution line', [], ['A/D'], () => one(new ts.AD(), candle)),
  own('pvt', 'Price volume trend', [], ['PVT'], () => one(new ts.PVT(), candle)),
  own('tr', 'True range', [], ['TR'], () => one(new ts.TR(), candle)),
  own('bop', 'Balance of power', [], ['BOP'], () => one(new ts.BOP(), candle)),
  own('ibs', 'Internal bar strength', [], ['IBS'], () => one(new ts.IBS(), candle)),
  own(
    'bbw',
    'Bollinger Bands width',
    [period('n', 'Period', 20), factor('k', 'Deviations', 2, 0.1, 10)],
    ['Width'],
    (p) => one(new ts.BollingerBandsWidth(new ts.BollingerBands(v(p, 'n'), v(p, 'k'))), close),
  ),
  own(
    'percentb',
    'Bollinger %B',
    [period('n', 'Period', 20), factor('k', 'Deviations', 2, 0.1, 10)],
    ['%B'],
    (p) => one(new ts.PercentB({ interval: v(p, 'n'), deviationMultiplier: v(p, 'k') }), close),
  ),
];

export const CATALOGUE_ENTRIES: readonly IndicatorSpec[] = [...simple, ...composite];
