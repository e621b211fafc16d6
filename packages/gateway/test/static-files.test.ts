// The web UI's files go out precompressed when the client takes it: brotli first, then gzip, else
// as they are; every text answer says it varies by Accept-Encoding, and only hashed assets are cached
// for a year (never the service worker or the web app manifest).

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { accepts, serveWebApp } from '../src/ops/static-files.ts';

let dir: string;
let server: Server;
let port: number;
const SCRIPT = 'console.log("bourse");\n'.repeat(200);

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bourse-static-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Bourse</title>');
  writeFileSync(join(dir, 'assets', 'app-1a2b.js'), SCRIPT);
  writeFileSync(join(dir, 'assets', 'app-1a2b.js.br'), brotliCompressSync(SCRIPT));
  writeFileSync(join(dir, 'assets', 'app-1a2b.js.gz'), gzipSync(SCRIPT));
  writeFileSync(join(dir, 'sw.js'), 'self.addEventListener("fetch", () => {});\n');
  writeFileSync(join(dir, 'manifest.webmanifest'), '{"name":"Bourse"}\n');
  server = createServer((req, res) => {
    if (!serveWebApp(req, res, req.url ?? '/', dir)) {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

after(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The raw answer's headers (no client-side decompression). */
function get(path: string, acceptEncoding?: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const headers = acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding };
    request({ host: '127.0.0.1', port, path, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.headers));
    })
      .on('error', reject)
      .end();
  });
}

test('a hashed script: brotli, then gzip, else plain; Vary and a year’s cache on each', async () => {
  for (const [accept, encoding] of [
    ['gzip, deflate, br, zstd', 'br'],
    ['gzip, deflate', 'gzip'],
    ['br;q=0, gzip', 'gzip'],
    ['identity', undefined],
    [undefined, undefined],
  ] as const) {
    const h = await get('/assets/app-1a2b.js', accept);
    assert.equal(h['content-encoding'], encoding, String(accept));
    assert.equal(h.vary, 'Accept-Encoding');
    assert.equal(h['cache-control'], 'public, max-age=31536000, immutable');
  }
  const page = await get('/portfolio', 'br');
  assert.equal(page['content-encoding'], undefined); // too small to have been compressed
  assert.equal(page.vary, 'Accept-Encoding');
  assert.equal(page['cache-control'], 'no-cache');
});

test('the service worker and manifest: their own types, revalidated on every load', async () => {
  // An immutable worker would keep installed apps on an old build for a year.
  const worker = await get('/sw.js', 'br');
  assert.equal(worker['content-type'], 'text/javascript; charset=utf-8');
  assert.equal(worker['cache-control'], 'no-cache');
  const manifest = await get('/manifest.webmanifest');
  assert.equal(manifest['content-type'], 'application/manifest+json');
  assert.equal(manifest['cache-control'], 'no-cache');
  assert.equal(manifest.vary, 'Accept-Encoding');
});

test('Accept-Encoding: listed names, q-values and the wildcard', () => {
  assert.equal(accepts('gzip, br', 'br'), true);
  assert.equal(accepts('gzip;q=0.5', 'gzip'), true);
  assert.equal(accepts('br;q=0', 'br'), false);
  assert.equal(accepts('*', 'br'), true);
  assert.equal(accepts('*, br;q=0', 'br'), false);
  assert.equal(accepts(undefined, 'gzip'), false);
});
