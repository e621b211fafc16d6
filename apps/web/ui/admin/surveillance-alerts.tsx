// The surveillance alert list and one alert's evidence: an admin filters alerts by status, opens one to
// read the orders and fills that raised it, acknowledges or escalates it with a note, and can freeze
// the accounts it names (the kill switch) from the same place.

import { useState } from 'react';
import { api, errorText } from '../api/http.ts';
import { useApp } from '../state/app-state.tsx';
import { useApi } from '../state/use-api.ts';

interface Alert {
  alertId: string;
  kind: string;
  market: string;
  accountIds: number[];
  firstTs: number;
  lastTs: number;
  summary: string;
  status: 'open' | 'acknowledged' | 'escalated';
  statusBy: string | null;
  statusNote: string | null;
}
interface Fill {
  tradeId: number;
  ts: number;
  priceTicks: number;
  qtyLots: number;
  takerSide: string;
  takerAccountId: number;
  makerAccountId: number;
}
interface Order {
  orderId: number;
  accountId: number;
  side: string;
  priceTicks: number;
  qtyLots: number;
  filledLots: number;
  placedTs: number;
  cancelledTs: number | null;
}
interface Detail extends Alert {
  orders: Order[];
  fills: Fill[];
  measures: Record<string, number>;
}

const KIND: Record<string, string> = {
  wash: 'Wash trading',
  spoofing: 'Spoofing',
  layering: 'Layering',
  marking: 'Marking the close',
  preSettlement: 'Pre-settlement buying',
};
const time = (ts: number) => new Date(ts).toISOString().replace('T', ' ').slice(0, 23);

export function SurveillanceAlerts() {
  const [status, setStatus] = useState('open');
  const [open, setOpen] = useState<string | undefined>();
  const list = useApi(
    () =>
      api<{ items: Alert[] }>('GET', '/api/v1/admin/surveillance/alerts', undefined, {
        status: status === 'all' ? undefined : status,
      }),
    [status],
  );
  return (
    <section className="card" aria-label="Surveillance alerts">
      <h2>Alerts</h2>
      <label>
        Show
        <select name="alert-status" value={status} onChange={(e) => setStatus(e.target.value)}>
          {['open', 'acknowledged', 'escalated', 'all'].map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      {list.error && <p className="error">{list.error}</p>}
      <table className="compact" data-testid="alert-list">
        <thead>
          <tr>
            <th>Raised</th>
            <th>Kind</th>
            <th>Market</th>
            <th>Accounts</th>
            <th>What happened</th>
            <th>Status</th>
          </tr>
        </thead>
        <tbody>
          {(list.data?.items ?? []).map((a) => (
            <tr key={a.alertId} onClick={() => setOpen(a.alertId)} className="clickable">
              <td>{time(a.firstTs)}</td>
              <td>{KIND[a.kind] ?? a.kind}</td>
              <td>{a.market}</td>
              <td>{a.accountIds.join(', ')}</td>
              <td>
                <button type="button" className="link" onClick={() => setOpen(a.alertId)}>
                  {a.summary}
                </button>
              </td>
              <td>{a.status}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.data?.items.length === 0 && <p className="muted">No {status} alerts.</p>}
      {open !== undefined && <AlertEvidence alertId={open} onChange={list.reload} />}
    </section>
  );
}

function AlertEvidence(props: { alertId: string; onChange: () => void }) {
  const { toast } = useApp();
  const path = `/api/v1/admin/surveillance/alerts/${encodeURIComponent(props.alertId)}`;
  const detail = useApi(() => api<Detail>('GET', path), [path]);
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | undefined>();
  const a = detail.data;
  if (a === undefined) return detail.error ? <p className="error">{detail.error}</p> : null;
  const act = async (run: () => Promise<unknown>, done: string) => {
    try {
      await run();
      setError(undefined);
      detail.reload();
      props.onChange();
      toast('info', done);
    } catch (err) {
      setError(errorText(err));
    }
  };
  const setStatus = (status: string) =>
    act(
      () => api('POST', `${path}/status`, { status, ...(note === '' ? {} : { note }) }),
      `Alert ${status}`,
    );
  const freeze = () =>
    act(
      async () => {
        for (const id of a.accountIds) {
          await api('PUT', `/api/v1/admin/accounts/${id}/frozen`, { frozen: true });
        }
      },
      `Froze account ${a.accountIds.join(', ')}`,
    );
  return (
    <div className="evidence" data-testid="alert-evidence">
      <h3>
        {KIND[a.kind] ?? a.kind} in {a.market}: {a.status}
        {a.statusBy ? ` by ${a.statusBy}` : ''}
      </h3>
      <p>{a.summary}</p>
      {a.statusNote && <p className="muted">Note: {a.statusNote}</p>}
      <EvidenceTables orders={a.orders} fills={a.fills} />
      <p className="muted small">
        {Object.entries(a.measures)
          .map(([k, v]) => `${k} ${v}`)
          .join(' · ')}
      </p>
      <label>
        Note
        <input name="alert-note" value={note} onChange={(e) => setNote(e.target.value)} />
      </label>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="row">
        <button type="button" onClick={() => void setStatus('acknowledged')}>
          Acknowledge
        </button>
        <button type="button" onClick={() => void setStatus('escalated')}>
          Escalate
        </button>
        <button type="button" className="danger" onClick={() => void freeze()}>
          Freeze account{a.accountIds.length === 1 ? '' : 's'}
        </button>
      </div>
    </div>
  );
}

function EvidenceTables(props: { orders: Order[]; fills: Fill[] }) {
  return (
    <>
      {props.orders.length > 0 && (
        <table className="compact" aria-label="Orders">
          <thead>
            <tr>
              <th>Order</th>
              <th>Account</th>
              <th>Side</th>
              <th>Price</th>
              <th>Lots</th>
              <th>Filled</th>
              <th>Rested</th>
              <th>Cancelled</th>
            </tr>
          </thead>
          <tbody>
            {props.orders.map((o) => (
              <tr key={o.orderId}>
                <td>{o.orderId}</td>
                <td>{o.accountId}</td>
                <td>{o.side}</td>
                <td>{o.priceTicks}</td>
                <td>{o.qtyLots}</td>
                <td>{o.filledLots}</td>
                <td>{time(o.placedTs)}</td>
                <td>{o.cancelledTs === null ? '' : time(o.cancelledTs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <table className="compact" aria-label="Fills">
        <thead>
          <tr>
            <th>Trade</th>
            <th>Time</th>
            <th>Taker</th>
            <th>Maker</th>
            <th>Taker side</th>
            <th>Price</th>
            <th>Lots</th>
          </tr>
        </thead>
        <tbody>
          {props.fills.map((f) => (
            <tr key={f.tradeId}>
              <td>{f.tradeId}</td>
              <td>{time(f.ts)}</td>
              <td>{f.takerAccountId}</td>
              <td>{f.makerAccountId}</td>
              <td>{f.takerSide}</td>
              <td>{f.priceTicks}</td>
              <td>{f.qtyLots}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
