// The thread that turns the engine thread's snapshot captures into snapshot bytes (`encodeSnapshot`),
// so the engine thread stops only to copy its state: sorting the accounts, the columns' widths and
// the walks of the queues run here while orders go on. Started at the first snapshot and kept (one
// snapshot every `snapshotEvery` commands), at a lower priority than order entry: a snapshot can wait
// for an order, not the other way round. A failed encoding loses that snapshot only.

import { Worker } from 'node:worker_threads';
import { captureBuffers, type SnapshotCapture } from '@bourse/engine';
import { CoreError } from './core-error.ts';

/** Niceness of the encoder thread: as the read models' (it writes nothing an order waits for). */
export const SNAPSHOT_ENCODER_NICE = 10;

export type ToEncoder = { readonly id: number; readonly capture: SnapshotCapture };
export type FromEncoder =
  | { readonly id: number; readonly bytes: Uint8Array }
  | { readonly id: number; readonly error: string };

interface Pending {
  readonly resolve: (bytes: Uint8Array) => void;
  readonly reject: (error: Error) => void;
}

export class SnapshotEncoder {
  #worker: Worker | undefined;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;

  /** The snapshot's bytes; the capture's buffers move to the encoder thread. */
  encode(capture: SnapshotCapture): Promise<Uint8Array> {
    const worker = this.#worker ?? this.#start();
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      const message: ToEncoder = { id, capture };
      worker.postMessage(message, captureBuffers(capture));
    });
  }

  async terminate(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    this.#failAll(new CoreError('CORE_CLOSED', 'snapshot encoder stopped'));
    await worker?.terminate();
  }

  #start(): Worker {
    const worker = new Worker(new URL('./snapshot-encoder-worker.ts', import.meta.url), {
      workerData: { nice: SNAPSHOT_ENCODER_NICE },
    });
    // Idle between snapshots: it must not keep a process alive that has nothing else to do.
    worker.unref();
    worker.on('message', (m: FromEncoder) => {
      const pending = this.#pending.get(m.id);
      this.#pending.delete(m.id);
      if ('bytes' in m) pending?.resolve(m.bytes);
      else pending?.reject(new CoreError('ENGINE_FAILED', `snapshot encoding failed: ${m.error}`));
    });
    const lost = (error: Error) => {
      if (this.#worker !== worker) return;
      this.#worker = undefined;
      this.#failAll(error);
    };
    worker.on('error', (error) => lost(error));
    worker.on('exit', (code) =>
      lost(new CoreError('ENGINE_FAILED', `snapshot encoder exited with code ${code}`)),
    );
    this.#worker = worker;
    return worker;
  }

  #failAll(error: Error): void {
    for (const p of this.#pending.values()) p.reject(error);
    this.#pending.clear();
  }
}
