// Schema migrations as in-code Kysely migration objects, written only with Kysely's schema builder and
// portable types (`bigint`, `text`) so the same list runs on SQLite and PostgreSQL. A migration, once
// released, is never edited: a change is a new entry with the next number.

import { type CreateTableBuilder, type Kysely, sql } from 'kysely';
import { type Migration, type MigrationProvider, Migrator } from 'kysely/migration';
import { surveillanceTables } from './surveillance-migration.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema type.
type AnyDb = Kysely<any>;

/** The read models' SQL backends; migrations differ only in the storage hints below. */
export type Backend = 'sqlite' | 'postgres';

/**
 * Storage hints, the only place the backends differ. SQLite: a single-column `INTEGER PRIMARY KEY` is
 * the rowid itself (a `BIGINT` key would add a second B-tree), and composite-key tables are `WITHOUT
 * ROWID` (stored in their key's B-tree, again one tree instead of two); SQLite integers are 64-bit
 * either way. PostgreSQL: `bigint` keys (its `integer` is 32-bit) and ordinary heap tables.
 */
interface Hints {
  readonly id: 'integer' | 'bigint';
  readonly clustered: <T extends CreateTableBuilder<string>>(t: T) => T;
}

function hintsFor(backend: Backend): Hints {
  if (backend === 'postgres') return { id: 'bigint', clustered: (t) => t };
  return { id: 'integer', clustered: (t) => t.modifyEnd(sql`without rowid`) as typeof t };
}

