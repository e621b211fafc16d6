// What only the PostgreSQL backend has to prove, against a real throwaway server: the same rows as
// SQLite for a long random stream, integers outside the safe range refused rather than rounded, text
// SQLite stores but PostgreSQL cannot (U+0000), reads running beside an apply, two writers on one
// database, and a connection the server ends while it is checked out (a server crash or restart). The shared behaviour is covered by the suites that run on every backend.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Kysely, sql } from 'kysely';
import {
  createPostgresDialect,
  type Database,
  openPostgresReadModels,
  parseSafeInteger,
  type ReadModels,
} from '../src/index.ts';
import { binarySpec, ExchangeDriver, setUpExchange } from './fixtures/exchange-driver.ts';
import { dumpReadModels } from './fixtures/read-model-dump.ts';
import {
  RANDOM_ACCOUNTS,
  RANDOM_INSTRUMENTS,
  runRandomExchange,
} from './fixtures/random-exchange.ts';
import { PostgresTestServer } from './support/postgres-server.ts';
import { useSqlBackends } from './support/sql-backends.ts';

const backends = useSqlBackends();
const { postgres, sqliteInMemory } = backends;
const random = runRandomExchange(20_261_124, 2_000);

async function feed(rm: ReadModels, size: number): Promise<void> {
  for (let i = 0; i < random.applied.length; i += size) {
    await rm.apply(random.applied.slice(i, i + size));
  }
}

