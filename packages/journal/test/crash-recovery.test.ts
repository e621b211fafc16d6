// Kills a real writer process with SIGKILL mid-stream, several times over, and checks that every
// seq it reported as durable is still there, intact, after recovery.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { FileJournal, verifyJournal } from '../src/index.ts';
import { payloadFor } from './seeded-random.ts';
import { tempDir } from './temp-dir.ts';

// The repository's pinned Node (node_modules/.bin/node of this checkout), else the running one.
const PINNED_NODE = fileURLToPath(new URL('../../../node_modules/.bin/node', import.meta.url));
const NODE = existsSync(PINNED_NODE) ? PINNED_NODE : process.execPath;
const WRITER = fileURLToPath(new URL('./fixtures/crash-writer.ts', import.meta.url));

interface RunResult {
  openedAt: number;
  maxDurable: number;
  lines: number;
}

/** Runs the writer until it has printed `killAfter` durable lines, then SIGKILLs it. */
function runAndKill(dir: string, killAfter: number): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, [WRITER, dir, '4096'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const result: RunResult = { openedAt: -1, maxDurable: 0, lines: 0 };
    let previous = 0;
    createInterface({ input: child.stdout }).on('line', (line) => {
      const [word, value] = line.split(' ');
      if (word === 'open') result.openedAt = Number(value);
      if (word !== 'durable') return;
      const seq = Number(value);
      if (seq < previous) reject(new Error(`durable seq went backwards: ${seq} after ${previous}`));
      previous = seq;
      result.maxDurable = Math.max(result.maxDurable, seq);
      if (++result.lines === killAfter) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', () => resolve(result));
  });
}

test('every seq a killed writer reported durable survives recovery', async (t) => {
  const dir = tempDir(t);
  let reported = 0;
  for (const killAfter of [40, 300, 1, 2000, 150]) {
    const run = await runAndKill(dir, killAfter);
    assert.ok(run.lines >= Math.min(killAfter, 1), 'the writer made progress before the kill');
    assert.ok(
      run.openedAt >= reported,
      `writer reopened at ${run.openedAt}, but ${reported} had been reported durable`,
    );
    reported = Math.max(reported, run.maxDurable);
  }
  const report = verifyJournal(dir);
  assert.equal(report.ok, true, report.error?.message);
  const { journal, recovery } = await FileJournal.open(dir, { segmentBytes: 4096 });
  assert.ok(recovery.lastSeq >= reported, `recovered ${recovery.lastSeq} < reported ${reported}`);
  assert.ok(recovery.segments > 1, 'the writer rolled segments');
  let expected = 1;
  for (const record of journal.read()) {
    assert.equal(record.seq, expected++);
    assert.deepEqual(record.payload, payloadFor(record.seq));
  }
  assert.equal(expected - 1, recovery.lastSeq);
  await journal.close();
});
