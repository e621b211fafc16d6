// From the new-alert form's text fields to the API's alert body, in the market's units as people type
// them (cents or dollars, contracts or lots, percent, seconds, minutes), or a sentence naming what to fix.

import type { MarketInfo } from '../api/types.ts';
import { parseDecimal, parsePrice, parsePriceTicks, parseQty } from '../format/units.ts';
import type { UserAlertBody } from '../state/alerts.ts';

export type AlertKind = UserAlertBody['kind'];
export type Channel = UserAlertBody['channels'][number];

export const KIND_LABELS: Readonly<Record<AlertKind, string>> = {
  priceCross: 'Price crosses a level',
  priceMove: 'Price moves by a percentage',
  spread: 'Spread threshold',
  volume: 'Volume threshold',
  orderFilled: 'My order filled',
  marketClosing: 'Market about to close',
  marketSettled: 'Market settled',
};

export const DIRECTIONS: Readonly<Record<AlertKind, readonly (readonly [string, string])[]>> = {
  priceCross: [
    ['above', 'at or above'],
    ['below', 'at or below'],
  ],
  priceMove: [
    ['either', 'up or down'],
    ['up', 'up'],
    ['down', 'down'],
  ],
  spread: [
    ['wider', 'at least'],
    ['narrower', 'at most'],
  ],
  volume: [],
  orderFilled: [],
  marketClosing: [],
  marketSettled: [],
};

export interface AlertFields {
  readonly kind: AlertKind;
  readonly market: MarketInfo | undefined;
  readonly direction: string;
  readonly price: string;
  readonly percent: string;
  readonly seconds: string;
  readonly quantity: string;
  readonly orderId: string;
  readonly minutes: string;
  readonly channels: readonly Channel[];
}

type Result = { body: UserAlertBody } | { error: string };

/** The body for the fields, or what to fix. */
export function alertBody(f: AlertFields): Result {
  if (f.channels.length === 0) return { error: 'Choose at least one way to be told.' };
  const m = f.market;
  const base = { kind: f.kind, channels: [...f.channels] };
  if (f.kind === 'orderFilled') {
    const orderId = f.orderId.trim() === '' ? undefined : parseDecimal(f.orderId, 0);
    if (orderId === 0 || (f.orderId.trim() !== '' && orderId === undefined))
      return { error: 'Enter an order number, or leave it empty for any fill.' };
    return {
      body: {
        ...base,
        ...(orderId === undefined ? {} : { orderId }),
        ...(m === undefined ? {} : { market: m.market }),
      },
    };
  }
  if (m === undefined) return { error: 'Choose a market.' };
  const withMarket = { ...base, market: m.market };
  const direction = f.direction as NonNullable<UserAlertBody['direction']>;
  const windowMs = (parseDecimal(f.seconds, 0) ?? 0) * 1_000;
  switch (f.kind) {
    case 'priceCross': {
      const priceTicks = parsePrice(m, f.price);
      if (priceTicks === undefined) return { error: 'Enter a price on the market’s grid.' };
      return { body: { ...withMarket, direction, priceTicks } };
    }
    case 'priceMove': {
      const moveBps = parseDecimal(f.percent, 2);
      if (moveBps === undefined || moveBps === 0) return { error: 'Enter the move in percent.' };
      if (windowMs === 0) return { error: 'Enter the window in seconds.' };
      return { body: { ...withMarket, direction, moveBps, windowMs } };
    }
    case 'spread': {
      const spreadTicks = parsePriceTicks(m, f.price);
      if (spreadTicks === undefined) return { error: 'Enter the spread as a price difference.' };
      return { body: { ...withMarket, direction, spreadTicks } };
    }
    case 'volume': {
      const volumeLots = parseQty(m, f.quantity);
      if (volumeLots === undefined || volumeLots === 0) return { error: 'Enter a quantity.' };
      if (windowMs === 0) return { error: 'Enter the window in seconds.' };
      return { body: { ...withMarket, volumeLots, windowMs } };
    }
    case 'marketClosing': {
      const minutes = parseDecimal(f.minutes, 0);
      if (minutes === undefined) return { error: 'Enter how many minutes before the close.' };
      return { body: { ...withMarket, leadMs: minutes * 60_000 } };
    }
    default:
      return { body: withMarket };
  }
}
