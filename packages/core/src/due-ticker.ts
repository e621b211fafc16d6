// Sends the engine a `tick` when it next has work of its own. The engine reads no clock: a GTD order
// expires, and a market opens or closes on schedule, at the first command whose `ts` reaches the time.
// On a busy exchange that command comes soon enough; on a quiet one it might not come for hours, so
// the core holds one timer for the engine's next due time and submits a journaled `tick` when it
// passes. Replay applies the same ticks, so the state stays a function of the journal.

/** How long to wait before trying again when a tick could not be submitted (overload). */
const RETRY_MS = 250;
/**
 * The longest single wait: a timer longer than 2^31 − 1 ms fires at once in Node, so a far-off time
 * (a market closing next year) is reached in steps, looking at the clock after each.
 */
const MAX_WAIT_MS = 3_600_000;

export interface DueTickerParts {
  /** The same clock that stamps commands (ms since the epoch). */
  readonly clock: () => number;
  /** Submits a `tick`; a rejection means it was not sequenced. */
  readonly tick: () => Promise<unknown>;
}

export class DueTicker {
  readonly #parts: DueTickerParts;
  #due: number | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #inFlight = false;
  #closed = false;
  #paused = false;
  /** Ticks submitted, for tests and metrics. */
  ticks = 0;

  constructor(parts: DueTickerParts) {
    this.#parts = parts;
  }

  /** The engine's next due time after its latest batch (null: nothing to do). */
  arm(due: number | null): void {
    if (this.#closed || due === this.#due) return;
    this.#due = due;
    this.#schedule();
  }

  /** Stops submitting ticks (the due time is still tracked) until `resume`. */
  pause(): void {
    this.#paused = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#schedule();
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(delayMs?: number): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#closed || this.#paused || this.#due === null || this.#inFlight) return;
    const wait = delayMs ?? Math.min(MAX_WAIT_MS, Math.max(0, this.#due - this.#parts.clock()));
    // Unreferenced: a pending expiry must not keep a process alive that has nothing else to do.
    this.#timer = setTimeout(() => this.#fire(), wait);
    this.#timer.unref();
  }

  #fire(): void {
    this.#timer = undefined;
    const due = this.#due;
    if (this.#closed || this.#paused || due === null) return;
    // Timers and the wall clock drift apart a little: wait for the clock the commands are stamped with.
    if (this.#parts.clock() < due) return this.#schedule();
    this.#inFlight = true;
    this.ticks++;
    this.#parts.tick().then(
      () => {
        this.#inFlight = false;
        // The tick's batch re-armed the ticker with the next due time. Should the same time still be
        // due, something other than time holds it: look again a little later, not in a tight loop.
        this.#schedule(this.#due === due ? RETRY_MS : undefined);
      },
      () => {
        this.#inFlight = false;
        this.#schedule(RETRY_MS);
      },
    );
  }
}
