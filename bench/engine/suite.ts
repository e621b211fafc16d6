// The engine suite: for each profile, the reference workload replayed through the full Bourse engine
// and, in the same process and on the same stream, through nodejs-order-book and a bare typed-array
// book (no accounts, no fees: the ceiling of a book in JavaScript). Commands are prepared untimed; the
// timed loops only apply them; timed replays alternate between the books, and ratios are medians of
// the back-to-back pairs, on wall clock and on CPU time. Each book is validated against the reference
// final book that applies to its rules (see docs/decisions/0200-engine-benchmark-method.md).

import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  bareBookDriver,
  bourseDriver,
  depthHash,
  type EngineClass,
  generate,
  nodejsOrderBookDriver,
  type ProfileName,
  prepareBare,
  prepareBourse,
  preparePeer,
  restingColumns,
  UNITS,
  type Workload,
} from '@bourse/benchkit';
import type { CircuitBreakerConfig } from '@bourse/engine';
import type { BenchOptions } from '../options.ts';
import {
  type LatencyNs,
  type Measurement,
  progress,
  type RestingOrderBytes,
  type Suite,
} from '../report.ts';
import {
  allocatedPerCommand,
  bytesPerRestingOrder,
  gcShareOf,
  interleavedThroughput,
  measureLatency,
  median,
  type Rate,
  type Replayer,
  replayer,
} from './measure.ts';
import { latencyTailNote } from './latency-tail.ts';
import { stateHashNotes } from './state-hash.ts';
import { type BourseValidation, validateBourse } from './validate-bourse.ts';

/** Trading accounts: enough that fills move money between many owners, as on a live exchange. */
const ACCOUNTS = 64;

/** A prepared book: its timed replays, and its latency and memory passes. */
interface Contender {
  readonly role:
    | 'bourse'
    | 'encoded'
    | 'quiet'
    | 'peer'
    | 'bare'
    | 'breaker'
    | 'baseline'
    | 'baselineEncoded';
  readonly replayer: Replayer;
  readonly validation: string;
  /** Validation found outside the timed replays (empty when sound). */
  readonly problems: readonly string[];
  latency(): Promise<LatencyNs>;
  /** V8 heap bytes allocated per command over one replay. */
  allocated(): Promise<number>;
  /** Bytes per resting order in a fresh book of `orders` resting orders (none: same book as another). */
  memory?(orders: number): Promise<RestingOrderBytes>;
}

export const engineSuite: Suite = {
  name: 'engine',
  title: 'Matching engine on the reference workload',
  async run(o) {
    const measurements: Measurement[] = [];
    const notes: string[] = [];
    const baseline = o.baseline === undefined ? undefined : await baselineEngine(o.baseline);
    for (const profile of o.profiles) {
      progress(`engine/${profile}: generating ${o.n.toLocaleString('en-US')} commands`);
      const w = generate({ profile, n: o.n, seed: o.seed, mix: o.mix });
      measurements.push(...(await measureProfile(w, o, notes, baseline)));
    }
    return { measurements, notes };
  },
};

