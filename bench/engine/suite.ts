// The engine suite: for each profile, the reference workload replayed through the full Bourse engine
// and, in the same process and on the same stream, through nodejs-order-book. Commands are prepared
// untimed; the timed loops only apply them. Each book is validated against the reference final book
// that applies to its amend rule (see docs/decisions/0200-engine-benchmark-method.md).

import {
  type BookDriver,
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
import type { BenchOptions } from '../options.ts';
import { type Measurement, progress } from '../report.ts';
import type { Suite } from '../suites.ts';
import { bytesPerRestingOrder, measureLatency, measureThroughput } from './measure.ts';
import { validateBourse } from './validate-bourse.ts';

/** Trading accounts: enough that fills move money between many owners, as on a live exchange. */
const ACCOUNTS = 64;

export const engineSuite: Suite = {
  name: 'engine',
  title: 'Matching engine on the reference workload',
  async run(o) {
    const measurements: Measurement[] = [];
    const notes: string[] = [];
    for (const profile of o.profiles) {
      progress(`engine/${profile}: generating ${o.n.toLocaleString('en-US')} commands`);
      const w = generate({ profile, n: o.n, seed: o.seed, mix: o.mix });
      const bourse = await measureBourse(w, o, notes);
      measurements.push(bourse);
      if (o.peer) {
        const peer = await measurePeer(w, o);
        const ratio = Math.round((1000 * bourse.commandsPerSec) / peer.commandsPerSec) / 1000;
        measurements[measurements.length - 1] = { ...bourse, peer: peer.name, ratio };
        measurements.push(peer);
      }
    }
    return { measurements, notes };
  },
};

function base(w: Workload, name: string) {
  const { profile, mixName: mix, n, seed } = w.meta;
  return { suite: 'engine', name, profile, mix, n, seed };
}

async function measureBourse(w: Workload, o: BenchOptions, notes: string[]): Promise<Measurement> {
  const profile: ProfileName = w.meta.profile;
  const opts = {
    profile,
    accounts: ACCOUNTS,
    maxOpenOrdersPerAccount: Math.max(10_000, o.heapOrders),
  };
  const d = bourseDriver(opts);
  progress(`engine/${profile}: bourse: preparing commands and the expected final book`);
  const { commands, expected } = prepareBourse(w.cols, opts);
  progress(`engine/${profile}: bourse: validation replay`);
  const v = validateBourse(d, commands, expected, UNITS[profile].qtyLots);
  progress(`engine/${profile}: bourse: ${o.runs} timed replays`);
  const check = (e: Parameters<typeof d.depth>[0]) => depthHash(d.depth(e)) === expected.depthHash;
  const tp = measureThroughput(d, commands, o.runs, check);
  progress(`engine/${profile}: bourse: latency pass`);
  const latencyNs = measureLatency(d, commands);
  const mem = await bytesPerRestingOrder(
    d,
    (cols) => prepareBourse(cols, opts).commands,
    restingColumns(profile, o.heapOrders),
  );
  const reasons = Object.entries(v.rejectsByReason)
    .map(([r, k]) => `${r} ×${k}`)
    .join(', ');
  const ok = v.problems.length === 0;
  notes.push(
    `bourse/${profile}: final book ${v.depthHash} ${ok ? '=' : '≠'} reference under the engine's ` +
      `rules (${expected.reductionsKeptPriority} same-price reductions kept priority; ` +
      `${v.rejects} refusals${reasons ? ` (${reasons})` : ''}, ${expected.rejects} predicted; ` +
      `${expected.crossingAmends} amends crossed, ${v.selfTradeCancels} stopped by self-trade ` +
      `prevention, ${expected.selfTradeCancels} predicted; ` +
      `${v.tradedQtyLots.toLocaleString('en-US')} lots traded; ` +
      `${(v.events / commands.length).toFixed(2)} events per command; invariants ` +
      `${v.invariantViolations.length === 0 ? 'hold' : 'VIOLATED'}). Workload-rule hash ` +
      `${w.meta.final.depthHash} ${v.depthHash === w.meta.final.depthHash ? 'matches too' : 'differs, as expected'}.`,
  );
  for (const p of v.problems) notes.push(`bourse/${profile}: ${p}`);
  return {
    ...base(w, d.name),
    commandsPerSec: Math.round(tp.median),
    runsPerSec: tp.runs,
    latencyNs,
    heapBytesPerRestingOrder: mem.heap,
    arrayBufferBytesPerRestingOrder: mem.arrayBuffers,
    valid: tp.valid && v.problems.length === 0,
    validation: `engine-rule reference ${expected.depthHash}`,
  };
}

async function measurePeer(w: Workload, o: BenchOptions): Promise<Measurement> {
  const d: BookDriver<unknown, unknown> = nodejsOrderBookDriver as BookDriver<unknown, unknown>;
  const profile = w.meta.profile;
  const payloads = preparePeer(w.cols);
  const check = (ctx: unknown) => depthHash(d.depth(ctx)) === w.meta.final.depthHash;
  progress(`engine/${profile}: ${d.name}: ${o.runs} timed replays`);
  const tp = measureThroughput(d, payloads, o.runs, check);
  progress(`engine/${profile}: ${d.name}: latency pass`);
  const latencyNs = measureLatency(d, payloads);
  const mem = await bytesPerRestingOrder(d, preparePeer, restingColumns(profile, o.heapOrders));
  return {
    ...base(w, d.name),
    commandsPerSec: Math.round(tp.median),
    runsPerSec: tp.runs,
    latencyNs,
    heapBytesPerRestingOrder: mem.heap,
    arrayBufferBytesPerRestingOrder: mem.arrayBuffers,
    valid: tp.valid,
    validation: `workload reference ${w.meta.final.depthHash}`,
  };
}
