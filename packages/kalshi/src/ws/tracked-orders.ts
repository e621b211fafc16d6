// The live orders the Kalshi adapter follows for `user_orders`, kept in typed-array columns indexed by
// a slot (free slots reused) instead of one object per order: an order rests long enough to be
// promoted out of the young generation, so per-order objects made every scavenge on the gateway
// thread copy them. A `TrackedOrder` is built only for a message someone will read.

import type { EngineEvent, Side } from '@bourse/engine';
import { IdTable } from '@bourse/gateway';
import type { TrackedOrder } from './ws-messages.ts';

type Accepted = Extract<EngineEvent, { type: 'orderAccepted' }>;
type Status = TrackedOrder['status'];
const STATUS: readonly Status[] = ['resting', 'canceled', 'executed'];
const RESTING = 0;
const CANCELED = 1;
const EXECUTED = 2;

export class TrackedOrders {
  /** orderId → slot, in typed arrays too (the gateway's id-table.ts says why not a Map). */
  readonly #slots = new IdTable();
  #free = new Int32Array(64);
  #freeCount = 0;
  #used = 0;
  #capacity = 0;
  // Integer columns (ids, lots, micros, ms): doubles hold every safe integer exactly. NaN = absent.
  #orderId = new Float64Array(0);
  #accountId = new Float64Array(0);
  #instrumentId = new Float64Array(0);
  #priceTicks = new Float64Array(0);
  #initialLots = new Float64Array(0);
  #filledLots = new Float64Array(0);
  #openLots = new Float64Array(0);
  #takerCost = new Float64Array(0);
  #makerCost = new Float64Array(0);
  #takerFees = new Float64Array(0);
  #makerFees = new Float64Array(0);
  #createdTs = new Float64Array(0);
  #updatedTs = new Float64Array(0);
  #expiresAt = new Float64Array(0);
  #orderGroupId = new Float64Array(0);
  /** 1 = sell. */
  #sell = new Uint8Array(0);
  #status = new Uint8Array(0);
  #cancelOnPause = new Uint8Array(0);
  #clientOrderId: (string | undefined)[] = [];
  /** Slots changed by the command being applied, in first-change order; 1 in `#marked` if listed. */
  #touched = new Int32Array(64);
  #touchedCount = 0;
  #marked = new Uint8Array(0);

  get size(): number {
    return this.#slots.size;
  }

  /** The slot of a tracked order, or -1. */
  slotOf(orderId: number): number {
    return this.#slots.get(orderId);
  }

  /** Tracks an accepted order; returns its slot. */
  accept(e: Accepted, ts: number): number {
    const old = this.#slots.get(e.orderId);
    const s = old >= 0 ? old : this.#take();
    this.#slots.set(e.orderId, s);
    this.#orderId[s] = e.orderId;
    this.#accountId[s] = e.accountId;
    this.#instrumentId[s] = e.instrumentId;
    this.#clientOrderId[s] = e.clientOrderId;
    this.#sell[s] = e.side === 'sell' ? 1 : 0;
    this.#priceTicks[s] = e.priceTicks;
    this.#initialLots[s] = e.qtyLots;
    this.#filledLots[s] = 0;
    this.#openLots[s] = e.qtyLots;
    this.#takerCost[s] = 0;
    this.#makerCost[s] = 0;
    this.#takerFees[s] = 0;
    this.#makerFees[s] = 0;
    this.#createdTs[s] = ts;
    this.#updatedTs[s] = ts;
    this.#expiresAt[s] = e.expiresAt ?? Number.NaN;
    this.#cancelOnPause[s] = e.cancelOnPause ? 1 : 0;
    this.#orderGroupId[s] = e.orderGroupId ?? Number.NaN;
    this.#status[s] = RESTING;
    return s;
  }

  accountId(s: number): number {
    return this.#accountId[s]!;
  }
  instrumentId(s: number): number {
    return this.#instrumentId[s]!;
  }
  clientOrderId(s: number): string | undefined {
    return this.#clientOrderId[s];
  }
  side(s: number): Side {
    return this.#sell[s] === 1 ? 'sell' : 'buy';
  }
  priceTicks(s: number): number {
    return this.#priceTicks[s]!;
  }
  resting(s: number): boolean {
    return this.#status[s] === RESTING;
  }

  rested(s: number, openLots: number, ts: number): void {
    this.#openLots[s] = openLots;
    this.#updatedTs[s] = ts;
  }

  amended(s: number, priceTicks: number, openLots: number, ts: number): void {
    this.#priceTicks[s] = priceTicks;
    this.#openLots[s] = openLots;
    this.#initialLots[s] = this.#filledLots[s]! + openLots;
    this.#updatedTs[s] = ts;
  }

