// The exchange core of a clustered gateway: the same `ExchangeCore` port as the embedded core, served by
// the cluster's leader over NATS. Submits and authoritative queries go to whichever node leads (retried
// across leader changes only when that is safe, see request-retry.ts), the applied-command stream comes
// from the leader's events with gaps filled by replay (event-follower.ts), and history is read from the
// PostgreSQL read models that the projector feeds from the same log.

import type { NatsConnection } from '@nats-io/transport-node';
import {
  ACK_STAGE_BOUNDS_SECONDS,
  type AppliedCommand,
  type CommandInput,
  type CoreMetrics,
  CoreError,
  countReject,
  createCoreMetrics,
  createHistogram,
  type ExchangeCore,
  type Histogram,
  observe,
  observeMany,
  type SequencerStats,
  STAGE_BOUNDS_SECONDS,
} from '@bourse/core';
import { DeliveredRuns } from './delivered-runs.ts';
import { EventFollower } from './event-follower.ts';
import {
  type ClusterSubjects,
  clusterSubjects,
  decodeReplayReply,
  encodeMessage,
  encodeSubmitRequest,
  MAX_SUBMIT_INPUTS,
  type QueryMethod,
} from '@bourse/cluster/protocol';
import type { RemoteReadModels } from './pg-read-side.ts';
import { idempotent, isSafeInput, LeaderRequests, type RetryWait } from './request-retry.ts';

export interface RemoteCoreOptions {
  readonly nats: NatsConnection;
  /** Subject prefix the engine nodes serve (default `bourse`). */
  readonly prefix?: string;
  /** The history side (PostgreSQL read models, fed by the projector); closed with the core. */
  readonly readModels: RemoteReadModels;
  /** How long one request waits for its reply (default 3 s). */
  readonly requestTimeoutMs?: number;
  /** How long a call keeps trying through a leader change (default 20 s). */
  readonly failoverTimeoutMs?: number;
  /**
   * The least time between two requests of single submits, in ms (default
   * `DEFAULT_SUBMIT_SPACING_MS`; 0: each event-loop turn's submits leave at its end). A request
   * holding `MAX_SUBMIT_INPUTS` commands leaves at once.
   */
  readonly submitSpacingMs?: number;
}

/**
 * Single submits leave in requests at least this far apart (decision 0951): at 5,000 orders/s a
 * gateway's turns carried about 6 orders each, and every request costs the gateway, nats-server and
 * the leader about the same whatever it carries, while the leader starts its appends at least 12 ms
 * apart, so a submit sent a little later usually rides the same append. A submit made when the last
 * request left longer ago than this goes at the end of its turn, as without the spacing.
 */
export const DEFAULT_SUBMIT_SPACING_MS = 2;

type Query = ExchangeCore['query'];

/**
 * Delivered runs are kept for the lean submit replies still to come (delivered-runs.ts): the events
 * carrying a submit's commands arrive before its reply (same publisher, same connection), and the
 * reply looks them up as it is read (`pick` in request-retry.ts). At most this many commands
 * (≈ 860 bytes each decoded) are kept; a reply whose commands are no longer kept fetches them by replay.
 */
const RECENT_COMMANDS = 4_096;

/** A submit's reply as the gateway reads it: lean seqs with the commands kept when it came. */
type SubmitOutcome = {
  results?: AppliedCommand[];
  seqs?: number[];
  heldUs?: number;
  kept?: (AppliedCommand | undefined)[];
};

/**
 * A submit's time on the gateway, per command (`bourse_gateway_submit_stage_seconds`):
 * - `turn`: submitted → its request sent (the rest of its turn, or the wait for the spacing);
 * - `request`: request sent → the leader's reply decoded, split by the hold the leader reports into
 *   - `leader`: the leader taking the request → its reply (its batch wait, engine, etcd append), and
 *   - `transit`: the rest (NATS both ways, and each side's main thread getting to the message);
 * - `events`: reply decoded → the applied command in hand (waiting for its events on the bus).
 */
export const SUBMIT_STAGES = ['turn', 'request', 'leader', 'transit', 'events'] as const;

export type SubmitStage = (typeof SUBMIT_STAGES)[number];

