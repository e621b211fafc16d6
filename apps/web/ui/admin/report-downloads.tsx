// Compliance report downloads for admins: the trade register of a UTC day, the large-position report and
// one account's monthly statement, each as CSV or JSON. The links are plain downloads of the admin API
// (the session cookie authenticates them); every file names the seq it was built from.

import { useState } from 'react';
import { api } from '../api/http.ts';
import { useApi } from '../state/use-api.ts';

const BASE = '/api/v1/admin/reports';

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

function href(report: string, query: Record<string, string>, format: 'csv' | 'json'): string {
  return `${BASE}/${report}?${new URLSearchParams({ ...query, format })}`;
}

/** CSV and JSON links for one report, shown only once its inputs are complete. */
function Links(props: {
  report: string;
  query: Record<string, string> | undefined;
  label: string;
}) {
  if (props.query === undefined) return <span className="muted small">Fill in the fields.</span>;
  return (
    <span className="row">
      {(['csv', 'json'] as const).map((format) => (
        <a
          key={format}
          className="button small"
          href={href(props.report, props.query!, format)}
          download
          aria-label={`${props.label} as ${format.toUpperCase()}`}
        >
          {format.toUpperCase()}
        </a>
      ))}
    </span>
  );
}

function TradeRegisterRow() {
  const [date, setDate] = useState(today());
  return (
    <div className="row wrap">
      <label>
        Trade register, UTC day
        <input
          type="date"
          name="register-date"
          value={date}
          onChange={(e) => setDate(e.target.value)}
        />
      </label>
      <Links
        report="trade-register"
        label="Trade register"
        query={date === '' ? undefined : { date }}
      />
    </div>
  );
}

function LargePositionsRow() {
  const [market, setMarket] = useState('10000');
  const [event, setEvent] = useState('');
  const ok = /^[1-9][0-9]*$/.test(market) && (event === '' || /^[1-9][0-9]*$/.test(event));
  const query = {
    marketThresholdLots: market,
    ...(event === '' ? {} : { eventThresholdLots: event }),
  };
  return (
    <div className="row wrap">
      <label>
        Large positions, lots in one market
        <input
          name="large-market"
          inputMode="numeric"
          value={market}
          onChange={(e) => setMarket(e.target.value)}
        />
      </label>
      <label>
        gross lots in one event
        <input
          name="large-event"
          inputMode="numeric"
          placeholder="same"
          value={event}
          onChange={(e) => setEvent(e.target.value)}
        />
      </label>
      <Links report="large-positions" label="Large positions" query={ok ? query : undefined} />
    </div>
  );
}

interface UserRow {
  readonly userId: number;
  readonly username: string;
  readonly accountId: number;
}

function StatementRow() {
  const users = useApi(() => api<{ items: UserRow[] }>('GET', '/api/v1/admin/users'), []);
  const [accountId, setAccountId] = useState('');
  const [month, setMonth] = useState(today().slice(0, 7));
  const ok = accountId !== '' && /^[0-9]{4}-[0-9]{2}$/.test(month);
  return (
    <div className="row wrap">
      <label>
        Statement of
        <select
          name="statement-account"
          value={accountId}
          onChange={(e) => setAccountId(e.target.value)}
        >
          <option value="">Choose…</option>
          {(users.data?.items ?? []).map((u) => (
            <option key={u.userId} value={u.accountId}>
              {u.username} (account {u.accountId})
            </option>
          ))}
        </select>
      </label>
      <label>
        UTC month
        <input
          type="month"
          name="statement-month"
          value={month}
          onChange={(e) => setMonth(e.target.value)}
        />
      </label>
      <Links report="statement" label="Statement" query={ok ? { accountId, month } : undefined} />
    </div>
  );
}

export function ReportDownloads() {
  return (
    <div className="card" data-testid="report-downloads">
      <h2>Compliance reports</h2>
      <p className="muted small">
        Each file is stamped with the sequence number it was built from, so it can be rebuilt from
        the journal and compared. Amounts are in minor units.
      </p>
      <TradeRegisterRow />
      <LargePositionsRow />
      <StatementRow />
    </div>
  );
}
