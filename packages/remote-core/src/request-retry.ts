// How a gateway talks to whichever engine node leads right now: one NATS request, and the rule for
// when trying again is safe. A request that no leader received (no responders, NOT_LEADER) can always be
// sent again; a submit whose fate is unknown (timeout, UNAVAILABLE) only when every command in it is a
// placeOrder with a clientOrderId, which the leader recognises in its log and answers with the command
// already applied instead of sequencing it twice. When a node announces that it leads, waiting stops at
// once: backoffs end, and a safe request still waiting on the previous leader (which died holding it
// and will never answer) is sent again rather than left to its timeout.

import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import {
  type CommandInput,
  CoreError,
  createHistogram,
  type Histogram,
  LATENCY_BOUNDS_SECONDS,
  observe,
} from '@bourse/core';
import { CodecError } from '@bourse/engine';
import {
  decodeMessage,
  decodeSubmitReply,
  encodeMessage,
  type ErrorReply,
  type LeanSubmitReply,
  SUBMIT_BINARY,
} from '@bourse/cluster/protocol';
import { type InboxReply, ReplyInbox, TIMED_OUT } from './reply-inbox.ts';

export interface RetryPolicy {
  /** Where nodes announce that they lead (`ClusterSubjects.leader`); listened to when given. */
  readonly leaderSubject?: string;
  /** How long one request waits for its reply. */
  readonly requestTimeoutMs: number;
  /** How long a call keeps trying through a leader change before it gives up. */
  readonly failoverTimeoutMs: number;
}

/** Pause between attempts while no leader answers (an election takes a lease's length). */
const BACKOFF_MS = [20, 50, 100, 200, 400];

/**
 * Where a call's time went when an attempt brought no answer to keep: the attempt's wait by what it
 * came to (nobody subscribed; a node that no longer leads; no reply in time; given up on when a new
 * leader announced itself; the leader could not say), and the pauses between attempts. A failover's
 * time reads off these: a 3 s `timeout` is a request nothing woke early.
 */
export const RETRY_WAITS = [
  'no_responders',
  'not_leader',
  'timeout',
  'new_leader',
  'unavailable',
  'backoff',
] as const;

export type RetryWait = (typeof RETRY_WAITS)[number];

/** The outcome of one attempt, before the retry rule is applied. */
type Attempt<T> =
  | { readonly kind: 'ok'; readonly value: T }
  | { readonly kind: 'notReceived'; readonly why: string; readonly wait: RetryWait }
  | { readonly kind: 'unknown'; readonly why: string; readonly wait: RetryWait }
  | { readonly kind: 'refused'; readonly reply: ErrorReply };

/** True when resending these inputs can never execute one of them twice (see the file comment). */
export function idempotent(inputs: readonly CommandInput[]): boolean {
  return inputs.every(isSafeInput);
}

/** True when resending this input can never execute it twice (see the file comment). */
export function isSafeInput(i: CommandInput): boolean {
  return (
    i.type === 'placeOrder' && typeof i.clientOrderId === 'string' && i.clientOrderId.length > 0
  );
}

/** What an attempt or a backoff waiting on the old leader sees when a new one announces itself. */
const LEADER_CHANGED = Symbol('leader changed');

export class LeaderRequests {
  readonly #policy: RetryPolicy;
  readonly #announcements: Subscription | undefined;
  readonly #inbox: ReplyInbox;
  /** Resolves at the next leader announcement (then replaced). */
  #changed = announcement();
  /** Attempts that were sent again; for metrics and tests. */
  retries = 0;
  /** Safe attempts given up on because a new leader announced itself. */
  abandonedOnLeaderChange = 0;
  /** Seconds spent on attempts that brought no answer, and between attempts (see RETRY_WAITS). */
  readonly retryWaits: Readonly<Record<RetryWait, Histogram>> = Object.fromEntries(
    RETRY_WAITS.map((w) => [w, createHistogram(LATENCY_BOUNDS_SECONDS)]),
  ) as Record<RetryWait, Histogram>;

