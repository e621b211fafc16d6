// The main thread's side of the read-model worker: forwards durable batches (as JSON text, in seq
// order), tracks what the worker has stored, resolves `waitFor(seq)` and publishes the lag. The SQL
// writes happen on the worker, so a slow transaction never delays an ack or a request. While the worker
// is busy with one message, batches are held and sent as the next one: fewer thread wake-ups and larger
// transactions exactly when the load is high.

import { Worker } from 'node:worker_threads';
import type { CoreMetrics } from './exchange-core.ts';
import type { FromProjection, ProjectionInit, ToProjection } from './projection-protocol.ts';

interface Waiter {
  readonly seq: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/** Most JSON text held back for the next message to the worker (about 1 MB). */
const MAX_HELD_CHARS = 1 << 20;

export class ReadModelFeeder {
  readonly #worker: Worker;
  readonly #metrics: CoreMetrics;
  /** Whether the worker thread runs under SCHED_IDLE. */
  idle = false;
  #waiters: Waiter[] = [];
  #appliedSeq: number;
  #queuedSeq: number;
  /** Last seq posted to the worker; the worker is busy while it has not reported it applied. */
  #postedSeq: number;
  #heldCommands: string[] = [];
  #heldEvents: string[] = [];
  #heldChars = 0;
  #failure: Error | undefined;
  #closed: Promise<void> | undefined;
  #onClosed: () => void = () => {};

  private constructor(worker: Worker, appliedSeq: number, metrics: CoreMetrics) {
    this.#worker = worker;
    this.#metrics = metrics;
    this.#appliedSeq = appliedSeq;
    this.#queuedSeq = appliedSeq;
    this.#postedSeq = appliedSeq;
  }

  /** Starts the worker, which opens (and migrates) the read models at `init.path`. */
  static async start(init: ProjectionInit, metrics: CoreMetrics): Promise<ReadModelFeeder> {
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
    const feeder = new ReadModelFeeder(worker, ready.seq, metrics);
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
   * Queues commands `firstSeq..lastSeq` (JSON array text) with their events (JSON, one array per
   * command). Commands the read models already hold are skipped by the worker.
   */
  push(lastSeq: number, commandsJson: string, eventsJson: string): void {
    if (this.#failure !== undefined || this.#closed !== undefined) return;
    if (lastSeq > this.#queuedSeq) this.#queuedSeq = lastSeq;
    this.#metrics.projectionLagCommands = this.#queuedSeq - this.#appliedSeq;
    this.#heldCommands.push(commandsJson);
    this.#heldEvents.push(eventsJson);
    this.#heldChars += commandsJson.length + eventsJson.length;
    // Held text lives on this thread's heap; past a bound it goes to the worker's queue even while the
    // worker is busy, so a lagging worker never makes the gateway's garbage collector copy and
    // promote megabytes of it.
    if (this.#postedSeq <= this.#appliedSeq || this.#heldChars >= MAX_HELD_CHARS) this.#post();
  }

  #post(): void {
    if (this.#heldCommands.length === 0) return;
    const message: ToProjection = {
      kind: 'apply',
      commands: this.#heldCommands,
      events: this.#heldEvents,
    };
    this.#heldCommands = [];
    this.#heldEvents = [];
    this.#heldChars = 0;
    this.#postedSeq = this.#queuedSeq;
    this.#worker.postMessage(message);
  }

  /** Resolves once every command up to `seq` is in the read models. */
  waitFor(seq: number): Promise<void> {
    if (seq <= this.#appliedSeq) return Promise.resolve();
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => this.#waiters.push({ seq, resolve, reject }));
  }

  /** Stores everything queued, then closes the database and stops the worker. */
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
          this.#appliedSeq = message.seq;
          this.#metrics.projectionLagCommands = this.#queuedSeq - this.#appliedSeq;
          if (this.#postedSeq <= this.#appliedSeq && this.#closed === undefined) this.#post();
          this.#release();
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
