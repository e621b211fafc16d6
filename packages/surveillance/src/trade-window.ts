// A market's recent trades as columns, for the detectors that look back from the end of trading. At
// 10,000 fills a second the ten-minute window holds six million trades: as one object each it took
// ≈ 200 bytes a trade (965 MB in one cluster's projector). Here trades fill a small tail of Float64
// columns; each full chunk of 1,024 is sealed into one buffer where every column is stored as offsets
// from the chunk's smallest value in the narrowest unsigned width that holds them (ids and times
// within a chunk differ little), so a trade costs ≈ 20 bytes. Eviction by time advances the head and
// drops whole chunks; nothing is copied but the tail when it seals. Decision 0983.

import type { FillEvidence } from './alerts.ts';

const CHUNK_BITS = 10;
const CHUNK = 1 << CHUNK_BITS;
const FIRST_CAPACITY = 16;

const TRADE = 0;
const SEQ = 1;
const TS = 2;
const PRICE = 3;
const QTY = 4;
const TAKER_ACCOUNT = 5;
const MAKER_ACCOUNT = 6;
const TAKER_ORDER = 7;
const MAKER_ORDER = 8;
const NUMERIC = 9;

type Column = Uint8Array | Uint16Array | Uint32Array | Float64Array;

interface Chunk {
  /** Per column, what its stored values are offsets from (−0 for raw Float64: −0 + x is x, even −0). */
  readonly base: number[];
  columns: Column[];
  /** 1 where the taker bought. */
  buys: Uint8Array;
  /** Bounds of the chunk's times (sealed chunks only): a scan skips a chunk outside its range. */
  readonly minTs: number;
  readonly maxTs: number;
}

export class TradeWindow {
  /** Sealed chunks of CHUNK rows each, then the tail. */
  readonly #chunks: Chunk[];
  readonly #tail: Chunk;
  #tailLength = 0;
  /** Rows of the first chunk already evicted. */
  #head = 0;
  /** The price of the last evicted row: the price before the first row kept. */
  #headPrev: number | undefined;

