// Routes the engine's per-account events to the private channels (orders, fills, balances, positions)
// of that account's sockets. Events accumulate per account until `flush()`, once per event-loop turn,
// so a burst becomes one message per channel. Accounts without subscribers cost one map lookup.

import type { EngineEvent } from '@bourse/engine';
import type { AppliedCommand } from '@bourse/core';
import { IdTable } from '../id-table.ts';

/** `notifications` carries the account owner's fired alerts (packages/alerts), not engine events. */
export type PrivateChannel = 'orders' | 'fills' | 'balances' | 'positions' | 'notifications';
export const PRIVATE_CHANNELS: readonly PrivateChannel[] = [
  'orders',
  'fills',
  'balances',
  'positions',
  'notifications',
];

export interface PrivateUpdate {
  readonly accountId: number;
  readonly channel: PrivateChannel;
  readonly items: unknown[];
}

type Pending = Record<PrivateChannel, unknown[]>;

export class PrivateFeed {
  /** orderId → accountId of every order that may still produce events (typed arrays: id-table.ts). */
  readonly #owners = new IdTable();
  /** Replaced at each flush, never cleared: decision 0950. */
  #pending = new Map<number, Pending>();
  readonly #wanted: (accountId: number) => boolean;

  constructor(wanted: (accountId: number) => boolean) {
    this.#wanted = wanted;
  }

  apply(applied: AppliedCommand, symbolOf: (instrumentId: number) => string): void {
    const cmd = applied.command;
    const { seq, ts } = applied;
    for (const e of applied.events) {
      switch (e.type) {
        case 'orderAccepted':
          this.#owners.set(e.orderId, e.accountId);
          this.#order(e.accountId, e, symbolOf, seq, ts);
          break;
        case 'orderRested':
        case 'orderParked':
        case 'orderTriggered': {
          const known = this.#owners.get(e.orderId);
          const owner = known >= 0 ? known : cmd.type === 'placeOrder' ? cmd.accountId : undefined;
          if (owner !== undefined) this.#order(owner, e, symbolOf, seq, ts);
          break;
        }
        case 'orderCancelled':
          this.#owners.delete(e.orderId);
          this.#order(e.accountId, e, symbolOf, seq, ts);
          break;
        case 'orderAmended':
          this.#order(e.accountId, e, symbolOf, seq, ts);
          break;
        case 'rejected':
          if (e.accountId !== undefined && this.#wanted(e.accountId)) {
            this.#push(e.accountId, 'orders', { ...e, seq, ts });
          }
          break;
        case 'fill':
          this.#fill(e, applied, symbolOf(e.instrumentId));
          break;
        case 'balanceChanged':
          if (this.#wanted(e.accountId)) this.#push(e.accountId, 'balances', { ...e, seq });
          break;
        case 'positionChanged':
          if (this.#wanted(e.accountId)) {
            this.#push(e.accountId, 'positions', { ...e, market: symbolOf(e.instrumentId), seq });
          }
          break;
        default:
          break;
      }
    }
  }

  /** An order event for its owner's `orders` channel, built only when someone listens. */
  #order(
    accountId: number,
    e: EngineEvent & { instrumentId: number },
    symbolOf: (instrumentId: number) => string,
    seq: number,
    ts: number,
  ): void {
    if (!this.#wanted(accountId)) return;
    this.#push(accountId, 'orders', { ...e, market: symbolOf(e.instrumentId), seq, ts });
  }

  /** Orders whose owner is remembered: the live ones (per-order state ends with the order). */
  get trackedOrders(): number {
    return this.#owners.size;
  }

  flush(): PrivateUpdate[] {
    const out: PrivateUpdate[] = [];
    if (this.#pending.size === 0) return out;
    const pending = this.#pending;
    this.#pending = new Map();
    for (const [accountId, p] of pending) {
      for (const channel of PRIVATE_CHANNELS) {
        if (p[channel].length > 0) out.push({ accountId, channel, items: p[channel] });
      }
    }
    return out;
  }

  #fill(e: Extract<EngineEvent, { type: 'fill' }>, applied: AppliedCommand, market: string): void {
    if (e.takerOpenQtyLots === 0) this.#owners.delete(e.takerOrderId);
    if (e.makerOpenQtyLots === 0) this.#owners.delete(e.makerOrderId);
    if (!this.#wanted(e.takerAccountId) && !this.#wanted(e.makerAccountId)) return;
    const base = {
      tradeId: e.tradeId,
      instrumentId: e.instrumentId,
      market,
      priceTicks: e.priceTicks,
      qtyLots: e.qtyLots,
      seq: applied.seq,
      ts: applied.ts,
    };
    const makerSide = e.takerSide === 'buy' ? 'sell' : 'buy';
    const taker = {
      ...base,
      role: 'taker',
      orderId: e.takerOrderId,
      accountId: e.takerAccountId,
      side: e.takerSide,
      fee: e.takerFee,
      openQtyLots: e.takerOpenQtyLots,
    };
    const maker = {
      ...base,
      role: 'maker',
      orderId: e.makerOrderId,
      accountId: e.makerAccountId,
      side: makerSide,
      fee: e.makerFee,
      openQtyLots: e.makerOpenQtyLots,
    };
    this.#push(e.takerAccountId, 'fills', taker);
    this.#push(e.makerAccountId, 'fills', maker);
    this.#push(e.takerAccountId, 'orders', { type: 'fill', ...taker });
    this.#push(e.makerAccountId, 'orders', { type: 'fill', ...maker });
  }

  #push(accountId: number, channel: PrivateChannel, item: unknown): void {
    if (!this.#wanted(accountId)) return;
    let p = this.#pending.get(accountId);
    if (p === undefined) {
      p = { orders: [], fills: [], balances: [], positions: [], notifications: [] };
      this.#pending.set(accountId, p);
    }
    p[channel].push(item);
  }
}
