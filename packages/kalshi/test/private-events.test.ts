// Private WebSocket messages from engine events: a taker sweeping two makers in one command gets the
// position after each fill (the engine announces only the final one), each account only its own
// messages, and `user_order` follows an order from resting to executed.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BinarySpec, EngineEvent } from '@bourse/engine';
import type { AppliedCommand } from '@bourse/core';
import { PositionVolumes } from '../src/ws/position-volumes.ts';
import { PrivateEvents } from '../src/ws/private-events.ts';
import { CENTS_BINARY_GRID } from '@bourse/engine';

const spec: BinarySpec = {
  kind: 'binary',
  instrumentId: 7,
  symbol: 'P-26-YES',
  seriesTicker: 'P',
  eventTicker: 'P-26',
  title: 'P',
  settlementAssetId: 1,
  ...CENTS_BINARY_GRID,
  fees: { kind: 'none' },
  limits: { maxOrderQtyLots: 0, maxOrderNotional: 0, maxPositionLots: 0, priceBandTicks: 0 },
};

const applied = (seq: number, events: EngineEvent[]): AppliedCommand =>
  ({
    seq,
    ts: 1_700_000_000_000 + seq,
    command: { type: 'tick', seq, ts: 0 },
    events,
  }) as AppliedCommand;

const accepted = (orderId: number, accountId: number, side: 'buy' | 'sell', qtyLots: number) =>
  ({
    type: 'orderAccepted',
    orderId,
    accountId,
    instrumentId: 7,
    clientOrderId: `c${orderId}`,
    side,
    orderType: 'limit',
    tif: 'gtc',
    priceTicks: 4_000,
    qtyLots,
    stopPriceTicks: undefined,
    expiresAt: undefined,
    postOnly: false,
    reduceOnly: false,
    cancelOnPause: false,
  }) as const;

const fill = (
  tradeId: number,
  makerOrderId: number,
  makerAccountId: number,
  qtyLots: number,
  takerOpen: number,
) =>
  ({
    type: 'fill',
    tradeId,
    instrumentId: 7,
    takerOrderId: 3,
    makerOrderId,
    takerAccountId: 30,
    makerAccountId,
    takerSide: 'sell',
    priceTicks: 4_000,
    qtyLots,
    takerFee: 7,
    makerFee: 0,
    takerOpenQtyLots: takerOpen,
    makerOpenQtyLots: 0,
  }) as const;

const position = (accountId: number, positionLots: number) =>
  ({
    type: 'positionChanged',
    accountId,
    instrumentId: 7,
    positionLots,
    costBasis: 0,
    realisedPnl: 0,
    feesPaid: 0,
  }) as const;

test('a sweep reports the position after each fill, to each account only', () => {
  const p = new PrivateEvents((id) => (id === 7 ? spec : undefined));
  p.apply(
    applied(1, [
      accepted(1, 10, 'buy', 200),
      {
        type: 'orderRested',
        orderId: 1,
        instrumentId: 7,
        side: 'buy',
        priceTicks: 4_000,
        openQtyLots: 200,
      },
    ]),
  );
  p.apply(
    applied(2, [
      accepted(2, 20, 'buy', 300),
      {
        type: 'orderRested',
        orderId: 2,
        instrumentId: 7,
        side: 'buy',
        priceTicks: 4_000,
        openQtyLots: 300,
      },
    ]),
  );
  p.pending = [];
  // The taker (account 30, already short 100) sells 500 lots: 200 from order 1, 300 from order 2.
  p.apply(
    applied(3, [
      accepted(3, 30, 'sell', 500),
      fill(11, 1, 10, 200, 300),
      fill(12, 2, 20, 300, 0),
      position(30, -600),
      position(10, 200),
      position(20, 300),
    ]),
  );
  const fills = p.pending
    .filter((i) => i.channel === 'fill')
    .map((i): Record<string, unknown> => ({ account: i.accountId, ...(i.build(0) as object) }));
  assert.deepEqual(
    fills.map((f) => [f.account, f.trade_id, f.is_taker, f.post_position_fp, f.outcome_side]),
    [
      [30, '11', true, '-3.00', 'no'],
      [10, '11', false, '2.00', 'yes'],
      [30, '12', true, '-6.00', 'no'],
      [20, '12', false, '3.00', 'yes'],
    ],
  );
  const orders = p.pending
    .filter((i) => i.channel === 'user_orders')
    .map((i) => i.build(5) as Record<string, unknown>);
  assert.deepEqual(
    orders.map((o) => [o.order_id, o.status, o.fill_count_fp, o.remaining_count_fp, o.user_id]),
    [
      ['3', 'executed', '5.00', '0.00', '5'],
      ['1', 'executed', '2.00', '0.00', '5'],
      ['2', 'executed', '3.00', '0.00', '5'],
    ],
  );
  assert.equal(orders[0]!.taker_fill_cost_dollars, '3.0000');
  assert.equal(orders[0]!.taker_fees_dollars, '0.000014');
  assert.equal(p.pending.filter((i) => i.channel === 'market_positions').length, 3);
});

