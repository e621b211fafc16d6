// The SQL backends every read-model suite runs on, so one suite checks SQLite (in memory and in a file)
// and a real PostgreSQL server alike. `useSqlBackends()` is called once per test file: it owns that
// file's temp dir and its PostgreSQL server (started on first use) and removes both after the file.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { Kysely } from 'kysely';
import {
  type Backend,
  createNodeSqliteDialect,
  createPostgresDialect,
  type Database,
  migrateToLatest,
  openPostgresReadModels,
  openSqliteReadModels,
  type ReadModels,
} from '../../src/index.ts';
import { PostgresTestServer } from './postgres-server.ts';

/** Opens the same stored read models each time it is called (after a close: a restart). */
export type ReadModelStore = () => Promise<ReadModels>;

export interface SqlBackend {
  readonly name: string;
  readonly dialect: Backend;
  /** A fresh, empty read model. */
  fresh(): Promise<ReadModels>;
  /** Fresh storage that outlives `close()`, for restart and catch-up tests. */
  store(): Promise<ReadModelStore>;
  /** A fresh migrated database below the ReadModels port, for the write path's own tests. */
  kysely(): Promise<Kysely<Database>>;
  /** A fresh database with no tables, for the migrations' own tests. */
  unmigrated(): Promise<Kysely<Database>>;
}

export interface SqlBackends {
  readonly sqliteInMemory: SqlBackend;
  readonly sqliteInFile: SqlBackend;
  readonly postgres: SqlBackend;
  /** SQLite in memory and PostgreSQL: the pair a suite runs on unless files matter. */
  readonly both: readonly SqlBackend[];
  readonly all: readonly SqlBackend[];
  /** This file's PostgreSQL server, for tests that need it directly. */
  postgresServer(): Promise<PostgresTestServer>;
}

export function useSqlBackends(): SqlBackends {
  const dir = mkdtempSync(join(tmpdir(), 'bourse-projections-'));
  let server: Promise<PostgresTestServer> | undefined;
  const pgServer = () => {
    server ??= PostgresTestServer.start();
    return server;
  };
  after(async () => {
    const started = await server?.catch(() => undefined);
    await started?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  let files = 0;
  const newFile = () => join(dir, `read-models-${++files}.sqlite`);
  const sqliteEmpty = async () =>
    new Kysely<Database>({ dialect: createNodeSqliteDialect(':memory:') });
  const sqliteKysely = async () => {
    const db = await sqliteEmpty();
    await migrateToLatest(db, 'sqlite');
    return db;
  };
  const postgresEmpty = async () => {
    const connection = await (await pgServer()).createDatabase();
    return new Kysely<Database>({ dialect: createPostgresDialect(connection) });
  };

  const sqliteInMemory: SqlBackend = {
    name: 'SQLite in memory',
    dialect: 'sqlite',
    fresh: () => openSqliteReadModels(':memory:'),
    store: async () => {
      const path = newFile();
      return () => openSqliteReadModels(path);
    },
    kysely: sqliteKysely,
    unmigrated: sqliteEmpty,
  };
  const sqliteInFile: SqlBackend = {
    name: 'SQLite in a file',
    dialect: 'sqlite',
    fresh: () => openSqliteReadModels(newFile()),
    store: sqliteInMemory.store,
    kysely: sqliteKysely,
    unmigrated: sqliteEmpty,
  };
  const postgres: SqlBackend = {
    name: 'PostgreSQL',
    dialect: 'postgres',
    fresh: async () => openPostgresReadModels(await (await pgServer()).createDatabase()),
    store: async () => {
      const connection = await (await pgServer()).createDatabase();
      return () => openPostgresReadModels(connection);
    },
    kysely: async () => {
      const db = await postgresEmpty();
      await migrateToLatest(db, 'postgres');
      return db;
    },
    unmigrated: postgresEmpty,
  };
  return {
    sqliteInMemory,
    sqliteInFile,
    postgres,
    both: [sqliteInMemory, postgres],
    all: [sqliteInMemory, sqliteInFile, postgres],
    postgresServer: pgServer,
  };
}
