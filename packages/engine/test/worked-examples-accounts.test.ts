// Worked examples with exact integers for money outside the binary book: spot balances, deposits,
// withdrawals and idempotent transfers, halts and market status, snapshot/restore, and the read
// queries.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Engine } from '../src/index.ts';
import { expectReject, expectRejectPlace, expectSound } from './support/expect.ts';
import { BTC, binarySpec, DOLLAR, Harness, ofType, spotSpec, USD } from './support/harness.ts';

const M = 10;
const START = 100 * DOLLAR;

describe('spot balances', () => {
  test('a buy reserves quote, a sell reserves base, a fill swaps them at the maker price', () => {
    const h = new Harness().setup([1, 2], 1000 * DOLLAR, 50_000_000).market(spotSpec(20));
    h.ok({
      accountId: 2,
      instrumentId: 20,
      side: 'buy',
      orderType: 'limit',
      priceTicks: 40_000,
      qtyLots: 5,
      tif: 'gtc',
    });
    assert.deepEqual(h.usd(2), { available: 800 * DOLLAR, reserved: 200 * DOLLAR });
    h.ok({
      accountId: 1,
      instrumentId: 20,
      side: 'sell',
      orderType: 'limit',
      priceTicks: 39_000,
      qtyLots: 3,
      tif: 'gtc',
    });
    // Trades at the buyer's resting $40,000: 0.003 BTC for $120.
    assert.deepEqual(h.usd(1), { available: 1120 * DOLLAR, reserved: 0 });
    assert.deepEqual(h.btc(1), { available: 49_700_000, reserved: 0 });
    assert.deepEqual(h.usd(2), { available: 800 * DOLLAR, reserved: 80 * DOLLAR });
    assert.deepEqual(h.btc(2), { available: 50_300_000, reserved: 0 });
    assert.equal(h.engine.position(2, 20)!.positionLots, 3);
    expectRejectPlace(
      h,
      {
        accountId: 1,
        instrumentId: 20,
        side: 'sell',
        orderType: 'limit',
        priceTicks: 41_000,
        qtyLots: 500,
        tif: 'gtc',
      },
      'INSUFFICIENT_POSITION',
    );
    expectRejectPlace(
      h,
      {
        accountId: 1,
        instrumentId: 20,
        side: 'buy',
        orderType: 'limit',
        priceTicks: 41_000,
        qtyLots: 30,
        tif: 'gtc',
      },
      'INSUFFICIENT_FUNDS',
    );
    expectSound(h);
  });
});

