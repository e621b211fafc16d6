// A market's news for its page: loaded from the API when the market opens, again whenever the
// socket's news channel says an item was stored for it (posted, or polled from a feed), and each time
// a connection confirms the channel (items stored before the server subscribed this socket, as after
// an outage, were never pushed).

import type { NewsItemView, NewsPage } from '@bourse/protocol';
import { useEffect } from 'react';
import { ApiFailure, api } from '../api/http.ts';
import { useApp } from '../state/app-state.tsx';
import { type Loaded, useApi } from '../state/use-api.ts';

const LIMIT = 100;

/** The items newest first; null when the server keeps no news (NOT_SUPPORTED), so no panel is shown. */
export function useMarketNews(market: string): Loaded<readonly NewsItemView[] | null> {
  const { socket } = useApp();
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
    const offConfirmed = socket.onSubscribed('news', market, reload);
    const off = socket.onMessage((m) => {
      if (m.channel === 'news' && m.type === 'update' && m.market === market) reload();
    });
    const release = socket.subscribe('news', market);
    return () => {
      offConfirmed();
      off();
      release();
    };
  }, [socket, market, reload]);
  return loaded;
}
