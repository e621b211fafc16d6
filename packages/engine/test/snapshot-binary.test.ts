// The binary snapshot: restored engines hash and replay like the original on seeded streams (binary
// markets, spot markets, both), the bytes are canonical (restore then snapshot gives the same bytes,
// from the binary and from the JSON form), JSON snapshots of older data directories still restore,
// and damaged bytes are an error, never an engine.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { type Command, Engine } from '../src/index.ts';
import { CommandGenerator } from './support/command-generator.ts';
import { Prng } from './support/prng.ts';

const CONFIG = { feeAccountId: 0, maxOpenOrdersPerAccount: 150 };
const COMMANDS = 5_000;
const PROFILES = { binary: [5, 0], spot: [0, 4], both: [4, 2] } as const;

interface Run {
  engine: Engine;
  stream: Command[];
  results: string[];
  mid: Uint8Array;
  midJson: Uint8Array;
  midHash: string;
}

function seededRun(seed: number, binary: number, spot: number): Run {
  const gen = new CommandGenerator(new Prng(seed), 40, binary, spot);
  const engine = new Engine(CONFIG);
  gen.fundsOf = (accountId, assetId) => engine.balance(accountId, assetId).available;
  const run: Run = {
    engine,
    stream: [],
    results: [],
    mid: new Uint8Array(),
    midJson: new Uint8Array(),
    midHash: '',
  };
  for (let i = 0; i < COMMANDS; i++) {
    const { command } = gen.next();
    run.stream.push(command);
    const result = engine.apply(command);
    gen.observe(result);
    run.results.push(JSON.stringify(result));
    if (i === COMMANDS / 2 - 1) {
      run.mid = engine.snapshot();
      run.midJson = engine.snapshotJson();
      run.midHash = engine.stateHash();
    }
  }
  return run;
}

/** Replays the second half of the stream on a restored engine: same results, hash and bytes. */
function assertReplaysIdentically(run: Run, restored: Engine): void {
  for (let i = COMMANDS / 2; i < COMMANDS; i++) {
    const result = JSON.stringify(restored.apply(run.stream[i]!));
    if (result !== run.results[i]) assert.fail(`command ${i}: ${result} !== ${run.results[i]}`);
  }
  assert.equal(restored.stateHash(), run.engine.stateHash());
  assert.deepEqual(restored.snapshot(), run.engine.snapshot());
}

for (const [profile, [binary, spot]] of Object.entries(PROFILES)) {
  for (const seed of [1, 42, 20_261_207]) {
    test(`binary snapshot restores and replays identically (${profile}, seed ${seed})`, () => {
      const run = seededRun(seed, binary, spot);
      const fromBinary = Engine.restore(run.mid);
      const fromJson = Engine.restore(run.midJson);
      assert.equal(fromBinary.stateHash(), run.midHash);
      assert.equal(fromJson.stateHash(), run.midHash);
      // Canonical: restore then snapshot gives the same bytes, whichever form was restored.
      assert.deepEqual(fromBinary.snapshot(), run.mid);
      assert.deepEqual(fromJson.snapshot(), run.mid);
      assert.deepEqual(fromBinary.snapshotJson(), run.midJson);
      assert.equal(fromBinary.lastSeq, run.engine.lastSeq - COMMANDS / 2);
      assertReplaysIdentically(run, fromBinary);
      assertReplaysIdentically(run, Engine.restore(run.midJson));
    });
  }
}

test('a JSON snapshot written by the code before the binary form restores and replays', () => {
  // Written by the version-1 `snapshot()` (seed 7, 40 accounts, 4 binary + 2 spot markets, 4,000
  // commands); it holds resting and parked orders, client ids, expiries and order groups.
  const bytes = readFileSync(new URL('./fixtures/snapshot-v1-seed7.snap', import.meta.url));
  const restored = Engine.restore(bytes);
  assert.equal(restored.stateHash(), '3:e6978c4bb3e4b0c1932fb2dcf23c1991');
  assert.equal(restored.lastSeq, 4_000);
  assert.deepEqual(Engine.restore(restored.snapshot()).snapshotJson(), new Uint8Array(bytes));
  // The same stream continued on the restored engine and on one replayed from the start agree.
  const gen = new CommandGenerator(new Prng(7), 40, 4, 2);
  const replayed = new Engine(CONFIG);
  gen.fundsOf = (accountId, assetId) => replayed.balance(accountId, assetId).available;
  for (let i = 0; i < 6_000; i++) {
    const { command } = gen.next();
    const result = replayed.apply(command);
    gen.observe(result);
    if (i < 4_000) continue;
    assert.equal(JSON.stringify(restored.apply(command)), JSON.stringify(result));
  }
  assert.equal(restored.stateHash(), replayed.stateHash());
});