/** A single submit waiting for its request to leave. */
interface Pending {
  readonly input: CommandInput;
  /** performance.now() when submitted. */
  readonly at: number;
  readonly resolve: (applied: AppliedCommand) => void;
  readonly reject: (error: Error) => void;
}

export class RemoteExchangeCore implements ExchangeCore {
  /** Acks timed in the cluster's stage buckets (docs/cluster.md, metrics). */
  readonly metrics: CoreMetrics = {
    ...createCoreMetrics(),
    ackLatencySeconds: createHistogram(STAGE_BOUNDS_SECONDS),
  };
  /** Where a submit's time on the gateway goes (see SUBMIT_STAGES). */
  readonly submitStages: Readonly<Record<SubmitStage, Histogram>> = {
    turn: createHistogram(ACK_STAGE_BOUNDS_SECONDS),
    request: createHistogram(ACK_STAGE_BOUNDS_SECONDS),
    leader: createHistogram(ACK_STAGE_BOUNDS_SECONDS),
    transit: createHistogram(ACK_STAGE_BOUNDS_SECONDS),
    events: createHistogram(ACK_STAGE_BOUNDS_SECONDS),
  };
  readonly stats: SequencerStats = {
    submitted: 0,
    engineBatches: 0,
    journalCommits: 0,
    engineBusyMs: 0,
    snapshotsWritten: 0,
    readDbOnOpen: 'checked',
    readModelThread: 'nice',
  };
  readonly readModels: RemoteReadModels;
  readonly query: Query;
  readonly subjects: ClusterSubjects;
  readonly #requests: LeaderRequests;
  readonly #follower: EventFollower;
  readonly #listeners = new Set<(batch: readonly AppliedCommand[]) => void>();
  /** Single submits not sent yet, to leave together (see `submit`). */
  #pending: Pending[] = [];
  readonly #spacingMs: number;
  /** When the last request of single submits left (performance.now()). */
  #lastSentAt = Number.NEGATIVE_INFINITY;
  /** What sends `#pending`: the end of this turn, or the end of the spacing. */
  #flushImmediate: NodeJS.Immediate | undefined;
  #flushTimer: NodeJS.Timeout | undefined;
  #durableSeq: number;
  #closed = false;
  /** Delivered runs a submit in flight may need. */
  readonly #runs = new DeliveredRuns(RECENT_COMMANDS);
  /** Lean replies' seqs whose commands have not been delivered yet. */
  readonly #awaiting = new Map<number, (applied: AppliedCommand | Error) => void>();
  readonly #deliveryTimeoutMs: number;

