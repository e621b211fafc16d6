// HTML answers carry the browser security headers: a Content-Security-Policy that forbids framing and
// foreign scripts, X-Frame-Options, Referrer-Policy and nosniff; Strict-Transport-Security only when
// the page came over TLS (the server's own, or a proxy's that says so in X-Forwarded-Proto). The TLS
// case runs the gateway with its own TLS option and the self-signed test certificate in fixtures/
// (made for 127.0.0.1 and localhost; its key is a test fixture, not a secret).

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type IncomingHttpHeaders, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { openExchangeCore } from '@bourse/core';
import { AuthStore, createGateway, type Gateway } from '../src/index.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const CERT = fixture('tls-test.crt');

interface Served {
  readonly gateway: Gateway;
  readonly port: number;
  close(): Promise<void>;
}

let dir: string;
let plain: Served;
let tls: Served;

async function serve(withTls: boolean): Promise<Served> {
  const dataDir = mkdtempSync(join(dir, 'data-'));
  const core = await openExchangeCore({ dataDir });
  const authStore = new AuthStore(join(dataDir, 'auth.db'));
  const gateway = createGateway({
    core,
    authStore,
    webDir: join(dir, 'web'),
    ...(withTls ? { tls: { cert: CERT, key: fixture('tls-test.key') } } : {}),
  });
  await gateway.ready;
  await new Promise<void>((resolve) => gateway.server.listen(0, '127.0.0.1', resolve));
  return {
    gateway,
    port: (gateway.server.address() as AddressInfo).port,
    async close() {
      await gateway.close();
      await core.close();
      authStore.close();
    },
  };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bourse-headers-'));
  // A stand-in for the built web UI: an index page and one asset.
  mkdirSync(join(dir, 'web', 'assets'), { recursive: true });
  writeFileSync(join(dir, 'web', 'index.html'), '<!doctype html><title>app</title>');
  writeFileSync(join(dir, 'web', 'assets', 'app.js'), 'console.log(1)');
  plain = await serve(false);
  tls = await serve(true);
});
after(async () => {
  await plain?.close();
  await tls?.close();
  rmSync(dir, { recursive: true, force: true });
});

function get(
  s: Served,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: IncomingHttpHeaders }> {
  const secure = s === tls;
  const request = secure ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: s.port, path, headers, ...(secure ? { ca: CERT } : {}) },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const HTML_PATHS = ['/', '/markets/TEST-26-YES', '/docs'];

function assertBrowserHeaders(path: string, h: IncomingHttpHeaders): void {
  const csp = String(h['content-security-policy'] ?? '');
  assert.match(csp, /frame-ancestors 'none'/, path);
  assert.match(csp, /default-src '(self|none)'/, path);
  assert.match(csp, /object-src 'none'|default-src 'none'/, path);
  assert.match(csp, /base-uri 'none'/, path);
  assert.doesNotMatch(csp, /unsafe-eval/, path);
  assert.equal(h['x-frame-options'], 'DENY', path);
  assert.equal(h['referrer-policy'], 'no-referrer', path);
  assert.equal(h['x-content-type-options'], 'nosniff', path);
}

test('HTML pages carry CSP, frame and referrer headers; no HSTS over plain HTTP', async () => {
  for (const path of HTML_PATHS) {
    const r = await get(plain, path);
    assert.equal(r.status, 200, path);
    assert.match(String(r.headers['content-type']), /^text\/html/, path);
    assertBrowserHeaders(path, r.headers);
    assert.equal(r.headers['strict-transport-security'], undefined, path);
  }
});

test('the web UI’s own scripts are allowed, inline and foreign ones are not', async () => {
  const csp = String((await get(plain, '/')).headers['content-security-policy']);
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.match(csp, /connect-src 'self'/);
  // The installable app's service worker and manifest.
  assert.match(csp, /worker-src 'self'/);
  assert.match(csp, /manifest-src 'self'/);
  const asset = await get(plain, '/assets/app.js');
  assert.equal(asset.headers['x-content-type-options'], 'nosniff');
});

test('over the server’s own TLS, HTML pages also carry HSTS', async () => {
  for (const path of HTML_PATHS) {
    const r = await get(tls, path);
    assert.equal(r.status, 200, path);
    assertBrowserHeaders(path, r.headers);
    assert.match(String(r.headers['strict-transport-security']), /^max-age=\d{7,}/, path);
  }
  const health = await get(tls, '/healthz');
  assert.equal(health.status, 200);
});

test('behind a TLS-terminating proxy (X-Forwarded-Proto: https) HTML pages carry HSTS', async () => {
  const r = await get(plain, '/', { 'x-forwarded-proto': 'https' });
  assert.match(String(r.headers['strict-transport-security']), /^max-age=/);
});
