// The event-loop delay sampler wakes an idle thread a few times a second, not every interval, and is
// back at its interval (and records the delay) as soon as the thread is busy.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createHistogram, EventLoopDelaySampler } from '../src/index.ts';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Counts the timers armed while `run` runs (the sampler arms one per sample). */
async function timersArmed(run: () => Promise<void>): Promise<number> {
  const original = globalThis.setTimeout;
  let armed = 0;
  globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => {
    armed++;
    return original(...args);
  }) as typeof setTimeout;
  try {
    await run();
  } finally {
    globalThis.setTimeout = original;
  }
  return armed;
}

test('an idle thread is sampled ever less often, a busy one at the interval', async () => {
  const h = createHistogram();
  const sampler = new EventLoopDelaySampler(h, 20);
  sampler.start();
  try {
    const idle = await timersArmed(() => sleep(1_000));
    // At a fixed 20 ms: about 50. Stretched: 20, 40, 80, then 160 ms apart, about 10; a sample that
    // comes late puts the next one 20 ms after it, so a slow machine cannot take it past 25 or so.
    assert.ok(idle <= 30, `${idle} timers armed while idle`);
    // The histogram still counts a sample per interval, the skipped ones as on time.
    assert.ok(h.count > idle, `${h.count} samples counted, ${idle} taken while idle`);
    assert.ok(h.counts[0]! >= h.count - idle, 'the skipped samples are on time');
    // Busy: most of each turn of the loop spent working, for 1 s.
    const busy = await timersArmed(async () => {
      const end = performance.now() + 1_000;
      while (performance.now() < end) {
        const until = performance.now() + 4;
        while (performance.now() < until) {}
        await new Promise((r) => setImmediate(r));
      }
    });
    assert.ok(busy >= 20, `${busy} timers armed while busy`);
  } finally {
    sampler.stop();
  }
});
