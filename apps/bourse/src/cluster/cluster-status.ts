// `bourse cluster status`, and the same view for a gateway's `/cluster-status` (the web operations
// page): every engine node and every gateway answers one status request over NATS; this gathers them
// into the leader, the term, each node's applied seq, its lag behind the leader and whether its state
// hash agrees with the others' at the seq it was taken; `--json` prints that object for scripts.

import { parseArgs } from 'node:util';
import { stateHashVersion } from '@bourse/engine';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  clusterSubjects,
  decodeMessage,
  type GatewayStatusReply,
  type StatusReply,
} from '@bourse/cluster/protocol';
import { CLUSTER_HELP } from '../help-texts.ts';
import { alive, type ClusterState, readState } from './cluster-state.ts';

export interface NodeView {
  node: string;
  role: string;
  pid: number;
  term: number;
  appliedSeq: number;
  /** The leader's applied seq minus this node's (0 with no leader). */
  lag: number;
  stateHash: string;
  hashSeq: number;
  /** False when another node took a different hash at the same seq. */
  hashAgrees: boolean;
  alarm?: string;
}

export interface ClusterStatus {
  readonly url: string;
  readonly term: number;
  readonly leader: { readonly node: string; readonly pid: number } | null;
  readonly nodes: NodeView[];
  readonly gateways: { url: string; pid: number }[];
}

/** Every answer to one request on `subject`, collected for `waitMs`; none when nobody listens. */
async function gather<T>(nats: NatsConnection, subject: string, waitMs: number): Promise<T[]> {
  const out: T[] = [];
  try {
    const answers = await nats.requestMany(subject, '{}', { strategy: 'timer', maxWait: waitMs });
    for await (const msg of answers) out.push(decodeMessage<T>(msg.data));
  } catch (error) {
    const e = error as { isNoResponders?: () => boolean; message?: string };
    const none = e.isNoResponders?.() === true || /no responders/i.test(String(e.message));
    if (!none) throw error;
  }
  return out;
}

/** Every node's answer to one status request, collected for `waitMs`. */
export async function nodeStatuses(
  nats: NatsConnection,
  prefix: string,
  waitMs = 1_000,
): Promise<StatusReply[]> {
  const replies = await gather<StatusReply>(nats, clusterSubjects(prefix).status, waitMs);
  return replies.sort((a, b) => a.node.localeCompare(b.node));
}

/** Answers `gateway-status` requests for this gateway until the returned function is called. */
export function answerGatewayStatus(
  nats: NatsConnection,
  prefix: string,
  me: GatewayStatusReply,
): () => void {
  const sub = nats.subscribe(clusterSubjects(prefix).gatewayStatus, {
    callback: (_err, msg) => {
      try {
        msg.respond(JSON.stringify(me));
      } catch {
        // Closing: the asker counts one gateway less.
      }
    },
  });
  return () => sub.unsubscribe();
}

export function summarise(
  url: string,
  replies: readonly StatusReply[],
  gateways: readonly GatewayStatusReply[],
): ClusterStatus {
  const leaders = replies.filter((r) => r.role === 'leader').sort((a, b) => b.term - a.term);
  const leader = leaders[0];
  // Hashes compare only at one seq and one state-hash version (a rolling upgrade mixes versions).
  const hashesAt = new Map<string, Set<string>>();
  const at = (r: StatusReply) => `${r.hashSeq}/${stateHashVersion(r.stateHash)}`;
  for (const r of replies) {
    if (r.stateHash === '') continue;
    const set = hashesAt.get(at(r)) ?? new Set<string>();
    set.add(r.stateHash);
    hashesAt.set(at(r), set);
  }
  return {
    url,
    term: Math.max(0, ...replies.map((r) => r.term)),
    leader: leader === undefined ? null : { node: leader.node, pid: leader.pid },
    nodes: replies.map((r) => ({
      node: r.node,
      role: r.role,
      pid: r.pid,
      term: r.term,
      appliedSeq: r.appliedSeq,
      lag: leader === undefined ? 0 : Math.max(0, leader.appliedSeq - r.appliedSeq),
      stateHash: r.stateHash,
      hashSeq: r.hashSeq,
      hashAgrees: (hashesAt.get(at(r))?.size ?? 0) <= 1,
      ...(r.alarm === undefined ? {} : { alarm: r.alarm }),
    })),
    gateways: [...gateways]
      .sort((a, b) => a.url.localeCompare(b.url))
      .map((g) => ({ url: g.url, pid: g.pid })),
  };
}

