// FileJournal on real files: append/commit/reopen/read back, group commit coalescing, segment
// rollover, ordering assertions, the directory lock, failure and graceful close.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { crc32 } from 'node:zlib';
import { sealBytes } from '../src/batch-seal.ts';
import {
  FileJournal,
  GENESIS_CHAIN,
  JournalLockedError,
  LOCK_FILE_NAME,
  MAX_PAYLOAD_BYTES,
  segmentFileName,
  verifyJournal,
} from '../src/index.ts';
import { payloadFor } from './seeded-random.ts';
import { tempDir } from './temp-dir.ts';

function seqsOf(journal: FileJournal, fromSeq?: number): number[] {
  return [...journal.read(fromSeq)].map((r) => r.seq);
}

function assertContent(journal: FileJournal, fromSeq: number, toSeq: number): void {
  const records = [...journal.read(fromSeq)];
  assert.equal(records.length, toSeq - fromSeq + 1);
  records.forEach((record, i) => {
    assert.equal(record.seq, fromSeq + i);
    assert.deepEqual(record.payload, payloadFor(record.seq));
  });
}

test('an empty directory opens as an empty journal', async (t) => {
  const dir = join(tempDir(t), 'nested', 'journal');
  const { journal, recovery } = await FileJournal.open(dir);
  assert.deepEqual(recovery, {
    lastSeq: 0,
    truncatedBytes: 0,
    segments: 0,
    highWaterSeq: 0,
    cleanStop: false,
  });
  assert.equal(journal.lastSeq, 0);
  assert.equal(journal.durableSeq, 0);
  assert.deepEqual(seqsOf(journal), []);
  assert.equal(await journal.commit(), 0);
  await journal.close();
});

test('committed records survive reopen and read back byte for byte', async (t) => {
  const dir = tempDir(t);
  const first = await FileJournal.open(dir);
  for (let seq = 1; seq <= 50; seq++) first.journal.append(seq, payloadFor(seq));
  assert.equal(first.journal.lastSeq, 50);
  assert.equal(first.journal.durableSeq, 0);
  assert.deepEqual(seqsOf(first.journal), [], 'read returns only durable records');
  assert.equal(await first.journal.commit(), 50);
  assert.equal(first.journal.durableSeq, 50);
  assertContent(first.journal, 1, 50);
  await first.journal.close();

  const second = await FileJournal.open(dir);
  assert.deepEqual(second.recovery, {
    lastSeq: 50,
    truncatedBytes: 0,
    segments: 1,
    highWaterSeq: 50,
    cleanStop: true,
  });
  assertContent(second.journal, 1, 50);
  assertContent(second.journal, 37, 50);
  second.journal.append(51, payloadFor(51));
  assert.equal(await second.journal.commit(), 51);
  await second.journal.close();

  const third = await FileJournal.open(dir);
  assertContent(third.journal, 1, 51);
  await third.journal.close();
});

test('append rejects a gap, a repeat and an oversized payload', async (t) => {
  const { journal } = await FileJournal.open(tempDir(t));
  assert.throws(() => journal.append(2, payloadFor(2)), /out of order/);
  journal.append(1, payloadFor(1));
  assert.throws(() => journal.append(1, payloadFor(1)), /out of order/);
  assert.throws(() => journal.append(2, new Uint8Array(16 * 1024 * 1024 + 1)), /exceeds/);
  journal.append(2, new Uint8Array(0));
  assert.equal(await journal.commit(), 2);
  assert.deepEqual(
    [...journal.read()].map((r) => r.payload.length),
    [payloadFor(1).length, 0],
  );
  await journal.close();
  assert.throws(() => journal.append(3, payloadFor(3)), /closed/);
});

test('concurrent commits share fsyncs (group commit)', async (t) => {
  const { journal } = await FileJournal.open(tempDir(t));
  const commits: Promise<number>[] = [];
  for (let seq = 1; seq <= 200; seq++) {
    journal.append(seq, payloadFor(seq));
    commits.push(journal.commit());
  }
  const durable = await Promise.all(commits);
  for (const [i, value] of durable.entries()) {
    assert.ok(value >= i + 1, `commit ${i + 1} resolved at ${value}`);
  }
  assert.equal(journal.durableSeq, 200);
  assert.ok(journal.syncCount < commits.length, `${journal.syncCount} syncs for 200 commits`);
  assert.ok(journal.syncCount <= 2, `one batch expected, got ${journal.syncCount} syncs`);
  await journal.close();
});

