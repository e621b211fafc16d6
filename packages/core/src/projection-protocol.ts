// Messages of the read-model worker. Batches come straight from the engine worker, which sends
// each batch it applies (the command batch the core sent it and the event batch it computed, in the
// engine's binary codec, transferred) on a port of its own; the core (main thread) only says how far the journal is durable.
// The worker stores a batch once it is durable, so the read models never hold a command a crash could
// take back, and the batch never passes through the main thread a second time.

import type { MessagePort } from 'node:worker_threads';
import type { ReadDb } from './read-db.ts';

export interface ProjectionInit {
  readonly db: ReadDb;
  readonly feeAccountId: number;
  /** Scheduling niceness of the worker thread (0 = as the gateway; higher yields more). */
  readonly nice: number;
  /** Run under SCHED_IDLE where the platform allows (see thread-priority.ts). */
  readonly idle: boolean;
}

/** From the engine worker, in seq order: a batch it applied, possibly not yet durable. */
export interface StagedBatch {
  readonly lastSeq: number;
  /** The batch's commands (a command batch: length-prefixed records). */
  readonly commands: Uint8Array;
  /** One entry of events per command (an event batch). */
  readonly events: Uint8Array;
}

export type ToProjection =
  /** Batches from a (new) engine worker arrive on `port`; any earlier engine port is done. */
  | { readonly kind: 'engine'; readonly port: MessagePort }
  /** Every command up to `seq` is durable: store the batches that end at or before it. */
  | { readonly kind: 'durable'; readonly seq: number }
  /** Store what is durable and staged (waiting for the engine's last batches), close, answer `closed`. */
  | { readonly kind: 'close' };

export type FromProjection =
  /** The seq the read models held when opened; whether the thread got SCHED_IDLE. */
  | { readonly kind: 'ready'; readonly seq: number; readonly idle: boolean }
  | { readonly kind: 'applied'; readonly seq: number }
  | { readonly kind: 'failed'; readonly message: string }
  | { readonly kind: 'closed' };
