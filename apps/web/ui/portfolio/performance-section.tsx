// Performance over a chosen range, computed by the server from the read models: the value, cash and
// P&L chart, the range's P&L (realised after fees and unrealised), fees, win rate and max drawdown,
// the per-market and per-event breakdowns, and the same report as a CSV download.

import { useEffect, useMemo, useState } from 'react';
import { api } from '../api/http.ts';
import { dateTime, usd, usdSigned } from '../format/units.ts';
import { useApp } from '../state/app-state.tsx';
import { realisedAfterFees } from './valuation.ts';
import { useApi } from '../state/use-api.ts';
import {
  csvHref,
  forgetBrowserSamples,
  PERFORMANCE_PATH,
  type PerformanceView,
  RANGE_PRESETS,
  type RangePreset,
  rangeQuery,
  winRateText,
} from './performance-data.ts';
import { EventBreakdown, MarketBreakdown } from './performance-tables.tsx';
import { useSpacedVersion } from './spaced-version.ts';
import { ValueChart } from './value-chart.tsx';

/** At most one report per this gap while the account keeps changing. */
const REFRESH_GAP_MS = 5_000;

function Stat(props: {
  label: string;
  value: string;
  testId: string;
  sign?: number;
  note?: string;
}) {
  const tone = props.sign === undefined ? '' : props.sign >= 0 ? 'pos' : 'neg';
  return (
    <div className="card kpi">
      <span className="label">{props.label}</span>
      <span className={`big ${tone}`} data-testid={props.testId}>
        {props.value}
      </span>
      {props.note !== undefined && <span className="muted small">{props.note}</span>}
    </div>
  );
}

function Stats({ report }: { report: PerformanceView }) {
  const s = report.stats;
  const realised = realisedAfterFees(s);
  return (
    <div className="kpis" data-testid="performance-stats">
      <Stat label="P&L in range" value={usdSigned(s.pnl)} sign={s.pnl} testId="performance-pnl" />
      <Stat
        label="Realised after fees"
        value={usdSigned(realised)}
        sign={realised}
        testId="performance-realised"
        note={`${usd(s.feesPaid)} fees paid`}
      />
      <Stat
        label="Win rate"
        value={winRateText(s.winRateBps)}
        testId="performance-win-rate"
        note={`${s.wins} of ${s.closedMarkets} closed markets`}
      />
      <Stat
        label="Max drawdown"
        value={usd(s.maxDrawdown)}
        testId="performance-drawdown"
        {...(s.maxDrawdownTroughTs === null
          ? {}
          : { note: `to ${dateTime(s.maxDrawdownTroughTs)}` })}
      />
    </div>
  );
}

export function PerformanceSection() {
  const { me, accountVersion } = useApp();
  const [preset, setPreset] = useState<RangePreset>('all');
  useEffect(() => {
    if (me) forgetBrowserSamples(me.userId);
  }, [me]);
  // The range ends when it is chosen or the account changes (at most every few seconds), so its CSV
  // is the report on screen.
  const version = useSpacedVersion(accountVersion, REFRESH_GAP_MS);
  const query = useMemo(() => rangeQuery(preset, Date.now()), [preset, version]);
  const report = useApi(
    () => api<PerformanceView>('GET', PERFORMANCE_PATH, undefined, query),
    [query],
    `performance:${me?.userId}:${preset}`,
  );
  const r = report.data;
  return (
    <div className="card" data-testid="performance">
      <div className="card-head">
        <h2>Performance</h2>
        <div className="row">
          <fieldset className="seg" aria-label="Range">
            {RANGE_PRESETS.map((p) => (
              <button
                key={p.id}
                type="button"
                aria-pressed={preset === p.id}
                onClick={() => setPreset(p.id)}
              >
                {p.label}
              </button>
            ))}
          </fieldset>
          <a
            className="button small"
            href={csvHref(query)}
            download
            aria-label="Performance as CSV"
          >
            Export CSV
          </a>
        </div>
      </div>
      {report.error && <p className="error">{report.error}</p>}
      {r === undefined ? (
        <p className="muted">Loading…</p>
      ) : (
        <>
          <Stats report={r} />
          {r.points.length < 2 ? (
            <p className="muted">The chart fills in with your first deposit or trade.</p>
          ) : (
            <ValueChart points={r.points} />
          )}
          <p className="muted small">
            Value, cash and P&amp;L at the end of each {r.interval} from the exchange's records
            (positions at the last trade); P&amp;L = realised − fees + unrealised.
          </p>
          <h3>By market</h3>
          <MarketBreakdown report={r} />
          {r.events.length > 0 && <h3>By event</h3>}
          <EventBreakdown report={r} />
        </>
      )}
    </div>
  );
}
