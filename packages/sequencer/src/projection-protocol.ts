// Messages between the core (main thread) and the read-model worker. Batches are JSON text: the command
// array the core sent to the engine and the per-command event arrays the engine sent back.

export interface ProjectionInit {
  readonly path: string;
  readonly feeAccountId: number;
  /** Scheduling niceness of the worker thread (0 = as the gateway; higher yields more). */
  readonly nice: number;
  /** Run under SCHED_IDLE where the platform allows (see thread-priority.ts). */
  readonly idle: boolean;
}

export type ToProjection =
  /** Chunks in seq order: `commands[i]` is a JSON command array, `events[i]` its event arrays. */
  | {
      readonly kind: 'apply';
      readonly commands: readonly string[];
      readonly events: readonly string[];
    }
  /** Store what is queued, close the database, answer `closed`. */
  | { readonly kind: 'close' };

export type FromProjection =
  /** The seq the read models held when opened; whether the thread got SCHED_IDLE. */
  | { readonly kind: 'ready'; readonly seq: number; readonly idle: boolean }
  | { readonly kind: 'applied'; readonly seq: number }
  | { readonly kind: 'failed'; readonly message: string }
  | { readonly kind: 'closed' };
