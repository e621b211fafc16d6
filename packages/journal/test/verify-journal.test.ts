// verifyJournal and readJournal: report or read what opening would keep, cut or refuse, changing
// no file.
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  FileJournal,
  HIGH_WATER_FILE_NAME,
  readJournal,
  segmentFileName,
  verifyJournal,
} from '../src/index.ts';
import { sealBytes } from '../src/batch-seal.ts';
import { payloadFor } from './seeded-random.ts';
import { tempDir } from './temp-dir.ts';

/**
 * `count` records of 72 bytes (88-byte frames), the last committed alone (its own batch and seal);
 * `crashed`: the writer died before any mark after its open (the journal's tail may be torn).
 */
async function journalOf(
  dir: string,
  count: number,
  segmentBytes: number,
  crashed = false,
): Promise<void> {
  const { journal } = await FileJournal.open(dir, { segmentBytes });
  const mark = readFileSync(join(dir, HIGH_WATER_FILE_NAME));
  for (let seq = 1; seq <= count; seq++) {
    if (seq === count) await journal.commit();
    journal.append(seq, payloadFor(seq, 72));
  }
  await journal.close();
  if (crashed) writeFileSync(join(dir, HIGH_WATER_FILE_NAME), mark);
}

test('a healthy journal reports its records, range and segments with progress', async (t) => {
  const dir = tempDir(t);
  // 56 + 4 × 88 = 408 per segment, then the seal of its 4 records.
  await journalOf(dir, 25, 410);
  const progress: [number, number][] = [];
  const report = verifyJournal(dir, (done, total) => progress.push([done, total]));
  assert.deepEqual(report, {
    ok: true,
    records: 25,
    firstSeq: 1,
    lastSeq: 25,
    segments: 7,
    tornTailBytes: 0,
    highWaterSeq: 25,
    cleanStop: true,
  });
  const total = 6 * (408 + sealBytes(4)) + 56 + 88 + sealBytes(1);
  assert.deepEqual(progress.at(-1), [total, total]);
  for (let i = 1; i < progress.length; i++) assert.ok(progress[i]![0] >= progress[i - 1]![0]);
});

test('an empty directory verifies as an empty journal', (t) => {
  assert.deepEqual(verifyJournal(tempDir(t)), {
    ok: true,
    records: 0,
    firstSeq: 0,
    lastSeq: 0,
    segments: 0,
    tornTailBytes: 0,
    highWaterSeq: 0,
    cleanStop: false,
  });
});

test('a torn tail is reported but left in place', async (t) => {
  const dir = tempDir(t);
  await journalOf(dir, 10, 1 << 20, true);
  const path = join(dir, segmentFileName(1));
  const size = statSync(path).size;
  writeFileSync(path, readFileSync(path).subarray(0, size - 5));
  const report = verifyJournal(dir);
  assert.equal(report.ok, true);
  assert.equal(report.lastSeq, 9);
  assert.equal(report.records, 9);
  // The last batch (record 10 and its seal) lost its end: without its seal it was never durable.
  assert.equal(report.tornTailBytes, 88 + sealBytes(1) - 5);
  assert.equal(statSync(path).size, size - 5, 'verify changes nothing');
});

test('corruption is reported with segment, offset and reason', async (t) => {
  const dir = tempDir(t);
  await journalOf(dir, 25, 410);
  const name = segmentFileName(5);
  const path = join(dir, name);
  const bytes = readFileSync(path);
  bytes[56 + 88 + 60]! ^= 1; // inside the payload of the segment's second record (seq 6)
  writeFileSync(path, bytes);
  const report = verifyJournal(dir);
  assert.equal(report.ok, false);
  assert.equal(report.segments, 7);
  assert.equal(report.lastSeq, 4, 'last seq before the damage');
  assert.deepEqual(report.error, {
    segment: name,
    offset: 56 + 88,
    message: 'record checksum mismatch (not the last segment)',
    kind: 'damaged-record',
    seq: 6,
  });
});

test('readJournal reads beside a live writer and stops before a torn tail', async (t) => {
  const dir = tempDir(t);
  const { journal } = await FileJournal.open(dir, { highWaterEveryMs: 3_600_000 });
  const mark = readFileSync(join(dir, HIGH_WATER_FILE_NAME));
  for (let seq = 1; seq <= 5; seq++) journal.append(seq, payloadFor(seq, 40));
  await journal.commit();
  journal.append(6, payloadFor(6, 40)); // appended, not committed: not yet on disk
  assert.deepEqual(
    [...readJournal(dir, 2)].map((r) => r.seq),
    [2, 3, 4, 5],
  );
  await journal.close();
  writeFileSync(join(dir, HIGH_WATER_FILE_NAME), mark); // as if the writer had been killed

  const path = join(dir, segmentFileName(1));
  const size = statSync(path).size;
  writeFileSync(path, readFileSync(path).subarray(0, size - 9));
  const records = [...readJournal(dir)];
  assert.deepEqual(
    records.map((r) => r.seq),
    [1, 2, 3, 4, 5],
  );
  assert.deepEqual(records[4]!.payload, payloadFor(5, 40));
  assert.equal(statSync(path).size, size - 9);

  const bytes = readFileSync(path);
  bytes[56 + 10]! ^= 1;
  writeFileSync(path, bytes);
  assert.throws(() => [...readJournal(dir)], { name: 'JournalCorruptError', offset: 56 });
});
