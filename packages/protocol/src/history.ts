// Time-travel reads: the exchange as it was at a past sequence number or time (a market's book, an
// account's balances, positions and open orders), rebuilt from a snapshot and the journal.

import { type Static, Type } from '@sinclair/typebox';
import { TradeSchema } from './markets.ts';
import { Int, NonNegInt, PosInt, strict } from './primitives.ts';

const Level = Type.Tuple([Int, Int, Int], { description: '[priceTicks, qtyLots, orderCount]' });

export const HistoryStateQuery = Type.Object(
  {
    seq: Type.Optional(NonNegInt('The state after this sequence number.')),
    ts: Type.Optional(
      NonNegInt('Or: after the last command at or before this time (ms since the epoch).'),
    ),
    market: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description: 'Market symbol or instrument id: its book.',
      }),
    ),
    account: Type.Optional(
      PosInt('Account id (default: the caller’s own; another’s needs admin).'),
    ),
    depth: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    trades: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 1000,
        description: 'With market: its last this many trades up to the target, from the journal.',
      }),
    ),
  },
  strict,
);

export const HistoryStateSchema = Type.Object({
  seq: Int,
  ts: Int,
  /** The snapshot the state was rebuilt from (0: the start of the journal), and records replayed. */
  snapshotSeq: Int,
  replayed: Int,
  stateHash: Type.String(),
  book: Type.Optional(
    Type.Object({
      market: Type.String(),
      instrumentId: Int,
      status: Type.String(),
      bids: Type.Array(Level),
      asks: Type.Array(Level),
    }),
  ),
  /** With `trades`: the market's last trades up to the target, oldest first. */
  trades: Type.Optional(Type.Array(TradeSchema)),
  account: Type.Optional(
    Type.Object({
      accountId: Int,
      balances: Type.Array(Type.Object({ assetId: Int, available: Int, reserved: Int })),
      positions: Type.Array(
        Type.Object({
          instrumentId: Int,
          positionLots: Int,
          costBasis: Int,
          realisedPnl: Int,
          feesPaid: Int,
        }),
      ),
      openOrders: Type.Array(
        Type.Object({
          orderId: Int,
          instrumentId: Int,
          clientOrderId: Type.Union([Type.String(), Type.Null()]),
          side: Type.String(),
          orderType: Type.String(),
          tif: Type.String(),
          priceTicks: Int,
          openQtyLots: Int,
          filledQtyLots: Int,
          state: Type.String(),
        }),
      ),
    }),
  ),
});

export type HistoryStateQuery = Static<typeof HistoryStateQuery>;
export type HistoryState = Static<typeof HistoryStateSchema>;
