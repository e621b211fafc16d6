// Both book drivers on short streams: nodejs-order-book must reach the workload's own final book; the
// Bourse engine must reach the book, traded quantity and refusals the reference predicts under the
// engine's amend rule, never trade with itself, and keep its invariants.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { verifyInvariants } from '@bourse/engine';
import { prepareBourse } from '../src/bourse-commands.ts';
import { bourseDriver } from '../src/bourse-driver.ts';
import { UNITS } from '../src/bourse-market.ts';
import { depthHash } from '../src/depth-hash.ts';
import { nodejsOrderBookDriver, preparePeer } from '../src/nodejs-order-book-driver.ts';
import { RefBook } from '../src/reference-book.ts';
import { restingColumns } from '../src/resting-columns.ts';
import { generate, type MixName, type ProfileName } from '../src/workload.ts';

const CASES: [ProfileName, MixName, number][] = [
  ['cents', 'brief', 30_000],
  ['wide', 'brief', 30_000],
  ['cents', 'excore', 20_000],
  ['wide', 'excore', 20_000],
  ['cents', 'excore', 13_000], // seed 42: an amend crosses into its own account's order (self-trade)
];

test('nodejs-order-book reaches the workload reference book', () => {
  for (const [profile, mix, n] of CASES) {
    const w = generate({ profile, mix, n, seed: 5 });
    const d = nodejsOrderBookDriver;
    const ob = d.create();
    d.replay(ob, preparePeer(w.cols));
    assert.equal(depthHash(d.depth(ob)), w.meta.final.depthHash, `${profile}/${mix}`);
  }
});

test('the Bourse engine reaches the book, fills and refusals predicted under its amend rule', () => {
  for (const [profile, mix, n] of CASES) {
    const w = generate({ profile, mix, n, seed: n === 13_000 ? 42 : 5 });
    const opts = { profile, accounts: 64, maxOpenOrdersPerAccount: 10_000 };
    const { commands, expected } = prepareBourse(w.cols, opts);
    const d = bourseDriver(opts);
    const e = d.create();
    let tradedLots = 0;
    let rejects = 0;
    let selfTradeCancels = 0;
    for (const c of commands) {
      for (const ev of e.apply(c)) {
        if (ev.type === 'fill') {
          tradedLots += ev.qtyLots;
          assert.notEqual(ev.takerAccountId, ev.makerAccountId, 'no order meets its own account');
        } else if (ev.type === 'rejected') {
          rejects++;
          assert.ok(['UNKNOWN_ORDER', 'NOTHING_TO_AMEND'].includes(ev.reason), ev.reason);
        } else if (ev.type === 'orderCancelled') {
          if (ev.reason === 'selfTrade') selfTradeCancels++;
          else assert.ok(['user', 'ioc', 'noLiquidity'].includes(ev.reason), `cancel ${ev.reason}`);
        }
      }
    }
    const label = `${profile}/${mix}`;
    assert.equal(depthHash(d.depth(e)), expected.depthHash, label);
    assert.equal(tradedLots, expected.tradedQty * UNITS[profile].qtyLots, label);
    assert.equal(rejects, expected.rejects, label);
    assert.equal(selfTradeCancels, expected.selfTradeCancels, label);
    assert.deepEqual(verifyInvariants(e), [], label);
    assert.ok(expected.tradedQty > 0 && tradedLots > 0);
  }
});

test('the engine with its events written as bytes, or not at all, reaches the same book and state hash', () => {
  for (const profile of ['cents', 'wide'] as const) {
    const w = generate({ profile, n: 20_000, seed: 11 });
    const opts = { profile, accounts: 64, maxOpenOrdersPerAccount: 10_000 };
    const { commands, expected } = prepareBourse(w.cols, opts);
    const plain = bourseDriver(opts);
    const bytes = bourseDriver(opts, 'bytes');
    const quiet = bourseDriver(opts, 'none');
    const [a, b, q] = [plain.create(), bytes.create(), quiet.create()];
    plain.replay(a, commands);
    bytes.replay(b, commands);
    quiet.replay(q, commands);
    assert.equal(depthHash(bytes.depth(b)), expected.depthHash, profile);
    assert.equal(b.stateHash(), a.stateHash(), profile);
    assert.equal(depthHash(quiet.depth(q)), expected.depthHash, profile);
    assert.equal(q.stateHash(), a.stateHash(), profile);
  }
});

test('commands carry increasing seq after the set-up, and order ids equal workload ids', () => {
  const w = generate({ profile: 'cents', n: 2_000, seed: 9 });
  const { commands } = prepareBourse(w.cols, {
    profile: 'cents',
    accounts: 8,
    maxOpenOrdersPerAccount: 10_000,
  });
  let last = 0;
  commands.forEach((c, i) => {
    assert.ok(c.seq > last);
    last = c.seq;
    if (c.type === 'placeOrder') {
      assert.equal(c.orderId, w.cols.id[i]);
      assert.ok(c.accountId >= 1 && c.accountId <= 8);
    }
  });
});

test('the resting stream never crosses, so every order of it rests', () => {
  for (const profile of ['cents', 'wide'] as const) {
    const cols = restingColumns(profile, 10_000);
    const { lo, hi } = profile === 'cents' ? { lo: 1, hi: 99 } : { lo: 9500, hi: 10500 };
    const book = new RefBook(lo, hi);
    for (let i = 0; i < cols.n; i++) {
      book.limit(cols.id[i]!, cols.side[i]! as 0 | 1, cols.price[i]!, cols.qty[i]!);
    }
    assert.equal(book.trades, 0);
    assert.equal(book.live.length, 10_000);
  }
});
