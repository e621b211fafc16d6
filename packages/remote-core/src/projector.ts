// The cluster's one writer of the PostgreSQL read models: it follows the log from the seq the read
// models hold (events, with gaps and a missed tail fetched by replay) and stores each command exactly
// once, in seq order. Storing is idempotent by seq (a batch is one transaction that skips what is
// stored), so a projector killed mid-batch, or a second one started by mistake, repeats nothing.

import type { NatsConnection } from '@nats-io/transport-node';
import type { AppliedCommand, ReadModels } from '@bourse/projections';
import { EventFollower } from './event-follower.ts';
import { clusterSubjects } from '@bourse/cluster/protocol';

export interface ProjectorOptions {
  readonly nats: NatsConnection;
  readonly prefix?: string;
  /** The read models to write (PostgreSQL in a cluster); closed by `close()`. */
  readonly readModels: ReadModels;
  /** Called when storing fails; the batch is tried again after a pause. */
  readonly onError?: (error: unknown) => void;
}

/** Most commands stored in one transaction. */
const MAX_APPLY = 4_096;
const RETRY_MS = 500;

export class Projector {
  readonly #models: ReadModels;
  readonly #follower: EventFollower;
  readonly #onError: (error: unknown) => void;
  #queue: AppliedCommand[] = [];
  #storedSeq: number;
  #busy = false;
  #closed = false;
  #idle: (() => void)[] = [];

  private constructor(opts: ProjectorOptions, storedSeq: number) {
    this.#models = opts.readModels;
    this.#storedSeq = storedSeq;
    this.#onError = opts.onError ?? (() => {});
    this.#follower = new EventFollower({
      nats: opts.nats,
      subjects: clusterSubjects(opts.prefix),
      afterSeq: storedSeq,
      deliver: (batch) => this.#enqueue(batch),
      idlePollMs: 500,
    });
  }

  static async start(opts: ProjectorOptions): Promise<Projector> {
    const stored = await opts.readModels.lastAppliedSeq();
    const projector = new Projector(opts, stored);
    projector.#follower.noteHead(stored + 1);
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

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#follower.close();
    if (this.#busy) await new Promise<void>((resolve) => this.#idle.push(resolve));
    await this.#models.close();
  }

  #enqueue(batch: readonly AppliedCommand[]): void {
    for (const applied of batch) this.#queue.push(applied);
    void this.#store();
  }

  async #store(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      while (this.#queue.length > 0 && !this.#closed) {
        const batch = this.#queue.slice(0, MAX_APPLY);
        try {
          await this.#models.apply(batch);
        } catch (error) {
          this.#onError(error);
          await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
          continue;
        }
        this.#queue.splice(0, batch.length);
        this.#storedSeq = batch.at(-1)!.seq;
      }
    } finally {
      this.#busy = false;
      for (const resolve of this.#idle.splice(0)) resolve();
    }
  }
}
