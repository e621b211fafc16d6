// The lightweight-charts instance of the price chart: candles in the main pane with the price axis in
// the market's unit, Bollinger Bands over them, volume, RSI and MACD each in a pane of its own, and the
// crosshair's bar reported for the readout. `drawFrom` pushes only the bars that changed (the
// open one, and the one a new bucket closed) and recomputes the indicator lines, which need the whole
// series, at most once a second.

import {
  CandlestickSeries,
  createChart,
  createSeriesMarkers,
  HistogramSeries,
  type IChartApi,
  type ISeriesApi,
  type ISeriesMarkersPluginApi,
  LineSeries,
  type Time,
  type UTCTimestamp,
} from 'lightweight-charts';
import type { AxisFormat, Bar } from './candle-bars.ts';
import type { FillMarker } from './fill-markers.ts';
import { computeIndicators, type Point } from './indicators.ts';

export interface IndicatorChoice {
  readonly bb: boolean;
  readonly rsi: boolean;
  readonly macd: boolean;
}

const INDICATORS_EVERY_MS = 1_000;
const time = (t: number) => t as UTCTimestamp;
const line = (pts: readonly Point[]) => pts.map((p) => ({ time: time(p.time), value: p.value }));
const candleOf = (b: Bar) => ({
  time: time(b.time),
  open: b.open,
  high: b.high,
  low: b.low,
  close: b.close,
});
const volumeOf = (b: Bar) => ({
  time: time(b.time),
  value: b.volume,
  color: b.close >= b.open ? '#14532d' : '#7f1d1d',
});

export class CandleChart {
  readonly #chart: IChartApi;
  readonly #candles: ISeriesApi<'Candlestick'>;
  readonly #volume: ISeriesApi<'Histogram'>;
  readonly #markers: ISeriesMarkersPluginApi<Time>;
  readonly #bb: ISeriesApi<'Line'>[] = [];
  readonly #rsi: ISeriesApi<'Line'> | undefined;
  readonly #macd: ISeriesApi<'Line'>[] = [];
  readonly #hist: ISeriesApi<'Histogram'> | undefined;
  #indicatorsAt = 0;
  /** Time of the newest bar drawn; the chart updates only bars at or after it in place. */
  #lastTime = Number.NEGATIVE_INFINITY;

  constructor(
    el: HTMLElement,
    show: IndicatorChoice,
    axis: AxisFormat,
    onHover: (time: number | undefined) => void,
  ) {
    const chart = createChart(el, {
      autoSize: true,
      layout: {
        background: { color: 'transparent' },
        textColor: '#9aa4b2',
        attributionLogo: false,
      },
      grid: { vertLines: { color: '#1f2630' }, horzLines: { color: '#1f2630' } },
      timeScale: { timeVisible: true, secondsVisible: false, borderColor: '#2a3340' },
      rightPriceScale: { borderColor: '#2a3340' },
    });
    this.#chart = chart;
    this.#candles = chart.addSeries(CandlestickSeries, {
      upColor: '#22c55e',
      downColor: '#ef4444',
      wickUpColor: '#22c55e',
      wickDownColor: '#ef4444',
      borderVisible: false,
      priceFormat: { type: 'custom', formatter: axis.format, minMove: axis.minMove },
    });
    this.#markers = createSeriesMarkers(this.#candles, []);
    // Volume in a pane of its own under the candles, so a tall bar never hides a low candle.
    this.#volume = chart.addSeries(
      HistogramSeries,
      { color: '#334155', priceFormat: { type: 'volume' } },
      1,
    );
    if (show.bb) {
      for (const color of ['#60a5fa', '#94a3b8', '#60a5fa']) {
        this.#bb.push(
          chart.addSeries(LineSeries, {
            color,
            lineWidth: 1,
            priceLineVisible: false,
            lastValueVisible: false,
          }),
        );
      }
    }
    let pane = 2;
    if (show.rsi)
      this.#rsi = chart.addSeries(LineSeries, { color: '#f59e0b', lineWidth: 1 }, pane++);
    if (show.macd) {
      this.#hist = chart.addSeries(HistogramSeries, { color: '#475569' }, pane);
      for (const color of ['#38bdf8', '#f472b6']) {
        this.#macd.push(
          chart.addSeries(LineSeries, { color, lineWidth: 1, lastValueVisible: false }, pane),
        );
      }
    }
    for (const [i, p] of chart.panes().entries()) p.setStretchFactor(i === 0 ? 4 : 1);
    chart.subscribeCrosshairMove((param) =>
      onHover(param.time === undefined ? undefined : Number(param.time)),
    );
  }

  drawAll(bars: readonly Bar[], fit = true): void {
    this.#candles.setData(bars.map(candleOf));
    this.#volume.setData(bars.map(volumeOf));
    this.#lastTime = bars.at(-1)?.time ?? Number.NEGATIVE_INFINITY;
    this.#drawIndicators(bars);
    if (fit) this.#chart.timeScale().fitContent();
  }

  /** Draws `bars[from…]`, which changed since the last draw. */
  drawFrom(bars: readonly Bar[], from: number): void {
    const first = bars[from];
    if (first === undefined) return;
    // The chart cannot update a bar older than its newest in place: redraw all, keeping the view.
    if (first.time < this.#lastTime) return this.drawAll(bars, false);
    for (let i = from; i < bars.length; i++) {
      this.#candles.update(candleOf(bars[i]!));
      this.#volume.update(volumeOf(bars[i]!));
    }
    this.#lastTime = bars.at(-1)!.time;
    if (performance.now() - this.#indicatorsAt > INDICATORS_EVERY_MS) this.#drawIndicators(bars);
  }

  /** The person's fills, YES buys below their candle and NO buys above. */
  setMarkers(markers: readonly FillMarker[]): void {
    this.#markers.setMarkers(
      markers.map((f) =>
        f.side === 'buy'
          ? {
              time: time(f.time),
              position: 'belowBar',
              shape: 'arrowUp',
              color: '#22c55e',
              text: f.text,
            }
          : {
              time: time(f.time),
              position: 'aboveBar',
              shape: 'arrowDown',
              color: '#ef4444',
              text: f.text,
            },
      ),
    );
  }

  remove(): void {
    this.#chart.remove();
  }

  #drawIndicators(bars: readonly Bar[]): void {
    this.#indicatorsAt = performance.now();
    const ind = computeIndicators(bars.map((b) => ({ time: b.time, value: b.close })));
    const [upper, middle, lower] = this.#bb;
    upper?.setData(line(ind.bbUpper));
    middle?.setData(line(ind.bbMiddle));
    lower?.setData(line(ind.bbLower));
    this.#rsi?.setData(line(ind.rsi));
    const [macd, signal] = this.#macd;
    macd?.setData(line(ind.macd));
    signal?.setData(line(ind.signal));
    this.#hist?.setData(
      ind.histogram.map((p) => ({
        time: time(p.time),
        value: p.value,
        color: p.value >= 0 ? '#166534' : '#991b1b',
      })),
    );
  }
}