async function measureProfile(
  w: Workload,
  o: BenchOptions,
  notes: string[],
  baseline: BaselineEngine | undefined,
) {
  const profile = w.meta.profile;
  const bourse = bourseContender(w, o, notes);
  const contenders = [bourse.contender];
  if (baseline !== undefined) {
    contenders.push(bourseContender(w, o, notes, undefined, baseline).contender);
  }
  if (o.encoded) {
    contenders.push(serverPathContender(w, o, 'bytes', bourse.stateHash));
    contenders.push(serverPathContender(w, o, 'none', bourse.stateHash));
    if (baseline !== undefined) {
      contenders.push(serverPathContender(w, o, 'bytes', bourse.stateHash, baseline));
    }
  }
  if (o.peer) contenders.push(peerContender(w));
  if (o.bare) contenders.push(bareContender(w));
  if (o.breaker) contenders.push(bourseContender(w, o, notes, UNTRIPPED_BREAKER).contender);
  progress(`engine/${profile}: ${o.runs} timed replays each, interleaved`);
  const replayers = contenders.map((c) => c.replayer);
  let rates: Rate[][] = [];
  const gcShare = await gcShareOf(replayers, async () => {
    rates = await interleavedThroughput(replayers, o.runs);
  });
  const out: Measurement[] = [];
  for (const [k, c] of contenders.entries()) {
    progress(`engine/${profile}: ${c.replayer.name}: latency pass, memory per resting order`);
    const latencyNs = await c.latency();
    const allocatedBytesPerCommand = await c.allocated();
    const restingOrderBytes: RestingOrderBytes[] = [];
    if (c.memory !== undefined) {
      for (const orders of o.heapOrders) restingOrderBytes.push(await c.memory(orders));
    }
    const { mixName: mix, n, seed } = w.meta;
    out.push({
      suite: 'engine',
      name: c.replayer.name,
      profile,
      mix,
      n,
      seed,
      commandsPerSec: Math.round(median(rates[k]!.map((r) => r.wall))),
      runsPerSec: rates[k]!.map((r) => Math.round(r.wall)),
      commandsPerCpuSec: Math.round(median(rates[k]!.map((r) => r.cpu))),
      latencyNs,
      allocatedBytesPerCommand,
      restingOrderBytes,
      gcShareOfTimedRuns: Math.round(1000 * gcShare[k]!) / 1000,
      valid: c.replayer.valid && c.problems.length === 0,
      validation: c.validation,
    });
  }
  // Median of the per-pair ratios: each pair ran back to back, under the same machine conditions.
  const pairRatio = (a: number, b: number, f: (r: Rate) => number) =>
    Math.round(1000 * median(rates[a]!.map((r, i) => f(r) / f(rates[b]![i]!)))) / 1000;
  const at = (role: Contender['role']) => contenders.findIndex((c) => c.role === role);
  notes.push(...pairNotes(profile, o, at, pairRatio));
  notes.push(...stateHashNotes(profile, o.heapOrders, ACCOUNTS, baseline));
  const peer = at('peer');
  if (peer >= 0) {
    for (const [k, m] of out.entries()) {
      if (k === peer) continue;
      out[k] = {
        ...m,
        peer: out[peer]!.name,
        ratio: pairRatio(k, peer, wall),
        ratioCpu: pairRatio(k, peer, cpu),
      };
    }
  }
  return out;
}

const wall = (r: Rate) => r.wall;
const cpu = (r: Rate) => r.cpu;

/** The paired comparisons of Bourse with its other replays (baseline, bytes, breaker, bare book). */
function pairNotes(
  profile: ProfileName,
  o: BenchOptions,
  at: (role: Contender['role']) => number,
  pairRatio: (a: number, b: number, f: (r: Rate) => number) => number,
): string[] {
  const notes: string[] = [];
  const [base, bare, breaker] = [at('baseline'), at('bare'), at('breaker')];
  const [encoded, quiet, baseEncoded] = [at('encoded'), at('quiet'), at('baselineEncoded')];
  if (base >= 0) {
    notes.push(
      `bourse/${profile}: ${pairRatio(0, base, cpu)}× the commands per CPU-second of the engine ` +
        `at ${o.baseline} (${pairRatio(0, base, wall)}× wall clock; median of paired runs)`,
    );
  }
  if (encoded >= 0) {
    notes.push(
      `bourse/${profile}: with its events written as bytes (applyEncoded, as the server's engine ` +
        `thread does) the engine does ${pairRatio(encoded, 0, cpu)}× the commands per CPU-second ` +
        `of apply with event objects (median of paired runs)`,
    );
  }
  if (encoded >= 0 && baseEncoded >= 0) {
    notes.push(
      `bourse/${profile}: with its events written as bytes, ${pairRatio(encoded, baseEncoded, cpu)}× ` +
        `the commands per CPU-second of the engine at ${o.baseline} on the same path ` +
        `(${pairRatio(encoded, baseEncoded, wall)}× wall clock; median of paired runs)`,
    );
  }
  if (quiet >= 0) {
    notes.push(
      `bourse/${profile}: for its state alone (applyQuietly, as replay, restart and catch-up run) ` +
        `the engine does ${pairRatio(quiet, 0, cpu)}× the commands per CPU-second of apply with ` +
        `event objects (median of paired runs)`,
    );
  }
  if (breaker >= 0) {
    notes.push(
      `bourse+breaker/${profile}: the plain engine does ${pairRatio(0, breaker, wall)}× its ` +
        `commands/s and ${pairRatio(0, breaker, cpu)}× per CPU-second (median of paired runs)`,
    );
  }
  if (bare >= 0) {
    notes.push(
      `bourse/${profile}: ${pairRatio(0, bare, cpu)}× the bare typed-array book's commands per ` +
        `CPU-second (${pairRatio(0, bare, wall)}× wall clock; median of paired runs)`,
    );
  }
  return notes;
}

