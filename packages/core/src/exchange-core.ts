// The contract between the gateway (HTTP/WS, auth, market data) and the exchange core (sequencer, journal,
// engine worker, read models). The gateway holds no authoritative state: it submits commands and reads
// through this port. Every promise here resolves only after the command's journal entry is durable.

import type { AckStageHistograms } from './ack-stages.ts';
import type { Command, EngineEvent, PlaceOrder } from '@bourse/engine';
import type {
  AccountView,
  BalanceView,
  BookView,
  InstrumentView,
  OrderGroupView,
  OrderView,
  PositionView,
  QueuePositionView,
} from '@bourse/engine';
import type { ReadModels } from '@bourse/projections';
import type { HistoryQuery, HistoryState } from './time-travel.ts';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * A command as the gateway builds it: the sequencer adds `seq`, `ts` and (for `placeOrder`) `orderId`.
 * Cancel, amend and decrease keep their `orderId`: there it names the existing order to act on.
 */
export type CommandInput =
  | DistributiveOmit<Exclude<Command, PlaceOrder>, 'seq' | 'ts'>
  | Omit<PlaceOrder, 'seq' | 'ts' | 'orderId'>;

/** One journaled command with the events the engine produced for it. */
export interface AppliedCommand {
  readonly seq: number;
  readonly ts: number;
  readonly command: Command;
  readonly events: readonly EngineEvent[];
  /** When each stage happened, on a core opened with `recordTimings` (for tracing); else absent. */
  readonly timings?: CommandTimings;
}

/** A command's stages in the core, in `performance.now()` milliseconds (command-timings.ts). */
export interface CommandTimings {
  /** When `submit` sequenced it. */
  readonly startedAt: number;
  /** Its engine batch's stages, shared by the batch's commands (filled in as they happen). */
  readonly batch: BatchTimings;
}

export interface BatchTimings {
  /** Handed to the engine worker. */
  readonly postedAt: number;
  /** The engine's events came back. */
  readonly appliedAt: number;
  /** The journal commit that made it durable: started, and returned. */
  readonly commitStartedAt: number;
  readonly durableAt: number;
  /** Acknowledged (both applied and durable). */
  readonly ackedAt: number;
}

export interface ExchangeCore {
  /** Sequences, journals and applies one command; resolves when it is durable and applied. */
  submit(input: CommandInput): Promise<AppliedCommand>;
  /** The same for many commands at once (one journal batch); results in input order. */
  submitBatch(inputs: readonly CommandInput[]): Promise<AppliedCommand[]>;
  /**
   * Every durable applied command, in seq order, in batches. Listeners run synchronously on the
   * gateway's thread; they must not throw and should be quick (market data, private channels).
   */
  subscribe(listener: (batch: readonly AppliedCommand[]) => void): () => void;
  /**
   * Authoritative reads from the engine's own state. A read issued after a submit resolved sees that
   * command's effects (read-your-writes).
   */
  query: {
    balances(accountId: number): Promise<BalanceView[]>;
    positions(accountId: number): Promise<PositionView[]>;
    order(orderId: number): Promise<OrderView | undefined>;
    openOrders(accountId: number, instrumentId?: number): Promise<OrderView[]>;
    /**
     * The lots resting ahead of an order at its price on its side; undefined for an unknown order, a
     * finished one or a parked stop. Any account's order: the caller checks ownership.
     */
    queuePosition(orderId: number): Promise<QueuePositionView | undefined>;
    /** The queue positions of an account's resting orders (optionally in one instrument), by id. */
    queuePositions(accountId: number, instrumentId?: number): Promise<QueuePositionView[]>;
    book(instrumentId: number, depth?: number): Promise<BookView | undefined>;
    instrument(instrumentId: number): Promise<InstrumentView | undefined>;
    instruments(): Promise<InstrumentView[]>;
    accounts(): Promise<AccountView[]>;
    stateHash(): Promise<{ seq: number; hash: string }>;
    verify(): Promise<string[]>;
    /** Whether the whole exchange is halted, as of the last applied seq. */
    exchangeStatus(): Promise<{ seq: number; halted: boolean }>;
    /** The account's order groups, by id. */
    orderGroups(accountId: number): Promise<OrderGroupView[]>;
    /** One order group (any account's: the caller checks ownership). */
    orderGroup(groupId: number): Promise<OrderGroupView | undefined>;
  };
  /**
   * The exchange as of a past seq or time (a market's book, an account's balances, positions and
   * open orders), rebuilt from the nearest snapshot and the durable journal, never from the read
   * models. Optional: a core without the journal at hand (the remote core) does not serve it.
   * Refusals are `HistoryError`s naming the field.
   */
  history?(query: HistoryQuery): Promise<HistoryState>;
  /**
   * The journal's audit-chain value (hex) that covers durable record `seq`: the chain of the seal of
   * the group-commit batch holding `seq` (decision 0112; for records of a format 2 journal, the
   * record's own hash), or undefined when the record is not kept, is not durable yet or was written
   * before records were chained. Optional: a
   * core without the journal at hand (the remote core) does not serve it. May read a segment from disk.
   */
  chainAt?(seq: number): string | undefined;
  /** History and analytics. `readModels.waitFor(seq)` lets a read see everything up to `seq`. */
  readonly readModels: ReadModels & { waitFor(seq: number): Promise<void> };
  /** Highest durable seq. */
  readonly durableSeq: number;
  readonly metrics: CoreMetrics;
  /** Counters of the submit pipeline (batches, journal commits), for tests and operations. */
  readonly stats: SequencerStats;
  /**
   * The core's health for `/healthz`, `/readyz` and metrics (optional: a core that does not track it
   * is healthy unless `failure` is set).
   */
  health?(): CoreHealth;
  /** Calls `listener` at each change of `health()`; returns the unsubscribe function. */
  watchHealth?(listener: (health: CoreHealth) => void): () => void;
  /** Set once the core has stopped on an unrecoverable error (journal or engine); submits then reject. */
  readonly failure: Error | undefined;
  close(): Promise<void>;
}