describe('read models on PostgreSQL', () => {
  it('hold exactly the rows SQLite holds for the same stream', async () => {
    const lite = await sqliteInMemory.fresh();
    const pg = await postgres.fresh();
    await feed(lite, 500);
    await feed(pg, 500);
    const dump = (rm: ReadModels) => dumpReadModels(rm, RANDOM_ACCOUNTS, RANDOM_INSTRUMENTS);
    assert.deepEqual(await dump(pg), await dump(lite));
    await lite.close();
    await pg.close();
  });

  it('refuse a stored integer beyond 2^53 instead of rounding it', async () => {
    assert.equal(parseSafeInteger('9007199254740991'), Number.MAX_SAFE_INTEGER);
    assert.equal(parseSafeInteger('-42'), -42);
    for (const bad of ['9007199254740992', '1.5', '', 'NaN']) {
      assert.throws(() => parseSafeInteger(bad), RangeError, bad);
    }
    const db = await postgres.kysely();
    await sql`insert into trades values (1, 1, 0, 7, 100, 9007199254740993, 'buy', 1, 2)`.execute(
      db,
    );
    await assert.rejects(
      db.selectFrom('trades').selectAll().execute(),
      /9007199254740993 is not a safe integer/,
    );
    await sql`update trades set qty_lots = 5`.execute(db);
    await sql`insert into trades values (2, 2, 0, 7, 100, 6, 'buy', 3, 4)`.execute(db);
    // sum(bigint) is numeric in PostgreSQL; it comes back as a number too.
    const total = await db
      .selectFrom('trades')
      .select((eb) => eb.fn.sum<number>('qty_lots').as('v'))
      .executeTakeFirstOrThrow();
    assert.equal(total.v, 11);
    await db.destroy();
  });

  it('store text with U+0000 as U+FFFD (SQLite keeps it) and find it by the original', async () => {
    const d = new ExchangeDriver();
    setUpExchange(d, 1, [binarySpec(10, 'NUL\u0000MARKET')]);
    const cid = 'client\u0000id';
    d.apply({
      type: 'placeOrder',
      accountId: 1,
      instrumentId: 10,
      side: 'buy',
      orderType: 'limit',
      priceTicks: 4_200,
      qtyLots: 100,
      tif: 'gtc',
      clientOrderId: cid,
    });
    const stored: Record<string, string | undefined> = {};
    for (const backend of [sqliteInMemory, postgres]) {
      const rm = await backend.fresh();
      await rm.apply(d.applied);
      const found = (await rm.orders({ clientOrderId: cid })).items;
      assert.equal(found.length, 1, backend.name);
      stored[backend.dialect] = found[0]?.clientOrderId;
      await rm.close();
    }
    assert.deepEqual(stored, { sqlite: cid, postgres: 'client\uFFFDid' });
  });

  it('store text that array literals must quote exactly as given', async () => {
    const d = new ExchangeDriver();
    const symbols = ['Q"UOTE', 'BACK\\SLASH', '{BRACE},COMMA', 'NULL', ' SPACED ', ''];
    setUpExchange(
      d,
      1,
      symbols.map((symbol, i) => binarySpec(20 + i, symbol)),
    );
    const ids = ['a"b', 'c\\d', '{e,f}', 'NULL', ' g ', 'é'];
    for (const [i, cid] of ids.entries()) {
      d.apply({
        type: 'placeOrder',
        accountId: 1,
        instrumentId: 20 + i,
        side: 'buy',
        orderType: 'limit',
        priceTicks: 4_200,
        qtyLots: 100,
        tif: 'gtc',
        clientOrderId: cid,
      });
    }
    const rm = await postgres.fresh();
    await rm.apply(d.applied);
    for (const cid of ids) {
      const found = (await rm.orders({ clientOrderId: cid })).items;
      assert.deepEqual(
        found.map((o) => o.clientOrderId),
        [cid],
        JSON.stringify(cid),
      );
    }
    await rm.close();
  });

  it('serve reads during an apply that see each batch whole or not at all', async () => {
    const rm = await postgres.fresh();
    let reads = 0;
    for (let i = 0; i < random.applied.length; i += 400) {
      const batch = random.applied.slice(i, i + 400);
      const before = i === 0 ? undefined : random.applied[i - 1]?.seq;
      const after = batch.at(-1)?.seq;
      let done = false;
      const applying = rm.apply(batch).finally(() => {
        done = true;
      });
      // Bounded: stops when the apply settles, or after 5,000 reads.
      for (let n = 0; !done && n < 5_000; n++) {
        const top = (await rm.audit({ limit: 1 })).items[0]?.seq;
        assert.ok(top === before || top === after, `saw seq ${top} between ${before} and ${after}`);
        reads++;
      }
      await applying;
    }
    assert.ok(reads > 0);
    assert.equal((await rm.audit({ limit: 1 })).items[0]?.seq, random.lastSeq);
    await rm.close();
  });

  it('let only one of two writers on one database apply the same batch', async () => {
    const store = await postgres.store();
    const [a, b] = [await store(), await store()];
    const batch = random.applied.slice(0, 600);
    const results = await Promise.allSettled([a.apply(batch), b.apply(batch)]);
    assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
    const winner = results[0]?.status === 'fulfilled' ? a : b;
    const single = await postgres.fresh();
    await single.apply(batch);
    const dump = (rm: ReadModels) => dumpReadModels(rm, RANDOM_ACCOUNTS, RANDOM_INSTRUMENTS);
    const reopened = await store();
    assert.deepEqual(await dump(reopened), await dump(single));
    assert.deepEqual(await dump(winner), await dump(single));
    for (const rm of [a, b, single, reopened]) await rm.close();
  });

  it('update an order that stays open in place (HOT), and find open orders through their own index', async () => {
    const d = new ExchangeDriver();
    setUpExchange(d, 2, [binarySpec(10, 'HOT')]);
    const order = { type: 'placeOrder', instrumentId: 10, orderType: 'limit', tif: 'gtc' } as const;
    // Several pages of resting orders, then a batch that reduces every fourth (it stays open) and
    // cancels every eighth: updates spread over every page, as a book's are.
    for (let i = 0; i < 400; i++) {
      d.apply({ ...order, accountId: 1, side: 'buy', priceTicks: 4_000, qtyLots: 200 });
    }
    const placed = d.applied.length;
    const resting = d.engine.openOrders(1).map((o) => o.orderId);
    resting.sort((a, b) => a - b);
    for (let i = 0; i < resting.length; i += 4) {
      d.apply({ type: 'decreaseOrder', accountId: 1, orderId: resting[i]!, byLots: 100 });
    }
    for (let i = 2; i < resting.length; i += 8) {
      d.apply({ type: 'cancelOrder', accountId: 1, orderId: resting[i]! });
    }
    const connection = await (await backends.postgresServer()).createDatabase();
    const rm = await openPostgresReadModels(connection);
    await rm.apply(d.applied.slice(0, placed));
    await rm.apply(d.applied.slice(placed));
    const open = await rm.orders({ accountId: 1, status: 'open', limit: 1_000 });
    assert.equal(open.items.length, 350);
    // Closed, the writer's backends report their counters as they exit.
    await rm.close();
    const db = new Kysely<Database>({ dialect: createPostgresDialect(connection) });
    let counts = { upd: 0, hot: 0 };
    // Bounded wait for the statistics, not for a speed: they arrive within a second or so.
    for (let i = 0; i < 300 && counts.upd < 150; i++) {
      const { rows } = await sql<{ upd: number; hot: number }>`select n_tup_upd as upd,
        n_tup_hot_upd as hot from pg_stat_user_tables where relname = 'orders'`.execute(db);
      counts = { upd: Number(rows[0]!.upd), hot: Number(rows[0]!.hot) };
      if (counts.upd < 150) await new Promise((r) => setTimeout(r, 100));
    }
    // The 100 reduced orders stay open: updated in place. The 50 cancelled change `status`, which the
    // open orders' index names, so PostgreSQL writes them as new versions.
    assert.deepEqual(counts, { upd: 150, hot: 100 });
    // An account's open orders come from their own index, however long the account's history: fifty
    // closed copies of each of its orders stand in for a market maker's past.
    await sql`insert into orders select (jsonb_populate_record(o, jsonb_build_object('order_id',
      o.order_id + g * 1000000, 'status', 'filled'))).* from orders o, generate_series(1, 50) g
      where o.account_id = 1`.execute(db);
    await sql`analyze orders`.execute(db);
    const plan = await sql<{ 'QUERY PLAN': string }>`explain select * from orders
      where account_id = 1 and status = 'open' order by order_id desc limit 101`.execute(db);
    assert.match(plan.rows.map((r) => r['QUERY PLAN']).join('\n'), /orders_open_by_account/);
    await db.destroy();
  });
});

