// Every reject code the engine can produce, each with a command that triggers it: the command must
// come back as exactly one `rejected` event with that code and leave the state hash unchanged. The
// last test checks that the table covers the whole `REJECT_CODES` catalogue.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { REJECT_CODES, type RejectCode } from '../src/index.ts';
import { expectReject, expectSound } from './support/expect.ts';
import {
  type Body,
  binarySpec,
  DOLLAR,
  Harness,
  type PlaceBody,
  spotSpec,
  USD,
} from './support/harness.ts';

const M = 10;
const SPOT = 20;
const IDLE = 30;

interface Fixture {
  h: Harness;
  /** Account 2's resting ask at 6000 (client order id 'c1'). */
  ask: number;
  /** Account 1's buy that filled completely. */
  filled: number;
}

/**
 * Account 1 ($100) holds 100 YES bought from account 2 ($100) at 5000, so the last price is 5000;
 * account 2 rests an ask at 6000; account 3 has $1. Market 10 has limits, 20 is spot, 30 is not
 * open.
 */
function fixture(): Fixture {
  const h = new Harness(3).setup([1, 2], 100 * DOLLAR);
  h.must({ type: 'createAccount', accountId: 3, userId: 3, subaccount: 0 });
  h.must({ type: 'deposit', accountId: 3, assetId: USD, amount: DOLLAR });
  const limits = {
    maxOrderQtyLots: 10_000,
    maxOrderNotional: 50 * DOLLAR,
    maxPositionLots: 5_000,
    priceBandTicks: 3_000,
  };
  h.market(binarySpec(M, { limits })).market(spotSpec(SPOT));
  h.must({ type: 'createInstrument', spec: binarySpec(IDLE) });
  const filled = h.ok(buy(1, 5000, 100, { tif: 'gtc' }));
  h.ok({ ...buy(2, 5000, 100), side: 'sell' });
  const ask = h.ok({ ...buy(2, 6000, 100), side: 'sell', clientOrderId: 'c1' });
  expectSound(h);
  return { h, ask, filled };
}

function buy(
  accountId: number,
  priceTicks: number,
  qtyLots: number,
  extra: Partial<PlaceBody> = {},
): PlaceBody {
  return {
    accountId,
    instrumentId: M,
    side: 'buy',
    orderType: 'limit',
    priceTicks,
    qtyLots,
    tif: 'gtc',
    ...extra,
  };
}

function place(h: Harness, o: PlaceBody): Body {
  return { type: 'placeOrder', orderId: h.seq + 1, ...o };
}

interface Case {
  code: RejectCode;
  what: string;
  given?: (f: Fixture) => void;
  when: (f: Fixture) => Body;
}

