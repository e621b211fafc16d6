// The market list: binary markets grouped under their series' and events' titles (each event linking to
// its own page) with YES price, best bid/ask, 24h volume, open interest and status, spot instruments
// alongside; search and filters; prices tick live.

import { useMemo, useState } from 'react';
import { snapToGrid } from '@bourse/engine/rules';
import type { MarketInfo } from '../api/types.ts';
import { Link } from '../components/link.tsx';
import { StatusPill } from '../components/status-pill.tsx';
import { price, qty } from '../format/units.ts';
import { useApp } from '../state/app-state.tsx';
import { type Ticker, tickerStatus } from '../state/market-feed.ts';
import { useTickers } from '../state/use-tickers.ts';

type KindFilter = 'all' | 'binary' | 'spot';

function matches(m: MarketInfo, text: string): boolean {
  if (text === '') return true;
  const hay = [
    m.market,
    m.spec.title,
    m.spec.eventTicker,
    m.spec.seriesTicker,
    m.info?.eventTitle ?? undefined,
    m.info?.seriesTitle ?? undefined,
  ]
    .filter((x) => x !== undefined)
    .join(' ')
    .toLowerCase();
  return text
    .toLowerCase()
    .split(/\s+/)
    .every((w) => hay.includes(w));
}

/** The market with its live ticker's status and prices. */
export function withTicker(m: MarketInfo, t: Ticker | undefined): MarketInfo {
  if (t === undefined) return m;
  return {
    ...m,
    status: tickerStatus(t),
    pausedByBreaker: t.pausedByBreaker ?? m.pausedByBreaker ?? false,
    reopensAt: t.reopensAt === undefined ? (m.reopensAt ?? null) : t.reopensAt,
    lastPriceTicks: t.lastPriceTicks,
    bestBidTicks: t.bestBidTicks,
    bestAskTicks: t.bestAskTicks,
    volume24hLots: t.volume24hLots,
  };
}

