// A market's life: creation from a checked spec, opening, pausing and closing (by command, at a
// scheduled time, or by its circuit breaker), settlement of a closed binary market, and the
// exchange-wide halt. Closing cancels every order of the market; a pause or a halt cancels the
// orders placed with `cancelOnPause`.

import { invalidField } from './invalid-field.ts';
import { Book } from './book.ts';
import { endBreakerPause } from './circuit-breaker.ts';
import type { ScheduleMarket } from './commands.ts';
import type { EngineState } from './engine-state.ts';
import type { InstrumentSpec } from './instrument.ts';
import { compileFees } from './instrument-fees.ts';
import { specProblem } from './instrument-spec-check.ts';
import { invariant } from './invariant.ts';
import { scheduleProblem } from './market-schedule.ts';
import { cancelSlot } from './order-lifecycle.ts';
import { F_CANCEL_ON_PAUSE } from './order-store.ts';
import { settlementPayout } from './pnl.ts';
import { NIL } from './slot.ts';
import type { Instrument } from './state.ts';
import { isSafeInt } from './units.ts';

export function createInstrument(e: EngineState, spec: InstrumentSpec): void {
  const problem = specProblem(e, spec);
  if (problem !== undefined) return e.reject('createInstrument', problem);
  const levels = (spec.maxPriceTicks - spec.minPriceTicks) / spec.tickSize + 1;
  const moneyAssetId = spec.kind === 'binary' ? spec.settlementAssetId : spec.quoteAssetId;
  const inst: Instrument = {
    index: e.instList.length,
    spec: structuredCloneSpec(spec),
    moneyAsset: e.assetsById.get(moneyAssetId)!.index,
    baseAsset: spec.kind === 'spot' ? e.assetsById.get(spec.baseAssetId)!.index : -1,
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
    reopensAt: 0,
    breaker: undefined,
  };
  e.registerInstrument(inst);
  e.emit({ type: 'instrumentCreated', spec: inst.spec });
  e.emit({
    type: 'marketStatusChanged',
    instrumentId: spec.instrumentId,
    status: 'created',
  });
}

export function setMarketStatus(
  e: EngineState,
  instrumentId: number,
  status: 'open' | 'paused' | 'closed',
): void {
  const inst = e.instById.get(instrumentId);
  if (inst === undefined) return e.reject('setMarketStatus', 'UNKNOWN_INSTRUMENT');
  const from = inst.status;
  // An operator's pause of a market its breaker paused holds it: it no longer reopens by itself.
  if (status === 'paused' && from === 'paused' && inst.reopensAt > 0) {
    return endBreakerPause(e, inst, false);
  }
  const allowed =
    (status === 'open' && (from === 'created' || from === 'paused')) ||
    (status === 'paused' && from === 'open') ||
    (status === 'closed' && (from === 'open' || from === 'paused' || from === 'created'));
  if (!allowed) return e.reject('setMarketStatus', 'INVALID_STATE');
  changeStatus(e, inst, status);
}

/**
 * Moves an instrument to `status` (already checked), cancelling what the change cancels, and ends
 * the part of its schedule the change makes moot: opening ends `opensAt`, closing ends both.
 */
function changeStatus(
  e: EngineState,
  inst: Instrument,
  status: 'open' | 'paused' | 'closed',
): void {
  if (status === 'closed') cancelEverything(e, inst);
  else if (status === 'paused') cancelOnPause(e, inst.index);
  inst.status = status;
  e.emit({ type: 'marketStatusChanged', instrumentId: inst.spec.instrumentId, status });
  if (inst.reopensAt > 0) endBreakerPause(e, inst, status === 'open');
  const opensAt = status === 'paused' ? inst.opensAt : 0;
  const closesAt = status === 'closed' ? 0 : inst.closesAt;
  if (opensAt !== inst.opensAt || closesAt !== inst.closesAt) {
    setSchedule(e, inst, opensAt, closesAt);
  }
}

export function scheduleMarket(e: EngineState, c: ScheduleMarket, ts: number): void {
  const inst = e.instrumentById(c.instrumentId);
  if (inst === undefined) return e.reject('scheduleMarket', 'UNKNOWN_INSTRUMENT');
  const problem = scheduleProblem(inst, c, ts);
  if (problem !== undefined) return e.reject('scheduleMarket', problem);
  setSchedule(e, inst, c.opensAt ?? 0, c.closesAt ?? 0);
}

function setSchedule(e: EngineState, inst: Instrument, opensAt: number, closesAt: number): void {
  inst.opensAt = opensAt;
  inst.closesAt = closesAt;
  e.recomputeSchedule();
  e.emit({
    type: 'marketScheduled',
    instrumentId: inst.spec.instrumentId,
    opensAt: opensAt === 0 ? null : opensAt,
    closesAt: closesAt === 0 ? null : closesAt,
  });
}

/**
 * Opens and closes the markets whose time has come, in creation order, before the command at `ts`
 * runs: scheduled openings, the end of circuit breakers' pauses, then closings. A market due to
 * open (or reopen) and to close at once opens and then closes.
 */
