// Order entry shared by REST and WebSocket: checks an order against its market's spec before it reaches
// the journal (so a malformed order costs no sequence number and changes nothing), builds the engine
// command, and summarises the acknowledged command as the order's ack.

import {
  type CancelReason,
  describeGrid,
  type Fill,
  type InstrumentSpec,
  isLotMultiple,
  priceViolation,
} from '@bourse/engine';
import type { MarketState } from '@bourse/marketdata';
import type { AppliedCommand, CommandInput } from '@bourse/core';
import { ApiError } from '../error-catalogue.ts';
import type { OrderAck, PlaceOrderBody } from '@bourse/protocol';

/** Refuses a price the engine would refuse, by the engine's own grid rule, before it is journaled. */
export function checkOrderPrice(
  spec: InstrumentSpec,
  field: string,
  priceTicks: number | undefined,
): void {
  if (priceTicks === undefined) return;
  const violation = priceViolation(spec, priceTicks);
  if (violation === undefined) return;
  throw new ApiError(violation, `${field} must be ${describeGrid(spec)}.`);
}

/** The engine command for an order, after the checks the gateway can make without state. */
export function placeOrderCommand(
  accountId: number,
  market: MarketState,
  body: PlaceOrderBody,
): CommandInput {
  const spec = market.spec;
  const orderType = body.type ?? 'limit';
  const tif = body.tif ?? 'gtc';
  if (market.status !== 'open') throw new ApiError('MARKET_NOT_OPEN');
  if ((orderType === 'limit' || orderType === 'stopLimit') && body.priceTicks === undefined) {
    throw new ApiError('INVALID_PRICE', 'Limit orders need priceTicks.');
  }
  if ((orderType === 'stop' || orderType === 'stopLimit') && body.stopPriceTicks === undefined) {
    throw new ApiError('INVALID_PRICE', 'Stop orders need stopPriceTicks.');
  }
  if (tif === 'gtd' && body.expiresAt === undefined) {
    const detail = { field: 'expiresAt', rule: 'present when tif is gtd' };
    throw new ApiError('INVALID_FIELD', 'expiresAt must be present when tif is gtd.', {
      details: detail,
    });
  }
  checkOrderPrice(spec, 'priceTicks', body.priceTicks);
  checkOrderPrice(spec, 'stopPriceTicks', body.stopPriceTicks);
  checkOrderPrice(spec, 'worstPriceTicks', body.worstPriceTicks);
  if (!isLotMultiple(spec, body.qtyLots)) {
    throw new ApiError('QTY_NOT_LOT_MULTIPLE', `qtyLots must be a multiple of ${spec.lotSize}.`);
  }
  if (spec.limits.maxOrderQtyLots > 0 && body.qtyLots > spec.limits.maxOrderQtyLots) {
    throw new ApiError('MAX_ORDER_SIZE');
  }
  const command: { -readonly [K in keyof CommandInput]?: unknown } & Record<string, unknown> = {
    type: 'placeOrder',
    accountId,
    instrumentId: spec.instrumentId,
    side: body.side,
    orderType,
    qtyLots: body.qtyLots,
    tif,
  };
  // Copied when the body has them, each by name: a loop over a list of names read and wrote each by
  // key, a lookup by name per field, the larger part of this function's cost on the gateway thread.
  if (body.priceTicks !== undefined) command.priceTicks = body.priceTicks;
  if (body.clientOrderId !== undefined) command.clientOrderId = body.clientOrderId;
  if (body.expiresAt !== undefined) command.expiresAt = body.expiresAt;
  if (body.postOnly !== undefined) command.postOnly = body.postOnly;
  if (body.reduceOnly !== undefined) command.reduceOnly = body.reduceOnly;
  if (body.stopPriceTicks !== undefined) command.stopPriceTicks = body.stopPriceTicks;
  if (body.worstPriceTicks !== undefined) command.worstPriceTicks = body.worstPriceTicks;
  if (body.maxCost !== undefined) command.maxCost = body.maxCost;
  if (body.stp !== undefined) command.stp = body.stp;
  if (body.cancelOnPause !== undefined) command.cancelOnPause = body.cancelOnPause;
  if (body.orderGroupId !== undefined) command.orderGroupId = body.orderGroupId;
  return command as CommandInput;
}

/** The ack of an accepted placeOrder: its fills and where the order ended up. */
export function orderAck(applied: AppliedCommand, symbol: string): OrderAck {
  // The sequencer assigns the order id (the command's seq); read it from the command, not assume it.
  const orderId = applied.command.type === 'placeOrder' ? applied.command.orderId : applied.seq;
  const fills: { tradeId: number; priceTicks: number; qtyLots: number; fee: number }[] = [];
  let openQtyLots = 0;
  let filledQtyLots = 0;
  let status: OrderAck['status'] = 'filled';
  let cancelReason: CancelReason | null = null;
  for (const e of applied.events) {
    if (e.type === 'orderAccepted' && e.orderId === orderId) openQtyLots = e.qtyLots;
    else if (e.type === 'fill' && (e.takerOrderId === orderId || e.makerOrderId === orderId)) {
      fills.push(fillOf(e, orderId));
      filledQtyLots += e.qtyLots;
      openQtyLots = e.takerOrderId === orderId ? e.takerOpenQtyLots : e.makerOpenQtyLots;
    } else if (e.type === 'orderRested' && e.orderId === orderId) {
      status = 'resting';
      openQtyLots = e.openQtyLots;
    } else if (e.type === 'orderParked' && e.orderId === orderId) status = 'parked';
    else if (e.type === 'orderCancelled' && e.orderId === orderId) {
      status = 'cancelled';
      cancelReason = e.reason;
      openQtyLots = 0;
    }
  }
  if (status === 'filled' && openQtyLots > 0) status = 'resting';
  return {
    orderId,
    seq: applied.seq,
    ts: applied.ts,
    market: symbol,
    status,
    filledQtyLots,
    openQtyLots: status === 'cancelled' ? 0 : openQtyLots,
    cancelReason,
    fills,
  };
}

function fillOf(e: Fill, orderId: number) {
  const taker = e.takerOrderId === orderId;
  return {
    tradeId: e.tradeId,
    priceTicks: e.priceTicks,
    qtyLots: e.qtyLots,
    fee: taker ? e.takerFee : e.makerFee,
  };
}
