// Passwords: a user changes their own (the current one required, refused when wrong, other web sessions
// ended, the old password dead); an admin resets one (the user's sessions end); creating a user without
// a password is refused; self sign-up is off by default and, when the operator enables it, gives the
// operator's role whatever the caller asks.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { refusal } from './support/refusal.ts';
import { startTestExchange, type TestExchange } from './support/test-exchange.ts';

let ex: TestExchange;
let open: TestExchange;

// These tests log in many times within a second; the check budgets are the login throttle's own
// tests' business (login-flood.test.ts), so here they are out of the way.
const loginThrottle = {
  checks: { capacity: 1_000, refillPerSecond: 1_000 },
  knownChecks: { capacity: 1_000, refillPerSecond: 1_000 },
};

before(async () => {
  ex = await startTestExchange({ loginThrottle });
  open = await startTestExchange({ signupRole: 'viewer', loginThrottle });
});
after(async () => {
  await ex?.close();
  await open?.close();
});

/** Logs in with a password; the session cookie and CSRF token, or the refusal's status and code. */
async function login(base: string, username: string, password: string) {
  const res = await fetch(`${base}/api/v1/session/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const body = (await res.json()) as { csrfToken?: string; error?: { code: string } };
  const cookie = res.headers.get('set-cookie')?.split(';')[0];
  return { status: res.status, code: body.error?.code, cookie, csrf: body.csrfToken };
}

async function asSession(
  base: string,
  s: { cookie?: string | undefined; csrf?: string | undefined },
  method: string,
  path: string,
  body?: unknown,
) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      cookie: s.cookie ?? '',
      'x-csrf-token': s.csrf ?? '',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await res.json()) as Record<string, unknown> & { error?: { code: string } };
  return { status: res.status, code: json.error?.code, body: json };
}

test('a user changes their own password; the other sessions and the old password end', async () => {
  await ex.admin.rest.request('POST', '/api/v1/admin/users', {
    username: 'carol',
    role: 'trader',
    password: 'first-password',
  });
  const phone = await login(ex.baseUrl, 'carol', 'first-password');
  const laptop = await login(ex.baseUrl, 'carol', 'first-password');
  assert.equal(laptop.status, 200);
  const wrong = await asSession(ex.baseUrl, laptop, 'POST', '/api/v1/account/password', {
    currentPassword: 'not-it',
    newPassword: 'second-password',
  });
  assert.deepEqual([wrong.status, wrong.code], [400, 'WRONG_PASSWORD']);
  const short = await asSession(ex.baseUrl, laptop, 'POST', '/api/v1/account/password', {
    currentPassword: 'first-password',
    newPassword: 'short',
  });
  assert.equal(short.status, 400);
  const changed = await asSession(ex.baseUrl, laptop, 'POST', '/api/v1/account/password', {
    currentPassword: 'first-password',
    newPassword: 'second-password',
  });
  assert.deepEqual([changed.status, changed.body.sessionsEnded], [200, 1]);
  // The laptop keeps its session, the phone's ended, the old password no longer logs in.
  assert.equal((await asSession(ex.baseUrl, laptop, 'GET', '/api/v1/account')).status, 200);
  assert.equal((await asSession(ex.baseUrl, phone, 'GET', '/api/v1/account')).status, 401);
  const old = await login(ex.baseUrl, 'carol', 'first-password');
  assert.deepEqual([old.status, old.code], [401, 'BAD_CREDENTIALS']);
  assert.equal((await login(ex.baseUrl, 'carol', 'second-password')).status, 200);
});

test("an admin resets a user's password and the user's sessions end", async () => {
  const users = await ex.admin.rest.request<{ items: { userId: number; username: string }[] }>(
    'GET',
    '/api/v1/admin/users',
  );
  const carol = users.items.find((u) => u.username === 'carol')!;
  const session = await login(ex.baseUrl, 'carol', 'second-password');
  await ex.admin.rest.request('PATCH', `/api/v1/admin/users/${carol.userId}`, {
    password: 'reset-by-admin',
  });
  assert.equal((await asSession(ex.baseUrl, session, 'GET', '/api/v1/account')).status, 401);
  assert.equal((await login(ex.baseUrl, 'carol', 'second-password')).status, 401);
  assert.equal((await login(ex.baseUrl, 'carol', 'reset-by-admin')).status, 200);
});

test('creating a user without a password is refused and creates nothing', async () => {
  assert.deepEqual(
    await refusal(
      ex.admin.rest.request('POST', '/api/v1/admin/users', { username: 'dan', role: 'trader' }),
    ),
    { status: 400, code: 'PASSWORD_REQUIRED' },
  );
  const users = await ex.admin.rest.request<{ items: { username: string }[] }>(
    'GET',
    '/api/v1/admin/users',
  );
  assert.equal(
    users.items.some((u) => u.username === 'dan'),
    false,
  );
});

test('self sign-up: off by default; on, it gives the operator’s role', async () => {
  const off = await fetch(`${ex.baseUrl}/api/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'erin', password: 'erins-password' }),
  });
  assert.equal(off.status, 403);
  assert.equal(((await off.json()) as { error: { code: string } }).error.code, 'SIGNUP_DISABLED');
  assert.deepEqual(await (await fetch(`${ex.baseUrl}/api/v1/auth/signup`)).json(), {
    enabled: false,
  });
  assert.deepEqual(await (await fetch(`${open.baseUrl}/api/v1/auth/signup`)).json(), {
    enabled: true,
  });
  const on = await fetch(`${open.baseUrl}/api/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'erin', password: 'erins-password' }),
  });
  assert.equal(on.status, 201);
  assert.equal(((await on.json()) as { role: string }).role, 'viewer');
  // A role asked for is not the caller's to choose.
  const asks = await fetch(`${open.baseUrl}/api/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'mallory', password: 'mallorys-pw', role: 'admin' }),
  });
  assert.equal(asks.status, 400);
  const erin = await login(open.baseUrl, 'erin', 'erins-password');
  assert.equal(erin.status, 200);
  const me = await asSession(open.baseUrl, erin, 'GET', '/api/v1/account');
  assert.equal(me.body.role, 'viewer');
  const again = await fetch(`${open.baseUrl}/api/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'erin', password: 'another-password' }),
  });
  assert.equal(again.status, 409);
});
