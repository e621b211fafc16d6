// Streams whole records from a journal directory, from one seq up to a known last seq, checking
// each checksum and seq as it goes. Shared by FileJournal.read (bounded by durableSeq) and
// readJournal (a read-only view that neither locks nor repairs, for tools and replicas beside a
// live writer).
import { closeSync, fstatSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { JournalCorruptError } from './journal-corrupt-error.ts';
import { GENESIS_CHAIN, segmentFileName } from './journal-format.ts';
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
  const segments = listSegments(dir);
  const oldest = segments[0]?.firstSeq ?? 1;
  const from = fromSeq ?? oldest;
  if (from > bound) return;
  if (from < oldest) {
    throw new RangeError(`records before seq ${oldest} were removed; cannot read from ${from}`);
  }
  let index = 0;
  while (index + 1 < segments.length && segments[index + 1]!.firstSeq <= from) index++;
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
      for (let step = cursor.next(); step !== 'end'; step = cursor.next()) {
        if (step === 'invalid') throw new JournalCorruptError(name, cursor.offset, cursor.reason);
        if (cursor.seq >= from) {
          yield { seq: cursor.seq, payload: new Uint8Array(cursor.payloadView()) };
        }
        if (cursor.seq === bound) return;
      }
      expected = cursor.expectedSeq;
    } finally {
      closeSync(fd);
    }
  }
  const lastName = segments.at(-1)?.name ?? segmentFileName(expected);
  throw new JournalCorruptError(lastName, 0, `journal ends before seq ${bound}`);
}

/**
 * The chain hash stored with record `seq` (all zeros for seq 0), or undefined when no kept segment
 * holds it or it was written before records were chained. Reads one segment up to the record.
 */
export function readChainAt(dir: string, seq: number): Buffer | undefined {
  if (seq === 0) return Buffer.from(GENESIS_CHAIN);
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
    for (let step = cursor.next(); step === 'record'; step = cursor.next()) {
      if (cursor.seq === seq) return copyChain(cursor.chainView());
    }
    return undefined;
  } finally {
    closeSync(fd);
  }
}
