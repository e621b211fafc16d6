// The journal an engine node's core writes to. As leader, a commit appends the batch to the fenced
// etcd log (one transaction, a quorum's disks) and is durable then; as standby, the commands come
// from the log already. Either way the node's own file journal gets a batch only once it is in the
// log, strictly in log order, so it is always a prefix of the log. Its writes go behind, grouped: one
// O_DSYNC write every `everyMs` (or `bytes`), not one per batch, because on one disk each local fsync
// queues with etcd's, which every acknowledgement waits for (decision 0942). A node restarting after a
// crash finds its journal trailing the log and fetches the rest from it. What reads the node's own
// files (a snapshot, a peer's catch-up, a recomputed replay) waits for, and hastens, the local write.
// A leader may keep several appends in flight (decision 0935); they land, resolve and reach the local
// journal in log order. Once deposed it refuses every commit: the core stops, and the node reopens it
// from its local journal, dropping whatever the engine applied that never reached the log.

import type { FileJournal } from '@bourse/journal';
import { type CoreJournal, observe } from '@bourse/core';
import type { ClusterMetrics } from './cluster-metrics.ts';
import type { Leadership } from './election.ts';
import { type Fence, FencedError, type FencedLog } from './fenced-log.ts';

type Mode =
  | { readonly kind: 'standby' }
  | { readonly kind: 'leader'; readonly fence: Fence; readonly leadership: Leadership }
  | { readonly kind: 'deposed'; readonly reason: string };

/** What this journal needs of the node's own file journal. */
export type LocalJournal = Pick<
  FileJournal,
  'append' | 'commit' | 'close' | 'read' | 'lastSeq' | 'durableSeq'
>;

/** Consecutive records from `fromSeq`, as the core appended them. */
interface Records {
  readonly fromSeq: number;
  readonly payloads: readonly Uint8Array[];
}

interface StoredWaiter {
  readonly seq: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/** How often the local journal is written and synced behind the log. */
export interface LocalSyncPolicy {
  /** Longest a batch waits in memory before the local write starts. */
  readonly everyMs: number;
  /** Payload bytes appended since the last write that start the next one at once. */
  readonly bytes: number;
  /**
   * Records appended since the last write that start the next one at once: a node's unwritten tail
   * stays well under the commands the log keeps behind a snapshot (`logRetainCommands`, 100,000).
   */
  readonly records: number;
}

/** About 10 O_DSYNC writes a second per node under load, against one per batch before. */
export const DEFAULT_LOCAL_SYNC: LocalSyncPolicy = {
  everyMs: 100,
  bytes: 1 << 20,
  records: 10_000,
};

/**
 * Least time between a leader's fenced appends' starts (decision 0946): an append costs etcd about
 * the same CPU whatever it carries, so at 10,000 orders/s on two cores spacing them 12 ms apart
 * halves etcd's CPU per order and lowers the ack tail, while an idle leader's first append still
 * goes out at once.
 */
export const DEFAULT_APPEND_SPACING_MS = 12;

export class ReplicatedJournal implements CoreJournal {
  readonly #local: LocalJournal;
  readonly #log: FencedLog;
  readonly #metrics: ClusterMetrics;
  #mode: Mode = { kind: 'standby' };
  /** Records appended since the last commit: seqs `#bufferFrom …`, consecutive (no object each). */
  #buffer: Uint8Array[] = [];
  #bufferFrom = 0;
  #storedWaiters: StoredWaiter[] = [];
  /** Why a local write behind the log failed: nothing more is taken (the node steps down). */
  #localFailure: Error | undefined;
  readonly #sync: LocalSyncPolicy;
  /** Payload bytes and records appended to the local journal since its last write started. */
  #unsyncedBytes = 0;
  #unsyncedRecords = 0;
  /** The timer that starts the next local write; undefined when none is due. */
  #syncTimer: ReturnType<typeof setTimeout> | undefined;
  /** Fenced appends sent and not settled. */
  #appending = 0;
  /** The last leader commit's step into the local journal, settled (never rejects). */
  #landed: Promise<void> = Promise.resolve();
  /**
   * Fenced appends a leader keeps in flight (decision 0935): with more than 1, a batch's append is
   * sent while earlier ones are in flight, and etcd may take them in one round.
   */
  readonly commitsInFlight: number;
  readonly #appendSpacingMs: number;
  /** Told once when a commit is refused or the local journal fails (the node steps down). */
  onDeposed: (reason: string) => void = () => {};

