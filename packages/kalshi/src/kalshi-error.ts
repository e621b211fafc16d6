// Kalshi's error body `{"error":{"code","message","details?"}}` and the one table that turns the
// gateway's and the engine's codes into Kalshi's snake_case codes and HTTP statuses. Everything the
// adapter answers with on failure passes through `toKalshiError`.

import type { ApiErrorCode } from '@bourse/gateway';

export type KalshiErrorCode =
  | 'invalid_parameters'
  | 'invalid_price'
  | 'invalid_count'
  | 'market_not_found'
  | 'market_closed'
  | 'trading_paused'
  | 'insufficient_balance'
  | 'order_not_found'
  | 'order_not_resting'
  | 'order_already_exists'
  | 'post_only_cross'
  | 'fill_or_kill_not_fillable'
  | 'reduce_only_would_increase'
  | 'position_limit_exceeded'
  | 'max_orders_exceeded'
  | 'order_group_triggered'
  | 'not_found'
  | 'unauthorized'
  | 'forbidden'
  | 'rate_limited'
  | 'service_unavailable'
  | 'internal_error';

const STATUS: Record<KalshiErrorCode, number> = {
  invalid_parameters: 400,
  invalid_price: 400,
  invalid_count: 400,
  market_not_found: 404,
  market_closed: 400,
  trading_paused: 400,
  insufficient_balance: 400,
  order_not_found: 404,
  order_not_resting: 400,
  order_already_exists: 409,
  post_only_cross: 400,
  fill_or_kill_not_fillable: 400,
  reduce_only_would_increase: 400,
  position_limit_exceeded: 400,
  max_orders_exceeded: 400,
  order_group_triggered: 409,
  not_found: 404,
  unauthorized: 401,
  forbidden: 403,
  rate_limited: 429,
  service_unavailable: 503,
  internal_error: 500,
};

/** Native code → Kalshi code. Codes absent here are request problems: `invalid_parameters`. */
const FROM_NATIVE: Partial<Record<ApiErrorCode, KalshiErrorCode>> = {
  INVALID_PRICE: 'invalid_price',
  PRICE_OFF_GRID: 'invalid_price',
  PRICE_OUT_OF_RANGE: 'invalid_price',
  PRICE_OUT_OF_BAND: 'invalid_price',
  INVALID_QUANTITY: 'invalid_count',
  QTY_NOT_LOT_MULTIPLE: 'invalid_count',
  MAX_ORDER_SIZE: 'invalid_count',
  MAX_NOTIONAL: 'invalid_count',
  MARKET_NOT_FOUND: 'market_not_found',
  UNKNOWN_INSTRUMENT: 'market_not_found',
  MARKET_NOT_OPEN: 'market_closed',
  EXCHANGE_HALTED: 'trading_paused',
  INSUFFICIENT_FUNDS: 'insufficient_balance',
  INSUFFICIENT_POSITION: 'insufficient_balance',
  ORDER_NOT_FOUND: 'order_not_found',
  UNKNOWN_ORDER: 'order_not_found',
  NOT_ORDER_OWNER: 'order_not_found',
  ORDER_NOT_RESTING: 'order_not_resting',
  DUPLICATE_CLIENT_ORDER_ID: 'order_already_exists',
  DUPLICATE_ORDER_ID: 'order_already_exists',
  POST_ONLY_WOULD_CROSS: 'post_only_cross',
  FOK_NOT_FILLABLE: 'fill_or_kill_not_fillable',
  REDUCE_ONLY_WOULD_INCREASE: 'reduce_only_would_increase',
  POSITION_LIMIT: 'position_limit_exceeded',
  MAX_OPEN_ORDERS: 'max_orders_exceeded',
  UNKNOWN_ORDER_GROUP: 'not_found',
  ORDER_GROUP_TRIGGERED: 'order_group_triggered',
  MAX_ORDER_GROUPS: 'max_orders_exceeded',
  ACCOUNT_FROZEN: 'forbidden',
  NOT_FOUND: 'not_found',
  USER_NOT_FOUND: 'not_found',
  SESSION_NOT_FOUND: 'not_found',
  ROUTE_NOT_FOUND: 'not_found',
  UNAUTHENTICATED: 'unauthorized',
  BAD_SIGNATURE: 'unauthorized',
  UNKNOWN_API_KEY: 'unauthorized',
  TIMESTAMP_OUT_OF_WINDOW: 'unauthorized',
  REPLAYED_SIGNATURE: 'unauthorized',
  BAD_CREDENTIALS: 'unauthorized',
  CSRF_TOKEN_INVALID: 'forbidden',
  FORBIDDEN: 'forbidden',
  RATE_LIMITED: 'rate_limited',
  NOT_READY: 'service_unavailable',
  HISTORY_BEHIND: 'service_unavailable',
  INTERNAL: 'internal_error',
};

export class KalshiError extends Error {
  readonly code: KalshiErrorCode;
  readonly status: number;
  readonly details: string | undefined;
  /** Seconds, for 429 and 503 answers. */
  readonly retryAfter: number | undefined;

  constructor(
    code: KalshiErrorCode,
    message: string,
    extra?: { details?: string; retryAfter?: number | undefined },
  ) {
    super(message);
    this.name = 'KalshiError';
    this.code = code;
    this.status = STATUS[code];
    this.details = extra?.details;
    this.retryAfter = extra?.retryAfter;
  }

  body(): { error: { code: string; message: string; details?: string; service: string } } {
    const error: { code: string; message: string; details?: string; service: string } = {
      code: this.code,
      message: this.message,
      service: 'exchange',
    };
    if (this.details !== undefined) error.details = this.details;
    return { error };
  }
}

/** Any thrown value as a KalshiError: native ApiErrors by code, core shutdown as 503, else 500. */
export function toKalshiError(error: unknown): KalshiError {
  if (error instanceof KalshiError) return error;
  const e = error as { name?: unknown; code?: unknown; message?: unknown; retryAfter?: unknown };
  if (e !== null && typeof e === 'object' && e.name === 'ApiError' && typeof e.code === 'string') {
    const code = FROM_NATIVE[e.code as ApiErrorCode] ?? 'invalid_parameters';
    const message = typeof e.message === 'string' ? e.message : code;
    const retryAfter = typeof e.retryAfter === 'number' ? e.retryAfter : undefined;
    return new KalshiError(code, message, { details: e.code, retryAfter });
  }
  if (
    e !== null &&
    typeof e === 'object' &&
    typeof e.code === 'string' &&
    [
      'CORE_CLOSED',
      'CORE_FAILED',
      'ENGINE_FAILED',
      'JOURNAL_FAILED',
      'JOURNAL_STALLED',
      'UNAVAILABLE',
    ].includes(e.code)
  ) {
    return new KalshiError('service_unavailable', 'The exchange is not available.', {
      retryAfter: 5,
    });
  }
  return new KalshiError('internal_error', 'Internal error.');
}
