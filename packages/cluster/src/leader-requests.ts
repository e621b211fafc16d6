// How the leader answers `submit` and `query`: requests are checked before anything is sequenced, a
// retried placeOrder whose (accountId, clientOrderId) is already in the log (or on its way there) gets
// that command back instead of a second one, and the core's errors map to the protocol's codes.

import {
  CoreError,
  observe,
  type AppliedCommand,
  type CommandInput,
  type ReplicatingCore,
} from '@bourse/core';
import type { ClusterMetrics } from './cluster-metrics.ts';
import { badRequest } from './node-server.ts';
import {
  type ErrorReply,
  type LeanSubmitReply,
  MAX_SUBMIT_INPUTS,
  type QueryMethod,
  type QueryReply,
  type QueryRequest,
  type SubmitRequest,
} from './protocol.ts';
import type { RecentCommands } from './recent-commands.ts';

const QUERY_METHODS: ReadonlySet<string> = new Set<QueryMethod>([
  'balances',
  'positions',
  'order',
  'openOrders',
  'queuePosition',
  'queuePositions',
  'book',
  'instrument',
  'instruments',
  'accounts',
  'stateHash',
  'verify',
  'exchangeStatus',
  'orderGroups',
  'orderGroup',
]);

export class LeaderRequests {
  readonly #core: ReplicatingCore;
  readonly #recent: RecentCommands;
  /** Client keys of placeOrders submitted and not yet acknowledged or failed: batch and index. */
  readonly #inFlight = new Map<string, { batch: Promise<AppliedCommand[]>; index: number }>();

  readonly #metrics: ClusterMetrics;

  constructor(core: ReplicatingCore, recent: RecentCommands, metrics: ClusterMetrics) {
    this.#core = core;
    this.#recent = recent;
    this.#metrics = metrics;
  }

  async submit(request: SubmitRequest): Promise<LeanSubmitReply> {
    const started = performance.now();
    const reply = await this.#submit(request);
    observe(this.#metrics.submitLatencySeconds, (performance.now() - started) / 1000);
    return reply;
  }

  async #submit(request: SubmitRequest): Promise<LeanSubmitReply> {
    const inputs = request.inputs;
    if (!Array.isArray(inputs) || inputs.length === 0 || inputs.length > MAX_SUBMIT_INPUTS) {
      return badRequest(`inputs must be an array of 1 to ${MAX_SUBMIT_INPUTS} commands`);
    }
    const results = new Array<AppliedCommand | Promise<AppliedCommand>>(inputs.length);
    const duplicates: number[] = [];
    const fresh: CommandInput[] = [];
    const freshAt: number[] = [];
    /** The client keys of the fresh placeOrders that have one, with their index in `fresh`. */
    const keyed: { id: string; index: number }[] = [];
    for (let i = 0; i < inputs.length; i++) {
      const input = inputs[i] as CommandInput;
      const id = clientIdOf(input);
      const known = id === undefined ? undefined : this.#known(id);
      if (known !== undefined) {
        results[i] = known;
        duplicates.push(i);
        continue;
      }
      if (id !== undefined) keyed.push({ id, index: fresh.length });
      fresh.push(input);
      freshAt.push(i);
    }
    const submitted = fresh.length === 0 ? Promise.resolve([]) : this.#core.submitBatch(fresh);
    if (keyed.length > 0) this.#track(keyed, submitted);
    try {
      const applied = await submitted;
      for (let j = 0; j < freshAt.length; j++) results[freshAt[j]!] = applied[j]!;
      const all =
        duplicates.length === 0 ? (results as AppliedCommand[]) : await Promise.all(results);
      if (duplicates.length > 0) return { ok: true, results: all, duplicates };
      return request.lean === true
        ? { ok: true, seqs: all.map((a) => a.seq) }
        : { ok: true, results: all };
    } catch (error) {
      return coreErrorReply(error);
    }
  }

  /** The command already in the log (or on its way there) with this client key, if any. */
  #known(id: string): AppliedCommand | Promise<AppliedCommand> | undefined {
    const recent = this.#recent.byClientKey(id);
    if (recent !== undefined) return recent;
    const flight = this.#inFlight.get(id);
    return flight === undefined
      ? undefined
      : flight.batch.then((applied) => applied[flight.index]!);
  }

  async query(request: QueryRequest): Promise<QueryReply> {
    const { method, args } = request;
    if (typeof method !== 'string' || !QUERY_METHODS.has(method) || !Array.isArray(args)) {
      return badRequest(`unknown query ${JSON.stringify(method)}`);
    }
    const fn = this.#core.query[method] as (...a: unknown[]) => Promise<unknown>;
    try {
      const value = await fn(...args.map((a) => (a === null ? undefined : a)));
      return value === undefined ? { ok: true } : { ok: true, value };
    } catch (error) {
      return coreErrorReply(error);
    }
  }

  /**
   * Marks these client keys as on their way into the log until their batch settles (by then a
   * durable one is in the recent window: the core adds a batch there before its promise settles).
   */
  #track(keyed: readonly { id: string; index: number }[], batch: Promise<AppliedCommand[]>): void {
    for (const { id, index } of keyed) this.#inFlight.set(id, { batch, index });
    const forget = () => {
      for (const { id } of keyed) {
        if (this.#inFlight.get(id)?.batch === batch) this.#inFlight.delete(id);
      }
    };
    batch.then(forget, forget);
  }
}

/** `${accountId}:${clientOrderId}` of a placeOrder with a client order id (as `clientKey`). */
function clientIdOf(input: CommandInput): string | undefined {
  if (typeof input !== 'object' || input === null || input.type !== 'placeOrder') return undefined;
  const { accountId, clientOrderId } = input;
  return typeof clientOrderId === 'string' ? `${accountId}:${clientOrderId}` : undefined;
}

/** INVALID_COMMAND is the request's fault; every other core error leaves the command unacknowledged. */
export function coreErrorReply(error: unknown): ErrorReply {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof CoreError) {
    const code = error.code === 'INVALID_COMMAND' ? 'BAD_REQUEST' : 'UNAVAILABLE';
    return { ok: false, code, message, coreCode: error.code };
  }
  return { ok: false, code: 'UNAVAILABLE', message };
}
