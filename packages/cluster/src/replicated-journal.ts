// The journal an engine node's core writes to. As leader, a commit appends the batch to the fenced
// etcd log (one transaction, a quorum's disks) and is durable then: the node's own file journal gets
// the batch only after that, strictly in log order, and writes it behind the acknowledgement, before
// the next batch's append goes out. So the local journal is always a prefix of the log, possibly
// trailing it by the batch still being written (a node restarting after a crash fetches it from the
// log).
// As standby, the commands come from the log already and a commit is the local write. Once deposed it
// refuses every commit: the core stops, and the node reopens it from its local journal, dropping
// whatever the engine applied that never reached the log.

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

interface StoredWaiter {
  readonly seq: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

export class ReplicatedJournal implements CoreJournal {
  readonly #local: LocalJournal;
  readonly #log: FencedLog;
  readonly #metrics: ClusterMetrics;
  #mode: Mode = { kind: 'standby' };
  #buffer: { seq: number; payload: Uint8Array }[] = [];
  #storedWaiters: StoredWaiter[] = [];
  /** Why a local write behind the log failed: nothing more is taken (the node steps down). */
  #localFailure: Error | undefined;
  /** The leader's local write of its last appended batch, settled or not. */
  #localWrite: Promise<void> = Promise.resolve();
  /** Told once when a commit is refused or the local journal fails (the node steps down). */
  onDeposed: (reason: string) => void = () => {};

  constructor(local: LocalJournal, log: FencedLog, metrics: ClusterMetrics) {
    this.#local = local;
    this.#log = log;
    this.#metrics = metrics;
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
    this.#buffer.push({ seq, payload });
  }

  /**
   * Leader: resolves once the batch is in the log (everything appended locally so far is), with the
   * local write started behind it. Standby: once the local journal holds the batch.
   */
  async commit(): Promise<number> {
    const entries = this.#buffer;
    this.#buffer = [];
    const mode = this.#mode;
    if (mode.kind === 'deposed') throw new FencedError(mode.reason);
    if (this.#localFailure !== undefined) throw this.#localFailure;
    if (mode.kind === 'standby') {
      for (const { seq, payload } of entries) this.#local.append(seq, payload);
      const started = performance.now();
      const durable = await this.#local.commit();
      observe(this.#metrics.localCommitSeconds, (performance.now() - started) / 1000);
      this.#releaseStored(durable);
      return durable;
    }
    if (entries.length === 0) return this.#local.lastSeq;
    // The previous batch's local write runs between two appends, not during one: on a disk it shares
    // with etcd (one machine's cluster) a write overlapping the append slows the append every ack
    // waits for. Its failure is this commit's (below).
    await this.#localWrite;
    if (this.#localFailure !== undefined) throw this.#localFailure;
    await this.#appendToLog(mode, entries);
    // In the log now: only now may the local journal have it, so it stays a prefix of the log.
    for (const { seq, payload } of entries) this.#local.append(seq, payload);
    this.#localWrite = this.#writeLocalBehind();
    return this.#local.lastSeq;
  }

  /**
   * Resolves once the local journal holds `seq` durably: what reads the node's own files (snapshots,
   * time-travel reads, a peer's catch-up) waits for, since a leader acknowledges before its write.
   */
  stored(seq: number): Promise<void> {
    if (seq <= this.#local.durableSeq) return Promise.resolve();
    if (this.#localFailure !== undefined) return Promise.reject(this.#localFailure);
    return new Promise((resolve, reject) => this.#storedWaiters.push({ seq, resolve, reject }));
  }

  /** The local write and fsync of what was just appended; the acknowledgement does not wait for it. */
  #writeLocalBehind(): Promise<void> {
    const started = performance.now();
    return this.#local.commit().then(
      (durable) => {
        observe(this.#metrics.localCommitSeconds, (performance.now() - started) / 1000);
        this.#releaseStored(durable);
      },
      (error: unknown) => {
        const failure = error instanceof Error ? error : new Error(String(error));
        this.#localFailure ??= failure;
        this.#rejectStored(failure);
        // The log has the batch; this node cannot keep it. Another node leads, and this one
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
    entries: readonly { seq: number; payload: Uint8Array }[],
  ): Promise<void> {
    const { fence, leadership } = mode;
    // No local check of the lease here: the transaction itself is refused once the election key is
    // gone, and a lease etcd renewed across its own leader change is still good.
    const deadline = Math.max(Date.now(), leadership.validUntil) + leadership.ttlMs;
    // The log holds the records exactly as the local journal will: nothing is decoded here.
    const records = entries.map((e) => e.payload);
    const started = performance.now();
    try {
      await this.#log.append(fence, records, deadline);
    } catch (error) {
      this.#metrics.fencedAppends++;
      this.depose(error instanceof Error ? error.message : String(error));
      throw error;
    }
    observe(this.#metrics.appendLatencySeconds, (performance.now() - started) / 1000);
    this.#metrics.appendedBatches++;
  }

  /** Writes what the local journal holds (all of it in the log) and releases the file. */
  async close(): Promise<void> {
    this.#buffer = [];
    try {
      await this.#local.close();
      this.#releaseStored(this.#local.durableSeq);
    } finally {
      this.#rejectStored(new Error('the journal is closed'));
    }
  }
}
