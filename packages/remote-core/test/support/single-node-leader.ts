// A one-node "cluster" for the remote core's tests: the real embedded core on a temp data directory,
// serving the engine nodes' NATS contract (submit, query, events, replay, status) as a leader that never
// loses its lease. It answers a retried placeOrder by (account, clientOrderId) with the command already
// applied, as the contract promises, and keeps the batches published since it started for `replay`.
// Tests can make it drop events or hold replies, to exercise gap filling and retries.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import {
  type AppliedCommand,
  type CommandInput,
  CoreError,
  type ExchangeCore,
  openExchangeCore,
} from '@bourse/core';
import { CodecError } from '@bourse/engine';
import {
  clusterSubjects,
  decodeMessage,
  decodeSubmitRequest,
  encodeEventsMessage,
  encodeMessage,
  encodeReplayReply,
  type ErrorReply,
  type EventsMessage,
  LEADER_QUEUE,
  MAX_COMMANDS_PER_MESSAGE,
  type QueryRequest,
  type ReplayReply,
  type ReplayRequest,
  type StatusReply,
  type SubmitRequest,
} from '@bourse/cluster/protocol';

export interface SingleNodeLeaderOptions {
  readonly nats: NatsConnection;
  readonly prefix?: string;
  readonly node?: string;
  readonly term?: number;
}

export class SingleNodeLeader {
  readonly core: ExchangeCore;
  readonly dataDir: string;
  /** Every applied command published since start, by seq (for replay). */
  readonly history: AppliedCommand[] = [];
  /** When set, batches whose seq range it accepts are not published (a lossy bus). */
  dropEvents: ((fromSeq: number, toSeq: number) => boolean) | undefined;
  /** Submit replies still to swallow: applied, never answered (a leader dying after the append). */
  swallowReplies = 0;
  /** While set, every replay is refused (as a node that cannot serve the range would). */
  refuseReplay = false;
  /** While set, replays are answered in JSON whatever the request asks (a node of an earlier version). */
  jsonReplay = false;
  /** Submit requests received (each attempt counts). */
  submitRequests = 0;
  /** Replay requests received. */
  replayRequests = 0;
  /** When set, each submit reply waits for it (a reply that comes late). */
  holdReply: Promise<void> | undefined;
  readonly #nats: NatsConnection;
  readonly #subs: Subscription[] = [];
  readonly #byClientId = new Map<string, AppliedCommand>();
  readonly #node: string;
  readonly #term: number;
  readonly #unsubscribe: () => void;

