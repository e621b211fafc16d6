// On-disk layout of journal segments: file names, the segment header and the record frame. Every
// integer is little-endian; a seq is a safe integer stored as a u64 (two u32 halves, no BigInt).
import { crc32 } from 'node:zlib';

/** `BRSJRNL` + NUL: identifies a Bourse journal segment. */
export const SEGMENT_MAGIC = Buffer.from('BRSJRNL\0', 'latin1');
export const FORMAT_VERSION = 1;
/** magic(8) | u32 version | u32 crc32(magic..firstSeq with this field zeroed) | u64 firstSeq */
export const SEGMENT_HEADER_BYTES = 24;
/** u32 payloadLength | u32 crc32(seq + payload) | u64 seq */
export const RECORD_HEADER_BYTES = 16;
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

export function encodeSegmentHeader(firstSeq: number): Buffer {
  const header = Buffer.alloc(SEGMENT_HEADER_BYTES);
  writeSegmentHeader(header, 0, firstSeq);
  return header;
}

export function writeSegmentHeader(buf: Buffer, offset: number, firstSeq: number): void {
  SEGMENT_MAGIC.copy(buf, offset);
  buf.writeUInt32LE(FORMAT_VERSION, offset + 8);
  buf.writeUInt32LE(0, offset + 12);
  writeU64(buf, offset + 16, firstSeq);
  const sum = crc32(buf.subarray(offset, offset + SEGMENT_HEADER_BYTES));
  buf.writeUInt32LE(sum, offset + 12);
}

/** Why a segment header is unusable, or undefined when it is valid for `firstSeq`. */
export function checkSegmentHeader(header: Buffer, firstSeq: number): string | undefined {
  if (header.length < SEGMENT_HEADER_BYTES) return 'segment header is incomplete';
  if (!header.subarray(0, 8).equals(SEGMENT_MAGIC)) return 'not a journal segment (bad magic)';
  const version = header.readUInt32LE(8);
  if (version !== FORMAT_VERSION) return `unsupported segment format version ${version}`;
  const expected = encodeSegmentHeader(firstSeq);
  if (!header.subarray(0, SEGMENT_HEADER_BYTES).equals(expected)) {
    return `segment header does not match its file name (first seq ${firstSeq})`;
  }
  return undefined;
}

/** Frames one record at `offset` in `buf` (which must have room) and returns the frame length. */
export function writeRecord(buf: Buffer, offset: number, seq: number, payload: Uint8Array): number {
  buf.writeUInt32LE(payload.byteLength, offset);
  writeU64(buf, offset + 8, seq);
  buf.set(payload, offset + RECORD_HEADER_BYTES);
  const end = offset + RECORD_HEADER_BYTES + payload.byteLength;
  // seq and payload are contiguous, so one checksum call covers both.
  buf.writeUInt32LE(crc32(buf.subarray(offset + 8, end)), offset + 4);
  return end - offset;
}

/** Checksum a framed record at `offset` should carry (the caller has checked the length fits). */
export function recordChecksum(buf: Buffer, offset: number, payloadLength: number): number {
  return crc32(buf.subarray(offset + 8, offset + RECORD_HEADER_BYTES + payloadLength));
}
