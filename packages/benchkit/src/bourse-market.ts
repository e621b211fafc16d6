// The Bourse market a workload profile is replayed on, and the set-up commands that open it: `cents`
// is one binary event contract (prices 1..99 ¢ → priceTicks ×100 on a 10,000-tick payout grid, one
// workload unit = one whole contract = 100 lots, Kalshi fees); `wide` is a spot instrument (one workload
// tick = one price tick, one unit = one lot, bps fees). Accounts 1..accounts are funded far beyond
// what the stream can spend, so no order is refused for money and every fill still reserves, moves
// cash and positions, and charges fees.

import type { CircuitBreakerConfig, Command, InstrumentSpec } from '@bourse/engine';
import type { ProfileName } from './workload.ts';
import { CENTS_BINARY_GRID } from '@bourse/engine';

export const INSTRUMENT_ID = 1;
export const USD = 1;
export const BASE = 2;
/** USD micros per account: $10M; 64 accounts stay far below 2^53 micros in total. */
const USD_PER_ACCOUNT = 10_000_000_000_000;
const BASE_PER_ACCOUNT = 1_000_000_000_000;
export const BENCH_TS = 1_767_225_600_000; // 2026-01-01T00:00:00Z

export interface MarketUnits {
  /** Engine price ticks per workload price unit. */
  readonly priceTicks: number;
  /** Engine lots per workload quantity unit. */
  readonly qtyLots: number;
}

export const UNITS: Record<ProfileName, MarketUnits> = {
  cents: { priceTicks: 100, qtyLots: 100 },
  wide: { priceTicks: 1, qtyLots: 1 },
};

const NO_LIMITS = {
  maxOrderQtyLots: 0,
  maxOrderNotional: 0,
  maxPositionLots: 0,
  priceBandTicks: 0,
};

export function instrumentSpec(profile: ProfileName): InstrumentSpec {
  if (profile === 'cents') {
    return {
      kind: 'binary',
      instrumentId: INSTRUMENT_ID,
      symbol: 'BENCH-CENTS',
      seriesTicker: 'BENCH',
      eventTicker: 'BENCH-1',
      title: 'Benchmark event contract',
      settlementAssetId: USD,
      ...CENTS_BINARY_GRID,
      fees: { kind: 'kalshi', makerRatePpm: 17_500, takerRatePpm: 70_000, roundingUnit: 10_000 },
      limits: NO_LIMITS,
    };
  }
  return {
    kind: 'spot',
    instrumentId: INSTRUMENT_ID,
    symbol: 'BENCH/USD',
    baseAssetId: BASE,
    quoteAssetId: USD,
    baseUnitsPerLot: 1,
    tickSize: 1,
    minPriceTicks: 1,
    maxPriceTicks: 20_000,
    lotSize: 1,
    moneyPerTickLot: 1,
    fees: { kind: 'bps', makerBps: 1, takerBps: 5 },
    limits: NO_LIMITS,
  };
}

/**
 * Assets, funded accounts 1..accounts, the instrument (with `breaker`, when given, as its circuit
 * breaker), and its opening; seq 1..length.
 */
export function setupCommands(
  profile: ProfileName,
  accounts: number,
  breaker?: CircuitBreakerConfig,
): Command[] {
  const out: Command[] = [];
  const env = () => ({ seq: out.length + 1, ts: BENCH_TS });
  out.push({ type: 'createAsset', ...env(), assetId: USD, code: 'USD', scale: 1_000_000 });
  if (profile === 'wide')
    out.push({ type: 'createAsset', ...env(), assetId: BASE, code: 'BNCH', scale: 1 });
  for (let a = 1; a <= accounts; a++) {
    out.push({ type: 'createAccount', ...env(), accountId: a, userId: a, subaccount: 0 });
    out.push({ type: 'deposit', ...env(), accountId: a, assetId: USD, amount: USD_PER_ACCOUNT });
    if (profile === 'wide') {
      out.push({
        type: 'deposit',
        ...env(),
        accountId: a,
        assetId: BASE,
        amount: BASE_PER_ACCOUNT,
      });
    }
  }
  out.push({ type: 'createInstrument', ...env(), spec: instrumentSpec(profile) });
  if (breaker !== undefined) {
    out.push({ type: 'setCircuitBreaker', ...env(), instrumentId: INSTRUMENT_ID, breaker });
  }
  out.push({ type: 'setMarketStatus', ...env(), instrumentId: INSTRUMENT_ID, status: 'open' });
  return out;
}
