// A sandbox scenario (docs/sandbox.md): the world a sandbox is reset to — the clock, assets, markets,
// accounts with their balances and API keys, the resting book — and a script of timed steps. Sent as
// the body of POST /api/v1/sandbox/reset; `bourse sandbox reset` and `serve --sandbox --scenario`
// read it from a JSON or YAML file.

import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { CreateAssetBody, CreateMarketBody, RoleSchema } from './admin.ts';
import { Scopes } from './auth.ts';
import { PlaceOrderBody } from './orders.ts';
import { Name, NewPassword, NonNegInt, PosInt, strict } from './primitives.ts';
import { MAX_SANDBOX_RATE } from './sandbox.ts';

/**
 * A time in a scenario: ms since the epoch, an ISO 8601 time, or `+<duration>` after the scenario's
 * start (`+90s`, `+15m`, `+1h30m`, `+2d`, `+500ms`).
 */
export const ScenarioTime = Type.Union([
  PosInt('ms since the epoch'),
  Type.String({ minLength: 2, maxLength: 40, description: 'ISO 8601, or +<duration> after start' }),
]);

export const ScenarioAccount = Type.Object(
  {
    username: Name,
    /** For a user the sandbox does not know yet (an existing user keeps theirs). Default trader. */
    role: Type.Optional(RoleSchema),
    /** For a new user; without one a random password is set (sign in with an API key instead). */
    password: Type.Optional(NewPassword),
    /** An API key registered for the user at the reset (SPKI PEM, RSA or Ed25519). */
    publicKeyPem: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
    /** Its scopes (default read and trade). */
    scopes: Type.Optional(Scopes),
    /** Deposits by asset code, in minor units. */
    balances: Type.Optional(Type.Record(Type.String(), NonNegInt())),
  },
  strict,
);

export const ScenarioMarket = Type.Object(
  {
    /** As `POST /api/v1/admin/markets` takes it; `instrumentId` defaults to the market's position. */
    spec: CreateMarketBody,
    /** Default open. */
    status: Type.Optional(
      Type.Union([
        Type.Literal('created'),
        Type.Literal('open'),
        Type.Literal('paused'),
        Type.Literal('closed'),
      ]),
    ),
    opensAt: Type.Optional(ScenarioTime),
    closesAt: Type.Optional(ScenarioTime),
  },
  strict,
);

/** An order of the scenario: the market by symbol, `account` by username, times as ScenarioTime. */
const ScenarioOrderFields = {
  account: Name,
  order: Type.Omit(PlaceOrderBody, ['expiresAt']),
  expiresAt: Type.Optional(ScenarioTime),
};
export const ScenarioOrder = Type.Object(ScenarioOrderFields, strict);

const Step = <T extends Record<string, TSchema>>(fields: T) =>
  Type.Object({ at: ScenarioTime, ...fields }, strict);

/** One timed step of a script, run when the simulated clock reaches `at`. */
export const ScenarioStep = Type.Union([
  Step({ do: Type.Literal('order'), ...ScenarioOrderFields }),
  Step({
    do: Type.Literal('cancelAll'),
    account: Name,
    market: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  }),
  Step({
    do: Type.Literal('marketStatus'),
    market: Type.String({ minLength: 1, maxLength: 64 }),
    status: Type.Union([Type.Literal('open'), Type.Literal('paused'), Type.Literal('closed')]),
  }),
  Step({
    do: Type.Literal('settle'),
    market: Type.String({ minLength: 1, maxLength: 64 }),
    result: Type.Union([Type.Literal('yes'), Type.Literal('no'), Type.Literal('scalar')]),
    valueTicks: Type.Optional(NonNegInt()),
  }),
  Step({ do: Type.Literal('halt'), halted: Type.Boolean() }),
  Step({ do: Type.Literal('deposit'), account: Name, asset: Type.String(), amount: PosInt() }),
  Step({ do: Type.Literal('pause') }),
  Step({
    do: Type.Literal('run'),
    rate: Type.Number({ exclusiveMinimum: 0, maximum: MAX_SANDBOX_RATE }),
  }),
]);

export const ScenarioSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 128 }),
    description: Type.Optional(Type.String({ maxLength: 4096 })),
    clock: Type.Optional(
      Type.Object(
        {
          /** Where simulated time starts (default: the wall clock's now). */
          start: Type.Optional(ScenarioTime),
          /** Default paused: nothing time-driven happens until a step, jump or run. */
          mode: Type.Optional(Type.Union([Type.Literal('paused'), Type.Literal('running')])),
          rate: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: MAX_SANDBOX_RATE })),
        },
        strict,
      ),
    ),
    assets: Type.Array(CreateAssetBody, { maxItems: 100 }),
    markets: Type.Optional(Type.Array(ScenarioMarket, { maxItems: 1000 })),
    accounts: Type.Optional(Type.Array(ScenarioAccount, { maxItems: 10_000 })),
    /** The resting book, placed in this order (time priority) after the accounts are funded. */
    orders: Type.Optional(Type.Array(ScenarioOrder, { maxItems: 100_000 })),
    script: Type.Optional(Type.Array(ScenarioStep, { maxItems: 100_000 })),
  },
  strict,
);

export const ScenarioExportQuery = Type.Object(
  { name: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })) },
  strict,
);

export const ResetAnswerSchema = Type.Object({
  scenario: Type.String(),
  clock: Type.Object({ now: Type.Integer(), mode: Type.String(), rate: Type.Number() }),
  accounts: Type.Array(
    Type.Object({
      username: Type.String(),
      userId: Type.Integer(),
      accountId: Type.Integer(),
      created: Type.Boolean(),
      keyId: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
  markets: Type.Array(Type.Object({ symbol: Type.String(), instrumentId: Type.Integer() })),
  orders: Type.Integer({ description: 'Orders of the scenario placed.' }),
  scriptSteps: Type.Integer(),
});

export type ScenarioTime = Static<typeof ScenarioTime>;
export type ScenarioAccount = Static<typeof ScenarioAccount>;
export type ScenarioMarket = Static<typeof ScenarioMarket>;
export type ScenarioOrder = Static<typeof ScenarioOrder>;
export type ScenarioStep = Static<typeof ScenarioStep>;
export type Scenario = Static<typeof ScenarioSchema>;
export type ResetAnswer = Static<typeof ResetAnswerSchema>;
