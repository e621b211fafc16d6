// The user's alerts: what each watches, how it tells, and whether it has fired (with what it said).

import { Link } from '../components/link.tsx';
import type { MarketInfo } from '../api/types.ts';
import { dateTime, price, qty } from '../format/units.ts';
import type { UserAlertView } from '../state/alerts.ts';
import { KIND_LABELS } from './alert-body.ts';

/** "≥ 60¢", "up 2.5 % within 60 s" — the condition in the market's units. */
export function conditionText(a: UserAlertView, m: MarketInfo | undefined): string {
  const c = a.condition;
  const px = (t: number | undefined) => (t === undefined ? '' : m ? price(m, t) : String(t));
  const secs = `within ${Math.round((c.windowMs ?? 0) / 1000)} s`;
  switch (c.kind) {
    case 'priceCross':
      return `${c.direction === 'above' ? '≥' : '≤'} ${px(c.priceTicks)}`;
    case 'priceMove':
      return `${c.direction === 'either' ? 'up or down' : c.direction} ${(c.moveBps ?? 0) / 100} % ${secs}`;
    case 'spread':
      return `spread ${c.direction === 'wider' ? '≥' : '≤'} ${px(c.spreadTicks)}`;
    case 'volume':
      return `${m ? qty(m, c.volumeLots ?? 0) : c.volumeLots} traded ${secs}`;
    case 'orderFilled':
      return c.orderId === undefined ? 'any fill of my orders' : `order ${c.orderId} filled`;
    case 'marketClosing':
      return `${Math.round((c.leadMs ?? 0) / 60_000)} min before the close`;
    default:
      return KIND_LABELS[c.kind];
  }
}

export function AlertTable(props: {
  alerts: readonly UserAlertView[];
  marketBySymbol: (s: string) => MarketInfo | undefined;
  onDelete: (a: UserAlertView) => void;
}) {
  if (props.alerts.length === 0)
    return (
      <p className="muted">No alerts. They are kept on the exchange and fire with Bourse closed.</p>
    );
  return (
    <table className="compact" data-testid="alerts">
      <thead>
        <tr>
          <th>Alert</th>
          <th>Market</th>
          <th>Condition</th>
          <th>By</th>
          <th>State</th>
          <th>
            <span className="sr-only">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {props.alerts.map((a) => {
          const symbol = a.condition.market;
          const m = symbol === undefined ? undefined : props.marketBySymbol(symbol);
          return (
            <tr key={a.alertId} className={a.state === 'fired' ? 'fired' : ''}>
              <td>{KIND_LABELS[a.condition.kind]}</td>
              <td>
                {symbol === undefined ? (
                  'any'
                ) : (
                  <Link to={`/markets/${encodeURIComponent(symbol)}`}>{symbol}</Link>
                )}
              </td>
              <td>{conditionText(a, m)}</td>
              <td>{a.channels.join(', ')}</td>
              <td data-testid="alert-state">
                {a.firedAt === null
                  ? 'Watching'
                  : `Fired ${dateTime(a.firedAt)}: ${a.firedText ?? ''}`}
              </td>
              <td className="actions">
                <button type="button" className="small danger" onClick={() => props.onDelete(a)}>
                  Delete
                </button>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
