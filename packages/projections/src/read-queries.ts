// The read side: every query the server serves from the read models, written once in Kysely for all
// backends. Lists are newest first with keyset pagination (the cursor is the last row's key, and a
// page fetches one extra row to know whether another page exists), so deep pages cost what the first
// one does.

import { bucketStart, CANDLE_INTERVALS, INTERVAL_MS, isCandleInterval } from '@bourse/marketdata';
import { type Kysely, sql } from 'kysely';
import { type CursorKey, decodeCursor, encodeCursor, pageLimit } from './cursor.ts';
import { InvalidQueryError } from './invalid-query-error.ts';
import type {
  AuditQuery,
  AuditRow,
  BalanceRow,
  CandleRow,
  CandlesQuery,
  FillRow,
  FillsQuery,
  LatestCandles,
  LedgerQuery,
  LedgerRow,
  OrderRow,
  OrdersQuery,
  Page,
  PositionRow,
  SettlementRow,
  SettlementsQuery,
  TradeRow,
  TradesQuery,
} from './read-models.ts';
import {
  toAuditRow,
  toBalanceRow,
  toCandleRow,
  toFillRow,
  toLedgerRow,
  toOrderRow,
  toPositionRow,
  toSettlementRow,
  toTradeRow,
} from './row-mappers.ts';
import type { Database } from './schema.ts';

type Db = Kysely<Database>;

function toPage<R, T>(
  rows: R[],
  limit: number,
  map: (r: R) => T,
  key: (r: R) => CursorKey,
): Page<T> {
  if (rows.length <= limit) return { items: rows.map(map) };
  const kept = rows.slice(0, limit);
  return { items: kept.map(map), nextCursor: encodeCursor(key(kept[limit - 1] as R)) };
}

function int(key: CursorKey, i: number): number {
  return key[i] as number;
}

export async function queryOrders(db: Db, q: OrdersQuery): Promise<Page<OrderRow>> {
  const limit = pageLimit(q.limit);
  let s = db.selectFrom('orders').selectAll();
  if (q.accountId !== undefined) s = s.where('account_id', '=', q.accountId);
  if (q.instrumentId !== undefined) s = s.where('instrument_id', '=', q.instrumentId);
  // 'open' inline, not bound: the planner can only use the partial open-orders index for a literal.
  if (q.status === 'open') s = s.where('status', '=', sql.lit('open'));
  else if (q.status !== undefined) s = s.where('status', '=', q.status);
  if (q.clientOrderId !== undefined) s = s.where('client_order_id', '=', q.clientOrderId);
  if (q.cursor !== undefined) {
    s = s.where('order_id', '<', int(decodeCursor(q.cursor, ['int']), 0));
  }
  const rows = await s
    .orderBy('order_id', 'desc')
    .limit(limit + 1)
    .execute();
  return toPage(rows, limit, toOrderRow, (r) => [r.order_id]);
}

export async function queryOrder(db: Db, orderId: number): Promise<OrderRow | undefined> {
  const row = await db
    .selectFrom('orders')
    .selectAll()
    .where('order_id', '=', orderId)
    .executeTakeFirst();
  return row === undefined ? undefined : toOrderRow(row);
}

export async function queryFills(db: Db, q: FillsQuery): Promise<Page<FillRow>> {
  const limit = pageLimit(q.limit);
  let s = db.selectFrom('fills').selectAll();
  if (q.accountId !== undefined) s = s.where('account_id', '=', q.accountId);
  if (q.instrumentId !== undefined) s = s.where('instrument_id', '=', q.instrumentId);
  if (q.orderId !== undefined) s = s.where('order_id', '=', q.orderId);
  if (q.cursor !== undefined) {
    const key = decodeCursor(q.cursor, ['int', 'str']);
    const [tradeId, role] = [int(key, 0), key[1] as string];
    s = s.where((eb) => eb(eb.refTuple('trade_id', 'role'), '<', eb.tuple(tradeId, role)));
  }
  const rows = await s
    .orderBy('trade_id', 'desc')
    .orderBy('role', 'desc')
    .limit(limit + 1)
    .execute();
  return toPage(rows, limit, toFillRow, (r) => [r.trade_id, r.role]);
}

