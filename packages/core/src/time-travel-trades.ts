// A market's trades as of a past seq, recomputed from the journal (never the read models): the fills
// of the replay that rebuilt the state, then, while fewer than asked, the fills of the windows between
// older snapshots (each restored and replayed up to where the newer window began), back to the
// journal's start. A quiet market therefore costs more than a busy one: see docs/api.md.

import { Engine, type EngineEvent, type Fill } from '@bourse/engine';
import { decodeCommand } from './command-codec.ts';
import type { HistorySource } from './time-travel.ts';

/** One trade as the journal recorded it, with the seq and time of the command that made it. */
export interface HistoryTrade {
  readonly tradeId: number;
  readonly seq: number;
  readonly ts: number;
  readonly instrumentId: number;
  readonly priceTicks: number;
  readonly qtyLots: number;
  readonly takerSide: Fill['takerSide'];
  readonly takerOrderId: number;
  readonly makerOrderId: number;
}

/** Collects a market's fills from replayed commands, in the order they happened. */
export class TradeCollector {
  readonly trades: HistoryTrade[] = [];
  readonly #instrumentId: number | undefined;

  /** Undefined `instrumentId`: every market's (one named by symbol is known only after the replay). */
  constructor(instrumentId: number | undefined) {
    this.#instrumentId = instrumentId;
  }

  readonly onApplied = (
    command: { readonly seq: number; readonly ts: number },
    events: readonly EngineEvent[],
  ): void => {
    for (const e of events) {
      if (e.type !== 'fill') continue;
      if (this.#instrumentId !== undefined && e.instrumentId !== this.#instrumentId) continue;
      this.trades.push({
        tradeId: e.tradeId,
        seq: command.seq,
        ts: command.ts,
        instrumentId: e.instrumentId,
        priceTicks: e.priceTicks,
        qtyLots: e.qtyLots,
        takerSide: e.takerSide,
        takerOrderId: e.takerOrderId,
        makerOrderId: e.makerOrderId,
      });
    }
  };
}

/**
 * The last `limit` trades of `instrumentId` up to the state rebuilt from `snapshotSeq`: `recent` are
 * the fills replayed after that snapshot; older ones come from the windows before it.
 */
export function lastTrades(
  source: HistorySource,
  instrumentId: number,
  snapshotSeq: number,
  recent: readonly HistoryTrade[],
  limit: number,
): HistoryTrade[] {
  let trades = recent.filter((t) => t.instrumentId === instrumentId);
  let windowEnd = snapshotSeq;
  while (trades.length < limit && windowEnd > 0) {
    const collector = new TradeCollector(instrumentId);
    const start = replayWindow(source, windowEnd, collector);
    if (start === undefined) break;
    trades = [...collector.trades, ...trades];
    windowEnd = start;
  }
  return trades.slice(Math.max(0, trades.length - limit));
}

/**
 * Replays the records from the newest snapshot below `windowEnd` (or the journal's start) up to
 * `windowEnd`, and answers where the window began; undefined when the journal no longer holds it.
 */
function replayWindow(
  source: HistorySource,
  windowEnd: number,
  collector: TradeCollector,
): number | undefined {
  const snapshot = source.snapshots.newestFirst(windowEnd - 1).next();
  const engine = snapshot.done ? new Engine(source.config) : Engine.restore(snapshot.value.bytes);
  const start = engine.lastSeq;
  try {
    for (const record of source.read(start + 1)) {
      const command = decodeCommand(record.payload);
      collector.onApplied(command, engine.apply(command));
      if (record.seq >= windowEnd) break;
    }
  } catch (error) {
    // Older segments removed and no snapshot covers them: the trades before are not recorded.
    if (error instanceof RangeError) return undefined;
    throw error;
  }
  return start;
}
