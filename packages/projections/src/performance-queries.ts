// Reads an account's performance report (performance-types.ts) from the read models in one
// repeatable-read snapshot: its ledger, fills and settlements from the start, the terms of the markets
// it touched, and the candle closes that mark them at each bucket's end. The arithmetic is
// performance-build.ts.

import { type CandleInterval, INTERVAL_MS } from '@bourse/marketdata';
import type { Kysely, Transaction } from 'kysely';
import {
  buildPerformance,
  type PerfMarks,
  type PerfTerms,
  resolveRange,
  spotMarketFor,
} from './performance-build.ts';
import type { PerformanceQuery, PerformanceReport } from './performance-types.ts';
import type { Database } from './schema.ts';

type Db = Kysely<Database>;
type Trx = Transaction<Database>;

async function perfTerms(trx: Trx): Promise<Map<number, PerfTerms>> {
  const rows = await trx.selectFrom('instruments').selectAll().execute();
  const out = new Map<number, PerfTerms>();
  for (const r of rows) {
    const spec = JSON.parse(r.spec_json) as { eventTicker?: unknown };
    out.set(Number(r.instrument_id), {
      instrumentId: Number(r.instrument_id),
      symbol: r.symbol,
      kind: r.kind === 'spot' ? 'spot' : 'binary',
      eventTicker:
        r.kind !== 'spot' && typeof spec.eventTicker === 'string' ? spec.eventTicker : undefined,
      moneyAssetId: Number(r.money_asset_id),
      baseAssetId: r.base_asset_id === null ? undefined : Number(r.base_asset_id),
      payoutTicks: Number(r.payout_ticks),
      moneyPerTickLot: Number(r.money_per_tick_lot),
      baseUnitsPerLot: Number(r.base_units_per_lot) || 1,
    });
  }
  return out;
}

/** A market's last close before `startTs` and its closes from there to `endTs`, in `interval` candles. */
async function marksOf(
  trx: Trx,
  instrumentId: number,
  interval: CandleInterval,
  startTs: number,
  endTs: number,
): Promise<PerfMarks> {
  const before = await trx
    .selectFrom('candles')
    .select('close_ticks')
    .where('instrument_id', '=', instrumentId)
    .where('period', '=', interval)
    .where('bucket_ts', '<', startTs)
    .orderBy('bucket_ts', 'desc')
    .limit(1)
    .executeTakeFirst();
  const rows = await trx
    .selectFrom('candles')
    .select(['bucket_ts', 'close_ticks'])
    .where('instrument_id', '=', instrumentId)
    .where('period', '=', interval)
    .where('bucket_ts', '>=', startTs)
    .where('bucket_ts', '<', endTs)
    .orderBy('bucket_ts')
    .execute();
  return {
    before: before === undefined ? undefined : Number(before.close_ticks),
    closes: rows.map((r) => [Number(r.bucket_ts), Number(r.close_ticks)] as const),
  };
}

export function queryPerformance(db: Db, q: PerformanceQuery): Promise<PerformanceReport> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      const state = await trx
        .selectFrom('projection_state')
        .select(['last_seq', 'last_ts'])
        .where('id', '=', 1)
        .executeTakeFirstOrThrow();
      const a = q.accountId;
      const ledger = await trx
        .selectFrom('ledger')
        .select(['seq', 'ts', 'asset_id', 'kind', 'amount'])
        .where('account_id', '=', a)
        .orderBy('seq')
        .orderBy('idx')
        .execute();
      const range = resolveRange(q, ledger.length === 0 ? undefined : Number(ledger[0]!.ts));
      const fills = await trx
        .selectFrom('fills')
        .select(['seq', 'ts', 'instrument_id', 'side', 'price_ticks', 'qty_lots', 'fee'])
        .where('account_id', '=', a)
        .orderBy('trade_id')
        .execute();
      const settlements = await trx
        .selectFrom('settlements')
        .select(['seq', 'ts', 'instrument_id', 'realised_pnl'])
        .where('account_id', '=', a)
        .orderBy('seq')
        .execute();
      const terms = await perfTerms(trx);
      // Marks for every market traded, and the spot market pricing each other asset held.
      const priced = new Set(fills.map((f) => Number(f.instrument_id)));
      for (const assetId of new Set(ledger.map((l) => Number(l.asset_id)))) {
        const spot = spotMarketFor({ terms, assetId: q.assetId }, assetId);
        if (spot !== undefined) priced.add(spot.instrumentId);
      }
      const endTs = range.startTs + range.count * INTERVAL_MS[range.interval];
      const marks = new Map<number, PerfMarks>();
      for (const id of [...priced].sort((x, y) => x - y)) {
        marks.set(id, await marksOf(trx, id, range.interval, range.startTs, endTs));
      }
      return buildPerformance({
        stamp: { seq: Number(state.last_seq), ts: Number(state.last_ts) },
        accountId: a,
        assetId: q.assetId,
        range,
        ledger: ledger.map((l) => ({
          seq: Number(l.seq),
          ts: Number(l.ts),
          assetId: Number(l.asset_id),
          kind: l.kind,
          amount: Number(l.amount),
        })),
        fills: fills.map((f) => ({
          seq: Number(f.seq),
          ts: Number(f.ts),
          instrumentId: Number(f.instrument_id),
          side: f.side === 'sell' ? 'sell' : 'buy',
          priceTicks: Number(f.price_ticks),
          qtyLots: Number(f.qty_lots),
          fee: Number(f.fee),
        })),
        settlements: settlements.map((s) => ({
          seq: Number(s.seq),
          ts: Number(s.ts),
          instrumentId: Number(s.instrument_id),
          realisedPnl: Number(s.realised_pnl),
        })),
        terms,
        marks,
      });
    });
}
