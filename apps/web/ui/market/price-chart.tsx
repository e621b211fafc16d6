// Candles and volume from the read models (1m, 1h or 1d), kept current from the live trade stream, with
// optional Bollinger Bands on the price pane and RSI / MACD in their own panes (TradingView's
// lightweight-charts). Prices are drawn in display units: cents for binary markets, dollars for spot.

import {
  CandlestickSeries,
  createChart,
  HistogramSeries,
  type IChartApi,
  type ISeriesApi,
  LineSeries,
  type UTCTimestamp,
} from 'lightweight-charts';
import { useEffect, useRef, useState } from 'react';
import { api } from '../api/http.ts';
import type { CandleRow, MarketInfo, TradeRow } from '../api/types.ts';
import type { MarketFeed } from '../state/market-feed.ts';
import { computeIndicators, type Point } from './indicators.ts';

type Interval = '1m' | '1h' | '1d';
const DRAW_EVERY_MS = 100;
const INTERVAL_MS: Record<Interval, number> = { '1m': 60_000, '1h': 3_600_000, '1d': 86_400_000 };

interface Bar {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

function displayPrice(m: MarketInfo): (ticks: number) => number {
  const perTick =
    m.kind === 'binary'
      ? (m.spec.moneyPerTickLot * (m.spec.lotsPerContract ?? 1)) / 10_000
      : m.spec.moneyPerTickLot / 1_000_000;
  return (t) => t * perTick;
}

function toBar(m: MarketInfo, c: CandleRow): Bar {
  const p = displayPrice(m);
  return {
    time: c.bucketTs / 1000,
    open: p(c.openTicks),
    high: p(c.highTicks),
    low: p(c.lowTicks),
    close: p(c.closeTicks),
    volume: m.kind === 'binary' ? c.volumeLots / (m.spec.lotsPerContract ?? 1) : c.volumeLots,
  };
}

interface Series {
  candles: ISeriesApi<'Candlestick'>;
  volume: ISeriesApi<'Histogram'>;
  bb: ISeriesApi<'Line'>[];
  rsi: ISeriesApi<'Line'> | undefined;
  macd: ISeriesApi<'Line'>[];
  hist: ISeriesApi<'Histogram'> | undefined;
}

export function PriceChart({ m, feed }: { m: MarketInfo; feed: MarketFeed }) {
  const box = useRef<HTMLDivElement>(null);
  const [interval, setIntervalChoice] = useState<Interval>('1m');
  const [show, setShow] = useState({ bb: true, rsi: true, macd: false });
  const [error, setError] = useState<string | undefined>();
  const [count, setCount] = useState(0);

  // Keyed on the symbol: the market list refreshes every few seconds with new objects for the same
  // market, which must not rebuild the chart.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the spec of a symbol never changes.
  useEffect(() => {
    const el = box.current;
    if (el === null) return;
    const chart: IChartApi = createChart(el, {
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
    const s: Series = {
      candles: chart.addSeries(CandlestickSeries, {
        upColor: '#22c55e',
        downColor: '#ef4444',
        wickUpColor: '#22c55e',
        wickDownColor: '#ef4444',
        borderVisible: false,
        priceFormat: { type: 'price', precision: 2, minMove: 0.01 },
      }),
      volume: chart.addSeries(HistogramSeries, {
        priceScaleId: 'vol',
        color: '#334155',
        priceFormat: { type: 'volume' },
      }),
      bb: [],
      rsi: undefined,
      macd: [],
      hist: undefined,
    };
    chart.priceScale('vol').applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
    if (show.bb) {
      s.bb = ['#60a5fa', '#94a3b8', '#60a5fa'].map((color) =>
        chart.addSeries(LineSeries, {
          color,
          lineWidth: 1,
          priceLineVisible: false,
          lastValueVisible: false,
        }),
      );
    }
    let pane = 1;
    if (show.rsi) {
      s.rsi = chart.addSeries(LineSeries, { color: '#f59e0b', lineWidth: 1 }, pane++);
    }
    if (show.macd) {
      s.hist = chart.addSeries(HistogramSeries, { color: '#475569' }, pane);
      s.macd = ['#38bdf8', '#f472b6'].map((color) =>
        chart.addSeries(LineSeries, { color, lineWidth: 1, lastValueVisible: false }, pane),
      );
      pane++;
    }
    for (const [i, p] of chart.panes().entries()) p.setStretchFactor(i === 0 ? 3 : 1);

    let bars: Bar[] = [];
    let disposed = false;
    const step = INTERVAL_MS[interval];
    const toPrice = displayPrice(m);
    const t = (b: Bar) => b.time as UTCTimestamp;
    const volumeOf = (b: Bar) => ({
      time: t(b),
      value: b.volume,
      color: b.close >= b.open ? '#14532d' : '#7f1d1d',
    });
    const drawIndicators = () => {
      const ind = computeIndicators(bars.map((b) => ({ time: b.time, value: b.close })));
      const line = (pts: Point[]) =>
        pts.map((p) => ({ time: p.time as UTCTimestamp, value: p.value }));
      if (s.bb.length === 3) {
        s.bb[0]!.setData(line(ind.bbUpper));
        s.bb[1]!.setData(line(ind.bbMiddle));
        s.bb[2]!.setData(line(ind.bbLower));
      }
      s.rsi?.setData(line(ind.rsi));
      if (s.macd.length === 2) {
        s.macd[0]!.setData(line(ind.macd));
        s.macd[1]!.setData(line(ind.signal));
        s.hist?.setData(
          ind.histogram.map((p) => ({
            time: p.time as UTCTimestamp,
            value: p.value,
            color: p.value >= 0 ? '#166534' : '#991b1b',
          })),
        );
      }
    };
    const drawAll = () => {
      s.candles.setData(bars.map((b) => ({ ...b, time: t(b) })));
      s.volume.setData(bars.map(volumeOf));
      drawIndicators();
    };
    // Per frame only the newest bar changes (`update` is incremental); the indicator lines, which
    // need the whole series, are recomputed at most once a second.
    let indicatorsAt = 0;
    const drawLast = () => {
      const last = bars.at(-1);
      if (last === undefined) return;
      s.candles.update({ ...last, time: t(last) });
      s.volume.update(volumeOf(last));
      const now = performance.now();
      if (now - indicatorsAt > 1_000) {
        indicatorsAt = now;
        drawIndicators();
      }
    };
    // Live trades fold into the current bar at once; the canvas redraws in an animation frame at most
    // ten times a second (a candle's wick needs no more, and the ladder keeps the frame budget).
    let pending: ReturnType<typeof setTimeout> | undefined;
    let lastDraw = 0;
    const onTrades = (trades: readonly TradeRow[]) => {
      for (const tr of trades) {
        const bucket = (Math.floor(tr.ts / step) * step) / 1000;
        const px = toPrice(tr.priceTicks);
        const vol = m.kind === 'binary' ? tr.qtyLots / (m.spec.lotsPerContract ?? 1) : tr.qtyLots;
        const last = bars.at(-1);
        if (last !== undefined && last.time === bucket) {
          last.high = Math.max(last.high, px);
          last.low = Math.min(last.low, px);
          last.close = px;
          last.volume += vol;
        } else if (last === undefined || bucket > last.time) {
          bars.push({ time: bucket, open: px, high: px, low: px, close: px, volume: vol });
        }
      }
      if (pending !== undefined) return;
      pending = setTimeout(
        () =>
          requestAnimationFrame(() => {
            pending = undefined;
            lastDraw = performance.now();
            if (!disposed) drawLast();
          }),
        Math.max(0, lastDraw + DRAW_EVERY_MS - performance.now()),
      );
    };
    const offTrades = feed.onTrades(onTrades);
    api<{ items: CandleRow[] }>(
      'GET',
      `/api/v1/markets/${encodeURIComponent(m.market)}/candles`,
      undefined,
      {
        interval,
        limit: 500,
      },
    ).then(
      (r) => {
        if (disposed) return;
        const loaded = r.items.map((c) => toBar(m, c));
        const lastLoaded = loaded.at(-1)?.time ?? 0;
        bars = [...loaded, ...bars.filter((b) => b.time > lastLoaded)];
        setCount(bars.length);
        setError(undefined);
        drawAll();
        chart.timeScale().fitContent();
      },
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      disposed = true;
      clearTimeout(pending);
      offTrades();
      chart.remove();
    };
  }, [m.market, feed, interval, show]);

  return (
    <div className="card chart">
      <div className="card-head">
        <h2>Price</h2>
        <fieldset className="seg" aria-label="Candle interval">
          {(['1m', '1h', '1d'] as const).map((i) => (
            <button
              key={i}
              type="button"
              aria-pressed={interval === i}
              onClick={() => setIntervalChoice(i)}
            >
              {i}
            </button>
          ))}
        </fieldset>
        <fieldset className="seg" aria-label="Indicators">
          {(
            [
              ['bb', 'Bollinger'],
              ['rsi', 'RSI'],
              ['macd', 'MACD'],
            ] as const
          ).map(([k, label]) => (
            <button
              key={k}
              type="button"
              aria-pressed={show[k]}
              onClick={() => setShow((s) => ({ ...s, [k]: !s[k] }))}
            >
              {label}
            </button>
          ))}
        </fieldset>
      </div>
      {error && <p className="error">{error}</p>}
      <div
        ref={box}
        className="chart-box"
        role="img"
        aria-label={`Price chart, ${interval} candles, ${count} bars`}
      />
    </div>
  );
}
