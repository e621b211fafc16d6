// Public surface of the read models: the port, its SQLite and PostgreSQL openers, the query error and
// the backend-neutral pieces (migrations, the Kysely implementation, the schema, the dialects).

export { allPages } from './all-pages.ts';
export { bucketStart, CANDLE_INTERVALS, INTERVAL_MS } from '@bourse/marketdata';
export { type InvalidQueryCode, InvalidQueryError } from './invalid-query-error.ts';
export { KyselyReadModels, type KyselyReadModelsOptions } from './kysely-read-models.ts';
export { type Backend, migrateToLatest, migrationsFor } from './migrations.ts';
export { createNodeSqliteDialect } from './node-sqlite-dialect.ts';
export {
  createPostgresDialect,
  type PostgresConnection,
  type PostgresDialectOptions,
  parseSafeInteger,
} from './postgres-dialect.ts';
export { openPostgresReadModels, type PostgresReadModelsOptions } from './postgres-read-models.ts';
export { DEFAULT_POINTS, MAX_POINTS } from './performance-build.ts';
export { performanceCsv } from './performance-csv.ts';
export type * from './performance-types.ts';
export type * from './read-models.ts';
export { reportCsv } from './report-csv.ts';
export { dayPeriod, monthPeriod } from './report-period.ts';
export type * from './report-types.ts';
export { type EngineViews, reconcileWithEngine } from './reconcile.ts';
export type { Database } from './schema.ts';
export { openSqliteReadModels, type SqliteReadModelsOptions } from './sqlite-read-models.ts';
