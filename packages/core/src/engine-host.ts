// The main thread's handle on the engine worker: posts batches, queries and snapshot requests, and
// settles their promises from the worker's replies, which arrive in the order the requests were sent
// (one FIFO, no id lookups). If the worker dies, every outstanding and later request fails.

import { Worker } from 'node:worker_threads';
import { CoreError } from './core-error.ts';
import { SnapshotEncoder } from './snapshot-encoder.ts';
import type { FromWorker, QueryArgs, QueryName, ToWorker, WorkerInit } from './worker-protocol.ts';

interface Pending {
  readonly id: number;
  readonly resolve: (message: FromWorker) => void;
  readonly reject: (error: Error) => void;
}

export interface AppliedReply {
  readonly lastSeq: number;
  /** An event batch (see `decodeEventBatch`), or null when events were not asked for. */
  readonly events: Uint8Array | null;
  /** With `events`: where each command's entry of the event batch ends. */
  readonly eventEnds: Uint32Array | null;
  readonly busyMs: number;
  readonly nextDueTs: number | null;
  /** `[seq, stateHash]` at each multiple of `hashEvery` the batch passed (see WorkerInit). */
  readonly hashes: readonly (readonly [number, string])[];
}

export class EngineHost {
  readonly #worker: Worker;
  readonly #encoder = new SnapshotEncoder();
  readonly #pending: Pending[] = [];
  #head = 0;
  #nextId = 1;
  #failure: Error | undefined;
  #terminating = false;
  /** Called once when the worker stops unexpectedly. */
  onFailure: (error: Error) => void = () => {};

  private constructor(worker: Worker) {
    this.#worker = worker;
  }

  /** Starts the worker and resolves with the seq its engine starts from. */
  static async start(init: WorkerInit): Promise<{ host: EngineHost; lastSeq: number }> {
    const worker = new Worker(new URL('./engine-worker.ts', import.meta.url), {
      workerData: init,
      transferList: init.projectionPort === undefined ? [] : [init.projectionPort],
    });
    const host = new EngineHost(worker);
    const lastSeq = await new Promise<number>((resolve, reject) => {
      const onError = (error: Error) => reject(engineFailed(error));
      worker.once('error', onError);
      worker.once('message', (message: FromWorker) => {
        worker.off('error', onError);
        if (message.kind === 'ready') resolve(message.lastSeq);
        else
          reject(new CoreError('ENGINE_FAILED', `engine worker sent ${message.kind} before ready`));
      });
    });
    host.#listen();
    return { host, lastSeq };
  }

  /** Requests posted and not yet answered. */
  get outstanding(): number {
    return this.#pending.length - this.#head;
  }

  /**
   * `commands`: a command batch whose buffer is its own; it is moved to the worker, not copied, and
   * unusable here afterwards. `project`: also send the batch and its events to the read models
   * (needs `events`).
   */
  apply(commands: Uint8Array, events: boolean, project = false): Promise<AppliedReply> {
    const transfer = [commands.buffer as ArrayBuffer];
    return this.#request(
      (id) => ({ kind: 'apply', id, commands, events, project: project && events }),
      transfer,
    ).then((m) => {
      if (m.kind !== 'applied') throw unexpected(m);
      const { lastSeq, events, eventEnds, busyMs, nextDueTs, hashes } = m;
      return { lastSeq, events, eventEnds, busyMs, nextDueTs, hashes };
    });
  }

  query<N extends QueryName>(name: N, args: QueryArgs[N]): Promise<unknown> {
    return this.#request((id) => ({ kind: 'query', id, name, args: [...args] })).then((m) => {
      if (m.kind === 'failed') throw new Error(m.message);
      if (m.kind !== 'result') throw unexpected(m);
      return m.value;
    });
  }

  /**
   * The engine's snapshot: resolves once the engine thread has copied its state at `seq`, with the
   * bytes still being encoded on the encoder thread (`bytes` may reject: that snapshot is lost).
   */
  snapshot(): Promise<{ seq: number; bytes: Promise<Uint8Array> }> {
    return this.#request((id) => ({ kind: 'snapshot', id })).then((m) => {
      if (m.kind !== 'snapshot') throw unexpected(m);
      const bytes = this.#encoder.encode(m.capture);
      // Awaited by the caller later, maybe after other waits: a failure is not unhandled meanwhile.
      bytes.catch(() => {});
      return { seq: m.seq, bytes };
    });
  }

  async terminate(): Promise<void> {
    this.#terminating = true;
    await this.#encoder.terminate();
    await this.#worker.terminate();
    this.#failAll(new CoreError('CORE_CLOSED', 'engine worker stopped'));
  }

  #request(build: (id: number) => ToWorker, transfer?: ArrayBuffer[]): Promise<FromWorker> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    const id = this.#nextId++;
    return new Promise<FromWorker>((resolve, reject) => {
      this.#pending.push({ id, resolve, reject });
      this.#worker.postMessage(build(id), transfer);
    });
  }

  #listen(): void {
    this.#worker.on('message', (message: FromWorker) => {
      const pending = this.#pending[this.#head];
      if (pending === undefined || !('id' in message) || message.id !== pending.id) {
        this.#fail(
          new CoreError('ENGINE_FAILED', `engine worker reply out of order (${message.kind})`),
        );
        return;
      }
      this.#pending[this.#head++] = undefined as unknown as Pending;
      if (this.#head > 1024 && this.#head * 2 > this.#pending.length) {
        this.#pending.splice(0, this.#head);
        this.#head = 0;
      }
      pending.resolve(message);
    });
    this.#worker.on('error', (error) => this.#fail(engineFailed(error)));
    this.#worker.on('exit', (code) => {
      if (!this.#terminating) {
        this.#fail(new CoreError('ENGINE_FAILED', `engine worker exited with code ${code}`));
      }
    });
  }

  #fail(error: Error): void {
    if (this.#failure !== undefined) return;
    this.#failAll(error);
    this.onFailure(error);
  }

  #failAll(error: Error): void {
    this.#failure ??= error;
    const pending = this.#pending.slice(this.#head);
    this.#pending.length = 0;
    this.#head = 0;
    for (const p of pending) p.reject(error);
  }
}

function engineFailed(error: unknown): CoreError {
  const message = error instanceof Error ? error.message : String(error);
  return new CoreError('ENGINE_FAILED', `engine worker failed: ${message}`, { cause: error });
}

function unexpected(message: FromWorker): Error {
  return new CoreError('ENGINE_FAILED', `unexpected engine worker reply ${message.kind}`);
}
