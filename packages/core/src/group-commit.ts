// Drives the journal's durability: at most one commit is in flight (or the journal's
// `commitsInFlight`, for a journal whose commits may overlap and resolve in order: a cluster leader's
// fenced appends); appends made meanwhile ride on the next one. So the number of commits (and fsyncs)
// adapts to load: one per command when idle, one per thousands when busy. A journal whose commits
// cost the same whatever they carry (a cluster leader's etcd transaction) may also ask for a least
// time between two commits' starts: commands arriving meanwhile ride on the next one (decision 0946).

import type { CoreMetrics, SequencerStats } from './exchange-core.ts';
import { observe } from './histogram.ts';
import { processTimeline } from './timeline.ts';

/** The part of the journal group commit needs. */
export interface Committable {
  commit(): Promise<number>;
  /** Most commits that may be in flight at once (default 1); they must resolve in order. */
  readonly commitsInFlight?: number;
  /** Least time between two commits' starts in ms (default 0); read at each start. */
  readonly commitSpacingMs?: number;
}

export class GroupCommit {
  readonly #journal: Committable;
  readonly #metrics: CoreMetrics;
  readonly #stats: SequencerStats;
  readonly #onDurable: (durableSeq: number) => void;
  readonly #onError: (error: unknown) => void;
  readonly #onStart: (seq: number) => void;
  readonly #depth: number;
  #wanted: number;
  #durable: number;
  /** The last seq a started commit covers. */
  #started: number;
  #inFlight = 0;
  /** The last started commit's bookkeeping: each waits for the one before, so they end in order. */
  #last: Promise<void> = Promise.resolve();
  /** Set when a commit failed: the ones after it in flight are not reported durable. */
  #broken = false;
  /** When the last commit started (`performance.now()`). */
  #lastStartAt = Number.NEGATIVE_INFINITY;
  /** The timer that starts the next commit once the spacing has passed. */
  #spacingTimer: ReturnType<typeof setTimeout> | undefined;

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
    this.#started = durableSeq;
    this.#depth = Math.max(1, journal.commitsInFlight ?? 1);
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
    while (this.#inFlight < this.#depth && this.#wanted > this.#started) {
      const spacing = this.#journal.commitSpacingMs ?? 0;
      const wait = spacing > 0 ? this.#lastStartAt + spacing - performance.now() : 0;
      if (wait > 0) {
        this.#spacingTimer ??= setTimeout(() => {
          this.#spacingTimer = undefined;
          this.request(this.#wanted);
        }, wait);
        return;
      }
      this.#start();
    }
  }

  /** Resolves once no commit is in flight (after the last requested seq is durable or failed). */
  async idle(): Promise<void> {
    // A commit held back by the spacing starts now: whoever waits for idle wants it done.
    if (this.#spacingTimer !== undefined) {
      clearTimeout(this.#spacingTimer);
      this.#spacingTimer = undefined;
      this.#lastStartAt = Number.NEGATIVE_INFINITY;
      this.request(this.#wanted);
    }
    while (this.#inFlight > 0) await this.#last;
  }

  #start(): void {
    const target = this.#wanted;
    this.#started = target;
    this.#inFlight++;
    this.#stats.journalCommits++;
    this.#onStart(target);
    const started = performance.now();
    this.#lastStartAt = started;
    const before = this.#last;
    // Called now, in order: the journal takes what was appended so far as this commit.
    const commit = this.#journal.commit();
    this.#last = this.#finish(commit, before, target, started);
  }

  async #finish(
    commit: Promise<number>,
    before: Promise<void>,
    target: number,
    started: number,
  ): Promise<void> {
    let durable: number | undefined;
    let failure: unknown;
    try {
      durable = await commit;
    } catch (error) {
      failure = error;
    }
    await before;
    this.#inFlight--;
    try {
      if (failure !== undefined) throw failure;
      if (this.#broken) throw new Error('an earlier journal commit failed');
      this.#metrics.journalFsyncs++;
      const ended = performance.now();
      observe(this.#metrics.fsyncLatencySeconds, (ended - started) / 1000);
      processTimeline.record('journal_write', ended - started, started);
      this.lastCommit = { startedAt: started, endedAt: ended };
      if (durable! < target && durable! <= this.#durable) {
        throw new Error(`journal commit made no progress (durable ${durable}, want ${target})`);
      }
      if (durable! > this.#durable) this.#durable = durable!;
      // A commit can cover more than it was asked for (all that was appended when it wrote).
      if (this.#durable > this.#started) this.#started = this.#durable;
      // The next commit goes out before this one's acknowledgements run (their listeners fan the
      // batch out synchronously): the disk does not wait for the thread to finish them.
      this.request(this.#wanted);
      this.#onDurable(this.#durable);
    } catch (error) {
      const first = !this.#broken;
      this.#broken = true;
      // What failed is committed again on the next request, as with one commit at a time.
      this.#started = this.#durable;
      if (first || failure !== undefined) this.#onError(error);
      return;
    } finally {
      if (this.#inFlight === 0) this.#broken = false;
    }
    this.request(this.#wanted);
  }
}
