// A place order's ack on the socket is written out by hand (ws/socket-orders.ts): it must be the
// text JSON.stringify gives for the same ack, whatever the request's id, the market's symbol, the
// order's end and its fills, and carry every field orderAck builds.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AppliedCommand } from '@bourse/core';
import type { EngineEvent } from '@bourse/engine';
import { orderAck } from '../src/api/order-entry.ts';
import { placeAckBytes } from '../src/ws/socket-orders.ts';

const ORDER_ID = 4_321;

function fill(i: number, taker: boolean): EngineEvent {
  return {
    type: 'fill',
    tradeId: 900 + i,
    instrumentId: 1,
    takerOrderId: taker ? ORDER_ID : 77,
    makerOrderId: taker ? 77 + i : ORDER_ID,
    takerAccountId: 1,
    makerAccountId: 2,
    takerSide: 'buy',
    priceTicks: 5_000 - i * 100,
    qtyLots: 100 * (i + 1),
    takerFee: 3 * i,
    makerFee: -i,
    takerOpenQtyLots: 600 - 100 * (i + 1),
    makerOpenQtyLots: 0,
  } as unknown as EngineEvent;
}

function applied(fills: number, end: 'rested' | 'cancelled' | 'filled' | 'parked'): AppliedCommand {
  const events: EngineEvent[] = [
    { type: 'orderAccepted', orderId: ORDER_ID, qtyLots: 600 } as unknown as EngineEvent,
  ];
  for (let i = 0; i < fills; i++) events.push(fill(i, i % 2 === 0));
  if (end === 'rested') {
    events.push({
      type: 'orderRested',
      orderId: ORDER_ID,
      openQtyLots: 200,
    } as unknown as EngineEvent);
  } else if (end === 'parked') {
    events.push({ type: 'orderParked', orderId: ORDER_ID } as unknown as EngineEvent);
  } else if (end === 'cancelled') {
    events.push({
      type: 'orderCancelled',
      orderId: ORDER_ID,
      reason: 'selfTrade',
    } as unknown as EngineEvent);
  }
  return {
    seq: ORDER_ID,
    ts: 1_765_000_000_123,
    command: { type: 'placeOrder', orderId: ORDER_ID } as never,
    events,
  };
}

test('the hand-written place ack is the JSON.stringify text of the same ack', () => {
  const ids = [
    undefined,
    0,
    17,
    -5,
    2 ** 53 - 1,
    1.5,
    '',
    'abc',
    'quo"te\\back\nslash',
    'ünï\u2028',
  ];
  const symbols = ['LOAD-TEST-YES', 'we"ird\\sym'];
  let checked = 0;
  for (const id of ids) {
    for (const symbol of symbols) {
      for (const fills of [0, 1, 3]) {
        for (const end of ['rested', 'cancelled', 'filled', 'parked'] as const) {
          const ack = orderAck(applied(fills, end), symbol);
          const text = placeAckBytes(id, ack).toString('utf8');
          const object = { type: 'ack', op: 'place', id: id ?? null, order: ack };
          assert.equal(text, JSON.stringify(object));
          assert.deepEqual(JSON.parse(text), object);
          checked++;
        }
      }
    }
  }
  assert.equal(checked, ids.length * symbols.length * 12);
});

test('acks written one after another keep their own bytes, across slabs and for long ids', () => {
  const acks: { bytes: Buffer; expected: string }[] = [];
  for (let i = 0; i < 3_000; i++) {
    // Long string ids now and then: a message larger than what is left of a slab, or of a slab.
    const id = i % 500 === 7 ? 'x'.repeat(70_000 + i) : i % 3 === 0 ? `id-${i}` : i - 1_500;
    const ack = orderAck(applied(i % 4, i % 2 === 0 ? 'rested' : 'filled'), 'LOAD-TEST-YES');
    acks.push({
      bytes: placeAckBytes(id, ack),
      expected: JSON.stringify({ type: 'ack', op: 'place', id, order: ack }),
    });
  }
  for (const a of acks) assert.equal(a.bytes.toString('utf8'), a.expected);
});
