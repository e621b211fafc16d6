// Damage at the journal's tail is never silent at the core: a damaged last record and a tail lost
// after a clean stop refuse the start (even with the read models gone, which used to be the only
// witness), `repairDataDir` is the explicit way past them and never lets an order id be used twice,
// and read models ahead of an intact journal are rebuilt from it.

import assert from 'node:assert/strict';
import { cpSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { HIGH_WATER_FILE_NAME, readJournal, SnapshotStore } from '@bourse/journal';
import {
  CoreError,
  type ExchangeCore,
  dataDirLayout,
  openExchangeCore,
  repairDataDir,
  verifyDataDir,
} from '../src/index.ts';
import { limitOrder, marketSetup } from './fixtures/market-setup.ts';
import { openCore } from './fixtures/open-core.ts';
import { tempDataDir } from './fixtures/temp-dir.ts';

/** Places `count` resting orders; returns their ids. */
async function placeOrders(core: ExchangeCore, count: number): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < count; i++) {
    const applied = await core.submit(limitOrder(1 + (i % 2), 'buy', 3_000 + 100 * (i % 5), 1));
    ids.push(applied.seq);
    assert.equal(applied.events[0]?.type, 'orderAccepted');
  }
  return ids;
}

/**
 * Start offsets of the records of the (single) journal segment, and its path: format 3 frames, a
 * record's 16-byte header and payload, each batch followed by a seal (its length word's top bit set).
 */
function recordStarts(dataDir: string): { path: string; starts: number[] } {
  const dir = join(dataDir, 'journal');
  const [segment] = readdirSync(dir).filter((n) => n.endsWith('.seg'));
  assert.ok(segment !== undefined);
  const path = join(dir, segment);
  const bytes = readFileSync(path);
  const starts: number[] = [];
  for (let at = 56; at < bytes.length; ) {
    const word = bytes.readUInt32LE(at);
    if ((word & 0x8000_0000) === 0) starts.push(at);
    at += 16 + (word & 0x7fff_ffff);
  }
  assert.equal(starts.length, [...readJournal(dir)].length);
  return { path, starts };
}

function removeReadModels(dataDir: string): void {
  for (const name of readdirSync(dataDir)) {
    if (name.startsWith('read.db')) rmSync(join(dataDir, name));
  }
}

/** Opens the core expecting a refusal; a core that opens all the same is closed again. */
async function openRefused(dataDir: string): Promise<unknown> {
  try {
    const core = await openExchangeCore({ dataDir });
    await core.close();
  } catch (error) {
    return error;
  }
  assert.fail('the core opened');
}

const refusedAt = (seq: number, why: RegExp) => (error: unknown) => {
  assert.ok(error instanceof CoreError, String(error));
  assert.equal(error.code, 'JOURNAL_CORRUPT');
  assert.match(error.message, why);
  assert.match(error.message, new RegExp(`bourse journal repair .*--truncate-at ${seq}`));
  return true;
};

test('read.db deleted and the tail cut after a clean stop: refused, and no order id reused', async (t) => {
  const dataDir = tempDataDir(t);
  const first = await openCore(t, { dataDir });
  await first.submitBatch(marketSetup(2));
  const ids = await placeOrders(first, 6);
  await first.close();

  removeReadModels(dataDir);
  const { path, starts } = recordStarts(dataDir);
  truncateSync(path, starts.at(-2)!); // the last two acknowledged orders are gone
  const lostFrom = ids.at(-2)!;
  refusedAt(lostFrom, /high-water mark/)(await openRefused(dataDir));
  const report = verifyDataDir(dataDir);
  assert.equal(report.journal.ok, false);
  assert.equal(report.journal.error?.kind, 'lost-tail');

  const repaired = await repairDataDir(dataDir, lostFrom);
  assert.deepEqual(repaired.journal, {
    cutFromSeq: lostFrom,
    droppedRecords: 0,
    filledToSeq: ids.at(-1),
  });
  const second = await openCore(t, { dataDir });
  const [next] = await placeOrders(second, 1);
  assert.ok(next! > ids.at(-1)!, `order id ${next} reuses one of ${ids.join(', ')}`);
  assert.equal(await second.query.order(lostFrom), undefined, 'the lost order is not invented');
  assert.ok((await second.query.order(ids[0]!)) !== undefined);
});

