// The read models' SQLite file is written with synchronous=OFF: its fsyncs would otherwise queue on the
// same disk as the journal's and stall acknowledgements (measured: 20-30 ms ack spikes every second or
// so at any load). That is safe because the read models are a projection of the journal: a process
// crash loses nothing, and after an OS crash or power cut the file may be behind (re-projected) or,
// rarely, damaged. So a clean shutdown leaves a marker; a start without one checks the file and, if the
// check fails, sets it aside to be rebuilt from the journal.

import { DatabaseSync } from 'node:sqlite';
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { PRIVATE_FILE_MODE } from '@bourse/journal';

export type ReadDbState = 'fresh' | 'clean' | 'checked' | 'rebuilt';

function markerPath(dbPath: string): string {
  return `${dbPath}.clean`;
}

/** Call before opening the read models; the marker is removed so a crash from now on is noticed. */
export function guardReadDbOnOpen(dbPath: string, now: number): ReadDbState {
  const marker = markerPath(dbPath);
  if (!existsSync(dbPath)) {
    rmSync(marker, { force: true });
    return 'fresh';
  }
  if (existsSync(marker)) {
    rmSync(marker, { force: true });
    return 'clean';
  }
  if (passesQuickCheck(dbPath)) return 'checked';
  setReadDbAside(dbPath, `damaged-${now}`);
  return 'rebuilt';
}

/**
 * Renames the read models' files to `<db>.<label>` (kept for inspection), so the next open starts
 * them afresh and re-projects the journal.
 */
export function setReadDbAside(dbPath: string, label: string): boolean {
  rmSync(markerPath(dbPath), { force: true });
  let moved = false;
  for (const suffix of ['', '-wal', '-shm']) {
    if (!existsSync(dbPath + suffix)) continue;
    renameSync(dbPath + suffix, `${dbPath}.${label}${suffix}`);
    moved = true;
  }
  return moved;
}

/** Call after the read models are closed for good. */
export function markReadDbClean(dbPath: string): void {
  if (existsSync(dbPath)) writeFileSync(markerPath(dbPath), '', { mode: PRIVATE_FILE_MODE });
}

function passesQuickCheck(dbPath: string): boolean {
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(dbPath);
    const rows = db.prepare('PRAGMA quick_check').all() as { quick_check?: unknown }[];
    return rows.length === 1 && rows[0]!.quick_check === 'ok';
  } catch {
    return false;
  } finally {
    db?.close();
  }
}
