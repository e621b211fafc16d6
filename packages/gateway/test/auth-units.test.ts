// Unit tests of the auth building blocks: token buckets, the replay guard, signature verification for
// RSA-PSS and Ed25519 exactly as Kalshi signs, password hashes, the router, the logger's redaction and
// the expiry schedule of sockets.

import assert from 'node:assert/strict';
import { constants, generateKeyPairSync, sign } from 'node:crypto';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { RequestSigner } from '@bourse/client';
import {
  ExpirySchedule,
  hashPassword,
  parsePublicKey,
  signingMessage,
  TokenBuckets,
  verifyPassword,
  verifySignature,
} from '../src/index.ts';
import { AuthStore } from '../src/auth/auth-store.ts';
import { Authenticator } from '../src/auth/authenticator.ts';
import { ReplayGuard } from '../src/auth/replay-guard.ts';
import { ReplayLog } from '../src/auth/replay-log.ts';
import type { Principal } from '../src/auth/roles.ts';
import { Router } from '../src/http/router.ts';
import { createLogger } from '../src/ops/logger.ts';

test('expiry schedule: due items come out earliest first, removed ones never', () => {
  const schedule = new ExpirySchedule<number>();
  // A seeded walk of adds, removals and sweeps, checked against a plain list.
  let seed = 7;
  const rand = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed % n;
  };
  const live = new Map<number, { at: number; entry: ReturnType<typeof schedule.add> }>();
  let now = 0;
  for (let id = 0; id < 3_000; id++) {
    const at = now + rand(500);
    live.set(id, { at, entry: schedule.add(id, at) });
    if (rand(3) === 0) {
      const victim = [...live.keys()][rand(live.size)]!;
      schedule.remove(live.get(victim)!.entry);
      schedule.remove(live.get(victim)!.entry); // a second removal changes nothing
      live.delete(victim);
    }
    if (rand(10) === 0) {
      now += rand(100);
      const due = schedule.due(now);
      const expected = [...live]
        .filter(([, v]) => v.at <= now)
        .sort((a, b) => a[1].at - b[1].at)
        .map(([k]) => k);
      assert.deepEqual(
        due.map((k) => live.get(k)!.at),
        expected.map((k) => live.get(k)!.at),
      );
      assert.deepEqual(new Set(due), new Set(expected));
      for (const k of due) live.delete(k);
      assert.equal(schedule.size, live.size);
      const next = Math.min(...[...live.values()].map((v) => v.at));
      assert.equal(schedule.next, live.size === 0 ? undefined : next);
    }
  }
  assert.deepEqual(schedule.due(Number.MAX_SAFE_INTEGER).length, live.size);
  assert.equal(schedule.size, 0);
});

test('token bucket: burst, refusal with retry-after, refill over time', () => {
  const b = new TokenBuckets();
  const cfg = { capacity: 3, refillPerSecond: 1 };
  for (let i = 0; i < 3; i++) assert.equal(b.take('k', cfg, 1_000).ok, true);
  assert.deepEqual(b.take('k', cfg, 1_000), { ok: false, retryAfterSeconds: 1 });
  assert.equal(b.take('k', cfg, 2_000).ok, true);
  assert.deepEqual(b.take('k', cfg, 2_000, 3), { ok: false, retryAfterSeconds: 3 });
});

test('token bucket map stays bounded', () => {
  const b = new TokenBuckets(100);
  for (let i = 0; i < 1_000; i++) b.take(`ip:${i}`, { capacity: 10, refillPerSecond: 1 }, i);
  assert.ok(b.size <= 100);
});

test('replay guard remembers signatures inside the window and forgets after', () => {
  const g = new ReplayGuard(1_000, 9_000);
  const sig = (s: string) => Buffer.from(s);
  assert.equal(g.remember(sig('a'), 10_000, 10_000), true);
  assert.equal(g.remember(sig('a'), 10_000, 10_500), false);
  assert.equal(g.remember(sig('b'), 10_600, 10_600), true);
  assert.equal(g.remember(sig('c'), 12_000, 12_000), true);
  assert.equal(g.size, 1);
});