const initial = (h: Hints): Migration => ({
  async up(db: AnyDb): Promise<void> {
    await db.schema
      .createTable('projection_state')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('last_seq', 'bigint', (c) => c.notNull())
      .addColumn('last_ts', 'bigint', (c) => c.notNull())
      .execute();
    await db.insertInto('projection_state').values({ id: 1, last_seq: 0, last_ts: 0 }).execute();

    await db.schema
      .createTable('assets')
      .addColumn('asset_id', h.id, (c) => c.primaryKey())
      .addColumn('code', 'text', (c) => c.notNull())
      .addColumn('scale', 'bigint', (c) => c.notNull())
      .addColumn('created_seq', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('accounts')
      .addColumn('account_id', h.id, (c) => c.primaryKey())
      .addColumn('user_id', 'bigint', (c) => c.notNull())
      .addColumn('subaccount', 'bigint', (c) => c.notNull())
      .addColumn('created_seq', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('accounts_by_user').on('accounts').columns(['user_id']).execute();

    await db.schema
      .createTable('instruments')
      .addColumn('instrument_id', h.id, (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('symbol', 'text', (c) => c.notNull())
      .addColumn('money_asset_id', 'bigint', (c) => c.notNull())
      .addColumn('base_asset_id', 'bigint')
      .addColumn('payout_ticks', 'bigint', (c) => c.notNull())
      .addColumn('money_per_tick_lot', 'bigint', (c) => c.notNull())
      .addColumn('base_units_per_lot', 'bigint', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('result', 'text')
      .addColumn('value_ticks', 'bigint')
      .addColumn('spec_json', 'text', (c) => c.notNull())
      .addColumn('created_seq', 'bigint', (c) => c.notNull())
      .addColumn('updated_seq', 'bigint', (c) => c.notNull())
      .execute();

    await createOrders(db, h);
    await createFillsAndTrades(db, h);
    await createMoneyTables(db, h);
    await createMarketTables(db, h);
  },
});

async function createOrders(db: AnyDb, h: Hints): Promise<void> {
  await db.schema
    .createTable('orders')
    .addColumn('order_id', h.id, (c) => c.primaryKey())
    .addColumn('account_id', 'bigint', (c) => c.notNull())
    .addColumn('instrument_id', 'bigint', (c) => c.notNull())
    .addColumn('client_order_id', 'text')
    .addColumn('side', 'text', (c) => c.notNull())
    .addColumn('order_type', 'text', (c) => c.notNull())
    .addColumn('tif', 'text', (c) => c.notNull())
    .addColumn('price_ticks', 'bigint')
    .addColumn('stop_price_ticks', 'bigint')
    .addColumn('qty_lots', 'bigint', (c) => c.notNull())
    .addColumn('open_qty_lots', 'bigint', (c) => c.notNull())
    .addColumn('filled_qty_lots', 'bigint', (c) => c.notNull())
    .addColumn('filled_notional', 'bigint', (c) => c.notNull())
    .addColumn('fees_paid', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('cancel_reason', 'text')
    .addColumn('reject_reason', 'text')
    .addColumn('post_only', 'integer', (c) => c.notNull())
    .addColumn('reduce_only', 'integer', (c) => c.notNull())
    .addColumn('expires_at', 'bigint')
    .addColumn('created_seq', 'bigint', (c) => c.notNull())
    .addColumn('created_ts', 'bigint', (c) => c.notNull())
    .addColumn('updated_seq', 'bigint', (c) => c.notNull())
    .addColumn('updated_ts', 'bigint', (c) => c.notNull())
    .execute();
  const idx = db.schema;
  await idx
    .createIndex('orders_by_account')
    .on('orders')
    .columns(['account_id', 'order_id'])
    .execute();
  await idx
    .createIndex('orders_by_instrument')
    .on('orders')
    .columns(['instrument_id', 'order_id'])
    .execute();
  // Partial indexes (SQLite and PostgreSQL both have them): open orders are the hot lookup and few at
  // any time; most orders never carry a client id.
  await idx
    .createIndex('orders_open_by_account')
    .on('orders')
    .columns(['account_id', 'order_id'])
    .where(sql.ref('status'), '=', 'open')
    .execute();
  await idx
    .createIndex('orders_by_client_id')
    .on('orders')
    .columns(['client_order_id', 'account_id'])
    .where(sql.ref('client_order_id'), 'is not', null)
    .execute();
}

/** The fills' columns, keyed by `key` (migration 0008 changed the key). */
async function createFills(
  db: AnyDb,
  h: Hints,
  name: string,
  key: readonly ('account_id' | 'trade_id' | 'role')[],
): Promise<void> {
  await db.schema
    .createTable(name)
    .addColumn('trade_id', 'bigint', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('ts', 'bigint', (c) => c.notNull())
    .addColumn('instrument_id', 'bigint', (c) => c.notNull())
    .addColumn('order_id', 'bigint', (c) => c.notNull())
    .addColumn('account_id', 'bigint', (c) => c.notNull())
    .addColumn('side', 'text', (c) => c.notNull())
    .addColumn('price_ticks', 'bigint', (c) => c.notNull())
    .addColumn('qty_lots', 'bigint', (c) => c.notNull())
    .addColumn('fee', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('fills_pk', [...key])
    .$call(h.clustered)
    .execute();
}

async function createFillsAndTrades(db: AnyDb, h: Hints): Promise<void> {
  await createFills(db, h, 'fills', ['trade_id', 'role']);
  const s = db.schema;
  await s.createIndex('fills_by_account').on('fills').columns(['account_id', 'trade_id']).execute();
  await s.createIndex('fills_by_order').on('fills').columns(['order_id', 'trade_id']).execute();

  await db.schema
    .createTable('trades')
    .addColumn('trade_id', h.id, (c) => c.primaryKey())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('ts', 'bigint', (c) => c.notNull())
    .addColumn('instrument_id', 'bigint', (c) => c.notNull())
    .addColumn('price_ticks', 'bigint', (c) => c.notNull())
    .addColumn('qty_lots', 'bigint', (c) => c.notNull())
    .addColumn('taker_side', 'text', (c) => c.notNull())
    .addColumn('taker_order_id', 'bigint', (c) => c.notNull())
    .addColumn('maker_order_id', 'bigint', (c) => c.notNull())
    .execute();
  await s
    .createIndex('trades_by_instrument')
    .on('trades')
    .columns(['instrument_id', 'trade_id'])
    .execute();
  await s
    .createIndex('trades_by_instrument_ts')
    .on('trades')
    .columns(['instrument_id', 'ts'])
    .execute();
}

/** The ledger's columns, keyed by `key` (migration 0006 changed the key). */
async function createLedger(
  db: AnyDb,
  h: Hints,
  name: string,
  key: readonly ('account_id' | 'seq' | 'idx')[],
): Promise<void> {
  await db.schema
    .createTable(name)
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('idx', 'bigint', (c) => c.notNull())
    .addColumn('ts', 'bigint', (c) => c.notNull())
    .addColumn('account_id', 'bigint', (c) => c.notNull())
    .addColumn('asset_id', 'bigint', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('ref_id', 'bigint')
    .addColumn('transfer_id', 'text')
    .addPrimaryKeyConstraint('ledger_pk', [...key])
    .$call(h.clustered)
    .execute();
}

async function createMoneyTables(db: AnyDb, h: Hints): Promise<void> {
  await createLedger(db, h, 'ledger', ['seq', 'idx']);
  await db.schema
    .createIndex('ledger_by_account')
    .on('ledger')
    .columns(['account_id', 'seq', 'idx'])
    .execute();

  await db.schema
    .createTable('positions')
    .addColumn('account_id', 'bigint', (c) => c.notNull())
    .addColumn('instrument_id', 'bigint', (c) => c.notNull())
    .addColumn('position_lots', 'bigint', (c) => c.notNull())
    .addColumn('cost_basis', 'bigint', (c) => c.notNull())
    .addColumn('realised_pnl', 'bigint', (c) => c.notNull())
    .addColumn('fees_paid', 'bigint', (c) => c.notNull())
    .addColumn('updated_seq', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('positions_pk', ['account_id', 'instrument_id'])
    .$call(h.clustered)
    .execute();

  await db.schema
    .createTable('balances')
    .addColumn('account_id', 'bigint', (c) => c.notNull())
    .addColumn('asset_id', 'bigint', (c) => c.notNull())
    .addColumn('available', 'bigint', (c) => c.notNull())
    .addColumn('reserved', 'bigint', (c) => c.notNull())
    .addColumn('updated_seq', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('balances_pk', ['account_id', 'asset_id'])
    .$call(h.clustered)
    .execute();
}

async function createMarketTables(db: AnyDb, h: Hints): Promise<void> {
  await db.schema
    .createTable('candles')
    .addColumn('instrument_id', 'bigint', (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('bucket_ts', 'bigint', (c) => c.notNull())
    .addColumn('open_ticks', 'bigint', (c) => c.notNull())
    .addColumn('high_ticks', 'bigint', (c) => c.notNull())
    .addColumn('low_ticks', 'bigint', (c) => c.notNull())
    .addColumn('close_ticks', 'bigint', (c) => c.notNull())
    .addColumn('volume_lots', 'bigint', (c) => c.notNull())
    .addColumn('notional', 'bigint', (c) => c.notNull())
    .addColumn('trade_count', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('candles_pk', ['instrument_id', 'period', 'bucket_ts'])
    .$call(h.clustered)
    .execute();

  await db.schema
    .createTable('settlements')
    .addColumn('instrument_id', 'bigint', (c) => c.notNull())
    .addColumn('account_id', 'bigint', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('ts', 'bigint', (c) => c.notNull())
    .addColumn('result', 'text', (c) => c.notNull())
    .addColumn('value_ticks', 'bigint', (c) => c.notNull())
    .addColumn('position_lots', 'bigint', (c) => c.notNull())
    .addColumn('payout', 'bigint', (c) => c.notNull())
    .addColumn('realised_pnl', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('settlements_pk', ['instrument_id', 'account_id'])
    .$call(h.clustered)
    .execute();
  await db.schema
    .createIndex('settlements_by_seq')
    .on('settlements')
    .columns(['seq', 'account_id'])
    .execute();
  await db.schema
    .createIndex('settlements_by_account')
    .on('settlements')
    .columns(['account_id', 'seq'])
    .execute();

  await db.schema
    .createTable('audit')
    .addColumn('seq', h.id, (c) => c.primaryKey())
    .addColumn('ts', 'bigint', (c) => c.notNull())
    .addColumn('command_type', 'text', (c) => c.notNull())
    .addColumn('account_id', 'bigint')
    .addColumn('instrument_id', 'bigint')
    .addColumn('order_id', 'bigint')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('event_count', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('audit_by_account')
    .on('audit')
    .columns(['account_id', 'seq'])
    .execute();
}

/**
 * Orders remember whether they were placed with `cancelOnPause` (Kalshi's `cancel_order_on_pause`).
 * Orders stored before it existed had no way to ask for it, so they read 0.
 */
const orderCancelOnPause: Migration = {
  async up(db: AnyDb): Promise<void> {
    await db.schema
      .alterTable('orders')
      .addColumn('cancel_on_pause', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },
};

/**
 * The compliance reports read trades and fills by time across every market (a day's trade register):
 * without these an index-less scan of both tables.
 */
const reportIndexes: Migration = {
  async up(db: AnyDb): Promise<void> {
    await db.schema.createIndex('fills_by_ts').on('fills').columns(['ts', 'trade_id']).execute();
    await db.schema.createIndex('trades_by_ts').on('trades').columns(['ts', 'trade_id']).execute();
  },
};

/**
 * The audit log names who issued an administrative command (the journaled `actor`, decision 0110).
 * Rows stored before it read null, as do a trader's own commands.
 */
const auditActor: Migration = {
  async up(db: AnyDb): Promise<void> {
    await db.schema.alterTable('audit').addColumn('actor', 'bigint').execute();
  },
};

/**
 * The ledger is keyed by account first, `(account_id, seq, idx)`, and loses its index by account:
 * every query reads one account's rows in seq order (or probes an account's rows of one seq from a
 * fill), and the old key `(seq, idx)` served none of them while costing each of the 2-3 rows an order
 * writes a second B-tree insert. `(seq, idx)` still names one row (idx counts the rows of a command,
 * each of one account); only its separate uniqueness check is gone.
 */
const ledgerKeyedByAccount = (backend: Backend): Migration => ({
  async up(db: AnyDb): Promise<void> {
    if (backend === 'postgres') {
      await sql`alter table ledger drop constraint ledger_pk`.execute(db);
      await db.schema.dropIndex('ledger_by_account').execute();
      await sql`alter table ledger add constraint ledger_pk primary key (account_id, seq, idx)`.execute(
        db,
      );
      return;
    }
    // SQLite cannot change a table's key: a copy keyed the new way replaces it (and its index), in one
    // transaction (Kysely runs SQLite's migrations outside one), so a crash leaves either table whole.
    await db.transaction().execute(async (trx) => {
      await createLedger(trx, hintsFor(backend), 'ledger_new', ['account_id', 'seq', 'idx']);
      await sql`insert into ledger_new (seq, idx, ts, account_id, asset_id, kind, amount, ref_id,
        transfer_id) select seq, idx, ts, account_id, asset_id, kind, amount, ref_id, transfer_id
        from ledger`.execute(trx);
      await trx.schema.dropTable('ledger').execute();
      await trx.schema.alterTable('ledger_new').renameTo('ledger').execute();
    });
  },
});

/**
 * On PostgreSQL the reports' time indexes of fills and trades become BRIN indexes: both tables are
 * append-only in seq order, so their rows lie on disk in time order, and a block-range summary finds a
 * day's rows as well as a B-tree does; but a B-tree costs every fill and trade an index insert (a WAL
 * record and a page touched), while a BRIN index costs nothing until VACUUM summarises the full
 * ranges. SQLite has no BRIN and keeps its B-trees.
 */
const brinTimeIndexes = (backend: Backend): Migration => ({
  async up(db: AnyDb): Promise<void> {
    if (backend !== 'postgres') return;
    for (const table of ['fills', 'trades'] as const) {
      await db.schema.dropIndex(`${table}_by_ts`).execute();
      await db.schema.createIndex(`${table}_by_ts`).on(table).using('brin').column('ts').execute();
    }
  },
});

/**
 * Two index entries fewer per order on the write path. Fills are keyed by account first,
 * `(account_id, trade_id, role)`, and lose their index by account: every query of fills names an
 * account (a trader's own fills, newest first; an account's fills of one order or market; an account's
 * series), and the old key `(trade_id, role)` served none of them while costing each fill a second
 * B-tree insert. `(account_id, trade_id, role)` still names one fill (a trade has one fill per role).
 * Orders lose their index by market: every query of orders names an account (`orders_by_account`
 * serves it, the market then a filter over that account's orders), so nothing read it.
 */
const fewerWriteIndexes = (backend: Backend): Migration => ({
  async up(db: AnyDb): Promise<void> {
    await db.schema.dropIndex('orders_by_instrument').execute();
    if (backend === 'postgres') {
      await sql`alter table fills drop constraint fills_pk`.execute(db);
      await db.schema.dropIndex('fills_by_account').execute();
      await sql`alter table fills add constraint fills_pk primary key (account_id, trade_id, role)`.execute(
        db,
      );
      return;
    }
    // As migration 0006 did for the ledger: a copy keyed the new way replaces the table (its indexes
    // go with it and are made again), in one transaction.
    await db.transaction().execute(async (trx) => {
      await createFills(trx, hintsFor(backend), 'fills_new', ['account_id', 'trade_id', 'role']);
      await sql`insert into fills_new (trade_id, role, seq, ts, instrument_id, order_id, account_id,
        side, price_ticks, qty_lots, fee) select trade_id, role, seq, ts, instrument_id, order_id,
        account_id, side, price_ticks, qty_lots, fee from fills`.execute(trx);
      await trx.schema.dropTable('fills').execute();
      await trx.schema.alterTable('fills_new').renameTo('fills').execute();
      const s = trx.schema;
      await s.createIndex('fills_by_order').on('fills').columns(['order_id', 'trade_id']).execute();
      await s.createIndex('fills_by_ts').on('fills').columns(['ts', 'trade_id']).execute();
    });
  },
});

/**
 * An order stored open and changed by a later batch (a fill, a cancel) is updated in place: on
 * PostgreSQL a HOT update, one heap record and no index entry, where it was a new row version with an
 * entry in each of the orders' indexes. PostgreSQL can update a row in place only when no column an
 * index uses changes and the page has room for the new version; the open orders' partial index named
 * `status` in its predicate, and pages were filled to the brim. So that index goes (the open orders
 * of an account are read through `orders_by_account`, `status` then a filter: decision 0965), and the
 * orders' pages are filled to 70 %, the rest left for the versions updates write.
 */
const ordersUpdatedInPlace = (backend: Backend): Migration => ({
  async up(db: AnyDb): Promise<void> {
    await db.schema.dropIndex('orders_open_by_account').execute();
    if (backend === 'postgres') {
      await sql`alter table orders set (fillfactor = 70)`.execute(db);
    }
  },
});

/**
 * The open orders' partial index again (it went in 0009): without it an account's open orders
 * (Kalshi's resting orders, `?status=open`, reconciliation) are found by walking all of that
 * account's orders, which for a market maker with two million orders took 0.6 s a query where the
 * index takes 1 ms. The price is that an order's closing update is no longer HOT (its `status` is
 * in the predicate); an update that leaves it open (a partial fill, a decrease) still is, on the
 * pages 0009 left room in (decision 0967).
 */
const openOrdersIndexBack: Migration = {
  async up(db: AnyDb): Promise<void> {
    await db.schema
      .createIndex('orders_open_by_account')
      .on('orders')
      .columns(['account_id', 'order_id'])
      .where(sql.ref('status'), '=', 'open')
      .execute();
  },
};

/** Every migration for `backend`, keyed so that lexical order is application order. */
export function migrationsFor(backend: Backend): Record<string, Migration> {
  const h = hintsFor(backend);
  return {
    '0001_initial': initial(h),
    '0002_order_cancel_on_pause': orderCancelOnPause,
    '0003_report_indexes': reportIndexes,
    '0004_surveillance': surveillanceTables,
    '0005_audit_actor': auditActor,
    '0006_ledger_keyed_by_account': ledgerKeyedByAccount(backend),
    '0007_brin_time_indexes': brinTimeIndexes(backend),
    '0008_fewer_write_indexes': fewerWriteIndexes(backend),
    '0009_orders_updated_in_place': ordersUpdatedInPlace(backend),
    '0010_open_orders_index_back': openOrdersIndexBack,
  };
}

/** Brings the schema up to date; throws with the failing migration's name if one fails. */
export async function migrateToLatest(db: AnyDb, backend: Backend): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrationsFor(backend) };
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`read-model migration ${failed} failed`, { cause: error });
  }
}