  cancelled(s: number, ts: number): void {
    this.#openLots[s] = 0;
    this.#status[s] = CANCELED;
    this.#updatedTs[s] = ts;
  }

  /** One leg of a fill: its lots, cost and fee as taker or maker. */
  filled(
    s: number,
    qtyLots: number,
    openLots: number,
    isTaker: boolean,
    cost: number,
    fee: number,
    ts: number,
  ): void {
    this.#filledLots[s]! += qtyLots;
    this.#openLots[s] = openLots;
    if (isTaker) {
      this.#takerCost[s]! += cost;
      this.#takerFees[s]! += fee;
    } else {
      this.#makerCost[s]! += cost;
      this.#makerFees[s]! += fee;
    }
    if (openLots === 0) this.#status[s] = EXECUTED;
    this.#updatedTs[s] = ts;
  }

  /** A snapshot of the order for a message. */
  view(s: number): TrackedOrder {
    const expiresAt = this.#expiresAt[s]!;
    const orderGroupId = this.#orderGroupId[s]!;
    return {
      orderId: this.#orderId[s]!,
      accountId: this.#accountId[s]!,
      instrumentId: this.#instrumentId[s]!,
      clientOrderId: this.#clientOrderId[s],
      side: this.side(s),
      priceTicks: this.#priceTicks[s]!,
      initialLots: this.#initialLots[s]!,
      filledLots: this.#filledLots[s]!,
      openLots: this.#openLots[s]!,
      takerCost: this.#takerCost[s]!,
      makerCost: this.#makerCost[s]!,
      takerFees: this.#takerFees[s]!,
      makerFees: this.#makerFees[s]!,
      createdTs: this.#createdTs[s]!,
      updatedTs: this.#updatedTs[s]!,
      expiresAt: Number.isNaN(expiresAt) ? undefined : expiresAt,
      cancelOnPause: this.#cancelOnPause[s] === 1,
      orderGroupId: Number.isNaN(orderGroupId) ? undefined : orderGroupId,
      status: STATUS[this.#status[s]!]!,
    };
  }

  /** Lists slot `s` among those changed by the command being applied (once). */
  touch(s: number): void {
    if (this.#marked[s] === 1) return;
    this.#marked[s] = 1;
    if (this.#touchedCount === this.#touched.length) this.#touched = growInt32(this.#touched);
    this.#touched[this.#touchedCount++] = s;
  }

  /** Calls `f` with each touched slot in first-change order (`f` may remove it), then forgets them. */
  drainTouched(f: (s: number) => void): void {
    for (let i = 0; i < this.#touchedCount; i++) {
      const s = this.#touched[i]!;
      this.#marked[s] = 0;
      f(s);
    }
    this.#touchedCount = 0;
  }

  /** Forgets the slots listed by a command that did not finish. */
  untouchAll(): void {
    for (let i = 0; i < this.#touchedCount; i++) this.#marked[this.#touched[i]!] = 0;
    this.#touchedCount = 0;
  }

  /** Forgets the order in slot `s` (an order that ended). */
  remove(s: number): void {
    this.#slots.delete(this.#orderId[s]!);
    this.#clientOrderId[s] = undefined;
    if (this.#freeCount === this.#free.length) this.#free = growInt32(this.#free);
    this.#free[this.#freeCount++] = s;
  }

  #take(): number {
    if (this.#freeCount > 0) return this.#free[--this.#freeCount]!;
    if (this.#used === this.#capacity) this.#grow();
    return this.#used++;
  }

  #grow(): void {
    const n = Math.max(1024, this.#capacity * 2);
    const f = (a: Float64Array) => {
      const b = new Float64Array(n);
      b.set(a);
      return b;
    };
    const u = (a: Uint8Array) => {
      const b = new Uint8Array(n);
      b.set(a);
      return b;
    };
    this.#orderId = f(this.#orderId);
    this.#accountId = f(this.#accountId);
    this.#instrumentId = f(this.#instrumentId);
    this.#priceTicks = f(this.#priceTicks);
    this.#initialLots = f(this.#initialLots);
    this.#filledLots = f(this.#filledLots);
    this.#openLots = f(this.#openLots);
    this.#takerCost = f(this.#takerCost);
    this.#makerCost = f(this.#makerCost);
    this.#takerFees = f(this.#takerFees);
    this.#makerFees = f(this.#makerFees);
    this.#createdTs = f(this.#createdTs);
    this.#updatedTs = f(this.#updatedTs);
    this.#expiresAt = f(this.#expiresAt);
    this.#orderGroupId = f(this.#orderGroupId);
    this.#sell = u(this.#sell);
    this.#status = u(this.#status);
    this.#cancelOnPause = u(this.#cancelOnPause);
    this.#marked = u(this.#marked);
    this.#capacity = n;
  }
}

function growInt32(a: Int32Array) {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}
