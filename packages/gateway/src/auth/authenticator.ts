// Turns a request's credentials into a Principal: a signed request (key id, millisecond timestamp inside
// the window, canonical base64 signature over timestamp + METHOD + path, plus the body's digest when the
// native client sends one, never seen before), a bearer token minted by a
// signed request (native API only: paths under /api/), or a session cookie (plus the CSRF header on
// methods that change state). Parsed public keys and users are cached; the admin paths that change them
// call `forget*` so a revoked key (and every token it minted) stops working at once.

import type { IncomingHttpHeaders } from 'node:http';
import type { KeyObject } from 'node:crypto';
import { ApiError } from '../error-catalogue.ts';
import type { AuthStore, UserRecord } from './auth-store.ts';
import { BearerTokens, hashToken, type TokenLookup } from './bearer-tokens.ts';
import { ReplayGuard } from './replay-guard.ts';
import { ReplayLog } from './replay-log.ts';
import type { Revocation } from './revocation.ts';
import {
  BODY_SHA256_FORMAT,
  decodeSignature,
  HEADER_BODY_SHA256,
  HEADER_KEY,
  HEADER_SIGNATURE,
  HEADER_TIMESTAMP,
  type KeyType,
  parsePublicKey,
  signingMessage,
  verifySignatureBytes,
  verifySignatureOffThread,
} from './request-signature.ts';
import { type Principal, roleScopes, type Scope } from './roles.ts';

export const SESSION_COOKIE = 'bourse_session';
export const CSRF_HEADER = 'x-csrf-token';
/**
 * Bearer tokens and body digests belong to the native API only; the Kalshi-compatible API keeps
 * Kalshi's rules.
 */
const NATIVE_PATH_PREFIX = '/api/';
const BEARER_SCHEME = /^bearer +/i;
/** A session's "last seen" is updated at most this often. */
export const LAST_SEEN_RESOLUTION_MS = 60_000;

/** What minting a token answers; the token itself is shown once and only its hash is kept. */
export interface IssuedToken {
  readonly token: string;
  readonly expiresAt: number;
  readonly keyId: string;
  readonly scopes: readonly Scope[];
}

interface CachedKey {
  readonly key: KeyObject;
  readonly type: KeyType;
  readonly signatureBytes: number;
  readonly userId: number;
  readonly scopes: readonly Scope[];
}

/** A signed request whose headers, window and key passed; its signature is not yet verified. */
interface SignedRequest {
  readonly keyId: string;
  readonly key: CachedKey;
  readonly ts: number;
  readonly message: Buffer;
  /** The decoded signature: the replay guard knows a signature by these bytes. */
  readonly signature: Buffer;
}

/**
 * The request's session cookie names a session that expired, was signed out or was revoked. The answer
 * also drops the cookie, so the browser goes on as a visitor (public data, its live socket) instead of
 * presenting a dead cookie until it would have expired.
 */
export class SessionEndedError extends ApiError {
  constructor() {
    super(
      'UNAUTHENTICATED',
      'The session has ended (expired, signed out or revoked); log in again.',
    );
  }
}

/** The header that makes a browser drop its session cookie. */
export const CLEAR_SESSION_COOKIE = `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`;

export interface AuthenticatorOptions {
  /** How far a request timestamp may be from the server's clock, either way. */
  readonly timestampWindowMs: number;
  /**
   * Where used signatures are kept so a restart inside the window still refuses them (a directory of
   * the server's data directory). Without it they are kept in memory only.
   */
  readonly replayLogDir?: string | undefined;
  /** Told when used signatures cannot be written there (they are still kept in memory). */
  readonly onReplayLogError?: ((error: unknown) => void) | undefined;
  /**
   * The other gateways of a cluster: told of every revocation and user change made here, so their
   * caches forget it and their sockets close (see `applyPeerChange`). A shared store (PostgreSQL) also
   * keeps bearer tokens, so a token minted here works on every gateway.
   */
  readonly peers?: AuthPeers | undefined;
}

