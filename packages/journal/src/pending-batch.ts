// Records appended since the last flush, framed into one growing buffer so a commit is one write
// per segment touched. A chunk that starts a new segment begins with that segment's header, so
// every chunk is written with a single call at a known file position. In format 3 each chunk ends
// with a seal (batch-seal.ts) over the records it holds, so a segment always ends at a seal and one
// SHA-256 covers each batch (decision 0112); the batch carries the chain value of its last seal.
// A chunk holds exactly one seal (a commit over MAX_SEAL_RECORDS records is written in parts), so
// the scan can tell the last write torn by a power cut from damage followed by a later one (0982).
// Chain values travel as latin1 strings (one character per byte), without a Buffer per seal.
import { MAX_SEAL_RECORDS, sealBytes, writeSeal } from './batch-seal.ts';
import {
  CHAIN_BYTES,
  LAYOUT_V1,
  RECORD_HEADER_BYTES,
  SEGMENT_HEADER_BYTES,
  writeRecord,
  writeSegmentHeader,
  writeSegmentHeaderV1,
} from './journal-format.ts';

export interface BatchChunk {
  /** Set when the chunk opens a new segment file named after this seq. */
  readonly newSegmentSeq: number | undefined;
  readonly start: number;
  end: number;
}

/** A seal framed in this batch: the last seq it covers and its chain value (latin1). */
export interface BatchSealMark {
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly chain: string;
}

const INITIAL_BYTES = 64 * 1024;
/** A buffer that grew past this for one burst is dropped afterwards rather than kept forever. */
const RETAIN_LIMIT_BYTES = 8 * 1024 * 1024;

export class PendingBatch {
  readonly chunks: BatchChunk[] = [];
  /** Seals framed so far, in order. */
  readonly seals: BatchSealMark[] = [];
  firstSeq = 0;
  lastSeq = 0;
  /**
   * Chain value of the last seal framed (latin1), or of the seal before the batch when none was:
   * what the next seal follows. The journal sets it when the batch becomes the pending one.
   */
  chain: string;
  #buf: Buffer = Buffer.allocUnsafe(INITIAL_BYTES);
  #len = 0;
  /** Start of the first record no seal covers yet, and how many follow it. */
  #groupStart = 0;
  #groupCount = 0;
  /** False only to measure what the chain costs: format 1 frames, no seals, no hash. */
  readonly #chained: boolean;

  constructor(chain: string, chained = true) {
    this.chain = chain;
    this.#chained = chained;
  }

  get isEmpty(): boolean {
    return this.#len === 0;
  }

  get byteLength(): number {
    return this.#len;
  }

  /**
   * Frames one record; `newSegment` starts a new segment (the open records sealed first, then the
   * new header, carrying the chain value they end at). Returns the bytes of any seal written into
   * the current segment on the way (a batch reaching MAX_SEAL_RECORDS is sealed in parts).
   */
  append(seq: number, payload: Uint8Array, newSegment: boolean): number {
    if (newSegment) this.seal();
    const need =
      (newSegment ? SEGMENT_HEADER_BYTES : 0) +
      RECORD_HEADER_BYTES +
      payload.byteLength +
      sealBytes(this.#groupCount + 1);
    this.#reserve(need);
    // A new segment, a new batch, or the records after a seal: a new chunk (one seal per write).
    if (this.#groupCount === 0) {
      this.chunks.push({ newSegmentSeq: newSegment ? seq : undefined, start: this.#len, end: 0 });
    }
    if (newSegment) {
      if (this.#chained) {
        writeSegmentHeader(this.#buf, this.#len, seq, Buffer.from(this.chain, 'latin1'));
        this.#len += SEGMENT_HEADER_BYTES;
      } else {
        writeSegmentHeaderV1(this.#buf, this.#len, seq);
        this.#len += LAYOUT_V1.segmentHeaderBytes;
      }
    }
    if (this.#groupCount === 0) this.#groupStart = this.#len;
    this.#len += writeRecord(this.#buf, this.#len, seq, payload);
    this.#groupCount++;
    this.chunks.at(-1)!.end = this.#len;
    if (this.firstSeq === 0) this.firstSeq = seq;
    this.lastSeq = seq;
    return this.#groupCount === MAX_SEAL_RECORDS ? this.seal() : 0;
  }

  /**
   * Seals the records no seal covers yet (nothing when there are none, or when unchained); returns
   * the seal's bytes. Called before the batch is written, so it is written with its seal.
   */
  seal(): number {
    const count = this.#groupCount;
    if (count === 0 || !this.#chained) {
      this.#groupCount = 0;
      return 0;
    }
    const bytes = sealBytes(count);
    this.#reserve(bytes);
    const at = this.#len;
    this.chain = writeSeal(this.#buf, this.#groupStart, at, this.lastSeq, count, this.chain);
    this.seals.push({
      firstSeq: this.lastSeq - count + 1,
      lastSeq: this.lastSeq,
      chain: this.chain,
    });
    this.#len += bytes;
    this.chunks.at(-1)!.end = this.#len;
    this.#groupCount = 0;
    return bytes;
  }

  /** Copies the chain value of the batch's last seal into `into`. */
  copyLastChain(into: Buffer): void {
    if (this.#chained) into.write(this.chain, 0, CHAIN_BYTES, 'latin1');
  }

  /** Bytes of one chunk; valid until the next `append` or `reset`. */
  bytes(chunk: BatchChunk): Buffer {
    return this.#buf.subarray(chunk.start, chunk.end);
  }

  /** Empties the batch; the next one follows `chain`. */
  reset(chain: string): void {
    this.chunks.length = 0;
    this.seals.length = 0;
    this.firstSeq = 0;
    this.lastSeq = 0;
    this.#len = 0;
    this.#groupCount = 0;
    this.chain = chain;
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