  constructor(
    local: LocalJournal,
    log: FencedLog,
    metrics: ClusterMetrics,
    sync: LocalSyncPolicy = DEFAULT_LOCAL_SYNC,
    appendsInFlight = 1,
    appendSpacingMs = DEFAULT_APPEND_SPACING_MS,
  ) {
    this.commitsInFlight = appendsInFlight;
    this.#appendSpacingMs = appendSpacingMs;
    this.#local = local;
    this.#log = log;
    this.#metrics = metrics;
    this.#sync = sync;
  }

  /** Only a leader's commits are fenced appends; a standby's take what the log already holds. */
  get commitSpacingMs(): number {
    return this.#mode.kind === 'leader' ? this.#appendSpacingMs : 0;
  }

  get lastSeq(): number {
    return this.#local.lastSeq;
  }

  /**
   * Durable local records from `fromSeq` (at most `maxBytes` of them), for a peer catching up: the
   * bytes as journaled, which the peer journals as they are.
   */
  readRecords(fromSeq: number, maxBytes: number): { fromSeq: number; records: Uint8Array[] } {
    const records: Uint8Array[] = [];
    let first = fromSeq;
    let bytes = 0;
    // The journal's reader hands out each payload as a copy of its own, kept as it is.
    for (const record of this.#local.read(fromSeq)) {
      if (records.length === 0) first = record.seq;
      if (records.length > 0 && bytes + record.payload.length > maxBytes) break;
      records.push(record.payload);
      bytes += record.payload.length;
    }
    return { fromSeq: first, records };
  }

