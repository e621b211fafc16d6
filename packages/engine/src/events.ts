// Every output of the engine. Events are facts about one command's effect, in the order they happened;
// they carry absolute values where a consumer needs them (book level size, balances, positions) so a
// projection can apply them idempotently. Balance and position events are emitted once per touched
// (account, asset) or (account, instrument) at the end of the command.

import type { CommandType, OrderType, Side, TimeInForce } from './commands.ts';
import type { CircuitBreakerConfig, InstrumentSpec, MarketStatus } from './instrument.ts';
import type { RejectCode } from './reject-codes.ts';

export type CancelReason =
  | 'user'
  | 'cancelAll'
  | 'ioc'
  | 'expired'
  | 'selfTrade'
  | 'marketClosed'
  /** Placed with `cancelOnPause`; its market was paused or the exchange halted. */
  | 'paused'
  | 'protection'
  /** A stop that triggered would have taken the account past the market's position limit. */
  | 'positionLimit'
  | 'reduceOnly'
  | 'decreasedToZero'
  | 'noLiquidity'
  /** Its order group reached its cap, or was triggered or deleted. */
  | 'orderGroup'
  /** Its next trade would have tripped the market's circuit breaker: the rest is cancelled. */
  | 'circuitBreaker'
  /** Its account was frozen (the surveillance kill switch). */
  | 'accountFrozen';

export interface Rejected {
  readonly type: 'rejected';
  readonly command: CommandType;
  readonly reason: RejectCode;
  readonly accountId?: number;
  readonly orderId?: number;
  readonly clientOrderId?: string;
  /** With INVALID_FIELD: the field that broke a rule, and the rule (`expiresAt`, `a safe integer`). */
  readonly field?: string;
  readonly rule?: string;
}

export interface AssetCreated {
  readonly type: 'assetCreated';
  readonly assetId: number;
  readonly code: string;
  readonly scale: number;
}

export interface AccountCreated {
  readonly type: 'accountCreated';
  readonly accountId: number;
  readonly userId: number;
  readonly subaccount: number;
}

/** A deposit, withdrawal or cross-shard transfer that changed an account's money. */
export interface LedgerMoved {
  readonly type: 'ledgerMoved';
  readonly kind: 'deposit' | 'withdraw' | 'transferIn' | 'transferOut';
  readonly accountId: number;
  readonly assetId: number;
  /** Positive for money in, negative for money out. */
  readonly amount: number;
  readonly transferId?: string;
}

export interface InstrumentCreated {
  readonly type: 'instrumentCreated';
  readonly spec: InstrumentSpec;
}

export interface MarketStatusChanged {
  readonly type: 'marketStatusChanged';
  readonly instrumentId: number;
  readonly status: MarketStatus;
}

/**
 * A market's schedule, whole, after a change: set by `scheduleMarket`, or cleared in part when the
 * change it scheduled happens (by itself or by hand: opening clears `opensAt`, closing clears both).
 */
export interface MarketScheduled {
  readonly type: 'marketScheduled';
  readonly instrumentId: number;
  readonly opensAt: number | null;
  readonly closesAt: number | null;
}

/**
 * A market's circuit breaker, whole, after a change: configured or removed, tripped (the market is
 * paused until `reopensAt`; `trip` says why), reopened (a new band reference), or held by an
 * operator's pause (`reopensAt` null while paused).
 */
export interface CircuitBreakerChanged {
  readonly type: 'circuitBreakerChanged';
  readonly instrumentId: number;
  readonly breaker: CircuitBreakerConfig | null;
  readonly referencePriceTicks: number | null;
  /** While the breaker keeps the market paused: when it reopens (ms since the epoch). */
  readonly reopensAt: number | null;
  /** Only on a trip: the rule, the price the trade would have had, the price it was measured from. */
  readonly trip?: {
    readonly rule: 'move' | 'band';
    readonly priceTicks: number;
    readonly fromPriceTicks: number;
  };
}

/** An order group was created, or its cap or triggered state changed. */
export interface OrderGroupUpdated {
  readonly type: 'orderGroupUpdated';
  readonly groupId: number;
  readonly accountId: number;
  readonly limitLots: number;
  readonly triggered: boolean;
}

export interface OrderGroupDeleted {
  readonly type: 'orderGroupDeleted';
  readonly groupId: number;
  readonly accountId: number;
}

/** An account was frozen or unfrozen (`setAccountFrozen`); its cancellations precede this event. */
export interface AccountFrozenChanged {
  readonly type: 'accountFrozenChanged';
  readonly accountId: number;
  readonly frozen: boolean;
}

export interface HaltChanged {
  readonly type: 'haltChanged';
  readonly halted: boolean;
}

