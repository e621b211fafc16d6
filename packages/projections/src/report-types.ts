// The compliance reports built from the read models: the daily trade register, the large-position
// report and the per-account statement. Every report carries the stamp of the read models it was read
// from (one snapshot), so anyone can rebuild it from the journal up to that seq and compare.

/** Where a report was read: the last command the read models held, read in the same snapshot. */
export interface ReportStamp {
  /** The last command whose effects the report counts; none after it. */
  readonly seq: number;
  /** That command's timestamp (ms since the epoch). */
  readonly ts: number;
  /**
   * The journal's audit-chain hash at `seq` (hex), when the server that built the report keeps one and
   * could read it; absent otherwise.
   */
  readonly chainHash?: string;
}

/** A time range `[fromTs, toTs)` in ms since the epoch (a UTC day or month for the named periods). */
export interface ReportPeriod {
  readonly fromTs: number;
  readonly toTs: number;
}

/** One side of a trade in the register. */
export interface RegisterParty {
  readonly accountId: number;
  readonly orderId: number;
  readonly side: 'buy' | 'sell';
  /** The fee this side paid, in the money asset. */
  readonly fee: number;
  /**
   * Money this side received (positive) or paid (negative) for the trade itself, fees apart, in the
   * money asset: the trade's entry in the account's ledger. Binary cash goes to or from escrow.
   */
  readonly cash: number;
  /** Spot only: base units received (positive) or delivered (negative); 0 for binary markets. */
  readonly baseUnits: number;
}

export interface RegisterTrade {
  readonly tradeId: number;
  readonly seq: number;
  readonly ts: number;
  readonly instrumentId: number;
  readonly symbol: string;
  readonly moneyAssetId: number;
  readonly priceTicks: number;
  readonly qtyLots: number;
  /** Price × quantity × money per tick-lot, in the money asset's minor units. */
  readonly notional: number;
  readonly taker: RegisterParty;
  readonly maker: RegisterParty;
}

/**
 * The register's money per asset. `paidIn = paidOut + fees + escrowIn` holds exactly: what traders
 * paid equals what traders received, plus the exchange's fees, plus what binary escrow took in (negative
 * when trades closing positions released more escrow than opening ones locked).
 */
export interface RegisterAssetTotals {
  readonly assetId: number;
  readonly trades: number;
  readonly qtyLots: number;
  readonly notional: number;
  readonly takerFees: number;
  readonly makerFees: number;
  /** Σ of negative cash legs (as a positive amount) plus every fee. */
  readonly paidIn: number;
  /** Σ of positive cash legs. */
  readonly paidOut: number;
  readonly fees: number;
  /** Trade cash that went into binary escrow: paidIn − paidOut − fees. */
  readonly escrowIn: number;
}

export interface TradeRegister {
  readonly kind: 'trade-register';
  readonly stamp: ReportStamp;
  readonly period: ReportPeriod;
  /** Every fill of the period, oldest first, with both accounts. */
  readonly trades: RegisterTrade[];
  readonly totals: RegisterAssetTotals[];
}

export interface LargePositionQuery {
  /** Report a position in one market whose |lots| is at least this. */
  readonly marketThresholdLots: number;
  /** Report an account's gross lots (Σ |lots|) over one event's markets at least this. */
  readonly eventThresholdLots: number;
}

export interface LargeMarketPosition {
  readonly accountId: number;
  readonly userId: number | undefined;
  readonly instrumentId: number;
  readonly symbol: string;
  /** The binary market's event; undefined for spot pairs. */
  readonly eventTicker: string | undefined;
  /** +YES / −NO for binary markets; the net base position for spot pairs. */
  readonly positionLots: number;
  readonly costBasis: number;
  readonly realisedPnl: number;
  readonly updatedSeq: number;
}

export interface LargeEventPosition {
  readonly accountId: number;
  readonly userId: number | undefined;
  readonly eventTicker: string;
  /** Σ |lots| over the event's markets. */
  readonly grossLots: number;
  /** Σ signed lots (YES long minus NO long) over the event's markets. */
  readonly netLots: number;
  readonly markets: number;
}

export interface LargePositionReport {
  readonly kind: 'large-positions';
  readonly stamp: ReportStamp;
  readonly thresholds: LargePositionQuery;
  /** Largest first (by |lots|), then by account and market. */
  readonly markets: LargeMarketPosition[];
  /** Largest first (by gross lots), then by account and event. */
  readonly events: LargeEventPosition[];
}

export interface StatementQuery extends ReportPeriod {
  readonly accountId: number;
}

/** One asset's money over the period; `opening + every movement = closing`, exactly. */
export interface StatementAsset {
  readonly assetId: number;
  /** Available + reserved at the period's start (Σ of the ledger before it). */
  readonly opening: number;
  readonly deposits: number;
  /** Negative or zero: money out. */
  readonly withdrawals: number;
  readonly transfersIn: number;
  /** Negative or zero: money out. */
  readonly transfersOut: number;
  /** Trade cash (binary premium, spot quote and base), fees apart. */
  readonly trades: number;
  /** Negative for fees paid; the fee account's income is positive. */
  readonly fees: number;
  readonly settlements: number;
  /** Available + reserved at the period's end. */
  readonly closing: number;
}

export interface StatementTrade {
  readonly tradeId: number;
  readonly seq: number;
  readonly ts: number;
  readonly instrumentId: number;
  readonly symbol: string;
  readonly role: 'maker' | 'taker';
  readonly orderId: number;
  readonly side: 'buy' | 'sell';
  readonly priceTicks: number;
  readonly qtyLots: number;
  readonly fee: number;
  /** The trade's cash for this account in the money asset, fees apart (see `RegisterParty.cash`). */
  readonly cash: number;
}

export interface StatementSettlement {
  readonly instrumentId: number;
  readonly symbol: string;
  readonly seq: number;
  readonly ts: number;
  readonly result: string;
  readonly valueTicks: number;
  readonly positionLots: number;
  readonly payout: number;
  readonly realisedPnl: number;
}

/**
 * Profit and loss of one market over the period, in its money asset: the trade cash, fees and
 * settlement payouts booked there. For a market opened and settled within the period `netCash` is the
 * realised P&L; with a position still open it counts that position at what it cost.
 */
export interface StatementMarketPnl {
  readonly instrumentId: number;
  readonly symbol: string;
  readonly moneyAssetId: number;
  readonly tradeCash: number;
  readonly fees: number;
  readonly settlements: number;
  readonly netCash: number;
  /** Realised P&L the market's settlement booked in the period (0 when it did not settle then). */
  readonly settledRealisedPnl: number;
}

export interface AccountStatement {
  readonly kind: 'statement';
  readonly stamp: ReportStamp;
  readonly period: ReportPeriod;
  readonly accountId: number;
  readonly userId: number | undefined;
  readonly assets: StatementAsset[];
  readonly trades: StatementTrade[];
  readonly settlements: StatementSettlement[];
  readonly pnl: StatementMarketPnl[];
  /** Balances and positions as of the stamp (not the period's end, when the stamp is later). */
  readonly balancesNow: { assetId: number; available: number; reserved: number }[];
  readonly positionsNow: {
    instrumentId: number;
    symbol: string;
    positionLots: number;
    costBasis: number;
    realisedPnl: number;
    feesPaid: number;
  }[];
}

export type ComplianceReport = TradeRegister | LargePositionReport | AccountStatement;
