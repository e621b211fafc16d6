// The compliance reports through the admin API: the trade register of a day, the large-position report
// and a month's statement, as JSON and CSV files named for the seq they were read at; each holds
// exactly what the traders did on its day or month (the core's clock is set across a month end), and
// non-admins and impossible dates are refused with stable codes naming the field.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { AccountStatement, LargePositionReport, TradeRegister } from '@bourse/projections';
import { refusal } from './support/refusal.ts';
import { startTestExchange, type TestExchange, type TestUser } from './support/test-exchange.ts';

let ex: TestExchange;
let ann: TestUser;
let bob: TestUser;
let now = Date.UTC(2026, 10, 30, 22, 0, 0);
let lastTradeSeq = 0;

async function cross(priceTicks: number, qtyLots: number): Promise<void> {
  await ann.rest.placeOrder({ market: ex.market, side: 'buy', priceTicks, qtyLots });
  const ack = await bob.rest.placeOrder({ market: ex.market, side: 'sell', priceTicks, qtyLots });
  lastTradeSeq = ack.seq;
}

before(async () => {
  ex = await startTestExchange({}, { clock: () => now });
  ann = await ex.addUser('ann', 'trader', 100_000_000);
  bob = await ex.addUser('bob', 'trader', 100_000_000);
  await cross(4_000, 500);
  await cross(4_200, 300);
  now = Date.UTC(2026, 11, 1, 9, 0, 0);
  await cross(4_500, 200);
  await ex.admin.rest.request('POST', '/api/v1/admin/withdrawals', {
    accountId: ann.accountId,
    asset: 'USD',
    amount: 1_000_000,
  });
});
after(() => ex.close());

async function download(path: string, query: Record<string, string | number>) {
  const search = new URLSearchParams(
    Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]),
  );
  const res = await fetch(`${ex.baseUrl}${path}?${search}`, {
    headers: ex.admin.rest.authHeaders('GET', path),
  });
  assert.equal(res.status, 200, await res.clone().text());
  return { res, text: await res.text() };
}

test('the trade register of a day lists its fills with both accounts and reconciles its money', async () => {
  const path = '/api/v1/admin/reports/trade-register';
  const { res, text } = await download(path, { date: '2026-11-30' });
  const r = JSON.parse(text) as TradeRegister;
  assert.ok(r.stamp.seq >= lastTradeSeq);
  assert.match(r.stamp.chainHash ?? '', /^[0-9a-f]{64}$/);
  assert.match(
    res.headers.get('content-disposition') ?? '',
    new RegExp(`^attachment; filename="trade-register-2026-11-30-seq${r.stamp.seq}\\.json"$`),
  );
  assert.deepEqual(
    r.trades.map((t) => [t.priceTicks, t.qtyLots, t.taker.accountId, t.maker.accountId]),
    [
      [4_000, 500, bob.accountId, ann.accountId],
      [4_200, 300, bob.accountId, ann.accountId],
    ],
  );
  // Ann bought YES at 40¢ (pays 4 000 × 500 micro-units); Bob opened NO at 60¢ and paid a taker fee.
  const first = r.trades[0]!;
  assert.equal(first.maker.cash, -4_000 * 500);
  assert.equal(first.taker.cash, -6_000 * 500);
  assert.ok(first.taker.fee > 0);
  const usd = r.totals[0]!;
  assert.equal(usd.paidIn, usd.paidOut + usd.fees + usd.escrowIn);
  assert.equal(usd.escrowIn, 10_000 * 800);

  const csv = await download(path, { date: '2026-11-30', format: 'csv' });
  assert.equal(csv.res.headers.get('content-type'), 'text/csv; charset=utf-8');
  const blocks = csv.text.split('\r\n\r\n');
  assert.equal(blocks.length, 3);
  assert.match(
    blocks[0]!,
    new RegExp(
      `^report,from,to,seq,seq_ts,chain_hash\r\ntrade-register,2026-11-30T00:00:00.000Z,2026-12-01T00:00:00.000Z,${r.stamp.seq},[^,]+,${r.stamp.chainHash}$`,
    ),
  );
  assert.equal(blocks[1]!.trim().split('\r\n').length, 3);
  assert.match(
    blocks[1]!,
    /^trade_id,seq,ts,market,money_asset_id,price_ticks,qty_lots,notional,taker_account/,
  );

  const next = JSON.parse((await download(path, { date: '2026-12-01' })).text) as TradeRegister;
  assert.deepEqual(
    next.trades.map((t) => t.priceTicks),
    [4_500],
  );
});