describe('ledger', () => {
  test('deposits, withdrawals and transfers move available money and are idempotent by id', () => {
    const h = new Harness().setup([1], 0);
    h.must({ type: 'deposit', accountId: 1, assetId: USD, amount: 5 * DOLLAR });
    h.must({ type: 'withdraw', accountId: 1, assetId: USD, amount: 2 * DOLLAR });
    assert.deepEqual(h.usd(1), { available: 3 * DOLLAR, reserved: 0 });
    expectReject(
      h,
      { type: 'withdraw', accountId: 1, assetId: USD, amount: 4 * DOLLAR },
      'INSUFFICIENT_FUNDS',
    );
    const ev = h.must({
      type: 'transferIn',
      transferId: 'tx-1',
      accountId: 1,
      assetId: USD,
      amount: DOLLAR,
    });
    assert.deepEqual(ofType(ev, 'ledgerMoved')[0], {
      type: 'ledgerMoved',
      kind: 'transferIn',
      accountId: 1,
      assetId: USD,
      amount: DOLLAR,
      transferId: 'tx-1',
    });
    expectReject(
      h,
      { type: 'transferIn', transferId: 'tx-1', accountId: 1, assetId: USD, amount: DOLLAR },
      'DUPLICATE_TRANSFER',
    );
    expectReject(
      h,
      { type: 'transferOut', transferId: 'tx-1', accountId: 1, assetId: USD, amount: DOLLAR },
      'DUPLICATE_TRANSFER',
    );
    h.must({
      type: 'transferOut',
      transferId: 'tx-2',
      accountId: 1,
      assetId: USD,
      amount: 3 * DOLLAR,
    });
    expectReject(
      h,
      { type: 'transferOut', transferId: 'tx-2', accountId: 1, assetId: USD, amount: 1 },
      'DUPLICATE_TRANSFER',
    );
    assert.deepEqual(h.usd(1), { available: DOLLAR, reserved: 0 });
    assert.equal(h.engine.externalTotal(USD), DOLLAR);
    expectReject(
      h,
      { type: 'transferOut', transferId: 'tx-3', accountId: 1, assetId: USD, amount: 2 * DOLLAR },
      'INSUFFICIENT_FUNDS',
    );
    // A rejected transfer does not use up its id.
    h.must({ type: 'transferOut', transferId: 'tx-3', accountId: 1, assetId: USD, amount: DOLLAR });
    expectReject(h, { type: 'deposit', accountId: 1, assetId: USD, amount: 1.5 }, 'INVALID_FIELD');
    expectReject(h, { type: 'deposit', accountId: 1, assetId: USD, amount: -1 }, 'INVALID_FIELD');
    expectReject(h, { type: 'deposit', accountId: 9, assetId: USD, amount: 1 }, 'UNKNOWN_ACCOUNT');
    expectReject(h, { type: 'deposit', accountId: 1, assetId: 9, amount: 1 }, 'UNKNOWN_ASSET');
    expectSound(h);
  });
});

describe('halt and market status', () => {
  const buy = {
    accountId: 1,
    instrumentId: M,
    side: 'buy',
    orderType: 'limit',
    priceTicks: 4000,
    qtyLots: 100,
    tif: 'gtc',
  } as const;

  test('a halt stops new orders and amends but not cancels; lifting it resumes trading', () => {
    const h = new Harness().setup([1], START).market(binarySpec(M));
    const id = h.ok(buy);
    h.must({ type: 'setHalt', halted: true });
    expectRejectPlace(h, buy, 'EXCHANGE_HALTED');
    expectReject(
      h,
      { type: 'amendOrder', accountId: 1, orderId: id, priceTicks: 4100 },
      'EXCHANGE_HALTED',
    );
    h.must({ type: 'cancelOrder', accountId: 1, orderId: id });
    h.must({ type: 'setHalt', halted: false });
    h.ok(buy);
  });

  test('pause keeps resting orders and refuses new ones; close cancels every order', () => {
    const h = new Harness().setup([1], START).market(binarySpec(M));
    const id = h.ok(buy);
    const stop = h.ok({
      ...buy,
      orderType: 'stop',
      stopPriceTicks: 6000,
      priceTicks: undefined,
    } as never);
    h.must({ type: 'setMarketStatus', instrumentId: M, status: 'paused' });
    expectRejectPlace(h, buy, 'MARKET_NOT_OPEN');
    expectReject(
      h,
      { type: 'setMarketStatus', instrumentId: M, status: 'paused' },
      'INVALID_STATE',
    );
    assert.equal(h.engine.order(id)!.openQtyLots, 100);
    h.must({ type: 'setMarketStatus', instrumentId: M, status: 'open' });
    const third = h.ok(buy);
    const ev = h.must({ type: 'setMarketStatus', instrumentId: M, status: 'closed' });
    assert.deepEqual(
      ofType(ev, 'orderCancelled')
        .map((c) => [c.orderId, c.reason])
        .sort((a, b) => Number(a[0]) - Number(b[0])),
      [
        [id, 'marketClosed'],
        [stop, 'marketClosed'],
        [third, 'marketClosed'],
      ],
    );
    assert.deepEqual(h.usd(1), { available: START, reserved: 0 });
    assert.deepEqual(h.engine.book(M), { instrumentId: M, bids: [], asks: [] });
    expectReject(h, { type: 'setMarketStatus', instrumentId: M, status: 'open' }, 'INVALID_STATE');
    expectSound(h);
  });
});

