// Loads data from the API for a screen and reloads it when its inputs change and when the exchange
// comes back after an outage; an error is kept as text beside the last good data so a transient
// failure never blanks the screen. With a cache key, the last good answer outlives the screen, so a
// screen opened during an outage shows the last-known values (with when they were fetched), not none.

import { type DependencyList, useCallback, useEffect, useRef, useState } from 'react';
import { errorText } from '../api/http.ts';
import { useLiveness } from './liveness.ts';

export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: string | undefined;
  readonly loading: boolean;
  /** When `data` was fetched (ms since the epoch). */
  readonly fetchedAt: number | undefined;
  reload(): void;
}

const lastKnown = new Map<string, { readonly data: unknown; readonly at: number }>();
const LAST_KNOWN_KEPT = 50;

export function useApi<T>(
  load: () => Promise<T>,
  deps: DependencyList,
  cacheKey?: string,
): Loaded<T> {
  const cached = cacheKey === undefined ? undefined : lastKnown.get(cacheKey);
  const [data, setData] = useState<T | undefined>(cached?.data as T | undefined);
  const [fetchedAt, setFetchedAt] = useState<number | undefined>(cached?.at);
  const [error, setError] = useState<string | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const { reconnects } = useLiveness();
  const generation = useRef(0);
  // The caller's deps decide when to reload, not the loader's identity.
  useEffect(() => {
    const mine = ++generation.current;
    setLoading(true);
    load().then(
      (d) => {
        if (generation.current !== mine) return;
        const at = Date.now();
        if (cacheKey !== undefined) {
          lastKnown.delete(cacheKey);
          lastKnown.set(cacheKey, { data: d, at });
          if (lastKnown.size > LAST_KNOWN_KEPT) lastKnown.delete(lastKnown.keys().next().value!);
        }
        setData(d);
        setFetchedAt(at);
        setError(undefined);
        setLoading(false);
      },
      (e: unknown) => {
        if (generation.current !== mine) return;
        setError(errorText(e));
        setLoading(false);
      },
    );
  }, [...deps, tick, reconnects]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, fetchedAt, reload };
}
