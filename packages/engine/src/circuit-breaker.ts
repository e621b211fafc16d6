// Circuit breakers: a trade that would move a market's price too far too fast (more than so many
// ticks or basis points from a trade of the last few seconds), or past its limit-up/limit-down band
// around a reference price, does not happen; the market pauses instead and reopens by itself when
// the pause is over, at the first command whose `ts` reaches it (the sequencer sends a `tick` then).
// Everything is decided from the commands' timestamps, so replay trips and reopens at the same
// commands. The rules are pure functions; the rest keeps each market's breaker state.

import type { SetCircuitBreaker } from './commands.ts';
import type { EngineState } from './engine-state.ts';
import type { CircuitBreakerChanged } from './events.ts';
import { invalidField } from './invalid-field.ts';
import type { CircuitBreakerConfig } from './instrument.ts';
import type { RejectCode } from './reject-codes.ts';
import { priceViolation } from './rules.ts';
import type { BreakerState, Instrument } from './state.ts';
import { isSafeInt, mulDivFloor } from './units.ts';

/** The longest move window and pause: a day, so `ts + pauseMs` always stays a safe integer. */
export const MAX_BREAKER_MS = 86_400_000;

/** Why a trade trips the breaker: the rule, the price it would have had, and what it moved from. */
export interface BreakerTrip {
  readonly rule: 'move' | 'band';
  readonly priceTicks: number;
  readonly fromPriceTicks: number;
}

/** True when `price` is outside the band of `bandTicks` around `reference` (−1: no reference). */
export function outsideBand(bandTicks: number, reference: number, price: number): boolean {
  return bandTicks > 0 && reference >= 0 && Math.abs(price - reference) > bandTicks;
}

/**
 * Whether a trade at `price` trips a breaker with rules `cfg`, given the band's `reference` and the
 * lowest and highest prices traded in the move window (−1 when none): the band first, then a move
 * up from the low, then a move down from the high.
 */
export function breakerTrip(
  cfg: CircuitBreakerConfig,
  reference: number,
  low: number,
  high: number,
  price: number,
): BreakerTrip | undefined {
  if (outsideBand(cfg.bandTicks, reference, price)) {
    return { rule: 'band', priceTicks: price, fromPriceTicks: reference };
  }
  if (low >= 0 && price > low && movedTooFar(cfg, low, price - low)) {
    return { rule: 'move', priceTicks: price, fromPriceTicks: low };
  }
  if (high >= 0 && price < high && movedTooFar(cfg, high, high - price)) {
    return { rule: 'move', priceTicks: price, fromPriceTicks: high };
  }
  return undefined;
}

function movedTooFar(cfg: CircuitBreakerConfig, from: number, by: number): boolean {
  if (cfg.moveTicks > 0 && by > cfg.moveTicks) return true;
  return cfg.moveBps > 0 && by > mulDivFloor(from, cfg.moveBps, 10_000);
}

/**
 * What is wrong with a breaker's rules, or undefined: the field and the rule it breaks. Pure, so a
 * gateway can refuse a market's breaker before creating the market.
 */
export function breakerRulesProblem(cfg: unknown): { field: string; rule: string } | undefined {
  if (typeof cfg !== 'object' || cfg === null)
    return { field: 'breaker', rule: 'an object or null' };
  const c = cfg as Record<string, unknown>;
  for (const field of ['moveTicks', 'moveBps', 'bandTicks'] as const) {
    const x = c[field];
    if (!isSafeInt(x) || x < 0) {
      return { field: `breaker.${field}`, rule: 'a non-negative safe integer' };
    }
  }
  if ((c.moveBps as number) > 10_000) {
    return { field: 'breaker.moveBps', rule: 'at most 10000 (100%)' };
  }
  if (c.moveTicks === 0 && c.moveBps === 0 && c.bandTicks === 0) {
    return { field: 'breaker', rule: 'moveTicks, moveBps or bandTicks above 0 (or null for none)' };
  }
  for (const field of ['windowMs', 'pauseMs'] as const) {
    const x = c[field];
    if (!isSafeInt(x) || x <= 0 || x > MAX_BREAKER_MS) {
      return { field: `breaker.${field}`, rule: `an integer from 1 to ${MAX_BREAKER_MS}` };
    }
  }
  return undefined;
}

/** Why `cfg` cannot be a breaker of `inst`, or undefined when it can. */
export function breakerProblem(
  inst: Instrument,
  cfg: CircuitBreakerConfig,
  reference: unknown,
): RejectCode | undefined {
  const bad = breakerRulesProblem(cfg);
  if (bad !== undefined) return invalidField(bad.field, bad.rule);
  if (reference !== undefined && priceViolation(inst.spec, reference) !== undefined) {
    return invalidField('referencePriceTicks', 'a price on the grid');
  }
  if (inst.status === 'closed' || inst.status === 'settled') return 'INVALID_STATE';
  return undefined;
}

