// Micro-benchmark of group commit on the local disk: commits/s and records/s for batches of 1, 64
// and 1024 records per commit (one fdatasync each). Not a test; run it on the machine being judged.
// Usage: node packages/journal/bench/journal-bench.ts [payloadBytes] [dir]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileJournal } from '../src/index.ts';

const payloadBytes = Number(process.argv[2] ?? 128);
const baseDir = process.argv[3] ?? tmpdir();
/** Commits per batch size: bounded so one run stays in seconds even on a slow disk. */
const PLAN: [batch: number, commits: number][] = [
  [1, 2000],
  [64, 1000],
  [1024, 200],
];

async function run(batch: number, commits: number): Promise<void> {
  const dir = mkdtempSync(join(baseDir, 'bourse-journal-bench-'));
  try {
    const { journal } = await FileJournal.open(dir);
    const payload = new Uint8Array(payloadBytes).fill(7);
    const started = performance.now();
    for (let c = 0; c < commits; c++) {
      for (let i = 0; i < batch; i++) journal.append(journal.lastSeq + 1, payload);
      await journal.commit();
    }
    const seconds = (performance.now() - started) / 1000;
    const records = batch * commits;
    const mib = (records * (payloadBytes + 16)) / 1024 / 1024;
    console.log(
      [
        `batch ${String(batch).padStart(4)}`,
        `${fmt(commits / seconds)} commits/s`,
        `${fmt(records / seconds)} records/s`,
        `${(mib / seconds).toFixed(1)} MiB/s`,
        `${((seconds / commits) * 1e6).toFixed(0)} µs/commit`,
        `${journal.syncCount} syncs`,
      ].join('  '),
    );
    await journal.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US').padStart(10);
}

console.log(`journal group commit, ${payloadBytes}-byte payloads, dir ${baseDir}`);
for (const [batch, commits] of PLAN) await run(batch, commits);
