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
