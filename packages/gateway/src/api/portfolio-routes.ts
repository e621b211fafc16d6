// The account's money and holdings: balances and positions live from the engine (they reflect every
// acknowledged order at once), fills, settlements and the ledger from the read models after the
// history barrier (every command acknowledged before the request is in them).

import { type PositionView, positionValue, unrealisedPnl } from '@bourse/engine';
import type { MarketDataHub } from '@bourse/marketdata';
import { type RequestContext, type RouteDef, route } from './route-def.ts';
import { caller, type Defined, defined, readModel } from './route-helpers.ts';
import {
  LedgerQuery,
  PageQuery,
  BalanceSchema,
  FillSchema,
  Page,
  PositionSchema,
} from '@bourse/protocol';

/** Mark price: last trade, else the mid of the best bid and ask, else unknown. */
function markTicks(hub: MarketDataHub, instrumentId: number): number | undefined {
  const m = hub.market(instrumentId);
  if (m === undefined) return undefined;
  if (m.lastPriceTicks !== undefined) return m.lastPriceTicks;
  const bid = m.book.bestBid();
  const ask = m.book.bestAsk();
  return bid !== undefined && ask !== undefined ? Math.floor((bid + ask) / 2) : undefined;
}

export function positionWithPnl(p: PositionView, hub: MarketDataHub) {
  const m = hub.market(p.instrumentId);
  const mark = markTicks(hub, p.instrumentId);
  const priced = m !== undefined && mark !== undefined;
  return {
    ...p,
    market: m?.spec.symbol ?? String(p.instrumentId),
    markPriceTicks: mark ?? null,
    marketValue: priced ? positionValue(m.spec, p.positionLots, mark) : null,
    unrealisedPnl: priced ? unrealisedPnl(m.spec, p.positionLots, p.costBasis, mark) : null,
  };
}

/** The caller's query of one page of history: in one market or all, after a cursor, at most `limit`. */
type AccountPageQuery = Defined<{
  accountId: number;
  instrumentId: number | undefined;
  limit: number | undefined;
  cursor: string | undefined;
}>;

/** A page of the caller's history (fills, settlements), once the read models hold their writes. */
async function accountPage<T>(
  ctx: RequestContext<undefined, PageQuery>,
  read: (q: AccountPageQuery) => Promise<T>,
): Promise<T> {
  const s = ctx.services;
  const q = ctx.query;
  const instrumentId = q.market === undefined ? undefined : s.market(q.market).spec.instrumentId;
  await s.historyBarrier();
  const accountId = caller(ctx).accountId;
  return readModel(() =>
    read(defined({ accountId, instrumentId, limit: q.limit, cursor: q.cursor })),
  );
}

/** The portfolio routes by name, so in-process callers (the Kalshi adapter) run them typed. */
export const portfolioOperations = {
  balances: route({
    method: 'GET',
    path: '/api/v1/portfolio/balances',
    response: Page(BalanceSchema),
    summary: 'Available and reserved money per asset, live.',
    tag: 'portfolio',
    auth: 'read',
    handler: async (ctx) => {
      const s = ctx.services;
      const balances = await s.core.query.balances(caller(ctx).accountId);
      const codes = new Map(s.assets().map((a) => [a.assetId, a.code]));
      return {
        items: balances.map((b) => ({ ...b, asset: codes.get(b.assetId) ?? String(b.assetId) })),
      };
    },
  }),
  positions: route({
    method: 'GET',
    path: '/api/v1/portfolio/positions',
    response: Page(PositionSchema),
    summary: 'Positions with cost basis, realised and unrealised P&L at the mark price, live.',
    tag: 'portfolio',
    auth: 'read',
    handler: async (ctx) => {
      const positions = await ctx.services.core.query.positions(caller(ctx).accountId);
      return { items: positions.map((p) => positionWithPnl(p, ctx.services.hub)) };
    },
  }),
  fills: route({
    method: 'GET',
    path: '/api/v1/portfolio/fills',
    response: Page(FillSchema),
    summary: "The account's fills, newest first, cursor-paginated.",
    tag: 'portfolio',
    auth: 'read',
    query: PageQuery,
    handler: (ctx) => accountPage(ctx, (q) => ctx.services.core.readModels.fills(q)),
  }),
  settlements: route({
    method: 'GET',
    path: '/api/v1/portfolio/settlements',
    summary: "The account's settlement payouts, newest first.",
    tag: 'portfolio',
    auth: 'read',
    query: PageQuery,
    handler: (ctx) => accountPage(ctx, (q) => ctx.services.core.readModels.settlements(q)),
  }),
  ledger: route({
    method: 'GET',
    path: '/api/v1/portfolio/ledger',
    summary: 'Every movement of money (deposits, trades, fees, settlements), newest first.',
    tag: 'portfolio',
    auth: 'read',
    query: LedgerQuery,
    handler: async (ctx) => {
      const s = ctx.services;
      const q = ctx.query;
      await s.historyBarrier();
      return readModel(() =>
        s.core.readModels.ledger(
          defined({
            accountId: caller(ctx).accountId,
            assetId: q.assetId,
            limit: q.limit,
            cursor: q.cursor,
          }),
        ),
      );
    },
  }),
};

export const portfolioRoutes: RouteDef[] = Object.values(portfolioOperations);
