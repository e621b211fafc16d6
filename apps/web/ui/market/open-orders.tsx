// The user's open orders (in one market, or all): cancel with confirmation, amend price and quantity
// in place, cancel all. Reloads whenever the account's private channels report a change. Each
// resting order shows its place in its price level's queue (the quantity ahead of it), refreshed when
// the user's orders change and — in one market — when the book changes at the user's prices, or —
// across all markets, whose books this view does not follow — every few seconds while the page is
// visible.

import { type FormEvent, useState } from 'react';
import { api, errorText } from '../api/http.ts';
import type { MarketInfo, OpenOrder } from '../api/types.ts';
import { orderTypeText } from '../format/orders.ts';
import { parsePrice, parseQty, price, priceInput, qty } from '../format/units.ts';
import { useApp } from '../state/app-state.tsx';
import type { MarketFeed } from '../state/market-feed.ts';
import { queueText } from '../state/queue-positions.ts';
import { useApi } from '../state/use-api.ts';
import {
  QUEUE_POLL_MS,
  type QueuePositions,
  useQueuePositions,
} from '../state/use-queue-positions.ts';
import { orderLabel, outcomeOf } from './order-convention.ts';
import { fromBook, toBook } from './ticket-math.ts';

/** The Queue column's header tooltip. */
const QUEUE_HELP =
  'Quantity resting ahead of your order at its price (Front: yours trades next at this price)';

/** A resting order's place in the queue, or why it has none. */
function queueOf(m: MarketInfo, o: OpenOrder, queue: QueuePositions) {
  if (o.state === 'parked')
    return queueText(m, undefined, 'Not in the book until the stop triggers');
  const p = queue.byOrderId.get(o.orderId);
  // A position fetched before an amend moved the order is not its position any more.
  const known =
    !queue.failed && p !== undefined && p.priceTicks === o.priceTicks && p.side === o.side;
  return queueText(m, known ? p.aheadLots : undefined, 'Queue position not available');
}

