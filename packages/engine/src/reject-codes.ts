// The closed catalogue of reasons a command is rejected. Codes are stable strings: clients, the gateway's
// HTTP mapping and the read models key on them, so a code is never renamed, only added.

export const REJECT_CODES = [
  // shape of the command
  'INVALID_FIELD',
  'UNKNOWN_COMMAND',
  // references
  'UNKNOWN_ACCOUNT',
  'UNKNOWN_ASSET',
  'UNKNOWN_INSTRUMENT',
  'UNKNOWN_ORDER',
  'NOT_ORDER_OWNER',
  'DUPLICATE_ID',
  'DUPLICATE_ORDER_ID',
  'DUPLICATE_CLIENT_ORDER_ID',
  'DUPLICATE_TRANSFER',
  // price and quantity
  'INVALID_PRICE',
  'PRICE_OFF_GRID',
  'PRICE_OUT_OF_RANGE',
  'PRICE_OUT_OF_BAND',
  'INVALID_QUANTITY',
  'QTY_NOT_LOT_MULTIPLE',
  'MAX_ORDER_SIZE',
  'MAX_NOTIONAL',
  // risk
  'INSUFFICIENT_FUNDS',
  'INSUFFICIENT_POSITION',
  'MAX_OPEN_ORDERS',
  'POSITION_LIMIT',
  // order semantics
  'POST_ONLY_WOULD_CROSS',
  'FOK_NOT_FILLABLE',
  'REDUCE_ONLY_WOULD_INCREASE',
  'INVALID_ORDER_TYPE',
  'EXPIRY_IN_PAST',
  'NOTHING_TO_AMEND',
  // lifecycle
  'MARKET_NOT_OPEN',
  'EXCHANGE_HALTED',
  'INVALID_STATE',
  'INVALID_SETTLEMENT',
  'SCHEDULE_IN_PAST',
  // order groups
  'UNKNOWN_ORDER_GROUP',
  'ORDER_GROUP_TRIGGERED',
  'MAX_ORDER_GROUPS',
  // surveillance
  'ACCOUNT_FROZEN',
] as const;

export type RejectCode = (typeof REJECT_CODES)[number];
