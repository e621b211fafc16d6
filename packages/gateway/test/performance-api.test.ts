// GET /api/v1/portfolio/performance end to end on a real exchange whose clock steps a minute at a time:
// two traders trade two markets of one event, one market settles, money is withdrawn, and the whole
// server (core, read models, gateway) restarts in the middle. Every minute's point equals the
// account recomputed from the core's time travel (GET /api/v1/history/state at that instant: balances,
// positions, the last trade), the last point equals the live portfolio, the report read before the
// restart is read the same after it, and the CSV file carries the same series. Another account's
// report needs admin; bad input is refused naming the field.

import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { RestClient } from '@bourse/client';
import { openExchangeCore } from '@bourse/core';
import { unrealisedPnl } from '@bourse/engine';
import type { PerformanceView } from '@bourse/protocol';
import { AuthStore, createGateway, createUserWithAccount, type Role } from '../src/index.ts';
import { refusal } from './support/refusal.ts';
import { openBinaryMarket, type TestUser } from './support/test-exchange.ts';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 11, 2, 9, 0, 5);
let now = T0;
const dataDir = mkdtempSync(join(tmpdir(), 'bourse-perf-'));

interface Server {
  readonly baseUrl: string;
  readonly authStore: AuthStore;
  close(): Promise<void>;
}

async function boot(): Promise<Server> {
  const core = await openExchangeCore({ dataDir, clock: () => now });
  const authStore = new AuthStore(join(dataDir, 'auth.db'));
  const gateway = createGateway({
    core,
    authStore,
    replayLogDir: join(dataDir, 'replay'),
    checkResponses: true,
  });
  await gateway.ready;
  await new Promise<void>((resolve) => gateway.server.listen(0, '127.0.0.1', resolve));
  const port = (gateway.server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    authStore,
    async close() {
      await gateway.close();
      await core.close();
      await authStore.close();
    },
  };
}

let server: Server;
const keys = new Map<string, { keyId: string; privateKeyPem: string }>();
const users = new Map<string, { userId: number; accountId: number }>();

async function addUser(name: string, role: Role, gw: ReturnType<typeof createGateway>) {
  const user = await createUserWithAccount(gw.services, { username: name, role });
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = await server.authStore.addApiKey({
    userId: user.userId,
    publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    scopes: role === 'admin' ? ['read', 'trade', 'admin'] : ['read', 'trade'],
    label: 'test',
    now: Date.now(),
  });
  keys.set(name, {
    keyId: key.keyId,
    privateKeyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  });
  users.set(name, { userId: user.userId, accountId: user.accountId });
}

/** The user's client on the running server (a restart changes the port, not the key). */
function as(name: string): TestUser {
  const k = keys.get(name)!;
  const u = users.get(name)!;
  return {
    ...u,
    keyId: k.keyId,
    privateKeyPem: k.privateKeyPem,
    rest: new RestClient({
      baseUrl: server.baseUrl,
      credentials: { keyId: k.keyId, privateKey: k.privateKeyPem },
    }),
  };
}

async function cross(market: string, buyer: string, seller: string, price: number, lots: number) {
  await as(buyer).rest.placeOrder({ market, side: 'buy', priceTicks: price, qtyLots: lots });
  await as(seller).rest.placeOrder({ market, side: 'sell', priceTicks: price, qtyLots: lots });
}

const performance = (who: string, query: Record<string, string | number> = {}) =>
  as(who).rest.request('GET', '/api/v1/portfolio/performance', undefined, {
    interval: '1m',
    to: now,
    ...query,
  }) as Promise<PerformanceView>;

let beforeRestart: PerformanceView;

