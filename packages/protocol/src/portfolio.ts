// The caller's portfolio: balances, positions, fills and the ledger.

import { type Static, Type } from '@sinclair/typebox';
import { Cursor, Int, Limit, NullableInt, PosInt, strict } from './primitives.ts';

export const PageQuery = Type.Object(
  {
    market: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    limit: Limit,
    cursor: Cursor,
  },
  strict,
);
export const LedgerQuery = Type.Object(
  { assetId: Type.Optional(PosInt()), limit: Limit, cursor: Cursor },
  strict,
);

export const BalanceSchema = Type.Object({
  accountId: Int,
  assetId: Int,
  asset: Type.String(),
  available: Int,
  reserved: Int,
});

export const PositionSchema = Type.Object({
  accountId: Int,
  instrumentId: Int,
  market: Type.String(),
  positionLots: Int,
  costBasis: Int,
  realisedPnl: Int,
  feesPaid: Int,
  markPriceTicks: NullableInt,
  marketValue: NullableInt,
  unrealisedPnl: NullableInt,
});

export const FillSchema = Type.Object({
  tradeId: Int,
  role: Type.Union([Type.Literal('maker'), Type.Literal('taker')]),
  seq: Int,
  ts: Int,
  instrumentId: Int,
  orderId: Int,
  accountId: Int,
  side: Type.Union([Type.Literal('buy'), Type.Literal('sell')]),
  priceTicks: Int,
  qtyLots: Int,
  fee: Int,
});

export type BalanceView = Static<typeof BalanceSchema>;
export type PositionView = Static<typeof PositionSchema>;
export type FillView = Static<typeof FillSchema>;

export type PageQuery = Static<typeof PageQuery>;
export type LedgerQuery = Static<typeof LedgerQuery>;
