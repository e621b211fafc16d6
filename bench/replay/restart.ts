// The restart suite: a data directory of `--n` commands (10 M for the target) written through the
// real journal with the production snapshot spacing, the newest snapshot a full spacing before the
// end (the longest tail a restart can meet), then timed restarts of the core on it: journal open,
// snapshot load, the tail replayed through the engine thread. Also times the parts on their own, so
// the bound restart <= open + snapshot load + snapshotEvery / replay rate can be checked.

import { mkdtempSync, readdirSync, rmSync, statfsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  generate,
  type ProfileName,
  prepareBourse,
  setupCommands,
  type WorkloadColumns,
} from '@bourse/benchkit';
import { DEFAULT_SNAPSHOT_EVERY, openExchangeCore } from '@bourse/core';
import { type Command, Engine, type EngineConfig } from '@bourse/engine';
import { FileJournal, SnapshotStore } from '@bourse/journal';
import type { BenchOptions } from '../options.ts';
import { type Measurement, profileSuite, progress, type Suite } from '../report.ts';
import { buildDataDir } from './data-dir.ts';

const ACCOUNTS = 64;
const CONFIG: EngineConfig = { feeAccountId: 0, maxOpenOrdersPerAccount: 1_000_000 };
/** Commands turned from columns into objects at a time, so 10 M never sit in memory at once. */
const BLOCK = 1_000_000;
/** Journal bytes per binary command (48-byte frame + 18 bytes of payload), with room to spare. */
const DISK_BYTES_PER_COMMAND = 80;

export const restartSuite: Suite = profileSuite(
  'restart',
  'Restart of a large data directory: journal open, snapshot, tail replay',
  measure,
);

/**
 * The reference stream at any length: its columns generated at once (14 bytes a command), turned
 * into commands a block at a time. Account choice is the benchmark's own per block; an order
 * cancelled or amended in a later block keeps the account that placed it.
 */
function* stream(profile: ProfileName, o: BenchOptions): Generator<Command> {
  const setup = setupCommands(profile, ACCOUNTS);
  yield* setup;
  const cols = generate({ profile, n: o.n, seed: o.seed, mix: o.mix }).cols;
  const owner = new Map<number, number>();
  let seq = setup.length;
  for (let from = 0; from < cols.n; from += BLOCK) {
    const prepared = prepareBourse(slice(cols, from, Math.min(cols.n, from + BLOCK)), {
      profile,
      accounts: ACCOUNTS,
      maxOpenOrdersPerAccount: CONFIG.maxOpenOrdersPerAccount,
    });
    for (const command of prepared.commands) {
      seq++;
      const c = { ...command, seq, ts: seq } as Command & { orderId?: number; accountId: number };
      if (c.type === 'placeOrder') owner.set(c.orderId!, c.accountId);
      else if (c.orderId !== undefined) {
        c.accountId = owner.get(c.orderId) ?? c.accountId;
        if (c.type === 'cancelOrder') owner.delete(c.orderId);
      }
      yield c;
    }
  }
}

function slice(cols: WorkloadColumns, from: number, to: number): WorkloadColumns {
  return {
    n: to - from,
    type: cols.type.subarray(from, to),
    side: cols.side.subarray(from, to),
    id: cols.id.subarray(from, to),
    price: cols.price.subarray(from, to),
    qty: cols.qty.subarray(from, to),
  };
}

function freeBytes(dir: string): number {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
}

function bytesUnder(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += statSync(join(entry.parentPath, entry.name)).size;
  }
  return total;
}

const gb = (bytes: number) => `${(bytes / 1e9).toFixed(2)} GB`;
const cpuSeconds = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1e6;

