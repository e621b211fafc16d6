// An exchange-wide halt, shown on every screen: while it lasts no order is accepted anywhere, and a
// trader should learn that before pressing Buy. Every market's ticker carries the halt and is pushed
// the moment it starts or ends, so the banner follows one market's ticker (shared with any screen that
// already watches it) and changes with the market pages, not on a timer. The REST status answers
// before the first ticker and on an exchange without markets.

import { useEffect, useState } from 'react';
import { api } from '../api/http.ts';
import { useApp } from '../state/app-state.tsx';
import { setSandboxClock } from '../state/exchange-clock.ts';

export interface ExchangeStatus {
  readonly halted: boolean;
}

interface StatusAnswer {
  readonly halted: boolean;
  readonly sandbox?: boolean;
  readonly clock?: Parameters<typeof setSandboxClock>[0];
}

export function useExchangeStatus(): ExchangeStatus | undefined {
  const { socket, markets } = useApp();
  const [status, setStatus] = useState<ExchangeStatus | undefined>();
  const probe = markets[0]?.market;
  useEffect(() => {
    let live = true;
    api<StatusAnswer>('GET', '/api/v1/exchange/status').then(
      (s) => {
        if (!live) return;
        if (s.sandbox === true && s.clock !== undefined) setSandboxClock(s.clock);
        // A ticker heard first is newer than this answer.
        setStatus((old) => old ?? { halted: s.halted });
      },
      () => {}, // the connection badge already says when the exchange is unreachable
    );
    return () => {
      live = false;
    };
  }, []);
  useEffect(() => {
    const off = socket.onMessage((m) => {
      if (m.channel !== 'ticker' || typeof m.tradingHalted !== 'boolean') return;
      const halted = m.tradingHalted;
      setStatus((old) => (old?.halted === halted ? old : { halted }));
    });
    // The subscription's first message is the ticker as it stands, again after every reconnect.
    const release = probe === undefined ? undefined : socket.subscribe('ticker', probe);
    return () => {
      off();
      release?.();
    };
  }, [socket, probe]);
  return status;
}

export function HaltBanner() {
  const status = useExchangeStatus();
  if (status?.halted !== true) return null;
  return (
    <div className="halt-banner" role="alert">
      Trading is halted: the exchange is not accepting orders. Resting orders stay in the books.
    </div>
  );
}