test('replay log: a restart remembers live signatures, and dead generations are deleted', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bourse-replay-log-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const W = 1_000;
  const first = new ReplayGuard(W, 10_000, new ReplayLog(dir, W));
  assert.equal(first.remember(Buffer.from('early'), 10_000, 10_000), true);
  assert.equal(first.remember(Buffer.from('ahead'), 10_900, 10_100), true);
  // A later generation; the first one is deleted once nothing in it can be live (3 windows on).
  assert.equal(first.remember(Buffer.from('later'), 11_500, 11_500), true);
  first.close();
  assert.equal(readdirSync(dir).length, 2);
  const restarted = new ReplayGuard(W, 11_200, new ReplayLog(dir, W));
  assert.equal(restarted.size, 2, 'the expired entry is not loaded');
  assert.equal(restarted.remember(Buffer.from('ahead'), 10_900, 11_300), false);
  assert.equal(restarted.remember(Buffer.from('later'), 11_500, 11_300), false);
  assert.equal(restarted.remember(Buffer.from('new'), 15_000, 15_000), true);
  restarted.close();
  assert.deepEqual(readdirSync(dir), ['replay-15000.bin']);
  // A record cut short by a crash is ignored.
  appendFileSync(join(dir, 'replay-15000.bin'), Buffer.alloc(5));
  const third = new ReplayGuard(W, 15_100, new ReplayLog(dir, W));
  assert.equal(third.size, 1);
  third.close();
});

