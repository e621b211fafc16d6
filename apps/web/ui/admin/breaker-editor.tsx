// A market's circuit breaker, set by an admin: how far the price may move within a window before the
// market pauses, for how long, and the limit-up/limit-down band around a reference price. The form
// starts from the market's breaker as published; the server judges the rules and names what is wrong.

import { type FormEvent, useEffect, useState } from 'react';
import { api, errorText } from '../api/http.ts';
import type { MarketInfo } from '../api/types.ts';
import { useApp } from '../state/app-state.tsx';

const FIELDS = [
  ['moveTicks', 'Move (ticks)'],
  ['moveBps', 'Move (basis points)'],
  ['windowMs', 'Window (ms)'],
  ['pauseMs', 'Pause (ms)'],
  ['bandTicks', 'Band ± (ticks)'],
] as const;
type Field = (typeof FIELDS)[number][0];
type Values = Record<Field | 'reference', string>;

function valuesOf(m: MarketInfo | undefined): Values {
  const c = m?.circuitBreaker?.config;
  const text = (x: number | undefined) => (x === undefined ? '' : String(x));
  return {
    moveTicks: text(c?.moveTicks),
    moveBps: text(c?.moveBps),
    windowMs: text(c?.windowMs ?? 10_000),
    pauseMs: text(c?.pauseMs ?? 60_000),
    bandTicks: text(c?.bandTicks),
    reference: '',
  };
}

/** The breaker now, in words. */
function describe(m: MarketInfo): string {
  const b = m.circuitBreaker;
  if (b === null || b === undefined) return 'No circuit breaker.';
  const c = b.config;
  const ref = b.referencePriceTicks === null ? 'the first trade' : String(b.referencePriceTicks);
  return (
    `Pauses ${c.pauseMs} ms on a move of more than ${c.moveTicks} ticks or ${c.moveBps} bps ` +
    `within ${c.windowMs} ms; band ±${c.bandTicks} ticks around ${ref} (0: off).`
  );
}

export function BreakerEditor() {
  const { markets, refreshMarkets, toast } = useApp();
  const live = markets.filter((m) => m.status !== 'closed' && m.status !== 'settled');
  const [symbol, setSymbol] = useState('');
  const m = live.find((x) => x.market === symbol) ?? live[0];
  const [v, setV] = useState<Values>(() => valuesOf(m));
  const [error, setError] = useState<string | undefined>();
  useEffect(() => setV(valuesOf(m)), [m?.market]);
  if (m === undefined) return null;
  const send = async (breaker: Record<Field, number> | null, done: string) => {
    try {
      const reference =
        v.reference.trim() === '' ? {} : { referencePriceTicks: Number(v.reference) };
      const path = `/api/v1/admin/markets/${encodeURIComponent(m.market)}/circuit-breaker`;
      await api('PUT', path, { breaker, ...(breaker === null ? {} : reference) });
      setError(undefined);
      await refreshMarkets();
      toast('info', done);
    } catch (err) {
      setError(errorText(err));
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const rules = Object.fromEntries(
      FIELDS.map(([k]) => [k, v[k].trim() === '' ? 0 : Number(v[k])]),
    ) as Record<Field, number>;
    void send(rules, `Circuit breaker set on ${m.market}`);
  };
  return (
    <form className="card" onSubmit={submit} aria-label="Circuit breaker">
      <h2>Circuit breaker</h2>
      <BreakerFields m={m} live={live} v={v} setV={setV} onPick={setSymbol} />
      <p className="muted small" data-testid="breaker-now">
        {describe(m)}
      </p>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="row">
        <button type="submit" className="primary">
          Set breaker
        </button>
        <button
          type="button"
          onClick={() => void send(null, `Circuit breaker removed from ${m.market}`)}
        >
          Remove breaker
        </button>
      </div>
    </form>
  );
}

/** The form's fields: which market, the breaker's rules and an optional reference price. */
function BreakerFields(props: {
  m: MarketInfo;
  live: readonly MarketInfo[];
  v: Values;
  setV: (v: Values) => void;
  onPick: (symbol: string) => void;
}) {
  const { m, live, v, setV, onPick } = props;
  return (
    <div className="grid-form">
      <label className="span2">
        Market
        <select name="market" value={m.market} onChange={(e) => onPick(e.target.value)}>
          {live.map((x) => (
            <option key={x.market} value={x.market}>
              {x.market}
            </option>
          ))}
        </select>
      </label>
      {FIELDS.map(([k, label]) => (
        <label key={k}>
          {label}
          <input
            name={k}
            inputMode="numeric"
            value={v[k]}
            onChange={(e) => setV({ ...v, [k]: e.target.value })}
          />
        </label>
      ))}
      <label>
        Reference price (ticks, optional)
        <input
          name="reference"
          inputMode="numeric"
          value={v.reference}
          onChange={(e) => setV({ ...v, reference: e.target.value })}
        />
      </label>
    </div>
  );
}
