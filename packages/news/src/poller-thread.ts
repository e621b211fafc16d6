// Runs the feed poller on a worker thread of its own (poller-worker.ts) and relays what it says: its
// log lines to the server's logger, the items it stored to whoever delivers them live.

import { Worker } from 'node:worker_threads';
import type { PollLog, PollSettings } from './feed-poller.ts';
import type { NewsDb, NewsItemRow } from './news-store.ts';

export interface PollerInit {
  readonly db: NewsDb;
  readonly settings: PollSettings;
}

export type FromPoller =
  | { kind: 'ready' }
  | { kind: 'stopped' }
  | { kind: 'log'; level: 'info' | 'warn'; message: string; fields: Record<string, unknown> }
  | { kind: 'items'; items: NewsItemRow[] };

export interface PollerThread {
  stop(): Promise<void>;
}

/** Starts the thread; resolves once it has opened the store and its first round is scheduled. */
export async function startPollerThread(
  init: PollerInit,
  deps: { log: PollLog; onItems?: (items: NewsItemRow[]) => void },
): Promise<PollerThread> {
  const worker = new Worker(new URL('./poller-worker.ts', import.meta.url), { workerData: init });
  let stopped: () => void = () => {};
  const whenStopped = new Promise<void>((resolve) => {
    stopped = resolve;
  });
  worker.on('message', (m: FromPoller) => {
    if (m.kind === 'log') deps.log(m.level, m.message, m.fields);
    else if (m.kind === 'items') deps.onItems?.(m.items);
    else if (m.kind === 'stopped') stopped();
  });
  worker.on('error', (error) =>
    deps.log('warn', 'news poller thread failed', { error: String(error) }),
  );
  worker.on('exit', () => stopped());
  await new Promise<void>((resolve, reject) => {
    const onExit = (code: number) => reject(new Error(`news poller thread exited (${code})`));
    worker.once('exit', onExit);
    worker.on('message', function ready(m: FromPoller) {
      if (m.kind !== 'ready') return;
      worker.off('message', ready);
      worker.off('exit', onExit);
      resolve();
    });
  });
  return {
    async stop() {
      worker.postMessage({ kind: 'stop' });
      const timeout = setTimeout(() => void worker.terminate(), 10_000);
      await whenStopped;
      clearTimeout(timeout);
      await worker.terminate();
    },
  };
}
