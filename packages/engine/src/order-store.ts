// Pooled order records as struct-of-arrays: one slot index per live order, typed-array columns, a free
// list threaded through `next`, and growth by a quarter. Nothing here allocates per order once capacity
// is reached, which keeps the matching hot path free of garbage. Rarely used fields (stop price, expiry,
// client order id) live in sparse maps so a plain limit order costs only its columns (84 bytes).
// A slot is live iff `id[slot] > 0`.

import { NIL } from './slot.ts';
import type { Account } from './state.ts';

/** Bit flags kept in `flags`. */
export const F_POST_ONLY = 1;
export const F_REDUCE_ONLY = 2;
export const F_STP_CANCEL_MAKER = 4;
/** Parked stop order, not in the book. */
export const F_PARKED = 8;
/** The slot has entries in the sparse maps (stop price, expiry or client order id). */
export const F_SPARSE = 16;
/** Cancel the order when its market pauses or the exchange halts. */
export const F_CANCEL_ON_PAUSE = 32;

export const TYPE_LIMIT = 0;
export const TYPE_MARKET = 1;
export const TYPE_STOP = 2;
export const TYPE_STOP_LIMIT = 3;

export const TIF_GTC = 0;
export const TIF_GTD = 1;
export const TIF_IOC = 2;
export const TIF_FOK = 3;

/** The store's sparse fields as parallel (slot, value) columns, in no particular order. */
export interface SparseFields {
  readonly stopPrices: [slots: Int32Array, prices: Float64Array];
  readonly expiries: [slots: Int32Array, at: Float64Array];
  readonly clientIds: [slots: Int32Array, ids: string[]];
}

export class OrderStore {
  capacity: number;
  /** Exchange order id; 0 when the slot is free. */
  id: Float64Array;
  inst: Int32Array;
  /** 0 = buy, 1 = sell. */
  side: Uint8Array;
  type: Uint8Array;
  tif: Uint8Array;
  flags: Uint8Array;
  price: Float64Array;
  open: Float64Array;
  filled: Float64Array;
  /** Money reserved for the open quantity's principal (binary/spot buys; binary opening sells). */
  resCash: Float64Array;
  /** Money reserved for fees. */
  resFee: Float64Array;
  /** Binary: position lots reserved to close. Spot sells: base units reserved. */
  resPos: Float64Array;
  /** FIFO links within a price level (or within the parked list). */
  next: Int32Array;
  prev: Int32Array;
  /** Links within the owning account's list of open orders. */
  acctNext: Int32Array;
  acctPrev: Int32Array;
  /** Dense index of the owning account (see `accounts`). */
  acct: Int32Array;
  /** The engine's accounts by dense index, shared with the engine. */
  readonly accounts: Account[];
  private readonly stopPrices = new Map<number, number>();
  private readonly expiries = new Map<number, number>();
  private readonly clientIds = new Map<number, string>();
  /** Head of the free-slot list, linked through `next`. */
  private freeHead: number;

  constructor(accounts: Account[], capacity = 1024) {
    this.accounts = accounts;
    this.capacity = capacity;
    this.id = new Float64Array(capacity);
    this.inst = new Int32Array(capacity);
    this.side = new Uint8Array(capacity);
    this.type = new Uint8Array(capacity);
    this.tif = new Uint8Array(capacity);
    this.flags = new Uint8Array(capacity);
    this.price = new Float64Array(capacity);
    this.open = new Float64Array(capacity);
    this.filled = new Float64Array(capacity);
    this.resCash = new Float64Array(capacity);
    this.resFee = new Float64Array(capacity);
    this.resPos = new Float64Array(capacity);
    this.next = new Int32Array(capacity);
    this.prev = new Int32Array(capacity);
    this.acctNext = new Int32Array(capacity);
    this.acctPrev = new Int32Array(capacity);
    this.acct = new Int32Array(capacity);
    this.freeHead = NIL;
    this.chainFree(0, capacity);
  }

  /** Puts slots [from, to) on the free list, lowest first. */
  private chainFree(from: number, to: number): void {
    for (let i = to - 1; i >= from; i--) {
      this.next[i] = this.freeHead;
      this.freeHead = i;
    }
  }

  /** Bytes the columns take (capacity, not live orders); the sparse maps are not counted. */
  byteLength(): number {
    const cols = [this.id, this.inst, this.side, this.type, this.tif, this.flags, this.price];
    const more = [this.open, this.filled, this.resCash, this.resFee, this.resPos, this.next];
    const links = [this.prev, this.acctNext, this.acctPrev, this.acct];
    return [...cols, ...more, ...links].reduce((sum, c) => sum + c.byteLength, 0);
  }

  accountOf(slot: number): Account {
    return this.accounts[this.acct[slot]!]!;
  }

  // The sparse maps are read and written only for slots flagged F_SPARSE: most orders have none of
  // these fields, and a map look-up on every placement and finish cost as much as a fill's fees.

  stopPriceOf(slot: number): number {
    if ((this.flags[slot]! & F_SPARSE) === 0) return 0;
    return this.stopPrices.get(slot) ?? 0;
  }

