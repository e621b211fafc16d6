// The ceiling of an order book written in JavaScript: price-time priority on one integer price range,
// orders as struct-of-arrays slots in typed arrays, one FIFO per price level (doubly linked, so a
// cancel is O(1)), a dense id → slot table, no accounts, no fees, no events, no validation. The
// benchmark runs it beside the full engine on the same stream to show what the engine's rules cost.
// Its pools double when full, so memory per resting order depends on how full the last doubling is.

import { BUY, type Depth, type SideCode } from './reference-book.ts';

const NIL = -1;

export class BareBook {
  readonly lo: number;
  /** Price levels per side (`hi − lo + 1`). */
  readonly levels: number;
  trades = 0;
  tradedQty = 0;
  /** Order slots: workload id, price index (price − lo), open quantity, side, FIFO links. */
  private oid: Int32Array;
  private px: Int32Array;
  private qty: Int32Array;
  private side: Uint8Array;
  private next: Int32Array;
  private prev: Int32Array;
  private freeHead = NIL;
  /** Slots ever handed out; slots below it are live or on the free list. */
  private used = 0;
  /** Workload id → slot (NIL when not resting). */
  private slotOf: Int32Array;
  /** Per level, both sides in one array: index `side × levels + price index`. */
  private readonly head: Int32Array;
  private readonly tail: Int32Array;
  private readonly lvQty: Float64Array;
  private readonly lvCount: Int32Array;
  /** Best price index per side, NIL when that side is empty. */
  private bestBid = NIL;
  private bestAsk = NIL;

  constructor(lo: number, hi: number, capacity = 1024) {
    this.lo = lo;
    this.levels = hi - lo + 1;
    this.oid = new Int32Array(capacity);
    this.px = new Int32Array(capacity);
    this.qty = new Int32Array(capacity);
    this.side = new Uint8Array(capacity);
    this.next = new Int32Array(capacity);
    this.prev = new Int32Array(capacity);
    this.slotOf = new Int32Array(capacity).fill(NIL);
    this.head = new Int32Array(2 * this.levels).fill(NIL);
    this.tail = new Int32Array(2 * this.levels).fill(NIL);
    this.lvQty = new Float64Array(2 * this.levels);
    this.lvCount = new Int32Array(2 * this.levels);
  }

  /** Matches at resting prices up to `price`; the remainder rests at the back of its level. */
  limit(id: number, side: SideCode, price: number, qty: number): void {
    const p = price - this.lo;
    const rem = this.match(side, p, qty);
    if (rem > 0) this.rest(id, side, p, rem);
  }

  /** Matches at any price; the unfilled remainder is dropped. */
  market(side: SideCode, qty: number): void {
    this.match(side, side === BUY ? this.levels : NIL, qty);
  }

  /** Removes a resting order; an unknown or finished id is ignored. */
  cancel(id: number): void {
    const s = id < this.slotOf.length ? this.slotOf[id]! : NIL;
    if (s !== NIL) this.remove(s);
  }

  /** Cancel/replace: the order loses its place and is entered again at the new price and quantity. */
  amend(id: number, price: number, qty: number): void {
    const s = id < this.slotOf.length ? this.slotOf[id]! : NIL;
    if (s === NIL) return;
    const side = this.side[s]! as SideCode;
    this.remove(s);
    this.limit(id, side, price, qty);
  }

  /** Resting orders. */
  get size(): number {
    let n = 0;
    for (let i = 0; i < this.lvCount.length; i++) n += this.lvCount[i]!;
    return n;
  }

  depth(): Depth {
    const out: Depth = { bids: [], asks: [] };
    const L = this.levels;
    for (let p = L - 1; p >= 0; p--) {
      if (this.lvCount[p]! > 0) out.bids.push([p + this.lo, this.lvQty[p]!, this.lvCount[p]!]);
    }
    for (let p = 0; p < L; p++) {
      const k = L + p;
      if (this.lvCount[k]! > 0) out.asks.push([p + this.lo, this.lvQty[k]!, this.lvCount[k]!]);
    }
    return out;
  }

