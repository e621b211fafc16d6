// The state hash's meaning: replayed, restored and restored-then-replayed engines hash equal on seeded
// streams (their slots differ), and any single economic field changed in a copy changes the hash. The
// copies are made through the snapshot (parse, change one field, restore), so each differs from the
// original in exactly that field. Also pins the digest itself: a changed digest needs a new version.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Command, Engine, STATE_HASH_VERSION, stateHashVersion } from '../src/index.ts';
import type { SnapshotData } from '../src/snapshot.ts';
import { putInt, WordHash } from '../src/state-hash.ts';
import { CommandGenerator } from './support/command-generator.ts';
import { Prng } from './support/prng.ts';

const CONFIG = { feeAccountId: 0, maxOpenOrdersPerAccount: 150 };
const COMMANDS = 6_000;

function seededStream(
  seed: number,
  binary = 4,
  spot = 2,
): { engine: Engine; stream: Command[]; mid: Uint8Array } {
  const gen = new CommandGenerator(new Prng(seed), 40, binary, spot);
  const engine = new Engine(CONFIG);
  gen.fundsOf = (accountId, assetId) => engine.balance(accountId, assetId).available;
  const stream: Command[] = [];
  let mid: Uint8Array = new Uint8Array();
  for (let i = 0; i < COMMANDS; i++) {
    const { command } = gen.next();
    stream.push(command);
    gen.observe(engine.apply(command));
    if (i === COMMANDS / 2 - 1) mid = engine.snapshot();
  }
  return { engine, stream, mid };
}

const decode = (bytes: Uint8Array) =>
  JSON.parse(new TextDecoder().decode(bytes)) as Required<SnapshotData>;
const encode = (d: SnapshotData) => new TextEncoder().encode(JSON.stringify(d));

for (const seed of [1, 42, 20_261_207]) {
  test(`replayed, restored and restored-then-replayed engines hash equal (seed ${seed})`, () => {
    const { engine, stream, mid } = seededStream(seed);
    const hash = engine.stateHash();
    assert.match(hash, new RegExp(`^${STATE_HASH_VERSION}:[0-9a-f]{32}$`));
    assert.equal(stateHashVersion(hash), STATE_HASH_VERSION);

    const fresh = new Engine(CONFIG);
    for (const c of stream) fresh.apply(c);
    assert.equal(fresh.stateHash(), hash, 'replay from scratch');

    const restored = Engine.restore(engine.snapshot());
    assert.equal(restored.stateHash(), hash, 'restored from the last snapshot');

    const resumed = Engine.restore(mid);
    for (const c of stream.slice(COMMANDS / 2)) resumed.apply(c);
    assert.equal(resumed.stateHash(), hash, 'restored half-way, then replayed');
  });
}

test('changing any single economic field of a copy changes the hash', () => {
  // Seed 1 over 2 + 1 markets leaves queues of two orders, order groups and expiry entries.
  const { engine } = seededStream(1, 2, 1);
  const bytes = engine.snapshotJson();
  const hash = engine.stateHash();
  assert.equal(Engine.restore(bytes).stateHash(), hash);
  const d0 = decode(bytes);
  const account = d0.accounts.findIndex((a) => a.positions.length > 0 && a.orders.length > 1);
  const inst = d0.instruments.findIndex((i) => i.levels.some((l) => l[2].length > 1));
  assert.ok(account >= 0 && inst >= 0, 'the stream leaves positions and queues to change');
  assert.ok(d0.groups.length > 0 && d0.gtd[0].length > 0, 'and order groups and expiries');
  const level = d0.instruments[inst]!.levels.findIndex((l) => l[2].length > 1);
  const changes: Record<string, (d: Required<SnapshotData>) => void> = {
    'an available balance': (d) => d.accounts[account]!.available[0]!++,
    'a reserved balance': (d) => d.accounts[account]!.reserved[0]!++,
    'a position': (d) => d.accounts[account]!.positions[0]![1]++,
    'a position cost basis': (d) => d.accounts[account]!.positions[0]![2]++,
    "an order's open quantity": (d) => d.instruments[inst]!.levels[level]![2][0]![8]++,
    "an order's price": (d) => d.instruments[inst]!.levels[level]![2][0]![6]++,
    "an order's reserved cash": (d) => d.instruments[inst]!.levels[level]![2][0]![10]++,
    "an order's client id": (d) => {
      d.instruments[inst]!.levels[level]![2][0]![14] = 'changed';
    },
    'the order of a queue': (d) => d.instruments[inst]!.levels[level]![2].reverse(),
    "the order of an account's orders": (d) => d.accounts[account]!.orders.reverse(),
    'a market status': (d) => {
      d.instruments[inst]!.status = d.instruments[inst]!.status === 'open' ? 'paused' : 'open';
    },
    "a market's escrow": (d) => d.instruments[inst]!.escrow++,
    'the last trade price': (d) => d.instruments[inst]!.lastPrice++,
    "an asset's external total": (d) => d.assets[0]![3]++,
    'a transfer id': (d) => d.transfers.push('one-more-transfer'),
    'the trade counter': (d) => d.tradeSeq++,
    'an expiry entry': (d) => d.gtd[0][0]!++,
    "an order group's limit": (d) => d.groups[0]![2]++,
    'the highest order id': (d) => d.maxOrderId++,
    'the halt flag': (d) => {
      d.halted = !d.halted;
    },
    'a frozen flag': (d) => {
      d.accounts[account]!.frozen = true;
    },
  };
  for (const [what, change] of Object.entries(changes)) {
    const d = decode(bytes);
    change(d);
    assert.notEqual(Engine.restore(encode(d)).stateHash(), hash, what);
  }
  // The header (seq, ts) is not economic state.
  const d = decode(bytes);
  d.seq = (d.seq ?? 0) + 5;
  d.ts = (d.ts ?? 0) + 5;
  assert.equal(Engine.restore(encode(d)).stateHash(), hash, 'seq and ts are not hashed');
});

test('the digest is pinned: a change to it needs a new STATE_HASH_VERSION', () => {
  const h = new WordHash();
  for (const v of [0, 1, -1, 2 ** 31 - 1, -(2 ** 31), 2 ** 40 + 3, -(2 ** 52), 0.5, Infinity]) {
    h.int(v);
  }
  h.str('état');
  h.end();
  assert.equal(h.hex(), PINNED_WORDS);
  // No two numbers share words; −0 is 0.
  const words = (v: number) => {
    const b = new Int32Array(4);
    return [...b.subarray(0, putInt(b, 0, v))];
  };
  assert.deepEqual(words(-0), words(0));
  assert.notDeepEqual(words(2 ** 32), words(0));
  assert.notDeepEqual(words(-(2 ** 31)), words(2 ** 31));
  assert.notDeepEqual(words(Infinity), words(0));
  const { engine } = seededStream(3);
  assert.equal(engine.stateHash(), PINNED_STATE);
});

const PINNED_WORDS = '9af292b885fa7a56c07c732be4cd4a8e';
const PINNED_STATE = '3:aa95f5c42bbe11e4b8cd7bc364989cd2';
