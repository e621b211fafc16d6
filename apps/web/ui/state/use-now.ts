// The current time for a countdown to `until`, re-rendering only the component that asks: every second
// while it is under an hour away (the text shows seconds), every 15 s further out (it shows minutes),
// and not at all once the time has come (the text then waits for the market's status to move). The
// time is the exchange's: a sandbox's simulated clock (exchange-clock.ts), else the wall clock.

import { useEffect, useState } from 'react';
import { exchangeNow, watchSandboxClock } from './exchange-clock.ts';

const HOUR = 3_600_000;

export function useNow(until: number | null): number {
  const [now, setNow] = useState(exchangeNow);
  const period = until === null || until <= now ? null : until - now > HOUR ? 15_000 : 1_000;
  useEffect(() => {
    if (period === null) return;
    setNow(exchangeNow());
    const timer = setInterval(() => setNow(exchangeNow()), period);
    return () => clearInterval(timer);
  }, [period]);
  // A sandbox's clock stepped or jumped: count from its new time at once.
  useEffect(() => watchSandboxClock(() => setNow(exchangeNow())), []);
  return now;
}
