// Records appended since the last flush, framed into one growing buffer so a commit is one write
// per segment touched. A chunk that starts a new segment begins with that segment's header, so
// every chunk is written with a single call at a known file position. Each record is chained to the
// one before it as it is framed (journal-format.ts), so the batch knows the chain hash of its last.
// Chain hashes travel between records as latin1 strings (one character per byte): written into the
// frame without a Buffer allocated or copied per record (decision 0111).
import {
  CHAIN_BYTES,
  CHAIN_OFFSET,
  chainView,
  frameChainedRecord,
  RECORD_HEADER_BYTES,
  SEGMENT_HEADER_BYTES,
  LAYOUT_V1,
  writeRecordV1,
  writeSegmentHeader,
  writeSegmentHeaderV1,
} from './journal-format.ts';

export interface BatchChunk {
  /** Set when the chunk opens a new segment file named after this seq. */
  readonly newSegmentSeq: number | undefined;
  readonly start: number;
  end: number;
}

const INITIAL_BYTES = 64 * 1024;
/** A buffer that grew past this for one burst is dropped afterwards rather than kept forever. */
const RETAIN_LIMIT_BYTES = 8 * 1024 * 1024;

export class PendingBatch {
  readonly chunks: BatchChunk[] = [];
  firstSeq = 0;
  lastSeq = 0;
  #buf: Buffer = Buffer.allocUnsafe(INITIAL_BYTES);
  #len = 0;
  /** Start of the last record framed. */
  #lastAt = 0;
  /** False only to measure what the chain costs: format 1 frames, no hash. */
  readonly #chained: boolean;

  constructor(chained = true) {
    this.#chained = chained;
  }

  get isEmpty(): boolean {
    return this.#len === 0;
  }

  get byteLength(): number {
    return this.#len;
  }

  /**
   * Frames one record chained to `prevChain` (the chain hash of the record before it, latin1) and
   * returns its own chain hash (latin1); `newSegment` starts a new segment (header first, carrying
   * `prevChain`) at this record.
   */
  append(seq: number, payload: Uint8Array, newSegment: boolean, prevChain: string): string {
    const need = (newSegment ? SEGMENT_HEADER_BYTES : 0) + RECORD_HEADER_BYTES + payload.byteLength;
    this.#reserve(need);
    if (newSegment || this.chunks.length === 0) {
      this.chunks.push({ newSegmentSeq: newSegment ? seq : undefined, start: this.#len, end: 0 });
    }
    if (!this.#chained) {
      this.#appendUnchained(seq, payload, newSegment);
      return prevChain;
    }
    const buf = this.#buf;
    if (newSegment) {
      writeSegmentHeader(buf, this.#len, seq, Buffer.from(prevChain, 'latin1'));
      this.#len += SEGMENT_HEADER_BYTES;
    }
    this.#lastAt = this.#len;
    buf.write(prevChain, this.#len + CHAIN_OFFSET, CHAIN_BYTES, 'latin1');
    const chain = frameChainedRecord(buf, this.#len, seq, payload);
    this.#len += RECORD_HEADER_BYTES + payload.byteLength;
    this.chunks.at(-1)!.end = this.#len;
    if (this.firstSeq === 0) this.firstSeq = seq;
    this.lastSeq = seq;
    return chain;
  }

  #appendUnchained(seq: number, payload: Uint8Array, newSegment: boolean): void {
    if (newSegment) {
      writeSegmentHeaderV1(this.#buf, this.#len, seq);
      this.#len += LAYOUT_V1.segmentHeaderBytes;
    }
    this.#len += writeRecordV1(this.#buf, this.#len, seq, payload);
    this.chunks.at(-1)!.end = this.#len;
    if (this.firstSeq === 0) this.firstSeq = seq;
    this.lastSeq = seq;
  }

  /** Copies the chain hash of the last record framed into `into` (the batch must not be empty). */
  copyLastChain(into: Buffer): void {
    if (this.#chained) chainView(this.#buf, this.#lastAt).copy(into, 0, 0, CHAIN_BYTES);
  }

  /** Bytes of one chunk; valid until the next `append` or `reset`. */
  bytes(chunk: BatchChunk): Buffer {
    return this.#buf.subarray(chunk.start, chunk.end);
  }

  reset(): void {
    this.chunks.length = 0;
    this.firstSeq = 0;
    this.lastSeq = 0;
    this.#len = 0;
    if (this.#buf.length > RETAIN_LIMIT_BYTES) this.#buf = Buffer.allocUnsafe(INITIAL_BYTES);
  }

  #reserve(extra: number): void {
    const need = this.#len + extra;
    if (need <= this.#buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(need, this.#buf.length * 2));
    this.#buf.copy(grown, 0, 0, this.#len);
    this.#buf = grown;
  }
}
