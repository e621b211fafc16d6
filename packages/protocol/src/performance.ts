// An account's performance over the native API: the query of `GET /api/v1/portfolio/performance` (and
// its CSV twin) and the report it answers — value and P&L over time, per market and per event, win
// rate, fees and drawdown, every amount an integer in the money asset's minor units.

import { type Static, Type } from '@sinclair/typebox';
import { Int, NonNegInt, NullableInt, PosInt, strict } from './primitives.ts';

export const PerformanceInterval = Type.Union(
  [Type.Literal('1m'), Type.Literal('1h'), Type.Literal('1d')],
  { description: 'Bucket size (default: the smallest giving at most 500 buckets).' },
);

export const PerformanceQuery = Type.Object(
  {
    from: Type.Optional(
      NonNegInt("Range start, ms since the epoch (default: the account's first movement)."),
    ),
    to: Type.Optional(NonNegInt('Range end, ms since the epoch (default: now).')),
    interval: Type.Optional(PerformanceInterval),
    asset: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 16,
        description: 'Asset code the account is valued in (default USD).',
      }),
    ),
    account: Type.Optional(
      PosInt('Account id (default: the caller’s own; another’s needs admin).'),
    ),
  },
  strict,
);

const PointSchema = Type.Object({
  ts: Int,
  cash: Int,
  positionsValue: Int,
  holdingsValue: Int,
  value: Int,
  netDeposits: Int,
  realisedPnl: Int,
  feesPaid: Int,
  unrealisedPnl: Int,
  pnl: Int,
});

const MarketPerformanceSchema = Type.Object({
  instrumentId: Int,
  symbol: Type.String(),
  kind: Type.Union([Type.Literal('binary'), Type.Literal('spot')]),
  eventTicker: Type.Union([Type.String(), Type.Null()]),
  positionLots: Int,
  fills: Int,
  volumeLots: Int,
  realisedPnl: Int,
  feesPaid: Int,
  unrealisedPnl: Int,
  pnl: Int,
  settled: Type.Boolean(),
  closed: Type.Boolean(),
  win: Type.Boolean(),
});

const EventPerformanceSchema = Type.Object({
  eventTicker: Type.String(),
  markets: Int,
  realisedPnl: Int,
  feesPaid: Int,
  unrealisedPnl: Int,
  pnl: Int,
});

export const PerformanceSchema = Type.Object({
  stamp: Type.Object({ seq: Int, ts: Int }),
  accountId: Int,
  assetId: Int,
  asset: Type.String(),
  interval: PerformanceInterval,
  fromTs: Int,
  toTs: Int,
  points: Type.Array(PointSchema),
  markets: Type.Array(MarketPerformanceSchema),
  events: Type.Array(EventPerformanceSchema),
  stats: Type.Object({
    startValue: Int,
    endValue: Int,
    netDeposits: Int,
    pnl: Int,
    realisedPnl: Int,
    feesPaid: Int,
    unrealisedPnl: Int,
    closedMarkets: Int,
    wins: Int,
    winRateBps: NullableInt,
    maxDrawdown: Int,
    maxDrawdownPeakTs: NullableInt,
    maxDrawdownTroughTs: NullableInt,
  }),
});

export type PerformanceQuery = Static<typeof PerformanceQuery>;
export type PerformanceView = Static<typeof PerformanceSchema>;
