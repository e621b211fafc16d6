// The current segment zero-filled ahead of its writes: durable writes land inside the file's size,
// a crash leaves the zeros as a torn tail that the next open cuts, and a rolled or closed segment
// ends exactly at its last seal.
import assert from 'node:assert/strict';
import { copyFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { FileJournal, LOCK_FILE_NAME, segmentFileName, verifyJournal } from '../src/index.ts';
import { scanJournal } from '../src/journal-scan.ts';
import { payloadFor } from './seeded-random.ts';
import { tempDir } from './temp-dir.ts';

const SEGMENT = 256 * 1024;
const PREFILL = 32 * 1024;

async function writeBatches(journal: FileJournal, batches: number, perBatch: number) {
  for (let b = 0; b < batches; b++) {
    for (let i = 0; i < perBatch; i++)
      journal.append(journal.lastSeq + 1, payloadFor(journal.lastSeq + 1));
    await journal.commit();
  }
}

/** Waits (bounded) until `path` is longer than `bytes`: the fill runs in the background. */
async function grownPast(path: string, bytes: number): Promise<number> {
  for (let i = 0; i < 2000; i++) {
    const size = statSync(path).size;
    if (size > bytes) return size;
    await sleep(5);
  }
  return statSync(path).size;
}

function dataEnd(dir: string): number {
  const scan = scanJournal(dir);
  assert.equal(scan.error, undefined);
  return scan.segments.at(-1)!.validBytes;
}

test('writes land in a zero-filled part of the segment; a crash leaves the zeros as a torn tail', async (t) => {
  const dir = tempDir(t);
  const { journal } = await FileJournal.open(dir, { segmentBytes: SEGMENT, prefillBytes: PREFILL });
  t.after(() => journal.close());
  await writeBatches(journal, 5, 4);
  const segment = join(dir, segmentFileName(1));
  const end = dataEnd(dir);
  const filled = await grownPast(segment, end);
  assert.ok(filled > end, `the segment was filled past its records (${filled} > ${end})`);
  // A batch that fits in the filled part leaves the file's size as it was.
  journal.append(journal.lastSeq + 1, payloadFor(journal.lastSeq + 1));
  await journal.commit();
  assert.ok(dataEnd(dir) < filled);
  assert.ok(statSync(segment).size >= filled);

  // What a crash leaves now: the directory as it is on disk, the writer never closed.
  const copy = tempDir(t);
  for (const name of readdirSync(dir)) {
    if (name !== LOCK_FILE_NAME) copyFileSync(join(dir, name), join(copy, name));
  }
  const durable = journal.durableSeq;
  const reopened = await FileJournal.open(copy, { segmentBytes: SEGMENT, prefillBytes: 0 });
  assert.equal(reopened.recovery.lastSeq, durable);
  assert.ok(reopened.recovery.truncatedBytes > 0, 'the zeros were cut as a torn tail');
  assert.equal([...reopened.journal.read()].length, durable);
  await reopened.journal.close();
  assert.equal(statSync(join(copy, segmentFileName(1))).size, dataEnd(copy));
});

test('a rolled segment and a closed one end exactly at their last seal', async (t) => {
  const dir = tempDir(t);
  const { journal } = await FileJournal.open(dir, { segmentBytes: SEGMENT, prefillBytes: PREFILL });
  while (readdirSync(dir).filter((n) => n.endsWith('.seg')).length < 3) {
    await writeBatches(journal, 1, 20);
    await sleep(1);
  }
  await journal.close();
  const scan = scanJournal(dir);
  assert.equal(scan.error, undefined);
  assert.ok(scan.segments.length >= 3);
  for (const segment of scan.segments) {
    assert.equal(segment.fileBytes, segment.validBytes, `${segment.name} ends at its last seal`);
  }
  assert.equal(scan.cleanStop, true);
  assert.equal(verifyJournal(dir).ok, true);
  const { journal: again, recovery } = await FileJournal.open(dir, { segmentBytes: SEGMENT });
  assert.equal(recovery.cleanStop, true);
  assert.equal(recovery.truncatedBytes, 0);
  assert.equal(recovery.lastSeq, scan.lastSeq);
  await again.close();
});

test('prefillBytes 0 never writes past the records', async (t) => {
  const dir = tempDir(t);
  const { journal } = await FileJournal.open(dir, { segmentBytes: SEGMENT, prefillBytes: 0 });
  await writeBatches(journal, 5, 4);
  await sleep(20);
  assert.equal(statSync(join(dir, segmentFileName(1))).size, dataEnd(dir));
  await journal.close();
});
