// Every input of the engine. Each command carries `seq` and `ts` (milliseconds since the epoch), assigned
// by the sequencer when it journals the command, so the engine never reads a clock and replaying the
// journal reproduces every decision, including GTD expiry.

import type { CircuitBreakerConfig, InstrumentSpec } from './instrument.ts';

export type Side = 'buy' | 'sell';
export type OrderType = 'limit' | 'market' | 'stop' | 'stopLimit';
export type TimeInForce = 'gtc' | 'gtd' | 'ioc' | 'fok';
/** Self-trade prevention: what happens when an order would trade against its own account. */
export type SelfTradePrevention = 'cancelTaker' | 'cancelMaker';

interface Envelope {
  readonly seq: number;
  readonly ts: number;
  /**
   * The user who issued an administrative command (0: the operator at the console, through the CLI
   * on a stopped data directory). Journaled with the command so the audit trail names who did it;
   * the engine does not read it.
   */
  readonly actor?: number;
}

export interface CreateAsset extends Envelope {
  readonly type: 'createAsset';
  readonly assetId: number;
  readonly code: string;
  /** Minor units per major unit (1,000,000 for USD in micros). */
  readonly scale: number;
}

export interface CreateAccount extends Envelope {
  readonly type: 'createAccount';
  readonly accountId: number;
  /** The owner; one user may own many accounts (sub-accounts). */
  readonly userId: number;
  /** Sub-account number within the user, 0 for the primary account. */
  readonly subaccount: number;
}

export interface Deposit extends Envelope {
  readonly type: 'deposit';
  readonly accountId: number;
  readonly assetId: number;
  readonly amount: number;
}

export interface Withdraw extends Envelope {
  readonly type: 'withdraw';
  readonly accountId: number;
  readonly assetId: number;
  readonly amount: number;
}

/** Debits an account for a move to another shard; idempotent by `transferId`. */
export interface TransferOut extends Envelope {
  readonly type: 'transferOut';
  readonly transferId: string;
  readonly accountId: number;
  readonly assetId: number;
  readonly amount: number;
}

/** Credits an account for a move from another shard; idempotent by `transferId`. */
export interface TransferIn extends Envelope {
  readonly type: 'transferIn';
  readonly transferId: string;
  readonly accountId: number;
  readonly assetId: number;
  readonly amount: number;
}

export interface CreateInstrument extends Envelope {
  readonly type: 'createInstrument';
  readonly spec: InstrumentSpec;
}

export interface SetMarketStatus extends Envelope {
  readonly type: 'setMarketStatus';
  readonly instrumentId: number;
  /**
   * open (also resumes); paused (cancels the market's orders placed with `cancelOnPause`, resting or
   * parked); or closed (cancels every resting and stop order).
   */
  readonly status: 'open' | 'paused' | 'closed';
}

/**
 * Sets a market's schedule: when it opens by itself (only while `created`) and when it closes by
 * itself (while created, open or paused), each in ms since the epoch, or null for none. The whole
 * schedule is replaced. A market opens or closes at the first command whose `ts` reaches the time,
 * before that command runs, exactly as a manual status change would; the sequencer sends a `tick` at
 * that time so it happens on time when nothing else is going on.
 */
export interface ScheduleMarket extends Envelope {
  readonly type: 'scheduleMarket';
  readonly instrumentId: number;
  readonly opensAt: number | null;
  readonly closesAt: number | null;
}

/**
 * Sets (or with null removes) a market's circuit breaker, while it is created, open or paused. The
 * band's reference price becomes `referencePriceTicks` when given (a price on the market's grid);
 * otherwise it stays, or is the last trade price, or the first trade sets it. A pause the breaker
 * already started keeps its reopening time.
 */
export interface SetCircuitBreaker extends Envelope {
  readonly type: 'setCircuitBreaker';
  readonly instrumentId: number;
  readonly breaker: CircuitBreakerConfig | null;
  readonly referencePriceTicks?: number;
}

export interface SettleMarket extends Envelope {
  readonly type: 'settleMarket';
  readonly instrumentId: number;
  readonly result: 'yes' | 'no' | 'scalar';
  /** For `scalar`: the YES value in price ticks, 0..payoutTicks (NO gets payoutTicks − value). */
  readonly valueTicks?: number;
}

/** Halting the exchange also cancels every order placed with `cancelOnPause`, in every market. */
export interface SetHalt extends Envelope {
  readonly type: 'setHalt';
  readonly halted: boolean;
}

