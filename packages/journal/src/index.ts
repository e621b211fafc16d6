// Public surface of the journal package: the file journal with group commit, its offline verifier,
// the snapshot store, and the corruption and lock errors.

export {
  type AuditCheckpoint,
  CHECKPOINTS_FILE_NAME,
  CheckpointWriter,
  checkSignature,
  parseCheckpoint,
  readCheckpoints,
  setCheckpointsAside,
} from './audit-checkpoints.ts';
export {
  AUDIT_KEY_FILE_NAME,
  type AuditSigner,
  keyFingerprint,
  loadOrCreateAuditKey,
  publicKeyFromPem,
  publicKeyPem,
  rawPublicKey,
  readAuditKey,
} from './audit-key.ts';
export {
  type AuditProblem,
  type AuditProblemKind,
  type AuditReport,
  type AuditVerifyOptions,
  verifyAudit,
} from './audit-verify.ts';
export { JournalLockedError, LOCK_FILE_NAME } from './directory-lock.ts';
export {
  DEFAULT_HIGH_WATER_EVERY_MS,
  type ChainHead,
  FileJournal,
  type OpenOptions,
  type OpenResult,
  WITHOUT_CHAIN,
} from './file-journal.ts';
export { HIGH_WATER_FILE_NAME, type HighWater, readHighWater } from './high-water-mark.ts';
export type { DamageKind, ScanProblem } from './journal-scan.ts';
export { JOURNAL_CORRUPT, JournalCorruptError } from './journal-corrupt-error.ts';
export {
  CHAIN_BYTES,
  DEFAULT_SEGMENT_BYTES,
  GENESIS_CHAIN,
  MAX_PAYLOAD_BYTES,
  segmentFileName,
} from './journal-format.ts';
export {
  DEFAULT_SNAPSHOTS_KEPT,
  SnapshotStore,
  type SnapshotStoreOptions,
  type StoredSnapshot,
  snapshotFileName,
} from './snapshot-store.ts';
export {
  ensurePrivateFile,
  makePrivateDir,
  PRIVATE_DIR_MODE,
  PRIVATE_FILE_MODE,
} from './private-files.ts';
export {
  type JournalRecord,
  type JournalView,
  journalChunks,
  type RecordChunk,
  readJournal,
  readRecordChunks,
  readRecords,
  visitRecords,
} from './read-records.ts';
export { type RepairOptions, type RepairResult, repairJournal } from './repair-journal.ts';
export { type VerifyReport, verifyJournal } from './verify-journal.ts';
