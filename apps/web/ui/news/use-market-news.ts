// A market's news for its page: loaded from the API when the market opens, again every half minute
// (feeds are polled every few minutes, items can be posted at any time) and after an outage.

import type { NewsItemView, NewsPage } from '@bourse/protocol';
import { useEffect } from 'react';
import { ApiFailure, api } from '../api/http.ts';
import { type Loaded, useApi } from '../state/use-api.ts';

const REFRESH_MS = 30_000;
const LIMIT = 100;

/** The items newest first; null when the server keeps no news (NOT_SUPPORTED), so no panel is shown. */
export function useMarketNews(market: string): Loaded<readonly NewsItemView[] | null> {
  const path = `/api/v1/markets/${encodeURIComponent(market)}/news`;
  const loaded = useApi(
    () =>
      api<NewsPage>('GET', path, undefined, { limit: LIMIT }).then(
        (r) => r.items,
        (e: unknown) => {
          if (e instanceof ApiFailure && e.code === 'NOT_SUPPORTED') return null;
          throw e;
        },
      ),
    [path],
    `news:${market}`,
  );
  const { reload } = loaded;
  useEffect(() => {
    const timer = setInterval(reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);
  return loaded;
}
