// Where the auth store keeps its rows: an SQLite file beside the data directory (one server), or a
// PostgreSQL database that every gateway of a cluster shares. The store writes one SQL dialect, the
// common part of both (`?` placeholders, upserts with ON CONFLICT, RETURNING); each adapter creates its
// own schema and turns `?` into what its driver expects.

import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';

export type AuthRow = Record<string, string | number | null>;
export type AuthParam = string | number | null;

export interface AuthSql {
  get(sql: string, params?: readonly AuthParam[]): Promise<AuthRow | undefined>;
  all(sql: string, params?: readonly AuthParam[]): Promise<AuthRow[]>;
  /** Runs a statement; answers how many rows it changed. */
  run(sql: string, params?: readonly AuthParam[]): Promise<number>;
  close(): Promise<void>;
}

const SQLITE_SCHEMA = `
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
CREATE TABLE IF NOT EXISTS market_info (
  symbol TEXT PRIMARY KEY,
  rules_primary TEXT NOT NULL,
  rules_secondary TEXT NOT NULL,
  resolution_source TEXT NOT NULL,
  settles_at INTEGER
);
CREATE TABLE IF NOT EXISTS titles (
  kind TEXT NOT NULL,
  ticker TEXT NOT NULL,
  title TEXT NOT NULL,
  PRIMARY KEY (kind, ticker)
);
CREATE TABLE IF NOT EXISTS user_preferences (
  user_id INTEGER NOT NULL REFERENCES users(user_id),
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, name)
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

/** Columns added to `users` after its first version. */
const USER_COLUMNS: readonly [name: string, type: string][] = [['api_tier', 'TEXT']];

/** The auth store's own SQLite file (WAL; a lost last write only loses a session or a key change). */
export function sqliteAuthSql(path: string): AuthSql {
  const db = new DatabaseSync(path);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
  db.exec(SQLITE_SCHEMA);
  const have = new Set(
    (db.prepare('PRAGMA table_info(sessions)').all() as AuthRow[]).map((r) => String(r.name)),
  );
  for (const [name, type] of SESSION_COLUMNS) {
    if (!have.has(name)) db.exec(`ALTER TABLE sessions ADD COLUMN ${name} ${type}`);
  }
  const userColumns = new Set(
    (db.prepare('PRAGMA table_info(users)').all() as AuthRow[]).map((r) => String(r.name)),
  );
  for (const [name, type] of USER_COLUMNS) {
    if (!userColumns.has(name)) db.exec(`ALTER TABLE users ADD COLUMN ${name} ${type}`);
  }
  db.exec(
    'UPDATE sessions SET session_id = lower(hex(randomblob(16))) WHERE session_id IS NULL;' +
      'CREATE UNIQUE INDEX IF NOT EXISTS sessions_by_id ON sessions (session_id);' +
      'CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions (user_id, expires_at);',
  );
  // node:sqlite is synchronous: each call completes before its promise is returned.
  return {
    get: async (sql, params = []) => db.prepare(sql).get(...params) as AuthRow | undefined,
    all: async (sql, params = []) => db.prepare(sql).all(...params) as AuthRow[],
    run: async (sql, params = []) => Number(db.prepare(sql).run(...params).changes),
    close: async () => db.close(),
  };
}

/** The PostgreSQL schema (namespace) of the auth tables. */
export const AUTH_SCHEMA = 'bourse_auth';

const POSTGRES_SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
  user_id BIGINT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  account_id BIGINT NOT NULL UNIQUE,
  password_hash TEXT,
  created_at BIGINT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS api_keys (
  key_id TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users(user_id),
  label TEXT NOT NULL,
  key_type TEXT NOT NULL,
  public_key_pem TEXT NOT NULL,
  scopes TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  revoked_at BIGINT
);
CREATE TABLE IF NOT EXISTS market_info (
  symbol TEXT PRIMARY KEY,
  rules_primary TEXT NOT NULL,
  rules_secondary TEXT NOT NULL,
  resolution_source TEXT NOT NULL,
  settles_at BIGINT
);
CREATE TABLE IF NOT EXISTS titles (
  kind TEXT NOT NULL,
  ticker TEXT NOT NULL,
  title TEXT NOT NULL,
  PRIMARY KEY (kind, ticker)
);
CREATE TABLE IF NOT EXISTS user_preferences (
  user_id BIGINT NOT NULL REFERENCES users(user_id),
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (user_id, name)
);
CREATE TABLE IF NOT EXISTS assets (
  asset_id BIGINT PRIMARY KEY,
  code TEXT NOT NULL,
  scale BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
  token_hash TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users(user_id),
  csrf_token TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  session_id TEXT NOT NULL UNIQUE,
  created_at BIGINT,
  last_seen_at BIGINT,
  user_agent TEXT,
  ip TEXT
);
CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions (user_id, expires_at);
CREATE TABLE IF NOT EXISTS bearer_tokens (
  token_hash TEXT PRIMARY KEY,
  key_id TEXT NOT NULL,
  user_id BIGINT NOT NULL,
  scopes TEXT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS bearer_tokens_by_key ON bearer_tokens (key_id);
ALTER TABLE users ADD COLUMN IF NOT EXISTS api_tier TEXT;
`;

/**
 * The auth tables in a PostgreSQL database shared by every gateway, in their own schema (created when
 * missing; concurrent first starts are serialised by an advisory lock). int8 columns come back as strings and are read
 * with Number() by the store, which only keeps millisecond times and ids.
 */
export async function postgresAuthSql(connection: string | pg.PoolConfig): Promise<AuthSql> {
  const config = typeof connection === 'string' ? { connectionString: connection } : connection;
  // Its own schema: the read models, which may share the database, have tables of the same names.
  const pool = new pg.Pool({ ...config, max: 4, options: `-c search_path=${AUTH_SCHEMA}` });
  pool.on('error', () => {}); // an idle connection lost: the pool opens another on demand
  // A session the server ends while it is lent out (a restart) emits 'error' on the client, which the
  // pool hears only for idle ones: unheard, it would end the gateway. The caller's query fails instead.
  pool.on('connect', (client) => client.on('error', () => {}));
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock(815001)');
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${AUTH_SCHEMA}`);
    await client.query(POSTGRES_SCHEMA);
  } finally {
    await client.query('SELECT pg_advisory_unlock(815001)').catch(() => {});
    client.release();
  }
  const numbered = (sql: string) => {
    let n = 0;
    return sql.replace(/\?/g, () => `$${++n}`);
  };
  const query = (sql: string, params: readonly AuthParam[] = []) =>
    pool.query(numbered(sql), params as AuthParam[]);
  return {
    get: async (sql, params) => (await query(sql, params)).rows[0] as AuthRow | undefined,
    all: async (sql, params) => (await query(sql, params)).rows as AuthRow[],
    run: async (sql, params) => (await query(sql, params)).rowCount ?? 0,
    close: () => pool.end(),
  };
}
