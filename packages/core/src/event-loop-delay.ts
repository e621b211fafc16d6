// How late a thread's timers fire: a timer is armed every `intervalMs` and the delay past its due
// time is observed into a latency histogram (a gateway's `bourse_event_loop_delay_seconds`, an engine
// node's `bourse_cluster_event_loop_delay_seconds`). Every request, socket message and
// acknowledgement on that thread waits at least that long, so this is the first metric to look at
// when ack latency grows: a delay here means the thread itself was busy or stalled (garbage
// collection, a long batch, a core taken by another thread), not the engine or the disk. While the
// thread idles the interval doubles, up to 8 times as long: an idle process is woken a few times a
// second instead of 50 (each wake-up of an idle process costs about as much CPU as a short request),
// and the first sample that finds the thread busy (5 % of the interval) or late brings the interval
// back. The skipped samples are counted as on time, so the histogram stays that of every interval.

import { type EventLoopUtilization, performance } from 'node:perf_hooks';
import type { Histogram } from './exchange-core.ts';
import { observe, observeMany } from './histogram.ts';
import { processTimeline } from './timeline.ts';

/** Below this share of the last interval spent working (and less late than one interval), idle. */
const IDLE_UTILIZATION = 0.05;
/** The longest interval, in multiples of the configured one. */
const MAX_STRETCH = 8;

export class EventLoopDelaySampler {
  readonly #histogram: Histogram;
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  #due = 0;
  /** The current interval: `#intervalMs` while the thread works, longer while it idles. */
  #nextMs: number;
  #utilization: EventLoopUtilization | undefined;

  constructor(histogram: Histogram, intervalMs = 20) {
    this.#histogram = histogram;
    this.#intervalMs = intervalMs;
    this.#nextMs = intervalMs;
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
    this.#due = performance.now() + this.#nextMs;
    this.#timer = setTimeout(() => {
      const lateMs = Math.max(0, performance.now() - this.#due);
      observe(this.#histogram, lateMs / 1000);
      processTimeline.record('event_loop_delay', lateMs, this.#due);
      const now = performance.eventLoopUtilization();
      const used =
        this.#utilization === undefined
          ? now
          : performance.eventLoopUtilization(now, this.#utilization);
      this.#utilization = now;
      const idle = used.utilization < IDLE_UTILIZATION && lateMs < this.#intervalMs;
      // The samples a stretched interval skipped would have found the idle thread on time: they are
      // counted as such, so the histogram reads as if sampled every interval and busy spells, sampled
      // at the interval, do not weigh more than they did.
      const skipped = this.#nextMs / this.#intervalMs - 1;
      if (idle && skipped > 0) observeMany(this.#histogram, 0, skipped);
      this.#nextMs = idle
        ? Math.min(this.#nextMs * 2, this.#intervalMs * MAX_STRETCH)
        : this.#intervalMs;
      this.#arm();
    }, this.#nextMs);
    // Sampling never keeps the process alive on its own.
    this.#timer.unref();
  }
}
