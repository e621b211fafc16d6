// The cluster's one writer of the PostgreSQL read models: it follows the log from the seq the read
// models hold (events, with gaps and a missed tail fetched by replay) and stores each command exactly
// once, in seq order. Storing is idempotent by seq (a batch is one transaction that skips what is
// stored), so a projector killed mid-batch, or a second one started by mistake, repeats nothing.
// Every failure is retried and reported, and a watchdog reports a projector that is behind the log
// and stores nothing, whatever the reason: it never stalls silently. After a failed store the read
// models are reopened from what the database holds before the next try, and the projector goes on
// from that seq: from the log again if the database holds less than it had stored (commits lost in a
// crash of a server committing asynchronously), past what another writer stored if it holds more (a
// commit whose answer was lost).
// Commands are held until they fill a transaction of `coalesce.commands` or the oldest has waited
// `coalesce.ms`, as the single server's read-model feeder does, but longer (`PROJECTOR_COALESCE`): a
// transaction's fixed cost (its statements, their planning, the commit) is paid per batch, and the
// log's batches of a few dozen commands cost PostgreSQL and the projector about twice the CPU per
// command of a few hundred, and a thousand a quarter less than 250 (decision 0966).

import type { NatsConnection } from '@nats-io/transport-node';
import type { AppliedCommand, ReadModels } from '@bourse/projections';
import { EventFollower } from './event-follower.ts';
import { clusterSubjects } from '@bourse/cluster/protocol';
import type { Coalescing } from '@bourse/core';

export interface ProjectorStall {
  readonly storedSeq: number;
  /** The highest seq known to be in the log. */
  readonly headSeq: number;
  /** How long nothing was stored while behind. */
  readonly stalledMs: number;
}

export interface ProjectorOptions {
  readonly nats: NatsConnection;
  readonly prefix?: string;
  /** The read models to write (PostgreSQL in a cluster); closed by `close()`. */
  readonly readModels: ReadModels;
  /**
   * Opens the read models afresh from the database. Given, a failed store reopens them before it is
   * tried again (the state they keep in memory may no longer be the database's).
   */
  readonly reopen?: () => Promise<ReadModels>;
  /** Called when storing fails; the batch is tried again after a pause. */
  readonly onError?: (error: unknown) => void;
  /** Called when fetching missed commands from the nodes fails; it is tried again. */
  readonly onReplayError?: (error: unknown) => void;
  /** Called every `stallMs` while the projector is behind the log and has stored nothing. */
  readonly onStall?: (stall: ProjectorStall) => void;
  /** Default 15 s. */
  readonly stallMs?: number;
  /** How long commands may be held while fewer than a full transaction (default PROJECTOR_COALESCE). */
  readonly coalesce?: Coalescing;
}

/**
 * The projector's hold: at 10,000 orders/s a transaction of about 1,000 commands. The read models
 * then trail the log by up to the hold plus one transaction; the cluster bench reports that lag.
 */
export const PROJECTOR_COALESCE: Coalescing = { commands: 2_048, ms: 100 };

/** Most commands stored in one transaction. */
const MAX_APPLY = 4_096;
const RETRY_MS = 500;
const WATCH_MS = 1_000;
/**
 * A replay of commands older than a node's in-memory window is recomputed from its snapshots and
 * journal (up to a snapshot interval of replay): give it far longer than a bus round trip.
 */
const REPLAY_TIMEOUT_MS = 30_000;

export class Projector {
  readonly #opts: ProjectorOptions;
  #models: ReadModels;
  #follower: EventFollower;
  readonly #onError: (error: unknown) => void;
  readonly #watchdog: NodeJS.Timeout;
  #queue: AppliedCommand[] = [];
  /** Commands at the queue's head being stored now. */
  #inFlight = 0;
  /** When the oldest queued command not being stored arrived (`performance.now()`). */
  #heldSince = 0;
  #holdTimer: NodeJS.Timeout | undefined;
  readonly #coalesce: Coalescing;
  #storedSeq: number;
  #busy = false;
  #closed = false;
  #idle: (() => void)[] = [];
  /** When the stored seq last moved, or the projector last caught up with the log. */
  #progressAt = performance.now();
  #lastStallReport = 0;

  private constructor(opts: ProjectorOptions, storedSeq: number) {
    this.#opts = opts;
    this.#models = opts.readModels;
    this.#storedSeq = storedSeq;
    this.#onError = opts.onError ?? (() => {});
    this.#coalesce = opts.coalesce ?? PROJECTOR_COALESCE;
    this.#follower = this.#follow(storedSeq);
    const stallMs = opts.stallMs ?? 15_000;
    this.#watchdog = setInterval(() => this.#watch(stallMs, opts.onStall), WATCH_MS);
    this.#watchdog.unref();
  }

