// Whether the exchange is reachable, for every screen: since when the live connection has been down
// (undefined while it is up) and how many times it came back. Screens mark what they show as stale
// while it is down and load again when it returns, so nothing needs a reload after an outage. The app
// shell reports the socket's state here; any component reads it without the app's context.

import { useSyncExternalStore } from 'react';
import type { ConnectionState } from '../api/live-socket.ts';

export interface Liveness {
  /** When the connection was lost (ms since the epoch), undefined while it is live. */
  readonly downSince: number | undefined;
  /** Times the connection came back after being down: a change means "load again". */
  readonly reconnects: number;
}

let current: Liveness = { downSince: undefined, reconnects: 0 };
const listeners = new Set<() => void>();

/** Called with every state of the live socket. */
export function noteConnection(state: ConnectionState, now = Date.now()): void {
  const next =
    state === 'live'
      ? current.downSince === undefined
        ? current
        : { downSince: undefined, reconnects: current.reconnects + 1 }
      : state === 'connecting' || current.downSince !== undefined
        ? current
        : { downSince: now, reconnects: current.reconnects };
  if (next === current) return;
  current = next;
  for (const l of listeners) l();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useLiveness(): Liveness {
  return useSyncExternalStore(subscribe, () => current);
}