  constructor() {
    this.#tail = {
      base: new Array<number>(NUMERIC).fill(-0),
      columns: wideColumns(FIRST_CAPACITY),
      buys: new Uint8Array(FIRST_CAPACITY),
      minTs: Number.NaN,
      maxTs: Number.NaN,
    };
    this.#chunks = [this.#tail];
  }

  get length(): number {
    return (this.#chunks.length - 1) * CHUNK + this.#tailLength - this.#head;
  }

  push(f: FillEvidence): void {
    if (this.#tailLength === CHUNK) this.#seal();
    const tail = this.#tail;
    const n = this.#tailLength;
    if (n === tail.buys.length) this.#growTail(2 * n);
    const c = tail.columns;
    c[TRADE]![n] = f.tradeId;
    c[SEQ]![n] = f.seq;
    c[TS]![n] = f.ts;
    c[PRICE]![n] = f.priceTicks;
    c[QTY]![n] = f.qtyLots;
    c[TAKER_ACCOUNT]![n] = f.takerAccountId;
    c[MAKER_ACCOUNT]![n] = f.makerAccountId;
    c[TAKER_ORDER]![n] = f.takerOrderId;
    c[MAKER_ORDER]![n] = f.makerOrderId;
    tail.buys[n] = f.takerSide === 'buy' ? 1 : 0;
    this.#tailLength = n + 1;
  }

  /** Drops rows from the oldest on while their time is before `cutoffTs` (stops at the first not). */
  evictBefore(cutoffTs: number): void {
    while (this.length > 0) {
      const first = this.#chunks[0]!;
      if (first !== this.#tail && first.maxTs < cutoffTs) {
        this.#dropFirstChunk();
        continue;
      }
      if (!(this.ts(0) < cutoffTs)) break;
      this.#head++;
      if (this.#head === CHUNK && first !== this.#tail) this.#dropFirstChunk();
    }
    if (this.length === 0 && this.#tailLength > 0) {
      this.#headPrev = this.#value(PRICE, this.#head - 1);
      this.#head = 0;
      this.#tailLength = 0;
      if (this.#tail.buys.length > FIRST_CAPACITY) this.#growTail(FIRST_CAPACITY);
    }
  }

  /** Calls `visit` with each row whose time is within `[fromTs, toTs]`, oldest first. */
  scan(fromTs: number, toTs: number, visit: (row: number) => void): void {
    const chunks = this.#chunks;
    for (let k = 0; k < chunks.length; k++) {
      const c = chunks[k]!;
      if (c.maxTs < fromTs || c.minTs > toTs) continue;
      const end = c === this.#tail ? this.#tailLength : CHUNK;
      const base = c.base[TS]!;
      const ts = c.columns[TS]!;
      for (let j = k === 0 ? this.#head : 0; j < end; j++) {
        const t = base + ts[j]!;
        if (t >= fromTs && t <= toTs) visit(k * CHUNK + j - this.#head);
      }
    }
  }

  ts(row: number): number {
    return this.#value(TS, this.#head + row);
  }
  seq(row: number): number {
    return this.#value(SEQ, this.#head + row);
  }
  priceTicks(row: number): number {
    return this.#value(PRICE, this.#head + row);
  }
  qtyLots(row: number): number {
    return this.#value(QTY, this.#head + row);
  }
  takerAccountId(row: number): number {
    return this.#value(TAKER_ACCOUNT, this.#head + row);
  }
  makerAccountId(row: number): number {
    return this.#value(MAKER_ACCOUNT, this.#head + row);
  }
  takerSide(row: number): 'buy' | 'sell' {
    const p = this.#head + row;
    return this.#chunks[p >> CHUNK_BITS]!.buys[p & (CHUNK - 1)] === 1 ? 'buy' : 'sell';
  }
  /** The last price before this row's trade (undefined before the market's first trade). */
  prevLastTicks(row: number): number | undefined {
    const p = this.#head + row;
    return p === 0 ? this.#headPrev : this.#value(PRICE, p - 1);
  }

  /** One row as the evidence an alert carries. */
  fill(row: number, instrumentId: number): FillEvidence {
    const p = this.#head + row;
    return {
      tradeId: this.#value(TRADE, p),
      instrumentId,
      seq: this.#value(SEQ, p),
      ts: this.#value(TS, p),
      priceTicks: this.#value(PRICE, p),
      qtyLots: this.#value(QTY, p),
      takerSide: this.takerSide(row),
      takerAccountId: this.#value(TAKER_ACCOUNT, p),
      makerAccountId: this.#value(MAKER_ACCOUNT, p),
      takerOrderId: this.#value(TAKER_ORDER, p),
      makerOrderId: this.#value(MAKER_ORDER, p),
    };
  }

  #value(column: number, p: number): number {
    const c = this.#chunks[p >> CHUNK_BITS]!;
    return c.base[column]! + c.columns[column]![p & (CHUNK - 1)]!;
  }

  #dropFirstChunk(): void {
    this.#headPrev = this.#value(PRICE, CHUNK - 1);
    this.#chunks.shift();
    this.#head = 0;
  }

  #growTail(capacity: number): void {
    const tail = this.#tail;
    const columns = wideColumns(capacity);
    for (let k = 0; k < NUMERIC; k++)
      columns[k]!.set(tail.columns[k]!.subarray(0, this.#tailLength));
    const buys = new Uint8Array(capacity);
    buys.set(tail.buys.subarray(0, this.#tailLength));
    tail.columns = columns;
    tail.buys = buys;
  }

  /** The full tail becomes a sealed chunk in front of it; the tail starts over in its buffers. */
  #seal(): void {
    const wide = this.#tail.columns as Float64Array[];
    const ranges = wide.map(narrowest);
    // Widest columns first, so every view of the one buffer is aligned.
    const order = [...ranges.keys()].sort((a, b) => ranges[b]!.bytes - ranges[a]!.bytes);
    const buffer = new ArrayBuffer(ranges.reduce((s, r) => s + r.bytes * CHUNK, CHUNK));
    const columns = new Array<Column>(NUMERIC);
    let offset = 0;
    for (const k of order) {
      const { base, bytes } = ranges[k]!;
      const column = view(buffer, offset, bytes);
      const src = wide[k]!;
      for (let j = 0; j < CHUNK; j++) column[j] = src[j]! - base;
      columns[k] = column;
      offset += bytes * CHUNK;
    }
    const buys = new Uint8Array(buffer, offset, CHUNK);
    buys.set(this.#tail.buys);
    const sealed: Chunk = {
      base: ranges.map((r) => r.base),
      columns,
      buys,
      minTs: ranges[TS]!.min,
      maxTs: ranges[TS]!.max,
    };
    this.#chunks.splice(this.#chunks.length - 1, 0, sealed);
    this.#tailLength = 0;
  }
}

function wideColumns(capacity: number): Float64Array[] {
  return Array.from({ length: NUMERIC }, () => new Float64Array(capacity));
}

interface Range {
  readonly base: number;
  readonly bytes: 1 | 2 | 4 | 8;
  readonly min: number;
  readonly max: number;
}

/**
 * How one column of a full chunk is stored: offsets from its minimum when every value is a safe
 * integer (so the differences are exact) other than −0, raw Float64 otherwise.
 */
function narrowest(values: Float64Array): Range {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let exact = true;
  let nan = false;
  for (let j = 0; j < CHUNK; j++) {
    const v = values[j]!;
    if (!Number.isSafeInteger(v) || Object.is(v, -0)) exact = false;
    if (v < min) min = v;
    if (v > max) max = v;
    if (Number.isNaN(v)) nan = true;
  }
  // A NaN compares false with everything: such a chunk is never skipped nor dropped whole.
  if (nan) return { base: -0, bytes: 8, min: -Infinity, max: Infinity };
  const span = max - min;
  if (!exact || span >= 2 ** 32) return { base: -0, bytes: 8, min, max };
  return { base: min, bytes: span < 2 ** 8 ? 1 : span < 2 ** 16 ? 2 : 4, min, max };
}

function view(buffer: ArrayBuffer, offset: number, bytes: 1 | 2 | 4 | 8): Column {
  if (bytes === 1) return new Uint8Array(buffer, offset, CHUNK);
  if (bytes === 2) return new Uint16Array(buffer, offset, CHUNK);
  if (bytes === 4) return new Uint32Array(buffer, offset, CHUNK);
  return new Float64Array(buffer, offset, CHUNK);
}
