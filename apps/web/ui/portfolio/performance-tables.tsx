// The performance report's breakdowns: P&L per market and per event over the chosen range (realised
// before fees, fees, unrealised at the end, and their total), with whether a market closed as a win.

import { Link } from '../components/link.tsx';
import { usd, usdSigned } from '../format/units.ts';
import type { PerformanceView } from './performance-data.ts';

const signClass = (v: number) => (v >= 0 ? 'pos' : 'neg');

function outcome(m: PerformanceView['markets'][number]): string {
  if (!m.closed) return m.positionLots === 0 ? '—' : 'open';
  return m.win ? 'win' : 'loss';
}

export function MarketBreakdown(props: { report: PerformanceView }) {
  const { markets } = props.report;
  if (markets.length === 0) return <p className="muted">No trading in this range.</p>;
  return (
    <div className="scroll-x">
      <table className="compact" data-testid="performance-markets">
        <thead>
          <tr>
            <th>Market</th>
            <th className="num hide-sm">Fills</th>
            <th className="num">Realised</th>
            <th className="num hide-sm">Fees</th>
            <th className="num hide-sm">Unrealised</th>
            <th className="num">P&amp;L</th>
            <th>Outcome</th>
          </tr>
        </thead>
        <tbody>
          {markets.map((m) => (
            <tr key={m.instrumentId}>
              <td>
                <Link to={`/markets/${encodeURIComponent(m.symbol)}`}>{m.symbol}</Link>
                {m.settled && <span className="muted small"> settled</span>}
              </td>
              <td className="num hide-sm">{m.fills}</td>
              <td className={`num ${signClass(m.realisedPnl)}`}>{usdSigned(m.realisedPnl)}</td>
              <td className="num hide-sm">{usd(m.feesPaid)}</td>
              <td className={`num hide-sm ${signClass(m.unrealisedPnl)}`}>
                {usdSigned(m.unrealisedPnl)}
              </td>
              <td className={`num ${signClass(m.pnl)}`}>{usdSigned(m.pnl)}</td>
              <td>{outcome(m)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function EventBreakdown(props: { report: PerformanceView }) {
  const { events } = props.report;
  if (events.length === 0) return null;
  return (
    <div className="scroll-x">
      <table className="compact" data-testid="performance-events">
        <thead>
          <tr>
            <th>Event</th>
            <th className="num">Markets</th>
            <th className="num">Realised</th>
            <th className="num hide-sm">Fees</th>
            <th className="num hide-sm">Unrealised</th>
            <th className="num">P&amp;L</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr key={e.eventTicker}>
              <td>
                <Link to={`/events/${encodeURIComponent(e.eventTicker)}`}>{e.eventTicker}</Link>
              </td>
              <td className="num">{e.markets}</td>
              <td className={`num ${signClass(e.realisedPnl)}`}>{usdSigned(e.realisedPnl)}</td>
              <td className="num hide-sm">{usd(e.feesPaid)}</td>
              <td className={`num hide-sm ${signClass(e.unrealisedPnl)}`}>
                {usdSigned(e.unrealisedPnl)}
              </td>
              <td className={`num ${signClass(e.pnl)}`}>{usdSigned(e.pnl)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
