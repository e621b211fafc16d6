// `bourse replay --to-seq/--to-ts` as a user runs it on a stopped data directory: a market's book and
// an account at past seqs (rebuilt from a snapshot plus the journal), and bad flags refused by name.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { type Command, Engine } from '@bourse/engine';
import { FileJournal, SnapshotStore } from '@bourse/journal';
import { encodeCommandJson } from '@bourse/core';
import { binarySpec } from '../../../packages/engine/test/support/harness.ts';
import { BOURSE_MAIN } from '../src/cluster/spawn-ready.ts';

const run = promisify(execFile);
const main = BOURSE_MAIN;
const T0 = 1_700_000_000_000;
let dir: string;

type Body = Record<string, unknown> & { type: Command['type'] };
const order = { orderType: 'limit', tif: 'gtc', instrumentId: 100 };
const BODIES: Body[] = [
  { type: 'createAsset', assetId: 1, code: 'USD', scale: 1_000_000 },
  { type: 'createAccount', accountId: 1, userId: 1, subaccount: 0 },
  { type: 'createAccount', accountId: 2, userId: 2, subaccount: 0 },
  { type: 'deposit', accountId: 1, assetId: 1, amount: 10_000_000 },
  { type: 'deposit', accountId: 2, assetId: 1, amount: 10_000_000 },
  { type: 'createInstrument', spec: binarySpec(100) },
  { type: 'setMarketStatus', instrumentId: 100, status: 'open' },
  { type: 'placeOrder', ...order, accountId: 1, side: 'buy', priceTicks: 4_000, qtyLots: 100 },
  { type: 'placeOrder', ...order, accountId: 2, side: 'sell', priceTicks: 6_000, qtyLots: 300 },
  { type: 'placeOrder', ...order, accountId: 2, side: 'sell', priceTicks: 4_000, qtyLots: 100 },
];
const SNAPSHOT_SEQ = 8;

async function bourse(
  ...args: string[]
): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [main, 'replay', '--data-dir', dir, ...args],
      {
        timeout: 60_000,
      },
    );
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const e = error as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bourse-replay-'));
  const { journal } = await FileJournal.open(join(dir, 'journal'));
  const engine = new Engine();
  try {
    for (const [i, body] of BODIES.entries()) {
      const seq = i + 1;
      const command = {
        ...body,
        seq,
        ts: T0 + seq * 1_000,
        ...(body.type === 'placeOrder' ? { orderId: seq } : {}),
      };
      engine.apply(command as Command);
      journal.append(seq, encodeCommandJson(JSON.stringify(command)));
      await journal.commit();
      if (seq === SNAPSHOT_SEQ)
        await new SnapshotStore(join(dir, 'snapshots')).save(seq, engine.snapshot());
    }
  } finally {
    await journal.close();
  }
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('the book of a market at past seqs, from the snapshot and the journal', async () => {
  const atNine = await bourse('--to-seq', '9', '--market', 'EVT-100', '--print', 'book');
  assert.equal(atNine.code, 0, atNine.stderr);
  assert.match(atNine.stdout, /^seq 9 \(2023-11-14T22:13:29\.000Z\)$/m);
  assert.match(atNine.stdout, /rebuilt from the snapshot at seq 8 \+ 1 journal record\(s\)/);
  assert.match(atNine.stdout, /book of EVT-100 \(instrument 100, open\)/);
  assert.match(
    atNine.stdout,
    /ask\s+6000\s+300 lots\s+1 order\(s\)\n\s+bid\s+4000\s+100 lots\s+1 order\(s\)/,
  );
  // The last order crossed the bid: at seq 10 only the ask is left (market named by its id).
  const atTen = await bourse('--to-seq', '10', '--market', '100');
  assert.equal(atTen.code, 0, atTen.stderr);
  assert.match(atTen.stdout, /ask\s+6000\s+300 lots/);
  assert.doesNotMatch(atTen.stdout, /bid/);
  const early = await bourse('--to-seq', '3');
  assert.match(early.stdout, /rebuilt from the start of the journal \+ 3 journal record\(s\)/);
});

test('an account at past seqs, as text and as JSON', async () => {
  const before = await bourse('--to-seq', '9', '--print', 'account', '--account', '1');
  assert.equal(before.code, 0, before.stderr);
  assert.match(before.stdout, /order 8: buy 100 of 100 lots @ 4000 on instrument 100/);
  const filled = await bourse('--to-seq', '10', '--account', '1');
  assert.match(filled.stdout, /position instrument 100: 100 lots/);
  assert.match(filled.stdout, /no open orders/);
  const json = await bourse('--to-ts', String(T0 + 9_500), '--account', '2', '--json');
  const state = JSON.parse(json.stdout) as {
    seq: number;
    account: { openOrders: { orderId: number }[] };
  };
  assert.equal(state.seq, 9);
  assert.deepEqual(
    state.account.openOrders.map((o) => o.orderId),
    [9],
  );
});

test('bad flags and targets are refused naming what is wrong', async () => {
  const past = await bourse('--to-seq', '11');
  assert.equal(past.code, 1);
  assert.match(past.stderr, /OUT_OF_RANGE \(seq\): seq 11 is past the journal's end at 10/);
  const noMarket = await bourse('--to-seq', '5', '--market', 'EVT-100');
  assert.match(noMarket.stderr, /NOT_FOUND \(market\): market EVT-100 did not exist at seq 5/);
  const notNumber = await bourse('--to-seq', 'ten');
  assert.equal(notNumber.code, 2);
  assert.match(notNumber.stderr, /--to-seq takes a non-negative integer/);
  const noAccount = await bourse('--to-seq', '5', '--print', 'account');
  assert.match(noAccount.stderr, /--print account needs --account/);
});

test('a market’s trades up to past seqs, recomputed from the journal', async () => {
  const atTen = await bourse('--to-seq', '10', '--market', 'EVT-100', '--print', 'trades');
  assert.equal(atTen.code, 0, atTen.stderr);
  assert.match(atTen.stdout, /last 1 trade\(s\) of EVT-100 up to this seq/);
  assert.match(
    atTen.stdout,
    /trade \d+ seq 10 2023-11-14T22:13:30\.000Z taker sell 100 lots at 4000/,
  );
  const atNine = await bourse('--to-seq', '9', '--market', 'EVT-100', '--print', 'trades');
  assert.match(atNine.stdout, /last 0 trade\(s\) of EVT-100/);
  const noMarket = await bourse('--to-seq', '10', '--print', 'trades');
  assert.equal(noMarket.code, 2);
  assert.match(noMarket.stderr, /--print trades needs --market/);
});
