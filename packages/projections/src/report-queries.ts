// Reads the compliance reports (report-types.ts) from the read models. Each report is read inside one
// repeatable-read transaction together with the seq the read models hold, so its stamp names exactly
// the commands it counts; the arithmetic (totals, per-market P&L) is done by the pure builders in
// report-build.ts.

import type { Kysely, Transaction } from 'kysely';
import {
  buildLargePositions,
  buildStatement,
  buildTradeRegister,
  type LedgerSum,
  type MarketTerms,
  type PositionFact,
  type RegisterFill,
} from './report-build.ts';
import type {
  AccountStatement,
  LargePositionQuery,
  LargePositionReport,
  ReportPeriod,
  ReportStamp,
  StatementQuery,
  TradeRegister,
} from './report-types.ts';
import type { Database } from './schema.ts';

type Db = Kysely<Database>;
type Trx = Transaction<Database>;

function inSnapshot<T>(db: Db, run: (trx: Trx, stamp: ReportStamp) => Promise<T>): Promise<T> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      const state = await trx
        .selectFrom('projection_state')
        .select(['last_seq', 'last_ts'])
        .where('id', '=', 1)
        .executeTakeFirstOrThrow();
      return run(trx, { seq: Number(state.last_seq), ts: Number(state.last_ts) });
    });
}

async function marketTerms(trx: Trx): Promise<Map<number, MarketTerms>> {
  const rows = await trx
    .selectFrom('instruments')
    .select(['instrument_id', 'kind', 'symbol', 'money_asset_id', 'base_asset_id', 'spec_json'])
    .execute();
  const out = new Map<number, MarketTerms>();
  for (const r of rows) {
    const spec = JSON.parse(r.spec_json) as { eventTicker?: unknown; moneyPerTickLot?: unknown };
    out.set(Number(r.instrument_id), {
      instrumentId: Number(r.instrument_id),
      kind: r.kind === 'spot' ? 'spot' : 'binary',
      symbol: r.symbol,
      moneyAssetId: Number(r.money_asset_id),
      baseAssetId: r.base_asset_id === null ? undefined : Number(r.base_asset_id),
      eventTicker: typeof spec.eventTicker === 'string' ? spec.eventTicker : undefined,
      moneyPerTickLot: Number(spec.moneyPerTickLot ?? 1),
    });
  }
  return out;
}

/** Every fill of the trades in `[fromTs, toTs)`, with each side's trade cash from the ledger. */
async function fillsInPeriod(
  trx: Trx,
  p: ReportPeriod,
  accountId: number | undefined,
): Promise<RegisterFill[]> {
  let fills = trx
    .selectFrom('fills as f')
    .select([
      'f.trade_id',
      'f.role',
      'f.seq',
      'f.ts',
      'f.instrument_id',
      'f.order_id',
      'f.account_id',
      'f.side',
      'f.price_ticks',
      'f.qty_lots',
      'f.fee',
    ])
    .where('f.ts', '>=', p.fromTs)
    .where('f.ts', '<', p.toTs);
  if (accountId !== undefined) fills = fills.where('f.account_id', '=', accountId);
  const rows = await fills.orderBy('f.trade_id').orderBy('f.role', 'desc').execute();
  // A fill's cash is the ledger's `trade` rows of its account, command and trade id (one per asset).
  let legs = trx
    .selectFrom('ledger as l')
    .innerJoin('fills as f', (j) =>
      j
        .onRef('f.account_id', '=', 'l.account_id')
        .onRef('f.seq', '=', 'l.seq')
        .onRef('f.trade_id', '=', 'l.ref_id'),
    )
    .select(['l.ref_id', 'l.account_id', 'l.asset_id', 'l.amount'])
    .where('l.kind', '=', 'trade')
    .where('f.ts', '>=', p.fromTs)
    .where('f.ts', '<', p.toTs);
  if (accountId !== undefined) legs = legs.where('f.account_id', '=', accountId);
  const cash = new Map<string, { assetId: number; amount: number }[]>();
  for (const l of await legs.execute()) {
    const k = `${l.ref_id}:${l.account_id}`;
    const list = cash.get(k) ?? [];
    list.push({ assetId: Number(l.asset_id), amount: Number(l.amount) });
    cash.set(k, list);
  }
  return rows.map((r) => ({
    tradeId: Number(r.trade_id),
    role: r.role === 'maker' ? 'maker' : 'taker',
    seq: Number(r.seq),
    ts: Number(r.ts),
    instrumentId: Number(r.instrument_id),
    orderId: Number(r.order_id),
    accountId: Number(r.account_id),
    side: r.side === 'sell' ? 'sell' : 'buy',
    priceTicks: Number(r.price_ticks),
    qtyLots: Number(r.qty_lots),
    fee: Number(r.fee),
    legs: cash.get(`${r.trade_id}:${r.account_id}`) ?? [],
  }));
}