test('producers that each await their own commit coalesce into few fsyncs', async (t) => {
  const { journal } = await FileJournal.open(tempDir(t));
  let commits = 0;
  const producer = async (rounds: number) => {
    for (let i = 0; i < rounds; i++) {
      const seq = journal.lastSeq + 1;
      journal.append(seq, payloadFor(seq));
      commits++;
      const durable = await journal.commit();
      assert.ok(durable >= seq, 'never resolves before the record is durable');
      assert.ok(journal.durableSeq >= seq);
    }
  };
  await Promise.all(Array.from({ length: 8 }, () => producer(40)));
  assert.equal(journal.durableSeq, 320);
  assert.ok(journal.syncCount < commits, `${journal.syncCount} syncs for ${commits} commits`);
  assertContent(journal, 1, 320);
  await journal.close();
});

test('a commit with nothing new waits for the sync in flight, not a new one', async (t) => {
  const { journal } = await FileJournal.open(tempDir(t));
  journal.append(1, payloadFor(1));
  await journal.commit(); // creates the segment: a file and a directory sync
  const before = journal.syncCount;
  journal.append(2, payloadFor(2));
  const first = journal.commit();
  await new Promise((resolve) => setImmediate(resolve)); // let the sync get under way
  const second = journal.commit();
  assert.deepEqual(await Promise.all([first, second]), [2, 2]);
  assert.equal(journal.syncCount - before, 1);
  await journal.close();
});

test('segments roll over past segmentBytes and are named by their first seq', async (t) => {
  const dir = tempDir(t);
  // 56-byte header + 3 records of 16 + 82 bytes = 350; a fourth would pass 400. A segment rolls
  // between batches only, so it may pass 400 by the seal that ends it; with a seal per commit,
  // segments of single-record commits hold fewer records.
  const payload = (seq: number) => payloadFor(seq, 82);
  const first = await FileJournal.open(dir, { segmentBytes: 400 });
  for (let seq = 1; seq <= 7; seq++) first.journal.append(seq, payload(seq));
  await first.journal.commit();
  for (let seq = 8; seq <= 10; seq++) {
    first.journal.append(seq, payload(seq));
    await first.journal.commit();
  }
  await first.journal.close();
  const names = readdirSync(dir)
    .filter((name) => name.endsWith('.seg'))
    .sort();
  assert.deepEqual(names, [1, 4, 7, 9].map(segmentFileName));
  for (const name of names) assert.ok(statSync(join(dir, name)).size <= 400 + sealBytes(3));

  const second = await FileJournal.open(dir, { segmentBytes: 400 });
  assert.deepEqual(second.recovery, {
    lastSeq: 10,
    truncatedBytes: 0,
    segments: 4,
    highWaterSeq: 10,
    cleanStop: true,
  });
  assert.deepEqual(seqsOf(second.journal, 5), [5, 6, 7, 8, 9, 10]);
  second.journal.append(11, payload(11));
  second.journal.append(12, new Uint8Array(500)); // larger than a segment: alone in its own
  second.journal.append(13, payload(13));
  await second.journal.commit();
  const segments = readdirSync(dir).filter((name) => name.endsWith('.seg'));
  assert.deepEqual(segments.sort(), [1, 4, 7, 9, 11, 12, 13].map(segmentFileName));
  assert.deepEqual(
    seqsOf(second.journal),
    Array.from({ length: 13 }, (_, i) => i + 1),
  );
  await second.journal.close();
});

/**
 * A batch's chain computed apart from the writer: SHA-256 of its record frames (u32 length | u32
 * crc32(seq | payload) | u64 seq | payload) then its seal with the CRC field 0 and the previous chain
 * in the chain field (u32 flag | length, u32 0, u64 lastSeq, u32 count, the records' CRCs, chain).
 */
