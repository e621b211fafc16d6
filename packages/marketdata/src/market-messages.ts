// The public market-data messages, as they go on the wire. A market's book stream is a snapshot followed
// by deltas whose `seq` rises by exactly one; a subscriber that sees a gap resubscribes for a snapshot.

import type { Side } from '@bourse/engine';
import type { Level } from './l2-book.ts';

export interface BookSnapshotMessage {
  readonly channel: 'book';
  readonly type: 'snapshot';
  readonly market: string;
  readonly instrumentId: number;
  /** The seq of the last delta folded into this snapshot; the next delta carries seq + 1. */
  readonly seq: number;
  readonly bids: readonly Level[];
  readonly asks: readonly Level[];
}

export interface BookDeltaMessage {
  readonly channel: 'book';
  readonly type: 'delta';
  readonly market: string;
  readonly instrumentId: number;
  readonly seq: number;
  /** Changed levels with their new absolute size; qtyLots 0 removes the level. */
  readonly bids: readonly Level[];
  readonly asks: readonly Level[];
}

export interface PublicTrade {
  readonly tradeId: number;
  readonly priceTicks: number;
  readonly qtyLots: number;
  readonly takerSide: Side;
  readonly ts: number;
}

export interface TradesMessage {
  readonly channel: 'trades';
  readonly type: 'trades';
  readonly market: string;
  readonly instrumentId: number;
  readonly trades: readonly PublicTrade[];
}

export interface TickerMessage {
  readonly channel: 'ticker';
  readonly type: 'ticker';
  readonly market: string;
  readonly instrumentId: number;
  readonly status: string;
  readonly lastPriceTicks: number | null;
  readonly bestBidTicks: number | null;
  readonly bestAskTicks: number | null;
  readonly volume24hLots: number;
  readonly ts: number;
}

export type MarketMessage = BookSnapshotMessage | BookDeltaMessage | TradesMessage | TickerMessage;