test('a damaged last record refuses the start with its seq; repair cuts it', async (t) => {
  const dataDir = tempDataDir(t);
  const first = await openCore(t, { dataDir, snapshotEvery: 3 });
  await first.submitBatch(marketSetup(2));
  const ids = await placeOrders(first, 6);
  await first.readModels.waitFor(first.durableSeq);
  await first.close();

  const { path, starts } = recordStarts(dataDir);
  const bytes = readFileSync(path);
  bytes[starts.at(-1)! + 30]! ^= 0x04;
  writeFileSync(path, bytes);
  const damaged = ids.at(-1)!;
  refusedAt(damaged, /checksum/)(await openRefused(dataDir));
  assert.deepEqual(readFileSync(path), bytes, 'refusing changes nothing');

  const repaired = await repairDataDir(dataDir, damaged);
  assert.deepEqual(repaired.journal, {
    cutFromSeq: damaged,
    droppedRecords: 1,
    filledToSeq: damaged,
  });
  assert.ok(repaired.readModelsSetAside, 'read models holding the cut command are rebuilt');
  const snapshots = readdirSync(join(dataDir, 'snapshots'));
  assert.ok(
    snapshots.every((n) => Number(/\d+/.exec(n)?.[0]) < damaged),
    snapshots.join(),
  );
  const second = await openCore(t, { dataDir });
  assert.equal(await second.query.order(damaged), undefined);
  await second.readModels.waitFor(second.durableSeq);
  const orders = await second.readModels.orders({ accountId: 1 + ((ids.length - 1) % 2) });
  assert.ok(orders.items.length > 0);
  assert.ok(orders.items.every((o) => o.orderId !== damaged));
  const [next] = await placeOrders(second, 1);
  assert.ok(next! > damaged);
});

test('read models ahead of an intact journal are rebuilt from it', async (t) => {
  const dataDir = tempDataDir(t);
  const first = await openCore(t, { dataDir });
  await first.submitBatch(marketSetup(2));
  const kept = await placeOrders(first, 3);
  await first.close();
  const saved = join(tempDataDir(t), 'journal');
  cpSync(join(dataDir, 'journal'), saved, { recursive: true });

  const second = await openCore(t, { dataDir });
  const ahead = await placeOrders(second, 3);
  await second.readModels.waitFor(second.durableSeq);
  await second.close();
  // The journal as it was at its earlier clean stop, beside read models that hold more.
  rmSync(join(dataDir, 'journal'), { recursive: true });
  cpSync(saved, join(dataDir, 'journal'), { recursive: true });

  const third = await openCore(t, { dataDir });
  assert.equal(third.stats.readDbOnOpen, 'rebuilt');
  assert.equal(await third.readModels.lastAppliedSeq(), kept.at(-1));
  const orders = await third.readModels.orders({ accountId: 1 });
  assert.ok(orders.items.length > 0);
  assert.ok(orders.items.every((o) => !ahead.includes(o.orderId)));
});

test('a journal that ends before its newest snapshot is reported, even without its mark', async (t) => {
  const dataDir = tempDataDir(t);
  const first = await openCore(t, { dataDir, snapshotEvery: 4 });
  await first.submitBatch(marketSetup(2));
  const setupSeq = first.durableSeq;
  // Orders (each a batch of its own) until a snapshot is stored whose previous record is one of them:
  // snapshots are encoded on a thread of their own, one at a time, so one may still be on its way.
  const snapshots = new SnapshotStore(dataDirLayout(dataDir).snapshotsDir);
  await placeOrders(first, 8);
  for (let i = 0; (snapshots.latest()?.seq ?? 0) <= setupSeq + 1; i++) {
    assert.ok(i < 1_000, 'a snapshot past the setup is stored');
    await placeOrders(first, 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await first.close();
  const snapshotSeq = verifyDataDir(dataDir).snapshotSeq;
  assert.ok(snapshotSeq !== undefined && snapshotSeq > setupSeq + 1);

  rmSync(join(dataDir, 'journal', HIGH_WATER_FILE_NAME));
  const { path, starts } = recordStarts(dataDir);
  truncateSync(path, starts[snapshotSeq - 2]!); // records snapshotSeq - 1 and on are gone
  const report = verifyDataDir(dataDir).journal;
  assert.equal(report.ok, false);
  assert.equal(report.error?.kind, 'lost-tail');
  assert.equal(report.error?.seq, snapshotSeq - 1);
  assert.match(report.error?.message ?? '', new RegExp(`snapshot at seq ${snapshotSeq}`));
  const refused = await openRefused(dataDir);
  assert.ok(refused instanceof CoreError && refused.code === 'DATA_DIR_INCONSISTENT');

  const repaired = await repairDataDir(dataDir, snapshotSeq - 1);
  assert.equal(repaired.journal.filledToSeq, snapshotSeq, 'ids up to the snapshot stay used');
  const second = await openCore(t, { dataDir });
  const [next] = await placeOrders(second, 1);
  assert.ok(next! > snapshotSeq);
});
