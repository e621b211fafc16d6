// The order ticket: buy/sell YES or NO (binary) or buy/sell (spot); limit, market with a worst-price
// protection, stop and stop-limit; time in force, post-only, reduce-only and cancel-if-trading-pauses
// (offered only for orders that can rest or wait as a stop). Before submit it shows the cost or
// proceeds, the maximum payout and the fee, computed from the same integers the exchange uses (the
// rules live in ticket-order.ts).

import { type FormEvent, useEffect, useRef, useState } from 'react';
import { api, errorText } from '../api/http.ts';
import type { Level, MarketInfo, OrderAck } from '../api/types.ts';
import { Link } from '../components/link.tsx';
import { price, priceInput, qty } from '../format/units.ts';
import { useApp } from '../state/app-state.tsx';
import type { ProblemField } from './ticket-check.ts';
import { fromBook, type Outcome } from './ticket-math.ts';
import {
  type Assessment,
  assessTicket,
  bookSide,
  buildOrder,
  canRest,
  EMPTY_TICKET,
  type OrderType,
  type TicketFields,
  ticketLabel,
  type Tif,
  worstOutcomePrice,
} from './ticket-order.ts';
import { SizeField } from './ticket-size.tsx';
import { TicketSummary } from './ticket-summary.tsx';
import { useTicketAccount } from './use-ticket-account.ts';

export interface TicketPreset {
  readonly nonce: number;
  /** The YES-book price to fill in; undefined keeps the typed one. */
  readonly bookPriceTicks: number | undefined;
  readonly side: 'buy' | 'sell';
  /** Bring the ticket on screen and put the cursor in its quantity (the phone's trade bar). */
  readonly focus?: boolean | undefined;
}

type Set = (patch: Partial<TicketFields>) => void;

