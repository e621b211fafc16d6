// Password logins under attack, end to end from distinct loopback addresses (all of 127/8 is loopback
// on Linux): a flood of wrong passwords on one account from many addresses is throttled with 429 and
// Retry-After, yet the owner's right password from an address that logged in before still works, and
// from a new address once the backoff has passed; the number of password checks stays bounded however
// many addresses take part.

import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { passwordHasher } from '../src/auth/password-hasher.ts';
import { startTestExchange, type TestExchange } from './support/test-exchange.ts';

let ex: TestExchange;
/** The gateway's clock runs this far ahead of the wall clock: a test skips a backoff by raising it. */
let skewMs = 0;
const PASSWORD = 'the owner knows this one';

before(async () => {
  ex = await startTestExchange({
    clock: () => Date.now() + skewMs,
    // Small budgets keep the test short (each admitted guess costs a real hash): 6 checks at once,
    // then 2 a second; an account backs off after 3 failures from unknown addresses.
    loginThrottle: {
      checks: { capacity: 6, refillPerSecond: 2 },
      account: { free: 3, baseMs: 1_000, maxMs: 300_000 },
    },
  });
  for (const name of ['victim', 'other']) {
    const u = await ex.addUser(name, 'trader');
    await ex.gateway.services.auth.setPassword(u.userId, PASSWORD);
  }
});
after(() => ex.close());

interface Answer {
  readonly status: number;
  readonly retryAfter: number | undefined;
  readonly code: string | undefined;
}

/** POST /api/v1/session/login from the loopback address `from`. */
function login(from: string, username: string, password: string): Promise<Answer> {
  const { port } = ex.gateway.server.address() as AddressInfo;
  const body = JSON.stringify({ username, password });
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        localAddress: from,
        method: 'POST',
        path: '/api/v1/session/login',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        agent: false,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => {
          const retry = res.headers['retry-after'];
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: retry === undefined ? undefined : Number(retry),
            code: (JSON.parse(text) as { error?: { code: string } }).error?.code,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The loopback address number `n` of network 127.`net`. */
const address = (net: number, n: number) => `127.${net}.${Math.floor(n / 250)}.${(n % 250) + 1}`;

/** `count` wrong passwords for `username`, spread over addresses 127.<net>.x.y; answers by status. */
async function flood(username: string, net: number, count: number): Promise<Map<number, Answer[]>> {
  const byStatus = new Map<number, Answer[]>();
  for (let i = 0; i < count; i += 20) {
    const wave = Array.from({ length: Math.min(20, count - i) }, (_, j) => {
      const n = i + j;
      return login(address(net, n), username, `guess ${n}`);
    });
    for (const a of await Promise.all(wave)) {
      byStatus.set(a.status, [...(byStatus.get(a.status) ?? []), a]);
    }
  }
  return byStatus;
}

test('a flood from many addresses is throttled; the owner’s known address still logs in', async () => {
  assert.equal((await login('127.0.0.2', 'victim', PASSWORD)).status, 200);
  const hashedBefore = passwordHasher.completed;
  const answers = await flood('victim', 10, 200);
  const throttled = answers.get(429) ?? [];
  assert.ok(throttled.length >= 185, `only ${throttled.length} of 200 throttled`);
  for (const a of throttled) {
    assert.equal(a.code, 'RATE_LIMITED');
    assert.ok(a.retryAfter !== undefined && a.retryAfter >= 1, 'Retry-After is sent');
  }
  assert.equal(answers.get(200), undefined);
  // Only the guesses let through cost a hash.
  assert.equal(answers.get(401)?.length, 200 - throttled.length);
  assert.equal(passwordHasher.completed - hashedBefore, 200 - throttled.length);
  const owner = await login('127.0.0.2', 'victim', PASSWORD);
  assert.deepEqual(owner.status, 200);
});

test('the owner at a new address logs in once the account’s backoff has passed', async () => {
  const first = await login('127.0.0.3', 'victim', PASSWORD);
  assert.equal(first.status, 429, 'the account is still backing off for new addresses');
  assert.ok(first.retryAfter !== undefined && first.retryAfter <= 300);
  skewMs += first.retryAfter * 1_000;
  assert.equal((await login('127.0.0.3', 'victim', PASSWORD)).status, 200);
});

test('guesses spread over accounts and addresses are bounded globally', async () => {
  skewMs += 3_600_000; // every earlier failure forgotten, every budget full again
  assert.equal((await login('127.0.0.4', 'other', PASSWORD)).status, 200);
  // An unknown name is checked against a hash of nothing, made on first use: make it now.
  assert.equal((await login('127.0.0.5', 'nobody', 'x')).status, 401);
  const hashedBefore = passwordHasher.completed;
  const answers: Answer[] = [];
  for (let i = 0; i < 100; i += 25) {
    const wave = Array.from({ length: 25 }, (_, j) => {
      const n = i + j;
      return login(address(20, n), `nobody${n}`, 'x');
    });
    answers.push(...(await Promise.all(wave)));
  }
  const hashed = passwordHasher.completed - hashedBefore;
  const limited = answers.filter((a) => a.status === 429);
  // 25 arrive at once and the budget holds 6 (less the two logins above): the rest of that wave at
  // least is refused, each refusal naming when to come back.
  assert.ok(limited.length >= 15, `${limited.length} refused`);
  assert.ok(limited.every((a) => a.retryAfter !== undefined && a.retryAfter >= 1));
  assert.equal(hashed + limited.length, 100);
  // Meanwhile the owner of another account, at a known address, still gets in.
  assert.equal((await login('127.0.0.4', 'other', PASSWORD)).status, 200);
});
