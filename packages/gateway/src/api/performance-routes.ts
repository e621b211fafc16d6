// An account's performance from the read models: value and P&L over time, per market and per event,
// win rate, fees and max drawdown, as JSON or as a CSV file. The caller's own account, or any with
// admin; read once the read models hold every command acknowledged before the request.

import { type PerformanceReport, performanceCsv } from '@bourse/projections';
import { PerformanceQuery, PerformanceSchema } from '@bourse/protocol';
import { ApiError } from '../error-catalogue.ts';
import { FileDownload, type RequestContext, type RouteDef, route } from './route-def.ts';
import { caller, readModel } from './route-helpers.ts';

async function readPerformance(
  ctx: RequestContext<undefined, PerformanceQuery>,
): Promise<{ report: PerformanceReport; asset: string }> {
  const s = ctx.services;
  const q = ctx.query;
  const p = caller(ctx);
  const accountId = q.account ?? p.accountId;
  if (accountId !== p.accountId && !p.scopes.has('admin')) {
    throw new ApiError('FORBIDDEN', 'Only an admin may read another account’s performance.');
  }
  const code = q.asset ?? 'USD';
  const asset = s.assets().find((a) => a.code === code);
  if (asset === undefined) {
    throw new ApiError('VALIDATION_FAILED', `asset: no asset ${code}.`, {
      details: { field: 'asset', rule: 'a known asset code' },
    });
  }
  const toTs = q.to ?? s.clock();
  if (q.from !== undefined && q.from > toTs) {
    throw new ApiError('VALIDATION_FAILED', 'from: after to.', {
      details: { field: 'from', rule: 'at or before to' },
    });
  }
  await s.historyBarrier();
  const report = await readModel(() =>
    s.core.readModels.performance({
      accountId,
      assetId: asset.assetId,
      fromTs: q.from,
      toTs,
      interval: q.interval,
    }),
  );
  return { report, asset: code };
}

export const performanceRoutes: RouteDef[] = [
  route({
    method: 'GET',
    path: '/api/v1/portfolio/performance',
    query: PerformanceQuery,
    response: PerformanceSchema,
    summary:
      "The account's value and P&L over time in buckets (cash, positions at the last trade, net " +
      'deposits, realised P&L, fees, unrealised P&L), per market and per event, win rate, fees ' +
      'and max drawdown, from the read models.',
    tag: 'portfolio',
    auth: 'read',
    handler: async (ctx) => {
      const { report, asset } = await readPerformance(ctx);
      return { ...report, asset };
    },
  }),
  route({
    method: 'GET',
    path: '/api/v1/portfolio/performance/csv',
    query: PerformanceQuery,
    summary: 'The same report as a CSV file (stats, series, markets, events).',
    tag: 'portfolio',
    auth: 'read',
    handler: async (ctx) => {
      const { report } = await readPerformance(ctx);
      const name = `performance-${report.accountId}-seq${report.stamp.seq}.csv`;
      return new FileDownload('text/csv; charset=utf-8', name, performanceCsv(report));
    },
  }),
];
