// Opens a data directory as a running exchange core: journal (torn tail cut, corruption refused),
// newest usable snapshot into the engine worker, replay of the journal after it, read models caught up,
// then the live pipeline. Every resource opened here is closed again if startup fails.

import {
  ensurePrivateFile,
  FileJournal,
  journalChunks,
  JournalCorruptError,
  JournalLockedError,
  type OpenOptions,
  type OpenResult,
  SnapshotStore,
} from '@bourse/journal';
import type { ReadModels } from '@bourse/projections';
import type { EngineConfig } from '@bourse/engine';
import { AuditCheckpointer } from './audit-checkpointer.ts';
import { decodeCommand } from './command-codec.ts';
import { CoreError } from './core-error.ts';
import { createCoreMetrics } from './core-metrics.ts';
import {
  type DataDirLayout,
  dataDirLayout,
  ensureDataDir,
  resolveEngineConfig,
} from './data-dir.ts';
import { EngineHost } from './engine-host.ts';
import type { CoreJournal, CoreMetrics, ReplicatingCore } from './exchange-core.ts';
import { LocalExchangeCore } from './local-exchange-core.ts';
import { describeReadDb, openReadDb, type ReadDb } from './read-db.ts';
import { guardReadDbOnOpen, type ReadDbState, setReadDbAside } from './read-db-guard.ts';
import { absentReadModels, NoReadModels } from './no-read-models.ts';
import { ReadModelFeeder, type ReadModelSink } from './read-model-feeder.ts';
import { type ReplayProgress, replayIntoWorker } from './replay-into-worker.ts';
import { HistoryReader } from './history-reader.ts';

/**
 * Chosen from the measured replay rate (docs/BENCHMARKS.md, "Snapshot spacing and the restart
 * bound"): a restart replays at most this many commands after the newest snapshot, about 0.1 s of
 * CPU at the engine thread's ~1 M commands per CPU-second, and its journal open checks only those and
 * the last segment, so restart <= start-up + snapshot load + open of one segment + this / replay rate,
 * whatever the journal's length.
 */
export const DEFAULT_SNAPSHOT_EVERY = 100_000;
export const DEFAULT_MAX_QUEUED_COMMANDS = 100_000;
/** Read models yield the cores to order entry when both want them (see projection-worker.ts). */
export const DEFAULT_READ_MODEL_NICE = 10;

export interface OpenExchangeCoreOptions {
  readonly dataDir: string;
  readonly engineConfig?: Partial<EngineConfig>;
  /** Commands between engine snapshots (default 100,000). */
  readonly snapshotEvery?: number;
  /** Milliseconds since the epoch; read only by the sequencer, made non-decreasing. */
  readonly clock?: () => number;
  /**
   * Make each commit durable with fdatasync (default true). The file journal always syncs before
   * `commit()` resolves, so `false` changes nothing today; it is reserved for journals that can skip it.
   */
  readonly fsync?: boolean;
  /** Commands sequenced and not yet acknowledged before `submit` refuses with `OVERLOADED`. */
  readonly maxQueuedCommands?: number;
  /** Scheduling niceness of the read-model thread (default 10; 0 = same priority as order entry). */
  readonly readModelNice?: number;
  /** Run the read-model thread under SCHED_IDLE where possible (default true; Linux only). */
  readonly readModelIdle?: boolean;
  /** Called while the journal is replayed at startup. */
  readonly onRecoveryProgress?: (progress: ReplayProgress) => void;
  /**
   * Wraps the local journal so a commit is first made durable elsewhere (a cluster's replicated log);
   * by default the local journal alone makes commands durable.
   */
  readonly durability?: (local: FileJournal) => CoreJournal;
  /** Submit ticks for time-driven work (default true; a cluster standby starts with false). */
  readonly ticking?: boolean;
  /** Report the engine's state hash after every command whose seq is a multiple of this. */
  readonly hashEvery?: number;
  readonly onStateHash?: (seq: number, hash: string) => void;
  /** Where the read models live (default: SQLite in the data directory; see read-db.ts). */
  readonly readDb?: ReadDb;
  /** Milliseconds between signed audit checkpoints of the journal's chain (default 10 s). */
  readonly auditCheckpointEveryMs?: number;
  /**
   * Keep no read models at all (default true = keep them): a cluster's engine node, whose read
   * models the projector keeps in PostgreSQL. Read-model queries are then refused.
   */
  readonly readModels?: boolean;
  /** Record each command's stage times on its AppliedCommand, for tracing (default off). */
  readonly recordTimings?: boolean;
  /**
   * Applied commands keep their events as the engine's bytes until read (`EncodedApplied`; default
   * off): a cluster node forwards the bytes and reads few events.
   */
  readonly lazyEvents?: boolean;
  /** How the local journal is opened (benchmarks: `WITHOUT_CHAIN` to measure the chain's cost). */
  readonly journalOptions?: OpenOptions;
}

