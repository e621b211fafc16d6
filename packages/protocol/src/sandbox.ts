// The sandbox control plane's messages (`bourse serve --sandbox`, docs/sandbox.md): the exchange clock
// a bot author controls, and the record of everything done to the exchange and its clients.

import { type Static, Type } from '@sinclair/typebox';
import { Int, NonNegInt, NullableInt, PosInt, strict } from './primitives.ts';

/** The largest speed-up `run` accepts: beyond it one wall millisecond skips too much to follow. */
export const MAX_SANDBOX_RATE = 100_000;

export const SandboxClockSchema = Type.Object({
  now: Int,
  mode: Type.Union([Type.Literal('paused'), Type.Literal('running')], {
    description: 'paused: time stands still until a step or jump; running: it passes at `rate`.',
  }),
  rate: Type.Number({
    description: 'Simulated milliseconds per wall millisecond while running (1 = real time).',
  }),
});

export const SandboxStatusSchema = Type.Object({
  clock: SandboxClockSchema,
  /** The scenario the exchange was last reset to (null: never reset). */
  scenario: Type.Union([Type.String(), Type.Null()]),
  /** Events recorded so far (GET /api/v1/sandbox/events lists them). */
  events: Int,
  /** Steps of the scenario's script still to run. */
  scriptSteps: Int,
});

export const SandboxEventSchema = Type.Object({
  id: Int,
  /** The exchange's (simulated) time when it was done, ms since the epoch. */
  at: Int,
  /** The wall-clock time when it was done. */
  wallAt: Int,
  kind: Type.String({ description: 'clock, reset, script, fault, …' }),
  action: Type.String({ description: 'What was done: pause, step, run, jump, …' }),
  /** The account it targeted; null: exchange-wide (clock operations, resets). */
  account: NullableInt,
  /** What else it targeted (a socket, an endpoint); null when nothing more specific. */
  target: Type.Union([Type.String(), Type.Null()]),
  detail: Type.Record(Type.String(), Type.Unknown()),
  /** Who did it (the admin's username, or `script`). */
  by: Type.String(),
});

export const SandboxEventsQuery = Type.Object(
  {
    account: Type.Optional(
      PosInt('Only what targeted this account, plus exchange-wide events (clock, reset).'),
    ),
    kind: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
    after: Type.Optional(NonNegInt('Only events with a greater id (the last id seen).')),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  },
  strict,
);

export const SandboxEventsSchema = Type.Object({ items: Type.Array(SandboxEventSchema) });

export const ClockStepBody = Type.Object(
  { ms: PosInt('Simulated milliseconds to move forward; due work happens at its own time.') },
  strict,
);
export const ClockRunBody = Type.Object(
  {
    rate: Type.Number({
      exclusiveMinimum: 0,
      maximum: MAX_SANDBOX_RATE,
      description:
        'Simulated milliseconds per wall millisecond (1 = real time, 60 = a minute a second).',
    }),
  },
  strict,
);
export const ClockJumpBody = Type.Object(
  { to: PosInt('The time to move to (ms since the epoch); never earlier than now.') },
  strict,
);

export type SandboxClock = Static<typeof SandboxClockSchema>;
export type SandboxStatus = Static<typeof SandboxStatusSchema>;
export type SandboxEvent = Static<typeof SandboxEventSchema>;
export type SandboxEventsQuery = Static<typeof SandboxEventsQuery>;
export type ClockStepBody = Static<typeof ClockStepBody>;
export type ClockRunBody = Static<typeof ClockRunBody>;
export type ClockJumpBody = Static<typeof ClockJumpBody>;

const FAULT_KIND = Type.Union(
  [
    Type.Literal('rateLimit'),
    Type.Literal('serverError'),
    Type.Literal('latency'),
    Type.Literal('dropMessages'),
    Type.Literal('duplicateMessages'),
    Type.Literal('sequenceGap'),
    Type.Literal('disconnect'),
    Type.Literal('staleBook'),
  ],
  { description: 'What fails (docs/sandbox.md, "Faults").' },
);

const FAULT_CHANNEL = Type.Union([
  Type.Literal('book'),
  Type.Literal('trades'),
  Type.Literal('ticker'),
  Type.Literal('candles'),
  Type.Literal('orders'),
  Type.Literal('fills'),
  Type.Literal('balances'),
  Type.Literal('positions'),
]);

/** `POST /api/v1/sandbox/faults`: whose traffic fails, how, how often and for how long. */
export const FaultBody = Type.Object(
  {
    kind: FAULT_KIND,
    account: PosInt('The account whose requests and sockets fail.'),
    socket: Type.Optional(PosInt('Only this socket of the account (WebSocket faults).')),
    route: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: 'REST faults: only requests whose `METHOD /path` starts with this.',
      }),
    ),
    channel: Type.Optional(FAULT_CHANNEL),
    market: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, description: 'Only this market’s messages.' }),
    ),
    count: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    durationMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400_000 })),
    retryAfterSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 3_600 })),
    status: Type.Optional(
      Type.Union([Type.Literal(500), Type.Literal(502), Type.Literal(503), Type.Literal(504)]),
    ),
    afterExecution: Type.Optional(Type.Boolean()),
    latencyMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 120_000 })),
  },
  strict,
);

export const FaultSchema = Type.Object({
  faultId: Int,
  kind: Type.String(),
  account: Int,
  socket: NullableInt,
  route: Type.Union([Type.String(), Type.Null()]),
  channel: Type.Union([Type.String(), Type.Null()]),
  instrumentId: NullableInt,
  createdAt: Int,
  /** When it ends by time (wall ms since the epoch), or null: when its count is used. */
  until: NullableInt,
  /** Requests or messages it may still apply to; null: until its time ends. */
  remaining: NullableInt,
  /** How many times it was applied (a disconnect: the sockets it ended). */
  injected: Int,
  detail: Type.Record(Type.String(), Type.Unknown()),
});

export const FaultListSchema = Type.Object({ items: Type.Array(FaultSchema) });
export const FaultClearedSchema = Type.Object({ cleared: Int });

export type FaultBody = Static<typeof FaultBody>;
export type FaultView = Static<typeof FaultSchema>;

export const SandboxSocketSchema = Type.Object({
  socket: Int,
  /** The account of its credentials; null for an anonymous socket. */
  account: NullableInt,
  /** Its subscriptions: `book:<instrumentId>`, …, and the private channels. */
  subscriptions: Type.Array(Type.String()),
});
export const SandboxSocketsSchema = Type.Object({ items: Type.Array(SandboxSocketSchema) });
export type SandboxSocket = Static<typeof SandboxSocketSchema>;
