// The three measurements of the engine suite, each on a fresh book: throughput (one hrtime pair around
// a whole replay, runs interleaved between the books, each after an untimed warm-up replay), latency per command (every call
// timed, timer overhead measured beside it and not subtracted), and memory per resting order (growth
// of a fresh book's heap and ArrayBuffers after resting N orders, between full collections).

import { PerformanceObserver } from 'node:perf_hooks';
import { GCProfiler } from 'node:v8';
import type { BookDriver, WorkloadColumns } from '@bourse/benchkit';
import type { LatencyNs, RestingOrderBytes } from '../report.ts';

type GcOptions = { type: 'major' | 'minor'; execution: 'sync' | 'async' };
const exposed = (globalThis as { gc?: (o?: GcOptions) => void }).gc;
const gcMajor = (): void => exposed?.({ type: 'major', execution: 'sync' });
export const gcAvailable = exposed !== undefined;

export interface Rate {
  /** Commands per wall-clock second: the figure. */
  readonly wall: number;
  /**
   * Commands per second of the main thread's own CPU time (`process.threadCpuUsage`): what the book
   * would do on an idle core. On a shared machine it moves far less than the wall figure.
   */
  readonly cpu: number;
}

/** One book and its prepared stream, ready for timed replays on fresh books. */
export interface Replayer {
  readonly name: string;
  /** Untimed replay so the timed loop and the book reach optimised code. */
  warmUp(): void;
  /** One timed replay on a fresh book: commands per wall-clock second and per CPU second. */
  timedRun(): Promise<Rate>;
  /** Whether every timed replay so far ended with the expected book. */
  readonly valid: boolean;
  /** `performance.now()` intervals of the timed replays, to attribute GC pauses to them. */
  readonly intervals: readonly (readonly [number, number])[];
}

export function replayer<C, P>(
  d: BookDriver<C, P>,
  payloads: readonly P[],
  check: (ctx: C) => boolean,
): Replayer {
  let valid = true;
  const intervals: [number, number][] = [];
  return {
    name: d.name,
    intervals,
    warmUp: () => d.replay(d.create(), payloads),
    async timedRun() {
      const ctx = d.create();
      await settle();
      const start = performance.now();
      const cpu0 = process.threadCpuUsage();
      const t0 = process.hrtime.bigint();
      d.replay(ctx, payloads);
      const ns = Number(process.hrtime.bigint() - t0);
      const cpu = process.threadCpuUsage(cpu0);
      intervals.push([start, performance.now()]);
      valid = check(ctx) && valid;
      const cpuSeconds = (cpu.user + cpu.system) / 1e6;
      return { wall: payloads.length / (ns / 1e9), cpu: payloads.length / cpuSeconds };
    },
    get valid() {
      return valid;
    },
  };
}

/**
 * Timed replays taken in turn (A B A B …), so a drift of the machine's speed during the call moves
 * every contender alike and the per-pair ratio stays meaningful. The order turns by one each run
 * (A B C, B C A, C A B, …), so no book is always the first after a pause or always follows the same
 * other book. Each timed replay follows an untimed replay of the same book: measured right after
 * the other book had run, Bourse was ~15% slower and its p99.9 tripled until it had replayed once
 * more. `rates[k]` are contender k's runs.
 */
export async function interleavedThroughput(
  rs: readonly Replayer[],
  runs: number,
): Promise<Rate[][]> {
  const rates: Rate[][] = rs.map(() => []);
  for (let run = 0; run < runs; run++) {
    for (let i = 0; i < rs.length; i++) {
      const k = (run + i) % rs.length;
      const r = rs[k]!;
      r.warmUp();
      rates[k]!.push(await r.timedRun());
    }
  }
  return rates;
}

/**
 * Records every GC pause while `body` runs, then returns for each replayer the share of its timed
 * replays' wall time spent in GC (the pauses its own garbage, mostly event objects, causes).
 */
export async function gcShareOf(
  rs: readonly Replayer[],
  body: () => Promise<void>,
): Promise<number[]> {
  const pauses: [number, number][] = [];
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) pauses.push([e.startTime, e.startTime + e.duration]);
  });
  obs.observe({ entryTypes: ['gc'] });
  await body();
  await new Promise((resolve) => setTimeout(resolve, 50)); // entries are delivered asynchronously
  obs.disconnect();
  return rs.map((r) => {
    let wall = 0;
    let inGc = 0;
    for (const [a, b] of r.intervals) {
      wall += b - a;
      for (const [s, e] of pauses) inGc += Math.max(0, Math.min(b, e) - Math.max(a, s));
    }
    return wall > 0 ? inGc / wall : 0;
  });
}

