// Crash safety: a writer process is SIGKILLed while thousands of orders are in flight. Every command it
// saw acknowledged must survive with the same outcome, the recovered state must equal a fresh replay of
// the journal, and money must be conserved.

import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { createHash } from 'node:crypto';
import { replayDataDir } from '../src/index.ts';
import { openCore } from './fixtures/open-core.ts';
import { tempDataDir } from './fixtures/temp-dir.ts';

const NODE = process.execPath;
const WRITER = fileURLToPath(new URL('./fixtures/crash-writer.ts', import.meta.url));
const KILL_AFTER_ACKS = 3_000;

interface Ack {
  readonly seq: number;
  readonly outcome: string;
  readonly digest: string;
}

/** Runs the writer until it has printed `acks` acknowledgements, then SIGKILLs it. */
async function runAndKill(dataDir: string, acks: number): Promise<Ack[]> {
  const child: ChildProcess = spawn(NODE, [WRITER, dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  const seen: Ack[] = [];
  let buffered = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop()!; // a partial line is not an acknowledgement yet
    for (const line of lines) {
      const [kind, seq, outcome, digest] = line.split(' ');
      if (kind === 'ack') seen.push({ seq: Number(seq), outcome: outcome!, digest: digest! });
    }
    if (seen.length >= acks) child.kill('SIGKILL');
  });
  // A bound, not a timing assertion: a writer that hangs must not hang the suite.
  const guard = setTimeout(() => child.kill('SIGKILL'), 120_000);
  const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
  clearTimeout(guard);
  assert.equal(signal, 'SIGKILL', `writer ended by itself (code ${code}): ${stderr}`);
  return seen;
}

function digestOf(events: unknown): string {
  return createHash('sha256').update(JSON.stringify(events)).digest('hex').slice(0, 16);
}

test('every acknowledged command survives a SIGKILL with the same outcome', async (t) => {
  const dataDir = tempDataDir(t);
  const acks = await runAndKill(dataDir, KILL_AFTER_ACKS);
  assert.ok(acks.length >= KILL_AFTER_ACKS);

  const core = await openCore(t, { dataDir });
  const { seq: lastSeq, hash } = await core.query.stateHash();
  assert.ok(lastSeq >= Math.max(...acks.map((a) => a.seq)), 'no acknowledged seq was lost');
  assert.deepEqual(await core.query.verify(), []);
  await core.readModels.waitFor(lastSeq);
  for (const ack of acks) {
    const order = await core.readModels.order(ack.seq);
    if (order === undefined) continue; // a cancel, not an order
    assert.equal(order.status === 'rejected', ack.outcome.startsWith('rejected'), `seq ${ack.seq}`);
    if (ack.outcome === 'accepted' && order.status === 'open') {
      assert.equal((await core.query.order(ack.seq))?.openQtyLots, order.openQtyLots);
    }
  }
  await core.close();

  const replayedDigests = new Map<number, string>();
  const wanted = new Set(acks.map((a) => a.seq));
  const replay = await replayDataDir(dataDir, undefined, {
    onApplied: (applied) => {
      if (wanted.has(applied.seq)) replayedDigests.set(applied.seq, digestOf(applied.events));
    },
  });
  assert.equal(replay.hash, hash);
  assert.equal(replay.seq, lastSeq);
  assert.deepEqual(replay.violations, []);
  for (const ack of acks) assert.equal(replayedDigests.get(ack.seq), ack.digest, `seq ${ack.seq}`);
});
