// The backtest account's figures per market. Its money is the engine's own books (the position's cost
// basis, realised P&L and fees, kept by the engine's P&L rules), valued at a mark with the engine's
// `unrealisedPnl`, so a backtest P&L means what it means everywhere else; only activity counts (lots
// bought and sold, fills by role) and the prices the mark comes from are kept here.

import { divFloor, type PnlTerms, type PositionView, unrealisedPnl } from '@bourse/engine';

export interface MarketStats {
  readonly market: string;
  readonly instrumentId: number;
  readonly terms: PnlTerms;
  /** The asset money is counted in: its code and minor units per major unit. */
  readonly asset: { readonly code: string; readonly scale: number };
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

export interface MarketPnl {
  /** Realised plus unrealised, less fees when the run counts them. */
  readonly pnl: number;
  readonly grossPnl: number;
  readonly fees: number;
  readonly realisedPnl: number;
  readonly unrealisedPnl: number;
  readonly positionLots: number;
  readonly costBasis: number;
}

export function newMarketStats(
  market: string,
  instrumentId: number,
  terms: PnlTerms,
  asset: { readonly code: string; readonly scale: number },
): MarketStats {
  return {
    market,
    instrumentId,
    terms,
    asset,
    boughtLots: 0,
    soldLots: 0,
    fills: 0,
    makerFills: 0,
    takerFills: 0,
    lastTradeTicks: undefined,
    settledTicks: undefined,
  };
}

export function countFill(
  m: MarketStats,
  fill: { side: 'buy' | 'sell'; role: 'maker' | 'taker'; qtyLots: number },
): void {
  if (fill.side === 'buy') m.boughtLots += fill.qtyLots;
  else m.soldLots += fill.qtyLots;
  m.fills++;
  if (fill.role === 'maker') m.makerFills++;
  else m.takerFills++;
}

/** The price a position is valued at: the settlement, else the mid when both sides quote, else the last trade. */
export function markTicks(
  m: MarketStats,
  bestBid: number | undefined,
  bestAsk: number | undefined,
): number | undefined {
  if (m.settledTicks !== undefined) return m.settledTicks;
  if (bestBid !== undefined && bestAsk !== undefined) return divFloor(bestBid + bestAsk, 2);
  return m.lastTradeTicks;
}

/** The account's P&L in a market from the engine's position; with `fees` false, fees are left out. */
export function marketPnl(
  m: MarketStats,
  position: PositionView | undefined,
  mark: number | undefined,
  fees: boolean,
): MarketPnl {
  const lots = position?.positionLots ?? 0;
  const costBasis = position?.costBasis ?? 0;
  const realisedPnl = position?.realisedPnl ?? 0;
  const paid = position?.feesPaid ?? 0;
  // Without any price to value it at, an open position counts at what it cost.
  const unrealised =
    lots === 0 || mark === undefined ? 0 : unrealisedPnl(m.terms, lots, costBasis, mark);
  const grossPnl = realisedPnl + unrealised;
  return {
    pnl: fees ? grossPnl - paid : grossPnl,
    grossPnl,
    fees: paid,
    realisedPnl,
    unrealisedPnl: unrealised,
    positionLots: lots,
    costBasis,
  };
}
