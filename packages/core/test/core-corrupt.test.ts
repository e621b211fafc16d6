// A damaged record before the journal's tail stops startup with a message naming the segment file and
// the byte offset, and leaves nothing open behind.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { JournalCorruptError } from '@bourse/journal';
import { CoreError, openExchangeCore, replayDataDir, verifyDataDir } from '../src/index.ts';
import { limitOrder, marketSetup } from './fixtures/market-setup.ts';
import { openCore } from './fixtures/open-core.ts';
import { tempDataDir } from './fixtures/temp-dir.ts';

test('a corrupt record in the middle of the journal refuses startup, naming segment and offset', async (t) => {
  const dataDir = tempDataDir(t);
  const core = await openCore(t, { dataDir });
  await core.submitBatch(marketSetup(2));
  for (let i = 0; i < 100; i++) await core.submit(limitOrder(1 + (i % 2), 'buy', 3_000, 1));
  await core.close();

  const journalDir = join(dataDir, 'journal');
  const [segment] = readdirSync(journalDir).filter((n) => n.endsWith('.seg'));
  assert.ok(segment !== undefined);
  const path = join(journalDir, segment);
  const bytes = readFileSync(path);
  const middle = Math.floor(statSync(path).size / 2);
  bytes[middle] = (bytes[middle] ?? 0) ^ 0xff;
  writeFileSync(path, bytes);

  const report = verifyDataDir(dataDir);
  assert.equal(report.journal.ok, false);
  const offset = report.journal.error?.offset;
  assert.ok(offset !== undefined && offset > 0 && offset <= middle);

  await assert.rejects(openExchangeCore({ dataDir }), (error: unknown) => {
    assert.ok(error instanceof CoreError);
    assert.equal(error.code, 'JOURNAL_CORRUPT');
    assert.match(error.message, new RegExp(`segment ${segment}`));
    assert.match(error.message, new RegExp(`offset ${offset}`));
    return true;
  });
  // The refusal is stable: nothing was truncated or repaired.
  assert.deepEqual(readFileSync(path), bytes);
});

test('a damaged record the newest snapshot holds: the restart (which never reads it) starts, verify and a full replay refuse it', async (t) => {
  const dataDir = tempDataDir(t);
  const journalOptions = { segmentBytes: 4096 };
  const core = await openCore(t, { dataDir, snapshotEvery: 100, journalOptions });
  await core.submitBatch(marketSetup(2));
  for (let i = 0; i < 300; i++) await core.submit(limitOrder(1 + (i % 2), 'buy', 3_000, 1));
  const before = await core.query.stateHash();
  await core.close();

  const journalDir = join(dataDir, 'journal');
  const segments = readdirSync(journalDir).filter((n) => n.endsWith('.seg'));
  const snapshotSeq = verifyDataDir(dataDir).snapshotSeq;
  const second = Number(segments.sort()[1]!.slice(0, 20));
  assert.ok(snapshotSeq !== undefined && second <= snapshotSeq, 'the first segment is sealed');
  // Intact, the full replay (segment after segment, read in this thread or on a reader thread)
  // reaches the same state.
  assert.ok(segments.length > 3);
  for (const readerThread of [false, true]) {
    assert.equal((await replayDataDir(dataDir, undefined, { readerThread })).hash, before.hash);
  }
  const path = join(journalDir, segments[0]!);
  const bytes = readFileSync(path);
  const middle = Math.floor(bytes.length / 2);
  bytes[middle] = (bytes[middle] ?? 0) ^ 0xff;
  writeFileSync(path, bytes);

  const restarted = await openCore(t, { dataDir, journalOptions });
  assert.deepEqual(await restarted.query.stateHash(), before);
  await restarted.close();
  assert.equal(verifyDataDir(dataDir).journal.ok, false);
  // Either reader names the damaged record the same way.
  const refusals: unknown[] = [];
  for (const readerThread of [false, true]) {
    await assert.rejects(replayDataDir(dataDir, undefined, { readerThread }), (error) => {
      refusals.push(error);
      return error instanceof JournalCorruptError && /checksum/.test(error.message);
    });
  }
  const [inThread, onThread] = refusals as JournalCorruptError[];
  assert.equal(onThread!.kind, 'damaged-record');
  assert.deepEqual(
    [onThread!.message, onThread!.segment, onThread!.offset, onThread!.seq],
    [inThread!.message, inThread!.segment, inThread!.offset, inThread!.seq],
  );
});
