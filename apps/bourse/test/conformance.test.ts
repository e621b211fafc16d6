// The conformance kit against a real sandbox (openExchange with a Sandbox, as `serve --sandbox` runs
// it): the reference bot — @bourse/client as the demo bots use it, `bourse conformance bot` — passes
// every scenario of conformance v1, and the deliberately naive bot (fixtures/naive-bot.ts: no retry
// discipline, no client order ids, seqs ignored, no reconnect) fails exactly the scenarios its habits
// break, through the CLI, with the JSON report written and exit status 1. The demo bots' own loops
// (market maker, noise trader) under the same faults wait out Retry-After and never execute an order
// twice after a lost answer.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { runBots } from '@bourse/bots';
import { RestClient } from '@bourse/client';
import { createUserWithAccount, Sandbox } from '@bourse/gateway';
import type { ConformanceReport } from '../src/conformance/conformance-runner.ts';
import { runConformance } from '../src/conformance/conformance-runner.ts';
import { type KitAccount, KitExchange } from '../src/conformance/kit-exchange.ts';
import { SCENARIOS_V1 } from '../src/conformance/scenarios.ts';
import { type OpenExchange, openExchange } from '../src/open-exchange.ts';
import { BOURSE_MAIN } from '../src/cluster/spawn-ready.ts';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const main = BOURSE_MAIN;
const naiveBot = join(here, 'fixtures', 'naive-bot.ts');
const node = JSON.stringify(process.execPath);

let dir: string;
let exchange: OpenExchange;
let url: string;
let keyId: string;
let keyFile: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bourse-conformance-test-'));
  exchange = await openExchange(join(dir, 'data'), { sandbox: new Sandbox() });
  const admin = await createUserWithAccount(exchange.gateway.services, {
    username: 'admin',
    role: 'admin',
    password: 'x'.repeat(12),
  });
  const pair = generateKeyPairSync('ed25519');
  keyId = (
    await exchange.authStore.addApiKey({
      userId: admin.userId,
      publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      scopes: ['read', 'trade', 'admin'],
      label: 'conformance',
      now: Date.now(),
    })
  ).keyId;
  keyFile = join(dir, 'admin.pem');
  const privateKeyPem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  writeFileSync(keyFile, privateKeyPem);
  const server = exchange.gateway.server;
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await new RestClient({ baseUrl: url, credentials: { keyId, privateKey: privateKeyPem } }).request(
    'POST',
    '/api/v1/admin/assets',
    { code: 'USD', scale: 1_000_000, assetId: 1 },
  );
});
after(async () => {
  await exchange.close();
  rmSync(dir, { recursive: true, force: true });
});

const verdicts = (r: ConformanceReport) =>
  Object.fromEntries(r.results.map((x) => [x.scenario, x.result]));

test('the reference bot (@bourse/client, the demo bots’ stack) passes conformance v1', async () => {
  const report = await runConformance({
    target: url,
    adminKey: { keyId, privateKeyPem: readFileSync(keyFile, 'utf8') },
    bot: `${node} ${JSON.stringify(main)} conformance bot`,
  });
  const failures = report.results.filter((r) => r.result !== 'pass');
  assert.deepEqual(failures, [], JSON.stringify(failures, null, 2));
  assert.equal(report.passed, SCENARIOS_V1.length);
  assert.equal(report.suite, 'conformance v1');
});

test('the naive bot fails what its habits break, through the CLI', async () => {
  const out = join(dir, 'naive.json');
  let code = 0;
  let stdout = '';
  try {
    ({ stdout } = await run(
      process.execPath,
      [
        main,
        'conformance',
        '--target',
        url,
        '--key-id',
        keyId,
        '--key-file',
        keyFile,
        '--bot',
        `${node} ${JSON.stringify(naiveBot)}`,
        '--out',
        out,
      ],
      { timeout: 240_000 },
    ));
  } catch (error) {
    ({ code, stdout } = error as { code: number; stdout: string });
  }
  assert.equal(code, 1, stdout);
  const report = JSON.parse(readFileSync(out, 'utf8')) as ConformanceReport;
  assert.deepEqual(
    verdicts(report),
    {
      'retry-after': 'fail',
      'lost-answer': 'fail',
      'server-error': 'pass',
      latency: 'pass',
      timeout: 'pass',
      'sequence-gap': 'fail',
      disconnect: 'fail',
      'stale-book': 'fail',
      'duplicate-message': 'fail',
    },
    JSON.stringify(report.results, null, 1),
  );
  const detail = Object.fromEntries(report.results.map((x) => [x.scenario, x.detail]));
  assert.match(detail['retry-after']!, /came back before Retry-After elapsed/);
  assert.match(detail['lost-answer']!, /^2 orders rest for one intent/);
  assert.match(detail['duplicate-message']!, /counts 200/);
  assert.match(stdout, /^retry-after\s+FAIL/m);
  assert.match(stdout, /3 passed, 6 failed/);
});

