// Users, API keys, web sessions, the asset directory and what admins wrote about markets (rules,
// sources, series and event titles): in their own SQLite file in the data directory
// (one server) or in PostgreSQL shared by every gateway of a cluster (see auth-sql.ts). Only public keys
// and salted hashes are stored: a password is kept as a scrypt hash, a session token as its SHA-256, and an
// API key as the client's public key (the private key never reaches the exchange). A session also has a
// public id (random, unrelated to its token) by which its owner lists and revokes it.

import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { type AuthRow, type AuthSql, postgresAuthSql, sqliteAuthSql } from './auth-sql.ts';
import type { BearerGrant } from './bearer-tokens.ts';
import { type ApiTier, isApiTier } from './api-tiers.ts';
import { hashPassword, verifyPassword } from './password-hash.ts';
import { parsePublicKey, type KeyType } from './request-signature.ts';
import { isRole, type Role, type Scope, SCOPES } from './roles.ts';

export interface UserRecord {
  readonly userId: number;
  readonly username: string;
  readonly role: Role;
  readonly accountId: number;
  readonly createdAt: number;
  readonly disabled: boolean;
  /** The API usage tier an admin assigned; null when the API's default applies. */
  readonly apiTier: ApiTier | null;
}

/** What an admin wrote about a market for the people trading it (empty text: nothing written). */
export interface MarketInfoRecord {
  readonly rulesPrimary: string;
  readonly rulesSecondary: string;
  readonly resolutionSource: string;
  /** When the market is expected to settle (ms since the epoch), if announced. */
  readonly settlesAt: number | null;
}

export interface ApiKeyRecord {
  readonly keyId: string;
  readonly userId: number;
  readonly label: string;
  readonly keyType: KeyType;
  readonly publicKeyPem: string;
  readonly scopes: readonly Scope[];
  readonly createdAt: number;
  readonly revokedAt: number | null;
}

export interface SessionRecord {
  /** The public id: names the session in lists and revocations; it cannot be used as the cookie. */
  readonly sessionId: string;
  readonly userId: number;
  readonly csrfToken: string;
  readonly expiresAt: number;
  /** Last authenticated use, to the store's resolution (see `touchSession`); null when unknown. */
  readonly lastSeenAt: number | null;
}

/** What the owner of a session sees of it (never its token or CSRF token). */
export interface SessionInfo {
  readonly sessionId: string;
  /** Null for a session started before the store recorded it. */
  readonly createdAt: number | null;
  readonly lastSeenAt: number | null;
  readonly expiresAt: number;
  readonly userAgent: string | null;
  readonly ip: string | null;
}

/** The longest user agent kept with a session. */
const USER_AGENT_MAX = 256;

type Row = AuthRow;

function toUser(row: Row): UserRecord {
  const role = String(row.role);
  if (!isRole(role)) throw new Error(`auth store: user ${row.user_id} has unknown role ${role}`);
  return {
    userId: Number(row.user_id),
    username: String(row.username),
    role,
    accountId: Number(row.account_id),
    createdAt: Number(row.created_at),
    disabled: Number(row.disabled) === 1,
    apiTier: isApiTier(row.api_tier) ? row.api_tier : null,
  };
}

