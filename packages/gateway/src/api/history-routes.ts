// Time-travel reads over the native API: the exchange as it was at a past seq or time, from the
// core's snapshots and journal (never the read models). An account's own state, or any with admin.

import { HistoryStateQuery, HistoryStateSchema } from '@bourse/protocol';
import type { HistoryQuery, HistoryState } from '@bourse/core';
import { ApiError } from '../error-catalogue.ts';
import { type RouteDef, route } from './route-def.ts';
import { caller } from './route-helpers.ts';

export const historyRoutes: RouteDef[] = [
  route({
    method: 'GET',
    path: '/api/v1/history/state',
    query: HistoryStateQuery,
    response: HistoryStateSchema,
    summary:
      'The book of a market and an account’s balances, positions and open orders as they were at ' +
      '`seq` (or the last seq at or before `ts`), rebuilt from the nearest snapshot and the journal.',
    tag: 'history',
    auth: 'read',
    handler: async (ctx) => {
      const p = caller(ctx);
      const q = ctx.query;
      if (q.trades !== undefined && q.market === undefined) {
        throw new ApiError('VALIDATION_FAILED', 'trades are read for a market: give market.', {
          details: { field: 'market', rule: 'required with trades' },
        });
      }
      if ((q.seq === undefined) === (q.ts === undefined)) {
        throw new ApiError('VALIDATION_FAILED', 'Give exactly one of seq and ts.', {
          details: { field: q.seq === undefined ? 'seq' : 'ts', rule: 'exactly one of seq and ts' },
        });
      }
      const accountId = q.account ?? (q.market === undefined ? p.accountId : undefined);
      if (accountId !== undefined && accountId !== p.accountId && !p.scopes.has('admin')) {
        throw new ApiError('FORBIDDEN', 'Only an admin may read another account’s history.');
      }
      const core = ctx.services.core;
      if (core.history === undefined) {
        throw new ApiError('NOT_SUPPORTED', 'This exchange core does not serve time-travel reads.');
      }
      const query: HistoryQuery = {
        target: q.seq !== undefined ? { seq: q.seq } : { ts: q.ts! },
        ...(q.market === undefined ? {} : { market: q.market }),
        ...(accountId === undefined ? {} : { accountId }),
        ...(q.depth === undefined ? {} : { depth: q.depth }),
        ...(q.trades === undefined ? {} : { trades: q.trades }),
      };
      return toWire(await readHistory(() => core.history!(query)));
    },
  }),
];

async function readHistory(run: () => Promise<HistoryState>): Promise<HistoryState> {
  try {
    return await run();
  } catch (error) {
    if ((error as Error).name !== 'HistoryError') throw error;
    const { code, field, message } = error as Error & { code: string; field: string };
    if (code === 'NOT_FOUND' && field === 'market') throw new ApiError('MARKET_NOT_FOUND', message);
    if (code === 'NOT_FOUND' || code === 'HISTORY_UNAVAILABLE') {
      throw new ApiError('NOT_FOUND', message, { details: { field } });
    }
    throw new ApiError('VALIDATION_FAILED', message, { details: { field, rule: code } });
  }
}

function toWire(s: HistoryState) {
  return {
    seq: s.seq,
    ts: s.ts,
    snapshotSeq: s.snapshotSeq,
    replayed: s.replayed,
    stateHash: s.stateHash,
    ...(s.market === undefined
      ? {}
      : {
          book: {
            market: s.market.symbol,
            instrumentId: s.market.instrumentId,
            status: s.market.status,
            bids: s.market.book.bids,
            asks: s.market.book.asks,
          },
          ...(s.market.trades === undefined ? {} : { trades: s.market.trades }),
        }),
    ...(s.account === undefined
      ? {}
      : {
          account: {
            accountId: s.account.accountId,
            balances: s.account.balances.map(({ assetId, available, reserved }) => ({
              assetId,
              available,
              reserved,
            })),
            positions: s.account.positions.map(({ accountId: _, ...p }) => p),
            openOrders: s.account.openOrders.map((o) => ({
              orderId: o.orderId,
              instrumentId: o.instrumentId,
              clientOrderId: o.clientOrderId ?? null,
              side: o.side,
              orderType: o.orderType,
              tif: o.tif,
              priceTicks: o.priceTicks,
              openQtyLots: o.openQtyLots,
              filledQtyLots: o.filledQtyLots,
              state: o.state,
            })),
          },
        }),
  };
}
