// Opening with `trustThrough` (what a restart does, passing its snapshot's seq) checks only the
// records after it and the tail, never reading older sealed segments past their headers; whoever
// reads the trusted records later checks them, and `verifyJournal` still checks every record.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import {
  FileJournal,
  HIGH_WATER_FILE_NAME,
  JournalCorruptError,
  journalChunks,
  readRecordChunks,
  verifyJournal,
  visitRecords,
} from '../src/index.ts';
import { RECORD_HEADER_BYTES, SEGMENT_HEADER_BYTES } from '../src/journal-format.ts';
import { listSegments } from '../src/journal-scan.ts';
import { payloadFor } from './seeded-random.ts';
import { tempDir } from './temp-dir.ts';

const PAYLOAD = 40;
const RECORD = RECORD_HEADER_BYTES + PAYLOAD;
const PER_SEGMENT = 20;
const COUNT = 200;

/** COUNT records, PER_SEGMENT to a segment, closed cleanly (the mark at the last one). */
async function journal(t: TestContext): Promise<string> {
  const dir = tempDir(t);
  const segmentBytes = SEGMENT_HEADER_BYTES + PER_SEGMENT * RECORD;
  const { journal } = await FileJournal.open(dir, { segmentBytes });
  for (let seq = 1; seq <= COUNT; seq++) journal.append(seq, payloadFor(seq, PAYLOAD));
  await journal.close();
  return dir;
}

/** Flips a payload byte of record `seq`. */
function damage(dir: string, seq: number): void {
  const segment = listSegments(dir).findLast((s) => s.firstSeq <= seq)!;
  const path = join(dir, segment.name);
  const bytes = readFileSync(path);
  const at = SEGMENT_HEADER_BYTES + (seq - segment.firstSeq) * RECORD + RECORD_HEADER_BYTES + 3;
  bytes[at] = bytes[at]! ^ 0xff;
  writeFileSync(path, bytes);
}

function payloadsOf(chunks: Iterable<{ payloads: Uint8Array; ends: Uint32Array; count: number }>) {
  const out: Uint8Array[] = [];
  for (const chunk of chunks) {
    let start = 0;
    for (let i = 0; i < chunk.count; i++) {
      out.push(chunk.payloads.slice(start, chunk.ends[i]!));
      start = chunk.ends[i]!;
    }
  }
  return out;
}

test('a damaged record before trustThrough: the open passes, its reader and verify refuse it', async (t) => {
  const dir = await journal(t);
  assert.ok(listSegments(dir).length >= COUNT / PER_SEGMENT);
  damage(dir, 10);
  await assert.rejects(FileJournal.open(dir), JournalCorruptError);

  const { journal: opened } = await FileJournal.open(dir, { trustThrough: 150 });
  try {
    assert.equal(opened.lastSeq, COUNT);
    assert.equal(opened.checkedFromSeq, 151);
    // What a restart from a snapshot at 150 reads: checked at open, identical to what was written.
    const tail = payloadsOf(journalChunks(opened, 151));
    assert.equal(tail.length, COUNT - 150);
    for (const [i, p] of tail.entries()) assert.deepEqual(p, payloadFor(151 + i, PAYLOAD));
    // A reader of the trusted records checks them itself.
    assert.throws(() => payloadsOf(journalChunks(opened, 1)), JournalCorruptError);
    assert.equal(payloadsOf(journalChunks(opened, 21)).length, COUNT - 20);
  } finally {
    await opened.close();
  }
  assert.throws(() => payloadsOf(readRecordChunks(dir, 1, COUNT)), JournalCorruptError);
  const report = verifyJournal(dir);
  assert.equal(report.ok, false);
  assert.equal(report.error?.seq, 10);
});

test('damage after trustThrough still refuses the open', async (t) => {
  const dir = await journal(t);
  damage(dir, 160);
  await assert.rejects(FileJournal.open(dir, { trustThrough: 150 }), (error: unknown) => {
    assert.ok(error instanceof JournalCorruptError);
    assert.equal(error.seq, 160);
    return true;
  });
});

test('trust never reaches past the high-water mark: records a crash could tear are checked', async (t) => {
  const dir = tempDir(t);
  const segmentBytes = SEGMENT_HEADER_BYTES + PER_SEGMENT * RECORD;
  const { journal: writer } = await FileJournal.open(dir, { segmentBytes });
  for (let seq = 1; seq <= 100; seq++) writer.append(seq, payloadFor(seq, PAYLOAD));
  await writer.commit();
  const mark = readFileSync(join(dir, HIGH_WATER_FILE_NAME));
  for (let seq = 101; seq <= COUNT; seq++) writer.append(seq, payloadFor(seq, PAYLOAD));
  await writer.close();
  // As a crash leaves it: the mark at 100, records after it written but never known durable.
  writeFileSync(join(dir, HIGH_WATER_FILE_NAME), mark);
  damage(dir, 120);
  await assert.rejects(FileJournal.open(dir, { trustThrough: COUNT }), (error: unknown) => {
    assert.ok(error instanceof JournalCorruptError);
    assert.equal(error.seq, 120);
    return true;
  });
});

test('visitRecords gives every record in place, across segments, and checks the trusted ones', async (t) => {
  const dir = await journal(t);
  const { journal: opened } = await FileJournal.open(dir, { trustThrough: COUNT });
  try {
    assert.equal(opened.checkedFromSeq, COUNT + 1);
    const seen: number[] = [];
    visitRecords(opened, 5, (seq, bytes, start, end) => {
      assert.deepEqual(new Uint8Array(bytes.slice(start, end)), payloadFor(seq, PAYLOAD));
      seen.push(seq);
    });
    assert.deepEqual(
      seen,
      Array.from({ length: COUNT - 4 }, (_, i) => 5 + i),
    );
  } finally {
    await opened.close();
  }
  damage(dir, 50);
  const { journal: again } = await FileJournal.open(dir, { trustThrough: COUNT });
  try {
    assert.throws(
      () => visitRecords(again, 1, () => {}),
      (error: unknown) => error instanceof JournalCorruptError && error.seq === 50,
    );
  } finally {
    await again.close();
  }
});