export function queryTradeRegister(db: Db, p: ReportPeriod): Promise<TradeRegister> {
  return inSnapshot(db, async (trx, stamp) => {
    const terms = await marketTerms(trx);
    return buildTradeRegister(stamp, p, await fillsInPeriod(trx, p, undefined), terms);
  });
}

export function queryLargePositions(db: Db, q: LargePositionQuery): Promise<LargePositionReport> {
  return inSnapshot(db, async (trx, stamp) => {
    const terms = await marketTerms(trx);
    const rows = await trx
      .selectFrom('positions as p')
      .leftJoin('accounts as a', 'a.account_id', 'p.account_id')
      .select([
        'p.account_id',
        'a.user_id',
        'p.instrument_id',
        'p.position_lots',
        'p.cost_basis',
        'p.realised_pnl',
        'p.updated_seq',
      ])
      .where('p.position_lots', '!=', 0)
      .execute();
    const facts: PositionFact[] = rows.map((r) => ({
      accountId: Number(r.account_id),
      userId: r.user_id === null ? undefined : Number(r.user_id),
      instrumentId: Number(r.instrument_id),
      positionLots: Number(r.position_lots),
      costBasis: Number(r.cost_basis),
      realisedPnl: Number(r.realised_pnl),
      updatedSeq: Number(r.updated_seq),
    }));
    return buildLargePositions(stamp, q, facts, terms);
  });
}

/** Σ of the account's ledger per asset and kind, for rows with `ts` in `[fromTs, toTs)`. */
async function ledgerSums(
  trx: Trx,
  accountId: number,
  fromTs: number,
  toTs: number,
): Promise<LedgerSum[]> {
  const rows = await trx
    .selectFrom('ledger')
    .select((eb) => ['asset_id', 'kind', eb.fn.sum<number | string>('amount').as('total')])
    .where('account_id', '=', accountId)
    .where('ts', '>=', fromTs)
    .where('ts', '<', toTs)
    .groupBy(['asset_id', 'kind'])
    .execute();
  return rows.map((r) => ({ assetId: Number(r.asset_id), kind: r.kind, amount: Number(r.total) }));
}

export function queryStatement(db: Db, q: StatementQuery): Promise<AccountStatement> {
  return inSnapshot(db, async (trx, stamp) => {
    const a = q.accountId;
    const terms = await marketTerms(trx);
    const account = await trx
      .selectFrom('accounts')
      .select('user_id')
      .where('account_id', '=', a)
      .executeTakeFirst();
    const settlements = await trx
      .selectFrom('settlements')
      .selectAll()
      .where('account_id', '=', a)
      .where('ts', '>=', q.fromTs)
      .where('ts', '<', q.toTs)
      .orderBy('seq')
      .execute();
    // Settlement and fee rows name their market through `ref_id` (instrument, trade): per-market P&L.
    const marketLedger = await trx
      .selectFrom('ledger as l')
      .leftJoin('trades as t', (j) =>
        j.onRef('t.trade_id', '=', 'l.ref_id').onRef('t.seq', '=', 'l.seq'),
      )
      .select(['l.kind', 'l.amount', 'l.asset_id', 'l.ref_id', 't.instrument_id'])
      .where('l.account_id', '=', a)
      .where('l.ts', '>=', q.fromTs)
      .where('l.ts', '<', q.toTs)
      .where('l.kind', 'in', ['trade', 'fee', 'settlement'])
      .execute();
    return buildStatement({
      stamp,
      query: q,
      userId: account === undefined ? undefined : Number(account.user_id),
      opening: await ledgerSums(trx, a, Number.MIN_SAFE_INTEGER, q.fromTs),
      movements: await ledgerSums(trx, a, q.fromTs, q.toTs),
      fills: await fillsInPeriod(trx, q, a),
      settlements: settlements.map((s) => ({
        instrumentId: Number(s.instrument_id),
        seq: Number(s.seq),
        ts: Number(s.ts),
        result: s.result,
        valueTicks: Number(s.value_ticks),
        positionLots: Number(s.position_lots),
        payout: Number(s.payout),
        realisedPnl: Number(s.realised_pnl),
      })),
      marketLedger: marketLedger.map((l) => ({
        kind: l.kind,
        amount: Number(l.amount),
        assetId: Number(l.asset_id),
        instrumentId:
          l.kind === 'settlement'
            ? Number(l.ref_id)
            : l.instrument_id === null
              ? undefined
              : Number(l.instrument_id),
      })),
      balancesNow: (
        await trx.selectFrom('balances').selectAll().where('account_id', '=', a).execute()
      ).map((b) => ({
        assetId: Number(b.asset_id),
        available: Number(b.available),
        reserved: Number(b.reserved),
      })),
      positionsNow: (
        await trx.selectFrom('positions').selectAll().where('account_id', '=', a).execute()
      ).map((p) => ({
        instrumentId: Number(p.instrument_id),
        positionLots: Number(p.position_lots),
        costBasis: Number(p.cost_basis),
        realisedPnl: Number(p.realised_pnl),
        feesPaid: Number(p.fees_paid),
      })),
      terms,
    });
  });
}
