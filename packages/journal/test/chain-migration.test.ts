// A journal written before records were chained (format 1) opens as before: the chain is computed
// over its records once, and a new format 3 segment continues from that hash (the chain's genesis
// point, reported by `recovery.migrated`). A journal whose records each carry their hash (format 2)
// is continued by a format 3 segment from its last record's hash. The old records stay as they were
// and stay covered: a change to one of them breaks the chain.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { crc32 } from 'node:zlib';
import { FileJournal, readJournal, segmentFileName, verifyAudit } from '../src/index.ts';
import {
  computeChain,
  encodeSegmentHeaderV1,
  GENESIS_CHAIN,
  writeRecordV1,
  writeRecordV2,
  writeSegmentHeader,
} from '../src/journal-format.ts';
import { payloadFor } from './seeded-random.ts';
import { tempDir } from './temp-dir.ts';

/** Format 1 segments holding seqs [from, to] each, as an older version wrote them. */
function writeFormat1(dir: string, ranges: [number, number][]): void {
  for (const [from, to] of ranges) {
    const buf = Buffer.alloc(24 + (to - from + 1) * (16 + 30));
    encodeSegmentHeaderV1(from).copy(buf);
    let at = 24;
    for (let seq = from; seq <= to; seq++) at += writeRecordV1(buf, at, seq, payloadFor(seq, 30));
    writeFileSync(join(dir, segmentFileName(from)), buf);
  }
}

test('a format 1 journal is continued by a chained segment from its computed chain', async (t) => {
  const dir = tempDir(t);
  writeFormat1(dir, [
    [1, 5],
    [6, 9],
  ]);
  let expected = GENESIS_CHAIN;
  for (let seq = 1; seq <= 9; seq++) expected = computeChain(seq, expected, payloadFor(seq, 30));

  const { journal, recovery } = await FileJournal.open(dir);
  assert.deepEqual(recovery.migrated, { fromSeq: 1, seq: 9, chain: expected });
  assert.deepEqual(journal.chainHead, { seq: 9, chain: expected });
  for (let seq = 10; seq <= 12; seq++) journal.append(seq, payloadFor(seq, 30));
  await journal.commit();
  await journal.close();
  assert.deepEqual(
    readdirSync(dir)
      .filter((n) => n.endsWith('.seg'))
      .sort(),
    [1, 6, 10].map(segmentFileName),
  );

  const again = await FileJournal.open(dir);
  assert.equal(again.recovery.migrated, undefined, 'migrated once');
  await again.journal.close();
  assert.deepEqual(
    [...readJournal(dir)].map((r) => r.seq),
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
  );
  const report = verifyAudit({ journalDir: dir });
  assert.equal(report.ok, true, report.problem?.message);
  assert.equal(report.chainStartSource, 'format 1 genesis');
  assert.equal(report.records, 12);

  // An old record changed with its CRC recomputed: the chained segment no longer follows.
  const path = join(dir, segmentFileName(6));
  const bytes = readFileSync(path);
  bytes[24 + 16 + 3]! ^= 1;
  bytes.writeUInt32LE(crc32(bytes.subarray(24 + 8, 24 + 16 + 30)), 24 + 4);
  writeFileSync(path, bytes);
  const tampered = verifyAudit({ journalDir: dir });
  assert.equal(tampered.problem?.kind, 'segment-chain');
  assert.equal(tampered.problem?.seq, 10);
});

test('an empty format 1 segment is rewritten as a chained one', async (t) => {
  const dir = tempDir(t);
  writeFormat1(dir, [[1, 3]]);
  writeFileSync(join(dir, segmentFileName(4)), encodeSegmentHeaderV1(4));
  const { journal, recovery } = await FileJournal.open(dir);
  assert.equal(recovery.migrated?.seq, 3, 'its header is rewritten in place');
  journal.append(4, payloadFor(4, 30));
  await journal.commit();
  await journal.close();
  assert.equal(verifyAudit({ journalDir: dir }).ok, true);
  assert.deepEqual(
    [...readJournal(dir)].map((r) => r.seq),
    [1, 2, 3, 4],
  );
});

/** Format 2 segments holding seqs [from, to] each (every record with its own chain hash). */
function writeFormat2(dir: string, ranges: [number, number][]): Buffer {
  let chain: Buffer = GENESIS_CHAIN;
  for (const [from, to] of ranges) {
    const buf = Buffer.alloc(56 + (to - from + 1) * (48 + 30));
    writeSegmentHeader(buf, 0, from, chain, 2);
    let at = 56;
    for (let seq = from; seq <= to; seq++) {
      at += writeRecordV2(buf, at, seq, payloadFor(seq, 30), chain);
      chain = computeChain(seq, chain, payloadFor(seq, 30));
    }
    writeFileSync(join(dir, segmentFileName(from)), buf);
  }
  return chain;
}

test('a format 2 journal is continued by a sealed segment from its last record hash', async (t) => {
  const dir = tempDir(t);
  const last = writeFormat2(dir, [
    [1, 4],
    [5, 7],
  ]);
  const { journal, recovery } = await FileJournal.open(dir);
  assert.equal(recovery.migrated, undefined, 'format 2 needs no genesis');
  assert.deepEqual(journal.chainHead, { seq: 7, chain: last });
  assert.deepEqual(journal.chainAt(6), computeChain(6, journal.chainAt(5)!, payloadFor(6, 30)));
  for (let seq = 8; seq <= 10; seq++) journal.append(seq, payloadFor(seq, 30));
  await journal.commit();
  assert.equal(journal.sealAt(9)?.seq, 10, 'format 3 seqs are covered by their batch seal');
  await journal.close();
  assert.deepEqual(
    readdirSync(dir)
      .filter((n) => n.endsWith('.seg'))
      .sort(),
    [1, 5, 8].map(segmentFileName),
  );
  assert.deepEqual(
    [...readJournal(dir)].map((r) => r.seq),
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  );
  const report = verifyAudit({ journalDir: dir });
  assert.equal(report.ok, true, report.problem?.message);
  assert.equal(report.records, 10);

  // A format 2 record changed with its CRC recomputed no longer matches its stored hash.
  const path = join(dir, segmentFileName(5));
  const bytes = readFileSync(path);
  const second = 56 + 48 + 30;
  bytes[second + 48 + 3]! ^= 1;
  bytes.writeUInt32LE(crc32(bytes.subarray(second + 8, second + 48 + 30)), second + 4);
  writeFileSync(path, bytes);
  const tampered = verifyAudit({ journalDir: dir });
  assert.equal(tampered.problem?.kind, 'record-chain');
  assert.equal(tampered.problem?.seq, 6);
});
