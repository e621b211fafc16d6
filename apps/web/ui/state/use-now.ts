// The current time for a countdown to `until`, re-rendering only the component that asks: every second
// while it is under an hour away (the text shows seconds), every 15 s further out (it shows minutes),
// and not at all once the time has come (the text then waits for the market's status to move).

import { useEffect, useState } from 'react';

const HOUR = 3_600_000;

export function useNow(until: number | null): number {
  const [now, setNow] = useState(() => Date.now());
  const period = until === null || until <= now ? null : until - now > HOUR ? 15_000 : 1_000;
  useEffect(() => {
    if (period === null) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), period);
    return () => clearInterval(timer);
  }, [period]);
  return now;
}
