// What the engine thread stalls for when it hashes or snapshots its whole state: a fresh engine with
// N resting orders (the memory pass's stream), then `stateHash()` and `snapshot()` timed on it. The
// cluster hashes every `hashEvery` commands and the server snapshots every `snapshotEvery`, both inside
// the engine thread, so these figures are how long every order arriving meanwhile waits.

import {
  bourseDriver,
  type EngineClass,
  type ProfileName,
  prepareBourse,
  restingColumns,
} from '@bourse/benchkit';
import { progress } from '../report.ts';
import { median } from './measure.ts';

const HASH_RUNS = 9;
const SNAPSHOT_RUNS = 3;

export interface StateHashTiming {
  readonly orders: number;
  /**
   * Wall milliseconds of the first `stateHash()` after the book was built: it digests every account
   * (as after a start or a restore; its code still compiling). Later ones digest only the accounts
   * changed since the last (none here) where the engine keeps them (decision 0986).
   */
  readonly firstHashMs: number;
  /** Median wall milliseconds of one `stateHash()`, and the thread's mean CPU milliseconds per hash. */
  readonly hashMs: number;
  readonly hashCpuMs: number;
  /** Median wall milliseconds of one `snapshot()`, and its size. */
  readonly snapshotMs: number;
  readonly snapshotBytes: number;
  /** Median thread-CPU milliseconds of one `snapshot()` (wall clock counts other processes' turns). */
  readonly snapshotCpuMs: number;
  /** The same for the JSON form (`snapshotJson()`), when the engine still has it. */
  readonly jsonSnapshot?: { readonly ms: number; readonly cpuMs: number; readonly bytes: number };
  /** Wall milliseconds of one `Engine.restore` of each form (start-up and catch-up, not a stall). */
  readonly restoreMs?: number;
  readonly restoreJsonMs?: number;
}

/** An engine that may have the JSON form beside its own (older checkouts have only one). */
interface Snapshots {
  snapshot(): Uint8Array;
  snapshotJson?: () => Uint8Array;
}

/** Median wall and thread-CPU milliseconds and the size of `SNAPSHOT_RUNS` calls of `take`. */
function timeSnapshots(take: () => Uint8Array): {
  ms: number;
  cpuMs: number;
  bytes: number;
  last: Uint8Array;
} {
  const times: number[] = [];
  const cpu: number[] = [];
  let last: Uint8Array = new Uint8Array();
  for (let i = 0; i < SNAPSHOT_RUNS; i++) {
    const c0 = process.threadCpuUsage();
    const t0 = performance.now();
    last = take();
    times.push(performance.now() - t0);
    const c = process.threadCpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { ms: median(times), cpuMs: median(cpu), bytes: last.byteLength, last };
}

function timeRestore(create: unknown, bytes: Uint8Array): number {
  const restore = (create as { restore?: (b: Uint8Array) => unknown }).restore;
  if (restore === undefined) return Number.NaN;
  const t0 = performance.now();
  restore.call(create, bytes);
  return performance.now() - t0;
}

export function timeStateHash(
  profile: ProfileName,
  orders: number,
  opts: { accounts: number; maxOpenOrdersPerAccount: number },
  engine?: { readonly name: string; readonly create: EngineClass },
): StateHashTiming {
  const d = bourseDriver({ profile, ...opts }, 'objects', engine);
  const e = d.create();
  d.replay(e, prepareBourse(restingColumns(profile, orders), { profile, ...opts }).commands);
  const f0 = performance.now();
  const hashes = new Set<string>([e.stateHash()]);
  const firstHashMs = performance.now() - f0;
  // Untimed second call: a node hashes every `hashEvery` commands, so its hash code is compiled.
  hashes.add(e.stateHash());
  const hashMs: number[] = [];
  // The thread's CPU clock ticks too coarsely for one sub-millisecond hash: the mean over all runs.
  const c0 = process.threadCpuUsage();
  for (let i = 0; i < HASH_RUNS; i++) {
    const t0 = performance.now();
    hashes.add(e.stateHash());
    hashMs.push(performance.now() - t0);
  }
  const c = process.threadCpuUsage(c0);
  if (hashes.size !== 1) throw new Error('stateHash() gave different hashes of one state');
  const e2 = e as unknown as Snapshots;
  const binary = timeSnapshots(() => e2.snapshot());
  const json = e2.snapshotJson === undefined ? undefined : timeSnapshots(() => e2.snapshotJson!());
  const create = engine?.create ?? e.constructor;
  return {
    orders,
    firstHashMs,
    hashMs: median(hashMs),
    hashCpuMs: (c.user + c.system) / 1000 / HASH_RUNS,
    snapshotMs: binary.ms,
    snapshotBytes: binary.bytes,
    snapshotCpuMs: binary.cpuMs,
    ...(json === undefined
      ? {}
      : {
          jsonSnapshot: { ms: json.ms, cpuMs: json.cpuMs, bytes: json.bytes },
          restoreMs: timeRestore(create, binary.last),
          restoreJsonMs: timeRestore(create, json.last),
        }),
  };
}

/**
 * The stalls at each book size (`--heap-orders`), as notes of the engine suite: this engine's, and
 * with `--baseline DIR` the other checkout's in the same process (a before/after pair).
 */
export function stateHashNotes(
  profile: ProfileName,
  sizes: readonly number[],
  accounts: number,
  baseline?: { readonly name: string; readonly create: EngineClass },
): string[] {
  progress(`engine/${profile}: state hash and snapshot at ${sizes.join(', ')} resting orders`);
  const opts = { accounts, maxOpenOrdersPerAccount: Math.max(10_000, ...sizes) };
  const engines = baseline === undefined ? [undefined] : [undefined, baseline];
  return engines.map((engine) =>
    note(
      engine?.name ?? 'bourse',
      profile,
      sizes.map((n) => timeStateHash(profile, n, opts, engine)),
    ),
  );
}

function note(name: string, profile: ProfileName, timings: readonly StateHashTiming[]): string {
  const ms = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(0));
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
  const rows = timings.map(
    (t) =>
      `${t.orders.toLocaleString('en-US')} resting orders: first stateHash() ${ms(t.firstHashMs)} ms, ` +
      `then ${ms(t.hashMs)} ms ` +
      `(mean CPU ${ms(t.hashCpuMs)} ms), ` +
      `snapshot() ${ms(t.snapshotMs)} ms (CPU ${ms(t.snapshotCpuMs)} ms, ${mb(t.snapshotBytes)})` +
      (t.jsonSnapshot === undefined
        ? ''
        : `, JSON snapshot ${ms(t.jsonSnapshot.ms)} ms ` +
          `(CPU ${ms(t.jsonSnapshot.cpuMs)} ms, ${mb(t.jsonSnapshot.bytes)}), ` +
          `restore ${ms(t.restoreMs!)} ms (JSON ${ms(t.restoreJsonMs!)} ms)`),
  );
  return (
    `${name}/${profile}: engine-thread stall of one state hash / snapshot (median wall of ` +
    `${HASH_RUNS} / ${SNAPSHOT_RUNS}): ${rows.join('; ')}`
  );
}
