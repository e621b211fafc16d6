// The main thread's side of the read-model worker: tells it how far the journal is durable (the batch
// text itself comes from the engine worker, see projection-protocol.ts), tracks what the worker has
// stored, resolves `waitFor(seq)` and publishes the lag. The SQL writes happen on the worker, so a slow
// transaction never delays an ack or a request. While the worker is busy, newer durable marks are held
// and sent as one: fewer thread wake-ups and larger transactions exactly when the load is high. Marks
// are also held while they cover few commands, up to a short delay (`COALESCE`), because a read-model
// transaction has a large fixed cost (its commit writes every page it touched to the WAL): 50
// commands a transaction cost about twice the CPU per command of 1,000. Anyone waiting for the
// read models (`waitFor`) or a close has the held marks sent at once.

import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import type { CoreMetrics } from './exchange-core.ts';
import type { FromProjection, ProjectionInit, ToProjection } from './projection-protocol.ts';
import { processTimeline } from './timeline.ts';

/** How long durable marks may be held while they cover fewer than `commands` commands. */
export interface Coalescing {
  readonly commands: number;
  readonly ms: number;
}

/** About 25 ms of orders at 40,000/s; the per-command cost hardly falls beyond this batch size. */
export const COALESCE: Coalescing = { commands: 1024, ms: 25 };

interface Waiter {
  readonly seq: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/** What the core hands durable batches to: the read-model worker, or nothing (no-read-models.ts). */
export interface ReadModelSink {
  readonly idle: boolean;
  readonly appliedSeq: number;
  readonly queuedSeq: number;
  readonly failure: Error | undefined;
  /** The port an engine worker sends its batches on; undefined when nothing is stored. */
  connectEngine(): MessagePort | undefined;
  durable(lastSeq: number): void;
  waitFor(seq: number): Promise<void>;
  close(): Promise<void>;
}

export class ReadModelFeeder implements ReadModelSink {
  readonly #worker: Worker;
  readonly #metrics: CoreMetrics;
  /** Whether the worker thread runs under SCHED_IDLE. */
  idle = false;
  #waiters: Waiter[] = [];
  #appliedSeq: number;
  #queuedSeq: number;
  /** Last seq posted to the worker; the worker is busy while it has not reported it applied. */
  #postedSeq: number;
  #failure: Error | undefined;
  #closed: Promise<void> | undefined;
  #onClosed: () => void = () => {};
  readonly #coalesce: Coalescing;
  /** When the oldest durable mark not yet sent arrived (`performance.now()`). */
  #heldSince = 0;
  /** When the marks in the worker's hands were posted (`performance.now()`). */
  #postedAt = 0;
  #holdTimer: ReturnType<typeof setTimeout> | undefined;

  private constructor(
    worker: Worker,
    appliedSeq: number,
    metrics: CoreMetrics,
    coalesce: Coalescing,
  ) {
    this.#worker = worker;
    this.#metrics = metrics;
    this.#coalesce = coalesce;
    this.#appliedSeq = appliedSeq;
    this.#queuedSeq = appliedSeq;
    this.#postedSeq = appliedSeq;
  }

  /** Starts the worker, which opens (and migrates) the read models `init.db` names. */
  static async start(
    init: ProjectionInit,
    metrics: CoreMetrics,
    coalesce: Coalescing = COALESCE,
  ): Promise<ReadModelFeeder> {
    const worker = new Worker(new URL('./projection-worker.ts', import.meta.url), {
      workerData: init,
    });
    const ready = await new Promise<{ seq: number; idle: boolean }>((resolve, reject) => {
      worker.once('error', reject);
      worker.once('message', (message: FromProjection) => {
        worker.off('error', reject);
        if (message.kind === 'ready') resolve(message);
        else reject(new Error(`read-model worker sent ${message.kind} before ready`));
      });
    });
    const feeder = new ReadModelFeeder(worker, ready.seq, metrics, coalesce);
    feeder.idle = ready.idle;
    feeder.#listen();
    return feeder;
  }

  /** Seq the read models hold (as last reported by the worker). */
  get appliedSeq(): number {
    return this.#appliedSeq;
  }

  /** Seq of the last command handed to the worker. */
  get queuedSeq(): number {
    return this.#queuedSeq;
  }

  get failure(): Error | undefined {
    return this.#failure;
  }

