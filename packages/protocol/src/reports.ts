// The compliance reports' queries (admin API): the daily trade register, the large-position report and
// the monthly account statement, each answered as JSON or CSV. The reports' contents are typed where
// they are built, in @bourse/projections (report-types.ts).

import { type Static, Type } from '@sinclair/typebox';
import { NonNegInt, PosInt, strict } from './primitives.ts';

export const ReportFormat = Type.Union([Type.Literal('json'), Type.Literal('csv')], {
  description: 'json (the default) or csv; either is sent as a file to download.',
});

export const TradeRegisterQuery = Type.Object(
  {
    date: Type.String({
      pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$',
      description: 'UTC day YYYY-MM-DD',
    }),
    format: Type.Optional(ReportFormat),
  },
  strict,
);

export const LargePositionsQuery = Type.Object(
  {
    marketThresholdLots: PosInt('Report a position in one market of at least this many lots.'),
    eventThresholdLots: Type.Optional(
      PosInt(
        "Report an account's gross lots over one event's markets at least this (default: the market threshold).",
      ),
    ),
    format: Type.Optional(ReportFormat),
  },
  strict,
);

export const StatementQuery = Type.Object(
  {
    accountId: NonNegInt(),
    month: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}$', description: 'UTC month YYYY-MM' }),
    format: Type.Optional(ReportFormat),
  },
  strict,
);

export type ReportFormat = Static<typeof ReportFormat>;
export type TradeRegisterQuery = Static<typeof TradeRegisterQuery>;
export type LargePositionsQuery = Static<typeof LargePositionsQuery>;
export type StatementQuery = Static<typeof StatementQuery>;
