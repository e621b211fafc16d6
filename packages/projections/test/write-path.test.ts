// The pieces under apply() on their own: fill cash rules, cursors, and the chunked multi-row writer
// against each real SQL backend (sizes around every chunk boundary, upserts, candle merges).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BulkWriter, tablePart } from '../src/bulk-writer.ts';
import { columnTypes } from '../src/postgres-read-models.ts';
import { decodeCursor, encodeCursor } from '../src/cursor.ts';
import { InvalidQueryError } from '../src/invalid-query-error.ts';
import { type CompiledQuery, type Kysely, sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import { migrateToLatest, migrationsFor } from '../src/migrations.ts';
import type {
  AuditTable,
  CandlesTable,
  Database,
  FillsTable,
  LedgerTable,
  TradesTable,
} from '../src/schema.ts';
import {
  AUDIT_WRITE,
  CANDLES_WRITE,
  SETTLEMENTS_WRITE,
  TRADES_WRITE,
} from '../src/table-writes.ts';
import { binaryLegCash, type CashTerms, spotLegCash } from '../src/trade-cash.ts';
import { useSqlBackends } from './support/sql-backends.ts';

const binary: CashTerms = {
  kind: 'binary',
  moneyAssetId: 1,
  baseAssetId: null,
  payoutTicks: 10_000,
  moneyPerTickLot: 1,
  baseUnitsPerLot: 0,
};

describe('fill cash', () => {
  it('charges p to open YES and payout − p to open NO', () => {
    assert.equal(binaryLegCash(binary, 'buy', 0, 4_200, 100), -420_000);
    assert.equal(binaryLegCash(binary, 'sell', 0, 4_200, 100), -580_000);
  });

  it('pays p for closing YES and payout − p for closing NO', () => {
    assert.equal(binaryLegCash(binary, 'sell', 300, 4_200, 100), 420_000);
    assert.equal(binaryLegCash(binary, 'buy', -300, 4_200, 100), 580_000);
  });

  it('splits a fill that crosses zero into a closing and an opening part', () => {
    // Long 100 YES, sells 300 at 0.42: closes 100 (+42,000 × 10) and opens 200 NO (−58 × 200 × 100).
    assert.equal(binaryLegCash(binary, 'sell', 100, 4_200, 300), 100 * 4_200 - 200 * 5_800);
    assert.equal(binaryLegCash(binary, 'buy', -100, 4_200, 300), 100 * 5_800 - 200 * 4_200);
  });

  it('moves quote and base in opposite directions for spot', () => {
    const spot: CashTerms = { ...binary, kind: 'spot', baseAssetId: 2, baseUnitsPerLot: 1_000 };
    assert.deepEqual(spotLegCash(spot, 'buy', 10_050, 3), [
      { assetId: 1, amount: -30_150 },
      { assetId: 2, amount: 3_000 },
    ]);
    assert.deepEqual(spotLegCash(spot, 'sell', 10_050, 3), [
      { assetId: 1, amount: 30_150 },
      { assetId: 2, amount: -3_000 },
    ]);
  });
});

describe('cursors', () => {
  it('round-trips keys and refuses anything else', () => {
    assert.deepEqual(decodeCursor(encodeCursor([42, 'taker']), ['int', 'str']), [42, 'taker']);
    const bad = [
      'x',
      encodeCursor([42, 'taker']),
      encodeCursor(['42']),
      encodeCursor([1.5]),
      Buffer.from('{"a":1}').toString('base64url'),
    ];
    for (const c of bad) {
      assert.throws(
        () => decodeCursor(c, ['int']),
        (e: unknown) => e instanceof InvalidQueryError && e.code === 'INVALID_CURSOR',
      );
    }
  });
});

function auditRows(from: number, n: number): AuditTable[] {
  return Array.from({ length: n }, (_, i) => ({
    seq: from + i,
    ts: 1_000 + i,
    command_type: i % 2 === 0 ? 'placeOrder' : 'cancelOrder',
    account_id: i % 3 === 0 ? null : i,
    instrument_id: null,
    order_id: from + i,
    outcome: 'accepted',
    reason: null,
    event_count: i % 5,
    actor: null,
  }));
}

const backends = useSqlBackends();

for (const backend of backends.both) {
  describe(`bulk writer on ${backend.name}`, () => {
    const freshDb = () => backend.kysely();

    it('writes every row exactly once at and around chunk boundaries', async () => {
      const db = await freshDb();
      const writer = new BulkWriter(db);
      let next = 1;
      for (const n of [0, 1, 2, 3, 511, 512, 513, 1_025, 3_333]) {
        const rows = auditRows(next, n);
        await writer.write(db, AUDIT_WRITE, rows);
        const stored = await db
          .selectFrom('audit')
          .selectAll()
          .where('seq', '>=', next)
          .orderBy('seq')
          .execute();
        assert.deepEqual(
          stored.map((r) => ({ ...r })),
          rows,
          `batch of ${n}`,
        );
        next += n;
      }
      await db.destroy();
    });

    it('writes several append-only tables together, empty ones included', async () => {
      const db = await freshDb();
      const types = backend.dialect === 'postgres' ? await columnTypes(db) : undefined;
      const writer = new BulkWriter(db, types);
      const trades = (from: number, n: number): TradesTable[] =>
        Array.from({ length: n }, (_, i) => ({
          trade_id: from + i,
          seq: from + i,
          ts: 2_000 + i,
          instrument_id: 1,
          price_ticks: 4_200 - i,
          qty_lots: -(2 ** 40) + i,
          taker_side: i % 2 === 0 ? 'buy' : 'sell',
          taker_order_id: from + i,
          maker_order_id: 2 ** 50 + i,
        }));
      const audit = auditRows(1, 5).map((r, i) =>
        i === 1 ? { ...r, reason: 'a "quoted" {brace}, \\ and \u0000' } : r,
      );
      let statements = 0;
      const counted = {
        executeQuery: (q: CompiledQuery) => {
          statements++;
          return db.executeQuery(q);
        },
      } as unknown as Kysely<Database>;
      await writer.writeAll(counted, [
        tablePart(TRADES_WRITE, trades(1, 3)),
        tablePart(SETTLEMENTS_WRITE, []),
        tablePart(AUDIT_WRITE, audit),
      ]);
      await writer.writeAll(counted, [
        tablePart(TRADES_WRITE, []),
        tablePart(SETTLEMENTS_WRITE, []),
        tablePart(AUDIT_WRITE, []),
      ]);
      await writer.writeAll(counted, [
        tablePart(TRADES_WRITE, trades(4, 600)),
        tablePart(SETTLEMENTS_WRITE, []),
        tablePart(AUDIT_WRITE, []),
      ]);
      // PostgreSQL: one COPY per table with rows.
      if (backend.dialect === 'postgres') assert.equal(statements, 3);
      const storedTrades = await db.selectFrom('trades').selectAll().orderBy('trade_id').execute();
      assert.deepEqual(
        storedTrades.map((r) => ({ ...r })),
        [...trades(1, 3), ...trades(4, 600)],
      );
      const storedAudit = await db.selectFrom('audit').selectAll().orderBy('seq').execute();
      assert.deepEqual(
        storedAudit.map((r) => ({ ...r })),
        // PostgreSQL's text cannot hold U+0000: it is stored as the replacement character.
        backend.dialect === 'postgres'
          ? audit.map((r) => ({ ...r, reason: r.reason?.replace('\u0000', '\uFFFD') ?? null }))
          : audit,
      );
      assert.equal((await db.selectFrom('settlements').selectAll().execute()).length, 0);
      await db.destroy();
    });

    it('merges a candle bucket: keeps open, widens high and low, adds volume', async () => {
      const db = await freshDb();
      const writer = new BulkWriter(db);
      const candle = (o: number, h: number, l: number, c: number, v: number): CandlesTable => ({
        instrument_id: 1,
        period: '1m',
        bucket_ts: 60_000,
        open_ticks: o,
        high_ticks: h,
        low_ticks: l,
        close_ticks: c,
        volume_lots: v,
        notional: v * c,
        trade_count: 1,
      });
      await writer.write(db, CANDLES_WRITE, [candle(50, 55, 48, 52, 10)]);
      await writer.write(db, CANDLES_WRITE, [candle(53, 54, 40, 41, 5)]);
      await writer.write(db, CANDLES_WRITE, [candle(41, 60, 41, 59, 1)]);
      const [c] = await db.selectFrom('candles').selectAll().execute();
      assert.deepEqual(
        [
          c?.open_ticks,
          c?.high_ticks,
          c?.low_ticks,
          c?.close_ticks,
          c?.volume_lots,
          c?.trade_count,
        ],
        [50, 60, 40, 59, 16, 3],
      );
      assert.equal(c?.notional, 10 * 52 + 5 * 41 + 59);
      await db.destroy();
    });

    it('keeps every ledger row when migration 0006 keys the ledger by account', async () => {
      const db = await backend.unmigrated();
      const provider = { getMigrations: async () => migrationsFor(backend.dialect) };
      const upTo5 = await new Migrator({ db, provider }).migrateTo('0005_audit_actor');
      assert.equal(upTo5.error, undefined);
      const rows: LedgerTable[] = [1, 2, 3].flatMap((seq) =>
        [0, 1].map((idx) => ({
          seq,
          idx,
          ts: 1_000 * seq,
          account_id: idx === 0 ? 7 : 3,
          asset_id: 1,
          kind: idx === 0 ? 'trade' : 'fee',
          amount: idx === 0 ? -4_200 * seq : -15,
          ref_id: seq,
          transfer_id: seq === 2 ? 't-"2"' : null,
        })),
      );
      await db.insertInto('ledger').values(rows).execute();
      await migrateToLatest(db, backend.dialect);
      const stored = await db
        .selectFrom('ledger')
        .selectAll()
        .orderBy('seq')
        .orderBy('idx')
        .execute();
      assert.deepEqual(
        stored.map((r) => ({ ...r })),
        rows,
      );
      // The new key still refuses a row stored twice.
      await assert.rejects(db.insertInto('ledger').values(rows[3]!).execute());
      await db.destroy();
    });

    it('keeps every fill when migration 0008 keys the fills by account, and reads them by its key', async () => {
      const db = await backend.unmigrated();
      const provider = { getMigrations: async () => migrationsFor(backend.dialect) };
      const upTo7 = await new Migrator({ db, provider }).migrateTo('0007_brin_time_indexes');
      assert.equal(upTo7.error, undefined);
      const rows: FillsTable[] = [1, 2, 3].flatMap((tradeId) =>
        (['maker', 'taker'] as const).map((role) => ({
          trade_id: tradeId,
          role,
          seq: 10 + tradeId,
          ts: 1_000 * tradeId,
          instrument_id: 1,
          order_id: role === 'maker' ? 100 : 100 + tradeId,
          account_id: role === 'maker' ? 7 : 3,
          side: role === 'maker' ? 'buy' : 'sell',
          price_ticks: 4_200,
          qty_lots: tradeId,
          fee: role === 'maker' ? 0 : 15,
        })),
      );
      await db.insertInto('fills').values(rows).execute();
      await migrateToLatest(db, backend.dialect);
      const stored = await db
        .selectFrom('fills')
        .selectAll()
        .orderBy('trade_id')
        .orderBy('role')
        .execute();
      assert.deepEqual(
        stored.map((r) => ({ ...r })),
        rows,
      );
      // The new key still refuses a fill stored twice.
      await assert.rejects(db.insertInto('fills').values(rows[3]!).execute());
      const indexes = await indexNames(db, backend.dialect);
      assert.ok(!indexes.includes('orders_by_instrument') && !indexes.includes('fills_by_account'));
      assert.ok(indexes.includes('fills_by_order') && indexes.includes('fills_by_ts'));
      if (backend.dialect === 'postgres') {
        // An account's fills, newest first (the only way fills are listed), read through the key.
        const plan = await sql<{ 'QUERY PLAN': string }>`explain select * from fills
          where account_id = 7 order by trade_id desc, role desc limit 101`.execute(db);
        await sql`set enable_seqscan = off`.execute(db);
        const forced = await sql<{ 'QUERY PLAN': string }>`explain select * from fills
          where account_id = 7 order by trade_id desc, role desc limit 101`.execute(db);
        const text = [...plan.rows, ...forced.rows].map((r) => r['QUERY PLAN']).join('\n');
        assert.match(text, /Index Scan Backward using fills_pk/);
      }
      await db.destroy();
    });

    it('finds a period of trades by time, through BRIN indexes on PostgreSQL', async () => {
      const db = await backend.kysely();
      const writer = new BulkWriter(db);
      const trades: TradesTable[] = [];
      for (let id = 1; id <= 3_000; id++) {
        trades.push({
          trade_id: id,
          seq: id,
          ts: 60_000 * id,
          instrument_id: 1,
          price_ticks: 50,
          qty_lots: 1,
          taker_side: 'buy',
          taker_order_id: id,
          maker_order_id: id + 10_000,
        });
      }
      await writer.write(db, TRADES_WRITE, trades);
      const inPeriod = await db
        .selectFrom('trades')
        .select('trade_id')
        .where('ts', '>=', 60_000 * 1_000)
        .where('ts', '<', 60_000 * 1_100)
        .orderBy('trade_id')
        .execute();
      assert.deepEqual(
        inPeriod.map((r) => r.trade_id),
        trades.slice(999, 1_099).map((t) => t.trade_id),
      );
      if (backend.dialect === 'postgres') {
        const { rows } = await sql<{ name: string; method: string }>`
          select c.relname as name, a.amname as method from pg_class c
          join pg_am a on a.oid = c.relam where c.relname in ('fills_by_ts', 'trades_by_ts')
          order by c.relname`.execute(db);
        assert.deepEqual(
          rows.map((r) => [r.name, r.method]),
          [
            ['fills_by_ts', 'brin'],
            ['trades_by_ts', 'brin'],
          ],
        );
      }
      await db.destroy();
    });

    it('runs the migrations once: reopening an up-to-date schema changes nothing', async () => {
      const db = await freshDb();
      await migrateToLatest(db, backend.dialect);
      const tables = await db.introspection.getTables();
      assert.ok(tables.some((t) => t.name === 'ledger'));
      await db.destroy();
    });
  });
}

describe('bulk writer copying on PostgreSQL', () => {
  it('copies append-only rows exactly as its insert statement stores them', async () => {
    const texts = [
      'tab\there',
      'line\nbreak',
      'carriage\rreturn',
      'back\\slash',
      '\\N',
      '\\.',
      '\\',
      'a "quoted" {brace}, and NULL',
      'NUL\u0000inside',
      'é ∑ 🂡',
      '',
      ' spaced ',
    ];
    const audit = auditRows(1, texts.length * 2).map((r, i) => ({
      ...r,
      command_type: texts[i % texts.length] as string,
      outcome: texts[texts.length - 1 - (i % texts.length)] as string,
      reason: i < texts.length ? (texts[i] as string) : null,
      ts: i === 0 ? Number.MAX_SAFE_INTEGER : -i,
    }));
    const stored: Record<string, unknown[]> = {};
    for (const path of ['insert', 'copy'] as const) {
      const db = await backends.postgres.kysely();
      const writer = new BulkWriter(db, await columnTypes(db));
      if (path === 'insert') await writer.write(db, AUDIT_WRITE, audit);
      else await writer.writeAll(db, [tablePart(AUDIT_WRITE, audit)]);
      const rows = await db.selectFrom('audit').selectAll().orderBy('seq').execute();
      stored[path] = rows.map((r) => ({ ...r }));
      await db.destroy();
    }
    assert.deepEqual(stored.copy, stored.insert);
    assert.equal(stored.copy?.length, audit.length);
  });

  it('fails a COPY the server refuses and keeps the session usable', async () => {
    const db = await backends.postgres.kysely();
    const writer = new BulkWriter(db, await columnTypes(db));
    await writer.writeAll(db, [tablePart(AUDIT_WRITE, auditRows(1, 3))]);
    await db.connection().execute(async (session) => {
      // A stored seq first (refused before the rest is read), then one in the middle.
      for (const rows of [auditRows(1, 2_000), [...auditRows(10, 500), ...auditRows(2, 1)]]) {
        await assert.rejects(
          writer.writeAll(session, [tablePart(AUDIT_WRITE, rows)]),
          /duplicate key value/,
        );
        const stored = await session.selectFrom('audit').select('seq').orderBy('seq').execute();
        assert.deepEqual(
          stored.map((r) => r.seq),
          [1, 2, 3],
        );
      }
    });
    await db.destroy();
  });
});

/** The names of every index of the read models' tables, on either backend. */
async function indexNames(db: Kysely<Database>, dialect: 'sqlite' | 'postgres'): Promise<string[]> {
  const query =
    dialect === 'postgres'
      ? sql<{ name: string }>`select indexname as name from pg_indexes
          where schemaname = current_schema()`
      : sql<{ name: string }>`select name from sqlite_master where type = 'index'`;
  const { rows } = await query.execute(db);
  return rows.map((r) => r.name);
}
