// An example market maker: every `timerMs` it quotes one bid and one ask around the book's mid (on the
// best prices when the spread leaves room, one step inside otherwise), skewed against its position and
// never past `maxPosition`; it replaces a quote only when its price should change. The same module
// runs live (LiveRunner) and in `bourse backtest --strategy examples/strategies/market-maker.ts`.
//
// Params: market (default RAIN-YES), size (lots, default one lot step), maxPosition (lots, default
// 10 × size), timerMs (default 1000).

import type {
  BookState,
  Intent,
  MarketGrid,
  OpenOrder,
  Strategy,
  StrategyView,
} from '@bourse/strategy';

export default function marketMaker(params: Readonly<Record<string, string>>): Strategy {
  const market = params.market ?? 'RAIN-YES';
  const timerMs = Number(params.timerMs ?? 1_000);
  let next = 0;

  function quote(view: StrategyView): Intent[] {
    const grid = view.grid(market);
    const book = view.book(market);
    if (grid === undefined || book === undefined) return [];
    const size = Number(params.size ?? grid.lotSize);
    const maxPosition = Number(params.maxPosition ?? size * 10);
    const position = view.position(market);
    const open = view.openOrders(market);
    const [bid, ask] = targets(grid, othersBook(book, open), position, size);
    const intents: Intent[] = [];
    intents.push(...requote(open, 'buy', position + size <= maxPosition ? bid : undefined));
    intents.push(...requote(open, 'sell', position - size >= -maxPosition ? ask : undefined));
    return intents;

    function requote(orders: readonly OpenOrder[], side: 'buy' | 'sell', price?: number): Intent[] {
      const mine = orders.filter((o) => o.side === side);
      if (price !== undefined && mine.length === 1 && mine[0]!.priceTicks === price) return [];
      const out: Intent[] = mine.map((o) => ({ type: 'cancel', clientOrderId: o.clientOrderId }));
      if (price === undefined) return out;
      next++;
      const clientOrderId = `mm-${side}-${next}`;
      out.push({
        type: 'place',
        clientOrderId,
        market,
        side,
        priceTicks: price,
        qtyLots: size,
        postOnly: true,
      });
      return out;
    }
  }

  return { markets: [market], timerMs, onTimer: quote };
}

/** The book without the strategy's own quotes, so it never steps inside itself. */
function othersBook(book: BookState, own: readonly OpenOrder[]): BookState {
  const others = (levels: BookState['bids'], side: 'buy' | 'sell') =>
    levels
      .map(([price, qty]) => {
        const mine = own.filter((o) => o.side === side && o.priceTicks === price);
        return [price, qty - mine.reduce((t, o) => t + o.openQtyLots, 0)] as const;
      })
      .filter(([, qty]) => qty > 0);
  return { market: book.market, bids: others(book.bids, 'buy'), asks: others(book.asks, 'sell') };
}

/** Bid and ask prices: inside a wide spread, at the touch otherwise, one step toward flat per size held. */
function targets(
  grid: MarketGrid,
  book: BookState,
  position: number,
  size: number,
): [number | undefined, number | undefined] {
  const bestBid = book.bids[0]?.[0];
  const bestAsk = book.asks[0]?.[0];
  if (bestBid === undefined || bestAsk === undefined) return [undefined, undefined];
  const step = grid.tickSize;
  const skew = Math.trunc(position / size) * step;
  const wide = bestAsk - bestBid > 2 * step;
  let bid = (wide ? bestBid + step : bestBid) - skew;
  let ask = (wide ? bestAsk - step : bestAsk) - skew;
  bid = Math.max(grid.minPriceTicks, Math.min(bid, bestAsk - step));
  ask = Math.min(grid.maxPriceTicks, Math.max(ask, bestBid + step));
  return [bid, ask];
}
