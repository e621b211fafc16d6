// The Kalshi socket's handshake: the per-address rate limit, the signed request (message
// `timestamp + GET + /trade-api/ws/v2`) or a web session from this origin, and Kalshi's error body on an
// HTTP response when it is refused.

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { ApiError, clientIp, type Principal, sameOrigin } from '@bourse/gateway';
import { toKalshiError } from '../kalshi-error.ts';
import type { KalshiDeps } from '../rest/kalshi-route.ts';

export const KALSHI_WS_PATH = '/trade-api/ws/v2';

/** Who opens the socket, or undefined once the refusal has been written to `socket`. */
export async function handshakePrincipal(
  deps: KalshiDeps,
  req: IncomingMessage,
  socket: Duplex,
): Promise<Principal | undefined> {
  const s = deps.services;
  try {
    const r = deps.buckets.take(`ip:${clientIp(req)}`, deps.limits.perIp, s.clock());
    if (!r.ok) throw Object.assign(new Error('rate'), { name: 'ApiError', code: 'RATE_LIMITED' });
    const principal = await s.authenticator.authenticate('GET', KALSHI_WS_PATH, req.headers);
    if (principal === undefined) {
      throw Object.assign(new Error('Sign the handshake.'), {
        name: 'ApiError',
        code: 'UNAUTHENTICATED',
      });
    }
    // As on the native socket: a page of another site must not ride this site's cookie.
    if (principal.via === 'session' && !sameOrigin(req)) {
      throw new ApiError('FORBIDDEN', 'Cross-origin socket.');
    }
    return principal;
  } catch (error) {
    const e = toKalshiError(error);
    const body = JSON.stringify(e.body());
    socket.end(
      `HTTP/1.1 ${e.status} ${e.code}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
    return undefined;
  }
}
