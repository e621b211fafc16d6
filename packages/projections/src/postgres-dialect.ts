// Kysely dialect for PostgreSQL through a `pg` pool (pure JavaScript, no `pg-native`). The stored rows
// are typed as numbers, so `int8` and `numeric` results are parsed to numbers here, and a value that is
// not a safe integer fails its query instead of silently losing precision.

import { PostgresDialect } from 'kysely';
import pg from 'pg';

/** A `postgres://` connection string, or `pg` pool settings (host, port, database, user, …). */
export type PostgresConnection = string | pg.PoolConfig;

export interface PostgresDialectOptions {
  /**
   * Called when an idle pooled connection fails (the server restarted, a proxy dropped it). The pool
   * has already discarded that connection and opens a new one on demand, so this is for logging only;
   * without a listener `pg` would raise it as an uncaught error and end the process.
   */
  readonly onIdleConnectionError?: (err: Error) => void;
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** Parses an `int8` or `numeric` text value; anything but a safe integer is an error, never rounded. */
export function parseSafeInteger(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isSafeInteger(n)) {
    throw new RangeError(`read models: database value ${text} is not a safe integer`);
  }
  return n;
}

/** Per-pool type parsers (not pg's process-wide registry, which other pools in the process share). */
const SAFE_INTEGER_TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (format !== 'binary' && (oid === INT8_OID || oid === NUMERIC_OID)) return parseSafeInteger;
    return pg.types.getTypeParser(oid, format ?? 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};

function poolConfig(connection: PostgresConnection): pg.PoolConfig {
  const base: pg.PoolConfig =
    typeof connection === 'string' ? { connectionString: connection } : { ...connection };
  return {
    application_name: 'bourse-read-models',
    ...base,
    types: SAFE_INTEGER_TYPES,
    // Idle pooled connections do not keep the process alive; the server's own handles do that.
    allowExitOnIdle: true,
  };
}

/** A pool with the safe-integer parsers, wrapped in Kysely's `PostgresDialect`. */
export function createPostgresDialect(
  connection: PostgresConnection,
  options: PostgresDialectOptions = {},
): PostgresDialect {
  const onIdleError = options.onIdleConnectionError ?? (() => undefined);
  return new PostgresDialect({
    pool: async () => {
      const pool = new pg.Pool(poolConfig(connection));
      pool.on('error', onIdleError);
      return pool;
    },
  });
}
