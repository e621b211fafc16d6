// Scheduling preferences for the calling thread only. Linux schedules threads as tasks: setpriority()
// and sched_setscheduler() on a thread id change just that thread, and `/proc/thread-self` names the
// caller's id. Elsewhere (or without /proc) these do nothing: priority is a preference, not a
// correctness matter.

import { execFileSync } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** Linux's SCHED_IDLE policy number (sched.h). */
export const SCHED_IDLE = 5;

function thisThreadId(): number | undefined {
  const tid = Number(readlinkSync('/proc/thread-self').split('/').at(-1));
  return Number.isSafeInteger(tid) && tid > 0 ? tid : undefined;
}

export function lowerThisThreadPriority(nice: number): boolean {
  if (nice <= 0 || process.platform !== 'linux') return false;
  try {
    const tid = thisThreadId();
    if (tid === undefined) return false;
    const wanted = Math.min(nice, 19);
    if (getPriority(tid) >= wanted) return false; // never raises a priority someone else lowered
    setPriority(tid, wanted);
    return true;
  } catch {
    return false;
  }
}

/** The scheduling policy of the calling thread (field 41 of its stat), or undefined off Linux. */
export function thisThreadPolicy(): number | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'latin1');
    // Fields after the command name, which is in parentheses and may itself contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const policy = Number(fields[41 - 3]);
    return Number.isSafeInteger(policy) ? policy : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Puts the calling thread under SCHED_IDLE: it runs only on a core no ordinary thread wants, and an
 * ordinary thread that wakes takes the core at once. Niceness alone still gives a busy background
 * thread a share of the core and a slice to finish before the woken thread runs; on two cores that
 * showed as milliseconds of delay on order acks. Node has no binding for sched_setscheduler, so this
 * asks util-linux's `chrt` (present on every Debian system) to set it for this thread's id; Linux
 * lets any thread lower itself to SCHED_IDLE without privileges. Returns whether the thread is idle.
 */
export function idleThisThread(): boolean {
  if (process.platform !== 'linux') return false;
  try {
    if (thisThreadPolicy() === SCHED_IDLE) return true;
    const tid = thisThreadId();
    if (tid === undefined) return false;
    execFileSync('chrt', ['--idle', '-p', '0', String(tid)], { stdio: 'ignore', timeout: 5_000 });
    return thisThreadPolicy() === SCHED_IDLE;
  } catch {
    return false;
  }
}