  setStopPrice(slot: number, price: number): void {
    if (price === 0) {
      if ((this.flags[slot]! & F_SPARSE) !== 0) this.stopPrices.delete(slot);
    } else {
      this.stopPrices.set(slot, price);
      this.flags[slot]! |= F_SPARSE;
    }
  }

  expiresAtOf(slot: number): number {
    if ((this.flags[slot]! & F_SPARSE) === 0) return 0;
    return this.expiries.get(slot) ?? 0;
  }

  setExpiresAt(slot: number, at: number): void {
    if (at === 0) {
      if ((this.flags[slot]! & F_SPARSE) !== 0) this.expiries.delete(slot);
    } else {
      this.expiries.set(slot, at);
      this.flags[slot]! |= F_SPARSE;
    }
  }

  clientIdOf(slot: number): string | undefined {
    if ((this.flags[slot]! & F_SPARSE) === 0) return undefined;
    return this.clientIds.get(slot);
  }

  setClientId(slot: number, cid: string | undefined): void {
    if (cid === undefined) {
      if ((this.flags[slot]! & F_SPARSE) !== 0) this.clientIds.delete(slot);
    } else {
      this.clientIds.set(slot, cid);
      this.flags[slot]! |= F_SPARSE;
    }
  }

  /** Copies of the sparse maps as (slot, value) columns, for a snapshot taken apart from the store. */
  sparseCopy(): SparseFields {
    const numbers = (m: Map<number, number>): [Int32Array, Float64Array] => {
      const slots = new Int32Array(m.size);
      const values = new Float64Array(m.size);
      let i = 0;
      for (const [slot, v] of m) {
        slots[i] = slot;
        values[i++] = v;
      }
      return [slots, values];
    };
    return {
      stopPrices: numbers(this.stopPrices),
      expiries: numbers(this.expiries),
      clientIds: [Int32Array.from(this.clientIds.keys()), [...this.clientIds.values()]],
    };
  }

  alloc(): number {
    if (this.freeHead === NIL) this.grow();
    const slot = this.freeHead;
    this.freeHead = this.next[slot]!;
    this.next[slot] = NIL;
    this.prev[slot] = NIL;
    this.acctNext[slot] = NIL;
    this.acctPrev[slot] = NIL;
    return slot;
  }

  /**
   * Writes a new order's dense fields into a slot just allocated; its sparse fields (stop price,
   * expiry, client order id) are none until set.
   */
  init(
    slot: number,
    id: number,
    inst: number,
    acct: number,
    side: number,
    type: number,
    tif: number,
    flags: number,
    price: number,
    open: number,
  ): void {
    this.id[slot] = id;
    this.inst[slot] = inst;
    this.acct[slot] = acct;
    this.side[slot] = side;
    this.type[slot] = type;
    this.tif[slot] = tif;
    this.flags[slot] = flags;
    this.price[slot] = price;
    this.open[slot] = open;
    this.filled[slot] = 0;
  }

  release(slot: number): void {
    this.id[slot] = 0;
    if ((this.flags[slot]! & F_SPARSE) !== 0) {
      this.stopPrices.delete(slot);
      this.expiries.delete(slot);
      this.clientIds.delete(slot);
    }
    this.resCash[slot] = 0;
    this.resFee[slot] = 0;
    this.resPos[slot] = 0;
    this.flags[slot] = 0;
    this.next[slot] = this.freeHead;
    this.freeHead = slot;
  }

  /**
   * Grows by a quarter, not by doubling: capacity is what a book costs, and doubling left up to half
   * of it unused just past a power of two (190 B per resting order instead of 95). A quarter bounds
   * the unused part to a fifth. Growing more often copies 4× the final size in all (doubling: 1×) and
   * makes V8 collect more often (new typed arrays count as external memory): ≈ 100 ns more per order
   * while a book grows to a million on a small heap; nothing between growths (docs/BENCHMARKS.md).
   */
  private grow(): void {
    const old = this.capacity;
    const cap = old + Math.max(old >>> 2, 64);
    const f64 = (a: Float64Array) => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    const i32 = (a: Int32Array) => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    const u8 = (a: Uint8Array) => {
      const b = new Uint8Array(cap);
      b.set(a);
      return b;
    };
    this.id = f64(this.id);
    this.inst = i32(this.inst);
    this.side = u8(this.side);
    this.type = u8(this.type);
    this.tif = u8(this.tif);
    this.flags = u8(this.flags);
    this.price = f64(this.price);
    this.open = f64(this.open);
    this.filled = f64(this.filled);
    this.resCash = f64(this.resCash);
    this.resFee = f64(this.resFee);
    this.resPos = f64(this.resPos);
    this.next = i32(this.next);
    this.prev = i32(this.prev);
    this.acctNext = i32(this.acctNext);
    this.acctPrev = i32(this.acctPrev);
    this.acct = i32(this.acct);
    this.capacity = cap;
    this.chainFree(old, cap);
  }
}
