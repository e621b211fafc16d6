// Administration: users, assets, deposits and withdrawals, markets (create, status, schedule, settle),
// the exchange halt and the audit log.

import { type Static, Type } from '@sinclair/typebox';
import { Scopes } from './auth.ts';
import { CircuitBreakerSchema } from './markets.ts';
import { Cursor, Limit, Name, NewPassword, NonNegInt, PosInt, strict } from './primitives.ts';

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
export const RoleSchema = Type.Union([
  Type.Literal('admin'),
  Type.Literal('market-maker'),
  Type.Literal('trader'),
  Type.Literal('viewer'),
]);
const Role = RoleSchema;
export const CreateUserBody = Type.Object(
  {
    username: Name,
    role: Role,
    password: Type.Optional(NewPassword),
  },
  strict,
);
/** API usage tiers an admin assigns, by Kalshi's published names (they size Kalshi API rate limits). */
export const API_TIERS = ['basic', 'advanced', 'premier', 'prime'] as const;
export type ApiTier = (typeof API_TIERS)[number];

export const UpdateUserBody = Type.Object(
  {
    role: Type.Optional(Role),
    disabled: Type.Optional(Type.Boolean()),
    password: Type.Optional(NewPassword),
    /** The user's API usage tier; null returns the user to the default. */
    apiTier: Type.Optional(Type.Union([...API_TIERS.map((t) => Type.Literal(t)), Type.Null()])),
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
/**
 * Sets or (with null) removes a market's circuit breaker; `referencePriceTicks` re-centres its band
 * (otherwise the band keeps its reference, or takes the last trade price, or the first trade's).
 */
export const CircuitBreakerBody = Type.Object(
  {
    breaker: Type.Union([CircuitBreakerSchema, Type.Null()]),
    referencePriceTicks: Type.Optional(PosInt('The band reference price, on the price grid.')),
  },
  strict,
);
/** Text for the people trading a market; a field left out keeps what was written. */
export const MarketInfoBody = Type.Object(
  {
    rulesPrimary: Type.Optional(Type.String({ maxLength: 4_000 })),
    rulesSecondary: Type.Optional(Type.String({ maxLength: 4_000 })),
    resolutionSource: Type.Optional(Type.String({ maxLength: 500 })),
    settlesAt: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], {
        description:
          'When the market is expected to settle (ms since the epoch); null: unannounced.',
      }),
    ),
  },
  strict,
);
export const TitleBody = Type.Object(
  { title: Type.String({ minLength: 1, maxLength: 200 }) },
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
  symbol: Name,
  tickSize: PosInt(),
  minPriceTicks: PosInt(),
  maxPriceTicks: PosInt(),
  lotSize: PosInt(),
  moneyPerTickLot: PosInt(),
  fees: Type.Optional(Fees),
  limits: Type.Optional(Limits),
  circuitBreaker: Type.Optional(CircuitBreakerSchema),
  referencePriceTicks: Type.Optional(
    PosInt('With circuitBreaker: the band reference price (else the first trade sets it).'),
  ),
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

export type AuditQuery = Static<typeof AuditQuery>;
export type CreateUserBody = Static<typeof CreateUserBody>;
export type UpdateUserBody = Static<typeof UpdateUserBody>;
export type AdminApiKeyBody = Static<typeof AdminApiKeyBody>;
export type CreateAssetBody = Static<typeof CreateAssetBody>;
export type MoneyMoveBody = Static<typeof MoneyMoveBody>;
export type MarketStatusBody = Static<typeof MarketStatusBody>;
export type MarketScheduleBody = Static<typeof MarketScheduleBody>;
export type CircuitBreakerBody = Static<typeof CircuitBreakerBody>;
export type SettleBody = Static<typeof SettleBody>;
export type MarketInfoBody = Static<typeof MarketInfoBody>;
export type TitleBody = Static<typeof TitleBody>;
export type HaltBody = Static<typeof HaltBody>;
