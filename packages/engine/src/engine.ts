// The exchange state machine: `apply(command) → events`, single-threaded and deterministic. It reads no
// clock and does no I/O; time arrives as `command.ts`. A rejected command emits one `rejected` event and
// changes nothing (every check runs before the first mutation). The engine holds the state and routes
// each command to the module of its job (trading, order groups, ledger, market lifecycle); balance,
// position and book-level events are collected while the command runs (`touched-records.ts`) and
// emitted once per touched record at its end.

import { setAccountFrozen } from './account-freeze.ts';
import { checkAuditNote } from './audit-note.ts';
import type { ByteWriter } from './codec-bytes.ts';
import type { Command } from './commands.ts';
import type { EngineState } from './engine-state.ts';
import { EventSink } from './event-sink.ts';
import {
  accountsView,
  balanceView,
  bookView,
  instrumentView,
  openOrdersView,
  orderGroupsView,
  positionsView,
  positionView,
} from './engine-queries.ts';
import type { EngineEvent, Rejected } from './events.ts';
import { invalidField, takeInvalidField } from './invalid-field.ts';
import {
  createAccount,
  createAsset,
  growBalances,
  growOpenLots,
  moveExternal,
  newAccount,
} from './ledger.ts';
import { setCircuitBreaker } from './circuit-breaker.ts';
import { DigestCache } from './digest-cache.ts';
import {
  completeBreakerPauses,
  createInstrument,
  runSchedules,
  scheduleMarket,
  setHalt,
  setMarketStatus,
  settleMarket,
} from './market-lifecycle.ts';
import { earliestSchedule } from './market-schedule.ts';
import {
  createOrderGroup,
  deleteOrderGroup,
  flushGroupTriggers,
  groupView,
  resetOrderGroup,
  setOrderGroupLimit,
  triggerOrderGroup,
} from './order-groups.ts';
import { expireOrders } from './order-execution.ts';
import { OrderIndex } from './order-index.ts';
import { amendOrder, cancelAll, cancelOrder, decreaseOrder } from './order-maintenance.ts';
import { OrderStore } from './order-store.ts';
import { orderView } from './order-view.ts';
import { placeOrder } from './place-order.ts';
import { queuePosition, queuePositions } from './queue-position.ts';
import type { RejectCode } from './reject-codes.ts';
import { parseJsonSnapshot, restoreInto, snapshotState } from './snapshot.ts';
import { isBinarySnapshot, readBinarySnapshot, writeBinarySnapshot } from './snapshot-binary.ts';
import { captureSnapshot, type SnapshotCapture } from './snapshot-capture.ts';
import type { Account, Asset, Instrument, OrderGroup, Position } from './state.ts';
import { stateDigest } from './state-digest.ts';
import { TouchedRecords } from './touched-records.ts';
import { isPositiveInt, isSafeInt } from './units.ts';
import {
  type AccountView,
  type BalanceView,
  type BookView,
  DEFAULT_ENGINE_CONFIG,
  type EngineConfig,
  type InstrumentView,
  type OrderGroupView,
  type OrderView,
  type PositionView,
  type QueuePositionView,
} from './views.ts';

const DENSE_IDS = 1 << 16;

export class Engine implements EngineState {
  readonly config: EngineConfig;
  /** Where the current command's events go (objects, or bytes during `applyEncoded`). */
  readonly sink = new EventSink();
  /** Events of the command being applied; reused between commands. */
  readonly events: EngineEvent[] = this.sink.events;
  /** Accounts by dense index, shared with the order store. */
  readonly accountList: Account[] = [];
  readonly store = new OrderStore(this.accountList);
  /** Live order id → slot. */
  readonly orderSlots = new OrderIndex(this.store);
  readonly assetsById = new Map<number, Asset>();
  readonly assetList: Asset[] = [];
  readonly accountsById = new Map<number, Account>();
  /** Accounts and instruments with small ids, indexed directly: the hot path skips the Map. */
  private readonly accountsDense: (Account | undefined)[] = new Array(DENSE_IDS);
  private readonly instDense: (Instrument | undefined)[] = new Array(DENSE_IDS);
  readonly instById = new Map<number, Instrument>();
  readonly instList: Instrument[] = [];
  readonly transfers = new Set<string>();
  halted = false;
  lastSeq = 0;
  lastTs = 0;
  maxOrderId = 0;
  tradeSeq = 0;
  /** GTD expiry min-heap: parallel arrays of (expiresAt, orderId). */
  readonly gtdTs: number[] = [];
  readonly gtdId: number[] = [];
  readonly groups = new Map<number, OrderGroup>();
  readonly groupOfOrder = new Map<number, OrderGroup>();
  readonly groupsToTrigger: OrderGroup[] = [];
  readonly breakersTripped: Instrument[] = [];
  /** The earliest scheduled market change (Infinity for none): derived, recomputed on change. */
  private nextScheduleTs = Number.POSITIVE_INFINITY;
  private readonly touched = new TouchedRecords();
  /** The state hash's per-account parts, kept between hashes (marked where accounts change). */
  private readonly digests = new DigestCache();

