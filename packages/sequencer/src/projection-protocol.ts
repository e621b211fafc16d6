// Messages between the core (main thread) and the read-model worker. Batches are JSON text: the command
// array the core sent to the engine and the per-command event arrays the engine sent back.

export interface ProjectionInit {
  readonly path: string;
  readonly feeAccountId: number;
}

export type ToProjection =
  | { readonly kind: 'apply'; readonly commands: string; readonly events: string }
  /** Store what is queued, close the database, answer `closed`. */
  | { readonly kind: 'close' };

export type FromProjection =
  /** The seq the read models held when opened. */
  | { readonly kind: 'ready'; readonly seq: number }
  | { readonly kind: 'applied'; readonly seq: number }
  | { readonly kind: 'failed'; readonly message: string }
  | { readonly kind: 'closed' };
