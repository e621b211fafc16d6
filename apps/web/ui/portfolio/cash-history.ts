// USD cash over time from the server's ledger: walking the movements backwards from today's cash
// (available + reserved) gives the balance after each one, exactly, with no browser-side sampling.

export interface LedgerRow {
  readonly seq: number;
  readonly idx: number;
  readonly ts: number;
  readonly assetId: number;
  readonly kind: string;
  readonly amount: number;
}

export interface CashPoint {
  readonly ts: number;
  /** Cash after the movements up to `ts`, USD micros. */
  readonly value: number;
}

/** Oldest first; one point per timestamp (the balance after its last movement). */
export function cashHistory(
  currentCash: number,
  newestFirst: readonly LedgerRow[],
  usdAssetId: number,
): CashPoint[] {
  const points: CashPoint[] = [];
  let after = currentCash;
  for (const row of newestFirst) {
    if (row.assetId !== usdAssetId) continue;
    if (points.at(-1)?.ts !== row.ts) points.push({ ts: row.ts, value: after });
    after -= row.amount;
  }
  return points.reverse();
}
