// Public surface of the journal package: the file journal with group commit, its offline verifier,
// the snapshot store, and the corruption and lock errors.

export { JournalLockedError, LOCK_FILE_NAME } from './directory-lock.ts';
export { FileJournal, type OpenOptions, type OpenResult } from './file-journal.ts';
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
export { type JournalRecord, readJournal } from './read-records.ts';
export { type VerifyReport, verifyJournal } from './verify-journal.ts';
