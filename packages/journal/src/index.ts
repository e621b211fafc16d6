// Public surface of the journal package: the file journal with group commit, its offline verifier,
// the snapshot store, and the corruption and lock errors.

export { JournalLockedError, LOCK_FILE_NAME } from './directory-lock.ts';
export {
  DEFAULT_HIGH_WATER_EVERY_MS,
  FileJournal,
  type OpenOptions,
  type OpenResult,
} from './file-journal.ts';
export { HIGH_WATER_FILE_NAME, type HighWater, readHighWater } from './high-water-mark.ts';
export type { DamageKind, ScanProblem } from './journal-scan.ts';
export { JOURNAL_CORRUPT, JournalCorruptError } from './journal-corrupt-error.ts';
export {
  DEFAULT_SEGMENT_BYTES,
  MAX_PAYLOAD_BYTES,
  segmentFileName,
} from './journal-format.ts';
export {
  DEFAULT_SNAPSHOTS_KEPT,
  SnapshotStore,
  type SnapshotStoreOptions,
  snapshotFileName,
} from './snapshot-store.ts';
export {
  ensurePrivateFile,
  makePrivateDir,
  PRIVATE_DIR_MODE,
  PRIVATE_FILE_MODE,
} from './private-files.ts';
export { type JournalRecord, readJournal, readRecords } from './read-records.ts';
export { type RepairOptions, type RepairResult, repairJournal } from './repair-journal.ts';
export { type VerifyReport, verifyJournal } from './verify-journal.ts';
