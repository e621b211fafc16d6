// Candles and volume from the read models (1m, 1h or 1d), kept current by the socket's candles channel,
// marked with the person's own fills and the market's news, with the indicators the person chose from the catalogue over the
// candles or in panes of their own (TradingView's lightweight-charts). Prices are drawn in display units: cents for
// binary markets, dollars for spot.

import { useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../api/http.ts';
import type { NewsItemView } from '@bourse/protocol';
import type { CandleRow, LiveCandle, MarketInfo } from '../api/types.ts';
import { useApp } from '../state/app-state.tsx';
import { useLiveness } from '../state/liveness.ts';
import type { MarketFeed } from '../state/market-feed.ts';
import {
  axisFormat,
  type Bar,
  type Interval,
  mergeHistory,
  toBar,
  upsertBar,
} from './candle-bars.ts';
import { ChartReadout, IndicatorNeeds } from './chart-notes.tsx';
import { type FillMarker, fillMarkers } from './fill-markers.ts';
import { IndicatorPicker } from './indicator-picker.tsx';
import {
  type Chosen,
  fetchSelection,
  loadSelection,
  saveSelection,
} from './indicator-selection.ts';
import { useMyFills } from './use-my-fills.ts';
import { type NewsMarker, newsMarkers } from '../news/news-markers.ts';
import { CandleChart } from './candle-chart.ts';

/** Live candles redraw the canvas at most this often (a wick needs no more; the ladder keeps the frame). */
const DRAW_EVERY_MS = 100;
const NO_NEWS: readonly NewsItemView[] = [];

export function PriceChart({
  m,
  feed,
  news: given,
}: {
  m: MarketInfo;
  feed: MarketFeed;
  /** The market's news items, marked on their candles. */
  news?: readonly NewsItemView[] | undefined;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [interval, setIntervalChoice] = useState<Interval>('1m');
  const { me } = useApp();
  const userId = me?.userId;
  const [chosen, setChosen] = useState<readonly Chosen[]>(() => loadSelection(userId));
  const choseHere = useRef(false);
  // Each person's own selection: reload it when the person signed in changes, then take the server's.
  useEffect(() => {
    setChosen(loadSelection(userId));
    choseHere.current = false;
    if (userId === undefined) return;
    let live = true;
    fetchSelection(userId).then((saved) => {
      // A choice made while the server was asked is newer than what it answers.
      if (live && saved !== undefined && !choseHere.current) setChosen(saved);
    });
    return () => {
      live = false;
    };
  }, [userId]);
  const choose = (next: readonly Chosen[]) => {
    choseHere.current = true;
    setChosen(next);
    saveSelection(userId, next);
  };
  const [error, setError] = useState<string | undefined>();
  const [count, setCount] = useState(0);
  const [newest, setNewest] = useState<Bar | undefined>();
  const [hovered, setHovered] = useState<Bar | undefined>();
  // Per symbol, like the chart: the spec of a symbol never changes.
  const axis = useMemo(() => axisFormat(m), [m.market]);
  const fills = useMyFills(m.market);
  const fillsNow = useRef(fills);
  fillsNow.current = fills;
  const news = given ?? NO_NEWS;
  const newsNow = useRef(news);
  newsNow.current = news;
  const [markers, setMarkers] = useState<readonly FillMarker[]>([]);
  const [newsMarks, setNewsMarks] = useState<readonly NewsMarker[]>([]);
  /** Marks the fills on the chart that is up (after new bars, and when the fills change). */
  const mark = useRef<(() => void) | undefined>(undefined);
  /** Loads the history again; set while the chart is up, called after an outage if a load failed. */
  const retry = useRef<(() => void) | undefined>(undefined);
  const { reconnects } = useLiveness();

  // Keyed on the symbol: the market list refreshes every few seconds with new objects for the same
  // market, which must not rebuild the chart.
  // Only the symbol is a dependency: the spec of a symbol never changes.
  useEffect(() => {
    const el = box.current;
    if (el === null) return;
    let bars: Bar[] = [];
    const chart = new CandleChart(el, chosen, axis, (time) =>
      setHovered(time === undefined ? undefined : bars.find((b) => b.time === time)),
    );
    mark.current = () => {
      const list = fillMarkers(m, fillsNow.current, bars);
      chart.setMarkers(list);
      setMarkers(list);
      const onChart = newsMarkers(newsNow.current, bars);
      chart.setNewsMarkers(onChart);
      setNewsMarks(onChart);
    };
    const publish = () => {
      setCount(bars.length);
      setNewest(bars.at(-1));
      mark.current?.();
    };
    /** Index of the first bar changed since the last draw. */
    let dirtyFrom: number | undefined;
    let disposed = false;
    let pending: ReturnType<typeof setTimeout> | undefined;
    let lastDraw = 0;
    const onCandle = (candle: LiveCandle) => {
      const changed = upsertBar(bars, toBar(m, candle));
      if (changed === undefined) return;
      dirtyFrom = Math.min(dirtyFrom ?? changed, changed);
      if (pending !== undefined) return;
      pending = setTimeout(
        () =>
          requestAnimationFrame(() => {
            pending = undefined;
            lastDraw = performance.now();
            if (disposed || dirtyFrom === undefined) return;
            chart.drawFrom(bars, dirtyFrom);
            dirtyFrom = undefined;
            publish();
          }),
        Math.max(0, lastDraw + DRAW_EVERY_MS - performance.now()),
      );
    };
    const path = `/api/v1/markets/${encodeURIComponent(m.market)}/candles`;
    /** History from the read models, merged under the live bars (on open, and after a reconnect). */
    const loadHistory = () =>
      api<{ items: CandleRow[] }>('GET', path, undefined, { interval, limit: 500 }).then(
        (r) => {
          if (disposed) return;
          bars = mergeHistory(m, r.items, bars);
          dirtyFrom = undefined;
          publish();
          setError(undefined);
          retry.current = undefined;
          chart.drawAll(bars);
        },
        (e: unknown) => {
          if (disposed) return;
          setError(e instanceof Error ? e.message : String(e));
          retry.current = loadHistory;
        },
      );
    const offCandles = feed.onCandles(interval, onCandle, loadHistory);
    loadHistory();
    return () => {
      disposed = true;
      retry.current = undefined;
      mark.current = undefined;
      clearTimeout(pending);
      offCandles();
      chart.remove();
    };
  }, [m.market, feed, interval, chosen]);

  useEffect(() => mark.current?.(), [fills, news]);

  // A chart opened while the exchange was down has no history: load it once the exchange is back (a
  // chart that had its history reloads on the candles channel's next snapshot instead).
  useEffect(() => {
    if (reconnects > 0) retry.current?.();
  }, [reconnects]);

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
      </div>
      {error && <p className="error">{error}</p>}
      {count === 0 && error === undefined && (
        <p className="muted small chart-empty">No trades yet: candles appear with the first one.</p>
      )}
      <ChartReadout bar={hovered ?? newest} axis={axis} />
      <div
        ref={box}
        className="chart-box"
        role="img"
        aria-label={`Price chart, ${interval} candles, ${count} bars`}
      />
      <IndicatorNeeds chosen={chosen} bars={count} />
      <IndicatorPicker chosen={chosen} onChange={choose} />
      <ul className="sr-only" aria-label="Your fills on the chart">
        {markers.map((f, i) => (
          // Index keys: the list is rebuilt whole from the fills.
          <li key={i}>{f.text}</li>
        ))}
      </ul>
      <ul className="sr-only" aria-label="News on the chart">
        {newsMarks.map((n) => (
          <li key={n.time} data-sentiment={n.label}>
            {n.text}
          </li>
        ))}
      </ul>
    </div>
  );
}
