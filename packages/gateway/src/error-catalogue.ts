// The one catalogue of API error codes: every gateway error and every engine reject code maps to an HTTP
// status here, and every error body is `{ "error": { "code", "message" } }`. Codes are stable strings
// that clients key on: add codes, never rename them.

import type { RejectCode } from '@bourse/engine';

const GATEWAY_ERRORS = {
  MALFORMED_JSON: [400, 'The request body is not valid JSON.'],
  MALFORMED_REQUEST: [400, 'The request is not valid HTTP/1.1.'],
  REQUEST_TIMEOUT: [408, 'The request did not arrive in time; the connection is closed.'],
  HEADERS_TOO_LARGE: [431, 'The request headers are too large.'],
  VALIDATION_FAILED: [400, 'The request does not match the schema.'],
  BODY_TOO_LARGE: [413, 'The request body is too large.'],
  UNSUPPORTED_MEDIA_TYPE: [415, 'Send JSON with content-type application/json.'],
  UNAUTHENTICATED: [401, 'Authentication is required.'],
  BAD_SIGNATURE: [401, 'The request signature does not verify.'],
  UNKNOWN_API_KEY: [401, 'The API key is unknown or revoked.'],
  TIMESTAMP_OUT_OF_WINDOW: [401, 'The request timestamp is outside the accepted window.'],
  REPLAYED_SIGNATURE: [401, 'This signature was already used.'],
  BAD_CREDENTIALS: [401, 'Wrong username or password.'],
  TOKEN_INVALID: [401, 'The bearer token is unknown, expired or revoked.'],
  API_KEY_REQUIRED: [403, 'This endpoint needs a request signed with an API key.'],
  CSRF_TOKEN_INVALID: [403, 'The CSRF token header is missing or wrong.'],
  FORBIDDEN: [403, 'Your role or key scope does not allow this.'],
  NOT_FOUND: [404, 'No such resource.'],
  ROUTE_NOT_FOUND: [404, 'No such endpoint.'],
  METHOD_NOT_ALLOWED: [405, 'This endpoint does not accept that method.'],
  MARKET_NOT_FOUND: [404, 'No such market.'],
  ORDER_NOT_FOUND: [404, 'No such order for this account.'],
  ORDER_NOT_RESTING: [
    409,
    'The order is not resting in the book (filled, cancelled, or a stop waiting for its trigger).',
  ],
  USER_NOT_FOUND: [404, 'No such user.'],
  SESSION_NOT_FOUND: [404, 'No such session for this user.'],
  USERNAME_TAKEN: [409, 'That username is already taken.'],
  WRONG_PASSWORD: [400, 'The current password is wrong.'],
  PASSWORD_REQUIRED: [400, 'A new user needs a password, or they could never log in.'],
  SIGNUP_DISABLED: [403, 'Self sign-up is not enabled on this exchange; ask an administrator.'],
  RATE_LIMITED: [429, 'Too many requests; retry after the indicated delay.'],
  TOO_MANY_CONNECTIONS: [
    429,
    'Too many connections open from this address; close some, then retry after the indicated delay.',
  ],
  BATCH_TOO_LARGE: [400, 'Too many items in one batch.'],
  INVALID_CURSOR: [400, 'The pagination cursor is not valid.'],
  INVALID_KEY: [400, 'The public key is not a valid RSA or Ed25519 SPKI PEM.'],
  NOT_READY: [503, 'The exchange is not ready.'],
  OVERLOADED: [503, 'The exchange is busy; retry after the indicated delay.'],
  HISTORY_BEHIND: [
    503,
    'History is still catching up with recent trading; retry after the indicated delay.',
  ],
  SANDBOX_DISABLED: [
    404,
    'This exchange is not a sandbox: sandbox endpoints exist only under `bourse serve --sandbox`.',
  ],
  SANDBOX_CLOCK_BACKWARDS: [409, 'The sandbox clock never goes backwards.'],
  SCENARIO_INVALID: [400, 'The scenario cannot be built; the sandbox is unchanged.'],
  INTERNAL: [500, 'Internal error.'],
  NOT_SUPPORTED: [501, 'This exchange does not serve that request.'],
} as const satisfies Record<string, readonly [number, string]>;

export type GatewayErrorCode = keyof typeof GATEWAY_ERRORS;

