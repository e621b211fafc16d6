// On-disk layout of journal segments: file names, the segment header and the record frame. Every
// integer is little-endian; a seq is a safe integer stored as a u64 (two u32 halves, no BigInt).
// Format 3 (written today) chains each group-commit batch with one SHA-256 held in a seal frame that
// ends the batch (batch-seal.ts); format 2 chained every record (each record carried the hash that
// commits to the one before it); format 1 segments (written before the chain existed) carry none and
// their chain is computed. Each segment header of formats 2 and 3 carries the chain value it follows,
// so a record changed, removed, inserted or reordered after it was written no longer follows.
import { hash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { crc32Range } from './record-crc.ts';

/** `BRSJRNL` + NUL: identifies a Bourse journal segment. */
export const SEGMENT_MAGIC = Buffer.from('BRSJRNL\0', 'latin1');
/** The format written today; formats 1 and 2 are read (and continued in a new segment). */
export const FORMAT_VERSION = 3;
export const CHAIN_BYTES = 32;
/** The chain value before the first record of a journal. */
export const GENESIS_CHAIN: Buffer = Buffer.alloc(CHAIN_BYTES);

/** Where things sit in a segment of one format version. */
export interface FrameLayout {
  readonly version: 1 | 2 | 3;
  /** v1: magic(8) | u32 version | u32 crc | u64 firstSeq; v2 and v3 add the chain after firstSeq. */
  readonly segmentHeaderBytes: number;
  /** v1, v3: u32 length | u32 crc32(seq..end) | u64 seq; v2 adds the record's chain hash after seq. */
  readonly recordHeaderBytes: number;
  /** Whether the chain is stored (segment headers, and records or seals), not computed. */
  readonly chained: boolean;
  /** v2: each record stores its own chain hash. */
  readonly recordChain: boolean;
  /** v3: each batch of records ends with a seal frame holding the batch's chain hash. */
  readonly sealed: boolean;
}

export const LAYOUT_V1: FrameLayout = {
  version: 1,
  segmentHeaderBytes: 24,
  recordHeaderBytes: 16,
  chained: false,
  recordChain: false,
  sealed: false,
};
export const LAYOUT_V2: FrameLayout = {
  version: 2,
  segmentHeaderBytes: 24 + CHAIN_BYTES,
  recordHeaderBytes: 16 + CHAIN_BYTES,
  chained: true,
  recordChain: true,
  sealed: false,
};
export const LAYOUT_V3: FrameLayout = {
  version: 3,
  segmentHeaderBytes: 24 + CHAIN_BYTES,
  recordHeaderBytes: 16,
  chained: true,
  recordChain: false,
  sealed: true,
};

/** Header of a segment written today: v1's fields, then the chain value before its first record. */
export const SEGMENT_HEADER_BYTES = LAYOUT_V3.segmentHeaderBytes;
/** u32 payloadLength | u32 crc32(seq + payload) | u64 seq */
export const RECORD_HEADER_BYTES = LAYOUT_V3.recordHeaderBytes;
/** Offset of the chain hash inside a v2 record frame (right after the seq). */
export const CHAIN_OFFSET = 16;
/** Upper bound on one payload: a command is small; anything larger is a bug or garbage. */
export const MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;
export const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;

const SEGMENT_NAME = /^(\d{20})\.seg$/;
const TWO_POW_32 = 0x1_0000_0000;

export function segmentFileName(firstSeq: number): string {
  return `${String(firstSeq).padStart(20, '0')}.seg`;
}

/** First seq encoded in a segment file name, or undefined when the name is not a segment. */
export function parseSegmentFileName(name: string): number | undefined {
  const match = SEGMENT_NAME.exec(name);
  if (match === null) return undefined;
  const seq = Number(match[1]);
  return Number.isSafeInteger(seq) && seq >= 1 ? seq : undefined;
}

export function writeU64(buf: Buffer, offset: number, value: number): void {
  buf.writeUInt32LE(value % TWO_POW_32, offset);
  buf.writeUInt32LE(Math.floor(value / TWO_POW_32), offset + 4);
}

/** Reads a u64; values above 2^53 come back unsafe and the caller rejects them as garbage. */
export function readU64(buf: Buffer, offset: number): number {
  return buf.readUInt32LE(offset) + buf.readUInt32LE(offset + 4) * TWO_POW_32;
}

export function encodeSegmentHeader(firstSeq: number, prevChain: Uint8Array): Buffer {
  const header = Buffer.alloc(SEGMENT_HEADER_BYTES);
  writeSegmentHeader(header, 0, firstSeq, prevChain);
  return header;
}

/**
 * A format 3 header (format 2 for tests that build older journals): magic | u32 version | u32 crc |
 * u64 firstSeq | the chain value before its first record (the last seal's, or record's in format 2).
 */
export function writeSegmentHeader(
  buf: Buffer,
  offset: number,
  firstSeq: number,
  prevChain: Uint8Array,
  version: 2 | 3 = FORMAT_VERSION,
): void {
  SEGMENT_MAGIC.copy(buf, offset);
  buf.writeUInt32LE(version, offset + 8);
  buf.writeUInt32LE(0, offset + 12);
  writeU64(buf, offset + 16, firstSeq);
  buf.set(prevChain, offset + 24);
  const sum = crc32(buf.subarray(offset, offset + SEGMENT_HEADER_BYTES));
  buf.writeUInt32LE(sum, offset + 12);
}

/** A format 1 header (for tests and tools that build old journals, and the chain's benchmark). */
export function encodeSegmentHeaderV1(firstSeq: number): Buffer {
  const header = Buffer.alloc(LAYOUT_V1.segmentHeaderBytes);
  writeSegmentHeaderV1(header, 0, firstSeq);
  return header;
}

export function writeSegmentHeaderV1(buf: Buffer, offset: number, firstSeq: number): void {
  const end = offset + LAYOUT_V1.segmentHeaderBytes;
  buf.fill(0, offset, end);
  SEGMENT_MAGIC.copy(buf, offset);
  buf.writeUInt32LE(1, offset + 8);
  writeU64(buf, offset + 16, firstSeq);
  buf.writeUInt32LE(crc32(buf.subarray(offset, end)), offset + 12);
}

export interface SegmentHeader {
  readonly layout: FrameLayout;
  /** The chain hash the first record follows (format 2 only). */
  readonly prevChain: Buffer | undefined;
}

/** The header's layout, or why it is unusable for a segment named after `firstSeq`. */
export function parseSegmentHeader(header: Buffer, firstSeq: number): SegmentHeader | string {
  if (header.length < LAYOUT_V1.segmentHeaderBytes) return 'segment header is incomplete';
  if (!header.subarray(0, 8).equals(SEGMENT_MAGIC)) return 'not a journal segment (bad magic)';
  const version = header.readUInt32LE(8);
  const layout = [LAYOUT_V1, LAYOUT_V2, LAYOUT_V3][version - 1];
  if (layout === undefined) return `unsupported segment format version ${version}`;
  if (header.length < layout.segmentHeaderBytes) return 'segment header is incomplete';
  const bytes = Buffer.from(header.subarray(0, layout.segmentHeaderBytes));
  const stored = bytes.readUInt32LE(12);
  bytes.writeUInt32LE(0, 12);
  if (crc32(bytes) !== stored || readU64(bytes, 16) !== firstSeq) {
    return `segment header does not match its file name (first seq ${firstSeq})`;
  }
  return { layout, prevChain: layout.chained ? bytes.subarray(24, 24 + CHAIN_BYTES) : undefined };
}

/**
 * Frames one format 2 record at `offset` in `buf` (which must have room), chained to `prevChain`,
 * and returns the frame length; the record's own chain hash is then at {@link chainView}. Format 2
 * is no longer written by the journal: for tests and tools that build older journals.
 */
export function writeRecordV2(
  buf: Buffer,
  offset: number,
  seq: number,
  payload: Uint8Array,
  prevChain: Uint8Array,
): number {
  buf.set(prevChain, offset + CHAIN_OFFSET);
  frameChainedRecord(buf, offset, seq, payload);
  return LAYOUT_V2.recordHeaderBytes + payload.byteLength;
}

/**
 * Frames one format 2 record at `offset` whose chain field already holds the previous record's
 * chain hash, and returns the record's own chain hash as a latin1 string (one character per byte).
 * chain = SHA-256(u64 seq | previous chain | payload): the bytes the frame holds from the seq on,
 * so one hash call covers them. The digest is asked for as a string, not a Buffer: allocating a
 * Buffer for each 32-byte result cost more than the hash itself (decision 0111).
 */
export function frameChainedRecord(
  buf: Buffer,
  offset: number,
  seq: number,
  payload: Uint8Array,
): string {
  const headerBytes = LAYOUT_V2.recordHeaderBytes;
  buf.writeUInt32LE(payload.byteLength, offset);
  writeU64(buf, offset + 8, seq);
  buf.set(payload, offset + headerBytes);
  const end = offset + headerBytes + payload.byteLength;
  const chain = hash('sha256', buf.subarray(offset + 8, end), 'binary');
  buf.write(chain, offset + CHAIN_OFFSET, CHAIN_BYTES, 'latin1');
  // seq, chain and payload are contiguous, so one checksum call covers them.
  buf.writeUInt32LE(crc32Range(buf, offset + 8, end), offset + 4);
  return chain;
}

/**
 * Frames one record without a chain field (format 1, and the records of format 3, whose chain is in
 * the batch's seal) and returns the frame length.
 */
export function writeRecord(buf: Buffer, offset: number, seq: number, payload: Uint8Array): number {
  buf.writeUInt32LE(payload.byteLength, offset);
  writeU64(buf, offset + 8, seq);
  buf.set(payload, offset + 16);
  const end = offset + 16 + payload.byteLength;
  buf.writeUInt32LE(crc32Range(buf, offset + 8, end), offset + 4);
  return end - offset;
}

/** Format 1 records are framed as format 3's (the name old tests and tools use). */
export const writeRecordV1 = writeRecord;

/** The chain hash stored in the v2 frame at `offset` (a view into `buf`). */
export function chainView(buf: Buffer, offset: number): Buffer {
  return buf.subarray(offset + CHAIN_OFFSET, offset + CHAIN_OFFSET + CHAIN_BYTES);
}

/** The chain hash a record with this seq and payload has when it follows `prevChain`. */
export function computeChain(seq: number, prevChain: Uint8Array, payload: Uint8Array): Buffer {
  const input = Buffer.allocUnsafe(8 + CHAIN_BYTES + payload.byteLength);
  writeU64(input, 0, seq);
  input.set(prevChain, 8);
  input.set(payload, 8 + CHAIN_BYTES);
  return hash('sha256', input, 'buffer');
}

/** Checksum a framed record at `offset` should carry (the caller has checked the length fits). */
export function recordChecksum(
  buf: Buffer,
  offset: number,
  payloadLength: number,
  recordHeaderBytes: number,
): number {
  return crc32Range(buf, offset + 8, offset + recordHeaderBytes + payloadLength);
}
