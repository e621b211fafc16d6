// The manipulations the scenario test plants inside the bot flow, each as the commands a manipulating
// account would send at one moment; each returns the alert kind and accounts it should raise.

import type { AlertKind } from '../../src/index.ts';
import { type BotFlow, LOT, STEP } from './bot-flow.ts';

export interface Planted {
  readonly kind: AlertKind;
  readonly accountIds: number[];
  readonly instrumentId: number;
  readonly what: string;
}

/** `seller` rests a small ask that `buyer` then takes, clearing the asks in front of it first. */
export function washTrade(f: BotFlow, m: number, seller: number, buyer: number): void {
  const bb = f.best(m, 'bids')!;
  const ba = f.best(m, 'asks')!;
  const p = ba - bb >= 2 * STEP ? bb + STEP : ba;
  f.place({
    accountId: seller,
    instrumentId: m,
    side: 'sell',
    orderType: 'limit',
    priceTicks: p,
    qtyLots: 5 * LOT,
    tif: 'gtc',
  });
  const depth = (f.engine.book(m)?.asks ?? [])
    .filter(([px]) => px <= p)
    .reduce((s, [, q]) => s + q, 0);
  f.place({
    accountId: buyer,
    instrumentId: m,
    side: 'buy',
    orderType: 'limit',
    priceTicks: p,
    qtyLots: depth,
    tif: 'ioc',
  });
}

/** A large bid one step behind the touch, then a sale into the bids; the bid is cancelled later. */
export function spoofStart(f: BotFlow, m: number, acct: number): number {
  const bb = f.best(m, 'bids')!;
  f.place({
    accountId: acct,
    instrumentId: m,
    side: 'buy',
    orderType: 'limit',
    priceTicks: bb - STEP,
    qtyLots: 200 * LOT,
    tif: 'gtc',
  });
  const id = f.seq;
  f.place({
    accountId: acct,
    instrumentId: m,
    side: 'sell',
    orderType: 'limit',
    priceTicks: bb,
    qtyLots: 10 * LOT,
    tif: 'ioc',
  });
  return id;
}

/** Large asks at two prices behind the touch, then a purchase at the touch; cancelled later. */
export function layerStart(f: BotFlow, m: number, acct: number): number[] {
  const ba = f.best(m, 'asks')!;
  const ids: number[] = [];
  for (const k of [1, 2]) {
    f.place({
      accountId: acct,
      instrumentId: m,
      side: 'sell',
      orderType: 'limit',
      priceTicks: ba + k * STEP,
      qtyLots: 150 * LOT,
      tif: 'gtc',
    });
    ids.push(f.seq);
  }
  f.place({
    accountId: acct,
    instrumentId: m,
    side: 'buy',
    orderType: 'limit',
    priceTicks: ba,
    qtyLots: 10 * LOT,
    tif: 'ioc',
  });
  return ids;
}

export function cancel(f: BotFlow, acct: number, orderIds: number[]): void {
  for (const orderId of orderIds) f.apply({ type: 'cancelOrder', accountId: acct, orderId });
}

/** A buy that sweeps the asks up to six steps past the touch. */
export function sweepUp(f: BotFlow, m: number, acct: number): void {
  const ba = f.best(m, 'asks');
  if (ba === undefined) return;
  f.place({
    accountId: acct,
    instrumentId: m,
    side: 'buy',
    orderType: 'limit',
    priceTicks: Math.min(9_900, ba + 6 * STEP),
    qtyLots: 400 * LOT,
    tif: 'ioc',
  });
}

/** A buy of at most ten lots' worth at the touch, never past its first level. */
export function buyTouch(f: BotFlow, m: number, acct: number): void {
  const top = f.engine.book(m, 1)?.asks[0];
  if (top === undefined) return;
  f.place({
    accountId: acct,
    instrumentId: m,
    side: 'buy',
    orderType: 'limit',
    priceTicks: top[0],
    qtyLots: Math.min(10 * LOT, top[1]),
    tif: 'ioc',
  });
}