export async function queryTrades(db: Db, q: TradesQuery): Promise<Page<TradeRow>> {
  const limit = pageLimit(q.limit);
  let s = db.selectFrom('trades').selectAll();
  if (q.instrumentId !== undefined) s = s.where('instrument_id', '=', q.instrumentId);
  if (q.sinceTs !== undefined) s = s.where('ts', '>=', q.sinceTs);
  if (q.cursor !== undefined) {
    s = s.where('trade_id', '<', int(decodeCursor(q.cursor, ['int']), 0));
  }
  const rows = await s
    .orderBy('trade_id', 'desc')
    .limit(limit + 1)
    .execute();
  return toPage(rows, limit, toTradeRow, (r) => [r.trade_id]);
}

export async function queryCandles(db: Db, q: CandlesQuery): Promise<CandleRow[]> {
  if (!isCandleInterval(q.interval)) {
    throw new InvalidQueryError('INVALID_QUERY', 'interval must be 1m, 1h or 1d');
  }
  const limit = pageLimit(q.limit);
  let s = db
    .selectFrom('candles')
    .selectAll()
    .where('instrument_id', '=', q.instrumentId)
    .where('period', '=', q.interval);
  if (q.fromTs !== undefined) s = s.where('bucket_ts', '>=', q.fromTs);
  if (q.toTs !== undefined) s = s.where('bucket_ts', '<=', q.toTs);
  const rows = await s.orderBy('bucket_ts', 'desc').limit(limit).execute();
  return rows.reverse().map(toCandleRow);
}

/**
 * The newest candle of every market and interval with the seq of the last command the read models hold,
 * read in one transaction (a snapshot on both backends), so the candles hold exactly the trades of the
 * commands up to that seq. Each candle is found through the candles' key, one index probe per market.
 */
export function queryLatestCandles(db: Db): Promise<LatestCandles> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      const state = await trx
        .selectFrom('projection_state')
        .select('last_seq')
        .where('id', '=', 1)
        .executeTakeFirstOrThrow();
      const candles: CandleRow[] = [];
      for (const interval of CANDLE_INTERVALS) {
        const rows = await trx
          .selectFrom('instruments as i')
          .innerJoin('candles as c', (join) =>
            join
              .onRef('c.instrument_id', '=', 'i.instrument_id')
              .on('c.period', '=', interval)
              .on('c.bucket_ts', '=', (eb) =>
                eb
                  .selectFrom('candles as n')
                  .select((n) => n.fn.max('n.bucket_ts').as('newest'))
                  .whereRef('n.instrument_id', '=', 'i.instrument_id')
                  .where('n.period', '=', interval),
              ),
          )
          .selectAll('c')
          .orderBy('c.instrument_id')
          .execute();
        for (const r of rows) candles.push(toCandleRow(r));
      }
      return { seq: Number(state.last_seq), candles };
    });
}

export async function queryLedger(db: Db, q: LedgerQuery): Promise<Page<LedgerRow>> {
  const limit = pageLimit(q.limit);
  let s = db.selectFrom('ledger').selectAll().where('account_id', '=', q.accountId);
  if (q.assetId !== undefined) s = s.where('asset_id', '=', q.assetId);
  if (q.cursor !== undefined) {
    const key = decodeCursor(q.cursor, ['int', 'int']);
    const [seq, idx] = [int(key, 0), int(key, 1)];
    s = s.where((eb) => eb(eb.refTuple('seq', 'idx'), '<', eb.tuple(seq, idx)));
  }
  const rows = await s
    .orderBy('seq', 'desc')
    .orderBy('idx', 'desc')
    .limit(limit + 1)
    .execute();
  return toPage(rows, limit, toLedgerRow, (r) => [r.seq, r.idx]);
}

export async function queryPositions(db: Db, accountId: number): Promise<PositionRow[]> {
  const rows = await db
    .selectFrom('positions')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('instrument_id')
    .execute();
  return rows.map(toPositionRow);
}

