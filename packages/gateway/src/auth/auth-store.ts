// Users, API keys, web sessions and the asset directory in their own SQLite file in the data directory. Only public keys and
// salted hashes are stored: a password is kept as a scrypt hash, a session token as its SHA-256, and an
// API key as the client's public key (the private key never reaches the exchange).

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
  readonly userId: number;
  readonly csrfToken: string;
  readonly expiresAt: number;
}

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
  #dummyHash: string | undefined;

  constructor(path: string) {
    this.#db = new DatabaseSync(path);
    this.#db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
    this.#db.exec(SCHEMA);
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
      this.#dummyHash ??= await hashPassword(randomBytes(16).toString('hex'));
      await verifyPassword(password, this.#dummyHash);
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

  /** Starts a session; returns the token (sent once, as a cookie) and its CSRF token. */
  createSession(userId: number, now: number, ttlMs: number): { token: string; csrfToken: string } {
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    this.#db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(now);
    this.#db
      .prepare(
        'INSERT INTO sessions (token_hash, user_id, csrf_token, expires_at) VALUES (?, ?, ?, ?)',
      )
      .run(sha256(token), userId, csrfToken, now + ttlMs);
    return { token, csrfToken };
  }

  session(token: string, now: number): SessionRecord | undefined {
    const row = this.#db
      .prepare('SELECT * FROM sessions WHERE token_hash = ? AND expires_at > ?')
      .get(sha256(token), now) as Row | undefined;
    if (row === undefined) return undefined;
    return {
      userId: Number(row.user_id),
      csrfToken: String(row.csrf_token),
      expiresAt: Number(row.expires_at),
    };
  }

  deleteSession(token: string): void {
    this.#db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(sha256(token));
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
