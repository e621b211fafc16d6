// How late a thread's timers fire: a timer is armed every `intervalMs` and the delay past its due
// time is observed into a latency histogram (a gateway's `bourse_event_loop_delay_seconds`, an engine
// node's `bourse_cluster_event_loop_delay_seconds`). Every request, socket message and
// acknowledgement on that thread waits at least that long, so this is the first metric to look at
// when ack latency grows: a delay here means the thread itself was busy or stalled (garbage
// collection, a long batch, a core taken by another thread), not the engine or the disk.

import type { Histogram } from './exchange-core.ts';
import { observe } from './histogram.ts';

export class EventLoopDelaySampler {
  readonly #histogram: Histogram;
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  #due = 0;

  constructor(histogram: Histogram, intervalMs = 20) {
    this.#histogram = histogram;
    this.#intervalMs = intervalMs;
  }

  start(): void {
    if (this.#timer !== undefined) return;
    this.#arm();
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(): void {
    this.#due = performance.now() + this.#intervalMs;
    this.#timer = setTimeout(() => {
      observe(this.#histogram, Math.max(0, performance.now() - this.#due) / 1000);
      this.#arm();
    }, this.#intervalMs);
    // Sampling never keeps the process alive on its own.
    this.#timer.unref();
  }
}
