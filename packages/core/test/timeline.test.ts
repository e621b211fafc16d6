import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Timeline } from '../src/timeline.ts';

test('a timeline records nothing until started, then counts, sums and maxes per window', () => {
  const t = new Timeline();
  t.record('journal_write', 5, 0);
  assert.equal(t.recording, false);
  assert.deepEqual(t.report().windows, []);

  const from = performance.timeOrigin + performance.now();
  t.start(100, from);
  const origin = from - performance.timeOrigin;
  t.record('journal_write', 0.5, origin + 10);
  t.record('journal_write', 2, origin + 20);
  t.record('core', 7, origin + 150);
  // Before the first window and long after the last kept one: dropped.
  t.record('core', 9, origin - 1);
  t.record('core', 9, origin + 1e9);
  const { windowMs, windows } = t.report();
  assert.equal(windowMs, 100);
  assert.ok(windows.length >= 1);
  assert.deepEqual(windows[0]!.figures.journal_write, { n: 2, sumMs: 2.5, maxMs: 2 });
  assert.equal(windows[0]!.figures.core, undefined);
  assert.ok(Math.abs(windows[0]!.atEpochMs - from) < 1e-6);
  t.stop();
  assert.equal(t.recording, false);
});

test('a window outside 10–10,000 ms is refused', () => {
  assert.throws(() => new Timeline().start(5), RangeError);
});
