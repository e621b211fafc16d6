// How a gateway talks to whichever engine node leads right now: one NATS request, and the rule for
// when trying again is safe. A request that no leader received (no responders, NOT_LEADER) can always be
// sent again; a submit whose fate is unknown (timeout, UNAVAILABLE) only when every command in it is a
// placeOrder with a clientOrderId, which the leader recognises in its log and answers with the command
// already applied instead of sequencing it twice.

import type { NatsConnection } from '@nats-io/transport-node';
import { CoreError, type CommandInput } from '@bourse/core';
import { decodeMessage, encodeMessage, type ErrorReply } from '@bourse/cluster/protocol';

export interface RetryPolicy {
  /** How long one request waits for its reply. */
  readonly requestTimeoutMs: number;
  /** How long a call keeps trying through a leader change before it gives up. */
  readonly failoverTimeoutMs: number;
}

/** Pause between attempts while no leader answers (an election takes a lease's length). */
const BACKOFF_MS = [20, 50, 100, 200, 400];

/** The outcome of one attempt, before the retry rule is applied. */
type Attempt<T> =
  | { readonly kind: 'ok'; readonly value: T }
  | { readonly kind: 'notReceived'; readonly why: string }
  | { readonly kind: 'unknown'; readonly why: string }
  | { readonly kind: 'refused'; readonly reply: ErrorReply };

/** True when resending these inputs can never execute one of them twice (see the file comment). */
export function idempotent(inputs: readonly CommandInput[]): boolean {
  return inputs.every(
    (i) =>
      i.type === 'placeOrder' && typeof i.clientOrderId === 'string' && i.clientOrderId.length > 0,
  );
}

export class LeaderRequests {
  readonly #nats: NatsConnection;
  readonly #policy: RetryPolicy;
  /** Attempts that were sent again; for metrics and tests. */
  retries = 0;

  constructor(nats: NatsConnection, policy: RetryPolicy) {
    this.#nats = nats;
    this.#policy = policy;
  }

  /**
   * Sends `payload` to `subject` until an `ok` reply, retrying what the rule allows; `safeIfUnknown`
   * says whether an attempt with an unknown outcome may be repeated. Throws a CoreError otherwise.
   */
  async call<T>(
    subject: string,
    payload: unknown,
    safeIfUnknown: boolean,
    pick: (reply: { ok: true } & Record<string, unknown>) => T,
  ): Promise<T> {
    const deadline = performance.now() + this.#policy.failoverTimeoutMs;
    let body: Uint8Array;
    try {
      body = encodeMessage(payload);
    } catch (error) {
      throw new CoreError('INVALID_COMMAND', `command cannot be sent: ${String(error)}`);
    }
    for (let attempt = 0; ; attempt++) {
      const result = await this.#attempt(subject, body, pick);
      if (result.kind === 'ok') return result.value;
      if (result.kind === 'refused') throw refusal(result.reply);
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
      await sleep(BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)]!);
    }
  }

  async #attempt<T>(
    subject: string,
    body: Uint8Array,
    pick: (reply: { ok: true } & Record<string, unknown>) => T,
  ): Promise<Attempt<T>> {
    let data: Uint8Array;
    try {
      const msg = await this.#nats.request(subject, body, {
        timeout: this.#policy.requestTimeoutMs,
      });
      data = msg.data;
    } catch (error) {
      const e = error as Error & { isNoResponders?: () => boolean };
      if (typeof e.isNoResponders === 'function' && e.isNoResponders()) {
        return { kind: 'notReceived', why: 'no leader is subscribed' };
      }
      return { kind: 'unknown', why: e.message };
    }
    const reply = decodeMessage<({ ok: true } & Record<string, unknown>) | ErrorReply>(data);
    if (reply.ok) return { kind: 'ok', value: pick(reply) };
    if (reply.code === 'NOT_LEADER') return { kind: 'notReceived', why: reply.message };
    // An overloaded leader refused before sequencing: back off as on one server.
    if (reply.coreCode === 'OVERLOADED') return { kind: 'refused', reply };
    if (reply.code === 'UNAVAILABLE') {
      return { kind: 'unknown', why: reply.message };
    }
    return { kind: 'refused', reply };
  }
}

/** A request the leader refused before sequencing anything: the same error as on one server. */
function refusal(reply: ErrorReply): CoreError {
  return new CoreError(reply.coreCode ?? 'INVALID_COMMAND', reply.message);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
