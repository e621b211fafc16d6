// Serves the built web UI (apps/web/dist) beside the API: exact files when they exist, index.html for
// any other extensionless path (the UI routes on the client). Paths never leave the directory; hashed
// assets are cached for a year; index.html, the service worker (sw.js) and the manifest and icons are
// revalidated on every load, so a new deploy reaches installed apps; HTML carries the browser security headers. The
// build writes brotli and gzip copies beside each text file: a client that accepts one gets it
// (brotli first), with `Vary: Accept-Encoding` so caches keep the encodings apart. Answers false when
// the UI is not built, so the caller falls back to its landing page.

import { existsSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { APP_CSP, htmlSecurityHeaders } from './security-headers.ts';

export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../../../apps/web/dist', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/** Writes the file for `path` from `dir` and returns true, or returns false when there is none. */
export function serveWebApp(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  dir: string,
): boolean {
  const index = join(dir, 'index.html');
  if (!existsSync(index)) return false;
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return false;
  }
  const file = normalize(join(dir, decoded));
  const inside = file.startsWith(dir.endsWith(sep) ? dir : dir + sep);
  let target: string | undefined;
  if (inside && existsSync(file) && statSync(file).isFile()) target = file;
  else if (extname(decoded) === '') target = index;
  if (target === undefined) return false;
  const acceptEncoding = req.headers['accept-encoding'];
  const encoding = ENCODINGS.find(
    ([name, suffix]) => accepts(acceptEncoding, name) && existsSync(target + suffix),
  );
  const body = readFileSync(encoding === undefined ? target : target + encoding[1]);
  const immutable = target !== index && decoded.startsWith('/assets/');
  const type = TYPES[extname(target)] ?? 'application/octet-stream';
  res.writeHead(200, {
    'content-type': type,
    'content-length': body.length,
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    'x-content-type-options': 'nosniff',
    ...(type.startsWith('text/html') ? htmlSecurityHeaders(req, APP_CSP) : {}),
    ...(encoding === undefined ? {} : { 'content-encoding': encoding[0] }),
    // Whether or not this answer is compressed, another client's may be.
    ...(COMPRESSIBLE.test(type) ? { vary: 'Accept-Encoding' } : {}),
  });
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}

/** Precompressed copies, best first: the encoding and the suffix of its file. */
const ENCODINGS: readonly (readonly [string, string])[] = [
  ['br', '.br'],
  ['gzip', '.gz'],
];
const COMPRESSIBLE = /^(text\/|application\/(manifest\+)?json|image\/svg)/;

/** Whether an Accept-Encoding header takes `name` (listed, or `*`, with a q-value above 0). */
export function accepts(header: string | undefined, name: string): boolean {
  if (header === undefined) return false;
  let star = false;
  for (const part of header.split(',')) {
    const [token = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    if (token === name) return weight > 0;
    if (token === '*') star = weight > 0;
  }
  return star;
}