function expectedChain(seqs: number[], prev: Uint8Array, payload: (seq: number) => Uint8Array) {
  const hash = createHash('sha256');
  const crcs: number[] = [];
  for (const seq of seqs) {
    const body = Buffer.alloc(8 + payload(seq).length);
    body.writeBigUInt64LE(BigInt(seq));
    body.set(payload(seq), 8);
    const head = Buffer.alloc(8);
    head.writeUInt32LE(payload(seq).length);
    head.writeUInt32LE(crc32(body), 4);
    crcs.push(crc32(body));
    hash.update(head).update(body);
  }
  const seal = Buffer.alloc(sealBytes(seqs.length));
  seal.writeUInt32LE((0x8000_0000 | (seal.length - 16)) >>> 0);
  seal.writeBigUInt64LE(BigInt(seqs.at(-1)!), 8);
  seal.writeUInt32LE(seqs.length, 16);
  for (const [i, crc] of crcs.entries()) seal.writeUInt32LE(crc, 20 + 4 * i);
  seal.set(prev, seal.length - 32);
  return hash.update(seal).digest();
}

test('each batch ends with a seal holding SHA-256 of its records after the previous seal, across commits, rolls and reopens', async (t) => {
  const dir = tempDir(t);
  // Every byte value, so the hashes pass through the writer with NULs and high bytes in place.
  const payload = (seq: number) => Uint8Array.from({ length: 256 }, (_, i) => (i + seq) & 0xff);
  // 56-byte header + 4 records of 272 bytes fit in 1200: the commit of 1..7 is sealed as 1..4 (then
  // the roll) and 5..7; the reopened journal's commit of 8..12 as 8..11 and 12.
  const batches = [[1, 2, 3, 4], [5, 6, 7], [8, 9, 10, 11], [12]];
  const expected: { seq: number; chain: Buffer }[] = [];
  let prev: Buffer = GENESIS_CHAIN;
  for (const seqs of batches) {
    prev = expectedChain(seqs, prev, payload);
    for (const _ of seqs) expected.push({ seq: seqs.at(-1)!, chain: prev });
  }
  const first = await FileJournal.open(dir, { segmentBytes: 1200 });
  for (let seq = 1; seq <= 7; seq++) first.journal.append(seq, payload(seq));
  await first.journal.commit();
  for (let seq = 1; seq <= 7; seq++) {
    assert.deepEqual(first.journal.sealAt(seq), expected[seq - 1]);
    assert.deepEqual(first.journal.chainAt(seq), expected[seq - 1]!.chain);
  }
  assert.deepEqual(first.journal.chainHead, expected[6]);
  await first.journal.close();
  const second = await FileJournal.open(dir, { segmentBytes: 1200 });
  for (let seq = 8; seq <= 12; seq++) second.journal.append(seq, payload(seq));
  await second.journal.commit();
  // 8..12 from the ring of recent seals, 1..7 read back from disk.
  for (let seq = 1; seq <= 12; seq++) {
    assert.deepEqual(second.journal.sealAt(seq), expected[seq - 1], `seq ${seq}`);
  }
  assert.equal(readdirSync(dir).filter((name) => name.endsWith('.seg')).length, 4);
  await second.journal.close();
});

test('close commits what was appended but not yet committed', async (t) => {
  const dir = tempDir(t);
  const first = await FileJournal.open(dir);
  first.journal.append(1, payloadFor(1));
  first.journal.append(2, payloadFor(2));
  await first.journal.close();
  const second = await FileJournal.open(dir);
  assert.equal(second.recovery.lastSeq, 2);
  assertContent(second.journal, 1, 2);
  await second.journal.close();
});

test('an invalid segment size is refused', async (t) => {
  await assert.rejects(FileJournal.open(tempDir(t), { segmentBytes: 10 }), RangeError);
});

test('a second writer on the same directory is refused until the first closes', async (t) => {
  const dir = tempDir(t);
  const first = await FileJournal.open(dir);
  await assert.rejects(FileJournal.open(dir), JournalLockedError);
  await first.journal.close();
  const second = await FileJournal.open(dir);
  await second.journal.close();
});

