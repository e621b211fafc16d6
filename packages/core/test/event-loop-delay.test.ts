// The event-loop delay sampler wakes an idle thread a few times a second, not every interval, and is
// back at its interval (and records the delay) as soon as the thread is busy.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createHistogram, EventLoopDelaySampler } from '../src/index.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('an idle thread is sampled ever less often, a busy one at the interval', async () => {
  const h = createHistogram();
  const sampler = new EventLoopDelaySampler(h, 20);
  sampler.start();
  try {
    await sleep(1_000);
    // At a fixed 20 ms: about 50. Stretched: 20, 40, 80, then 160 ms apart, about 10; a sample that
    // comes late puts the next one 20 ms after it, so a slow machine cannot take it past 25 or so.
    const idle = h.count;
    assert.ok(idle >= 3, `${idle} samples while idle`);
    assert.ok(idle <= 30, `${idle} samples while idle`);
    // Busy: most of each turn of the loop spent working, for 1 s.
    const end = performance.now() + 1_000;
    while (performance.now() < end) {
      const until = performance.now() + 4;
      while (performance.now() < until) {}
      await new Promise((r) => setImmediate(r));
    }
    const busy = h.count - idle;
    assert.ok(busy >= 20, `${busy} samples while busy`);
  } finally {
    sampler.stop();
  }
});