export async function openExchangeCore(opts: OpenExchangeCoreOptions): Promise<ReplicatingCore> {
  const snapshotEvery = opts.snapshotEvery ?? DEFAULT_SNAPSHOT_EVERY;
  if (!Number.isSafeInteger(snapshotEvery) || snapshotEvery < 1) {
    throw new RangeError('snapshotEvery must be a positive integer');
  }
  const layout = dataDirLayout(opts.dataDir);
  ensureDataDir(layout);
  const snapshots = new SnapshotStore(layout.snapshotsDir);
  const latest = snapshots.latest();
  const { journal, recovery } = await openJournal(layout, latest?.seq, opts.journalOptions);
  const cleanup: (() => Promise<void>)[] = [() => journal.close()];
  try {
    const config = resolveEngineConfig(layout, opts.engineConfig);
    const metrics = createCoreMetrics();
    const path = layout.readDbPath;
    const lastSeq = journal.lastSeq;
    const { feeder, readModels, readDbOnOpen } =
      opts.readModels === false
        ? noReadModels(lastSeq)
        : await openReadModels(
            { path, feeAccountId: config.feeAccountId, opts, metrics },
            { lastSeq, journalIntact: recovery.cleanStop },
          );
    cleanup.push(
      () => feeder.close(),
      () => readModels.close(),
    );
    const audit = await AuditCheckpointer.start({
      keyPath: layout.auditKeyPath,
      journalDir: layout.journalDir,
      head: () => journal.chainHead,
      recovery,
      clock: opts.clock ?? Date.now,
      everyMs: opts.auditCheckpointEveryMs,
    });
    cleanup.push(() => audit.close());
    const snapshot = chooseSnapshot(latest, lastSeq, feeder.appliedSeq);
    const { host, lastSeq: engineSeq } = await startEngine(
      config,
      snapshot?.bytes,
      feeder,
      opts.hashEvery,
    );
    cleanup.push(() => host.terminate());
    const replayedTs = await replayIntoWorker({
      chunks: journalChunks(journal, engineSeq + 1),
      host,
      feeder,
      lastSeq,
      onProgress: opts.onRecoveryProgress,
    });
    const core = new LocalExchangeCore({
      journal: opts.durability?.(journal) ?? journal,
      storage: journal,
      snapshots,
      host,
      readModels,
      feeder,
      metrics,
      lastSeq,
      lastTs: replayedTs ?? lastJournaledTs(journal),
      clock: opts.clock ?? Date.now,
      snapshotEvery,
      maxQueuedCommands: opts.maxQueuedCommands ?? DEFAULT_MAX_QUEUED_COMMANDS,
      readDbPath: sqliteReadDb(opts) ? path : undefined,
      ticking: opts.ticking ?? true,
      onStateHash: opts.onStateHash,
      history: new HistoryReader(layout.root),
      audit,
      recordTimings: opts.recordTimings === true,
      lazyEvents: opts.lazyEvents === true,
    });
    core.stats.readDbOnOpen = readDbOnOpen;
    core.stats.readModelThread = opts.readModels === false ? 'none' : feeder.idle ? 'idle' : 'nice';
    return core;
  } catch (error) {
    for (const close of cleanup.reverse()) await close().catch(() => {});
    throw asStartupError(error, layout.root);
  }
}

/**
 * Starts the engine worker from the snapshot; a snapshot the engine cannot restore (written by an
 * incompatible engine version) is passed over for a replay of the whole journal, which is authoritative.
 */
async function startEngine(
  config: EngineConfig,
  snapshot: Uint8Array | undefined,
  feeder: ReadModelSink,
  hashEvery: number | undefined,
): Promise<{ host: EngineHost; lastSeq: number }> {
  const start = (bytes: Uint8Array | undefined) =>
    EngineHost.start({
      config,
      snapshot: bytes,
      projectionPort: feeder.connectEngine(),
      hashEvery,
    });
  if (snapshot === undefined) return start(undefined);
  try {
    return await start(snapshot);
  } catch {
    return start(undefined);
  }
}

/**
 * The open checks every record this start replays (those after the snapshot at `snapshotSeq`) and
 * the tail; the records the snapshot holds are checked when read, and by `bourse journal verify`.
 */
async function openJournal(
  layout: DataDirLayout,
  snapshotSeq: number | undefined,
  options?: OpenOptions,
): Promise<OpenResult> {
  try {
    return await FileJournal.open(layout.journalDir, {
      trustThrough: snapshotSeq ?? 0,
      ...options,
    });
  } catch (error) {
    throw asStartupError(error, layout.root);
  }
}

