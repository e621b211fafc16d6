// The read models store a batch only once the core says it is durable, whichever arrives first: the
// batch (sent by the engine worker on its own port) or the durable mark (sent by the core). Batches
// never marked durable are never stored, and a close waits for durable batches still on their way.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import type { MessagePort } from 'node:worker_threads';
import {
  ByteWriter,
  type Command,
  DEFAULT_ENGINE_CONFIG,
  Engine,
  encodeCommand,
  writeCommandEvents,
  writeFramedRecord,
} from '@bourse/engine';
import { openSqliteReadModels } from '@bourse/projections';
import { createCoreMetrics } from '../src/core-metrics.ts';
import type { StagedBatch } from '../src/projection-protocol.ts';
import { type Coalescing, COALESCE, ReadModelFeeder } from '../src/read-model-feeder.ts';
import { FUNDING_MICROS, USD } from './fixtures/market-setup.ts';
import { tempDataDir } from './fixtures/temp-dir.ts';

/** Applies commands to a real engine, as the engine worker does, and stages them on `port`. */
function engineSide(port: MessagePort) {
  const engine = new Engine(DEFAULT_ENGINE_CONFIG);
  let seq = 0;
  return (inputs: readonly Record<string, unknown>[]): number => {
    const commands = new ByteWriter();
    const events = new ByteWriter();
    for (const input of inputs) {
      const command = { ...input, seq: ++seq, ts: 1_700_000_000_000 + seq } as unknown as Command;
      writeFramedRecord(commands, encodeCommand(command));
      writeCommandEvents(events, engine.apply(command));
    }
    const staged: StagedBatch = {
      lastSeq: seq,
      commands: commands.finish(),
      events: events.finish(),
    };
    port.postMessage(staged);
    return seq;
  };
}

/** A feeder with its read-model worker on a fresh file, and an engine side connected to it. */
async function startFeeder(t: TestContext, coalesce: Coalescing = COALESCE) {
  const path = join(tempDataDir(t), 'read.db');
  const init = {
    db: { kind: 'sqlite' as const, path },
    feeAccountId: FEE_ACCOUNT,
    nice: 0,
    idle: false,
  };
  const feeder = await ReadModelFeeder.start(init, createCoreMetrics(), coalesce);
  const port = feeder.connectEngine();
  return { path, feeder, port, stage: engineSide(port) };
}

/** The read models of `path`, opened for reading after the feeder closed. */
async function storedModels(t: TestContext, path: string) {
  const models = await openSqliteReadModels(path, { feeAccountId: FEE_ACCOUNT });
  t.after(() => models.close());
  return models;
}

const FEE_ACCOUNT = DEFAULT_ENGINE_CONFIG.feeAccountId;

const account = (id: number) => [
  { type: 'createAccount', accountId: id, userId: id, subaccount: 0 },
  { type: 'deposit', accountId: id, assetId: USD, amount: FUNDING_MICROS },
];

test('only durable batches are stored, in whichever order batch and mark arrive', async (t) => {
  const { path, feeder, port, stage } = await startFeeder(t);

  // Batch first, mark after.
  const first = stage([{ type: 'createAsset', assetId: USD, code: 'USD', scale: 1_000_000 }]);
  feeder.durable(first);
  await feeder.waitFor(first);
  assert.equal(feeder.appliedSeq, first);

  // Mark first, batch after (the two travel on different ports).
  const second = first + 2;
  feeder.durable(second);
  assert.equal(stage(account(2)), second);
  await feeder.waitFor(second);

  // Applied by the engine, never durable (e.g. the journal failed): not stored, even at close.
  stage(account(3));
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(feeder.appliedSeq, second);
  port.close();
  await feeder.close();

  const models = await storedModels(t, path);
  assert.equal(await models.lastAppliedSeq(), second);
});

test('a close waits for a durable batch the engine sent but the worker has not read yet', async (t) => {
  const { path, feeder, port, stage } = await startFeeder(t);
  const setup = stage([{ type: 'createAsset', assetId: USD, code: 'USD', scale: 1_000_000 }]);
  feeder.durable(setup);
  await feeder.waitFor(setup);
  // The mark and the close go out before the batch is even posted.
  feeder.durable(setup + 4);
  const closed = feeder.close();
  stage([...account(2), ...account(3)]);
  port.close();
  await closed;
  const models = await storedModels(t, path);
  assert.equal(await models.lastAppliedSeq(), setup + 4);
  assert.equal((await models.balances(3)).length, 1);
});

/** Polls until `done` (bounded: a slow machine only makes it poll longer). */
async function eventually(done: () => boolean): Promise<void> {
  for (let i = 0; i < 2_000 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(done());
}

test('few durable commands are held for a larger transaction, unless someone waits for them', async (t) => {
  // Held for a minute unless a million commands come: only a waiter (or a close) sends them.
  const { feeder, port, stage } = await startFeeder(t, { commands: 1_000_000, ms: 60_000 });
  const setup = stage([{ type: 'createAsset', assetId: USD, code: 'USD', scale: 1_000_000 }]);
  feeder.durable(setup);
  const accounts = stage([...account(2), ...account(3)]);
  feeder.durable(accounts);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(feeder.appliedSeq, 0, 'still held');
  await feeder.waitFor(setup);
  await feeder.waitFor(accounts);
  assert.equal(feeder.appliedSeq, accounts);
  port.close();
  await feeder.close();
});

test('held marks go out once they cover enough commands, or once the delay has passed', async (t) => {
  const bySize = await startFeeder(t, { commands: 3, ms: 60_000 });
  const one = bySize.stage([{ type: 'createAsset', assetId: USD, code: 'USD', scale: 1_000_000 }]);
  bySize.feeder.durable(one);
  const three = bySize.stage(account(2));
  bySize.feeder.durable(three);
  await eventually(() => bySize.feeder.appliedSeq === three);
  bySize.port.close();
  await bySize.feeder.close();

  const byTime = await startFeeder(t, { commands: 1_000_000, ms: 20 });
  const first = byTime.stage([
    { type: 'createAsset', assetId: USD, code: 'USD', scale: 1_000_000 },
  ]);
  byTime.feeder.durable(first);
  await eventually(() => byTime.feeder.appliedSeq === first);
  byTime.port.close();
  await byTime.feeder.close();
});
