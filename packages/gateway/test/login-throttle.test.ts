// The login throttle's arithmetic, on a test clock: backoff with Retry-After per (account, address),
// per account and per address; a global bound on password checks; and none of it usable to keep the
// account's owner out (a known address keeps working through a flood; every backoff ends).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffUntil, LoginThrottle } from '../src/auth/login-throttle.ts';

/** A throttle whose global budget never runs out, to look at one rule at a time. */
const unbounded = { checks: { capacity: 1e9, refillPerSecond: 1e9 } };

/** An attempt that is admitted and fails; asserts it was admitted. */
function fail(t: LoginThrottle, user: string, ip: string, now: number): void {
  const a = t.admit(user, ip, now);
  assert.equal(a.ok, true, `refused at ${now}: ${JSON.stringify(a)}`);
}

test('backoff doubles past the free failures and is capped', () => {
  const b = { free: 2, baseMs: 1_000, maxMs: 5_000 };
  const at = (count: number) => backoffUntil(b, { count, lastMs: 100 }) - 100;
  assert.deepEqual([1, 2, 3, 4, 5, 6, 60].map(at), [-100, -100, 1_000, 2_000, 4_000, 5_000, 5_000]);
});

test('one address guessing one account backs off, with Retry-After, and may try again after it', () => {
  const t = new LoginThrottle(unbounded);
  let now = 1_000_000;
  for (let i = 0; i < 5; i++) fail(t, 'vic', '10.0.0.9', now);
  fail(t, 'vic', '10.0.0.9', now); // the sixth is admitted; it starts the backoff
  const refused = t.admit('vic', '10.0.0.9', now);
  assert.deepEqual(refused.ok ? undefined : refused.retryAfterSeconds, 1);
  now += 1_000;
  fail(t, 'vic', '10.0.0.9', now);
  const second = t.admit('vic', '10.0.0.9', now + 500);
  assert.deepEqual(second.ok ? undefined : second.retryAfterSeconds, 2);
  // Refused attempts do not extend the wait.
  for (let i = 0; i < 100; i++) t.admit('vic', '10.0.0.9', now + 1_000);
  assert.equal(t.admit('vic', '10.0.0.9', now + 2_000).ok, true);
});

test('a flood on an account from many addresses throttles them, not the owner’s known address', () => {
  const t = new LoginThrottle(unbounded);
  let now = 5_000_000;
  assert.equal(t.admit('vic', '10.1.1.1', now).ok, true);
  t.succeeded('vic', '10.1.1.1', now);
  let refused = 0;
  for (let i = 0; i < 3_000; i++) {
    const a = t.admit('vic', `10.2.${(i >> 8) & 255}.${i & 255}`, now + i);
    if (!a.ok) refused++;
  }
  assert.ok(refused > 2_900, `only ${refused} of 3000 refused`);
  now += 3_000;
  const owner = t.admit('vic', '10.1.1.1', now);
  assert.deepEqual(owner, { ok: true, known: true });
  t.succeeded('vic', '10.1.1.1', now);
});

test('the owner at a new address gets in once the account’s backoff has passed', () => {
  const t = new LoginThrottle(unbounded);
  const now = 9_000_000;
  for (let i = 0; i < 40; i++) t.admit('vic', `10.3.0.${i}`, now);
  const wait = t.admit('vic', '10.9.9.9', now);
  assert.equal(wait.ok, false);
  const retryAfter = wait.ok ? 0 : wait.retryAfterSeconds;
  assert.ok(retryAfter <= 300, 'the account backoff is capped at five minutes');
  const later = now + retryAfter * 1_000;
  assert.deepEqual(t.admit('vic', '10.9.9.9', later), { ok: true, known: false });
  t.succeeded('vic', '10.9.9.9', later);
  // And that address is known from then on.
  assert.deepEqual(t.admit('vic', '10.9.9.9', later + 1), { ok: true, known: true });
});

test('one address guessing many accounts is throttled as an address', () => {
  const t = new LoginThrottle(unbounded);
  const now = 2_000_000;
  for (let i = 0; i < 21; i++) fail(t, `user${i}`, '10.4.0.1', now);
  const a = t.admit('someone-else', '10.4.0.1', now);
  assert.equal(a.ok, false);
  assert.equal(t.admit('someone-else', '10.4.0.2', now).ok, true);
});

test('password checks are bounded per second; known addresses have their own budget', () => {
  const t = new LoginThrottle({
    checks: { capacity: 10, refillPerSecond: 5 },
    knownChecks: { capacity: 2, refillPerSecond: 1 },
  });
  const now = 3_000_000;
  assert.equal(t.admit('own', '10.5.0.1', now).ok, true);
  t.succeeded('own', '10.5.0.1', now);
  let admitted = 0;
  let retryAfter = 0;
  for (let i = 0; i < 1_000; i++) {
    const a = t.admit(`u${i}`, `10.6.${i >> 8}.${i & 255}`, now);
    if (a.ok) admitted++;
    else retryAfter = a.retryAfterSeconds;
  }
  assert.equal(admitted, 9, 'the burst less the one the owner used');
  assert.equal(retryAfter, 1);
  assert.deepEqual(t.admit('own', '10.5.0.1', now), { ok: true, known: true });
  // Then five a second: ten seconds on, 50 more were admitted of 100 tried.
  let later = 0;
  for (let ms = 100; ms <= 10_000; ms += 100) {
    if (t.admit(`w${ms}`, `10.7.${ms >> 8}.${ms & 255}`, now + ms).ok) later++;
  }
  assert.equal(later, 50);
});

test('the tables stay bounded', () => {
  const t = new LoginThrottle({ ...unbounded, maxEntries: 100 });
  for (let i = 0; i < 5_000; i++) t.admit(`u${i}`, `10.8.${i >> 8}.${i & 255}`, i);
  assert.ok(t.size <= 400);
});
