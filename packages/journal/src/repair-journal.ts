// The operator's explicit repair of a journal that opening refuses (`bourse journal repair`): cuts
// every record from a named seq on (the damaged or missing one the refusal named), then fills the
// seqs up to the highest one the journal ever held with placeholder records, so no seq (and no id
// derived from one) is ever used twice. Nothing else in the journal cuts a record it cannot prove
// was never acknowledged.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { appendFile, rm, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { lockDirectory } from './directory-lock.ts';
import { FileJournal, OPEN_FOR_REPAIR } from './file-journal.ts';
import { sealBytes, writeSeal } from './batch-seal.ts';
import { CHAIN_BYTES, LAYOUT_V3, readU64 } from './journal-format.ts';
import { findLaterRecord, listSegments, scanJournal } from './journal-scan.ts';
import { readSegmentHeader, SegmentCursor } from './segment-cursor.ts';
import { syncDirectory } from './sync-directory.ts';

export interface RepairOptions {
  /** First seq to drop: the damaged or missing record a refusal named. */
  readonly truncateAtSeq: number;
  /** The placeholder payload for a dropped seq, given the payload of the last record kept. */
  readonly filler: (seq: number, lastKept: Uint8Array | undefined) => Uint8Array;
  /** A seq known durable elsewhere (the newest snapshot's): filled up to at least it. */
  readonly fillToAtLeast?: number;
}

export interface RepairResult {
  readonly cutFromSeq: number;
  /** Seqs cut from the files (damaged or intact); 0 when only a lost tail was filled. */
  readonly droppedRecords: number;
  /** The journal now ends here; seqs cutFromSeq..filledToSeq hold placeholders. */
  readonly filledToSeq: number;
  /**
   * Set when the cut fell inside a batch: its records from this seq to cutFromSeq - 1 were kept and
   * given a new seal, so the chain value covering them changed (a snapshot among them records the
   * old one).
   */
  readonly resealedFromSeq?: number;
}

interface Cut {
  readonly segment: string;
  readonly offset: number;
  /** Whether any byte or later segment was removed. */
  readonly removedBytes: boolean;
  /** Highest seq any removed bytes or names show was written (cutAt - 1 when none). */
  readonly highestSeq: number;
  /** First seq of the records the cut left without a seal and that were sealed again. */
  readonly resealedFromSeq: number | undefined;
}

export async function repairJournal(dir: string, opts: RepairOptions): Promise<RepairResult> {
  const from = opts.truncateAtSeq;
  if (!Number.isSafeInteger(from) || from < 1) {
    throw new RangeError(`truncateAtSeq must be a positive integer, not ${from}`);
  }
  const unlock = lockDirectory(dir);
  let cut: Cut;
  try {
    cut = await cutAt(dir, from);
  } finally {
    unlock();
  }
  const { journal, recovery } = await FileJournal.open(dir, { [OPEN_FOR_REPAIR]: true });
  try {
    const floor = opts.fillToAtLeast ?? 0;
    const filledToSeq = Math.max(cut.highestSeq, recovery.highWaterSeq, floor, from - 1);
    let lastKept: Uint8Array | undefined;
    if (from > 1) for (const record of journal.read(from - 1)) lastKept = record.payload;
    for (let seq = from; seq <= filledToSeq; seq++) journal.append(seq, opts.filler(seq, lastKept));
    await journal.commit();
    const droppedRecords = cut.removedBytes ? Math.max(cut.highestSeq, from) - from + 1 : 0;
    const result = { cutFromSeq: from, droppedRecords, filledToSeq };
    return cut.resealedFromSeq === undefined
      ? result
      : { ...result, resealedFromSeq: cut.resealedFromSeq };
  } finally {
    await journal.close();
  }
}

/** Cuts the journal just before record `from`; records before it must all be whole. */
async function cutAt(dir: string, from: number): Promise<Cut> {
  const scan = scanJournal(dir);
  const intactTo = scan.error === undefined ? scan.lastSeq : scan.error.seq - 1;
  if (from > intactTo + 1) {
    throw new Error(
      `the journal holds whole records only up to seq ${intactTo}; ` +
        `cut at seq ${intactTo + 1} or earlier`,
    );
  }
  const segments = listSegments(dir);
  const at = locate(dir, segments, from, scan.error);
  const index = segments.findIndex((s) => s.name === at.segment);
  const later = segments.slice(index + 1);
  const path = join(dir, at.segment);
  const size = sizeOf(path);
  let highestSeq = from - 1;
  for (const s of later) highestSeq = Math.max(highestSeq, s.firstSeq - 1);
  const removed: string[] = [path, ...later.map((s) => join(dir, s.name))];
  removed.forEach((file, i) => {
    highestSeq = Math.max(highestSeq, highestWholeSeq(file, i === 0 ? at.offset : 0, from));
  });
  for (const s of later.reverse()) await rm(join(dir, s.name));
  let resealedFromSeq: number | undefined;
  if (size > at.offset) {
    await truncate(path, at.offset);
    resealedFromSeq = await resealCut(path, segments[index]!.firstSeq);
  }
  await syncDirectory(dir);
  const removedBytes = size > at.offset || later.length > 0;
  return { segment: at.segment, offset: at.offset, removedBytes, highestSeq, resealedFromSeq };
}

