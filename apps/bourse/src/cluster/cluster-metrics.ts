// The cluster's figures on every gateway's /metrics: each engine node's own metrics (leader, term, lag,
// elections, fenced appends, etcd append latency, hash checks), which the node sends as prom-client
// JSON in its status reply (polled every few seconds) and prom-client's AggregatorRegistry merges into
// one family each; plus what this gateway sees of the cluster (the term on the event stream, gaps
// filled, retried requests) and how far the projector's read models are behind the stream (a stalled
// projector shows here), as families in the gateway's own registry.

import type { NatsConnection } from '@nats-io/transport-node';
import { type Histogram, MetricFamilies } from '@bourse/core';
import type { RemoteExchangeCore } from '@bourse/remote-core';
import {
  AggregatorRegistry,
  type MetricObjectWithValues,
  type MetricValue,
  type Registry,
} from 'prom-client';
import { nodeStatuses } from './cluster-status.ts';

const POLL_MS = 5_000;

type NodeMetrics = MetricObjectWithValues<MetricValue<string>>[];

/** The engine nodes' metrics as one exposition text: each family once, every node's series in it. */
export async function aggregateNodeMetrics(nodes: readonly NodeMetrics[]): Promise<string> {
  const registry = AggregatorRegistry.aggregate(nodes as NodeMetrics[]) as Registry;
  const families = new MetricFamilies(registry);
  families.gauge(
    'bourse_cluster_nodes_answering',
    'Engine nodes that answered the last status poll.',
    () => nodes.length,
  );
  return registry.metrics();
}

/** What a gateway sees of the cluster and of the read models, as families of `registry`. */
export function addGatewayClusterFamilies(
  registry: Registry,
  cluster: () => RemoteExchangeCore['cluster'],
  storedSeq: () => number | undefined,
  submitStages?: () => Readonly<Record<string, Histogram>>,
  retryWaits?: () => Readonly<Record<string, Histogram>>,
): void {
  const f = new MetricFamilies(registry);
  if (submitStages !== undefined) {
    f.labelledHistogram(
      'bourse_gateway_submit_stage_seconds',
      "A submit's time on this gateway by stage: turn (submitted → request sent), request (sent → " +
        "the leader's reply), of which leader (the leader's hold) and transit (the rest), events " +
        '(reply → the applied command from the event stream).',
      'stage',
      submitStages,
    );
  }
  if (retryWaits !== undefined) {
    f.labelledHistogram(
      'bourse_gateway_retry_wait_seconds',
      'Time requests to the leader spent on attempts that brought no answer, by what each came to ' +
        '(no_responders, not_leader, timeout, new_leader: given up on when a new leader announced ' +
        'itself, unavailable), and in the pauses between attempts (backoff).',
      'wait',
      retryWaits,
    );
  }
  f.gauge(
    'bourse_gateway_cluster_term',
    'Newest leader term on the event stream.',
    () => cluster().term,
  );
  f.gauge(
    'bourse_gateway_events_seq',
    'Last seq delivered by the event stream.',
    () => cluster().deliveredSeq,
  );
  f.counter(
    'bourse_gateway_event_gaps_filled_total',
    'Gaps in the bus filled from replay.',
    () => cluster().gapsFilled,
  );
  f.counter(
    'bourse_gateway_replayed_commands_total',
    'Commands received through replay.',
    () => cluster().replayedCommands,
  );
  f.counter(
    'bourse_gateway_leader_retries_total',
    'Requests sent again across a leader change.',
    () => cluster().retries,
  );
  f.counter(
    'bourse_gateway_requests_resent_on_new_leader_total',
    'Safe requests sent again at once when a new leader announced itself.',
    () => cluster().abandonedOnLeaderChange,
  );
  // No series until the projector's seq has been read once (the families are still declared).
  const known = (value: () => number) => async () => {
    const stored = storedSeq();
    return stored === undefined ? [] : [{ labels: {}, value: value() }];
  };
  f.labelledGauge(
    'bourse_cluster_read_models_seq',
    'Last seq the projector stored in the read models.',
    [],
    known(() => storedSeq() ?? 0),
  );
  f.labelledGauge(
    'bourse_cluster_read_models_lag_commands',
    'Commands this gateway received that the read models do not hold yet.',
    [],
    known(() => Math.max(0, cluster().deliveredSeq - (storedSeq() ?? 0))),
  );
}

/** Polls the nodes' metrics and the read models' seq; `render()` is the nodes' part of /metrics. */
export class ClusterMetrics {
  #nodes = '';
  #storedSeq: number | undefined;
  readonly #timer: NodeJS.Timeout;
  readonly #core: RemoteExchangeCore;

  constructor(nats: NatsConnection, prefix: string, core: RemoteExchangeCore) {
    this.#core = core;
    const poll = async () => {
      const replies = await nodeStatuses(nats, prefix, 1_000).catch(() => []);
      this.#nodes = await aggregateNodeMetrics(replies.map((r) => r.metrics ?? []));
      this.#storedSeq = await core.readModels.lastAppliedSeq().catch(() => undefined);
    };
    void poll();
    this.#timer = setInterval(() => void poll(), POLL_MS);
    this.#timer.unref();
  }

  /** Adds this gateway's own view of the cluster to its /metrics registry. */
  register(registry: Registry): void {
    addGatewayClusterFamilies(
      registry,
      () => this.#core.cluster,
      () => this.#storedSeq,
      () => this.#core.submitStages,
      () => this.#core.retryWaits,
    );
  }

  render(): string {
    return this.#nodes;
  }

  close(): void {
    clearInterval(this.#timer);
  }
}
