// Messages between the core (main thread) and the engine worker. The worker handles them strictly in
// arrival order and answers each one in the same order, so a query posted after a batch sees its effects.
// Batches travel in the engine's binary codec: commands as their journal records, each preceded by its
// length (`writeFramedRecord`), events as one event batch (`writeCommandEvents`), in buffers moved
// between the threads (transferred, not copied), so no message is serialised as JSON.

import type { MessagePort } from 'node:worker_threads';
import type { EngineConfig, SnapshotCapture } from '@bourse/engine';

/** Data the worker is started with (`workerData`). */
export interface WorkerInit {
  readonly config: EngineConfig;
  /** Engine snapshot to restore, or undefined to start empty. */
  readonly snapshot: Uint8Array | undefined;
  /** Where batches applied with `project` go: the read-model worker (see projection-protocol.ts). */
  readonly projectionPort?: MessagePort | undefined;
  /**
   * Compute the state hash after every command whose seq is a multiple of this (0 or absent: never),
   * so cluster nodes can compare their states at exactly the same seqs.
   */
  readonly hashEvery?: number | undefined;
}

/** The query methods the worker answers, by name, with their argument lists. */
export interface QueryArgs {
  balances: [accountId: number];
  positions: [accountId: number];
  order: [orderId: number];
  openOrders: [accountId: number, instrumentId: number | undefined];
  queuePosition: [orderId: number];
  queuePositions: [accountId: number, instrumentId: number | undefined];
  book: [instrumentId: number, depth: number | undefined];
  instrument: [instrumentId: number];
  instruments: [];
  accounts: [];
  stateHash: [];
  verify: [];
  exchangeStatus: [];
  /** When the engine next has work of its own (GTD expiry, a market schedule), or null. */
  nextDueTs: [];
  orderGroups: [accountId: number];
  orderGroup: [groupId: number];
}

export type QueryName = keyof QueryArgs;

export type ToWorker =
  /**
   * `commands`: a command batch in a buffer of its own (transferred). With `events`, the reply
   * carries each command's events; with `project` as well, the commands and events also go to the
   * projection port, so the read models get them without the main thread copying them again.
   */
  | {
      readonly kind: 'apply';
      readonly id: number;
      readonly commands: Uint8Array;
      readonly events: boolean;
      readonly project: boolean;
    }
  | {
      readonly kind: 'query';
      readonly id: number;
      readonly name: QueryName;
      readonly args: unknown[];
    }
  | { readonly kind: 'snapshot'; readonly id: number };

export type FromWorker =
  | { readonly kind: 'ready'; readonly lastSeq: number }
  /** `events`: an event batch, one entry per command (null when not requested). */
  | {
      readonly kind: 'applied';
      readonly id: number;
      readonly lastSeq: number;
      readonly events: Uint8Array | null;
      /** With `events`: where each command's entry of the event batch ends (offsets into it). */
      readonly eventEnds: Uint32Array | null;
      /** CPU milliseconds the batch took on the engine thread (decode, apply, encode events). */
      readonly busyMs: number;
      /** The engine's `nextDueTs()` after the batch (null for none). */
      readonly nextDueTs: number | null;
      /** `[seq, stateHash]` for each multiple of `hashEvery` this batch reached. */
      readonly hashes: [number, string][];
    }
  | { readonly kind: 'result'; readonly id: number; readonly value: unknown }
  | {
      readonly kind: 'snapshot';
      readonly id: number;
      readonly seq: number;
      /** The state at `seq`, copied between two batches; encoded into bytes off the engine thread. */
      readonly capture: SnapshotCapture;
    }
  | { readonly kind: 'failed'; readonly id: number; readonly message: string };
