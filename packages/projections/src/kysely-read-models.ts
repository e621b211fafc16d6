// The ReadModels implementation over any Kysely database (the SQLite adapter today, PostgreSQL by the
// same code later). apply() is the imperative shell around the pure fold: skip what is already stored,
// preload the prior rows the fold needs, fold, then write every table with multi-row statements and
// advance `projection_state` in the same transaction, guarded so two writers cannot both advance it.

import { type Kysely, sql } from 'kysely';
import {
  type BatchWrites,
  collectReferences,
  foldBatch,
  key2,
  type PriorState,
} from './batch-fold.ts';
import { BulkWriter, type ColumnTypes, prepareEveryBatch, tablePart } from './bulk-writer.ts';
import * as Q from './read-queries.ts';
import { queryPerformance } from './performance-queries.ts';
import type { PerformanceQuery } from './performance-types.ts';
import * as R from './report-queries.ts';
import type { LargePositionQuery, ReportPeriod, StatementQuery } from './report-types.ts';
import type {
  AppliedCommand,
  AuditQuery,
  CandlesQuery,
  FillsQuery,
  LedgerQuery,
  OrdersQuery,
  ReadModels,
  SettlementsQuery,
  TradesQuery,
} from './read-models.ts';
import type { Database, InstrumentsTable, OrdersTable } from './schema.ts';
import { SurveillanceFeed } from './surveillance-feed.ts';
import * as S from './surveillance-store.ts';
import * as W from './table-writes.ts';

/** Keys per `IN (…)` list when preloading; well under every backend's parameter limit. */
const PRELOAD_CHUNK = 5_000;

export interface KyselyReadModelsOptions {
  /** The engine's fee account, credited with every fee in the ledger (the engine's default is 0). */
  readonly feeAccountId: number;
  /**
   * Run reads one at a time with writes. Needed where the backend has a single connection (SQLite):
   * otherwise a read would run inside an apply's open transaction and see half a batch.
   */
  readonly serializeReads: boolean;
  /** Each written column's SQL type: tables are then written through column arrays (PostgreSQL). */
  readonly columnTypes?: ColumnTypes;
  /**
   * Another process writes these tables (a clustered gateway reads what the projector stores): no
   * surveillance window is restored or kept, and `apply` refuses. The writer's warm-up loads every
   * fill of the longest detector window (ten minutes by default) into memory, which a reader would
   * carry in its old generation for nothing (decision 0977).
   */
  readonly readOnly?: boolean;
}

/**
 * The stored orders of `ids` on PostgreSQL: one array parameter (`{1,2,…}`), so the statement text is
 * the same every batch and stays prepared, where an `IN ($1, …, $n)` list is a new statement of n
 * parameters each time, which the server parses and plans again.
 */
function ordersById(db: Kysely<Database>, ids: readonly number[]) {
  return db
    .selectFrom('orders')
    .selectAll()
    .where(sql<boolean>`order_id = any(${`{${ids.join(',')}}`}::bigint[])`);
}

/** Moves the stored seq from `from` to `lastSeq`: no row is updated if another writer moved it. */
function advanceState(db: Kysely<Database>, from: number, lastSeq: number, lastTs: number) {
  return db
    .updateTable('projection_state')
    .set({ last_seq: lastSeq, last_ts: lastTs })
    .where('id', '=', 1)
    .where('last_seq', '=', from);
}

