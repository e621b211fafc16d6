// A core opened with `lazyEvents` (a cluster node) hands on applied commands that keep the engine's
// bytes and decode their events when read: the same commands and events as the default core, in
// subscribers and acknowledgements, the same JSON, and the record each command was journaled as.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeCommand } from '@bourse/engine';
import type { AppliedCommand } from '../src/exchange-core.ts';
import { EncodedApplied } from '../src/encoded-applied.ts';
import { marketSetup, prng, randomCommand } from './fixtures/market-setup.ts';
import { openCore } from './fixtures/open-core.ts';
import { tempDataDir } from './fixtures/temp-dir.ts';

const ACCOUNTS = 4;

async function run(
  t: import('node:test').TestContext,
  lazyEvents: boolean,
): Promise<{
  acked: AppliedCommand[];
  streamed: AppliedCommand[];
  hash: unknown;
  rejects: [number, [string, number][]];
}> {
  const core = await openCore(t, {
    dataDir: tempDataDir(t),
    readModels: false,
    lazyEvents,
    // The same timestamps in both runs, so their commands are equal.
    clock: () => 1_800_000_000_000,
  });
  const streamed: AppliedCommand[] = [];
  core.subscribe((batch) => streamed.push(...batch));
  const acked = await core.submitBatch(marketSetup(ACCOUNTS));
  const random = prng(5);
  for (let i = 0; i < 6; i++) {
    // Cancels of random seqs: some are not open orders, which the engine rejects.
    const inputs = Array.from({ length: 150 }, () => randomCommand(random, ACCOUNTS, acked.length));
    acked.push(...(await core.submitBatch(inputs)));
  }
  const hash = await core.query.stateHash();
  const { rejectsTotal, rejectsByCode } = core.metrics;
  await core.close();
  return { acked, streamed, hash, rejects: [rejectsTotal, [...rejectsByCode].sort()] };
}

test('lazy events are the events the default core decodes, in acks and the stream alike', async (t) => {
  const eager = await run(t, false);
  const lazy = await run(t, true);
  assert.deepEqual(lazy.hash, eager.hash);
  assert.equal(lazy.acked.length, eager.acked.length);
  assert.equal(lazy.streamed.length, eager.streamed.length);
  assert.ok(eager.acked.some((a) => a.events.some((e) => e.type === 'fill')));
  for (let i = 0; i < eager.acked.length; i++) {
    const a = lazy.acked[i]!;
    assert.ok(a instanceof EncodedApplied);
    assert.equal(lazy.streamed[i], a, 'the stream and the ack share one object');
    assert.deepEqual(encodeCommand(a.command), a.record, 'the record is the command journaled');
    assert.deepEqual(a.command, eager.acked[i]!.command);
    assert.deepEqual([...a.events], [...eager.acked[i]!.events], `seq ${a.seq}`);
    assert.equal(JSON.stringify(a), JSON.stringify(eager.acked[i]));
  }
});

test("lazy events count the same rejects, reading only a reject's events", async (t) => {
  const eager = await run(t, false);
  const lazy = await run(t, true);
  assert.ok(eager.rejects[0] > 0, 'the random commands include rejects');
  assert.deepEqual(lazy.rejects, eager.rejects);
  for (let i = 0; i < eager.acked.length; i++) {
    const rejected = eager.acked[i]!.events[0]?.type === 'rejected';
    const acked = lazy.acked[i] as EncodedApplied;
    const { command, record, eventBatch, eventStart, eventEnd } = acked;
    const a = new EncodedApplied(command, record, eventBatch, eventStart, eventEnd);
    // A fresh object: nothing decoded its events yet, so the answer comes from the bytes alone.
    assert.equal(a.mayBeRejected, rejected, `seq ${a.seq}`);
  }
});
