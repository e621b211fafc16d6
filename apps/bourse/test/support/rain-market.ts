// A fee-free binary market opened through the exchange's own services, for tests that trade on a real
// data directory and read back what it recorded (traces, reports).

import type { GatewayServices } from '@bourse/gateway';
import { CENTS_BINARY_GRID } from '@bourse/engine';

/** Creates the `RAIN-YES` market (instrument 1, settled in asset 1, no fees) and opens it. */
export async function openRainMarket(s: GatewayServices): Promise<void> {
  const spec = {
    kind: 'binary',
    instrumentId: 1,
    symbol: 'RAIN-YES',
    seriesTicker: 'RAIN',
    eventTicker: 'RAIN',
    title: 'Rain',
    settlementAssetId: 1,
    ...CENTS_BINARY_GRID,
    fees: { kind: 'none' },
    limits: { maxOrderQtyLots: 0, maxOrderNotional: 0, maxPositionLots: 0, priceBandTicks: 0 },
  } as const;
  await s.submit({ type: 'createInstrument', spec });
  await s.submit({ type: 'setMarketStatus', instrumentId: 1, status: 'open' });
}
