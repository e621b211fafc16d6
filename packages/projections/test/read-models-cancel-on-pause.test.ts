// Orders placed with `cancelOnPause` keep the flag in order history, and a pause's cancellation shows
// as status `cancelled` with reason `paused`; on every SQL backend. Migration 0002 adds the column to
// a database created before it, with 0 for the orders already stored there.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Kysely, sql } from 'kysely';
import { type Migration, type MigrationProvider, Migrator } from 'kysely/migration';
import {
  type Backend,
  createNodeSqliteDialect,
  createPostgresDialect,
  type Database,
  migrateToLatest,
  migrationsFor,
} from '../src/index.ts';
import { binarySpec, ExchangeDriver, setUpExchange } from './fixtures/exchange-driver.ts';
import { assertMatchesEngine } from './fixtures/read-model-dump.ts';
import { useSqlBackends } from './support/sql-backends.ts';

const MARKET = 10;

function runScenario() {
  const d = new ExchangeDriver();
  setUpExchange(d, 2, [binarySpec(MARKET, 'RAIN-PAUSE')]);
  const place = (accountId: number, priceTicks: number, extra: object = {}) => {
    d.apply({
      type: 'placeOrder',
      accountId,
      instrumentId: MARKET,
      side: 'buy',
      orderType: 'limit',
      priceTicks,
      qtyLots: 300,
      tif: 'gtc',
      ...extra,
    });
    return d.lastSeq;
  };
  const flagged = place(1, 4_000, { cancelOnPause: true });
  const plain = place(2, 4_100);
  const stop = place(1, 4_000, {
    orderType: 'stop',
    tif: 'ioc',
    stopPriceTicks: 6_000,
    cancelOnPause: true,
  });
  // Rejected (the flag must be a boolean): stored as rejected, with the flag read as false.
  const rejected = place(1, 4_000, { cancelOnPause: 'yes' });
  d.apply({ type: 'setMarketStatus', instrumentId: MARKET, status: 'paused' });
  d.apply({ type: 'setMarketStatus', instrumentId: MARKET, status: 'open' });
  const afterResume = place(1, 3_900, { cancelOnPause: true });
  d.apply({ type: 'setHalt', halted: true });
  return { driver: d, ids: { flagged, plain, stop, rejected, afterResume } };
}

const backends = useSqlBackends();

for (const backend of backends.both) {
  describe(`read models on ${backend.name}: orders cancelled on pause`, () => {
    const { driver, ids } = runScenario();

    it('keep the flag and record the pause as the cancel reason', async () => {
      const rm = await backend.fresh();
      await rm.apply(driver.applied);
      const row = async (id: number) => {
        const o = await rm.order(id);
        assert.ok(o, `order ${id}`);
        return [o.status, o.cancelReason, o.cancelOnPause];
      };
      assert.deepEqual(await row(ids.flagged), ['cancelled', 'paused', true]);
      assert.deepEqual(await row(ids.stop), ['cancelled', 'paused', true]);
      assert.deepEqual(await row(ids.afterResume), ['cancelled', 'paused', true]);
      assert.deepEqual(await row(ids.plain), ['open', undefined, false]);
      const rejected = await rm.order(ids.rejected);
      assert.deepEqual(
        [rejected?.status, rejected?.rejectReason, rejected?.cancelOnPause],
        ['rejected', 'INVALID_FIELD', false],
      );
      await assertMatchesEngine(rm, driver.engine, [1, 2]);
      await rm.close();
    });
  });
}

/** Applies the migrations up to and including `last`, as a server of that version would have. */
async function migrateUpTo(db: Kysely<Database>, backend: Backend, last: string): Promise<void> {
  const all = migrationsFor(backend);
  const some: Record<string, Migration> = {};
  for (const name of Object.keys(all).sort()) {
    if (name <= last) some[name] = all[name]!;
  }
  const provider: MigrationProvider = { getMigrations: async () => some };
  const { error } = await new Migrator({ db, provider }).migrateToLatest();
  if (error !== undefined) throw error;
}

/** An empty database on `backend`, with no migration applied. */
async function emptyDb(backend: Backend): Promise<Kysely<Database>> {
  if (backend === 'sqlite') {
    return new Kysely<Database>({ dialect: createNodeSqliteDialect(':memory:') });
  }
  const connection = await (await backends.postgresServer()).createDatabase();
  return new Kysely<Database>({ dialect: createPostgresDialect(connection) });
}

for (const backend of backends.both) {
  describe(`migration 0002 on ${backend.name}, on a database from before it`, () => {
    it('adds cancel_on_pause, 0 for the orders already stored', async () => {
      const db = await emptyDb(backend.dialect);
      await migrateUpTo(db, backend.dialect, '0001_initial');
      await sql`insert into orders (order_id, account_id, instrument_id, side, order_type, tif,
        qty_lots, open_qty_lots, filled_qty_lots, filled_notional, fees_paid, status, post_only,
        reduce_only, created_seq, created_ts, updated_seq, updated_ts)
        values (7, 1, 10, 'buy', 'limit', 'gtc', 100, 100, 0, 0, 0, 'open', 0, 0, 7, 1, 7, 1)`.execute(
        db,
      );
      await migrateToLatest(db, backend.dialect);
      const rows = await db.selectFrom('orders').select(['order_id', 'cancel_on_pause']).execute();
      assert.deepEqual(
        rows.map((r) => ({ ...r })),
        [{ order_id: 7, cancel_on_pause: 0 }],
      );
      await db.destroy();
    });
  });
}
