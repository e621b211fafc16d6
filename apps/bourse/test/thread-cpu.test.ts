// The load test's per-thread CPU accounting reads /proc: CPU the main thread burns shows up as the
// gateway's share (the load test calls the server's main thread the gateway), per order.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { ThreadCpuMeter } from '../src/loadtest/thread-cpu.ts';

test('CPU spent on the main thread is counted as the gateway thread, per order', {
  skip: !existsSync(`/proc/${process.pid}/task`),
}, () => {
  const meter = new ThreadCpuMeter(process.pid);
  meter.start();
  // Burn at least 100 ms of this thread's CPU (bounded by CPU used, not by the clock).
  const from = process.threadCpuUsage();
  let x = 0;
  while (process.threadCpuUsage(from).user < 100_000) x += Math.sqrt(x + 1);
  assert.ok(x > 0);
  const perOrder = meter.stop(1_000);
  assert.ok(perOrder !== undefined);
  // ≥ 100 ms over 1,000 orders, less the 10 ms resolution of /proc's clock ticks.
  assert.ok(perOrder.gateway >= 80, `gateway ${perOrder.gateway} µs per order`);
  assert.ok(perOrder.total >= perOrder.gateway + perOrder.generator - 0.01);
  assert.equal(meter.stop(0), undefined);
});
