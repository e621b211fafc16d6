// The lightweight-charts instance of the price chart: candles in the main pane with the price axis in
// the market's unit, the chosen overlays (catalogue, indicator-catalogue.ts) over them, volume and each
// chosen oscillator in a pane of its own, and the crosshair's bar reported for the readout. `drawFrom` pushes only the bars that changed (the
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
import { AXIS_BORDER, CHART_THEME } from '../components/chart-theme.ts';
import type { AxisFormat, Bar } from './candle-bars.ts';
import type { NewsMarker } from '../news/news-markers.ts';
import type { FillMarker } from './fill-markers.ts';
import {
  computeLines,
  findIndicator,
  type IndicatorSpec,
  type Point,
} from './indicator-catalogue.ts';
import type { Chosen } from './indicator-selection.ts';

const COLORS = ['#60a5fa', '#f59e0b', '#f472b6', '#34d399', '#a78bfa', '#94a3b8'];

/** A chosen indicator and its series on the chart, one per line. */
interface Drawn {
  readonly spec: IndicatorSpec;
  readonly chosen: Chosen;
  readonly series: (ISeriesApi<'Line'> | ISeriesApi<'Histogram'>)[];
}

const INDICATORS_EVERY_MS = 1_000;
const NEWS_COLORS = { positive: '#4ade80', negative: '#f87171', neutral: '#94a3b8' } as const;
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
  /** News items, a plugin of their own so fills and news are set apart. */
  readonly #news: ISeriesMarkersPluginApi<Time>;
  readonly #drawn: Drawn[] = [];
  #indicatorsAt = 0;
  /** Time of the newest bar drawn; the chart updates only bars at or after it in place. */
  #lastTime = Number.NEGATIVE_INFINITY;

  constructor(
    el: HTMLElement,
    chosen: readonly Chosen[],
    axis: AxisFormat,
    onHover: (time: number | undefined) => void,
  ) {
    const chart = createChart(el, {
      ...CHART_THEME,
      timeScale: { timeVisible: true, secondsVisible: false, borderColor: AXIS_BORDER },
      rightPriceScale: { borderColor: AXIS_BORDER },
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
    this.#news = createSeriesMarkers(this.#candles, []);
    // Volume in a pane of its own under the candles, so a tall bar never hides a low candle.
    this.#volume = chart.addSeries(
      HistogramSeries,
      { color: '#334155', priceFormat: { type: 'volume' } },
      1,
    );
    let pane = 2;
    for (const c of chosen) {
      const spec = findIndicator(c.id);
      if (spec === undefined) continue;
      const at = spec.pane === 'overlay' ? 0 : pane++;
      const series = spec.lines.map((name, i) =>
        // A line named Histogram (MACD's) draws as bars around zero.
        name === 'Histogram'
          ? chart.addSeries(HistogramSeries, { color: '#475569', lastValueVisible: false }, at)
          : chart.addSeries(
              LineSeries,
              {
                color: COLORS[i % COLORS.length]!,
                lineWidth: 1,
                priceLineVisible: false,
                lastValueVisible: spec.pane !== 'overlay',
              },
              at,
            ),
      );
      this.#drawn.push({ spec, chosen: c, series });
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

  /** News items as dots on their candles, coloured by the headline's sentiment. */
  setNewsMarkers(markers: readonly NewsMarker[]): void {
    this.#news.setMarkers(
      markers.map((n) => ({
        time: time(n.time),
        position: 'aboveBar' as const,
        shape: 'circle' as const,
        color: NEWS_COLORS[n.label],
        text: n.text,
      })),
    );
  }

  remove(): void {
    this.#chart.remove();
  }

  #drawIndicators(bars: readonly Bar[]): void {
    this.#indicatorsAt = performance.now();
    for (const { spec, chosen, series } of this.#drawn) {
      const lines = computeLines(spec, chosen.params, bars);
      for (const [i, s] of series.entries()) {
        const pts = lines[i] ?? [];
        if (spec.lines[i] === 'Histogram') {
          s.setData(
            pts.map((p) => ({
              time: time(p.time),
              value: p.value,
              color: p.value >= 0 ? '#166534' : '#991b1b',
            })),
          );
        } else s.setData(line(pts));
      }
    }
  }
}
