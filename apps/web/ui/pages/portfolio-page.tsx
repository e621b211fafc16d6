// The account at a glance: balances, positions with average price, mark value and P&L (realised P&L
// net of the fees paid, so P&L moves with the account's value to the cent), performance over time from
// the server (chart, breakdowns, win rate, drawdown), open orders, and order/fill/settlement history.
// Live: reloads on every private-channel change.

import { api } from '../api/http.ts';
import type { Balance, MarketInfo, PositionRow } from '../api/types.ts';
import { downloadCsv, toCsv } from '../components/csv.ts';
import { Link } from '../components/link.tsx';
import { StaleNote } from '../components/stale-note.tsx';
import { assetAmount, price, qty, usd, usdSigned } from '../format/units.ts';
import { OpenOrders } from '../market/open-orders.tsx';
import { HistoryTables } from '../portfolio/history-tables.tsx';
import { PerformanceSection } from '../portfolio/performance-section.tsx';
import { realisedAfterFees, valueAccount } from '../portfolio/valuation.ts';
import { useApp } from '../state/app-state.tsx';
import { useApi } from '../state/use-api.ts';

function averagePrice(m: MarketInfo, p: PositionRow): number | undefined {
  const lots = Math.abs(p.positionLots);
  if (lots === 0) return undefined;
  return Math.round(p.costBasis / (lots * m.spec.moneyPerTickLot));
}

