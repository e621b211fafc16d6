// The API's JSON as the UI uses it. Shapes shared with the SDK come from `@bourse/client` (types only:
// its runtime code needs Node) and fee schedules from the engine's rules; the rest mirror the gateway's
// responses in the exchange's integer units.

import type { Market } from '@bourse/client';
import type { FeeSchedule } from '@bourse/engine/rules';

export type { FeeSchedule };

export type {
  Asset,
  Balance,
  CandleInterval,
  ChartPreferences,
  ChartPreferencesView,
  CandleMessage,
  CandleSnapshotMessage,
  Level,
  LiveCandle,
  OrderAck,
  OrderInput,
  Page,
  Position,
  QueuePosition,
  Side,
} from '@bourse/client';

export interface MarketSpec {
  readonly kind: 'binary' | 'spot';
  readonly instrumentId: number;
  readonly symbol: string;
  readonly tickSize: number;
  readonly minPriceTicks: number;
  readonly maxPriceTicks: number;
  readonly lotSize: number;
  readonly moneyPerTickLot: number;
  readonly fees: FeeSchedule;
  readonly seriesTicker?: string;
  readonly eventTicker?: string;
  readonly title?: string;
  readonly payoutTicks?: number;
  readonly lotsPerContract?: number;
  readonly settlementAssetId?: number;
  readonly baseAssetId?: number;
  readonly quoteAssetId?: number;
  readonly baseUnitsPerLot?: number;
  /** Per-order and position limits; 0 means none. */
  readonly limits?: { readonly maxOrderQtyLots: number };
}

export interface MarketInfo extends Omit<Market, 'spec'> {
  readonly spec: MarketSpec;
  readonly escrow: number;
  readonly settlement: { readonly result: string; readonly valueTicks: number } | null;
}

export interface Me {
  readonly userId: number;
  readonly username: string;
  readonly role: 'admin' | 'market-maker' | 'trader' | 'viewer';
  readonly accountId: number;
  readonly scopes: readonly string[];
  readonly csrfToken: string | null;
}

export interface OpenOrder {
  readonly orderId: number;
  readonly market: string;
  readonly instrumentId: number;
  readonly side: 'buy' | 'sell';
  readonly orderType: string;
  readonly tif: string;
  readonly priceTicks: number;
  readonly stopPriceTicks?: number;
  readonly openQtyLots: number;
  readonly filledQtyLots: number;
  readonly postOnly: boolean;
  readonly reduceOnly: boolean;
  /** Cancelled (reason `paused`) if its market is paused or the exchange halts. */
  readonly cancelOnPause: boolean;
  readonly state: 'resting' | 'parked';
  readonly reservedCash: number;
  readonly clientOrderId: string | null;
}

export interface OrderRow {
  readonly orderId: number;
  readonly market: string;
  readonly instrumentId: number;
  readonly side: 'buy' | 'sell';
  readonly orderType: string;
  readonly tif: string;
  readonly priceTicks?: number;
  readonly qtyLots: number;
  readonly openQtyLots: number;
  readonly filledQtyLots: number;
  readonly avgPriceTicks?: number;
  readonly feesPaid: number;
  readonly status: string;
  readonly cancelReason?: string;
  readonly rejectReason?: string;
  readonly postOnly: boolean;
  readonly reduceOnly: boolean;
  readonly cancelOnPause: boolean;
  readonly createdTs: number;
  readonly updatedTs: number;
  readonly clientOrderId: string | null;
}

export interface FillRow {
  readonly tradeId: number;
  readonly role: 'maker' | 'taker';
  readonly ts: number;
  readonly instrumentId: number;
  readonly orderId: number;
  readonly side: 'buy' | 'sell';
  readonly priceTicks: number;
  readonly qtyLots: number;
  readonly fee: number;
}

export interface SettlementRow {
  readonly instrumentId: number;
  readonly ts: number;
  readonly result: 'yes' | 'no' | 'scalar';
  readonly valueTicks: number;
  readonly positionLots: number;
  readonly payout: number;
  readonly realisedPnl: number;
}

export interface TradeRow {
  readonly tradeId: number;
  readonly ts: number;
  readonly priceTicks: number;
  readonly qtyLots: number;
  readonly takerSide: 'buy' | 'sell';
}

export interface CandleRow {
  readonly bucketTs: number;
  readonly openTicks: number;
  readonly highTicks: number;
  readonly lowTicks: number;
  readonly closeTicks: number;
  readonly volumeLots: number;
  readonly tradeCount: number;
}

export interface PositionRow {
  readonly instrumentId: number;
  readonly market: string;
  readonly positionLots: number;
  readonly costBasis: number;
  readonly realisedPnl: number;
  readonly feesPaid: number;
  readonly markPriceTicks: number | null;
  readonly marketValue: number | null;
  readonly unrealisedPnl: number | null;
}

export interface ApiKeyView {
  readonly keyId: string;
  readonly label: string;
  readonly keyType: string;
  readonly scopes: readonly string[];
  readonly createdAt: number;
  readonly revokedAt: number | null;
  readonly privateKeyPem?: string;
}

export interface UserView {
  readonly userId: number;
  readonly username: string;
  readonly role: Me['role'];
  readonly accountId: number;
  readonly createdAt: number;
  readonly disabled: boolean;
}

/** One of the user's web sessions (`GET /api/v1/auth/sessions`): never the cookie or CSRF token. */
export interface SessionView {
  readonly sessionId: string;
  readonly createdAt: number | null;
  readonly lastSeenAt: number | null;
  readonly expiresAt: number;
  readonly userAgent: string | null;
  readonly ip: string | null;
  /** The session this browser is using. */
  readonly current: boolean;
}