/** A cluster node's parts: nothing stored, every read-model query refused (no-read-models.ts). */
function noReadModels(lastSeq: number): ReadModelParts {
  return {
    feeder: new NoReadModels(lastSeq),
    readModels: absentReadModels(),
    readDbOnOpen: 'checked',
  };
}

/** Whether the read models are the data directory's SQLite file (marked clean at a stop). */
function sqliteReadDb(opts: OpenExchangeCoreOptions): boolean {
  return opts.readModels !== false && (opts.readDb === undefined || opts.readDb.kind === 'sqlite');
}

interface ReadModelParts {
  readonly feeder: ReadModelSink;
  readonly readModels: ReadModels;
  readonly readDbOnOpen: ReadDbState;
}

/**
 * Starts the read-model thread and opens the read side. Read models ahead of the journal hold
 * commands the journal does not: when the journal is known intact (its last stop was clean and it
 * ends where that stop left it) the journal is right and they are set aside and rebuilt from it;
 * otherwise the journal may have lost its tail and the start is refused.
 */
async function openReadModels(
  where: {
    path: string;
    feeAccountId: number;
    opts: OpenExchangeCoreOptions;
    metrics: CoreMetrics;
  },
  journal: { lastSeq: number; journalIntact: boolean },
): Promise<ReadModelParts> {
  const { path, feeAccountId, opts, metrics } = where;
  const db: ReadDb = opts.readDb ?? { kind: 'sqlite', path };
  const sqlite = db.kind === 'sqlite';
  // A shared server's database is durable and not the data directory's to check or set aside.
  let readDbOnOpen: ReadDbState = sqlite ? guardReadDbOnOpen(path, Date.now()) : 'checked';
  for (;;) {
    if (sqlite) ensurePrivateFile(path);
    const feeder = await ReadModelFeeder.start(
      {
        db,
        feeAccountId,
        nice: opts.readModelNice ?? DEFAULT_READ_MODEL_NICE,
        idle: opts.readModelIdle ?? true,
      },
      metrics,
    );
    if (feeder.appliedSeq <= journal.lastSeq) {
      try {
        const readModels = await openReadDb(db, feeAccountId);
        return { feeder, readModels, readDbOnOpen };
      } catch (error) {
        await feeder.close();
        throw error;
      }
    }
    await feeder.close();
    const held = `read models in ${describeReadDb(db)} hold seq ${feeder.appliedSeq} but the journal ends at ${journal.lastSeq}`;
    if (!sqlite || !journal.journalIntact || readDbOnOpen === 'rebuilt') {
      throw new CoreError(
        'DATA_DIR_INCONSISTENT',
        sqlite
          ? `${held}, and the journal's last stop was not clean, so it may have lost its tail; ` +
              'run `bourse journal verify`'
          : `${held}: the database belongs to another data directory, or the journal lost its ` +
              'tail; give an empty database or run `bourse journal verify`',
      );
    }
    setReadDbAside(path, `ahead-${Date.now()}`);
    readDbOnOpen = 'rebuilt';
  }
}

/**
 * The newest snapshot, unless the read models lag behind it: their missing commands need events, and
 * only a replay from before those commands recomputes them, so the engine then starts from empty.
 */
function chooseSnapshot(
  latest: { seq: number; bytes: Uint8Array } | undefined,
  lastSeq: number,
  readModelSeq: number,
): { seq: number; bytes: Uint8Array } | undefined {
  if (latest === undefined) return undefined;
  if (latest.seq > lastSeq) {
    throw new CoreError(
      'DATA_DIR_INCONSISTENT',
      `snapshot at seq ${latest.seq} is ahead of the journal, which ends at ${lastSeq}`,
    );
  }
  return latest.seq <= readModelSeq ? latest : undefined;
}

function lastJournaledTs(journal: FileJournal): number {
  if (journal.lastSeq === 0) return 0;
  for (const record of journal.read(journal.lastSeq)) return decodeCommand(record.payload).ts;
  return 0;
}

function asStartupError(error: unknown, dataDir: string): unknown {
  if (error instanceof JournalLockedError) {
    return new CoreError('DATA_DIR_LOCKED', `refusing to start: ${error.message}`, {
      cause: error,
    });
  }
  if (error instanceof JournalCorruptError) {
    const repair =
      error.seq === undefined
        ? ''
        : `; to drop seq ${error.seq} and everything after it (placeholders keep their ids ` +
          `unused): bourse journal repair --data-dir ${dataDir} --truncate-at ${error.seq}`;
    return new CoreError(
      'JOURNAL_CORRUPT',
      `refusing to start: ${error.message} (segment ${error.segment}, offset ${error.offset}); ` +
        `inspect the data directory with \`bourse journal verify\`${repair}`,
      { cause: error },
    );
  }
  return error;
}