export async function queryBalances(db: Db, accountId: number): Promise<BalanceRow[]> {
  const rows = await db
    .selectFrom('balances')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('asset_id')
    .execute();
  return rows.map(toBalanceRow);
}

export async function querySettlements(db: Db, q: SettlementsQuery): Promise<Page<SettlementRow>> {
  const limit = pageLimit(q.limit);
  let s = db.selectFrom('settlements').selectAll();
  if (q.accountId !== undefined) s = s.where('account_id', '=', q.accountId);
  if (q.instrumentId !== undefined) s = s.where('instrument_id', '=', q.instrumentId);
  if (q.cursor !== undefined) {
    const key = decodeCursor(q.cursor, ['int', 'int']);
    const [seq, accountId] = [int(key, 0), int(key, 1)];
    s = s.where((eb) => eb(eb.refTuple('seq', 'account_id'), '<', eb.tuple(seq, accountId)));
  }
  const rows = await s
    .orderBy('seq', 'desc')
    .orderBy('account_id', 'desc')
    .limit(limit + 1)
    .execute();
  return toPage(rows, limit, toSettlementRow, (r) => [r.seq, r.account_id]);
}

export async function queryAudit(db: Db, q: AuditQuery): Promise<Page<AuditRow>> {
  const limit = pageLimit(q.limit);
  let s = db.selectFrom('audit').selectAll();
  if (q.accountId !== undefined) s = s.where('account_id', '=', q.accountId);
  if (q.commandType !== undefined) s = s.where('command_type', '=', q.commandType);
  if (q.outcome !== undefined) s = s.where('outcome', '=', q.outcome);
  if (q.fromTs !== undefined) s = s.where('ts', '>=', q.fromTs);
  if (q.toTs !== undefined) s = s.where('ts', '<', q.toTs);
  if (q.cursor !== undefined) s = s.where('seq', '<', int(decodeCursor(q.cursor, ['int']), 0));
  const rows = await s
    .orderBy('seq', 'desc')
    .limit(limit + 1)
    .execute();
  return toPage(rows, limit, toAuditRow, (r) => [r.seq]);
}

const DAY_MS = 86_400_000;

/**
 * Lots traded in `(nowTs − 24h, nowTs]`, exactly: whole minutes inside the window come from the 1m
 * candles, the two partial minutes at its edges from the trades themselves.
 */
export async function queryVolume24h(db: Db, instrumentId: number, nowTs: number): Promise<number> {
  const start = nowTs - DAY_MS;
  const firstFull = bucketStart(Math.max(0, start), '1m') + INTERVAL_MS['1m'];
  const lastStart = bucketStart(nowTs, '1m');
  if (firstFull >= lastStart) return tradeVolume(db, instrumentId, start, nowTs + 1);
  const [head, middle, tail] = await Promise.all([
    tradeVolume(db, instrumentId, start, firstFull),
    db
      .selectFrom('candles')
      .select((eb) => eb.fn.sum<number | string | null>('volume_lots').as('v'))
      .where('instrument_id', '=', instrumentId)
      .where('period', '=', '1m')
      .where('bucket_ts', '>=', firstFull)
      .where('bucket_ts', '<', lastStart)
      .executeTakeFirst(),
    tradeVolume(db, instrumentId, lastStart - 1, nowTs + 1),
  ]);
  return head + Number(middle?.v ?? 0) + tail;
}

/** Lots traded with `afterTs < ts < beforeTs`. */
async function tradeVolume(
  db: Db,
  instrumentId: number,
  afterTs: number,
  beforeTs: number,
): Promise<number> {
  const row = await db
    .selectFrom('trades')
    .select((eb) => eb.fn.sum<number | string | null>('qty_lots').as('v'))
    .where('instrument_id', '=', instrumentId)
    .where('ts', '>', afterTs)
    .where('ts', '<', beforeTs)
    .executeTakeFirst();
  return Number(row?.v ?? 0);
}
