// An INVALID_FIELD rejection names the field and the rule it broke, so a client can act on it
// without guessing; and the rejection still changes nothing.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EngineEvent } from '../src/index.ts';
import { expectSound } from './support/expect.ts';
import { type Body, binarySpec, DOLLAR, Harness, USD } from './support/harness.ts';

const M = 10;

function harness(): Harness {
  const h = new Harness().setup([1, 2], 100 * DOLLAR);
  h.market(binarySpec(M));
  return h;
}

const order = (h: Harness, extra: Record<string, unknown>): Body =>
  ({
    type: 'placeOrder',
    orderId: h.seq + 1,
    accountId: 1,
    instrumentId: M,
    side: 'buy',
    orderType: 'limit',
    priceTicks: 4000,
    qtyLots: 100,
    tif: 'gtc',
    ...extra,
  }) as Body;

const CASES: { what: string; field: string; rule: RegExp; body: (h: Harness) => Body }[] = [
  {
    what: 'a fractional deposit',
    field: 'amount',
    rule: /positive safe integer/,
    body: () => ({ type: 'deposit', accountId: 1, assetId: USD, amount: 0.5 }),
  },
  {
    what: 'an unknown side',
    field: 'side',
    rule: /buy or sell/,
    body: (h) => order(h, { side: 'up' }),
  },
  {
    what: 'a GTD order without a numeric expiry',
    field: 'expiresAt',
    rule: /safe integer/,
    body: (h) => order(h, { tif: 'gtd', expiresAt: 'soon' }),
  },
  {
    what: 'a max cost on a resting limit order',
    field: 'maxCost',
    rule: /never rest/,
    body: (h) => order(h, { maxCost: 1000 }),
  },
  {
    what: 'a negative account id',
    field: 'accountId',
    rule: /non-negative safe integer/,
    body: () => ({ type: 'createAccount', accountId: -1, userId: 1, subaccount: 0 }),
  },
  {
    what: 'a market whose prices are off its tick grid',
    field: 'maxPriceTicks',
    rule: /multiple of tickSize/,
    body: () => ({
      type: 'createInstrument',
      spec: { ...binarySpec(77), tickSize: 100, minPriceTicks: 100, maxPriceTicks: 9950 },
    }),
  },
  {
    what: 'a close scheduled before the open',
    field: 'closesAt',
    rule: /after opensAt/,
    body: (h) => ({
      type: 'scheduleMarket',
      instrumentId: M,
      opensAt: h.ts + 10_000,
      closesAt: h.ts + 5_000,
    }),
  },
];

for (const c of CASES) {
  test(`INVALID_FIELD names ${c.field} for ${c.what}`, () => {
    const h = harness();
    const before = h.engine.stateHash();
    const events: EngineEvent[] = h.apply(c.body(h));
    const rejected = events.find((e) => e.type === 'rejected');
    assert.ok(rejected !== undefined && rejected.type === 'rejected', JSON.stringify(events));
    assert.equal(rejected.reason, 'INVALID_FIELD');
    assert.equal(rejected.field, c.field);
    assert.match(rejected.rule ?? '', c.rule);
    assert.equal(h.engine.stateHash(), before);
    expectSound(h);
  });
}

test('other rejections carry no field', () => {
  const h = harness();
  const events = h.apply({ type: 'deposit', accountId: 99, assetId: USD, amount: 1 });
  assert.deepEqual(events, [{ type: 'rejected', command: 'deposit', reason: 'UNKNOWN_ACCOUNT' }]);
});
