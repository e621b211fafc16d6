// The feed poller's thread: opens the news store itself and polls until told to stop, so fetching,
// parsing and scoring never run on the thread that takes orders. Logs and stored items go back to
// the thread that started it.

import { parentPort, workerData } from 'node:worker_threads';
import { FeedPoller } from './feed-poller.ts';
import { NewsStore } from './news-store.ts';
import type { FromPoller, PollerInit } from './poller-thread.ts';

const POLLER_BUSY_TIMEOUT_MS = 60_000;
const init = workerData as PollerInit;
const port = parentPort!;
const send = (m: FromPoller) => port.postMessage(m);

// A commit of the other thread's can wait on a slow fsync of a busy disk: wait for it here, on the
// poller's own thread, rather than fail the poll and retry a whole interval later.
const store = await NewsStore.open(
  init.db.kind === 'sqlite' ? { busyTimeoutMs: POLLER_BUSY_TIMEOUT_MS, ...init.db } : init.db,
);
const poller = new FeedPoller(store, init.settings, {
  log: (level, message, fields) => send({ kind: 'log', level, message, fields }),
  onItems: (items) => send({ kind: 'items', items }),
});
port.on('message', (m: { kind: 'stop' }) => {
  if (m.kind !== 'stop') return;
  void poller
    .stop()
    .then(() => store.close())
    .finally(() => send({ kind: 'stopped' }));
});
poller.start();
send({ kind: 'ready' });
