// What a suite measures and how it is printed: one JSON object per measurement line with `--json`,
// otherwise an aligned table per suite and profile followed by the suite's notes. Progress goes to
// stderr so that stdout stays machine-readable.

import type { ProfileName } from '@bourse/benchkit';
import type { BenchOptions } from './options.ts';

export interface LatencyNs {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  /** Median cost of two back-to-back `process.hrtime.bigint()` reads, included in every sample. */
  readonly timerOverheadP50: number;
}

export interface Measurement {
  readonly suite: string;
  /** What was measured: an engine, a book, an endpoint. */
  readonly name: string;
  readonly profile: string;
  readonly mix?: string;
  readonly n: number;
  readonly seed?: number;
  /** Median of the timed runs. */
  readonly commandsPerSec: number;
  readonly runsPerSec: readonly number[];
  /** Median commands per second of the main thread's CPU time (robust to a busy machine). */
  readonly commandsPerCpuSec?: number;
  readonly latencyNs?: LatencyNs;
  /** V8 heap bytes a replay allocates per command (objects it builds, garbage or kept). */
  readonly allocatedBytesPerCommand?: number;
  /** Share of the timed runs' wall time spent in GC pauses, 0..1. */
  readonly gcShareOfTimedRuns?: number;
  /** Memory one resting order costs a fresh book, at each size measured. */
  readonly restingOrderBytes?: readonly RestingOrderBytes[];
  /** Whether the final state matched the reference; `validation` says against what. */
  readonly valid: boolean;
  readonly validation: string;
  readonly peer?: string;
  /** commandsPerSec / the peer's commandsPerSec. */
  readonly ratio?: number;
  /** The same ratio on main-thread CPU time. */
  readonly ratioCpu?: number;
}

export interface RestingOrderBytes {
  /** Resting orders in the book. */
  readonly orders: number;
  /** V8 heap growth per resting order (`heapUsed`): objects, arrays, maps, strings. */
  readonly heap: number;
  /** ArrayBuffer growth per resting order (typed arrays live outside `heapUsed`). */
  readonly arrayBuffers: number;
  /**
   * CPU nanoseconds per order of resting them all in the fresh book, the prepared commands alive in
   * the heap: what placing costs while the book grows, its stores' growth steps included.
   */
  readonly placeCpuNs: number;
}

/** A benchmark suite: what `npm run bench -- --suite <name>` runs. */
export interface Suite {
  readonly name: string;
  readonly title: string;
  run(options: BenchOptions): Promise<SuiteResult>;
}

export interface SuiteResult {
  readonly measurements: readonly Measurement[];
  readonly notes: readonly string[];
}

/** A suite that measures each chosen profile in turn; `measure` may add notes for the whole run. */
export function profileSuite(
  name: string,
  title: string,
  measure: (profile: ProfileName, o: BenchOptions, notes: string[]) => Promise<Measurement[]>,
): Suite {
  return {
    name,
    title,
    async run(o) {
      const measurements: Measurement[] = [];
      const notes: string[] = [];
      for (const profile of o.profiles) measurements.push(...(await measure(profile, o, notes)));
      return { measurements, notes };
    },
  };
}

export function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}

export function printJson(m: Measurement): void {
  process.stdout.write(`${JSON.stringify(m)}\n`);
}

const int = (v: number): string => Math.round(v).toLocaleString('en-US');
const bytes = (v: number | undefined): string =>
  v === undefined || Number.isNaN(v) ? '—' : (Math.round(v) + 0).toLocaleString('en-US');
const us = (ns: number | undefined): string => (ns === undefined ? '—' : (ns / 1000).toFixed(2));

export function printTable(title: string, result: SuiteResult): void {
  const head = [
    'name',
    'profile',
    'commands/s',
    '× peer',
    'per CPU-s',
    '× peer',
    'GC %',
    'alloc B/cmd',
    'p50 µs',
    'p99 µs',
    'p99.9 µs',
    'max µs',
    'timer ns',
    'final book',
  ];
  const rows = result.measurements.map((m) => [
    m.name,
    m.profile,
    int(m.commandsPerSec),
    m.ratio === undefined ? '—' : `${m.ratio.toFixed(2)}×`,
    m.commandsPerCpuSec === undefined ? '—' : int(m.commandsPerCpuSec),
    m.ratioCpu === undefined ? '—' : `${m.ratioCpu.toFixed(2)}×`,
    m.gcShareOfTimedRuns === undefined ? '—' : (100 * m.gcShareOfTimedRuns).toFixed(1),
    bytes(m.allocatedBytesPerCommand),
    us(m.latencyNs?.p50),
    us(m.latencyNs?.p99),
    us(m.latencyNs?.p999),
    us(m.latencyNs?.max),
    m.latencyNs === undefined ? '—' : String(Math.round(m.latencyNs.timerOverheadP50)),
    m.valid ? 'ok' : 'MISMATCH',
  ]);
  console.log(`\n${title}`);
  printAligned(head, rows);
  console.log(
    '  (latency samples include the timer\'s own cost, shown as "timer ns", not subtracted)',
  );
  printMemory(result.measurements);
  for (const n of result.notes) console.log(`  - ${n}`);
}

/** Bytes per resting order at each size measured: V8 heap + typed arrays (ArrayBuffers). */
function printMemory(ms: readonly Measurement[]): void {
  const sizes = [...new Set(ms.flatMap((m) => (m.restingOrderBytes ?? []).map((b) => b.orders)))];
  if (sizes.length === 0) return;
  sizes.sort((a, b) => a - b);
  const head = ['name', 'profile', ...sizes.map((n) => `${int(n)} resting`)];
  const rows = ms.map((m) => [
    m.name,
    m.profile,
    ...sizes.map((n) => {
      const b = m.restingOrderBytes?.find((x) => x.orders === n);
      return b === undefined ? '—' : `${bytes(b.heap)} + ${bytes(b.arrayBuffers)}`;
    }),
  ]);
  console.log('\nBytes per resting order (V8 heap + typed arrays), a fresh book per size');
  printAligned(head, rows);
  const placing = ms.map((m) => [
    m.name,
    m.profile,
    ...sizes.map((n) => {
      const b = m.restingOrderBytes?.find((x) => x.orders === n);
      return b === undefined ? '—' : `${Math.round(b.placeCpuNs)}`;
    }),
  ]);
  console.log(
    '\nCPU ns per order while resting them all in that fresh book (growth steps included)',
  );
  printAligned(head, placing);
}

function printAligned(head: string[], rows: string[][]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(line(head));
  for (const r of rows) console.log(line(r));
}
