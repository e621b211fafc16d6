// `bourse cluster status`: asks every engine node for its status over NATS (each answers the one
// request), and prints the leader, the term, every node's applied seq, its lag behind the leader and
// whether the nodes' state hashes agree at the seqs they share; `--json` prints one object for scripts.

import { parseArgs } from 'node:util';
import type { NatsConnection } from '@nats-io/transport-node';
import { clusterSubjects, decodeMessage, type StatusReply } from '@bourse/cluster/protocol';
import { CLUSTER_HELP } from '../help-texts.ts';
import { alive, type ClusterState, readState } from './cluster-state.ts';
import { connectNats } from './gateway-command.ts';

export interface ClusterStatus {
  readonly url: string;
  readonly term: number;
  readonly leader: { readonly node: string; readonly pid: number } | null;
  readonly nodes: {
    node: string;
    role: string;
    pid: number;
    appliedSeq: number;
    stateHash: string;
    hashSeq: number;
  }[];
  readonly gateways: { url: string; pid: number }[];
}

/** Every node's answer to one status request, collected for `waitMs`. */
export async function nodeStatuses(
  nats: NatsConnection,
  prefix: string,
  waitMs = 1_000,
): Promise<StatusReply[]> {
  const replies: StatusReply[] = [];
  const answers = await nats.requestMany(clusterSubjects(prefix).status, '{}', {
    strategy: 'timer',
    maxWait: waitMs,
  });
  for await (const msg of answers) replies.push(decodeMessage<StatusReply>(msg.data));
  return replies.sort((a, b) => a.node.localeCompare(b.node));
}

export function summarise(state: ClusterState, replies: readonly StatusReply[]): ClusterStatus {
  const leaders = replies.filter((r) => r.role === 'leader').sort((a, b) => b.term - a.term);
  const leader = leaders[0];
  return {
    url: state.url,
    term: Math.max(0, ...replies.map((r) => r.term)),
    leader: leader === undefined ? null : { node: leader.node, pid: leader.pid },
    nodes: replies.map((r) => ({
      node: r.node,
      role: r.role,
      pid: r.pid,
      appliedSeq: r.appliedSeq,
      stateHash: r.stateHash,
      hashSeq: r.hashSeq,
    })),
    gateways: state.processes
      .filter((p) => p.kind === 'gateway' && alive(p.pid))
      .map((p) => ({ url: p.url ?? '', pid: p.pid })),
  };
}

/** Human-readable: one line per node with its lag and whether its hash matches its peers'. */
export function formatStatus(s: ClusterStatus): string {
  const head = s.nodes.find((n) => n.role === 'leader')?.appliedSeq ?? 0;
  const byHashSeq = new Map<number, Set<string>>();
  for (const n of s.nodes) {
    const set = byHashSeq.get(n.hashSeq) ?? new Set<string>();
    set.add(n.stateHash);
    byHashSeq.set(n.hashSeq, set);
  }
  const lines = [
    `cluster ${s.url}  term ${s.term}  leader ${s.leader === null ? 'NONE' : `${s.leader.node} (pid ${s.leader.pid})`}`,
    'node        role      pid      applied    lag   hash@seq',
  ];
  for (const n of s.nodes) {
    const agree = (byHashSeq.get(n.hashSeq)?.size ?? 0) <= 1 ? 'agrees' : 'DISAGREES';
    lines.push(
      `${n.node.padEnd(11)} ${n.role.padEnd(9)} ${String(n.pid).padEnd(8)} ` +
        `${String(n.appliedSeq).padEnd(10)} ${String(Math.max(0, head - n.appliedSeq)).padEnd(5)} ` +
        `${n.stateHash.slice(0, 12)}@${n.hashSeq} ${agree}`,
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
  const nats = await connectNats(state.natsUrl, `status-${process.pid}`);
  try {
    const status = summarise(state, await nodeStatuses(nats, state.prefix));
    process.stdout.write(values.json ? `${JSON.stringify(status)}\n` : formatStatus(status));
    return status.leader === null ? 3 : 0;
  } finally {
    await nats.close();
  }
}