describe('snapshot and restore', () => {
  test('a snapshot with 150,000 live GTD orders restores, and they expire the same way', () => {
    const accounts = Array.from({ length: 30 }, (_, i) => i + 1);
    const h = new Harness().setup(accounts, 1_000_000 * DOLLAR).market(binarySpec(M));
    for (const a of accounts) {
      for (let i = 0; i < 5_000; i++) {
        h.ok({
          accountId: a,
          instrumentId: M,
          side: 'buy',
          orderType: 'limit',
          priceTicks: 100 + 100 * (i % 40),
          qtyLots: 100,
          tif: 'gtd',
          expiresAt: h.ts + 1_000 + i,
        });
      }
    }
    const restored = Engine.restore(h.engine.snapshot());
    assert.equal(restored.stateHash(), h.engine.stateHash());
    const r = new Harness(10_000, restored);
    r.ts = h.ts + 3_000;
    h.ts += 3_000;
    const a = h.apply({ type: 'tick' });
    const b = r.apply({ type: 'tick' });
    assert.equal(a.length, b.length);
    assert.equal(ofType(a, 'orderCancelled').length, 30 * 2_001);
    assert.equal(r.engine.stateHash(), h.engine.stateHash());
  });
  test('restore gives the same hash and the same behaviour afterwards', () => {
    const h = new Harness().setup([1, 2, 3], START).market(
      binarySpec(M, {
        fees: { kind: 'kalshi', makerRatePpm: 0, takerRatePpm: 70_000, roundingUnit: 10_000 },
      }),
    );
    h.market(spotSpec(20));
    h.must({ type: 'deposit', accountId: 3, assetId: BTC, amount: 10_000_000 });
    h.ok({
      accountId: 1,
      instrumentId: M,
      side: 'buy',
      orderType: 'limit',
      priceTicks: 4000,
      qtyLots: 500,
      tif: 'gtc',
      clientOrderId: 'a',
    });
    h.ok({
      accountId: 1,
      instrumentId: M,
      side: 'buy',
      orderType: 'limit',
      priceTicks: 4000,
      qtyLots: 200,
      tif: 'gtd',
      expiresAt: h.ts + 5_000,
    });
    h.ok({
      accountId: 2,
      instrumentId: M,
      side: 'sell',
      orderType: 'limit',
      priceTicks: 4000,
      qtyLots: 300,
      tif: 'gtc',
    });
    h.ok({
      accountId: 2,
      instrumentId: M,
      side: 'sell',
      orderType: 'stop',
      stopPriceTicks: 3000,
      qtyLots: 100,
      tif: 'gtc',
    });
    h.ok({
      accountId: 3,
      instrumentId: 20,
      side: 'sell',
      orderType: 'limit',
      priceTicks: 60_000,
      qtyLots: 4,
      tif: 'gtc',
    });
    h.must({ type: 'transferIn', transferId: 'x', accountId: 2, assetId: USD, amount: 7 });
    const bytes = h.engine.snapshot();
    const restored = Engine.restore(bytes);
    assert.equal(restored.stateHash(), h.engine.stateHash());
    assert.equal(restored.lastSeq, h.engine.lastSeq);
    assert.deepEqual(restored.snapshot(), bytes);
    const r = new Harness(10_000, restored);
    r.ts = h.ts;
    const script = (x: Harness) => {
      x.ts += 6_000; // the GTD order expires on this command
      const out = [x.apply({ type: 'tick' })];
      out.push(
        x.place({
          accountId: 3,
          instrumentId: M,
          side: 'sell',
          orderType: 'market',
          qtyLots: 600,
          tif: 'ioc',
        }).events,
      );
      out.push(
        x.place({
          accountId: 2,
          instrumentId: 20,
          side: 'buy',
          orderType: 'limit',
          priceTicks: 60_000,
          qtyLots: 2,
          tif: 'gtc',
        }).events,
      );
      out.push(x.apply({ type: 'cancelOrder', accountId: 1, clientOrderId: 'a' }));
      out.push(
        x.apply({ type: 'transferIn', transferId: 'x', accountId: 2, assetId: USD, amount: 7 }),
      );
      return out;
    };
    assert.deepEqual(script(r), script(h));
    assert.equal(r.engine.stateHash(), h.engine.stateHash());
    expectSound(r);
  });
});