const CASES: Case[] = [
  {
    code: 'INVALID_FIELD',
    what: 'a fractional deposit',
    when: () => ({ type: 'deposit', accountId: 1, assetId: USD, amount: 0.5 }),
  },
  {
    code: 'INVALID_FIELD',
    what: 'an order id of zero',
    when: () => ({ type: 'placeOrder', ...buy(1, 4000, 100), orderId: 0 }),
  },
  {
    code: 'INVALID_FIELD',
    what: 'an unknown side',
    when: ({ h }) => place(h, { ...buy(1, 4000, 100), side: 'up' as never }),
  },
  {
    code: 'INVALID_FIELD',
    what: 'an unknown time in force',
    when: ({ h }) => place(h, buy(1, 4000, 100, { tif: 'day' as never })),
  },
  {
    code: 'INVALID_FIELD',
    what: 'a createAccount with a negative id',
    when: () => ({ type: 'createAccount', accountId: -1, userId: 1, subaccount: 0 }),
  },
  {
    code: 'UNKNOWN_COMMAND',
    what: 'a command type the engine does not know',
    when: () => ({ type: 'explode' }) as unknown as Body,
  },
  {
    code: 'UNKNOWN_ACCOUNT',
    what: 'a deposit to a missing account',
    when: () => ({ type: 'deposit', accountId: 99, assetId: USD, amount: 1 }),
  },
  {
    code: 'UNKNOWN_ACCOUNT',
    what: 'an order from a missing account',
    when: ({ h }) => place(h, buy(99, 4000, 100)),
  },
  {
    code: 'UNKNOWN_ASSET',
    what: 'a deposit of a missing asset',
    when: () => ({ type: 'deposit', accountId: 1, assetId: 99, amount: 1 }),
  },
  {
    code: 'UNKNOWN_ASSET',
    what: 'an instrument settling in a missing asset',
    when: () => ({ type: 'createInstrument', spec: binarySpec(40, { settlementAssetId: 99 }) }),
  },
  {
    code: 'UNKNOWN_INSTRUMENT',
    what: 'an order in a missing market',
    when: ({ h }) => place(h, { ...buy(1, 4000, 100), instrumentId: 99 }),
  },
  {
    code: 'UNKNOWN_INSTRUMENT',
    what: 'cancel-all in a missing market',
    when: () => ({ type: 'cancelAll', accountId: 1, instrumentId: 99 }),
  },
  {
    code: 'UNKNOWN_ORDER',
    what: 'cancelling an order that never existed',
    when: () => ({ type: 'cancelOrder', accountId: 1, orderId: 123_456 }),
  },
  {
    code: 'UNKNOWN_ORDER',
    what: 'amending a filled order',
    when: ({ filled }) => ({ type: 'amendOrder', accountId: 1, orderId: filled, priceTicks: 4000 }),
  },
  {
    code: 'NOT_ORDER_OWNER',
    what: "cancelling another account's order",
    when: ({ ask }) => ({ type: 'cancelOrder', accountId: 1, orderId: ask }),
  },
  {
    code: 'NOT_ORDER_OWNER',
    what: "decreasing another account's order",
    when: ({ ask }) => ({ type: 'decreaseOrder', accountId: 1, orderId: ask, byLots: 100 }),
  },
  {
    code: 'DUPLICATE_ID',
    what: 'an existing account id',
    when: () => ({ type: 'createAccount', accountId: 2, userId: 7, subaccount: 1 }),
  },
  {
    code: 'DUPLICATE_ID',
    what: 'an existing asset id',
    when: () => ({ type: 'createAsset', assetId: USD, code: 'EUR', scale: 100 }),
  },
  {
    code: 'DUPLICATE_ID',
    what: 'an existing instrument id',
    when: () => ({ type: 'createInstrument', spec: spotSpec(SPOT) }),
  },
  {
    code: 'DUPLICATE_ORDER_ID',
    what: 'an order id not above every earlier one',
    when: ({ ask }) => ({ type: 'placeOrder', ...buy(1, 4000, 100), orderId: ask }),
  },
  {
    code: 'DUPLICATE_CLIENT_ORDER_ID',
    what: 'a client order id of an open order',
    when: ({ h }) => place(h, { ...buy(2, 7000, 100), side: 'sell', clientOrderId: 'c1' }),
  },
  {
    code: 'DUPLICATE_TRANSFER',
    what: 'a transfer id used before',
    given: ({ h }) =>
      void h.must({ type: 'transferIn', transferId: 't', accountId: 1, assetId: USD, amount: 5 }),
    when: () => ({ type: 'transferIn', transferId: 't', accountId: 1, assetId: USD, amount: 5 }),
  },
  {
    code: 'INVALID_PRICE',
    what: 'a fractional price',
    when: ({ h }) => place(h, buy(1, 4000.5, 100)),
  },
  {
    code: 'INVALID_PRICE',
    what: 'a limit order without a price',
    when: ({ h }) => place(h, { ...buy(1, 4000, 100), priceTicks: undefined } as never),
  },
  {
    code: 'PRICE_OFF_GRID',
    what: 'a price between cents',
    when: ({ h }) => place(h, buy(1, 4050, 100)),
  },
  {
    code: 'PRICE_OFF_GRID',
    what: 'an amend to a price between cents',
    when: ({ ask }) => ({ type: 'amendOrder', accountId: 2, orderId: ask, priceTicks: 6010 }),
  },
  {
    code: 'PRICE_OUT_OF_RANGE',
    what: 'a price above 99¢',
    when: ({ h }) => place(h, buy(1, 9_950, 100)),
  },
  {
    code: 'PRICE_OUT_OF_RANGE',
    what: 'a stop price below 1¢',
    when: ({ h }) => place(h, { ...buy(1, 4000, 100), orderType: 'stop', stopPriceTicks: 0 }),
  },
  {
    code: 'PRICE_OUT_OF_BAND',
    what: 'a price 35¢ from the last trade with a 30¢ band',
    when: ({ h }) => place(h, buy(1, 1500, 100)),
  },
  { code: 'INVALID_QUANTITY', what: 'a zero quantity', when: ({ h }) => place(h, buy(1, 4000, 0)) },
  {
    code: 'INVALID_QUANTITY',
    what: 'a fractional decrease',
    when: ({ ask }) => ({ type: 'decreaseOrder', accountId: 2, orderId: ask, byLots: 0.5 }),
  },
  {
    code: 'QTY_NOT_LOT_MULTIPLE',
    what: 'one and a half contracts',
    when: ({ h }) => place(h, buy(1, 4000, 150)),
  },
  {
    code: 'MAX_ORDER_SIZE',
    what: 'an order over the 100-contract limit',
    when: ({ h }) => place(h, buy(1, 1000, 10_100)),
  },
  {
    code: 'MAX_NOTIONAL',
    what: 'an order over the $50 notional limit',
    when: ({ h }) => place(h, buy(1, 7000, 8_000)),
  },
  {
    code: 'MAX_NOTIONAL',
    what: 'a market buy whose protection price puts it over the notional limit',
    when: ({ h }) =>
      place(h, {
        ...buy(1, 4000, 6_000),
        orderType: 'market',
        tif: 'ioc',
        priceTicks: undefined,
      } as never),
  },
  {
    code: 'INSUFFICIENT_FUNDS',
    what: 'a $1.20 buy from a $1 account',
    when: ({ h }) => place(h, buy(3, 6000, 200)),
  },
  {
    code: 'INSUFFICIENT_FUNDS',
    what: 'a withdrawal over the balance',
    when: () => ({ type: 'withdraw', accountId: 3, assetId: USD, amount: DOLLAR + 1 }),
  },
  {
    code: 'INSUFFICIENT_POSITION',
    what: 'a spot sell without the base asset',
    when: ({ h }) => place(h, { ...buy(1, 100, 1), instrumentId: SPOT, side: 'sell' }),
  },
  {
    code: 'MAX_OPEN_ORDERS',
    what: 'a fourth resting order with a limit of three',
    given: ({ h }) => {
      for (let i = 0; i < 3; i++) h.ok(buy(1, 4000, 100));
    },
    when: ({ h }) => place(h, buy(1, 4000, 100)),
  },
  {
    code: 'POSITION_LIMIT',
    what: 'a buy taking the position past 50 contracts',
    when: ({ h }) => place(h, buy(1, 4000, 5_000)),
  },
  {
    code: 'POST_ONLY_WOULD_CROSS',
    what: 'a post-only buy at the ask',
    when: ({ h }) => place(h, buy(1, 6000, 100, { postOnly: true })),
  },
  {
    code: 'FOK_NOT_FILLABLE',
    what: 'a fill-or-kill larger than the ask',
    when: ({ h }) => place(h, buy(1, 6000, 200, { tif: 'fok' })),
  },
  {
    code: 'REDUCE_ONLY_WOULD_INCREASE',
    what: 'a reduce-only buy while long YES',
    when: ({ h }) => place(h, buy(1, 4000, 100, { reduceOnly: true })),
  },
  {
    code: 'INVALID_ORDER_TYPE',
    what: 'an unknown order type',
    when: ({ h }) => place(h, buy(1, 4000, 100, { orderType: 'iceberg' as never })),
  },
  {
    code: 'INVALID_ORDER_TYPE',
    what: 'a post-only market order',
    when: ({ h }) =>
      place(h, { ...buy(1, 4000, 100), orderType: 'market', tif: 'ioc', postOnly: true }),
  },
  {
    code: 'EXPIRY_IN_PAST',
    what: 'a GTD order expiring now',
    when: ({ h }) => place(h, buy(1, 4000, 100, { tif: 'gtd', expiresAt: h.ts })),
  },
  {
    code: 'NOTHING_TO_AMEND',
    what: 'an amend to the same price and size',
    when: ({ ask }) => ({
      type: 'amendOrder',
      accountId: 2,
      orderId: ask,
      priceTicks: 6000,
      qtyLots: 100,
    }),
  },
  {
    code: 'MARKET_NOT_OPEN',
    what: 'an order in a created market',
    when: ({ h }) => place(h, { ...buy(1, 4000, 100), instrumentId: IDLE }),
  },
  {
    code: 'MARKET_NOT_OPEN',
    what: 'an amend in a paused market',
    given: ({ h }) => void h.must({ type: 'setMarketStatus', instrumentId: M, status: 'paused' }),
    when: ({ ask }) => ({ type: 'amendOrder', accountId: 2, orderId: ask, priceTicks: 6100 }),
  },
  {
    code: 'EXCHANGE_HALTED',
    what: 'an order during a halt',
    given: ({ h }) => void h.must({ type: 'setHalt', halted: true }),
    when: ({ h }) => place(h, buy(1, 4000, 100)),
  },
  {
    code: 'INVALID_STATE',
    what: 'opening an open market',
    when: () => ({ type: 'setMarketStatus', instrumentId: M, status: 'open' }),
  },
  {
    code: 'INVALID_STATE',
    what: 'settling an open market',
    when: () => ({ type: 'settleMarket', instrumentId: M, result: 'yes' }),
  },
  {
    code: 'INVALID_SETTLEMENT',
    what: 'settling a spot market',
    when: () => ({ type: 'settleMarket', instrumentId: SPOT, result: 'yes' }),
  },
  {
    code: 'UNKNOWN_ORDER_GROUP',
    what: 'joining another account’s order group',
    given: ({ h }) => void h.must({ type: 'createOrderGroup', accountId: 2, limitLots: 500 }),
    when: ({ h }) => place(h, buy(1, 4000, 100, { orderGroupId: h.seq })),
  },
  {
    code: 'ORDER_GROUP_TRIGGERED',
    what: 'joining a triggered group',
    given: ({ h }) => {
      h.must({ type: 'createOrderGroup', accountId: 1, limitLots: 500 });
      h.must({ type: 'triggerOrderGroup', accountId: 1, groupId: h.seq });
    },
    when: ({ h }) => place(h, buy(1, 4000, 100, { orderGroupId: h.seq - 1 })),
  },
  {
    code: 'MAX_ORDER_GROUPS',
    what: 'an order group beyond the account’s thousand',
    given: ({ h }) => {
      for (let i = 0; i < 1_000; i++)
        h.must({ type: 'createOrderGroup', accountId: 1, limitLots: 1 });
    },
    when: () => ({ type: 'createOrderGroup', accountId: 1, limitLots: 1 }),
  },
  {
    code: 'ACCOUNT_FROZEN',
    what: 'an order from a frozen account',
    given: ({ h }) => void h.must({ type: 'setAccountFrozen', accountId: 1, frozen: true }),
    when: ({ h }) => place(h, buy(1, 4000, 100)),
  },
  {
    code: 'SCHEDULE_IN_PAST',
    what: 'scheduling a close at a time already gone',
    when: () => ({ type: 'scheduleMarket', instrumentId: M, opensAt: null, closesAt: 1 }),
  },
];

describe('reject codes', () => {
  for (const c of CASES) {
    test(`${c.code}: ${c.what}`, () => {
      const f = fixture();
      c.given?.(f);
      expectReject(f.h, c.when(f), c.code);
      expectSound(f.h);
    });
  }

  test('every code in REJECT_CODES has a triggering command above', () => {
    const covered = new Set(CASES.map((c) => c.code));
    assert.deepEqual(
      REJECT_CODES.filter((code) => !covered.has(code)),
      [],
    );
  });

  test('a command with a non-integer seq or ts is rejected before anything runs', () => {
    const { h } = fixture();
    const before = h.engine.stateHash();
    const events = [...h.engine.apply({ type: 'tick', seq: 1.5, ts: h.ts })];
    assert.deepEqual(events, [
      {
        type: 'rejected',
        command: 'tick',
        reason: 'INVALID_FIELD',
        field: 'seq',
        rule: 'a safe integer',
      },
    ]);
    assert.equal(h.engine.stateHash(), before);
  });
});
