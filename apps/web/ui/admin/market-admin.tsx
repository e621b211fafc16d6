// Market lifecycle for admins: every market with open / pause / close and settle (YES or NO), each
// destructive step confirmed, and when it opens or closes by itself; halting and resuming the whole
// exchange.

import { useState } from 'react';
import { api, errorText } from '../api/http.ts';
import type { MarketInfo } from '../api/types.ts';
import { useExchangeStatus } from '../components/halt-banner.tsx';
import { StatusPill } from '../components/status-pill.tsx';
import { price, qty, usd } from '../format/units.ts';
import { useApp } from '../state/app-state.tsx';
import { ScheduleEditor } from './schedule-editor.tsx';

export function ExchangeControls() {
  const { confirm, toast } = useApp();
  const status = useExchangeStatus();
  const [changed, setHalted] = useState<boolean | undefined>();
  const halted = changed ?? status?.halted;
  const set = async (h: boolean) => {
    const ok = await confirm(
      h ? 'Halt the exchange?' : 'Resume trading?',
      h
        ? 'Every market stops accepting orders until you resume. Orders placed with “cancel if trading pauses” are cancelled; the rest stay in the books.'
        : 'Open markets accept orders again.',
      h ? 'Halt exchange' : 'Resume',
    );
    if (!ok) return;
    try {
      await api('POST', '/api/v1/admin/halt', { halted: h });
      setHalted(h);
      toast('info', h ? 'Exchange halted' : 'Trading resumed');
    } catch (err) {
      toast('error', errorText(err));
    }
  };
  return (
    <div className="card">
      <h2>Exchange</h2>
      <p className="muted small">
        {halted === undefined
          ? 'Halt stops all order entry at once.'
          : halted
            ? 'Halted.'
            : 'Trading.'}
      </p>
      <div className="row">
        <button type="button" className="danger" onClick={() => void set(true)}>
          Halt trading
        </button>
        <button type="button" onClick={() => void set(false)}>
          Resume trading
        </button>
      </div>
    </div>
  );
}

export function MarketAdmin() {
  const { markets, confirm, toast, refreshMarkets } = useApp();
  const [busy, setBusy] = useState<string | undefined>();
  const act = async (m: MarketInfo, what: 'open' | 'paused' | 'closed' | 'yes' | 'no') => {
    const settle = what === 'yes' || what === 'no';
    if (what !== 'open') {
      const ok = await confirm(
        settle
          ? `Settle ${m.market} ${what.toUpperCase()}?`
          : `${what === 'paused' ? 'Pause' : 'Close'} ${m.market}?`,
        settle
          ? `${what.toUpperCase()} holders are paid ${usd((m.spec.payoutTicks ?? 0) * (m.spec.lotsPerContract ?? 1) * m.spec.moneyPerTickLot)} per contract; this cannot be undone.`
          : what === 'closed'
            ? 'Closing cancels every resting order in this market.'
            : 'Order entry stops until you reopen the market. Orders placed with “cancel if trading pauses” are cancelled; the rest stay in the book.',
        settle ? `Settle ${what.toUpperCase()}` : what === 'paused' ? 'Pause' : 'Close market',
      );
      if (!ok) return;
    }
    setBusy(m.market);
    try {
      const path = `/api/v1/admin/markets/${encodeURIComponent(m.market)}`;
      if (settle) {
        const r = await api<{ accountsPaid: number }>('POST', `${path}/settle`, { result: what });
        toast(
          'success',
          `${m.market} settled ${what.toUpperCase()}; ${r.accountsPaid} accounts paid`,
        );
      } else {
        await api('POST', `${path}/status`, { status: what });
        toast('info', `${m.market} is now ${what}`);
      }
      await refreshMarkets();
    } catch (err) {
      toast('error', errorText(err));
    } finally {
      setBusy(undefined);
    }
  };
  return (
    <div className="card">
      <h2>Markets</h2>
      <div className="scroll-x">
        <table className="compact" data-testid="admin-markets">
          <thead>
            <tr>
              <th>Market</th>
              <th>Status</th>
              <th className="num hide-sm">Last</th>
              <th className="num hide-sm">Open int.</th>
              <th>Schedule</th>
              <th>Actions</th>
            </tr>
          </thead>
          <tbody>
            {markets.map((m) => (
              <tr key={m.market} data-market={m.market}>
                <td>{m.market}</td>
                <td>
                  <StatusPill status={m.status} />
                </td>
                <td className="num hide-sm">{price(m, m.lastPriceTicks)}</td>
                <td className="num hide-sm">
                  {m.kind === 'binary' ? qty(m, m.openInterestLots) : ''}
                </td>
                <td>
                  <ScheduleEditor m={m} />
                </td>
                <td className="actions wrap">
                  {(m.status === 'created' || m.status === 'paused') && (
                    <button
                      type="button"
                      className="small"
                      disabled={busy === m.market}
                      onClick={() => void act(m, 'open')}
                    >
                      Open
                    </button>
                  )}
                  {m.status === 'open' && (
                    <button
                      type="button"
                      className="small"
                      disabled={busy === m.market}
                      onClick={() => void act(m, 'paused')}
                    >
                      Pause
                    </button>
                  )}
                  {(m.status === 'open' || m.status === 'paused' || m.status === 'created') && (
                    <button
                      type="button"
                      className="small danger"
                      disabled={busy === m.market}
                      onClick={() => void act(m, 'closed')}
                    >
                      Close
                    </button>
                  )}
                  {m.kind === 'binary' && m.status === 'closed' && (
                    <>
                      <button
                        type="button"
                        className="small yes"
                        disabled={busy === m.market}
                        onClick={() => void act(m, 'yes')}
                      >
                        Settle YES
                      </button>
                      <button
                        type="button"
                        className="small no"
                        disabled={busy === m.market}
                        onClick={() => void act(m, 'no')}
                      >
                        Settle NO
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
