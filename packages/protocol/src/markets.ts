// Markets and market data over REST: the market list and one market, the book, trades, candles and the
// exchange status.

import { SandboxClockSchema } from './sandbox.ts';
import { type Static, Type } from '@sinclair/typebox';
import { Cursor, Int, Limit, NonNegInt, NullableInt, strict } from './primitives.ts';

const Level = Type.Tuple([Int, Int, Int], { description: '[priceTicks, qtyLots, orderCount]' });

export const MarketsQuery = Type.Object(
  {
    kind: Type.Optional(Type.Union([Type.Literal('binary'), Type.Literal('spot')])),
    status: Type.Optional(Type.String({ maxLength: 16 })),
    eventTicker: Type.Optional(Type.String({ maxLength: 64 })),
    seriesTicker: Type.Optional(Type.String({ maxLength: 64 })),
  },
  strict,
);
export const BookQuery = Type.Object(
  { depth: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) },
  strict,
);
export const TradesQuery = Type.Object(
  { limit: Limit, cursor: Cursor, sinceTs: Type.Optional(NonNegInt()) },
  strict,
);
export const CandlesQuery = Type.Object(
  {
    interval: Type.Union([Type.Literal('1m'), Type.Literal('1h'), Type.Literal('1d')]),
    fromTs: Type.Optional(NonNegInt()),
    toTs: Type.Optional(NonNegInt()),
    limit: Limit,
  },
  strict,
);

/** What admins wrote about a market; empty strings and nulls where nothing was written. */
export const MarketInfoSchema = Type.Object({
  seriesTitle: Type.Union([Type.String(), Type.Null()]),
  eventTitle: Type.Union([Type.String(), Type.Null()]),
  rulesPrimary: Type.String(),
  rulesSecondary: Type.String(),
  resolutionSource: Type.String(),
  settlesAt: Type.Union([Type.Integer(), Type.Null()], {
    description: 'When the market is expected to settle (ms since the epoch), if announced.',
  }),
});
export type MarketInfo = Static<typeof MarketInfoSchema>;

/** A market's circuit breaker rules (engine `CircuitBreakerConfig`); 0 turns a rule off. */
export const CircuitBreakerSchema = Type.Object(
  {
    moveTicks: NonNegInt('Pause when a trade would move the price more than this many ticks…'),
    moveBps: NonNegInt('…or more than this many basis points (at most 10000)…'),
    windowMs: Type.Integer({
      minimum: 1,
      maximum: 86_400_000,
      description: '…from a trade of the last windowMs milliseconds.',
    }),
    pauseMs: Type.Integer({
      minimum: 1,
      maximum: 86_400_000,
      description: 'How long the pause lasts; the market then reopens by itself.',
    }),
    bandTicks: NonNegInt(
      'Limit up/limit down: no limit price and no trade more than this many ticks from the reference price (a trade that would be, pauses the market).',
    ),
  },
  strict,
);
export type CircuitBreaker = Static<typeof CircuitBreakerSchema>;

const BreakerStateSchema = Type.Union(
  [
    Type.Object({
      config: CircuitBreakerSchema,
      referencePriceTicks: Type.Union([Type.Integer(), Type.Null()], {
        description: 'The band reference price; null until the first trade sets it.',
      }),
    }),
    Type.Null(),
  ],
  { description: "The market's circuit breaker, or null for none." },
);

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
  pausedByBreaker: Type.Boolean({
    description: 'Paused by its circuit breaker (not by an operator); reopensAt says until when.',
  }),
  reopensAt: Type.Union([Type.Integer(), Type.Null()], {
    description: 'While its circuit breaker keeps it paused: when it reopens (ms since the epoch).',
  }),
  circuitBreaker: BreakerStateSchema,
  spec: Type.Object({}, { additionalProperties: true, description: 'The instrument spec.' }),
  info: MarketInfoSchema,
});

export const BookSchema = Type.Object({
  market: Type.String(),
  instrumentId: Int,
  bids: Type.Array(Level),
  asks: Type.Array(Level),
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
  sandbox: Type.Boolean({
    description: 'A sandbox (`bourse serve --sandbox`): simulated time, resets, injected faults.',
  }),
  clock: Type.Optional(SandboxClockSchema),
});

export type MarketView = Static<typeof MarketSchema>;
export type BookView = Static<typeof BookSchema>;
export type TradeView = Static<typeof TradeSchema>;
export type CandleView = Static<typeof CandleSchema>;
export type ExchangeStatus = Static<typeof ExchangeStatusSchema>;

export type MarketsQuery = Static<typeof MarketsQuery>;
export type BookQuery = Static<typeof BookQuery>;
export type TradesQuery = Static<typeof TradesQuery>;
export type CandlesQuery = Static<typeof CandlesQuery>;
