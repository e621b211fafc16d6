// SnapshotStore on real files: atomic save, newest valid snapshot wins, damaged ones are skipped,
// and only the newest `keep` survive.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { SnapshotStore, snapshotFileName } from '../src/index.ts';
import { seededRandom } from './seeded-random.ts';
import { tempDir } from './temp-dir.ts';

const stateAt = (seq: number) => seededRandom(seq).bytes(1000 + seq);

test('an empty or missing directory has no snapshot', (t) => {
  assert.equal(new SnapshotStore(join(tempDir(t), 'absent')).latest(), undefined);
  assert.equal(new SnapshotStore(tempDir(t)).latest(), undefined);
});

test('latest returns the newest saved snapshot with its bytes', async (t) => {
  const dir = join(tempDir(t), 'snapshots');
  const store = new SnapshotStore(dir);
  await store.save(100, stateAt(100));
  await store.save(250, stateAt(250));
  const latest = store.latest();
  assert.equal(latest?.seq, 250);
  assert.deepEqual(new Uint8Array(latest!.bytes), stateAt(250));
  assert.equal(new SnapshotStore(dir).latest()?.seq, 250, 'a fresh store sees the same');
  await store.save(300, new Uint8Array(0));
  assert.deepEqual(store.latest(), { seq: 300, bytes: new Uint8Array(0), chain: undefined });
  const chain = Buffer.alloc(32, 7);
  await store.save(301, stateAt(301), chain);
  assert.deepEqual(store.latest()?.chain, chain, 'the journal chain hash at its seq is kept');
  assert.deepEqual(new Uint8Array(store.latest()!.bytes), stateAt(301));
});

test('a corrupted newest snapshot falls back to the older one', async (t) => {
  const dir = tempDir(t);
  const store = new SnapshotStore(dir);
  await store.save(10, stateAt(10));
  await store.save(20, stateAt(20));
  await store.save(30, stateAt(30));
  const newest = join(dir, snapshotFileName(30));
  const bytes = readFileSync(newest);
  bytes[bytes.length - 7]! ^= 0x40;
  writeFileSync(newest, bytes);
  assert.equal(store.latest()?.seq, 20);
  truncateSync(join(dir, snapshotFileName(20)), 40);
  assert.equal(store.latest()?.seq, 10);
  assert.deepEqual(new Uint8Array(store.latest()!.bytes), stateAt(10));
  writeFileSync(join(dir, snapshotFileName(10)), 'not a snapshot');
  assert.equal(store.latest(), undefined);
});

test('a snapshot renamed to another seq is not trusted', async (t) => {
  const dir = tempDir(t);
  const store = new SnapshotStore(dir);
  await store.save(5, stateAt(5));
  writeFileSync(join(dir, snapshotFileName(9)), readFileSync(join(dir, snapshotFileName(5))));
  assert.equal(store.latest()?.seq, 5);
});

test('save keeps the newest N snapshots and removes leftovers of crashed saves', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, `${snapshotFileName(1)}.tmp`), 'half written');
  const store = new SnapshotStore(dir, { keep: 2 });
  await store.save(10, stateAt(10));
  assert.deepEqual(readdirSync(dir), [snapshotFileName(10)], 'debris goes at the first save');
  for (const seq of [20, 30, 40]) await store.save(seq, stateAt(seq));
  assert.deepEqual(readdirSync(dir).sort(), [snapshotFileName(30), snapshotFileName(40)]);
  assert.equal(new SnapshotStore(dir).keep, 3);
  assert.throws(() => new SnapshotStore(dir, { keep: 0 }), RangeError);
  await assert.rejects(store.save(-1, new Uint8Array(1)), RangeError);
});