export function MarketsPage() {
  const { markets, socket } = useApp();
  const [text, setText] = useState('');
  const [kind, setKind] = useState<KindFilter>('all');
  const [status, setStatus] = useState('all');
  const tickers = useTickers(
    socket,
    markets.map((m) => m.market),
  );
  const shown = useMemo(
    () =>
      markets
        .map((m) => withTicker(m, tickers.get(m.market)))
        .filter(
          (m) =>
            (kind === 'all' || m.kind === kind) &&
            (status === 'all' || m.status === status) &&
            matches(m, text),
        ),
    [markets, tickers, kind, status, text],
  );
  const groups = useMemo(() => {
    const series = new Map<string, Map<string, MarketInfo[]>>();
    for (const m of shown) {
      if (m.kind !== 'binary') continue;
      const s = m.spec.seriesTicker ?? '—';
      const e = m.spec.eventTicker ?? '—';
      let events = series.get(s);
      if (events === undefined) series.set(s, (events = new Map()));
      events.set(e, [...(events.get(e) ?? []), m]);
    }
    return series;
  }, [shown]);
  const spot = shown.filter((m) => m.kind === 'spot');
  return (
    <section>
      <div className="page-head">
        <h1>Markets</h1>
        <div className="filters">
          <label className="search">
            <span className="sr-only">Search markets</span>
            <input
              type="search"
              placeholder="Search markets"
              value={text}
              onChange={(e) => setText(e.target.value)}
            />
          </label>
          <label>
            <span className="sr-only">Kind</span>
            <select value={kind} onChange={(e) => setKind(e.target.value as KindFilter)}>
              <option value="all">All kinds</option>
              <option value="binary">Event contracts</option>
              <option value="spot">Spot</option>
            </select>
          </label>
          <label>
            <span className="sr-only">Status</span>
            <select value={status} onChange={(e) => setStatus(e.target.value)}>
              <option value="all">Any status</option>
              <option value="open">Open</option>
              <option value="paused">Paused</option>
              <option value="closed">Closed</option>
              <option value="settled">Settled</option>
              <option value="created">Created</option>
            </select>
          </label>
        </div>
      </div>
      {shown.length === 0 && <p className="muted">No markets match.</p>}
      {[...groups].map(([series, events]) => {
        const first = [...events.values()][0]?.[0];
        return (
          <div key={series} className="series">
            <h2 className="series-title">
              {first?.info?.seriesTitle ?? series}
              {first?.info?.seriesTitle != null && <span className="symbol"> {series}</span>}
            </h2>
            {[...events].map(([event, list]) => (
              <div key={event} className="card event">
                <h3>
                  <Link to={`/events/${encodeURIComponent(event)}`} className="event-link">
                    {list[0]?.info?.eventTitle ?? event}
                  </Link>
                </h3>
                <MarketTable markets={list} />
              </div>
            ))}
          </div>
        );
      })}
      {spot.length > 0 && (
        <div className="series">
          <h2 className="series-title">Spot</h2>
          <div className="card">
            <table className="markets">
              <thead>
                <tr>
                  <th>Instrument</th>
                  <th className="num">Last</th>
                  <th className="num hide-sm">Bid / Ask</th>
                  <th className="num hide-sm">24h vol</th>
                  <th className="num hide-sm">
                    <span className="sr-only">Open interest does not apply to spot</span>
                  </th>
                  <th>Status</th>
                </tr>
              </thead>
              <tbody>
                {spot.map((m) => (
                  <MarketRow key={m.market} m={m} />
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </section>
  );
}

/** Binary markets with their YES price, bid/ask, 24h volume, open interest and status. */
export function MarketTable({ markets }: { markets: readonly MarketInfo[] }) {
  return (
    <table className="markets">
      <thead>
        <tr>
          <th>Market</th>
          <th className="num">YES</th>
          <th className="num hide-sm">Bid / Ask</th>
          <th className="num hide-sm">24h vol</th>
          <th className="num hide-sm">Open int.</th>
          <th>Status</th>
        </tr>
      </thead>
      <tbody>
        {markets.map((m) => (
          <MarketRow key={m.market} m={m} />
        ))}
      </tbody>
    </table>
  );
}

/** A settled binary market's YES value: the full payout, zero, or the scalar value. */
function settledTicks(m: MarketInfo): number | null {
  const s = m.settlement;
  if (s === null || m.kind !== 'binary') return null;
  if (s.result === 'yes') return m.spec.payoutTicks ?? null;
  return s.result === 'no' ? 0 : s.valueTicks;
}

function MarketRow({ m }: { m: MarketInfo }) {
  const mid =
    m.bestBidTicks !== null && m.bestAskTicks !== null
      ? snapToGrid(m.spec, (m.bestBidTicks + m.bestAskTicks) / 2)
      : null;
  return (
    <tr>
      <td>
        <Link to={`/markets/${encodeURIComponent(m.market)}`} className="market-link">
          <span className="title">{m.spec.title ?? m.market}</span>
          <span className="symbol">{m.market}</span>
        </Link>
      </td>
      <td className="num strong" data-testid={`last-${m.market}`}>
        {price(m, settledTicks(m) ?? m.lastPriceTicks ?? mid)}
      </td>
      <td className="num hide-sm">
        {price(m, m.bestBidTicks)} / {price(m, m.bestAskTicks)}
      </td>
      <td className="num hide-sm">{qty(m, m.volume24hLots)}</td>
      <td className="num hide-sm">{m.kind === 'binary' ? qty(m, m.openInterestLots) : ''}</td>
      <td>
        <StatusPill status={m.status} />
        {m.status === 'paused' && m.pausedByBreaker && (
          <span className="pill breaker" title="Paused by its circuit breaker">
            breaker
          </span>
        )}
      </td>
    </tr>
  );
}
