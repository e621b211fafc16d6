// Between the API's flat alert body (`kind` plus the fields that kind needs, markets by symbol) and
// the stored condition (markets by instrument id). A missing or misplaced field is named.

import type { UserAlertBody, UserAlertCondition } from '@bourse/protocol';
import { AlertInputError } from './alert-errors.ts';
import type { AlertCondition } from './conditions.ts';

type Resolve = (symbol: string) => number | undefined;

function need<T>(body: UserAlertBody, field: keyof UserAlertBody, value: T | undefined): T {
  if (value === undefined)
    throw new AlertInputError(
      'VALIDATION_FAILED',
      `${field} is required for a ${body.kind} alert.`,
    );
  return value;
}

function market(body: UserAlertBody, resolve: Resolve): number {
  const symbol = need(body, 'market', body.market);
  const id = resolve(symbol);
  if (id === undefined) throw new AlertInputError('MARKET_NOT_FOUND', `No market ${symbol}.`);
  return id;
}

function direction<D extends string>(body: UserAlertBody, allowed: readonly D[]): D {
  const d = need(body, 'direction', body.direction);
  if (!(allowed as readonly string[]).includes(d))
    throw new AlertInputError(
      'VALIDATION_FAILED',
      `direction must be one of ${allowed.join(', ')} for a ${body.kind} alert.`,
    );
  return d as D;
}

export function conditionFromBody(body: UserAlertBody, resolve: Resolve): AlertCondition {
  switch (body.kind) {
    case 'priceCross':
      return {
        kind: 'priceCross',
        instrumentId: market(body, resolve),
        direction: direction(body, ['above', 'below'] as const),
        priceTicks: need(body, 'priceTicks', body.priceTicks),
      };
    case 'priceMove':
      return {
        kind: 'priceMove',
        instrumentId: market(body, resolve),
        direction:
          body.direction === undefined
            ? 'either'
            : direction(body, ['up', 'down', 'either'] as const),
        moveBps: need(body, 'moveBps', body.moveBps),
        windowMs: need(body, 'windowMs', body.windowMs),
      };
    case 'spread':
      return {
        kind: 'spread',
        instrumentId: market(body, resolve),
        direction: direction(body, ['wider', 'narrower'] as const),
        spreadTicks: need(body, 'spreadTicks', body.spreadTicks),
      };
    case 'volume':
      return {
        kind: 'volume',
        instrumentId: market(body, resolve),
        volumeLots: need(body, 'volumeLots', body.volumeLots),
        windowMs: need(body, 'windowMs', body.windowMs),
      };
    case 'orderFilled':
      return {
        kind: 'orderFilled',
        ...(body.orderId === undefined ? {} : { orderId: body.orderId }),
        ...(body.market === undefined ? {} : { instrumentId: market(body, resolve) }),
      };
    case 'marketClosing':
      return {
        kind: 'marketClosing',
        instrumentId: market(body, resolve),
        leadMs: need(body, 'leadMs', body.leadMs),
      };
    case 'marketSettled':
      return { kind: 'marketSettled', instrumentId: market(body, resolve) };
  }
}

/** The stored condition as the API shows it (markets by symbol). */
export function conditionView(
  c: AlertCondition,
  symbolOf: (id: number) => string,
): UserAlertCondition {
  const { instrumentId, ...rest } = c as AlertCondition & { instrumentId?: number };
  return {
    ...rest,
    ...(instrumentId === undefined ? {} : { market: symbolOf(instrumentId) }),
  } as UserAlertCondition;
}
