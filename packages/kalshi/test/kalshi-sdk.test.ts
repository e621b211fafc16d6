// Acceptance: the official `kalshi-typescript` SDK, unmodified, and a client written from Kalshi's
// docs trade against a real Bourse server. Two traders: a resting bid, a partial cross, fills,
// positions (one YES, one NO), balances to the cent with the taker fee, trades, order statuses, amend,
// decrease, cancel, batches, cancel-all; empty sides quoted as Kalshi quotes them (no ask = $1) in REST
// and the ticker; the WebSocket book rebuilt from `orderbook_delta` equals the REST book with gap-free
// `seq`, a delta names only the subscriber's own `client_order_id`, each trader's `fill` channel
// carries only its own fills, `market_position` its volume and `user_order` its `created_time`.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TestExchange } from '../../gateway/test/support/test-exchange.ts';
import { tradedVolumes } from '../src/ws/traded-volumes.ts';
import { DocsRestClient, DocsSocket } from './support/docs-client.ts';
import {
  addTrader,
  kalshiOrder,
  startKalshiExchange,
  type Trader,
} from './support/kalshi-exchange.ts';
import { bookFromSocket, orderbookSeqs } from './support/socket-book.ts';

let ex: TestExchange;
let alice: Trader;
let bob: Trader;
let aliceWs: DocsSocket;
let bobWs: DocsSocket;
let bookSid: number;
const aliceOrders = new Set<string>();
const bobOrders = new Set<string>();
let restingBid = '';

const order = (over: Record<string, unknown>) => kalshiOrder(ex.market, over);

before(async () => {
  ex = await startKalshiExchange();
  alice = await addTrader(ex, 'alice', 100);
  bob = await addTrader(ex, 'bob', 100);
  aliceWs = await DocsSocket.open(ex.baseUrl, alice.creds);
  bobWs = await DocsSocket.open(ex.baseUrl, bob.creds);
  const id = aliceWs.send('subscribe', {
    channels: ['orderbook_delta'],
    market_ticker: ex.market,
  });
  const ack = await aliceWs.waitFor((m) => m.id === id && m.type === 'subscribed');
  bookSid = (ack.msg as { sid: number }).sid;
  aliceWs.send('subscribe', { channels: ['fill', 'user_orders', 'market_positions', 'ticker'] });
  const bobFill = bobWs.send('subscribe', { channels: ['fill'] });
  await bobWs.waitFor((m) => m.id === bobFill && m.type === 'subscribed');
  const bobBook = bobWs.send('subscribe', {
    channels: ['orderbook_delta'],
    market_ticker: ex.market,
  });
  await bobWs.waitFor((m) => m.id === bobBook && m.type === 'subscribed');
  await aliceWs.waitFor(
    (m) => m.type === 'subscribed' && (m.msg as { channel: string }).channel === 'ticker',
  );
});

after(async () => {
  aliceWs?.close();
  bobWs?.close();
  await ex?.close();
});

/** Waits until the socket's rebuilt book equals the REST book, then returns both. */
async function booksAgree() {
  const rest = (await alice.market.getMarketOrderbook(ex.market)).data.orderbook_fp;
  const expected = JSON.stringify({ yes: rest.yes_dollars, no: rest.no_dollars });
  await aliceWs.waitFor(
    () => JSON.stringify(bookFromSocket(aliceWs.messages, bookSid)) === expected,
  );
  return rest;
}

test('exchange status, markets, events and an empty book through the SDK', async () => {
  const status = (await alice.exchange.getExchangeStatus()).data;
  assert.equal(status.exchange_active, true);
  assert.equal(status.trading_active, true);
  const markets = (
    await alice.market.getMarkets(
      100,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      'open',
    )
  ).data;
  const m = markets.markets.find((x) => x.ticker === ex.market);
  assert.ok(m);
  assert.equal(m.status, 'active');
  assert.equal(m.market_type, 'binary');
  assert.equal(m.event_ticker, 'TEST-26');
  assert.equal(m.price_level_structure, 'linear_cent');
  assert.deepEqual(m.price_ranges, [{ start: '0.0000', end: '1.0000', step: '0.0100' }]);
  assert.equal(markets.cursor, '');
  const event = (await alice.events.getEvent('TEST-26', true)).data;
  assert.equal(event.event.series_ticker, 'TEST');
  assert.deepEqual(
    event.markets.map((x) => x.ticker),
    [ex.market],
  );
  const book = (await bob.market.getMarketOrderbook(ex.market)).data.orderbook_fp;
  assert.deepEqual(book, { yes_dollars: [], no_dollars: [] });
  // With nobody selling, YES costs the full dollar (no free ask), and NO likewise.
  type Quoted = Record<
    'yes_bid_dollars' | 'yes_ask_dollars' | 'no_bid_dollars' | 'no_ask_dollars',
    unknown
  >;
  const quotes = (x: Quoted) => [
    x.yes_bid_dollars,
    x.yes_ask_dollars,
    x.no_bid_dollars,
    x.no_ask_dollars,
  ];
  const empty = ['0.0000', '1.0000', '0.0000', '1.0000'];
  assert.deepEqual(quotes((await bob.market.getMarket(ex.market)).data.market), empty);
  assert.deepEqual(quotes(m), empty);
  const docs = await new DocsRestClient(ex.baseUrl).request('GET', `/markets/${ex.market}`);
  assert.deepEqual(quotes((docs.body as { market: Quoted }).market), empty);
});

