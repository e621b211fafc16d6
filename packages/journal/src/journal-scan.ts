// Read-only walk over every segment of a journal directory that classifies what it finds: whole
// records, a torn tail (an untrustworthy frame at the end of the LAST segment with nothing valid
// after it) or corruption (anything else). Opening and verifying share it, so they can never
// disagree.
import { closeSync, existsSync, fstatSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';
import {
  checkSegmentHeader,
  MAX_PAYLOAD_BYTES,
  parseSegmentFileName,
  RECORD_HEADER_BYTES,
  readU64,
  recordChecksum,
  SEGMENT_HEADER_BYTES,
} from './journal-format.ts';
import { SegmentCursor } from './segment-cursor.ts';

export interface SegmentSummary {
  readonly name: string;
  readonly firstSeq: number;
  /** firstSeq - 1 when the segment holds no record. */
  readonly lastSeq: number;
  /** Bytes that hold a valid header and whole records (the file may be longer by a torn tail). */
  readonly validBytes: number;
  readonly fileBytes: number;
}

export interface ScanProblem {
  readonly segment: string;
  readonly offset: number;
  readonly message: string;
}

export interface JournalScan {
  readonly segments: SegmentSummary[];
  /** Segment files found, including any after the damage. */
  readonly segmentFiles: number;
  readonly records: number;
  /** 0 when the journal holds no record. */
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly tornTailBytes: number;
  readonly totalBytes: number;
  readonly error?: ScanProblem;
}

export type ProgressFn = (bytesDone: number, bytesTotal: number) => void;

const PROGRESS_STEP_BYTES = 4 * 1024 * 1024;

/** Segment file names in seq order. */
export function listSegments(dir: string): { name: string; firstSeq: number }[] {
  if (!existsSync(dir)) return [];
  const found: { name: string; firstSeq: number }[] = [];
  for (const name of readdirSync(dir)) {
    const firstSeq = parseSegmentFileName(name);
    if (firstSeq !== undefined) found.push({ name, firstSeq });
  }
  return found.sort((a, b) => a.firstSeq - b.firstSeq);
}

export function scanJournal(dir: string, onProgress?: ProgressFn): JournalScan {
  const listed = listSegments(dir);
  const sizes = listed.map((s) => sizeOf(join(dir, s.name)));
  const totalBytes = sizes.reduce((a, b) => a + b, 0);
  const segments: SegmentSummary[] = [];
  let done = 0;
  let records = 0;
  let tornTailBytes = 0;
  let error: ScanProblem | undefined;
  for (let i = 0; i < listed.length && error === undefined; i++) {
    const { name, firstSeq } = listed[i]!;
    const previous = segments.at(-1);
    if (previous !== undefined && firstSeq !== previous.lastSeq + 1) {
      const expected = previous.lastSeq + 1;
      const message = `segment starts at seq ${firstSeq} but seq ${expected} was expected`;
      error = { segment: name, offset: 0, message };
      break;
    }
    const isLast = i === listed.length - 1;
    const progress = (bytes: number) => onProgress?.(done + bytes, totalBytes);
    const result = scanSegment(join(dir, name), name, firstSeq, isLast, progress);
    done += sizes[i]!;
    onProgress?.(done, totalBytes);
    if ('error' in result) {
      error = result.error;
      break;
    }
    segments.push(result.summary);
    records += result.summary.lastSeq - firstSeq + 1;
    if (isLast) tornTailBytes = result.summary.fileBytes - result.summary.validBytes;
  }
  const first = segments.find((s) => s.lastSeq >= s.firstSeq);
  const base = {
    segments,
    segmentFiles: listed.length,
    records,
    firstSeq: first?.firstSeq ?? 0,
    lastSeq: first === undefined ? 0 : segments.at(-1)!.lastSeq,
    tornTailBytes,
    totalBytes,
  };
  return error === undefined ? base : { ...base, error };
}

type SegmentResult = { summary: SegmentSummary } | { error: ScanProblem };

function scanSegment(
  path: string,
  name: string,
  firstSeq: number,
  isLast: boolean,
  progress: (bytes: number) => void,
): SegmentResult {
  const fd = openSync(path, 'r');
  try {
    const fileBytes = fstatSync(fd).size;
    const header = Buffer.alloc(Math.min(fileBytes, SEGMENT_HEADER_BYTES));
    readFully(fd, header, 0);
    const headerProblem = checkSegmentHeader(header, firstSeq);
    if (headerProblem !== undefined) {
      const torn = isLast && findLaterRecord(fd, fileBytes, 0, firstSeq) === undefined;
      if (!torn) return { error: { segment: name, offset: 0, message: headerProblem } };
      return { summary: { name, firstSeq, lastSeq: firstSeq - 1, validBytes: 0, fileBytes } };
    }
    const cursor = new SegmentCursor(fd, fileBytes, firstSeq);
    let reported = 0;
    let step = cursor.next();
    while (step === 'record') {
      if (cursor.end - reported >= PROGRESS_STEP_BYTES) progress((reported = cursor.end));
      step = cursor.next();
    }
    const summary = {
      name,
      firstSeq,
      lastSeq: cursor.expectedSeq - 1,
      validBytes: cursor.offset,
      fileBytes,
    };
    if (step === 'end') return { summary };
    const torn =
      isLast &&
      cursor.invalidKind === 'frame' &&
      findLaterRecord(fd, fileBytes, cursor.offset + 1, cursor.expectedSeq) === undefined;
    if (torn) return { summary };
    let message = cursor.reason;
    if (!isLast) message += ' (not the last segment)';
    else if (cursor.invalidKind === 'frame') message += ', and valid records follow it';
    return { error: { segment: name, offset: cursor.offset, message } };
  } finally {
    closeSync(fd);
  }
}

/**
 * Offset of a valid record at or after `from` whose seq could follow `expectedSeq`, if any. A torn
 * write leaves nothing valid after the damage; damage followed by good records is corruption. Runs
 * only when something is already wrong, so it may read the rest of the file at once.
 */
function findLaterRecord(
  fd: number,
  fileBytes: number,
  from: number,
  expectedSeq: number,
): number | undefined {
  if (fileBytes - from < RECORD_HEADER_BYTES) return undefined;
  const rest = Buffer.allocUnsafe(fileBytes - from);
  readFully(fd, rest, from);
  const maxSeq = expectedSeq + Math.ceil(rest.length / RECORD_HEADER_BYTES);
  for (let at = 0; at + RECORD_HEADER_BYTES <= rest.length; at++) {
    const seq = readU64(rest, at + 8);
    if (seq < expectedSeq || seq > maxSeq) continue;
    const length = rest.readUInt32LE(at);
    if (length > MAX_PAYLOAD_BYTES || at + RECORD_HEADER_BYTES + length > rest.length) continue;
    if (recordChecksum(rest, at, length) === rest.readUInt32LE(at + 4)) return from + at;
  }
  return undefined;
}

function readFully(fd: number, into: Buffer, position: number): void {
  let filled = 0;
  while (filled < into.length) {
    const got = readSync(fd, into, filled, into.length - filled, position + filled);
    if (got === 0) throw new Error(`unexpected end of file at ${position + filled}`);
    filled += got;
  }
}

function sizeOf(path: string): number {
  const fd = openSync(path, 'r');
  try {
    return fstatSync(fd).size;
  } finally {
    closeSync(fd);
  }
}
