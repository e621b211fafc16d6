// Starts a `bourse` subcommand (an engine node, a gateway, the projector) as a child process and waits
// for the one JSON line `{"event":"ready",…}` it prints once serving. Used by `bourse cluster up` and
// the cluster tests; the caller owns the child and must kill it.

import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SERVE_NODE_FLAGS } from '../serve-node-flags.ts';

export const BOURSE_MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));

export interface ReadyChild {
  readonly child: ChildProcess;
  /** The ready line, parsed (url, pid, node, …). */
  readonly ready: Record<string, unknown>;
}

export interface SpawnOptions {
  /** Where the child's output (its log and ready line) goes; inherited/piped when absent. */
  readonly logFile?: string;
  /** How long to wait for the ready line (default 60 s). */
  readonly timeoutMs?: number;
  /** Keep running when this process exits (cluster up); default false. */
  readonly detached?: boolean;
  /** Words the program starts behind (`chrt …`, order-path-priority.ts); it execs, keeping the pid. */
  readonly prefix?: readonly string[];
}

export function spawnBourse(args: readonly string[], opts: SpawnOptions = {}): Promise<ReadyChild> {
  // With a log file both streams go there (a detached child outlives any pipe to this process) and
  // the file is watched for the ready line; without one, stdout is read through a pipe.
  const log = opts.logFile === undefined ? undefined : openSync(opts.logFile, 'a');
  // A restarted process appends to its old log: only what it writes from now on counts.
  const from = log === undefined ? 0 : fstatSync(log).size;
  // The server's V8 flags, for the reasons in serve-node-flags.ts: on one machine a cluster runs ten
  // Node processes, and each one's parallel GC helpers would compete for the same cores.
  const [file, ...before] = [...(opts.prefix ?? []), process.execPath];
  const child = spawn(file!, [...before, ...SERVE_NODE_FLAGS, BOURSE_MAIN, ...args], {
    stdio: ['ignore', log ?? 'pipe', log ?? 'inherit'],
    detached: opts.detached ?? false,
  });
  if (log !== undefined) closeSync(log);
  return new Promise((resolve, reject) => {
    let out = '';
    let poll: NodeJS.Timeout | undefined;
    const finish = (error: Error | undefined, ready?: Record<string, unknown>) => {
      clearTimeout(timer);
      if (poll !== undefined) clearInterval(poll);
      child.off('exit', onExit);
      if (error !== undefined) reject(error);
      else resolve({ child, ready: ready! });
    };
    const look = () => {
      for (const line of out.split('\n')) {
        if (!line.startsWith('{"event":"ready"')) continue;
        finish(undefined, JSON.parse(line) as Record<string, unknown>);
        return true;
      }
      return false;
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(new Error(`bourse ${args.join(' ')} was not ready in time:\n${out.slice(-2_000)}`));
    }, opts.timeoutMs ?? 60_000);
    const onExit = (code: number | null) => {
      if (opts.logFile !== undefined) out = readFileSync(opts.logFile).subarray(from).toString();
      finish(new Error(`bourse ${args.join(' ')} exited with ${code}:\n${out.slice(-2_000)}`));
    };
    child.once('exit', onExit);
    if (opts.logFile !== undefined) {
      const file = opts.logFile;
      poll = setInterval(() => {
        out = readFileSync(file).subarray(from).toString();
        look();
      }, 50);
      return;
    }
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (look()) {
        // Keep reading so a chatty child never blocks on a full pipe.
        child.stdout!.removeAllListeners('data');
        child.stdout!.resume();
      }
    });
  });
}
