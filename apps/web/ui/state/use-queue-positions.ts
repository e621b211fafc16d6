// Where the user's resting orders in one market stand in their price levels' queues, kept fresh without
// polling: fetched when the view mounts (or the market or user changes), then again — at most every
// QUEUE_REFRESH_MS, one fetch in flight — when the market's book changes at a price one of the
// user's orders rests at, or the `orders` channel reports a change to an order in that market. A failed
// fetch marks the positions unknown (the table shows "—") and is retried a few seconds later.

import { useEffect, useRef, useState } from 'react';
import { api } from '../api/http.ts';
import type { OpenOrder, QueuePosition } from '../api/types.ts';
import { useApp } from './app-state.tsx';
import type { MarketFeed } from './market-feed.ts';
import { bookTouches, ordersTouch, RefreshGate, watchedPrices } from './queue-positions.ts';

export const QUEUE_REFRESH_MS = 500;
const QUEUE_RETRY_MS = 5_000;

export interface QueuePositions {
  /** Orders the last successful fetch found resting, by id. */
  readonly byOrderId: ReadonlyMap<number, QueuePosition>;
  /** The last fetch failed: every position is unknown until one succeeds. */
  readonly failed: boolean;
}

const NONE: QueuePositions = { byOrderId: new Map(), failed: false };

/**
 * The queue positions of `orders` (the open orders the table shows) in `market`; nothing is fetched
 * while `market` is undefined or nobody is logged in. `feed` supplies the market's book changes.
 */
export function useQueuePositions(
  market: string | undefined,
  feed: MarketFeed | undefined,
  orders: readonly OpenOrder[],
): QueuePositions {
  const { socket, me } = useApp();
  const userId = me?.userId;
  const [positions, setPositions] = useState<QueuePositions>(NONE);
  // The prices to watch, from both sources: the open orders list and the latest positions (either
  // can be a moment ahead of the other). Read by the listeners below without resubscribing.
  const watched = useRef(watchedPrices([], ''));
  watched.current =
    market === undefined
      ? watchedPrices([], '')
      : watchedPrices([...orders, ...positions.byOrderId.values()], market);

  useEffect(() => {
    setPositions(NONE);
    if (market === undefined || userId === undefined) return;
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
    return () => {
      live = false;
      gate.dispose();
      offBook?.();
      offOrders();
    };
  }, [market, feed, socket, userId]);

  return positions;
}
