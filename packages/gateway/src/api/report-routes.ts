// Compliance reports for admins (scope `admin`): the daily trade register, the large-position report and
// monthly account statements, as JSON or CSV files. Each waits until the read models hold every command
// acknowledged before the request, and carries the stamp (seq, and the audit chain's hash at that seq)
// of the read models it was read from, so it can be rebuilt from the journal and compared.

import {
  type ComplianceReport,
  dayPeriod,
  monthPeriod,
  type ReportStamp,
  reportCsv,
} from '@bourse/projections';
import {
  LargePositionsQuery,
  type ReportFormat,
  StatementQuery,
  TradeRegisterQuery,
} from '@bourse/protocol';
import type { ExchangeCore } from '@bourse/core';
import type { GatewayServices } from './gateway-services.ts';
import { FileDownload, type RouteDef, route } from './route-def.ts';
import { readModel } from './route-helpers.ts';

/** The report as a file of its format, named for what it holds and the seq it was built from. */
export function reportFile(
  report: ComplianceReport,
  name: string,
  format: ReportFormat | undefined,
) {
  const file = `${name}-seq${report.stamp.seq}`;
  return format === 'csv'
    ? new FileDownload('text/csv; charset=utf-8', `${file}.csv`, reportCsv(report))
    : new FileDownload(
        'application/json; charset=utf-8',
        `${file}.json`,
        `${JSON.stringify(report, null, 2)}\n`,
      );
}

/**
 * The report with the journal's audit-chain value at its seq added to its stamp (the chain of the
 * seal of the batch holding that seq, decision 0112), when the core keeps a chained journal: whoever
 * checks the report can then check that seq against the signed chain too.
 */
export function withChainHash<T extends { stamp: ReportStamp }>(core: ExchangeCore, report: T): T {
  const chainHash = core.chainAt?.(report.stamp.seq);
  return chainHash === undefined ? report : { ...report, stamp: { ...report.stamp, chainHash } };
}

/** Reads a report once the read models caught up with every acknowledged command. */
async function read<T extends { stamp: ReportStamp }>(
  s: GatewayServices,
  run: () => Promise<T>,
): Promise<T> {
  await s.historyBarrier();
  return withChainHash(s.core, await readModel(run));
}

export const reportRoutes: RouteDef[] = [
  route({
    method: 'GET',
    path: '/api/v1/admin/reports/trade-register',
    summary:
      'The trade register of a UTC day: every fill with both accounts and orders, price, quantity, ' +
      "fees, each side's cash, timestamps, and per-asset totals (paid in = paid out + fees + escrow).",
    tag: 'admin',
    auth: 'admin',
    query: TradeRegisterQuery,
    handler: async (ctx) => {
      const s = ctx.services;
      const period = await readModel(async () => dayPeriod(ctx.query.date));
      const r = await read(s, () => s.core.readModels.tradeRegister(period));
      return reportFile(r, `trade-register-${ctx.query.date}`, ctx.query.format);
    },
  }),
  route({
    method: 'GET',
    path: '/api/v1/admin/reports/large-positions',
    summary:
      'Accounts whose position in one market, or gross position over one event, is at least the ' +
      'threshold (large-trader reporting), as of the newest stored command.',
    tag: 'admin',
    auth: 'admin',
    query: LargePositionsQuery,
    handler: async (ctx) => {
      const s = ctx.services;
      const q = ctx.query;
      const r = await read(s, () =>
        s.core.readModels.largePositions({
          marketThresholdLots: q.marketThresholdLots,
          eventThresholdLots: q.eventThresholdLots ?? q.marketThresholdLots,
        }),
      );
      return reportFile(r, 'large-positions', q.format);
    },
  }),
  route({
    method: 'GET',
    path: '/api/v1/admin/reports/statement',
    summary:
      "An account's statement for a UTC month: opening and closing money per asset, deposits, " +
      'withdrawals, transfers, trades, fees, settlements and P&L per market.',
    tag: 'admin',
    auth: 'admin',
    query: StatementQuery,
    handler: async (ctx) => {
      const s = ctx.services;
      const q = ctx.query;
      const period = await readModel(async () => monthPeriod(q.month));
      const r = await read(s, () =>
        s.core.readModels.statement({ accountId: q.accountId, ...period }),
      );
      return reportFile(r, `statement-${q.accountId}-${q.month}`, q.format);
    },
  }),
];