/** Segment and offset where record `from` starts (or would be appended). */
function locate(
  dir: string,
  segments: readonly { name: string; firstSeq: number }[],
  from: number,
  error: { segment: string; offset: number; seq: number } | undefined,
): { segment: string; offset: number } {
  if (error !== undefined && error.seq === from) return error;
  const owner = segments.filter((s) => s.firstSeq <= from).at(-1);
  if (owner === undefined) throw new Error(`no segment holds seq ${from}`);
  const fd = openSync(join(dir, owner.name), 'r');
  try {
    const size = fstatSync(fd).size;
    const header = readSegmentHeader(fd, size, owner.firstSeq);
    const layout = typeof header === 'string' ? LAYOUT_V3 : header.layout;
    const cursor = new SegmentCursor(fd, size, owner.firstSeq, layout);
    for (let step = cursor.next(); step === 'record'; step = cursor.next()) {
      if (cursor.seq === from) return { segment: owner.name, offset: cursor.offset };
    }
    return { segment: owner.name, offset: Math.max(cursor.offset, layout.segmentHeaderBytes) };
  } finally {
    closeSync(fd);
  }
}

/**
 * A cut inside a format 3 batch leaves the batch's first records without their seal, and opening
 * would take them for a torn tail: they get a new seal (the chain changes from there on, as any
 * repair changes it after its cut). Returns the first seq sealed again, if any.
 */
async function resealCut(path: string, firstSeq: number): Promise<number | undefined> {
  const fd = openSync(path, 'r');
  let tail: { bytes: Buffer; lastSeq: number; count: number; prevChain: string } | undefined;
  try {
    const size = fstatSync(fd).size;
    const header = readSegmentHeader(fd, size, firstSeq);
    if (typeof header === 'string' || !header.layout.sealed) return undefined;
    const cursor = new SegmentCursor(fd, size, firstSeq, header.layout);
    let prevChain = header.prevChain!.toString('latin1');
    cursor.reportSeals = true;
    for (let step = cursor.next(); step === 'record' || step === 'seal'; step = cursor.next()) {
      if (step === 'seal') prevChain = cursor.sealView().subarray(-CHAIN_BYTES).toString('latin1');
    }
    const count = cursor.expectedSeq - 1 - cursor.sealedSeq;
    if (count === 0) return undefined;
    const bytes = Buffer.alloc(cursor.offset - cursor.sealEnd + sealBytes(count));
    readSync(fd, bytes, 0, cursor.offset - cursor.sealEnd, cursor.sealEnd);
    tail = { bytes, lastSeq: cursor.expectedSeq - 1, count, prevChain };
  } finally {
    closeSync(fd);
  }
  if (tail === undefined) return undefined;
  const { bytes, lastSeq, count, prevChain } = tail;
  const at = bytes.length - sealBytes(count);
  writeSeal(bytes, 0, at, lastSeq, count, prevChain);
  await appendFile(path, bytes.subarray(at));
  return lastSeq - count + 1;
}

/** Highest seq >= `minSeq` of any whole, checksummed frame in `file` from `start`, else 0. */
function highestWholeSeq(file: string, start: number, minSeq: number): number {
  const fd = openSync(file, 'r');
  let bytes: Buffer;
  try {
    bytes = Buffer.alloc(Math.max(0, fstatSync(fd).size - start));
    let filled = 0;
    while (filled < bytes.length) {
      const got = readSync(fd, bytes, filled, bytes.length - filled, start + filled);
      if (got === 0) break;
      filled += got;
    }
  } finally {
    closeSync(fd);
  }
  let highest = 0;
  for (let at = findLaterRecord(bytes, 0, minSeq); at !== undefined; ) {
    highest = Math.max(highest, readU64(bytes, at + 8));
    at = findLaterRecord(bytes, at + 1, Math.max(minSeq, highest + 1));
  }
  return highest;
}

function sizeOf(path: string): number {
  const fd = openSync(path, 'r');
  try {
    return fstatSync(fd).size;
  } finally {
    closeSync(fd);
  }
}
