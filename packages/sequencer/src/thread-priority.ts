// Lowers the scheduling priority of the calling thread only. Linux schedules threads as tasks, and
// setpriority() on a thread id changes just that thread; `/proc/thread-self` names the caller's id.
// Elsewhere (or without /proc) this does nothing: the priority is a preference, not a correctness matter.

import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

export function lowerThisThreadPriority(nice: number): boolean {
  if (nice <= 0 || process.platform !== 'linux') return false;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').at(-1));
    if (!Number.isSafeInteger(tid) || tid <= 0) return false;
    const wanted = Math.min(nice, 19);
    if (getPriority(tid) >= wanted) return false; // never raises a priority someone else lowered
    setPriority(tid, wanted);
    return true;
  } catch {
    return false;
  }
}
