// End to end over real sockets: GET /api/v1/history/state reads a live exchange as it was at a past
// seq or time (from its journal, on a thread of its own): the book before and after a fill, the
// caller's own account, another's only for an admin, and bad input refused naming the field.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestExchange, type TestExchange, type TestUser } from './support/test-exchange.ts';

let ex: TestExchange;
let alice: TestUser;
let bob: TestUser;

before(async () => {
  ex = await startTestExchange();
  alice = await ex.addUser('alice', 'trader', 1_000_000_000);
  bob = await ex.addUser('bob', 'trader', 1_000_000_000);
});
after(() => ex.close());

interface State {
  seq: number;
  ts: number;
  book?: { market: string; bids: number[][]; asks: number[][] };
  account?: { accountId: number; openOrders: { orderId: number; openQtyLots: number }[] };
  trades?: {
    seq: number;
    priceTicks: number;
    qtyLots: number;
    takerSide: string;
    makerOrderId: number;
  }[];
}
const state = (u: TestUser, query: Record<string, string | number>) =>
  u.rest.request('GET', '/api/v1/history/state', undefined, query) as Promise<State>;

test('the book and an account before and after a fill', async () => {
  const bid = (
    await alice.rest.placeOrder({ market: ex.market, side: 'buy', priceTicks: 4_000, qtyLots: 300 })
  ).orderId;
  const sell = await bob.rest.placeOrder({
    market: ex.market,
    side: 'sell',
    priceTicks: 4_000,
    qtyLots: 100,
  });

  const before = await state(alice, { seq: bid, market: ex.market, account: alice.accountId });
  assert.equal(before.seq, bid);
  assert.deepEqual(before.book?.bids, [[4_000, 300, 1]]);
  assert.deepEqual(
    before.account?.openOrders.map((o) => [o.orderId, o.openQtyLots]),
    [[bid, 300]],
  );
  const afterFill = await state(alice, { seq: sell.orderId, market: ex.market });
  assert.deepEqual(afterFill.book?.bids, [[4_000, 200, 1]]);
  assert.equal(afterFill.account, undefined);
  assert.equal(afterFill.trades, undefined);
  // The market's trades up to a seq: the fill is there at its seq and not before it.
  const tradesAfter = await state(alice, { seq: sell.orderId, market: ex.market, trades: 50 });
  const last = tradesAfter.trades?.at(-1);
  assert.deepEqual(
    last && [last.seq, last.priceTicks, last.qtyLots, last.takerSide, last.makerOrderId],
    [sell.orderId, 4_000, 100, 'sell', bid],
  );
  const tradesBefore = await state(alice, { seq: bid, market: ex.market, trades: 50 });
  assert.deepEqual(tradesBefore.trades, tradesAfter.trades?.slice(0, -1));
  // Without a market the caller's own account is read; a time reads the last seq at or before it.
  const own = await state(alice, { ts: afterFill.ts });
  assert.equal(own.seq >= sell.orderId, true);
  assert.equal(own.account?.accountId, alice.accountId);
});

test('another account needs admin', async () => {
  await assert.rejects(state(alice, { seq: 1, account: bob.accountId }), {
    status: 403,
    code: 'FORBIDDEN',
  });
  const asAdmin = await state(ex.admin, {
    seq: ex.gateway.services.core.durableSeq,
    account: bob.accountId,
  });
  assert.equal(asAdmin.account?.accountId, bob.accountId);
});

test('bad input is refused naming the field', async () => {
  const refused = async (
    query: Record<string, string | number>,
    status: number,
    code: string,
    message: RegExp,
  ) => {
    const what = JSON.stringify(query);
    await assert.rejects(
      state(alice, query),
      (e: { status: number; code: string; message: string }) => {
        assert.equal(e.status, status, what);
        assert.equal(e.code, code, what);
        assert.match(e.message, message, what);
        return true;
      },
    );
  };
  await refused({}, 400, 'VALIDATION_FAILED', /exactly one of seq and ts/);
  await refused({ seq: 1, ts: 1 }, 400, 'VALIDATION_FAILED', /exactly one of seq and ts/);
  await refused({ seq: 'soon' }, 400, 'VALIDATION_FAILED', /seq/);
  await refused(
    { seq: 10_000_000 },
    400,
    'VALIDATION_FAILED',
    /seq 10000000 is past the journal's end/,
  );
  await refused({ seq: 1, trades: 5 }, 400, 'VALIDATION_FAILED', /give market/);
  await refused({ seq: 1, market: ex.market, trades: 0 }, 400, 'VALIDATION_FAILED', /trades/);
  await refused({ seq: 1, market: 'NO-SUCH' }, 404, 'MARKET_NOT_FOUND', /NO-SUCH did not exist/);
});
