// What `bourse cluster up` started, kept in `<data-dir>/cluster.json` so `status` and `down` find every
// process, and a second `up` reuses the same ports (clients, HAProxy and etcd peers expect them).

import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ProcessEntry {
  readonly name: string;
  /** etcd | nats | postgres | node | projector | gateway | haproxy | demo */
  readonly kind: string;
  pid: number;
  readonly log: string;
  /** The address it serves, when it serves one (a gateway's URL, etcd's client URL, …). */
  readonly url?: string;
  /** How to start it again: the program and its arguments (`bourse` for a bourse subcommand). */
  readonly command?: readonly string[];
  /** Variables set in its environment on top of this process's (nats-server's GOMAXPROCS). */
  readonly env?: Readonly<Record<string, string>>;
}

export interface ClusterState {
  readonly dataDir: string;
  /** The URL clients use: HAProxy in front of the gateways. */
  readonly url: string;
  readonly prefix: string;
  readonly natsUrl: string;
  readonly pgUrl: string;
  readonly etcd: readonly string[];
  readonly ports: Readonly<Record<string, number>>;
  /** Commands between the nodes' state-hash comparisons. */
  readonly hashEvery: number;
  /** Fenced appends each leader keeps in flight (absent in states written before the option). */
  readonly appendsInFlight?: number;
  /** Least ms between a leader's appends' starts, when not the node's default (decision 0946). */
  readonly appendSpacingMs?: number;
  /** Niceness of the projector and PostgreSQL (absent in states written before the option: 0). */
  readonly backgroundNice?: number;
  /** The order path's real-time policy, `rr:10` or `fifo:10` (order-path-priority.ts); absent: none. */
  readonly orderPathPriority?: string;
  /** False when the gateways run with `--no-rate-limit` (load tests). */
  readonly rateLimits: boolean;
  readonly processes: ProcessEntry[];
}

export const stateFile = (dataDir: string) => join(dataDir, 'cluster.json');

export function readState(dataDir: string): ClusterState | undefined {
  const path = stateFile(dataDir);
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as ClusterState;
}

/** Written whole to a temp file and renamed, so a reader never sees half of it. */
export function writeState(state: ClusterState): void {
  const path = stateFile(state.dataDir);
  writeFileSync(`${path}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}

/** True when a process with this pid exists (it may be stopped). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
