// The exchange clock of a sandbox: simulated time that a bot author pauses, steps, runs at N× and jumps.
// It is the clock the core's sequencer stamps commands with, so everything time-driven in the engine
// (GTD expiry, market schedules, a breaker's reopening, settlement times, candles, which fold trades
// by their command timestamps) follows it. It never goes backwards: the journal and the engine
// require non-decreasing timestamps.

import type { SandboxClock as ClockView } from '@bourse/protocol';

export class SandboxClock {
  readonly #wall: () => number;
  /** Simulated time at `#wallBase`. */
  #base: number;
  #wallBase: number;
  #rate = 1;
  #running: boolean;
  /** The highest time read, so reads stay monotonic whatever the wall clock does. */
  #last: number;

  /**
   * Starts at `start` (default: the wall clock's now), running at real time unless `paused`: until a
   * bot author takes control, a sandbox behaves like an ordinary exchange.
   */
  constructor(options: { start?: number; paused?: boolean; wall?: () => number } = {}) {
    this.#wall = options.wall ?? Date.now;
    this.#wallBase = this.#wall();
    this.#base = Math.floor(options.start ?? this.#wallBase);
    this.#last = this.#base;
    this.#running = options.paused !== true;
  }

  /** Simulated milliseconds since the epoch (an integer, never less than an earlier answer). */
  now(): number {
    if (this.#running) {
      const t = Math.floor(this.#base + (this.#wall() - this.#wallBase) * this.#rate);
      if (t > this.#last) this.#last = t;
    }
    return this.#last;
  }

  get running(): boolean {
    return this.#running;
  }

  get rate(): number {
    return this.#rate;
  }

  view(): ClockView {
    return { now: this.now(), mode: this.#running ? 'running' : 'paused', rate: this.#rate };
  }

  /** Time stands still until the next step, jump or run. */
  pause(): void {
    this.#rebase();
    this.#running = false;
  }

  /** Time passes at `rate` simulated milliseconds per wall millisecond from now on. */
  run(rate: number): void {
    if (!(rate > 0 && Number.isFinite(rate)))
      throw new RangeError('rate must be a positive number');
    this.#rebase();
    this.#rate = rate;
    this.#running = true;
  }

  /**
   * Moves the clock to `to` (running or paused, it stays so). Refuses to go backwards; `to` equal to
   * now changes nothing.
   */
  set(to: number): void {
    if (!Number.isSafeInteger(to)) throw new RangeError('the time must be a safe integer');
    if (to < this.now()) throw new RangeError(`the clock never goes backwards (now ${this.#last})`);
    this.#last = to;
    this.#base = to;
    this.#wallBase = this.#wall();
  }

  /**
   * Starts the clock again at `start`, earlier than now if need be: only for a reset, whose fresh
   * journal has no earlier timestamps to stay ahead of.
   */
  restart(start: number, mode: 'paused' | 'running', rate = 1): void {
    if (!Number.isSafeInteger(start) || start <= 0) throw new RangeError('bad start time');
    this.#base = start;
    this.#last = start;
    this.#wallBase = this.#wall();
    this.#rate = rate;
    this.#running = mode === 'running';
  }

  #rebase(): void {
    this.#base = this.now();
    this.#wallBase = this.#wall();
  }
}
