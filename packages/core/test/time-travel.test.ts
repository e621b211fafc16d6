// Time-travel reads against a seeded simulation: a random command stream is journaled with snapshots
// along the way, then the state returned for many random seqs (and timestamps) must equal the state
// of an engine replayed from scratch to that seq: book, balances, positions, open orders and hash.
// A failure names the seed: `SEED=<seed> node --test <this file>`.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Command, Engine, type Fill } from '@bourse/engine';
import { FileJournal, SnapshotStore } from '@bourse/journal';
import { CommandGenerator } from '../../engine/test/support/command-generator.ts';
import { Prng, seedFromEnv } from '../../engine/test/support/prng.ts';
import { encodeCommandJson } from '../src/command-codec.ts';
import { dataDirLayout, ensureDataDir, resolveEngineConfig } from '../src/data-dir.ts';
import {
  appliedRange,
  engineAt,
  HistoryError,
  type HistorySource,
  stateAt,
  withDataDirHistory,
} from '../src/index.ts';
import { tempDataDir } from './fixtures/temp-dir.ts';

const SEED = seedFromEnv(20_261_206);
const COMMANDS = 4_000;
const SNAPSHOT_EVERY = 450;
const QUERIES = 150;
const CONFIG = { feeAccountId: 0, maxOpenOrdersPerAccount: 150 };

/** Journals a seeded stream into `dir` with a snapshot every SNAPSHOT_EVERY commands. */
async function recordSimulation(
  dir: string,
): Promise<{ commands: Command[]; snapshots: number[] }> {
  const layout = dataDirLayout(dir);
  ensureDataDir(layout);
  resolveEngineConfig(layout, CONFIG);
  const { journal } = await FileJournal.open(layout.journalDir);
  // Keep every snapshot, so queries land between many of them.
  const store = new SnapshotStore(layout.snapshotsDir, { keep: 100 });
  const engine = new Engine(CONFIG);
  const gen = new CommandGenerator(new Prng(SEED), 24, 4, 2);
  gen.fundsOf = (accountId, assetId) => engine.balance(accountId, assetId).available;
  const commands: Command[] = [];
  const snapshots: number[] = [];
  try {
    for (let i = 0; i < COMMANDS; i++) {
      const { command } = gen.next();
      gen.observe(engine.apply(command));
      journal.append(command.seq, encodeCommandJson(JSON.stringify(command)));
      commands.push(command);
      if (command.seq % 100 === 0) await journal.commit();
      if (command.seq % SNAPSHOT_EVERY === 0) {
        await journal.commit();
        await store.save(command.seq, engine.snapshot());
        snapshots.push(command.seq);
      }
    }
    await journal.commit();
  } finally {
    await journal.close();
  }
  return { commands, snapshots };
}

/** What a time-travel read must reproduce, taken from the reference engine. */
function picture(engine: Engine, instrumentId: number, accountId: number) {
  return {
    seq: engine.lastSeq,
    stateHash: engine.stateHash(),
    book: engine.book(instrumentId) ?? null,
    balances: engine.balances(accountId),
    positions: engine.positions(accountId),
    openOrders: engine.openOrders(accountId),
  };
}

