// The exchange state machine: `apply(command) → events`, single-threaded and deterministic. It reads no
// clock and does no I/O; time arrives as `command.ts`. A rejected command emits one `rejected` event and
// changes nothing (every check runs before the first mutation). Balance, position and book-level events
// are collected while the command runs and emitted once per touched record at its end.

import { Book } from './book.ts';
import type { Command, ScheduleMarket } from './commands.ts';
import type { EngineState } from './engine-state.ts';
import type { EngineEvent, Rejected } from './events.ts';
import { isIdentifier } from './identifiers.ts';
import { MAX_PRICE_LEVELS, type InstrumentSpec } from './instrument.ts';
import { earliestSchedule, scheduleProblem } from './market-schedule.ts';
import {
  createOrderGroup,
  deleteOrderGroup,
  flushGroupTriggers,
  groupView,
  resetOrderGroup,
  setOrderGroupLimit,
  triggerOrderGroup,
} from './order-groups.ts';
import { OrderIndex } from './order-index.ts';
import { F_CANCEL_ON_PAUSE, OrderStore } from './order-store.ts';
import { cancelSlot } from './order-lifecycle.ts';
import { orderView } from './order-view.ts';
import { queuePosition, queuePositions } from './queue-position.ts';
import type { RejectCode } from './reject-codes.ts';
import { restoreInto, snapshotState } from './snapshot.ts';
import type { Account, Asset, Instrument, OrderGroup, Position } from './state.ts';
import { hashBytes } from './state-hash.ts';
import { NIL } from './slot.ts';
import { compileFees } from './instrument-fees.ts';
import {
  amendOrder,
  cancelAll,
  cancelOrder,
  decreaseOrder,
  expireOrders,
  placeOrder,
} from './trading.ts';
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
  /** Events of the command being applied; reused between commands. */
  readonly events: EngineEvent[] = [];
  private eventCount = 0;
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
  /** Increments per command; records compare against it to emit one event per command. */
  stamp = 0;
  /** GTD expiry min-heap: parallel arrays of (expiresAt, orderId). */
  readonly gtdTs: number[] = [];
  readonly gtdId: number[] = [];
  readonly groups = new Map<number, OrderGroup>();
  readonly groupOfOrder = new Map<number, OrderGroup>();
  readonly groupsToTrigger: OrderGroup[] = [];
  /** The earliest scheduled market change (Infinity for none): derived, recomputed on change. */
  private nextScheduleTs = Number.POSITIVE_INFINITY;
  // Records touched by the current command.
  // Records touched by the current command: arrays that only grow, with a live count each, so the hot
  // path never reallocates them.
  private readonly touchedBalAcct: Account[] = [];
  private readonly touchedBalAsset: number[] = [];
  private nTouchedBal = 0;
  private readonly touchedPos: Position[] = [];
  private nTouchedPos = 0;
  private readonly touchedLevelInst: number[] = [];
  private readonly touchedLevelKey: number[] = [];
  private nTouchedLevels = 0;
  /** Per instrument: stamp of the last touch of each book level key (side × levels + level). */
  private readonly levelStamps: Int32Array[] = [];

  constructor(config?: Partial<EngineConfig>) {
    this.config = { ...DEFAULT_ENGINE_CONFIG, ...config };
    this.addAccount(this.config.feeAccountId, 0, 0);
  }

  /** Applies one command; the returned array is reused and valid only until the next call. */
  apply(command: Command): readonly EngineEvent[] {
    const events = this.events;
    this.eventCount = 0;
    this.stamp++;
    if (!isSafeInt(command.seq) || !isSafeInt(command.ts)) {
      this.reject(command.type, 'INVALID_FIELD');
    } else {
      const ts = command.ts > this.lastTs ? command.ts : this.lastTs;
      this.lastTs = ts;
      this.lastSeq = command.seq;
      if (this.gtdTs.length > 0 && this.gtdTs[0]! <= ts) expireOrders(this, ts);
      if (this.nextScheduleTs <= ts) this.runSchedules(ts);
      this.dispatch(command, ts);
      if (this.groupsToTrigger.length !== 0) flushGroupTriggers(this);
      this.flushTouched();
    }
    // Assigning by index and trimming only when the count changed keeps the array's backing store:
    // `length = 0` followed by pushes would reallocate it on every command.
    if (events.length !== this.eventCount) events.length = this.eventCount;
    return events;
  }

  /** Appends an event of the current command. */
  emit(event: EngineEvent): void {
    this.events[this.eventCount++] = event;
  }

  private dispatch(c: Command, ts: number): void {
    switch (c.type) {
      case 'placeOrder':
        return placeOrder(this, c, ts);
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
        return setOrderGroupLimit(this, c, ts);
      case 'resetOrderGroup':
        return resetOrderGroup(this, c);
      case 'triggerOrderGroup':
        return triggerOrderGroup(this, c);
      case 'deleteOrderGroup':
        return deleteOrderGroup(this, c);
      case 'tick':
        return;
      case 'createAsset':
        return this.createAsset(c.assetId, c.code, c.scale);
      case 'createAccount':
        return this.createAccount(c.accountId, c.userId, c.subaccount);
      case 'deposit':
        return this.moveExternal('deposit', c.accountId, c.assetId, c.amount, undefined);
      case 'withdraw':
        return this.moveExternal('withdraw', c.accountId, c.assetId, c.amount, undefined);
      case 'transferIn':
        return this.moveExternal('transferIn', c.accountId, c.assetId, c.amount, c.transferId);
      case 'transferOut':
        return this.moveExternal('transferOut', c.accountId, c.assetId, c.amount, c.transferId);
      case 'createInstrument':
        return this.createInstrument(c.spec);
      case 'setMarketStatus':
        return this.setMarketStatus(c.instrumentId, c.status);
      case 'scheduleMarket':
        return this.scheduleMarket(c, ts);
      case 'settleMarket':
        return this.settleMarket(c.instrumentId, c.result, c.valueTicks);
      case 'setHalt':
        return this.setHalt(c.halted);
      default:
        return this.reject((c as { type: string }).type as Command['type'], 'UNKNOWN_COMMAND');
    }
  }

  // ---- emission helpers (used by the order modules through `EngineState`) ----

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
    this.emit(e);
  }

  touchBalance(acct: Account, assetIndex: number): void {
    if (acct.balStamp[assetIndex] === this.stamp) return;
    acct.balStamp[assetIndex] = this.stamp;
    this.touchedBalAcct[this.nTouchedBal] = acct;
    this.touchedBalAsset[this.nTouchedBal++] = assetIndex;
  }

  touchPosition(pos: Position): void {
    if (pos.stamp === this.stamp) return;
    pos.stamp = this.stamp;
    this.touchedPos[this.nTouchedPos++] = pos;
  }

  touchLevel(inst: Instrument, key: number): void {
    const stamps = this.levelStamps[inst.index]!;
    if (stamps[key] === this.stamp) return;
    stamps[key] = this.stamp;
    this.touchedLevelInst[this.nTouchedLevels] = inst.index;
    this.touchedLevelKey[this.nTouchedLevels++] = key;
  }

  private flushTouched(): void {
    for (let i = 0; i < this.nTouchedLevels; i++) {
      const inst = this.instList[this.touchedLevelInst[i]!]!;
      const key = this.touchedLevelKey[i]!;
      const book = inst.book;
      const side = key >= book.levels ? 1 : 0;
      const level = key - side * book.levels;
      this.emit({
        type: 'bookLevel',
        instrumentId: inst.spec.instrumentId,
        side: side === 0 ? 'buy' : 'sell',
        priceTicks: inst.spec.minPriceTicks + level * inst.spec.tickSize,
        qtyLots: book.qty[key]!,
        orderCount: book.count[key]!,
      });
    }
    this.nTouchedLevels = 0;
    for (let i = 0; i < this.nTouchedBal; i++) {
      const a = this.touchedBalAcct[i]!;
      const k = this.touchedBalAsset[i]!;
      this.emit({
        type: 'balanceChanged',
        accountId: a.accountId,
        assetId: this.assetList[k]!.assetId,
        available: a.available[k]!,
        reserved: a.reserved[k]!,
      });
    }
    this.nTouchedBal = 0;
    for (let i = 0; i < this.nTouchedPos; i++) {
      const p = this.touchedPos[i]!;
      this.emit({
        type: 'positionChanged',
        accountId: p.account.accountId,
        instrumentId: this.instList[p.instIndex]!.spec.instrumentId,
        positionLots: p.lots,
        costBasis: p.costBasis,
        realisedPnl: p.realisedPnl,
        feesPaid: p.feesPaid,
      });
    }
    this.nTouchedPos = 0;
  }

  /** Registers a new account (or replaces one with the same id, as restore does for the fee account). */
  addAccount(accountId: number, userId: number, subaccount: number): Account {
    const existing = this.accountsById.get(accountId);
    const index = existing === undefined ? this.accountList.length : existing.index;
    const acct = newAccount(index, accountId, userId, subaccount);
    growBalances(acct, this.assetList.length);
    this.accountList[index] = acct;
    this.accountsById.set(accountId, acct);
    if (accountId < DENSE_IDS) this.accountsDense[accountId] = acct;
    return acct;
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
    }
    return p;
  }

  // ---- ledger ----

  private createAsset(assetId: number, code: string, scale: number): void {
    if (!isSafeInt(assetId) || assetId < 0 || !isIdentifier(code, 16) || !isPositiveInt(scale)) {
      return this.reject('createAsset', 'INVALID_FIELD');
    }
    if (this.assetsById.has(assetId)) return this.reject('createAsset', 'DUPLICATE_ID');
    const asset: Asset = { assetId, index: this.assetList.length, code, scale, external: 0 };
    this.assetsById.set(assetId, asset);
    this.assetList.push(asset);
    for (const a of this.accountsById.values()) growBalances(a, this.assetList.length);
    this.emit({ type: 'assetCreated', assetId, code, scale });
  }

  private createAccount(accountId: number, userId: number, subaccount: number): void {
    if (!isSafeInt(accountId) || !isSafeInt(userId) || !isSafeInt(subaccount)) {
      return this.reject('createAccount', 'INVALID_FIELD');
    }
    if (accountId < 0 || userId < 0 || subaccount < 0) {
      return this.reject('createAccount', 'INVALID_FIELD');
    }
    if (this.accountsById.has(accountId)) {
      return this.reject('createAccount', 'DUPLICATE_ID', { accountId });
    }
    this.addAccount(accountId, userId, subaccount);
    this.emit({ type: 'accountCreated', accountId, userId, subaccount });
  }

  private moveExternal(
    kind: 'deposit' | 'withdraw' | 'transferIn' | 'transferOut',
    accountId: number,
    assetId: number,
    amount: number,
    transferId: string | undefined,
  ): void {
    if (!isPositiveInt(amount)) return this.reject(kind, 'INVALID_FIELD', { accountId });
    const acct = this.accountsById.get(accountId);
    if (acct === undefined) return this.reject(kind, 'UNKNOWN_ACCOUNT');
    const asset = this.assetsById.get(assetId);
    if (asset === undefined) return this.reject(kind, 'UNKNOWN_ASSET', { accountId });
    const isTransfer = kind === 'transferIn' || kind === 'transferOut';
    if (isTransfer) {
      if (!isIdentifier(transferId, 128)) {
        return this.reject(kind, 'INVALID_FIELD', { accountId });
      }
      if (this.transfers.has(transferId))
        return this.reject(kind, 'DUPLICATE_TRANSFER', { accountId });
    }
    const k = asset.index;
    const outflow = kind === 'withdraw' || kind === 'transferOut';
    if (outflow && acct.available[k]! < amount) {
      return this.reject(kind, 'INSUFFICIENT_FUNDS', { accountId });
    }
    const signed = outflow ? -amount : amount;
    if (!Number.isSafeInteger(acct.available[k]! + signed) || !isSafeInt(asset.external + signed)) {
      return this.reject(kind, 'INVALID_FIELD', { accountId });
    }
    if (isTransfer) this.transfers.add(transferId as string);
    acct.available[k]! += signed;
    asset.external += signed;
    this.touchBalance(acct, k);
    const ev = { type: 'ledgerMoved', kind, accountId, assetId, amount: signed } as const;
    this.emit(transferId === undefined ? ev : { ...ev, transferId });
  }

  // ---- lifecycle ----

  private createInstrument(spec: InstrumentSpec): void {
    const problem = validateSpec(this, spec);
    if (problem !== undefined) return this.reject('createInstrument', problem);
    const levels = (spec.maxPriceTicks - spec.minPriceTicks) / spec.tickSize + 1;
    const moneyAssetId = spec.kind === 'binary' ? spec.settlementAssetId : spec.quoteAssetId;
    const inst: Instrument = {
      index: this.instList.length,
      spec: structuredCloneSpec(spec),
      moneyAsset: this.assetsById.get(moneyAssetId)!.index,
      baseAsset: spec.kind === 'spot' ? this.assetsById.get(spec.baseAssetId)!.index : -1,
      book: new Book(levels),
      ...compileFees(spec),
      status: 'created',
      lastPrice: 0,
      hasLast: false,
      escrow: 0,
      openInterest: 0,
      holders: [],
      stopHead: NIL,
      stopTail: NIL,
      stopCount: 0,
      settlement: undefined,
      opensAt: 0,
      closesAt: 0,
    };
    this.instById.set(spec.instrumentId, inst);
    if (spec.instrumentId < DENSE_IDS) this.instDense[spec.instrumentId] = inst;
    this.instList.push(inst);
    this.levelStamps.push(new Int32Array(2 * levels));
    this.emit({ type: 'instrumentCreated', spec: inst.spec });
    this.emit({
      type: 'marketStatusChanged',
      instrumentId: spec.instrumentId,
      status: 'created',
    });
  }

  private setMarketStatus(instrumentId: number, status: 'open' | 'paused' | 'closed'): void {
    const inst = this.instById.get(instrumentId);
    if (inst === undefined) return this.reject('setMarketStatus', 'UNKNOWN_INSTRUMENT');
    const from = inst.status;
    const allowed =
      (status === 'open' && (from === 'created' || from === 'paused')) ||
      (status === 'paused' && from === 'open') ||
      (status === 'closed' && (from === 'open' || from === 'paused' || from === 'created'));
    if (!allowed) return this.reject('setMarketStatus', 'INVALID_STATE');
    this.changeStatus(inst, status);
  }

  /**
   * Moves an instrument to `status` (already checked), cancelling what the change cancels, and ends
   * the part of its schedule the change makes moot: opening ends `opensAt`, closing ends both.
   */
  private changeStatus(inst: Instrument, status: 'open' | 'paused' | 'closed'): void {
    if (status === 'closed') this.cancelEverything(inst);
    else if (status === 'paused') this.cancelOnPause(inst.index);
    inst.status = status;
    this.emit({ type: 'marketStatusChanged', instrumentId: inst.spec.instrumentId, status });
    const opensAt = status === 'paused' ? inst.opensAt : 0;
    const closesAt = status === 'closed' ? 0 : inst.closesAt;
    if (opensAt !== inst.opensAt || closesAt !== inst.closesAt) {
      this.setSchedule(inst, opensAt, closesAt);
    }
  }

  private scheduleMarket(c: ScheduleMarket, ts: number): void {
    const inst = this.instrumentById(c.instrumentId);
    if (inst === undefined) return this.reject('scheduleMarket', 'UNKNOWN_INSTRUMENT');
    const problem = scheduleProblem(inst, c, ts);
    if (problem !== undefined) return this.reject('scheduleMarket', problem);
    this.setSchedule(inst, c.opensAt ?? 0, c.closesAt ?? 0);
  }

  private setSchedule(inst: Instrument, opensAt: number, closesAt: number): void {
    inst.opensAt = opensAt;
    inst.closesAt = closesAt;
    this.nextScheduleTs = earliestSchedule(this.instList);
    this.emit({
      type: 'marketScheduled',
      instrumentId: inst.spec.instrumentId,
      opensAt: opensAt === 0 ? null : opensAt,
      closesAt: closesAt === 0 ? null : closesAt,
    });
  }

  /**
   * Opens and closes the markets whose time has come, in creation order, before the command at `ts`
   * runs. A market due to open and to close at once opens and then closes.
   */
  private runSchedules(ts: number): void {
    for (const inst of this.instList) {
      if (inst.opensAt > 0 && inst.opensAt <= ts) this.changeStatus(inst, 'open');
      if (inst.closesAt > 0 && inst.closesAt <= ts) this.changeStatus(inst, 'closed');
    }
  }

  /**
   * When the engine next has something to do by itself (a GTD expiry or a scheduled market change),
   * or undefined: the sequencer submits a `tick` then. An expiry entry may belong to an order that
   * has already left (its tick then does nothing but drop the entry).
   */
  nextDueTs(): number | undefined {
    const expiry = this.gtdTs.length > 0 ? this.gtdTs[0]! : Number.POSITIVE_INFINITY;
    const next = expiry < this.nextScheduleTs ? expiry : this.nextScheduleTs;
    return next === Number.POSITIVE_INFINITY ? undefined : next;
  }

  /** @internal Used by restore and verification: the earliest schedule from the instruments. */
  recomputeSchedule(): number {
    this.nextScheduleTs = earliestSchedule(this.instList);
    return this.nextScheduleTs;
  }

  /** Cancels every resting and parked order of an instrument (market close). */
  private cancelEverything(inst: Instrument): void {
    const book = inst.book;
    for (let side = 0; side < 2; side++) {
      for (let level = 0; level < book.levels; level++) {
        let slot = book.head[side * book.levels + level]!;
        while (slot !== NIL) {
          const next = this.store.next[slot]!;
          cancelSlot(this, slot, 'marketClosed');
          slot = next;
        }
      }
    }
    let slot = inst.stopHead;
    while (slot !== NIL) {
      const next = this.store.next[slot]!;
      cancelSlot(this, slot, 'marketClosed');
      slot = next;
    }
  }

  /**
   * Cancels every live order placed with `cancelOnPause` (resting or parked) in one instrument, or in
   * all of them when `instIndex` is −1, with reason `paused`, in order id (acceptance) order. Order id
   * order does not depend on slot numbers or queue positions, so the events are the same after a
   * restore; and a client that placed several such orders sees them go in the order it sent them.
   * Runs between commands, when every live slot is resting or parked (no taker is in flight), so one
   * pass over the store finds them all; it runs only on a pause or halt, never on the order path, and
   * each cancel releases its reservation like any other.
   */
  private cancelOnPause(instIndex: number): void {
    const s = this.store;
    const ids: number[] = [];
    for (let slot = 0; slot < s.capacity; slot++) {
      if (s.id[slot] === 0 || (s.flags[slot]! & F_CANCEL_ON_PAUSE) === 0) continue;
      if (instIndex < 0 || s.inst[slot] === instIndex) ids.push(s.id[slot]!);
    }
    if (ids.length === 0) return;
    ids.sort((a, b) => a - b);
    for (const id of ids) cancelSlot(this, this.orderSlots.get(id), 'paused');
  }

  private settleMarket(
    instrumentId: number,
    result: 'yes' | 'no' | 'scalar',
    valueTicks: number | undefined,
  ): void {
    const inst = this.instById.get(instrumentId);
    if (inst === undefined) return this.reject('settleMarket', 'UNKNOWN_INSTRUMENT');
    const spec = inst.spec;
    if (spec.kind !== 'binary') return this.reject('settleMarket', 'INVALID_SETTLEMENT');
    if (inst.status !== 'closed') return this.reject('settleMarket', 'INVALID_STATE');
    let v: number;
    if (result === 'yes') v = spec.payoutTicks;
    else if (result === 'no') v = 0;
    else if (result === 'scalar') {
      if (!isSafeInt(valueTicks) || valueTicks < 0 || valueTicks > spec.payoutTicks) {
        return this.reject('settleMarket', 'INVALID_SETTLEMENT');
      }
      v = valueTicks;
    } else return this.reject('settleMarket', 'INVALID_FIELD');
    const m = inst.moneyAsset;
    const mult = spec.moneyPerTickLot;
    for (const pos of inst.holders) {
      if (pos.lots === 0) continue;
      const lots = pos.lots;
      const payout = lots > 0 ? v * lots * mult : (spec.payoutTicks - v) * -lots * mult;
      const acct = pos.account;
      acct.available[m]! += payout;
      inst.escrow -= payout;
      const pnl = payout - pos.costBasis;
      pos.realisedPnl += pnl;
      pos.costBasis = 0;
      pos.lots = 0;
      this.touchBalance(acct, m);
      this.touchPosition(pos);
      this.emit({
        type: 'settled',
        instrumentId,
        accountId: acct.accountId,
        positionLots: lots,
        payout,
        realisedPnl: pnl,
      });
    }
    if (inst.escrow !== 0) throw new Error(`escrow left after settlement: ${inst.escrow}`);
    inst.openInterest = 0;
    inst.status = 'settled';
    inst.settlement = { result, valueTicks: v };
    this.emit({ type: 'marketStatusChanged', instrumentId, status: 'settled' });
    this.emit({ type: 'marketSettled', instrumentId, result, valueTicks: v, escrowLeft: 0 });
  }

  private setHalt(halted: boolean): void {
    if (typeof halted !== 'boolean') return this.reject('setHalt', 'INVALID_FIELD');
    // A halt pauses trading on every market at once; it is the pause most Kalshi users meet (the
    // exchange's own trading pause), so `cancelOnPause` orders go on a halt too, in every market.
    // Only on the change to halted: while halted no order can be placed, amended or triggered.
    if (halted && !this.halted) this.cancelOnPause(-1);
    this.halted = halted;
    this.emit({ type: 'haltChanged', halted });
  }

  // ---- snapshot and hash ----

  /** Canonical bytes of the whole state; `Engine.restore` rebuilds an identical engine from them. */
  snapshot(): Uint8Array {
    return new TextEncoder().encode(JSON.stringify(snapshotState(this, true)));
  }

  static restore(bytes: Uint8Array): Engine {
    const data = JSON.parse(new TextDecoder().decode(bytes));
    const engine = new Engine(data.config);
    restoreInto(engine, data);
    engine.recomputeSchedule();
    return engine;
  }

  /** Digest of the economic state (everything but the last seq/ts): equal states ⇔ equal hashes. */
  stateHash(): string {
    return hashBytes(new TextEncoder().encode(JSON.stringify(snapshotState(this, false))));
  }

  /** @internal Used by restore: registers an instrument's level-stamp array. */
  registerRestoredInstrument(inst: Instrument): void {
    this.instById.set(inst.spec.instrumentId, inst);
    if (inst.spec.instrumentId < DENSE_IDS) this.instDense[inst.spec.instrumentId] = inst;
    this.instList.push(inst);
    this.levelStamps.push(new Int32Array(2 * inst.book.levels));
  }

  // ---- queries ----

  account(accountId: number): AccountView | undefined {
    const a = this.accountsById.get(accountId);
    return a === undefined
      ? undefined
      : { accountId: a.accountId, userId: a.userId, subaccount: a.subaccount };
  }

  accounts(): AccountView[] {
    return [...this.accountsById.values()]
      .map((a) => ({ accountId: a.accountId, userId: a.userId, subaccount: a.subaccount }))
      .sort((x, y) => x.accountId - y.accountId);
  }

  balance(accountId: number, assetId: number): BalanceView {
    const a = this.accountsById.get(accountId);
    const asset = this.assetsById.get(assetId);
    if (a === undefined || asset === undefined)
      return { accountId, assetId, available: 0, reserved: 0 };
    return {
      accountId,
      assetId,
      available: a.available[asset.index]!,
      reserved: a.reserved[asset.index]!,
    };
  }

  balances(accountId: number): BalanceView[] {
    return this.assetList.map((asset) => this.balance(accountId, asset.assetId));
  }

  position(accountId: number, instrumentId: number): PositionView | undefined {
    const a = this.accountsById.get(accountId);
    const inst = this.instById.get(instrumentId);
    const p = a && inst ? a.positions[inst.index] : undefined;
    if (p === undefined) return undefined;
    return {
      accountId,
      instrumentId,
      positionLots: p.lots,
      costBasis: p.costBasis,
      realisedPnl: p.realisedPnl,
      feesPaid: p.feesPaid,
    };
  }

  positions(accountId: number): PositionView[] {
    const a = this.accountsById.get(accountId);
    if (a === undefined) return [];
    const out: PositionView[] = [];
    for (const p of a.positions) {
      if (p === undefined) continue;
      const view = this.position(accountId, this.instList[p.instIndex]!.spec.instrumentId);
      if (view !== undefined) out.push(view);
    }
    return out;
  }

  order(orderId: number): OrderView | undefined {
    if (!isPositiveInt(orderId)) return undefined;
    const slot = this.orderSlots.get(orderId);
    return slot < 0 ? undefined : orderView(this, slot);
  }

  openOrders(accountId: number, instrumentId?: number): OrderView[] {
    const a = this.accountsById.get(accountId);
    if (a === undefined) return [];
    const out: OrderView[] = [];
    for (let slot = a.orderHead; slot !== NIL; slot = this.store.acctNext[slot]!) {
      const view = orderView(this, slot);
      if (instrumentId === undefined || view.instrumentId === instrumentId) out.push(view);
    }
    return out.sort((x, y) => x.orderId - y.orderId);
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
    const inst = this.instById.get(instrumentId);
    if (inst === undefined) return undefined;
    const { book, spec } = inst;
    const side = (s: number) => {
      const out: [number, number, number][] = [];
      const step = s === 0 ? -1 : 1;
      for (let l = book.best[s]!; l >= 0 && l < book.levels && out.length < depth; l += step) {
        const k = s * book.levels + l;
        if (book.count[k]! > 0) {
          out.push([spec.minPriceTicks + l * spec.tickSize, book.qty[k]!, book.count[k]!]);
        }
      }
      return out;
    };
    return { instrumentId, bids: side(0), asks: side(1) };
  }

  instrument(instrumentId: number): InstrumentView | undefined {
    const inst = this.instById.get(instrumentId);
    if (inst === undefined) return undefined;
    return {
      spec: inst.spec,
      status: inst.status,
      lastPriceTicks: inst.hasLast ? inst.lastPrice : undefined,
      escrow: inst.escrow,
      openInterestLots: inst.openInterest,
      settlement: inst.settlement === undefined ? undefined : { ...inst.settlement },
      opensAt: inst.opensAt === 0 ? undefined : inst.opensAt,
      closesAt: inst.closesAt === 0 ? undefined : inst.closesAt,
    };
  }

  /** The account's order groups, by group id. */
  orderGroups(accountId: number): OrderGroupView[] {
    const out: OrderGroupView[] = [];
    for (const g of this.groups.values()) {
      if (g.account.accountId === accountId) out.push(groupView(g, this.lastTs));
    }
    return out.sort((a, b) => a.groupId - b.groupId);
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

export function newAccount(
  index: number,
  accountId: number,
  userId: number,
  subaccount: number,
): Account {
  return {
    index,
    accountId,
    userId,
    subaccount,
    available: [],
    reserved: [],
    balStamp: [],
    positions: [],
    orderHead: NIL,
    openOrders: 0,
    clientIds: new Map(),
    openLots: [],
  };
}

export function growBalances(acct: Account, assets: number): void {
  while (acct.available.length < assets) {
    acct.available.push(0);
    acct.reserved.push(0);
    acct.balStamp.push(0);
  }
}

function structuredCloneSpec(spec: InstrumentSpec): InstrumentSpec {
  return JSON.parse(JSON.stringify(spec)) as InstrumentSpec;
}

function validateSpec(e: Engine, spec: InstrumentSpec): RejectCode | undefined {
  if (typeof spec !== 'object' || spec === null) return 'INVALID_FIELD';
  if (!isSafeInt(spec.instrumentId) || spec.instrumentId < 0) return 'INVALID_FIELD';
  if (e.instById.has(spec.instrumentId)) return 'DUPLICATE_ID';
  if (!isIdentifier(spec.symbol, 64)) return 'INVALID_FIELD';
  for (const x of [spec.tickSize, spec.lotSize, spec.moneyPerTickLot]) {
    if (!isPositiveInt(x)) return 'INVALID_FIELD';
  }
  if (!isPositiveInt(spec.minPriceTicks) || !isPositiveInt(spec.maxPriceTicks))
    return 'INVALID_FIELD';
  if (spec.maxPriceTicks < spec.minPriceTicks) return 'INVALID_FIELD';
  if ((spec.maxPriceTicks - spec.minPriceTicks) % spec.tickSize !== 0) return 'INVALID_FIELD';
  if ((spec.maxPriceTicks - spec.minPriceTicks) / spec.tickSize + 1 > MAX_PRICE_LEVELS) {
    return 'INVALID_FIELD';
  }
  const lim = spec.limits;
  if (typeof lim !== 'object' || lim === null) return 'INVALID_FIELD';
  for (const x of [
    lim.maxOrderQtyLots,
    lim.maxOrderNotional,
    lim.maxPositionLots,
    lim.priceBandTicks,
  ]) {
    if (!isSafeInt(x) || x < 0) return 'INVALID_FIELD';
  }
  const f = spec.fees;
  if (typeof f !== 'object' || f === null) return 'INVALID_FIELD';
  if (f.kind === 'bps') {
    if (!isSafeInt(f.makerBps) || !isSafeInt(f.takerBps)) return 'INVALID_FIELD';
    if (f.makerBps < 0 || f.takerBps < 0 || f.makerBps > 10_000 || f.takerBps > 10_000) {
      return 'INVALID_FIELD';
    }
  } else if (f.kind === 'kalshi') {
    if (spec.kind !== 'binary') return 'INVALID_FIELD';
    for (const x of [f.makerRatePpm, f.takerRatePpm]) {
      if (!isSafeInt(x) || x < 0 || x > 1_000_000) return 'INVALID_FIELD';
    }
    if (!isPositiveInt(f.roundingUnit)) return 'INVALID_FIELD';
  } else if (f.kind !== 'none') return 'INVALID_FIELD';
  if (spec.kind === 'binary') {
    if (!e.assetsById.has(spec.settlementAssetId)) return 'UNKNOWN_ASSET';
    if (!isPositiveInt(spec.payoutTicks) || !isPositiveInt(spec.lotsPerContract))
      return 'INVALID_FIELD';
    if (spec.maxPriceTicks >= spec.payoutTicks) return 'INVALID_FIELD';
    for (const s of [spec.seriesTicker, spec.eventTicker, spec.title]) {
      if (typeof s !== 'string') return 'INVALID_FIELD';
    }
    // Escrow per lot pair must stay a safe integer for any realistic position.
    if (!isSafeInt(spec.payoutTicks * spec.moneyPerTickLot * 1e6)) return 'INVALID_FIELD';
  } else if (spec.kind === 'spot') {
    if (!e.assetsById.has(spec.baseAssetId) || !e.assetsById.has(spec.quoteAssetId)) {
      return 'UNKNOWN_ASSET';
    }
    if (spec.baseAssetId === spec.quoteAssetId) return 'INVALID_FIELD';
    if (!isPositiveInt(spec.baseUnitsPerLot)) return 'INVALID_FIELD';
  } else return 'INVALID_FIELD';
  return undefined;
}
