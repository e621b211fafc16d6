// How an order's kind and fate read to a person: the type column's tags (post, reduce, cancel on
// pause) and a plain-language status for why the exchange cancelled an order. The reasons are the
// engine's cancel reasons; one the UI does not know yet shows as its code.

/** Cancel reason → what happened, in words. */
const CANCEL_REASONS: Readonly<Record<string, string>> = {
  user: 'Cancelled',
  cancelAll: 'Cancelled: cancel all',
  ioc: 'Cancelled: not filled at once',
  expired: 'Cancelled: expired',
  selfTrade: 'Cancelled: self-trade prevention',
  marketClosed: 'Cancelled: market closed',
  paused: 'Cancelled: trading paused',
  protection: 'Cancelled: price protection',
  positionLimit: 'Cancelled: position limit',
  reduceOnly: 'Cancelled: reduce only',
  decreasedToZero: 'Cancelled: decreased to zero',
  noLiquidity: 'Cancelled: no liquidity',
  accountFrozen: 'Cancelled: account frozen',
  circuitBreaker: 'Cancelled: circuit breaker',
};

/** "Cancelled: trading paused" for reason `paused`; an unknown reason reads "Cancelled (code)". */
export function cancelReasonLabel(reason: string | null | undefined): string {
  if (reason === undefined || reason === null || reason === '') return 'Cancelled';
  return CANCEL_REASONS[reason] ?? `Cancelled (${reason})`;
}

const STATUS: Readonly<Record<string, string>> = {
  open: 'Open',
  filled: 'Filled',
  cancelled: 'Cancelled',
  rejected: 'Rejected',
};

/** An order history row's status: the cancel reason in words, or the reject code. */
export function orderStatusText(o: {
  readonly status: string;
  readonly cancelReason?: string | undefined;
  readonly rejectReason?: string | undefined;
}): string {
  if (o.status === 'cancelled') return cancelReasonLabel(o.cancelReason);
  const status = STATUS[o.status] ?? o.status;
  return o.status === 'rejected' && o.rejectReason ? `${status} (${o.rejectReason})` : status;
}

/** The flags an order was placed with, as short tags: post, reduce, cancel on pause. */
export function orderTags(o: {
  readonly postOnly?: boolean;
  readonly reduceOnly?: boolean;
  readonly cancelOnPause?: boolean;
}): string[] {
  const tags: string[] = [];
  if (o.postOnly) tags.push('post');
  if (o.reduceOnly) tags.push('reduce');
  if (o.cancelOnPause) tags.push('cancel on pause');
  return tags;
}

/** "limit · gtc · post · cancel on pause". */
export function orderTypeText(o: {
  readonly orderType: string;
  readonly tif: string;
  readonly postOnly?: boolean;
  readonly reduceOnly?: boolean;
  readonly cancelOnPause?: boolean;
}): string {
  return [o.orderType, o.tif, ...orderTags(o)].join(' · ');
}
