// Polls the feeds whose turn has come: a conditional GET (If-None-Match / If-Modified-Since from the
// last answer) bounded in time and size, the document parsed and its new items scored and stored. A
// feed that fails (unreachable, an error status, not a feed) is logged and tried again later, waiting
// longer after each failure in a row, and never stops the others.

import { parseFeedText } from './feed-parse.ts';
import type { FeedRow, NewsItemRow, NewsStore } from './news-store.ts';

export interface PollSettings {
  /** How often each feed is fetched (ms). */
  readonly intervalMs: number;
  /** Longest a fetch may take, answer and body included (ms). */
  readonly timeoutMs: number;
  /** Largest feed document read (bytes); a longer one fails the poll. */
  readonly maxBytes: number;
  /** Longest wait before a failing feed is tried again (ms). */
  readonly maxBackoffMs: number;
  /** How often the store is asked which feeds are due (ms): a feed added now is polled within it. */
  readonly tickMs: number;
}

export const DEFAULT_POLL: PollSettings = {
  intervalMs: 300_000,
  timeoutMs: 10_000,
  maxBytes: 2 * 1024 * 1024,
  maxBackoffMs: 3_600_000,
  tickMs: 5_000,
};

export type PollLog = (
  level: 'info' | 'warn',
  message: string,
  fields: Record<string, unknown>,
) => void;

export interface PollerDeps {
  readonly clock?: () => number;
  readonly log?: PollLog;
  /** Called with the items each poll stored (for live delivery). */
  readonly onItems?: (items: NewsItemRow[]) => void;
}

/** The wait before the next try after `failures` failures in a row (doubling, capped). */
export function backoffMs(settings: PollSettings, failures: number): number {
  const doubled = settings.intervalMs * 2 ** Math.min(Math.max(failures - 1, 0), 20);
  return Math.min(doubled, Math.max(settings.maxBackoffMs, settings.intervalMs));
}

export class FeedPoller {
  readonly #store: NewsStore;
  readonly #settings: PollSettings;
  readonly #clock: () => number;
  readonly #log: PollLog;
  readonly #onItems: (items: NewsItemRow[]) => void;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(store: NewsStore, settings: PollSettings, deps: PollerDeps = {}) {
    this.#store = store;
    this.#settings = settings;
    this.#clock = deps.clock ?? Date.now;
    this.#log = deps.log ?? (() => {});
    this.#onItems = deps.onItems ?? (() => {});
  }

  start(): void {
    this.#schedule(0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  /** Polls every feed that is due, one after another; resolves when all are done. */
  async pollDue(): Promise<void> {
    for (const feed of await this.#store.dueFeeds(this.#clock())) {
      if (this.#stopped) return;
      await this.pollFeed(feed);
    }
  }

  /** Fetches one feed and records the outcome; never throws. */
  async pollFeed(feed: FeedRow): Promise<NewsItemRow[]> {
    let stored: NewsItemRow[] = [];
    try {
      const fetched = await this.#fetch(feed);
      const now = this.#clock();
      const next = now + this.#settings.intervalMs;
      if (fetched.status === 'not-modified') {
        const outcome = { ok: true, etag: feed.etag, lastModified: feed.lastModified } as const;
        await this.#store.recordPoll(feed.feedId, outcome, now, next);
        return [];
      }
      const parsed = parseFeedText(fetched.body);
      const source = parsed.title ?? new URL(feed.url).host;
      stored = await this.#store.addItems(
        feed.scope,
        parsed.items,
        { feedId: feed.feedId, source },
        now,
      );
      const outcome = { ok: true, ...fetched.validators, title: parsed.title } as const;
      await this.#store.recordPoll(feed.feedId, outcome, now, next);
      if (stored.length > 0) {
        this.#log('info', 'news items stored', { feedId: feed.feedId, items: stored.length });
        this.#onItems(stored);
      }
    } catch (error) {
      await this.#failed(feed, error);
    }
    return stored;
  }

  async #failed(feed: FeedRow, error: unknown): Promise<void> {
    const message = describe(error);
    const now = this.#clock();
    const retryInMs = backoffMs(this.#settings, feed.failures + 1);
    this.#log('warn', 'news feed poll failed; will try again', {
      feedId: feed.feedId,
      url: feed.url,
      error: message,
      failures: feed.failures + 1,
      retryInMs,
    });
    try {
      await this.#store.recordPoll(
        feed.feedId,
        { ok: false, error: message },
        now,
        now + retryInMs,
      );
    } catch (storeError) {
      this.#log('warn', 'news feed poll not recorded', {
        feedId: feed.feedId,
        error: describe(storeError),
      });
    }
  }

  async #fetch(feed: FeedRow): Promise<Fetched> {
    const headers: Record<string, string> = {
      accept:
        'application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, */*;q=0.5',
      'user-agent': 'Bourse news poller',
    };
    if (feed.etag !== null) headers['if-none-match'] = feed.etag;
    if (feed.lastModified !== null) headers['if-modified-since'] = feed.lastModified;
    const signal = AbortSignal.timeout(this.#settings.timeoutMs);
    const res = await fetch(feed.url, { headers, signal, redirect: 'follow' });
    if (res.status === 304) {
      await res.body?.cancel();
      return { status: 'not-modified' };
    }
    if (res.status !== 200) {
      await res.body?.cancel();
      throw new Error(`HTTP ${res.status}`);
    }
    const body = await readBounded(res, this.#settings.maxBytes);
    return {
      status: 'ok',
      body,
      validators: { etag: res.headers.get('etag'), lastModified: res.headers.get('last-modified') },
    };
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#running = this.pollDue()
        .catch((error: unknown) =>
          this.#log('warn', 'news poll round failed', { error: describe(error) }),
        )
        .finally(() => {
          this.#running = undefined;
          this.#schedule(this.#settings.tickMs);
        });
    }, delayMs);
    this.#timer.unref();
  }
}

type Fetched =
  | { status: 'not-modified' }
  | {
      status: 'ok';
      body: string;
      validators: { etag: string | null; lastModified: string | null };
    };

/** The body as text, or an error once it passes `maxBytes` (the rest is not read). */
async function readBounded(res: Response, maxBytes: number): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    await res.body?.cancel();
    throw new Error(`feed larger than ${maxBytes} bytes`);
  }
  if (res.body === null) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  // A reader rather than `for await`: the DOM typings the web package checks this file under have
  // no async iterator on ReadableStream.
  const reader = res.body.getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    size += next.value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new Error(`feed larger than ${maxBytes} bytes`);
    }
    chunks.push(next.value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    const detail = cause instanceof Error ? `: ${cause.message}` : '';
    return `${error.name === 'TimeoutError' ? 'timed out' : error.message}${detail}`.slice(0, 300);
  }
  return String(error).slice(0, 300);
}
