// The trigger rules: pure functions of an alert's condition, its running state (a move's or a volume's
// trailing window), the market facts and one applied command, or the clock for a scheduled close.
// Nothing here reads a clock or does I/O, so the same commands always fire the same alerts; time is
// the commands' `ts` (and the `now` given to `clockTrigger`).

import type { EngineEvent, Fill } from '@bourse/engine';
import type { AlertCondition, PriceMove, VolumeThreshold } from './conditions.ts';
import { formatPrice, type MarketFacts, spreadOf } from './market-tape.ts';

/** A fired alert's facts: a line for people and the numbers behind it for programs. */
export interface Trigger {
  readonly text: string;
  readonly detail: Readonly<Record<string, number | string | null>>;
}

/** A move alert's trailing extremes (monotonic deques of [ts, priceTicks]). */
export interface MoveWindow {
  readonly mins: [number, number][];
  readonly maxs: [number, number][];
}

/** A volume alert's trailing lots in buckets of a hundredth of its window: [bucketStart, lots]. */
export interface VolumeWindow {
  readonly buckets: [number, number][];
}

export type RuleState = MoveWindow | VolumeWindow | Record<string, never>;

/** Longest deque a move window keeps; past it the oldest extremes are dropped (bounded memory). */
export const MAX_WINDOW_POINTS = 4_096;

export function initialState(c: AlertCondition): RuleState {
  if (c.kind === 'priceMove') return { mins: [], maxs: [] };
  if (c.kind === 'volume') return { buckets: [] };
  return {};
}

/** The command seen by the rules: its seq, time and events. */
export interface CommandFacts {
  readonly seq: number;
  readonly ts: number;
  readonly events: readonly EngineEvent[];
}

/**
 * Whether this command fires the alert. `accountId` is the alert owner's account; `market` the facts
 * of the watched market AFTER the command (undefined for an alert on no market). `state` is updated
 * in place for windowed conditions.
 */
export function commandTrigger(
  c: AlertCondition,
  state: RuleState,
  accountId: number,
  market: MarketFacts | undefined,
  cmd: CommandFacts,
): Trigger | undefined {
  switch (c.kind) {
    case 'priceCross':
      return crossTrigger(c, market, fillsIn(cmd, c.instrumentId));
    case 'priceMove':
      return moveTrigger(c, state as MoveWindow, market, cmd);
    case 'spread':
      return spreadTrigger(c, market, cmd);
    case 'volume':
      return volumeTrigger(c, state as VolumeWindow, market, cmd);
    case 'orderFilled':
      return fillTrigger(c, accountId, market, cmd);
    case 'marketClosing':
      return closedTrigger(c, market, cmd);
    case 'marketSettled':
      return settledTrigger(c, market, cmd);
  }
}

/** A scheduled close within the alert's lead time, read against `now` (the only clock rule). */
export function clockTrigger(
  c: AlertCondition,
  market: MarketFacts | undefined,
  now: number,
): Trigger | undefined {
  if (c.kind !== 'marketClosing' || market === undefined || market.closesAt === null)
    return undefined;
  if (market.status === 'closed' || market.status === 'settled') return undefined;
  if (now < market.closesAt - c.leadMs) return undefined;
  const minutes = Math.max(0, Math.round((market.closesAt - now) / 60_000));
  return {
    text: `${market.symbol} closes in ${minutes} min`,
    detail: { market: market.symbol, closesAt: market.closesAt },
  };
}

function fillsIn(cmd: CommandFacts, instrumentId: number): Fill[] {
  const out: Fill[] = [];
  for (const e of cmd.events) if (e.type === 'fill' && e.instrumentId === instrumentId) out.push(e);
  return out;
}