test('a lock left by a process that is gone is taken over', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, LOCK_FILE_NAME), '2147483646\n'); // above any pid_max: never alive
  const { journal } = await FileJournal.open(dir);
  await journal.close();
  writeFileSync(join(dir, LOCK_FILE_NAME), `${process.pid}\n`); // a previous life with our pid
  const again = await FileJournal.open(dir);
  await Promise.all([again.journal.close(), again.journal.close()]);
  writeFileSync(join(dir, LOCK_FILE_NAME), ''); // a writer that died while creating the lock
  const third = await FileJournal.open(dir);
  await third.journal.close();
});

test('after a failed write the journal refuses further work', async (t) => {
  const dir = tempDir(t);
  const { journal } = await FileJournal.open(dir);
  // Something else created the segment file the first commit must create exclusively.
  writeFileSync(join(dir, segmentFileName(1)), 'in the way');
  journal.append(1, payloadFor(1));
  await assert.rejects(journal.commit(), { code: 'EEXIST' });
  assert.equal(journal.durableSeq, 0);
  await assert.rejects(journal.commit(), { code: 'EEXIST' });
  assert.throws(() => journal.append(2, payloadFor(2)), { code: 'EEXIST' });
  await journal.close();
  // Nothing was acknowledged; the short file in the way reads as the torn header of a new segment.
  const reopened = await FileJournal.open(dir);
  assert.equal(reopened.recovery.lastSeq, 0);
  await reopened.journal.close();
});

test('segments a snapshot covers can be removed; reads start at the oldest kept', async (t) => {
  const dir = tempDir(t);
  const payload = (seq: number) => payloadFor(seq, 82); // three records per 400-byte segment
  const first = await FileJournal.open(dir, { segmentBytes: 400 });
  for (let seq = 1; seq <= 10; seq++) first.journal.append(seq, payload(seq));
  assert.equal(await first.journal.removeSegmentsBefore(100), 0, 'nothing durable yet');
  await first.journal.commit();
  assert.equal(await first.journal.removeSegmentsBefore(6), 1, 'only [1..3] lies wholly below 6');
  assert.equal(await first.journal.removeSegmentsBefore(100), 2, 'the last segment always stays');
  assert.deepEqual(seqsOf(first.journal), [10]);
  assert.throws(() => [...first.journal.read(9)], /removed/);
  await first.journal.close();

  const second = await FileJournal.open(dir, { segmentBytes: 400 });
  assert.deepEqual(second.recovery, {
    lastSeq: 10,
    truncatedBytes: 0,
    segments: 1,
    highWaterSeq: 10,
    cleanStop: true,
  });
  second.journal.append(11, payload(11));
  await second.journal.commit();
  assert.deepEqual(seqsOf(second.journal), [10, 11]);
  await second.journal.close();
  assert.deepEqual(verifyJournal(dir), {
    ok: true,
    records: 2,
    firstSeq: 10,
    lastSeq: 11,
    segments: 1,
    tornTailBytes: 0,
    highWaterSeq: 11,
    cleanStop: true,
  });
});

test('records larger than the read buffer, up to the payload cap, read back intact', async (t) => {
  const dir = tempDir(t);
  const sizes = [100, 5 * 1024 * 1024 + 3, 10, MAX_PAYLOAD_BYTES, 7];
  const content = (seq: number, size: number) => {
    const bytes = new Uint8Array(size);
    for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seq * 7 + (i >>> 12)) & 0xff;
    return bytes;
  };
  const { journal } = await FileJournal.open(dir);
  sizes.forEach((size, i) => {
    journal.append(i + 1, content(i + 1, size));
  });
  await journal.close();
  const reopened = await FileJournal.open(dir);
  assert.equal(reopened.recovery.lastSeq, sizes.length);
  const records = [...reopened.journal.read()];
  assert.deepEqual(
    records.map((r) => r.payload.length),
    sizes,
  );
  for (const r of records) assert.deepEqual(r.payload, content(r.seq, r.payload.length));
  await reopened.journal.close();
});
