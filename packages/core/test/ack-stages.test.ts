// The ack's stage histograms: every acknowledged command is counted once in each stage, and the
// stages fit inside the core's total for it (submitted → acknowledged); and the engine is handed
// commands as the journal commit covering them starts.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ACK_STAGES } from '../src/ack-stages.ts';
import { limitOrder, marketSetup } from './fixtures/market-setup.ts';
import { openCore } from './fixtures/open-core.ts';
import { tempDataDir } from './fixtures/temp-dir.ts';

test('each acknowledged command is observed once per stage, within its time in the core', async (t) => {
  const core = await openCore(t, { dataDir: tempDataDir(t) });
  const setup = await core.submitBatch(marketSetup(2));
  // Concurrent submits (shared batches and commits) and one at a time (a commit each).
  const orders = Array.from({ length: 200 }, (_, i) =>
    limitOrder(1 + (i % 2), i % 2 === 0 ? 'buy' : 'sell', 5_000, 1),
  );
  await Promise.all(orders.map((o) => core.submit(o)));
  for (let i = 0; i < 5; i++) await core.submit(limitOrder(1, 'buy', 4_000, 1));
  const total = setup.length + orders.length + 5;
  const stages = core.metrics.ackStages!;
  assert.deepEqual(Object.keys(stages), [...ACK_STAGES]);
  for (const stage of ACK_STAGES) assert.equal(stages[stage].count, total, stage);
  assert.equal(core.metrics.ackLatencySeconds.count, total);
  // Per command: core ≥ queue + engine, and core ≥ journal_wait + journal_write.
  const slack = 1e-9 * total;
  const sum = (stage: (typeof ACK_STAGES)[number]) => stages[stage].sum;
  assert.ok(sum('core') + slack >= sum('queue') + sum('engine'));
  assert.ok(sum('core') + slack >= sum('journal_wait') + sum('journal_write'));
  assert.ok(sum('journal_write') > 0, 'journal writes take time');
});

test('a command journaled during a commit reaches the engine when the next commit starts', async (t) => {
  // Commits wait for the test's word, so one can be held in flight.
  let release: (() => void) | undefined;
  let holding = false;
  const core = await openCore(t, {
    dataDir: tempDataDir(t),
    durability: (local) => ({
      append: (seq, payload) => local.append(seq, payload),
      commit: async () => {
        if (holding) await new Promise<void>((r) => (release = r));
        return local.commit();
      },
      close: () => local.close(),
    }),
  });
  await core.submitBatch(marketSetup(2));
  holding = true;
  const batches = core.stats.engineBatches;
  const first = core.submit(limitOrder(1, 'buy', 4_000, 1));
  let second: Promise<unknown> | undefined;
  try {
    for (let i = 0; i < 1_000 && release === undefined; i++) await new Promise(setImmediate);
    assert.ok(release !== undefined, 'the first commit is in flight');
    assert.equal(core.stats.engineBatches, batches + 1, 'its command went to the engine');
    // The engine has answered: it is idle while the commit is still held.
    for (let i = 0; i < 2_000 && core.metrics.engineQueueDepth > 0; i++) {
      await new Promise((r) => setTimeout(r, 5));
    }
    assert.equal(core.metrics.engineQueueDepth, 0);
    second = core.submit(limitOrder(2, 'buy', 4_000, 1));
    for (let i = 0; i < 20; i++) await new Promise(setImmediate);
    assert.equal(core.stats.engineBatches, batches + 1, 'journaled, held for the next commit');
  } finally {
    // Whatever failed, the held commit goes on, so the core can close.
    holding = false;
    release?.();
  }
  await Promise.all([first, second]);
  assert.equal(core.stats.engineBatches, batches + 2);
});
