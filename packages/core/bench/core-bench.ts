// Acknowledged commands per second through `submit` with the durable file journal (fdatasync per group
// commit), a real engine worker and SQLite read models. Not a test: prints one JSON line.
// Usage: node bench/core-bench.ts [commands=100000] [inFlight=2000] [dataDir=<temp>]

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandInput, Histogram } from '../src/index.ts';
import { openExchangeCore } from '../src/index.ts';
import { marketSetup, prng, randomCommand } from '../test/fixtures/market-setup.ts';

const commands = Number(process.argv[2] ?? 100_000);
const inFlight = Number(process.argv[3] ?? 2_000);
const given = process.argv[4];
const dataDir = given ?? mkdtempSync(join(tmpdir(), 'bourse-core-bench-'));
const ACCOUNTS = 100;

const core = await openExchangeCore({ dataDir });
await core.submitBatch(marketSetup(ACCOUNTS));
const random = prng(7);
const load: CommandInput[] = Array.from({ length: commands }, (_, i) =>
  randomCommand(random, ACCOUNTS, i),
);
const base = {
  ...core.stats,
  fsyncs: core.metrics.journalFsyncs,
  acks: core.metrics.commandsTotal,
};

const started = performance.now();
let next = 0;
await new Promise<void>((resolve, reject) => {
  let done = 0;
  const send = (): void => {
    const input = load[next++];
    if (input === undefined) return;
    core.submit(input).then(() => {
      if (++done === commands) resolve();
      else send();
    }, reject);
  };
  for (let i = 0; i < Math.min(inFlight, commands); i++) send();
});
const seconds = (performance.now() - started) / 1000;
const caughtUp = performance.now();
await core.readModels.waitFor(core.durableSeq);
const projectionSeconds = (performance.now() - caughtUp) / 1000;

const fsyncs = core.metrics.journalFsyncs - base.fsyncs;
console.log(
  JSON.stringify({
    commands,
    inFlight,
    seconds: round(seconds),
    ackedPerSecond: Math.round(commands / seconds),
    engineBatches: core.stats.engineBatches - base.engineBatches,
    journalCommits: core.stats.journalCommits - base.journalCommits,
    commandsPerFsync: round(commands / Math.max(1, fsyncs)),
    ackLatencyP50Ms: round(quantile(core.metrics.ackLatencySeconds, 0.5) * 1000),
    ackLatencyP99Ms: round(quantile(core.metrics.ackLatencySeconds, 0.99) * 1000),
    fsyncMeanMs: round((core.metrics.fsyncLatencySeconds.sum / Math.max(1, fsyncs)) * 1000),
    readModelCatchUpSeconds: round(projectionSeconds),
    snapshots: core.stats.snapshotsWritten,
  }),
);
await core.close();
if (given === undefined) rmSync(dataDir, { recursive: true, force: true });

/** Upper bound of the bucket holding the q-quantile (histograms keep no exact values). */
function quantile(h: Histogram, q: number): number {
  const target = q * h.count;
  let seen = 0;
  for (let i = 0; i < h.counts.length; i++) {
    seen += h.counts[i]!;
    if (seen >= target) return h.bounds[i] ?? Number.POSITIVE_INFINITY;
  }
  return Number.POSITIVE_INFINITY;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
