// The mark on values that may no longer be true: shown while the exchange is unreachable, with how old
// the values are, so a last-known number is never mistaken for a live one (and never replaced by zero).

import { useEffect, useState } from 'react';
import { time } from '../format/units.ts';
import { useLiveness } from '../state/liveness.ts';

function age(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1_000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** Re-renders every second while `on`. */
function useTicking(on: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!on) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, [on]);
  return now;
}

/**
 * "Stale: as of 14:02:11, 42 s ago" while the exchange is unreachable. `asOf` is when the values were
 * current: when they were fetched, or by default when the live connection was lost.
 */
export function StaleNote(props: { asOf?: number | undefined }) {
  const { downSince } = useLiveness();
  const shown = downSince !== undefined;
  const now = useTicking(shown);
  if (!shown) return null;
  const asOf = props.asOf ?? downSince;
  return (
    <p className="stale-note" role="status" data-testid="stale">
      {asOf === undefined
        ? 'Not loaded: the exchange is unreachable. Retrying…'
        : `Stale: as of ${time(asOf)}, ${age(now - asOf)} ago. Reconnecting…`}
    </p>
  );
}
