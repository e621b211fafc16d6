// The audit log through the admin API: every command a trader's requests became — accepted or
// rejected, with the engine's reason — is there, newest first, with the market and order it touched;
// filters by account, command type, outcome and time pick exactly the matching rows; pages join up
// without gaps; non-admins and malformed filters are refused with stable codes.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { refusal } from './support/refusal.ts';
import { startTestExchange, type TestExchange, type TestUser } from './support/test-exchange.ts';

interface AuditItem {
  seq: number;
  ts: number;
  commandType: string;
  accountId: number | null;
  market: string | null;
  orderId: number | null;
  outcome: 'accepted' | 'rejected';
  reason: string | null;
  eventCount: number;
}
interface AuditPage {
  items: AuditItem[];
  nextCursor?: string;
}

let ex: TestExchange;
let sam: TestUser;
let accountId: number;
let placed: number;
let started: number;

before(async () => {
  ex = await startTestExchange();
  started = Date.now();
  sam = await ex.addUser('sam', 'trader', 1_000_000_000);
  accountId = (await sam.rest.request<{ accountId: number }>('GET', '/api/v1/account')).accountId;
  placed = (
    await sam.rest.placeOrder({ market: ex.market, side: 'buy', priceTicks: 4_000, qtyLots: 100 })
  ).orderId;
  // Refused by the engine (a second order with the same client order id): journaled and audited.
  await sam.rest.placeOrder({
    market: ex.market,
    side: 'buy',
    priceTicks: 3_000,
    qtyLots: 100,
    clientOrderId: 'dup',
  });
  await sam.rest
    .placeOrder({
      market: ex.market,
      side: 'buy',
      priceTicks: 3_100,
      qtyLots: 100,
      clientOrderId: 'dup',
    })
    .catch(() => {});
  await sam.rest.cancelOrder(placed);
});
after(() => ex.close());

const audit = (query: Record<string, string | number> = {}) =>
  ex.admin.rest.request<AuditPage>('GET', '/api/v1/admin/audit', undefined, query);

test('a trader’s commands are in the audit log with their outcome, market and order', async () => {
  const mine = (await audit({ accountId })).items;
  assert.deepEqual(
    mine.map((r) => [r.commandType, r.outcome, r.reason, r.market]),
    [
      // A cancel names the order, not the market.
      ['cancelOrder', 'accepted', null, null],
      ['placeOrder', 'rejected', 'DUPLICATE_CLIENT_ORDER_ID', ex.market],
      ['placeOrder', 'accepted', null, ex.market],
      ['placeOrder', 'accepted', null, ex.market],
      ['deposit', 'accepted', null, null],
      ['createAccount', 'accepted', null, null],
    ],
  );
  assert.equal(mine.at(-3)?.orderId, placed);
  assert.equal(mine[0]?.orderId, placed);
  assert.ok(mine.every((r) => r.accountId === accountId && r.ts >= started));
  assert.deepEqual(
    mine.map((r) => r.seq),
    mine.map((r) => r.seq).sort((a, b) => b - a),
    'newest first',
  );
});

test('filters pick exactly the matching rows, and pages join up', async () => {
  const all = (await audit({ limit: 1000 })).items;
  const rejected = (await audit({ outcome: 'rejected' })).items;
  assert.deepEqual(
    rejected.map((r) => r.seq),
    all.filter((r) => r.outcome === 'rejected').map((r) => r.seq),
  );
  const places = (await audit({ commandType: 'placeOrder', accountId, outcome: 'accepted' })).items;
  assert.equal(places.length, 2);
  const since = (await audit({ fromTs: started })).items;
  assert.deepEqual(
    since.map((r) => r.seq),
    all.filter((r) => r.ts >= started).map((r) => r.seq),
  );
  assert.deepEqual((await audit({ toTs: 1 })).items, []);

  const paged: number[] = [];
  let cursor: string | undefined;
  do {
    const page = await audit({ accountId, limit: 2, ...(cursor === undefined ? {} : { cursor }) });
    paged.push(...page.items.map((r) => r.seq));
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  assert.deepEqual(
    paged,
    (await audit({ accountId })).items.map((r) => r.seq),
  );
});

test('non-admins and malformed filters are refused', async () => {
  const cases: [string, () => Promise<unknown>, number, string][] = [
    ['a trader', () => sam.rest.request('GET', '/api/v1/admin/audit'), 403, 'FORBIDDEN'],
    ['an unknown outcome', () => audit({ outcome: 'maybe' }), 400, 'VALIDATION_FAILED'],
    [
      'a command type with symbols',
      () => audit({ commandType: 'place;Order' }),
      400,
      'VALIDATION_FAILED',
    ],
    ['a negative time', () => audit({ fromTs: -1 }), 400, 'VALIDATION_FAILED'],
    ['a forged cursor', () => audit({ cursor: 'nonsense' }), 400, 'INVALID_CURSOR'],
    ['an unknown filter', () => audit({ user: 'sam' }), 400, 'VALIDATION_FAILED'],
  ];
  for (const [name, call, status, code] of cases) {
    assert.deepEqual({ name, ...(await refusal(call())) }, { name, status, code });
  }
});
