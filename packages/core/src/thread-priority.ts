// Scheduling preferences: for the calling thread, and (lowerProcessTree) for a process tree such as a
// cluster's background processes. Linux schedules threads as tasks: setpriority() and
// sched_setscheduler() on a thread id change just that thread, and `/proc/thread-self` names the
// caller's id. Elsewhere (or without /proc) these do nothing: priority is a preference, not a
// correctness matter.

import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
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

function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** The processes of a tree (Linux /proc), each with its threads' ids; a process gone meanwhile is left out. */
function processTree(pid: number): { pid: number; threads: number[] }[] {
  const found: { pid: number; threads: number[] }[] = [];
  const visit = (p: number) => {
    let threads: number[];
    try {
      threads = readdirSync(`/proc/${p}/task`).map(Number);
    } catch {
      return;
    }
    found.push({ pid: p, threads });
    for (const t of threads) {
      let children = '';
      try {
        children = readFileSync(`/proc/${p}/task/${t}/children`, 'latin1');
      } catch {}
      for (const c of children.split(' ')) if (c !== '') visit(Number(c));
    }
  };
  visit(pid);
  return found;
}

const autogroupOf = (pid: number | 'self') =>
  readFileSync(`/proc/${pid}/autogroup`, 'latin1').split(' ')[0];

/**
 * Sets the niceness of a session's autogroup. Linux (kernel.sched_autogroup_enabled, on by default)
 * shares the CPU between sessions first and weighs a thread's own niceness only against the threads of
 * its session, so a process that called setsid (a detached daemon, every PostgreSQL backend) gets a
 * whole session's share at any niceness; the autogroup's niceness is what weighs the session. Linux
 * lets an unprivileged owner write it once per 100 ms machine-wide, hence the retries.
 */
async function lowerAutogroup(pid: number, nice: number): Promise<boolean> {
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      const current = /nice (-?\d+)/.exec(readFileSync(`/proc/${pid}/autogroup`, 'latin1'));
      if (current !== null && Number(current[1]) >= nice) return false;
      writeFileSync(`/proc/${pid}/autogroup`, String(nice));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') return false;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return false;
}

/**
 * Lowers a process and every process under it to `nice` (0–19; never raises one): each thread's
 * niceness, and the autogroup of each process that leads a session of its own (see lowerAutogroup;
 * the caller's session only when the caller leads it). Threads and processes started later by a lowered thread inherit its niceness, not
 * the autogroup's: a process that makes a session of its own later needs lowering again. Answers how
 * many processes were lowered; nothing happens off Linux or where it is not permitted.
 */
export async function lowerProcessTree(pid: number, nice: number): Promise<number> {
  if (nice <= 0 || process.platform !== 'linux') return 0;
  const wanted = Math.min(nice, 19);
  let own: string | undefined;
  try {
    own = autogroupOf('self');
  } catch {}
  let lowered = 0;
  for (const p of processTree(pid)) {
    let changed = false;
    for (const tid of p.threads) {
      try {
        if (getPriority(tid) < wanted) {
          setPriority(tid, wanted);
          changed = true;
        }
      } catch {}
    }
    const leadsSession = statFields(p.pid)?.[6 - 3] === String(p.pid);
    // The caller's own session is lowered only when the caller itself is the session's leader.
    let separate = p.pid === process.pid;
    try {
      separate ||= own !== undefined && autogroupOf(p.pid) !== own;
    } catch {}
    if (leadsSession && separate && (await lowerAutogroup(p.pid, wanted))) changed = true;
    if (changed) lowered++;
  }
  return lowered;
}
