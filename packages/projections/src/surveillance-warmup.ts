// Restores the detectors' market windows after a restart from what the read models already hold: the
// fills of the longest window before the last stored command (as trades, in order), each market's
// resting limit orders (the book's levels, and the mean size "large" is measured against), and which
// markets have stopped trading. The large orders resting and the fills kept per account for spoofing
// are not restored (docs/surveillance.md).

import { DEFAULT_THRESHOLDS, type FillEvidence, type Surveillance } from '@bourse/surveillance';
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';
import { queryThresholds } from './surveillance-store.ts';

export async function warmUp(db: Kysely<Database>, s: Surveillance, lastTs: number): Promise<void> {
  const overrides = await queryThresholds(db);
  const windowMs = Math.max(
    DEFAULT_THRESHOLDS.markWindowMs,
    DEFAULT_THRESHOLDS.preSettleWindowMs,
    ...overrides.map((o) =>
      Math.max(o.overrides.markWindowMs ?? 0, o.overrides.preSettleWindowMs ?? 0),
    ),
  );
  const fills = await db
    .selectFrom('fills')
    .selectAll()
    .where('ts', '>=', lastTs - windowMs)
    .orderBy('seq')
    .orderBy('trade_id')
    .execute();
  const trades = new Map<number, Partial<FillEvidence> & { tradeId: number }>();
  for (const f of fills) {
    const t = trades.get(f.trade_id) ?? { tradeId: Number(f.trade_id) };
    Object.assign(t, {
      instrumentId: Number(f.instrument_id),
      seq: Number(f.seq),
      ts: Number(f.ts),
      priceTicks: Number(f.price_ticks),
      qtyLots: Number(f.qty_lots),
    });
    if (f.role === 'taker') {
      Object.assign(t, {
        takerSide: f.side,
        takerAccountId: Number(f.account_id),
        takerOrderId: Number(f.order_id),
      });
    } else {
      Object.assign(t, { makerAccountId: Number(f.account_id), makerOrderId: Number(f.order_id) });
    }
    trades.set(f.trade_id, t);
  }
  for (const t of trades.values()) s.warm({ kind: 'trade', fill: t as FillEvidence });
  await warmBooks(db, s);
  const ended = await db
    .selectFrom('instruments')
    .select('instrument_id')
    .where('status', 'in', ['closed', 'settled'])
    .execute();
  for (const m of ended)
    s.warm({ kind: 'ended', instrumentId: Number(m.instrument_id), ts: lastTs });
}

/** The resting limit orders, as book levels and each market's mean resting size. */
async function warmBooks(db: Kysely<Database>, s: Surveillance): Promise<void> {
  const resting = await db
    .selectFrom('orders')
    .select(['instrument_id', 'side', 'price_ticks', 'open_qty_lots'])
    .where('status', '=', 'open')
    .where('order_type', '=', 'limit')
    .where('open_qty_lots', '>', 0)
    .execute();
  const levels = new Map<string, number>();
  const sizes = new Map<number, [number, number]>();
  for (const o of resting) {
    const m = Number(o.instrument_id);
    const key = `${m}:${o.side}:${o.price_ticks}`;
    levels.set(key, (levels.get(key) ?? 0) + Number(o.open_qty_lots));
    const [sum, n] = sizes.get(m) ?? [0, 0];
    sizes.set(m, [sum + Number(o.open_qty_lots), n + 1]);
  }
  for (const [key, qtyLots] of levels) {
    const [m, side, price] = key.split(':');
    s.warm({
      kind: 'level',
      instrumentId: Number(m),
      side: side as 'buy' | 'sell',
      priceTicks: Number(price),
      qtyLots,
    });
  }
  for (const [m, [sum, n]] of sizes)
    s.warm({ kind: 'mean', instrumentId: m, meanLots: sum / n, count: n });
}
