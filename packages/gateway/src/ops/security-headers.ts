// The headers a browser needs with every HTML page: a Content-Security-Policy (only this origin's
// scripts, styles and connections; no plugins, no <base>, no framing), X-Frame-Options for browsers
// without frame-ancestors, no Referer to other sites (URLs may carry market or order ids), nosniff, and
// Strict-Transport-Security when the page came over TLS. `servedOverTls` is also what marks the session
// cookie Secure.

import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

/** The web UI: its bundle is same-origin files (no inline script or style), it talks to this origin. */
export const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  // The installable app: its service worker (/sw.js) and web app manifest come from this origin.
  "worker-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The landing and API documentation pages: one inline style block, no scripts, nothing fetched. */
export const STATIC_PAGE_CSP = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** One year; browsers only take it from an HTTPS answer. */
const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * True when the client reached us over TLS: the server's own, or a TLS-terminating proxy's that says
 * so. The header is the client's word, but all it can do is add HSTS to an answer, which browsers
 * ignore on plain HTTP, or the Secure flag to a cookie.
 */
export function servedOverTls(req: IncomingMessage): boolean {
  return (
    (req.socket as TLSSocket).encrypted === true || req.headers['x-forwarded-proto'] === 'https'
  );
}

export function htmlSecurityHeaders(req: IncomingMessage, csp: string): Record<string, string> {
  const headers: Record<string, string> = {
    'content-security-policy': csp,
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
  };
  if (servedOverTls(req)) headers['strict-transport-security'] = HSTS;
  return headers;
}
