// Says plainly when the device has no network: the installed app still opens from its cached shell,
// and without this a trader could take an empty or stale screen for the market's real state. It
// follows the browser's online/offline events; the connection badge covers an unreachable exchange.
// Screens waiting for their first data say what they wait for: loading, or the network.

import { useSyncExternalStore } from 'react';

function subscribe(listener: () => void): () => void {
  window.addEventListener('online', listener);
  window.addEventListener('offline', listener);
  return () => {
    window.removeEventListener('online', listener);
    window.removeEventListener('offline', listener);
  };
}

export function useOnline(): boolean {
  return useSyncExternalStore(subscribe, () => navigator.onLine);
}

export function OfflineBanner() {
  if (useOnline()) return null;
  return (
    <div className="offline-banner" role="status" data-testid="offline">
      Offline — this device has no network. Prices, order books and your account load when it
      returns; nothing on this screen is live.
    </div>
  );
}

/** The placeholder of a screen whose data has not come yet. */
export function Loading() {
  return <p className="muted">{useOnline() ? 'Loading…' : 'Waiting for the network…'}</p>;
}
