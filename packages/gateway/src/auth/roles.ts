// Roles of users and scopes of API keys. What a request may do is the intersection of the user's role and,
// for a signed request (or a bearer token minted by one), the key's scopes; a session (web UI) carries
// every scope its role allows. `credentials` (listing, creating and revoking API keys, listing and
// ending web sessions) is its own scope, so a leaked key that can read or trade cannot take over the
// account's other credentials; keys get it only when asked for.

import { type ApiTier, SCOPES, type Scope } from '@bourse/protocol';

export const ROLES = ['admin', 'market-maker', 'trader', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export { SCOPES, type Scope };

const ROLE_SCOPES: Record<Role, readonly Scope[]> = {
  admin: ['read', 'trade', 'admin', 'credentials'],
  'market-maker': ['read', 'trade', 'credentials'],
  trader: ['read', 'trade', 'credentials'],
  viewer: ['read', 'credentials'],
};

/** What a new API key gets when no scopes are asked for (less what its creator lacks). */
export const DEFAULT_KEY_SCOPES: readonly Scope[] = ['read', 'trade'];

export function roleScopes(role: Role): readonly Scope[] {
  return ROLE_SCOPES[role];
}

export function isRole(x: unknown): x is Role {
  return typeof x === 'string' && (ROLES as readonly string[]).includes(x);
}

/** Who is making a request, after authentication. */
export interface Principal {
  readonly userId: number;
  readonly username: string;
  readonly role: Role;
  readonly accountId: number;
  readonly scopes: ReadonlySet<Scope>;
  readonly via: 'key' | 'session';
  /** Key id for signed requests; rate limits are kept per key. */
  readonly keyId: string | undefined;
  /** For sessions: the token the CSRF header must match on unsafe methods. */
  readonly csrfToken: string | undefined;
  /** For bearer-token requests: the token's SHA-256 (never the token), so it can be revoked. */
  readonly tokenHash: string | undefined;
  /** For sessions: the session's public id (not its secret), so it can be listed and revoked. */
  readonly sessionId: string | undefined;
  /**
   * When the presented credentials end on their own (ms since the epoch): a bearer token's or a
   * session's expiry. Undefined for a signed request, which stays valid until its key is revoked.
   */
  readonly expiresAt: number | undefined;
  /** The user's API usage tier (see `api-tiers.ts`); null when the API's default applies. */
  readonly apiTier: ApiTier | null;
}