export interface OrderAccepted {
  readonly type: 'orderAccepted';
  readonly orderId: number;
  readonly accountId: number;
  readonly instrumentId: number;
  readonly clientOrderId: string | undefined;
  readonly side: Side;
  readonly orderType: OrderType;
  readonly tif: TimeInForce;
  /** Limit price; for market orders the protection price actually used. */
  readonly priceTicks: number;
  readonly qtyLots: number;
  readonly stopPriceTicks: number | undefined;
  readonly expiresAt: number | undefined;
  readonly postOnly: boolean;
  readonly reduceOnly: boolean;
  /** Cancelled when its market pauses or the exchange halts. */
  readonly cancelOnPause: boolean;
  /** The order group it joined, if any. */
  readonly orderGroupId?: number;
}

/** A stop order was parked until its trigger price trades. */
export interface OrderParked {
  readonly type: 'orderParked';
  readonly orderId: number;
  readonly instrumentId: number;
  readonly stopPriceTicks: number;
}

export interface OrderTriggered {
  readonly type: 'orderTriggered';
  readonly orderId: number;
  readonly instrumentId: number;
  readonly lastPriceTicks: number;
}

/** The order's remainder rests in the book (after any immediate fills). */
export interface OrderRested {
  readonly type: 'orderRested';
  readonly orderId: number;
  readonly instrumentId: number;
  readonly side: Side;
  readonly priceTicks: number;
  readonly openQtyLots: number;
}

/** One match between a taker and a resting maker: also the public trade. */
export interface Fill {
  readonly type: 'fill';
  readonly tradeId: number;
  readonly instrumentId: number;
  readonly takerOrderId: number;
  readonly makerOrderId: number;
  readonly takerAccountId: number;
  readonly makerAccountId: number;
  /** The taker's side: buy means the taker bought (YES, for binary markets). */
  readonly takerSide: Side;
  readonly priceTicks: number;
  readonly qtyLots: number;
  readonly takerFee: number;
  readonly makerFee: number;
  /** Open quantity left after this fill (0 = fully filled). */
  readonly takerOpenQtyLots: number;
  readonly makerOpenQtyLots: number;
}

export interface OrderCancelled {
  readonly type: 'orderCancelled';
  readonly orderId: number;
  readonly accountId: number;
  readonly instrumentId: number;
  readonly reason: CancelReason;
  readonly cancelledQtyLots: number;
}

export interface OrderAmended {
  readonly type: 'orderAmended';
  readonly orderId: number;
  readonly accountId: number;
  readonly instrumentId: number;
  readonly priceTicks: number;
  readonly openQtyLots: number;
  readonly keptPriority: boolean;
}

/** The aggregate at one price level after a change; qtyLots 0 means the level is gone. */
export interface BookLevel {
  readonly type: 'bookLevel';
  readonly instrumentId: number;
  readonly side: Side;
  readonly priceTicks: number;
  readonly qtyLots: number;
  readonly orderCount: number;
}

export interface BalanceChanged {
  readonly type: 'balanceChanged';
  readonly accountId: number;
  readonly assetId: number;
  readonly available: number;
  readonly reserved: number;
}

export interface PositionChanged {
  readonly type: 'positionChanged';
  readonly accountId: number;
  readonly instrumentId: number;
  /** Binary: + YES / − NO contracts in lots. Spot: net base bought in lots (informational). */
  readonly positionLots: number;
  /** Money paid for the open position, in minor units (what it would cost to open it again at cost). */
  readonly costBasis: number;
  readonly realisedPnl: number;
  readonly feesPaid: number;
}

export interface Settled {
  readonly type: 'settled';
  readonly instrumentId: number;
  readonly accountId: number;
  readonly positionLots: number;
  readonly payout: number;
  readonly realisedPnl: number;
}

export interface MarketSettled {
  readonly type: 'marketSettled';
  readonly instrumentId: number;
  readonly result: 'yes' | 'no' | 'scalar';
  readonly valueTicks: number;
  /** What was left in escrow after paying every holder: always 0. */
  readonly escrowLeft: number;
}

export type EngineEvent =
  | Rejected
  | AssetCreated
  | AccountCreated
  | LedgerMoved
  | InstrumentCreated
  | MarketStatusChanged
  | MarketScheduled
  | CircuitBreakerChanged
  | OrderGroupUpdated
  | OrderGroupDeleted
  | HaltChanged
  | AccountFrozenChanged
  | OrderAccepted
  | OrderParked
  | OrderTriggered
  | OrderRested
  | Fill
  | OrderCancelled
  | OrderAmended
  | BookLevel
  | BalanceChanged
  | PositionChanged
  | Settled
  | MarketSettled;

export type EngineEventType = EngineEvent['type'];
