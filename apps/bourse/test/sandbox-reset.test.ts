// Resetting a sandbox (`serve --sandbox`) to a scenario, through the API as `bourse sandbox reset`
// does: the scenario's book and balances are there, a bot signs in with the key the scenario names,
// trading changes them and a second reset restores them exactly; the script's steps happen at their
// simulated times; a bad scenario is refused naming the field and changes nothing; users and keys
// outlive resets; a production data directory is refused.

import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { RestClient } from '@bourse/client';
import { createUserWithAccount, type ResetAnswer, type Scenario } from '@bourse/gateway';
import { openSandbox, readScenarioFile, type SandboxHost } from '../src/sandbox-host.ts';

const EXAMPLE = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'docs',
  'sandbox-example.yaml',
);
const START = Date.parse('2030-06-01T09:00:00Z');
const HOUR = 3_600_000;

let dir: string;
let host: SandboxHost;
let url: string;
let admin: RestClient;
let scenario: Scenario;
const alicePair = generateKeyPairSync('ed25519');

function keyPair() {
  const pair = generateKeyPairSync('ed25519');
  return {
    publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKeyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bourse-sandbox-reset-'));
  host = await openSandbox(join(dir, 'data'), {});
  const s = host.current.gateway.services;
  const user = await createUserWithAccount(s, {
    username: 'admin',
    role: 'admin',
    password: 'x'.repeat(12),
  });
  const k = keyPair();
  const key = await host.current.authStore.addApiKey({
    userId: user.userId,
    publicKeyPem: k.publicKeyPem,
    scopes: ['read', 'trade', 'admin'],
    label: 'test',
    now: Date.now(),
  });
  await new Promise<void>((ok) => host.server.listen(0, '127.0.0.1', ok));
  url = `http://127.0.0.1:${(host.server.address() as AddressInfo).port}`;
  admin = new RestClient({
    baseUrl: url,
    credentials: { keyId: key.keyId, privateKey: k.privateKeyPem },
  });
  scenario = await readScenarioFile(EXAMPLE);
  const alice = scenario.accounts!.find((a) => a.username === 'alice')!;
  (alice as { publicKeyPem?: string }).publicKeyPem = alicePair.publicKey
    .export({ type: 'spki', format: 'pem' })
    .toString();
});
after(async () => {
  await host.close();
  rmSync(dir, { recursive: true, force: true });
});

const reset = (body: unknown) => admin.request<ResetAnswer>('POST', '/api/v1/sandbox/reset', body);
const book = async () =>
  await admin.request<{ bids: number[][]; asks: number[][] }>(
    'GET',
    '/api/v1/markets/RAIN-YES/book',
  );

let alice: RestClient;

async function world() {
  const balances = (await alice.balances()).items;
  return { book: await book(), balances };
}

test('a reset builds the scenario: its book, balances, key and clock', async () => {
  const answer = await reset(scenario);
  assert.equal(answer.scenario, 'rain-close');
  assert.deepEqual(answer.clock, { now: START, mode: 'paused', rate: 1 });
  assert.deepEqual(answer.markets, [{ symbol: 'RAIN-YES', instrumentId: 1 }]);
  assert.equal(answer.orders, 4);
  assert.equal(answer.scriptSteps, 3);
  const a = answer.accounts.find((x) => x.username === 'alice')!;
  assert.equal(a.created, true);
  assert.ok(a.keyId !== null);
  alice = new RestClient({
    baseUrl: url,
    credentials: { keyId: a.keyId!, privateKey: alicePair.privateKey },
  });
  const b = await book();
  assert.deepEqual(b.bids, [
    [4000, 500, 1],
    [3900, 1000, 1],
    [3800, 200, 1],
  ]);
  assert.deepEqual(b.asks, [[4200, 500, 1]]);
  const usd = (await alice.balances()).items[0]!;
  assert.equal(usd.available + usd.reserved, 1_000_000_000, 'the deposit, part of it reserved');
  assert.ok(usd.reserved > 0, 'her resting GTD order holds money');
  const status = await admin.request<{ scenario: string; scriptSteps: number }>(
    'GET',
    '/api/v1/sandbox/status',
  );
  assert.deepEqual([status.scenario, status.scriptSteps], ['rain-close', 3]);
});

test('trading changes the world; resetting again restores the book and balances exactly', async () => {
  const before = await world();
  const fill = await alice.placeOrder({
    market: 'RAIN-YES',
    side: 'buy',
    priceTicks: 4200,
    qtyLots: 100,
  });
  assert.equal(fill.status, 'filled');
  await admin.request('POST', '/api/v1/sandbox/clock/step', { ms: 10 * 60_000 });
  assert.notDeepEqual(await world(), before);
  const again = await reset(scenario);
  assert.equal(again.accounts.find((x) => x.username === 'alice')!.created, false, 'alice is kept');
  const key = again.accounts.find((x) => x.username === 'alice')!.keyId!;
  alice = new RestClient({
    baseUrl: url,
    credentials: { keyId: key, privateKey: alicePair.privateKey },
  });
  assert.deepEqual(await world(), before);
  assert.equal(
    (await alice.positions()).items.length,
    0,
    'her position is gone with the old world',
  );
  assert.equal((await admin.request<{ now: number }>('GET', '/api/v1/sandbox/clock')).now, START);
});

