// The order ticket: buy/sell YES or NO (binary) or buy/sell (spot); limit, market with a worst-price
// protection, stop and stop-limit; time in force, post-only and reduce-only. Before submit it shows the
// cost or proceeds, the maximum payout and the fee, computed from the same integers the exchange uses.

import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { api, errorText } from '../api/http.ts';
import type { Level, MarketInfo, OrderAck, OrderInput } from '../api/types.ts';
import { feeLabel } from '../format/fees.ts';
import { parsePrice, parseQty, price, priceInput, qty, qtyUnit, usd } from '../format/units.ts';
import { useApp } from '../state/app-state.tsx';
import { type Action, fromBook, type Outcome, preview, sweep, toBook } from './ticket-math.ts';

type OrderType = 'limit' | 'market' | 'stop' | 'stopLimit';
type Tif = 'gtc' | 'ioc' | 'fok' | 'gtd';

export interface TicketPreset {
  readonly nonce: number;
  readonly bookPriceTicks: number;
  readonly side: 'buy' | 'sell';
}

const DEFAULT_PROTECTION_STEPS = 10;

export function OrderEntry(props: {
  m: MarketInfo;
  bids: readonly Level[];
  asks: readonly Level[];
  preset: TicketPreset | undefined;
}) {
  const { m } = props;
  const { me, toast } = useApp();
  const binary = m.kind === 'binary';
  const [outcome, setOutcome] = useState<Outcome>('yes');
  const [action, setAction] = useState<Action>('buy');
  const [type, setType] = useState<OrderType>('limit');
  const [qtyText, setQtyText] = useState('1');
  const [priceText, setPriceText] = useState('');
  const [stopText, setStopText] = useState('');
  const [worstText, setWorstText] = useState('');
  const [tif, setTif] = useState<Tif>('gtc');
  const [expiry, setExpiry] = useState('');
  const [postOnly, setPostOnly] = useState(false);
  const [reduceOnly, setReduceOnly] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  // A click on a book level: lifting an ask buys YES, hitting a bid buys NO (binary) or sells (spot).
  useEffect(() => {
    const p = props.preset;
    if (p === undefined) return;
    const o: Outcome = binary && p.side === 'sell' ? 'no' : 'yes';
    const a: Action = binary ? 'buy' : p.side;
    setOutcome(o);
    setAction(a);
    setType('limit');
    setPriceText(priceInput(m, fromBook(m, o, p.bookPriceTicks)));
  }, [props.preset, binary, m]);

  const book = toBook(m, outcome, action, undefined);
  const opposite = book.side === 'buy' ? props.asks : props.bids;
  const qtyLots = parseQty(m, qtyText);
  const limitPrice = parsePrice(m, priceText);
  const stopPrice = parsePrice(m, stopText);
  const needsLimit = type === 'limit' || type === 'stopLimit';
  const needsStop = type === 'stop' || type === 'stopLimit';

  // Market orders: protect at N ticks beyond the best opposite price unless the user set a worst price.
  const bestOpposite = opposite[0]?.[0];
  const defaultWorstBook =
    bestOpposite === undefined
      ? undefined
      : Math.min(
          m.spec.maxPriceTicks,
          Math.max(
            m.spec.minPriceTicks,
            bestOpposite +
              (book.side === 'buy' ? 1 : -1) * DEFAULT_PROTECTION_STEPS * m.spec.tickSize,
          ),
        );
  const worstOutcome =
    worstText === ''
      ? defaultWorstBook === undefined
        ? undefined
        : fromBook(m, outcome, defaultWorstBook)
      : parsePrice(m, worstText);
  const worstBook =
    worstOutcome === undefined ? undefined : toBook(m, outcome, action, worstOutcome).priceTicks;

  const summary = useMemo(() => {
    if (qtyLots === undefined || qtyLots <= 0) return undefined;
    if (type === 'market') {
      const s = sweep(opposite, book.side, qtyLots, worstBook);
      if (s.filledLots === 0) return undefined;
      const avgBook = Math.round(s.notionalTicksLots / s.filledLots);
      const pv = preview(m, outcome, action, s.filledLots, fromBook(m, outcome, avgBook));
      return {
        ...pv,
        note: s.filledLots < qtyLots ? `Only ${qty(m, s.filledLots)} fillable now` : undefined,
      };
    }
    const px = type === 'stop' ? stopPrice : limitPrice;
    if (px === undefined) return undefined;
    return { ...preview(m, outcome, action, qtyLots, px), note: undefined };
  }, [qtyLots, type, opposite, book.side, worstBook, m, outcome, action, stopPrice, limitPrice]);

  const label = binary
    ? `${action === 'buy' ? 'Buy' : 'Sell'} ${outcome.toUpperCase()}`
    : action === 'buy'
      ? 'Buy'
      : 'Sell';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    if (qtyLots === undefined || qtyLots <= 0)
      return setError(`Enter a quantity in ${qtyUnit(m)}.`);
    if (needsLimit && limitPrice === undefined)
      return setError('Enter a limit price on the tick grid.');
    if (needsStop && stopPrice === undefined) return setError('Enter a stop trigger price.');
    if (type === 'market' && worstBook === undefined)
      return setError('No liquidity to protect against: set a worst price.');
    if (tif === 'gtd' && expiry === '') return setError('Choose when the order expires.');
    const order: { -readonly [K in keyof OrderInput]: OrderInput[K] } = {
      market: m.market,
      side: book.side,
      type,
      qtyLots,
    };
    if (needsLimit) order.priceTicks = toBook(m, outcome, action, limitPrice).priceTicks!;
    if (needsStop) order.stopPriceTicks = toBook(m, outcome, action, stopPrice).priceTicks!;
    if (type === 'market') order.worstPriceTicks = worstBook!;
    if (type === 'market') order.tif = 'ioc';
    else {
      order.tif = tif;
      if (tif === 'gtd') order.expiresAt = new Date(expiry).getTime();
    }
    if (postOnly && type === 'limit') order.postOnly = true;
    if (reduceOnly) order.reduceOnly = true;
    setBusy(true);
    try {
      const ack = await api<OrderAck>('POST', '/api/v1/orders', order);
      const filled = ack.filledQtyLots > 0 ? `, filled ${qty(m, ack.filledQtyLots)}` : '';
      toast('success', `${label} ${qty(m, qtyLots)}: ${ack.status}${filled}`);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  if (me === null || me === undefined) {
    return (
      <div className="card ticket">
        <h2>Trade</h2>
        <p>
          <a href="/login">Log in</a> to trade.
        </p>
      </div>
    );
  }
  const canTrade = me.scopes.includes('trade') && m.status === 'open';
  return (
    <form className="card ticket" onSubmit={submit} aria-label="Order ticket">
      <h2>Trade</h2>
      {binary && (
        <fieldset className="seg wide" aria-label="Outcome">
          <button
            type="button"
            className="yes"
            aria-pressed={outcome === 'yes'}
            onClick={() => setOutcome('yes')}
          >
            YES
          </button>
          <button
            type="button"
            className="no"
            aria-pressed={outcome === 'no'}
            onClick={() => setOutcome('no')}
          >
            NO
          </button>
        </fieldset>
      )}
      <fieldset className="seg wide" aria-label="Action">
        <button type="button" aria-pressed={action === 'buy'} onClick={() => setAction('buy')}>
          Buy
        </button>
        <button type="button" aria-pressed={action === 'sell'} onClick={() => setAction('sell')}>
          Sell
        </button>
      </fieldset>
      <label>
        Order type
        <select
          name="type"
          value={type}
          onChange={(e) => {
            const t = e.target.value as OrderType;
            setType(t);
            if (t !== 'limit') setPostOnly(false);
          }}
        >
          <option value="limit">Limit</option>
          <option value="market">Market (protected)</option>
          <option value="stop">Stop</option>
          <option value="stopLimit">Stop limit</option>
        </select>
      </label>
      <label>
        Quantity ({qtyUnit(m)})
        <input
          name="qty"
          inputMode="decimal"
          value={qtyText}
          onChange={(e) => setQtyText(e.target.value)}
          required
        />
      </label>
      {needsStop && (
        <label>
          Stop trigger ({binary ? `${outcome.toUpperCase()} ¢` : '$'})
          <input
            name="stop"
            inputMode="decimal"
            value={stopText}
            onChange={(e) => setStopText(e.target.value)}
          />
        </label>
      )}
      {needsLimit && (
        <label>
          Limit price ({binary ? `${outcome.toUpperCase()} ¢` : '$'})
          <input
            name="price"
            inputMode="decimal"
            value={priceText}
            placeholder={binary ? 'e.g. 42' : 'e.g. 150.00'}
            onChange={(e) => setPriceText(e.target.value)}
          />
        </label>
      )}
      {type === 'market' && (
        <label>
          Worst price ({binary ? `${outcome.toUpperCase()} ¢` : '$'})
          <input
            name="worst"
            inputMode="decimal"
            value={worstText}
            placeholder={worstOutcome === undefined ? '' : priceInput(m, worstOutcome)}
            onChange={(e) => setWorstText(e.target.value)}
          />
        </label>
      )}
      {type !== 'market' && (
        <label>
          Time in force
          <select name="tif" value={tif} onChange={(e) => setTif(e.target.value as Tif)}>
            <option value="gtc">Good till cancelled</option>
            <option value="ioc">Immediate or cancel</option>
            <option value="fok">Fill or kill</option>
            <option value="gtd">Good till date</option>
          </select>
        </label>
      )}
      {tif === 'gtd' && type !== 'market' && (
        <label>
          Expires
          <input type="datetime-local" value={expiry} onChange={(e) => setExpiry(e.target.value)} />
        </label>
      )}
      <div className="checks">
        <label className="check">
          <input
            type="checkbox"
            checked={postOnly}
            disabled={type !== 'limit'}
            onChange={(e) => setPostOnly(e.target.checked)}
          />
          Post only
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={reduceOnly}
            onChange={(e) => setReduceOnly(e.target.checked)}
          />
          Reduce only
        </label>
      </div>
      <dl className="summary" data-testid="ticket-summary">
        <dt>{summary?.amountLabel ?? (action === 'buy' ? 'Cost' : 'Proceeds')}</dt>
        <dd>{summary === undefined ? '—' : usd(summary.amount)}</dd>
        {binary && action === 'buy' && (
          <>
            <dt>Max payout</dt>
            <dd>{summary?.maxPayout === undefined ? '—' : usd(summary.maxPayout)}</dd>
          </>
        )}
        <dt title={feeLabel(m)}>Fee (max)</dt>
        <dd>{summary === undefined ? '—' : usd(summary.fee)}</dd>
        {binary && action === 'buy' && summary?.maxPayout !== undefined && (
          <>
            <dt>Profit if {outcome.toUpperCase()}</dt>
            <dd className="pos">{usd(summary.maxPayout - summary.amount - summary.fee)}</dd>
          </>
        )}
      </dl>
      {summary?.note && <p className="muted small">{summary.note}</p>}
      {type === 'market' && worstOutcome !== undefined && (
        <p className="muted small">Protected: never fills worse than {price(m, worstOutcome)}.</p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {!canTrade && (
        <p className="muted small">
          {m.status !== 'open' ? `The market is ${m.status}.` : 'Your role cannot trade.'}
        </p>
      )}
      <button
        type="submit"
        className={`primary ${outcome === 'no' && binary ? 'no' : action}`}
        disabled={busy || !canTrade}
      >
        {busy ? 'Sending…' : `${label}`}
      </button>
    </form>
  );
}
