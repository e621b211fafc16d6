// Orders: the order body (REST, WebSocket and the Kalshi adapter all send this one), batches, amend,
// decrease, cancel-all, order groups and the order queries; the order acknowledgement and queue
// positions they answer with.

import { type Static, Type } from '@sinclair/typebox';
import { Cursor, Int, Limit, MarketRef, PosInt, strict } from './primitives.ts';

export const PlaceOrderBody = Type.Object(
  {
    market: MarketRef,
    side: Type.Union([Type.Literal('buy'), Type.Literal('sell')], {
      description: 'Binary markets: buy = buy YES, sell = sell YES (buy NO).',
    }),
    type: Type.Optional(
      Type.Union([
        Type.Literal('limit'),
        Type.Literal('market'),
        Type.Literal('stop'),
        Type.Literal('stopLimit'),
      ]),
    ),
    priceTicks: Type.Optional(PosInt('Limit price in ticks.')),
    qtyLots: PosInt('Quantity in lots.'),
    tif: Type.Optional(
      Type.Union([
        Type.Literal('gtc'),
        Type.Literal('gtd'),
        Type.Literal('ioc'),
        Type.Literal('fok'),
      ]),
    ),
    clientOrderId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    expiresAt: Type.Optional(PosInt('GTD expiry, ms since the epoch.')),
    postOnly: Type.Optional(Type.Boolean()),
    reduceOnly: Type.Optional(Type.Boolean()),
    stopPriceTicks: Type.Optional(PosInt()),
    worstPriceTicks: Type.Optional(PosInt()),
    maxCost: Type.Optional(
      PosInt(
        'Most money to spend on what the order buys, minor units before fees: the price for a ' +
          'buy, the NO price for a binary sell. Market orders and IOC/FOK limits only.',
      ),
    ),
    stp: Type.Optional(Type.Union([Type.Literal('cancelTaker'), Type.Literal('cancelMaker')])),
    orderGroupId: Type.Optional(
      PosInt('The order group the order joins (yours, and not triggered).'),
    ),
    cancelOnPause: Type.Optional(
      Type.Boolean({
        description:
          'Cancel the order (resting, or a parked stop) when its market is paused or the exchange ' +
          'halts (reason `paused`). Default false: it stays and trades again on resume.',
      }),
    ),
  },
  strict,
);
export type PlaceOrderBody = Static<typeof PlaceOrderBody>;

export const BATCH_MAX = 100;

export const BatchPlaceBody = Type.Object(
  { orders: Type.Array(PlaceOrderBody, { minItems: 1, maxItems: BATCH_MAX }) },
  strict,
);
export const BatchCancelBody = Type.Object(
  { orderIds: Type.Array(PosInt(), { minItems: 1, maxItems: BATCH_MAX }) },
  strict,
);
export const AmendBody = Type.Object(
  { priceTicks: Type.Optional(PosInt()), qtyLots: Type.Optional(PosInt()) },
  strict,
);
export const OrderGroupBody = Type.Object(
  { limitLots: PosInt('Most lots the group’s orders may match in a rolling 15-second window.') },
  strict,
);
export const DecreaseBody = Type.Object({ byLots: PosInt() }, strict);
export const CancelAllBody = Type.Object({ market: Type.Optional(MarketRef) }, strict);

export const OrdersQuery = Type.Object(
  {
    market: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    status: Type.Optional(
      Type.Union([
        Type.Literal('open'),
        Type.Literal('filled'),
        Type.Literal('cancelled'),
        Type.Literal('rejected'),
      ]),
    ),
    clientOrderId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    limit: Limit,
    cursor: Cursor,
  },
  strict,
);
export const QueuePositionsQuery = Type.Object(
  { market: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) },
  strict,
);

export const OrderAckSchema = Type.Object({
  orderId: Int,
  seq: Int,
  ts: Int,
  market: Type.String(),
  status: Type.Union([
    Type.Literal('resting'),
    Type.Literal('parked'),
    Type.Literal('filled'),
    Type.Literal('cancelled'),
  ]),
  filledQtyLots: Int,
  openQtyLots: Int,
  cancelReason: Type.Union([Type.String(), Type.Null()]),
  fills: Type.Array(Type.Object({ tradeId: Int, priceTicks: Int, qtyLots: Int, fee: Int })),
});

export const QueuePositionSchema = Type.Object({
  orderId: Int,
  market: Type.String(),
  priceTicks: Int,
  side: Type.Union([Type.Literal('buy'), Type.Literal('sell')]),
  aheadLots: Type.Integer({
    description:
      'Open lots of the orders ahead of this one at its price on its side (price-time priority); ' +
      '0 at the front of the queue.',
  }),
});

export const QueuePositionListSchema = Type.Object({ items: Type.Array(QueuePositionSchema) });

export type OrderAck = Static<typeof OrderAckSchema>;
export type QueuePosition = Static<typeof QueuePositionSchema>;

export type BatchPlaceBody = Static<typeof BatchPlaceBody>;
export type BatchCancelBody = Static<typeof BatchCancelBody>;
export type AmendBody = Static<typeof AmendBody>;
export type OrderGroupBody = Static<typeof OrderGroupBody>;
export type DecreaseBody = Static<typeof DecreaseBody>;
export type CancelAllBody = Static<typeof CancelAllBody>;
export type OrdersQuery = Static<typeof OrdersQuery>;
export type QueuePositionsQuery = Static<typeof QueuePositionsQuery>;
