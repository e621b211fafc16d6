// `applyEncoded` writes a command's events as bytes without building the frequent ones as objects; it
// must be the same events as `apply`: on a seeded stream of good and bad commands over binary and spot
// markets, two engines fed the same commands (one through each) write byte-identical encodings,
// reach the same state hash, and the bytes decode to the objects `apply` returned.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ByteWriter,
  CENTS_BINARY_GRID,
  decodeEventBatch,
  Engine,
  type EngineEvent,
  writeCommandEvents,
} from '../src/index.ts';
import { BUY, SELL } from '../src/book.ts';
import { ORDER_TYPE, SIDE, TIF } from '../src/codec-fields.ts';
import { orderTypeCode, tifCode } from '../src/order-checks.ts';
import { CommandGenerator } from './support/command-generator.ts';
import { Prng, seedFromEnv } from './support/prng.ts';

const SEED = seedFromEnv(20_261_206);
const COMMANDS = 40_000;
const CONFIG = { feeAccountId: 0, maxOpenOrdersPerAccount: 150 };

test(`applyEncoded writes exactly the encoding of apply's events (SEED=${SEED})`, () => {
  const gen = new CommandGenerator(new Prng(SEED), 40, 6, 3);
  const objects = new Engine(CONFIG);
  const encoded = new Engine(CONFIG);
  gen.fundsOf = (accountId, assetId) => objects.balance(accountId, assetId).available;
  const want = new ByteWriter();
  const got = new ByteWriter();
  const counts = new Map<string, number>();
  for (let i = 0; i < COMMANDS; i++) {
    const { command } = gen.next();
    const events = objects.apply(command);
    for (const e of events) counts.set(e.type, (counts.get(e.type) ?? 0) + 1);
    want.pos = 0;
    writeCommandEvents(want, events);
    got.pos = 0;
    const n = encoded.applyEncoded(command, got);
    assert.equal(n, events.length, `event count of command ${i}`);
    assert.deepEqual(got.finish(), want.finish(), `bytes of command ${i} (${command.type})`);
    assert.equal(encoded.events.length, 0, 'no objects while encoding');
    if (i % 5_000 === 0) assert.equal(encoded.stateHash(), objects.stateHash());
    gen.observe(events);
  }
  assert.equal(encoded.stateHash(), objects.stateHash());
  for (const type of ['fill', 'bookLevel', 'balanceChanged', 'positionChanged', 'orderRested']) {
    assert.ok((counts.get(type) ?? 0) > 100, `the stream exercised ${type}`);
  }
  assert.ok((counts.get('orderCancelled') ?? 0) > 100 && (counts.get('rejected') ?? 0) > 100);
});

test('a command with 128 or more events gets a multi-byte count, and decodes back', () => {
  const objects = new Engine(CONFIG);
  const encoded = new Engine(CONFIG);
  const commands = sweepCommands(70);
  const w = new ByteWriter(64); // small on purpose: the count patch must also grow the buffer
  const all: EngineEvent[][] = [];
  for (const c of commands) {
    all.push([...objects.apply(c)]);
    encoded.applyEncoded(c, w);
  }
  const last = all[all.length - 1]!;
  assert.ok(last.length >= 128, `the sweep emitted ${last.length} events`);
  assert.deepEqual(decodeEventBatch(w.finish()), all);
  const want = new ByteWriter();
  for (const events of all) writeCommandEvents(want, events);
  assert.deepEqual(w.finish(), want.finish());
  assert.equal(encoded.stateHash(), objects.stateHash());
});

test('apply after applyEncoded returns only its own events', () => {
  const e = new Engine(CONFIG);
  const commands = sweepCommands(3);
  const w = new ByteWriter();
  for (const c of commands.slice(0, -1)) e.applyEncoded(c, w);
  const events = e.apply(commands[commands.length - 1]!);
  assert.ok(events.length > 0 && events.every((ev) => ev.type !== 'assetCreated'));
});

/** Set-up, `makers` resting sells from distinct accounts, then one buy that sweeps them all. */
function sweepCommands(makers: number) {
  let seq = 0;
  const ts = 1_700_000_000_000;
  const env = () => ({ seq: ++seq, ts });
  const out: Parameters<Engine['apply']>[0][] = [
    { type: 'createAsset', ...env(), assetId: 1, code: 'USD', scale: 1_000_000 },
  ];
  for (let a = 1; a <= makers + 1; a++) {
    out.push({ type: 'createAccount', ...env(), accountId: a, userId: a, subaccount: 0 });
    out.push({ type: 'deposit', ...env(), accountId: a, assetId: 1, amount: 1_000_000_000 });
  }
  out.push({
    type: 'createInstrument',
    ...env(),
    spec: {
      kind: 'binary',
      instrumentId: 7,
      symbol: 'EVT-7',
      seriesTicker: 'EVT',
      eventTicker: 'EVT-7',
      title: 'Event 7',
      settlementAssetId: 1,
      ...CENTS_BINARY_GRID,
      fees: { kind: 'kalshi', makerRatePpm: 17_500, takerRatePpm: 70_000, roundingUnit: 10_000 },
      limits: { maxOrderQtyLots: 0, maxOrderNotional: 0, maxPositionLots: 0, priceBandTicks: 0 },
    },
  });
  out.push({ type: 'setMarketStatus', ...env(), instrumentId: 7, status: 'open' });
  for (let a = 1; a <= makers; a++) {
    const s = env();
    out.push({
      type: 'placeOrder',
      ...s,
      orderId: s.seq,
      accountId: a,
      instrumentId: 7,
      side: 'sell',
      orderType: 'limit',
      priceTicks: 4_000 + 100 * (a % 20),
      qtyLots: 100,
      tif: 'gtc',
    });
  }
  const s = env();
  out.push({
    type: 'placeOrder',
    ...s,
    orderId: s.seq,
    accountId: makers + 1,
    instrumentId: 7,
    side: 'buy',
    orderType: 'limit',
    priceTicks: 9_000,
    qtyLots: 100 * makers,
    tif: 'gtc',
  });
  return out;
}

test(`applyQuietly reaches the state apply reaches and leaves no events behind (SEED=${SEED})`, () => {
  const gen = new CommandGenerator(new Prng(SEED + 1), 40, 6, 3);
  const loud = new Engine(CONFIG);
  const quiet = new Engine(CONFIG);
  gen.fundsOf = (accountId, assetId) => loud.balance(accountId, assetId).available;
  let events = 0;
  for (let i = 0; i < COMMANDS; i++) {
    const { command } = gen.next();
    const applied = loud.apply(command);
    events += applied.length;
    quiet.applyQuietly(command);
    assert.equal(quiet.events.length, 0, `no event objects kept after command ${i}`);
    if (i % 2_000 === 0) assert.equal(quiet.stateHash(), loud.stateHash(), `state after ${i}`);
    gen.observe(applied);
  }
  assert.ok(events > COMMANDS, 'the stream made events');
  assert.equal(quiet.stateHash(), loud.stateHash());
  // Back to loud: the next command's events are all there, none left from the quiet ones.
  const next = gen.next().command;
  assert.deepEqual([...quiet.apply(next)], [...loud.apply(next)]);
});

test("the store's side, order type and time in force codes are the codec's (acceptances are written with them)", () => {
  for (const name of SIDE.values) assert.equal(name === 'buy' ? BUY : SELL, SIDE.codes[name]);
  for (const name of ORDER_TYPE.values) assert.equal(orderTypeCode(name), ORDER_TYPE.codes[name]);
  for (const name of TIF.values) assert.equal(tifCode(name), TIF.codes[name]);
});
