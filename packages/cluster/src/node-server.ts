// An engine node's side of the NATS protocol (protocol.ts): every node answers `status` and `replay`;
// only the leader subscribes `submit` and `query` (queue group `leader`, so a stale subscription of a
// node that just lost leadership and a new leader's never both answer one request) and publishes
// `events`. Handlers are the node's; this file only decodes, routes and encodes.

import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import type { AppliedCommand } from '@bourse/core';
import { CodecError } from '@bourse/engine';
import {
  type ClusterSubjects,
  clusterSubjects,
  decodeMessage,
  decodeSubmitRequest,
  type EventsMessage,
  encodeEventsMessage,
  encodeGroupedReplies,
  encodeMessage,
  encodeReplayReply,
  encodeSubmitReply,
  type ErrorReply,
  type GroupedPart,
  type LeanSubmitReply,
  type JournalReply,
  type JournalRequest,
  LEADER_QUEUE,
  type LeaderMessage,
  MAX_COMMANDS_PER_MESSAGE,
  type QueryReply,
  type QueryRequest,
  type ReplayReply,
  type ReplayRequest,
  type StatusReply,
  SUBMIT_BINARY,
  type SubmitRequest,
} from './protocol.ts';

export interface NodeHandlers {
  journal(request: JournalRequest): JournalReply | Uint8Array;
  submit(request: SubmitRequest): Promise<LeanSubmitReply>;
  query(request: QueryRequest): Promise<QueryReply>;
  replay(request: ReplayRequest): Promise<ReplayReply>;
  status(): Promise<StatusReply>;
}

export class NodeServer {
  readonly subjects: ClusterSubjects;
  readonly #nc: NatsConnection;
  readonly #handlers: NodeHandlers;
  readonly #always: Subscription[] = [];
  #leaderSubs: Subscription[] = [];
  /**
   * Replies to `grouped` submit requests made ready this turn, by the requester's inbox (its reply
   * subjects less their last token): sent at the end of the turn, one message per inbox. The
   * requests of one commit become ready together, so each gateway gets one reply per commit.
   */
  #grouped = new Map<string, { subject: string; parts: GroupedPart[] }>();