test('replay log: a failed write (a full disk) keeps the signature in memory and is reported once', (t) => {
  if (!existsSync('/dev/full')) return t.skip('no /dev/full here');
  const dir = mkdtempSync(join(tmpdir(), 'bourse-replay-full-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // The generation file the log will open at 50_000 is the device that answers every write ENOSPC.
  symlinkSync('/dev/full', join(dir, 'replay-50000.bin'));
  const errors: unknown[] = [];
  const g = new ReplayGuard(1_000, 50_000, new ReplayLog(dir, 1_000, (e) => errors.push(e)));
  assert.equal(g.remember(Buffer.from('a'), 50_000, 50_000), true);
  assert.equal(g.remember(Buffer.from('a'), 50_000, 50_000), false, 'still refused as a replay');
  assert.equal(g.remember(Buffer.from('b'), 50_000, 50_000), true);
  assert.equal(errors.length, 1);
  assert.equal((errors[0] as NodeJS.ErrnoException).code, 'ENOSPC');
  g.close();
});

test('replay guard: what was signed before it started cannot be vouched for', () => {
  const g = new ReplayGuard(30_000, 100_000);
  assert.equal(g.signedBeforeStart(99_999), true);
  assert.equal(g.signedBeforeStart(100_000), false);
  assert.equal(g.signedBeforeStart(100_500), false);
});

test('RSA-PSS signatures made as Kalshi documents verify; tampering does not', () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const parsed = parsePublicKey(pem);
  assert.equal(parsed?.type, 'rsa');
  const ts = '1700000000000';
  // Kalshi's reference: sign(ts + method + path) with PSS, MGF1(SHA-256), salt = digest length.
  const sig = sign('sha256', Buffer.from(`${ts}GET/api/v1/portfolio/balances`), {
    key: privateKey,
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
  }).toString('base64');
  const msg = signingMessage(ts, 'get', '/api/v1/portfolio/balances?limit=5');
  assert.equal(verifySignature(parsed!.key, 'rsa', msg, sig), true);
  assert.equal(
    verifySignature(
      parsed!.key,
      'rsa',
      signingMessage(ts, 'POST', '/api/v1/portfolio/balances'),
      sig,
    ),
    false,
  );
  assert.equal(verifySignature(parsed!.key, 'rsa', msg, 'AAAA'), false);
  const sdk = new RequestSigner({ keyId: 'k', privateKey });
  const h = sdk.headers('GET', '/api/v1/portfolio/balances', 1_700_000_000_000);
  assert.equal(verifySignature(parsed!.key, 'rsa', msg, h['KALSHI-ACCESS-SIGNATURE']!), true);
});

test('Ed25519 signatures verify; small RSA keys and garbage are refused', () => {
  const ed = generateKeyPairSync('ed25519');
  const parsed = parsePublicKey(ed.publicKey.export({ type: 'spki', format: 'pem' }).toString());
  assert.equal(parsed?.type, 'ed25519');
  const h = new RequestSigner({ keyId: 'k', privateKey: ed.privateKey }).headers(
    'DELETE',
    '/api/v1/orders/5',
    42,
  );
  assert.equal(
    verifySignature(
      parsed!.key,
      'ed25519',
      signingMessage('42', 'DELETE', '/api/v1/orders/5'),
      h['KALSHI-ACCESS-SIGNATURE']!,
    ),
    true,
  );
  const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
  assert.equal(
    parsePublicKey(small.publicKey.export({ type: 'spki', format: 'pem' }).toString()),
    undefined,
  );
  assert.equal(parsePublicKey('not a key'), undefined);
});

test('password hashes are salted scrypt and verify only the right password', async () => {
  const a = await hashPassword('hunter22');
  const b = await hashPassword('hunter22');
  assert.notEqual(a, b);
  assert.match(a, /^scrypt\$16384\$8\$1\$/);
  assert.equal(await verifyPassword('hunter22', a), true);
  assert.equal(await verifyPassword('hunter23', a), false);
});

test('router: static first, params decoded, 405 for another method', () => {
  const r = new Router<string>();
  r.add('GET', '/a/b', 'static');
  r.add('GET', '/a/:id', 'param');
  r.add('DELETE', '/a/:id/x', 'del');
  assert.deepEqual(r.match('GET', '/a/b'), { route: 'static', params: {} });
  assert.deepEqual(r.match('GET', '/a/X%20Y'), { route: 'param', params: { id: 'X Y' } });
  assert.equal(r.match('GET', '/a/1/x'), 'method');
  assert.equal(r.match('GET', '/nope'), undefined);
});

test('the logger redacts secrets however deep', () => {
  const lines: string[] = [];
  const log = createLogger({ write: (l) => lines.push(l) });
  log.info('login', { user: 'a', password: 'p', nested: { privateKeyPem: 'x', ok: 1 } });
  const rec = JSON.parse(lines[0]!);
  assert.equal(rec.password, '[redacted]');
  assert.equal(rec.nested.privateKeyPem, '[redacted]');
  assert.equal(rec.nested.ok, 1);
});

/** A fresh auth store in a temporary directory with one trader, removed after the test. */
async function authFixture(t: TestContext, username: string) {
  const dir = mkdtempSync(join(tmpdir(), 'bourse-auth-'));
  const store = new AuthStore(join(dir, 'auth.db'));
  t.after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const user = await store.createUser({ username, role: 'trader', now: 1 });
  /** Registers a new key of the type for the user; its signer signs as a client would. */
  const addKey = async (type: 'ed25519' | 'rsa' = 'ed25519') => {
    const pair =
      type === 'rsa'
        ? generateKeyPairSync('rsa', { modulusLength: 2048 })
        : generateKeyPairSync('ed25519');
    const key = await store.addApiKey({
      userId: user.userId,
      publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      scopes: ['read', 'trade'],
      label: type,
      now: 1,
    });
    return {
      keyId: key.keyId,
      signer: new RequestSigner({ keyId: key.keyId, privateKey: pair.privateKey }),
    };
  };
  return { store, user, addKey };
}

/** Header names in lower case, as node:http hands them over. */
const lower = (h: Record<string, string>) =>
  Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));

/** What authentication made of the request: the user, anonymous, or the error code. */
async function outcomeOf(attempt: () => Principal | undefined | Promise<Principal | undefined>) {
  try {
    const p = await attempt();
    return p === undefined ? 'anonymous' : `user ${p.userId}`;
  } catch (error) {
    return (error as { code: string }).code;
  }
}

const WINDOW = { timestampWindowMs: 30_000 };

