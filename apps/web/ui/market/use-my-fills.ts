// The logged-in person's latest fills in one market (none when logged out), reloaded whenever the
// account's private channels report a change: the chart marks them.

import { api } from '../api/http.ts';
import type { FillRow } from '../api/types.ts';
import { useApp } from '../state/app-state.tsx';
import { useApi } from '../state/use-api.ts';

const MARKED = 200;

export function useMyFills(market: string): readonly FillRow[] {
  const { me, accountVersion } = useApp();
  const fills = useApi(
    () =>
      me
        ? api<{ items: FillRow[] }>('GET', '/api/v1/portfolio/fills', undefined, {
            market,
            limit: MARKED,
          })
        : Promise.resolve({ items: [] }),
    [me?.userId, accountVersion, market],
  );
  return fills.data?.items ?? NONE;
}

const NONE: readonly FillRow[] = [];