  constructor(nc: NatsConnection, prefix: string, handlers: NodeHandlers) {
    this.#nc = nc;
    this.subjects = clusterSubjects(prefix);
    this.#handlers = handlers;
    this.#always.push(
      nc.subscribe(this.subjects.status, {
        callback: (_err, msg) => void handlers.status().then((reply) => this.#reply(msg, reply)),
      }),
      nc.subscribe(this.subjects.replay, {
        queue: 'replay',
        callback: (_err, msg) =>
          this.#answer(msg, (body: ReplayRequest) =>
            this.#handlers
              .replay(body)
              .then((reply) => encodeReplayReply(reply, body.binary === true)),
          ),
      }),
      // No queue group: the asking node is subscribed too; it takes the first reply that has data.
      nc.subscribe(this.subjects.journal, {
        callback: (_err, msg) => {
          const body = parse<JournalRequest>(msg);
          this.#reply(
            msg,
            body === undefined ? badRequest('journal needs { fromSeq }') : handlers.journal(body),
          );
        },
      }),
    );
  }

  get leading(): boolean {
    return this.#leaderSubs.length > 0;
  }

  /** Starts answering `submit` and `query`; resolves once nats-server has the subscriptions. */
  async lead(): Promise<void> {
    if (this.#leaderSubs.length > 0) return;
    const { submit, query } = this.subjects;
    this.#leaderSubs = [
      this.#nc.subscribe(submit, {
        queue: LEADER_QUEUE,
        callback: (_err, msg) => this.#submit(msg),
      }),
      this.#nc.subscribe(query, {
        queue: LEADER_QUEUE,
        callback: (_err, msg) =>
          this.#answer(msg, (body: QueryRequest) => this.#handlers.query(body)),
      }),
    ];
    await this.#nc.flush();
  }

  /** Stops answering `submit` and `query` at once; requests already taken still get their reply. */
  stopLeading(): void {
    for (const sub of this.#leaderSubs) sub.unsubscribe();
    this.#leaderSubs = [];
  }

  /** Tells gateways this node leads from now on (after `lead()`, so it already answers `submit`). */
  announceLeader(message: LeaderMessage): void {
    this.#nc.publish(this.subjects.leader, encodeMessage(message));
  }

  /** Publishes a durable batch, split so each message stays under nats-server's payload limit. */
  publishEvents(term: number, batch: readonly AppliedCommand[]): void {
    for (let i = 0; i < batch.length; i += MAX_COMMANDS_PER_MESSAGE) {
      const part = batch.slice(i, i + MAX_COMMANDS_PER_MESSAGE);
      const message: EventsMessage = {
        term,
        fromSeq: part[0]!.seq,
        toSeq: part.at(-1)!.seq,
        batch: part,
      };
      this.#nc.publish(this.subjects.events, encodeEventsMessage(message));
    }
  }

  async close(): Promise<void> {
    this.stopLeading();
    for (const sub of this.#always) sub.unsubscribe();
  }

  /** A binary request is answered in binary when the reply is lean; a JSON one in JSON. */
  #submit(msg: Msg): void {
    const took = performance.now();
    const request = decodeSubmitRequest(msg.data);
    if (request instanceof CodecError) {
      this.#reply(msg, badRequest(`submit: ${request.message}`));
      return;
    }
    const binary = msg.data[0] === SUBMIT_BINARY;
    this.#handlers.submit(request).then(
      (reply) => {
        const timed = request.timed === true && reply.ok && 'seqs' in reply;
        const held = timed
          ? { ...reply, heldUs: Math.round((performance.now() - took) * 1000) }
          : reply;
        this.#replySubmit(msg, encodeSubmitReply(held, binary), request.grouped === true);
      },
      (error: unknown) =>
        this.#replySubmit(msg, encodeMessage(unavailable(error)), request.grouped === true),
    );
  }

  /**
   * A reply to a request that reads grouped replies waits for the end of this turn, to travel with
   * the same inbox's other replies made ready meanwhile; any other is sent at once. setImmediate,
   * not a timer: the replies of one commit are made ready by the same callback, so the wait is the
   * rest of that callback's turn, never a fixed delay.
   */
  #replySubmit(msg: Msg, body: Uint8Array, grouped: boolean): void {
    const subject = msg.reply;
    const dot = grouped && subject !== undefined ? subject.lastIndexOf('.') : -1;
    const token = dot < 0 ? '' : subject!.slice(dot + 1);
    // Only a reply subject that ends in a request number can be named inside a grouped reply.
    if (!REQUEST_NUMBER.test(token)) {
      this.#reply(msg, body);
      return;
    }
    const id = Number(token);
    const inbox = subject!.slice(0, dot);
    if (this.#grouped.size === 0) setImmediate(() => this.#sendGrouped());
    const group = this.#grouped.get(inbox);
    if (group === undefined) this.#grouped.set(inbox, { subject: subject!, parts: [{ id, body }] });
    else group.parts.push({ id, body });
  }

  #sendGrouped(): void {
    const groups = this.#grouped;
    this.#grouped = new Map();
    for (const { subject, parts } of groups.values()) {
      // Alone, a reply travels as it is: the requester reads both forms.
      const body = parts.length === 1 ? parts[0]!.body : encodeGroupedReplies(parts);
      try {
        this.#nc.publish(subject, body);
      } catch {
        // The connection is closing: the requesters time out, which the protocol allows.
      }
    }
  }

  #answer<T, R>(msg: Msg, handle: (body: T) => Promise<R>): void {
    const body = parse<T>(msg);
    if (body === undefined) {
      this.#reply(msg, badRequest('the request is not a JSON object'));
      return;
    }
    handle(body).then(
      (reply) => this.#reply(msg, reply),
      (error: unknown) => this.#reply(msg, unavailable(error)),
    );
  }

  /** A reply already in bytes (a `journal` batch, a binary replay) is sent as it is; else JSON. */
  #reply(msg: Msg, reply: unknown): void {
    if (msg.reply === undefined || msg.reply === '') return;
    try {
      msg.respond(reply instanceof Uint8Array ? reply : encodeMessage(reply));
    } catch {
      // The connection is closing: the requester times out, which the protocol allows.
    }
  }
}

/** The last token of a grouped request's reply subject: its number in the requester's inbox. */
const REQUEST_NUMBER = /^[0-9]{1,15}$/;

function parse<T>(msg: Msg): T | undefined {
  try {
    const body = decodeMessage<unknown>(msg.data);
    return typeof body === 'object' && body !== null && !Array.isArray(body)
      ? (body as T)
      : undefined;
  } catch {
    return undefined;
  }
}

function unavailable(error: unknown): ErrorReply {
  return {
    ok: false,
    code: 'UNAVAILABLE',
    message: error instanceof Error ? error.message : String(error),
  };
}

export function badRequest(message: string): ErrorReply {
  return { ok: false, code: 'BAD_REQUEST', message };
}