  /** Trades `qty` against the other side up to price index `limit`; returns what is left. */
  private match(side: SideCode, limit: number, qty: number): number {
    const buy = side === BUY;
    const base = buy ? this.levels : 0;
    while (qty > 0) {
      const b = buy ? this.bestAsk : this.bestBid;
      if (b === NIL || (buy ? b > limit : b < limit)) break;
      const k = base + b;
      let s = this.head[k]!;
      while (qty > 0 && s !== NIL) {
        const open = this.qty[s]!;
        const f = open < qty ? open : qty;
        qty -= f;
        this.trades++;
        this.tradedQty += f;
        this.lvQty[k] = this.lvQty[k]! - f;
        if (f < open) {
          this.qty[s] = open - f;
          break;
        }
        const n = this.next[s]!;
        this.release(s);
        this.lvCount[k] = this.lvCount[k]! - 1;
        s = n;
      }
      this.head[k] = s;
      if (s === NIL) {
        this.tail[k] = NIL;
        this.rescan(buy ? 1 : 0, b);
      } else this.prev[s] = NIL;
    }
    return qty;
  }

  private rest(id: number, side: SideCode, p: number, qty: number): void {
    const s = this.acquire();
    this.oid[s] = id;
    this.px[s] = p;
    this.qty[s] = qty;
    this.side[s] = side;
    const k = side * this.levels + p;
    const t = this.tail[k]!;
    this.prev[s] = t;
    this.next[s] = NIL;
    if (t === NIL) this.head[k] = s;
    else this.next[t] = s;
    this.tail[k] = s;
    this.lvQty[k] = this.lvQty[k]! + qty;
    this.lvCount[k] = this.lvCount[k]! + 1;
    if (id >= this.slotOf.length) this.growIds(id);
    this.slotOf[id] = s;
    if (side === BUY) {
      if (this.bestBid === NIL || p > this.bestBid) this.bestBid = p;
    } else if (this.bestAsk === NIL || p < this.bestAsk) this.bestAsk = p;
  }

  /** Unlinks a resting order from its level and frees its slot. */
  private remove(s: number): void {
    const side = this.side[s]!;
    const p = this.px[s]!;
    const k = side * this.levels + p;
    const n = this.next[s]!;
    const v = this.prev[s]!;
    if (v === NIL) this.head[k] = n;
    else this.next[v] = n;
    if (n === NIL) this.tail[k] = v;
    else this.prev[n] = v;
    this.lvQty[k] = this.lvQty[k]! - this.qty[s]!;
    this.lvCount[k] = this.lvCount[k]! - 1;
    this.release(s);
    if (this.head[k] === NIL) this.rescan(side, p);
  }

  /** After level `from` of `side` emptied: moves that side's best away from it if it was the best. */
  private rescan(side: number, from: number): void {
    if (side === BUY) {
      if (from !== this.bestBid) return;
      let p = from - 1;
      while (p >= 0 && this.head[p] === NIL) p--;
      this.bestBid = p;
    } else {
      if (from !== this.bestAsk) return;
      const L = this.levels;
      let p = from + 1;
      while (p < L && this.head[L + p] === NIL) p++;
      this.bestAsk = p < L ? p : NIL;
    }
  }

  private release(s: number): void {
    this.slotOf[this.oid[s]!] = NIL;
    this.next[s] = this.freeHead;
    this.freeHead = s;
  }

  private acquire(): number {
    const s = this.freeHead;
    if (s !== NIL) {
      this.freeHead = this.next[s]!;
      return s;
    }
    if (this.used === this.oid.length) this.growSlots();
    return this.used++;
  }

  private growSlots(): void {
    const cap = this.oid.length * 2;
    const grow = <T extends Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.oid = grow(this.oid, (n) => new Int32Array(n));
    this.px = grow(this.px, (n) => new Int32Array(n));
    this.qty = grow(this.qty, (n) => new Int32Array(n));
    this.side = grow(this.side, (n) => new Uint8Array(n));
    this.next = grow(this.next, (n) => new Int32Array(n));
    this.prev = grow(this.prev, (n) => new Int32Array(n));
  }

  private growIds(id: number): void {
    let cap = this.slotOf.length * 2;
    while (cap <= id) cap *= 2;
    const b = new Int32Array(cap).fill(NIL);
    b.set(this.slotOf);
    this.slotOf = b;
  }
}
