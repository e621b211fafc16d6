// What stops being valid when credentials are withdrawn, announced so that holders of long-lived
// connections (WebSockets authenticated once, at the handshake) can close them at once instead of
// keeping the access the credentials granted. Credentials that simply run out (a bearer token's or a
// session's expiry) end their sockets too, with their own reason (see `ExpirySchedule`).

import type { Principal } from './roles.ts';

export type Revocation =
  /** An API key was revoked: its signed sockets and its tokens end. */
  | { readonly kind: 'key'; readonly keyId: string }
  /** A bearer token was revoked (by its holder). */
  | { readonly kind: 'token'; readonly tokenHash: string }
  /** A web session ended (logout, or revoked by its owner). */
  | { readonly kind: 'session'; readonly sessionId: string }
  /** A user was disabled or changed role: every connection of the user ends. */
  | { readonly kind: 'user'; readonly userId: number };

/** True when a connection authenticated as `p` must end because of `r`. */
export function revokes(r: Revocation, p: Principal): boolean {
  switch (r.kind) {
    case 'key':
      return p.keyId === r.keyId;
    case 'token':
      return p.tokenHash === r.tokenHash;
    case 'session':
      return p.sessionId === r.sessionId;
    case 'user':
      return p.userId === r.userId;
    default: {
      const never: never = r;
      throw new Error(`unknown revocation ${JSON.stringify(never)}`);
    }
  }
}

/** The close code and reason a revoked socket gets (RFC 6455 1008: policy violation). */
export const REVOKED_CLOSE_CODE = 1008;
export const REVOKED_CLOSE_REASON = 'CREDENTIALS_REVOKED';
/**
 * The reason a socket gets (with the same 1008) when the bearer token or session that opened it
 * reaches its expiry (`Principal.expiresAt`): a new token or login opens a new socket.
 */
export const EXPIRED_CLOSE_REASON = 'CREDENTIALS_EXPIRED';
