// Feeds durable applied commands into the SQL read models off the ack path: batches queue up in seq
// order and are applied one transaction at a time (merged up to a bound when the models fall behind).
// `waitFor(seq)` lets a reader see everything up to a seq; the lag is published as a metric.

import type { ReadModels } from '@bourse/projections';
import type { AppliedCommand, CoreMetrics } from './exchange-core.ts';

/** Most commands merged into one read-model transaction; bounds the time the thread is blocked. */
const MAX_COMMANDS_PER_APPLY = 4096;

interface Waiter {
  readonly seq: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

export class ReadModelFeeder {
  readonly #models: ReadModels;
  readonly #metrics: CoreMetrics;
  readonly #queue: (readonly AppliedCommand[])[] = [];
  #waiters: Waiter[] = [];
  #appliedSeq: number;
  #queuedSeq: number;
  #running: Promise<void> | undefined;
  #failure: Error | undefined;

  constructor(models: ReadModels, appliedSeq: number, metrics: CoreMetrics) {
    this.#models = models;
    this.#metrics = metrics;
    this.#appliedSeq = appliedSeq;
    this.#queuedSeq = appliedSeq;
  }

  get appliedSeq(): number {
    return this.#appliedSeq;
  }

  get failure(): Error | undefined {
    return this.#failure;
  }

  /** Queues a batch of durable commands; seqs must continue where the previous batch ended. */
  push(batch: readonly AppliedCommand[]): void {
    const last = batch.at(-1);
    if (last === undefined || this.#failure !== undefined) return;
    if (batch[0]!.seq !== this.#queuedSeq + 1) {
      this.#fail(new Error(`read models fed seq ${batch[0]!.seq} after ${this.#queuedSeq}`));
      return;
    }
    this.#queuedSeq = last.seq;
    this.#queue.push(batch);
    this.#metrics.projectionLagCommands = this.#queuedSeq - this.#appliedSeq;
    this.#running ??= this.#drain();
  }

  /** Resolves once every command up to `seq` is in the read models. */
  waitFor(seq: number): Promise<void> {
    if (seq <= this.#appliedSeq) return Promise.resolve();
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => this.#waiters.push({ seq, resolve, reject }));
  }

  /** Resolves when the queue is empty (or the feeder failed). */
  async idle(): Promise<void> {
    while (this.#running !== undefined) await this.#running;
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0 && this.#failure === undefined) {
        const merged = this.#take();
        await this.#models.apply(merged);
        this.#appliedSeq = merged.at(-1)!.seq;
        this.#metrics.projectionLagCommands = this.#queuedSeq - this.#appliedSeq;
        this.#release();
        // Let acks and requests run between transactions when the models are behind.
        if (this.#queue.length > 0) await new Promise<void>((r) => setImmediate(r));
      }
    } catch (error) {
      this.#fail(error instanceof Error ? error : new Error(String(error)));
    } finally {
      this.#running = undefined;
    }
  }

  #take(): AppliedCommand[] {
    const merged: AppliedCommand[] = [];
    while (this.#queue.length > 0) {
      const next = this.#queue[0]!;
      if (merged.length > 0 && merged.length + next.length > MAX_COMMANDS_PER_APPLY) break;
      this.#queue.shift();
      for (const c of next) merged.push(c);
    }
    return merged;
  }

  #release(): void {
    if (this.#waiters.length === 0) return;
    const still: Waiter[] = [];
    for (const w of this.#waiters) {
      if (w.seq <= this.#appliedSeq) w.resolve();
      else still.push(w);
    }
    this.#waiters = still;
  }

  #fail(error: Error): void {
    this.#failure ??= new Error(`read models stopped: ${error.message}`, { cause: error });
    for (const w of this.#waiters) w.reject(this.#failure);
    this.#waiters = [];
    this.#queue.length = 0;
  }
}