/** What one gateway tells the others about credentials it changed. */
export type AuthChange =
  | { readonly kind: 'revoked'; readonly revocation: Revocation }
  | { readonly kind: 'userChanged'; readonly userId: number };

export interface AuthPeers {
  publish(change: AuthChange): void;
}

export class Authenticator {
  readonly #store: AuthStore;
  readonly #clock: () => number;
  readonly #windowMs: number;
  readonly #replays: ReplayGuard;
  readonly #keys = new Map<string, CachedKey | null>();
  readonly #users = new Map<number, UserRecord>();
  readonly #revocationListeners = new Set<(r: Revocation) => void>();
  readonly #tokens = new BearerTokens();
  readonly #peers: AuthPeers | undefined;
  /**
   * Bumped by every forget: a store lookup that began before it may have read the old row, so its
   * answer is used once but not cached.
   */
  #epoch = 0;

  constructor(store: AuthStore, clock: () => number, options: AuthenticatorOptions) {
    this.#store = store;
    this.#clock = clock;
    this.#windowMs = options.timestampWindowMs;
    const log =
      options.replayLogDir === undefined
        ? undefined
        : new ReplayLog(options.replayLogDir, options.timestampWindowMs, options.onReplayLogError);
    this.#replays = new ReplayGuard(options.timestampWindowMs, clock(), log);
    this.#peers = options.peers;
  }

  /**
   * The principal, or undefined for an anonymous request; throws ApiError on bad credentials. A
   * signature is verified on this thread: for WebSocket handshakes, which are rare.
   */
  async authenticate(
    method: string,
    path: string,
    headers: IncomingHttpHeaders,
  ): Promise<Principal | undefined> {
    const keyId = headers[HEADER_KEY];
    if (keyId !== undefined) {
      const signed = await this.#signedHeaders(method, path, headers, String(keyId));
      const { key, message, signature } = signed;
      if (!verifySignatureBytes(key.key, key.type, message, signature)) {
        throw new ApiError('BAD_SIGNATURE');
      }
      return this.#acceptSigned(signed);
    }
    return this.#unsigned(method, path, headers);
  }

  /**
   * As `authenticate`, for requests: a signature is verified on the thread pool, so the event loop
   * goes on parsing and answering other requests meanwhile. Rejects with ApiError on bad credentials.
   */
  async authenticateRequest(
    method: string,
    path: string,
    headers: IncomingHttpHeaders,
  ): Promise<Principal | undefined> {
    const keyId = headers[HEADER_KEY];
    if (keyId === undefined) return this.#unsigned(method, path, headers);
    const signed = await this.#signedHeaders(method, path, headers, String(keyId));
    const { key, message, signature } = signed;
    if (!(await verifySignatureOffThread(key.key, key.type, message, signature))) {
      throw new ApiError('BAD_SIGNATURE');
    }
    // The key may have been revoked while the signature was being checked.
    const live = await this.#key(signed.keyId);
    if (live === undefined) throw new ApiError('UNKNOWN_API_KEY');
    return this.#acceptSigned({ ...signed, key: live });
  }

