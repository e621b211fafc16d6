// The cluster's work that no acknowledgement waits for (the projector and PostgreSQL behind it) can run
// at a lower CPU priority on a shared machine, so the processes on the order path (etcd, nats-server,
// HAProxy, the leader, the gateways) get a core first; the read models lag instead and catch up when
// the load drops (decision 0970, docs/cluster.md "CPU priority on one machine").

import { readFileSync } from 'node:fs';
import { lowerProcessTree } from '@bourse/core/thread-priority';

/** `bourse cluster up`'s default for the projector and PostgreSQL: not lowered (decision 0970). */
export const DEFAULT_BACKGROUND_NICE = 0;

/** A niceness option: an integer from 0 (as the order path) to 19 (the least CPU). */
export function niceOption(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d{1,2}$/.test(text) || Number(text) > 19) {
    throw new Error(`${name} must be an integer from 0 to 19`);
  }
  return Number(text);
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '']);

/**
 * What the projector does with each PostgreSQL connection it opens: on a server on this machine, the
 * backend process serving it is lowered too (PostgreSQL makes each backend a session of its own, so
 * the postmaster's niceness alone does not weigh it; thread-priority.ts). Undefined when nothing is
 * to be done: niceness 0, or a server elsewhere, whose process ids name nothing here.
 */
export function lowerLocalBackends(
  pgUrl: string,
  nice: number,
): ((pid: number) => void) | undefined {
  if (nice <= 0 || !LOOPBACK.has(new URL(pgUrl).hostname)) return undefined;
  return (pid) => {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'latin1').trim() !== 'postgres') return;
    } catch {
      return;
    }
    void lowerProcessTree(pid, nice);
  };
}
