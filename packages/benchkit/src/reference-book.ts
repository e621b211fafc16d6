// A deliberately simple price-time-priority book for ONE instrument on an integer price range: the
// oracle the workload generator runs to write the expected final book, and the model the benchmark
// uses to predict an engine's final book. It favours being obviously right over being fast: one FIFO
// array per level with lazy deletion (a dead order is skipped when the head reaches it).
// Invariants: a level's `count` is the number of live orders on it; `bestIdx` is the best non-empty
// level of each side (or −1); trades happen at the resting order's price.

export const BUY = 0;
export const SELL = 1;
export type SideCode = typeof BUY | typeof SELL;

/**
 * How `amend` treats time priority.
 * - `alwaysLoses`: the workload's rule (cancel/replace: the order goes to the back of its new level).
 * - `reductionKeeps`: the Bourse engine's rule: a pure reduction at the same price keeps its place,
 *   an amend that changes nothing is refused, anything else goes to the back of the new level.
 */
export type AmendRule = 'alwaysLoses' | 'reductionKeeps';

/**
 * What happens when an incoming order reaches a resting order of its own owner.
 * - `allow`: they trade (the workload's matcher has no owners).
 * - `cancelTaker`: the Bourse engine's default: the incoming order stops there and its remainder is
 *   cancelled (fills before that point stand).
 */
export type SelfTradeRule = 'allow' | 'cancelTaker';

export interface RefOrder {
  readonly id: number;
  readonly side: SideCode;
  price: number;
  qty: number;
  live: boolean;
  /** Position in `RefBook.live` while live (swap-remove keeps that array dense). */
  idx: number;
  /** Opaque owner tag (an account); the matcher never reads it. */
  owner: number;
}

interface Level {
  readonly q: RefOrder[];
  head: number;
  count: number;
}

/** Book depth: [price, open quantity, order count], best price first. */
export interface Depth {
  readonly bids: [number, number, number][];
  readonly asks: [number, number, number][];
}

export class RefBook {
  readonly lo: number;
  readonly hi: number;
  readonly amendRule: AmendRule;
  readonly selfTrade: SelfTradeRule;
  /** Incoming orders stopped by self-trade prevention. */
  selfTradeCancels = 0;
  /** Ids of live orders, dense (order of insertion, disturbed by swap-removes). */
  readonly live: number[] = [];
  readonly orders = new Map<number, RefOrder>();
  trades = 0;
  tradedQty = 0;
  private readonly levels: [Level[], Level[]];
  private readonly bestIdx: [number, number] = [-1, -1];

  constructor(
    lo: number,
    hi: number,
    amendRule: AmendRule = 'alwaysLoses',
    selfTrade: SelfTradeRule = 'allow',
  ) {
    this.lo = lo;
    this.hi = hi;
    this.amendRule = amendRule;
    this.selfTrade = selfTrade;
    const n = hi - lo + 1;
    const make = (): Level[] => Array.from({ length: n }, () => ({ q: [], head: 0, count: 0 }));
    this.levels = [make(), make()];
  }

  /** Best price on `side`, or −1 when that side is empty. */
  best(side: SideCode): number {
    const b = this.bestIdx[side];
    return b < 0 ? -1 : b + this.lo;
  }

  limit(id: number, side: SideCode, price: number, qty: number, owner = 0): void {
    const rem = this.match(side, price, qty, owner);
    if (rem > 0) this.rest({ id, side, price, qty: rem, live: false, idx: -1, owner });
  }

  market(side: SideCode, qty: number, owner = 0): void {
    const limit = side === BUY ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    this.match(side, limit, qty, owner);
  }

  /** Removes a live order; an unknown or finished order is ignored (an engine would reject it). */
  cancel(id: number): void {
    const o = this.orders.get(id);
    if (o) this.unlive(o);
  }

  /** Sets a live order's price and open quantity; returns false when it changed nothing. */
  amend(id: number, price: number, qty: number): boolean {
    const o = this.orders.get(id);
    if (!o) return false;
    if (this.amendRule === 'reductionKeeps' && price === o.price) {
      if (qty === o.qty) return false;
      if (qty < o.qty) {
        o.qty = qty;
        return true;
      }
    }
    this.unlive(o);
    const rem = this.match(o.side, price, qty, o.owner);
    if (rem > 0) this.rest({ ...o, price, qty: rem, live: false, idx: -1 });
    return true;
  }

