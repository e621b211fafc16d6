// An exchange-wide halt, shown on every screen: while it lasts no order is accepted anywhere, and a
// trader should learn that before pressing Buy. The engine answers the status, so the banner is right
// after a restart too; it is polled because a halt is rare and a few seconds late is fine.

import { useEffect, useState } from 'react';
import { api } from '../api/http.ts';

export interface ExchangeStatus {
  readonly halted: boolean;
  readonly tradingActive: boolean;
  readonly seq: number;
}

const POLL_MS = 3_000;

export function useExchangeStatus(): ExchangeStatus | undefined {
  const [status, setStatus] = useState<ExchangeStatus | undefined>();
  useEffect(() => {
    let live = true;
    const read = () =>
      api<ExchangeStatus>('GET', '/api/v1/exchange/status').then(
        (s) => live && setStatus(s),
        () => {}, // the connection badge already says when the exchange is unreachable
      );
    void read();
    const timer = setInterval(() => void read(), POLL_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, []);
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
