// What the embedded exchange core is built from (open-exchange-core.ts assembles them): the journal
// and its file, snapshots, the engine's thread, the read models and the settings the sequencer reads.

import type { SnapshotStore } from '@bourse/journal';
import type { ReadModels } from '@bourse/projections';
import type { AuditCheckpointer } from './audit-checkpointer.ts';
import type { StallSource } from './core-health.ts';
import type { EngineHost } from './engine-host.ts';
import type { CoreJournal, CoreMetrics } from './exchange-core.ts';
import type { HistoryReader } from './history-reader.ts';
import type { ReadModelSink } from './read-model-feeder.ts';

export interface CoreParts {
  readonly journal: CoreJournal;
  /**
   * The local file journal under `journal`, whose stalls (disk full) the core reports and whose
   * chain hash each snapshot records.
   */
  readonly storage: StallSource & {
    chainAt(seq: number): Uint8Array | undefined;
    readonly durableSeq: number;
  };
  readonly snapshots: SnapshotStore;
  readonly host: EngineHost;
  /** Read side of the read models, on this thread; the feeder's worker writes them. */
  readonly readModels: ReadModels;
  readonly feeder: ReadModelSink;
  /** Shared with the feeder, which keeps the projection lag in it. */
  readonly metrics: CoreMetrics;
  /** Last seq in the journal (all of it durable and applied by the engine). */
  readonly lastSeq: number;
  /** `ts` of the last journaled command, so timestamps never go backwards across a restart. */
  readonly lastTs: number;
  readonly clock: () => number;
  readonly snapshotEvery: number;
  /** Most commands sequenced and not yet acknowledged; more are refused with `OVERLOADED`. */
  readonly maxQueuedCommands: number;
  /** The read models' SQLite file, marked cleanly closed at shutdown (see read-db-guard.ts). */
  readonly readDbPath: string | undefined;
  /** Submit journaled ticks for time-driven work (false on a cluster standby until it leads). */
  readonly ticking: boolean;
  /** Told the engine's state hash at every multiple of the worker's `hashEvery` it applies. */
  readonly onStateHash: ((seq: number, hash: string) => void) | undefined;
  /** Time-travel reads over this core's snapshots and journal. */
  readonly history: HistoryReader;
  /** Signs the journal's chain hash now and then, and at close after the last commit. */
  readonly audit?: AuditCheckpointer;
  /** Record each command's stage times on its AppliedCommand (for tracing; off by default). */
  readonly recordTimings?: boolean;
  /**
   * Keep each applied command's events as the engine thread's bytes, decoded when first read
   * (`EncodedApplied`): for a cluster node, which forwards the bytes and seldom reads the events.
   */
  readonly lazyEvents?: boolean;
}
