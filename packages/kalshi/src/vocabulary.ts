// Kalshi's status vocabularies against the engine's. The market filter vocabulary (`?status=open`) is
// not the response vocabulary (`"status":"active"`), and Kalshi rejects one where the other belongs, so
// the two maps are kept apart. Order statuses collapse the read model's four into Kalshi's three.

import type { MarketStatus } from '@bourse/engine';
import type { OrderStatus } from '@bourse/projections';

export type KalshiMarketStatus = 'initialized' | 'inactive' | 'active' | 'closed' | 'finalized';
export type MarketStatusFilter = 'unopened' | 'open' | 'paused' | 'closed' | 'settled';
export type KalshiOrderStatus = 'resting' | 'canceled' | 'executed';

const MARKET_STATUS: Record<MarketStatus, KalshiMarketStatus> = {
  created: 'initialized',
  open: 'active',
  paused: 'inactive',
  closed: 'closed',
  settled: 'finalized',
};

const MARKET_FILTER: Record<MarketStatusFilter, MarketStatus> = {
  unopened: 'created',
  open: 'open',
  paused: 'paused',
  closed: 'closed',
  settled: 'settled',
};

export function kalshiMarketStatus(status: MarketStatus): KalshiMarketStatus {
  return MARKET_STATUS[status];
}

/** A comma-separated `status` filter → engine statuses; undefined when any entry is not in the enum. */
export function marketStatusFilter(text: string): Set<MarketStatus> | undefined {
  const out = new Set<MarketStatus>();
  for (const part of text.split(',')) {
    if (!Object.hasOwn(MARKET_FILTER, part)) return undefined;
    out.add(MARKET_FILTER[part as MarketStatusFilter]);
  }
  return out;
}

/** Event status filter: an event is as open as its most open market (`unopened|open|closed|settled`). */
export function eventStatus(statuses: readonly MarketStatus[]): MarketStatusFilter {
  if (statuses.some((s) => s === 'open' || s === 'paused')) return 'open';
  if (statuses.some((s) => s === 'created')) return 'unopened';
  if (statuses.some((s) => s === 'closed')) return 'closed';
  return 'settled';
}

/** Rejected orders never existed for Kalshi clients: undefined means "do not list". */
export function kalshiOrderStatus(status: OrderStatus): KalshiOrderStatus | undefined {
  switch (status) {
    case 'open':
      return 'resting';
    case 'filled':
      return 'executed';
    case 'cancelled':
      return 'canceled';
    case 'rejected':
      return undefined;
  }
}

export function orderStatusFilter(text: string): OrderStatus | undefined {
  if (text === 'resting') return 'open';
  if (text === 'executed') return 'filled';
  if (text === 'canceled') return 'cancelled';
  return undefined;
}
