// The one WebSocket the UI keeps open to `/api/v1/ws`: reference-counted subscriptions that are replayed
// after every reconnect, exponential backoff with jitter between attempts, and a connection state the
// header shows. The session cookie authenticates the handshake, so logging in or out reconnects.

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline';
export type WireMessage = Record<string, unknown> & { channel?: string; type?: string };

interface Sub {
  readonly channel: string;
  readonly market: string | undefined;
  /** More fields of the request, e.g. a candles subscription's `interval`. */
  readonly params: Readonly<Record<string, string>> | undefined;
  count: number;
}

function subKey(channel: string, market: string | undefined, params?: Record<string, string>) {
  const base = `${channel}:${market ?? ''}`;
  if (params === undefined) return base;
  const extra = Object.keys(params)
    .sort()
    .map((k) => `${k}=${params[k]}`);
  return `${base}:${extra.join(',')}`;
}

const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 15_000;

export class LiveSocket {
  #ws: WebSocket | undefined;
  #state: ConnectionState = 'connecting';
  #attempts = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #nextId = 1;
  #stopped = false;
  readonly #subs = new Map<string, Sub>();
  readonly #listeners = new Set<(m: WireMessage) => void>();
  readonly #stateListeners = new Set<() => void>();
  readonly #closeListeners = new Set<(code: number, reason: string) => void>();
  readonly #url: string;

  constructor(url: string) {
    this.#url = url;
  }

  get state(): ConnectionState {
    return this.#state;
  }

  get attempts(): number {
    return this.#attempts;
  }

  start(): void {
    this.#stopped = false;
    this.#open();
  }

  /** Drops the socket and opens a fresh one at once (after login/logout). */
  restart(): void {
    this.#attempts = 0;
    const ws = this.#ws;
    this.#ws = undefined;
    if (ws !== undefined) {
      ws.onclose = null;
      ws.close();
    }
    clearTimeout(this.#timer);
    this.#open();
  }

  onMessage(listener: (m: WireMessage) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Hears each confirmation of a subscription to `channel` (of `market`, if given): from then on its
   * updates reach this socket, and every connection confirms again after a reconnect. A screen that
   * loaded over REST before loads again then, or it misses what changed in between (decision 0961).
   */
  onSubscribed(channel: string, market: string | undefined, listener: () => void): () => void {
    return this.onMessage((m) => {
      if (m.type !== 'subscribed' || m.channel !== channel) return;
      if (market === undefined || m.market === market) listener();
    });
  }

  onState(listener: () => void): () => void {
    this.#stateListeners.add(listener);
    return () => this.#stateListeners.delete(listener);
  }

  /**
   * Hears why the server closed the socket, e.g. 1008 `CREDENTIALS_REVOKED` when the session that
   * opened it was signed out from another device. The socket reconnects all the same.
   */
  onClose(listener: (code: number, reason: string) => void): () => void {
    this.#closeListeners.add(listener);
    return () => this.#closeListeners.delete(listener);
  }

  /** Subscribes (shared between callers); the returned function releases this caller's interest. */
  subscribe(channel: string, market?: string, params?: Record<string, string>): () => void {
    const key = subKey(channel, market, params);
    let sub = this.#subs.get(key);
    if (sub === undefined) {
      sub = { channel, market, params, count: 0 };
      this.#subs.set(key, sub);
      this.#sendSub('subscribe', sub);
    }
    sub.count++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const s = this.#subs.get(key);
      if (s === undefined) return;
      s.count--;
      if (s.count === 0) {
        this.#subs.delete(key);
        this.#sendSub('unsubscribe', s);
      }
    };
  }

  /** Asks again for a channel's snapshot (after a book sequence gap). */
  resubscribe(channel: string, market: string): void {
    const sub = this.#subs.get(subKey(channel, market));
    if (sub !== undefined) this.#sendSub('subscribe', sub);
  }

  #sendSub(op: 'subscribe' | 'unsubscribe', sub: Sub): void {
    const ws = this.#ws;
    if (ws === undefined || ws.readyState !== WebSocket.OPEN) return;
    const msg: Record<string, unknown> = { op, channel: sub.channel, id: this.#nextId++ };
    if (sub.market !== undefined) msg.market = sub.market;
    if (sub.params !== undefined) Object.assign(msg, sub.params);
    ws.send(JSON.stringify(msg));
  }

  #setState(state: ConnectionState): void {
    if (this.#state === state) return;
    this.#state = state;
    for (const l of this.#stateListeners) l();
  }

  #open(): void {
    if (this.#stopped) return;
    this.#setState(this.#attempts === 0 ? 'connecting' : 'reconnecting');
    const ws = new WebSocket(this.#url);
    this.#ws = ws;
    ws.onopen = () => {
      this.#attempts = 0;
      this.#setState('live');
      for (const sub of this.#subs.values()) this.#sendSub('subscribe', sub);
    };
    ws.onmessage = (event) => {
      let msg: WireMessage;
      try {
        msg = JSON.parse(String(event.data)) as WireMessage;
      } catch {
        return;
      }
      for (const l of this.#listeners) l(msg);
    };
    ws.onclose = (event) => {
      if (this.#ws !== ws) return;
      this.#ws = undefined;
      this.#attempts++;
      this.#setState(this.#attempts > 6 ? 'offline' : 'reconnecting');
      const delay = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (this.#attempts - 1));
      this.#timer = setTimeout(() => this.#open(), delay * (0.75 + Math.random() * 0.5));
      for (const l of this.#closeListeners) l(event.code, event.reason);
    };
  }
}