function toKey(row: Row): ApiKeyRecord {
  return {
    keyId: String(row.key_id),
    userId: Number(row.user_id),
    label: String(row.label),
    keyType: String(row.key_type) as KeyType,
    publicKeyPem: String(row.public_key_pem),
    scopes: parseScopes(String(row.scopes)),
    createdAt: Number(row.created_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
  };
}

function parseScopes(text: string): Scope[] {
  return text.split(',').filter((s): s is Scope => (SCOPES as readonly string[]).includes(s));
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export class AuthStore {
  readonly #db: AuthSql;
  /** True when the rows live in a database other gateways share (PostgreSQL). */
  readonly shared: boolean;
  /** A hash of nothing, made once (a promise, so a burst of unknown names makes one, not many). */
  #dummyHash: Promise<string> | undefined;

  /** The store on an SQLite file (`path`), or on the given SQL backend. */
  constructor(pathOrSql: string | AuthSql, shared = false) {
    this.#db = typeof pathOrSql === 'string' ? sqliteAuthSql(pathOrSql) : pathOrSql;
    this.shared = shared;
  }

  /** The store in a PostgreSQL database shared by every gateway of a cluster. */
  static async openPostgres(connection: Parameters<typeof postgresAuthSql>[0]): Promise<AuthStore> {
    return new AuthStore(await postgresAuthSql(connection), true);
  }

  /** The next free user id; the engine account id of a new user is the same number. */
  async nextUserId(): Promise<number> {
    const row = await this.#db.get('SELECT MAX(user_id) AS m FROM users');
    return Number(row?.m ?? 0) + 1;
  }

  async createUser(input: {
    username: string;
    role: Role;
    password?: string;
    userId?: number;
    accountId?: number;
    now: number;
  }): Promise<UserRecord> {
    const hash = input.password === undefined ? null : await hashPassword(input.password);
    const userId = input.userId ?? (await this.nextUserId());
    await this.#db.run(
      'INSERT INTO users (user_id, username, role, account_id, password_hash, created_at) ' +
        'VALUES (?, ?, ?, ?, ?, ?)',
      [userId, input.username, input.role, input.accountId ?? userId, hash, input.now],
    );
    return (await this.user(userId))!;
  }

  async user(userId: number): Promise<UserRecord | undefined> {
    const row = await this.#db.get('SELECT * FROM users WHERE user_id = ?', [userId]);
    return row === undefined ? undefined : toUser(row);
  }

  async userByName(username: string): Promise<UserRecord | undefined> {
    const row = await this.#db.get('SELECT * FROM users WHERE username = ?', [username]);
    return row === undefined ? undefined : toUser(row);
  }

  async users(): Promise<UserRecord[]> {
    return (await this.#db.all('SELECT * FROM users ORDER BY user_id')).map(toUser);
  }

  async setRole(userId: number, role: Role): Promise<void> {
    await this.#db.run('UPDATE users SET role = ? WHERE user_id = ?', [role, userId]);
  }

  async setDisabled(userId: number, disabled: boolean): Promise<void> {
    await this.#db.run('UPDATE users SET disabled = ? WHERE user_id = ?', [
      disabled ? 1 : 0,
      userId,
    ]);
    if (disabled) await this.#db.run('DELETE FROM sessions WHERE user_id = ?', [userId]);
  }

  /** Assigns an API usage tier, or with null returns the user to the API's default. */
  async setApiTier(userId: number, tier: ApiTier | null): Promise<void> {
    await this.#db.run('UPDATE users SET api_tier = ? WHERE user_id = ?', [tier, userId]);
  }

  async setPassword(userId: number, password: string): Promise<void> {
    const hash = await hashPassword(password);
    await this.#db.run('UPDATE users SET password_hash = ? WHERE user_id = ?', [hash, userId]);
  }

  /** The user when the password matches; undefined otherwise (unknown user or wrong password). */
  async checkPassword(username: string, password: string): Promise<UserRecord | undefined> {
    const row = await this.#db.get('SELECT * FROM users WHERE username = ?', [username]);
    if (row === undefined || row.password_hash === null || Number(row.disabled) === 1) {
      // Spend the same time as a real check, so response times do not reveal which users exist.
      this.#dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
      await verifyPassword(password, await this.#dummyHash);
      return undefined;
    }
    return (await verifyPassword(password, String(row.password_hash))) ? toUser(row) : undefined;
  }

  /** Registers a client's public key; throws on a key that is not RSA ≥ 2048 bits or Ed25519. */
  async addApiKey(input: {
    userId: number;
    publicKeyPem: string;
    scopes: readonly Scope[];
    label: string;
    now: number;
  }): Promise<ApiKeyRecord> {
    const parsed = parsePublicKey(input.publicKeyPem);
    if (parsed === undefined) throw new RangeError('INVALID_KEY');
    const keyId = randomUUID();
    const pem = parsed.key.export({ type: 'spki', format: 'pem' }).toString();
    await this.#db.run(
      'INSERT INTO api_keys (key_id, user_id, label, key_type, public_key_pem, scopes, created_at) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?)',
      [keyId, input.userId, input.label, parsed.type, pem, input.scopes.join(','), input.now],
    );
    return (await this.apiKey(keyId))!;
  }

  async apiKey(keyId: string): Promise<ApiKeyRecord | undefined> {
    const row = await this.#db.get('SELECT * FROM api_keys WHERE key_id = ?', [keyId]);
    return row === undefined ? undefined : toKey(row);
  }

  async apiKeys(userId: number): Promise<ApiKeyRecord[]> {
    const rows = await this.#db.all(
      'SELECT * FROM api_keys WHERE user_id = ? ORDER BY created_at, key_id',
      [userId],
    );
    return rows.map(toKey);
  }

  async revokeApiKey(userId: number, keyId: string, now: number): Promise<boolean> {
    const changed = await this.#db.run(
      'UPDATE api_keys SET revoked_at = ? WHERE key_id = ? AND user_id = ? AND revoked_at IS NULL',
      [now, keyId, userId],
    );
    return changed > 0;
  }

  /**
   * Starts a session; returns the token (sent once, as a cookie), its CSRF token and its public id.
   * The user agent and address are kept only to help the owner tell sessions apart.
   */
  async createSession(
    userId: number,
    now: number,
    ttlMs: number,
    seen: { userAgent?: string | undefined; ip?: string | undefined } = {},
  ): Promise<{ token: string; csrfToken: string; sessionId: string; expiresAt: number }> {
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const sessionId = randomBytes(16).toString('hex');
    const expiresAt = now + ttlMs;
    await this.#db.run('DELETE FROM sessions WHERE expires_at <= ?', [now]);
    await this.#db.run(
      'INSERT INTO sessions (token_hash, user_id, csrf_token, expires_at, session_id, ' +
        'created_at, last_seen_at, user_agent, ip) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [
        sha256(token),
        userId,
        csrfToken,
        expiresAt,
        sessionId,
        now,
        now,
        seen.userAgent?.slice(0, USER_AGENT_MAX) ?? null,
        seen.ip ?? null,
      ],
    );
    return { token, csrfToken, sessionId, expiresAt };
  }

  async session(token: string, now: number): Promise<SessionRecord | undefined> {
    const row = await this.#db.get(
      'SELECT * FROM sessions WHERE token_hash = ? AND expires_at > ?',
      [sha256(token), now],
    );
    if (row === undefined) return undefined;
    return {
      sessionId: String(row.session_id),
      userId: Number(row.user_id),
      csrfToken: String(row.csrf_token),
      expiresAt: Number(row.expires_at),
      lastSeenAt: row.last_seen_at === null ? null : Number(row.last_seen_at),
    };
  }

  /** Records a use of the session (callers write at most once a minute or so per session). */
  async touchSession(sessionId: string, now: number): Promise<void> {
    await this.#db.run('UPDATE sessions SET last_seen_at = ? WHERE session_id = ?', [
      now,
      sessionId,
    ]);
  }

  /** The user's sessions that have not expired, newest first. */
  async sessions(userId: number, now: number): Promise<SessionInfo[]> {
    const rows = await this.#db.all(
      'SELECT * FROM sessions WHERE user_id = ? AND expires_at > ? ' +
        'ORDER BY created_at DESC, session_id',
      [userId, now],
    );
    return rows.map((r) => ({
      sessionId: String(r.session_id),
      createdAt: r.created_at === null ? null : Number(r.created_at),
      lastSeenAt: r.last_seen_at === null ? null : Number(r.last_seen_at),
      expiresAt: Number(r.expires_at),
      userAgent: r.user_agent === null ? null : String(r.user_agent),
      ip: r.ip === null ? null : String(r.ip),
    }));
  }

  /** Ends the session the token opened (logout); answers its id, or undefined when there was none. */
  async deleteSession(token: string): Promise<string | undefined> {
    const row = await this.#db.get(
      'DELETE FROM sessions WHERE token_hash = ? RETURNING session_id',
      [sha256(token)],
    );
    return row === undefined ? undefined : String(row.session_id);
  }

  /** Ends one of the user's sessions by its id; false when the user has no live session by that id. */
  async deleteSessionById(userId: number, sessionId: string, now: number): Promise<boolean> {
    const changed = await this.#db.run(
      'DELETE FROM sessions WHERE session_id = ? AND user_id = ? AND expires_at > ?',
      [sessionId, userId, now],
    );
    return changed > 0;
  }

  /** Ends every session of the user but `keep` (if given); answers the ids of the live ones ended. */
  async deleteOtherSessions(
    userId: number,
    keep: string | undefined,
    now: number,
  ): Promise<string[]> {
    const rows = await this.#db.all(
      'DELETE FROM sessions WHERE user_id = ? AND session_id IS DISTINCT FROM ? ' +
        'RETURNING session_id, expires_at',
      [userId, keep ?? null],
    );
    return rows.filter((r) => Number(r.expires_at) > now).map((r) => String(r.session_id));
  }

  /** Remembers an asset the engine created (the engine is the authority; this is its directory). */
  async saveAsset(assetId: number, code: string, scale: number): Promise<void> {
    await this.#db.run(
      'INSERT INTO assets (asset_id, code, scale) VALUES (?, ?, ?) ' +
        'ON CONFLICT (asset_id) DO UPDATE SET code = excluded.code, scale = excluded.scale',
      [assetId, code, scale],
    );
  }

  async assets(): Promise<{ assetId: number; code: string; scale: number }[]> {
    const rows = await this.#db.all('SELECT * FROM assets ORDER BY asset_id');
    return rows.map((r) => ({
      assetId: Number(r.asset_id),
      code: String(r.code),
      scale: Number(r.scale),
    }));
  }

  /** What admins wrote about each market (rules, resolution source, settlement time), by symbol. */
  async marketInfo(): Promise<Map<string, MarketInfoRecord>> {
    const rows = await this.#db.all('SELECT * FROM market_info');
    return new Map(
      rows.map((r) => [
        String(r.symbol),
        {
          rulesPrimary: String(r.rules_primary),
          rulesSecondary: String(r.rules_secondary),
          resolutionSource: String(r.resolution_source),
          settlesAt: r.settles_at === null ? null : Number(r.settles_at),
        },
      ]),
    );
  }

  async setMarketInfo(symbol: string, info: MarketInfoRecord): Promise<void> {
    await this.#db.run(
      'INSERT INTO market_info (symbol, rules_primary, rules_secondary, resolution_source, settles_at) ' +
        'VALUES (?, ?, ?, ?, ?) ON CONFLICT (symbol) DO UPDATE SET rules_primary = excluded.rules_primary, ' +
        'rules_secondary = excluded.rules_secondary, resolution_source = excluded.resolution_source, ' +
        'settles_at = excluded.settles_at',
      [symbol, info.rulesPrimary, info.rulesSecondary, info.resolutionSource, info.settlesAt],
    );
  }

  /** Series and event titles, keyed `series:<ticker>` and `event:<ticker>`. */
  async titles(): Promise<Map<string, string>> {
    const rows = await this.#db.all('SELECT * FROM titles');
    return new Map(rows.map((r) => [`${r.kind}:${r.ticker}`, String(r.title)]));
  }

  async setTitle(kind: 'series' | 'event', ticker: string, title: string): Promise<void> {
    await this.#db.run(
      'INSERT INTO titles (kind, ticker, title) VALUES (?, ?, ?) ' +
        'ON CONFLICT (kind, ticker) DO UPDATE SET title = excluded.title',
      [kind, ticker, title],
    );
  }

  /** One of a user's own settings (a JSON text the caller validated), with when it was saved. */
  async preference(
    userId: number,
    name: string,
  ): Promise<{ value: string; updatedAt: number } | undefined> {
    const row = await this.#db.get(
      'SELECT value, updated_at FROM user_preferences WHERE user_id = ? AND name = ?',
      [userId, name],
    );
    return row === undefined
      ? undefined
      : { value: String(row.value), updatedAt: Number(row.updated_at) };
  }

  async setPreference(userId: number, name: string, value: string, now: number): Promise<void> {
    await this.#db.run(
      'INSERT INTO user_preferences (user_id, name, value, updated_at) VALUES (?, ?, ?, ?) ' +
        'ON CONFLICT (user_id, name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
      [userId, name, value, now],
    );
  }

  /** Shared stores only: a bearer token's grant, so every gateway accepts what one minted. */
  async saveToken(hash: string, grant: BearerGrant): Promise<void> {
    await this.#db.run(
      'INSERT INTO bearer_tokens (token_hash, key_id, user_id, scopes, expires_at) ' +
        'VALUES (?, ?, ?, ?, ?)',
      [hash, grant.keyId, grant.userId, grant.scopes.join(','), grant.expiresAt],
    );
  }

  /** Shared stores only: the grant of a token by its hash, if it is live. */
  async token(hash: string, now: number): Promise<BearerGrant | undefined> {
    const row = await this.#db.get(
      'SELECT * FROM bearer_tokens WHERE token_hash = ? AND expires_at > ?',
      [hash, now],
    );
    if (row === undefined) return undefined;
    return {
      keyId: String(row.key_id),
      userId: Number(row.user_id),
      scopes: parseScopes(String(row.scopes)),
      expiresAt: Number(row.expires_at),
    };
  }

  /** Shared stores only: ends tokens by hash, by key or by user (and drops expired ones). */
  async deleteTokens(
    by: { hash: string } | { keyId: string } | { userId: number },
    now: number,
  ): Promise<void> {
    await this.#db.run('DELETE FROM bearer_tokens WHERE expires_at <= ?', [now]);
    if ('hash' in by)
      await this.#db.run('DELETE FROM bearer_tokens WHERE token_hash = ?', [by.hash]);
    else if ('keyId' in by)
      await this.#db.run('DELETE FROM bearer_tokens WHERE key_id = ?', [by.keyId]);
    else await this.#db.run('DELETE FROM bearer_tokens WHERE user_id = ?', [by.userId]);
  }

  close(): Promise<void> {
    return this.#db.close();
  }
}
