// Pooled order records as struct-of-arrays: one slot index per live order, typed-array columns, a free
// list, and doubling growth. Nothing here allocates per order once capacity is reached, which keeps the
// matching hot path free of garbage. A slot is live iff `id[slot] > 0`.

import type { Account } from './state.ts';

export const NIL = -1;

/** Bit flags kept in `flags`. */
export const F_POST_ONLY = 1;
export const F_REDUCE_ONLY = 2;
export const F_STP_CANCEL_MAKER = 4;
/** Parked stop order, not in the book. */
export const F_PARKED = 8;

export const TYPE_LIMIT = 0;
export const TYPE_MARKET = 1;
export const TYPE_STOP = 2;
export const TYPE_STOP_LIMIT = 3;

export const TIF_GTC = 0;
export const TIF_GTD = 1;
export const TIF_IOC = 2;
export const TIF_FOK = 3;

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
  stopPrice: Float64Array;
  open: Float64Array;
  filled: Float64Array;
  /** Money reserved for the open quantity's principal (binary/spot buys; binary opening sells). */
  resCash: Float64Array;
  /** Money reserved for fees. */
  resFee: Float64Array;
  /** Binary: position lots reserved to close. Spot sells: base units reserved. */
  resPos: Float64Array;
  expiresAt: Float64Array;
  /** FIFO links within a price level (or within the parked list). */
  next: Int32Array;
  prev: Int32Array;
  /** Links within the owning account's list of open orders. */
  acctNext: Int32Array;
  acctPrev: Int32Array;
  account: (Account | undefined)[];
  clientId: (string | undefined)[];
  private free: Int32Array;
  private freeTop: number;

  constructor(capacity = 1024) {
    this.capacity = capacity;
    this.id = new Float64Array(capacity);
    this.inst = new Int32Array(capacity);
    this.side = new Uint8Array(capacity);
    this.type = new Uint8Array(capacity);
    this.tif = new Uint8Array(capacity);
    this.flags = new Uint8Array(capacity);
    this.price = new Float64Array(capacity);
    this.stopPrice = new Float64Array(capacity);
    this.open = new Float64Array(capacity);
    this.filled = new Float64Array(capacity);
    this.resCash = new Float64Array(capacity);
    this.resFee = new Float64Array(capacity);
    this.resPos = new Float64Array(capacity);
    this.expiresAt = new Float64Array(capacity);
    this.next = new Int32Array(capacity);
    this.prev = new Int32Array(capacity);
    this.acctNext = new Int32Array(capacity);
    this.acctPrev = new Int32Array(capacity);
    this.account = new Array(capacity).fill(undefined);
    this.clientId = new Array(capacity).fill(undefined);
    this.free = new Int32Array(capacity);
    this.freeTop = 0;
    for (let i = capacity - 1; i >= 0; i--) this.free[this.freeTop++] = i;
  }

  alloc(): number {
    if (this.freeTop === 0) this.grow();
    const slot = this.free[--this.freeTop]!;
    this.next[slot] = NIL;
    this.prev[slot] = NIL;
    this.acctNext[slot] = NIL;
    this.acctPrev[slot] = NIL;
    return slot;
  }

  release(slot: number): void {
    this.id[slot] = 0;
    this.account[slot] = undefined;
    this.clientId[slot] = undefined;
    this.resCash[slot] = 0;
    this.resFee[slot] = 0;
    this.resPos[slot] = 0;
    this.flags[slot] = 0;
    this.free[this.freeTop++] = slot;
  }

  private grow(): void {
    const old = this.capacity;
    const cap = old * 2;
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
    this.stopPrice = f64(this.stopPrice);
    this.open = f64(this.open);
    this.filled = f64(this.filled);
    this.resCash = f64(this.resCash);
    this.resFee = f64(this.resFee);
    this.resPos = f64(this.resPos);
    this.expiresAt = f64(this.expiresAt);
    this.next = i32(this.next);
    this.prev = i32(this.prev);
    this.acctNext = i32(this.acctNext);
    this.acctPrev = i32(this.acctPrev);
    for (let i = old; i < cap; i++) {
      this.account.push(undefined);
      this.clientId.push(undefined);
    }
    const free = new Int32Array(cap);
    free.set(this.free.subarray(0, this.freeTop));
    this.free = free;
    for (let i = cap - 1; i >= old; i--) this.free[this.freeTop++] = i;
    this.capacity = cap;
  }
}