/** What `cluster status` shows, as seen from `nats`; `url` is where clients reach the cluster. */
export async function readClusterStatus(
  nats: NatsConnection,
  prefix: string,
  url: string,
  waitMs = 1_000,
): Promise<ClusterStatus> {
  const [nodes, gateways] = await Promise.all([
    nodeStatuses(nats, prefix, waitMs),
    gather<GatewayStatusReply>(nats, clusterSubjects(prefix).gatewayStatus, waitMs),
  ]);
  return summarise(url, nodes, gateways);
}

/** Human-readable: one line per node with its lag and whether its hash matches its peers'. */
export function formatStatus(s: ClusterStatus): string {
  const lines = [
    `cluster ${s.url}  term ${s.term}  leader ${s.leader === null ? 'NONE' : `${s.leader.node} (pid ${s.leader.pid})`}`,
    'node        role      pid      applied    lag   hash@seq',
  ];
  for (const n of s.nodes) {
    const agree = n.hashAgrees ? 'agrees' : 'DISAGREES';
    lines.push(
      `${n.node.padEnd(11)} ${n.role.padEnd(9)} ${String(n.pid).padEnd(8)} ` +
        `${String(n.appliedSeq).padEnd(10)} ${String(n.lag).padEnd(5)} ` +
        `${n.stateHash.slice(0, 12)}@${n.hashSeq} ${agree}${n.alarm === undefined ? '' : ` ALARM ${n.alarm}`}`,
    );
  }
  lines.push(`gateways: ${s.gateways.map((g) => `${g.url} (pid ${g.pid})`).join(', ') || 'none'}`);
  return `${lines.join('\n')}\n`;
}

export async function clusterStatusCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'data-dir': { type: 'string', default: './cluster' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(CLUSTER_HELP);
    return 0;
  }
  const state = readState(values['data-dir']);
  if (state === undefined) {
    process.stderr.write(`no cluster in ${values['data-dir']} (run bourse cluster up first)\n`);
    return 1;
  }
  // One bounded attempt: a status that waits forever for a stopped nats-server tells nobody anything.
  const nats = await connect({
    servers: state.natsUrl.split(','),
    name: `status-${process.pid}`,
    timeout: 3_000,
    maxReconnectAttempts: 0,
  }).catch((error: unknown) => {
    process.stderr.write(
      `cluster status: nats-server at ${state.natsUrl} does not answer (${(error as Error).message}); ` +
        'without it the nodes cannot be asked. What this machine can see:\n',
    );
    process.stderr.write(formatProcesses(state));
    return undefined;
  });
  if (nats === undefined) return 2;
  try {
    const status = await readClusterStatus(nats, state.prefix, state.url);
    process.stdout.write(values.json ? `${JSON.stringify(status)}\n` : formatStatus(status));
    return status.leader === null ? 3 : 0;
  } finally {
    await nats.close();
  }
}

/** The processes `cluster up` started, each running or not (from their pids, on this machine). */
export function formatProcesses(state: ClusterState): string {
  return state.processes
    .map(
      (p) =>
        `  ${p.name.padEnd(12)} ${p.kind.padEnd(10)} pid ${String(p.pid).padEnd(8)} ${alive(p.pid) ? 'running' : 'NOT RUNNING'}\n`,
    )
    .join('');
}