describe('queries', () => {
  test('accounts, balances, positions, orders, instruments and assets read back', () => {
    const h = new Harness().setup([2, 1], START).market(binarySpec(M)).market(spotSpec(20));
    h.must({ type: 'createAccount', accountId: 3, userId: 1, subaccount: 1 });
    h.ok({
      accountId: 1,
      instrumentId: M,
      side: 'buy',
      orderType: 'limit',
      priceTicks: 4000,
      qtyLots: 200,
      tif: 'gtc',
    });
    const rest = h.ok({
      accountId: 1,
      instrumentId: M,
      side: 'buy',
      orderType: 'limit',
      priceTicks: 3000,
      qtyLots: 100,
      tif: 'gtc',
      clientOrderId: 'q',
    });
    h.ok({
      accountId: 2,
      instrumentId: M,
      side: 'sell',
      orderType: 'limit',
      priceTicks: 4000,
      qtyLots: 200,
      tif: 'gtc',
    });
    assert.deepEqual(h.engine.accounts(), [
      { accountId: 0, userId: 0, subaccount: 0, frozen: false },
      { accountId: 1, userId: 1, subaccount: 0, frozen: false },
      { accountId: 2, userId: 2, subaccount: 0, frozen: false },
      { accountId: 3, userId: 1, subaccount: 1, frozen: false },
    ]);
    assert.deepEqual(h.engine.account(3), {
      accountId: 3,
      userId: 1,
      subaccount: 1,
      frozen: false,
    });
    assert.equal(h.engine.account(9), undefined);
    assert.deepEqual(h.engine.assets(), [
      { assetId: USD, code: 'USD', scale: 1_000_000 },
      { assetId: BTC, code: 'BTC', scale: 100_000_000 },
    ]);
    assert.deepEqual(h.engine.balances(1), [
      { accountId: 1, assetId: USD, available: START - 800_000 - 300_000, reserved: 300_000 },
      { accountId: 1, assetId: BTC, available: 0, reserved: 0 },
    ]);
    assert.deepEqual(h.engine.positions(2), [
      {
        accountId: 2,
        instrumentId: M,
        positionLots: -200,
        costBasis: 1_200_000,
        realisedPnl: 0,
        feesPaid: 0,
      },
    ]);
    assert.deepEqual(h.engine.positions(9), []);
    const open = h.engine.openOrders(1);
    assert.equal(open.length, 1);
    assert.deepEqual(open[0], {
      orderId: rest,
      accountId: 1,
      instrumentId: M,
      clientOrderId: 'q',
      side: 'buy',
      orderType: 'limit',
      tif: 'gtc',
      priceTicks: 3000,
      openQtyLots: 100,
      filledQtyLots: 0,
      stopPriceTicks: undefined,
      expiresAt: undefined,
      postOnly: false,
      reduceOnly: false,
      stp: 'cancelTaker',
      cancelOnPause: false,
      state: 'resting',
      reservedCash: 300_000,
      reservedPosLots: 0,
    });
    assert.deepEqual(h.engine.openOrders(1, 20), []);
    assert.deepEqual(
      h.engine
        .instruments()
        .map((i) => [
          i.spec.instrumentId,
          i.status,
          i.lastPriceTicks,
          i.escrow,
          i.openInterestLots,
        ]),
      [
        [M, 'open', 4000, 2_000_000, 200],
        [20, 'open', undefined, 0, 0],
      ],
    );
    assert.deepEqual(h.engine.book(M, 1), { instrumentId: M, bids: [[3000, 100, 1]], asks: [] });
    assert.equal(h.engine.book(99), undefined);
    assert.equal(h.engine.instrument(99), undefined);
  });
});