test('the script runs at its simulated times; expiries and the close follow the clock', async () => {
  await admin.request('POST', '/api/v1/sandbox/clock/step', { ms: 30 * 60_000 - 1 });
  assert.deepEqual((await book()).asks, [[4200, 500, 1]], 'not yet: 1 ms before its step');
  await admin.request('POST', '/api/v1/sandbox/clock/step', { ms: 1 });
  assert.deepEqual(
    (await book()).asks,
    [
      [4100, 300, 1],
      [4200, 500, 1],
    ],
    'the late seller arrived',
  );
  await admin.request('POST', '/api/v1/sandbox/clock/jump', { to: START + HOUR });
  assert.deepEqual(
    (await book()).bids.map((l) => l[0]),
    [4000, 3900],
    "alice's GTD expired at +1h",
  );
  await admin.request('POST', '/api/v1/sandbox/clock/jump', { to: START + 2 * HOUR - 1 });
  const status = async () =>
    (await admin.request<{ status: string }>('GET', '/api/v1/markets/RAIN-YES')).status;
  assert.equal(await status(), 'open');
  await admin.request('POST', '/api/v1/sandbox/clock/step', { ms: 1 });
  // The close falls due at +2h and runs before the script's settlement at the same time.
  assert.equal(await status(), 'settled');
  const { items } = await admin.request<{
    items: { kind: string; action: string; at: number; by: string }[];
  }>('GET', '/api/v1/sandbox/events');
  const script = items.filter((e) => e.kind === 'script');
  assert.deepEqual(
    script.map((e) => [e.action, e.at - START, e.by]),
    [
      ['order', 30 * 60_000, 'script'],
      ['cancelAll', 90 * 60_000, 'script'],
      ['settle', 2 * HOUR, 'script'],
    ],
  );
  assert.deepEqual(
    items.filter((e) => e.kind === 'reset').map((e) => e.by),
    ['admin', 'admin'],
  );
});

test('a bad scenario is refused naming the field, and the sandbox stays as it was', async () => {
  const before = await book();
  const clock = await admin.request<{ now: number }>('GET', '/api/v1/sandbox/clock');
  const bad = structuredClone(scenario) as { accounts: { balances: Record<string, number> }[] };
  bad.accounts[0]!.balances = { EUR: 5 };
  await assert.rejects(reset(bad), (e: { status: number; code: string; message: string }) => {
    assert.deepEqual([e.status, e.code], [400, 'SCENARIO_INVALID']);
    assert.match(e.message, /accounts\[0\]\.balances\.EUR must be a scenario asset/);
    return true;
  });
  const engineRefusal = structuredClone(scenario) as { orders: { order: { qtyLots: number } }[] };
  engineRefusal.orders[0]!.order.qtyLots = 50; // not a lot multiple
  await assert.rejects(reset(engineRefusal), { status: 400, code: 'SCENARIO_INVALID' });
  await assert.rejects(reset({ name: 'x' }), { status: 400, code: 'VALIDATION_FAILED' });
  assert.deepEqual(await book(), before);
  assert.equal(
    (await admin.request<{ now: number }>('GET', '/api/v1/sandbox/clock')).now,
    clock.now,
  );
});

test('the world saved as a scenario resets to the same book and balances', async () => {
  const answer = await reset(scenario);
  const key = answer.accounts.find((x) => x.username === 'alice')!.keyId!;
  alice = new RestClient({
    baseUrl: url,
    credentials: { keyId: key, privateKey: alicePair.privateKey },
  });
  await admin.request('POST', '/api/v1/sandbox/clock/step', { ms: 5 * 60_000 });
  await alice.placeOrder({
    market: 'RAIN-YES',
    side: 'buy',
    priceTicks: 4000,
    qtyLots: 100,
    postOnly: true,
  });
  const before = await world();
  const saved = await admin.request<Scenario>('GET', '/api/v1/sandbox/scenario', undefined, {
    name: 'five-minutes-in',
  });
  assert.equal(saved.name, 'five-minutes-in');
  assert.deepEqual(saved.clock, { start: START + 5 * 60_000, mode: 'paused', rate: 1 });
  const restored = await reset(saved);
  assert.equal(restored.orders, 5);
  assert.deepEqual(await world(), before, 'same levels, same queue order, same balances');
  assert.equal(
    (await admin.request<{ now: number }>('GET', '/api/v1/sandbox/clock')).now,
    START + 5 * 60_000,
  );
});

test('a sandbox refuses a data directory that holds an exchange journal', async () => {
  const production = join(dir, 'production');
  mkdirSync(join(production, 'journal'), { recursive: true });
  await assert.rejects(openSandbox(production, {}), /holds an exchange's journal/);
});
