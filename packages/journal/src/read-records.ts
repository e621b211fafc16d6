// Streams whole records from a journal directory, from one seq up to a known last seq, checking
// each checksum and seq as it goes. Shared by FileJournal.read (bounded by durableSeq) and
// readJournal (a read-only view that neither locks nor repairs, for tools and replicas beside a
// live writer).
import { closeSync, fstatSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { JournalCorruptError } from './journal-corrupt-error.ts';
import type { ChainHead } from './file-journal.ts';
import { CHAIN_BYTES, GENESIS_CHAIN, segmentFileName } from './journal-format.ts';
import { listSegments, scanJournal } from './journal-scan.ts';
import { copyChain, readSegmentHeader, SegmentCursor } from './segment-cursor.ts';

export interface JournalRecord {
  readonly seq: number;
  readonly payload: Uint8Array;
}

/**
 * Whole records of the journal in `dir` from `fromSeq` (default: the oldest kept), without taking
 * the writer's lock or changing any file. Stops before a torn tail; throws
 * {@link JournalCorruptError} where opening would refuse. A live writer may have appended more by the time iteration ends.
 */
export function* readJournal(dir: string, fromSeq?: number): Iterable<JournalRecord> {
  const scan = scanJournal(dir, { liveWriter: true });
  if (scan.error !== undefined) throw JournalCorruptError.from(scan.error);
  yield* readRecords(dir, fromSeq, scan.lastSeq);
}

/** Records `fromSeq..bound` read back from disk; payloads are copies the caller may keep. */
export function* readRecords(
  dir: string,
  fromSeq: number | undefined,
  bound: number,
): Iterable<JournalRecord> {
  for (const chunk of readRecordChunks(dir, fromSeq, bound)) {
    let start = 0;
    for (let i = 0; i < chunk.count; i++) {
      const end = chunk.ends[i]!;
      yield { seq: chunk.firstSeq + i, payload: chunk.payloads.slice(start, end) };
      start = end;
    }
  }
}

/**
 * Consecutive records in one buffer: record `firstSeq + i` is `payloads[ends[i - 1] ?? 0, ends[i])`.
 * The buffer is the chunk's own (it may be kept or transferred to another thread).
 */
export interface RecordChunk {
  readonly firstSeq: number;
  readonly count: number;
  readonly payloads: Uint8Array;
  readonly ends: Uint32Array;
}

/** Payload bytes per chunk before it is handed out (a chunk holds at least one record). */
const CHUNK_BYTES = 1024 * 1024;
const CHUNK_RECORDS = 65_536;

/**
 * Records `fromSeq..bound` in large sequential chunks, checked as `readRecords` checks them, with one
 * buffer per chunk instead of one per record: what replay reads at engine speed.
 */
export function* readRecordChunks(
  dir: string,
  fromSeq: number | undefined,
  bound: number,
  opts: {
    readonly chunkBytes?: number;
    /** Records in checkedFrom..checkedThrough were checked already (default: none). */
    readonly checkedFrom?: number;
    readonly checkedThrough?: number;
  } = {},
): Iterable<RecordChunk> {
  const from = fromSeq ?? listSegments(dir)[0]?.firstSeq ?? 1;
  if (from > bound) return;
  const chunk = new ChunkBuilder(opts.chunkBytes ?? CHUNK_BYTES);
  for (const { name, cursor } of segmentCursors(dir, from, opts.checkedFrom, opts.checkedThrough)) {
    for (let step = cursor.next(); step !== 'end'; step = cursor.next()) {
      if (step === 'invalid') throw readerDamage(name, cursor);
      if (cursor.seq >= from) {
        chunk.add(cursor.seq, cursor);
        if (cursor.seq === bound || chunk.full) yield chunk.take();
      }
      if (cursor.seq === bound) return;
    }
  }
  if (chunk.count > 0) yield chunk.take();
  throw endsBefore(dir, bound);
}

/**
 * Calls `visit` with each record `fromSeq..bound` as a range of the reader's own buffer, checked as
 * `readRecordChunks` checks them, with no copy: for a caller that decodes each record at once (an
 * in-process replay). The bytes are valid only during the call.
 */
export function visitRecords(
  journal: JournalView,
  fromSeq: number,
  visit: (seq: number, bytes: Uint8Array, start: number, end: number) => void,
): void {
  const { dir, durableSeq: bound } = journal;
  if (fromSeq > bound) return;
  const walk = segmentCursors(dir, fromSeq, journal.checkedFromSeq, journal.openedAtSeq);
  for (const { name, cursor } of walk) {
    for (let step = cursor.next(); step !== 'end'; step = cursor.next()) {
      if (step === 'invalid') throw readerDamage(name, cursor);
      const seq = cursor.seq;
      if (seq >= fromSeq) {
        const start = cursor.payloadStart;
        visit(seq, cursor.bytes, start, start + cursor.payloadLength);
      }
      if (seq === bound) return;
    }
  }
  throw endsBefore(dir, bound);
}

/**
 * Each segment from the one holding `from` on, open with a cursor over its records (records in
 * checkedFrom..checkedThrough are not summed again); a segment is closed when the caller moves on or
 * stops. Throws when records before `from` were removed or a segment does not start where the one
 * before it ended.
 */
function* segmentCursors(
  dir: string,
  from: number,
  checkedFrom = 1,
  checkedThrough = 0,
): Iterable<{ readonly name: string; readonly cursor: SegmentCursor }> {
  const segments = listSegments(dir);
  const oldest = segments[0]?.firstSeq ?? 1;
  if (from < oldest) {
    throw new RangeError(`records before seq ${oldest} were removed; cannot read from ${from}`);
  }
  let index = Math.max(
    0,
    segments.findLastIndex((s) => s.firstSeq <= from),
  );
  let expected = segments[index]?.firstSeq ?? 1;
  for (; index < segments.length; index++) {
    const { name, firstSeq } = segments[index]!;
    if (firstSeq !== expected) {
      throw new JournalCorruptError(name, 0, `segment starts at ${firstSeq}, not ${expected}`);
    }
    const fd = openSync(join(dir, name), 'r');
    try {
      const size = fstatSync(fd).size;
      const header = readSegmentHeader(fd, size, firstSeq);
      if (typeof header === 'string') throw new JournalCorruptError(name, 0, header);
      const cursor = new SegmentCursor(fd, size, firstSeq, header.layout);
      cursor.checkedFrom = checkedFrom;
      cursor.checkedThrough = checkedThrough;
      yield { name, cursor };
      expected = cursor.expectedSeq;
    } finally {
      closeSync(fd);
    }
  }
}

/** The records stop short of `bound`, which the journal said it holds. */
function endsBefore(dir: string, bound: number): JournalCorruptError {
  const last = listSegments(dir).at(-1)?.name ?? segmentFileName(1);
  return new JournalCorruptError(last, 0, `journal ends before seq ${bound}`);
}

/** A whole record whose checksum fails carries its seq, so the error can name the repair. */
function readerDamage(name: string, cursor: SegmentCursor): JournalCorruptError {
  const detail =
    cursor.invalidKind === 'checksum'
      ? { kind: 'damaged-record' as const, seq: cursor.expectedSeq }
      : {};
  return new JournalCorruptError(name, cursor.offset, cursor.reason, detail);
}

/** Collects record payloads into one buffer until it holds a chunk's worth. */
class ChunkBuilder {
  readonly #bytes: number;
  #payloads: Buffer;
  #ends = new Uint32Array(CHUNK_RECORDS);
  #len = 0;
  #firstSeq = 0;
  count = 0;

  constructor(bytes: number) {
    this.#bytes = bytes;
    this.#payloads = Buffer.allocUnsafeSlow(bytes);
  }

  get full(): boolean {
    return this.#len >= this.#bytes || this.count === CHUNK_RECORDS;
  }

  add(seq: number, cursor: SegmentCursor): void {
    if (this.count === 0) this.#firstSeq = seq;
    const n = cursor.payloadLength;
    if (this.#len + n > this.#payloads.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(this.#payloads.length * 2, this.#len + n));
      this.#payloads.copy(grown, 0, 0, this.#len);
      this.#payloads = grown;
    }
    cursor.copyPayload(this.#payloads, this.#len);
    this.#len += n;
    this.#ends[this.count++] = this.#len;
  }

  take(): RecordChunk {
    const chunk: RecordChunk = {
      firstSeq: this.#firstSeq,
      count: this.count,
      payloads: new Uint8Array(this.#payloads.buffer, this.#payloads.byteOffset, this.#len),
      ends: this.#ends.subarray(0, this.count),
    };
    this.#payloads = Buffer.allocUnsafeSlow(this.#bytes);
    this.#ends = new Uint32Array(CHUNK_RECORDS);
    this.#len = 0;
    this.count = 0;
    return chunk;
  }
}

/**
 * The chain value covering record `seq` and where it stands (all zeros at seq 0): in format 3 the
 * seal of the batch that holds `seq`, in format 2 the record's own hash; undefined when no kept
 * segment holds it or it was written before records were chained. Reads one segment up to the seal.
 */
export function readChainAt(dir: string, seq: number): ChainHead | undefined {
  if (seq === 0) return { seq: 0, chain: Buffer.from(GENESIS_CHAIN) };
  const segments = listSegments(dir);
  const index = segments.findLastIndex((s) => s.firstSeq <= seq);
  if (index < 0) return undefined;
  const { name, firstSeq } = segments[index]!;
  const fd = openSync(join(dir, name), 'r');
  try {
    const size = fstatSync(fd).size;
    const header = readSegmentHeader(fd, size, firstSeq);
    if (typeof header === 'string' || !header.layout.chained) return undefined;
    const cursor = new SegmentCursor(fd, size, firstSeq, header.layout);
    cursor.reportSeals = true;
    for (let step = cursor.next(); step === 'record' || step === 'seal'; step = cursor.next()) {
      if (step === 'seal' && cursor.sealedSeq >= seq) {
        return {
          seq: cursor.sealedSeq,
          chain: copyChain(cursor.sealView().subarray(-CHAIN_BYTES)),
        };
      }
      if (step === 'record' && cursor.seq === seq && header.layout.recordChain) {
        return { seq, chain: copyChain(cursor.chainView()) };
      }
    }
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** What readers of a journal this process has open need of it (a `FileJournal`). */
export interface JournalView {
  readonly dir: string;
  readonly durableSeq: number;
  /** Records checkedFromSeq..openedAtSeq were checksummed by the scan at open. */
  readonly openedAtSeq: number;
  readonly checkedFromSeq: number;
}

/**
 * The durable records of a journal this process has open (a `FileJournal`), in chunks. Every record
 * the scan at open checksummed, under the journal's lock, is not summed a second time; the records
 * it trusted without reading (see `trustThrough`) are summed here.
 */
export function journalChunks(journal: JournalView, fromSeq?: number): Iterable<RecordChunk> {
  return readRecordChunks(journal.dir, fromSeq, journal.durableSeq, {
    checkedFrom: journal.checkedFromSeq,
    checkedThrough: journal.openedAtSeq,
  });
}
