// Responses are checked against the schemas the API declares (`@bourse/protocol`): the test exchanges
// turn the check on, so every gateway, Kalshi and web test fails on a response that drifted. Here, the
// check itself: it passes a conforming answer and names the route and field of a drifted one.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OrderAckSchema, Page, PositionSchema } from '@bourse/protocol';
import { ApiError } from '../src/error-catalogue.ts';
import { responseValidator } from '../src/http/schema-validator.ts';

const ack = {
  orderId: 7,
  seq: 7,
  ts: 1_700_000_000_000,
  market: 'RAIN-26',
  status: 'resting',
  filledQtyLots: 1,
  openQtyLots: 2,
  cancelReason: null,
  fills: [{ tradeId: 1, priceTicks: 5000, qtyLots: 1, fee: 3 }],
};

test('a conforming response passes', () => {
  responseValidator(OrderAckSchema, 'POST /api/v1/orders')(ack);
});

test('a drifted response fails naming the route and the field', () => {
  const check = responseValidator(OrderAckSchema, 'POST /api/v1/orders');
  const drifts: [unknown, RegExp][] = [
    [{ ...ack, fills: [{ ...ack.fills[0], fee: '3' }] }, /response\/fills\/0\/fee must be integer/],
    [{ ...ack, status: 'open' }, /response\/status/],
    [{ ...ack, openQtyLots: undefined }, /must have required property 'openQtyLots'/],
    [{ ...ack, ts: 1.5 }, /response\/ts must be integer/],
  ];
  for (const [body, message] of drifts) {
    assert.throws(
      () => check(body),
      (e: unknown) =>
        e instanceof ApiError &&
        e.code === 'INTERNAL' &&
        e.message.startsWith('POST /api/v1/orders: ') &&
        message.test(e.message),
      JSON.stringify(body),
    );
  }
});

test('pages check every item', () => {
  const check = responseValidator(Page(PositionSchema), 'GET /api/v1/portfolio/positions');
  assert.throws(() => check({ items: [{ accountId: 1 }] }), /response\/items\/0 must have/);
});
