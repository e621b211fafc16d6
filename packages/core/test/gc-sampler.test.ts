// The GC sampler: each collection's pause counted under its kind, and for a scavenge the bytes that
// survived it (left young plus promoted) and what it promoted; and on a live thread it sees the
// scavenges that short-lived garbage causes.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createGcMetrics, foldGcRecords, type GcRecord, GcSampler } from '../src/gc-sampler.ts';

const MB = 1024 * 1024;

function record(gcType: string, costUs: number, before: number[], after: number[]): GcRecord {
  const spaces = ([young, largeYoung, old, large]: number[]) => [
    { spaceName: 'new_space', spaceUsedSize: young! },
    { spaceName: 'new_large_object_space', spaceUsedSize: largeYoung! },
    { spaceName: 'old_space', spaceUsedSize: old! },
    { spaceName: 'large_object_space', spaceUsedSize: large! },
  ];
  return {
    gcType,
    cost: costUs,
    beforeGC: { heapSpaceStatistics: spaces(before) },
    afterGC: { heapSpaceStatistics: spaces(after) },
  };
}

test('a scavenge counts its pause, the bytes left young plus promoted, and the promoted bytes', () => {
  const m = createGcMetrics();
  foldGcRecords(m, [
    // 60 MB young before; 3 MB stay young, 1 MB large young, old grows by 2 MB.
    record('Scavenge', 4_000, [60 * MB, 0, 20 * MB, MB], [3 * MB, MB, 22 * MB, MB]),
    // A mark-compact shrinks the old generation: no survivor figure, nothing promoted.
    record('MarkSweepCompact', 25_000, [MB, 0, 40 * MB, MB], [MB, 0, 18 * MB, MB]),
    record('IncrementalMarking', 300, [MB, 0, 40 * MB, MB], [MB, 0, 40 * MB, MB]),
  ]);
  assert.equal(m.pauseSeconds.scavenge.count, 1);
  assert.equal(m.pauseSeconds.scavenge.sum, 0.004);
  assert.equal(m.pauseSeconds.mark_compact.count, 1);
  assert.equal(m.pauseSeconds.incremental.count, 1);
  assert.equal(m.survivedBytes.count, 1);
  assert.equal(m.survivedBytes.sum, 6 * MB);
  assert.equal(m.promotedBytes, 2 * MB);
  // The first collection seen only sets the mark (4 MB left young); the mark-compact found 1 MB.
  assert.equal(m.youngAllocatedBytes, 0);
  foldGcRecords(m, [
    record('Scavenge', 1_000, [50 * MB, 0, 20 * MB, MB], [2 * MB, 0, 20 * MB, MB]),
  ]);
  assert.equal(m.youngAllocatedBytes, 49 * MB);
});

test('the sampler sees the scavenges of a thread allocating short-lived objects', () => {
  const m = createGcMetrics();
  const sampler = new GcSampler(m, 60_000);
  sampler.start();
  // Objects that escape into a ring (so no compiler can elide them), far more than any young
  // generation holds: V8 must scavenge.
  const ring: number[][] = new Array(1024);
  const churn = () => {
    for (let i = 0; i < 3_000_000; i++) ring[i & 1023] = [i, i + 1];
    return ring.length;
  };
  const sink = churn();
  m.refresh();
  assert.ok(sink > 0);
  assert.ok(m.pauseSeconds.scavenge.count > 0, 'scavenges counted');
  assert.equal(m.survivedBytes.count, m.pauseSeconds.scavenge.count);
  sampler.stop();
  const counted = m.pauseSeconds.scavenge.count;
  churn();
  m.refresh();
  assert.equal(m.pauseSeconds.scavenge.count, counted, 'nothing counted once stopped');
});