  async #unsigned(
    method: string,
    path: string,
    headers: IncomingHttpHeaders,
  ): Promise<Principal | undefined> {
    const authorization = headers.authorization;
    if (authorization !== undefined && path.startsWith(NATIVE_PATH_PREFIX)) {
      const bearer = BEARER_SCHEME.exec(authorization);
      if (bearer !== null) return this.#bearer(authorization.slice(bearer[0].length).trim());
    }
    const token = readCookie(headers.cookie, SESSION_COOKIE);
    if (token !== undefined) return this.#session(method, headers, token);
    return undefined;
  }

  /** Closes the replay guard's file. */
  close(): void {
    this.#replays.close();
  }

  /** Called for every revocation, after the caches forgot it (open sockets close on it). */
  onRevoked(listener: (r: Revocation) => void): () => void {
    this.#revocationListeners.add(listener);
    return () => this.#revocationListeners.delete(listener);
  }

  /** Resolves once the shared store and the other gateways were told (callers need not wait). */
  forgetKey(keyId: string): Promise<void> {
    return this.#revoke({ kind: 'key', keyId });
  }

  forgetUser(userId: number): void {
    this.#epoch++;
    this.#users.delete(userId);
    this.#peers?.publish({ kind: 'userChanged', userId });
  }

  /** Ends every bearer token and open connection of a user (disabled users keep none). */
  forgetUserTokens(userId: number): Promise<void> {
    this.#tokens.revokeUser(userId);
    return this.#revoke({ kind: 'user', userId });
  }

  /** Announces sessions that were just deleted from the store, so their sockets close. */
  endSessions(sessionIds: readonly string[]): void {
    for (const sessionId of sessionIds) void this.#revoke({ kind: 'session', sessionId });
  }

  /**
   * Forgets every cached key, user and (with a shared store) bearer token, to be read again from the
   * store: for when changes from the other gateways may have been missed (the bus reconnected).
   */
  forgetCaches(): void {
    this.#epoch++;
    this.#keys.clear();
    this.#users.clear();
    if (this.#store.shared) this.#tokens.clear();
  }

  /** A change another gateway made: forget what it invalidates and close the sockets it ends. */
  applyPeerChange(change: AuthChange): void {
    this.#epoch++;
    if (change.kind === 'userChanged') {
      this.#users.delete(change.userId);
      return;
    }
    const r = change.revocation;
    if (r.kind === 'key') {
      this.#keys.delete(r.keyId);
      this.#tokens.revokeKey(r.keyId);
    } else if (r.kind === 'user') {
      this.#users.delete(r.userId);
      this.#tokens.revokeUser(r.userId);
    } else if (r.kind === 'token') {
      this.#tokens.revoke(r.tokenHash);
    }
    this.#announce(r);
  }

  /**
   * A revocation made here: forgotten locally at once, then in the shared store, then by the other
   * gateways (after the store, so none of them can find the revoked token there again).
   */
  #revoke(r: Revocation): Promise<void> {
    this.#epoch++;
    if (r.kind === 'key') {
      this.#keys.delete(r.keyId);
      this.#tokens.revokeKey(r.keyId);
    }
    if (this.#store.shared) {
      const now = this.#clock();
      const by =
        r.kind === 'key'
          ? { keyId: r.keyId }
          : r.kind === 'user'
            ? { userId: r.userId }
            : r.kind === 'token'
              ? { hash: r.tokenHash }
              : undefined;
      this.#announce(r);
      // Tokens are checked against the store only on a local miss; the peers drop theirs after.
      const deleted = by === undefined ? Promise.resolve() : this.#store.deleteTokens(by, now);
      return deleted
        .catch(() => {})
        .then(() => this.#peers?.publish({ kind: 'revoked', revocation: r }));
    }
    this.#announce(r);
    this.#peers?.publish({ kind: 'revoked', revocation: r });
    return Promise.resolve();
  }

  /**
   * Ends the user's open connections, which hold the scopes of the role they were opened with; tokens
   * stay (each use re-reads the role).
   */
  endConnectionsOf(userId: number): void {
    void this.#revoke({ kind: 'user', userId });
  }

  #announce(r: Revocation): void {
    for (const listener of this.#revocationListeners) {
      try {
        listener(r);
      } catch {
        // A listener's failure (a socket already gone) must not undo the revocation.
      }
    }
  }

  /**
   * A bearer token for the key that signed this request, valid for `ttlMs`. Only a signed request may
   * mint: a session or another token could otherwise extend itself without the private key.
   */
  async issueToken(p: Principal, ttlMs: number): Promise<IssuedToken> {
    if (p.via !== 'key' || p.keyId === undefined || p.tokenHash !== undefined) {
      throw new ApiError('API_KEY_REQUIRED');
    }
    const now = this.#clock();
    const scopes = [...p.scopes];
    const grant = { keyId: p.keyId, userId: p.userId, scopes, expiresAt: now + ttlMs };
    const token = this.#tokens.mint(grant, now);
    if (this.#store.shared) await this.#store.saveToken(hashToken(token), grant);
    return { token, expiresAt: grant.expiresAt, keyId: p.keyId, scopes };
  }

  /** Ends the token this principal presented; false when the request was not bearer-authenticated. */
  async revokeToken(p: Principal): Promise<boolean> {
    if (p.tokenHash === undefined || !this.#tokens.revoke(p.tokenHash)) return false;
    await this.#revoke({ kind: 'token', tokenHash: p.tokenHash });
    return true;
  }

  /** Live bearer tokens held (as hashes). */
  get liveTokens(): number {
    return this.#tokens.size;
  }

  get rememberedSignatures(): number {
    return this.#replays.size;
  }

  /** The checks a signed request must pass before its signature is worth verifying. */
  async #signedHeaders(
    method: string,
    path: string,
    headers: IncomingHttpHeaders,
    keyId: string,
  ): Promise<SignedRequest> {
    const tsHeader = headers[HEADER_TIMESTAMP];
    const sigHeader = headers[HEADER_SIGNATURE];
    if (typeof tsHeader !== 'string' || typeof sigHeader !== 'string') {
      throw new ApiError(
        'UNAUTHENTICATED',
        'Signed requests need the timestamp and signature headers.',
      );
    }
    if (!/^[0-9]{1,16}$/.test(tsHeader)) {
      throw new ApiError(
        'TIMESTAMP_OUT_OF_WINDOW',
        'The timestamp must be milliseconds since 1970.',
      );
    }
    const ts = Number(tsHeader);
    if (Math.abs(this.#clock() - ts) > this.#windowMs) {
      throw new ApiError('TIMESTAMP_OUT_OF_WINDOW');
    }
    const key = await this.#key(keyId);
    if (key === undefined) throw new ApiError('UNKNOWN_API_KEY');
    const signature = decodeSignature(sigHeader, key.signatureBytes);
    if (signature === undefined) {
      throw new ApiError(
        'BAD_SIGNATURE',
        `The signature must be ${key.signatureBytes} bytes in canonical base64 (standard alphabet, padded).`,
      );
    }
    const message = signingMessage(tsHeader, method, path, bodyDigest(path, headers));
    return { keyId, key, ts, message, signature };
  }

  /** After a good signature: refuses replays, then grants the key's scopes that the role allows. */
  async #acceptSigned({ keyId, key, ts, signature }: SignedRequest): Promise<Principal> {
    if (this.#replays.signedBeforeStart(ts)) {
      throw new ApiError(
        'REPLAYED_SIGNATURE',
        'This request was signed before the server started, so it cannot be told apart from a replay; sign it again.',
      );
    }
    if (!this.#replays.remember(signature, ts, this.#clock())) {
      throw new ApiError('REPLAYED_SIGNATURE');
    }
    const user = await this.#user(key.userId);
    const allowed = new Set(roleScopes(user.role));
    const scopes = new Set(key.scopes.filter((s) => allowed.has(s)));
    return principal(user, scopes, 'key', { keyId });
  }

  async #bearer(token: string): Promise<Principal> {
    const found = await this.#lookupToken(token);
    if (!found.ok) {
      throw new ApiError(
        'TOKEN_INVALID',
        found.reason === 'expired' ? 'The bearer token has expired.' : undefined,
      );
    }
    const { keyId, userId, scopes } = found.grant;
    // The key and the user are looked up (both cached) on every use, as for a signed request, so a
    // disabled user or a role that lost a scope takes effect at the next request.
    const key = await this.#key(keyId);
    if (key === undefined) {
      this.#tokens.revoke(found.hash);
      throw new ApiError('TOKEN_INVALID');
    }
    const user = await this.#user(userId);
    const allowed = new Set(roleScopes(user.role));
    const live = new Set(scopes.filter((s) => allowed.has(s)));
    return principal(user, live, 'key', {
      keyId,
      tokenHash: found.hash,
      expiresAt: found.grant.expiresAt,
    });
  }

  /** A token minted here, or (with a shared store) by another gateway of the cluster. */
  async #lookupToken(token: string): Promise<TokenLookup> {
    const now = this.#clock();
    const found = this.#tokens.lookup(token, now);
    if (found.ok || found.reason !== 'unknown' || !this.#store.shared) return found;
    const hash = hashToken(token);
    const grant = await this.#store.token(hash, now);
    if (grant === undefined) return found;
    this.#tokens.adopt(hash, grant, now);
    return { ok: true, hash, grant };
  }

  async #session(method: string, headers: IncomingHttpHeaders, token: string): Promise<Principal> {
    const now = this.#clock();
    const session = await this.#store.session(token, now);
    if (session === undefined) throw new SessionEndedError();
    if (method !== 'GET' && method !== 'HEAD' && headers[CSRF_HEADER] !== session.csrfToken) {
      throw new ApiError('CSRF_TOKEN_INVALID');
    }
    const user = await this.#user(session.userId);
    // "Last seen" is kept to the minute, so a busy session costs one write a minute, not one a request.
    if (session.lastSeenAt === null || now - session.lastSeenAt >= LAST_SEEN_RESOLUTION_MS) {
      await this.#store.touchSession(session.sessionId, now);
    }
    const scopes = new Set(roleScopes(user.role));
    return principal(user, scopes, 'session', {
      csrfToken: session.csrfToken,
      sessionId: session.sessionId,
      expiresAt: session.expiresAt,
    });
  }

  async #key(keyId: string): Promise<CachedKey | undefined> {
    let cached = this.#keys.get(keyId);
    if (cached === undefined) {
      const epoch = this.#epoch;
      const record = await this.#store.apiKey(keyId);
      const parsed = record === undefined ? undefined : parsePublicKey(record.publicKeyPem);
      cached =
        record === undefined || record.revokedAt !== null || parsed === undefined
          ? null
          : { ...parsed, userId: record.userId, scopes: record.scopes };
      if (this.#keys.size > 10_000) this.#keys.clear();
      if (epoch === this.#epoch) this.#keys.set(keyId, cached);
    }
    return cached ?? undefined;
  }

  async #user(userId: number): Promise<UserRecord> {
    let user = this.#users.get(userId);
    if (user === undefined) {
      const epoch = this.#epoch;
      user = await this.#store.user(userId);
      if (user === undefined) throw new ApiError('UNAUTHENTICATED', 'The user no longer exists.');
      if (epoch === this.#epoch) this.#users.set(userId, user);
    }
    if (user.disabled) throw new ApiError('FORBIDDEN', 'This user is disabled.');
    return user;
  }
}