  constructor(nats: NatsConnection, policy: RetryPolicy) {
    this.#policy = policy;
    this.#inbox = new ReplyInbox(nats, policy.requestTimeoutMs);
    if (policy.leaderSubject !== undefined) {
      this.#announcements = nats.subscribe(policy.leaderSubject, {
        callback: (error) => {
          if (error === null) this.leaderChanged();
        },
      });
    }
  }

  /** Stops listening to leader announcements and to replies (requests in flight fail). */
  close(): void {
    this.#announcements?.unsubscribe();
    this.#inbox.close();
  }

  /** A node announced it leads: wake every backoff and re-send every safe request in flight. */
  leaderChanged(): void {
    const current = this.#changed;
    this.#changed = announcement();
    current.resolve();
  }

  /**
   * Sends `payload` (JSON, or `encode(payload)` when given) to `subject` until an `ok` reply,
   * retrying what the rule allows; `safeIfUnknown` says whether an attempt with an unknown outcome may
   * be repeated. Throws a CoreError otherwise. `decode` reads a reply (by default JSON or a lean
   * binary submit reply).
   */
  async call<T, P = unknown>(
    subject: string,
    payload: P,
    safeIfUnknown: boolean,
    pick: (reply: { ok: true } & Record<string, unknown>) => T,
    encode: (payload: P) => Uint8Array = encodeMessage,
    decode: (data: Uint8Array) => Reply = decodeReply,
  ): Promise<T> {
    const deadline = performance.now() + this.#policy.failoverTimeoutMs;
    let body: Uint8Array;
    try {
      body = encode(payload);
    } catch (error) {
      throw new CoreError('INVALID_COMMAND', `command cannot be sent: ${String(error)}`);
    }
    for (let attempt = 0; ; attempt++) {
      // Taken before sending: an announcement made while this attempt waits concerns it.
      const changed = this.#changed.promise;
      const sentAt = performance.now();
      const result = await this.#attempt(
        subject,
        body,
        (got) => outcome(got, pick, decode),
        safeIfUnknown ? changed : undefined,
      );
      if (result.kind === 'ok') return result.value;
      if (result.kind === 'refused') throw refusal(result.reply);
      observe(this.retryWaits[result.wait], (performance.now() - sentAt) / 1000);
      const retryable = result.kind === 'notReceived' || safeIfUnknown;
      if (!retryable) {
        throw new CoreError(
          'UNAVAILABLE',
          `the cluster did not confirm the command (${result.why}); it may or may not have been ` +
            'applied: look it up before sending it again',
        );
      }
      if (performance.now() >= deadline) {
        throw new CoreError('UNAVAILABLE', `no leader answered in time (${result.why})`);
      }
      this.retries++;
      const pausedAt = performance.now();
      await Promise.race([sleep(BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)]!), changed]);
      observe(this.retryWaits.backoff, (performance.now() - pausedAt) / 1000);
    }
  }

  /** `read` runs as the reply is read (reply-inbox.ts), before anything else the same read brings. */
  async #attempt<T>(
    subject: string,
    body: Uint8Array,
    read: (got: InboxReply) => Attempt<T>,
    abandonOn: Promise<typeof LEADER_CHANGED> | undefined,
  ): Promise<Attempt<T>> {
    const request = this.#inbox.request(subject, body, read);
    const result =
      abandonOn === undefined
        ? await request.reply
        : await Promise.race([request.reply, abandonOn]);
    if (result === LEADER_CHANGED) {
      // A late reply from the old leader is dropped; the retry is answered from the log if the
      // command got there.
      this.#inbox.forget(request.id);
      this.abandonedOnLeaderChange++;
      return { kind: 'unknown', why: 'a new leader announced itself', wait: 'new_leader' };
    }
    return result;
  }
}

/** A reply as `call` reads it: JSON, a binary form `decode` knows, or bytes that do not decode. */
type Reply = ({ ok: true } & Record<string, unknown>) | ErrorReply | LeanSubmitReply | CodecError;

/** A binary reply is a lean submit reply (protocol.ts); every other reply is JSON. */
function decodeReply(data: Uint8Array): Reply {
  return data[0] === SUBMIT_BINARY
    ? decodeSubmitReply(data)
    : decodeMessage<({ ok: true } & Record<string, unknown>) | ErrorReply>(data);
}

/** What a reply (or its absence) means for the retry rule; `pick` reads an `ok` reply. */
function outcome<T>(
  got: InboxReply,
  pick: (reply: { ok: true } & Record<string, unknown>) => T,
  decode: (data: Uint8Array) => Reply,
): Attempt<T> {
  if (got.kind === 'noResponders') {
    return { kind: 'notReceived', why: 'no leader is subscribed', wait: 'no_responders' };
  }
  if (got.kind === 'failed') {
    return { kind: 'unknown', why: got.why, wait: got === TIMED_OUT ? 'timeout' : 'unavailable' };
  }
  let reply: Reply;
  try {
    reply = decode(got.data);
  } catch (error) {
    reply = new CodecError(String(error), 0);
  }
  if (reply instanceof CodecError) {
    return {
      kind: 'unknown',
      why: `a reply that does not decode: ${reply.message}`,
      wait: 'unavailable',
    };
  }
  if (reply.ok) {
    try {
      return { kind: 'ok', value: pick(reply as { ok: true } & Record<string, unknown>) };
    } catch (error) {
      return {
        kind: 'unknown',
        why: `a reply that cannot be read: ${String(error)}`,
        wait: 'unavailable',
      };
    }
  }
  if (reply.code === 'NOT_LEADER') {
    return { kind: 'notReceived', why: reply.message, wait: 'not_leader' };
  }
  // An overloaded leader refused before sequencing: back off as on one server.
  if (reply.coreCode === 'OVERLOADED') return { kind: 'refused', reply };
  if (reply.code === 'UNAVAILABLE') {
    return { kind: 'unknown', why: reply.message, wait: 'unavailable' };
  }
  return { kind: 'refused', reply };
}

/** A request the leader refused before sequencing anything: the same error as on one server. */
function refusal(reply: ErrorReply): CoreError {
  return new CoreError(reply.coreCode ?? 'INVALID_COMMAND', reply.message);
}

function announcement(): {
  promise: Promise<typeof LEADER_CHANGED>;
  resolve: () => void;
} {
  let resolve = () => {};
  const promise = new Promise<typeof LEADER_CHANGED>((r) => {
    resolve = () => r(LEADER_CHANGED);
  });
  return { promise, resolve };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
