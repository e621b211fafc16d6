// Requests to the leader over one long-lived reply subscription: each request's reply subject is this
// inbox's prefix and a number, and replies are matched by that number. nats.js's own `request` builds,
// per request, an Error (with a stack) to reject a promise that has already resolved, a timer, a token
// and a race of two promises; a gateway sends one request per event-loop turn, so that was a few per
// cent of its CPU. Every request here waits the same time, so they expire in the order they were sent
// and one periodic sweep times them out. A request's `take` runs as its reply is read, within the
// NATS message's callback: what it reads of the gateway's state is as of that message, not of the end
// of the socket read that brought it (a promise's continuation runs only after the whole read).
// Waiters are kept in an array indexed by id, not a Map: a Map that is added to and deleted from all
// the time rehashes into a new table that its old one keeps pointing to, so once an old table has
// been promoted every later table, and every waiter (with the request's whole continuation) any of
// them held, survives each scavenge until the next mark-compact (decision 0950).

import {
  createInbox,
  type Msg,
  type NatsConnection,
  type Subscription,
} from '@nats-io/transport-node';
import { CodecError } from '@bourse/engine';
import { decodeGroupedReplies, GROUPED_REPLIES } from '@bourse/cluster/protocol';

/** What a request came to: the reply's bytes, or why there is none. */
export type InboxReply =
  | { readonly kind: 'reply'; readonly data: Uint8Array }
  /** nats-server's no-responders status: nobody is subscribed, so nobody received the request. */
  | { readonly kind: 'noResponders' }
  /** No reply in time, the request could not be sent, or the inbox closed: the outcome is unknown. */
  | { readonly kind: 'failed'; readonly why: string };

interface Waiter {
  readonly deadline: number;
  readonly settle: (reply: InboxReply) => void;
}

const IDENTITY = (reply: InboxReply) => reply;

/** At most this many sweeps per timeout: a request times out within a tenth of it of its deadline. */
const SWEEPS_PER_TIMEOUT = 10;

const NO_RESPONDERS: InboxReply = { kind: 'noResponders' };
/** What a request that got no reply in time settles with (the same object each time). */
export const TIMED_OUT: InboxReply = { kind: 'failed', why: 'timeout' };

export class ReplyInbox {
  readonly #nc: NatsConnection;
  readonly #timeoutMs: number;
  /** `<inbox>.`; a request's reply subject is this and its id. */
  readonly #prefix: string;
  readonly #sub: Subscription;
  readonly #timer: NodeJS.Timeout;
  /**
   * Waiters by id in the order sent, so in deadline order (every request waits `#timeoutMs`):
   * request `id` is at `id - #firstId`; settled ones are `undefined` until the front moves past them.
   */
  #waiters: (Waiter | undefined)[] = [];
  #firstId = 1;
  #count = 0;
  #nextId = 1;
  #closed = false;

  constructor(nc: NatsConnection, timeoutMs: number) {
    this.#nc = nc;
    this.#timeoutMs = timeoutMs;
    this.#prefix = `${createInbox()}.`;
    this.#sub = nc.subscribe(`${this.#prefix}*`, {
      callback: (error, msg) => {
        if (error === null) this.#onReply(msg);
      },
    });
    const every = Math.max(5, Math.floor(timeoutMs / SWEEPS_PER_TIMEOUT));
    this.#timer = setInterval(() => this.#sweep(), every);
    this.#timer.unref();
  }

  /** Requests in flight; for tests. */
  get waiting(): number {
    return this.#count;
  }

  /**
   * Entries held: those in flight and the settled ones behind the oldest still in flight; for tests
   * (nothing of a settled request is held once every request before it is settled).
   */
  get held(): number {
    return this.#waiters.length;
  }

  /**
   * Publishes `body` to `subject` with a reply subject of this inbox. `id` names the request for
   * `forget`; `reply` settles once with what `take` (which must not throw) makes of the outcome,
   * called as the outcome is known; it never rejects.
   */
  request<R = InboxReply>(
    subject: string,
    body: Uint8Array,
    take: (reply: InboxReply) => R = IDENTITY as (reply: InboxReply) => R,
  ): { id: number; reply: Promise<R> } {
    const id = this.#nextId++;
    if (this.#closed) {
      return { id, reply: Promise.resolve(take({ kind: 'failed', why: 'the inbox is closed' })) };
    }
    const reply = new Promise<R>((resolve) => {
      this.#waiters.push({
        deadline: performance.now() + this.#timeoutMs,
        settle: (outcome) => resolve(take(outcome)),
      });
      this.#count++;
    });
    try {
      this.#nc.publish(subject, body, { reply: this.#prefix + id });
    } catch (error) {
      this.#settle(id, { kind: 'failed', why: `not sent: ${(error as Error).message}` });
    }
    return { id, reply };
  }

  /** Stops waiting for request `id` (a late reply is then dropped); its promise stays unsettled. */
  forget(id: number): void {
    this.#take(id);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    this.#sub.unsubscribe();
    const closed: InboxReply = { kind: 'failed', why: 'the inbox is closed' };
    const waiters = this.#waiters;
    this.#waiters = [];
    this.#count = 0;
    for (const waiter of waiters) waiter?.settle(closed);
  }

  #onReply(msg: Msg): void {
    const data = msg.data;
    if (data[0] === GROUPED_REPLIES) {
      // Several requests answered in one message: each settles with its own reply, in order; a
      // request given up on (timed out, forgotten) is skipped, as its reply alone would be.
      const parts = decodeGroupedReplies(data);
      if (parts instanceof CodecError) return;
      for (const part of parts) this.#settle(part.id, { kind: 'reply', data: part.body });
      return;
    }
    const id = Number(msg.subject.slice(this.#prefix.length));
    // A status message with no body is nats-server saying no subscriber took the request.
    const status = data.length === 0 && msg.headers?.code === 503;
    this.#settle(id, status ? NO_RESPONDERS : { kind: 'reply', data });
  }

  #settle(id: number, reply: InboxReply): void {
    this.#take(id)?.settle(reply);
  }

  /** Removes and returns request `id`'s waiter, if it still waits; drops settled ones off the front. */
  #take(id: number): Waiter | undefined {
    const at = id - this.#firstId;
    const waiters = this.#waiters;
    if (!Number.isInteger(at) || at < 0 || at >= waiters.length) return undefined;
    const waiter = waiters[at];
    if (waiter === undefined) return undefined;
    waiters[at] = undefined;
    this.#count--;
    if (at === 0) {
      let n = 1;
      while (n < waiters.length && waiters[n] === undefined) n++;
      this.#drop(n);
    }
    return waiter;
  }

  /** Drops the first `n` entries (all settled). */
  #drop(n: number): void {
    this.#firstId += n;
    if (n === this.#waiters.length) this.#waiters = [];
    else this.#waiters.splice(0, n);
  }

  #sweep(): void {
    if (this.#count === 0) return;
    const now = performance.now();
    const waiters = this.#waiters;
    let n = 0;
    for (; n < waiters.length; n++) {
      const waiter = waiters[n];
      if (waiter === undefined) continue;
      if (waiter.deadline > now) break;
      waiters[n] = undefined;
      this.#count--;
      waiter.settle(TIMED_OUT);
    }
    // A waiter settled meanwhile may have cleared the front already.
    if (n > 0 && this.#waiters === waiters) {
      while (n < waiters.length && waiters[n] === undefined) n++;
      this.#drop(Math.min(n, waiters.length));
    }
  }
}
