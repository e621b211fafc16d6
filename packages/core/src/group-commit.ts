// Drives the journal's durability: at most one commit is in flight; appends made meanwhile ride on the
// next one. So the number of commits (and fsyncs) adapts to load: one per command when idle, one per
// thousands when busy, and never more than one in flight.

import type { CoreMetrics, SequencerStats } from './exchange-core.ts';
import { observe } from './histogram.ts';

/** The part of the journal group commit needs. */
export interface Committable {
  commit(): Promise<number>;
}

export class GroupCommit {
  readonly #journal: Committable;
  readonly #metrics: CoreMetrics;
  readonly #stats: SequencerStats;
  readonly #onDurable: (durableSeq: number) => void;
  readonly #onError: (error: unknown) => void;
  readonly #onStart: (seq: number) => void;
  #wanted: number;
  #durable: number;
  #inFlight: Promise<void> | undefined;

  constructor(
    journal: Committable,
    durableSeq: number,
    metrics: CoreMetrics,
    stats: SequencerStats,
    onDurable: (durableSeq: number) => void,
    onError: (error: unknown) => void,
    /** Called as each commit starts, with the last seq it will make durable. */
    onStart: (seq: number) => void = () => {},
  ) {
    this.#journal = journal;
    this.#metrics = metrics;
    this.#stats = stats;
    this.#durable = durableSeq;
    this.#wanted = durableSeq;
    this.#onDurable = onDurable;
    this.#onError = onError;
    this.#onStart = onStart;
  }

  get durableSeq(): number {
    return this.#durable;
  }

  /** The last journal commit that returned: when it started and ended (`performance.now()`). */
  lastCommit = { startedAt: 0, endedAt: 0 };

  /** Asks for everything up to `seq` (already appended) to become durable. */
  request(seq: number): void {
    if (seq > this.#wanted) this.#wanted = seq;
    if (this.#inFlight === undefined && this.#wanted > this.#durable) this.#inFlight = this.#run();
  }

  /** Resolves once no commit is in flight (after the last requested seq is durable or failed). */
  async idle(): Promise<void> {
    while (this.#inFlight !== undefined) await this.#inFlight;
  }

  async #run(): Promise<void> {
    try {
      while (this.#wanted > this.#durable) {
        const started = performance.now();
        this.#stats.journalCommits++;
        this.#onStart(this.#wanted);
        const durable = await this.#journal.commit();
        this.#metrics.journalFsyncs++;
        const ended = performance.now();
        observe(this.#metrics.fsyncLatencySeconds, (ended - started) / 1000);
        this.lastCommit = { startedAt: started, endedAt: ended };
        if (durable < this.#wanted && durable <= this.#durable) {
          throw new Error(
            `journal commit made no progress (durable ${durable}, want ${this.#wanted})`,
          );
        }
        this.#durable = durable;
        this.#onDurable(durable);
      }
    } catch (error) {
      this.#onError(error);
    } finally {
      this.#inFlight = undefined;
    }
  }
}
