// The engine's mutable records. Accounts and positions are plain objects created once (never per
// command); orders live in the pooled `OrderStore`; each instrument owns its `Book`. Assets and
// instruments get dense indexes so balances are arrays indexed by asset, not maps.

import type { Book } from './book.ts';
import type { FeeRate } from './fees.ts';
import type { CircuitBreakerConfig, InstrumentSpec, MarketStatus } from './instrument.ts';

export interface Asset {
  readonly assetId: number;
  readonly index: number;
  readonly code: string;
  readonly scale: number;
  /** Deposits − withdrawals + transfers in − transfers out. */
  external: number;
}

export interface Position {
  readonly account: Account;
  readonly instIndex: number;
  /** Binary: + YES / − NO lots. Spot: net base lots bought. */
  lots: number;
  costBasis: number;
  realisedPnl: number;
  feesPaid: number;
  /** Binary: YES lots reserved by resting sells to close; NO lots reserved by resting buys. */
  reservedYes: number;
  reservedNo: number;
  /** Command stamp of the last change, to emit one event per command. */
  stamp: number;
}

export interface Account {
  /** Dense index in the engine's account list (internal; not part of the state's identity). */
  readonly index: number;
  readonly accountId: number;
  readonly userId: number;
  readonly subaccount: number;
  /** Indexed by asset index. */
  available: number[];
  reserved: number[];
  /** Command stamp per asset index of the last balance change. */
  balStamp: number[];
  /** Indexed by instrument index. */
  positions: (Position | undefined)[];
  /** Head slot of this account's open-order list. */
  orderHead: number;
  openOrders: number;
  /** Client order id → slot, for the account's open orders. */
  clientIds: Map<string, number>;
  /**
   * Lots the account's resting orders still have open, at index 2 × instrument index + side: one
   * entry per side of every instrument, zero-filled when the account or the instrument is added, so
   * the array stays packed (no hole to test on a read, no growth on a write). Kept beside the book
   * levels (same updates), so the binary position limit can count what resting orders could still
   * add without walking them. Not on `Position`: resting an order must not create a position record
   * (positions are what fills made).
   */
  openLots: number[];
  /** Frozen by an admin (`setAccountFrozen`): it has no live orders and may place none. */
  frozen: boolean;
}

/**
 * A Kalshi-style order group: a cap on the lots its orders may match in a rolling window. When the
 * window reaches the cap the group triggers: every live order in it is cancelled and it takes no new
 * order until reset.
 */
export interface OrderGroup {
  readonly groupId: number;
  readonly account: Account;
  limitLots: number;
  triggered: boolean;
  /** The group's fills still inside the window, oldest first: times and lots, in parallel. */
  readonly windowTs: number[];
  readonly windowLots: number[];
  windowSum: number;
  /** Ids of the group's live (resting or parked) orders. */
  readonly orders: Set<number>;
}

export interface Instrument {
  readonly index: number;
  readonly spec: InstrumentSpec;
  /** Asset index of the money asset (binary settlement asset, spot quote asset). */
  readonly moneyAsset: number;
  /** Spot: asset index of the base asset; −1 for binary. */
  readonly baseAsset: number;
  readonly book: Book;
  /** Fee rates compiled from the spec: taker, maker, and the higher of the two (for reservations). */
  readonly feeTaker: FeeRate;
  readonly feeMaker: FeeRate;
  readonly feeMax: FeeRate;
  status: MarketStatus;
  lastPrice: number;
  hasLast: boolean;
  escrow: number;
  openInterest: number;
  /** Every position ever opened here, in creation order (settlement walks it). */
  holders: Position[];
  /** Parked stop orders in acceptance order (slot list head/tail). */
  stopHead: number;
  stopTail: number;
  stopCount: number;
  settlement: { result: 'yes' | 'no' | 'scalar'; valueTicks: number } | undefined;
  /** When the market opens by itself (ms since the epoch), 0 for never; only while created. */
  opensAt: number;
  /** When the market closes by itself, 0 for never; only while created, open or paused. */
  closesAt: number;
  /** When its circuit breaker's pause ends (ms since the epoch), 0 when it keeps none. */
  reopensAt: number;
  breaker: BreakerState | undefined;
}

/**
 * A market's circuit breaker: its rules, the band's reference price, and the trades of the move
 * window as two monotonic queues of (ts, price), oldest first: `low*` with rising prices (its first
 * trade still in the window is the window's lowest price), `high*` with falling ones. A queue may
 * keep trades already out of the window until the next trade drops them.
 */
export interface BreakerState {
  config: CircuitBreakerConfig;
  /** The band's reference price, −1 for none yet (the first trade sets it). */
  reference: number;
  readonly lowTs: number[];
  readonly lowPx: number[];
  readonly highTs: number[];
  readonly highPx: number[];
}
