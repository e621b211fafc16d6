// An open-loop schedule: order i is due at start + i / rate, whatever happened to earlier orders, and
// its latency is measured from that intended time, so a sender (or server) that falls behind shows up
// as latency instead of silently lowering the offered load (no coordinated omission).

export interface OpenLoopRun {
  readonly sent: number;
  readonly elapsedMs: number;
}

/**
 * Calls `send(i, intendedMs)` for each due order, checking the clock every millisecond or so, until
 * `durationMs` has passed. Bounded: at most rate × duration orders. Between checks it sleeps on a
 * timer rather than spinning the event loop: a spinning sender takes most of a core from the server it
 * measures (on a 2-core machine, most of the server's second core). Orders sent up to a millisecond
 * after their intended time count that delay as latency. `start` lets the caller know the schedule's
 * origin in advance (to tell warm-up orders from measured ones).
 */
export async function runOpenLoop(
  rate: number,
  durationMs: number,
  send: (i: number, intendedMs: number) => void,
  start = performance.now(),
): Promise<OpenLoopRun> {
  const total = Math.floor((rate * durationMs) / 1000);
  let i = 0;
  while (i < total) {
    const now = performance.now();
    const due = Math.min(total, Math.floor(((now - start) * rate) / 1000) + 1);
    for (; i < due; i++) send(i, start + (i * 1000) / rate);
    await new Promise((r) => setTimeout(r, 1));
  }
  return { sent: i, elapsedMs: performance.now() - start };
}

/**
 * A run is a warm-up followed by the measured window, both at the same offered rate. The server under
 * test is a fresh process: in its first seconds V8 still compiles the hot paths and sizes its heap,
 * which is start-up cost, not the latency of an exchange that has been running. Warm-up orders are
 * sent and must be answered like the others (a rejection anywhere fails the run), but their latency
 * and their acks are not counted.
 */
export interface LoadWindow {
  readonly warmupMs: number;
  readonly durationMs: number;
}

export function orderCount(rate: number, window: LoadWindow): number {
  return Math.floor((rate * (window.warmupMs + window.durationMs)) / 1000);
}

/** Orders a default warm-up sends at least: V8 optimises by call counts, so a slow rate needs longer. */
export const WARMUP_MIN_ORDERS = 20_000;

/**
 * A server's first engine snapshot runs code nothing ran before it: 4–22 ms on the engine thread, every
 * order meanwhile waiting, against 0.4–0.9 ms for the snapshots after it (docs/BENCHMARKS.md, "The
 * first measured window"). A warm-up that reaches it ends this long after it.
 */
const PAST_FIRST_SNAPSHOT_MS = 250;

/**
 * The default warm-up: 2 s, or as long as `WARMUP_MIN_ORDERS` take at `rate`, at most 10 s. At
 * 4,000 REST orders/s a 2 s warm-up left the first measured second at p99 57 ms against 6–8 ms after
 * it; 5 s (20,000 orders) removed it. Given the server's snapshot spacing (a server this run
 * started), it also lasts past the first snapshot when that fits in the 10 s.
 */
export function defaultWarmupMs(rate: number, snapshotEvery?: number): number {
  if (!(rate > 0)) return 2_000;
  const msFor = (orders: number) => Math.ceil((orders / rate) * 1000);
  const warm = Math.min(10_000, Math.max(2_000, msFor(WARMUP_MIN_ORDERS)));
  if (snapshotEvery === undefined) return warm;
  const past = msFor(snapshotEvery) + PAST_FIRST_SNAPSHOT_MS;
  return past <= 10_000 ? Math.max(warm, past) : warm;
}
