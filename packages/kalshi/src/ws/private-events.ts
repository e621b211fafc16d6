// Turns each applied command's engine events into Kalshi's private messages (`fill`, `user_order`,
// `market_position`, each for its own account only) and public `market_lifecycle_v2` messages. Fills
// report the position after each fill: the engine announces the position once, at the end of the
// command, so earlier fills subtract the later ones. Orders accepted before this process started are
// not tracked for `user_orders` (their fills still arrive on `fill`). Messages are built only for
// accounts that some socket listens for privately; every order is tracked regardless.

import type { BinarySpec, EngineEvent, MarketStatus, Side } from '@bourse/engine';
import type { AppliedCommand } from '@bourse/core';
import { formatTicks } from '../fixed-point.ts';
import { priceLevelStructure, priceRanges } from '../price-grid.ts';
import { NO_SCHEDULED_CLOSE_MS } from '../rest/market-view.ts';
import { fillCost } from '../rest/order-view.ts';
import { OwnLevels } from './own-levels.ts';
import { PositionVolumes } from './position-volumes.ts';
import { TrackedOrders } from './tracked-orders.ts';
import { fillMsg, positionMsg, userOrderMsg } from './ws-messages.ts';

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
/** True when some socket of the account listens on a private channel. */
export type Wanted = (accountId: number) => boolean;
type Fill = Extract<EngineEvent, { type: 'fill' }>;
type PositionChanged = Extract<EngineEvent, { type: 'positionChanged' }>;

/**
 * Messages are built only for accounts `wanted` names, so an account nobody listens for costs the
 * order tracking alone; that covers every order, so a later subscriber sees cumulative state.
 */
export class PrivateEvents {
  readonly #orders = new TrackedOrders();
  readonly #status = new Map<number, MarketStatus>();
  readonly #specOf: SpecOf;
  readonly #wanted: Wanted;
  /** Final positions of the command being applied (`account:instrument`); built when first needed. */
  #positions: Map<string, number> | undefined;
  pending: PrivateItem[] = [];
  lifecycle: LifecycleItem[] = [];
  /** Levels the members' own orders changed since the last flush (for `orderbook_delta`). */
  readonly ownLevels = new OwnLevels();

  /** Each account's traded volume per market (`market_position.volume_fp`). */
  readonly volumes: PositionVolumes;

  constructor(
    specOf: SpecOf,
    wanted: Wanted = () => true,
    volumes = new PositionVolumes(0, async () => new Map()),
  ) {
    this.#specOf = specOf;
    this.#wanted = wanted;
    this.volumes = volumes;
  }

