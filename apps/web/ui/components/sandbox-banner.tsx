// Says so on every screen when the exchange is a sandbox (`bourse serve --sandbox`), with its simulated
// time: prices, fills and countdowns there follow a clock a bot author controls, not the real one. The
// exchange status (read once by the halt banner) tells whether it is one; only then is the clock read
// again every few seconds, so a step or jump made elsewhere shows here too.

import { useEffect, useState, useSyncExternalStore } from 'react';
import { api } from '../api/http.ts';
import {
  exchangeNow,
  sandboxClock,
  setSandboxClock,
  watchSandboxClock,
} from '../state/exchange-clock.ts';

const REFRESH_MS = 5_000;

export function SandboxBanner() {
  const clock = useSyncExternalStore(watchSandboxClock, sandboxClock);
  const sandbox = clock !== undefined;
  const [now, setNow] = useState(exchangeNow);
  useEffect(() => {
    if (!sandbox) return;
    const refresh = setInterval(() => {
      api<{ clock?: Parameters<typeof setSandboxClock>[0] }>('GET', '/api/v1/exchange/status').then(
        (s) => s.clock !== undefined && setSandboxClock(s.clock),
        () => {},
      );
    }, REFRESH_MS);
    const tick = setInterval(() => setNow(exchangeNow()), 1_000);
    return () => {
      clearInterval(refresh);
      clearInterval(tick);
    };
  }, [sandbox]);
  useEffect(() => setNow(exchangeNow()), [clock]);
  if (clock === undefined) return null;
  const mode = clock.mode === 'paused' ? 'paused' : `running at ×${clock.rate}`;
  return (
    <div className="sandbox-banner" role="status" data-testid="sandbox-banner">
      SANDBOX — simulated time{' '}
      <time dateTime={new Date(now).toISOString()}>
        {new Date(now).toISOString().replace('.000', '')}
      </time>{' '}
      ({mode})
    </div>
  );
}
