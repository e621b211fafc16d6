// JSON schemas of the request bodies and query strings (TypeBox builds plain JSON Schema, which Ajv
// validates and the OpenAPI document publishes). Every object refuses unknown properties and every
// number on the wire is a safe integer in the engine's units.

import { type Static, Type } from '@sinclair/typebox';
import { SCOPES } from '../auth/roles.ts';

const MAX = Number.MAX_SAFE_INTEGER;
export const PosInt = (description?: string) =>
  Type.Integer({ minimum: 1, maximum: MAX, ...(description ? { description } : {}) });
export const NonNegInt = (description?: string) =>
  Type.Integer({ minimum: 0, maximum: MAX, ...(description ? { description } : {}) });
const strict = { additionalProperties: false } as const;

export const MarketRef = Type.Union([Type.String({ minLength: 1, maxLength: 64 }), PosInt()], {
  description: 'Market symbol or numeric instrument id.',
});

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

const Limit = Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 }));
const Cursor = Type.Optional(Type.String({ minLength: 1, maxLength: 512 }));

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
export const AuditQuery = Type.Object(
  {
    accountId: Type.Optional(NonNegInt()),
    commandType: Type.Optional(
      Type.String({ minLength: 1, maxLength: 32, pattern: '^[a-zA-Z]+$' }),
    ),
    outcome: Type.Optional(Type.Union([Type.Literal('accepted'), Type.Literal('rejected')])),
    fromTs: Type.Optional(NonNegInt()),
    toTs: Type.Optional(NonNegInt()),
    limit: Limit,
    cursor: Cursor,
  },
  strict,
);
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

export const Scopes = Type.Array(Type.Union(SCOPES.map((s) => Type.Literal(s))), {
  minItems: 1,
  maxItems: SCOPES.length,
  uniqueItems: true,
});
export const CreateApiKeyBody = Type.Object(
  {
    publicKeyPem: Type.Optional(Type.String({ minLength: 40, maxLength: 8192 })),
    /** Let the server make an RSA key pair and return the private key once (never stored). */
    generate: Type.Optional(Type.Boolean()),
    scopes: Type.Optional(Scopes),
    label: Type.Optional(Type.String({ maxLength: 100 })),
  },
  strict,
);
export const TOKEN_TTL_SECONDS = { min: 60, max: 86_400, default: 3_600 } as const;

export const IssueTokenBody = Type.Object(
  {
    ttlSeconds: Type.Optional(
      Type.Integer({
        minimum: TOKEN_TTL_SECONDS.min,
        maximum: TOKEN_TTL_SECONDS.max,
        description: `Lifetime of the token in seconds (default ${TOKEN_TTL_SECONDS.default}).`,
      }),
    ),
  },
  strict,
);

export const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 256 }),
  },
  strict,
);

const Role = Type.Union([
  Type.Literal('admin'),
  Type.Literal('market-maker'),
  Type.Literal('trader'),
  Type.Literal('viewer'),
]);
export const CreateUserBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' }),
    role: Role,
    password: Type.Optional(Type.String({ minLength: 8, maxLength: 256 })),
  },
  strict,
);
export const UpdateUserBody = Type.Object(
  {
    role: Type.Optional(Role),
    disabled: Type.Optional(Type.Boolean()),
    password: Type.Optional(Type.String({ minLength: 8, maxLength: 256 })),
  },
  strict,
);
export const AdminApiKeyBody = Type.Object(
  {
    publicKeyPem: Type.String({ minLength: 40, maxLength: 8192 }),
    scopes: Type.Optional(Scopes),
    label: Type.Optional(Type.String({ maxLength: 100 })),
  },
  strict,
);
export const CreateAssetBody = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 16, pattern: '^[A-Z0-9]+$' }),
    scale: PosInt('Minor units per major unit.'),
    assetId: Type.Optional(PosInt()),
  },
  strict,
);
export const MoneyMoveBody = Type.Object(
  {
    userId: Type.Optional(PosInt()),
    accountId: Type.Optional(NonNegInt()),
    asset: Type.Union([Type.String({ minLength: 1, maxLength: 16 }), PosInt()]),
    amount: PosInt('Minor units of the asset.'),
  },
  strict,
);
export const MarketStatusBody = Type.Object(
  { status: Type.Union([Type.Literal('open'), Type.Literal('paused'), Type.Literal('closed')]) },
  strict,
);
const ScheduleTime = (what: string) =>
  Type.Union([PosInt(`When the market ${what} by itself, ms since the epoch.`), Type.Null()], {
    description: `When the market ${what} by itself (ms since the epoch), or null for never.`,
  });
export const MarketScheduleBody = Type.Object(
  { opensAt: ScheduleTime('opens'), closesAt: ScheduleTime('closes') },
  strict,
);
export const SettleBody = Type.Object(
  {
    result: Type.Union([Type.Literal('yes'), Type.Literal('no'), Type.Literal('scalar')]),
    valueTicks: Type.Optional(NonNegInt()),
  },
  strict,
);
export const HaltBody = Type.Object({ halted: Type.Boolean() }, strict);

const Fees = Type.Union([
  Type.Object({ kind: Type.Literal('none') }, strict),
  Type.Object({ kind: Type.Literal('bps'), makerBps: NonNegInt(), takerBps: NonNegInt() }, strict),
  Type.Object(
    {
      kind: Type.Literal('kalshi'),
      makerRatePpm: NonNegInt(),
      takerRatePpm: NonNegInt(),
      roundingUnit: PosInt(),
    },
    strict,
  ),
]);
const Limits = Type.Object(
  {
    maxOrderQtyLots: NonNegInt(),
    maxOrderNotional: NonNegInt(),
    maxPositionLots: NonNegInt(),
    priceBandTicks: NonNegInt(),
  },
  strict,
);
const SpecBase = {
  instrumentId: Type.Optional(PosInt('Chosen by the exchange when absent.')),
  symbol: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' }),
  tickSize: PosInt(),
  minPriceTicks: PosInt(),
  maxPriceTicks: PosInt(),
  lotSize: PosInt(),
  moneyPerTickLot: PosInt(),
  fees: Type.Optional(Fees),
  limits: Type.Optional(Limits),
};
export const CreateMarketBody = Type.Union([
  Type.Object(
    {
      kind: Type.Literal('binary'),
      ...SpecBase,
      seriesTicker: Type.String({ minLength: 1, maxLength: 64 }),
      eventTicker: Type.String({ minLength: 1, maxLength: 64 }),
      title: Type.String({ minLength: 1, maxLength: 200 }),
      settlementAssetId: PosInt(),
      payoutTicks: PosInt(),
      lotsPerContract: PosInt(),
    },
    strict,
  ),
  Type.Object(
    {
      kind: Type.Literal('spot'),
      ...SpecBase,
      baseAssetId: PosInt(),
      quoteAssetId: PosInt(),
      baseUnitsPerLot: PosInt(),
    },
    strict,
  ),
]);
export type CreateMarketBody = Static<typeof CreateMarketBody>;

export const ErrorBody = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    details: Type.Optional(Type.Unknown()),
  }),
});