/**
 * A circuit breaker no stream of either profile can trip (a move rule wider than any price range, a
 * one-second window of trades): every fill is checked and enters the window, so the replay times
 * what a breaker costs the order path without changing the final book.
 */
const UNTRIPPED_BREAKER: CircuitBreakerConfig = {
  moveTicks: 1_000_000,
  moveBps: 0,
  windowMs: 1_000,
  pauseMs: 1_000,
  bandTicks: 0,
};

/** Another checkout's engine class, for a before/after pair in one process (`--baseline DIR`). */
interface BaselineEngine {
  readonly name: string;
  readonly create: EngineClass;
}

async function baselineEngine(dir: string): Promise<BaselineEngine> {
  const url = pathToFileURL(resolve(dir, 'packages/engine/src/index.ts')).href;
  const mod = (await import(url)) as { Engine: EngineClass };
  return { name: 'bourse (baseline)', create: mod.Engine };
}

function bourseContender(
  w: Workload,
  o: BenchOptions,
  notes: string[],
  breaker?: CircuitBreakerConfig,
  baseline?: BaselineEngine,
): { contender: Contender; stateHash: string } {
  const profile: ProfileName = w.meta.profile;
  const opts = {
    profile,
    accounts: ACCOUNTS,
    maxOpenOrdersPerAccount: Math.max(10_000, ...o.heapOrders),
    ...(breaker === undefined ? {} : { breaker }),
  };
  const d = bourseDriver(opts, 'objects', baseline);
  progress(`engine/${profile}: bourse: preparing commands and the expected final book`);
  const { commands, expected } = prepareBourse(w.cols, opts);
  progress(`engine/${profile}: bourse: validation replay`);
  const v = validateBourse(d, commands, expected, UNITS[profile].qtyLots);
  notes.push(bourseNote(d.name, w, v, expected, commands.length));
  for (const p of v.problems) notes.push(`${d.name}/${profile}: ${p}`);
  // Every timed replay must end on the validation replay's book and whole state (balances,
  // positions, fees, every order): another checkout's engine only on the book.
  const check = (e: Parameters<typeof d.depth>[0]) =>
    depthHash(d.depth(e)) === expected.depthHash &&
    (baseline !== undefined || e.stateHash() === v.stateHash);
  const contender: Contender = {
    role: baseline !== undefined ? 'baseline' : breaker === undefined ? 'bourse' : 'breaker',
    replayer: replayer(d, commands, check),
    validation: `engine-rule reference ${expected.depthHash}`,
    problems: v.problems,
    latency: () =>
      measureLatency(d, commands, (ns) =>
        notes.push(`${d.name}/${profile}: ${latencyTailNote(ns, commands, v.fillsPerCommand)}`),
      ),
    allocated: () => allocatedPerCommand(d, commands),
    memory: (orders) =>
      bytesPerRestingOrder(
        d,
        (cols) => prepareBourse(cols, opts).commands,
        restingColumns(profile, orders),
      ),
  };
  return { contender, stateHash: v.stateHash };
}