  /**
   * Opens a channel for an engine worker to send its batches on: the returned port goes into the
   * engine's WorkerInit; the other end goes to the read-model worker, replacing any earlier engine's.
   */
  connectEngine(): MessagePort {
    const { port1, port2 } = new MessageChannel();
    const message: ToProjection = { kind: 'engine', port: port2 };
    this.#worker.postMessage(message, [port2]);
    return port1;
  }

  /**
   * Everything up to `lastSeq` is durable (and was applied by an engine connected with
   * `connectEngine`, which sent the batches): the read models may store it.
   */
  durable(lastSeq: number): void {
    if (this.#failure !== undefined || this.#closed !== undefined) return;
    if (lastSeq <= this.#queuedSeq) return;
    if (this.#queuedSeq <= this.#postedSeq) this.#heldSince = performance.now();
    this.#queuedSeq = lastSeq;
    this.#metrics.projectionLagCommands = this.#queuedSeq - this.#appliedSeq;
    this.#offer();
  }

  /** Sends the held marks if the worker is free and they are worth a transaction (or awaited). */
  #offer(): void {
    if (this.#postedSeq > this.#appliedSeq || this.#queuedSeq <= this.#postedSeq) return;
    const { commands, ms } = this.#coalesce;
    const wait = ms - (performance.now() - this.#heldSince);
    if (this.#queuedSeq - this.#postedSeq >= commands || this.#waiters.length > 0 || wait <= 0) {
      this.#post();
      return;
    }
    if (this.#holdTimer === undefined) {
      this.#holdTimer = setTimeout(() => {
        this.#holdTimer = undefined;
        if (this.#closed === undefined && this.#failure === undefined) this.#offer();
      }, wait);
      this.#holdTimer.unref();
    }
  }

  #post(): void {
    if (this.#holdTimer !== undefined) {
      clearTimeout(this.#holdTimer);
      this.#holdTimer = undefined;
    }
    if (this.#queuedSeq <= this.#postedSeq) return;
    this.#postedSeq = this.#queuedSeq;
    this.#postedAt = performance.now();
    const message: ToProjection = { kind: 'durable', seq: this.#queuedSeq };
    this.#worker.postMessage(message);
  }

  /** Resolves once every command up to `seq` is in the read models. */
  waitFor(seq: number): Promise<void> {
    if (seq <= this.#appliedSeq) return Promise.resolve();
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#waiters.push({ seq, resolve, reject });
      if (this.#closed === undefined) this.#offer();
    });
  }

  /** Stores everything durable, then closes the database and stops the worker. */
  close(): Promise<void> {
    this.#closed ??= new Promise<void>((resolve) => {
      this.#onClosed = resolve;
      this.#post();
      const message: ToProjection = { kind: 'close' };
      this.#worker.postMessage(message);
    }).then(() => this.#worker.terminate().then(() => {}));
    return this.#closed;
  }

  #listen(): void {
    this.#worker.on('message', (message: FromProjection) => {
      switch (message.kind) {
        case 'applied':
          processTimeline.record('read_models', performance.now() - this.#postedAt, this.#postedAt);
          this.#appliedSeq = message.seq;
          this.#metrics.projectionLagCommands = this.#queuedSeq - this.#appliedSeq;
          this.#release();
          if (this.#closed === undefined) this.#offer();
          return;
        case 'failed':
          this.#fail(new Error(`read models stopped: ${message.message}`));
          return;
        case 'closed':
          this.#onClosed();
          return;
        case 'ready':
          return;
        default: {
          const never: never = message;
          throw new Error(`unknown read-model message ${JSON.stringify(never)}`);
        }
      }
    });
    this.#worker.on('error', (error) => {
      this.#fail(new Error(`read-model worker failed: ${error.message}`, { cause: error }));
      this.#onClosed();
    });
    this.#worker.on('exit', () => {
      // After close() the stop is expected and not a failure (the read models were stored cleanly);
      // anyone still waiting is told all the same.
      if (this.#closed === undefined) this.#fail(new Error('read-model worker stopped'));
      else this.#rejectWaiters(new Error('read models closed'));
      this.#onClosed();
    });
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
    this.#failure ??= error;
    this.#rejectWaiters(this.#failure);
  }

  #rejectWaiters(error: Error): void {
    for (const w of this.#waiters) w.reject(error);
    this.#waiters = [];
  }
}
