// A binary market as REST's market info describes it: a quiet, open RAIN market on the cent grid
// that each unit test reshapes with the fields it is about.

import type { MarketInfo, MarketSpec } from '../../ui/api/types.ts';

export function binaryMarket(
  spec: Partial<MarketSpec> = {},
  info: Partial<Omit<MarketInfo, 'spec'>> = {},
): MarketInfo {
  return {
    market: spec.symbol ?? 'RAIN',
    instrumentId: spec.instrumentId ?? 1,
    kind: 'binary',
    status: 'open',
    lastPriceTicks: null,
    bestBidTicks: null,
    bestAskTicks: null,
    volume24hLots: 0,
    openInterestLots: 0,
    escrow: 0,
    settlement: null,
    opensAt: null,
    closesAt: null,
    ...info,
    spec: {
      kind: 'binary',
      instrumentId: 1,
      symbol: 'RAIN',
      tickSize: 100,
      minPriceTicks: 100,
      maxPriceTicks: 9_900,
      lotSize: 100,
      moneyPerTickLot: 1,
      payoutTicks: 10_000,
      lotsPerContract: 100,
      fees: { kind: 'none' },
      ...spec,
    },
  };
}
