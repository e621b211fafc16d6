// A captured signed request cannot be used again: not as sent, not with its signature re-encoded
// (leading or trailing junk, whitespace inside, base64url, padding removed or added, other unused
// bits), not with another body, not on the WebSocket handshake, and not after a restart. The native
// body-digest scheme binds the signature to the exact body bytes.

import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RequestSigner, RestClient } from '@bourse/client';
import { AuthStore } from '../src/auth/auth-store.ts';
import { Authenticator } from '../src/auth/authenticator.ts';
import { startTestExchange, type TestExchange, type TestUser } from './support/test-exchange.ts';
import { reencodings } from './support/signature-variants.ts';
import { WS_PATH } from './support/test-sockets.ts';

let ex: TestExchange;
let alice: TestUser;
let edKey: { keyId: string; privateKey: KeyObject };

before(async () => {
  ex = await startTestExchange();
  alice = await ex.addUser('alice', 'trader', 100_000_000);
  const pair = generateKeyPairSync('ed25519');
  const created = await alice.rest.request<{ keyId: string }>('POST', '/api/v1/account/api-keys', {
    publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    scopes: ['read', 'trade'],
  });
  edKey = { keyId: created.keyId, privateKey: pair.privateKey };
});
after(() => ex.close());

interface Sent {
  readonly status: number;
  readonly code: string | undefined;
}

async function send(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Sent> {
  const res = await fetch(`${ex.baseUrl}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body }),
  });
  const json = (await res.json().catch(() => undefined)) as
    | { error?: { code: string } }
    | undefined;
  return { status: res.status, code: json?.error?.code };
}

const orderBody = (priceTicks: number) =>
  JSON.stringify({ market: ex.market, side: 'buy', priceTicks, qtyLots: 100 });

async function openOrdersAt(priceTicks: number): Promise<number> {
  const open = await alice.rest.openOrders();
  return open.items.filter((o) => o.priceTicks === priceTicks).length;
}

const SIG = 'KALSHI-ACCESS-SIGNATURE';

for (const [keyName, signer] of [
  ['RSA', () => new RequestSigner({ keyId: alice.keyId, privateKey: alice.privateKeyPem })],
  ['Ed25519', () => new RequestSigner(edKey)],
] as const) {
  test(`${keyName}: a used signature, re-encoded, is refused and the order is placed once`, async () => {
    const priceTicks = keyName === 'RSA' ? 2_100 : 2_200;
    const headers = signer().headers('POST', '/api/v1/orders', Date.now());
    const first = await send('POST', '/api/v1/orders', headers, orderBody(priceTicks));
    assert.equal(first.status, 201);
    for (const [name, variant] of reencodings(headers[SIG]!)) {
      const r = await send(
        'POST',
        '/api/v1/orders',
        { ...headers, [SIG]: variant },
        orderBody(priceTicks),
      );
      assert.equal(r.status, 401, `${name}: ${JSON.stringify(r)}`);
    }
    assert.equal(await openOrdersAt(priceTicks), 1);
  });

  test(`${keyName}: a fresh signature written non-canonically is refused (strict decoding)`, async () => {
    let ts = Date.now();
    for (const [name] of reencodings(signer().headers('GET', '/api/v1/account', ts)[SIG]!)) {
      // Each attempt gets its own timestamp, so none of them is a replay of another.
      const headers = signer().headers('GET', '/api/v1/account', ++ts);
      const rewritten = reencodingOf(name, Buffer.from(headers[SIG]!, 'base64'));
      if (rewritten === headers[SIG]) continue; // base64url of bytes that need neither - nor _
      const r = await send('GET', '/api/v1/account', { ...headers, [SIG]: rewritten });
      assert.deepEqual([name, r.status, r.code], [name, 401, 'BAD_SIGNATURE']);
    }
  });
}

/** The re-encoding called `name` of a canonical signature's bytes. */
function reencodingOf(name: string, raw: Buffer): string {
  return reencodings(raw.toString('base64')).find(([n]) => n === name)![1];
}

test('a signature of the wrong length for the key type is refused', async () => {
  const headers = new RequestSigner(edKey).headers('GET', '/api/v1/account', Date.now());
  const raw = Buffer.from(headers[SIG]!, 'base64');
  for (const bytes of [
    raw.subarray(0, 63),
    Buffer.concat([raw, Buffer.alloc(3)]),
    Buffer.alloc(0),
  ]) {
    const r = await send('GET', '/api/v1/account', { ...headers, [SIG]: bytes.toString('base64') });
    assert.deepEqual([r.status, r.code], [401, 'BAD_SIGNATURE']);
  }
});

test('a used signature sent with another body is refused', async () => {
  const headers = new RequestSigner(edKey).headers('POST', '/api/v1/orders', Date.now());
  assert.equal((await send('POST', '/api/v1/orders', headers, orderBody(2_300))).status, 201);
  const other = await send('POST', '/api/v1/orders', headers, orderBody(2_400));
  assert.deepEqual([other.status, other.code], [401, 'REPLAYED_SIGNATURE']);
  assert.equal(await openOrdersAt(2_400), 0);
});

const BODY_SHA256 = 'BOURSE-ACCESS-BODY-SHA256';

test('body-digest signatures: the body is bound to the signature', async () => {
  const signer = new RequestSigner(edKey);
  const body = orderBody(2_500);
  const other = orderBody(2_600);
  const sha = (s: string) => createHash('sha256').update(s).digest('hex');
  const cases: [string, Record<string, string>, string][] = [];
  const signed = () => signer.headersWithBody('POST', '/api/v1/orders', Date.now(), body);
  cases.push(['another body', signed(), other]);
  cases.push(['the digest of another body', { ...signed(), [BODY_SHA256]: sha(other) }, other]);
  const stripped = signed();
  delete stripped[BODY_SHA256];
  cases.push(['the digest header removed', stripped, body]);
  cases.push(['a malformed digest', { ...signed(), [BODY_SHA256]: sha(body).toUpperCase() }, body]);
  for (const [name, headers, sent] of cases) {
    const r = await send('POST', '/api/v1/orders', headers, sent);
    assert.deepEqual([name, r.status], [name, 401], JSON.stringify(r));
  }
  assert.equal(await openOrdersAt(2_600), 0);
  assert.equal(await openOrdersAt(2_500), 0);
  const good = signed();
  assert.equal(good[BODY_SHA256], sha(body));
  assert.equal((await send('POST', '/api/v1/orders', good, body)).status, 201);
  const replay = await send('POST', '/api/v1/orders', good, body);
  assert.deepEqual([replay.status, replay.code], [401, 'REPLAYED_SIGNATURE']);
  assert.equal(await openOrdersAt(2_500), 1);
});

test('the client signs native requests with the body digest', async () => {
  const seen: { headers: Record<string, unknown>; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      seen.push({ headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const rest = new RestClient({ baseUrl: `http://127.0.0.1:${port}`, credentials: edKey });
    await rest.request('POST', '/api/v1/orders', { market: ex.market, qtyLots: 1 });
    await rest.request('GET', '/api/v1/account');
    for (const { headers, body } of seen) {
      const digest = createHash('sha256').update(body).digest('hex');
      assert.equal(headers[BODY_SHA256.toLowerCase()], digest);
    }
    assert.equal(seen.length, 2);
  } finally {
    server.close();
  }
  // And the exchange takes it.
  const before = await openOrdersAt(2_700);
  await alice.rest.placeOrder({ market: ex.market, side: 'buy', priceTicks: 2_700, qtyLots: 100 });
  assert.equal(await openOrdersAt(2_700), before + 1);
});

