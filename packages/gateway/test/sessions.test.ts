// A user's web sessions: listed to their owner (public id, login time, last use, expiry, user agent and
// address; never the cookie or CSRF token) and revoked one at a time or all but the current one.
// A revoked session's cookie stops working and its sockets close (1008 CREDENTIALS_REVOKED), as on
// logout. Another user's session id is refused as unknown (404 SESSION_NOT_FOUND) and nothing changes;
// with the cookie the DELETEs need the CSRF header.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import { SESSION_TTL_MS } from '../src/api/account-routes.ts';
import { AuthStore } from '../src/index.ts';
import { startTestExchange, type TestExchange, type TestUser } from './support/test-exchange.ts';
import { metricValue, type OpenSocket, openSocket, stillOpen } from './support/test-sockets.ts';

const PASSWORD = 'correct horse battery';
const SESSIONS = '/api/v1/auth/sessions';

let ex: TestExchange;
let offsetMs = 0;
let seq = 0;

before(async () => {
  ex = await startTestExchange({ clock: () => Date.now() + offsetMs });
});
after(() => ex.close());
beforeEach(() => {
  offsetMs = 0;
});

interface Login {
  readonly cookie: string;
  readonly csrfToken: string;
  readonly token: string;
}

interface SessionView {
  sessionId: string;
  createdAt: number | null;
  lastSeenAt: number | null;
  expiresAt: number;
  userAgent: string | null;
  ip: string | null;
  current: boolean;
}

interface Answer {
  status: number;
  code: string | undefined;
  json: Record<string, unknown>;
  text: string;
}

async function userWithPassword(): Promise<TestUser & { name: string }> {
  const name = `sess${++seq}`;
  const u = await ex.addUser(name, 'trader');
  await ex.gateway.services.auth.setPassword(u.userId, PASSWORD);
  return { ...u, name };
}