test('a resting bid, crossed in part from the other account', async () => {
  const placed = await alice.orders.createOrderV2(
    order({ count: '10', client_order_id: 'alice-1' }),
  );
  assert.equal(placed.status, 201);
  assert.equal(placed.data.fill_count, '0.00');
  assert.equal(placed.data.remaining_count, '10.00');
  assert.equal(placed.data.client_order_id, 'alice-1');
  restingBid = placed.data.order_id;
  aliceOrders.add(restingBid);
  const book = await booksAgree();
  assert.deepEqual(book.yes_dollars, [['0.4000', '10.00']]);
  const one = (await bob.market.getMarket(ex.market)).data.market;
  assert.deepEqual(
    [one.yes_bid_dollars, one.yes_ask_dollars, one.no_bid_dollars, one.no_ask_dollars],
    ['0.4000', '1.0000', '0.0000', '0.6000'],
  );
  const ticker = (
    await aliceWs.waitFor(
      (m) =>
        m.type === 'ticker' && (m.msg as { yes_bid_dollars: string }).yes_bid_dollars === '0.4000',
    )
  ).msg as Record<string, unknown>;
  assert.deepEqual([ticker.yes_ask_dollars, ticker.yes_ask_size_fp], ['1.0000', '0.00']);
  // The delta of Alice's own order names it to her, and to nobody else.
  const isBid = (m: Record<string, unknown>) =>
    m.type === 'orderbook_delta' && (m.msg as { price_dollars: string }).price_dollars === '0.4000';
  assert.equal(
    ((await aliceWs.waitFor(isBid)).msg as Record<string, unknown>).client_order_id,
    'alice-1',
  );
  assert.equal(
    ((await bobWs.waitFor(isBid)).msg as Record<string, unknown>).client_order_id,
    undefined,
  );

  const cross = await bob.orders.createOrderV2(
    order({ side: 'ask', count: '4', time_in_force: 'immediate_or_cancel' }),
  );
  bobOrders.add(cross.data.order_id);
  assert.equal(cross.data.fill_count, '4.00');
  assert.equal(cross.data.remaining_count, '0.00');
  assert.equal(cross.data.average_fill_price, '0.4000');
  // Taker fee: ceil(0.07 × 4 × 0.40 × 0.60) = $0.07, i.e. $0.0175 a contract.
  assert.equal(cross.data.average_fee_paid, '0.0175');
  assert.deepEqual((await booksAgree()).yes_dollars, [['0.4000', '6.00']]);
});

