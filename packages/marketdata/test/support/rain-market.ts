// The binary market the market-data tests trade in: cents on a 0–100 contract, 100 lots a contract.

import type { BinarySpec } from '@bourse/engine';

export const spec: BinarySpec = {
  kind: 'binary',
  instrumentId: 7,
  symbol: 'RAIN-26-YES',
  seriesTicker: 'RAIN',
  eventTicker: 'RAIN-26',
  title: 'Rain',
  settlementAssetId: 1,
  payoutTicks: 10_000,
  lotsPerContract: 100,
  tickSize: 100,
  minPriceTicks: 100,
  maxPriceTicks: 9900,
  lotSize: 100,
  moneyPerTickLot: 1,
  fees: { kind: 'none' },
  limits: { maxOrderQtyLots: 0, maxOrderNotional: 0, maxPositionLots: 0, priceBandTicks: 0 },
};