test('the OpenAPI document describes strict signatures and the body digest', async () => {
  const doc = (await (await fetch(`${ex.baseUrl}/openapi.json`)).json()) as {
    info: { description: string };
  };
  assert.match(doc.info.description, /BOURSE-ACCESS-BODY-SHA256/);
  assert.match(doc.info.description, /canonical base64/);
});

/** How the handshake was answered: 101 when it opened (closed again at once), else the status. */
function handshake(headers: Record<string, string>): Promise<number> {
  const ws = new WebSocket(`${ex.baseUrl.replace(/^http/, 'ws')}${WS_PATH}`, { headers });
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    ws.once('error', reject);
  });
}

test('WebSocket handshake: a used signature, re-encoded or not, does not open another socket', async () => {
  for (const signer of [
    new RequestSigner({ keyId: alice.keyId, privateKey: alice.privateKeyPem }),
    new RequestSigner(edKey),
  ]) {
    const headers = signer.headers('GET', WS_PATH, Date.now());
    assert.equal(await handshake(headers), 101);
    assert.equal(await handshake(headers), 401);
    for (const [name, variant] of reencodings(headers[SIG]!)) {
      assert.deepEqual([name, await handshake({ ...headers, [SIG]: variant })], [name, 401]);
    }
  }
});

test('used signatures are remembered across a restart for the whole window', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bourse-replay-'));
  const store = new AuthStore(join(dir, 'auth.db'));
  try {
    const pair = generateKeyPairSync('ed25519');
    const user = await store.createUser({ username: 'u', role: 'trader', now: 0 });
    const key = await store.addApiKey({
      userId: user.userId,
      publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      scopes: ['read', 'trade'],
      label: '',
      now: 0,
    });
    let now = 1_000_000;
    const options = { timestampWindowMs: 30_000, replayLogDir: join(dir, 'replay') };
    const first = new Authenticator(store, () => now, options);
    // A client whose clock runs 20 s ahead: its request is inside the window, and its timestamp
    // is after the restart below, so refusing what was signed before a start cannot catch it.
    const ts = String(now + 20_000);
    const path = '/api/v1/orders';
    const signature = sign(null, Buffer.from(`${ts}POST${path}`), pair.privateKey);
    const headers = {
      'kalshi-access-key': key.keyId,
      'kalshi-access-timestamp': ts,
      'kalshi-access-signature': signature.toString('base64'),
    };
    assert.equal((await first.authenticate('POST', path, headers))?.userId, user.userId);
    first.close();
    now += 2_000;
    const restarted = new Authenticator(store, () => now, options);
    await assert.rejects(restarted.authenticate('POST', path, headers), {
      code: 'REPLAYED_SIGNATURE',
    });
    await assert.rejects(restarted.authenticateRequest('POST', path, headers), {
      code: 'REPLAYED_SIGNATURE',
    });
    restarted.close();
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
