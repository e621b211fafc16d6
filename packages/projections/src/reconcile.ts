// Compares the read models with a live engine (or any source of the same views) for a set of accounts
// and lists every disagreement: balances, positions, open orders, and whether each account's ledger
// sums to its money per asset. For tests and the `verify` command; an empty list means they agree.
// Call it when the read models have applied everything up to the engine's last seq.

import { allPages } from './all-pages.ts';
import type { ReadModels } from './read-models.ts';

/** The engine queries reconciliation reads (structurally, so this package needs no engine at run time). */
export interface EngineViews {
  balances(
    accountId: number,
  ): readonly { assetId: number; available: number; reserved: number; accountId: number }[];
  positions(accountId: number): readonly {
    accountId: number;
    instrumentId: number;
    positionLots: number;
    costBasis: number;
    realisedPnl: number;
    feesPaid: number;
  }[];
  openOrders(accountId: number): readonly {
    orderId: number;
    openQtyLots: number;
    filledQtyLots: number;
    priceTicks: number;
    cancelOnPause: boolean;
  }[];
}

export async function reconcileWithEngine(
  rm: ReadModels,
  engine: EngineViews,
  accountIds: readonly number[],
): Promise<string[]> {
  const problems: string[] = [];
  for (const a of accountIds) {
    problems.push(...(await reconcileMoney(rm, engine, a)));
    const positions = new Map((await rm.positions(a)).map((p) => [p.instrumentId, p]));
    for (const p of engine.positions(a)) {
      const mine = positions.get(p.instrumentId);
      const same =
        mine !== undefined &&
        mine.positionLots === p.positionLots &&
        mine.costBasis === p.costBasis &&
        mine.realisedPnl === p.realisedPnl &&
        mine.feesPaid === p.feesPaid;
      if (!same) problems.push(`account ${a} position in ${p.instrumentId} differs`);
      positions.delete(p.instrumentId);
    }
    for (const id of positions.keys()) problems.push(`account ${a} has an extra position in ${id}`);

    const open = await allPages((cursor) =>
      rm.orders({ accountId: a, status: 'open', limit: 1000, ...(cursor ? { cursor } : {}) }),
    );
    const mine = new Map(open.map((o) => [o.orderId, o]));
    for (const o of engine.openOrders(a)) {
      const row = mine.get(o.orderId);
      const same =
        row !== undefined &&
        row.openQtyLots === o.openQtyLots &&
        row.filledQtyLots === o.filledQtyLots &&
        row.priceTicks === o.priceTicks &&
        row.cancelOnPause === o.cancelOnPause;
      if (!same) problems.push(`account ${a} open order ${o.orderId} differs`);
      mine.delete(o.orderId);
    }
    for (const id of mine.keys()) problems.push(`account ${a} order ${id} is open only here`);
  }
  return problems;
}

async function reconcileMoney(rm: ReadModels, engine: EngineViews, a: number): Promise<string[]> {
  const problems: string[] = [];
  const balances = new Map((await rm.balances(a)).map((b) => [b.assetId, b]));
  const ledger = await allPages((cursor) =>
    rm.ledger({ accountId: a, limit: 1000, ...(cursor ? { cursor } : {}) }),
  );
  const sums = new Map<number, number>();
  for (const e of ledger) sums.set(e.assetId, (sums.get(e.assetId) ?? 0) + e.amount);
  for (const b of engine.balances(a)) {
    // The engine lists every asset; the read model only those an event touched.
    const mine = balances.get(b.assetId) ?? { available: 0, reserved: 0 };
    if (mine.available !== b.available || mine.reserved !== b.reserved) {
      problems.push(`account ${a} balance in asset ${b.assetId} differs`);
    }
    const total = b.available + b.reserved;
    const sum = sums.get(b.assetId) ?? 0;
    if (sum !== total)
      problems.push(`account ${a} ledger in asset ${b.assetId} sums to ${sum}, not ${total}`);
  }
  return problems;
}
