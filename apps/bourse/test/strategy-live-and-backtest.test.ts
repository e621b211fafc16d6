// The example strategies run unchanged live and in a backtest: both modules trade through
// `@bourse/client` against a real exchange on loopback while two accounts make a market and take from
// it; the exchange is stopped, and `bourse backtest` runs each module over the data directory it
// recorded, twice: the reports (JSON and HTML) are the same bytes each time.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { RestClient } from '@bourse/client';
import { createUserWithAccount, type GatewayServices } from '@bourse/gateway';
import { LiveRunner } from '@bourse/strategy';
import { loadStrategy } from '../src/backtest-command.ts';
import { openExchange } from '../src/open-exchange.ts';
import { openRainMarket } from './support/rain-market.ts';
import { BOURSE_MAIN } from '../src/cluster/spawn-ready.ts';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const main = BOURSE_MAIN;
const EXAMPLES = join(here, '..', '..', '..', 'examples', 'strategies');
const MM = join(EXAMPLES, 'market-maker.ts');
const MR = join(EXAMPLES, 'mean-reversion.ts');
const MM_PARAMS = { market: 'RAIN-YES', timerMs: '100' };
const MR_PARAMS = { market: 'RAIN-YES', window: '3', edge: '0' };
const order = { type: 'placeOrder', instrumentId: 1, orderType: 'limit' } as const;

let dir: string;
let out: string;
const live = { mmFills: 0, mmPlaced: 0, mrPlaced: 0, mmPosition: 0, mmExchangePosition: 0 };

async function trader(
  s: GatewayServices,
  username: string,
  baseUrl: string,
  authStore: {
    addApiKey(i: {
      userId: number;
      publicKeyPem: string;
      scopes: ('read' | 'trade')[];
      label: string;
      now: number;
    }): Promise<{ keyId: string }>;
  },
) {
  const user = await createUserWithAccount(s, { username, role: 'trader' });
  await s.submit({
    type: 'deposit',
    accountId: user.accountId,
    assetId: 1,
    amount: 100_000_000_000,
  });
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = await authStore.addApiKey({
    userId: user.userId,
    publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    scopes: ['read', 'trade'],
    label: 'strategy',
    now: Date.now(),
  });
  const privateKey = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return {
    ...user,
    rest: new RestClient({ baseUrl, credentials: { keyId: key.keyId, privateKey } }),
  };
}

async function waitFor(what: string, done: () => boolean): Promise<void> {
  // Bounded and generous: a slow machine only waits longer.
  for (let i = 0; i < 600 && !done(); i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(done(), `timed out waiting for ${what}`);
}

/** The recorded history: a resting ladder, both strategies live, and a taker alternating sides. */
async function record(dataDir: string): Promise<void> {
  const ex = await openExchange(dataDir);
  const s = ex.gateway.services;
  await new Promise<void>((r) => ex.gateway.server.listen(0, '127.0.0.1', r));
  const baseUrl = `http://127.0.0.1:${(ex.gateway.server.address() as AddressInfo).port}`;
  const runners: LiveRunner[] = [];
  try {
    await s.submit({ type: 'createAsset', assetId: 1, code: 'USD', scale: 1_000_000 });
    await openRainMarket(s);
    const ladder = await trader(s, 'ladder', baseUrl, ex.authStore);
    const taker = await trader(s, 'taker', baseUrl, ex.authStore);
    const mmUser = await trader(s, 'mm', baseUrl, ex.authStore);
    const mrUser = await trader(s, 'mr', baseUrl, ex.authStore);
    for (const [side, priceTicks] of [
      ['buy', 4_000],
      ['sell', 6_000],
    ] as const) {
      await s.submit({
        ...order,
        tif: 'gtc',
        accountId: ladder.accountId,
        side,
        priceTicks,
        qtyLots: 1_000,
      });
    }
    const mm = await LiveRunner.start(mmUser.rest, await loadStrategy(MM, MM_PARAMS));
    const mr = await LiveRunner.start(mrUser.rest, await loadStrategy(MR, MR_PARAMS));
    runners.push(mm, mr);
    await waitFor('the market maker to quote', () => mm.openOrders().length === 2);
    for (let i = 0; i < 300 && (mm.fills.length < 2 || mr.placed < 1); i++) {
      const buy = i % 16 < 8;
      await s.submit({
        ...order,
        tif: 'ioc',
        accountId: taker.accountId,
        side: buy ? 'buy' : 'sell',
        priceTicks: buy ? 9_900 : 100,
        qtyLots: 100,
      });
      await new Promise((r) => setTimeout(r, 20));
    }
    await waitFor('the strategies to trade', () => mm.fills.length >= 2 && mr.placed >= 1);
    for (const r of runners) await r.stop();
    Object.assign(live, {
      mmFills: mm.fills.length,
      mmPlaced: mm.placed,
      mrPlaced: mr.placed,
      mmPosition: mm.position('RAIN-YES'),
      mmExchangePosition:
        (await mmUser.rest.positions()).items.find((p) => p.instrumentId === 1)?.positionLots ?? 0,
    });
  } finally {
    for (const r of runners) await r.stop().catch(() => {});
    await ex.close();
  }
}

async function backtest(strategy: string, outDir: string, ...extra: string[]) {
  const args = [
    main,
    'backtest',
    '--strategy',
    strategy,
    '--data-dir',
    dir,
    '--out',
    outDir,
    ...extra,
  ];
  const { stdout } = await run(process.execPath, args, { timeout: 120_000 });
  return {
    stdout,
    json: readFileSync(join(outDir, 'report.json'), 'utf8'),
    html: readFileSync(join(outDir, 'report.html'), 'utf8'),
  };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bourse-strategy-'));
  out = mkdtempSync(join(tmpdir(), 'bourse-backtest-out-'));
  await record(dir);
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
});