test('the state at a random seq equals a replay from scratch to that seq', async (t) => {
  const dir = tempDataDir(t);
  const { commands, snapshots } = await recordSimulation(dir);
  assert.ok(snapshots.length >= 5, 'snapshots were taken in the middle of the stream');
  const rng = new Prng(SEED ^ 0x5eed);
  const seqs = [0, 1, ...snapshots, ...snapshots.map((s) => s + 1), COMMANDS];
  while (seqs.length < QUERIES) seqs.push(rng.int(0, COMMANDS));
  seqs.sort((a, b) => a - b);
  const reference = new Engine(CONFIG);
  let fromSnapshot = 0;
  await withDataDirHistory(dir, (source) => {
    for (const seq of seqs) {
      while (reference.lastSeq < seq) reference.apply(commands[reference.lastSeq]!);
      const markets = reference.instruments().map((i) => i.spec.instrumentId);
      const accounts = reference.accounts().map((a) => a.accountId);
      if (markets.length === 0 || accounts.length === 0) {
        assert.equal(engineAt(source, { seq }).engine.stateHash(), reference.stateHash());
        continue;
      }
      const instrumentId = rng.pick(markets);
      const accountId = rng.pick(accounts);
      const got = stateAt(source, { target: { seq }, market: String(instrumentId), accountId });
      if (got.snapshotSeq > 0) fromSnapshot++;
      assert.ok(got.snapshotSeq <= seq && got.replayed === seq - got.snapshotSeq);
      assert.ok(got.replayed < SNAPSHOT_EVERY, `replayed ${got.replayed} records at seq ${seq}`);
      assert.deepEqual(
        {
          seq: got.seq,
          stateHash: got.stateHash,
          book: got.market?.book ?? null,
          balances: got.account?.balances,
          positions: got.account?.positions,
          openOrders: got.account?.openOrders,
        },
        picture(reference, instrumentId, accountId),
        `seed ${SEED}, seq ${seq}, market ${instrumentId}, account ${accountId}`,
      );
    }
  });
  assert.ok(fromSnapshot >= QUERIES / 2, `${fromSnapshot} queries started from a snapshot`);
});

test('a timestamp reads the state after the last command at or before it', async (t) => {
  const dir = tempDataDir(t);
  const { commands } = await recordSimulation(dir);
  const rng = new Prng(SEED ^ 0x7153);
  await withDataDirHistory(dir, (source) => {
    for (let i = 0; i < 30; i++) {
      const ts = commands[rng.int(0, commands.length - 1)]!.ts + rng.int(-5, 5);
      let expected = 0;
      while (expected < commands.length && commands[expected]!.ts <= ts) expected++;
      const { engine } = engineAt(source, { ts });
      assert.equal(engine.lastSeq, expected, `seed ${SEED}, ts ${ts}`);
      assert.equal(engine.stateHash(), engineAt(source, { seq: expected }).engine.stateHash());
    }
    assert.equal(engineAt(source, { ts: 0 }).engine.lastSeq, 0);
    assert.equal(engineAt(source, { ts: Number.MAX_SAFE_INTEGER }).engine.lastSeq, COMMANDS);
  });
});

test('bad targets, unknown markets and accounts are refused naming the field', async (t) => {
  const dir = tempDataDir(t);
  await recordSimulation(dir);
  await withDataDirHistory(dir, (source: HistorySource) => {
    const refused = (fn: () => unknown, code: string, field: string) =>
      assert.throws(
        fn,
        (e: unknown) => e instanceof HistoryError && e.code === code && e.field === field,
      );
    refused(() => engineAt(source, { seq: -1 }), 'INVALID_FIELD', 'seq');
    refused(() => engineAt(source, { seq: 1.5 }), 'INVALID_FIELD', 'seq');
    refused(() => engineAt(source, { seq: COMMANDS + 1 }), 'OUT_OF_RANGE', 'seq');
    refused(() => engineAt(source, { ts: Number.NaN }), 'INVALID_FIELD', 'ts');
    refused(() => stateAt(source, { target: { seq: 50 }, market: 'NOPE' }), 'NOT_FOUND', 'market');
    refused(() => stateAt(source, { target: { seq: 0 }, accountId: 1 }), 'NOT_FOUND', 'account');
  });
});

