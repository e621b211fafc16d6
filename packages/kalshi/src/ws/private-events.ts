// Turns each applied command's engine events into Kalshi's private messages (`fill`, `user_order`,
// `market_position`, each for its own account only) and public `market_lifecycle_v2` messages. Fills
// report the position after each fill: the engine announces the position once, at the end of the
// command, so earlier fills subtract the later ones. Orders accepted before this process started are
// not tracked for `user_orders` (their fills still arrive on `fill`).

import type { BinarySpec, EngineEvent, MarketStatus } from '@bourse/engine';
import type { AppliedCommand } from '@bourse/sequencer';
import { formatTicks } from '../fixed-point.ts';
import { priceLevelStructure, priceRanges } from '../price-grid.ts';
import { fillCost } from '../rest/order-view.ts';
import { fillMsg, positionMsg, type TrackedOrder, userOrderMsg } from './ws-messages.ts';

export type PrivateChannel = 'fill' | 'user_orders' | 'market_positions';

export interface PrivateItem {
  readonly accountId: number;
  readonly channel: PrivateChannel;
  readonly instrumentId: number;
  readonly type: 'fill' | 'user_order' | 'market_position';
  /** The message body for the subscriber (who is the account's user). */
  readonly build: (userId: number) => object;
}

export interface LifecycleItem {
  readonly instrumentId: number;
  readonly msg: object;
}

type SpecOf = (instrumentId: number) => BinarySpec | undefined;
type Fill = Extract<EngineEvent, { type: 'fill' }>;

export class PrivateEvents {
  readonly #orders = new Map<number, TrackedOrder>();
  readonly #status = new Map<number, MarketStatus>();
  readonly #specOf: SpecOf;
  pending: PrivateItem[] = [];
  lifecycle: LifecycleItem[] = [];

  constructor(specOf: SpecOf) {
    this.#specOf = specOf;
  }

