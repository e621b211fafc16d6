// Offline operations on a stopped data directory for the CLI (`bourse journal verify|repair`,
// `bourse replay`, `bourse snapshot`): they run the engine in-process, never alongside a live core on
// the same directory.

import {
  CodecError,
  type Command,
  CommandDecoder,
  Engine,
  type EngineConfig,
  verifyInvariants,
} from '@bourse/engine';
import {
  FileJournal,
  type RecordChunk,
  type RepairResult,
  repairJournal,
  SnapshotStore,
  setCheckpointsAside,
  type VerifyReport,
  verifyJournal,
} from '@bourse/journal';
import { decodeCommand, encodeCommandRecord } from './command-codec.ts';
import { CoreError } from './core-error.ts';
import { dataDirLayout, readEngineConfig } from './data-dir.ts';
import type { AppliedCommand } from './exchange-core.ts';
import {
  JournalReaderThread,
  READER_THREAD_MIN_RECORDS,
  replayChunks,
} from './journal-reader-thread.ts';
import { setReadDbAside } from './read-db-guard.ts';
import type { ReplayProgress } from './replay-into-worker.ts';

/** `trustThrough` for a reader of the whole journal: the open leaves every durable record to it. */
const ALL_RECORDS = Number.MAX_SAFE_INTEGER;

export type ProgressListener = (progress: ReplayProgress) => void;

export interface DataDirReport {
  readonly journal: VerifyReport;
  /** Seq of the newest intact snapshot, undefined without one. */
  readonly snapshotSeq: number | undefined;
}

export interface ReplayResult {
  readonly seq: number;
  readonly hash: string;
  /** Broken invariants of the replayed state; empty when it is sound. */
  readonly violations: string[];
}

/**
 * Checks every journal record (read-only) against the journal's high-water mark and the newest
 * intact snapshot.
 */
export function verifyDataDir(
  dir: string,
  onProgress?: (bytesDone: number, bytesTotal: number) => void,
): DataDirReport {
  const layout = dataDirLayout(dir);
  const snapshot = new SnapshotStore(layout.snapshotsDir).latest();
  // A snapshot is stored only once its seq is durable: a journal that ends before it lost its tail.
  const floor = snapshot && { seq: snapshot.seq, source: `the snapshot at seq ${snapshot.seq}` };
  const journal = verifyJournal(layout.journalDir, onProgress, floor);
  return { journal, snapshotSeq: snapshot?.seq };
}

/**
 * Rebuilds the state from the whole journal in a fresh engine (no snapshot) and reports its hash and
 * invariant violations. `onApplied` sees each command with a copy of its events.
 */
export async function replayDataDir(
  dir: string,
  onProgress?: ProgressListener,
  opts: {
    onApplied?: (applied: AppliedCommand) => void;
    /** Read the journal on a thread of its own (default: when it is long enough to pay). */
    readerThread?: boolean | 'auto';
  } = {},
): Promise<ReplayResult> {
  const layout = dataDirLayout(dir);
  const engine = new Engine(engineConfigOf(dir));
  // Started before the open: the thread starts while the journal's scan runs here.
  const reader = JournalReaderThread.start(layout.journalDir, opts.readerThread);
  try {
    // Every record is read and checked below: the open need not check the durable ones first.
    const { journal } = await FileJournal.open(layout.journalDir, { trustThrough: ALL_RECORDS });
    try {
      const chunks = replayChunks(journal, 1, reader);
      await applyRecords(engine, chunks, journal.lastSeq, onProgress, opts.onApplied);
    } finally {
      await journal.close();
    }
  } finally {
    await reader?.stop();
  }
  return { seq: engine.lastSeq, hash: engine.stateHash(), violations: verifyInvariants(engine) };
}

/** Writes a snapshot at the journal's last seq (newest snapshot + journal tail) and returns its seq. */
export async function snapshotDataDir(
  dir: string,
  onProgress?: ProgressListener,
): Promise<{ seq: number; bytes: number; hash: string }> {
  const layout = dataDirLayout(dir);
  const store = new SnapshotStore(layout.snapshotsDir);
  const latest = store.latest();
  const engine =
    latest === undefined ? new Engine(engineConfigOf(dir)) : Engine.restore(latest.bytes);
  let chain: Uint8Array | undefined;
  const { journal } = await FileJournal.open(layout.journalDir, {
    trustThrough: latest?.seq ?? 0,
  });
  // The open checked only the tail after the snapshot: a thread pays only for a long tail.
  const tail = journal.durableSeq - engine.lastSeq;
  const reader =
    tail >= READER_THREAD_MIN_RECORDS
      ? JournalReaderThread.start(layout.journalDir, true)
      : undefined;
  try {
    if (latest !== undefined && latest.seq > journal.lastSeq) {
      throw new CoreError(
        'DATA_DIR_INCONSISTENT',
        `snapshot at seq ${latest.seq} is ahead of the journal, which ends at ${journal.lastSeq}`,
      );
    }
    const chunks = replayChunks(journal, engine.lastSeq + 1, reader);
    await applyRecords(engine, chunks, journal.lastSeq, onProgress, undefined);
    chain = journal.chainAt(engine.lastSeq);
  } finally {
    await reader?.stop();
    await journal.close();
  }
  const bytes = engine.snapshot();
  if (latest?.seq !== engine.lastSeq) await store.save(engine.lastSeq, bytes, chain);
  return { seq: engine.lastSeq, bytes: bytes.byteLength, hash: engine.stateHash() };
}

