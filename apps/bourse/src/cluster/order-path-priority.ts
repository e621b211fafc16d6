// The processes an acknowledgement waits for (etcd, nats-server, the leading engine node, the
// gateways, HAProxy) can run under a real-time scheduling policy on a shared machine, so no other work
// (the projector, PostgreSQL, the standbys, anything else on the host) holds a core they are waiting
// for (decisions 0979 and 0989, docs/cluster.md "CPU priority on one machine"). etcd, nats-server,
// the gateways and HAProxy start through `chrt`, so the policy holds from their first thread, and
// again on every restart (`cluster up` records the spec); an engine node sets its own by role.

import { execFile, spawnSync } from 'node:child_process';

export interface OrderPathPriority {
  readonly policy: 'rr' | 'fifo';
  /** 1–99: every process of the order path's, or with `layered` the lowest (the gateways'). */
  readonly priority: number;
  /** Each kind above the next along an append's path (LAYERS); otherwise all at `priority`. */
  readonly layered: boolean;
}

/**
 * What runs under it, every thread: a Node process's main thread hands work to threads of its own
 * (libuv's pool, worker threads), and with those left to the ordinary scheduler the order path waited
 * longer than with no policy at all (docs/BENCHMARKS.md, "The order path under a real-time policy").
 * An engine node sets its own by role (nodePriority): a standby follows the log behind the leader.
 */
const STARTED_BEHIND_CHRT = new Set(['etcd', 'nats', 'gateway', 'haproxy']);

/**
 * Layered priorities, above the spec's: equal real-time priorities do not preempt each other (a
 * round-robin quantum is 100 ms), so a gateway busy with a burst of events kept etcd's members from
 * the core a fenced append waited for. The short, latency-bound steps go first: etcd's Raft round,
 * the bus, the leader, then HAProxy and the gateways (decision 0989).
 */
const LAYERS: Readonly<Record<string, number>> = {
  etcd: 4,
  nats: 3,
  node: 2,
  haproxy: 1,
  gateway: 0,
};
const HIGHEST_LAYER = Math.max(...Object.values(LAYERS));

const policyFlag = (policy: OrderPathPriority['policy']) => (policy === 'rr' ? '--rr' : '--fifo');

/** Parses `none` or `<rr|fifo>:<1–99>[:layered]`; undefined for `none`. */
export function parseOrderPathPriority(text: string): OrderPathPriority | undefined {
  if (text === 'none') return undefined;
  const m = /^(rr|fifo):(\d{1,2})(:layered)?$/.exec(text);
  const priority = Number(m?.[2]);
  const layered = m?.[3] !== undefined;
  if (m === null || priority < 1 || (layered && priority + HIGHEST_LAYER > 99)) {
    throw new Error(
      `--order-path-priority must be none, rr:<1-99>, fifo:<1-99> or either with :layered ` +
        `(the lowest priority, at most ${99 - HIGHEST_LAYER}), not ${text}`,
    );
  }
  return { policy: m[1] as 'rr' | 'fifo', priority, layered };
}

/** The spec as `parseOrderPathPriority` reads it. */
export const formatOrderPathPriority = (p: OrderPathPriority) =>
  `${p.policy}:${p.priority}${p.layered ? ':layered' : ''}`;

/** The real-time priority a process of this kind of the order path runs at. */
export const priorityOf = (p: OrderPathPriority, kind: string): number =>
  p.priority + (p.layered ? (LAYERS[kind] ?? 0) : 0);

/**
 * An engine node's real-time priority in a role: the leader's layer while it leads; one below the
 * lowest of the order path while it stands by (undefined: the ordinary scheduler, at priority 1), so
 * a standby never takes a core from the order path and still keeps up ahead of the background, since
 * its lag bounds a failover (decision 0989).
 */
export function nodePriority(p: OrderPathPriority, role: 'leader' | 'standby'): number | undefined {
  if (role === 'leader') return priorityOf(p, 'node');
  return p.priority > 1 ? p.priority - 1 : undefined;
}

/**
 * The `chrt` words a process of this kind starts behind; none for the background, for no policy, and
 * for an engine node (it sets its own by role: nodePriority).
 */
export function priorityPrefix(p: OrderPathPriority | undefined, kind: string): string[] {
  if (p === undefined || !STARTED_BEHIND_CHRT.has(kind)) return [];
  return ['chrt', policyFlag(p.policy), String(priorityOf(p, kind))];
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

/**
 * Puts every thread of this process under the policy at `priority`, or back under the ordinary
 * scheduler when it is undefined: an engine node does this on each change of role. Threads started
 * later inherit the policy of the thread that starts them. Answers whether `chrt` succeeded.
 */
export function setOwnThreadsPolicy(
  policy: OrderPathPriority['policy'],
  priority: number | undefined,
): Promise<boolean> {
  const words = priority === undefined ? ['--other', '0'] : [policyFlag(policy), String(priority)];
  return new Promise((resolve) => {
    execFile('chrt', ['--all-tasks', '--pid', ...words, String(process.pid)], (error) =>
      resolve(error === null),
    );
  });
}
