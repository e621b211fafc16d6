// Keeps two writers off one journal directory: a `journal.lock` file created exclusively and
// holding the owner's pid. A lock whose process is gone (a crash, SIGKILL) is stale and is taken
// over; node has no flock, so a pid reused by an unrelated process needs the operator to remove the
// file.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PRIVATE_FILE_MODE } from './private-files.ts';

export const LOCK_FILE_NAME = 'journal.lock';

/** Lock files this process holds, so a second open here is refused even though our pid is alive. */
const heldHere = new Set<string>();

export class JournalLockedError extends Error {
  readonly code = 'JOURNAL_LOCKED';
  readonly path: string;

  constructor(path: string, pid: number) {
    super(
      `journal is in use by process ${pid} (lock ${path}); stop it, or remove the file if that ` +
        'process is not a Bourse journal writer',
    );
    this.name = 'JournalLockedError';
    this.path = path;
  }
}

/** Takes the lock for `dir` or throws {@link JournalLockedError}; returns its release function. */
export function lockDirectory(dir: string): () => void {
  const path = join(dir, LOCK_FILE_NAME);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: 'wx', mode: PRIVATE_FILE_MODE });
      heldHere.add(path);
      return () => {
        heldHere.delete(path);
        rmSync(path, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number.parseInt(readFileOrEmpty(path), 10);
    // Pid 0 or below would address a process group, and an empty file is a crash mid-create.
    if (Number.isSafeInteger(owner) && owner > 0 && isAlive(owner, path)) {
      throw new JournalLockedError(path, owner);
    }
    rmSync(path, { force: true }); // stale: its writer is gone
  }
  throw new Error(`could not take the journal lock ${path}`);
}

function isAlive(pid: number, path: string): boolean {
  // Our own pid in a file we did not write is a previous incarnation (e.g. pid 1 in a container).
  if (pid === process.pid) return heldHere.has(path);
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readFileOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