  constructor(config?: Partial<EngineConfig>) {
    this.config = { ...DEFAULT_ENGINE_CONFIG, ...config };
    this.addAccount(this.config.feeAccountId, 0, 0);
  }

  /** Applies one command; the returned array is reused and valid only until the next call. */
  apply(command: Command): readonly EngineEvent[] {
    const events = this.events;
    const sink = this.sink;
    sink.count = 0;
    this.touched.begin(sink.discard && sink.out === null);
    // Each field of the command is read once: a command's shape depends on its type, so these
    // reads go through V8's megamorphic lookup (a hash probe each), and the timestamp, kept in a
    // local and in `lastTs`, is never boxed again to be passed on.
    const seq = command.seq;
    const ts = command.ts;
    if (!isSafeInt(seq) || !isSafeInt(ts)) {
      const field = isSafeInt(seq) ? 'ts' : 'seq';
      this.reject(command.type, invalidField(field, 'a safe integer'));
    } else {
      if (ts > this.lastTs) this.lastTs = ts;
      this.lastSeq = seq;
      if (this.gtdTs.length > 0 && this.gtdTs[0]! <= this.lastTs) expireOrders(this, this.lastTs);
      if (this.nextScheduleTs <= this.lastTs) runSchedules(this, this.lastTs);
      this.dispatch(command);
      if (this.breakersTripped.length !== 0) completeBreakerPauses(this);
      if (this.groupsToTrigger.length !== 0) flushGroupTriggers(this);
      this.touched.flush(sink, this.instList, this.assetList);
    }
    // Assigning by index and trimming only what is left over keeps the array's backing store:
    // `length = 0` followed by pushes would reallocate it on every command, and even a shorter
    // `length = n` goes through the runtime, where a few `pop`s do not.
    // While the events go to bytes the array stays empty, so it never shows an earlier command's.
    const n = sink.out === null && !sink.discard ? sink.count : 0;
    let extra = events.length - n;
    if (extra > 8) events.length = n;
    else while (extra-- > 0) events.pop();
    return events;
  }

  /**
   * Applies one command and appends its events to `w` as `writeCommandEvents(w, apply(command))`
   * would, byte for byte, without building the frequent events as objects. Returns the event count.
   */
  applyEncoded(command: Command, w: ByteWriter): number {
    const sink = this.sink;
    sink.open(w);
    try {
      this.apply(command);
    } finally {
      sink.close();
    }
    return sink.count;
  }

  /**
   * Applies one command for its effect on the state alone: the same state as `apply`, but the
   * frequent events are neither built nor encoded (replays and catch-up that read no events).
   */
  applyQuietly(command: Command): void {
    const sink = this.sink;
    sink.discard = true;
    try {
      this.apply(command);
    } finally {
      sink.discard = false;
    }
  }

  /** Appends an event of the current command. */
  emit(event: EngineEvent): void {
    this.sink.emit(event);
  }

  private dispatch(c: Command): void {
    switch (c.type) {
      case 'placeOrder':
        return placeOrder(this, c);
      case 'cancelOrder':
        return cancelOrder(this, c);
      case 'amendOrder':
        return amendOrder(this, c);
      case 'decreaseOrder':
        return decreaseOrder(this, c);
      case 'cancelAll':
        return cancelAll(this, c);
      case 'createOrderGroup':
        return createOrderGroup(this, c);
      case 'setOrderGroupLimit':
        return setOrderGroupLimit(this, c, this.lastTs);
      case 'resetOrderGroup':
        return resetOrderGroup(this, c);
      case 'triggerOrderGroup':
        return triggerOrderGroup(this, c);
      case 'deleteOrderGroup':
        return deleteOrderGroup(this, c);
      case 'setAccountFrozen':
        return setAccountFrozen(this, c);
      case 'tick':
        return;
      case 'auditNote':
        return checkAuditNote(this, c);
      case 'createAsset':
        return createAsset(this, c.assetId, c.code, c.scale);
      case 'createAccount':
        return createAccount(this, c.accountId, c.userId, c.subaccount);
      case 'deposit':
        return moveExternal(this, 'deposit', c.accountId, c.assetId, c.amount, undefined);
      case 'withdraw':
        return moveExternal(this, 'withdraw', c.accountId, c.assetId, c.amount, undefined);
      case 'transferIn':
        return moveExternal(this, 'transferIn', c.accountId, c.assetId, c.amount, c.transferId);
      case 'transferOut':
        return moveExternal(this, 'transferOut', c.accountId, c.assetId, c.amount, c.transferId);
      case 'createInstrument':
        return createInstrument(this, c.spec);
      case 'setMarketStatus':
        return setMarketStatus(this, c.instrumentId, c.status);
      case 'scheduleMarket':
        return scheduleMarket(this, c, this.lastTs);
      case 'setCircuitBreaker':
        return setCircuitBreaker(this, c);
      case 'settleMarket':
        return settleMarket(this, c.instrumentId, c.result, c.valueTicks);
      case 'setHalt':
        return setHalt(this, c.halted);
      default:
        return this.reject((c as { type: string }).type as Command['type'], 'UNKNOWN_COMMAND');
    }
  }

