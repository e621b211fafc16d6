// JSON schemas of the main responses, for the OpenAPI document (responses are built by the handlers;
// these describe them for clients and generators). Numbers are integers in engine units.

import { type TSchema, Type } from '@sinclair/typebox';

const Int = Type.Integer();
const NullableInt = Type.Union([Type.Integer(), Type.Null()]);
const Level = Type.Tuple([Int, Int, Int], { description: '[priceTicks, qtyLots, orderCount]' });

export const Page = (item: TSchema) =>
  Type.Object({ items: Type.Array(item), nextCursor: Type.Optional(Type.String()) });

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

export const MarketSchema = Type.Object({
  market: Type.String(),
  instrumentId: Int,
  kind: Type.Union([Type.Literal('binary'), Type.Literal('spot')]),
  status: Type.String(),
  lastPriceTicks: NullableInt,
  bestBidTicks: NullableInt,
  bestAskTicks: NullableInt,
  volume24hLots: Int,
  openInterestLots: Int,
  escrow: Int,
  settlement: Type.Unknown(),
  opensAt: Type.Union([Type.Integer(), Type.Null()], {
    description: 'When the market opens by itself (ms since the epoch), if scheduled.',
  }),
  closesAt: Type.Union([Type.Integer(), Type.Null()], {
    description: 'When the market closes by itself (ms since the epoch), if scheduled.',
  }),
  spec: Type.Object({}, { additionalProperties: true, description: 'The instrument spec.' }),
});

export const BookSchema = Type.Object({
  market: Type.String(),
  instrumentId: Int,
  bids: Type.Array(Level),
  asks: Type.Array(Level),
});

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

export const TradeSchema = Type.Object({
  tradeId: Int,
  seq: Int,
  ts: Int,
  instrumentId: Int,
  priceTicks: Int,
  qtyLots: Int,
  takerSide: Type.Union([Type.Literal('buy'), Type.Literal('sell')]),
  takerOrderId: Int,
  makerOrderId: Int,
});

export const CandleSchema = Type.Object({
  instrumentId: Int,
  interval: Type.String(),
  bucketTs: Int,
  openTicks: Int,
  highTicks: Int,
  lowTicks: Int,
  closeTicks: Int,
  volumeLots: Int,
  notional: Int,
  tradeCount: Int,
});

export const ExchangeStatusSchema = Type.Object({
  halted: Type.Boolean({ description: 'The whole exchange is halted: no order entry anywhere.' }),
  tradingActive: Type.Boolean(),
  seq: Type.Integer({ description: 'The last applied sequence number the answer reflects.' }),
});

export const IssuedTokenSchema = Type.Object({
  token: Type.String({ description: 'Send as `Authorization: Bearer <token>`; shown only once.' }),
  expiresAt: Type.Integer({ description: 'Milliseconds since 1970.' }),
  keyId: Type.String(),
  scopes: Type.Array(Type.String()),
});

export const SessionSchema = Type.Object({
  sessionId: Type.String({
    description: 'Public id of the session (not its cookie); revoke it by this id.',
  }),
  createdAt: Type.Union([Type.Integer(), Type.Null()], {
    description: 'Login time, milliseconds since 1970 (null for sessions older than this field).',
  }),
  lastSeenAt: Type.Union([Type.Integer(), Type.Null()], {
    description: 'Last authenticated request or socket handshake, to the minute.',
  }),
  expiresAt: Type.Integer({ description: 'Milliseconds since 1970.' }),
  userAgent: Type.Union([Type.String(), Type.Null()], {
    description: 'User-Agent of the login request (at most 256 characters).',
  }),
  ip: Type.Union([Type.String(), Type.Null()], { description: 'Address of the login request.' }),
  current: Type.Boolean({ description: 'The session this request was authenticated with.' }),
});

export const SessionListSchema = Type.Object({ items: Type.Array(SessionSchema) });

export const SessionRevokedSchema = Type.Object({
  sessionId: Type.String(),
  revoked: Type.Boolean(),
});

export const SessionsRevokedSchema = Type.Object({
  revoked: Type.Integer({ description: 'How many sessions were ended.' }),
});