/**
 * Where the core makes commands durable: the local file journal, or (in a cluster) a journal whose
 * commit first appends to the replicated log. `commit` resolves with the highest durable seq.
 */
export interface CoreHealth {
  /**
   * `stalled`: the journal cannot write for lack of space; trading is refused (JOURNAL_STALLED) and
   * the failed write is retried until it succeeds. `failed`: the core stopped for good.
   */
  readonly state: 'ok' | 'stalled' | 'failed';
  /** Why the state is not `ok`. */
  readonly cause?: string;
  /** Milliseconds since the epoch when the current state began. */
  readonly since: number;
  /** Journal writes that failed since the core opened (each retry counts). */
  readonly journalWriteErrors: number;
}

export interface CoreJournal {
  append(seq: number, payload: Uint8Array): void;
  commit(): Promise<number>;
  close(): Promise<void>;
  /**
   * For a journal whose commit is durable elsewhere before the local file journal holds it (a
   * cluster leader: on a quorum of etcd's disks): resolves once the local file journal holds `seq`
   * durably. What reads the local files (snapshots, time-travel reads) waits for it; absent, a
   * commit is the local write.
   */
  stored?(seq: number): Promise<void>;
}

/**
 * The core as a cluster's engine node drives it: the leader submits, a standby replicates commands the
 * leader sequenced, and only the leader submits ticks for time-driven work.
 */
export interface ReplicatingCore extends ExchangeCore {
  /**
   * Journals and applies commands already sequenced elsewhere (seq must continue this core's, `ts`
   * is kept). Resolves like `submitBatch` once they are durable and applied.
   */
  replicate(commands: readonly Command[]): Promise<AppliedCommand[]>;
  /**
   * The same from the commands' journal records (as the leader journaled them): each is decoded once
   * and journaled byte for byte as it came.
   */
  replicateRecords(records: readonly Uint8Array[]): Promise<AppliedCommand[]>;
  /** Start or stop submitting `tick`s when the engine has time-driven work due. */
  setTicking(on: boolean): void;
  /**
   * When the engine next has time-driven work (a GTD expiry, a market schedule, a breaker's reopening),
   * as of every command posted to it so far; null for none. A sandbox's simulated clock fires it.
   */
  nextDueTs(): Promise<number | null>;
  /**
   * Durable commands `fromSeq..toSeq` (at most `limit`) with their events, recomputed on a thread of
   * its own from the nearest snapshot and the journal: for a follower that missed commands this core
   * no longer holds in memory.
   */
  appliedRange(fromSeq: number, toSeq: number, limit: number): Promise<AppliedCommand[]>;
}

/** How the submit pipeline grouped work: many commands per engine batch, many batches per commit. */
export interface SequencerStats {
  /** Commands accepted by `submit`/`submitBatch` (each got a seq). */
  submitted: number;
  /** Messages carrying a batch of commands to the engine worker. */
  engineBatches: number;
  /** `journal.commit()` calls; at most one is in flight, so each is one durable flush. */
  journalCommits: number;
  /**
   * CPU milliseconds the engine thread spent on batches since the core opened: decoding the
   * commands, applying them and encoding their events (its capacity is commands / this).
   */
  engineBusyMs: number;
  /** Snapshots written to the snapshot store since the core opened. */
  snapshotsWritten: number;
  /**
   * What opening found of the SQLite read models: none yet, a clean shutdown, a crash (file checked
   * and kept), or a damaged file set aside and rebuilt from the journal (see read-db-guard.ts).
   */
  readDbOnOpen: 'fresh' | 'clean' | 'checked' | 'rebuilt';
  /**
   * How the read-model thread is scheduled: SCHED_IDLE, or (where that is unavailable) niced; `none`
   * when the core keeps no read models (a cluster node).
   */
  readModelThread: 'idle' | 'nice' | 'none';
}

/** Counters and histograms the core keeps for `/metrics`. */
export interface CoreMetrics {
  commandsTotal: number;
  rejectsTotal: number;
  /** The same rejects by the engine's reject code (`countReject`), so an operator sees why. */
  readonly rejectsByCode: Map<string, number>;
  journalFsyncs: number;
  /** Seconds buckets → counts; the gateway renders them in Prometheus format. */
  readonly ackLatencySeconds: Histogram;
  readonly fsyncLatencySeconds: Histogram;
  /** The ack's latency by stage in the core (ack-stages.ts); absent where a core has no stages. */
  readonly ackStages?: AckStageHistograms;
  engineQueueDepth: number;
  projectionLagCommands: number;
}

export interface Histogram {
  readonly bounds: readonly number[];
  readonly counts: number[];
  sum: number;
  count: number;
}
