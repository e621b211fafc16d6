// The load generator's own event-loop delay over the measured window. It shares the machine with the
// server, and any delay here is added to every latency it measures; reporting it shows how much of a
// tail could be the sender's.

import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface SenderLag {
  readonly p99Ms: number;
  readonly maxMs: number;
}

export class SenderLagMonitor {
  readonly #histogram = monitorEventLoopDelay({ resolution: 1 });

  /** Starts (or restarts) measuring: call when the measured window begins. */
  start(): void {
    this.#histogram.reset();
    this.#histogram.enable();
  }

  stop(): SenderLag {
    this.#histogram.disable();
    return { p99Ms: this.#histogram.percentile(99) / 1e6, maxMs: this.#histogram.max / 1e6 };
  }
}
