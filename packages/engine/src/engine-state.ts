// The engine state that order entry, matching, order views and snapshots work on: the record
// indexes, the command counters and the emission helpers. `Engine` implements it; the modules that
// operate on the state take this interface, so none of them imports the engine that imports them.

import type { Command } from './commands.ts';
import type { EventSink } from './event-sink.ts';
import type { EngineEvent } from './events.ts';
import type { OrderIndex } from './order-index.ts';
import type { OrderStore } from './order-store.ts';
import type { RejectCode } from './reject-codes.ts';
import type { Account, Asset, Instrument, OrderGroup, Position } from './state.ts';
import type { EngineConfig } from './views.ts';

export interface EngineState {
  readonly config: EngineConfig;
  readonly store: OrderStore;
  /** Live order id → slot. */
  readonly orderSlots: OrderIndex;
  readonly assetsById: Map<number, Asset>;
  readonly assetList: Asset[];
  readonly accountsById: Map<number, Account>;
  readonly instById: Map<number, Instrument>;
  readonly instList: Instrument[];
  readonly transfers: Set<string>;
  halted: boolean;
  lastSeq: number;
  lastTs: number;
  maxOrderId: number;
  tradeSeq: number;
  /** GTD expiry min-heap: parallel arrays of (expiresAt, orderId). */
  readonly gtdTs: number[];
  readonly gtdId: number[];
  /** Order groups by id, and the group of each live order that has one. */
  readonly groups: Map<number, OrderGroup>;
  readonly groupOfOrder: Map<number, OrderGroup>;
  /** Groups that reached their cap during the current command; triggered when it ends. */
  readonly groupsToTrigger: OrderGroup[];
  /** Markets whose circuit breaker tripped during the current command; their pause completes when it ends. */
  readonly breakersTripped: Instrument[];

  /** Appends an event of the current command. */
  emit(event: EngineEvent): void;
  /** The frequent events' emitters (see event-sink.ts); `emit` takes any other event. */
  readonly sink: EventSink;
  reject(
    command: Command['type'],
    reason: RejectCode,
    extra?: { accountId?: number; orderId?: number; clientOrderId?: string },
  ): void;
  touchBalance(acct: Account, assetIndex: number): void;
  touchPosition(pos: Position): void;
  touchLevel(inst: Instrument, key: number): void;
  /**
   * The account at dense index `index` changed in a way no balance or position touch reports (open
   * lots, a position's reservation, the frozen flag, the shape of its balances): its state-hash
   * digest is taken again.
   */
  touchAccount(index: number): void;
  /** The account with this id, for any input value (non-integers simply find nothing). */
  accountById(id: number): Account | undefined;
  instrumentById(id: number): Instrument | undefined;
  /** The account's position record in an instrument, created on first use. */
  positionOf(acct: Account, inst: Instrument): Position;
  /** Registers a new account (or replaces one with the same id, as restore does for the fee account). */
  addAccount(accountId: number, userId: number, subaccount: number): Account;
  /** Registers an instrument (a new one, or one being restored) in the indexes. */
  registerInstrument(inst: Instrument): void;
  /** The earliest scheduled market change, recomputed from the instruments after a change. */
  recomputeSchedule(): number;
}
