// Public surface of the exchange core: the port the gateway uses, the factory that opens a data
// directory as a running core, and the offline data-directory operations for the CLI.
export type * from './exchange-core.ts';
export { ensurePrivateFile, makePrivateDir, PRIVATE_FILE_MODE } from '@bourse/journal';
export {
  auditDataDir,
  auditPublicKey,
  type DataDirAudit,
  newestCheckpoint,
} from './audit-data-dir.ts';
export { DEFAULT_CHECKPOINT_EVERY_MS } from './audit-checkpointer.ts';
export {
  decodeCommand,
  decodeCommandJson,
  encodeCommandJson,
  encodeCommandRecord,
} from './command-codec.ts';
export { dataDirLayout, ensureDataDir, resolveEngineConfig } from './data-dir.ts';
export { CORE_ERROR_CODES, CoreError, type CoreErrorCode } from './core-error.ts';
export { EncodedApplied } from './encoded-applied.ts';
export {
  type DataDirRepair,
  type DataDirReport,
  type ProgressListener,
  type ReplayResult,
  repairDataDir,
  replayDataDir,
  snapshotDataDir,
  verifyDataDir,
} from './data-dir-tools.ts';
export {
  DEFAULT_MAX_QUEUED_COMMANDS,
  DEFAULT_SNAPSHOT_EVERY,
  type OpenExchangeCoreOptions,
  openExchangeCore,
} from './open-exchange-core.ts';
export { ACK_STAGE_BOUNDS_SECONDS } from './ack-stages.ts';
export { COALESCE, type Coalescing } from './read-model-feeder.ts';
export { countReject, createCoreMetrics } from './core-metrics.ts';
export { EventLoopDelaySampler } from './event-loop-delay.ts';
export {
  processTimeline,
  TIMELINE_KINDS,
  type TimelineFigure,
  type TimelineKind,
  type TimelineReport,
  type TimelineWindow,
} from './timeline.ts';
export {
  createGcMetrics,
  foldGcRecords,
  type GcKind,
  type GcMetrics,
  type GcRecord,
  GcSampler,
} from './gc-sampler.ts';
export {
  createHistogram,
  LATENCY_BOUNDS_SECONDS,
  observe,
  observeMany,
  STAGE_BOUNDS_SECONDS,
} from './histogram.ts';
export { MetricFamilies, type Read } from './metric-families.ts';
export type { ReplayProgress } from './replay-into-worker.ts';
export { describeReadDb, type ReadDb } from './read-db.ts';
export {
  type EngineAt,
  engineAt,
  HistoryError,
  type HistoryErrorCode,
  type HistoryQuery,
  type HistorySource,
  type HistoryState,
  type HistoryTarget,
  appliedRange,
  stateAt,
  withDataDirHistory,
} from './time-travel.ts';
export type { HistoryTrade } from './time-travel-trades.ts';
