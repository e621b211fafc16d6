// What an account is worth in USD micros: USD cash, event-contract positions at their mark, and any
// other asset held valued at the last price of its spot market against USD. Spot trades move balances,
// so spot instruments are valued through the balances only (never also as positions).

import { realisedAfterFees, spotHoldingValue } from '@bourse/engine/rules';
import type { Balance, MarketInfo, PositionRow } from '../api/types.ts';

export { realisedAfterFees };

/** USD micros of `amount` base units at the spot market's last price, rounded down; undefined if unpriced. */
export function spotValue(m: MarketInfo, amount: number): number | undefined {
  if (m.kind !== 'spot' || m.lastPriceTicks === null) return undefined;
  return spotHoldingValue(m.spec, amount, m.lastPriceTicks);
}

export interface Valuation {
  readonly cash: number;
  readonly holdings: number;
  readonly positions: number;
  readonly total: number;
}

export function valueAccount(
  balances: readonly Balance[],
  positions: readonly PositionRow[],
  markets: readonly MarketInfo[],
  usdAssetId: number | undefined,
): Valuation {
  let cash = 0;
  let holdings = 0;
  for (const b of balances) {
    const amount = b.available + b.reserved;
    if (b.assetId === usdAssetId) {
      cash += amount;
      continue;
    }
    const market = markets.find(
      (m) =>
        m.kind === 'spot' && m.spec.baseAssetId === b.assetId && m.spec.quoteAssetId === usdAssetId,
    );
    holdings += market === undefined ? 0 : (spotValue(market, amount) ?? 0);
  }
  let positionValue = 0;
  for (const p of positions) {
    const m = markets.find((x) => x.market === p.market);
    if (m?.kind === 'binary') positionValue += p.marketValue ?? 0;
  }
  return { cash, holdings, positions: positionValue, total: cash + holdings + positionValue };
}
