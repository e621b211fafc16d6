// Plain-language text for the API's stable error codes, so a refused order says what to change rather
// than echoing a code. Unknown codes fall back to the server's own message.

const MESSAGES: Record<string, string> = {
  BAD_CREDENTIALS: 'Wrong username or password.',
  UNAUTHENTICATED: 'Your session has ended. Please log in again.',
  CSRF_TOKEN_INVALID: 'Your session token is out of date. Reload the page and try again.',
  FORBIDDEN: 'Your role does not allow this.',
  RATE_LIMITED: 'Too many requests. Wait a moment and try again.',
  NOT_READY: 'The exchange is starting up or unavailable. Try again shortly.',
  VALIDATION_FAILED: 'Some fields are missing or invalid.',
  MARKET_NOT_FOUND: 'That market does not exist.',
  ORDER_NOT_FOUND: 'That order is no longer open.',
  UNKNOWN_ORDER: 'That order is no longer open.',
  USERNAME_TAKEN: 'That username is already taken.',
  USER_NOT_FOUND: 'No such user.',
  SESSION_NOT_FOUND: 'That session has already ended.',
  INSUFFICIENT_FUNDS: 'Not enough available balance for this order.',
  INSUFFICIENT_POSITION: 'You do not hold enough to sell that much.',
  PRICE_OFF_GRID: 'The price is not on the market’s tick grid.',
  PRICE_OUT_OF_RANGE: 'The price is outside the market’s allowed range.',
  PRICE_OUT_OF_BAND: 'The price is too far from the last trade.',
  INVALID_PRICE: 'Enter a valid price.',
  INVALID_QUANTITY: 'Enter a valid quantity.',
  QTY_NOT_LOT_MULTIPLE: 'The quantity must be a whole number of lots.',
  MAX_ORDER_SIZE: 'The order is larger than this market allows.',
  MAX_NOTIONAL: 'The order’s value is larger than this market allows.',
  MAX_OPEN_ORDERS: 'You have too many open orders.',
  POSITION_LIMIT: 'This order would exceed the position limit.',
  POST_ONLY_WOULD_CROSS: 'Post-only order would have traded immediately, so it was not placed.',
  FOK_NOT_FILLABLE: 'Fill-or-kill order could not be filled completely.',
  REDUCE_ONLY_WOULD_INCREASE: 'Reduce-only order would increase your position.',
  MARKET_NOT_OPEN: 'This market is not open for trading.',
  EXCHANGE_HALTED: 'Trading on the exchange is halted.',
  EXPIRY_IN_PAST: 'The expiry time is in the past.',
  SCHEDULE_IN_PAST: 'That time has already passed. Choose a time in the future.',
  NOTHING_TO_AMEND: 'Change the price or the quantity to amend.',
  INVALID_STATE: 'The market is not in a state that allows this.',
  INVALID_SETTLEMENT: 'That settlement result is not valid for this market.',
  DUPLICATE_ID: 'That symbol or id is already in use.',
  DUPLICATE_CLIENT_ORDER_ID: 'That client order id is already used.',
  INVALID_KEY: 'The public key is not a valid RSA or Ed25519 key.',
  NETWORK: 'Cannot reach the exchange. Check your connection.',
};

export function describeError(code: string, fallback: string): string {
  return MESSAGES[code] ?? fallback;
}