before(async () => {
  // The server is built by hand (not the shared test exchange) so it can be stopped and started again
  // on the same data directory.
  const core = await openExchangeCore({ dataDir, clock: () => now });
  const authStore = new AuthStore(join(dataDir, 'auth.db'));
  const gateway = createGateway({ core, authStore, replayLogDir: join(dataDir, 'replay') });
  await gateway.ready;
  server = { baseUrl: '', authStore, close: async () => undefined };
  for (const [name, role] of [
    ['admin', 'admin'],
    ['ann', 'trader'],
    ['bob', 'trader'],
  ] as const) {
    await addUser(name, role, gateway);
  }
  await gateway.close();
  await core.close();
  await authStore.close();
  server = await boot();
  const admin = as('admin');
  await admin.rest.request('POST', '/api/v1/admin/assets', {
    code: 'USD',
    scale: 1_000_000,
    assetId: 1,
  });
  for (const m of ['RAIN-A-YES', 'RAIN-B-YES']) await openBinaryMarket(admin, m, m);
  for (const u of ['ann', 'bob']) {
    await admin.rest.request('POST', '/api/v1/admin/deposits', {
      accountId: users.get(u)!.accountId,
      asset: 'USD',
      amount: 100_000_000,
    });
  }
  now += MINUTE;
  await cross('RAIN-A-YES', 'ann', 'bob', 4_000, 500);
  now += MINUTE;
  await cross('RAIN-A-YES', 'bob', 'ann', 4_500, 200);
  await cross('RAIN-B-YES', 'ann', 'bob', 3_000, 300);
  now += MINUTE;
  await cross('RAIN-B-YES', 'bob', 'ann', 2_500, 100);
  beforeRestart = await performance('ann', { to: now });
  await server.close();
  now += MINUTE;
  server = await boot();
  await cross('RAIN-A-YES', 'ann', 'bob', 5_000, 100);
  now += MINUTE;
  await as('admin').rest.request('POST', '/api/v1/admin/markets/RAIN-A-YES/status', {
    status: 'closed',
  });
  await as('admin').rest.request('POST', '/api/v1/admin/markets/RAIN-A-YES/settle', {
    result: 'yes',
  });
  now += MINUTE;
  await as('admin').rest.request('POST', '/api/v1/admin/withdrawals', {
    accountId: users.get('ann')!.accountId,
    asset: 'USD',
    amount: 5_000_000,
  });
  now += 10_000;
});
after(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Past {
  account: {
    balances: { assetId: number; available: number; reserved: number }[];
    positions: {
      instrumentId: number;
      positionLots: number;
      costBasis: number;
      realisedPnl: number;
      feesPaid: number;
    }[];
  };
}

/** The account at instant `ts` recomputed from the core's time travel, marked at the last trades. */
async function fromTimeTravel(who: string, ts: number) {
  const read = (q: Record<string, string | number>) =>
    as(who).rest.request('GET', '/api/v1/history/state', undefined, q);
  const past = (await read({ ts: ts - 1 }).catch((e: { code?: string }) => {
    // Before the account was opened: nothing held.
    if (e.code === 'NOT_FOUND') return { account: { balances: [], positions: [] } };
    throw e;
  })) as Past;
  const usd = past.account.balances.find((b) => b.assetId === 1);
  let realised = 0;
  let fees = 0;
  let unrealised = 0;
  for (const p of past.account.positions) {
    realised += p.realisedPnl;
    fees += p.feesPaid;
    if (p.positionLots === 0) continue;
    const market = p.instrumentId === 1 ? 'RAIN-A-YES' : 'RAIN-B-YES';
    const t = (await read({ ts: ts - 1, market, trades: 1 })) as {
      trades: { priceTicks: number }[];
    };
    const mark = t.trades.at(-1)!.priceTicks;
    const terms = { kind: 'binary', payoutTicks: 10_000, moneyPerTickLot: 1 } as const;
    unrealised += unrealisedPnl(terms, p.positionLots, p.costBasis, mark);
  }
  return {
    cash: usd === undefined ? 0 : usd.available + usd.reserved,
    realisedPnl: realised,
    feesPaid: fees,
    unrealisedPnl: unrealised,
  };
}

test("every minute's point equals the account rebuilt by time travel at that instant", async () => {
  const r = await performance('ann');
  assert.equal(r.interval, '1m');
  assert.equal(r.asset, 'USD');
  assert.equal(r.fromTs, T0 - 5_000);
  assert.equal(r.points.length, 8);
  for (const p of r.points) {
    const { cash, realisedPnl, feesPaid, unrealisedPnl } = p;
    assert.deepEqual(
      { cash, realisedPnl, feesPaid, unrealisedPnl },
      await fromTimeTravel('ann', p.ts),
      new Date(p.ts).toISOString(),
    );
    assert.equal(p.value, p.netDeposits + p.pnl);
  }
  assert.equal(r.points.at(-1)!.netDeposits, 95_000_000);
  assert.ok(r.stats.feesPaid > 0);
  // The settled market closed with a profit (bought at 40¢ and 50¢, sold at 45¢, paid out $1).
  const a = r.markets.find((m) => m.symbol === 'RAIN-A-YES')!;
  assert.deepEqual([a.settled, a.closed, a.win, a.positionLots], [true, true, true, 0]);
  const b = r.markets.find((m) => m.symbol === 'RAIN-B-YES')!;
  assert.deepEqual([b.settled, b.closed, b.positionLots], [false, false, 200]);
  assert.deepEqual([r.stats.closedMarkets, r.stats.wins, r.stats.winRateBps], [1, 1, 10_000]);
  assert.deepEqual(
    r.events.map((e) => [e.eventTicker, e.markets, e.pnl]),
    [
      ['RAIN-A', 1, a.pnl],
      ['RAIN-B', 1, b.pnl],
    ],
  );
});

test('the last point is the live portfolio, and the report before the restart reads the same', async () => {
  const r = await performance('ann');
  const last = r.points.at(-1)!;
  const ann = as('ann').rest;
  const balances = (await ann.request('GET', '/api/v1/portfolio/balances')) as {
    items: { asset: string; available: number; reserved: number }[];
  };
  const usd = balances.items.find((b) => b.asset === 'USD')!;
  assert.equal(last.cash, usd.available + usd.reserved);
  const positions = (await ann.request('GET', '/api/v1/portfolio/positions')) as {
    items: {
      realisedPnl: number;
      feesPaid: number;
      unrealisedPnl: number | null;
      marketValue: number | null;
    }[];
  };
  const sum = (f: (p: (typeof positions.items)[number]) => number) =>
    positions.items.reduce((s, p) => s + f(p), 0);
  assert.equal(
    last.realisedPnl,
    sum((p) => p.realisedPnl),
  );
  assert.equal(
    last.feesPaid,
    sum((p) => p.feesPaid),
  );
  assert.equal(
    last.unrealisedPnl,
    sum((p) => p.unrealisedPnl ?? 0),
  );
  assert.equal(
    last.positionsValue,
    sum((p) => p.marketValue ?? 0),
  );
  const again = await performance('ann', { to: beforeRestart.toTs - 1 });
  assert.deepEqual(again.points, beforeRestart.points);
  assert.deepEqual(again.markets, beforeRestart.markets);
});

test('the CSV file carries the same series', async () => {
  const path = '/api/v1/portfolio/performance/csv';
  const query = new URLSearchParams({ interval: '1m', to: String(now) });
  const res = await fetch(`${server.baseUrl}${path}?${query}`, {
    headers: as('ann').rest.authHeaders('GET', path),
  });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/csv; charset=utf-8');
  const r = await performance('ann');
  assert.match(
    res.headers.get('content-disposition') ?? '',
    new RegExp(`filename="performance-${r.accountId}-seq${r.stamp.seq}\\.csv"`),
  );
  const series = (await res.text()).split('\r\n\r\n')[2]!.split('\r\n').slice(1);
  assert.deepEqual(
    series.map((l) => Number(l.split(',')[4])),
    r.points.map((p) => p.value),
  );
});

test("another account's performance needs admin; bad input is refused naming the field", async () => {
  const bob = users.get('bob')!.accountId;
  assert.deepEqual(await refusal(performance('ann', { account: bob })), {
    status: 403,
    code: 'FORBIDDEN',
  });
  const asAdmin = await performance('admin', { account: bob });
  assert.equal(asAdmin.accountId, bob);
  assert.deepEqual(asAdmin.points, (await performance('bob')).points);
  assert.deepEqual(await refusal(performance('ann', { interval: '5m' })), {
    status: 400,
    code: 'VALIDATION_FAILED',
  });
  assert.deepEqual(await refusal(performance('ann', { asset: 'EUR' })), {
    status: 400,
    code: 'VALIDATION_FAILED',
  });
  assert.deepEqual(await refusal(performance('ann', { from: 0 })), {
    status: 400,
    code: 'VALIDATION_FAILED',
  });
});
