// Kysely dialect for `node:sqlite` (built into Node 24, no native add-on): Kysely's `SqliteDialect`
// expects a better-sqlite3-shaped database, so this adapts `DatabaseSync`/`StatementSync` to that shape.
// Prepared statements are cached by SQL text (bounded), because the projector replays the same few
// multi-row statement shapes for every batch and re-preparing them would dominate the write path.

import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely';

/** Most prepared statements kept per database; the oldest is dropped when full. */
const STATEMENT_CACHE_LIMIT = 512;

class CachedStatement implements SqliteStatement {
  readonly reader: boolean;
  readonly #stmt: StatementSync;

  constructor(stmt: StatementSync) {
    this.#stmt = stmt;
    // A statement that yields columns (SELECT, or anything with RETURNING) is read with all().
    this.reader = stmt.columns().length > 0;
  }

  all(parameters: ReadonlyArray<unknown>): unknown[] {
    return this.#stmt.all(...toSQLInputValues(parameters));
  }

  run(parameters: ReadonlyArray<unknown>): {
    changes: number | bigint;
    lastInsertRowid: number | bigint;
  } {
    return this.#stmt.run(...toSQLInputValues(parameters));
  }

  iterate(parameters: ReadonlyArray<unknown>): IterableIterator<unknown> {
    return this.#stmt.iterate(...toSQLInputValues(parameters));
  }
}

const NO_OP_STATEMENT: SqliteStatement = {
  reader: false,
  all: () => [],
  run: () => ({ changes: 0, lastInsertRowid: 0 }),
  iterate: () => [][Symbol.iterator](),
};

/** Wraps a `DatabaseSync` in the shape `SqliteDialect` expects, with a bounded statement cache. */
export class NodeSqliteDatabase implements SqliteDatabase {
  readonly #db: DatabaseSync;
  readonly #cache = new Map<string, CachedStatement>();

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  prepare(sql: string): SqliteStatement {
    // After SQLITE_FULL (or an I/O error) SQLite has already rolled the transaction back, and the
    // ROLLBACK Kysely then sends would fail and hide the real error (a full disk) behind "no
    // transaction is active": with nothing to undo it does nothing.
    if (!this.#db.isTransaction && /^\s*rollback\s*;?\s*$/i.test(sql)) return NO_OP_STATEMENT;
    const hit = this.#cache.get(sql);
    if (hit !== undefined) return hit;
    const stmt = new CachedStatement(this.#db.prepare(sql));
    if (this.#cache.size >= STATEMENT_CACHE_LIMIT) {
      const oldest = this.#cache.keys().next();
      if (oldest.done !== true) this.#cache.delete(oldest.value);
    }
    this.#cache.set(sql, stmt);
    return stmt;
  }

  close(): void {
    this.#cache.clear();
    if (this.#db.isOpen) this.#db.close();
  }
}

/**
 * Opens `path` (a file, or `:memory:`) with settings suited to a rebuildable read model: WAL so
 * readers do not block the projector, and `synchronous=OFF`: a process crash loses nothing, and after
 * a power cut the owner of the file re-projects it from the journal (the projection stores the last
 * applied seq in the same transaction as the rows; @bourse/core's read-db-guard checks the file
 * after an unclean stop). Its fsyncs would otherwise compete with the journal's on the same disk.
 */
export function createNodeSqliteDialect(
  path: string,
  options: { readonly durable?: boolean; readonly busyTimeoutMs?: number } = {},
): SqliteDialect {
  // `durable`: a store that is not a projection (nothing rebuilds it) commits with an fsync of the
  // WAL; its writes are rare, so the fsyncs do not crowd the journal's.
  const synchronous = options.durable === true ? 'FULL' : 'OFF';
  return new SqliteDialect({
    database: async () => {
      const db = new DatabaseSync(path);
      db.exec('PRAGMA foreign_keys = OFF');
      if (path !== ':memory:') {
        db.exec('PRAGMA journal_mode = WAL');
        db.exec(`PRAGMA synchronous = ${synchronous}`);
        // Checkpoint (and fsync the main file) every 64 MiB of WAL instead of every 4 MiB: the
        // projector writes in bursts, and frequent checkpoints halved its throughput in the benchmark.
        db.exec('PRAGMA wal_autocheckpoint = 16384');
        db.exec('PRAGMA journal_size_limit = 67108864');
        // Admins write alert statuses and owner links from the gateway's connection while the
        // projector may hold the write lock: wait for it rather than fail at once.
        db.exec(`PRAGMA busy_timeout = ${options.busyTimeoutMs ?? 2000}`);
      }
      db.exec('PRAGMA temp_store = MEMORY');
      // 64 MiB of page cache (negative = KiB): index pages of the hot tables stay in memory.
      db.exec('PRAGMA cache_size = -65536');
      return new NodeSqliteDatabase(db);
    },
  });
}

function toSQLInputValues(parameters: ReadonlyArray<unknown>): SQLInputValue[] {
  const out: SQLInputValue[] = new Array(parameters.length);
  for (let i = 0; i < parameters.length; i++) out[i] = toSQLInputValue(parameters[i]);
  return out;
}

function toSQLInputValue(v: unknown): SQLInputValue {
  if (v === undefined || v === null) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string') return v;
  if (v instanceof Uint8Array) return v;
  throw new TypeError(`node:sqlite cannot bind a parameter of type ${typeof v}`);
}
