// Snapshots of many accounts on a core taking orders: the engine thread only copies its state between
// two batches and another thread encodes it, so the snapshot must still be the state at one seq, and
// the orders submitted meanwhile must be acknowledged in order and restored on a restart.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Engine, verifyInvariants } from '@bourse/engine';
import { SnapshotStore } from '@bourse/journal';
import type { AppliedCommand } from '../src/index.ts';
import { dataDirLayout, replayDataDir, verifyDataDir } from '../src/index.ts';
import { marketSetup, prng, randomCommand } from './fixtures/market-setup.ts';
import { openCore } from './fixtures/open-core.ts';
import { tempDataDir } from './fixtures/temp-dir.ts';

const ACCOUNTS = 10_000;
const SNAPSHOT_EVERY = 1_000;

test('orders are acknowledged in order while snapshots of many accounts are taken, and a restart from one rebuilds the state', async (t) => {
  const dataDir = tempDataDir(t);
  const core = await openCore(t, { dataDir, snapshotEvery: SNAPSHOT_EVERY });
  const setup = marketSetup(ACCOUNTS);
  for (let i = 0; i < setup.length; i += 2_000) await core.submitBatch(setup.slice(i, i + 2_000));
  const setupSeq = core.durableSeq;
  // Waves of concurrent orders from every account: each wave crosses a snapshot's spacing at most
  // twice, so snapshots are asked for while orders of the same wave are still arriving.
  const random = prng(11);
  const resolved: number[] = [];
  for (let wave = 0; wave < 8; wave++) {
    const submitted: Promise<AppliedCommand>[] = [];
    for (let i = 0; i < 500; i++) {
      const ack = core.submit(randomCommand(random, ACCOUNTS, core.durableSeq));
      submitted.push(
        ack.then((a) => {
          resolved.push(a.seq);
          return a;
        }),
      );
    }
    const acks = await Promise.all(submitted);
    // Each order got the next seq, in the order it was submitted.
    assert.deepEqual(
      acks.map((a) => a.seq),
      acks.map((_, i) => acks[0]!.seq + i),
    );
  }
  // Acknowledged in seq order, none lost, none twice.
  assert.deepEqual(
    resolved,
    Array.from({ length: 4_000 }, (_, i) => setupSeq + 1 + i),
  );
  // On a loaded machine the snapshots asked for during the waves may still be encoding (one at a
  // time; the next is taken at the first batch after it): keep submitting, a bounded number of rounds,
  // until one taken past the setup is stored, so the restart below starts from it at any speed.
  const snapshots = new SnapshotStore(dataDirLayout(dataDir).snapshotsDir);
  const pastSetup = () => (snapshots.latest()?.seq ?? 0) > setupSeq;
  for (let round = 0; round < 400 && !(core.stats.snapshotsWritten >= 2 && pastSetup()); round++) {
    const more = Array.from({ length: 50 }, () =>
      core.submit(randomCommand(random, ACCOUNTS, core.durableSeq)),
    );
    await Promise.all(more);
    await new Promise((r) => setTimeout(r, 20));
  }
  const before = await core.query.stateHash();
  await core.close();
  assert.ok(core.stats.snapshotsWritten >= 2, `${core.stats.snapshotsWritten} snapshots`);

  // The newest snapshot holds every account and is the state at its seq: restored, it keeps the
  // invariants, and the journal's tail after it leads to the state the core had.
  const latest = snapshots.latest();
  assert.ok(latest !== undefined && latest.seq > setupSeq, `snapshot at ${latest?.seq}`);
  assert.equal(verifyDataDir(dataDir).snapshotSeq, latest.seq);
  const restored = Engine.restore(latest.bytes);
  assert.equal(restored.lastSeq, latest.seq);
  assert.equal(restored.accounts().length, ACCOUNTS + 1); // and the fee account
  assert.deepEqual(verifyInvariants(restored), []);

  const again = await openCore(t, { dataDir });
  assert.deepEqual(await again.query.stateHash(), before);
  assert.deepEqual(await again.query.verify(), []);
  await again.close();
  const full = await replayDataDir(dataDir);
  assert.deepEqual({ seq: full.seq, hash: full.hash }, before);
});
