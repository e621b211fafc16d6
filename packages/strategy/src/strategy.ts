// The interface a trading strategy is written against: it is told of book changes, trades, its own
// fills and timer ticks, and answers with order intents (place or cancel, by client order id). The same
// module runs live (`runLive`, over `@bourse/client`) and in a backtest (`runBacktest`, the real engine
// in simulated time); it reads time only from its view, so it never knows which.

export type Side = 'buy' | 'sell';

/** One price level: price in ticks, quantity in lots. */
export type Level = readonly [priceTicks: number, qtyLots: number];

/** A market's book, best price first on each side (at most `BOOK_DEPTH` levels). */
export interface BookState {
  readonly market: string;
  readonly bids: readonly Level[];
  readonly asks: readonly Level[];
}

/** Levels per side a strategy is shown. */
export const BOOK_DEPTH = 10;

/** A public trade in one of the strategy's markets (its own included). */
export interface TradeUpdate {
  readonly market: string;
  readonly ts: number;
  readonly priceTicks: number;
  readonly qtyLots: number;
  readonly takerSide: Side;
}

/** A fill of one of the strategy's own orders. */
export interface FillUpdate {
  readonly market: string;
  readonly ts: number;
  readonly clientOrderId: string;
  readonly side: Side;
  readonly role: 'maker' | 'taker';
  readonly priceTicks: number;
  readonly qtyLots: number;
  /** Fee charged on this fill, in minor units of the market's money asset. */
  readonly fee: number;
  /** What is left open of the order after it. */
  readonly openQtyLots: number;
}

/** The grid of a market: where prices and quantities may fall. */
export interface MarketGrid {
  readonly market: string;
  readonly tickSize: number;
  readonly minPriceTicks: number;
  readonly maxPriceTicks: number;
  readonly lotSize: number;
}

export interface PlaceIntent {
  readonly type: 'place';
  /** The strategy's own name for the order (1..64 characters, unique among its live orders). */
  readonly clientOrderId: string;
  readonly market: string;
  readonly side: Side;
  readonly priceTicks: number;
  readonly qtyLots: number;
  /** Default gtc. */
  readonly tif?: 'gtc' | 'ioc' | 'fok';
  readonly postOnly?: boolean;
}

export interface CancelIntent {
  readonly type: 'cancel';
  readonly clientOrderId: string;
}

export type Intent = PlaceIntent | CancelIntent;

/** An order the strategy sent that has not finished (filled, cancelled or refused) as far as it knows. */
export interface OpenOrder {
  readonly clientOrderId: string;
  readonly market: string;
  readonly side: Side;
  readonly priceTicks: number;
  readonly openQtyLots: number;
}

/** What a strategy may read when it is called. */
export interface StrategyView {
  /** Now, in ms since the epoch: the simulated time in a backtest, the clock live. */
  readonly now: number;
  grid(market: string): MarketGrid | undefined;
  book(market: string): BookState | undefined;
  /** Signed position in lots from the strategy's own fills (binary: + YES, − NO). */
  position(market: string): number;
  openOrders(market?: string): readonly OpenOrder[];
}

/** What a handler answers: the intents to send, in order (nothing: none). */
export type Actions = readonly Intent[] | undefined;

export interface Strategy {
  /** The market symbols it watches and trades. */
  readonly markets: readonly string[];
  /** `onTimer` is called every this many ms (none when absent). */
  readonly timerMs?: number;
  onBook?(book: BookState, view: StrategyView): Actions;
  onTrade?(trade: TradeUpdate, view: StrategyView): Actions;
  onFill?(fill: FillUpdate, view: StrategyView): Actions;
  onTimer?(view: StrategyView): Actions;
}

/**
 * A strategy module's default export: a fresh strategy per run, so two runs of one module share no
 * state. `params` are the run's `--param key=value` pairs.
 */
export type StrategyFactory = (params: Readonly<Record<string, string>>) => Strategy;