describe('the test PostgreSQL server', () => {
  it('fails with the install script to run when PostgreSQL is not installed', async () => {
    await assert.rejects(
      PostgresTestServer.start({ debianRoot: '/nonexistent/postgresql', path: '' }),
      /scripts\/ensure-postgres\.sh/,
    );
  });
});

describe('the PostgreSQL dialect', () => {
  it('survives the server ending a connection that is checked out between two queries', async () => {
    const db = await postgres.kysely();
    const other = await postgres.kysely();
    // The server ends the session while the pool has lent it out and no query runs on it, as a
    // restarting server does: pg's client emits 'error' then, with no pool listener attached; the
    // process must not die of it (before, the projector did), and the next query on it just fails.
    await db.connection().execute(async (conn) => {
      const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(conn);
      const pid = rows[0]!.pid;
      await sql`select pg_terminate_backend(${pid})`.execute(other);
      // Bounded: until the backend is gone (its FATAL message sent), then a moment to read it.
      for (let i = 0; i < 200; i++) {
        const left = await sql`select 1 from pg_stat_activity where pid = ${pid}`.execute(other);
        if (left.rows.length === 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      await new Promise((r) => setTimeout(r, 100));
      await assert.rejects(sql`select 1`.execute(conn));
    });
    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(db);
    assert.equal(rows[0]!.one, 1);
    await db.destroy();
    await other.destroy();
  });
});
