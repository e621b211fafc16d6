// Price alerts: create one on a market crossing a price (above or below), see which have fired, delete.
// They live in this browser and fire while the app is open, as a toast and here.

import { type FormEvent, useState } from 'react';
import { Link } from '../components/link.tsx';
import { dateTime, parsePrice, price } from '../format/units.ts';
import { useApp } from '../state/app-state.tsx';

export function AlertsPage() {
  const { markets, alerts, addAlert, deleteAlert, marketBySymbol, confirm } = useApp();
  const [market, setMarket] = useState('');
  const [direction, setDirection] = useState<'above' | 'below'>('above');
  const [priceText, setPriceText] = useState('');
  const [error, setError] = useState<string | undefined>();
  const chosen = marketBySymbol(market) ?? markets[0];
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (chosen === undefined) return setError('There are no markets yet.');
    const ticks = parsePrice(chosen, priceText);
    if (ticks === undefined) return setError('Enter a price on the market’s grid.');
    addAlert({ market: chosen.market, direction, priceTicks: ticks });
    setPriceText('');
    setError(undefined);
  };
  return (
    <section className="alerts">
      <h1>Price alerts</h1>
      <form className="card row wrap" onSubmit={submit} aria-label="New price alert">
        <label>
          Market
          <select
            name="market"
            value={chosen?.market ?? ''}
            onChange={(e) => setMarket(e.target.value)}
          >
            {markets.map((m) => (
              <option key={m.market} value={m.market}>
                {m.market}
              </option>
            ))}
          </select>
        </label>
        <label>
          When the last price is
          <select
            name="direction"
            value={direction}
            onChange={(e) => setDirection(e.target.value as 'above' | 'below')}
          >
            <option value="above">at or above</option>
            <option value="below">at or below</option>
          </select>
        </label>
        <label>
          Price ({chosen?.kind === 'binary' ? '¢' : '$'})
          <input
            name="alert-price"
            inputMode="decimal"
            value={priceText}
            onChange={(e) => setPriceText(e.target.value)}
            required
          />
        </label>
        <button type="submit" className="primary">
          Add alert
        </button>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
      </form>
      <div className="card">
        {alerts.length === 0 ? (
          <p className="muted">
            No alerts. Alerts are kept in this browser and fire while Bourse is open.
          </p>
        ) : (
          <table className="compact" data-testid="alerts">
            <thead>
              <tr>
                <th>Market</th>
                <th>Condition</th>
                <th>State</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {alerts.map((a) => {
                const m = marketBySymbol(a.market);
                const px = (t: number) => (m ? price(m, t) : String(t));
                return (
                  <tr key={a.id} className={a.firedAt ? 'fired' : ''}>
                    <td>
                      <Link to={`/markets/${encodeURIComponent(a.market)}`}>{a.market}</Link>
                    </td>
                    <td>
                      {a.direction === 'above' ? '≥' : '≤'} {px(a.priceTicks)}
                    </td>
                    <td data-testid="alert-state">
                      {a.firedAt === null
                        ? 'Watching'
                        : `Fired ${dateTime(a.firedAt)} at ${px(a.firedPriceTicks ?? 0)}`}
                    </td>
                    <td className="actions">
                      <button
                        type="button"
                        className="small danger"
                        onClick={async () => {
                          if (
                            await confirm(
                              'Delete alert?',
                              `${a.market} ${a.direction} ${px(a.priceTicks)}`,
                              'Delete',
                            )
                          )
                            deleteAlert(a.id);
                        }}
                      >
                        Delete
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}
