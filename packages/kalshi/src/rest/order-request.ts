// Kalshi order bodies (V2 `{ticker, side: bid|ask, count, price, …}` and legacy `{ticker, action, side,
// count, yes_price|no_price…}`) checked and translated into the native order body. Only shape and
// grid are checked here; balances, positions, duplicates and market state are the engine's to judge.

import { type BinarySpec, isLotMultiple } from '@bourse/engine';
import type { PlaceOrderBody } from '@bourse/protocol';
import {
  type BookSide,
  engineSide,
  isBookSide,
  type LegacyAction,
  legacyBookSide,
  type OutcomeSide,
} from '../direction.ts';
import {
  centsToMinor,
  hundredthsToLots,
  MICROS_PER_DOLLAR,
  parseCountToHundredths,
} from '../fixed-point.ts';
import { KalshiError } from '../kalshi-error.ts';
import {
  checkYesPrice,
  parseCentsPrice,
  parseDollarPrice,
  parseOrderPrice,
} from '../price-grid.ts';
import type { KalshiContext } from './kalshi-route.ts';

/** The native order body as the adapter builds it: always a symbol, a type and a time in force. */
export type NativeOrder = PlaceOrderBody & {
  market: string;
  type: 'limit' | 'market';
  tif: NonNullable<PlaceOrderBody['tif']>;
};

const TIF = {
  good_till_canceled: 'gtc',
  immediate_or_cancel: 'ioc',
  fill_or_kill: 'fok',
} as const;

const STP = { taker_at_cross: 'cancelTaker', maker: 'cancelMaker' } as const;

function bad(message: string): KalshiError {
  return new KalshiError('invalid_parameters', message);
}

export function asObject(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw bad('The body must be a JSON object.');
  }
  return body as Record<string, unknown>;
}

/** The binary market a `ticker` names, or 404 `market_not_found`. */
export function marketSpec(ctx: KalshiContext, ticker: unknown): BinarySpec {
  if (typeof ticker !== 'string' || ticker === '') throw bad('ticker is required.');
  const id = ctx.services.hub.resolve(ticker);
  const spec = id === undefined ? undefined : ctx.services.hub.market(id)?.spec;
  if (spec === undefined || spec.kind !== 'binary' || spec.symbol !== ticker) {
    throw new KalshiError('market_not_found', `No market ${ticker}.`);
  }
  return spec;
}

/** A count (`"10.00"` string or legacy integer) → lots; `invalid_count` unless > 0 and whole lots. */
export function parseCount(spec: BinarySpec, field: string, value: unknown): number {
  const hundredths = parseCountToHundredths(value);
  if (hundredths === undefined || hundredths <= 0) {
    throw new KalshiError('invalid_count', `${field} must be a positive count such as "10.00".`);
  }
  const lots = hundredthsToLots(hundredths, spec);
  if (lots === undefined || !isLotMultiple(spec, lots)) {
    throw new KalshiError('invalid_count', `${field} is finer than this market's contract size.`);
  }
  return lots;
}

/** A count that may be zero (`reduce_to`). */
export function parseCountOrZero(spec: BinarySpec, field: string, value: unknown): number {
  return parseCountToHundredths(value) === 0 ? 0 : parseCount(spec, field, value);
}

export function parseClientOrderId(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || value.length > 64 || !/^[-\w:+=/]*$/.test(value)) {
    throw bad('client_order_id: up to 64 characters of letters, digits and -_:+=/.');
  }
  return value;
}

function optionalBool(b: Record<string, unknown>, name: string): boolean | undefined {
  const v = b[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw bad(`${name} must be a boolean.`);
  return v;
}

/** `order_group_id`: absent, or one of this server's group ids (decimal strings). */
function parseOrderGroupId(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const id = typeof value === 'string' && /^[0-9]{1,15}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(id) || id < 1) {
    throw new KalshiError('not_found', `No order group ${String(value)}.`);
  }
  return id;
}

function checkSubaccount(b: Record<string, unknown>): void {
  const sub = b.subaccount;
  if (sub !== undefined && sub !== null && sub !== 0) {
    throw bad('Only subaccount 0 (the primary account) is supported.');
  }
}