test('applied commands recomputed for a range carry the events the engine emitted', async (t) => {
  const dir = tempDataDir(t);
  const { commands, snapshots } = await recordSimulation(dir);
  const reference = new Engine(CONFIG);
  const emitted = commands.map((c) => JSON.parse(JSON.stringify(reference.apply(c))) as unknown);
  // Ranges that start on, just after and between snapshots, and one cut short by the limit.
  const ranges: [number, number, number][] = [
    [1, 40, 100],
    [snapshots[1]!, snapshots[1]! + 30, 100],
    [snapshots[2]! + 1, snapshots[2]! + 700, 100],
    [COMMANDS - 5, COMMANDS + 50, 100],
  ];
  await withDataDirHistory(dir, (source) => {
    for (const [fromSeq, toSeq, limit] of ranges) {
      const got = appliedRange(source, fromSeq, toSeq, limit);
      const last = Math.min(toSeq, COMMANDS, fromSeq + limit - 1);
      assert.deepEqual(
        got.map((a) => a.seq),
        Array.from({ length: last - fromSeq + 1 }, (_, i) => fromSeq + i),
      );
      for (const a of got) {
        assert.deepEqual(a.command, commands[a.seq - 1]);
        assert.equal(a.ts, commands[a.seq - 1]!.ts);
        assert.deepEqual(JSON.parse(JSON.stringify(a.events)), emitted[a.seq - 1], `seq ${a.seq}`);
      }
    }
    assert.deepEqual(appliedRange(source, COMMANDS + 1, COMMANDS + 9, 100), []);
  });
});

test('the trades at a random seq are the last fills of a replay from scratch to that seq', async (t) => {
  const dir = tempDataDir(t);
  const { commands, snapshots } = await recordSimulation(dir);
  const reference = new Engine(CONFIG);
  // Every fill of the fresh replay, in order, with the command that made it.
  const fills: { seq: number; ts: number; fill: Fill }[] = [];
  for (const c of commands) {
    for (const e of reference.apply(c))
      if (e.type === 'fill') fills.push({ seq: c.seq, ts: c.ts, fill: e });
  }
  assert.ok(fills.length > 200, `${fills.length} fills in the stream`);
  const rng = new Prng(SEED ^ 0x7ead);
  const seqs = [...snapshots, ...snapshots.map((s) => s + 1), COMMANDS];
  while (seqs.length < 60) seqs.push(rng.int(1, COMMANDS));
  let walkedBack = 0;
  await withDataDirHistory(dir, (source) => {
    for (const seq of seqs) {
      const markets = [
        ...new Set(fills.filter((f) => f.seq <= seq).map((f) => f.fill.instrumentId)),
      ];
      if (markets.length === 0) continue;
      const instrumentId = rng.pick(markets);
      // Small limits, and ones that need fills from before the snapshot the state came from.
      const limit = rng.pick([1, 5, 40, 300, 1000]);
      const got = stateAt(source, { target: { seq }, market: String(instrumentId), trades: limit });
      const expected = fills
        .filter((f) => f.seq <= seq && f.fill.instrumentId === instrumentId)
        .slice(-limit)
        .map(({ seq: s, ts, fill: f }) => ({
          tradeId: f.tradeId,
          seq: s,
          ts,
          instrumentId: f.instrumentId,
          priceTicks: f.priceTicks,
          qtyLots: f.qtyLots,
          takerSide: f.takerSide,
          takerOrderId: f.takerOrderId,
          makerOrderId: f.makerOrderId,
        }));
      assert.deepEqual(got.market?.trades, expected, `seed ${SEED}, seq ${seq}, limit ${limit}`);
      if (expected.some((e) => e.seq <= got.snapshotSeq)) walkedBack++;
    }
    const refused = (query: Parameters<typeof stateAt>[1], field: string) =>
      assert.throws(
        () => stateAt(source, query),
        (e: unknown) =>
          e instanceof HistoryError && e.code === 'INVALID_FIELD' && e.field === field,
      );
    refused({ target: { seq: 10 }, trades: 5 }, 'market');
    refused({ target: { seq: 10 }, market: '1', trades: 0 }, 'trades');
    refused({ target: { seq: 10 }, market: '1', trades: 1001 }, 'trades');
  });
  assert.ok(walkedBack >= 10, `${walkedBack} queries needed trades from before their snapshot`);
});
