// Sequential, synchronous reader of the records in one segment file through a reused read buffer.
// It reports each record, the clean end of the file, or the first frame it cannot trust; it never
// decides whether that frame is a torn tail or corruption (the caller knows which segment is last).
// In format 3 it checks each batch's seal frame as a frame (its CRC and shape) and steps over it
// unless asked to report seals; whether a seal matches its batch is the audit's question.
import { readSync } from 'node:fs';
import { isSealWord, MAX_SEAL_RECORDS, sealBodyBytes, sealBytes } from './batch-seal.ts';
import {
  CHAIN_BYTES,
  chainView,
  type FrameLayout,
  LAYOUT_V3,
  MAX_PAYLOAD_BYTES,
  parseSegmentHeader,
  readU64,
  recordChecksum,
  type SegmentHeader,
} from './journal-format.ts';

export type CursorStep = 'record' | 'seal' | 'end' | 'invalid';
/**
 * `incomplete`: the frame is cut short or its length is impossible (what a torn write leaves);
 * `checksum`: a whole frame whose checksum fails (`payloadLength` is its stated length);
 * `sequence`: the frame checks out but its seq is a gap or repeat (never a torn write).
 */
export type InvalidKind = 'incomplete' | 'checksum' | 'sequence';

const INITIAL_BUFFER_BYTES = 1024 * 1024;
const MAX_SEAL_BODY = sealBytes(MAX_SEAL_RECORDS) - 16;

export class SegmentCursor {
  /** Start of the record just returned (or of the invalid frame, or the file end). */
  offset: number;
  /** End of the record just returned: where the next one starts. */
  end: number;
  /** Seq the next record must carry. */
  expectedSeq: number;
  seq = 0;
  payloadLength = 0;
  invalidKind: InvalidKind = 'incomplete';
  reason = '';
  readonly #fd: number;
  readonly #fileSize: number;
  #buf: Buffer = Buffer.allocUnsafe(INITIAL_BUFFER_BYTES);
  #bufStart = 0;
  #bufLen = 0;

  readonly layout: FrameLayout;
  readonly #headerBytes: number;
  /**
   * Records from `checkedFrom` up to `checkedThrough` were checksummed by this process already (or
   * are trusted by the scan that set them); the others are checked here. 0: check every record.
   */
  checkedThrough = 0;
  checkedFrom = 1;
  /** Return 'seal' for each seal frame instead of stepping over it (format 3). */
  reportSeals = false;
  /** Last seq the seals read so far cover (format 3; the seq before the segment's first at first). */
  sealedSeq: number;
  /** Where the last seal read ends (the end of the header before any). */
  sealEnd: number;

  constructor(
    fd: number,
    fileSize: number,
    firstSeq: number,
    layout: FrameLayout = LAYOUT_V3,
    startOffset = layout.segmentHeaderBytes,
  ) {
    this.#fd = fd;
    this.#fileSize = fileSize;
    this.layout = layout;
    this.#headerBytes = layout.recordHeaderBytes;
    this.expectedSeq = firstSeq;
    this.sealedSeq = firstSeq - 1;
    this.offset = startOffset;
    this.end = startOffset;
    this.sealEnd = startOffset;
  }

