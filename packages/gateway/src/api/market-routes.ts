// Public market data over REST: the market list with filters, one market, its order book (live from the
// engine), its trades and candles (from the read models).

import type { InstrumentView } from '@bourse/engine';
import type { MarketDataHub } from '@bourse/marketdata';
import { ApiError } from '../error-catalogue.ts';
import { type Catalogue, loadCatalogue, marketInfo } from './catalogue.ts';
import { type RouteDef, route } from './route-def.ts';
import { defined, readModel } from './route-helpers.ts';
import {
  BookQuery,
  CandlesQuery,
  MarketsQuery,
  TradesQuery,
  BookSchema,
  CandleSchema,
  ExchangeStatusSchema,
  MarketSchema,
  Page,
  TradeSchema,
} from '@bourse/protocol';

export function marketView(v: InstrumentView, hub: MarketDataHub, catalogue: Catalogue) {
  const ticker = hub.ticker(v.spec.instrumentId);
  return {
    market: v.spec.symbol,
    instrumentId: v.spec.instrumentId,
    kind: v.spec.kind,
    status: v.status,
    lastPriceTicks: v.lastPriceTicks ?? null,
    bestBidTicks: ticker?.bestBidTicks ?? null,
    bestAskTicks: ticker?.bestAskTicks ?? null,
    volume24hLots: ticker?.volume24hLots ?? 0,
    openInterestLots: v.openInterestLots,
    escrow: v.escrow,
    settlement: v.settlement ?? null,
    opensAt: v.opensAt ?? null,
    closesAt: v.closesAt ?? null,
    pausedByBreaker: v.status === 'paused' && v.reopensAt !== undefined,
    reopensAt: v.reopensAt ?? null,
    circuitBreaker:
      v.circuitBreaker === undefined
        ? null
        : {
            config: v.circuitBreaker.config,
            referencePriceTicks: v.circuitBreaker.referencePriceTicks ?? null,
          },
    spec: v.spec,
    info: marketInfo(v.spec, catalogue),
  };
}

export const marketRoutes: RouteDef[] = [
  route({
    method: 'GET',
    path: '/api/v1/exchange/status',
    response: ExchangeStatusSchema,
    summary:
      'Whether the exchange is halted (answered by the engine, so it holds across restarts), and ' +
      'whether it is a sandbox (with its simulated clock).',
    tag: 'markets',
    auth: 'public',
    handler: async (ctx) => {
      const { seq, halted } = await ctx.services.core.query.exchangeStatus();
      const sandbox = ctx.services.sandbox;
      const status = { halted, tradingActive: !halted, seq, sandbox: sandbox !== undefined };
      return sandbox === undefined ? status : { ...status, clock: sandbox.clock.view() };
    },
  }),
  route({
    method: 'GET',
    path: '/api/v1/assets',
    summary: 'List assets (code, id, minor units per major unit).',
    tag: 'markets',
    auth: 'public',
    handler: (ctx) => ({ items: ctx.services.assets() }),
  }),
  route({
    method: 'GET',
    path: '/api/v1/markets',
    response: Page(MarketSchema),
    summary: 'List markets, filtered by kind, status, event or series.',
    tag: 'markets',
    auth: 'public',
    query: MarketsQuery,
    handler: async (ctx) => {
      const q = ctx.query;
      const all = await ctx.services.core.query.instruments();
      const items = all.filter(
        (v) =>
          (q.kind === undefined || v.spec.kind === q.kind) &&
          (q.status === undefined || v.status === q.status) &&
          (q.eventTicker === undefined ||
            (v.spec.kind === 'binary' && v.spec.eventTicker === q.eventTicker)) &&
          (q.seriesTicker === undefined ||
            (v.spec.kind === 'binary' && v.spec.seriesTicker === q.seriesTicker)),
      );
      const catalogue = await loadCatalogue(ctx.services.auth);
      return { items: items.map((v) => marketView(v, ctx.services.hub, catalogue)) };
    },
  }),
  route({
    method: 'GET',
    path: '/api/v1/events/:eventTicker',
    summary: "One event: its title, its series' title and every market of it with its prices.",
    tag: 'markets',
    auth: 'public',
    handler: async (ctx) => {
      const ticker = ctx.params.eventTicker!;
      const all = await ctx.services.core.query.instruments();
      const markets = all.filter((v) => v.spec.kind === 'binary' && v.spec.eventTicker === ticker);
      const first = markets[0]?.spec;
      if (first === undefined || first.kind !== 'binary') {
        throw new ApiError('NOT_FOUND', `No event ${ticker}.`);
      }
      const catalogue = await loadCatalogue(ctx.services.auth);
      return {
        eventTicker: ticker,
        seriesTicker: first.seriesTicker,
        title: catalogue.titles.get(`event:${ticker}`) ?? null,
        seriesTitle: catalogue.titles.get(`series:${first.seriesTicker}`) ?? null,
        markets: markets.map((v) => marketView(v, ctx.services.hub, catalogue)),
      };
    },
  }),
  route({
    method: 'GET',
    path: '/api/v1/markets/:market',
    response: MarketSchema,
    summary: 'One market: spec, status, last price, best bid/ask, 24h volume, open interest.',
    tag: 'markets',
    auth: 'public',
    handler: async (ctx) => {
      const m = ctx.services.market(ctx.params.market!);
      const v = await ctx.services.core.query.instrument(m.spec.instrumentId);
      return marketView(v!, ctx.services.hub, await loadCatalogue(ctx.services.auth));
    },
  }),
  route({
    method: 'GET',
    path: '/api/v1/markets/:market/book',
    response: BookSchema,
    summary: 'Order book depth: [priceTicks, qtyLots, orderCount] per level, best first.',
    tag: 'markets',
    auth: 'public',
    query: BookQuery,
    handler: async (ctx) => {
      const m = ctx.services.market(ctx.params.market!);
      const depth = ctx.query.depth;
      const book = await ctx.services.core.query.book(m.spec.instrumentId, depth);
      return {
        market: m.spec.symbol,
        instrumentId: m.spec.instrumentId,
        bids: book?.bids ?? [],
        asks: book?.asks ?? [],
      };
    },
  }),
  route({
    method: 'GET',
    path: '/api/v1/markets/:market/trades',
    response: Page(TradeSchema),
    summary: 'Public trades, newest first, cursor-paginated.',
    tag: 'markets',
    auth: 'public',
    query: TradesQuery,
    handler: async (ctx) => {
      const m = ctx.services.market(ctx.params.market!);
      const q = ctx.query;
      await ctx.services.historyBarrier();
      return readModel(() =>
        ctx.services.core.readModels.trades(
          defined({
            instrumentId: m.spec.instrumentId,
            limit: q.limit,
            cursor: q.cursor,
            sinceTs: q.sinceTs,
          }),
        ),
      );
    },
  }),
  route({
    method: 'GET',
    path: '/api/v1/markets/:market/candles',
    response: Page(CandleSchema),
    summary: 'OHLCV candles (1m, 1h, 1d), oldest first.',
    tag: 'markets',
    auth: 'public',
    query: CandlesQuery,
    handler: async (ctx) => {
      const m = ctx.services.market(ctx.params.market!);
      const q = ctx.query;
      await ctx.services.historyBarrier();
      const items = await readModel(() =>
        ctx.services.core.readModels.candles(
          defined({
            instrumentId: m.spec.instrumentId,
            interval: q.interval,
            fromTs: q.fromTs,
            toTs: q.toTs,
            limit: q.limit,
          }),
        ),
      );
      return { items };
    },
  }),
];