test('lifecycle: pause is deactivated, resume is deactivated=false, settlement is determined then settled', () => {
  const p = new PrivateEvents(() => spec);
  p.apply(applied(1, [{ type: 'marketStatusChanged', instrumentId: 7, status: 'open' }]));
  p.apply(applied(2, [{ type: 'marketStatusChanged', instrumentId: 7, status: 'paused' }]));
  p.apply(applied(3, [{ type: 'marketStatusChanged', instrumentId: 7, status: 'open' }]));
  p.apply(applied(4, [{ type: 'marketStatusChanged', instrumentId: 7, status: 'closed' }]));
  p.apply(
    applied(5, [
      { type: 'marketSettled', instrumentId: 7, result: 'no', valueTicks: 0, escrowLeft: 0 },
    ]),
  );
  assert.deepEqual(
    p.lifecycle.map((l) => {
      const m = l.msg as Record<string, unknown>;
      return [m.event_type, m.is_deactivated ?? m.settlement_value ?? null];
    }),
    [
      ['activated', null],
      ['deactivated', true],
      ['deactivated', false],
      ['close_date_updated', null],
      ['determined', '0.0000'],
      ['settled', null],
    ],
  );
});

const rested = (orderId: number, openQtyLots: number) =>
  ({
    type: 'orderRested',
    orderId,
    instrumentId: 7,
    side: 'buy',
    priceTicks: 4_000,
    openQtyLots,
  }) as const;

test('nothing is built for unheard accounts, yet orders stay tracked for a later subscriber', () => {
  let listening = false;
  const p = new PrivateEvents(
    (id) => (id === 7 ? spec : undefined),
    () => listening,
  );
  p.apply(applied(1, [accepted(1, 10, 'buy', 500), rested(1, 500)]));
  // Account 30 sells 200 lots into order 1, then 100 more.
  p.apply(
    applied(2, [
      accepted(3, 30, 'sell', 200),
      { ...fill(11, 1, 10, 200, 0), makerOpenQtyLots: 300 },
      position(30, -200),
      position(10, 200),
    ]),
  );
  p.apply(
    applied(3, [
      accepted(4, 30, 'sell', 100),
      { ...fill(12, 1, 10, 100, 0), takerOrderId: 4, makerOpenQtyLots: 200 },
      position(30, -300),
      position(10, 300),
    ]),
  );
  assert.equal(p.pending.length, 0);
  listening = true;
  p.apply(
    applied(4, [
      accepted(5, 30, 'sell', 50),
      { ...fill(13, 1, 10, 50, 0), takerOrderId: 5, makerOpenQtyLots: 150 },
      position(30, -350),
      position(10, 350),
    ]),
  );
  const order1 = p.pending
    .filter((i) => i.channel === 'user_orders' && i.accountId === 10)
    .map((i) => i.build(5) as Record<string, unknown>);
  assert.deepEqual(
    order1.map((o) => [
      o.order_id,
      o.status,
      o.fill_count_fp,
      o.remaining_count_fp,
      o.maker_fill_cost_dollars,
    ]),
    [['1', 'resting', '3.50', '1.50', '1.4000']],
  );
  const fills = p.pending.filter((i) => i.channel === 'fill');
  assert.deepEqual(
    fills.map((i) => [i.accountId, (i.build(0) as Record<string, unknown>).post_position_fp]),
    [
      [30, '-3.50'],
      [10, '3.50'],
    ],
  );
});

test('with one account heard, only its messages are built', () => {
  const p = new PrivateEvents(
    (id) => (id === 7 ? spec : undefined),
    (accountId) => accountId === 10,
  );
  p.apply(applied(1, [accepted(1, 10, 'buy', 200), rested(1, 200)]));
  p.apply(applied(2, [accepted(2, 20, 'buy', 300), rested(2, 300)]));
  p.apply(
    applied(3, [
      accepted(3, 30, 'sell', 500),
      fill(11, 1, 10, 200, 300),
      fill(12, 2, 20, 300, 0),
      position(30, -600),
      position(10, 200),
      position(20, 300),
    ]),
  );
  assert.ok(p.pending.length > 0);
  assert.ok(p.pending.every((i) => i.accountId === 10));
  assert.deepEqual(
    p.pending.map((i) => [i.type, (i.build(0) as Record<string, unknown>).order_id ?? null]),
    [
      ['user_order', '1'],
      ['fill', '1'],
      ['market_position', null],
      ['user_order', '1'],
    ],
  );
  const fill1 = p.pending[1]!.build(0) as Record<string, unknown>;
  assert.equal(fill1.post_position_fp, '2.00');
});