export function runSchedules(e: EngineState, ts: number): void {
  for (const inst of e.instList) {
    if (inst.opensAt > 0 && inst.opensAt <= ts) changeStatus(e, inst, 'open');
    if (inst.reopensAt > 0 && inst.reopensAt <= ts) changeStatus(e, inst, 'open');
    if (inst.closesAt > 0 && inst.closesAt <= ts) changeStatus(e, inst, 'closed');
  }
}

/**
 * Completes the pauses circuit breakers started during the command just run: their markets'
 * `cancelOnPause` orders go now that no taker is in flight.
 */
export function completeBreakerPauses(e: EngineState): void {
  for (const inst of e.breakersTripped) cancelOnPause(e, inst.index);
  e.breakersTripped.length = 0;
}

/** Cancels every resting and parked order of an instrument (market close). */
function cancelEverything(e: EngineState, inst: Instrument): void {
  const book = inst.book;
  for (let side = 0; side < 2; side++) {
    for (let level = 0; level < book.levels; level++) {
      let slot = book.head[side * book.levels + level]!;
      while (slot !== NIL) {
        const next = e.store.next[slot]!;
        cancelSlot(e, slot, 'marketClosed');
        slot = next;
      }
    }
  }
  let slot = inst.stopHead;
  while (slot !== NIL) {
    const next = e.store.next[slot]!;
    cancelSlot(e, slot, 'marketClosed');
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
function cancelOnPause(e: EngineState, instIndex: number): void {
  const s = e.store;
  const ids: number[] = [];
  for (let slot = 0; slot < s.capacity; slot++) {
    if (s.id[slot] === 0 || (s.flags[slot]! & F_CANCEL_ON_PAUSE) === 0) continue;
    if (instIndex < 0 || s.inst[slot] === instIndex) ids.push(s.id[slot]!);
  }
  if (ids.length === 0) return;
  ids.sort((a, b) => a - b);
  for (const id of ids) cancelSlot(e, e.orderSlots.get(id), 'paused');
}

export function settleMarket(
  e: EngineState,
  instrumentId: number,
  result: 'yes' | 'no' | 'scalar',
  valueTicks: number | undefined,
): void {
  const inst = e.instById.get(instrumentId);
  if (inst === undefined) return e.reject('settleMarket', 'UNKNOWN_INSTRUMENT');
  const spec = inst.spec;
  if (spec.kind !== 'binary') return e.reject('settleMarket', 'INVALID_SETTLEMENT');
  if (inst.status !== 'closed') return e.reject('settleMarket', 'INVALID_STATE');
  let v: number;
  if (result === 'yes') v = spec.payoutTicks;
  else if (result === 'no') v = 0;
  else if (result === 'scalar') {
    if (!isSafeInt(valueTicks) || valueTicks < 0 || valueTicks > spec.payoutTicks) {
      return e.reject('settleMarket', 'INVALID_SETTLEMENT');
    }
    v = valueTicks;
  } else return e.reject('settleMarket', invalidField('result', 'yes, no or scalar'));
  const m = inst.moneyAsset;
  const mult = spec.moneyPerTickLot;
  for (const pos of inst.holders) {
    if (pos.lots === 0) continue;
    const lots = pos.lots;
    const payout = settlementPayout(spec.payoutTicks, mult, lots, v);
    const acct = pos.account;
    acct.available[m]! += payout;
    inst.escrow -= payout;
    const pnl = payout - pos.costBasis;
    pos.realisedPnl += pnl;
    pos.costBasis = 0;
    pos.lots = 0;
    e.touchBalance(acct, m);
    e.touchPosition(pos);
    e.emit({
      type: 'settled',
      instrumentId,
      accountId: acct.accountId,
      positionLots: lots,
      payout,
      realisedPnl: pnl,
    });
  }
  invariant(inst.escrow === 0, 'settlement paid out exactly the escrow');
  inst.openInterest = 0;
  inst.status = 'settled';
  inst.settlement = { result, valueTicks: v };
  e.emit({ type: 'marketStatusChanged', instrumentId, status: 'settled' });
  e.emit({ type: 'marketSettled', instrumentId, result, valueTicks: v, escrowLeft: 0 });
}

export function setHalt(e: EngineState, halted: boolean): void {
  if (typeof halted !== 'boolean') return e.reject('setHalt', invalidField('halted', 'a boolean'));
  // A halt pauses trading on every market at once; it is the pause most Kalshi users meet (the
  // exchange's own trading pause), so `cancelOnPause` orders go on a halt too, in every market.
  // Only on the change to halted: while halted no order can be placed, amended or triggered.
  if (halted && !e.halted) cancelOnPause(e, -1);
  e.halted = halted;
  e.emit({ type: 'haltChanged', halted });
}

function structuredCloneSpec(spec: InstrumentSpec): InstrumentSpec {
  return JSON.parse(JSON.stringify(spec)) as InstrumentSpec;
}