function crossTrigger(
  c: Extract<AlertCondition, { kind: 'priceCross' }>,
  market: MarketFacts | undefined,
  fills: readonly Fill[],
): Trigger | undefined {
  for (const f of fills) {
    const reached =
      c.direction === 'above' ? f.priceTicks >= c.priceTicks : f.priceTicks <= c.priceTicks;
    if (!reached) continue;
    const symbol = market?.symbol ?? String(c.instrumentId);
    const word = c.direction === 'above' ? 'at or above' : 'at or below';
    return {
      text: `${symbol} traded at ${formatPrice(market, f.priceTicks)}, ${word} ${formatPrice(market, c.priceTicks)}`,
      detail: { market: symbol, priceTicks: f.priceTicks, levelTicks: c.priceTicks },
    };
  }
  return undefined;
}

/**
 * Each trade enters the window's extremes; a trade `moveBps` above the lowest (or below the highest)
 * trade still in the window fires. The deques hold only candidates for the extreme, oldest first.
 */
function moveTrigger(
  c: PriceMove,
  w: MoveWindow,
  market: MarketFacts | undefined,
  cmd: CommandFacts,
): Trigger | undefined {
  for (const f of fillsIn(cmd, c.instrumentId)) {
    const p = f.priceTicks;
    const since = cmd.ts - c.windowMs;
    for (const q of [w.mins, w.maxs]) while (q.length > 0 && q[0]![0] < since) q.shift();
    const low = w.mins[0]?.[1];
    const high = w.maxs[0]?.[1];
    const symbol = market?.symbol ?? String(c.instrumentId);
    if (
      c.direction !== 'down' &&
      low !== undefined &&
      low > 0 &&
      (p - low) * 10_000 >= low * c.moveBps
    ) {
      return moveFired(market, symbol, 'up', low, p, c);
    }
    if (
      c.direction !== 'up' &&
      high !== undefined &&
      high > 0 &&
      (high - p) * 10_000 >= high * c.moveBps
    ) {
      return moveFired(market, symbol, 'down', high, p, c);
    }
    while (w.mins.length > 0 && w.mins[w.mins.length - 1]![1] >= p) w.mins.pop();
    while (w.maxs.length > 0 && w.maxs[w.maxs.length - 1]![1] <= p) w.maxs.pop();
    w.mins.push([cmd.ts, p]);
    w.maxs.push([cmd.ts, p]);
    if (w.mins.length > MAX_WINDOW_POINTS) w.mins.shift();
    if (w.maxs.length > MAX_WINDOW_POINTS) w.maxs.shift();
  }
  return undefined;
}

function moveFired(
  market: MarketFacts | undefined,
  symbol: string,
  way: 'up' | 'down',
  from: number,
  to: number,
  c: PriceMove,
): Trigger {
  const bps = Math.round((Math.abs(to - from) * 10_000) / from);
  return {
    text: `${symbol} moved ${way} ${(bps / 100).toFixed(2)} % (${formatPrice(market, from)} → ${formatPrice(market, to)}) within ${Math.round(c.windowMs / 1000)} s`,
    detail: { market: symbol, fromTicks: from, priceTicks: to, moveBps: bps },
  };
}

function spreadTrigger(
  c: Extract<AlertCondition, { kind: 'spread' }>,
  market: MarketFacts | undefined,
  cmd: CommandFacts,
): Trigger | undefined {
  if (market === undefined) return undefined;
  if (!cmd.events.some((e) => e.type === 'bookLevel' && e.instrumentId === c.instrumentId))
    return undefined;
  const spread = spreadOf(market);
  if (spread === undefined) return undefined;
  const hit = c.direction === 'wider' ? spread >= c.spreadTicks : spread <= c.spreadTicks;
  if (!hit) return undefined;
  return {
    text: `${market.symbol} spread is ${formatPrice(market, spread)}, ${c.direction === 'wider' ? 'at least' : 'at most'} ${formatPrice(market, c.spreadTicks)}`,
    detail: { market: market.symbol, spreadTicks: spread, thresholdTicks: c.spreadTicks },
  };
}