test('both example strategies traded live through the client', () => {
  assert.ok(live.mmPlaced >= 2 && live.mmFills >= 2, JSON.stringify(live));
  assert.ok(live.mrPlaced >= 1, JSON.stringify(live));
  // The position the strategy saw from its fills is the exchange's.
  assert.equal(live.mmPosition, live.mmExchangePosition);
});

test('the market maker module backtests on the recorded history, the same bytes twice', async () => {
  const params = [
    '--param',
    'market=RAIN-YES',
    '--param',
    'timerMs=100',
    '--latency',
    '5',
    '--fees',
  ];
  const a = await backtest(MM, join(out, 'mm-a'), ...params);
  const b = await backtest(MM, join(out, 'mm-b'), ...params);
  assert.equal(a.json, b.json);
  assert.equal(a.html, b.html);
  const report = JSON.parse(a.json);
  assert.equal(report.strategy, 'market-maker.ts');
  assert.ok(report.recorded.commands > 10, a.json.slice(0, 400));
  assert.ok(report.orders.placed >= 2, 'it quoted in the backtest');
  assert.match(a.html, /<svg /);
  assert.match(a.stdout, /P&L /);
});

test('the mean-reversion module backtests on the recorded history, the same bytes twice', async () => {
  const params = ['--param', 'market=RAIN-YES', '--param', 'window=3', '--param', 'edge=0'];
  const a = await backtest(MR, join(out, 'mr-a'), ...params);
  const b = await backtest(MR, join(out, 'mr-b'), ...params);
  assert.equal(a.json, b.json);
  assert.equal(a.html, b.html);
  const report = JSON.parse(a.json);
  assert.ok(report.orders.placed >= 1, 'it took liquidity in the backtest');
});

test('bad flags are refused by name', async () => {
  const e = await run(process.execPath, [main, 'backtest', '--data-dir', dir], {
    timeout: 60_000,
  }).catch((error: { code: number; stderr: string }) => error);
  assert.equal((e as { code: number }).code, 2);
  assert.match((e as { stderr: string }).stderr, /--strategy/);
  const f = await run(
    process.execPath,
    [main, 'backtest', '--strategy', MM, '--data-dir', dir, '--latency', 'soon'],
    { timeout: 60_000 },
  ).catch((error: { code: number; stderr: string }) => error);
  assert.equal((f as { code: number }).code, 2);
  assert.match((f as { stderr: string }).stderr, /--latency/);
  const g = await run(
    process.execPath,
    [main, 'backtest', '--strategy', join(EXAMPLES, 'no-such.ts'), '--data-dir', dir],
    { timeout: 60_000 },
  ).catch((error: { code: number; stderr: string }) => error);
  assert.equal((g as { code: number }).code, 2);
  assert.match((g as { stderr: string }).stderr, /--strategy .*no-such\.ts/);
});
