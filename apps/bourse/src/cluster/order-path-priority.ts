// The processes an acknowledgement waits for (etcd, nats-server, the engine nodes, the gateways,
// HAProxy) can run under a real-time scheduling policy on a shared machine, so no other work (the
// projector, PostgreSQL, anything else on the host) holds a core they are waiting for (decision 0979,
// docs/cluster.md "CPU priority on one machine"). Each one is started through `chrt`, so the policy
// holds from its first thread, and again on every restart (`cluster up` records the spec).

import { spawnSync } from 'node:child_process';

export interface OrderPathPriority {
  readonly policy: 'rr' | 'fifo';
  /** 1–99, the same for every process of the order path. */
  readonly priority: number;
}

/**
 * What runs under it, every thread: a Node process's main thread hands work to threads of its own
 * (libuv's pool, worker threads), and with those left to the ordinary scheduler the order path waited
 * longer than with no policy at all (docs/BENCHMARKS.md, "The order path under a real-time policy").
 */
const ORDER_PATH = new Set(['etcd', 'nats', 'node', 'gateway', 'haproxy']);

/** Parses `none` or `<rr|fifo>:<1–99>`; undefined for `none`. */
export function parseOrderPathPriority(text: string): OrderPathPriority | undefined {
  if (text === 'none') return undefined;
  const m = /^(rr|fifo):(\d{1,2})$/.exec(text);
  const priority = Number(m?.[2]);
  if (m === null || priority < 1) {
    throw new Error(`--order-path-priority must be none, rr:<1-99> or fifo:<1-99>, not ${text}`);
  }
  return { policy: m[1] as 'rr' | 'fifo', priority };
}

/** The spec as `parseOrderPathPriority` reads it. */
export const formatOrderPathPriority = (p: OrderPathPriority) => `${p.policy}:${p.priority}`;

/** The `chrt` words a process of this kind starts behind; none for the background or no policy. */
export function priorityPrefix(p: OrderPathPriority | undefined, kind: string): string[] {
  if (p === undefined || !ORDER_PATH.has(kind)) return [];
  return ['chrt', p.policy === 'rr' ? '--rr' : '--fifo', String(p.priority)];
}

/**
 * Refuses, before anything starts, when this process may not set the policy (root, CAP_SYS_NICE or
 * an RLIMIT_RTPRIO high enough are needed): tried once on `true`.
 */
export function checkOrderPathPriority(p: OrderPathPriority): void {
  const prefix = priorityPrefix(p, 'etcd');
  const r = spawnSync(prefix[0]!, [...prefix.slice(1), 'true'], { encoding: 'utf8' });
  if (r.status === 0) return;
  const why = (r.stderr ?? r.error?.message ?? '').trim();
  throw new Error(
    `--order-path-priority ${formatOrderPathPriority(p)} needs root or CAP_SYS_NICE ` +
      `(chrt could not set it: ${why})`,
  );
}