/** The `setCircuitBreaker` command. */
export function setCircuitBreaker(e: EngineState, c: SetCircuitBreaker): void {
  const inst = e.instrumentById(c.instrumentId);
  if (inst === undefined) return e.reject('setCircuitBreaker', 'UNKNOWN_INSTRUMENT');
  if (c.breaker === null) {
    if (c.referencePriceTicks !== undefined) {
      return e.reject(
        'setCircuitBreaker',
        invalidField('referencePriceTicks', 'only with a breaker'),
      );
    }
    if (inst.status === 'closed' || inst.status === 'settled') {
      return e.reject('setCircuitBreaker', 'INVALID_STATE');
    }
    inst.breaker = undefined;
    return emitBreaker(e, inst, undefined);
  }
  const problem = breakerProblem(inst, c.breaker, c.referencePriceTicks);
  if (problem !== undefined) return e.reject('setCircuitBreaker', problem);
  const { moveTicks, moveBps, windowMs, pauseMs, bandTicks } = c.breaker;
  const config = { moveTicks, moveBps, windowMs, pauseMs, bandTicks };
  const old = inst.breaker;
  const reference = c.referencePriceTicks ?? old?.reference ?? (inst.hasLast ? inst.lastPrice : -1);
  inst.breaker = old === undefined ? newBreaker(config, reference) : { ...old, config, reference };
  emitBreaker(e, inst, undefined);
}

export function newBreaker(config: CircuitBreakerConfig, reference: number): BreakerState {
  return { config, reference, lowTs: [], lowPx: [], highTs: [], highPx: [] };
}

/** The lowest price traded in the window that ends at `ts`, or −1 (reads only). */
export function windowLow(b: BreakerState, ts: number): number {
  return firstInWindow(b.lowTs, b.lowPx, ts - b.config.windowMs);
}

/** The highest price traded in the window that ends at `ts`, or −1 (reads only). */
export function windowHigh(b: BreakerState, ts: number): number {
  return firstInWindow(b.highTs, b.highPx, ts - b.config.windowMs);
}

function firstInWindow(times: number[], prices: number[], cutoff: number): number {
  for (let i = 0; i < times.length; i++) if (times[i]! > cutoff) return prices[i]!;
  return -1;
}

/**
 * Checks a trade about to happen at `price`; when it would trip the breaker, pauses the market
 * (its `cancelOnPause` orders go when the command ends: a taker is still in flight now) and answers
 * true, and the trade must not happen.
 */
export function breakerStops(e: EngineState, inst: Instrument, price: number, ts: number): boolean {
  const b = inst.breaker!;
  const trip = breakerTrip(b.config, b.reference, windowLow(b, ts), windowHigh(b, ts), price);
  if (trip === undefined) return false;
  clearWindow(b);
  inst.status = 'paused';
  inst.reopensAt = ts + b.config.pauseMs;
  e.recomputeSchedule();
  emitBreaker(e, inst, trip);
  e.emit({ type: 'marketStatusChanged', instrumentId: inst.spec.instrumentId, status: 'paused' });
  e.breakersTripped.push(inst);
  return true;
}

/** Adds a trade at `price` to the move window (dropping trades it outlives) and sets a first reference. */
export function recordTrade(b: BreakerState, ts: number, price: number): void {
  if (b.reference < 0) b.reference = price;
  if (b.config.moveTicks === 0 && b.config.moveBps === 0) return;
  const cutoff = ts - b.config.windowMs;
  push(b.lowTs, b.lowPx, cutoff, ts, price, (back) => back >= price);
  push(b.highTs, b.highPx, cutoff, ts, price, (back) => back <= price);
}

function push(
  times: number[],
  prices: number[],
  cutoff: number,
  ts: number,
  price: number,
  dominated: (back: number) => boolean,
): void {
  let gone = 0;
  while (gone < times.length && times[gone]! <= cutoff) gone++;
  if (gone > 0) {
    times.splice(0, gone);
    prices.splice(0, gone);
  }
  while (prices.length > 0 && dominated(prices[prices.length - 1]!)) {
    prices.pop();
    times.pop();
  }
  times.push(ts);
  prices.push(price);
}

function clearWindow(b: BreakerState): void {
  b.lowTs.length = 0;
  b.lowPx.length = 0;
  b.highTs.length = 0;
  b.highPx.length = 0;
}

/** The book's mid price (floored), or −1 unless both sides have orders. */
export function bookMid(inst: Instrument): number {
  const b = inst.book;
  if (b.best[0]! < 0 || b.best[1]! < 0) return -1;
  const s = inst.spec;
  return Math.floor((2 * s.minPriceTicks + (b.best[0]! + b.best[1]!) * s.tickSize) / 2);
}

/**
 * Ends the breaker's pause of a market that now opens (by itself or by hand), closes, or is held
 * paused by an operator. On reopening, the band's reference becomes the book's mid (what the market
 * quotes after the pause), or the last trade price without a two-sided book, and the move window
 * starts empty.
 */
export function endBreakerPause(e: EngineState, inst: Instrument, reopening: boolean): void {
  inst.reopensAt = 0;
  e.recomputeSchedule();
  const b = inst.breaker;
  if (reopening && b !== undefined) {
    const mid = bookMid(inst);
    if (mid >= 0) b.reference = mid;
    else if (inst.hasLast) b.reference = inst.lastPrice;
    clearWindow(b);
  }
  emitBreaker(e, inst, undefined);
}

function emitBreaker(e: EngineState, inst: Instrument, trip: BreakerTrip | undefined): void {
  const b = inst.breaker;
  const event: CircuitBreakerChanged = {
    type: 'circuitBreakerChanged',
    instrumentId: inst.spec.instrumentId,
    breaker: b === undefined ? null : { ...b.config },
    referencePriceTicks: b === undefined || b.reference < 0 ? null : b.reference,
    reopensAt: inst.reopensAt === 0 ? null : inst.reopensAt,
    ...(trip === undefined ? {} : { trip }),
  };
  e.emit(event);
}
