// An example mean-reversion taker: it keeps the mean of the last `window` trade prices and, when the
// book's best ask is at least `edge` price steps below it, buys there (immediate-or-cancel); when the
// best bid is that far above it, sells there; it holds at most `maxPosition` lots either way. The same
// module runs live (LiveRunner) and in `bourse backtest --strategy examples/strategies/mean-reversion.ts`.
//
// Params: market (default RAIN-YES), window (trades, default 20), edge (steps, default 2), size (lots,
// default one lot step), maxPosition (lots, default 5 × size).

import type { BookState, Intent, Strategy, StrategyView, TradeUpdate } from '@bourse/strategy';

export default function meanReversion(params: Readonly<Record<string, string>>): Strategy {
  const market = params.market ?? 'RAIN-YES';
  const window = Number(params.window ?? 20);
  const edge = Number(params.edge ?? 2);
  const prices: number[] = [];
  let sum = 0;
  let next = 0;
  /** An order is in flight: wait for its answer before the next. */
  let waiting = false;

  function onTrade(trade: TradeUpdate): undefined {
    prices.push(trade.priceTicks);
    sum += trade.priceTicks;
    if (prices.length > window) sum -= prices.shift()!;
    return undefined;
  }

  function onBook(book: BookState, view: StrategyView): Intent[] {
    const grid = view.grid(market);
    if (grid === undefined || prices.length < window) return [];
    if (waiting && view.openOrders(market).length > 0) return [];
    waiting = false;
    const size = Number(params.size ?? grid.lotSize);
    const maxPosition = Number(params.maxPosition ?? size * 5);
    const mean = sum / prices.length;
    const gap = edge * grid.tickSize;
    const position = view.position(market);
    const ask = book.asks[0]?.[0];
    const bid = book.bids[0]?.[0];
    let side: 'buy' | 'sell' | undefined;
    let price = 0;
    if (ask !== undefined && ask <= mean - gap && position + size <= maxPosition) {
      side = 'buy';
      price = ask;
    } else if (bid !== undefined && bid >= mean + gap && position - size >= -maxPosition) {
      side = 'sell';
      price = bid;
    }
    if (side === undefined) return [];
    waiting = true;
    next++;
    return [
      {
        type: 'place',
        clientOrderId: `mr-${next}`,
        market,
        side,
        priceTicks: price,
        qtyLots: size,
        tif: 'ioc',
      },
    ];
  }

  return { markets: [market], onTrade, onBook };
}
