// What the server's threads and the disk did in each short window of a run (250 ms by default): for
// each kind of event its count, total and longest duration. Percentiles over a whole run cannot say
// whether a tail came from one stall (a collection, a slow journal write, a snapshot) or from a steady
// spread; set beside a load generator's latency per window, these figures can. Recording starts only
// when asked (`/timeline?start` on the server, which `bourse loadtest --windows` uses): until then
// `record` returns at its first check, so a server nobody measures pays nothing.

import { constants, type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';

/** What is timed, in the order a report lists them. */
export const TIMELINE_KINDS = [
  /** One durable journal write of the group commit (its start to its return). */
  'journal_write',
  /** The oldest command of each acknowledged batch: submitted → acknowledged. */
  'core',
  /** An engine batch's round trip: posted → its events back on the main thread. */
  'engine',
  /** How late the main thread's delay sampler fired. */
  'event_loop_delay',
  /** The main thread's collections, by kind (V8's own timing, through `perf_hooks`). */
  'gc_minor',
  'gc_major',
  'gc_other',
  /** A snapshot: the engine thread's serialisation (asked → bytes back) and the file's save. */
  'snapshot_engine',
  'snapshot_save',
  /** The read models' thread: durable marks posted → stored. */
  'read_models',
] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

const KIND_INDEX = new Map<string, number>(TIMELINE_KINDS.map((k, i) => [k, i]));

export interface TimelineFigure {
  readonly n: number;
  readonly sumMs: number;
  readonly maxMs: number;
}

export interface TimelineWindow {
  /** Window start, ms since the epoch (`performance.timeOrigin` + its `performance.now()`). */
  readonly atEpochMs: number;
  readonly figures: Partial<Record<TimelineKind, TimelineFigure>>;
}

export interface TimelineReport {
  readonly windowMs: number;
  readonly windows: readonly TimelineWindow[];
}

/** Windows kept at most: two minutes at 250 ms, so a forgotten recording stays bounded. */
const MAX_WINDOWS = 480;

export class Timeline {
  #windowMs = 250;
  #startedAt = Number.NaN;
  #windows = 0;
  /** Per window and kind: count, sum, max. */
  #figures = new Float64Array(0);
  #gc: PerformanceObserver | undefined;

  get recording(): boolean {
    return !Number.isNaN(this.#startedAt);
  }

  /**
   * Starts a fresh recording (what an earlier one held is dropped), its windows counted from
   * `fromEpochMs` (default now): a caller on another clock's process can align them with its own.
   */
  start(windowMs = 250, fromEpochMs = performance.timeOrigin + performance.now()): void {
    if (!(windowMs >= 10 && windowMs <= 10_000))
      throw new RangeError('window must be 10–10,000 ms');
    this.#windowMs = windowMs;
    this.#windows = MAX_WINDOWS;
    this.#figures = new Float64Array(MAX_WINDOWS * TIMELINE_KINDS.length * 3);
    this.#startedAt = fromEpochMs - performance.timeOrigin;
    if (this.#gc === undefined) {
      this.#gc = new PerformanceObserver((list) => {
        for (const e of list.getEntries()) this.record(gcKind(e), e.duration, e.startTime);
      });
      this.#gc.observe({ entryTypes: ['gc'] });
    }
  }

  stop(): void {
    this.#gc?.disconnect();
    this.#gc = undefined;
    this.#startedAt = Number.NaN;
  }

  /** Something of `kind` took `ms`, starting at `at` (`performance.now()` time). */
  record(kind: TimelineKind, ms: number, at = performance.now() - ms): void {
    if (Number.isNaN(this.#startedAt)) return;
    const w = Math.floor((at - this.#startedAt) / this.#windowMs);
    if (w < 0 || w >= this.#windows) return;
    const i = (w * TIMELINE_KINDS.length + KIND_INDEX.get(kind)!) * 3;
    const f = this.#figures;
    f[i]!++;
    f[i + 1]! += ms;
    if (ms > f[i + 2]!) f[i + 2] = ms;
  }

  /** The windows recorded so far, up to the current one. */
  report(): TimelineReport {
    const windows: TimelineWindow[] = [];
    if (Number.isNaN(this.#startedAt)) return { windowMs: this.#windowMs, windows };
    const last = Math.min(
      this.#windows - 1,
      Math.floor((performance.now() - this.#startedAt) / this.#windowMs),
    );
    const origin = performance.timeOrigin + this.#startedAt;
    for (let w = 0; w <= last; w++) {
      const figures: Partial<Record<TimelineKind, TimelineFigure>> = {};
      TIMELINE_KINDS.forEach((kind, k) => {
        const i = (w * TIMELINE_KINDS.length + k) * 3;
        const n = this.#figures[i]!;
        if (n === 0) return;
        const round = (x: number) => Math.round(x * 1000) / 1000;
        figures[kind] = {
          n,
          sumMs: round(this.#figures[i + 1]!),
          maxMs: round(this.#figures[i + 2]!),
        };
      });
      windows.push({ atEpochMs: origin + w * this.#windowMs, figures });
    }
    return { windowMs: this.#windowMs, windows };
  }
}

function gcKind(e: PerformanceEntry): TimelineKind {
  const kind = (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
  if (kind === constants.NODE_PERFORMANCE_GC_MINOR) return 'gc_minor';
  if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) return 'gc_major';
  return 'gc_other';
}

/** The process's main-thread timeline: the core, the journal's commits and the gateway record here. */
export const processTimeline = new Timeline();