  private constructor(core: ExchangeCore, dataDir: string, opts: SingleNodeLeaderOptions) {
    this.core = core;
    this.dataDir = dataDir;
    this.#nats = opts.nats;
    this.#node = opts.node ?? 'node-1';
    this.#term = opts.term ?? 1;
    const s = clusterSubjects(opts.prefix);
    const serve = (
      subject: string,
      queue: string | undefined,
      answer: (data: Uint8Array) => unknown,
    ) =>
      this.#subs.push(
        opts.nats.subscribe(subject, {
          ...(queue === undefined ? {} : { queue }),
          callback: (error, msg) => {
            if (error !== null) return;
            void Promise.resolve(answer(msg.data)).then((reply) => {
              if (reply instanceof Uint8Array) msg.respond(reply);
              else if (reply !== undefined) msg.respond(encodeMessage(reply));
            });
          },
        }),
      );
    serve(s.submit, LEADER_QUEUE, (data) => {
      const request = decodeSubmitRequest(data);
      return request instanceof CodecError
        ? errorReply('BAD_REQUEST', request.message, 'INVALID_COMMAND')
        : this.#submit(request);
    });
    serve(s.query, LEADER_QUEUE, (data) => this.#query(decodeMessage<QueryRequest>(data)));
    serve(s.replay, 'replay', (data) => this.#replay(decodeMessage<ReplayRequest>(data)));
    serve(s.status, undefined, () => this.#status());
    this.#unsubscribe = core.subscribe((batch) => this.#publish(s.events, batch));
  }

  static async start(opts: SingleNodeLeaderOptions): Promise<SingleNodeLeader> {
    const dataDir = mkdtempSync(join(tmpdir(), 'bourse-leader-'));
    const core = await openExchangeCore({ dataDir, readModelIdle: false });
    const leader = new SingleNodeLeader(core, dataDir, opts);
    await opts.nats.flush();
    return leader;
  }

  async close(): Promise<void> {
    for (const sub of this.#subs) sub.unsubscribe();
    this.#unsubscribe();
    await this.core.close();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  async #submit(request: SubmitRequest): Promise<unknown> {
    this.submitRequests++;
    if (!Array.isArray(request.inputs)) {
      return errorReply('BAD_REQUEST', 'inputs must be an array', 'INVALID_COMMAND');
    }
    const known = request.inputs.map((input) => this.#byClientId.get(clientKey(input)));
    const fresh = request.inputs.filter((_, i) => known[i] === undefined);
    let applied: AppliedCommand[];
    try {
      applied = await this.core.submitBatch(fresh);
    } catch (error) {
      const code = error instanceof CoreError ? error.code : undefined;
      const refused = code === 'INVALID_COMMAND' || code === 'OVERLOADED';
      return errorReply(refused ? 'BAD_REQUEST' : 'UNAVAILABLE', String(error), code);
    }
    let next = 0;
    const results = known.map((k) => k ?? applied[next++]!);
    for (const a of applied) {
      const key = clientKey(a.command as CommandInput);
      if (key !== '') this.#byClientId.set(key, a);
    }
    if (this.swallowReplies > 0) {
      this.swallowReplies--;
      return undefined;
    }
    if (this.holdReply !== undefined) await this.holdReply;
    // As the engine nodes do (leader-requests.ts): seqs alone when asked and nothing was a duplicate.
    if (request.lean === true && known.every((k) => k === undefined)) {
      return { ok: true, seqs: results.map((a) => a.seq) };
    }
    return { ok: true, results };
  }

  async #query(request: QueryRequest): Promise<unknown> {
    const method = this.core.query[request.method] as
      | ((...args: unknown[]) => Promise<unknown>)
      | undefined;
    if (typeof method !== 'function' || !Array.isArray(request.args)) {
      return errorReply('BAD_REQUEST', `unknown query ${String(request.method)}`);
    }
    const args = request.args.map((a) => (a === null ? undefined : a));
    return { ok: true, value: await method(...args) };
  }

  #replay(request: ReplayRequest): Uint8Array {
    this.replayRequests++;
    return encodeReplayReply(this.#replayed(request), request.binary === true && !this.jsonReplay);
  }

  #replayed(request: ReplayRequest): ReplayReply {
    if (this.refuseReplay) return errorReply('UNAVAILABLE', 'replay refused by the test');
    const first = this.history[0]?.seq;
    if (first === undefined) return { ok: true, batch: [] };
    if (request.fromSeq < first) return errorReply('UNAVAILABLE', `history starts at ${first}`);
    const start = request.fromSeq - first;
    const count = Math.min(request.toSeq - request.fromSeq + 1, MAX_COMMANDS_PER_MESSAGE);
    return { ok: true, batch: this.history.slice(start, start + Math.max(count, 0)) };
  }

  async #status(): Promise<StatusReply> {
    const hash = await this.core.query.stateHash();
    return {
      node: this.#node,
      role: 'leader',
      pid: process.pid,
      term: this.#term,
      appliedSeq: this.core.durableSeq,
      stateHash: hash.hash,
      hashSeq: hash.seq,
    };
  }

  #publish(subject: string, batch: readonly AppliedCommand[]): void {
    for (const a of batch) this.history.push(a);
    for (let i = 0; i < batch.length; i += MAX_COMMANDS_PER_MESSAGE) {
      const part = batch.slice(i, i + MAX_COMMANDS_PER_MESSAGE);
      const message: EventsMessage = {
        term: this.#term,
        fromSeq: part[0]!.seq,
        toSeq: part.at(-1)!.seq,
        batch: part,
      };
      if (this.dropEvents?.(message.fromSeq, message.toSeq) === true) continue;
      this.#nats.publish(subject, encodeEventsMessage(message));
    }
  }
}

function clientKey(input: CommandInput): string {
  return input.type === 'placeOrder' && typeof input.clientOrderId === 'string'
    ? `${input.accountId}:${input.clientOrderId}`
    : '';
}

function errorReply(
  code: ErrorReply['code'],
  message: string,
  coreCode?: ErrorReply['coreCode'],
): ErrorReply {
  return coreCode === undefined
    ? { ok: false, code, message }
    : { ok: false, code, message, coreCode };
}
