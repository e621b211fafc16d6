// Follows the leader's `events` subject and hands every durable applied command on exactly once, in seq
// order, with no gap: NATS core is a bus that may drop messages (a failover, a slow consumer, a
// reconnect), so a message that skips ahead makes the follower fetch the missing range with `replay`
// first, and a quiet bus is polled with `replay` now and then, because the last batch before a
// leader died may never have been published at all.

import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { AppliedCommand } from '@bourse/core';
import { CodecError } from '@bourse/engine';
import {
  type ClusterSubjects,
  decodeEventsMessage,
  decodeReplayReply,
  type EventsMessage,
  encodeMessage,
  type ReplayRequest,
} from '@bourse/cluster/protocol';

export interface EventFollowerOptions {
  readonly nats: NatsConnection;
  readonly subjects: ClusterSubjects;
  /** The last seq the consumer already has; the first one delivered is `afterSeq + 1`. */
  readonly afterSeq: number;
  /** Receives each contiguous run of commands; must not throw (a failure is the consumer's). */
  readonly deliver: (batch: readonly AppliedCommand[]) => void;
  /** How long one replay request waits for an answer (default 2 s). */
  readonly requestTimeoutMs?: number;
  /** With no event for this long, ask `replay` whether the log went on without us (default 1 s). */
  readonly idlePollMs?: number;
  /** Told about replay failures (they are retried); for logs and metrics. */
  readonly onReplayError?: (error: unknown) => void;
}

/** Backoff between replay attempts that found nothing new or failed. */
const RETRY_MS = 100;

export class EventFollower {
  readonly #opts: EventFollowerOptions;
  readonly #sub: Subscription;
  readonly #timer: NodeJS.Timeout;
  /** Messages that arrived ahead of `#next`, kept until the gap before them is filled. */
  #ahead: EventsMessage[] = [];
  #next: number;
  /** The highest seq known to exist (from events, replays or acknowledgements). */
  #knownHead: number;
  #filling = false;
  #lastEventAt = performance.now();
  #closed = false;
  /** Times a gap was detected and filled from `replay`; for metrics and tests. */
  gapsFilled = 0;
  /** Commands that came through `replay` rather than the bus. */
  replayedCommands = 0;
  /** The term of the leader that published the newest message seen. */
  term = 0;

  constructor(opts: EventFollowerOptions) {
    this.#opts = opts;
    this.#next = opts.afterSeq + 1;
    this.#knownHead = opts.afterSeq;
    this.#sub = opts.nats.subscribe(opts.subjects.events, {
      callback: (error, msg) => {
        if (error !== null) return;
        const message = decodeEventsMessage(msg.data);
        // A message that does not decode is as good as lost: the gap it leaves is filled by replay.
        if (!(message instanceof CodecError)) this.#onMessage(message);
      },
    });
    const idle = opts.idlePollMs ?? 1_000;
    // Looked at after the loop's next read of its sockets, not in the timer: a thread that was busy
    // past the interval (a long batch, a collection) runs its due timers before it reads the events
    // that arrived meanwhile, and would ask `replay` (up to 4,096 commands, on the leader's and this
    // thread's time) for commands already waiting in its socket.
    this.#timer = setInterval(() => {
      setImmediate(() => {
        if (!this.#closed && performance.now() - this.#lastEventAt >= idle) void this.#fill();
      });
    }, idle);
    this.#timer.unref();
  }

  /** The last seq delivered. */
  get deliveredSeq(): number {
    return this.#next - 1;
  }

  /** The highest seq known to exist (from events, replays or acknowledgements). */
  get knownHeadSeq(): number {
    return Math.max(this.#knownHead, this.#next - 1);
  }

  /** Asks `replay` now whether the log holds more than was delivered (as the idle poll does). */
  poll(): void {
    void this.#fill();
  }

  /** Tells the follower a seq exists (an acknowledgement saw it), so a missing tail is fetched. */
  noteHead(seq: number): void {
    if (seq <= this.#knownHead) return;
    this.#knownHead = seq;
    if (seq >= this.#next) void this.#fill();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    this.#sub.unsubscribe();
  }

  #onMessage(m: EventsMessage): void {
    if (this.#closed) return;
    this.#lastEventAt = performance.now();
    if (m.term > this.term) this.term = m.term;
    if (m.toSeq > this.#knownHead) this.#knownHead = m.toSeq;
    if (m.toSeq < this.#next) return; // already delivered (a replay overtook it)
    if (m.fromSeq > this.#next || this.#filling) {
      this.#ahead.push(m);
      void this.#fill();
      return;
    }
    this.#deliver(m.batch);
  }

  /** Delivers the part of `batch` not yet delivered; `batch` must start at or before `#next`. */
  #deliver(batch: readonly AppliedCommand[]): void {
    const first = batch[0];
    if (first === undefined) return;
    const skip = this.#next - first.seq;
    if (skip < 0) throw new Error(`event gap: expected seq ${this.#next}, got ${first.seq}`);
    if (skip >= batch.length) return;
    const fresh = skip === 0 ? batch : batch.slice(skip);
    this.#next = fresh.at(-1)!.seq + 1;
    this.#opts.deliver(fresh);
  }

  /** Replays from `#next` until the held messages connect (or, when idle, until nothing is new). */
  async #fill(): Promise<void> {
    if (this.#filling || this.#closed) return;
    this.#filling = true;
    try {
      for (;;) {
        this.#drainAhead();
        const gapEnd = this.#ahead.length > 0 ? this.#ahead[0]!.fromSeq - 1 : undefined;
        const got = await this.#replayOnce(gapEnd ?? this.#next + 4_095);
        if (this.#closed) return;
        this.#drainAhead();
        const behind = this.#ahead.length > 0 || this.#knownHead >= this.#next;
        if (got === 'failed' || got === 0) {
          if (!behind) return;
          await sleep(RETRY_MS);
          if (this.#closed) return;
        }
      }
    } finally {
      this.#filling = false;
    }
  }

  /** Delivers held messages that now connect, dropping those entirely behind. */
  #drainAhead(): void {
    if (this.#ahead.length === 0) return;
    this.#ahead.sort((a, b) => a.fromSeq - b.fromSeq);
    while (this.#ahead.length > 0 && this.#ahead[0]!.fromSeq <= this.#next) {
      this.#deliver(this.#ahead.shift()!.batch);
    }
  }

  /** One replay request from `#next`; answers how many commands it delivered, or 'failed'. */
  async #replayOnce(toSeq: number): Promise<number | 'failed'> {
    const request: ReplayRequest = {
      fromSeq: this.#next,
      toSeq: Math.max(toSeq, this.#next),
      binary: true,
    };
    try {
      const msg = await this.#opts.nats.request(
        this.#opts.subjects.replay,
        encodeMessage(request),
        { timeout: this.#opts.requestTimeoutMs ?? 2_000 },
      );
      const reply = decodeReplayReply(msg.data);
      if (reply instanceof CodecError) throw reply;
      if (!reply.ok) throw new Error(`replay refused: ${reply.code} ${reply.message}`);
      const batch = reply.batch.filter((a) => a.seq >= this.#next);
      if (batch.length === 0 || batch[0]!.seq !== this.#next) return 0;
      const before = this.#next;
      if (this.#ahead.length > 0) this.gapsFilled++;
      this.#deliver(batch);
      this.replayedCommands += this.#next - before;
      return this.#next - before;
    } catch (error) {
      this.#opts.onReplayError?.(error);
      return 'failed';
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