test('a format-2 snapshot (accounts in its meta JSON) restores, replays and is rewritten as format 3', () => {
  // Written by the format-2 `snapshot()` from the version-1 fixture's state (seed 7, 40 accounts).
  const bytes = readFileSync(new URL('./fixtures/snapshot-v2-seed7.snap', import.meta.url));
  assert.equal(bytes[8], 2);
  const restored = Engine.restore(bytes);
  assert.equal(restored.stateHash(), '3:e6978c4bb3e4b0c1932fb2dcf23c1991');
  const again = restored.snapshot();
  assert.equal(again[8], 3);
  assert.ok(again.length < bytes.length, `${again.length} bytes, format 2 had ${bytes.length}`);
  const v1 = readFileSync(new URL('./fixtures/snapshot-v1-seed7.snap', import.meta.url));
  assert.deepEqual(Engine.restore(again).snapshotJson(), new Uint8Array(v1));
  assert.deepEqual(Engine.restore(v1).snapshot(), again);
});

test('frozen accounts, balances beyond 32 bits and negative figures come back from the columns', () => {
  const { engine } = seededRun(13, 3, 2);
  const data = JSON.parse(new TextDecoder().decode(engine.snapshotJson()));
  data.accounts[3].frozen = true;
  data.accounts[4].available[0] = 2 ** 52 + 1;
  data.accounts[5].reserved[1] = 7;
  const withPosition = data.accounts.find((a: { positions: unknown[] }) => a.positions.length > 0);
  withPosition.positions[0][3] = -123_456_789_012;
  const json = new TextEncoder().encode(JSON.stringify(data));
  const restored = Engine.restore(json);
  assert.deepEqual(Engine.restore(restored.snapshot()).snapshotJson(), json);
});

test('truncated, overlong or damaged snapshot bytes are an error, never an engine', () => {
  const { mid, midJson } = seededRun(3, 4, 2);
  const damaged: [string, Uint8Array][] = [
    ['empty', new Uint8Array()],
    ['garbage', new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])],
    ['JSON cut short', midJson.subarray(0, midJson.length - 1)],
    ['one byte more', new Uint8Array([...mid, 0])],
  ];
  // Cuts at 300 places spread over the whole snapshot, and at each of its last 64 bytes.
  for (let i = 0; i < 300; i++) {
    const at = Math.floor((mid.length * i) / 300);
    damaged.push([`cut at ${at}`, mid.subarray(0, at)]);
  }
  for (let at = mid.length - 64; at < mid.length; at++) {
    damaged.push([`cut at ${at}`, mid.subarray(0, at)]);
  }
  const version = mid.slice();
  version[8] = 9;
  damaged.push(['unknown version', version]);
  const meta = mid.slice();
  meta[16] = 0x7d; // the meta JSON's first byte
  damaged.push(['meta JSON damaged', meta]);
  for (const [what, bytes] of damaged) {
    assert.throws(() => Engine.restore(bytes), /snapshot/, what);
  }
  assert.throws(() => Engine.restore(version), /unsupported binary snapshot version 9/);
  assert.throws(() => Engine.restore(mid.subarray(0, mid.length - 1)), /snapshot truncated/);
});

test('an order naming an account or a price level that does not exist is an error', () => {
  const { engine } = seededRun(5, 2, 0);
  const data = JSON.parse(new TextDecoder().decode(engine.snapshotJson()));
  const inst = data.instruments.find((i: { levels: unknown[] }) => i.levels.length > 0);
  const encode = (d: unknown) => new TextEncoder().encode(JSON.stringify(d));
  const order = inst.levels[0][2][0];
  order[1] = 999_999;
  assert.throws(() => Engine.restore(encode(data)), /snapshot damaged: order \d+: no account/);
  order[1] = data.accounts[1].id;
  inst.levels[0][1] = 1e6;
  assert.throws(
    () => Engine.restore(encode(data)),
    /snapshot damaged: instrument .*no price level/,
  );
});

test('client ids of any UTF-16 content and length come back exactly', () => {
  const { engine } = seededRun(11, 3, 1);
  const data = JSON.parse(new TextDecoder().decode(engine.snapshotJson()));
  const orders = data.instruments.flatMap((i: { levels: [number, number, unknown[][]][] }) =>
    i.levels.flatMap((l) => l[2]),
  );
  assert.ok(orders.length >= 3);
  const ids = ['\ud800 lone surrogate', 'é€😀', 'x'.repeat(20_000)];
  ids.forEach((id, i) => {
    orders[i][14] = id;
  });
  const json = new TextEncoder().encode(JSON.stringify(data));
  const restored = Engine.restore(json);
  const again = Engine.restore(restored.snapshot());
  assert.deepEqual(again.snapshotJson(), restored.snapshotJson());
  assert.ok(new TextDecoder().decode(again.snapshotJson()).includes(JSON.stringify(ids[0])));
  assert.deepEqual(again.snapshot(), restored.snapshot());
});
