// The member's portfolio in Kalshi's shapes: balance (available cash in cents and dollars), positions
// per market and per event, fills, orders and settlements. Balances and positions are live from the
// engine; history comes from the read models after the history barrier.

import type { BinarySpec } from '@bourse/engine';
import { nativeOperations, runNative } from '@bourse/gateway';
import type { FillRow } from '@bourse/projections';
import { formatLots, formatMicros, isoTime, microsToCents, toMicros } from '../fixed-point.ts';
import { KalshiError } from '../kalshi-error.ts';
import { orderStatusFilter } from '../vocabulary.ts';
import { type KalshiContext, type KalshiRoute, member } from './kalshi-route.ts';
import { groupBy } from './market-directory.ts';
import { readPage } from './market-endpoints.ts';
import { loadOrder, orderFills } from './order-actions.ts';
import { marketSpec, parseOrderId } from './order-request.ts';
import { fillCost, kalshiFill, kalshiOrder } from './order-view.ts';
import { csvParam, intParam, kalshiCursor, limitParam, strParam } from './query-params.ts';

function binarySpec(ctx: KalshiContext, instrumentId: number): BinarySpec | undefined {
  const spec = ctx.services.hub.market(instrumentId)?.spec;
  return spec?.kind === 'binary' ? spec : undefined;
}

/** The settlement asset of the binary markets (USD); the first binary market decides. */
function cashAsset(ctx: KalshiContext): { assetId: number; scale: number } {
  const spec = ctx.services.hub.markets().find((m) => m.spec.kind === 'binary')?.spec;
  const assetId =
    spec?.kind === 'binary' ? spec.settlementAssetId : ctx.services.asset('USD').assetId;
  const scale = ctx.services.assets().find((a) => a.assetId === assetId)?.scale ?? 1_000_000;
  return { assetId, scale };
}

async function balance(ctx: KalshiContext) {
  const p = member(ctx);
  const { assetId, scale } = cashAsset(ctx);
  const balances = await ctx.services.core.query.balances(p.accountId);
  const available = toMicros(balances.find((b) => b.assetId === assetId)?.available ?? 0, scale);
  const positions = await runNative(nativeOperations.portfolio.positions, ctx, {});
  const value = positions.items
    .filter((x) => binarySpec(ctx, x.instrumentId) !== undefined)
    .reduce((sum, x) => sum + toMicros(x.marketValue ?? 0, scale), 0);
  return {
    balance: microsToCents(available),
    balance_dollars: formatMicros(available),
    portfolio_value: microsToCents(value),
    updated_ts: Math.floor(ctx.services.clock() / 1000),
  };
}

/** Every fill of the account in one market, newest first (bounded: 100 pages of 1,000). */
async function marketFills(ctx: KalshiContext, accountId: number, instrumentId: number) {
  const out: FillRow[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 100; page++) {
    const r = await ctx.services.core.readModels.fills({
      accountId,
      instrumentId,
      limit: 1000,
      ...(cursor === undefined ? {} : { cursor }),
    });
    out.push(...r.items);
    cursor = r.nextCursor;
    if (cursor === undefined) break;
  }
  return out;
}

