// The tail of the journal is where damage used to pass for a torn write. A torn write (an incomplete
// final record, or a zeroed end a power cut left) is cut; a complete record whose checksum fails is
// refused with its position; records below the journal's own high-water mark that are gone (a tail
// cut after a clean stop, a lost last segment) are refused too; only `repairJournal`, an explicit
// operator step, cuts such damage, and it fills the seqs it drops so none is ever used twice.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import {
  FileJournal,
  HIGH_WATER_FILE_NAME,
  JournalCorruptError,
  readJournal,
  repairJournal,
  segmentFileName,
  verifyAudit,
  verifyJournal,
} from '../src/index.ts';
import { RECORD_HEADER_BYTES, SEGMENT_HEADER_BYTES } from '../src/journal-format.ts';
import { sealBytes } from '../src/batch-seal.ts';
import { payloadFor } from './seeded-random.ts';
import { tempDir } from './temp-dir.ts';

const HEADER = SEGMENT_HEADER_BYTES;
const FRAME = RECORD_HEADER_BYTES;
const PAYLOAD = 40;
const RECORD = FRAME + PAYLOAD;
/** Each record committed alone: its frame, then its batch's seal. */
const STEP = RECORD + sealBytes(1);

/** `count` records of PAYLOAD bytes, each committed alone, closed cleanly. */
async function cleanJournal(t: TestContext, count: number, segmentBytes = 1 << 20) {
  const dir = tempDir(t);
  const { journal } = await FileJournal.open(dir, { segmentBytes });
  for (let seq = 1; seq <= count; seq++) {
    journal.append(seq, payloadFor(seq, PAYLOAD));
    await journal.commit();
  }
  await journal.close();
  return dir;
}

/**
 * `durable` records committed, then `unsynced` more written by a process that died before its
 * clean stop: the high-water mark is what it was before those last records.
 */
async function crashedJournal(t: TestContext, durable: number, unsynced: number) {
  const dir = tempDir(t);
  const { journal } = await FileJournal.open(dir);
  for (let seq = 1; seq <= durable; seq++) {
    journal.append(seq, payloadFor(seq, PAYLOAD));
    await journal.commit();
  }
  const mark = readFileSync(join(dir, HIGH_WATER_FILE_NAME));
  for (let seq = durable + 1; seq <= durable + unsynced; seq++) {
    journal.append(seq, payloadFor(seq, PAYLOAD));
  }
  await journal.commit();
  await journal.close();
  writeFileSync(join(dir, HIGH_WATER_FILE_NAME), mark);
  return dir;
}

function flip(path: string, at: number): Buffer {
  const bytes = readFileSync(path);
  bytes[at]! ^= 0x20;
  writeFileSync(path, bytes);
  return bytes;
}

const refusal = (offset: number, why: RegExp) => (error: unknown) => {
  assert.ok(error instanceof JournalCorruptError, String(error));
  assert.equal(error.offset, offset);
  assert.match(error.message, why);
  return true;
};

test('a complete final record whose checksum fails is refused with its position', async (t) => {
  for (const markKept of [true, false]) {
    const dir = await cleanJournal(t, 10);
    // Without the mark (a directory written before it existed) the record is still complete.
    if (!markKept) rmSync(join(dir, HIGH_WATER_FILE_NAME));
    const path = join(dir, segmentFileName(1));
    const last = HEADER + 9 * STEP;
    const bytes = flip(path, last + FRAME + 7);
    const why = /seq 10.*checksum/;
    await assert.rejects(FileJournal.open(dir), refusal(last, why), `mark kept: ${markKept}`);
    const report = verifyJournal(dir);
    assert.equal(report.ok, false);
    assert.equal(report.error?.offset, last);
    assert.equal(report.error?.seq, 10);
    assert.equal(report.error?.kind, 'damaged-record');
    assert.deepEqual(readFileSync(path), bytes, 'nothing was cut');
  }
});