  // ---- emission helpers (used by the command modules through `EngineState`) ----

  reject(
    command: Command['type'],
    reason: RejectCode,
    extra?: { accountId?: number; orderId?: number; clientOrderId?: string },
  ): void {
    const e: { -readonly [K in keyof Rejected]: Rejected[K] } = {
      type: 'rejected',
      command,
      reason,
    };
    if (extra?.accountId !== undefined) e.accountId = extra.accountId;
    if (extra?.orderId !== undefined) e.orderId = extra.orderId;
    if (extra?.clientOrderId !== undefined) e.clientOrderId = extra.clientOrderId;
    if (reason === 'INVALID_FIELD') {
      const detail = takeInvalidField();
      if (detail !== undefined) {
        e.field = detail.field;
        e.rule = detail.rule;
      }
    }
    this.emit(e);
  }

  touchBalance(acct: Account, assetIndex: number): void {
    this.touched.balance(acct, assetIndex);
    this.digests.mark(acct.index);
  }

  touchPosition(pos: Position): void {
    this.touched.position(pos);
    this.digests.mark(pos.account.index);
  }

  touchAccount(index: number): void {
    this.digests.mark(index);
  }

  touchLevel(inst: Instrument, key: number): void {
    this.touched.level(inst, key);
  }

  // ---- records and indexes ----

  /** Registers a new account (or replaces one with the same id, as restore does for the fee account). */
  addAccount(accountId: number, userId: number, subaccount: number): Account {
    const existing = this.accountsById.get(accountId);
    const index = existing === undefined ? this.accountList.length : existing.index;
    const acct = newAccount(index, accountId, userId, subaccount);
    growBalances(acct, this.assetList.length);
    growOpenLots(acct, this.instList.length);
    this.accountList[index] = acct;
    this.digests.grow(index);
    this.digests.mark(index);
    this.accountsById.set(accountId, acct);
    if (accountId < DENSE_IDS) this.accountsDense[accountId] = acct;
    return acct;
  }

  /** Registers an instrument (a new one, or one being restored) in the indexes. */
  registerInstrument(inst: Instrument): void {
    this.instById.set(inst.spec.instrumentId, inst);
    if (inst.spec.instrumentId < DENSE_IDS) this.instDense[inst.spec.instrumentId] = inst;
    this.instList.push(inst);
    for (const a of this.accountList) growOpenLots(a, this.instList.length);
    this.touched.addInstrument(inst.book.levels);
  }

  /** The account with this id, for any input value (non-integers simply find nothing). */
  accountById(id: number): Account | undefined {
    return id >>> 0 === id && id < DENSE_IDS ? this.accountsDense[id] : this.accountsById.get(id);
  }

  instrumentById(id: number): Instrument | undefined {
    return id >>> 0 === id && id < DENSE_IDS ? this.instDense[id] : this.instById.get(id);
  }

  /** The account's position record in an instrument, created on first use. */
  positionOf(acct: Account, inst: Instrument): Position {
    let p = acct.positions[inst.index];
    if (p === undefined) {
      p = {
        account: acct,
        instIndex: inst.index,
        lots: 0,
        costBasis: 0,
        realisedPnl: 0,
        feesPaid: 0,
        reservedYes: 0,
        reservedNo: 0,
        stamp: 0,
      };
      acct.positions[inst.index] = p;
      inst.holders.push(p);
      this.digests.mark(acct.index);
    }
    return p;
  }

  // ---- time-driven work ----

  /**
   * When the engine next has something to do by itself (a GTD expiry, a scheduled market change or
   * the end of a circuit breaker's pause),
   * or undefined: the sequencer submits a `tick` then. An expiry entry may belong to an order that
   * has already left (its tick then does nothing but drop the entry).
   */
  nextDueTs(): number | undefined {
    const expiry = this.gtdTs.length > 0 ? this.gtdTs[0]! : Number.POSITIVE_INFINITY;
    const next = expiry < this.nextScheduleTs ? expiry : this.nextScheduleTs;
    return next === Number.POSITIVE_INFINITY ? undefined : next;
  }

