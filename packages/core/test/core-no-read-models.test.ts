// A core opened without read models (a cluster's engine node): commands are acknowledged and the
// engine's state survives a restart from snapshot and journal as usual, no read-model file or thread
// exists, and every read-model query is refused rather than answered from nothing.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { replayDataDir } from '../src/index.ts';
import { marketSetup, prng, randomCommand } from './fixtures/market-setup.ts';
import { openCore } from './fixtures/open-core.ts';
import { tempDataDir } from './fixtures/temp-dir.ts';

const ACCOUNTS = 4;

test('a core without read models acknowledges, restarts from its snapshot and refuses history', async (t) => {
  const dataDir = tempDataDir(t);
  const first = await openCore(t, { dataDir, readModels: false, snapshotEvery: 300 });
  assert.equal(first.stats.readModelThread, 'none');
  await first.submitBatch(marketSetup(ACCOUNTS));
  const random = prng(7);
  const orders = Array.from({ length: 1_000 }, () => randomCommand(random, ACCOUNTS, 0));
  const applied = await first.submitBatch(orders);
  assert.equal(applied.length, 1_000);
  const before = await first.query.stateHash();
  await assert.rejects(first.readModels.orders({ accountId: 1 } as never), /no read models/);
  await assert.rejects(first.readModels.waitFor(before.seq), /no read models/);
  await first.close();
  assert.equal(existsSync(join(dataDir, 'read.db')), false);

  const second = await openCore(t, { dataDir, readModels: false });
  assert.deepEqual(await second.query.stateHash(), before);
  assert.deepEqual(await second.query.verify(), []);
  const tick = await second.submit({ type: 'tick' });
  assert.equal(tick.seq, before.seq + 1);
  await second.close();
  const replayed = await replayDataDir(dataDir);
  assert.equal(replayed.seq, before.seq + 1);
  assert.deepEqual(replayed.violations, []);
});
