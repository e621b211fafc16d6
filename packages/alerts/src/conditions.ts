// What an alert watches, as stored and evaluated: one condition per alert, each naming its market by
// instrument id (the API speaks symbols; the service resolves them). Amounts are integers: prices in
// ticks, quantities in lots, moves in basis points, windows and lead times in milliseconds.

export type PriceCross = {
  readonly kind: 'priceCross';
  readonly instrumentId: number;
  readonly direction: 'above' | 'below';
  readonly priceTicks: number;
};

export type PriceMove = {
  readonly kind: 'priceMove';
  readonly instrumentId: number;
  readonly direction: 'up' | 'down' | 'either';
  /** 100 = 1 %: a trade this far from another trade in the window, in the watched direction. */
  readonly moveBps: number;
  readonly windowMs: number;
};

export type SpreadThreshold = {
  readonly kind: 'spread';
  readonly instrumentId: number;
  /** `wider`: best ask − best bid ≥ the threshold; `narrower`: ≤ it (both sides quoted). */
  readonly direction: 'wider' | 'narrower';
  readonly spreadTicks: number;
};

export type VolumeThreshold = {
  readonly kind: 'volume';
  readonly instrumentId: number;
  /** Lots traded in the trailing window reach this many. */
  readonly volumeLots: number;
  readonly windowMs: number;
};

export type OrderFilled = {
  readonly kind: 'orderFilled';
  /** This order filled completely; without it, any fill of the account's orders (in the market). */
  readonly orderId?: number;
  readonly instrumentId?: number;
};

export type MarketClosing = {
  readonly kind: 'marketClosing';
  readonly instrumentId: number;
  /** Fires this long before the scheduled close (or at the close, if that came first). */
  readonly leadMs: number;
};

export type MarketSettledAlert = {
  readonly kind: 'marketSettled';
  readonly instrumentId: number;
};

export type AlertCondition =
  | PriceCross
  | PriceMove
  | SpreadThreshold
  | VolumeThreshold
  | OrderFilled
  | MarketClosing
  | MarketSettledAlert;

export type AlertKind = AlertCondition['kind'];

export const ALERT_KINDS: readonly AlertKind[] = [
  'priceCross',
  'priceMove',
  'spread',
  'volume',
  'orderFilled',
  'marketClosing',
  'marketSettled',
];

export const CHANNELS = ['inApp', 'push', 'email', 'webhook'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Longest window a move or volume alert may look back over (one week). */
export const MAX_WINDOW_MS = 7 * 24 * 3_600_000;

/** A rule an alert's input broke: the field and the rule, as the API reports it. */
export interface ConditionProblem {
  readonly field: string;
  readonly rule: string;
}

const positive = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) > 0;

/** The first rule a condition breaks, or undefined when it is well formed (markets checked apart). */
export function conditionProblem(c: AlertCondition): ConditionProblem | undefined {
  switch (c.kind) {
    case 'priceCross':
      return positive(c.priceTicks)
        ? undefined
        : { field: 'priceTicks', rule: 'a positive integer' };
    case 'priceMove':
      if (!positive(c.moveBps) || c.moveBps > 1_000_000)
        return { field: 'moveBps', rule: 'an integer in 1..1000000' };
      return windowProblem(c.windowMs);
    case 'spread':
      return Number.isSafeInteger(c.spreadTicks) && c.spreadTicks >= 0
        ? undefined
        : { field: 'spreadTicks', rule: 'an integer ≥ 0' };
    case 'volume':
      if (!positive(c.volumeLots)) return { field: 'volumeLots', rule: 'a positive integer' };
      return windowProblem(c.windowMs);
    case 'orderFilled':
      if (c.orderId !== undefined && !positive(c.orderId))
        return { field: 'orderId', rule: 'a positive integer' };
      return undefined;
    case 'marketClosing':
      return Number.isSafeInteger(c.leadMs) && c.leadMs >= 0 && c.leadMs <= MAX_WINDOW_MS
        ? undefined
        : { field: 'leadMs', rule: `an integer in 0..${MAX_WINDOW_MS}` };
    case 'marketSettled':
      return undefined;
  }
}

function windowProblem(windowMs: number): ConditionProblem | undefined {
  return positive(windowMs) && windowMs <= MAX_WINDOW_MS
    ? undefined
    : { field: 'windowMs', rule: `an integer in 1..${MAX_WINDOW_MS}` };
}

/** The market a condition watches, if it watches one. */
export function conditionMarket(c: AlertCondition): number | undefined {
  return c.instrumentId;
}
