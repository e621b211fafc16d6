// Time-travel reads: the exchange state as of a past sequence number or timestamp, rebuilt from the
// newest snapshot at or below it plus the journal up to it (never from the read models), so what it
// shows is exactly what the engine held then. The replay work per query is bounded by the spacing of
// the snapshots kept (see docs/api.md, "Time-travel reads").

import {
  type BalanceView,
  type BookView,
  type Command,
  Engine,
  type EngineEvent,
  type EngineConfig,
  type MarketStatus,
  type OrderView,
  type PositionView,
} from '@bourse/engine';
import { FileJournal, type JournalRecord, SnapshotStore } from '@bourse/journal';
import { decodeCommand } from './command-codec.ts';
import { CoreError } from './core-error.ts';
import { dataDirLayout, readEngineConfig } from './data-dir.ts';
import type { AppliedCommand } from './exchange-core.ts';
import { type HistoryTrade, lastTrades, TradeCollector } from './time-travel-trades.ts';

/** A sequence number, or a timestamp (ms since the epoch) meaning the last seq at or before it. */
export type HistoryTarget = { readonly seq: number } | { readonly ts: number };

/** Where a time-travel read finds the past: snapshots and the journal of one data directory. */
export interface HistorySource {
  readonly snapshots: SnapshotStore;
  /** The data directory's engine settings (undefined for a directory that never held a core). */
  readonly config: EngineConfig | undefined;
  /** The newest seq that may be read: the journal's durable end. */
  readonly lastSeq: number;
  /** Journal records from `fromSeq` up to at least `lastSeq`, checked as they are read. */
  readonly read: (fromSeq: number) => Iterable<JournalRecord>;
}

/** Sees each replayed command with its events (the engine reuses the array: copy what is kept). */
export type OnApplied = (command: Command, events: readonly EngineEvent[]) => void;

export interface EngineAt {
  readonly engine: Engine;
  /** Seq of the snapshot the state was rebuilt from (0: from the start of the journal). */
  readonly snapshotSeq: number;
  /** Journal records applied on top of the snapshot. */
  readonly replayed: number;
}

export interface HistoryQuery {
  readonly target: HistoryTarget;
  /** A market's instrument id (digits) or symbol: its book is returned. */
  readonly market?: string;
  readonly accountId?: number;
  /** Book levels per side (default: all). */
  readonly depth?: number;
  /** The market's last this many trades up to the target (1..1000), recomputed from the journal. */
  readonly trades?: number;
}

export interface HistoryState {
  readonly seq: number;
  /** Timestamp of the last command applied (0 at seq 0). */
  readonly ts: number;
  readonly snapshotSeq: number;
  readonly replayed: number;
  readonly stateHash: string;
  readonly market?: {
    readonly instrumentId: number;
    readonly symbol: string;
    readonly status: MarketStatus;
    readonly book: BookView;
    /** Oldest first, ending at the target; present when the query asked for trades. */
    readonly trades?: HistoryTrade[];
  };
  readonly account?: {
    readonly accountId: number;
    readonly balances: BalanceView[];
    readonly positions: PositionView[];
    readonly openOrders: OrderView[];
  };
}

export type HistoryErrorCode =
  | 'INVALID_FIELD'
  | 'OUT_OF_RANGE'
  | 'NOT_FOUND'
  | 'HISTORY_UNAVAILABLE';

/** A time-travel read refused: `field` names the input it is about. */
export class HistoryError extends Error {
  readonly code: HistoryErrorCode;
  readonly field: string;

  constructor(code: HistoryErrorCode, field: string, message: string) {
    super(message);
    this.name = 'HistoryError';
    this.code = code;
    this.field = field;
  }
}

/** Rebuilds the engine as of `target`: the newest usable snapshot, then the journal up to it. */
export function engineAt(
  source: HistorySource,
  target: HistoryTarget,
  onApplied?: OnApplied,
): EngineAt {
  checkTarget(target, source.lastSeq);
  const maxSeq = 'seq' in target ? target.seq : source.lastSeq;
  const { engine, snapshotSeq } = startingPoint(source, target, maxSeq);
  let replayed = 0;
  if (engine.lastSeq < maxSeq) {
    for (const record of readFrom(source, engine.lastSeq + 1)) {
      const command = decodeCommand(record.payload);
      // Commands carry non-decreasing timestamps: the first one past `ts` ends the prefix.
      if ('ts' in target && command.ts > target.ts) break;
      if (command.seq !== record.seq || command.seq !== engine.lastSeq + 1) {
        throw new CoreError(
          'DATA_DIR_INCONSISTENT',
          `journal record ${record.seq} holds command seq ${command.seq} after engine seq ${engine.lastSeq}`,
        );
      }
      const events = engine.apply(command);
      onApplied?.(command, events);
      replayed++;
      if (record.seq >= maxSeq) break;
    }
  }
  return { engine, snapshotSeq, replayed };
}

/**
 * Durable commands `fromSeq..toSeq` (at most `limit`) with the events they produced, recomputed by
 * replaying them from the nearest snapshot before `fromSeq`: the engine is deterministic, so these are
 * the events the live engine emitted. For a reader that missed commands older than what a live node
 * keeps in memory (a cluster projector behind a node's restart).
 */