async function measure(profile: ProfileName, o: BenchOptions, notes: string[]) {
  const every = DEFAULT_SNAPSHOT_EVERY;
  const root = mkdtempSync(join(tmpdir(), 'bourse-bench-restart-'));
  const need = o.n * DISK_BYTES_PER_COMMAND;
  const free = freeBytes(root);
  if (free < 2 * need) {
    rmSync(root, { recursive: true, force: true });
    throw new Error(`restart/${profile}: needs about ${gb(need)} in ${tmpdir()}, ${gb(free)} free`);
  }
  try {
    const dataDir = join(root, 'data');
    const total = setupCommands(profile, ACCOUNTS).length + o.n;
    progress(
      `restart/${profile}: writing ${total} commands through the journal (${gb(free)} free)`,
    );
    const buildStarted = performance.now();
    const built = await buildDataDir(dataDir, stream(profile, o), {
      format: 'binary',
      config: CONFIG,
      snapshotEvery: every,
      lastSnapshotBy: total - every + 1,
    });
    const buildSeconds = (performance.now() - buildStarted) / 1000;
    const used = bytesUnder(dataDir);
    const snapshot = new SnapshotStore(join(dataDir, 'snapshots')).latest()!;
    const tail = built.lastSeq - snapshot.seq;
    notes.push(
      `restart/${profile}: data directory of ${built.lastSeq} commands written in ` +
        `${buildSeconds.toFixed(0)} s, ${gb(used)} on disk; newest snapshot at seq ${snapshot.seq} ` +
        `(${snapshot.bytes.byteLength} bytes), so a restart replays ${tail} commands ` +
        `(snapshot every ${every})`,
    );
    await measureParts(dataDir, snapshot, notes, profile);
    const restarts: { wall: number; cpu: number }[] = [];
    let valid = true;
    for (let run = 0; run < o.runs; run++) {
      progress(`restart/${profile}: restart ${run + 1} of ${o.runs}`);
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const core = await openExchangeCore({
        dataDir,
        engineConfig: CONFIG,
        ticking: false,
        readModels: false,
      });
      const cpu = cpuSeconds(process.cpuUsage(c0));
      const wall = (performance.now() - t0) / 1000;
      restarts.push({ wall, cpu });
      const { seq, hash } = await core.query.stateHash();
      valid &&= seq === built.lastSeq && hash === built.hash;
      await core.close();
    }
    const walls = restarts.map((r) => r.wall);
    notes.push(
      `restart/${profile}: restarts took ${walls.map((w) => w.toFixed(2)).join(' / ')} s wall, ` +
        `${restarts.map((r) => r.cpu.toFixed(2)).join(' / ')} s CPU (all threads)`,
    );
    const median = [...walls].sort((a, b) => a - b)[walls.length >> 1]!;
    return [
      {
        suite: 'restart',
        name: `restart of ${built.lastSeq} commands (commands/s = commands / restart seconds)`,
        profile,
        mix: o.mix,
        n: built.lastSeq,
        seed: o.seed,
        commandsPerSec: built.lastSeq / median,
        runsPerSec: walls.map((w) => built.lastSeq / w),
        valid,
        validation:
          'every restarted core reached the state hash of the engine that wrote the journal',
      } satisfies Measurement,
    ];
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** The restart's parts on their own: the journal's open (as restart does it, and checking every record), the snapshot's load, the tail's replay. */
async function measureParts(
  dataDir: string,
  snapshot: { seq: number; bytes: Uint8Array },
  notes: string[],
  profile: ProfileName,
): Promise<void> {
  const journalDir = join(dataDir, 'journal');
  const opened = async (trustThrough: number) => {
    const t0 = performance.now();
    const { journal } = await FileJournal.open(journalDir, { trustThrough });
    const seconds = (performance.now() - t0) / 1000;
    await journal.close();
    return seconds;
  };
  const restartOpen = await opened(snapshot.seq);
  const fullOpen = await opened(0);
  const t0 = performance.now();
  const engine = Engine.restore(new SnapshotStore(join(dataDir, 'snapshots')).latest()!.bytes);
  const load = (performance.now() - t0) / 1000;
  notes.push(
    `restart/${profile}: journal open as a restart does it (checks from the snapshot on) ` +
      `${restartOpen.toFixed(3)} s, checking every record ${fullOpen.toFixed(3)} s; ` +
      `snapshot read and restored in ${load.toFixed(3)} s (engine at seq ${engine.lastSeq})`,
  );
}
