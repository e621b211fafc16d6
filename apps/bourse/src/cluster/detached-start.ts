// Starting a cluster's server programs (etcd, nats-server, HAProxy) detached from `bourse cluster up`,
// and waiting until they serve. A program that ends during the wait (most often: its port is taken)
// fails the wait at once with the end of its log, instead of the wait running out, or a quorum of the
// others hiding it until a later fault needs the missing member.

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';

/** Most time a started program gets to serve; a busy 2-core machine is slow, never this slow. */
export const READY_MS = 120_000;

export interface DetachedProgram {
  readonly name: string;
  readonly pid: number;
  readonly log: string;
  /** The log's length before the start: a restarted program appends to its old log. */
  readonly logFrom: number;
  readonly child: ChildProcess;
}

/**
 * Starts a program detached from this process, its output appended to `log`, behind `prefix` (the
 * `chrt` words of its scheduling policy, order-path-priority.ts).
 */
export function startDetached(
  name: string,
  file: string,
  args: readonly string[],
  log: string,
  env: Readonly<Record<string, string>> = {},
  prefix: readonly string[] = [],
): DetachedProgram {
  const logFrom = existsSync(log) ? statSync(log).size : 0;
  const out = `>>'${log.replaceAll("'", "'\\''")}' 2>&1`;
  const quoted = [...prefix, file, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  // `exec`: the pid is the program's, so its exit is seen here and `down` signals the program itself.
  const child = spawn('sh', ['-c', `exec ${quoted} ${out}`], {
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, ...env },
  });
  child.unref();
  return { name, pid: child.pid!, log, logFrom, child };
}

/** What the program wrote to its log since this start. */
export function logSince(program: DetachedProgram): string {
  return existsSync(program.log)
    ? readFileSync(program.log).subarray(program.logFrom).toString()
    : '';
}

/** Why a started program is gone (its exit code and the end of its log); undefined while it runs. */
export function exitedWhy(program: DetachedProgram): string | undefined {
  const { child } = program;
  if (child.exitCode === null && child.signalCode === null) return undefined;
  const log = logSince(program).slice(-2_000);
  return `${program.name} exited (${child.exitCode ?? child.signalCode}) while starting:\n${log}`;
}

/**
 * Resolves once `check` answers true; rejects when one of `started` ended, or after `READY_MS`.
 * `started` are the programs the check waits for: one gone would never make it true.
 */
export async function waitServing(
  what: string,
  started: readonly DetachedProgram[],
  check: () => Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + READY_MS;
  const failed = () => {
    const why = started.map(exitedWhy).find((w) => w !== undefined);
    if (why !== undefined) throw new Error(why);
  };
  for (;;) {
    failed();
    if (await check().catch(() => false)) break;
    if (Date.now() > deadline) throw new Error(`${what} did not come up in time`);
    await new Promise((r) => setTimeout(r, 200));
  }
  failed();
}

export const portOpen = (port: number) =>
  new Promise<boolean>((ok) => {
    const s = tcpConnect(port, '127.0.0.1');
    s.once('connect', () => {
      s.end();
      ok(true);
    });
    s.once('error', () => ok(false));
  });
