// The cluster's figures on every gateway's /metrics: each engine node's own metrics (leader, term, lag,
// elections, fenced appends, etcd append latency, hash checks: from its status reply, polled every few
// seconds) merged family by family, since Prometheus text allows one HELP/TYPE per family, plus what
// this gateway sees of the cluster (the term on the event stream, gaps filled, retried requests) and
// how far the projector's read models are behind the stream (a stalled projector shows here).

import type { NatsConnection } from '@nats-io/transport-node';
import type { RemoteExchangeCore } from '@bourse/remote-core';
import { nodeStatuses } from './cluster-status.ts';

const POLL_MS = 5_000;

/** Merges several Prometheus texts: one HELP/TYPE per family, every family's samples together. */
export function mergePrometheus(texts: readonly string[]): string {
  const families = new Map<string, { head: string[]; samples: string[] }>();
  for (const text of texts) {
    let family = '';
    for (const line of text.split('\n')) {
      if (line === '') continue;
      const meta = /^# (HELP|TYPE) (\S+)/.exec(line);
      if (meta !== null) family = meta[2]!;
      const f = families.get(family) ?? { head: [], samples: [] };
      families.set(family, f);
      if (meta === null) f.samples.push(line);
      else if (!f.head.some((h) => h.startsWith(`# ${meta[1]} `))) f.head.push(line);
    }
  }
  let out = '';
  for (const f of families.values()) out += `${[...f.head, ...f.samples].join('\n')}\n`;
  return out;
}

function gauge(name: string, help: string, type: string, value: number): string {
  return `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${name} ${value}\n`;
}

export function renderNodesAnswering(count: number): string {
  return gauge(
    'bourse_cluster_nodes_answering',
    'Engine nodes that answered the last status poll.',
    'gauge',
    count,
  );
}

/** What this gateway sees of the cluster on its event stream and in its requests. */
export function renderGatewayClusterView(c: RemoteExchangeCore['cluster']): string {
  return (
    gauge(
      'bourse_gateway_cluster_term',
      'Newest leader term on the event stream.',
      'gauge',
      c.term,
    ) +
    gauge(
      'bourse_gateway_events_seq',
      'Last seq delivered by the event stream.',
      'gauge',
      c.deliveredSeq,
    ) +
    gauge(
      'bourse_gateway_event_gaps_filled_total',
      'Gaps in the bus filled from replay.',
      'counter',
      c.gapsFilled,
    ) +
    gauge(
      'bourse_gateway_replayed_commands_total',
      'Commands received through replay.',
      'counter',
      c.replayedCommands,
    ) +
    gauge(
      'bourse_gateway_leader_retries_total',
      'Requests sent again across a leader change.',
      'counter',
      c.retries,
    ) +
    gauge(
      'bourse_gateway_requests_resent_on_new_leader_total',
      'Safe requests sent again at once when a new leader announced itself.',
      'counter',
      c.abandonedOnLeaderChange,
    )
  );
}

/** The read models' stored seq (PostgreSQL, written by the projector) and their lag behind `seq`. */
export function renderReadModelsLag(storedSeq: number, deliveredSeq: number): string {
  return (
    gauge(
      'bourse_cluster_read_models_seq',
      'Last seq the projector stored in the read models.',
      'gauge',
      storedSeq,
    ) +
    gauge(
      'bourse_cluster_read_models_lag_commands',
      'Commands this gateway received that the read models do not hold yet.',
      'gauge',
      Math.max(0, deliveredSeq - storedSeq),
    )
  );
}

export class ClusterMetrics {
  #nodes = '';
  #readModels = '';
  readonly #timer: NodeJS.Timeout;
  readonly #core: RemoteExchangeCore;

  constructor(nats: NatsConnection, prefix: string, core: RemoteExchangeCore) {
    this.#core = core;
    const poll = async () => {
      const replies = await nodeStatuses(nats, prefix, 1_000).catch(() => []);
      const texts = replies.map((r) => r.metrics ?? '');
      this.#nodes = mergePrometheus([...texts, renderNodesAnswering(replies.length)]);
      const stored = await core.readModels.lastAppliedSeq().catch(() => undefined);
      this.#readModels =
        stored === undefined ? '' : renderReadModelsLag(stored, core.cluster.deliveredSeq);
    };
    void poll();
    this.#timer = setInterval(() => void poll(), POLL_MS);
    this.#timer.unref();
  }

  render(): string {
    return this.#nodes + this.#readModels + renderGatewayClusterView(this.#core.cluster);
  }

  close(): void {
    clearInterval(this.#timer);
  }
}