test('fills, positions, balances, trades and order statuses agree', async () => {
  const af = (await alice.portfolio.getFills(ex.market)).data.fills;
  const bf = (await bob.portfolio.getFills(ex.market)).data.fills;
  assert.equal(af.length, 1);
  assert.equal(bf.length, 1);
  assert.equal(af[0]!.trade_id, bf[0]!.trade_id);
  assert.deepEqual(
    [af[0]!.outcome_side, af[0]!.book_side, af[0]!.is_taker, af[0]!.count_fp, af[0]!.fee_cost],
    ['yes', 'bid', false, '4.00', '0.0000'],
  );
  assert.deepEqual(
    [
      bf[0]!.outcome_side,
      bf[0]!.book_side,
      bf[0]!.is_taker,
      bf[0]!.yes_price_dollars,
      bf[0]!.fee_cost,
    ],
    ['no', 'ask', true, '0.4000', '0.0700'],
  );
  const ap = (await alice.portfolio.getPositions()).data.market_positions;
  const bp = (await bob.portfolio.getPositions()).data.market_positions;
  assert.equal(ap[0]!.position_fp, '4.00');
  assert.equal(ap[0]!.market_exposure_dollars, '1.6000');
  assert.equal(bp[0]!.position_fp, '-4.00');
  assert.equal(bp[0]!.market_exposure_dollars, '2.4000');
  assert.equal(bp[0]!.fees_paid_dollars, '0.0700');
  // Bob: $100 − $2.40 for 4 NO − the $0.07 taker fee. Alice: $100 − $1.60 for 4 YES, and what the
  // engine holds back for the 6 still resting (principal $2.40 plus a fee reservation) is not "balance".
  const ab = (await alice.portfolio.getBalance()).data;
  const bb = (await bob.portfolio.getBalance()).data;
  assert.deepEqual([bb.balance, bb.balance_dollars, bb.portfolio_value], [9753, '97.5300', 240]);
  const [usd] = await ex.gateway.services.core.query.balances(alice.user.accountId);
  assert.equal(usd!.available + usd!.reserved, 98_400_000);
  assert.ok(usd!.reserved >= 2_400_000);
  assert.equal(ab.balance_dollars, (usd!.available / 1e6).toFixed(4));
  assert.equal(ab.balance, Math.floor(usd!.available / 10_000));
  assert.equal(ab.portfolio_value, 160);
  const trades = (await bob.market.getTrades(100, undefined, ex.market)).data.trades;
  assert.equal(trades.length, 1);
  assert.deepEqual(
    [trades[0]!.count_fp, trades[0]!.yes_price_dollars, trades[0]!.no_price_dollars],
    ['4.00', '0.4000', '0.6000'],
  );
  assert.deepEqual([trades[0]!.taker_outcome_side, trades[0]!.taker_book_side], ['no', 'ask']);
  const resting = (await alice.orders.getOrder(restingBid)).data.order;
  assert.deepEqual(
    [
      resting.status,
      resting.fill_count_fp,
      resting.remaining_count_fp,
      resting.maker_fill_cost_dollars,
    ],
    ['resting', '4.00', '6.00', '1.6000'],
  );
  const executed = (await bob.orders.getOrders(ex.market)).data.orders;
  assert.deepEqual(
    executed.map((o) => [o.status, o.taker_fees_dollars, o.taker_fill_cost_dollars]),
    [['executed', '0.0700', '2.4000']],
  );
});

test('amend, decrease and cancel a resting order', async () => {
  const amended = (
    await alice.orders.amendOrderV2(restingBid, {
      ticker: ex.market,
      side: 'bid',
      price: '0.42',
      count: '8',
    })
  ).data;
  assert.deepEqual([amended.fill_count, amended.remaining_count], ['4.00', '4.00']);
  assert.deepEqual((await booksAgree()).yes_dollars, [['0.4200', '4.00']]);
  const decreased = (await alice.orders.decreaseOrderV2(restingBid, { reduce_by: '1' })).data;
  assert.equal(decreased.remaining_count, '3.00');
  const cancelled = (await alice.orders.cancelOrderV2(restingBid)).data;
  assert.equal(cancelled.reduced_by, '3.00');
  assert.equal(cancelled.client_order_id, 'alice-1');
  const o = (await alice.orders.getOrder(restingBid)).data.order;
  assert.deepEqual([o.status, o.fill_count_fp, o.remaining_count_fp], ['canceled', '4.00', '0.00']);
  assert.deepEqual((await booksAgree()).yes_dollars, []);
});

test('batch create, batch cancel and cancel-all', async () => {
  const ask = (await bob.orders.createOrderV2(order({ side: 'ask', price: '0.70', count: '5' })))
    .data;
  bobOrders.add(ask.order_id);
  const batch = await alice.orders.batchCreateOrdersV2({
    orders: [
      order({ price: '0.30', count: '2' }),
      order({ price: '1.00' }),
      order({ price: '0.31' }),
    ],
  });
  assert.equal(batch.status, 201);
  const [first, bad, third] = batch.data.orders;
  assert.equal(bad!.error?.code, 'invalid_price');
  for (const o of [first!, third!]) {
    assert.equal(o.error ?? undefined, undefined);
    aliceOrders.add(o.order_id!);
  }
  const book = await booksAgree();
  assert.deepEqual(book.yes_dollars, [
    ['0.3000', '2.00'],
    ['0.3100', '1.00'],
  ]);
  assert.deepEqual(book.no_dollars, [['0.3000', '5.00']]);
  const cancelled = (
    await alice.orders.batchCancelOrdersV2({
      orders: [{ order_id: first!.order_id! }, { order_id: ask.order_id }],
    })
  ).data.orders;
  assert.equal(cancelled[0]!.reduced_by, '2.00');
  assert.equal(cancelled[1]!.error?.code, 'order_not_found');
  assert.deepEqual((await booksAgree()).yes_dollars, [['0.3100', '1.00']]);
  const all = await alice.orders.cancelAllOrders();
  assert.equal(all.status, 204);
  assert.deepEqual(
    (await alice.orders.getOrders(undefined, undefined, undefined, undefined, 'resting')).data
      .orders,
    [],
  );
  const finalBook = await booksAgree();
  assert.deepEqual(finalBook, { yes_dollars: [], no_dollars: [['0.3000', '5.00']] });
  // Alice's money after everything: $100 − the $1.60 her 4 YES cost; nothing reserved any more.
  assert.equal((await alice.portfolio.getBalance()).data.balance, 9840);
});

