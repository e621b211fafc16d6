// Restarts: the state rebuilt from the journal (with or without a snapshot) has the same hash as the
// state before, and as a fresh replay of the whole journal; read models that lag are caught up.

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  CoreError,
  type ExchangeCore,
  openExchangeCore,
  replayDataDir,
  snapshotDataDir,
  verifyDataDir,
} from '../src/index.ts';
import { SnapshotStore } from '@bourse/journal';
import { marketSetup, prng, randomCommand } from './fixtures/market-setup.ts';
import { openCore } from './fixtures/open-core.ts';
import { tempDataDir } from './fixtures/temp-dir.ts';

const ACCOUNTS = 8;

/** Submits `count` seeded random orders and cancels in concurrent waves. */
async function trade(core: ExchangeCore, seed: number, count: number): Promise<void> {
  const random = prng(seed);
  for (let done = 0; done < count; done += 250) {
    const wave = Array.from({ length: Math.min(250, count - done) }, () =>
      randomCommand(random, ACCOUNTS, core.durableSeq),
    );
    await Promise.all(wave.map((c) => core.submit(c)));
  }
}

test('a restart replays the journal into the same state hash', async (t) => {
  const dataDir = tempDataDir(t);
  const first = await openCore(t, { dataDir });
  await first.submitBatch(marketSetup(ACCOUNTS));
  await trade(first, 1, 1_500);
  const before = await first.query.stateHash();
  await first.close();

  const second = await openCore(t, { dataDir });
  const after = await second.query.stateHash();
  assert.deepEqual(after, before);
  assert.equal(second.durableSeq, before.seq);
  assert.deepEqual(await second.query.verify(), []);
  // New commands continue the sequence.
  const tick = await second.submit({ type: 'tick' });
  assert.equal(tick.seq, before.seq + 1);
  const afterTick = await second.query.stateHash();
  await second.close();

  const replayed = await replayDataDir(dataDir);
  assert.deepEqual({ seq: replayed.seq, hash: replayed.hash }, afterTick);
  assert.deepEqual(replayed.violations, []);
});

test('snapshot + journal tail rebuilds the same state as a full replay', async (t) => {
  const dataDir = tempDataDir(t);
  const first = await openCore(t, { dataDir, snapshotEvery: 400 });
  await first.submitBatch(marketSetup(ACCOUNTS));
  await trade(first, 2, 1_800);
  // Snapshots come every 400 commands, so at most one of these two acks asks for one and the second
  // is applied after it: the journal has a tail beyond the newest snapshot.
  await first.submit({ type: 'tick' });
  await first.submit({ type: 'tick' });
  let before = await first.query.stateHash();
  await first.close();
  assert.ok(first.stats.snapshotsWritten >= 1, 'at least one periodic snapshot');
  // The second tick's ack may itself have asked for the snapshot (a snapshot follows the acks that
  // reach 400 commands since the last one, wherever that falls): then one more tick, on a core that
  // counts from zero again, makes the tail.
  if (verifyDataDir(dataDir).snapshotSeq === before.seq) {
    const again = await openCore(t, { dataDir, snapshotEvery: 400 });
    await again.submit({ type: 'tick' });
    before = await again.query.stateHash();
    await again.close();
  }
  const snapshotSeq = verifyDataDir(dataDir).snapshotSeq;
  assert.ok(snapshotSeq !== undefined && snapshotSeq < before.seq);

  const full = await replayDataDir(dataDir);
  assert.equal(full.hash, before.hash);

  let progressCalls = 0;
  const second = await openCore(t, {
    dataDir,
    onRecoveryProgress: () => progressCalls++,
  });
  assert.deepEqual(await second.query.stateHash(), before);
  assert.ok(progressCalls >= 1, 'the journal tail after the snapshot was replayed');
  await second.close();

  const made = await snapshotDataDir(dataDir);
  assert.deepEqual({ seq: made.seq, hash: made.hash }, before);
  assert.equal(verifyDataDir(dataDir).snapshotSeq, before.seq);
  const third = await openCore(t, { dataDir });
  assert.deepEqual(await third.query.stateHash(), before);
  await third.close();
});

test('read models rebuilt from the journal when they are lost', async (t) => {
  const dataDir = tempDataDir(t);
  const first = await openCore(t, { dataDir, snapshotEvery: 300 });
  await first.submitBatch(marketSetup(ACCOUNTS));
  await trade(first, 3, 900);
  const lastSeq = first.durableSeq;
  await first.readModels.waitFor(lastSeq);
  const fills = await first.readModels.fills({ accountId: 1, limit: 1_000 });
  const orders = await first.readModels.orders({ accountId: 2, limit: 1_000 });
  await first.close();

  for (const name of readdirSync(dataDir)) {
    if (name.startsWith('read.db')) rmSync(join(dataDir, name));
  }
  const second = await openCore(t, { dataDir });
  t.after(() => second.close());
  assert.equal(await second.readModels.lastAppliedSeq(), lastSeq);
  assert.deepEqual(await second.readModels.fills({ accountId: 1, limit: 1_000 }), fills);
  assert.deepEqual(await second.readModels.orders({ accountId: 2, limit: 1_000 }), orders);
  assert.equal(second.metrics.projectionLagCommands, 0);
});