test('an incomplete final record written after the last durable mark is a torn write', async (t) => {
  const dir = await crashedJournal(t, 9, 1);
  const path = join(dir, segmentFileName(1));
  truncateSync(path, HEADER + 9 * STEP + 20);
  assert.equal(verifyJournal(dir).ok, true);
  const { journal, recovery } = await FileJournal.open(dir);
  assert.equal(recovery.lastSeq, 9);
  assert.equal(recovery.truncatedBytes, 20);
  await journal.close();
});

test('a zeroed end of the final record (a half-flushed page) is a torn write', async (t) => {
  const dir = await crashedJournal(t, 9, 1);
  const path = join(dir, segmentFileName(1));
  const bytes = readFileSync(path);
  bytes.fill(0, HEADER + 9 * STEP + FRAME + 10);
  writeFileSync(path, bytes);
  const { journal, recovery } = await FileJournal.open(dir);
  assert.equal(recovery.lastSeq, 9);
  await journal.close();
});

test('a tail cut after a clean stop is refused: the journal knows its high-water mark', async (t) => {
  const dir = await cleanJournal(t, 10);
  const path = join(dir, segmentFileName(1));
  truncateSync(path, HEADER + 7 * STEP); // whole records 8..10 gone, no torn bytes left
  await assert.rejects(FileJournal.open(dir), refusal(HEADER + 7 * STEP, /seq 7.*seq 10/));
  const report = verifyJournal(dir);
  assert.equal(report.ok, false);
  assert.equal(report.highWaterSeq, 10);
  assert.equal(report.error?.kind, 'lost-tail');
  assert.equal(report.error?.seq, 8);
  assert.throws(() => [...readJournal(dir)], JournalCorruptError);
});

test('a lost last segment is refused', async (t) => {
  const dir = await cleanJournal(t, 25, 300);
  const segments = readdirSync(dir).filter((n) => n.endsWith('.seg'));
  assert.ok(segments.length > 2);
  rmSync(join(dir, segments.at(-1)!));
  await assert.rejects(FileJournal.open(dir), /high-water mark/);
  assert.equal(verifyJournal(dir).error?.kind, 'lost-tail');
});

test('a crash keeps a durable mark: records below it that vanish are refused', async (t) => {
  const dir = tempDir(t);
  const { journal } = await FileJournal.open(dir, { highWaterEveryMs: 0 });
  for (let seq = 1; seq <= 10; seq++) journal.append(seq, payloadFor(seq, PAYLOAD));
  await journal.commit();
  await journal.markHighWater();
  const mark = readFileSync(join(dir, HIGH_WATER_FILE_NAME));
  await journal.close();
  writeFileSync(join(dir, HIGH_WATER_FILE_NAME), mark); // as if killed before the clean stop
  truncateSync(join(dir, segmentFileName(1)), HEADER + 9 * RECORD + 3);
  await assert.rejects(FileJournal.open(dir), /high-water mark/);
});

test('repair cuts at the named seq and fills up to the high-water mark', async (t) => {
  const dir = await cleanJournal(t, 10);
  const path = join(dir, segmentFileName(1));
  flip(path, HEADER + 7 * STEP + FRAME + 3); // seq 8 damaged; 9 and 10 intact after it
  await assert.rejects(FileJournal.open(dir), refusal(HEADER + 7 * STEP, /seq 8/));
  const filler = (seq: number) => new TextEncoder().encode(`placeholder ${seq}`);
  const result = await repairJournal(dir, { truncateAtSeq: 8, filler });
  assert.deepEqual(result, { cutFromSeq: 8, droppedRecords: 3, filledToSeq: 10 });
  const { journal, recovery } = await FileJournal.open(dir);
  assert.equal(recovery.lastSeq, 10);
  const records = [...journal.read()];
  for (const r of records.slice(0, 7)) assert.deepEqual(r.payload, payloadFor(r.seq, PAYLOAD));
  assert.deepEqual(
    records.slice(7).map((r) => new TextDecoder().decode(r.payload)),
    ['placeholder 8', 'placeholder 9', 'placeholder 10'],
  );
  journal.append(11, payloadFor(11, PAYLOAD));
  assert.equal(await journal.commit(), 11);
  await journal.close();
  assert.equal(verifyJournal(dir).ok, true);
});

