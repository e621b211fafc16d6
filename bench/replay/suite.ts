// The replay suite: how fast a data directory's journal is rebuilt into an engine, beside the bare
// engine on the same stream in the same run. `bourse replay` (the whole journal in this process) on a
// JSON journal (as written before the binary codec) and a binary one; the real core fed the
// reference workload with its journal on (`replicate`, as a standby applies the log: sequencing,
// journal, engine thread, acknowledgements), and the engine thread's own rate inside it; then a
// restart of that data directory (journal scan, newest snapshot, the tail after it, read models).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProfileName } from '@bourse/benchkit';
import {
  DEFAULT_SNAPSHOT_EVERY,
  openExchangeCore,
  type ReplicatingCore,
  replayDataDir,
} from '@bourse/core';
import { type Command, Engine, type EngineConfig } from '@bourse/engine';
import { FileJournal } from '@bourse/journal';
import type { BenchOptions } from '../options.ts';
import { type Measurement, profileSuite, progress, type Suite } from '../report.ts';
import { median, referenceStream } from '../reference-stream.ts';
import { buildDataDir, type RecordFormat } from './data-dir.ts';

const ACCOUNTS = 64;
const CONFIG: EngineConfig = { feeAccountId: 0, maxOpenOrdersPerAccount: 1_000_000 };
/** Commands per `replicate` call and calls in flight, as a standby's log batches arrive. */
const CORE_BATCH = 4096;
const CORE_IN_FLIGHT = 4;

interface Rate {
  readonly wall: number;
  /** Commands per CPU-second of the whole process (every thread). */
  readonly cpu: number;
  /** Commands per CPU-second of the calling thread alone (replay's critical path). */
  readonly thread: number;
}

function timed(n: number, body: () => void): Rate {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const th0 = process.threadCpuUsage();
  body();
  return rateSince(n, t0, c0, th0);
}

async function timedAsync(n: number, body: () => Promise<void>): Promise<Rate> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const th0 = process.threadCpuUsage();
  await body();
  return rateSince(n, t0, c0, th0);
}

function rateSince(n: number, t0: number, c0: NodeJS.CpuUsage, th0: NodeJS.CpuUsage): Rate {
  const cpu = process.cpuUsage(c0);
  const thread = process.threadCpuUsage(th0);
  const seconds = (performance.now() - t0) / 1000;
  return {
    wall: n / seconds,
    cpu: n / ((cpu.user + cpu.system) / 1e6),
    thread: n / ((thread.user + thread.system) / 1e6),
  };
}

export const replaySuite: Suite = profileSuite(
  'replay',
  'Replay and recovery: bourse replay, the core, restart',
  measureProfile,
);

