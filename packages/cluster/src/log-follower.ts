// A standby's reader of the log: reads the batches after its applied seq with ranged gets until it is
// caught up, then watches the batch keys from the revision it read at, so nothing between the read and
// the watch is missed. Any gap (a watch reconnect, a compacted revision) sends it back to ranged reads.
// Batches are handed over one at a time, in seq order, each sliced to start right after the last one.

import type { FencedLog } from './fenced-log.ts';
import { type LogBatch, parseBatch } from './log-format.ts';

/** Batches per ranged read while catching up. */
const READ_LIMIT = 64;
/**
 * A watch that brings nothing for this long is checked against the log's head: kept while the head
 * shows nothing it missed (an idle log), replaced by a ranged read and a new watch otherwise (a watch
 * on a member that stopped answering without closing its connection brings nothing).
 */
const WATCH_CHECK_MS = 5000;

/** The log no longer holds the next seq this node needs: it must restore a snapshot first. */
export class BehindLogError extends Error {
  readonly nextSeq: number;
  readonly firstSeq: number;

  constructor(nextSeq: number, firstSeq: number) {
    super(`the log starts at seq ${firstSeq}; this node needs ${nextSeq}: restore a snapshot`);
    this.name = 'BehindLogError';
    this.nextSeq = nextSeq;
    this.firstSeq = firstSeq;
  }
}

export class LogFollower {
  readonly #log: FencedLog;
  readonly #apply: (batch: LogBatch) => Promise<void>;
  readonly #stop = new AbortController();
  #next: number;
  #done: Promise<void> | undefined;

  constructor(log: FencedLog, nextSeq: number, apply: (batch: LogBatch) => Promise<void>) {
    this.#log = log;
    this.#next = nextSeq;
    this.#apply = apply;
  }

  get nextSeq(): number {
    return this.#next;
  }

  /** Runs until `stop`; rejects on an apply failure or when the log no longer holds `nextSeq`. */
  run(): Promise<void> {
    this.#done ??= this.#loop();
    return this.#done;
  }

  /** Stops after the batch being applied (if any) and waits for that. */
  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#done?.catch(() => {});
  }

  /** Applies everything up to the log's head as of now, then returns (used before leading). */
  async catchUp(): Promise<number> {
    for (;;) {
      const revision = await this.#readRange();
      if (revision !== undefined) return this.#next - 1;
    }
  }

  async #loop(): Promise<void> {
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      const revision = await this.#readRange();
      if (revision === undefined || signal.aborted) continue;
      await this.#watchFrom(revision + 1);
    }
  }

  /** One ranged read; the revision it was read at when it reached the end, else undefined. */
  async #readRange(): Promise<number | undefined> {
    const { batches, revision } = await this.#log.read(this.#next, READ_LIMIT);
    if (batches.length === 0 || batches[0]!.fromSeq > this.#next) {
      const head = await this.#log.head();
      if (head.seq >= this.#next) {
        throw new BehindLogError(this.#next, await this.#log.firstSeq());
      }
    }
    for (const batch of batches) {
      if (this.#stop.signal.aborted) return undefined;
      await this.#take(batch);
    }
    return batches.length < READ_LIMIT ? revision : undefined;
  }

  async #take(batch: LogBatch): Promise<boolean> {
    if (batch.toSeq < this.#next) return true;
    if (batch.fromSeq > this.#next) return false;
    const skip = this.#next - batch.fromSeq;
    const sliced: LogBatch =
      skip === 0 ? batch : { ...batch, fromSeq: this.#next, records: batch.records.slice(skip) };
    await this.#apply(sliced);
    this.#next = batch.toSeq + 1;
    return true;
  }

  /** Whether the log's head is past what this node applied and the watch has not delivered. */
  async #missedSome(): Promise<boolean> {
    try {
      return (await this.#log.head()).seq >= this.#next;
    } catch {
      return true;
    }
  }

  /** Applies watched batches in order until a gap, an error, a quiet spell or `stop`. */
  async #watchFrom(revision: number): Promise<void> {
    const signal = this.#stop.signal;
    const watcher = await this.#log.client
      .watch()
      .prefix(this.#log.batchPrefix)
      .startRevision(String(revision))
      .create();
    const queue: LogBatch[] = [];
    let wake: (() => void) | undefined;
    let broken = false;
    const poke = () => {
      wake?.();
      wake = undefined;
    };
    const breakOff = () => {
      broken = true;
      poke();
    };
    watcher.on('put', (kv) => {
      try {
        queue.push(parseBatch(kv.value, kv.key.toString()));
        poke();
      } catch {
        // A batch this node cannot read: the ranged read that follows reports it.
        breakOff();
      }
    });
    watcher.on('error', breakOff);
    watcher.on('disconnected', breakOff);
    signal.addEventListener('abort', poke, { once: true });
    try {
      while (!signal.aborted && !broken) {
        const batch = queue.shift();
        if (batch === undefined) {
          const quiet = await new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => resolve(true), WATCH_CHECK_MS);
            wake = () => {
              clearTimeout(timer);
              resolve(false);
            };
          });
          if (quiet && (await this.#missedSome())) return;
          continue;
        }
        if (!(await this.#take(batch))) return;
      }
    } finally {
      signal.removeEventListener('abort', poke);
      // Awaited, though it costs a round trip: etcd3's watch manager ends its shared stream when the
      // last watcher's cancel comes back, and a watch opened before that settles can be left on the
      // ended stream (cluster tests stalled that way when this was not awaited).
      await watcher.cancel().catch(() => {});
    }
  }
}