  apply(applied: AppliedCommand): void {
    const events = applied.events;
    const ts = applied.ts;
    const orders = this.#orders;
    orders.untouchAll();
    this.#positions = undefined;
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      switch (e.type) {
        case 'orderAccepted':
          orders.touch(orders.accept(e, ts));
          break;
        case 'orderRested': {
          const o = orders.slotOf(e.orderId);
          if (o < 0) break;
          this.#ownLevel(o, e.side, e.priceTicks);
          orders.rested(o, e.openQtyLots, ts);
          orders.touch(o);
          break;
        }
        case 'orderAmended': {
          const o = orders.slotOf(e.orderId);
          if (o < 0) break;
          this.#ownLevel(o, orders.side(o), orders.priceTicks(o));
          this.#ownLevel(o, orders.side(o), e.priceTicks);
          orders.amended(o, e.priceTicks, e.openQtyLots, ts);
          orders.touch(o);
          break;
        }
        case 'orderCancelled': {
          const o = orders.slotOf(e.orderId);
          if (o < 0) break;
          this.#ownLevel(o, orders.side(o), orders.priceTicks(o));
          orders.cancelled(o, ts);
          orders.touch(o);
          break;
        }
        case 'fill':
          this.volumes.count(applied.seq, e);
          this.#fill(e, ts, events, i);
          break;
        case 'positionChanged':
          if (this.#wanted(e.accountId)) this.#position(e);
          break;
        default:
          this.#lifecycleEvent(e, ts);
      }
    }
    this.#positions = undefined;
    orders.drainTouched(this.#emitOrder);
  }

  #fill(e: Fill, ts: number, events: readonly EngineEvent[], index: number): void {
    const spec = this.#specOf(e.instrumentId);
    if (spec === undefined) return;
    const makerSide = e.takerSide === 'buy' ? 'sell' : 'buy';
    this.#track(e.takerOrderId, ts, true, spec, e.takerSide, e, e.takerFee, e.takerOpenQtyLots);
    if (this.#wanted(e.takerAccountId)) {
      this.#fillItem(
        e,
        ts,
        spec,
        events,
        index,
        true,
        e.takerAccountId,
        e.takerOrderId,
        e.takerSide,
      );
    }
    const maker = this.#orders.slotOf(e.makerOrderId);
    if (maker >= 0) this.#ownLevel(maker, makerSide, e.priceTicks);
    this.#track(e.makerOrderId, ts, false, spec, makerSide, e, e.makerFee, e.makerOpenQtyLots);
    if (this.#wanted(e.makerAccountId)) {
      this.#fillItem(
        e,
        ts,
        spec,
        events,
        index,
        false,
        e.makerAccountId,
        e.makerOrderId,
        makerSide,
      );
    }
  }

  /** One leg of a fill in the tracked order (its lots, cost and fees). */
  #track(
    orderId: number,
    ts: number,
    isTaker: boolean,
    spec: BinarySpec,
    side: Side,
    e: Fill,
    fee: number,
    open: number,
  ): void {
    const o = this.#orders.slotOf(orderId);
    if (o < 0) return;
    const cost = fillCost(spec, side, e.priceTicks, e.qtyLots);
    this.#orders.filled(o, e.qtyLots, open, isTaker, cost, fee, ts);
    this.#orders.touch(o);
  }

  /** The `fill` message of one leg, with the account's position right after this fill. */
  #fillItem(
    e: Fill,
    ts: number,
    spec: BinarySpec,
    events: readonly EngineEvent[],
    index: number,
    isTaker: boolean,
    accountId: number,
    orderId: number,
    side: Side,
  ): void {
    let after = this.#finalPositions(events).get(`${accountId}:${e.instrumentId}`) ?? 0;
    for (let j = index + 1; j < events.length; j++) {
      const f = events[j]!;
      if (f.type === 'fill' && f.instrumentId === e.instrumentId) after -= signedLots(f, accountId);
    }
    const facts = {
      tradeId: e.tradeId,
      orderId,
      clientOrderId: this.#clientOrderId(orderId),
      isTaker,
      side,
      priceTicks: e.priceTicks,
      qtyLots: e.qtyLots,
      fee: isTaker ? e.takerFee : e.makerFee,
      postPositionLots: after,
      ts,
    };
    this.pending.push({
      accountId,
      channel: 'fill',
      instrumentId: e.instrumentId,
      type: 'fill',
      build: () => fillMsg(spec, facts),
    });
  }

  /** The positions the engine announces for the command, the last one per account and market. */
  #finalPositions(events: readonly EngineEvent[]): Map<string, number> {
    if (this.#positions !== undefined) return this.#positions;
    const positions = new Map<string, number>();
    for (const e of events) {
      if (e.type === 'positionChanged')
        positions.set(`${e.accountId}:${e.instrumentId}`, e.positionLots);
    }
    this.#positions = positions;
    return positions;
  }

  #position(e: PositionChanged): void {
    const spec = this.#specOf(e.instrumentId);
    if (spec === undefined) return;
    const v = this.volumes;
    // The volume as of this command: what was traded since the boundary now, plus the loaded part.
    const live = v.liveLots(e.accountId, e.instrumentId);
    const p = { ...e };
    this.pending.push({
      accountId: e.accountId,
      channel: 'market_positions',
      instrumentId: e.instrumentId,
      type: 'market_position',
      build: (userId) =>
        positionMsg(spec, userId, p, live + v.loadedLots(e.accountId, e.instrumentId)),
    });
  }

  /** The order's `user_order` message, for its account only; an order that ended is forgotten. */
  readonly #emitOrder = (o: number): void => {
    const orders = this.#orders;
    const accountId = orders.accountId(o);
    const instrumentId = orders.instrumentId(o);
    const spec = this.#wanted(accountId) ? this.#specOf(instrumentId) : undefined;
    const copy = spec === undefined ? undefined : orders.view(o);
    if (!orders.resting(o)) orders.remove(o);
    if (spec === undefined || copy === undefined) return;
    this.pending.push({
      accountId,
      channel: 'user_orders',
      instrumentId,
      type: 'user_order',
      build: (userId) => userOrderMsg(spec, copy, userId),
    });
  };

  #clientOrderId(orderId: number): string | undefined {
    const o = this.#orders.slotOf(orderId);
    return o < 0 ? undefined : this.#orders.clientOrderId(o);
  }

  /** A change at a book level caused by the tracked order in slot `o`. */
  #ownLevel(o: number, side: Side, priceTicks: number): void {
    const orders = this.#orders;
    const clientOrderId = orders.clientOrderId(o);
    if (clientOrderId === undefined) return;
    this.ownLevels.record(
      orders.accountId(o),
      orders.instrumentId(o),
      clientOrderId,
      side,
      priceTicks,
    );
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
    } else if (e.type === 'marketScheduled') {
      // A new closing time is Kalshi's close_date_updated; a schedule cleared by the close itself
      // was announced with the close just before.
      if (this.#status.get(e.instrumentId) === 'closed') return;
      const closeMs = e.closesAt ?? NO_SCHEDULED_CLOSE_MS;
      this.#life(e.instrumentId, 'close_date_updated', { close_ts: Math.floor(closeMs / 1000) });
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