test('repair refuses a seq past the journal end and keeps a lost tail filled', async (t) => {
  const dir = await cleanJournal(t, 10);
  truncateSync(join(dir, segmentFileName(1)), HEADER + 6 * STEP);
  const filler = (seq: number) => new TextEncoder().encode(`placeholder ${seq}`);
  await assert.rejects(repairJournal(dir, { truncateAtSeq: 9, filler }), /seq 7/);
  const result = await repairJournal(dir, { truncateAtSeq: 7, filler });
  assert.deepEqual(result, { cutFromSeq: 7, droppedRecords: 0, filledToSeq: 10 });
  const report = verifyJournal(dir);
  assert.equal(report.ok, true);
  assert.equal(report.lastSeq, 10);
  assert.ok(statSync(join(dir, segmentFileName(1))).size > HEADER + 6 * STEP);
});

test('repair inside a batch seals the records it keeps before the cut', async (t) => {
  const dir = tempDir(t);
  const { journal } = await FileJournal.open(dir);
  for (let seq = 1; seq <= 10; seq++) journal.append(seq, payloadFor(seq, PAYLOAD));
  await journal.close(); // one batch: records 1..10, then their seal
  flip(join(dir, segmentFileName(1)), HEADER + 7 * RECORD + FRAME + 3);
  await assert.rejects(FileJournal.open(dir), refusal(HEADER + 7 * RECORD, /seq 8/));
  const filler = (seq: number) => new TextEncoder().encode(`placeholder ${seq}`);
  const result = await repairJournal(dir, { truncateAtSeq: 8, filler });
  assert.deepEqual(result, {
    cutFromSeq: 8,
    droppedRecords: 3,
    filledToSeq: 10,
    resealedFromSeq: 1,
  });
  const records = [...readJournal(dir)];
  assert.equal(records.length, 10);
  for (const r of records.slice(0, 7)) assert.deepEqual(r.payload, payloadFor(r.seq, PAYLOAD));
  assert.equal(verifyJournal(dir).ok, true);
  const audit = verifyAudit({ journalDir: dir });
  assert.equal(audit.ok, true, audit.problem?.message);
  assert.equal(audit.records, 10);
});

test('a batch whose seal was torn is a torn tail: its records were never acknowledged', async (t) => {
  for (const keep of [1, sealBytes(3) - 1]) {
    const dir = tempDir(t);
    const { journal } = await FileJournal.open(dir);
    for (let seq = 1; seq <= 4; seq++) journal.append(seq, payloadFor(seq, PAYLOAD));
    await journal.commit();
    const mark = readFileSync(join(dir, HIGH_WATER_FILE_NAME));
    for (let seq = 5; seq <= 7; seq++) journal.append(seq, payloadFor(seq, PAYLOAD));
    await journal.commit();
    await journal.close();
    writeFileSync(join(dir, HIGH_WATER_FILE_NAME), mark); // the power went before the clean stop
    // Records 5..7 are whole; of their seal only `keep` bytes reached the disk.
    const sealAt = HEADER + 4 * RECORD + sealBytes(4) + 3 * RECORD;
    truncateSync(join(dir, segmentFileName(1)), sealAt + keep);
    assert.equal(verifyJournal(dir).lastSeq, 4);
    const reopened = await FileJournal.open(dir);
    assert.equal(reopened.recovery.lastSeq, 4, `seal cut after ${keep} bytes`);
    assert.equal(reopened.recovery.truncatedBytes, 3 * RECORD + keep);
    reopened.journal.append(5, payloadFor(50, PAYLOAD));
    await reopened.journal.commit();
    await reopened.journal.close();
    assert.equal(verifyAudit({ journalDir: dir }).ok, true);
  }
});