  /**
   * Whether an order on `side` limited at `limitPrice` for `qty` would trade with an order of `owner`:
   * a dry run of `match` that changes nothing.
   */
  wouldTrade(side: SideCode, limitPrice: number, qty: number, owner: number): boolean {
    const opp = (side ^ 1) as SideCode;
    const lv = this.levels[opp];
    const step = opp === BUY ? -1 : 1;
    for (let i = this.bestIdx[opp]; i >= 0 && i < lv.length && qty > 0; i += step) {
      const p = i + this.lo;
      if (side === BUY ? p > limitPrice : p < limitPrice) break;
      const level = lv[i]!;
      for (let k = level.head; k < level.q.length && qty > 0; k++) {
        const m = level.q[k]!;
        if (!m.live) continue;
        if (m.owner === owner) return true;
        qty -= Math.min(qty, m.qty);
      }
    }
    return false;
  }

  depth(): Depth {
    const out: Depth = { bids: [], asks: [] };
    for (const side of [BUY, SELL] as const) {
      const lv = this.levels[side];
      const arr = side === BUY ? out.bids : out.asks;
      const idxs = [...lv.keys()];
      if (side === BUY) idxs.reverse();
      for (const i of idxs) {
        const level = lv[i]!;
        if (level.count === 0) continue;
        let v = 0;
        for (let k = level.head; k < level.q.length; k++) {
          const o = level.q[k]!;
          if (o.live) v += o.qty;
        }
        arr.push([i + this.lo, v, level.count]);
      }
    }
    return out;
  }

  /**
   * Trades `qty` against the opposite side up to `limitPrice`; returns the quantity left to rest, 0
   * when self-trade prevention cancelled the remainder.
   */
  private match(side: SideCode, limitPrice: number, qty: number, owner: number): number {
    const opp = (side ^ 1) as SideCode;
    while (qty > 0) {
      const bp = this.best(opp);
      if (bp < 0) break;
      if (side === BUY ? bp > limitPrice : bp < limitPrice) break;
      const level = this.levels[opp][bp - this.lo]!;
      while (qty > 0 && level.count > 0) {
        const m = level.q[level.head]!;
        if (!m.live) {
          level.head++;
          continue;
        }
        if (this.selfTrade === 'cancelTaker' && m.owner === owner) {
          this.selfTradeCancels++;
          return 0;
        }
        const f = Math.min(qty, m.qty);
        qty -= f;
        m.qty -= f;
        this.tradedQty += f;
        this.trades++;
        if (m.qty === 0) {
          level.head++;
          this.unlive(m);
        }
      }
    }
    return qty;
  }

  private rest(o: RefOrder): void {
    const i = o.price - this.lo;
    const level = this.levels[o.side][i]!;
    level.q.push(o);
    level.count++;
    const b = this.bestIdx[o.side];
    if (b < 0 || (o.side === BUY ? i > b : i < b)) this.bestIdx[o.side] = i;
    o.live = true;
    o.idx = this.live.length;
    this.live.push(o.id);
    this.orders.set(o.id, o);
  }

  private unlive(o: RefOrder): void {
    o.live = false;
    const last = this.live.pop()!;
    if (last !== o.id) {
      this.live[o.idx] = last;
      this.orders.get(last)!.idx = o.idx;
    }
    this.orders.delete(o.id);
    const i = o.price - this.lo;
    const level = this.levels[o.side][i]!;
    level.count--;
    if (level.count === 0) {
      level.q.length = 0;
      level.head = 0;
      if (this.bestIdx[o.side] === i) this.rescan(o.side, i);
    }
  }

  private rescan(side: SideCode, from: number): void {
    const lv = this.levels[side];
    if (side === BUY) {
      for (let i = from; i >= 0; i--) if (lv[i]!.count > 0) return void (this.bestIdx[side] = i);
    } else {
      for (let i = from; i < lv.length; i++)
        if (lv[i]!.count > 0) return void (this.bestIdx[side] = i);
    }
    this.bestIdx[side] = -1;
  }
}