export function OpenOrders({ market, feed }: { market?: MarketInfo; feed?: MarketFeed }) {
  const { me, accountVersion, marketBySymbol, confirm, toast } = useApp();
  const orders = useApi(
    () => api<{ items: OpenOrder[] }>('GET', '/api/v1/orders/open'),
    [accountVersion, me?.userId],
  );
  const [editing, setEditing] = useState<number | undefined>();
  const items = (orders.data?.items ?? []).filter(
    (o) => market === undefined || o.market === market.market,
  );
  const queue = useQueuePositions(
    market === undefined ? { pollMs: QUEUE_POLL_MS } : { market: market.market, feed },
    items,
  );
  const columns = market === undefined ? 8 : 7;
  const cancel = async (o: OpenOrder) => {
    const m = marketBySymbol(o.market);
    const ok = await confirm(
      'Cancel order?',
      `${orderLabel(m, o.side)} ${m ? qty(m, o.openQtyLots) : o.openQtyLots} ${o.market} at ${m ? price(m, fromBook(m, outcomeOf(m, o.side), o.priceTicks)) : o.priceTicks}`,
      'Cancel order',
    );
    if (!ok) return;
    try {
      await api('DELETE', `/api/v1/orders/${o.orderId}`);
      toast('info', `Order ${o.orderId} cancelled`);
      orders.reload();
    } catch (err) {
      toast('error', errorText(err));
    }
  };
  const cancelAll = async () => {
    const ok = await confirm(
      'Cancel all orders?',
      market === undefined
        ? `All ${items.length} open orders in every market will be cancelled.`
        : `All ${items.length} open orders in ${market.market} will be cancelled.`,
      'Cancel all',
    );
    if (!ok) return;
    try {
      await api('POST', '/api/v1/orders/cancel-all', market ? { market: market.market } : {});
      orders.reload();
    } catch (err) {
      toast('error', errorText(err));
    }
  };
  if (me === null || me === undefined) return null;
  return (
    <div className="card orders">
      <div className="card-head">
        <h2>Open orders</h2>
        {items.length > 1 && (
          <button type="button" className="danger small" onClick={() => void cancelAll()}>
            Cancel all
          </button>
        )}
      </div>
      {orders.error && <p className="error">{orders.error}</p>}
      {items.length === 0 ? (
        <p className="muted">No open orders.</p>
      ) : (
        <table className="compact" data-testid="open-orders">
          <thead>
            <tr>
              {market === undefined && <th>Market</th>}
              <th>Order</th>
              <th className="num">Price</th>
              <th className="num">Open</th>
              <th className="num hide-sm">Filled</th>
              <th className="hide-sm">Type</th>
              {/* The title is the tooltip and, for screen readers, the header's description. */}
              <th className="num" title={QUEUE_HELP}>
                Queue
              </th>
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((o) => {
              const m = marketBySymbol(o.market);
              if (m === undefined) return null;
              return editing === o.orderId ? (
                <AmendRow
                  key={o.orderId}
                  m={m}
                  o={o}
                  columns={columns}
                  done={() => {
                    setEditing(undefined);
                    orders.reload();
                  }}
                />
              ) : (
                <tr key={o.orderId} data-order-id={o.orderId}>
                  {market === undefined && <td>{o.market}</td>}
                  <td className={o.side}>{orderLabel(m, o.side)}</td>
                  <td className="num">
                    {price(m, fromBook(m, outcomeOf(m, o.side), o.priceTicks))}
                    {o.state === 'parked' && o.stopPriceTicks !== undefined && (
                      <span className="muted small">
                        {' '}
                        stop {price(m, fromBook(m, outcomeOf(m, o.side), o.stopPriceTicks))}
                      </span>
                    )}
                  </td>
                  <td className="num">{qty(m, o.openQtyLots)}</td>
                  <td className="num hide-sm">{qty(m, o.filledQtyLots)}</td>
                  <td className="hide-sm">{orderTypeText(o)}</td>
                  <QueueCell {...queueOf(m, o, queue)} />
                  <td className="actions wrap">
                    <button type="button" className="small" onClick={() => setEditing(o.orderId)}>
                      Amend
                    </button>
                    <button
                      type="button"
                      className="small danger"
                      aria-label={`Cancel order ${o.orderId}`}
                      onClick={() => void cancel(o)}
                    >
                      Cancel
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}

function QueueCell({ text, label }: { text: string; label: string }) {
  return (
    <td className="num" data-testid="queue-ahead" title={label}>
      <span aria-hidden="true">{text}</span>
      <span className="sr-only">{label}</span>
    </td>
  );
}

function AmendRow(props: { m: MarketInfo; o: OpenOrder; columns: number; done: () => void }) {
  const { m, o } = props;
  const { toast } = useApp();
  const outcome = outcomeOf(m, o.side);
  const [priceText, setPriceText] = useState(priceInput(m, fromBook(m, outcome, o.priceTicks)));
  const [qtyText, setQtyText] = useState(qty(m, o.openQtyLots).replaceAll(',', ''));
  const [error, setError] = useState<string | undefined>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const px = parsePrice(m, priceText);
    const lots = parseQty(m, qtyText);
    if (px === undefined || lots === undefined || lots <= 0)
      return setError('Check price and size.');
    const body: { priceTicks?: number; qtyLots?: number } = {};
    const bookPx = toBook(m, outcome, 'buy', px).priceTicks!;
    if (bookPx !== o.priceTicks) body.priceTicks = bookPx;
    if (lots !== o.openQtyLots) body.qtyLots = lots;
    try {
      await api('POST', `/api/v1/orders/${o.orderId}/amend`, body);
      toast('info', `Order ${o.orderId} amended`);
      props.done();
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <tr className="amend">
      <td colSpan={props.columns}>
        <form className="row" onSubmit={submit} aria-label={`Amend order ${o.orderId}`}>
          <span>{orderLabel(m, o.side)}</span>
          <label>
            Price
            <input value={priceText} onChange={(e) => setPriceText(e.target.value)} size={6} />
          </label>
          <label>
            Size
            <input value={qtyText} onChange={(e) => setQtyText(e.target.value)} size={6} />
          </label>
          <button type="submit" className="small primary">
            Save
          </button>
          <button type="button" className="small" onClick={props.done}>
            Back
          </button>
          {error && <span className="error">{error}</span>}
        </form>
      </td>
    </tr>
  );
}