  apply(applied: AppliedCommand): void {
    const positions = new Map<string, number>();
    for (const e of applied.events) {
      if (e.type === 'positionChanged')
        positions.set(`${e.accountId}:${e.instrumentId}`, e.positionLots);
    }
    const fills = applied.events.filter((e): e is Fill => e.type === 'fill');
    const touched = new Set<number>();
    let fillIndex = 0;
    for (const e of applied.events) {
      switch (e.type) {
        case 'orderAccepted':
          this.#orders.set(e.orderId, {
            orderId: e.orderId,
            accountId: e.accountId,
            instrumentId: e.instrumentId,
            clientOrderId: e.clientOrderId,
            side: e.side,
            priceTicks: e.priceTicks,
            initialLots: e.qtyLots,
            filledLots: 0,
            openLots: e.qtyLots,
            takerCost: 0,
            makerCost: 0,
            takerFees: 0,
            makerFees: 0,
            createdTs: applied.ts,
            updatedTs: applied.ts,
            expiresAt: e.expiresAt,
            status: 'resting',
          });
          touched.add(e.orderId);
          break;
        case 'orderRested':
          this.#update(e.orderId, applied.ts, touched, (o) => (o.openLots = e.openQtyLots));
          break;
        case 'orderAmended':
          this.#update(e.orderId, applied.ts, touched, (o) => {
            o.priceTicks = e.priceTicks;
            o.openLots = e.openQtyLots;
            o.initialLots = o.filledLots + e.openQtyLots;
          });
          break;
        case 'orderCancelled':
          this.#update(e.orderId, applied.ts, touched, (o) => {
            o.openLots = 0;
            o.status = 'canceled';
          });
          break;
        case 'fill':
          this.#fill(e, applied.ts, touched, positions, fills.slice(fillIndex + 1));
          fillIndex++;
          break;
        case 'positionChanged':
          this.#position(e);
          break;
        default:
          this.#lifecycleEvent(e, applied.ts);
      }
    }
    for (const id of touched) this.#emitOrder(id);
  }

  #update(orderId: number, ts: number, touched: Set<number>, change: (o: TrackedOrder) => void) {
    const o = this.#orders.get(orderId);
    if (o === undefined) return;
    change(o);
    o.updatedTs = ts;
    touched.add(orderId);
  }

  #fill(e: Fill, ts: number, touched: Set<number>, positions: Map<string, number>, later: Fill[]) {
    const spec = this.#specOf(e.instrumentId);
    if (spec === undefined) return;
    const makerSide = e.takerSide === 'buy' ? 'sell' : 'buy';
    const legs = [
      { accountId: e.takerAccountId, orderId: e.takerOrderId, side: e.takerSide, fee: e.takerFee },
      { accountId: e.makerAccountId, orderId: e.makerOrderId, side: makerSide, fee: e.makerFee },
    ] as const;
    for (const leg of legs) {
      const isTaker = leg === legs[0];
      const open = isTaker ? e.takerOpenQtyLots : e.makerOpenQtyLots;
      this.#update(leg.orderId, ts, touched, (o) => {
        const cost = fillCost(spec, leg.side, e.priceTicks, e.qtyLots);
        o.filledLots += e.qtyLots;
        o.openLots = open;
        if (isTaker) {
          o.takerCost += cost;
          o.takerFees += leg.fee;
        } else {
          o.makerCost += cost;
          o.makerFees += leg.fee;
        }
        if (open === 0) o.status = 'executed';
      });
      const final = positions.get(`${leg.accountId}:${e.instrumentId}`) ?? 0;
      const after = later
        .filter((f) => f.instrumentId === e.instrumentId)
        .reduce((p, f) => p - signedLots(f, leg.accountId), final);
      const facts = {
        tradeId: e.tradeId,
        orderId: leg.orderId,
        clientOrderId: this.#orders.get(leg.orderId)?.clientOrderId,
        isTaker,
        side: leg.side,
        priceTicks: e.priceTicks,
        qtyLots: e.qtyLots,
        fee: leg.fee,
        postPositionLots: after,
        ts,
      };
      this.pending.push({
        accountId: leg.accountId,
        channel: 'fill',
        instrumentId: e.instrumentId,
        type: 'fill',
        build: () => fillMsg(spec, facts),
      });
    }
  }

  #position(e: Extract<EngineEvent, { type: 'positionChanged' }>): void {
    const spec = this.#specOf(e.instrumentId);
    if (spec === undefined) return;
    const p = { ...e };
    this.pending.push({
      accountId: e.accountId,
      channel: 'market_positions',
      instrumentId: e.instrumentId,
      type: 'market_position',
      build: (userId) => positionMsg(spec, userId, p),
    });
  }

  #emitOrder(orderId: number): void {
    const o = this.#orders.get(orderId);
    if (o === undefined) return;
    const spec = this.#specOf(o.instrumentId);
    if (o.status !== 'resting') this.#orders.delete(orderId);
    if (spec === undefined) return;
    const copy = { ...o };
    this.pending.push({
      accountId: o.accountId,
      channel: 'user_orders',
      instrumentId: o.instrumentId,
      type: 'user_order',
      build: (userId) => userOrderMsg(spec, copy, userId),
    });
  }

  #lifecycleEvent(e: EngineEvent, ts: number): void {
    const s = Math.floor(ts / 1000);
    if (e.type === 'instrumentCreated' && e.spec.kind === 'binary') {
      this.#status.set(e.spec.instrumentId, 'created');
      this.#life(e.spec.instrumentId, 'created', {
        open_ts: s,
        price_level_structure: priceLevelStructure(e.spec),
        price_ranges: priceRanges(e.spec),
      });
    } else if (e.type === 'marketStatusChanged') {
      const before = this.#status.get(e.instrumentId);
      this.#status.set(e.instrumentId, e.status);
      if (e.status === 'paused')
        this.#life(e.instrumentId, 'deactivated', { is_deactivated: true });
      else if (e.status === 'open' && before === 'paused') {
        this.#life(e.instrumentId, 'deactivated', { is_deactivated: false });
      } else if (e.status === 'open') this.#life(e.instrumentId, 'activated', { open_ts: s });
      else if (e.status === 'closed')
        this.#life(e.instrumentId, 'close_date_updated', { close_ts: s });
    } else if (e.type === 'marketSettled') {
      const spec = this.#specOf(e.instrumentId);
      if (spec === undefined) return;
      const value = e.result === 'yes' ? spec.payoutTicks : e.result === 'no' ? 0 : e.valueTicks;
      this.#life(e.instrumentId, 'determined', {
        result: e.result,
        settlement_value: formatTicks(value, spec),
        determination_ts: s,
      });
      this.#life(e.instrumentId, 'settled', { settled_ts: s });
    }
  }

  #life(instrumentId: number, eventType: string, fields: object): void {
    const spec = this.#specOf(instrumentId);
    if (spec === undefined) return;
    this.lifecycle.push({
      instrumentId,
      msg: { market_ticker: spec.symbol, event_type: eventType, ...fields },
    });
  }
}

/** The position change a fill makes for one account: + for a YES buy, − for a sell. */
function signedLots(f: Fill, accountId: number): number {
  let d = 0;
  if (f.takerAccountId === accountId) d += f.takerSide === 'buy' ? f.qtyLots : -f.qtyLots;
  if (f.makerAccountId === accountId) d += f.takerSide === 'buy' ? -f.qtyLots : f.qtyLots;
  return d;
}
