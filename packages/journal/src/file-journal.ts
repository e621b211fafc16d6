import { type FileHandle, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { lockDirectory } from './directory-lock.ts';
import { HighWaterFile } from './high-water-mark.ts';
import { JournalCorruptError } from './journal-corrupt-error.ts';
import {
  CHAIN_BYTES,
  DEFAULT_SEGMENT_BYTES,
  GENESIS_CHAIN,
  MAX_PAYLOAD_BYTES,
  RECORD_HEADER_BYTES,
  SEGMENT_HEADER_BYTES,
  segmentFileName,
} from './journal-format.ts';
import { listSegments } from './journal-scan.ts';
import { readChainAt } from './read-records.ts';
import { RecentSeals } from './recent-seals.ts';
import {
  writeGrowing,
  DSYNC,
  LAST_SEGMENT_FLAGS,
  NEW_SEGMENT_FLAGS,
  repairTail,
  scanForChain,
  startChainedSegment,
} from './open-segment.ts';
import { type BatchChunk, PendingBatch } from './pending-batch.ts';
import { type JournalRecord, readRecords } from './read-records.ts';
import { isSpaceError, RetrySleep, retryDelayMs } from './write-retry.ts';
import { makePrivateDir, PRIVATE_FILE_MODE } from './private-files.ts';
import { syncDirectory } from './sync-directory.ts';

/** Opens a journal that ends before its high-water mark, for `repairJournal` to fill the gap. */
export const OPEN_FOR_REPAIR: unique symbol = Symbol('openForRepair');
/**
 * Writes format 1 records (no chain), only to measure what the chain costs (`bench --suite
 * audit-chain`): a journal written so cannot be audited.
 */
export const WITHOUT_CHAIN: unique symbol = Symbol('withoutChain');

export interface OpenOptions {
  /** Roll to a new segment once the next record would pass this size (default 64 MiB). */
  readonly segmentBytes?: number;
  /**
   * Least milliseconds between two high-water marks written after commits (default 1000); the
   * mark bounds how much of a tail lost after a crash can go unnoticed.
   */
  readonly highWaterEveryMs?: number;
  /**
   * Records up to this seq that the high-water mark says were durable are not checksummed at open
   * (see `ScanOptions.trustThrough`): a restart passes its newest snapshot's seq, so it checks only
   * what it replays and the tail. Default 0: every record is checked.
   */
  readonly trustThrough?: number;
  readonly [OPEN_FOR_REPAIR]?: true;
  readonly [WITHOUT_CHAIN]?: true;
}

export interface OpenResult {
  journal: FileJournal;
  recovery: {
    lastSeq: number;
    truncatedBytes: number;
    segments: number;
    /** The high-water mark found at open (0 for a journal written before marks existed). */
    highWaterSeq: number;
    /** The previous writer stopped cleanly and the journal ends where it left it. */
    cleanStop: boolean;
    /**
     * Set when the journal's last segment was written before records were chained (format 1): the
     * chain was computed over the format 1 records kept (from `fromSeq`, after the all-zero genesis)
     * up to `seq`, and a format 3 segment now continues it. This is the chain's genesis point.
     */
    migrated?: { fromSeq: number; seq: number; chain: Buffer };
  };
}

/**
 * The chain value at a durable seq: what an audit checkpoint signs. `seq` is the last seq of the
 * batch whose seal holds `chain` (format 3; in format 2 the record's own hash).
 */
export interface ChainHead {
  readonly seq: number;
  readonly chain: Buffer;
}

export const DEFAULT_HIGH_WATER_EVERY_MS = 1000;

interface Waiter {
  resolve(seq: number): void;
  reject(error: unknown): void;
}

/** Smallest segment size accepted: a header and a few small records. */
const MIN_SEGMENT_BYTES = SEGMENT_HEADER_BYTES + 4 * RECORD_HEADER_BYTES;

export class FileJournal {
  readonly dir: string;
  readonly segmentBytes: number;
  #lastSeq: number;
  #durableSeq: number;
  /** Last seq when opened: only records appended since are in #recentChains. */
  readonly #openedAtSeq: number;
  /** First seq the scan at open checksummed (records before it were trusted unread). */
  #checkedFromSeq = 1;
  #syncCount = 0;
  /** Current (last) segment; undefined until the first segment exists. */
  #handle: FileHandle | undefined;
  /** Bytes already written to the current segment. */
  #position: number;
  /** The current segment file's size: past `#position` it holds zeros written ahead (`GROWTH_BYTES`). */
  #allocated: number;
  /** Size the current segment will have once everything appended is written. */
  #projectedBytes: number;
  /** Whether the current segment (written or projected) holds at least one record. */
  #projectedHasRecord: boolean;
  /** Whether any segment exists or is about to be created by an appended record. */
  #projectedHasSegment: boolean;
  /** Chain value of the seal that covers durableSeq (the record's own in format 2). */
  readonly #durableChain = Buffer.alloc(CHAIN_BYTES);
  /** Seals written since the journal was opened, so chainAt a recent seq reads nothing back. */
  readonly #recentSeals = new RecentSeals();
  /** The batch appends go to; it carries the chain value its first seal follows. */
  #pending: PendingBatch;
  #spare: PendingBatch;
  #flushing = false;
  /** Commits waiting on the batch being written now. */
  #inFlightWaiters: Waiter[] = [];
  /** Commits waiting on the next batch. */
  #nextWaiters: Waiter[] = [];
  #failure: unknown;
  /** Set once close() has been called; appends are refused from then on. */
  #closed: Promise<void> | undefined;
  readonly #unlock: () => void;
  readonly #highWater: HighWaterFile;
  readonly #markEveryMs: number;
  #markedAt = Number.NEGATIVE_INFINITY;
  #marking: Promise<void> | undefined;
  /** The new segment the current handle was opened for, so a retried batch does not reopen it. */
  #openedSegmentSeq: number | undefined;
  /** The space error the batch in flight keeps meeting; undefined while writes succeed. */
  #stall: Error | undefined;
  #writeErrors = 0;
  readonly #retrySleep = new RetrySleep();
  /**
   * Told when writes start failing for lack of space (with the error) and when a retried write
   * succeeds again (with undefined). Commits wait meanwhile; nothing is reported durable early.
   */
  onStall: (error: Error | undefined) => void = () => {};

  private constructor(
    dir: string,
    segmentBytes: number,
    last: { seq: number; chain: Uint8Array },
    current: { handle: FileHandle; size: number; hasRecord: boolean } | undefined,
    unlock: () => void,
    highWater: { file: HighWaterFile; everyMs: number },
  ) {
    const lastSeq = last.seq;
    const chain = Buffer.from(last.chain).toString('latin1');
    this.#pending = new PendingBatch(chain);
    this.#spare = new PendingBatch(chain);
    this.#durableChain.set(last.chain);
    this.dir = dir;
    this.#unlock = unlock;
    this.#highWater = highWater.file;
    this.#markEveryMs = highWater.everyMs;
    this.segmentBytes = segmentBytes;
    this.#lastSeq = lastSeq;
    this.#durableSeq = lastSeq;
    this.#openedAtSeq = lastSeq;
    this.#handle = current?.handle;
    this.#position = current?.size ?? 0;
    this.#allocated = this.#position;
    this.#projectedBytes = this.#position;
    this.#projectedHasRecord = current?.hasRecord ?? false;
    this.#projectedHasSegment = current !== undefined;
  }

  /**
   * Opens (creating if needed) the journal in `dir`, truncating a torn tail of the last segment.
   * Throws {@link JournalCorruptError} when damage lies anywhere before that tail.
   */
  static async open(dir: string, opts: OpenOptions = {}): Promise<OpenResult> {
    const segmentBytes = opts.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
    if (!Number.isSafeInteger(segmentBytes) || segmentBytes < MIN_SEGMENT_BYTES) {
      throw new RangeError(`segmentBytes must be an integer >= ${MIN_SEGMENT_BYTES}`);
    }
    makePrivateDir(dir);
    const unlock = lockDirectory(dir);
    try {
      return await FileJournal.#openLocked(dir, segmentBytes, unlock, opts);
    } catch (error) {
      unlock();
      throw error;
    }
  }

  /** Scans, repairs the tail of the last segment and builds the journal (the lock is held). */
  static async #openLocked(
    dir: string,
    segmentBytes: number,
    unlock: () => void,
    opts: OpenOptions,
  ): Promise<OpenResult> {
    const scan = scanForChain(dir, opts.trustThrough ?? 0);
    const repairing = opts[OPEN_FOR_REPAIR] === true && scan.error?.kind === 'lost-tail';
    if (scan.error !== undefined && !repairing) throw JournalCorruptError.from(scan.error);
    const last = scan.segments.at(-1);
    const lastChain = last?.lastChain ?? GENESIS_CHAIN;
    let current: { handle: FileHandle; size: number; hasRecord: boolean } | undefined;
    let migrated: OpenResult['recovery']['migrated'];
    if (last !== undefined) {
      const handle = await open(join(dir, last.name), LAST_SEGMENT_FLAGS);
      try {
        const size = await repairTail(handle, last, lastChain);
        current = { handle, size, hasRecord: last.lastSeq >= last.firstSeq };
        if (last.layout.version !== 3 && current.hasRecord) {
          await handle.close();
          current = await startChainedSegment(dir, last.lastSeq + 1, lastChain);
        }
        if (last.layout.version === 1 && last.lastSeq > 0) {
          migrated = { fromSeq: scan.firstSeq, seq: last.lastSeq, chain: Buffer.from(lastChain) };
        }
        // A predecessor killed before its fsync may have left records only in the page cache, and
        // the segment's directory entry may never have been synced: make both durable before any
        // of these records is reported as durable.
        await syncDirectory(dir);
      } catch (error) {
        await handle.close();
        throw error;
      }
    }
    const lastSeq = last === undefined ? 0 : last.lastSeq;
    let file: HighWaterFile;
    try {
      file = await HighWaterFile.open(dir, scan.highWater);
      // From now on a crash must not pass for a clean stop: the mark loses its clean flag.
      await file.write(lastSeq, false);
      if (scan.highWater === undefined) await syncDirectory(dir);
    } catch (error) {
      await current?.handle.close();
      throw error;
    }
    const everyMs = opts.highWaterEveryMs ?? DEFAULT_HIGH_WATER_EVERY_MS;
    const highWater = { file, everyMs };
    const journal = new FileJournal(
      dir,
      segmentBytes,
      { seq: lastSeq, chain: lastChain },
      current,
      unlock,
      highWater,
    );
    if (opts[WITHOUT_CHAIN] === true) journal.#unchain();
    journal.#checkedFromSeq = scan.checkedFrom;
    const truncatedBytes = last === undefined ? 0 : last.fileBytes - last.validBytes;
    const recovery: OpenResult['recovery'] = {
      lastSeq,
      truncatedBytes,
      segments: scan.segments.length + (migrated === undefined ? 0 : 1),
      highWaterSeq: scan.highWater?.seq ?? 0,
      cleanStop: scan.cleanStop,
    };
    if (migrated !== undefined) recovery.migrated = migrated;
    return { journal, recovery };
  }

  /** Last appended seq (0 for an empty journal). */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** Last seq covered by a completed durable write (or fdatasync). */
  get durableSeq(): number {
    return this.#durableSeq;
  }

  /** The space error writes are retrying on, or undefined when the journal writes normally. */
  get stalled(): Error | undefined {
    return this.#stall;
  }

  /** Failed durable writes so far (each retry of a stalled batch that fails counts). */
  get writeErrors(): number {
    return this.#writeErrors;
  }

  /** Durable writes and fsync/fdatasync calls so far (files and directory); shows how well commits coalesce. */
  get syncCount(): number {
    return this.#syncCount;
  }

  #unchain(): void {
    this.#pending = new PendingBatch(this.#pending.chain, false);
    this.#spare = new PendingBatch(this.#pending.chain, false);
  }

  /**
   * The durable seq and the chain value there (all zeros for an empty journal). The durable seq
   * always ends a batch, so this is its seal's chain (decision 0112).
   */
  get chainHead(): ChainHead {
    return { seq: this.#durableSeq, chain: Buffer.from(this.#durableChain) };
  }

  /**
   * The chain value that covers durable record `seq`: in format 3 the chain of the seal of the
   * batch that holds `seq` (it commits to `seq` and to every record of that batch, up to
   * {@link sealAt}'s `seq`); in format 2 the record's own hash. Undefined when the record is not kept,
   * not durable, or was written before records were chained. May read a segment back from disk.
   */
  chainAt(seq: number): Buffer | undefined {
    return this.sealAt(seq)?.chain;
  }

  /**
   * The seal that covers durable record `seq`: its last seq (where a checkpoint of the same chain
   * value would stand) and chain value; see {@link chainAt}.
   */
  sealAt(seq: number): ChainHead | undefined {
    if (seq === this.#durableSeq) return this.chainHead;
    if (seq > this.#durableSeq || seq < 0) return undefined;
    if (seq > this.#openedAtSeq) {
      const recent = this.#recentSeals.find(seq);
      if (recent !== undefined) return recent;
    }
    return readChainAt(this.dir, seq);
  }

  /** Buffers one record in memory; `seq` must be exactly `lastSeq + 1`. */
  append(seq: number, payload: Uint8Array): void {
    this.#assertUsable();
    if (seq !== this.#lastSeq + 1) {
      throw new RangeError(`journal append out of order: seq ${seq} after ${this.#lastSeq}`);
    }
    if (payload.byteLength > MAX_PAYLOAD_BYTES) {
      throw new RangeError(`journal payload of ${payload.byteLength} bytes exceeds the limit`);
    }
    const recordBytes = RECORD_HEADER_BYTES + payload.byteLength;
    const roll =
      !this.#projectedHasSegment ||
      (this.#projectedHasRecord && this.#projectedBytes + recordBytes > this.segmentBytes);
    if (roll) this.#projectedBytes = SEGMENT_HEADER_BYTES;
    this.#projectedHasSegment = true;
    // A segment may pass segmentBytes by the seal that closes it (it rolls only between batches).
    this.#projectedBytes += recordBytes + this.#pending.append(seq, payload, roll);
    this.#projectedHasRecord = true;
    this.#lastSeq = seq;
  }

  /**
   * Makes everything appended so far durable and resolves with the durable seq. Calls made while a
   * sync is in flight share the next one; nothing resolves before fdatasync has returned.
   */
  commit(): Promise<number> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    if (this.#pending.isEmpty) {
      if (!this.#flushing) return Promise.resolve(this.#durableSeq);
      return new Promise((resolve, reject) => this.#inFlightWaiters.push({ resolve, reject }));
    }
    const done = new Promise<number>((resolve, reject) => {
      this.#nextWaiters.push({ resolve, reject });
    });
    if (!this.#flushing) {
      // Start on a microtask: commits issued in the same turn (e.g. by every caller a previous sync
      // just released) then share this flush instead of the first one going out alone.
      this.#flushing = true;
      queueMicrotask(() => void this.#flushLoop());
    }
    return done;
  }

  /**
   * Committed records from `fromSeq` (default: the oldest kept) on, read back from disk and checked
   * as they are read.
   */
  /** Last seq when opened: every record up to it was checksummed by the scan at open. */
  /** First seq whose checksum the scan at open verified; readers check the records before it. */
  get checkedFromSeq(): number {
    return this.#checkedFromSeq;
  }

  get openedAtSeq(): number {
    return this.#openedAtSeq;
  }

  read(fromSeq?: number): Iterable<JournalRecord> {
    return readRecords(this.dir, fromSeq, this.#durableSeq);
  }

  /**
   * Deletes whole segments whose every record is below `seq` (history a snapshot already covers);
   * the last segment always stays. Returns how many files were removed. Do not run it while a
   * `read` of those records is in progress.
   */
  async removeSegmentsBefore(seq: number): Promise<number> {
    this.#assertUsable();
    const segments = listSegments(this.dir);
    // A successor holding a durable record is itself durable, directory entry included.
    const limit = Math.min(seq, this.#durableSeq);
    let removed = 0;
    for (let i = 0; i + 1 < segments.length && segments[i + 1]!.firstSeq <= limit; i++) {
      await rm(join(this.dir, segments[i]!.name));
      removed++;
    }
    if (removed > 0) {
      await syncDirectory(this.dir);
      this.#syncCount++;
    }
    return removed;
  }

  /**
   * Durably records that everything durable now is: a lower bound a restart checks the journal
   * against. Runs by itself after commits (at most every `highWaterEveryMs`) and at close.
   */
  async markHighWater(): Promise<void> {
    this.#assertUsable();
    await this.#marking;
    await this.#highWater.write(this.#durableSeq, false);
  }

  #markSoon(): void {
    if (this.#marking !== undefined || this.#closed !== undefined) return;
    const now = performance.now();
    if (now - this.#markedAt < this.#markEveryMs) return;
    this.#markedAt = now;
    this.#marking = this.#highWater.write(this.#durableSeq, false).then(
      () => {
        this.#marking = undefined;
      },
      () => {
        // A mark that failed to write leaves the older one, still a true lower bound; the journal
        // writes themselves report the disk's trouble.
        this.#marking = undefined;
      },
    );
  }

  /**
   * Commits whatever is still appended, then releases the segment file and the lock. A batch
   * stalled for lack of space is abandoned (its commits reject; none was reported durable).
   */
  close(): Promise<void> {
    if (this.#closed === undefined) {
      this.#closed = this.#closeOnce();
      this.#retrySleep.wake();
    }
    return this.#closed;
  }

  async #closeOnce(): Promise<void> {
    try {
      if (this.#failure === undefined && (this.#flushing || !this.#pending.isEmpty)) {
        await this.commit().catch((error: unknown) => {
          if (!isSpaceError(error)) throw error;
        });
      }
      await this.#marking;
      // Only a journal that ends exactly at its durable seq may say its stop was clean.
      if (this.#failure === undefined) {
        await this.#trimGrowth();
        await this.#highWater.write(this.#durableSeq, true);
      }
    } finally {
      await this.#highWater.close().catch(() => {});
      await this.#handle?.close();
      this.#handle = undefined;
      this.#unlock();
    }
  }

  #assertUsable(): void {
    if (this.#closed !== undefined) throw new Error('journal is closed');
    if (this.#failure !== undefined) throw this.#failure;
  }

  async #flushLoop(): Promise<void> {
    while (this.#nextWaiters.length > 0 && this.#failure === undefined) {
      const batch = this.#pending;
      // The batch is written with its seal; the next one follows that seal's chain.
      this.#projectedBytes += batch.seal();
      this.#pending = this.#spare;
      this.#pending.reset(batch.chain);
      this.#spare = batch;
      this.#inFlightWaiters = this.#nextWaiters;
      this.#nextWaiters = [];
      try {
        await this.#writeBatch(batch);
        batch.copyLastChain(this.#durableChain);
        for (const seal of batch.seals) this.#recentSeals.add(seal);
        this.#durableSeq = batch.lastSeq;
        for (const waiter of this.#inFlightWaiters) waiter.resolve(batch.lastSeq);
        this.#markSoon();
      } catch (error) {
        this.#failure = error;
        for (const waiter of this.#inFlightWaiters) waiter.reject(error);
        for (const waiter of this.#nextWaiters) waiter.reject(error);
        this.#nextWaiters = [];
      }
      this.#inFlightWaiters = [];
    }
    this.#flushing = false;
  }

  /**
   * Writes every chunk of the batch; a chunk that fails for lack of space is written again, whole,
   * after a backoff, until it succeeds or the journal is closed. Chunks already written stay written.
   */
  async #writeBatch(batch: PendingBatch): Promise<void> {
    let done = 0;
    for (let attempt = 0; ; attempt++) {
      try {
        for (; done < batch.chunks.length; done++)
          await this.#writeChunk(batch, batch.chunks[done]!);
        break;
      } catch (error) {
        this.#writeErrors++;
        if (!isSpaceError(error) || this.#closed !== undefined) throw error;
        if (this.#stall === undefined) {
          this.#stall = error as Error;
          this.onStall(this.#stall);
        }
        await this.#retrySleep.sleep(retryDelayMs(attempt));
        if (this.#closed !== undefined) throw error;
      }
    }
    if (this.#stall !== undefined) {
      this.#stall = undefined;
      this.onStall(undefined);
    }
  }

  /** Cuts the zeros written ahead off the current segment, durably. */
  async #trimGrowth(): Promise<void> {
    const handle = this.#handle;
    if (handle === undefined || this.#allocated <= this.#position) return;
    await handle.truncate(this.#position);
    await handle.datasync();
    this.#syncCount++;
    this.#allocated = this.#position;
  }

  async #writeChunk(batch: PendingBatch, chunk: BatchChunk): Promise<void> {
    const bytes = batch.bytes(chunk);
    const segmentSeq = chunk.newSegmentSeq;
    if (segmentSeq !== undefined && segmentSeq !== this.#openedSegmentSeq) {
      // Only the last segment may end in zeros (they read as a torn tail, damage anywhere else).
      await this.#trimGrowth();
      await this.#handle?.close();
      this.#handle = undefined;
      this.#handle = await open(
        join(this.dir, segmentFileName(segmentSeq)),
        NEW_SEGMENT_FLAGS,
        PRIVATE_FILE_MODE,
      );
      this.#openedSegmentSeq = segmentSeq;
      this.#position = 0;
      this.#allocated = 0;
    }
    const handle = this.#handle;
    if (handle === undefined) throw new Error('journal has no open segment to write to');
    try {
      this.#allocated = await writeGrowing(handle, bytes, this.#position, this.#allocated);
    } catch (error) {
      // Part of the write may have landed past the records: trim whatever is there at the roll.
      this.#allocated = Number.POSITIVE_INFINITY;
      throw error;
    }
    this.#position += bytes.length;
    if (DSYNC === 0) await handle.datasync();
    this.#syncCount++;
    if (chunk.newSegmentSeq !== undefined) {
      await syncDirectory(this.dir);
      this.#syncCount++;
    }
  }
}
