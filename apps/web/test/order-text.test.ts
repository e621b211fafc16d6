// How orders read in the open orders table and the order history: the flags as tags and the exchange's
// cancel reasons in words.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cancelReasonLabel, orderStatusText, orderTypeText } from '../ui/format/orders.ts';

test('cancel reasons read as what happened, unknown ones as their code', () => {
  assert.equal(cancelReasonLabel('paused'), 'Cancelled: trading paused');
  assert.equal(cancelReasonLabel('positionLimit'), 'Cancelled: position limit');
  assert.equal(cancelReasonLabel('circuitBreaker'), 'Cancelled: circuit breaker');
  assert.equal(cancelReasonLabel('marketClosed'), 'Cancelled: market closed');
  assert.equal(cancelReasonLabel('user'), 'Cancelled');
  assert.equal(cancelReasonLabel(undefined), 'Cancelled');
  assert.equal(cancelReasonLabel('somethingNew'), 'Cancelled (somethingNew)');
});

test('an order history status names the cancel reason or the reject code', () => {
  assert.equal(
    orderStatusText({ status: 'cancelled', cancelReason: 'paused' }),
    'Cancelled: trading paused',
  );
  assert.equal(orderStatusText({ status: 'open' }), 'Open');
  assert.equal(orderStatusText({ status: 'filled' }), 'Filled');
  assert.equal(
    orderStatusText({ status: 'rejected', rejectReason: 'INSUFFICIENT_FUNDS' }),
    'Rejected (INSUFFICIENT_FUNDS)',
  );
});

test('an order type lists its time in force and flags', () => {
  assert.equal(orderTypeText({ orderType: 'limit', tif: 'gtc' }), 'limit · gtc');
  assert.equal(
    orderTypeText({
      orderType: 'stopLimit',
      tif: 'gtd',
      postOnly: false,
      reduceOnly: true,
      cancelOnPause: true,
    }),
    'stopLimit · gtd · reduce · cancel on pause',
  );
  assert.equal(
    orderTypeText({ orderType: 'limit', tif: 'gtc', postOnly: true }),
    'limit · gtc · post',
  );
});