  /** The earliest scheduled market change, recomputed from the instruments after a change. */
  recomputeSchedule(): number {
    this.nextScheduleTs = earliestSchedule(this.instList);
    return this.nextScheduleTs;
  }

  // ---- snapshot and hash ----

  /**
   * Canonical bytes of the whole state in the binary form (snapshot-binary.ts): equal states give
   * equal bytes, and `Engine.restore` rebuilds an identical engine from them.
   */
  snapshot(): Uint8Array {
    return writeBinarySnapshot(this);
  }

  /**
   * A copy of the state for `encodeSnapshot`, which gives `snapshot()`'s bytes from it on any
   * thread: the part of a snapshot that has to run between two commands.
   */
  captureSnapshot(): SnapshotCapture {
    return captureSnapshot(this);
  }

  /**
   * The version-1 JSON form, as written before the binary one: what older data directories hold.
   * Kept so tests can write such snapshots and the bench can compare the two.
   */
  snapshotJson(): Uint8Array {
    return new TextEncoder().encode(JSON.stringify(snapshotState(this, true)));
  }

  /**
   * An engine from either snapshot form (binary, or the JSON of older data directories). Damaged
   * bytes throw an error saying so; no engine is returned half restored.
   */
  static restore(bytes: Uint8Array): Engine {
    const data = isBinarySnapshot(bytes) ? readBinarySnapshot(bytes) : parseJsonSnapshot(bytes);
    try {
      const engine = new Engine(data.config);
      restoreInto(engine, data);
      engine.recomputeSchedule();
      return engine;
    } catch (err) {
      throw new Error(`snapshot damaged: ${(err as Error).message}`);
    }
  }

  /**
   * Digest of the economic state (everything but the last seq/ts): equal states ⇔ equal hashes. Its
   * text starts with its version (`3:`; see state-digest.ts). The accounts' part costs the accounts
   * changed since the last call, not all of them.
   */
  stateHash(): string {
    return stateDigest(this, this.accountList, this.digests);
  }

  // ---- queries (engine-queries.ts) ----

  account(accountId: number): AccountView | undefined {
    const a = this.accountsById.get(accountId);
    return a === undefined
      ? undefined
      : { accountId: a.accountId, userId: a.userId, subaccount: a.subaccount, frozen: a.frozen };
  }

  accounts(): AccountView[] {
    return accountsView(this);
  }

  balance(accountId: number, assetId: number): BalanceView {
    return balanceView(this, accountId, assetId);
  }

  balances(accountId: number): BalanceView[] {
    return this.assetList.map((asset) => this.balance(accountId, asset.assetId));
  }

  position(accountId: number, instrumentId: number): PositionView | undefined {
    return positionView(this, accountId, instrumentId);
  }

  positions(accountId: number): PositionView[] {
    return positionsView(this, accountId);
  }

  order(orderId: number): OrderView | undefined {
    if (!isPositiveInt(orderId)) return undefined;
    const slot = this.orderSlots.get(orderId);
    return slot < 0 ? undefined : orderView(this, slot);
  }

  openOrders(accountId: number, instrumentId?: number): OrderView[] {
    return openOrdersView(this, accountId, instrumentId);
  }

  /**
   * The open quantity resting ahead of an order at its price on its side; undefined for an unknown
   * order or a parked stop (which is in no queue).
   */
  queuePosition(orderId: number): QueuePositionView | undefined {
    if (!isPositiveInt(orderId)) return undefined;
    return queuePosition(this, orderId);
  }

  /** The queue positions of an account's resting orders (optionally in one instrument), by order id. */
  queuePositions(accountId: number, instrumentId?: number): QueuePositionView[] {
    return queuePositions(this, accountId, instrumentId);
  }

  book(instrumentId: number, depth = Number.MAX_SAFE_INTEGER): BookView | undefined {
    return bookView(this, instrumentId, depth);
  }

  instrument(instrumentId: number): InstrumentView | undefined {
    return instrumentView(this, instrumentId);
  }

  /** The account's order groups, by group id. */
  orderGroups(accountId: number): OrderGroupView[] {
    return orderGroupsView(this, accountId);
  }

  orderGroup(groupId: number): OrderGroupView | undefined {
    const g = this.groups.get(groupId);
    return g === undefined ? undefined : groupView(g, this.lastTs);
  }

  instruments(): InstrumentView[] {
    return this.instList.map((i) => this.instrument(i.spec.instrumentId)!);
  }

  assets(): { assetId: number; code: string; scale: number }[] {
    return this.assetList.map((a) => ({ assetId: a.assetId, code: a.code, scale: a.scale }));
  }

  /** Net external money per asset: deposits − withdrawals + transfers in − transfers out. */
  externalTotal(assetId: number): number {
    return this.assetsById.get(assetId)?.external ?? 0;
  }
}
