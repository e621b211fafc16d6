// Durable commit latency with the segment zero-filled ahead of the writes and without: two journals
// open side by side, one commit to each in turn, paced like the server at 50,000 orders/s (≈ 86
// records of 110 bytes every 1.7 ms), so both see the same disk and the same neighbours.
// Usage: node packages/journal/bench/prefill-bench.ts [commits] [dir]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FileJournal } from '../src/index.ts';
import { DEFAULT_PREFILL_BYTES } from '../src/segment-prefill.ts';

const commits = Number(process.argv[2] ?? 3000);
const baseDir = process.argv[3] ?? tmpdir();
const RECORDS = 86;
const PAYLOAD = new Uint8Array(110).fill(7);
const PERIOD_MS = 1.7;

const modes = [
  { name: 'prefilled', prefillBytes: DEFAULT_PREFILL_BYTES },
  { name: 'extending', prefillBytes: 0 },
];
const dirs = modes.map(() => mkdtempSync(join(baseDir, 'bourse-prefill-bench-')));
try {
  const journals = await Promise.all(
    modes.map(async (m, i) => (await FileJournal.open(dirs[i]!, m)).journal),
  );
  const samples = modes.map(() => new Float64Array(commits));
  const started = performance.now();
  for (let c = 0; c < commits; c++) {
    // Alternate which goes first, so neither always follows the other's write.
    for (let k = 0; k < modes.length; k++) {
      const i = (c + k) % modes.length;
      const journal = journals[i]!;
      for (let r = 0; r < RECORDS; r++) journal.append(journal.lastSeq + 1, PAYLOAD);
      const t0 = performance.now();
      await journal.commit();
      samples[i]![c] = performance.now() - t0;
    }
    const wait = started + (c + 1) * PERIOD_MS * modes.length - performance.now();
    if (wait > 1) await sleep(wait);
  }
  console.log(
    `${commits} commits each of ${RECORDS} × ${PAYLOAD.length} B, alternated, dir ${baseDir}`,
  );
  for (let i = 0; i < modes.length; i++) {
    const s = samples[i]!.sort();
    const at = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!.toFixed(3);
    console.log(
      `${modes[i]!.name.padEnd(10)} commit ms p50 ${at(0.5)}  p90 ${at(0.9)}  p99 ${at(0.99)}  ` +
        `p99.9 ${at(0.999)}  max ${s[s.length - 1]!.toFixed(2)}`,
    );
  }
  await Promise.all(journals.map((j) => j.close()));
} finally {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}