test('the demo bots themselves honour Retry-After and never double-submit a lost order', async () => {
  const adminKey = { keyId, privateKeyPem: readFileSync(keyFile, 'utf8') };
  const kit = await KitExchange.open(url, adminKey);
  const market = await kit.newMarket('demo bots');
  const maker = await kit.newAccount('maker');
  const taker = await kit.newAccount('taker');
  const errors: unknown[] = [];
  const bots = runBots({
    baseUrl: url,
    bots: [
      { kind: 'market-maker', keyId: maker.keyId, privateKeyPem: maker.privateKeyPem },
      { kind: 'noise-trader', keyId: taker.keyId, privateKeyPem: taker.privateKeyPem },
    ],
    quoteEveryMs: 150,
    tradeEveryMs: 150,
    startTicks: { [market]: 5_000 },
    onError: (e) => errors.push(e),
  });
  try {
    await until('the maker quotes', async () => (await openIn(maker, market)).length > 0);
    // A 2 s window for each: one 429 each, then they wait it out (their next request after it). A
    // bot whose request was still in flight for the whole window (a loaded machine) met no 429 in it:
    // it gets a new window, a bounded number of times.
    await Promise.all([maker, taker].map((a) => oneRateLimit(kit, a)));
    // Lost answers: the taker's next order and the maker's next quote batch run, their 503 is seen.
    const after = await kit.lastEventId();
    for (const [a, route] of [
      [taker, 'POST /api/v1/orders'],
      [maker, 'POST /api/v1/orders/batch'],
    ] as const) {
      await kit.addFault({
        kind: 'serverError',
        account: a.accountId,
        route,
        status: 503,
        afterExecution: true,
      });
    }
    await until('both lost an answer', async () => {
      const hit = await Promise.all([taker, maker].map((a) => kit.injections(a.accountId, after)));
      return hit.every((h) => h.length === 1);
    });
    await until('the taker trades again', async () => (await ordersOf(taker)).length >= 3);
    const ids = (await ordersOf(taker)).map((o) => o.clientOrderId);
    assert.ok(
      ids.every((id) => typeof id === 'string'),
      'every order has a client order id',
    );
    assert.equal(new Set(ids).size, ids.length, 'no client order id was executed twice');
    const quotes = (await openIn(maker, market)).map((o) => `${o.side} ${o.priceTicks}`);
    assert.equal(new Set(quotes).size, quotes.length, `no quote twice: ${quotes.join(', ')}`);
  } finally {
    await bots.stop();
    await maker.rest.cancelAll();
  }
});

/** A rate-limit window the account's bot meets once and waits out: exactly one 429 in it. */
async function oneRateLimit(kit: KitExchange, a: KitAccount): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const since = await kit.lastEventId();
    const window = await kit.addFault({
      kind: 'rateLimit',
      account: a.accountId,
      retryAfterSeconds: 2,
    });
    await until('the window ends', async () => Date.now() > window.until! + 500);
    const hits = (await kit.injections(a.accountId, since)).length;
    if (hits === 0) continue;
    assert.equal(hits, 1, 'one 429, no early return');
    return;
  }
  assert.fail(`account ${a.accountId}'s bot sent nothing in five rate-limit windows`);
}

async function until(what: string, done: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await done()) return;
    await sleep(100);
  }
  assert.fail(`timed out waiting until ${what}`);
}

async function openIn(a: KitAccount, market: string) {
  return (await a.rest.openOrders()).items.filter((o) => o.market === market);
}

async function ordersOf(a: KitAccount) {
  return (await a.rest.orders({ limit: 200 })).items;
}

test('bourse sandbox fault add, list and clear drive the fault API', async () => {
  const auth = ['--url', url, '--key-id', keyId, '--key-file', keyFile, '--json'];
  const cli = async (...args: string[]) =>
    JSON.parse((await run(process.execPath, [main, 'sandbox', ...args, ...auth])).stdout);
  const added = await cli(
    'fault',
    'add',
    'serverError',
    '--account',
    '999999',
    '--status',
    '502',
    '--route',
    'POST /api/v1/orders',
    '--duration',
    '5m',
  );
  assert.equal(added.kind, 'serverError');
  assert.equal(added.detail.status, 502);
  const listed = await cli('fault', 'list');
  assert.ok(listed.items.some((f: { faultId: number }) => f.faultId === added.faultId));
  assert.deepEqual(await cli('fault', 'clear', String(added.faultId)), { cleared: 1 });
  assert.ok(Array.isArray((await cli('sockets')).items));
});
