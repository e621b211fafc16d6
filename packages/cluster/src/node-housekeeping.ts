// An engine node's housekeeping, every few seconds: a standby's lag behind the log and the term it
// saw there, the leader's trim of the log behind its newest snapshot, and etcd's size and NOSPACE
// alarm. None of it detects a failure, so a round etcd does not answer is simply skipped.

import { readdirSync } from 'node:fs';
import type { Etcd3 } from 'etcd3';
import type { ClusterMetrics } from './cluster-metrics.ts';
import type { FencedLog } from './fenced-log.ts';
import type { HashBook } from './hash-book.ts';

export const HOUSEKEEPING_MS = 5_000;

/** Whether a member's status `errors` name a NOSPACE alarm (`memberID:… alarm:NOSPACE`). */
export function noSpaceAlarm(errors: readonly string[] | undefined): boolean {
  return (errors ?? []).some((e) => /\balarm:NOSPACE\b/.test(e));
}

export interface HousekeepingOptions {
  readonly etcd: Etcd3;
  readonly log: FencedLog;
  readonly hashes: HashBook;
  readonly metrics: ClusterMetrics;
  /** Where the node's core keeps its `snapshots` directory. */
  readonly dataDir: string;
  /** Commands kept in the log behind the newest local snapshot before trimming (default 100,000). */
  readonly logRetainCommands?: number | undefined;
  readonly role: () => 'leader' | 'standby';
  /** The seq the node's core has made durable (0 while it has none open). */
  readonly appliedSeq: () => number;
  /** A standby learns the cluster's term from the log's head. */
  readonly sawTerm: (term: number) => void;
}

export class NodeHousekeeping {
  readonly #o: HousekeepingOptions;
  #lastTrim = 0;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(opts: HousekeepingOptions) {
    this.#o = opts;
  }

  start(): void {
    this.#timer = setInterval(() => void this.run(), HOUSEKEEPING_MS);
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** Lag, log trimming behind snapshots, etcd's size and alarms. */
  async run(): Promise<void> {
    try {
      await withTimeout(this.#once(), HOUSEKEEPING_MS);
    } catch {
      // etcd unreachable for a moment: the next round looks again.
    }
  }

  async #once(): Promise<void> {
    const o = this.#o;
    const head = await o.log.head();
    if (o.role() === 'standby') {
      o.metrics.lagCommands = Math.max(0, head.seq - o.appliedSeq());
      o.sawTerm(head.term);
    } else {
      await this.#trim();
    }
    // The status lists the member's active alarms in `errors`. Not an alarm `Get`: etcd runs that
    // through Raft, one log entry and a WAL fsync on every member per call, 9 a second from three
    // nodes on the disk every acknowledgement's quorum fsync waits on.
    const status = await o.etcd.maintenance.status();
    o.metrics.etcdDbSizeBytes = Number(status.dbSize);
    o.metrics.etcdNoSpaceAlarm = noSpaceAlarm(status.errors) ? 1 : 0;
  }

  /** The leader trims the log behind its newest snapshot, keeping `logRetainCommands` for standbys. */
  async #trim(): Promise<void> {
    const o = this.#o;
    const snapshotSeq = newestSnapshotSeq(`${o.dataDir}/snapshots`);
    const cut = snapshotSeq - (o.logRetainCommands ?? 100_000);
    if (cut <= this.#lastTrim + 1) return;
    o.metrics.trimmedBatches += await o.log.trimBefore(cut);
    await o.hashes.trimBefore(cut);
    this.#lastTrim = cut;
  }
}

function newestSnapshotSeq(dir: string): number {
  let newest = 0;
  try {
    for (const name of readdirSync(dir)) {
      const match = /^snapshot-(\d+)\.snap$/.exec(name);
      if (match !== null) newest = Math.max(newest, Number(match[1]));
    }
  } catch {
    // No snapshot yet.
  }
  return newest;
}

/** `promise`, or a rejection after `ms` (the work itself goes on). */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
