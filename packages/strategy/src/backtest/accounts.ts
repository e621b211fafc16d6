// The backtest account's money per market, kept from its own fills: trade cash (sells in, buys out,
// price × lots × money per tick-lot), fees and a signed position, valued at a mark. For a binary market
// this equals the change of the account's balances plus escrow (buying NO by selling YES costs
// payout − price, and is worth payout − mark), so P&L = cash + position × mark, in integers.

import { divFloor } from '@bourse/engine';

export interface MarketMoney {
  readonly market: string;
  readonly instrumentId: number;
  readonly moneyPerTickLot: number;
  /** The asset money is counted in: its code and minor units per major unit. */
  readonly asset: { readonly code: string; readonly scale: number };
  /** Trade and settlement cash, fees not included. */
  cash: number;
  fees: number;
  positionLots: number;
  boughtLots: number;
  soldLots: number;
  fills: number;
  makerFills: number;
  takerFills: number;
  /** Last trade price seen in the market (anyone's), for the mark. */
  lastTradeTicks: number | undefined;
  /** The YES value the market settled at, once it did. */
  settledTicks: number | undefined;
}

export function newMarketMoney(
  market: string,
  instrumentId: number,
  moneyPerTickLot: number,
  asset: { readonly code: string; readonly scale: number },
): MarketMoney {
  return {
    market,
    instrumentId,
    moneyPerTickLot,
    asset,
    cash: 0,
    fees: 0,
    positionLots: 0,
    boughtLots: 0,
    soldLots: 0,
    fills: 0,
    makerFills: 0,
    takerFills: 0,
    lastTradeTicks: undefined,
    settledTicks: undefined,
  };
}

export function recordFill(
  m: MarketMoney,
  fill: {
    side: 'buy' | 'sell';
    role: 'maker' | 'taker';
    priceTicks: number;
    qtyLots: number;
    fee: number;
  },
): void {
  const money = fill.priceTicks * fill.qtyLots * m.moneyPerTickLot;
  if (fill.side === 'buy') {
    m.cash -= money;
    m.positionLots += fill.qtyLots;
    m.boughtLots += fill.qtyLots;
  } else {
    m.cash += money;
    m.positionLots -= fill.qtyLots;
    m.soldLots += fill.qtyLots;
  }
  m.fees += fill.fee;
  m.fills++;
  if (fill.role === 'maker') m.makerFills++;
  else m.takerFills++;
}

/** Settlement at a YES value: the position is paid out at it and closed. */
export function recordSettlement(m: MarketMoney, valueTicks: number): void {
  m.cash += m.positionLots * valueTicks * m.moneyPerTickLot;
  m.positionLots = 0;
  m.settledTicks = valueTicks;
}

/** The price a position is valued at: the mid when both sides quote, else the last trade. */
export function markTicks(
  m: MarketMoney,
  bestBid: number | undefined,
  bestAsk: number | undefined,
): number | undefined {
  if (m.settledTicks !== undefined) return m.settledTicks;
  if (bestBid !== undefined && bestAsk !== undefined) return divFloor(bestBid + bestAsk, 2);
  return m.lastTradeTicks;
}

/** P&L in minor units at a mark; with `fees` false, fees are left out (shown apart). */
export function pnlOf(m: MarketMoney, mark: number | undefined, fees: boolean): number {
  const value = m.positionLots === 0 ? 0 : m.positionLots * (mark ?? 0) * m.moneyPerTickLot;
  return m.cash + value - (fees ? m.fees : 0);
}