test('a request signed before a restart is refused after it, though inside the window', async (t) => {
  const { store, user, addKey } = await authFixture(t, 'ann');
  const { signer } = await addKey();
  let now = 1_700_000_000_000;
  const headers = lower(signer.headers('POST', '/api/v1/orders', now + 1_000));
  const code = (auth: Authenticator) =>
    outcomeOf(() => auth.authenticate('POST', '/api/v1/orders', headers));
  const first = new Authenticator(store, () => now, WINDOW);
  now += 2_000;
  assert.equal(await code(first), `user ${user.userId}`);
  assert.equal(await code(first), 'REPLAYED_SIGNATURE');
  // The process restarts 3 s later: the same signature is still inside the 30 s window, and the new
  // process has no memory of it.
  now += 3_000;
  const restarted = new Authenticator(store, () => now, WINDOW);
  assert.equal(await code(restarted), 'REPLAYED_SIGNATURE');
  // Signed again after the start: accepted.
  const fresh = lower(signer.headers('POST', '/api/v1/orders', now + 1));
  assert.equal(
    (await restarted.authenticate('POST', '/api/v1/orders', fresh))?.userId,
    user.userId,
  );
});

test('requests verify signatures off the event loop with the same outcomes as handshakes', async (t) => {
  const { store, user, addKey } = await authFixture(t, 'bea');
  const now = 1_700_000_000_000;
  const auth = new Authenticator(store, () => now, WINDOW);
  const request = (headers: Record<string, string>, path = '/api/v1/orders') =>
    outcomeOf(() => auth.authenticateRequest('POST', path, headers));
  const handshake = (headers: Record<string, string>) =>
    outcomeOf(() => auth.authenticate('POST', '/api/v1/orders', headers));
  for (const type of ['ed25519', 'rsa'] as const) {
    const { signer } = await addKey(type);
    let ts = now + 1;
    const good = () => lower(signer.headers('POST', '/api/v1/orders', ts++));
    assert.equal(await request(good()), `user ${user.userId}`, type);
    // Signed for another path, a bad signature, an empty one, a stale timestamp, an unknown key.
    assert.equal(await request(good(), '/api/v1/orders/batch'), 'BAD_SIGNATURE', type);
    assert.equal(
      await request({ ...good(), 'kalshi-access-signature': 'AAAA' }),
      'BAD_SIGNATURE',
      type,
    );
    assert.equal(await request({ ...good(), 'kalshi-access-signature': '' }), 'BAD_SIGNATURE');
    const stale = lower(signer.headers('POST', '/api/v1/orders', now - 60_000));
    assert.equal(await request(stale), 'TIMESTAMP_OUT_OF_WINDOW');
    assert.equal(await request({ ...good(), 'kalshi-access-key': 'nope' }), 'UNKNOWN_API_KEY');
    // One signature sent twice at once: both are verified concurrently, exactly one is accepted.
    const twice = good();
    const both = await Promise.all([request(twice), request(twice)]);
    assert.deepEqual(both.sort(), ['REPLAYED_SIGNATURE', `user ${user.userId}`].sort());
    // And the handshake path refuses what the request path already accepted.
    assert.equal(await handshake(twice), 'REPLAYED_SIGNATURE');
  }
  // No signature headers: the unsigned rules, unchanged.
  assert.equal(await request({}), 'anonymous');
});

test('a key revoked while its request is being verified is refused', async (t) => {
  const { store, user, addKey } = await authFixture(t, 'cy');
  const { keyId, signer } = await addKey();
  const now = 1_700_000_000_000;
  const auth = new Authenticator(store, () => now, WINDOW);
  const headers = lower(signer.headers('POST', '/api/v1/orders', now + 1));
  const pending = auth.authenticateRequest('POST', '/api/v1/orders', headers);
  // The verification is on the thread pool now; the key is revoked before it answers.
  store.revokeApiKey(user.userId, keyId, now);
  auth.forgetKey(keyId);
  await assert.rejects(pending, { code: 'UNKNOWN_API_KEY' });
});