export function PortfolioPage() {
  const { me, accountVersion, marketBySymbol, assets, markets } = useApp();
  // Cached per user: opened during an outage, the page shows the last-known values, marked stale.
  const balances = useApi(
    () => api<{ items: Balance[] }>('GET', '/api/v1/portfolio/balances'),
    [accountVersion],
    `balances:${me?.userId}`,
  );
  const positions = useApi(
    () => api<{ items: PositionRow[] }>('GET', '/api/v1/portfolio/positions'),
    [accountVersion],
    `positions:${me?.userId}`,
  );
  /** Known values only: never a zero standing in for an amount that could not be loaded. */
  const known = (micros: number) => (balances.data === undefined ? '—' : usd(micros));
  const usdBalance = balances.data?.items.find((b) => b.asset === 'USD');
  const held = (positions.data?.items ?? []).filter(
    (p) => p.positionLots !== 0 || p.realisedPnl !== 0 || p.feesPaid !== 0,
  );

  const unrealised = held.reduce((s, p) => s + (p.unrealisedPnl ?? 0), 0);
  const fees = held.reduce((s, p) => s + p.feesPaid, 0);
  const realised = held.reduce((s, p) => s + realisedAfterFees(p), 0);
  const usdId = assets.find((a) => a.code === 'USD')?.assetId;
  const { total, holdings } = valueAccount(balances.data?.items ?? [], held, markets, usdId);

  const exportPositions = () =>
    downloadCsv(
      'bourse-positions.csv',
      toCsv(
        [
          'market',
          'positionLots',
          'costBasisMicros',
          'markPriceTicks',
          'marketValueMicros',
          'unrealisedPnlMicros',
          'realisedPnlMicros',
          'feesPaidMicros',
        ],
        held.map((p) => [
          p.market,
          p.positionLots,
          p.costBasis,
          p.markPriceTicks,
          p.marketValue,
          p.unrealisedPnl,
          p.realisedPnl,
          p.feesPaid,
        ]),
      ),
    );

  return (
    <section className="portfolio">
      <h1>Portfolio</h1>
      <StaleNote asOf={balances.fetchedAt} />
      <div className="kpis">
        <div className="card kpi">
          <span className="label">Portfolio value</span>
          <span className="big" data-testid="portfolio-value">
            {balances.data === undefined || positions.data === undefined ? '—' : usd(total)}
          </span>
          {holdings > 0 && <span className="muted small">{usd(holdings)} in spot holdings</span>}
        </div>
        <div className="card kpi">
          <span className="label">Cash available</span>
          <span className="big" data-testid="cash-available">
            {known(usdBalance?.available ?? 0)}
          </span>
          <span className="muted small">{known(usdBalance?.reserved ?? 0)} reserved in orders</span>
        </div>
        <div className="card kpi">
          <span className="label">Unrealised P&amp;L</span>
          <span className={`big ${unrealised >= 0 ? 'pos' : 'neg'}`} data-testid="unrealised-pnl">
            {usdSigned(unrealised)}
          </span>
        </div>
        <div className="card kpi">
          <span className="label">Realised P&amp;L after fees</span>
          <span className={`big ${realised >= 0 ? 'pos' : 'neg'}`} data-testid="realised-pnl">
            {usdSigned(realised)}
          </span>
          <span className="muted small">
            <span data-testid="fees-paid">{usd(fees)}</span> fees paid
          </span>
        </div>
      </div>
      <PerformanceSection />
      <div className="two">
        <div className="card">
          <h2>Balances</h2>
          {balances.error && <p className="error">{balances.error}</p>}
          <table className="compact" data-testid="balances">
            <thead>
              <tr>
                <th>Asset</th>
                <th className="num">Available</th>
                <th className="num">Reserved</th>
              </tr>
            </thead>
            <tbody>
              {(balances.data?.items ?? []).map((b) => {
                const scale = assets.find((a) => a.assetId === b.assetId)?.scale ?? 1;
                return (
                  <tr key={b.assetId}>
                    <td>{b.asset}</td>
                    <td className="num">{assetAmount(b.available, scale, b.asset)}</td>
                    <td className="num">{assetAmount(b.reserved, scale, b.asset)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <div className="card">
          <div className="card-head">
            <h2>Positions</h2>
            <button
              type="button"
              className="small"
              onClick={exportPositions}
              disabled={held.length === 0}
            >
              Export CSV
            </button>
          </div>
          {positions.error && <p className="error">{positions.error}</p>}
          {held.length === 0 ? (
            <p className="muted">No positions.</p>
          ) : (
            <div className="scroll-x">
              <table className="compact" data-testid="positions">
                <thead>
                  <tr>
                    <th>Market</th>
                    <th className="num">Position</th>
                    <th className="num hide-sm">Avg price</th>
                    <th className="num hide-sm">Mark</th>
                    <th className="num">Value</th>
                    <th className="num">Unrealised</th>
                    <th className="num hide-sm" title="Realised P&L less the fees paid">
                      Realised
                    </th>
                    <th className="num hide-sm">Fees</th>
                  </tr>
                </thead>
                <tbody>
                  {held.map((p) => {
                    const m = marketBySymbol(p.market);
                    if (m === undefined) return null;
                    const binary = m.kind === 'binary';
                    const side = binary
                      ? p.positionLots > 0
                        ? ' YES'
                        : p.positionLots < 0
                          ? ' NO'
                          : ''
                      : '';
                    const avg = averagePrice(m, p);
                    const mark =
                      p.markPriceTicks === null
                        ? null
                        : binary && p.positionLots < 0
                          ? (m.spec.payoutTicks ?? 0) - p.markPriceTicks
                          : p.markPriceTicks;
                    return (
                      <tr key={p.market}>
                        <td>
                          <Link to={`/markets/${encodeURIComponent(p.market)}`}>{p.market}</Link>
                        </td>
                        <td className="num">
                          {qty(m, Math.abs(p.positionLots))}
                          {side}
                        </td>
                        <td className="num hide-sm">{avg === undefined ? '—' : price(m, avg)}</td>
                        <td className="num hide-sm">{price(m, mark)}</td>
                        <td className="num">{usd(p.marketValue)}</td>
                        <td className={`num ${(p.unrealisedPnl ?? 0) >= 0 ? 'pos' : 'neg'}`}>
                          {usdSigned(p.unrealisedPnl)}
                        </td>
                        <td className={`num hide-sm ${realisedAfterFees(p) >= 0 ? 'pos' : 'neg'}`}>
                          {usdSigned(realisedAfterFees(p))}
                        </td>
                        <td className="num hide-sm">{usd(p.feesPaid)}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
        </div>
      </div>
      <OpenOrders />
      <HistoryTables />
    </section>
  );
}
