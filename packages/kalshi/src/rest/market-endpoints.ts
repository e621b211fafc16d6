// Public market data in Kalshi's shapes: exchange status and schedule, series, events, markets (with
// Kalshi's filters and cursor pagination), order books, trades and candlesticks. Everything is read from
// the engine (instruments, books) or the read models (trades, candles); nothing here decides anything.

import type { CandleInterval, TradeRow } from '@bourse/projections';
import { loadCatalogue, marketInfo } from '@bourse/gateway';
import type { MarketInfo } from '@bourse/protocol';
import { formatLots, formatTicks, isoTime } from '../fixed-point.ts';
import { takerFields } from '../direction.ts';
import { KalshiError } from '../kalshi-error.ts';
import { kalshiBook } from '../book-levels.ts';
import { eventStatus, marketStatusFilter } from '../vocabulary.ts';
import type { KalshiContext, KalshiRoute } from './kalshi-route.ts';
import { type BinaryView, groupBy, isBinary } from './market-directory.ts';
import { kalshiEvent, type KalshiMarket, kalshiMarket, kalshiSeries } from './market-view.ts';
import {
  boolParam,
  csvParam,
  intParam,
  kalshiCursor,
  keyPage,
  limitParam,
  strParam,
} from './query-params.ts';

async function binaryViews(ctx: KalshiContext): Promise<BinaryView[]> {
  const all = await ctx.services.core.query.instruments();
  return all.filter(isBinary).sort((a, b) => (a.spec.symbol < b.spec.symbol ? -1 : 1));
}

/** The engine's view of one binary market by ticker, or 404 `market_not_found`. */
export async function binaryView(ctx: KalshiContext, ticker: string): Promise<BinaryView> {
  const id = ctx.services.hub.resolve(ticker);
  const v = id === undefined ? undefined : await ctx.services.core.query.instrument(id);
  if (v === undefined || !isBinary(v) || v.spec.symbol !== ticker) {
    throw new KalshiError('market_not_found', `No market ${ticker}.`);
  }
  return v;
}

/** What admins wrote about each market, by symbol (titles of its series and event included). */
async function infosOf(ctx: KalshiContext, views: readonly BinaryView[]): Promise<MarketInfo[]> {
  const catalogue = await loadCatalogue(ctx.services.auth);
  return views.map((v) => marketInfo(v.spec, catalogue));
}

async function marketsOf(ctx: KalshiContext, views: readonly BinaryView[]) {
  await ctx.services.historyBarrier();
  const rm = ctx.services.core.readModels;
  const infos = await infosOf(ctx, views);
  return Promise.all(
    views.map(async (v, i) => {
      const id = v.spec.instrumentId;
      const days = await rm.candles({ instrumentId: id, interval: '1d' });
      const stats = {
        volumeLots: days.reduce((sum, c) => sum + c.volumeLots, 0),
        volume24hLots: ctx.services.hub.ticker(id)?.volume24hLots ?? 0,
      };
      const live = ctx.services.hub.market(id);
      return kalshiMarket(v, live, ctx.directory.times(id), stats, infos[i]!);
    }),
  );
}

function secondsFilter(q: Record<string, string>, name: string): number | undefined {
  const s = intParam(q, name, 0);
  return s === undefined ? undefined : s * 1000;
}

function filterMarkets(ctx: KalshiContext, views: BinaryView[]): BinaryView[] {
  const q = ctx.query;
  const event = strParam(q, 'event_ticker');
  const series = strParam(q, 'series_ticker');
  const tickers = csvParam(q, 'tickers');
  const statusText = strParam(q, 'status');
  const statuses = statusText === undefined ? undefined : marketStatusFilter(statusText);
  if (statusText !== undefined && statuses === undefined) {
    throw new KalshiError(
      'invalid_parameters',
      'status must be unopened, open, paused, closed or settled.',
    );
  }
  const minClose = secondsFilter(q, 'min_close_ts');
  const maxClose = secondsFilter(q, 'max_close_ts');
  const minCreated = secondsFilter(q, 'min_created_ts');
  const maxCreated = secondsFilter(q, 'max_created_ts');
  return views.filter((v) => {
    const t = ctx.directory.times(v.spec.instrumentId);
    return (
      (event === undefined || v.spec.eventTicker === event) &&
      (series === undefined || v.spec.seriesTicker === series) &&
      (tickers === undefined || tickers.includes(v.spec.symbol)) &&
      (statuses === undefined || statuses.has(v.status)) &&
      (minCreated === undefined || t.createdMs >= minCreated) &&
      (maxCreated === undefined || t.createdMs <= maxCreated) &&
      (minClose === undefined || (t.closeMs !== undefined && t.closeMs >= minClose)) &&
      (maxClose === undefined || (t.closeMs !== undefined && t.closeMs <= maxClose))
    );
  });
}

