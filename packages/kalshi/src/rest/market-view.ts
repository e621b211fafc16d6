// Kalshi's Market, Event and Series objects built from an engine instrument view, the hub's live book
// top and the directory's lifecycle times. Quotes derive from the one YES book (`quotes.ts`).

import type { BinarySpec, FeeSchedule } from '@bourse/engine';
import type { MarketInfo } from '@bourse/protocol';
import type { MarketState } from '@bourse/marketdata';
import { formatLots, formatTicks, isoTime } from '../fixed-point.ts';
import { priceLevelStructure, priceRanges } from '../price-grid.ts';
import { quotes } from '../quotes.ts';
import { kalshiMarketStatus } from '../vocabulary.ts';
import type { BinaryView, MarketTimes } from './market-directory.ts';

/** Far-future placeholder for the close/expiration time of a market with no close scheduled. */
export const NO_SCHEDULED_CLOSE_MS = Date.UTC(2099, 11, 31, 23, 59, 59);

/**
 * When the market closed, or closes as scheduled, or the placeholder: a closed market's own time
 * first, then its schedule.
 */
function closeTime(v: BinaryView, times: MarketTimes): string {
  return isoTime(times.closeMs ?? v.closesAt ?? NO_SCHEDULED_CLOSE_MS);
}

/** When the market opened, or opens as scheduled, or (never opened, none scheduled) was created. */
function openTime(v: BinaryView, times: MarketTimes): string {
  return isoTime(times.openMs ?? v.opensAt ?? times.createdMs);
}

export interface MarketStats {
  readonly volumeLots: number;
  readonly volume24hLots: number;
}

export function kalshiMarket(
  v: BinaryView,
  live: MarketState | undefined,
  times: MarketTimes,
  stats: MarketStats,
  info: MarketInfo,
) {
  const spec = v.spec;
  const last = live?.lastPriceTicks ?? v.lastPriceTicks;
  const settled = v.settlement;
  const close = closeTime(v, times);
  const market = {
    ticker: spec.symbol,
    event_ticker: spec.eventTicker,
    market_type: 'binary' as const,
    title: spec.title,
    subtitle: '',
    yes_sub_title: 'Yes',
    no_sub_title: 'No',
    status: kalshiMarketStatus(v.status),
    created_time: isoTime(times.createdMs),
    updated_time: isoTime(times.updatedMs),
    open_time: openTime(v, times),
    close_time: close,
    expiration_time: close,
    latest_expiration_time: close,
    // When the admin announced the market settles, else unknown.
    expected_expiration_time: info.settlesAt === null ? null : isoTime(info.settlesAt),
    settlement_timer_seconds: 0,
    result: settled === undefined ? '' : settled.result,
    can_close_early: true,
    ...quoteFields(spec, live),
    last_price_dollars: last === undefined ? '0.0000' : formatTicks(last, spec),
    previous_price_dollars: '0.0000',
    previous_yes_bid_dollars: '0.0000',
    previous_yes_ask_dollars: '0.0000',
    volume_fp: formatLots(stats.volumeLots, spec),
    volume_24h_fp: formatLots(stats.volume24hLots, spec),
    open_interest_fp: formatLots(v.openInterestLots, spec),
    notional_value_dollars: formatTicks(spec.payoutTicks, spec),
    rules_primary: info.rulesPrimary === '' ? spec.title : info.rulesPrimary,
    rules_secondary: info.rulesSecondary,
    expiration_value: settled === undefined ? '' : settled.result,
    price_level_structure: priceLevelStructure(spec),
    price_ranges: priceRanges(spec),
    fractional_trading_enabled: spec.lotSize < spec.lotsPerContract,
    exchange_index: 0,
  };
  if (settled === undefined) return market;
  const value =
    settled.result === 'yes' ? spec.payoutTicks : settled.result === 'no' ? 0 : settled.valueTicks;
  return {
    ...market,
    settlement_value_dollars: formatTicks(value, spec),
    settlement_ts: times.settledMs === undefined ? null : isoTime(times.settledMs),
  };
}

export type KalshiMarket = ReturnType<typeof kalshiMarket>;

/** Best bid/ask on both legs from the hub's book. */
function quoteFields(spec: BinarySpec, live: MarketState | undefined) {
  const top = live?.book.depth(1);
  return quotes(spec, top?.bids[0], top?.asks[0]);
}

/** Where results come from, as Kalshi lists them: each distinct source the admins named. */
export function settlementSources(infos: readonly MarketInfo[]) {
  const names = [...new Set(infos.map((i) => i.resolutionSource).filter((n) => n !== ''))];
  return names.map((name) => ({ name, url: '' }));
}

export function kalshiEvent(
  eventTicker: string,
  markets: readonly KalshiMarket[],
  spec: BinarySpec,
  infos: readonly MarketInfo[],
) {
  return {
    event_ticker: eventTicker,
    series_ticker: spec.seriesTicker,
    title: infos[0]?.eventTitle ?? (markets.length === 1 ? spec.title : eventTicker),
    sub_title: '',
    mutually_exclusive: false,
    collateral_return_type: '',
    category: '',
    strike_date: null,
    strike_period: null,
    settlement_sources: settlementSources(infos),
    last_updated_ts:
      markets
        .map((m) => m.updated_time)
        .sort()
        .at(-1) ?? '',
    exchange_index: 0,
  };
}

function feeType(fees: FeeSchedule): { fee_type: string; fee_multiplier: number } {
  if (fees.kind === 'kalshi') {
    return {
      fee_type: fees.makerRatePpm > 0 ? 'quadratic_with_maker_fees' : 'quadratic',
      fee_multiplier: fees.takerRatePpm / 70_000,
    };
  }
  return { fee_type: 'flat', fee_multiplier: fees.kind === 'none' ? 0 : fees.takerBps / 10_000 };
}

export function kalshiSeries(seriesTicker: string, spec: BinarySpec, infos: readonly MarketInfo[]) {
  return {
    ticker: seriesTicker,
    title: infos[0]?.seriesTitle ?? seriesTicker,
    category: '',
    categories: [],
    frequency: 'custom',
    tags: [],
    settlement_sources: settlementSources(infos),
    contract_url: '',
    contract_terms_url: '',
    additional_prohibitions: [],
    ...feeType(spec.fees),
  };
}
