// Where the user's resting orders stand in their price levels' queues — in one market or in all of
// them — kept fresh without asking more than needed: fetched when the view mounts (or its scope or the
// user changes), then again — at most every QUEUE_REFRESH_MS, one fetch in flight — when the `orders`
// channel reports a change to an order in scope, and on the scope's own triggers: a market's book
// changing at a price one of the user's orders rests at (the market page, which has the book), or a
// slow timer while the page is visible (the portfolio, which hears no book changes; it only asks
// while something rests). A failed fetch marks the positions unknown (the table shows "—") and is
// retried a few seconds later.

import { useEffect, useRef, useState } from 'react';
import { api } from '../api/http.ts';
import type { OpenOrder, QueuePosition } from '../api/types.ts';
import { useApp } from './app-state.tsx';
import type { MarketFeed } from './market-feed.ts';
import {
  anyResting,
  bookTouches,
  ordersTouch,
  pollWhileVisible,
  RefreshGate,
  type Visibility,
  watchedPrices,
} from './queue-positions.ts';

export const QUEUE_REFRESH_MS = 500;
/** How often a view without book changes (the portfolio) asks again while the page is visible. */
export const QUEUE_POLL_MS = 5_000;
const QUEUE_RETRY_MS = 5_000;

export interface QueuePositions {
  /** Orders the last successful fetch found resting, by id. */
  readonly byOrderId: ReadonlyMap<number, QueuePosition>;
  /** The last fetch failed: every position is unknown until one succeeds. */
  readonly failed: boolean;
}

/** Which orders to follow and what, besides the `orders` channel, asks for fresh positions. */
export interface QueueScope {
  /** One market's orders; undefined for every market's. */
  readonly market?: string;
  /** That market's book: a change at a price one of the user's orders rests at asks again. */
  readonly feed?: MarketFeed | undefined;
  /** Ask again this often (ms) while the page is visible and something rests. */
  readonly pollMs?: number;
}

const NONE: QueuePositions = { byOrderId: new Map(), failed: false };

/** The browser page's visibility, for the slow timer. */
const pageVisibility: Visibility = {
  visible: () => document.visibilityState === 'visible',
  onChange: (listener) => {
    document.addEventListener('visibilitychange', listener);
    return () => document.removeEventListener('visibilitychange', listener);
  },
};

/**
 * The queue positions of `orders` (the open orders the table shows) within `scope`; nothing is
 * fetched while nobody is logged in.
 */
export function useQueuePositions(scope: QueueScope, orders: readonly OpenOrder[]): QueuePositions {
  const { market, feed, pollMs } = scope;
  const { socket, me } = useApp();
  const userId = me?.userId;
  const [positions, setPositions] = useState<QueuePositions>(NONE);
  // What to watch, from both sources: the open orders list and the latest positions (either can be
  // a moment ahead of the other). Read by the listeners below without resubscribing.
  const known = [...orders, ...positions.byOrderId.values()];
  const watched = useRef(watchedPrices([], ''));
  watched.current = market === undefined ? watchedPrices([], '') : watchedPrices(known, market);
  const resting = useRef(false);
  resting.current = anyResting(known, market);

  useEffect(() => {
    setPositions(NONE);
    if (userId === undefined) return;
    let live = true;
    const gate = new RefreshGate(
      async () => {
        try {
          const r = await api<{ items: QueuePosition[] }>(
            'GET',
            '/api/v1/orders/queue-positions',
            undefined,
            { market },
          );
          if (live) {
            setPositions({ byOrderId: new Map(r.items.map((p) => [p.orderId, p])), failed: false });
          }
        } catch (err) {
          if (live) setPositions((p) => (p.failed ? p : { ...p, failed: true }));
          throw err;
        }
      },
      { minGapMs: QUEUE_REFRESH_MS, retryMs: QUEUE_RETRY_MS },
    );
    gate.request();
    const offBook = feed?.onBookChange((change) => {
      if (bookTouches(change, watched.current)) gate.request();
    });
    const offOrders = socket.onMessage((m) => {
      if (m.type === 'update' && m.channel === 'orders' && ordersTouch(m.items, market)) {
        gate.request();
      }
    });
    const stopPoll =
      pollMs === undefined
        ? undefined
        : pollWhileVisible(
            () => {
              if (resting.current) gate.request();
            },
            pollMs,
            pageVisibility,
          );
    return () => {
      live = false;
      gate.dispose();
      offBook?.();
      offOrders();
      stopPoll?.();
    };
  }, [market, feed, pollMs, socket, userId]);

  return positions;
}
