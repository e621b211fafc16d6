// The journal an engine node's core writes to. As leader, a commit first appends the batch to the fenced
// etcd log (one transaction, a quorum's disks) and only then to the node's own file journal, so the
// local journal is always a prefix of the log. As standby, the commands come from the log already and
// go to the local journal only. Once deposed it refuses every commit: the core stops, and the node
// reopens it from its local journal, dropping whatever the engine applied that never reached the log.

import type { FileJournal } from '@bourse/journal';
import { type CoreJournal, observe } from '@bourse/core';
import type { ClusterMetrics } from './cluster-metrics.ts';
import type { Leadership } from './election.ts';
import { type Fence, FencedError, type FencedLog } from './fenced-log.ts';

type Mode =
  | { readonly kind: 'standby' }
  | { readonly kind: 'leader'; readonly fence: Fence; readonly leadership: Leadership }
  | { readonly kind: 'deposed'; readonly reason: string };

export class ReplicatedJournal implements CoreJournal {
  readonly #local: FileJournal;
  readonly #log: FencedLog;
  readonly #metrics: ClusterMetrics;
  #mode: Mode = { kind: 'standby' };
  #buffer: { seq: number; payload: Uint8Array }[] = [];
  /** Told once when a commit is refused (the node steps down). */
  onDeposed: (reason: string) => void = () => {};

  constructor(local: FileJournal, log: FencedLog, metrics: ClusterMetrics) {
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

  async commit(): Promise<number> {
    const entries = this.#buffer;
    this.#buffer = [];
    const mode = this.#mode;
    if (mode.kind === 'deposed') throw new FencedError(mode.reason);
    if (entries.length > 0 && mode.kind === 'leader') await this.#appendToLog(mode, entries);
    for (const { seq, payload } of entries) this.#local.append(seq, payload);
    // etcd holds the batch on a quorum's disks already; the local copy is synced as well, so a node
    // restarting from its own journal never has to fetch what it had acknowledged.
    const started = performance.now();
    const durable = await this.#local.commit();
    observe(this.#metrics.localCommitSeconds, (performance.now() - started) / 1000);
    return durable;
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

  close(): Promise<void> {
    this.#buffer = [];
    return this.#local.close();
  }
}
