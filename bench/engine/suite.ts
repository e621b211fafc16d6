// The engine suite: for each profile, the reference workload replayed through the full Bourse engine
// and, in the same process and on the same stream, through nodejs-order-book. Commands are prepared
// untimed; the timed loops only apply them; timed replays alternate between the two books. Each book
// is validated against the reference final book that applies to its rules
// (see docs/decisions/0200-engine-benchmark-method.md).

import {
  bourseDriver,
  depthHash,
  generate,
  nodejsOrderBookDriver,
  type ProfileName,
  prepareBourse,
  preparePeer,
  restingColumns,
  UNITS,
  type Workload,
} from '@bourse/benchkit';
import type { CircuitBreakerConfig } from '@bourse/engine';
import type { BenchOptions } from '../options.ts';
import { type LatencyNs, type Measurement, progress, type Suite } from '../report.ts';
import {
  bytesPerRestingOrder,
  gcShareOf,
  interleavedThroughput,
  measureLatency,
  median,
  type Rate,
  type Replayer,
  type RestingOrderBytes,
  replayer,
} from './measure.ts';
import { latencyTailNote } from './latency-tail.ts';
import { type BourseValidation, validateBourse } from './validate-bourse.ts';

/** Trading accounts: enough that fills move money between many owners, as on a live exchange. */
const ACCOUNTS = 64;

/** A prepared book: its timed replays, and its latency and memory passes. */
interface Contender {
  readonly replayer: Replayer;
  readonly validation: string;
  /** Validation found outside the timed replays (empty when sound). */
  readonly problems: readonly string[];
  latency(): Promise<LatencyNs>;
  memory(): Promise<RestingOrderBytes>;
}

export const engineSuite: Suite = {
  name: 'engine',
  title: 'Matching engine on the reference workload',
  async run(o) {
    const measurements: Measurement[] = [];
    const notes: string[] = [];
    for (const profile of o.profiles) {
      progress(`engine/${profile}: generating ${o.n.toLocaleString('en-US')} commands`);
      const w = generate({ profile, n: o.n, seed: o.seed, mix: o.mix });
      measurements.push(...(await measureProfile(w, o, notes)));
    }
    return { measurements, notes };
  },
};

async function measureProfile(w: Workload, o: BenchOptions, notes: string[]) {
  const profile = w.meta.profile;
  const contenders = [bourseContender(w, o, notes)];
  if (o.peer) contenders.push(peerContender(w, o));
  if (o.breaker) contenders.push(bourseContender(w, o, notes, UNTRIPPED_BREAKER));
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
    const mem = await c.memory();
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
      heapBytesPerRestingOrder: mem.heap,
      arrayBufferBytesPerRestingOrder: mem.arrayBuffers,
      gcShareOfTimedRuns: Math.round(1000 * gcShare[k]!) / 1000,
      valid: c.replayer.valid && c.problems.length === 0,
      validation: c.validation,
    });
  }
  // Median of the per-pair ratios: each pair ran back to back, under the same machine conditions.
  const pairRatio = (k: number, f: (r: Rate) => number) =>
    Math.round(1000 * median(rates[0]!.map((r, i) => f(r) / f(rates[k]![i]!)))) / 1000;
  if (o.breaker) {
    const k = contenders.length - 1;
    notes.push(
      `bourse+breaker/${profile}: the plain engine does ${pairRatio(k, (r) => r.wall)}× its ` +
        `commands/s and ${pairRatio(k, (r) => r.cpu)}× per CPU-second (median of paired runs)`,
    );
  }
  const [bourse, peer] = out;
  if (bourse && peer && o.peer) {
    const ratio = (f: (r: Rate) => number) => pairRatio(1, f);
    out[0] = {
      ...bourse,
      peer: peer.name,
      ratio: ratio((r) => r.wall),
      ratioCpu: ratio((r) => r.cpu),
    };
  }
  return out;
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

function bourseContender(
  w: Workload,
  o: BenchOptions,
  notes: string[],
  breaker?: CircuitBreakerConfig,
): Contender {
  const profile: ProfileName = w.meta.profile;
  const opts = {
    profile,
    accounts: ACCOUNTS,
    maxOpenOrdersPerAccount: Math.max(10_000, o.heapOrders),
    ...(breaker === undefined ? {} : { breaker }),
  };
  const d = bourseDriver(opts);
  progress(`engine/${profile}: bourse: preparing commands and the expected final book`);
  const { commands, expected } = prepareBourse(w.cols, opts);
  progress(`engine/${profile}: bourse: validation replay`);
  const v = validateBourse(d, commands, expected, UNITS[profile].qtyLots);
  notes.push(bourseNote(d.name, w, v, expected, commands.length));
  for (const p of v.problems) notes.push(`${d.name}/${profile}: ${p}`);
  const check = (e: Parameters<typeof d.depth>[0]) => depthHash(d.depth(e)) === expected.depthHash;
  return {
    replayer: replayer(d, commands, check),
    validation: `engine-rule reference ${expected.depthHash}`,
    problems: v.problems,
    latency: () =>
      measureLatency(d, commands, (ns) =>
        notes.push(`${d.name}/${profile}: ${latencyTailNote(ns, commands, v.fillsPerCommand)}`),
      ),
    memory: () =>
      bytesPerRestingOrder(
        d,
        (cols) => prepareBourse(cols, opts).commands,
        restingColumns(profile, o.heapOrders),
      ),
  };
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

function peerContender(w: Workload, o: BenchOptions): Contender {
  const d = nodejsOrderBookDriver;
  const payloads = preparePeer(w.cols);
  const check = (ctx: Parameters<typeof d.depth>[0]) =>
    depthHash(d.depth(ctx)) === w.meta.final.depthHash;
  return {
    replayer: replayer(d, payloads, check),
    validation: `workload reference ${w.meta.final.depthHash}`,
    problems: [],
    latency: () => measureLatency(d, payloads),
    memory: () =>
      bytesPerRestingOrder(d, preparePeer, restingColumns(w.meta.profile, o.heapOrders)),
  };
}
