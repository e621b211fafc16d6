// Byte-level fuzz of recovery: seeded truncation points of a journal whose writer died before its
// clean stop must cut back exactly to the last whole batch (a batch is durable with its seal, so
// records after the last whole seal were never acknowledged); a damaged final record is refused
// (after a clean stop, whatever the damage), and damage anywhere before it must refuse to open with
// the segment and offset named. Each case prints its seed on failure.
import assert from 'node:assert/strict';
import { copyFileSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import {
  FileJournal,
  HIGH_WATER_FILE_NAME,
  JournalCorruptError,
  segmentFileName,
} from '../src/index.ts';
import {
  encodeSegmentHeader,
  GENESIS_CHAIN,
  RECORD_HEADER_BYTES,
  SEGMENT_HEADER_BYTES,
  writeRecord,
} from '../src/journal-format.ts';
import { isSealWord, sealBodyBytes, sealBytes } from '../src/batch-seal.ts';
import { readU64 } from '../src/journal-format.ts';
import { payloadFor, seededRandom } from './seeded-random.ts';
import { tempDir } from './temp-dir.ts';

const HEADER = SEGMENT_HEADER_BYTES;
const FRAME = RECORD_HEADER_BYTES;

/** A record or a seal in a segment; `seq` is the record's, or the last seq the seal covers. */
interface Frame {
  readonly start: number;
  readonly end: number;
  readonly seal: boolean;
  readonly seq: number;
}

interface Fixture {
  /** Directory holding the pristine journal. */
  readonly dir: string;
  readonly names: string[];
  /** Per segment, its frames in order (the last ends at the file's end). */
  readonly frames: Frame[][];
  readonly firstSeqs: number[];
  readonly lastSeq: number;
}

function framesOf(bytes: Buffer): Frame[] {
  const frames: Frame[] = [];
  for (let at = HEADER; at < bytes.length; ) {
    const word = bytes.readUInt32LE(at);
    const seal = isSealWord(word);
    const end = at + FRAME + (seal ? sealBodyBytes(word) : word);
    frames.push({ start: at, end, seal, seq: readU64(bytes, at + 8) });
    at = end;
  }
  return frames;
}

/** End of the last whole seal at or before `cut` (the header's end without one) and its seq. */
function keptAt(frames: Frame[], cut: number, seqBefore: number): { end: number; seq: number } {
  const seal = frames.filter((f) => f.seal && f.end <= cut).at(-1);
  if (seal !== undefined) return { end: seal.end, seq: seal.seq };
  return { end: cut >= HEADER ? HEADER : 0, seq: seqBefore };
}

/** A committed journal of `count` records with seeded sizes, split by `segmentBytes`. */
async function buildJournal(t: TestContext, count: number, segmentBytes: number, seed: number) {
  const dir = tempDir(t, 'bourse-journal-src-');
  const random = seededRandom(seed);
  const sizes = new Map<number, number>();
  const { journal } = await FileJournal.open(dir, { segmentBytes });
  for (let seq = 1; seq <= count; seq++) {
    const size = random.int(0, 120);
    sizes.set(seq, size);
    // The final record is committed alone: the last batch is that record and its seal.
    if (seq === count) await journal.commit();
    journal.append(seq, payloadFor(seq, size));
    if (random.int(0, 3) === 0) await journal.commit();
  }
  await journal.close();
  const names = readdirSync(dir)
    .filter((name) => name.endsWith('.seg'))
    .sort();
  const frames = names.map((name) => framesOf(readFileSync(join(dir, name))));
  frames.forEach((list, i) => {
    assert.equal(list.at(-1)!.end, statSync(join(dir, names[i]!)).size);
    assert.ok(list.at(-1)!.seal, 'a segment ends with a seal');
    for (const f of list) if (!f.seal) assert.equal(f.end - f.start, FRAME + sizes.get(f.seq)!);
  });
  const firstSeqs = frames.map((list) => list.find((f) => !f.seal)!.seq);
  return { dir, names, frames, firstSeqs, lastSeq: count } satisfies Fixture;
}

/**
 * Copies the fixture's segments into a fresh directory, letting `mutate` damage one segment's
 * bytes; without `withMark` the copy has no high-water mark, as a writer killed before its first.
 */
function damagedCopy(
  t: TestContext,
  fx: Fixture,
  segment: number,
  mutate: (b: Buffer) => Buffer,
  withMark = false,
) {
  const dir = tempDir(t);
  if (withMark) copyFileSync(join(fx.dir, HIGH_WATER_FILE_NAME), join(dir, HIGH_WATER_FILE_NAME));
  fx.names.forEach((name, i) => {
    if (i !== segment) copyFileSync(join(fx.dir, name), join(dir, name));
    else writeFileSync(join(dir, name), mutate(readFileSync(join(fx.dir, name))));
  });
  return dir;
}

async function assertRecovers(dir: string, lastSeq: number, truncated: number, context: string) {
  const { journal, recovery } = await FileJournal.open(dir);
  try {
    assert.equal(recovery.lastSeq, lastSeq, `${context}: lastSeq`);
    assert.equal(recovery.truncatedBytes, truncated, `${context}: truncatedBytes`);
    const records = [...journal.read()];
    assert.equal(records.length, lastSeq, `${context}: records kept`);
    for (const r of records) assert.deepEqual(r.payload, payloadFor(r.seq, r.payload.length));
    // The journal must be writable where it was cut.
    journal.append(lastSeq + 1, payloadFor(lastSeq + 1));
    assert.equal(await journal.commit(), lastSeq + 1, `${context}: append after recovery`);
  } finally {
    await journal.close();
  }
  const again = await FileJournal.open(dir);
  assert.equal(again.recovery.truncatedBytes, 0, `${context}: second open is clean`);
  assert.equal(again.recovery.lastSeq, lastSeq + 1);
  await again.journal.close();
}

test('seeded truncation points cut back exactly to the last whole record', async (t) => {
  for (const seed of [1, 2, 3]) {
    const fx = await buildJournal(t, 40, 1 << 20, seed);
    const size = fx.frames[0]!.at(-1)!.end;
    const random = seededRandom(seed * 101);
    const points = [0, 1, HEADER - 1, HEADER, HEADER + 1, size - 1, size];
    for (let i = 0; i < 40; i++) points.push(random.int(0, size));
    for (const cut of points) {
      const dir = damagedCopy(t, fx, 0, (b) => b.subarray(0, cut));
      const { end: keptEnd, seq: lastSeq } = keptAt(fx.frames[0]!, cut, 0);
      await assertRecovers(dir, lastSeq, cut - keptEnd, `seed ${seed} cut ${cut}`);
      // Recovery appended one record and its seal where the file was cut (after a rewritten
      // header if needed).
      const appended = FRAME + payloadFor(lastSeq + 1).length + sealBytes(1);
      assert.equal(statSync(join(dir, fx.names[0]!)).size, Math.max(keptEnd, HEADER) + appended);
    }
  }
});

test('a cut inside the last of several segments keeps the earlier segments whole', async (t) => {
  const fx = await buildJournal(t, 60, 600, 7);
  assert.ok(fx.names.length >= 4, `expected several segments, got ${fx.names.length}`);
  const lastIndex = fx.names.length - 1;
  const frames = fx.frames[lastIndex]!;
  const before = fx.firstSeqs[lastIndex]! - 1;
  const random = seededRandom(77);
  for (let i = 0; i < 25; i++) {
    const cut = random.int(0, frames.at(-1)!.end);
    const dir = damagedCopy(t, fx, lastIndex, (b) => b.subarray(0, cut));
    const kept = keptAt(frames, cut, before);
    await assertRecovers(dir, kept.seq, cut - kept.end, `cut ${cut}`);
  }
});

test('a flipped byte in a record or seal before the final batch refuses to open, naming segment + offset', async (t) => {
  const fx = await buildJournal(t, 60, 600, 11);
  const random = seededRandom(1234);
  for (let i = 0; i < 60; i++) {
    const segment = random.int(0, fx.names.length - 1);
    const frames = fx.frames[segment]!;
    const isLast = segment === fx.names.length - 1;
    // In the last segment the final batch (its last record and seal) is the torn-tail case.
    const count = frames.length - (isLast ? 2 : 0);
    if (count < 1) continue;
    const index = random.int(0, count - 1);
    const frame = frames[index]!;
    const at = random.int(frame.start, frame.end - 1);
    const xor = random.int(1, 255);
    const dir = damagedCopy(t, fx, segment, (b) => {
      b[at]! ^= xor;
      return b;
    });
    const what = frame.seal ? 'seal' : 'record';
    const context = `case ${i}: segment ${segment} ${what} ${index} byte ${at} xor ${xor}`;
    const name = fx.names[segment]!;
    await assert.rejects(
      FileJournal.open(dir),
      (error: unknown) => {
        assert.ok(error instanceof JournalCorruptError, context);
        assert.equal(error.segment, name, context);
        assert.equal(error.offset, frame.start, context);
        assert.match(error.message, new RegExp(`${name}.*offset ${frame.start}`), context);
        return true;
      },
      context,
    );
  }
});

test('a flipped byte in the final record is refused, naming the record', async (t) => {
  const fx = await buildJournal(t, 30, 1 << 20, 5);
  const { start, end } = fx.frames[0]!.at(-2)!; // the final record, before its seal
  const random = seededRandom(99);
  for (let i = 0; i < 30; i++) {
    const at = random.int(start, end - 1);
    const xor = random.int(1, 255);
    const flip = (b: Buffer) => {
      b[at]! ^= xor;
      return b;
    };
    const context = `byte ${at} xor ${xor}`;
    // After a clean stop every such flip is refused: damaged, or cut short below the mark.
    await assert.rejects(
      FileJournal.open(damagedCopy(t, fx, 0, flip, true)),
      { name: 'JournalCorruptError', offset: start, seq: fx.lastSeq },
      context,
    );
    // Without a mark only a flip of the length field can pass for a torn (incomplete) record.
    const unmarked = damagedCopy(t, fx, 0, flip);
    if (at >= start + 4) {
      await assert.rejects(
        FileJournal.open(unmarked),
        { offset: start, kind: 'damaged-record' },
        context,
      );
    } else {
      await FileJournal.open(unmarked).then(
        (opened) => opened.journal.close(),
        (error: unknown) => assert.equal((error as JournalCorruptError).offset, start, context),
      );
    }
  }
});

test('zeros after the last record (a half-flushed tail) are a torn tail', async (t) => {
  const fx = await buildJournal(t, 10, 1 << 20, 8);
  const dir = damagedCopy(t, fx, 0, (b) => Buffer.concat([b, Buffer.alloc(4096)]));
  await assertRecovers(dir, 10, 4096, 'zero tail');
});

test('a damaged header is corruption unless its segment is last and holds nothing', async (t) => {
  const fx = await buildJournal(t, 60, 600, 13);
  const flipMagic = (b: Buffer) => {
    b[2]! ^= 0xff;
    return b;
  };
  const first = damagedCopy(t, fx, 0, flipMagic);
  await assert.rejects(FileJournal.open(first), { segment: fx.names[0], offset: 0 });
  const last = damagedCopy(t, fx, fx.names.length - 1, flipMagic);
  await assert.rejects(FileJournal.open(last), { segment: fx.names.at(-1), offset: 0 });

  const fresh = tempDir(t);
  writeFileSync(
    join(fresh, segmentFileName(1)),
    encodeSegmentHeader(1, GENESIS_CHAIN).subarray(0, 10),
  );
  await assertRecovers(fresh, 0, 10, 'torn header of a new segment');
});

test('a gap or repeat in seqs is corruption, even in the final record', async (t) => {
  const cases = [
    { seqs: [1, 2, 4, 5], bad: 2, why: /seq 4 where 3/ },
    { seqs: [1, 2, 2, 3], bad: 2, why: /seq 2 where 3/ },
    { seqs: [1, 2, 3, 3], bad: 3, why: /seq 3 where 4 was expected$/ },
  ];
  for (const { seqs, bad, why } of cases) {
    const dir = tempDir(t);
    const buf = Buffer.alloc(HEADER + seqs.length * (FRAME + 8));
    encodeSegmentHeader(1, GENESIS_CHAIN).copy(buf);
    let at = HEADER;
    for (const seq of seqs) at += writeRecord(buf, at, seq, payloadFor(seq, 8));
    writeFileSync(join(dir, segmentFileName(1)), buf);
    await assert.rejects(FileJournal.open(dir), (error: unknown) => {
      assert.ok(error instanceof JournalCorruptError);
      assert.equal(error.offset, HEADER + bad * (FRAME + 8));
      assert.match(error.message, why);
      return true;
    });
  }
});

test('a missing segment in the middle is corruption', async (t) => {
  const fx = await buildJournal(t, 60, 600, 17);
  const dir = tempDir(t);
  fx.names.forEach((name, i) => {
    if (i !== 1) copyFileSync(join(fx.dir, name), join(dir, name));
  });
  await assert.rejects(FileJournal.open(dir), (error: unknown) => {
    assert.ok(error instanceof JournalCorruptError);
    assert.equal(error.segment, fx.names[2]);
    assert.match(error.message, /expected/);
    return true;
  });
});
