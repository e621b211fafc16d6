// Users, API keys, web sessions and the asset directory in their own SQLite file in the data directory. Only public keys and
// salted hashes are stored: a password is kept as a scrypt hash, a session token as its SHA-256, and an
// API key as the client's public key (the private key never reaches the exchange). A session also has a
// public id (random, unrelated to its token) by which its owner lists and revokes it.

import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { DatabaseSync } from 'node:sqlite';
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

const SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
  user_id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  account_id INTEGER NOT NULL UNIQUE,
  password_hash TEXT,
  created_at INTEGER NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS api_keys (
  key_id TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(user_id),
  label TEXT NOT NULL,
  key_type TEXT NOT NULL,
  public_key_pem TEXT NOT NULL,
  scopes TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE TABLE IF NOT EXISTS assets (
  asset_id INTEGER PRIMARY KEY,
  code TEXT NOT NULL,
  scale INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
  token_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(user_id),
  csrf_token TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
`;

/** Columns added to `sessions` after its first version; an older file gets them when opened. */
const SESSION_COLUMNS: readonly [name: string, type: string][] = [
  ['session_id', 'TEXT'],
  ['created_at', 'INTEGER'],
  ['last_seen_at', 'INTEGER'],
  ['user_agent', 'TEXT'],
  ['ip', 'TEXT'],
];

type Row = Record<string, string | number | null>;

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
  };
}

function toKey(row: Row): ApiKeyRecord {
  return {
    keyId: String(row.key_id),
    userId: Number(row.user_id),
    label: String(row.label),
    keyType: String(row.key_type) as KeyType,
    publicKeyPem: String(row.public_key_pem),
    scopes: String(row.scopes)
      .split(',')
      .filter((s): s is Scope => (SCOPES as readonly string[]).includes(s)),
    createdAt: Number(row.created_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
  };
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export class AuthStore {
  readonly #db: DatabaseSync;
  /** A hash of nothing, made once (a promise, so a burst of unknown names makes one, not many). */
  #dummyHash: Promise<string> | undefined;

  constructor(path: string) {
    this.#db = new DatabaseSync(path);
    this.#db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
    this.#db.exec(SCHEMA);
    this.#migrateSessions();
  }

  #migrateSessions(): void {
    const have = new Set(
      (this.#db.prepare('PRAGMA table_info(sessions)').all() as Row[]).map((r) => String(r.name)),
    );
    for (const [name, type] of SESSION_COLUMNS) {
      if (!have.has(name)) this.#db.exec(`ALTER TABLE sessions ADD COLUMN ${name} ${type}`);
    }
    this.#db.exec(
      'UPDATE sessions SET session_id = lower(hex(randomblob(16))) WHERE session_id IS NULL;' +
        'CREATE UNIQUE INDEX IF NOT EXISTS sessions_by_id ON sessions (session_id);' +
        'CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions (user_id, expires_at);',
    );
  }

  /** The next free user id; the engine account id of a new user is the same number. */
  nextUserId(): number {
    const row = this.#db.prepare('SELECT MAX(user_id) AS m FROM users').get() as Row;
    return Number(row.m ?? 0) + 1;
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
    const userId = input.userId ?? this.nextUserId();
    this.#db
      .prepare(
        'INSERT INTO users (user_id, username, role, account_id, password_hash, created_at) ' +
          'VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(userId, input.username, input.role, input.accountId ?? userId, hash, input.now);
    return this.user(userId)!;
  }

  user(userId: number): UserRecord | undefined {
    const row = this.#db.prepare('SELECT * FROM users WHERE user_id = ?').get(userId) as
      | Row
      | undefined;
    return row === undefined ? undefined : toUser(row);
  }

  userByName(username: string): UserRecord | undefined {
    const row = this.#db.prepare('SELECT * FROM users WHERE username = ?').get(username) as
      | Row
      | undefined;
    return row === undefined ? undefined : toUser(row);
  }

  users(): UserRecord[] {
    return (this.#db.prepare('SELECT * FROM users ORDER BY user_id').all() as Row[]).map(toUser);
  }

  setRole(userId: number, role: Role): void {
    this.#db.prepare('UPDATE users SET role = ? WHERE user_id = ?').run(role, userId);
  }

  setDisabled(userId: number, disabled: boolean): void {
    this.#db
      .prepare('UPDATE users SET disabled = ? WHERE user_id = ?')
      .run(disabled ? 1 : 0, userId);
    if (disabled) this.#db.prepare('DELETE FROM sessions WHERE user_id = ?').run(userId);
  }

  async setPassword(userId: number, password: string): Promise<void> {
    const hash = await hashPassword(password);
    this.#db.prepare('UPDATE users SET password_hash = ? WHERE user_id = ?').run(hash, userId);
  }

  /** The user when the password matches; undefined otherwise (unknown user or wrong password). */
  async checkPassword(username: string, password: string): Promise<UserRecord | undefined> {
    const row = this.#db.prepare('SELECT * FROM users WHERE username = ?').get(username) as
      | Row
      | undefined;
    if (row === undefined || row.password_hash === null || Number(row.disabled) === 1) {
      // Spend the same time as a real check, so response times do not reveal which users exist.
      this.#dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
      await verifyPassword(password, await this.#dummyHash);
      return undefined;
    }
    return (await verifyPassword(password, String(row.password_hash))) ? toUser(row) : undefined;
  }

  /** Registers a client's public key; throws on a key that is not RSA ≥ 2048 bits or Ed25519. */
  addApiKey(input: {
    userId: number;
    publicKeyPem: string;
    scopes: readonly Scope[];
    label: string;
    now: number;
  }): ApiKeyRecord {
    const parsed = parsePublicKey(input.publicKeyPem);
    if (parsed === undefined) throw new RangeError('INVALID_KEY');
    const keyId = randomUUID();
    const pem = parsed.key.export({ type: 'spki', format: 'pem' }).toString();
    this.#db
      .prepare(
        'INSERT INTO api_keys (key_id, user_id, label, key_type, public_key_pem, scopes, created_at) ' +
          'VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(keyId, input.userId, input.label, parsed.type, pem, input.scopes.join(','), input.now);
    return this.apiKey(keyId)!;
  }

  apiKey(keyId: string): ApiKeyRecord | undefined {
    const row = this.#db.prepare('SELECT * FROM api_keys WHERE key_id = ?').get(keyId) as
      | Row
      | undefined;
    return row === undefined ? undefined : toKey(row);
  }

  apiKeys(userId: number): ApiKeyRecord[] {
    const rows = this.#db
      .prepare('SELECT * FROM api_keys WHERE user_id = ? ORDER BY created_at, key_id')
      .all(userId) as Row[];
    return rows.map(toKey);
  }

  revokeApiKey(userId: number, keyId: string, now: number): boolean {
    const r = this.#db
      .prepare(
        'UPDATE api_keys SET revoked_at = ? WHERE key_id = ? AND user_id = ? AND revoked_at IS NULL',
      )
      .run(now, keyId, userId);
    return Number(r.changes) > 0;
  }

  /**
   * Starts a session; returns the token (sent once, as a cookie), its CSRF token and its public id.
   * The user agent and address are kept only to help the owner tell sessions apart.
   */
  createSession(
    userId: number,
    now: number,
    ttlMs: number,
    seen: { userAgent?: string | undefined; ip?: string | undefined } = {},
  ): { token: string; csrfToken: string; sessionId: string; expiresAt: number } {
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const sessionId = randomBytes(16).toString('hex');
    const expiresAt = now + ttlMs;
    this.#db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(now);
    this.#db
      .prepare(
        'INSERT INTO sessions (token_hash, user_id, csrf_token, expires_at, session_id, ' +
          'created_at, last_seen_at, user_agent, ip) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        sha256(token),
        userId,
        csrfToken,
        expiresAt,
        sessionId,
        now,
        now,
        seen.userAgent?.slice(0, USER_AGENT_MAX) ?? null,
        seen.ip ?? null,
      );
    return { token, csrfToken, sessionId, expiresAt };
  }

  session(token: string, now: number): SessionRecord | undefined {
    const row = this.#db
      .prepare('SELECT * FROM sessions WHERE token_hash = ? AND expires_at > ?')
      .get(sha256(token), now) as Row | undefined;
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
  touchSession(sessionId: string, now: number): void {
    this.#db
      .prepare('UPDATE sessions SET last_seen_at = ? WHERE session_id = ?')
      .run(now, sessionId);
  }

  /** The user's sessions that have not expired, newest first. */
  sessions(userId: number, now: number): SessionInfo[] {
    const rows = this.#db
      .prepare(
        'SELECT * FROM sessions WHERE user_id = ? AND expires_at > ? ' +
          'ORDER BY created_at DESC, session_id',
      )
      .all(userId, now) as Row[];
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
  deleteSession(token: string): string | undefined {
    const row = this.#db
      .prepare('DELETE FROM sessions WHERE token_hash = ? RETURNING session_id')
      .get(sha256(token)) as Row | undefined;
    return row === undefined ? undefined : String(row.session_id);
  }

  /** Ends one of the user's sessions by its id; false when the user has no live session by that id. */
  deleteSessionById(userId: number, sessionId: string, now: number): boolean {
    const r = this.#db
      .prepare('DELETE FROM sessions WHERE session_id = ? AND user_id = ? AND expires_at > ?')
      .run(sessionId, userId, now);
    return Number(r.changes) > 0;
  }

  /** Ends every session of the user but `keep` (if given); answers the ids of the live ones ended. */
  deleteOtherSessions(userId: number, keep: string | undefined, now: number): string[] {
    const rows = this.#db
      .prepare(
        'DELETE FROM sessions WHERE user_id = ? AND session_id IS NOT ? RETURNING session_id, expires_at',
      )
      .all(userId, keep ?? null) as Row[];
    return rows.filter((r) => Number(r.expires_at) > now).map((r) => String(r.session_id));
  }

  /** Remembers an asset the engine created (the engine is the authority; this is its directory). */
  saveAsset(assetId: number, code: string, scale: number): void {
    this.#db
      .prepare('INSERT OR REPLACE INTO assets (asset_id, code, scale) VALUES (?, ?, ?)')
      .run(assetId, code, scale);
  }

  assets(): { assetId: number; code: string; scale: number }[] {
    const rows = this.#db.prepare('SELECT * FROM assets ORDER BY asset_id').all() as Row[];
    return rows.map((r) => ({
      assetId: Number(r.asset_id),
      code: String(r.code),
      scale: Number(r.scale),
    }));
  }

  close(): void {
    this.#db.close();
  }
}