  next(): CursorStep {
    for (;;) {
      const at = this.end;
      this.offset = at;
      if (at === this.#fileSize) return 'end';
      const headerBytes = this.#headerBytes;
      if (!this.#ensure(at, headerBytes)) {
        const why = `incomplete record header (${this.#fileSize - at} bytes)`;
        return this.#invalid('incomplete', why);
      }
      const length = this.#buf.readUInt32LE(at - this.#bufStart);
      if (!this.layout.sealed || !isSealWord(length)) return this.#record(at, length);
      const step = this.#seal(at, sealBodyBytes(length));
      if (step !== 'seal' || this.reportSeals) return step;
    }
  }

  /** Checks the seal frame at `at` as a frame and steps past it. */
  #seal(at: number, body: number): CursorStep {
    if (body > MAX_SEAL_BODY || body < sealBytes(0) - 16 || body % 4 !== 0) {
      return this.#invalid('incomplete', `seal length ${body} is impossible`);
    }
    if (!this.#ensure(at, 16 + body)) {
      return this.#invalid('incomplete', `seal of ${body} bytes runs past the end of the file`);
    }
    const frame = at - this.#bufStart;
    const sealed = this.expectedSeq - 1;
    const checked = sealed <= this.checkedThrough && sealed >= this.checkedFrom;
    if (
      !checked &&
      recordChecksum(this.#buf, frame, body, 16) !== this.#buf.readUInt32LE(frame + 4)
    ) {
      this.payloadLength = body;
      return this.#invalid('checksum', 'seal checksum mismatch');
    }
    if (sealBytes(this.#buf.readUInt32LE(frame + 16)) !== 16 + body) {
      return this.#invalid('sequence', 'seal lists another number of records than it holds');
    }
    this.payloadLength = body;
    this.end = at + 16 + body;
    this.sealedSeq = sealed;
    this.sealEnd = this.end;
    return 'seal';
  }

  /** View of the seal frame just returned (step 'seal'); valid only until the next call to `next`. */
  sealView(): Buffer {
    const start = this.offset - this.#bufStart;
    return this.#buf.subarray(start, start + 16 + this.payloadLength);
  }

  /** View of the whole frame of the record just returned; valid only until the next call to `next`. */
  frameView(): Buffer {
    const start = this.offset - this.#bufStart;
    return this.#buf.subarray(start, start + this.#headerBytes + this.payloadLength);
  }

  #record(at: number, length: number): CursorStep {
    const headerBytes = this.#headerBytes;
    if (length > MAX_PAYLOAD_BYTES) {
      return this.#invalid('incomplete', `record length ${length} exceeds ${MAX_PAYLOAD_BYTES}`);
    }
    if (!this.#ensure(at, headerBytes + length)) {
      return this.#invalid('incomplete', `record of ${length} bytes runs past the end of the file`);
    }
    const frame = at - this.#bufStart;
    const stored = this.#buf.readUInt32LE(frame + 4);
    // A record this process already checked (the scan when the journal was opened) is not summed
    // again; its seq is checked below like every other's.
    const checked = this.expectedSeq <= this.checkedThrough && this.expectedSeq >= this.checkedFrom;
    if (!checked && recordChecksum(this.#buf, frame, length, headerBytes) !== stored) {
      this.payloadLength = length;
      return this.#invalid('checksum', 'record checksum mismatch');
    }
    const seq = readU64(this.#buf, frame + 8);
    if (seq !== this.expectedSeq) {
      return this.#invalid('sequence', `record seq ${seq} where ${this.expectedSeq} was expected`);
    }
    this.seq = seq;
    this.payloadLength = length;
    this.expectedSeq = seq + 1;
    this.end = at + headerBytes + length;
    return 'record';
  }

  /** View of the current record's payload; valid only until the next call to `next`. */
  payloadView(): Buffer {
    const start = this.offset - this.#bufStart + this.#headerBytes;
    return this.#buf.subarray(start, start + this.payloadLength);
  }

  /** The read buffer the current record's payload sits in; valid only until the next call to `next`. */
  get bytes(): Buffer {
    return this.#buf;
  }

  /** Where the current record's payload starts in {@link bytes} (it ends `payloadLength` later). */
  get payloadStart(): number {
    return this.offset - this.#bufStart + this.#headerBytes;
  }

  /** Copies the current record's payload into `target` at `at` (no view allocated). */
  copyPayload(target: Uint8Array, at: number): void {
    const buf = this.#buf;
    let from = this.offset - this.#bufStart + this.#headerBytes;
    const n = this.payloadLength;
    // Commands are tens of bytes: a loop beats a native copy call at that size.
    if (n > 64) {
      buf.copy(target, at, from, from + n);
      return;
    }
    for (let i = 0; i < n; i++) target[at + i] = buf[from++]!;
  }

  /** View of the current record's stored chain hash (format 2 only); valid until `next`. */
  chainView(): Buffer {
    if (!this.layout.recordChain) throw new Error('only format 2 records carry a chain hash');
    return chainView(this.#buf, this.offset - this.#bufStart);
  }

  #invalid(kind: InvalidKind, reason: string): CursorStep {
    this.invalidKind = kind;
    this.reason = reason;
    return 'invalid';
  }

  /** Makes bytes [pos, pos + n) resident; false when the file is too short to hold them. */
  #ensure(pos: number, n: number): boolean {
    if (pos + n > this.#fileSize) return false;
    if (pos >= this.#bufStart && pos + n <= this.#bufStart + this.#bufLen) return true;
    const keepFrom = Math.max(0, Math.min(pos - this.#bufStart, this.#bufLen));
    const kept = pos >= this.#bufStart ? this.#bufLen - keepFrom : 0;
    if (n > this.#buf.length) {
      const grown = Buffer.allocUnsafe(2 ** Math.ceil(Math.log2(n)));
      this.#buf.copy(grown, 0, keepFrom, keepFrom + kept);
      this.#buf = grown;
    } else {
      this.#buf.copyWithin(0, keepFrom, keepFrom + kept);
    }
    this.#bufStart = pos;
    this.#bufLen = kept;
    while (this.#bufLen < n) {
      const want = Math.min(this.#buf.length - this.#bufLen, this.#fileSize - pos - this.#bufLen);
      const got = readSync(this.#fd, this.#buf, this.#bufLen, want, pos + this.#bufLen);
      if (got === 0) return false; // the file shrank under us: treat as a short file
      this.#bufLen += got;
    }
    return true;
  }
}

/** Reads and checks the header of the segment open as `fd`: its layout, or why it is unusable. */
export function readSegmentHeader(
  fd: number,
  fileSize: number,
  firstSeq: number,
): SegmentHeader | string {
  const header = Buffer.alloc(Math.min(fileSize, LAYOUT_V3.segmentHeaderBytes));
  let filled = 0;
  while (filled < header.length) {
    const got = readSync(fd, header, filled, header.length - filled, filled);
    if (got === 0) break;
    filled += got;
  }
  return parseSegmentHeader(header.subarray(0, filled), firstSeq);
}

/** A 32-byte copy of a chain hash view. */
export function copyChain(view: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(CHAIN_BYTES);
  out.set(view);
  return out;
}