test('a month statement opens on the previous month and lists the month’s money and trades', async () => {
  const path = '/api/v1/admin/reports/statement';
  const nov = JSON.parse(
    (await download(path, { accountId: ann.accountId, month: '2026-11' })).text,
  ) as AccountStatement;
  const dec = JSON.parse(
    (await download(path, { accountId: ann.accountId, month: '2026-12' })).text,
  ) as AccountStatement;
  const [n, d] = [nov.assets[0]!, dec.assets[0]!];
  assert.equal(n.opening, 0);
  assert.equal(n.deposits, 100_000_000);
  assert.equal(n.trades, -(4_000 * 500 + 4_200 * 300));
  assert.equal(d.opening, n.closing);
  assert.equal(d.withdrawals, -1_000_000);
  assert.equal(d.trades, -4_500 * 200);
  assert.equal(dec.trades.length, 1);
  const balance = dec.balancesNow[0]!;
  assert.equal(d.closing, balance.available + balance.reserved);
  const csv = await download(path, { accountId: ann.accountId, month: '2026-12', format: 'csv' });
  assert.equal(csv.text.split('\r\n\r\n').length, 5);
});

test('large positions: the accounts at or over the threshold, per market and per event', async () => {
  const path = '/api/v1/admin/reports/large-positions';
  const r = JSON.parse(
    (await download(path, { marketThresholdLots: 1_000 })).text,
  ) as LargePositionReport;
  assert.deepEqual(
    r.markets.map((p) => [p.accountId, p.positionLots]).sort(),
    [
      [ann.accountId, 1_000],
      [bob.accountId, -1_000],
    ].sort(),
  );
  assert.equal(r.events.length, 2);
  const none = JSON.parse(
    (await download(path, { marketThresholdLots: 1_001 })).text,
  ) as LargePositionReport;
  assert.deepEqual([none.markets, none.events], [[], []]);
});

test('reports are for admins; impossible dates and unknown formats are refused', async () => {
  const path = '/api/v1/admin/reports/trade-register';
  assert.deepEqual(
    await refusal(ann.rest.request('GET', path, undefined, { date: '2026-11-30' })),
    {
      status: 403,
      code: 'FORBIDDEN',
    },
  );
  const bad = (query: Record<string, string | number>, p = path) =>
    refusal(ex.admin.rest.request('GET', p, undefined, query));
  assert.deepEqual(await bad({ date: '2026-02-30' }), { status: 400, code: 'VALIDATION_FAILED' });
  const err = await ex.admin.rest
    .request('GET', path, undefined, { date: '2026-02-30' })
    .catch((e: Error) => e.message);
  assert.match(String(err), /date must be a UTC day/);
  assert.deepEqual(await bad({ date: '2026-11-30', format: 'xml' }), {
    status: 400,
    code: 'VALIDATION_FAILED',
  });
  const statement = '/api/v1/admin/reports/statement';
  assert.deepEqual(await bad({ accountId: 1, month: '2026-13' }, statement), {
    status: 400,
    code: 'VALIDATION_FAILED',
  });
  const large = '/api/v1/admin/reports/large-positions';
  assert.deepEqual(await bad({ marketThresholdLots: 0 }, large), {
    status: 400,
    code: 'VALIDATION_FAILED',
  });
});