export function appliedRange(
  source: HistorySource,
  fromSeq: number,
  toSeq: number,
  limit: number,
): AppliedCommand[] {
  const last = Math.min(toSeq, source.lastSeq, fromSeq + limit - 1);
  if (!Number.isSafeInteger(fromSeq) || fromSeq < 1 || last < fromSeq) return [];
  const { engine } = engineAt(source, { seq: fromSeq - 1 });
  const out: AppliedCommand[] = [];
  for (const record of readFrom(source, fromSeq)) {
    const command = decodeCommand(record.payload);
    if (command.seq !== record.seq || command.seq !== engine.lastSeq + 1) {
      throw new CoreError(
        'DATA_DIR_INCONSISTENT',
        `journal record ${record.seq} holds command seq ${command.seq} after engine seq ${engine.lastSeq}`,
      );
    }
    // The engine reuses its event array: each command keeps a copy.
    out.push({ seq: command.seq, ts: command.ts, command, events: [...engine.apply(command)] });
    if (record.seq >= last) break;
  }
  return out;
}

/** The book of a market and an account's balances, positions and open orders as of `query.target`. */
export function stateAt(source: HistorySource, query: HistoryQuery): HistoryState {
  if (query.trades !== undefined) checkTrades(query);
  const collector = query.trades === undefined ? undefined : new TradeCollector(undefined);
  const { engine, snapshotSeq, replayed } = engineAt(source, query.target, collector?.onApplied);
  const base = {
    seq: engine.lastSeq,
    ts: engine.lastTs,
    snapshotSeq,
    replayed,
    stateHash: engine.stateHash(),
  };
  let market: HistoryState['market'] =
    query.market === undefined ? undefined : marketAt(engine, query.market, query.depth);
  if (market !== undefined && collector !== undefined) {
    const { instrumentId } = market;
    const trades = lastTrades(source, instrumentId, snapshotSeq, collector.trades, query.trades!);
    market = { ...market, trades };
  }
  const account = query.accountId === undefined ? undefined : accountAt(engine, query.accountId);
  return {
    ...base,
    ...(market === undefined ? {} : { market }),
    ...(account === undefined ? {} : { account }),
  };
}

function checkTrades(query: HistoryQuery): void {
  const limit = query.trades!;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000) {
    throw new HistoryError('INVALID_FIELD', 'trades', 'trades must be an integer from 1 to 1000');
  }
  if (query.market === undefined) {
    throw new HistoryError('INVALID_FIELD', 'market', 'trades are read for a market: give market');
  }
}

/** Runs `read` against a stopped data directory's journal and snapshots. */
export async function withDataDirHistory<T>(
  dir: string,
  read: (source: HistorySource) => T,
): Promise<T> {
  const layout = dataDirLayout(dir);
  const { journal } = await FileJournal.open(layout.journalDir);
  try {
    return read({
      snapshots: new SnapshotStore(layout.snapshotsDir),
      config: readEngineConfig(layout),
      lastSeq: journal.lastSeq,
      read: (fromSeq) => journal.read(fromSeq),
    });
  } finally {
    await journal.close();
  }
}

function checkTarget(target: HistoryTarget, lastSeq: number): void {
  if ('seq' in target) {
    if (!Number.isSafeInteger(target.seq) || target.seq < 0) {
      throw new HistoryError('INVALID_FIELD', 'seq', 'seq must be a non-negative integer');
    }
    if (target.seq > lastSeq) {
      throw new HistoryError(
        'OUT_OF_RANGE',
        'seq',
        `seq ${target.seq} is past the journal's end at ${lastSeq}`,
      );
    }
  } else if (!Number.isSafeInteger(target.ts) || target.ts < 0) {
    throw new HistoryError(
      'INVALID_FIELD',
      'ts',
      'ts must be a non-negative integer (ms since the epoch)',
    );
  }
}

function startingPoint(
  source: HistorySource,
  target: HistoryTarget,
  maxSeq: number,
): { engine: Engine; snapshotSeq: number } {
  for (const snapshot of source.snapshots.newestFirst(maxSeq)) {
    const engine = Engine.restore(snapshot.bytes);
    // Every command a snapshot holds ran at or before its lastTs (timestamps never go back).
    if ('seq' in target || engine.lastTs <= target.ts) return { engine, snapshotSeq: snapshot.seq };
  }
  return { engine: new Engine(source.config), snapshotSeq: 0 };
}

function* readFrom(source: HistorySource, fromSeq: number): Iterable<JournalRecord> {
  try {
    yield* source.read(fromSeq);
  } catch (error) {
    // The journal's older segments were removed and no kept snapshot covers the gap.
    if (error instanceof RangeError) {
      throw new HistoryError('HISTORY_UNAVAILABLE', 'seq', error.message);
    }
    throw error;
  }
}

function marketAt(engine: Engine, market: string, depth: number | undefined) {
  const id = /^\d+$/.test(market) ? Number(market) : undefined;
  const view = engine
    .instruments()
    .find((i) => (id === undefined ? i.spec.symbol === market : i.spec.instrumentId === id));
  if (view === undefined) {
    throw new HistoryError(
      'NOT_FOUND',
      'market',
      `market ${market} did not exist at seq ${engine.lastSeq}`,
    );
  }
  const instrumentId = view.spec.instrumentId;
  const book = engine.book(instrumentId, depth ?? Number.MAX_SAFE_INTEGER)!;
  return { instrumentId, symbol: view.spec.symbol, status: view.status, book };
}

function accountAt(engine: Engine, accountId: number) {
  if (engine.account(accountId) === undefined) {
    throw new HistoryError(
      'NOT_FOUND',
      'account',
      `account ${accountId} did not exist at seq ${engine.lastSeq}`,
    );
  }
  return {
    accountId,
    balances: engine.balances(accountId),
    positions: engine.positions(accountId),
    openOrders: engine.openOrders(accountId),
  };
}