test('read models: a clean stop is trusted, a crash is checked, a damaged file is rebuilt', async (t) => {
  const dataDir = tempDataDir(t);
  const readDb = join(dataDir, 'read.db');
  const first = await openCore(t, { dataDir });
  assert.equal(first.stats.readDbOnOpen, 'fresh');
  // On Linux the read-model thread runs under SCHED_IDLE (thread-priority.ts).
  if (process.platform === 'linux') assert.equal(first.stats.readModelThread, 'idle');
  await first.submitBatch(marketSetup(ACCOUNTS));
  await trade(first, 5, 600);
  const lastSeq = first.durableSeq;
  await first.readModels.waitFor(lastSeq);
  const fills = await first.readModels.fills({ accountId: 3, limit: 1_000 });
  await first.close();
  assert.ok(existsSync(`${readDb}.clean`), 'a clean stop leaves its marker');

  const second = await openCore(t, { dataDir });
  assert.equal(second.stats.readDbOnOpen, 'clean');
  assert.ok(!existsSync(`${readDb}.clean`), 'the marker is gone while the core runs');
  await second.close();

  // A crash: no marker. The file passes the check and is kept.
  rmSync(`${readDb}.clean`);
  const third = await openCore(t, { dataDir });
  assert.equal(third.stats.readDbOnOpen, 'checked');
  assert.deepEqual(await third.readModels.fills({ accountId: 3, limit: 1_000 }), fills);
  await third.close();

  // A power cut that damaged pages: the check fails, the file is set aside and re-projected.
  rmSync(`${readDb}.clean`);
  const bytes = readFileSync(readDb);
  const pageSize = bytes.readUInt16BE(16) || 65_536;
  for (let page = 1; page * pageSize < bytes.length; page += 2) {
    bytes.fill(0xa5, page * pageSize, page * pageSize + 64);
  }
  writeFileSync(readDb, bytes);
  const fourth = await openCore(t, { dataDir });
  assert.equal(fourth.stats.readDbOnOpen, 'rebuilt');
  assert.ok(readdirSync(dataDir).some((n) => n.startsWith('read.db.damaged-')));
  assert.equal(await fourth.readModels.lastAppliedSeq(), lastSeq);
  assert.deepEqual(await fourth.readModels.fills({ accountId: 3, limit: 1_000 }), fills);
});

test('engine settings are fixed by the data directory', async (t) => {
  const dataDir = tempDataDir(t);
  const first = await openCore(t, { dataDir, engineConfig: { maxOpenOrdersPerAccount: 50 } });
  await first.close();
  await assert.rejects(
    openExchangeCore({ dataDir, engineConfig: { maxOpenOrdersPerAccount: 60 } }),
    (e: unknown) => e instanceof CoreError && e.code === 'DATA_DIR_INCONSISTENT',
  );
  const again = await openCore(t, { dataDir });
  await again.close();
});

test('a snapshot the engine cannot restore is passed over for a full replay', async (t) => {
  const dataDir = tempDataDir(t);
  const first = await openCore(t, { dataDir });
  await first.submitBatch(marketSetup(ACCOUNTS));
  await trade(first, 4, 300);
  const before = await first.query.stateHash();
  await first.readModels.waitFor(before.seq);
  await first.close();
  await new SnapshotStore(join(dataDir, 'snapshots')).save(
    before.seq - 10,
    new Uint8Array([1, 2, 3]),
  );

  const second = await openCore(t, { dataDir });
  assert.deepEqual(await second.query.stateHash(), before);
});

test('a data directory held by a running core is refused', async (t) => {
  const dataDir = tempDataDir(t);
  const first = await openCore(t, { dataDir });
  await assert.rejects(
    openExchangeCore({ dataDir }),
    (e: unknown) => e instanceof CoreError && e.code === 'DATA_DIR_LOCKED',
  );
  await first.submit({ type: 'tick' });
  await first.close();
  const second = await openCore(t, { dataDir });
  assert.equal(second.durableSeq, 1);
});

test('the exchange halt is engine state: it holds across a restart', async (t) => {
  const dataDir = tempDataDir(t);
  const first = await openCore(t, { dataDir });
  assert.deepEqual(await first.query.exchangeStatus(), { seq: 0, halted: false });
  const halt = await first.submit({ type: 'setHalt', halted: true });
  assert.deepEqual(await first.query.exchangeStatus(), { seq: halt.seq, halted: true });
  await first.close();
  const second = await openCore(t, { dataDir });
  assert.deepEqual(await second.query.exchangeStatus(), { seq: halt.seq, halted: true });
  const resume = await second.submit({ type: 'setHalt', halted: false });
  assert.deepEqual(await second.query.exchangeStatus(), { seq: resume.seq, halted: false });
});