  private constructor(opts: RemoteCoreOptions, requests: LeaderRequests, startSeq: number) {
    this.subjects = clusterSubjects(opts.prefix);
    this.readModels = opts.readModels;
    this.#requests = requests;
    this.#durableSeq = startSeq;
    this.#deliveryTimeoutMs = opts.failoverTimeoutMs ?? 20_000;
    this.#spacingMs = opts.submitSpacingMs ?? DEFAULT_SUBMIT_SPACING_MS;
    this.query = buildQueries((method, args) => this.#ask(method, args));
    this.#follower = new EventFollower({
      nats: opts.nats,
      subjects: this.subjects,
      afterSeq: startSeq,
      requestTimeoutMs: opts.requestTimeoutMs ?? 3_000,
      deliver: (batch) => this.#deliver(batch),
    });
  }

  /**
   * Connects to the cluster: asks the leader (waiting through an election) how far the log is, and
   * follows the events from there; the gateway loads books after subscribing, as on one server.
   */
  static async open(opts: RemoteCoreOptions): Promise<RemoteExchangeCore> {
    const subjects = clusterSubjects(opts.prefix);
    const requests = new LeaderRequests(opts.nats, {
      requestTimeoutMs: opts.requestTimeoutMs ?? 3_000,
      failoverTimeoutMs: opts.failoverTimeoutMs ?? 20_000,
      leaderSubject: subjects.leader,
    });
    const status = await requests.call(
      subjects.query,
      { method: 'exchangeStatus', args: [] },
      true,
      (r) => r.value as { seq: number },
    );
    return new RemoteExchangeCore(opts, requests, status.seq);
  }

  get durableSeq(): number {
    return this.#durableSeq;
  }

  get failure(): Error | undefined {
    return undefined;
  }

  /** Leader changes seen on the event stream, retries and replays: the cluster's view for /metrics. */
  get cluster(): {
    term: number;
    deliveredSeq: number;
    gapsFilled: number;
    replayedCommands: number;
    retries: number;
    abandonedOnLeaderChange: number;
  } {
    return {
      term: this.#follower.term,
      deliveredSeq: this.#follower.deliveredSeq,
      gapsFilled: this.#follower.gapsFilled,
      replayedCommands: this.#follower.replayedCommands,
      retries: this.#requests.retries,
      abandonedOnLeaderChange: this.#requests.abandonedOnLeaderChange,
    };
  }

  /** Where requests to the leader waited when an attempt brought no answer (request-retry.ts). */
  get retryWaits(): Readonly<Record<RetryWait, Histogram>> {
    return this.#requests.retryWaits;
  }

  /**
   * Single submits made in one event-loop turn travel as one request (one leader batch, one etcd
   * append), as they ride one journal batch on one server, and so do those made until
   * `submitSpacingMs` after the previous request left. Those whose retry is safe go apart from those
   * whose retry is not, so a lost reply costs the latter nothing they did not risk alone.
   */
  submit(input: CommandInput): Promise<AppliedCommand> {
    if (this.#closed) {
      return Promise.reject(new CoreError('CORE_CLOSED', 'the exchange core is closing'));
    }
    if (typeof input !== 'object' || input === null || typeof input.type !== 'string') {
      return Promise.reject(
        new CoreError('INVALID_COMMAND', 'a command must be an object with a string `type`'),
      );
    }
    return new Promise((resolve, reject) => {
      const n = this.#pending.push({ input, at: performance.now(), resolve, reject });
      if (n >= MAX_SUBMIT_INPUTS) this.#flushPending();
      else if (n === 1) this.#scheduleFlush();
    });
  }

  #scheduleFlush(): void {
    const wait = this.#lastSentAt + this.#spacingMs - performance.now();
    if (wait <= 0) this.#flushImmediate = setImmediate(() => this.#flushPending());
    else this.#flushTimer = setTimeout(() => this.#flushPending(), Math.ceil(wait));
  }

  #flushPending(): void {
    const pending = this.#pending;
    this.#pending = [];
    // Sent full before its flush came: the next submits schedule one of their own.
    if (this.#flushImmediate !== undefined) clearImmediate(this.#flushImmediate);
    if (this.#flushTimer !== undefined) clearTimeout(this.#flushTimer);
    this.#flushImmediate = this.#flushTimer = undefined;
    if (pending.length === 0) return;
    const now = performance.now();
    this.#lastSentAt = now;
    const safe: Pending[] = [];
    const unsafe: Pending[] = [];
    for (const p of pending) {
      observe(this.submitStages.turn, (now - p.at) / 1000);
      (isSafeInput(p.input) ? safe : unsafe).push(p);
    }
    for (const group of [safe, unsafe]) {
      for (let i = 0; i < group.length; i += MAX_SUBMIT_INPUTS) {
        this.#sendPending(group.slice(i, i + MAX_SUBMIT_INPUTS));
      }
    }
  }

  /**
   * One request for single submits gathered together, each answered with its own command or error.
   * A request refused as invalid was refused whole, before anything in it was sequenced (an input
   * that cannot be encoded, or a leader refusing the request): then each input is sent again alone,
   * so one bad command fails alone, as on one server, and the others are not held to its fate.
   */
  #sendPending(chunk: Pending[]): void {
    this.#submitChunk(chunk.map((p) => p.input)).then(
      (results) => {
        for (let j = 0; j < chunk.length; j++) chunk[j]!.resolve(results[j]!);
      },
      (error: Error) => {
        if (chunk.length > 1 && (error as CoreError).code === 'INVALID_COMMAND') {
          for (const p of chunk) this.#sendPending([p]);
          return;
        }
        for (const p of chunk) p.reject(error);
      },
    );
  }

  async submitBatch(inputs: readonly CommandInput[]): Promise<AppliedCommand[]> {
    if (this.#closed) throw new CoreError('CORE_CLOSED', 'the exchange core is closing');
    for (const input of inputs) {
      if (typeof input !== 'object' || input === null || typeof input.type !== 'string') {
        throw new CoreError('INVALID_COMMAND', 'a command must be an object with a string `type`');
      }
    }
    const results: AppliedCommand[] = [];
    for (let i = 0; i < inputs.length; i += MAX_SUBMIT_INPUTS) {
      const chunk = inputs.slice(i, i + MAX_SUBMIT_INPUTS);
      results.push(...(await this.#submitChunk(chunk)));
    }
    return results;
  }

  /** Sends one chunk; runs delivered meanwhile are kept until it has its commands. */
  async #submitChunk(inputs: readonly CommandInput[]): Promise<AppliedCommand[]> {
    const ticket = this.#runs.open();
    try {
      return await this.#sendChunk(inputs);
    } finally {
      this.#runs.close(ticket);
    }
  }

  async #sendChunk(inputs: readonly CommandInput[]): Promise<AppliedCommand[]> {
    const startedAt = performance.now();
    const reply = await this.#requests.call(
      this.subjects.submit,
      { inputs: inputs as CommandInput[], lean: true, timed: true, grouped: true },
      idempotent(inputs),
      (r) => {
        const reply = r as SubmitOutcome;
        if (reply.seqs !== undefined) reply.kept = reply.seqs.map((seq) => this.#kept(seq));
        return reply;
      },
      encodeSubmitRequest,
    );
    const count = reply.results?.length ?? reply.seqs?.length;
    if (count !== inputs.length) {
      throw new CoreError('UNAVAILABLE', 'the leader answered for the wrong number of commands');
    }
    // Counted once the leader gave them seqs: a request refused whole is split and sent again.
    this.stats.submitted += count;
    const repliedAt = performance.now();
    const stages = this.submitStages;
    let results = reply.results;
    if (results === undefined) {
      // Durable already: the events that carry these commands are here or on their way.
      const seqs = reply.seqs!;
      this.#follower.noteHead(Math.max(...seqs));
      results = await this.#delivered(seqs, reply.kept ?? []);
    }
    const now = performance.now();
    const seconds = (now - startedAt) / 1000;
    const request = (repliedAt - startedAt) / 1000;
    const events = (now - repliedAt) / 1000;
    const held = reply.heldUs === undefined ? undefined : reply.heldUs / 1e6;
    // One value per stage for the whole chunk, counted once per command.
    const n = results.length;
    observeMany(this.metrics.ackLatencySeconds, seconds, n);
    observeMany(stages.request, request, n);
    if (held !== undefined) {
      observeMany(stages.leader, held, n);
      observeMany(stages.transit, Math.max(0, request - held), n);
    }
    observeMany(stages.events, events, n);
    for (const applied of results) {
      countReject(this.metrics, applied);
      if (applied.seq > this.#durableSeq) this.#durableSeq = applied.seq;
    }
    this.metrics.commandsTotal += results.length;
    this.#follower.noteHead(this.#durableSeq);
    return results;
  }

  /**
   * The applied commands of a lean reply's seqs, as the event stream delivers them (each exactly
   * once, gaps filled by replay). Commands delivered too long ago to be kept (a reply that came late,
   * as under overload) are fetched together by replay, not one request each.
   */
  async #delivered(
    seqs: readonly number[],
    kept: readonly (AppliedCommand | undefined)[],
  ): Promise<AppliedCommand[]> {
    const out = new Array<AppliedCommand>(seqs.length);
    const waits: Promise<void>[] = [];
    let gone: number[] | undefined;
    for (let i = 0; i < seqs.length; i++) {
      const seq = seqs[i]!;
      const found = kept[i] ?? this.#kept(seq);
      if (found !== undefined) out[i] = found;
      else if (seq <= this.#follower.deliveredSeq) (gone ??= []).push(i);
      else waits.push(this.#await(seq).then((a) => void (out[i] = a)));
    }
    if (gone !== undefined) {
      const at = gone;
      const replayed = this.#replayed(at.map((i) => seqs[i]!));
      waits.push(replayed.then((found) => at.forEach((i) => void (out[i] = found.get(seqs[i]!)!))));
    }
    if (waits.length > 0) await Promise.all(waits);
    return out;
  }

  /** The kept command with this seq, if any. */
  #kept(seq: number): AppliedCommand | undefined {
    return this.#runs.find(seq);
  }

  #await(seq: number): Promise<AppliedCommand> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#awaiting.delete(seq);
        reject(
          new CoreError(
            'UNAVAILABLE',
            `command ${seq} is in the log but its events did not arrive in time; look it up`,
          ),
        );
      }, this.#deliveryTimeoutMs);
      this.#awaiting.set(seq, (applied) => {
        clearTimeout(timer);
        if (applied instanceof Error) reject(applied);
        else resolve(applied);
      });
    });
  }

  /** The applied commands of `seqs`, fetched by replay of the range they span. */
  async #replayed(seqs: readonly number[]): Promise<Map<number, AppliedCommand>> {
    const found = new Map<number, AppliedCommand>();
    const last = Math.max(...seqs);
    let from = Math.min(...seqs);
    while (from <= last) {
      const batch = await this.#requests.call(
        this.subjects.replay,
        { fromSeq: from, toSeq: last, binary: true },
        true,
        (r) => r.batch as AppliedCommand[],
        encodeMessage,
        decodeReplayReply,
      );
      if (batch.length === 0 || batch[0]!.seq !== from) break;
      for (const applied of batch) found.set(applied.seq, applied);
      from = batch.at(-1)!.seq + 1;
    }
    for (const seq of seqs) {
      if (!found.has(seq)) throw new CoreError('UNAVAILABLE', `no node replayed seq ${seq}`);
    }
    return found;
  }

  subscribe(listener: (batch: readonly AppliedCommand[]) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const closing = new CoreError('CORE_CLOSED', 'the exchange core is closing');
    // Submits not yet sent fail as a submit made after closing would: nothing of them left.
    clearImmediate(this.#flushImmediate);
    clearTimeout(this.#flushTimer);
    const unsent = this.#pending;
    this.#pending = [];
    for (const p of unsent) p.reject(closing);
    this.#requests.close();
    for (const settle of this.#awaiting.values()) settle(closing);
    this.#awaiting.clear();
    await this.#follower.close();
    await this.readModels.close();
  }

  #ask(method: QueryMethod, args: readonly unknown[]): Promise<unknown> {
    if (this.#closed) {
      return Promise.reject(new CoreError('CORE_CLOSED', 'the exchange core is closing'));
    }
    // Trailing undefined arguments are left off: JSON would turn them into null.
    let n = args.length;
    while (n > 0 && args[n - 1] === undefined) n--;
    return this.#requests.call(
      this.subjects.query,
      { method, args: args.slice(0, n) },
      true,
      (r) => r.value,
    );
  }

  #deliver(batch: readonly AppliedCommand[]): void {
    const last = batch.at(-1)!.seq;
    if (last > this.#durableSeq) this.#durableSeq = last;
    for (const listener of this.#listeners) {
      try {
        listener(batch);
      } catch {
        // A listener's failure is its own (a dropped client); it must not stop the stream.
      }
    }
    this.#runs.add(batch);
    if (this.#awaiting.size === 0) return;
    for (const applied of batch) {
      const settle = this.#awaiting.get(applied.seq);
      if (settle === undefined) continue;
      this.#awaiting.delete(applied.seq);
      settle(applied);
    }
  }
}

function buildQueries(ask: (method: QueryMethod, args: readonly unknown[]) => Promise<unknown>) {
  const q = <M extends QueryMethod>(method: M) =>
    ((...args: unknown[]) => ask(method, args)) as unknown as Query[M];
  const query: Query = {
    balances: q('balances'),
    positions: q('positions'),
    order: q('order'),
    openOrders: q('openOrders'),
    queuePosition: q('queuePosition'),
    queuePositions: q('queuePositions'),
    book: q('book'),
    instrument: q('instrument'),
    instruments: q('instruments'),
    accounts: q('accounts'),
    stateHash: q('stateHash'),
    verify: q('verify'),
    exchangeStatus: q('exchangeStatus'),
    orderGroups: q('orderGroups'),
    orderGroup: q('orderGroup'),
  };
  return query;
}
