// The one rule for the modes of what Bourse writes to a data directory: the journal, snapshots,
// read models and credentials are readable by the owner only, whatever the process umask.
import { chmodSync, closeSync, constants, mkdirSync, openSync } from 'node:fs';

/** Owner read/write: journal segments, snapshots, SQLite files, markers, private keys. */
export const PRIVATE_FILE_MODE = 0o600;
/** Owner only: the data directory and every directory under it. */
export const PRIVATE_DIR_MODE = 0o700;

/**
 * Creates `dir` (and missing parents) 0700. An existing directory keeps its mode: tightening a
 * directory the operator set up (e.g. shared with a backup user) is theirs to decide.
 */
export function makePrivateDir(dir: string): void {
  const created = mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  // mkdir applies the umask, which may have cleared owner bits; set the mode exactly.
  if (created !== undefined) chmodSync(created, PRIVATE_DIR_MODE);
  if (created !== undefined && created !== dir) chmodSync(dir, PRIVATE_DIR_MODE);
}

/**
 * Creates an empty `path` 0600 unless it exists, so a library that creates the file itself
 * (SQLite, which then gives its -wal and -shm files the same mode) finds it private.
 */
export function ensurePrivateFile(path: string): void {
  let fd: number;
  try {
    fd = openSync(
      path,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL,
      PRIVATE_FILE_MODE,
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw error;
  }
  closeSync(fd);
}