export interface DataDirRepair {
  readonly journal: RepairResult;
  /** Snapshots dropped because they include state from the cut records. */
  readonly snapshotsRemoved: number;
  /** The read models were set aside (`read.db.repaired-<time>`) to be rebuilt at the next start. */
  readonly readModelsSetAside: boolean;
  /**
   * The audit checkpoint log, renamed when checkpoints had signed cut records (they no longer match):
   * its new name in the journal directory, kept for the auditor; undefined when none had.
   */
  readonly checkpointsSetAside: string | undefined;
}

/**
 * The operator's way past a journal that refuses to open: drops the record `truncateAtSeq` and all
 * after it, and fills their seqs (up to the highest the journal ever held) with `tick` commands,
 * which change nothing, so no seq and no order id is ever given twice. Snapshots and read models
 * that include the dropped commands go; the next start rebuilds them from the journal.
 */
export async function repairDataDir(
  dir: string,
  truncateAtSeq: number,
  now: number = Date.now(),
): Promise<DataDirRepair> {
  const layout = dataDirLayout(dir);
  const snapshots = new SnapshotStore(layout.snapshotsDir);
  const journal = await repairJournal(layout.journalDir, {
    truncateAtSeq,
    // The newest snapshot's commands were durable too: their ids are not given again either.
    fillToAtLeast: snapshots.latest()?.seq ?? 0,
    filler: (seq, lastKept) => {
      const ts = lastKept === undefined ? 0 : decodeCommand(lastKept).ts;
      return encodeCommandRecord({ type: 'tick', seq, ts });
    },
  });
  // A snapshot among records the cut left in a batch it sealed again records the old seal's chain.
  const snapshotsRemoved = await snapshots.removeFrom(journal.resealedFromSeq ?? truncateAtSeq);
  const readModelsSetAside = setReadDbAside(layout.readDbPath, `repaired-${now}`);
  const checkpointsSetAside = setCheckpointsAside(
    layout.journalDir,
    truncateAtSeq,
    `repaired-${now}`,
  );
  return { journal, snapshotsRemoved, readModelsSetAside, checkpointsSetAside };
}

function engineConfigOf(dir: string): EngineConfig | undefined {
  return readEngineConfig(dataDirLayout(dir));
}

/** Progress is reported every this many records. */
const PROGRESS_EVERY = 65_536;

/**
 * Applies the journal's chunks in order, each record decoded in place from its chunk's buffer: one
 * await per chunk (thousands of records), none per record.
 */
async function applyRecords(
  engine: Engine,
  chunks: Iterable<RecordChunk> | AsyncIterable<RecordChunk>,
  lastSeq: number,
  onProgress: ProgressListener | undefined,
  onApplied: ((applied: AppliedCommand) => void) | undefined,
): Promise<void> {
  const decoder = new CommandDecoder();
  let nextProgress = engine.lastSeq + PROGRESS_EVERY;
  for await (const chunk of chunks) {
    const { payloads, ends, firstSeq, count } = chunk;
    let start = 0;
    for (let i = 0; i < count; i++) {
      const seq = firstSeq + i;
      const end = ends[i]!;
      const decoded = decoder.decode(payloads, start, end);
      start = end;
      if (decoded instanceof CodecError) throw undecodable(seq, decoded);
      if (decoded.seq !== seq || seq !== engine.lastSeq + 1)
        throw outOfSequence(seq, decoded, engine);
      if (onApplied === undefined) engine.applyQuietly(decoded);
      else onApplied({ seq, ts: decoded.ts, command: decoded, events: [...engine.apply(decoded)] });
    }
    const last = firstSeq + count - 1;
    if (last >= nextProgress) {
      onProgress?.({ seq: last, lastSeq });
      nextProgress = last + PROGRESS_EVERY;
    }
  }
  onProgress?.({ seq: engine.lastSeq, lastSeq });
}

function outOfSequence(seq: number, decoded: Command, engine: Engine): CoreError {
  return new CoreError(
    'DATA_DIR_INCONSISTENT',
    `journal record ${seq} holds command seq ${decoded.seq} after engine seq ${engine.lastSeq}`,
  );
}

function undecodable(seq: number, error: CodecError): CoreError {
  return new CoreError(
    'DATA_DIR_INCONSISTENT',
    `journal record ${seq} does not decode as a command: ${error.message} (byte ${error.offset})`,
  );
}