function principal(
  user: UserRecord,
  scopes: Set<Scope>,
  via: 'key' | 'session',
  of: {
    keyId?: string;
    csrfToken?: string;
    tokenHash?: string;
    sessionId?: string;
    expiresAt?: number;
  },
): Principal {
  return {
    userId: user.userId,
    username: user.username,
    role: user.role,
    accountId: user.accountId,
    scopes,
    via,
    keyId: of.keyId,
    csrfToken: of.csrfToken,
    tokenHash: of.tokenHash,
    sessionId: of.sessionId,
    expiresAt: of.expiresAt,
    apiTier: user.apiTier,
  };
}

/**
 * The body digest a native request's signature covers, if it sent one; the pipeline checks it against
 * the body it reads. Kalshi's API keeps Kalshi's scheme, which has none.
 */
function bodyDigest(path: string, headers: IncomingHttpHeaders): string | undefined {
  const digest = headers[HEADER_BODY_SHA256];
  if (digest === undefined || !path.startsWith(NATIVE_PATH_PREFIX)) return undefined;
  if (typeof digest !== 'string' || !BODY_SHA256_FORMAT.test(digest)) {
    throw new ApiError('BAD_SIGNATURE', 'The body digest must be a lowercase hex SHA-256.');
  }
  return digest;
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