function bourseNote(
  name: string,
  w: Workload,
  v: BourseValidation,
  expected: ReturnType<typeof prepareBourse>['expected'],
  n: number,
): string {
  const reasons = Object.entries(v.rejectsByReason)
    .map(([r, k]) => `${r} ×${k}`)
    .join(', ');
  const ok = v.problems.length === 0;
  return (
    `${name}/${w.meta.profile}: final book ${v.depthHash} ${ok ? '=' : '≠'} reference under the ` +
    `engine's rules (${expected.reductionsKeptPriority} same-price reductions kept priority; ` +
    `${v.rejects} refusals${reasons ? ` (${reasons})` : ''}, ${expected.rejects} predicted; ` +
    `${expected.crossingAmends} amends crossed, ${v.selfTradeCancels} stopped by self-trade ` +
    `prevention, ${expected.selfTradeCancels} predicted; ` +
    `${v.tradedQtyLots.toLocaleString('en-US')} lots traded; ` +
    `${(v.events / n).toFixed(2)} events per command; invariants ` +
    `${v.invariantViolations.length === 0 ? 'hold' : 'VIOLATED'}). Workload-rule hash ` +
    `${w.meta.final.depthHash} ${v.depthHash === w.meta.final.depthHash ? 'matches too' : 'differs, as expected'}.`
  );
}

function peerContender(w: Workload): Contender {
  const d = nodejsOrderBookDriver;
  const payloads = preparePeer(w.cols);
  const check = (ctx: Parameters<typeof d.depth>[0]) =>
    depthHash(d.depth(ctx)) === w.meta.final.depthHash;
  return {
    role: 'peer',
    replayer: replayer(d, payloads, check),
    validation: `workload reference ${w.meta.final.depthHash}`,
    problems: [],
    latency: () => measureLatency(d, payloads),
    allocated: () => allocatedPerCommand(d, payloads),
    memory: (orders) =>
      bytesPerRestingOrder(d, preparePeer, restingColumns(w.meta.profile, orders)),
  };
}

/**
 * The full engine again on a path the server runs: its events written as bytes by `applyEncoded` (the
 * engine thread), or not produced at all by `applyQuietly` (replay, restart, catch-up). Each timed
 * replay must end on the book and the state hash of the `apply` validation replay (another checkout's
 * engine, `--baseline`, only on the book).
 */
function serverPathContender(
  w: Workload,
  o: BenchOptions,
  events: 'bytes' | 'none',
  stateHash: string,
  baseline?: BaselineEngine,
): Contender {
  const opts = {
    profile: w.meta.profile,
    accounts: ACCOUNTS,
    maxOpenOrdersPerAccount: Math.max(10_000, ...o.heapOrders),
  };
  const d = bourseDriver(opts, events, baseline);
  const { commands, expected } = prepareBourse(w.cols, opts);
  const check = (e: Parameters<typeof d.depth>[0]) =>
    depthHash(d.depth(e)) === expected.depthHash &&
    (baseline !== undefined || e.stateHash() === stateHash);
  return {
    role: baseline !== undefined ? 'baselineEncoded' : events === 'bytes' ? 'encoded' : 'quiet',
    replayer: replayer(d, commands, check),
    validation: `engine-rule reference ${expected.depthHash}, state ${stateHash.slice(0, 8)}`,
    problems: [],
    latency: () => measureLatency(d, commands),
    allocated: () => allocatedPerCommand(d, commands),
  };
}

/** The bare typed-array book, held to the workload's own final book (its amend always re-queues). */
function bareContender(w: Workload): Contender {
  const d = bareBookDriver(w.meta.profile);
  const payloads = prepareBare(w.cols);
  const check = (b: Parameters<typeof d.depth>[0]) =>
    depthHash(d.depth(b)) === w.meta.final.depthHash && b.tradedQty === w.meta.tradedQty;
  return {
    role: 'bare',
    replayer: replayer(d, payloads, check),
    validation: `workload reference ${w.meta.final.depthHash}`,
    problems: [],
    latency: () => measureLatency(d, payloads),
    allocated: () => allocatedPerCommand(d, payloads),
    memory: (orders) =>
      bytesPerRestingOrder(d, prepareBare, restingColumns(w.meta.profile, orders)),
  };
}