function tradeView(ctx: KalshiContext, t: TradeRow) {
  const m = ctx.services.hub.market(t.instrumentId);
  const spec = m?.spec;
  if (spec === undefined || spec.kind !== 'binary') return undefined;
  return {
    trade_id: String(t.tradeId),
    ticker: spec.symbol,
    count_fp: formatLots(t.qtyLots, spec),
    yes_price_dollars: formatTicks(t.priceTicks, spec),
    no_price_dollars: formatTicks(spec.payoutTicks - t.priceTicks, spec),
    ...takerFields(t.takerSide),
    created_time: isoTime(t.ts),
    ts: Math.floor(t.ts / 1000),
    is_block_trade: false,
  };
}

const CANDLE_PERIODS: Record<number, CandleInterval> = { 1: '1m', 60: '1h', 1440: '1d' };

async function candlesticks(ctx: KalshiContext) {
  const v = await binaryView(ctx, ctx.params.ticker!);
  const spec = v.spec;
  const q = ctx.query;
  const period = intParam(q, 'period_interval', 1, 1440);
  const interval = period === undefined ? undefined : CANDLE_PERIODS[period];
  const start = intParam(q, 'start_ts', 0);
  const end = intParam(q, 'end_ts', 0);
  if (interval === undefined || start === undefined || end === undefined || end < start) {
    throw new KalshiError(
      'invalid_parameters',
      'start_ts ≤ end_ts (unix seconds) and period_interval 1, 60 or 1440 are required.',
    );
  }
  const periodMs = period! * 60_000;
  await ctx.services.historyBarrier();
  const rows = await ctx.services.core.readModels.candles({
    instrumentId: spec.instrumentId,
    interval,
    fromTs: start * 1000 - periodMs,
    toTs: end * 1000,
  });
  const px = (t: number) => formatTicks(t, spec);
  const empty = { open_dollars: null, low_dollars: null, high_dollars: null, close_dollars: null };
  const candles = rows
    .filter((c) => c.bucketTs + periodMs > start * 1000 && c.bucketTs + periodMs <= end * 1000)
    .map((c, i, all) => ({
      end_period_ts: (c.bucketTs + periodMs) / 1000,
      yes_bid: empty,
      yes_ask: empty,
      price: {
        open_dollars: px(c.openTicks),
        low_dollars: px(c.lowTicks),
        high_dollars: px(c.highTicks),
        close_dollars: px(c.closeTicks),
        min_dollars: px(c.lowTicks),
        max_dollars: px(c.highTicks),
        mean_dollars: px(Math.round(c.notional / Math.max(1, c.volumeLots))),
        previous_dollars: i > 0 ? px(all[i - 1]!.closeTicks) : null,
      },
      volume_fp: formatLots(c.volumeLots, spec),
      open_interest_fp: formatLots(v.openInterestLots, spec),
    }));
  return { ticker: spec.symbol, candlesticks: candles };
}

async function events(ctx: KalshiContext) {
  const q = ctx.query;
  const limit = limitParam(q, 200, 200);
  const nested = boolParam(q, 'with_nested_markets');
  const statusText = strParam(q, 'status');
  if (statusText !== undefined && !['unopened', 'open', 'closed', 'settled'].includes(statusText)) {
    throw new KalshiError(
      'invalid_parameters',
      'status must be unopened, open, closed or settled.',
    );
  }
  const series = strParam(q, 'series_ticker');
  const tickers = csvParam(q, 'event_tickers') ?? csvParam(q, 'tickers');
  const views = (await binaryViews(ctx)).filter(
    (v) => series === undefined || v.spec.seriesTicker === series,
  );
  const grouped = [...groupBy(views, (v) => v.spec.eventTicker)].filter(
    ([ticker, vs]) =>
      (tickers === undefined || tickers.includes(ticker)) &&
      (statusText === undefined || eventStatus(vs.map((v) => v.status)) === statusText),
  );
  const page = keyPage(grouped, ([ticker]) => ticker, strParam(q, 'cursor'), limit);
  const out = [];
  for (const [ticker, vs] of page.items) {
    const markets = await marketsOf(ctx, vs);
    const event = kalshiEvent(ticker, markets, vs[0]!.spec, await infosOf(ctx, vs));
    out.push(nested ? { ...event, markets } : event);
  }
  return { events: out, cursor: page.cursor };
}

async function eventByTicker(ctx: KalshiContext) {
  const ticker = ctx.params.event_ticker!;
  const vs = (await binaryViews(ctx)).filter((v) => v.spec.eventTicker === ticker);
  if (vs.length === 0) throw new KalshiError('not_found', `No event ${ticker}.`);
  const markets: KalshiMarket[] = await marketsOf(ctx, vs);
  const event = kalshiEvent(ticker, markets, vs[0]!.spec, await infosOf(ctx, vs));
  const nested = boolParam(ctx.query, 'with_nested_markets');
  return { event: nested ? { ...event, markets } : event, markets };
}

async function seriesList(ctx: KalshiContext) {
  const grouped = [...groupBy(await binaryViews(ctx), (v) => v.spec.seriesTicker)];
  const series = [];
  for (const [ticker, vs] of grouped) {
    series.push(kalshiSeries(ticker, vs[0]!.spec, await infosOf(ctx, vs)));
  }
  return { series };
}

