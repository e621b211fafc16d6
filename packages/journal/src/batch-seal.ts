// The seal that ends each batch of records in a format 3 segment: one SHA-256 per group commit
// instead of one per record (decision 0112). A seal frame is
//   u32 (SEAL_FLAG | bodyLength) | u32 crc32(bytes 8..end) | u64 lastSeq | u32 count |
//   count × u32 (the CRC of each record of the batch, in order: the manifest) | chain(32)
// and chain = SHA-256(the batch's record frames as stored || the seal frame with its CRC field 0 and
// its chain field holding the previous chain value). The writer builds that input in place, where
// the records already are (the chain field holds the previous chain while it is hashed), so one
// hash call covers the batch. The manifest is what lets an audit name the edited record of a batch
// whose hash no longer matches: the record whose CRC differs from its manifest entry.
import { createHash, hash } from 'node:crypto';
import { CHAIN_BYTES, readU64, writeU64 } from './journal-format.ts';
import { crc32Range } from './record-crc.ts';

/** Set in a frame's length word: the frame is a seal, not a record (payloads are far smaller). */
export const SEAL_FLAG = 0x8000_0000;
/** Frame header (length, crc, lastSeq) and the count. */
export const SEAL_FIXED_BYTES = 20;
/** Most records one seal covers: a batch larger than this is sealed in parts (manifest ≤ 256 KiB). */
export const MAX_SEAL_RECORDS = 65_536;

/** Bytes of a seal frame over `count` records. */
export function sealBytes(count: number): number {
  return SEAL_FIXED_BYTES + 4 * count + CHAIN_BYTES;
}

/** Whether a frame's length word marks a seal. */
export function isSealWord(lengthWord: number): boolean {
  return (lengthWord & SEAL_FLAG) !== 0;
}

/** The body length (what follows the 16-byte frame header) a seal's length word states. */
export function sealBodyBytes(lengthWord: number): number {
  return (lengthWord & ~SEAL_FLAG) >>> 0;
}

/**
 * Writes the seal at `at` over the `count` record frames in `buf[groupStart, at)`, chained to
 * `prevChain` (latin1), and returns the seal's chain (latin1). `buf` must have room for the seal.
 */
export function writeSeal(
  buf: Buffer,
  groupStart: number,
  at: number,
  lastSeq: number,
  count: number,
  prevChain: string,
): string {
  const end = at + sealBytes(count);
  buf.writeUInt32LE((SEAL_FLAG | (end - at - 16)) >>> 0, at);
  buf.writeUInt32LE(0, at + 4);
  writeU64(buf, at + 8, lastSeq);
  buf.writeUInt32LE(count, at + 16);
  let entry = at + SEAL_FIXED_BYTES;
  for (let frame = groupStart; frame < at; entry += 4) {
    buf.writeUInt32LE(buf.readUInt32LE(frame + 4), entry);
    frame += 16 + buf.readUInt32LE(frame);
  }
  const chainAt = end - CHAIN_BYTES;
  buf.write(prevChain, chainAt, CHAIN_BYTES, 'latin1');
  // One call over the batch's bytes, in the buffer they are written from (decision 0112).
  const chain = hash('sha256', buf.subarray(groupStart, end), 'binary');
  buf.write(chain, chainAt, CHAIN_BYTES, 'latin1');
  buf.writeUInt32LE(crc32Range(buf, at + 8, end), at + 4);
  return chain;
}

/** A seal read back: its fields, as views into the bytes it was parsed from. */
export interface SealView {
  readonly lastSeq: number;
  readonly count: number;
  /** The CRC the seal lists for the i-th record of its batch. */
  manifestCrc(i: number): number;
  readonly chain: Buffer;
  /** The whole frame. */
  readonly frame: Buffer;
}

/** Parses the seal frame `frame` (whose CRC the caller checked), or says why it is malformed. */
export function parseSeal(frame: Buffer): SealView | string {
  if (frame.length < sealBytes(0)) return 'seal frame too short';
  const count = frame.readUInt32LE(16);
  if (frame.length !== sealBytes(count)) {
    return `seal of ${frame.length} bytes cannot list ${count} records`;
  }
  return {
    lastSeq: readU64(frame, 8),
    count,
    manifestCrc: (i) => frame.readUInt32LE(SEAL_FIXED_BYTES + 4 * i),
    chain: frame.subarray(frame.length - CHAIN_BYTES),
    frame,
  };
}

/**
 * Recomputes a batch's chain as a verifier reads it, a record frame at a time (the frames of one
 * batch need not sit in one buffer when read back).
 */
export class BatchHasher {
  #hash = createHash('sha256');

  addRecordFrame(frame: Uint8Array): void {
    this.#hash.update(frame);
  }

  /** The chain the batch's seal should hold after `prevChain`; resets for the next batch. */
  finish(seal: SealView, prevChain: Uint8Array): Buffer {
    const copy = Buffer.from(seal.frame);
    copy.writeUInt32LE(0, 4);
    copy.set(prevChain, copy.length - CHAIN_BYTES);
    const chain = this.#hash.update(copy).digest();
    this.#hash = createHash('sha256');
    return chain;
  }
}