export interface PlaceOrder extends Envelope {
  readonly type: 'placeOrder';
  /** Assigned by the sequencer (normally equal to `seq`); unique for the life of the exchange. */
  readonly orderId: number;
  readonly accountId: number;
  readonly instrumentId: number;
  readonly clientOrderId?: string;
  /** For binary markets: buy = buy YES (≡ sell NO), sell = sell YES (≡ buy NO). */
  readonly side: Side;
  readonly orderType: OrderType;
  /** Limit price (limit, stopLimit). Ignored for market and stop orders. */
  readonly priceTicks?: number;
  readonly qtyLots: number;
  readonly tif: TimeInForce;
  /** For `gtd`: the order expires at the first command whose `ts` is ≥ this. */
  readonly expiresAt?: number;
  readonly postOnly?: boolean;
  readonly reduceOnly?: boolean;
  /** For stop and stopLimit: triggers when the last trade price reaches it. */
  readonly stopPriceTicks?: number;
  /** Market orders: do not trade beyond this price (worst-price protection). */
  readonly worstPriceTicks?: number;
  /**
   * Do not spend more than this on what the order buys, in minor units, before fees (max-cost
   * protection): the price for a buy, the NO price for a binary sell. Only on orders that never rest
   * (market orders, IOC and FOK limits); a FOK must afford its whole quantity.
   */
  readonly maxCost?: number;
  readonly stp?: SelfTradePrevention;
  /**
   * Cancel the order (resting, or parked as a stop) when trading pauses: its market is paused or the
   * exchange is halted. Default false: the order stays and trades again on resume.
   */
  readonly cancelOnPause?: boolean;
  /** The account's order group the order joins (it must not be triggered). */
  readonly orderGroupId?: number;
}

/**
 * Creates an order group for the account, capping the lots its orders may match in a rolling
 * 15-second window; its id is the command's seq.
 */
export interface CreateOrderGroup extends Envelope {
  readonly type: 'createOrderGroup';
  readonly accountId: number;
  readonly limitLots: number;
}

/** Changes a group's cap; a cap the window has already reached triggers the group at once. */
export interface SetOrderGroupLimit extends Envelope {
  readonly type: 'setOrderGroupLimit';
  readonly accountId: number;
  readonly groupId: number;
  readonly limitLots: number;
}

/** Empties a group's window and lets it take orders again. */
export interface ResetOrderGroup extends Envelope {
  readonly type: 'resetOrderGroup';
  readonly accountId: number;
  readonly groupId: number;
}

/** Triggers a group now: its live orders are cancelled and it takes none until reset. */
export interface TriggerOrderGroup extends Envelope {
  readonly type: 'triggerOrderGroup';
  readonly accountId: number;
  readonly groupId: number;
}

/** Cancels a group's live orders and removes the group. */
export interface DeleteOrderGroup extends Envelope {
  readonly type: 'deleteOrderGroup';
  readonly accountId: number;
  readonly groupId: number;
}

export interface CancelOrder extends Envelope {
  readonly type: 'cancelOrder';
  readonly accountId: number;
  /** Either the exchange's order id or the account's client order id. */
  readonly orderId?: number;
  readonly clientOrderId?: string;
}

/** Changes price and/or open quantity. Only a pure reduction at the same price keeps time priority. */
export interface AmendOrder extends Envelope {
  readonly type: 'amendOrder';
  readonly accountId: number;
  readonly orderId: number;
  readonly priceTicks?: number;
  /** New open (remaining) quantity. */
  readonly qtyLots?: number;
}

/** Reduces the open quantity by `byLots`, keeping time priority; reaching zero cancels the order. */
export interface DecreaseOrder extends Envelope {
  readonly type: 'decreaseOrder';
  readonly accountId: number;
  readonly orderId: number;
  readonly byLots: number;
}

export interface CancelAll extends Envelope {
  readonly type: 'cancelAll';
  readonly accountId: number;
  /** Only this market; all markets when absent. */
  readonly instrumentId?: number;
}

/**
 * The surveillance kill switch: freezing cancels every live order of the account (resting or parked,
 * reason `accountFrozen`) and refuses its new orders with ACCOUNT_FROZEN until it is unfrozen. Money
 * and positions stay where they are.
 */
export interface SetAccountFrozen extends Envelope {
  readonly type: 'setAccountFrozen';
  readonly accountId: number;
  readonly frozen: boolean;
}

/**
 * An administrative action taken outside the engine (in the auth store: a user created or disabled,
 * a role changed, an API key or session revoked), journaled so the tamper-evident audit trail holds
 * it with who did it. It changes nothing but the engine's seq and time (decision 0110).
 */
export interface AuditNote extends Envelope {
  readonly type: 'auditNote';
  readonly actor: number;
  /** What was done, a dotted name: `user.role`, `apikey.revoke`, ... (1..64 characters). */
  readonly action: string;
  /** What it was done to: `user:12`, `apikey:<id>` (at most 256 characters). */
  readonly subject: string;
  /** What changed, e.g. `trader -> admin` (at most 1024 characters). */
  readonly detail?: string;
}

/**
 * Advances time with nothing else to do, so GTD orders expire, schedules run and markets a circuit
 * breaker paused reopen on time.
 */
export interface Tick extends Envelope {
  readonly type: 'tick';
}

export type Command =
  | CreateAsset
  | CreateAccount
  | Deposit
  | Withdraw
  | TransferOut
  | TransferIn
  | CreateInstrument
  | SetMarketStatus
  | ScheduleMarket
  | SetCircuitBreaker
  | SettleMarket
  | SetHalt
  | PlaceOrder
  | CancelOrder
  | AmendOrder
  | DecreaseOrder
  | CancelAll
  | CreateOrderGroup
  | SetOrderGroupLimit
  | ResetOrderGroup
  | TriggerOrderGroup
  | DeleteOrderGroup
  | SetAccountFrozen
  | AuditNote
  | Tick;

export type CommandType = Command['type'];