function finish(
  spec: BinarySpec,
  b: Record<string, unknown>,
  side: BookSide,
  priceTicks: number,
  qtyLots: number,
  tif: NativeOrder['tif'],
  expirySeconds: unknown,
): NativeOrder {
  const order: NativeOrder = {
    market: spec.symbol,
    side: engineSide(side),
    type: 'limit',
    priceTicks,
    qtyLots,
    tif,
  };
  const clientOrderId = parseClientOrderId(b.client_order_id);
  if (clientOrderId !== undefined) order.clientOrderId = clientOrderId;
  if (expirySeconds !== undefined && expirySeconds !== null) {
    if (
      typeof expirySeconds !== 'number' ||
      !Number.isSafeInteger(expirySeconds) ||
      expirySeconds < 1
    ) {
      throw bad('expiration_time must be unix seconds.');
    }
    if (tif !== 'gtc') throw bad('Only good_till_canceled orders take an expiration time.');
    order.tif = 'gtd';
    order.expiresAt = expirySeconds * 1000;
  }
  const postOnly = optionalBool(b, 'post_only');
  const reduceOnly = optionalBool(b, 'reduce_only');
  const cancelOnPause = optionalBool(b, 'cancel_order_on_pause');
  if (postOnly !== undefined) order.postOnly = postOnly;
  if (reduceOnly !== undefined) order.reduceOnly = reduceOnly;
  if (cancelOnPause !== undefined) order.cancelOnPause = cancelOnPause;
  const group = parseOrderGroupId(b.order_group_id);
  if (group !== undefined) order.orderGroupId = group;
  checkSubaccount(b);
  return order;
}

/** `POST /portfolio/events/orders` body → native order. */
export function parseCreateV2(ctx: KalshiContext, body: unknown): NativeOrder {
  const b = asObject(body);
  const spec = marketSpec(ctx, b.ticker);
  if (!isBookSide(b.side)) throw bad('side must be bid or ask.');
  const tif = TIF[b.time_in_force as keyof typeof TIF];
  if (tif === undefined) {
    throw bad('time_in_force must be good_till_canceled, immediate_or_cancel or fill_or_kill.');
  }
  const stp = STP[b.self_trade_prevention_type as keyof typeof STP];
  if (stp === undefined) throw bad('self_trade_prevention_type must be taker_at_cross or maker.');
  const priceTicks = parseOrderPrice(spec, 'price', b.price);
  const qtyLots = parseCount(spec, 'count', b.count);
  const order = finish(spec, b, b.side, priceTicks, qtyLots, tif, b.expiration_time);
  order.stp = stp;
  return order;
}

const LEGACY_PRICE_FIELDS = ['yes_price', 'no_price', 'yes_price_dollars', 'no_price_dollars'];

function legacyPriceGiven(b: Record<string, unknown>): boolean {
  return LEGACY_PRICE_FIELDS.some((k) => b[k] !== undefined && b[k] !== null);
}

/** Legacy price: exactly one of yes_price / no_price (cents) / yes_price_dollars / no_price_dollars. */
export function parseLegacyPrice(spec: BinarySpec, b: Record<string, unknown>): number {
  const given = LEGACY_PRICE_FIELDS.filter((k) => b[k] !== undefined && b[k] !== null);
  if (given.length !== 1) throw bad('Send exactly one of yes_price, no_price or their _dollars.');
  const field = given[0]!;
  const ticks = field.endsWith('_dollars')
    ? parseDollarPrice(spec, field, b[field])
    : parseCentsPrice(spec, field, b[field]);
  return checkYesPrice(spec, field, field.startsWith('no_') ? spec.payoutTicks - ticks : ticks);
}

export function parseLegacyDirection(b: Record<string, unknown>): BookSide {
  const action = b.action;
  const side = b.side;
  if ((action !== 'buy' && action !== 'sell') || (side !== 'yes' && side !== 'no')) {
    throw bad('action must be buy or sell and side yes or no.');
  }
  return legacyBookSide(action as LegacyAction, side as OutcomeSide);
}