async function orderbookOf(ctx: KalshiContext, ticker: string, depth: number) {
  const v = await binaryView(ctx, ticker);
  const book = await ctx.services.core.query.book(v.spec.instrumentId);
  return kalshiBook(v.spec, book?.bids ?? [], book?.asks ?? [], depth);
}

export const marketEndpoints: KalshiRoute[] = [
  {
    method: 'GET',
    path: '/exchange/status',
    auth: 'public',
    handler: async (ctx) => ({
      exchange_active: true,
      // From the engine, not the event stream: a halt set before this process started still counts.
      trading_active: !(await ctx.services.core.query.exchangeStatus()).halted,
      exchange_estimated_resume_time: null,
    }),
  },
  {
    method: 'GET',
    path: '/exchange/schedule',
    auth: 'public',
    handler: () => {
      const day = [{ open_time: '00:00', close_time: '24:00' }];
      const week = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
      const hours = Object.fromEntries(week.map((d) => [d, day]));
      return {
        schedule: {
          standard_hours: [
            { start_time: '1970-01-01T00:00:00Z', end_time: '2099-12-31T23:59:59Z', ...hours },
          ],
          maintenance_windows: [],
        },
      };
    },
  },
  { method: 'GET', path: '/series', auth: 'public', handler: seriesList },
  {
    method: 'GET',
    path: '/series/:series_ticker',
    auth: 'public',
    handler: async (ctx) => {
      const ticker = ctx.params.series_ticker!;
      const vs = (await binaryViews(ctx)).filter((x) => x.spec.seriesTicker === ticker);
      if (vs.length === 0) throw new KalshiError('not_found', `No series ${ticker}.`);
      return { series: kalshiSeries(ticker, vs[0]!.spec, await infosOf(ctx, vs)) };
    },
  },
  { method: 'GET', path: '/events', auth: 'public', handler: events },
  { method: 'GET', path: '/events/:event_ticker', auth: 'public', handler: eventByTicker },
  {
    method: 'GET',
    path: '/markets',
    auth: 'public',
    handler: async (ctx) => {
      const limit = limitParam(ctx.query, 100, 1000);
      const views = filterMarkets(ctx, await binaryViews(ctx));
      const page = keyPage(views, (v) => v.spec.symbol, strParam(ctx.query, 'cursor'), limit);
      return { markets: await marketsOf(ctx, page.items), cursor: page.cursor };
    },
  },
  {
    method: 'GET',
    path: '/markets/trades',
    auth: 'public',
    handler: async (ctx) => {
      const q = ctx.query;
      const ticker = strParam(q, 'ticker');
      const instrumentId =
        ticker === undefined ? undefined : (await binaryView(ctx, ticker)).spec.instrumentId;
      const minTs = secondsFilter(q, 'min_ts');
      const maxTs = secondsFilter(q, 'max_ts');
      await ctx.services.historyBarrier();
      const page = await readPage(() =>
        ctx.services.core.readModels.trades({
          limit: limitParam(q, 100, 1000),
          ...(instrumentId === undefined ? {} : { instrumentId }),
          ...(minTs === undefined ? {} : { sinceTs: minTs }),
          ...(strParam(q, 'cursor') === undefined ? {} : { cursor: q.cursor! }),
        }),
      );
      const trades = page.items
        .filter((t) => maxTs === undefined || t.ts <= maxTs)
        .map((t) => tradeView(ctx, t))
        .filter((t) => t !== undefined);
      return { trades, cursor: kalshiCursor(page.nextCursor) };
    },
  },
  {
    method: 'GET',
    path: '/markets/orderbooks',
    auth: 'public',
    handler: async (ctx) => {
      const tickers = csvParam(ctx.query, 'tickers');
      if (tickers === undefined || tickers.length > 100) {
        throw new KalshiError('invalid_parameters', 'tickers: 1 to 100 comma-separated tickers.');
      }
      const books = await Promise.all(
        tickers.map(async (t) => ({ ticker: t, orderbook_fp: await orderbookOf(ctx, t, 0) })),
      );
      return { orderbooks: books };
    },
  },
  {
    method: 'GET',
    path: '/markets/:ticker',
    auth: 'public',
    handler: async (ctx) => {
      const v = await binaryView(ctx, ctx.params.ticker!);
      return { market: (await marketsOf(ctx, [v]))[0] };
    },
  },
  {
    method: 'GET',
    path: '/markets/:ticker/orderbook',
    auth: 'public',
    handler: async (ctx) => {
      const depth = intParam(ctx.query, 'depth', 0, 1000) ?? 0;
      return { orderbook_fp: await orderbookOf(ctx, ctx.params.ticker!, depth) };
    },
  },
  {
    method: 'GET',
    path: '/series/:series_ticker/markets/:ticker/candlesticks',
    auth: 'public',
    handler: candlesticks,
  },
];

/** Runs a read-model page query; its InvalidQueryError (bad cursor or limit) becomes a 400. */
export async function readPage<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if ((error as Error).name === 'InvalidQueryError') {
      throw new KalshiError('invalid_parameters', 'The cursor or limit is not valid.');
    }
    throw error;
  }
}
