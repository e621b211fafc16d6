// Kysely dialect for PostgreSQL through a `pg` pool (pure JavaScript, no `pg-native`). The stored rows
// are typed as numbers, so `int8` and `numeric` results are parsed to numbers here, and a value that is
// not a safe integer fails its query instead of silently losing precision. Text parameters have U+0000
// replaced (PostgreSQL's text cannot hold it), so a client-chosen string never wedges the projector.

import { PostgresDialect } from 'kysely';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { COPY_WRITES, PREPARED_WRITES } from './bulk-writer.ts';

/** A `postgres://` connection string, or `pg` pool settings (host, port, database, user, …). */
export type PostgresConnection = string | pg.PoolConfig;

export interface PostgresDialectOptions {
  /**
   * Called when an idle pooled connection fails (the server restarted, a proxy dropped it). The pool
   * has already discarded that connection and opens a new one on demand, so this is for logging only;
   * without a listener `pg` would raise it as an uncaught error and end the process.
   */
  readonly onIdleConnectionError?: (err: Error) => void;
  /**
   * `false`: this pool's transactions commit without waiting for the WAL flush
   * (`synchronous_commit = off` for its sessions only; the server keeps fsync and every other
   * client keeps waiting). A crash of the server can then lose the last commits it had acknowledged,
   * never part of one. Only for a writer that recovers from that (the cluster's projector, which
   * reopens the read models after a failed store and refills from the log what they lost).
   */
  readonly synchronousCommit?: boolean;
  /**
   * Called with the server process id of each connection the pool opens (PostgreSQL serves every
   * connection from a process of its own): the cluster's projector lowers the priority of its own
   * backends when the server runs on the same machine.
   */
  readonly onServerProcess?: (pid: number) => void;
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

/** What U+0000 is stored as: the replacement character, as UTF-8 already does for lone surrogates. */
const NUL_REPLACEMENT = '\uFFFD';

/** A text parameter PostgreSQL accepts; every other value is bound unchanged. */
export function postgresText<T>(value: T): T | string {
  return typeof value === 'string' && value.includes('\u0000')
    ? value.replaceAll('\u0000', NUL_REPLACEMENT)
    : value;
}

/**
 * pg's client with text parameters made storable. Kysely and the bulk writer bind through
 * `query(sql, values)`, so this is the one place every parameter passes, writes and lookups alike (an
 * order looked up by a client id with U+0000 finds the row stored for it).
 */
class ReadModelClient extends pg.Client {
  // biome-ignore lint/suspicious/noExplicitAny: pg.Client's constructor takes its config as is.
  constructor(config?: any) {
    super(config);
    // The server may end a session while the pool has lent it out and no query runs on it (a crash or
    // restart: FATAL 57P01). pg then emits 'error' on the client, and the pool listens only to idle
    // ones: unheard, it would end the process. The client is no longer queryable, so the caller's
    // next query on it fails and is retried (the projector reopens the read models); nothing is lost.
    this.on('error', () => {});
  }

  // biome-ignore lint/suspicious/noExplicitAny: pg's query has a dozen overloads; only `values` changes.
  override query(...args: any[]): any {
    const values: unknown = args[1];
    if (typeof args[0] === 'string' && COPY_WRITES.has(args[0]) && Array.isArray(values)) {
      return this.#copyIn(args[0], postgresText(values[0] as string));
    }
    // The bulk writer's column arrays arrive as array literals (text): the same replacement holds.
    if (Array.isArray(values)) args[1] = values.map(postgresText);
    // Its statements run once per table per batch, every batch: prepared under a name, this session
    // parses and plans each once instead of each time (pg prepares a name once per connection).
    const name = typeof args[0] === 'string' ? PREPARED_WRITES.get(args[0]) : undefined;
    if (name !== undefined) args.splice(0, 2, { name, text: args[0], values: args[1] });
    return (super.query as (...a: unknown[]) => unknown)(...args);
  }

  /** Runs a `COPY … FROM STDIN` with `data` (COPY's text format) as its rows. */
  #copyIn(text: string, data: string): Promise<Partial<pg.QueryResult>> {
    return new Promise((resolve, reject) => {
      const stream = super.query(copyFrom(text));
      stream.on('error', reject);
      stream.on('finish', () => resolve({ command: 'COPY', rowCount: stream.rowCount, rows: [] }));
      stream.end(data);
    });
  }
}

function poolConfig(connection: PostgresConnection, asyncCommit: boolean): pg.PoolConfig {
  const base: pg.PoolConfig =
    typeof connection === 'string' ? { connectionString: connection } : { ...connection };
  if (asyncCommit) {
    base.options = [base.options, '-c synchronous_commit=off'].filter(Boolean).join(' ');
  }
  return {
    application_name: 'bourse-read-models',
    // A server that accepts TCP but never answers (starting, stopped, a half-open link) fails the
    // query, which its caller retries, instead of holding it forever; keep-alive finds dead links.
    connectionTimeoutMillis: 10_000,
    keepAlive: true,
    ...base,
    types: SAFE_INTEGER_TYPES,
    Client: ReadModelClient,
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
      const pool = new pg.Pool(poolConfig(connection, options.synchronousCommit === false));
      pool.on('error', onIdleError);
      const onServerProcess = options.onServerProcess;
      if (onServerProcess !== undefined) {
        pool.on('connect', (client) => {
          // Set from the server's BackendKeyData before the connection is handed out (not in pg's types).
          const pid = (client as { processID?: number | null }).processID;
          if (typeof pid === 'number') onServerProcess(pid);
        });
      }
      return pool;
    },
  });
}