export class KyselyReadModels implements ReadModels {
  readonly #db: Kysely<Database>;
  readonly #options: KyselyReadModelsOptions;
  readonly #writer: BulkWriter;
  readonly #instruments = new Map<number, InstrumentsTable>();
  /** The detectors' windows; only the writer has them. */
  readonly #surveillance: SurveillanceFeed | undefined;
  #lastSeq = 0;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  private constructor(db: Kysely<Database>, options: KyselyReadModelsOptions) {
    this.#db = db;
    this.#options = options;
    this.#writer = new BulkWriter(db, options.columnTypes);
    this.#surveillance = options.readOnly === true ? undefined : new SurveillanceFeed();
    if (options.columnTypes !== undefined) {
      const fixed = [
        advanceState(db, 0, 0, 0),
        ordersById(db, []),
        S.ownersQuery(db),
        S.thresholdsQuery(db),
      ];
      for (const q of fixed) {
        prepareEveryBatch(q.compile().sql);
      }
    }
  }

  /** Wraps a migrated database: loads the last applied seq and the instrument terms. */
  static async open(
    db: Kysely<Database>,
    options: KyselyReadModelsOptions,
  ): Promise<KyselyReadModels> {
    const rm = new KyselyReadModels(db, options);
    const state = await db
      .selectFrom('projection_state')
      .select(['last_seq', 'last_ts'])
      .where('id', '=', 1)
      .executeTakeFirstOrThrow();
    rm.#lastSeq = Number(state.last_seq);
    for (const inst of await db.selectFrom('instruments').selectAll().execute()) {
      rm.#instruments.set(inst.instrument_id, inst);
    }
    await rm.#surveillance?.open(db, rm.#lastSeq, Number(state.last_ts));
    return rm;
  }

  lastAppliedSeq(): Promise<number> {
    return this.#exclusive(async () => this.#lastSeq);
  }

  apply(batch: readonly AppliedCommand[]): Promise<void> {
    const surveillance = this.#surveillance;
    if (surveillance === undefined) {
      return Promise.reject(new Error('apply: these read models were opened read-only'));
    }
    return this.#exclusive(() => this.#apply(batch, surveillance));
  }

  async #apply(batch: readonly AppliedCommand[], surveillance: SurveillanceFeed): Promise<void> {
    const from = this.#lastSeq;
    const pending = batch.filter((ac) => ac.seq > from);
    if (pending.length === 0) return;
    let prev = from;
    for (const ac of pending) {
      if (!Number.isSafeInteger(ac.seq) || ac.seq <= prev) {
        throw new Error(
          `apply: seq ${ac.seq} follows ${prev}; a batch must be in increasing order`,
        );
      }
      prev = ac.seq;
    }
    const writes = await this.#db.transaction().execute(async (trx) => {
      const prior = await this.#loadPrior(trx, pending);
      const w = foldBatch(pending, prior, this.#options.feeAccountId);
      await this.#write(trx, w, prior);
      await surveillance.apply(trx, pending, w.accounts);
      const advanced = await advanceState(trx, from, w.lastSeq, w.lastTs).executeTakeFirst();
      if (Number(advanced.numUpdatedRows) !== 1) {
        throw new Error('apply: another writer advanced the read models; batch rolled back');
      }
      return w;
    });
    surveillance.committed();
    this.#lastSeq = writes.lastSeq;
    for (const [id, inst] of writes.instruments) this.#instruments.set(id, inst);
  }

  async #loadPrior(trx: Kysely<Database>, pending: readonly AppliedCommand[]): Promise<PriorState> {
    const refs = collectReferences(pending);
    const orders = new Map<number, OrdersTable>();
    for (const r of await this.#storedOrders(trx, refs.orderIds)) orders.set(r.order_id, r);
    // Only binary cash depends on the position before a fill; new instruments have no positions.
    const keys = refs.positionKeys.filter(
      ([, inst]) => this.#instruments.get(inst)?.kind === 'binary',
    );
    const positions = new Map<string, number>();
    for (let i = 0; i < keys.length; i += PRELOAD_CHUNK / 2) {
      const chunk = keys.slice(i, i + PRELOAD_CHUNK / 2);
      const rows = await trx
        .selectFrom('positions')
        .select(['account_id', 'instrument_id', 'position_lots'])
        .where((eb) =>
          eb(
            eb.refTuple('account_id', 'instrument_id'),
            'in',
            chunk.map(([a, inst]) => eb.tuple(a, inst)),
          ),
        )
        .execute();
      for (const r of rows) positions.set(key2(r.account_id, r.instrument_id), r.position_lots);
    }
    const instruments = this.#instruments;
    return {
      instrument: (id) => instruments.get(id),
      order: (id) => orders.get(id),
      positionLots: (a, inst) => positions.get(key2(a, inst)) ?? 0,
    };
  }

  /** The stored orders of `ids`: one prepared statement on PostgreSQL, `IN` lists on SQLite. */
  async #storedOrders(trx: Kysely<Database>, ids: readonly number[]): Promise<OrdersTable[]> {
    if (ids.length === 0) return [];
    if (this.#options.columnTypes !== undefined) return ordersById(trx, ids).execute();
    const rows: OrdersTable[] = [];
    for (let i = 0; i < ids.length; i += PRELOAD_CHUNK) {
      const chunk = ids.slice(i, i + PRELOAD_CHUNK);
      rows.push(
        ...(await trx.selectFrom('orders').selectAll().where('order_id', 'in', chunk).execute()),
      );
    }
    return rows;
  }

  async #write(trx: Kysely<Database>, w: BatchWrites, prior: PriorState): Promise<void> {
    const b = this.#writer;
    await b.write(trx, W.ASSETS_WRITE, w.assets);
    await b.write(trx, W.ACCOUNTS_WRITE, w.accounts);
    await b.write(trx, W.INSTRUMENTS_WRITE, [...w.instruments.values()]);
    // An order whose id is the seq of the command that placed it cannot be stored yet (that seq was
    // not): it is inserted. An order the batch read before changing it is stored: it is updated.
    // The rest (ids a command chose) are upserted.
    const placed: OrdersTable[] = [];
    const stored: OrdersTable[] = [];
    const chosen: OrdersTable[] = [];
    for (const o of w.orders.values()) {
      if (prior.order(o.order_id) !== undefined) stored.push(o);
      else (o.order_id === o.created_seq ? placed : chosen).push(o);
    }
    await b.write(trx, W.STORED_ORDERS_WRITE, stored);
    await b.write(trx, W.ORDERS_WRITE, chosen);
    await b.write(trx, W.POSITIONS_WRITE, [...w.positions.values()]);
    await b.write(trx, W.BALANCES_WRITE, [...w.balances.values()]);
    await b.write(trx, W.CANDLES_WRITE, [...w.candles.values()]);
    // The append-only tables: one statement on PostgreSQL.
    await b.writeAll(trx, [
      tablePart(W.NEW_ORDERS_WRITE, placed),
      tablePart(W.TRADES_WRITE, w.trades),
      tablePart(W.FILLS_WRITE, w.fills),
      tablePart(W.LEDGER_WRITE, w.ledger),
      tablePart(W.SETTLEMENTS_WRITE, w.settlements),
      tablePart(W.AUDIT_WRITE, w.audit),
    ]);
  }

  orders(q: OrdersQuery) {
    return this.#read(() => Q.queryOrders(this.#db, q));
  }
  order(orderId: number) {
    return this.#read(() => Q.queryOrder(this.#db, orderId));
  }
  fills(q: FillsQuery) {
    return this.#read(() => Q.queryFills(this.#db, q));
  }
  trades(q: TradesQuery) {
    return this.#read(() => Q.queryTrades(this.#db, q));
  }
  candles(q: CandlesQuery) {
    return this.#read(() => Q.queryCandles(this.#db, q));
  }
  latestCandles() {
    return this.#read(() => Q.queryLatestCandles(this.#db));
  }
  ledger(q: LedgerQuery) {
    return this.#read(() => Q.queryLedger(this.#db, q));
  }
  positions(accountId: number) {
    return this.#read(() => Q.queryPositions(this.#db, accountId));
  }
  balances(accountId: number) {
    return this.#read(() => Q.queryBalances(this.#db, accountId));
  }
  settlements(q: SettlementsQuery) {
    return this.#read(() => Q.querySettlements(this.#db, q));
  }
  audit(q: AuditQuery) {
    return this.#read(() => Q.queryAudit(this.#db, q));
  }
  tradeRegister(period: ReportPeriod) {
    return this.#read(() => R.queryTradeRegister(this.#db, period));
  }
  largePositions(q: LargePositionQuery) {
    return this.#read(() => R.queryLargePositions(this.#db, q));
  }
  statement(q: StatementQuery) {
    return this.#read(() => R.queryStatement(this.#db, q));
  }
  performance(q: PerformanceQuery) {
    return this.#read(() => queryPerformance(this.#db, q));
  }
  volume24h(instrumentId: number, nowTs: number) {
    return this.#read(() => Q.queryVolume24h(this.#db, instrumentId, nowTs));
  }

  alerts(q: S.AlertsQuery) {
    return this.#read(() => S.queryAlerts(this.#db, q));
  }
  alertCounts() {
    return this.#read(() => S.countAlerts(this.#db));
  }
  alert(alertId: string) {
    return this.#read(() => S.queryAlert(this.#db, alertId));
  }
  setAlertStatus(
    alertId: string,
    status: S.AlertStatus,
    note: string | undefined,
    change: S.Change,
  ) {
    return this.#exclusive(() => S.updateAlertStatus(this.#db, alertId, status, note, change));
  }
  linkOwners(accountIds: readonly number[], owner: string, change: S.Change) {
    return this.#exclusive(() => S.linkOwners(this.#db, accountIds, owner, change));
  }
  unlinkOwner(accountId: number) {
    return this.#exclusive(() => S.unlinkOwner(this.#db, accountId));
  }
  ownerLinks() {
    return this.#read(() => S.queryOwners(this.#db));
  }
  setThresholds(
    instrumentId: number,
    overrides: Parameters<typeof S.storeThresholds>[2],
    change: S.Change,
  ) {
    return this.#exclusive(() => S.storeThresholds(this.#db, instrumentId, overrides, change));
  }
  thresholdOverrides() {
    return this.#read(() => S.queryThresholds(this.#db));
  }

  close(): Promise<void> {
    const next = this.#queue.then(async () => {
      if (this.#closed) return;
      this.#closed = true;
      await this.#db.destroy();
    });
    this.#queue = next.catch(() => undefined);
    return next;
  }

  #read<T>(run: () => Promise<T>): Promise<T> {
    return this.#options.serializeReads ? this.#exclusive(run) : this.#guarded(run);
  }

  #guarded<T>(run: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new Error('read models are closed'));
    return run();
  }

  /** Runs `run` after everything queued before it; a failure does not poison later calls. */
  #exclusive<T>(run: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(() => this.#guarded(run));
    this.#queue = next.catch(() => undefined);
    return next;
  }
}