/**
 * V8 heap bytes one replay allocates per command: the heap's growth over the replay plus what every
 * collection during it freed (`v8.GCProfiler` reports the used heap before and after each). Garbage
 * is what the event objects cost beyond building them: collections, and caches refilled after them.
 */
export async function allocatedPerCommand<C, P>(
  d: BookDriver<C, P>,
  payloads: readonly P[],
): Promise<number> {
  const ctx = d.create();
  await settle();
  const profiler = new GCProfiler();
  profiler.start();
  const before = process.memoryUsage().heapUsed;
  d.replay(ctx, payloads);
  const after = process.memoryUsage().heapUsed;
  let freed = 0;
  for (const gc of profiler.stop()?.statistics ?? []) {
    freed += gc.beforeGC.heapStatistics.usedHeapSize - gc.afterGC.heapStatistics.usedHeapSize;
  }
  return (after - before + freed) / payloads.length;
}

export async function measureLatency<C, P>(
  d: BookDriver<C, P>,
  payloads: readonly P[],
  /** Sees the samples in command order before they are sorted. */
  inspect?: (ns: Float64Array) => void,
): Promise<LatencyNs> {
  const overhead = timerOverheadP50();
  d.replay(d.create(), payloads); // re-warm: another book may have run since this one's last replay
  const ctx = d.create();
  const ns = new Float64Array(payloads.length);
  await settle();
  d.replayTimed(ctx, payloads, ns);
  inspect?.(ns);
  ns.sort();
  const q = (p: number): number => ns[Math.min(ns.length - 1, Math.floor(p * ns.length))]!;
  return {
    p50: q(0.5),
    p90: q(0.9),
    p99: q(0.99),
    p999: q(0.999),
    max: ns[ns.length - 1]!,
    timerOverheadP50: overhead,
  };
}

function timerOverheadP50(): number {
  const ov = new Float64Array(200_000);
  for (let i = 0; i < ov.length; i++) {
    const a = process.hrtime.bigint();
    const b = process.hrtime.bigint();
    ov[i] = Number(b - a);
  }
  ov.sort();
  return ov[ov.length >> 1]!;
}

/**
 * Bytes one resting order costs a book: memory of a fresh book before, and after resting every order
 * of `cols`, with the prepared commands dropped before the second reading so only what the book keeps
 * is counted. NaN without `--expose-gc`. Pooled books grow in steps, so the figure includes the unused
 * part of the last step: up to twice the per-slot cost just past a power of two for a doubling store.
 */
export async function bytesPerRestingOrder<C, P>(
  d: BookDriver<C, P>,
  prepare: (cols: WorkloadColumns) => P[],
  cols: WorkloadColumns,
): Promise<RestingOrderBytes> {
  if (!gcAvailable) {
    return { orders: cols.n, heap: Number.NaN, arrayBuffers: Number.NaN, placeCpuNs: Number.NaN };
  }
  // A throwaway pass first, so code, feedback and interned strings it creates are not counted. Both
  // passes run in a plain function: a temporary of this async function (the throwaway book, the
  // prepared stream) would stay reachable from its suspended frame and be freed between the readings.
  restAll(d, d.create(), prepare, cols);
  const ctx = d.create();
  await settle();
  const before = process.memoryUsage();
  const placeNs = restAll(d, ctx, prepare, cols);
  await settle();
  const after = process.memoryUsage();
  const depth = d.depth(ctx);
  const resting = [...depth.bids, ...depth.asks].reduce((a, l) => a + l[1], 0);
  const placed = cols.qty.reduce((a, q) => a + q, 0);
  if (resting !== placed) throw new Error(`${d.name}: ${resting} of ${placed} units rest`);
  return {
    orders: cols.n,
    heap: (after.heapUsed - before.heapUsed) / cols.n,
    arrayBuffers: (after.arrayBuffers - before.arrayBuffers) / cols.n,
    placeCpuNs: placeNs / cols.n,
  };
}

/** Rests every order of `cols`; returns the CPU nanoseconds of the replay alone (not the preparing). */
function restAll<C, P>(
  d: BookDriver<C, P>,
  ctx: C,
  prepare: (cols: WorkloadColumns) => P[],
  cols: WorkloadColumns,
): number {
  const payloads = prepare(cols);
  const t0 = process.cpuUsage();
  d.replay(ctx, payloads);
  const t = process.cpuUsage(t0);
  return (t.user + t.system) * 1000;
}

/**
 * Full, synchronous major collections with a macrotask between them, so the concurrent sweeper has
 * finished: right after a single `gc()` it still competes for the second core and the allocating
 * thread sweeps lazily (one book's garbage would tax the next book's timed replay), and `heapUsed`
 * still counts garbage it has not reached (≈ 150 B/order here).
 */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    gcMajor();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  gcMajor();
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}
