// One market: header with live price, status and any scheduled opening or closing, order book, depth,
// candles with indicators, trade tape, rules, the order ticket, the user's position and open orders.
// The book, tape and ticker come from one MarketFeed and reach React at most once per animation frame.

import { memo, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { api } from '../api/http.ts';
import type { MarketInfo, PositionRow, TradeRow } from '../api/types.ts';
import { Link } from '../components/link.tsx';
import { StaleNote } from '../components/stale-note.tsx';
import { BreakerBadge } from '../components/breaker-badge.tsx';
import { StatusPill } from '../components/status-pill.tsx';
import { feeLabel } from '../format/fees.ts';
import { price, qty, usd, usdSigned } from '../format/units.ts';
import { DepthChart } from '../market/depth-chart.tsx';
import { MarketSchedule } from '../market/market-schedule.tsx';
import { MarketTerms } from '../market/market-terms.tsx';
import { realisedAfterFees } from '../portfolio/valuation.ts';
import { OpenOrders as OpenOrdersView } from '../market/open-orders.tsx';
import { OrderBook, type PricePick } from '../market/order-book.tsx';
import { OrderEntry, type TicketPreset } from '../market/order-entry.tsx';
import { PriceChart as PriceChartView } from '../market/price-chart.tsx';
import { NewsPanel } from '../news/news-panel.tsx';
import { useMarketNews } from '../news/use-market-news.ts';
import { Rewind } from '../market/rewind.tsx';
import { TradeBar } from '../market/trade-bar.tsx';
import { TradeTape } from '../market/trade-tape.tsx';
import { useApp } from '../state/app-state.tsx';
import { MarketFeed, tickerStatus } from '../state/market-feed.ts';
import { useLiveness } from '../state/liveness.ts';
import { useApi } from '../state/use-api.ts';
import { Loading } from '../components/offline-banner.tsx';

// Views that depend only on the market's spec skip the per-frame renders the book and tape cause.
const PriceChart = memo(PriceChartView);
const OpenOrders = memo(OpenOrdersView);

export function MarketPage({ symbol }: { symbol: string }) {
  const { marketBySymbol, markets } = useApp();
  const m = marketBySymbol(symbol);
  if (m === undefined) {
    return markets.length === 0 ? (
      <Loading />
    ) : (
      <section>
        <h1>Unknown market</h1>
        <p>
          There is no market {symbol}. <Link to="/">Back to markets</Link>
        </p>
      </section>
    );
  }
  return <MarketScreen key={m.market} m={m} />;
}

function MarketScreen({ m: listed }: { m: MarketInfo }) {
  const { socket } = useApp();
  const feed = useMemo(() => new MarketFeed(socket, listed.market), [socket, listed.market]);
  const news = useMarketNews(listed.market);
  useEffect(() => {
    feed.start();
    return () => feed.stop();
  }, [feed]);
  // The tape's history, again each time a connection confirms the trades channel (trades made before
  // the server subscribed this socket, as while it was down, were never pushed).
  const { downSince } = useLiveness();
  useEffect(() => {
    const path = `/api/v1/markets/${encodeURIComponent(listed.market)}/trades`;
    const load = () =>
      api<{ items: TradeRow[] }>('GET', path, undefined, { limit: 100 })
        .then((r) => feed.seedTrades(r.items))
        .catch(() => {});
    load();
    return socket.onSubscribed('trades', listed.market, load);
  }, [feed, socket, listed.market]);
  const snap = useSyncExternalStore(feed.subscribe, feed.getSnapshot);
  const t = snap.ticker;
  const m: MarketInfo = useMemo(
    () =>
      t === undefined
        ? listed
        : {
            ...listed,
            status: tickerStatus(t),
            pausedByBreaker: t.pausedByBreaker ?? listed.pausedByBreaker ?? false,
            reopensAt: t.reopensAt === undefined ? (listed.reopensAt ?? null) : t.reopensAt,
            lastPriceTicks: t.lastPriceTicks,
            bestBidTicks: t.bestBidTicks,
            bestAskTicks: t.bestAskTicks,
            volume24hLots: t.volume24hLots,
          },
    [listed, t],
  );
  const [preset, setPreset] = useState<TicketPreset | undefined>();
  const onPick = useMemo(
    () => (p: PricePick, focus?: boolean) =>
      setPreset((old) => ({
        nonce: (old?.nonce ?? 0) + 1,
        bookPriceTicks: p.priceTicks,
        side: p.side,
        focus,
      })),
    [],
  );
  const binary = m.kind === 'binary';
  return (
    <section className={downSince === undefined ? 'market' : 'market is-stale'}>
      <div className="market-head">
        <div>
          <p className="crumbs">
            <Link to="/">Markets</Link>
            {binary && ` / ${m.info?.seriesTitle ?? m.spec.seriesTicker} / `}
            {binary && (
              <Link to={`/events/${encodeURIComponent(m.spec.eventTicker ?? '')}`}>
                {m.info?.eventTitle ?? m.spec.eventTicker}
              </Link>
            )}
          </p>
          <h1>{m.spec.title ?? m.market}</h1>
          <p className="muted">{m.market}</p>
          <StaleNote />
        </div>
        <div className="stats">
          <div>
            <span className="label">{binary ? 'YES' : 'Last'}</span>
            <span className="big" data-testid="last-price">
              {price(m, m.lastPriceTicks)}
            </span>
          </div>
          {binary && (
            <div>
              <span className="label">NO</span>
              <span className="big">
                {m.lastPriceTicks === null
                  ? '—'
                  : price(m, (m.spec.payoutTicks ?? 0) - m.lastPriceTicks)}
              </span>
            </div>
          )}
          <div>
            <span className="label">24h volume</span>
            <span>{qty(m, m.volume24hLots)}</span>
          </div>
          {binary && (
            <div className="hide-sm">
              <span className="label">Open interest</span>
              <span>{qty(m, m.openInterestLots)}</span>
            </div>
          )}
          <MarketSchedule status={m.status} opensAt={m.opensAt} closesAt={m.closesAt} />
          <div data-testid="market-status">
            <span className="label">Status</span>
            <StatusPill status={m.status} />
            {m.status === 'paused' && m.pausedByBreaker && <BreakerBadge reopensAt={m.reopensAt} />}
          </div>
        </div>
      </div>
      <div className="market-grid">
        <div className="col-main">
          <PriceChart m={listed} feed={feed} news={news.data ?? undefined} />
          <NewsPanel news={news} />
          <div className="two">
            <OrderBook
              m={m}
              bids={snap.bids}
              asks={snap.asks}
              ready={snap.bookReady}
              onPick={onPick}
            />
            <TradeTape m={listed} trades={snap.trades} />
          </div>
          <DepthChart m={listed} bids={snap.bids} asks={snap.asks} />
          <Rewind m={listed} />
        </div>
        <div className="col-side">
          <OrderEntry m={m} bids={snap.bids} asks={snap.asks} preset={preset} />
          <MyPosition m={listed} />
          <Rules m={listed} />
        </div>
      </div>
      <OpenOrders market={listed} feed={feed} />
      <TradeBar m={m} bids={snap.bids} asks={snap.asks} onPick={(p) => onPick(p, true)} />
    </section>
  );
}

const MyPosition = memo(function MyPosition({ m }: { m: MarketInfo }) {
  const { me, accountVersion } = useApp();
  const positions = useApi(
    () =>
      me
        ? api<{ items: PositionRow[] }>('GET', '/api/v1/portfolio/positions')
        : Promise.resolve({ items: [] }),
    [me?.userId, accountVersion],
  );
  if (!me) return null;
  const p = positions.data?.items.find((x) => x.market === m.market);
  const lots = p?.positionLots ?? 0;
  const binary = m.kind === 'binary';
  const side = lots === 0 ? '' : binary ? (lots > 0 ? 'YES' : 'NO') : lots > 0 ? 'long' : 'short';
  return (
    <div className="card position" data-testid="my-position">
      <h2>Your position</h2>
      {p === undefined || (lots === 0 && p.realisedPnl === 0 && p.feesPaid === 0) ? (
        <p className="muted">None.</p>
      ) : (
        <dl className="summary">
          <dt>Holding</dt>
          <dd>
            {qty(m, Math.abs(lots))} {side}
          </dd>
          <dt>Cost basis</dt>
          <dd>{usd(p.costBasis)}</dd>
          <dt>Market value</dt>
          <dd>{usd(p.marketValue)}</dd>
          <dt>Unrealised</dt>
          <dd className={(p.unrealisedPnl ?? 0) >= 0 ? 'pos' : 'neg'}>
            {usdSigned(p.unrealisedPnl)}
          </dd>
          <dt title="Realised P&L less the fees paid">Realised</dt>
          <dd className={realisedAfterFees(p) >= 0 ? 'pos' : 'neg'}>
            {usdSigned(realisedAfterFees(p))}
          </dd>
          <dt>Fees paid</dt>
          <dd>{usd(p.feesPaid)}</dd>
        </dl>
      )}
    </div>
  );
});

const Rules = memo(function Rules({ m }: { m: MarketInfo }) {
  const binary = m.kind === 'binary';
  return (
    <div className="card rules">
      <h2>Rules</h2>
      <MarketTerms m={m} />
      {binary ? (
        <p>
          Each YES contract pays{' '}
          {usd((m.spec.payoutTicks ?? 0) * (m.spec.lotsPerContract ?? 1) * m.spec.moneyPerTickLot)}{' '}
          if the market resolves YES, nothing otherwise; NO pays the same if it resolves NO. Prices
          move in steps of {price(m, m.spec.tickSize)} between {price(m, m.spec.minPriceTicks)} and{' '}
          {price(m, m.spec.maxPriceTicks)}. Positions are fully collateralised.
        </p>
      ) : (
        <p>
          Spot trading, priced per lot in steps of {price(m, m.spec.tickSize)}. Buying reserves the
          quote currency, selling reserves the instrument.
        </p>
      )}
      <p className="muted small">Fees: {feeLabel(m)}.</p>
      {m.settlement && (
        <p>
          Settled: <strong>{m.settlement.result.toUpperCase()}</strong>
        </p>
      )}
    </div>
  );
});
