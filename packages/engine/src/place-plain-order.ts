// The plain order: a limit order (GTC or IOC) or a market order (IOC) with none of the optional
// features (client order id, order group, post-only, reduce-only, cancel-on-pause, self-trade mode,
// max cost, expiry, stop, worst price). It is most of the order flow, so it is accepted on one path
// that keeps what it reads in locals, with no phase object written and read back between the checks
// and no test for a feature it cannot have. This path only ever accepts: an order that fails any
// check here goes on to the general path (place-order.ts), which runs every check again and rejects
// it with the first failing rule's code, so the order of the rules and their codes have one home.
// The checks are pure, so a refusal here changes nothing.

import { BUY, SELL } from './book.ts';
import type { PlaceOrder } from './commands.ts';
import type { EngineState } from './engine-state.ts';
import {
  amountViolation,
  checkBand,
  checkPrice,
  exceedsPositionLimit,
  fundsViolation,
  qtyViolation,
} from './order-checks.ts';
import { execute, runStopTriggers } from './order-execution.ts';
import { linkToAccount } from './order-lifecycle.ts';
import { TIF_GTC, TIF_IOC, TYPE_LIMIT, TYPE_MARKET } from './order-store.ts';
import { applyReservation, computeReservation, type Reservation } from './reservation.ts';
import type { Account, Instrument } from './state.ts';
import { isPositiveInt } from './units.ts';

/**
 * The optional fields of a placement this path knows: the price it reads, the actor (which no
 * part of the engine reads), and the rest, which it requires absent. A field added to `PlaceOrder` and not listed here fails to compile (below), so a new
 * feature cannot slip through the plain path unchecked.
 */
type KnownOptional =
  | 'priceTicks'
  | 'actor'
  | 'clientOrderId'
  | 'orderGroupId'
  | 'postOnly'
  | 'reduceOnly'
  | 'cancelOnPause'
  | 'stp'
  | 'maxCost'
  | 'expiresAt'
  | 'stopPriceTicks'
  | 'worstPriceTicks';
type OptionalOf<T> = { [K in keyof T]-?: object extends Pick<T, K> ? K : never }[keyof T];
const everyOptionalKnown: [Exclude<OptionalOf<PlaceOrder>, KnownOptional>] extends [never]
  ? true
  : never = true;
void everyOptionalKnown;

/** True when the command is a plain order (see above): its type and time in force, and nothing else. */
export function isPlainOrder(c: PlaceOrder): boolean {
  const type = c.orderType;
  const tif = c.tif;
  return (
    (type === 'limit' ? tif === 'gtc' || tif === 'ioc' : type === 'market' && tif === 'ioc') &&
    c.clientOrderId === undefined &&
    c.orderGroupId === undefined &&
    c.postOnly === undefined &&
    c.reduceOnly === undefined &&
    c.cancelOnPause === undefined &&
    c.stp === undefined &&
    c.maxCost === undefined &&
    c.expiresAt === undefined &&
    c.stopPriceTicks === undefined &&
    c.worstPriceTicks === undefined
  );
}

/**
 * Accepts and executes a plain order when every rule of the general path lets it through; returns
 * false, having changed nothing, when any of them would not. `r` is scratch for the reservation.
 */
export function placePlainOrder(e: EngineState, c: PlaceOrder, r: Reservation): boolean {
  const orderId = c.orderId;
  if (!isPositiveInt(orderId) || orderId <= e.maxOrderId || e.halted) return false;
  const acct = e.accountById(c.accountId);
  if (acct === undefined || acct.frozen) return false;
  const inst = e.instrumentById(c.instrumentId);
  if (inst === undefined || inst.status !== 'open') return false;
  const side = c.side === 'buy' ? BUY : c.side === 'sell' ? SELL : -1;
  if (side < 0) return false;
  const spec = inst.spec;
  const qty = c.qtyLots;
  if (qtyViolation(spec, qty) !== undefined) return false;
  const type = c.orderType === 'limit' ? TYPE_LIMIT : TYPE_MARKET;
  let limit: number;
  if (type === TYPE_LIMIT) {
    const price = c.priceTicks;
    if (checkPrice(inst, price) !== undefined) return false;
    limit = price as number;
    if (checkBand(inst, limit) !== undefined) return false;
  } else limit = side === BUY ? spec.maxPriceTicks : spec.minPriceTicks;
  if (amountViolation(spec, side, qty, limit, 0) !== undefined) return false;
  if (exceedsPositionLimit(inst, acct, side, qty, 0)) return false;
  const tif = type === TYPE_LIMIT && c.tif === 'gtc' ? TIF_GTC : TIF_IOC;
  if (tif === TIF_GTC && acct.openOrders >= e.config.maxOpenOrdersPerAccount) return false;
  computeReservation(inst, acct, side, limit, qty, 0, r);
  if (fundsViolation(inst, acct, side, r) !== undefined) return false;
  acceptPlain(e, orderId, acct, inst, side, type, tif, limit, qty, r);
  return true;
}

/** The accepted plain order, as the general path's acceptance with every optional field absent. */
function acceptPlain(
  e: EngineState,
  orderId: number,
  acct: Account,
  inst: Instrument,
  side: number,
  type: number,
  tif: number,
  limit: number,
  qty: number,
  r: Reservation,
): void {
  e.maxOrderId = orderId;
  const s = e.store;
  const slot = s.alloc();
  s.init(slot, orderId, inst.index, acct.index, side, type, tif, 0, limit, qty);
  applyReservation(e, inst, acct, slot, r);
  linkToAccount(e, acct, slot);
  e.orderSlots.set(orderId, slot);
  const id = inst.spec.instrumentId;
  const none = undefined;
  e.sink.accepted(
    orderId,
    acct.accountId,
    id,
    none,
    side,
    type,
    tif,
    limit,
    qty,
    none,
    none,
    false,
    false,
    false,
    none,
  );
  execute(e, inst, slot, 0);
  runStopTriggers(e, inst);
}