test('the WebSocket book has gap-free seq and each trader sees only its own fills', async () => {
  const seqs = orderbookSeqs(aliceWs.messages, bookSid);
  assert.ok(seqs.length > 5);
  assert.deepEqual(
    seqs,
    seqs.map((_, i) => i + 1),
  );
  assert.equal(aliceWs.messages.find((m) => m.sid === bookSid)?.type, 'orderbook_snapshot');
  const fillsOf = (ws: DocsSocket) =>
    ws.messages.filter((m) => m.type === 'fill').map((m) => m.msg as Record<string, unknown>);
  const af = fillsOf(aliceWs);
  const bf = await bobWs.waitFor((m) => m.type === 'fill');
  assert.equal(af.length, 1);
  assert.ok(af.every((f) => aliceOrders.has(f.order_id as string)));
  assert.deepEqual(
    [af[0]!.is_taker, af[0]!.post_position_fp, af[0]!.client_order_id],
    [false, '4.00', 'alice-1'],
  );
  assert.ok(fillsOf(bobWs).every((f) => bobOrders.has(f.order_id as string)));
  assert.deepEqual(
    [
      (bf.msg as Record<string, unknown>).post_position_fp,
      (bf.msg as Record<string, unknown>).fee_cost,
    ],
    ['-4.00', '0.0700'],
  );
  const positions = aliceWs.messages
    .filter((m) => m.type === 'market_position')
    .map((m) => m.msg as Record<string, unknown>);
  assert.deepEqual([positions[0]!.position_fp, positions[0]!.volume_fp], ['4.00', '4.00']);
  // What a restarted server loads for the volume before its start: the same 4 contracts.
  const core = ex.gateway.services.core;
  const loaded = await tradedVolumes(core.readModels, alice.user.accountId, core.durableSeq);
  assert.deepEqual([...loaded.values()], [400]);
  assert.deepEqual(
    [...(await tradedVolumes(core.readModels, alice.user.accountId, 1)).values()],
    [],
  );
  const placedMsg = aliceWs.messages.find((m) => m.type === 'user_order')!.msg as Record<
    string,
    unknown
  >;
  assert.equal(placedMsg.created_time, new Date(placedMsg.created_ts_ms as number).toISOString());
  const statuses = aliceWs.messages
    .filter(
      (m) => m.type === 'user_order' && (m.msg as { order_id: string }).order_id === restingBid,
    )
    .map((m) => (m.msg as { status: string }).status);
  assert.deepEqual([statuses[0], statuses.at(-1)], ['resting', 'canceled']);
});

test('the legacy /portfolio/orders endpoints through a client written from the docs', async () => {
  const docs = new DocsRestClient(ex.baseUrl, bob.creds);
  const created = await docs.request('POST', '/portfolio/orders', {
    ticker: ex.market,
    action: 'buy',
    side: 'no',
    no_price: 75,
    count: 3,
    type: 'limit',
    client_order_id: 'bob-legacy',
  });
  assert.equal(created.status, 201);
  const o = (created.body as { order: Record<string, unknown> }).order;
  assert.deepEqual(
    [o.status, o.book_side, o.outcome_side, o.yes_price_dollars, o.remaining_count_fp],
    ['resting', 'ask', 'no', '0.2500', '3.00'],
  );
  const id = o.order_id as string;
  const amended = await docs.request('POST', `/portfolio/orders/${id}/amend`, {
    ticker: ex.market,
    action: 'buy',
    side: 'no',
    no_price: 74,
    count: 3,
  });
  assert.equal(amended.status, 200);
  const a = amended.body as { old_order: Record<string, unknown>; order: Record<string, unknown> };
  assert.deepEqual([a.old_order.no_price_dollars, a.order.no_price_dollars], ['0.7500', '0.7400']);
  const decreased = await docs.request('POST', `/portfolio/orders/${id}/decrease`, {
    reduce_by: 1,
  });
  assert.equal(
    (decreased.body as { order: Record<string, unknown> }).order.remaining_count_fp,
    '2.00',
  );
  const cancelled = await docs.request('DELETE', `/portfolio/orders/${id}`);
  const c = cancelled.body as { order: Record<string, unknown>; reduced_by_fp: string };
  assert.deepEqual([c.order.status, c.reduced_by_fp], ['canceled', '2.00']);
});