/** HTTP status for each engine reject code; the code itself goes to the client unchanged. */
const REJECT_STATUS: Record<RejectCode, number> = {
  INVALID_FIELD: 400,
  UNKNOWN_COMMAND: 400,
  UNKNOWN_ACCOUNT: 404,
  UNKNOWN_ASSET: 404,
  UNKNOWN_INSTRUMENT: 404,
  UNKNOWN_ORDER: 404,
  NOT_ORDER_OWNER: 404,
  DUPLICATE_ID: 409,
  DUPLICATE_ORDER_ID: 409,
  DUPLICATE_CLIENT_ORDER_ID: 409,
  DUPLICATE_TRANSFER: 409,
  INVALID_PRICE: 400,
  PRICE_OFF_GRID: 400,
  PRICE_OUT_OF_RANGE: 400,
  PRICE_OUT_OF_BAND: 400,
  INVALID_QUANTITY: 400,
  QTY_NOT_LOT_MULTIPLE: 400,
  MAX_ORDER_SIZE: 400,
  MAX_NOTIONAL: 400,
  INSUFFICIENT_FUNDS: 422,
  INSUFFICIENT_POSITION: 422,
  MAX_OPEN_ORDERS: 422,
  POSITION_LIMIT: 422,
  POST_ONLY_WOULD_CROSS: 422,
  FOK_NOT_FILLABLE: 422,
  REDUCE_ONLY_WOULD_INCREASE: 422,
  INVALID_ORDER_TYPE: 400,
  EXPIRY_IN_PAST: 400,
  NOTHING_TO_AMEND: 400,
  MARKET_NOT_OPEN: 409,
  EXCHANGE_HALTED: 503,
  INVALID_STATE: 409,
  INVALID_SETTLEMENT: 400,
  SCHEDULE_IN_PAST: 400,
  UNKNOWN_ORDER_GROUP: 404,
  ORDER_GROUP_TRIGGERED: 409,
  MAX_ORDER_GROUPS: 422,
  ACCOUNT_FROZEN: 403,
};

export type ApiErrorCode = GatewayErrorCode | RejectCode;

/** An error the gateway answers with; thrown inside handlers and rendered by the request pipeline. */
export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly status: number;
  readonly details: unknown;
  /** Seconds, for 429 and 503 answers. */
  readonly retryAfter: number | undefined;

  constructor(
    code: ApiErrorCode,
    message?: string,
    extra?: { details?: unknown; retryAfter?: number },
  ) {
    // An answer to a client, not a fault in the code: nothing reads its stack trace, which costs
    // 3-4 us to capture at a socket's call depth, and floods of rate-limited, refused or malformed
    // requests are made of these answers (the core's `refusalError` skips it the same way).
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(message ?? defaultMessage(code));
    } finally {
      Error.stackTraceLimit = limit;
    }
    this.name = 'ApiError';
    this.code = code;
    this.status = statusOf(code);
    this.details = extra?.details;
    this.retryAfter = extra?.retryAfter;
  }

  body(): { error: { code: string; message: string; details?: unknown } } {
    const error: { code: string; message: string; details?: unknown } = {
      code: this.code,
      message: this.message,
    };
    if (this.details !== undefined) error.details = this.details;
    return { error };
  }
}

export function statusOf(code: ApiErrorCode): number {
  if (code in GATEWAY_ERRORS) return GATEWAY_ERRORS[code as GatewayErrorCode][0];
  return REJECT_STATUS[code as RejectCode] ?? 400;
}

function defaultMessage(code: ApiErrorCode): string {
  if (code in GATEWAY_ERRORS) return GATEWAY_ERRORS[code as GatewayErrorCode][1];
  return `The exchange rejected the command: ${code}.`;
}

/** The whole catalogue, for the OpenAPI document and docs/api.md. */
export function errorCatalogue(): { code: string; status: number; message: string }[] {
  const gateway = Object.entries(GATEWAY_ERRORS).map(([code, [status, message]]) => ({
    code,
    status,
    message,
  }));
  const engine = Object.entries(REJECT_STATUS).map(([code, status]) => ({
    code,
    status,
    message: `Engine reject: ${code}.`,
  }));
  return [...gateway, ...engine];
}