/** Legacy `count` (integer) or `count_fp` (string). */
export function parseLegacyCount(spec: BinarySpec, b: Record<string, unknown>): number {
  if (b.count_fp !== undefined && b.count_fp !== null)
    return parseCount(spec, 'count_fp', b.count_fp);
  return parseCount(spec, 'count', b.count);
}

/**
 * Legacy `buy_max_cost`: whole cents the order may spend on the contracts it buys, fees apart, in
 * the market's money; the order becomes fill-or-kill (Kalshi's rule). Only a buy spends: with
 * `action: sell` it is refused rather than ignored.
 */
function parseBuyMaxCost(
  ctx: KalshiContext,
  spec: BinarySpec,
  b: Record<string, unknown>,
): number | undefined {
  const cents = b.buy_max_cost;
  if (cents === undefined || cents === null) return undefined;
  if (typeof cents !== 'number' || !Number.isSafeInteger(cents) || cents < 1) {
    throw bad('buy_max_cost must be a positive whole number of cents.');
  }
  if (b.action !== 'buy') throw bad('buy_max_cost goes with action buy.');
  const asset = ctx.services.assets().find((a) => a.assetId === spec.settlementAssetId);
  const maxCost = centsToMinor(cents, asset?.scale ?? MICROS_PER_DOLLAR);
  if (!Number.isSafeInteger(maxCost) || maxCost < 1) throw bad('buy_max_cost is out of range.');
  return maxCost;
}

/**
 * `POST /portfolio/orders` body → native order. A `market` order takes what the book offers now and
 * never rests (immediate-or-cancel, or fill-or-kill); a price, if sent, is the worst it trades at.
 */
export function parseCreateLegacy(ctx: KalshiContext, body: unknown): NativeOrder {
  const b = asObject(body);
  const spec = marketSpec(ctx, b.ticker);
  const side = parseLegacyDirection(b);
  const type = b.type ?? 'limit';
  if (type !== 'limit' && type !== 'market') throw bad('type must be limit or market.');
  if (b.sell_position_floor !== undefined && b.sell_position_floor !== 0) {
    throw bad('sell_position_floor may only be 0.');
  }
  const tifText = b.time_in_force ?? (type === 'market' ? 'immediate_or_cancel' : undefined);
  let tif: NativeOrder['tif'] | undefined =
    TIF[(tifText ?? 'good_till_canceled') as keyof typeof TIF];
  if (tif === undefined) throw bad('time_in_force is not one Kalshi defines.');
  const maxCost = parseBuyMaxCost(ctx, spec, b);
  if (maxCost !== undefined) tif = 'fok';
  if (type === 'market' && tif === 'gtc') {
    throw bad('A market order is immediate_or_cancel or fill_or_kill: it never rests.');
  }
  const priced = type === 'limit' || legacyPriceGiven(b);
  const priceTicks = priced ? parseLegacyPrice(spec, b) : 0;
  const qtyLots = parseLegacyCount(spec, b);
  const order = finish(spec, b, side, priceTicks, qtyLots, tif, b.expiration_ts);
  if (maxCost !== undefined) order.maxCost = maxCost;
  if (type === 'market') {
    order.type = 'market';
    delete order.priceTicks;
    if (priced) order.worstPriceTicks = priceTicks;
  }
  const stp = b.self_trade_prevention_type;
  if (stp !== undefined && stp !== null) {
    const mapped = STP[stp as keyof typeof STP];
    if (mapped === undefined)
      throw bad('self_trade_prevention_type must be taker_at_cross or maker.');
    order.stp = mapped;
  }
  return order;
}

/** A Kalshi order id (our ids are decimal strings) → the engine's id, or 404 `order_not_found`. */
export function parseOrderId(text: string | undefined): number {
  const id = text !== undefined && /^[0-9]{1,15}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(id) || id < 1) {
    throw new KalshiError('order_not_found', `No order ${text ?? ''}.`);
  }
  return id;
}