async function login(username: string, userAgent = 'test-agent'): Promise<Login> {
  const res = await fetch(`${ex.baseUrl}/api/v1/session/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': userAgent },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  assert.equal(res.status, 200);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { cookie, csrfToken, token: cookie.slice(cookie.indexOf('=') + 1) };
}

/**
 * A session made as the login route makes it, straight in the store: password logins are limited to
 * ten per address in a burst, fewer than these tests need (the first test logs in for real).
 */
async function startSession(u: TestUser, userAgent = 'test-agent'): Promise<Login> {
  const s = ex.gateway.services;
  const { token, csrfToken } = await s.auth.createSession(u.userId, s.clock(), SESSION_TTL_MS, {
    userAgent,
    ip: '127.0.0.1',
  });
  return { cookie: `bourse_session=${token}`, csrfToken, token };
}

async function call(
  method: string,
  path: string,
  headers: Record<string, string>,
): Promise<Answer> {
  const res = await fetch(`${ex.baseUrl}${path}`, { method, headers });
  const text = await res.text();
  const json = JSON.parse(text) as Record<string, unknown>;
  return { status: res.status, code: (json.error as { code?: string })?.code, json, text };
}

const withCookie = (l: Login, csrf = true) => ({
  cookie: l.cookie,
  ...(csrf ? { 'x-csrf-token': l.csrfToken } : {}),
});

async function list(headers: Record<string, string>): Promise<SessionView[]> {
  const r = await call('GET', SESSIONS, headers);
  assert.equal(r.status, 200, r.text);
  return r.json.items as SessionView[];
}

const sessionSocket = (l: Login) => openSocket(ex.baseUrl, { cookie: l.cookie });

async function closedAsRevoked(s: OpenSocket): Promise<void> {
  assert.deepEqual(await s.closed, { code: 1008, reason: 'CREDENTIALS_REVOKED' });
}

async function works(l: Login): Promise<boolean> {
  const r = await call('GET', '/api/v1/account', { cookie: l.cookie });
  return r.status === 200;
}

test('the owner lists live sessions with current marked, and never a secret', async () => {
  const u = await userWithPassword();
  const t0 = Date.now();
  const a = await login(u.name, 'browser A');
  const b = await login(u.name, 'browser B');
  const items = await list(withCookie(a, false));
  assert.equal(items.length, 2);
  const [newest, oldest] = items;
  assert.equal(newest!.userAgent, 'browser B');
  assert.equal(oldest!.userAgent, 'browser A');
  assert.deepEqual(
    items.map((x) => x.current),
    [false, true],
  );
  for (const x of items) {
    assert.match(x.sessionId, /^[0-9a-f]{32}$/);
    assert.ok(x.createdAt !== null && x.createdAt >= t0);
    assert.ok(x.lastSeenAt !== null && x.lastSeenAt >= x.createdAt);
    assert.ok(x.expiresAt > x.createdAt);
    assert.equal(typeof x.ip, 'string');
    assert.deepEqual(Object.keys(x).sort(), [
      'createdAt',
      'current',
      'expiresAt',
      'ip',
      'lastSeenAt',
      'sessionId',
      'userAgent',
    ]);
  }
  const raw = (await call('GET', SESSIONS, withCookie(b, false))).text;
  for (const secret of [a.token, b.token, a.csrfToken, b.csrfToken]) {
    assert.ok(!raw.includes(secret), 'a session secret leaked into the list');
  }
  // A signed request sees the same sessions, none of them current; another user sees none of them.
  const signed = await list(u.rest.authHeaders('GET', SESSIONS));
  assert.deepEqual(
    signed.map((x) => [x.sessionId, x.current]),
    items.map((x) => [x.sessionId, false]),
  );
  const other = await userWithPassword();
  assert.deepEqual(await list(other.rest.authHeaders('GET', SESSIONS)), []);
});

test('last use is recorded to the minute', async () => {
  const u = await userWithPassword();
  const a = await startSession(u);
  const [first] = await list(withCookie(a, false));
  offsetMs = 30_000;
  await works(a);
  const [same] = await list(withCookie(a, false));
  assert.equal(same!.lastSeenAt, first!.lastSeenAt);
  offsetMs = 120_000;
  await works(a);
  const [later] = await list(withCookie(a, false));
  assert.ok(later!.lastSeenAt! >= first!.lastSeenAt! + 120_000);
});

test('revoking one session ends its cookie and closes its sockets, not the others', async () => {
  const u = await userWithPassword();
  const a = await startSession(u, 'A');
  const b = await startSession(u, 'B');
  const aSocket = await sessionSocket(a);
  const bSocket = await sessionSocket(b);
  const revokedBefore = await metricValue(ex.baseUrl, 'bourse_ws_revoked_closes_total');
  const bId = (await list(withCookie(a, false))).find((x) => !x.current)!.sessionId;

  // With the cookie, a DELETE needs the CSRF header; refused, nothing changes.
  const noCsrf = await call('DELETE', `${SESSIONS}/${bId}`, withCookie(a, false));
  assert.equal(noCsrf.status, 403);
  assert.equal(noCsrf.code, 'CSRF_TOKEN_INVALID');
  assert.ok(await works(b));

  const r = await call('DELETE', `${SESSIONS}/${bId}`, withCookie(a));
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { sessionId: bId, revoked: true });
  await closedAsRevoked(bSocket);
  assert.equal(await works(b), false);
  const after = await call('GET', '/api/v1/account', { cookie: b.cookie });
  assert.equal(after.status, 401);
  assert.equal(after.code, 'UNAUTHENTICATED');
  await stillOpen(aSocket);
  assert.ok(await works(a));
  assert.deepEqual(
    (await list(withCookie(a, false))).map((x) => x.current),
    [true],
  );
  assert.equal(await metricValue(ex.baseUrl, 'bourse_ws_revoked_closes_total'), revokedBefore + 1);
  // Again: it is gone.
  const again = await call('DELETE', `${SESSIONS}/${bId}`, withCookie(a));
  assert.equal(again.status, 404);
  assert.equal(again.code, 'SESSION_NOT_FOUND');

  // Revoking the current session is a logout: the cookie is cleared and its socket closes.
  const aId = (await list(withCookie(a, false)))[0]!.sessionId;
  const res = await fetch(`${ex.baseUrl}${SESSIONS}/${aId}`, {
    method: 'DELETE',
    headers: withCookie(a),
  });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('set-cookie') ?? '', /Max-Age=0/);
  await closedAsRevoked(aSocket);
  assert.equal(await works(a), false);
});

test('another user’s session id, an unknown or a malformed one: 404 and nothing changes', async () => {
  const owner = await userWithPassword();
  const intruder = await userWithPassword();
  const o = await startSession(owner);
  const i = await startSession(intruder);
  const ownerSocket = await sessionSocket(o);
  const before = await list(withCookie(o, false));
  const victim = before[0]!.sessionId;

  const attempts: [string, Record<string, string>][] = [
    [`${SESSIONS}/${victim}`, withCookie(i)],
    [`${SESSIONS}/${victim}`, intruder.rest.authHeaders('DELETE', `${SESSIONS}/${victim}`)],
    [`${SESSIONS}/${'0'.repeat(32)}`, withCookie(o)],
    [`${SESSIONS}/not-a-session`, withCookie(o)],
    [`${SESSIONS}/${victim.toUpperCase()}`, withCookie(o)],
  ];
  for (const [path, headers] of attempts) {
    const r = await call('DELETE', path, headers);
    assert.equal(r.status, 404, `${path}: ${r.text}`);
    assert.equal(r.code, 'SESSION_NOT_FOUND');
  }
  // The intruder's "revoke all others" ends only the intruder's own sessions.
  const all = await call('DELETE', SESSIONS, intruder.rest.authHeaders('DELETE', SESSIONS));
  assert.deepEqual(all.json, { revoked: 1 });
  assert.equal(await works(i), false);

  assert.deepEqual(await list(withCookie(o, false)), before);
  assert.ok(await works(o));
  await stillOpen(ownerSocket);
  ownerSocket.ws.close();
});

test('revoking all others keeps the current session; a signed request revokes every one', async () => {
  const u = await userWithPassword();
  const a = await startSession(u, 'A');
  const b = await startSession(u, 'B');
  const c = await startSession(u, 'C');
  const aSocket = await sessionSocket(a);
  const bSocket = await sessionSocket(b);
  const cSocket = await sessionSocket(c);
  const signedSocket = await openSocket(ex.baseUrl, u.rest.authHeaders('GET', '/api/v1/ws'));

  const noCsrf = await call('DELETE', SESSIONS, withCookie(a, false));
  assert.equal(noCsrf.code, 'CSRF_TOKEN_INVALID');
  assert.equal((await list(withCookie(a, false))).length, 3);

  const r = await call('DELETE', SESSIONS, withCookie(a));
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { revoked: 2 });
  await closedAsRevoked(bSocket);
  await closedAsRevoked(cSocket);
  assert.equal(await works(b), false);
  assert.equal(await works(c), false);
  assert.ok(await works(a));
  await stillOpen(aSocket);
  assert.deepEqual(
    (await list(withCookie(a, false))).map((x) => x.current),
    [true],
  );

  const signed = await call('DELETE', SESSIONS, u.rest.authHeaders('DELETE', SESSIONS));
  assert.deepEqual(signed.json, { revoked: 1 });
  await closedAsRevoked(aSocket);
  assert.equal(await works(a), false);
  await stillOpen(signedSocket);
  signedSocket.ws.close();
});

test('logout closes the sockets of that session only', async () => {
  const u = await userWithPassword();
  const a = await startSession(u);
  const b = await startSession(u);
  const aSocket = await sessionSocket(a);
  const bSocket = await sessionSocket(b);
  const r = await call('POST', '/api/v1/session/logout', withCookie(a));
  assert.equal(r.status, 200);
  await closedAsRevoked(aSocket);
  await stillOpen(bSocket);
  bSocket.ws.close();
});

test('the session endpoints and SESSION_NOT_FOUND are in the OpenAPI document', async () => {
  const doc = (await (await fetch(`${ex.baseUrl}/openapi.json`)).json()) as {
    paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    'x-error-codes': { code: string; status: number }[];
  };
  assert.ok(doc.paths[SESSIONS]?.get?.responses['200']);
  assert.ok(doc.paths[SESSIONS]?.delete);
  assert.ok(doc.paths[`${SESSIONS}/{sessionId}`]?.delete);
  assert.deepEqual(
    doc['x-error-codes'].find((e) => e.code === 'SESSION_NOT_FOUND'),
    { code: 'SESSION_NOT_FOUND', status: 404, message: 'No such session for this user.' },
  );
});

test('an auth store from before session ids gives its live sessions ids and keeps them working', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bourse-auth-'));
  try {
    const path = join(dir, 'auth.db');
    const old = new DatabaseSync(path);
    old.exec(`
      CREATE TABLE users (user_id INTEGER PRIMARY KEY, username TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL, account_id INTEGER NOT NULL UNIQUE, password_hash TEXT,
        created_at INTEGER NOT NULL, disabled INTEGER NOT NULL DEFAULT 0);
      CREATE TABLE sessions (token_hash TEXT PRIMARY KEY, user_id INTEGER NOT NULL,
        csrf_token TEXT NOT NULL, expires_at INTEGER NOT NULL);
      INSERT INTO users VALUES (1, 'old', 'trader', 1, NULL, 0, 0);
    `);
    const token = 'an-old-session-token';
    old
      .prepare('INSERT INTO sessions VALUES (?, 1, ?, ?)')
      .run(createHash('sha256').update(token).digest('hex'), 'csrf', Date.now() + 3_600_000);
    old.close();
    const store = new AuthStore(path);
    const found = await store.session(token, Date.now());
    assert.equal(found?.userId, 1);
    assert.equal(found?.lastSeenAt, null);
    const [listed] = await store.sessions(1, Date.now());
    assert.equal(listed!.sessionId, found!.sessionId);
    assert.match(listed!.sessionId, /^[0-9a-f]{32}$/);
    assert.equal(listed!.createdAt, null);
    assert.equal(listed!.userAgent, null);
    assert.equal(await store.deleteSessionById(1, listed!.sessionId, Date.now()), true);
    assert.deepEqual(await store.sessions(1, Date.now()), []);
    await store.close();
    // Opening again changes nothing more.
    new AuthStore(path).close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a dead session cookie is answered 401 with the cookie dropped, a live one is kept', async () => {
  const u = await userWithPassword();
  const a = await startSession(u, 'A');
  const b = await startSession(u, 'B');
  const bId = (await list(withCookie(a, false))).find((x) => !x.current)!.sessionId;
  assert.equal((await call('DELETE', `${SESSIONS}/${bId}`, withCookie(a))).status, 200);

  const res = await fetch(`${ex.baseUrl}/api/v1/account`, { headers: { cookie: b.cookie } });
  assert.equal(res.status, 401);
  assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'UNAUTHENTICATED');
  const dropped = res.headers.get('set-cookie') ?? '';
  assert.match(dropped, /^bourse_session=;/);
  assert.match(dropped, /Max-Age=0/);

  // A live session refused for another reason (no CSRF header on a DELETE) keeps its cookie.
  const noCsrf = await fetch(`${ex.baseUrl}${SESSIONS}/${bId}`, {
    method: 'DELETE',
    headers: { cookie: a.cookie },
  });
  assert.equal(noCsrf.status, 403);
  assert.equal(noCsrf.headers.get('set-cookie'), null);
  assert.ok(await works(a));

  // The socket handshake with the dead cookie says the same, so the browser reconnects as a visitor.
  const { WebSocket } = await import('ws');
  const handshake = await new Promise<{ status: number; setCookie: string }>((resolve, reject) => {
    const ws = new WebSocket(`${ex.baseUrl.replace(/^http/, 'ws')}/api/v1/ws`, {
      headers: { cookie: b.cookie },
    });
    ws.once('unexpected-response', (_req, r) => {
      resolve({ status: r.statusCode ?? 0, setCookie: String(r.headers['set-cookie'] ?? '') });
      ws.terminate();
    });
    ws.once('open', () => reject(new Error('a dead cookie opened a socket')));
    ws.once('error', () => {});
  });
  assert.equal(handshake.status, 401);
  assert.match(handshake.setCookie, /^bourse_session=;.*Max-Age=0/);
});