test('volume_fp: fills before the boundary come from the loader once, later ones are counted', async () => {
  let loads = 0;
  // Account 10 traded 700 lots in market 7 before the boundary (seq 2); the loader says so.
  const volumes = new PositionVolumes(2, async (accountId, upto) => {
    loads++;
    assert.equal(upto, 2);
    return new Map(accountId === 10 ? [[7, 700]] : []);
  });
  const p = new PrivateEvents(
    (id) => (id === 7 ? spec : undefined),
    () => true,
    volumes,
  );
  // A fill at or before the boundary is the loader's to count, not the live tally's.
  p.apply(applied(2, [fill(10, 1, 10, 700, 0)]));
  p.apply(applied(3, [accepted(1, 10, 'buy', 200), rested(1, 200)]));
  p.apply(applied(4, [accepted(3, 30, 'sell', 200), fill(11, 1, 10, 200, 0), position(10, 900)]));
  await Promise.all([volumes.ready(10), volumes.ready(10)]);
  assert.equal(loads, 1);
  p.apply(applied(5, [accepted(4, 10, 'buy', 100), rested(4, 100)]));
  p.apply(applied(6, [accepted(5, 30, 'sell', 100), fill(12, 4, 10, 100, 0), position(10, 1_000)]));
  const vols = p.pending
    .filter((i) => i.type === 'market_position' && i.accountId === 10)
    .map((i) => (i.build(0) as { volume_fp: string }).volume_fp);
  // Each message is the volume as of its command, with the loaded part added once it is known.
  assert.deepEqual(vols, ['9.00', '10.00']);
});

test("orderbook_delta owners: a level's change belongs to the own order resting there", () => {
  const p = new PrivateEvents((id) => (id === 7 ? spec : undefined));
  p.apply(applied(1, [accepted(1, 10, 'buy', 200), rested(1, 200)]));
  assert.equal(p.ownLevels.owner(7, 'buy', 4_000, 10), 'c1');
  assert.equal(p.ownLevels.owner(7, 'buy', 4_000, 30), undefined);
  p.ownLevels.clear();
  // Account 30's sell fills order 1: the bid level changed because of account 10's order.
  p.apply(applied(2, [accepted(3, 30, 'sell', 200), fill(11, 1, 10, 200, 0)]));
  assert.equal(p.ownLevels.owner(7, 'buy', 4_000, 10), 'c1');
  assert.equal(p.ownLevels.owner(7, 'buy', 4_000, 30), undefined);
  assert.equal(p.ownLevels.touched(8), false);
});

test('an order taking an ended order’s place starts from its own fields only', () => {
  const p = new PrivateEvents((id) => (id === 7 ? spec : undefined));
  // Order 1 carries every optional field, is partly filled as maker and cancelled.
  p.apply(
    applied(1, [
      { ...accepted(1, 10, 'buy', 200), expiresAt: 1_800_000_000_000, orderGroupId: 4 },
      rested(1, 200),
    ]),
  );
  p.apply(applied(2, [accepted(3, 30, 'sell', 50), fill(11, 1, 10, 50, 0)]));
  p.apply(
    applied(3, [
      {
        type: 'orderCancelled',
        orderId: 1,
        accountId: 10,
        instrumentId: 7,
        reason: 'user',
        cancelledQtyLots: 150,
      },
    ]),
  );
  p.pending = [];
  p.apply(
    applied(4, [{ ...accepted(5, 20, 'sell', 100), clientOrderId: undefined }, rested(5, 100)]),
  );
  const [msg] = p.pending.map((i) => i.build(9) as Record<string, unknown>);
  assert.deepEqual(msg, {
    order_id: '5',
    user_id: '9',
    ticker: 'P-26-YES',
    status: 'resting',
    ...(userOrderSide(msg) as object),
    yes_price_dollars: '0.4000',
    initial_count_fp: '1.00',
    fill_count_fp: '0.00',
    remaining_count_fp: '1.00',
    taker_fill_cost_dollars: '0.0000',
    maker_fill_cost_dollars: '0.0000',
    taker_fees_dollars: '0.0000',
    maker_fees_dollars: '0.0000',
    client_order_id: '',
    created_time: new Date(1_700_000_000_004).toISOString(),
    created_ts_ms: 1_700_000_000_004,
    last_updated_ts_ms: 1_700_000_000_004,
    order_group_id: null,
    cancel_order_on_pause: false,
    subaccount_number: 0,
  });
});

/** The direction fields of a message, which translation.test.ts checks on their own. */
function userOrderSide(m: Record<string, unknown> | undefined) {
  return {
    outcome_side: m?.outcome_side,
    book_side: m?.book_side,
    side: m?.side,
    is_yes: m?.is_yes,
  };
}