  /** A follower of the log from `afterSeq` that feeds this projector while it is the current one. */
  #follow(afterSeq: number): EventFollower {
    const opts = this.#opts;
    const follower: EventFollower = new EventFollower({
      nats: opts.nats,
      subjects: clusterSubjects(opts.prefix),
      afterSeq,
      deliver: (batch) => {
        if (follower === this.#follower) this.#enqueue(batch);
      },
      idlePollMs: 500,
      requestTimeoutMs: REPLAY_TIMEOUT_MS,
      ...(opts.onReplayError === undefined ? {} : { onReplayError: opts.onReplayError }),
    });
    return follower;
  }

  static async start(opts: ProjectorOptions): Promise<Projector> {
    const stored = await opts.readModels.lastAppliedSeq();
    const projector = new Projector(opts, stored);
    projector.#follower.poll();
    return projector;
  }

  /** The last seq stored in the read models. */
  get storedSeq(): number {
    return this.#storedSeq;
  }

  /** The last seq received from the log (stored or queued). */
  get receivedSeq(): number {
    return this.#follower.deliveredSeq;
  }

  /** Commands known to be in the log and not stored yet. */
  get lagCommands(): number {
    return Math.max(0, this.#follower.knownHeadSeq - this.#storedSeq);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#watchdog);
    clearTimeout(this.#holdTimer);
    await this.#follower.close();
    if (this.#busy) await new Promise<void>((resolve) => this.#idle.push(resolve));
    await this.#models.close();
  }

  #watch(stallMs: number, onStall: ProjectorOptions['onStall']): void {
    const now = performance.now();
    if (this.lagCommands === 0) {
      this.#progressAt = now;
      return;
    }
    const stalledMs = now - this.#progressAt;
    if (stalledMs < stallMs || now - this.#lastStallReport < stallMs) return;
    this.#lastStallReport = now;
    onStall?.({
      storedSeq: this.#storedSeq,
      headSeq: this.#follower.knownHeadSeq,
      stalledMs: Math.round(stalledMs),
    });
  }

  #enqueue(batch: readonly AppliedCommand[]): void {
    if (batch.length === 0) return;
    if (this.#queue.length === this.#inFlight) this.#heldSince = performance.now();
    for (const applied of batch) this.#queue.push(applied);
    this.#schedule();
  }

  /** Stores the queue now if it fills a transaction or has waited long enough, else later. */
  #schedule(): void {
    if (this.#busy || this.#closed || this.#queue.length === 0) return;
    const waited = performance.now() - this.#heldSince;
    if (this.#queue.length >= this.#coalesce.commands || waited >= this.#coalesce.ms) {
      clearTimeout(this.#holdTimer);
      this.#holdTimer = undefined;
      void this.#store();
      return;
    }
    this.#holdTimer ??= setTimeout(() => {
      this.#holdTimer = undefined;
      this.#schedule();
    }, this.#coalesce.ms - waited);
  }

  /**
   * Reopens the read models from the database and goes on from the seq it holds: a database behind
   * what was stored is filled again from the log (a new follower from its seq, the queue dropped);
   * one ahead needs nothing, since a store skips what is stored. A failed reopen is retried with the
   * next store.
   */
  async #reopen(): Promise<void> {
    const reopen = this.#opts.reopen;
    if (reopen === undefined || this.#closed) return;
    let fresh: ReadModels;
    let held: number;
    try {
      fresh = await reopen();
      held = await fresh.lastAppliedSeq();
    } catch (error) {
      this.#onError(error);
      return;
    }
    const old = this.#models;
    this.#models = fresh;
    await old.close().catch(() => {});
    if (held >= this.#storedSeq) {
      this.#storedSeq = held;
      return;
    }
    this.#storedSeq = held;
    this.#queue = [];
    this.#inFlight = 0;
    const behind = this.#follower;
    this.#follower = this.#follow(held);
    await behind.close();
    this.#follower.poll();
  }

  /** Stores the queue, then goes on while what arrived meanwhile is due (`#schedule`'s rule). */
  async #store(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      while (this.#queue.length > 0 && !this.#closed) {
        const batch = this.#queue.slice(0, MAX_APPLY);
        this.#inFlight = batch.length;
        try {
          await this.#models.apply(batch);
        } catch (error) {
          this.#inFlight = 0;
          this.#onError(error);
          await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
          await this.#reopen();
          continue;
        }
        this.#inFlight = 0;
        this.#queue.splice(0, batch.length);
        this.#storedSeq = batch.at(-1)!.seq;
        this.#progressAt = performance.now();
        if (!this.#due()) break;
      }
    } finally {
      this.#busy = false;
      for (const resolve of this.#idle.splice(0)) resolve();
    }
    this.#schedule();
  }

  #due(): boolean {
    const q = this.#queue.length;
    if (q === 0) return false;
    return q >= this.#coalesce.commands || performance.now() - this.#heldSince >= this.#coalesce.ms;
  }
}