async function measureProfile(profile: ProfileName, o: BenchOptions, notes: string[]) {
  progress(`replay/${profile}: building JSON and binary journals of ${o.n} commands`);
  const commands = referenceStream(profile, o, { accounts: ACCOUNTS, config: CONFIG });
  const root = mkdtempSync(join(tmpdir(), 'bourse-bench-replay-'));
  try {
    const dirs = { json: join(root, 'json'), binary: join(root, 'binary') };
    const built: Record<RecordFormat, Awaited<ReturnType<typeof buildDataDir>>> = {
      json: await buildDataDir(dirs.json, commands, {
        format: 'json',
        config: CONFIG,
        snapshotEvery: 0,
      }),
      binary: await buildDataDir(dirs.binary, commands, {
        format: 'binary',
        config: CONFIG,
        snapshotEvery: 0,
      }),
    };
    const rates: Record<'bare' | RecordFormat, Rate[]> = { bare: [], json: [], binary: [] };
    const hashes = new Set<string>([built.json.hash, built.binary.hash]);
    progress(
      `replay/${profile}: ${o.runs} runs each of the bare engine and bourse replay, interleaved`,
    );
    for (let run = 0; run < o.runs; run++) {
      rates.bare.push(timed(commands.length, () => bareReplay(commands)));
      for (const format of ['binary', 'json'] as const) {
        let hash = '';
        rates[format].push(
          await timedAsync(commands.length, async () => {
            hash = (await replayDataDir(dirs[format])).hash;
          }),
        );
        hashes.add(hash);
      }
    }
    const out = replayMeasurements(profile, o, commands.length, rates, hashes.size === 1);
    const bare = median(rates.bare.map((r) => r.wall));
    const bareCpu = median(rates.bare.map((r) => r.cpu));
    notes.push(
      `replay/${profile}: journal ${(built.binary.journalBytes / commands.length).toFixed(1)} ` +
        `payload bytes per command binary, ${(built.json.journalBytes / commands.length).toFixed(1)} JSON`,
    );
    for (const format of ['binary', 'json'] as const) {
      const thread = median(rates[format].map((r) => r.thread));
      notes.push(
        `replay/${profile}: bourse replay of the ${format} journal, its replaying thread alone ` +
          `(the journal is read and checked on a second thread): ${Math.round(thread).toLocaleString('en-US')} ` +
          `commands per CPU-s of that thread, ${(thread / median(rates.bare.map((r) => r.thread))).toFixed(2)}× the bare engine's`,
      );
    }
    const scan = await openScanSeconds(dirs.binary);
    notes.push(
      `replay/${profile}: opening the binary journal (the scan that checks every record) took ` +
        `${scan.toFixed(3)} s, ${Math.round((scan * 1e9) / commands.length)} ns per record`,
    );
    const core = await coreAndRestart(
      profile,
      o,
      commands,
      join(root, 'core'),
      { bare, bareCpu },
      notes,
    );
    out.push(...core);
    return out;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** One row per contender; each replay's ratio is to the bare engine of the same run. */
function replayMeasurements(
  profile: ProfileName,
  o: BenchOptions,
  n: number,
  rates: Record<'bare' | RecordFormat, Rate[]>,
  valid: boolean,
): Measurement[] {
  const bare = median(rates.bare.map((r) => r.wall));
  const bareCpu = median(rates.bare.map((r) => r.cpu));
  return (['bare', 'binary', 'json'] as const).map((key) => {
    const wall = rates[key].map((r) => r.wall);
    const cpu = median(rates[key].map((r) => r.cpu));
    return {
      suite: 'replay',
      name: key === 'bare' ? 'bare engine (apply only)' : `bourse replay, ${key} journal`,
      profile,
      mix: o.mix,
      n,
      seed: o.seed,
      commandsPerSec: median(wall),
      runsPerSec: wall,
      commandsPerCpuSec: cpu,
      valid,
      validation: 'every replay reached the state hash of the engine that wrote the journal',
      ...(key === 'bare'
        ? {}
        : { peer: 'bare engine', ratio: median(wall) / bare, ratioCpu: cpu / bareCpu }),
    };
  });
}

/** Seconds `FileJournal.open` takes: a restart scans every record of the journal before replay. */
async function openScanSeconds(dataDir: string): Promise<number> {
  const started = performance.now();
  const { journal } = await FileJournal.open(join(dataDir, 'journal'));
  const seconds = (performance.now() - started) / 1000;
  await journal.close();
  return seconds;
}

function bareReplay(commands: readonly Command[]): void {
  const engine = new Engine(CONFIG);
  for (let i = 0; i < commands.length; i++) engine.apply(commands[i]!);
}

/** Feeds the stream through a real core, then times a restart of its data directory. */
async function coreAndRestart(
  profile: ProfileName,
  o: BenchOptions,
  commands: readonly Command[],
  dataDir: string,
  { bare, bareCpu }: { bare: number; bareCpu: number },
  notes: string[],
): Promise<Measurement[]> {
  progress(`replay/${profile}: the core (journal on) fed the stream in batches of ${CORE_BATCH}`);
  const core = await openExchangeCore({ dataDir, engineConfig: CONFIG, ticking: false });
  const rate = await timedAsync(commands.length, () => feed(core, commands));
  const busySeconds = core.stats.engineBusyMs / 1000;
  const stateBefore = await core.query.stateHash();
  const closeStarted = performance.now();
  await core.close();
  const closeSeconds = (performance.now() - closeStarted) / 1000;
  progress(
    `replay/${profile}: restarting the data directory (${core.stats.snapshotsWritten} snapshots)`,
  );
  const restartStarted = performance.now();
  const reopened = await openExchangeCore({ dataDir, engineConfig: CONFIG, ticking: false });
  const restartSeconds = (performance.now() - restartStarted) / 1000;
  const stateAfter = await reopened.query.stateHash();
  await reopened.close();
  const valid = stateAfter.hash === stateBefore.hash;
  const engineThread = commands.length / busySeconds;
  notes.push(
    `replay/${profile}: restart of a data directory of ${commands.length} commands ` +
      `(snapshot every ${DEFAULT_SNAPSHOT_EVERY}): ${restartSeconds.toFixed(2)} s; ` +
      `the core's close (read models catching up) took ${closeSeconds.toFixed(1)} s`,
  );
  const base = { suite: 'replay', profile, mix: o.mix, n: commands.length, seed: o.seed, valid };
  const validation = 'the restarted core reached the state hash the core had before it stopped';
  return [
    {
      ...base,
      name: 'core, journal on (replicate): commands acknowledged',
      commandsPerSec: rate.wall,
      runsPerSec: [rate.wall],
      commandsPerCpuSec: rate.cpu,
      validation,
      peer: 'bare engine',
      ratio: rate.wall / bare,
    },
    {
      ...base,
      name: 'engine thread inside the core (per CPU-s of the thread)',
      commandsPerSec: engineThread,
      runsPerSec: [engineThread],
      commandsPerCpuSec: engineThread,
      validation,
      peer: 'bare engine',
      ratio: engineThread / bare,
      ratioCpu: engineThread / bareCpu,
    },
  ];
}

async function feed(core: ReplicatingCore, commands: readonly Command[]): Promise<void> {
  const inFlight: Promise<unknown>[] = [];
  for (let i = 0; i < commands.length; i += CORE_BATCH) {
    inFlight.push(core.replicate(commands.slice(i, i + CORE_BATCH)));
    if (inFlight.length >= CORE_IN_FLIGHT) await inFlight.shift();
  }
  await Promise.all(inFlight);
}
