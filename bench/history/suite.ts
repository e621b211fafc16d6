// The history suite: what a time-travel read costs as the target moves away from the snapshot it is
// rebuilt from. A real core (journal and snapshots on) is fed the reference workload with a snapshot
// every `snapshotEvery` commands; then `core.history()` (the thread the REST endpoint uses) is asked
// for the book at seqs ever further past one kept snapshot, and at a seq older than every kept
// snapshot (replayed from the journal's start). Each answer's state hash must equal that of an engine
// replayed from scratch to the same seq.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INSTRUMENT_ID, type ProfileName } from '@bourse/benchkit';
import {
  DEFAULT_SNAPSHOT_EVERY,
  dataDirLayout,
  openExchangeCore,
  type ReplicatingCore,
} from '@bourse/core';
import { type Command, Engine, type EngineConfig } from '@bourse/engine';
import { SnapshotStore } from '@bourse/journal';
import type { BenchOptions } from '../options.ts';
import { type Measurement, profileSuite, progress, type Suite } from '../report.ts';
import { referenceStream } from '../reference-stream.ts';

const ACCOUNTS = 64;
const CONFIG: EngineConfig = { feeAccountId: 0, maxOpenOrdersPerAccount: 1_000_000 };
const CORE_BATCH = 4096;
const CORE_IN_FLIGHT = 4;
/** Where the queries land in the gap between two consecutive snapshots. */
const FRACTIONS = [0, 0.01, 0.1, 0.25, 0.5, 0.75, 1];

interface Target {
  readonly label: string;
  readonly seq: number;
}

export const historySuite: Suite = profileSuite(
  'history',
  'Time-travel reads: query cost vs distance from the snapshot',
  measureProfile,
);

async function measureProfile(
  profile: ProfileName,
  o: BenchOptions,
  notes: string[],
): Promise<Measurement[]> {
  const commands = referenceStream(profile, o, { accounts: ACCOUNTS, config: CONFIG });
  // The production spacing when the stream is long enough to hold a few gaps of it.
  const snapshotEvery = Math.min(DEFAULT_SNAPSHOT_EVERY, Math.floor(commands.length / 4));
  const dataDir = mkdtempSync(join(tmpdir(), 'bourse-bench-history-'));
  try {
    progress(
      `history/${profile}: the core fed ${commands.length} commands, snapshot every ${snapshotEvery}`,
    );
    const core = await openExchangeCore({
      dataDir,
      engineConfig: CONFIG,
      ticking: false,
      readModels: false,
      snapshotEvery,
    });
    try {
      await feed(core, commands, snapshotEvery);
      const kept = [...new SnapshotStore(dataDirLayout(dataDir).snapshotsDir).newestFirst()].map(
        (s) => s.seq,
      );
      if (kept.length < 2) throw new Error(`history: only ${kept.length} snapshot(s) were kept`);
      const targets = targetsOf(kept);
      const hashes = hashesAt(commands, targets);
      notes.push(
        `history/${profile}: ${commands.length} commands, snapshots kept at ${[...kept].reverse().join(', ')}; ` +
          'latency is one core.history() call (a fresh thread restores the snapshot and replays the journal)',
      );
      return await measureTargets(core, targets, hashes, { profile, o });
    } finally {
      await core.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Seqs across the gap after the second-newest kept snapshot, and one before the oldest kept. */
function targetsOf(keptNewestFirst: readonly number[]): Target[] {
  const next = keptNewestFirst[0]!;
  const base = keptNewestFirst[1]!;
  const gap = next - base;
  const targets = FRACTIONS.map((f) => {
    const seq = Math.min(next - 1, base + Math.round(f * gap));
    return { label: `snapshot ${base} + ${seq - base}`, seq };
  });
  const oldest = keptNewestFirst[keptNewestFirst.length - 1]!;
  targets.push({ label: `before the oldest kept snapshot (${oldest})`, seq: oldest - 1 });
  return targets;
}

/** State hashes of an engine replayed from scratch, at each target seq. */
function hashesAt(commands: readonly Command[], targets: readonly Target[]): Map<number, string> {
  const wanted = new Set(targets.map((t) => t.seq));
  const out = new Map<number, string>();
  const engine = new Engine(CONFIG);
  if (wanted.has(0)) out.set(0, engine.stateHash());
  for (const command of commands) {
    engine.apply(command);
    if (wanted.has(command.seq)) out.set(command.seq, engine.stateHash());
  }
  return out;
}

async function measureTargets(
  core: ReplicatingCore,
  targets: readonly Target[],
  hashes: ReadonlyMap<number, string>,
  { profile, o }: { profile: ProfileName; o: BenchOptions },
): Promise<Measurement[]> {
  const out: Measurement[] = [];
  for (const target of targets) {
    progress(`history/${profile}: ${o.runs} queries at seq ${target.seq} (${target.label})`);
    const ns: number[] = [];
    let replayed = 0;
    let valid = true;
    for (let run = 0; run < o.runs; run++) {
      const t0 = process.hrtime.bigint();
      const state = await core.history!({
        target: { seq: target.seq },
        market: String(INSTRUMENT_ID),
        depth: 10,
      });
      ns.push(Number(process.hrtime.bigint() - t0));
      replayed = state.replayed;
      valid &&= state.seq === target.seq && state.stateHash === hashes.get(target.seq);
    }
    const sorted = [...ns].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
    const p50 = at(0.5);
    out.push({
      suite: 'history',
      name: `${target.label}: ${replayed} records replayed`,
      profile,
      mix: o.mix,
      n: replayed,
      seed: o.seed,
      // Journal records replayed per second of query (0 at the snapshot itself).
      commandsPerSec: replayed / (p50 / 1e9),
      runsPerSec: ns.map((t) => replayed / (t / 1e9)),
      latencyNs: {
        p50,
        p90: at(0.9),
        p99: at(0.99),
        p999: at(0.999),
        max: sorted[sorted.length - 1]!,
        timerOverheadP50: 0,
      },
      valid,
      validation: 'each answer had the state hash of an engine replayed from scratch to its seq',
    });
  }
  return out;
}

/**
 * Feeds the stream one snapshot interval at a time and waits for each interval's snapshot to be
 * stored, as on a server whose snapshots keep up with its load (a core fed faster than it writes
 * snapshots skips some, which only widens the gaps).
 */
async function feed(
  core: ReplicatingCore,
  commands: readonly Command[],
  snapshotEvery: number,
): Promise<void> {
  for (let start = 0; start < commands.length; start += snapshotEvery) {
    const slice = commands.slice(start, start + snapshotEvery);
    const inFlight: Promise<unknown>[] = [];
    for (let i = 0; i < slice.length; i += CORE_BATCH) {
      inFlight.push(core.replicate(slice.slice(i, i + CORE_BATCH)));
      if (inFlight.length >= CORE_IN_FLIGHT) await inFlight.shift();
    }
    await Promise.all(inFlight);
    if (slice.length < snapshotEvery) break;
    const want = start / snapshotEvery + 1;
    // Bounded: a snapshot the core failed to write is not waited for past a minute.
    for (let i = 0; i < 6000 && core.stats.snapshotsWritten < want; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}