  lead(fence: Fence, leadership: Leadership): void {
    if (this.#mode.kind !== 'standby') throw new Error(`cannot lead from ${this.#mode.kind}`);
    if (fence.seq !== this.#local.lastSeq + this.#buffer.length) {
      throw new Error(`fence at seq ${fence.seq} but the journal is at ${this.#local.lastSeq}`);
    }
    this.#mode = { kind: 'leader', fence, leadership };
  }

  depose(reason: string): void {
    if (this.#mode.kind === 'deposed') return;
    this.#mode = { kind: 'deposed', reason };
    this.onDeposed(reason);
  }

  append(seq: number, payload: Uint8Array): void {
    if (this.#mode.kind === 'deposed') throw new FencedError(this.#mode.reason);
    const buffer = this.#buffer;
    if (buffer.length === 0) this.#bufferFrom = seq;
    else if (seq !== this.#bufferFrom + buffer.length) {
      throw new Error(`seq ${seq} appended after ${this.#bufferFrom + buffer.length - 1}`);
    }
    buffer.push(payload);
  }

  /**
   * Leader: resolves once the batch is in the log, and every batch before it (several appends may
   * be in flight). Standby: at once (its commands came from the log). Either way the batch is then
   * appended to the local journal, in log order, whose write and sync go behind.
   */
  async commit(): Promise<number> {
    const entries: Records = { fromSeq: this.#bufferFrom, payloads: this.#buffer };
    this.#buffer = [];
    const mode = this.#mode;
    if (mode.kind === 'deposed') throw new FencedError(mode.reason);
    if (this.#localFailure !== undefined) throw this.#localFailure;
    if (mode.kind === 'standby') {
      if (entries.payloads.length > 0) this.#toLocal(entries);
      return this.#local.lastSeq;
    }
    if (entries.payloads.length === 0) {
      await this.#landed;
      return this.#local.lastSeq;
    }
    // Sent now, in commit order: the fence orders the transactions, `#inLog` the local appends.
    const landed = this.#inLog(this.#landed, this.#appendToLog(mode, entries.payloads), entries);
    this.#landed = landed.catch(() => {});
    await landed;
    return entries.fromSeq + entries.payloads.length - 1;
  }

  /**
   * Once this batch's append and every earlier one succeeded, in that order: only now may the local
   * journal have it, so it stays a prefix of the log.
   */
  async #inLog(previous: Promise<void>, appended: Promise<void>, entries: Records): Promise<void> {
    await appended;
    await previous;
    if (this.#localFailure !== undefined) throw this.#localFailure;
    this.#toLocal(entries);
  }

  /** Into the local journal (in memory); its write and sync go behind. */
  #toLocal({ fromSeq, payloads }: Records): void {
    for (let i = 0; i < payloads.length; i++) {
      this.#local.append(fromSeq + i, payloads[i]!);
      this.#unsyncedBytes += payloads[i]!.length;
    }
    this.#unsyncedRecords += payloads.length;
    this.#syncSoon();
  }

  /**
   * Resolves once the local journal holds `seq` durably: what reads the node's own files (snapshots,
   * time-travel reads, recomputed replays) waits for, since the local write goes behind the log.
   */
  stored(seq: number): Promise<void> {
    if (seq <= this.#local.durableSeq) return Promise.resolve();
    if (this.#localFailure !== undefined) return Promise.reject(this.#localFailure);
    const waiting = new Promise<void>((resolve, reject) =>
      this.#storedWaiters.push({ seq, resolve, reject }),
    );
    // A reader waits for it: the write goes now, not at the next interval.
    if (this.#unsyncedRecords > 0) this.#syncNow();
    return waiting;
  }

  /** Starts the local write once enough is appended, a reader waits, or the interval passed. */
  #syncSoon(): void {
    const due =
      this.#unsyncedBytes >= this.#sync.bytes || this.#unsyncedRecords >= this.#sync.records;
    if (due || this.#storedWaiters.length > 0) {
      this.#syncNow();
    } else if (this.#syncTimer === undefined) {
      this.#syncTimer = setTimeout(() => this.#syncNow(), this.#sync.everyMs);
    }
  }

  /**
   * The local write and sync of everything appended so far; nothing waits for it but readers of the
   * node's own files. The file journal shares one write among calls made while another is in flight.
   */
  #syncNow(): void {
    clearTimeout(this.#syncTimer);
    this.#syncTimer = undefined;
    this.#unsyncedBytes = 0;
    this.#unsyncedRecords = 0;
    const started = performance.now();
    this.#local.commit().then(
      (durable) => {
        observe(this.#metrics.localCommitSeconds, (performance.now() - started) / 1000);
        this.#releaseStored(durable);
      },
      (error: unknown) => {
        const failure = error instanceof Error ? error : new Error(String(error));
        this.#localFailure ??= failure;
        this.#rejectStored(failure);
        // The log has the batches; this node cannot keep them. Another node leads, and this one
        // reopens from its journal and fetches the rest from the log, or reports its disk.
        this.depose(`the local journal failed: ${failure.message}`);
      },
    );
  }

  #releaseStored(durable: number): void {
    if (this.#storedWaiters.length === 0) return;
    const still: StoredWaiter[] = [];
    for (const w of this.#storedWaiters) {
      if (w.seq <= durable) w.resolve();
      else still.push(w);
    }
    this.#storedWaiters = still;
  }

  #rejectStored(error: Error): void {
    const waiters = this.#storedWaiters;
    this.#storedWaiters = [];
    for (const w of waiters) w.reject(error);
  }

  async #appendToLog(
    mode: Extract<Mode, { kind: 'leader' }>,
    records: readonly Uint8Array[],
  ): Promise<void> {
    const { fence, leadership } = mode;
    // No local check of the lease here: the transaction itself is refused once the election key is
    // gone, and a lease etcd renewed across its own leader change is still good.
    const deadline = Math.max(Date.now(), leadership.validUntil) + leadership.ttlMs;
    // The log holds the records exactly as the local journal will: nothing is decoded here.
    const started = performance.now();
    if (this.#appending > 0) this.#metrics.overlappedAppends++;
    this.#appending++;
    try {
      await this.#log.append(fence, records, deadline);
    } catch (error) {
      this.#metrics.fencedAppends++;
      this.depose(error instanceof Error ? error.message : String(error));
      throw error;
    } finally {
      this.#appending--;
      this.#metrics.resentAppends = this.#log.resent;
    }
    observe(this.#metrics.appendLatencySeconds, (performance.now() - started) / 1000);
    this.#metrics.appendedBatches++;
  }

  /** Writes what the local journal holds (all of it in the log) and releases the file. */
  async close(): Promise<void> {
    this.#buffer = [];
    clearTimeout(this.#syncTimer);
    this.#syncTimer = undefined;
    try {
      await this.#local.close();
      this.#releaseStored(this.#local.durableSeq);
    } finally {
      this.#rejectStored(new Error('the journal is closed'));
    }
  }
}
