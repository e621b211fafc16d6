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