export function OrderEntry(props: {
  m: MarketInfo;
  bids: readonly Level[];
  asks: readonly Level[];
  preset: TicketPreset | undefined;
}) {
  const { m, bids, asks } = props;
  const { me, toast } = useApp();
  const binary = m.kind === 'binary';
  const [t, setTicket] = useState<TicketFields>(EMPTY_TICKET);
  const set: Set = (patch) => setTicket((x) => ({ ...x, ...patch }));
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  // A click on a book level: lifting an ask buys YES, hitting a bid buys NO (binary) or sells (spot).
  useEffect(() => {
    const p = props.preset;
    if (p === undefined) return;
    const outcome: Outcome = binary && p.side === 'sell' ? 'no' : 'yes';
    const at = p.bookPriceTicks;
    setTicket((x) => ({
      ...x,
      outcome,
      action: binary ? 'buy' : p.side,
      type: 'limit',
      sizeIn: 'count',
      priceText: at === undefined ? x.priceText : priceInput(m, fromBook(m, outcome, at)),
    }));
    if (p.focus) {
      requestAnimationFrame(() => {
        form.current?.scrollIntoView({ block: 'center' });
        const qty = form.current?.querySelector<HTMLInputElement>('input[name="qty"]');
        qty?.focus({ preventScroll: true });
      });
    }
  }, [props.preset, binary, m]);

  const account = useTicketAccount(m);
  const a = assessTicket(m, t, bids, asks, account);
  const { side, opposite } = bookSide(m, t, bids, asks);
  const worst = t.type === 'market' ? worstOutcomePrice(m, t, side, opposite) : undefined;
  const label = ticketLabel(m, t);
  const unit = binary ? `${t.outcome.toUpperCase()} ¢` : '$';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    const built = buildOrder(m, t, bids, asks, account);
    if ('error' in built) return setError(built.error);
    setBusy(true);
    try {
      const ack = await api<OrderAck>('POST', '/api/v1/orders', built.order);
      const filled = ack.filledQtyLots > 0 ? `, filled ${qty(m, ack.filledQtyLots)}` : '';
      toast('success', `${label} ${qty(m, built.order.qtyLots)}: ${ack.status}${filled}`);
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
          <Link to="/login">Log in</Link> to trade.
        </p>
      </div>
    );
  }
  const canTrade = me.scopes.includes('trade') && m.status === 'open';
  return (
    <form ref={form} className="card ticket" onSubmit={submit} aria-label="Order ticket">
      <h2>Trade</h2>
      {binary && (
        <fieldset className="seg wide" aria-label="Outcome">
          <button
            type="button"
            className="yes"
            aria-pressed={t.outcome === 'yes'}
            onClick={() => set({ outcome: 'yes' })}
          >
            YES
          </button>
          <button
            type="button"
            className="no"
            aria-pressed={t.outcome === 'no'}
            onClick={() => set({ outcome: 'no' })}
          >
            NO
          </button>
        </fieldset>
      )}
      <fieldset className="seg wide" aria-label="Action">
        <button
          type="button"
          aria-pressed={t.action === 'buy'}
          onClick={() => set({ action: 'buy' })}
        >
          Buy
        </button>
        <button
          type="button"
          aria-pressed={t.action === 'sell'}
          onClick={() => set({ action: 'sell' })}
        >
          Sell
        </button>
      </fieldset>
      <label>
        Order type
        <select
          name="type"
          value={t.type}
          onChange={(e) => {
            const type = e.target.value as OrderType;
            set(type === 'limit' ? { type } : { type, postOnly: false });
          }}
        >
          <option value="limit">Limit</option>
          <option value="market">Market (protected)</option>
          <option value="stop">Stop</option>
          <option value="stopLimit">Stop limit</option>
        </select>
      </label>
      <SizeField m={m} t={t} set={set} />
      <Problems a={a} field="qty" />
      {(t.type === 'stop' || t.type === 'stopLimit') && (
        <label>
          Stop trigger ({unit})
          <input
            name="stop"
            inputMode="decimal"
            value={t.stopText}
            onChange={(e) => set({ stopText: e.target.value })}
          />
        </label>
      )}
      {(t.type === 'limit' || t.type === 'stopLimit') && (
        <label>
          Limit price ({unit})
          <input
            name="price"
            inputMode="decimal"
            value={t.priceText}
            placeholder={binary ? 'e.g. 42' : 'e.g. 150.00'}
            onChange={(e) => set({ priceText: e.target.value })}
          />
        </label>
      )}
      <Problems a={a} field="price" />
      {t.type === 'market' && (
        <label>
          Worst price ({unit})
          <input
            name="worst"
            inputMode="decimal"
            value={t.worstText}
            placeholder={worst === undefined ? '' : priceInput(m, worst)}
            onChange={(e) => set({ worstText: e.target.value })}
          />
        </label>
      )}
      <TicketOptions t={t} set={set} />
      <TicketSummary m={m} t={t} a={a} account={account} />
      <Problems a={a} field="funds" />
      {t.type === 'market' && worst !== undefined && (
        <p className="muted small">Protected: never fills worse than {price(m, worst)}.</p>
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
        className={`primary ${t.outcome === 'no' && binary ? 'no' : t.action}`}
        disabled={busy || !canTrade || a.problems.length > 0}
      >
        {busy ? 'Sending…' : label}
      </button>
    </form>
  );
}

function TicketOptions({ t, set }: { t: TicketFields; set: Set }) {
  const rests = canRest(t);
  return (
    <>
      {t.type !== 'market' && (
        <label>
          Time in force
          <select name="tif" value={t.tif} onChange={(e) => set({ tif: e.target.value as Tif })}>
            <option value="gtc">Good till cancelled</option>
            <option value="ioc">Immediate or cancel</option>
            <option value="fok">Fill or kill</option>
            <option value="gtd">Good till date</option>
          </select>
        </label>
      )}
      {t.tif === 'gtd' && t.type !== 'market' && (
        <label>
          Expires
          <input
            type="datetime-local"
            value={t.expiry}
            onChange={(e) => set({ expiry: e.target.value })}
          />
        </label>
      )}
      <div className="checks">
        <label className="check">
          <input
            type="checkbox"
            checked={t.postOnly}
            disabled={t.type !== 'limit'}
            onChange={(e) => set({ postOnly: e.target.checked })}
          />
          Post only
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={t.reduceOnly}
            onChange={(e) => set({ reduceOnly: e.target.checked })}
          />
          Reduce only
        </label>
        <label className="check">
          <input
            type="checkbox"
            name="cancelOnPause"
            checked={t.cancelOnPause && rests}
            disabled={!rests}
            title={
              rests
                ? 'Cancel this order if its market is paused or the exchange halts.'
                : 'Only orders that can rest in the book or wait as a stop can be cancelled on a pause.'
            }
            onChange={(e) => set({ cancelOnPause: e.target.checked })}
          />
          Cancel if trading pauses
        </label>
      </div>
    </>
  );
}

/** The ticket's problems with one field, in place, before anything is sent. */
function Problems({ a, field }: { a: Assessment; field: ProblemField }) {
  return a.problems
    .filter((p) => p.field === field)
    .map((p) => (
      <p key={p.text} className="error small" data-testid="ticket-problem">
        {p.text}
      </p>
    ));
}