async function positions(ctx: KalshiContext) {
  const p = member(ctx);
  const q = ctx.query;
  const ticker = strParam(q, 'ticker');
  const event = strParam(q, 'event_ticker');
  const filters = csvParam(q, 'count_filter') ?? [];
  const live = await ctx.services.core.query.positions(p.accountId);
  await ctx.services.historyBarrier();
  const rows = [];
  for (const pos of live) {
    const spec = binarySpec(ctx, pos.instrumentId);
    if (spec === undefined) continue;
    if (ticker !== undefined && spec.symbol !== ticker) continue;
    if (event !== undefined && spec.eventTicker !== event) continue;
    const fills = await marketFills(ctx, p.accountId, pos.instrumentId);
    const traded = fills.reduce((s, f) => s + fillCost(spec, f.side, f.priceTicks, f.qtyLots), 0);
    // `count_filter` keeps rows where any listed field is non-zero.
    const nonZero = (f: string) =>
      (f === 'position' && pos.positionLots !== 0) || (f === 'total_traded' && traded !== 0);
    if (filters.length > 0 && !filters.some(nonZero)) continue;
    rows.push({ spec, pos, traded, lastTs: fills[0]?.ts ?? ctx.services.clock() });
  }
  rows.sort((a, b) => (a.spec.symbol < b.spec.symbol ? -1 : 1));
  const market_positions = rows.map(({ spec, pos, traded, lastTs }) => ({
    ticker: spec.symbol,
    position_fp: formatLots(pos.positionLots, spec),
    market_exposure_dollars: formatMicros(pos.costBasis),
    total_traded_dollars: formatMicros(traded),
    realized_pnl_dollars: formatMicros(pos.realisedPnl),
    fees_paid_dollars: formatMicros(pos.feesPaid),
    last_updated_ts: isoTime(lastTs),
    exchange_index: 0,
  }));
  const event_positions = [...groupBy(rows, (r) => r.spec.eventTicker)].map(
    ([eventTicker, rs]) => ({
      event_ticker: eventTicker,
      event_exposure_dollars: formatMicros(rs.reduce((s, r) => s + r.pos.costBasis, 0)),
      total_cost_dollars: formatMicros(rs.reduce((s, r) => s + r.traded, 0)),
      total_cost_shares_fp: formatLots(
        rs.reduce((s, r) => s + Math.abs(r.pos.positionLots), 0),
        rs[0]!.spec,
      ),
      realized_pnl_dollars: formatMicros(rs.reduce((s, r) => s + r.pos.realisedPnl, 0)),
      fees_paid_dollars: formatMicros(rs.reduce((s, r) => s + r.pos.feesPaid, 0)),
    }),
  );
  return { market_positions, event_positions, cursor: '' };
}

function tsRange(q: Record<string, string>) {
  const min = intParam(q, 'min_ts', 0);
  const max = intParam(q, 'max_ts', 0);
  return (ts: number) =>
    (min === undefined || ts >= min * 1000) && (max === undefined || ts <= max * 1000);
}

async function fills(ctx: KalshiContext) {
  const p = member(ctx);
  const q = ctx.query;
  const ticker = strParam(q, 'ticker');
  const instrumentId = ticker === undefined ? undefined : marketSpec(ctx, ticker).instrumentId;
  const orderText = strParam(q, 'order_id');
  const inRange = tsRange(q);
  await ctx.services.historyBarrier();
  const page = await readPage(() =>
    ctx.services.core.readModels.fills({
      accountId: p.accountId,
      limit: limitParam(q, 100, 1000),
      ...(instrumentId === undefined ? {} : { instrumentId }),
      ...(orderText === undefined ? {} : { orderId: parseOrderId(orderText) }),
      ...(strParam(q, 'cursor') === undefined ? {} : { cursor: q.cursor! }),
    }),
  );
  const clientIds = new Map<number, string | undefined>();
  const out = [];
  for (const f of page.items) {
    const spec = binarySpec(ctx, f.instrumentId);
    if (spec === undefined || !inRange(f.ts)) continue;
    if (!clientIds.has(f.orderId)) {
      clientIds.set(
        f.orderId,
        (await ctx.services.core.readModels.order(f.orderId))?.clientOrderId,
      );
    }
    out.push(kalshiFill(spec, f, clientIds.get(f.orderId)));
  }
  return { fills: out, cursor: kalshiCursor(page.nextCursor) };
}

