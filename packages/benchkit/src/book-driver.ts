// The shape through which the benchmark drives one order book: set-up and command preparation are
// untimed; `replay` and `replayTimed` are the timed loops. Each driver owns its loops so every timed
// call site sees exactly one book implementation (a shared loop would turn polymorphic and tax
// whichever book runs second).

import type { Depth } from './reference-book.ts';

export interface BookDriver<Ctx, Payload> {
  /** Shown in reports, with the version for third-party books. */
  readonly name: string;
  /** A fresh, empty book ready for the stream (any set-up commands already applied). */
  create(): Ctx;
  /** Timed: applies every payload in order, and nothing else. */
  replay(ctx: Ctx, payloads: readonly Payload[]): void;
  /** Timed per command: `ns[i]` = nanoseconds of payload i between two `process.hrtime.bigint()`. */
  replayTimed(ctx: Ctx, payloads: readonly Payload[], ns: Float64Array): void;
  /** Untimed: aggregate depth in the workload's units (price per level, open quantity, count). */
  depth(ctx: Ctx): Depth;
}
