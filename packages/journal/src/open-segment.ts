// What opening a journal does to its last segment before appending to it: the scan that knows the
// chain value the next batch follows, the cut of a torn tail (a torn header written again), and the
// format 3 segment that continues a journal written in an older format (1: no chain; 2: a hash per
// record).
import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeSegmentHeader, SEGMENT_HEADER_BYTES, segmentFileName } from './journal-format.ts';
import { type JournalScan, type SegmentSummary, scanJournal } from './journal-scan.ts';
import { PRIVATE_FILE_MODE } from './private-files.ts';
import { syncDirectory } from './sync-directory.ts';
import { isSpaceError } from './write-retry.ts';

/** 0 where the platform has no O_DSYNC: then each commit writes and calls fdatasync. */
export const DSYNC: number = constants.O_DSYNC ?? 0;
/** A new segment: created here, never overwritten; writes durable on return where DSYNC is set. */
export const NEW_SEGMENT_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | DSYNC;
/** The last segment at open: read for the tail repair, then appended to. */
export const LAST_SEGMENT_FLAGS = constants.O_RDWR | DSYNC;

/**
 * The scan a writer needs: one that knows the chain hash its next record follows. Format 1 segments
 * store none, so when the last one is such (a journal from before the chain) it is computed.
 */
export function scanForChain(dir: string, trustThrough = 0): JournalScan {
  const scan = scanJournal(dir, { trustThrough });
  const last = scan.segments.at(-1);
  if (scan.error !== undefined || last === undefined || last.lastChain !== undefined) return scan;
  return scanJournal(dir, { chainFormat1: true });
}

/** Creates the next segment, empty, in the current format: a format 1 or 2 journal continues here. */
export async function startChainedSegment(
  dir: string,
  firstSeq: number,
  prevChain: Uint8Array,
): Promise<{ handle: FileHandle; size: number; hasRecord: boolean }> {
  const path = join(dir, segmentFileName(firstSeq));
  const handle = await open(path, NEW_SEGMENT_FLAGS, PRIVATE_FILE_MODE);
  try {
    await writeAll(handle, encodeSegmentHeader(firstSeq, prevChain), 0);
    await handle.datasync();
    await syncDirectory(dir);
  } catch (error) {
    await handle.close();
    throw error;
  }
  return { handle, size: SEGMENT_HEADER_BYTES, hasRecord: false };
}

/**
 * Cuts a torn tail and makes the result durable; returns the size. A torn header, or the header of a
 * format 1 or 2 segment that holds no record, is written again in the current format, after
 * `prevChain`.
 */
export async function repairTail(
  handle: FileHandle,
  last: SegmentSummary,
  prevChain: Uint8Array,
): Promise<number> {
  const { validBytes, fileBytes, firstSeq } = last;
  let size = fileBytes;
  const empty = last.lastSeq < firstSeq;
  if (validBytes < last.layout.segmentHeaderBytes || (empty && last.layout.version !== 3)) {
    await handle.truncate(0);
    await writeAll(handle, encodeSegmentHeader(firstSeq, prevChain), 0);
    size = SEGMENT_HEADER_BYTES;
  } else if (validBytes < fileBytes) {
    await handle.truncate(validBytes);
    size = validBytes;
  }
  await handle.datasync();
  return size;
}

export async function writeAll(
  handle: FileHandle,
  bytes: Uint8Array,
  position: number,
): Promise<void> {
  let written = 0;
  while (written < bytes.length) {
    const { bytesWritten } = await handle.write(
      bytes,
      written,
      bytes.length - written,
      position + written,
    );
    written += bytesWritten;
  }
}

/**
 * A write that would extend the segment file carries zeros up to the next multiple of this, so the
 * writes after it land inside the file: an `O_DSYNC` write that extends a file also waits for the
 * file system's journal to commit the new size and blocks (with whatever else is in that commit),
 * one inside it only for its data. Measured with this journal's pace of writes (8.6 KB every
 * 1.7 ms, two alternated rounds, load 20): extending p50 0.28–0.32 / p99 4.0–7.5 ms, with 256 KiB
 * written ahead 0.15–0.16 / 1.4–1.9 ms. The zeros read as a torn tail (cut at open); the writer
 * trims a segment to its records before it creates the next one and at close.
 */
export const GROWTH_BYTES = 256 * 1024;

/**
 * Writes `bytes` at `position` of a segment file `allocated` bytes long, with zeros after them up
 * to the next multiple of `GROWTH_BYTES` when they would extend it; returns the file's new size.
 */
export async function writeGrowing(
  handle: FileHandle,
  bytes: Uint8Array,
  position: number,
  allocated: number,
): Promise<number> {
  const end = position + bytes.length;
  if (end <= allocated) {
    await writeAll(handle, bytes, position);
    return allocated;
  }
  const grown = Buffer.alloc(Math.ceil(end / GROWTH_BYTES) * GROWTH_BYTES - position);
  grown.set(bytes);
  try {
    await writeAll(handle, grown, position);
    return position + grown.length;
  } catch (error) {
    // A disk too full for the zeros may still take the records; how far the zeros got is unknown,
    // so the file counts as grown without bound (the writer trims it to its records all the same).
    if (!isSpaceError(error)) throw error;
    await writeAll(handle, bytes, position);
    return Number.POSITIVE_INFINITY;
  }
}
