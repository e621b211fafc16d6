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
 * after their intended time count that delay as latency.
 */
export async function runOpenLoop(
  rate: number,
  durationMs: number,
  send: (i: number, intendedMs: number) => void,
): Promise<OpenLoopRun> {
  const total = Math.floor((rate * durationMs) / 1000);
  const start = performance.now();
  let i = 0;
  while (i < total) {
    const now = performance.now();
    const due = Math.min(total, Math.floor(((now - start) * rate) / 1000) + 1);
    for (; i < due; i++) send(i, start + (i * 1000) / rate);
    await new Promise((r) => setTimeout(r, 1));
  }
  return { sent: i, elapsedMs: performance.now() - start };
}
