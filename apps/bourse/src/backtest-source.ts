// The backtest's edge on a data directory: the engine as it was just before the window, rebuilt from
// the nearest snapshot before it plus the journal (the time-travel reads' `engineAt`), and the
// recorded commands after it, decoded as the journal is read; then the pure driver runs them.

import { CoreError, decodeCommand, engineAt, type HistorySource } from '@bourse/core';
import type { Command } from '@bourse/engine';
import {
  type BacktestResult,
  type BacktestSettings,
  runBacktest,
  type Strategy,
} from '@bourse/strategy';

/** The window and the run's settings; an absent end of the window is the journal's. */
export type BacktestWindow = Omit<BacktestSettings, 'from' | 'to'> & {
  readonly from: number | undefined;
  readonly to: number | undefined;
};

export interface SourcedResult {
  readonly result: BacktestResult;
  /** The snapshot the starting state was rebuilt from (0: the start of the journal). */
  readonly snapshotSeq: number;
  /** Journal records replayed on top of it to reach the window. */
  readonly warmUp: number;
}

export function backtestSource(
  source: HistorySource,
  strategy: Strategy,
  w: BacktestWindow,
): SourcedResult {
  const start =
    w.from === undefined || w.from === 0
      ? engineAt(source, { seq: 0 })
      : engineAt(source, { ts: w.from - 1 });
  const commands = recordedAfter(source, start.engine.lastSeq)[Symbol.iterator]();
  const first = commands.next();
  const from = w.from ?? (first.done ? start.engine.lastTs : first.value.ts);
  const to = w.to ?? lastTs(source, from);
  function* recorded(): Iterable<Command> {
    if (first.done) return;
    yield first.value;
    for (let n = commands.next(); !n.done; n = commands.next()) yield n.value;
  }
  const result = runBacktest(start.engine, recorded(), strategy, { ...w, from, to });
  return { result, snapshotSeq: start.snapshotSeq, warmUp: start.replayed };
}

/** Recorded commands after `seq`, up to the journal's durable end. */
function* recordedAfter(source: HistorySource, seq: number): Iterable<Command> {
  if (seq >= source.lastSeq) return;
  for (const record of source.read(seq + 1)) {
    if (record.seq > source.lastSeq) return;
    const command = decodeCommand(record.payload);
    if (command.seq !== record.seq) {
      throw new CoreError(
        'DATA_DIR_INCONSISTENT',
        `journal record ${record.seq} holds command seq ${command.seq}`,
      );
    }
    yield command;
  }
}

function lastTs(source: HistorySource, fallback: number): number {
  if (source.lastSeq === 0) return fallback;
  for (const record of source.read(source.lastSeq)) {
    return Math.max(fallback, decodeCommand(record.payload).ts);
  }
  return fallback;
}