async function orders(ctx: KalshiContext) {
  const p = member(ctx);
  const q = ctx.query;
  const ticker = strParam(q, 'ticker');
  const instrumentId = ticker === undefined ? undefined : marketSpec(ctx, ticker).instrumentId;
  const events = csvParam(q, 'event_ticker');
  const statusText = strParam(q, 'status');
  const status = statusText === undefined ? undefined : orderStatusFilter(statusText);
  if (statusText !== undefined && status === undefined) {
    throw new KalshiError('invalid_parameters', 'status must be resting, canceled or executed.');
  }
  const inRange = tsRange(q);
  await ctx.services.historyBarrier();
  const page = await readPage(() =>
    ctx.services.core.readModels.orders({
      accountId: p.accountId,
      limit: limitParam(q, 100, 1000),
      ...(instrumentId === undefined ? {} : { instrumentId }),
      ...(status === undefined ? {} : { status }),
      ...(strParam(q, 'cursor') === undefined ? {} : { cursor: q.cursor! }),
    }),
  );
  const out = [];
  for (const row of page.items) {
    const spec = binarySpec(ctx, row.instrumentId);
    if (spec === undefined || row.status === 'rejected' || !inRange(row.createdTs)) continue;
    if (events !== undefined && !events.includes(spec.eventTicker)) continue;
    out.push(kalshiOrder(spec, row, await orderFills(ctx, row), p.userId));
  }
  return { orders: out, cursor: kalshiCursor(page.nextCursor) };
}

async function settlements(ctx: KalshiContext) {
  const p = member(ctx);
  const q = ctx.query;
  const ticker = strParam(q, 'ticker');
  const instrumentId = ticker === undefined ? undefined : marketSpec(ctx, ticker).instrumentId;
  const event = strParam(q, 'event_ticker');
  const inRange = tsRange(q);
  const { scale } = cashAsset(ctx);
  await ctx.services.historyBarrier();
  const page = await readPage(() =>
    ctx.services.core.readModels.settlements({
      accountId: p.accountId,
      limit: limitParam(q, 100, 1000),
      ...(instrumentId === undefined ? {} : { instrumentId }),
      ...(strParam(q, 'cursor') === undefined ? {} : { cursor: q.cursor! }),
    }),
  );
  const out = [];
  for (const s of page.items) {
    const spec = binarySpec(ctx, s.instrumentId);
    if (spec === undefined || !inRange(s.ts)) continue;
    if (event !== undefined && spec.eventTicker !== event) continue;
    const payout = toMicros(s.payout, scale);
    const cost = toMicros(s.payout - s.realisedPnl, scale);
    const yes = s.positionLots > 0;
    out.push({
      ticker: spec.symbol,
      event_ticker: spec.eventTicker,
      market_result: s.result,
      yes_count_fp: formatLots(yes ? s.positionLots : 0, spec),
      no_count_fp: formatLots(yes ? 0 : -s.positionLots, spec),
      yes_total_cost_dollars: formatMicros(yes ? cost : 0),
      no_total_cost_dollars: formatMicros(yes ? 0 : cost),
      revenue: microsToCents(payout),
      value: Math.round((s.valueTicks * 100) / spec.payoutTicks),
      fee_cost: '0.0000',
      settled_time: isoTime(s.ts),
      exchange_index: 0,
    });
  }
  return { settlements: out, cursor: kalshiCursor(page.nextCursor) };
}

export const portfolioEndpoints: KalshiRoute[] = [
  { method: 'GET', path: '/portfolio/balance', auth: 'read', handler: balance },
  { method: 'GET', path: '/portfolio/positions', auth: 'read', handler: positions },
  { method: 'GET', path: '/portfolio/fills', auth: 'read', handler: fills },
  { method: 'GET', path: '/portfolio/orders', auth: 'read', handler: orders },
  {
    method: 'GET',
    path: '/portfolio/orders/:order_id',
    auth: 'read',
    handler: async (ctx) => {
      const o = await loadOrder(ctx, parseOrderId(ctx.params.order_id));
      return { order: kalshiOrder(o.spec, o.row, o.fills, member(ctx).userId, o.live) };
    },
  },
  { method: 'GET', path: '/portfolio/settlements', auth: 'read', handler: settlements },
];
