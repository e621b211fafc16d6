// Whether damage in the last batch of a format 3 segment is that batch's own write torn by a power
// cut, though valid frames follow the damage. A commit is one O_DSYNC write that may span many
// pages, and the device may persist a later sector of it and not an earlier one: the write never
// returned, so nothing in it was acknowledged. It is told from damage by what it leaves (decision
// 0982): every valid frame after the damage belongs to the damaged batch (its records, and at most
// its own seal, with nothing valid after that seal: no later commit was ever acknowledged), and a
// whole sector of the batch reads as zeros (what a file system returns for blocks a write never
// reached; the journal's zeros written ahead are what lay there before). A record damaged after it
// was written keeps its sectors, so it is still refused, as is damage followed by a later commit.
import { isSealWord, MAX_SEAL_RECORDS, sealBodyBytes, sealBytes } from './batch-seal.ts';
import { MAX_PAYLOAD_BYTES, readU64, recordChecksum } from './journal-format.ts';

/** The unit a device persists whole: a torn write loses whole sectors, aligned in the file. */
export const SECTOR_BYTES = 512;
const FRAME_HEADER_BYTES = 16;
const MAX_SEAL_BODY = sealBytes(MAX_SEAL_RECORDS) - FRAME_HEADER_BYTES;

/** A valid frame found by scanning: a record (`count` 0) or a seal over `count` records ending at `seq`. */
interface FoundFrame {
  readonly at: number;
  readonly end: number;
  readonly seq: number;
  readonly count: number;
}

/**
 * `batch` holds a segment's bytes from its last whole seal (or from its start when its header is
 * damaged) to its end and starts at file offset `batchAt`; the first untrustworthy frame is at
 * `damageAt` in it and should have carried a seq of the batch that starts at `firstSeq`. True when
 * the damage is that batch's write torn by a power cut: a sector after the damage was lost while
 * bytes after it reached the disk. False otherwise; the caller's rules for a tail that ends in
 * zeros then decide. `headerRead` is false when the segment's header is the damage: then only a
 * seal shows the segment is format 3 (an older segment holds no seals, and its records are not
 * known to have been written in one write).
 */
export function isTornLastWrite(
  batch: Buffer,
  batchAt: number,
  damageAt: number,
  firstSeq: number,
  headerRead = true,
): boolean {
  // No frame starts past the last non-zero byte (the zeros written ahead, or a zeroed end).
  let written = batch.length;
  while (written > damageAt && batch[written - 1] === 0) written--;
  if (written === damageAt) return false;
  const next = (from: number) => nextFrame(batch, from, written, firstSeq);
  let highestSeq = firstSeq - 1;
  for (let frame = next(damageAt + 1); frame !== undefined; frame = next(frame.end)) {
    if (frame.count > 0) {
      // The seal must close the damaged batch, cover every record found, and end what was written.
      const closesBatch = frame.seq - frame.count + 1 === firstSeq && frame.seq >= highestSeq;
      if (!closesBatch || next(frame.end) !== undefined) return false;
      return holdsLostSector(batch, batchAt, damageAt, frame.at);
    }
    highestSeq = Math.max(highestSeq, frame.seq);
  }
  // No seal after the damage: nothing in the batch was acknowledged.
  return headerRead && holdsLostSector(batch, batchAt, damageAt, written);
}

/**
 * Whether a sector from the damage's on, wholly before `before` (where bytes the write left on the
 * disk follow), reads as zeros wherever it lies in the batch. The batch's first sector is shared
 * with the batch before; its part in this batch counts only when the damage is the batch's first
 * frame (a sector lost under it zeroes that frame's header; a first frame read whole was not lost).
 */
function holdsLostSector(
  batch: Buffer,
  batchAt: number,
  damageAt: number,
  before: number,
): boolean {
  const end = batchAt + before;
  let sector = Math.floor((batchAt + damageAt) / SECTOR_BYTES) * SECTOR_BYTES;
  for (; sector + SECTOR_BYTES <= end; sector += SECTOR_BYTES) {
    if (sector < batchAt && damageAt > 0) continue;
    const from = Math.max(sector, batchAt);
    if (isZero(batch, from - batchAt, sector + SECTOR_BYTES - batchAt)) return true;
  }
  return false;
}

function isZero(bytes: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (bytes[i] !== 0) return false;
  return true;
}

/**
 * The first valid frame starting in `[from, before)` whose seq could belong to a batch starting at
 * `minSeq`: a record whose checksum holds, or a seal whose checksum and shape hold. Runs only on
 * damage.
 */
function nextFrame(
  bytes: Buffer,
  from: number,
  before: number,
  minSeq: number,
): FoundFrame | undefined {
  const maxSeq = minSeq + Math.ceil(bytes.length / FRAME_HEADER_BYTES);
  for (let at = from; at < before && at + FRAME_HEADER_BYTES <= bytes.length; at++) {
    const seq = readU64(bytes, at + 8);
    if (seq < minSeq || seq > maxSeq) continue;
    const word = bytes.readUInt32LE(at);
    const seal = isSealWord(word);
    const body = seal ? sealBodyBytes(word) : word;
    if (seal ? body > MAX_SEAL_BODY || body % 4 !== 0 : body > MAX_PAYLOAD_BYTES) continue;
    const end = at + FRAME_HEADER_BYTES + body;
    if (end > bytes.length) continue;
    if (recordChecksum(bytes, at, body, FRAME_HEADER_BYTES) !== bytes.readUInt32LE(at + 4))
      continue;
    if (!seal) return { at, end, seq, count: 0 };
    if (body < sealBytes(0) - FRAME_HEADER_BYTES) continue;
    const count = bytes.readUInt32LE(at + FRAME_HEADER_BYTES);
    if (count > 0 && sealBytes(count) === end - at) return { at, end, seq, count };
  }
  return undefined;
}