function volumeTrigger(
  c: VolumeThreshold,
  w: VolumeWindow,
  market: MarketFacts | undefined,
  cmd: CommandFacts,
): Trigger | undefined {
  const fills = fillsIn(cmd, c.instrumentId);
  if (fills.length === 0) return undefined;
  const size = volumeBucketMs(c.windowMs);
  const start = cmd.ts - (cmd.ts % size);
  const last = w.buckets[w.buckets.length - 1];
  const lots = fills.reduce((sum, f) => sum + f.qtyLots, 0);
  if (last !== undefined && last[0] === start) last[1] += lots;
  else w.buckets.push([start, lots]);
  while (w.buckets.length > 0 && w.buckets[0]![0] + size <= cmd.ts - c.windowMs) w.buckets.shift();
  const total = w.buckets.reduce((sum, b) => sum + b[1], 0);
  if (total < c.volumeLots) return undefined;
  const symbol = market?.symbol ?? String(c.instrumentId);
  return {
    text: `${symbol} traded ${total} lots within ${Math.round(c.windowMs / 1000)} s (threshold ${c.volumeLots})`,
    detail: { market: symbol, volumeLots: total, thresholdLots: c.volumeLots },
  };
}

/** A volume window is counted in buckets of a hundredth of its length, at least one second. */
export function volumeBucketMs(windowMs: number): number {
  return Math.max(1_000, Math.ceil(windowMs / 100));
}

function fillTrigger(
  c: Extract<AlertCondition, { kind: 'orderFilled' }>,
  accountId: number,
  market: MarketFacts | undefined,
  cmd: CommandFacts,
): Trigger | undefined {
  for (const e of cmd.events) {
    if (e.type !== 'fill') continue;
    if (c.instrumentId !== undefined && e.instrumentId !== c.instrumentId) continue;
    const mine =
      e.takerAccountId === accountId
        ? { orderId: e.takerOrderId, open: e.takerOpenQtyLots }
        : e.makerAccountId === accountId
          ? { orderId: e.makerOrderId, open: e.makerOpenQtyLots }
          : undefined;
    if (mine === undefined) continue;
    if (c.orderId !== undefined && (mine.orderId !== c.orderId || mine.open !== 0)) continue;
    const symbol = market?.symbol ?? String(e.instrumentId);
    const what = mine.open === 0 ? 'filled' : 'partly filled';
    return {
      text: `Order ${mine.orderId} ${what}: ${e.qtyLots} lots ${symbol} at ${formatPrice(market, e.priceTicks)}`,
      detail: {
        market: symbol,
        orderId: mine.orderId,
        qtyLots: e.qtyLots,
        priceTicks: e.priceTicks,
        openQtyLots: mine.open,
      },
    };
  }
  return undefined;
}

/** A closing alert whose lead time was never seen (the close came first) fires at the close. */
function closedTrigger(
  c: Extract<AlertCondition, { kind: 'marketClosing' }>,
  market: MarketFacts | undefined,
  cmd: CommandFacts,
): Trigger | undefined {
  for (const e of cmd.events) {
    if (e.type !== 'marketStatusChanged' || e.instrumentId !== c.instrumentId) continue;
    if (e.status !== 'closed' && e.status !== 'settled') continue;
    const symbol = market?.symbol ?? String(c.instrumentId);
    return { text: `${symbol} has closed`, detail: { market: symbol, closedAt: cmd.ts } };
  }
  return undefined;
}

function settledTrigger(
  c: Extract<AlertCondition, { kind: 'marketSettled' }>,
  market: MarketFacts | undefined,
  cmd: CommandFacts,
): Trigger | undefined {
  for (const e of cmd.events) {
    if (e.type !== 'marketSettled' || e.instrumentId !== c.instrumentId) continue;
    const symbol = market?.symbol ?? String(c.instrumentId);
    return {
      text:
        e.result === 'scalar'
          ? `${symbol} settled at ${formatPrice(market, e.valueTicks)}`
          : `${symbol} settled ${e.result.toUpperCase()}`,
      detail: { market: symbol, result: e.result, valueTicks: e.valueTicks },
    };
  }
  return undefined;
}
